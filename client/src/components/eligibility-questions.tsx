import { For } from 'solid-js';
import { ELIGIBILITY_CRITERIA, type EligibilityCriterion } from '../../../shared/domain/qualification';
import { t } from '../i18n';
import { ChoiceGroup } from './choice-group';

export type EligibilityAnswer = 'yes' | 'no' | '';

/** The public eligibility questionnaire (one yes/no per criterion), for an application or an import. */
export function EligibilityQuestions(props: {
  answers: Record<EligibilityCriterion, EligibilityAnswer>;
  onAnswer: (criterion: EligibilityCriterion, answer: EligibilityAnswer) => void;
  errorOf: (criterion: EligibilityCriterion) => string | undefined;
}) {
  return (
    <For each={ELIGIBILITY_CRITERIA}>
      {(criterion) => (
        <ChoiceGroup
          name={`eligibility-${criterion}`}
          type="radio"
          legend={t(`eligibility.${criterion}`)}
          hint={t(`eligibility.${criterion}.rule`)}
          options={[
            { value: 'yes', label: t('form.yes') },
            { value: 'no', label: t('form.no') },
          ]}
          selected={[props.answers[criterion]]}
          onChange={(v) => props.onAnswer(criterion, v[0] as EligibilityAnswer)}
          error={props.errorOf(criterion)}
          inline
        />
      )}
    </For>
  );
}
