import { A, useNavigate, useParams } from '@solidjs/router';
import { createEffect, createResource, on, Show } from 'solid-js';
import { createStore } from 'solid-js/store';
import { PLACE_MODES, type PlaceMode } from '../../../shared/domain/enums';
import { ELIGIBILITY_CRITERIA, type EligibilityCriterion } from '../../../shared/domain/qualification';
import { ApplyPlaceInput } from '../../../shared/schemas/qualification';
import { fetchOrganisation } from '../api/organisations';
import { submitApplication } from '../api/qualification';
import { ChoiceGroup } from '../components/choice-group';
import { EligibilityQuestions, type EligibilityAnswer } from '../components/eligibility-questions';
import { ErrorBox } from '../components/error-box';
import { FormAlert } from '../components/form-alert';
import { TextField } from '../components/text-field';
import { createSubmission, parseCount, splitCodes } from '../forms';
import { t } from '../i18n';
import { services } from '../session';
import { valueOf } from '../resource';

type Answer = EligibilityAnswer;

/** `/espace/:organisationId/candidature`: an actor applies for the qualification of one place. */
export function ApplicationPage() {
  const params = useParams();
  const navigate = useNavigate();
  const organisationId = () => Number(params.organisationId);
  const [organisation] = createResource(organisationId, fetchOrganisation);

  const [form, setForm] = createStore({
    siret: '',
    name: '',
    mode: 'fixed' as PlaceMode,
    mainCommuneCode: '',
    communeCodes: '',
    address: '',
    services: [] as string[],
    yearlyCapacity: '',
    legalRepresentative: '',
    eligibility: Object.fromEntries(ELIGIBILITY_CRITERIA.map((c) => [c, ''])) as Record<EligibilityCriterion, Answer>,
  });
  // The organisation's own SIRET, once known: most actors apply with it.
  createEffect(on(() => valueOf(organisation), (org) => org?.siret && !form.siret && setForm('siret', org.siret)));

  const submission = createSubmission();
  const answer = (a: Answer) => (a === '' ? undefined : a === 'yes');

  // The server names only the `eligibility` object; the shared schema, each question.
  const eligibilityError = (criterion: EligibilityCriterion) => {
    const own = submission.fieldError(`eligibility.${criterion}`);
    if (own || criterion !== ELIGIBILITY_CRITERIA[0]) return own;
    return ELIGIBILITY_CRITERIA.some((c) => submission.fieldError(`eligibility.${c}`)) ? undefined : submission.fieldError('eligibility');
  };

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    const parsed = ApplyPlaceInput.safeParse({
      organisationId: organisationId(),
      siret: form.siret,
      name: form.name,
      mode: form.mode,
      mainCommuneCode: form.mainCommuneCode.trim().toUpperCase(),
      communeCodes: splitCodes(form.communeCodes),
      address: form.address.trim() || undefined,
      services: form.services,
      yearlyCapacity: parseCount(form.yearlyCapacity),
      legalRepresentative: form.legalRepresentative,
      eligibility: Object.fromEntries(ELIGIBILITY_CRITERIA.map((c) => [c, answer(form.eligibility[c])])),
    });
    if (!parsed.success) return submission.invalid(parsed.error, t('form.invalid'));
    const ok = await submission.run(() => submitApplication(parsed.data));
    if (ok) navigate(`/espace/${organisationId()}`);
  };

  return (
    <section aria-labelledby="application-title">
      <p class="eyebrow">{t('kind.actor')}</p>
      <h1 id="application-title">{t('application.title')}</h1>
      <Show when={organisation.error}>
        <ErrorBox error={organisation.error} />
      </Show>
      <p>{t('application.intro')}</p>
      <p>
        <A href={`/espace/${organisationId()}/import-lieux`} data-testid="places-import-link">
          {t('placesImport.link')}
        </A>
      </p>
      <form class="card form" onSubmit={onSubmit} novalidate data-testid="application-form">
        <FormAlert message={submission.error()} />
        <h2>{t('application.place')}</h2>
        <TextField name="name" label={t('application.name')} required value={form.name} onInput={(v) => setForm('name', v)} error={submission.fieldError('name')} />
        <TextField
          name="siret"
          label={t('application.siret')}
          hint={t('application.siretHint')}
          inputMode="numeric"
          required
          value={form.siret}
          onInput={(v) => setForm('siret', v)}
          error={submission.fieldError('siret')}
        />
        <ChoiceGroup
          name="mode"
          type="radio"
          legend={t('application.mode')}
          options={PLACE_MODES.map((m) => ({ value: m, label: t(`mode.${m}`) }))}
          selected={[form.mode]}
          onChange={(v) => setForm('mode', v[0] as PlaceMode)}
          error={submission.fieldError('mode')}
          inline
        />
        <TextField
          name="mainCommuneCode"
          label={t('application.mainCommune')}
          hint={t('application.communeHint')}
          required
          value={form.mainCommuneCode}
          onInput={(v) => setForm('mainCommuneCode', v)}
          error={submission.fieldError('mainCommuneCode')}
        />
        <TextField
          name="communeCodes"
          label={t('application.otherCommunes')}
          hint={t('application.otherCommunesHint')}
          value={form.communeCodes}
          onInput={(v) => setForm('communeCodes', v)}
          error={submission.fieldError('communeCodes')}
        />
        <TextField
          name="address"
          label={t('application.address')}
          hint={t('application.addressHint')}
          autocomplete="street-address"
          value={form.address}
          onInput={(v) => setForm('address', v)}
          error={submission.fieldError('address')}
        />
        <ChoiceGroup
          name="services"
          type="checkbox"
          legend={t('application.services')}
          options={services().map((s) => ({ value: s, label: s }))}
          selected={form.services}
          onChange={(v) => setForm('services', v)}
          error={submission.fieldError('services')}
        />
        <TextField
          name="yearlyCapacity"
          label={t('application.capacity')}
          hint={t('application.capacityHint')}
          inputMode="numeric"
          required
          value={form.yearlyCapacity}
          onInput={(v) => setForm('yearlyCapacity', v)}
          error={submission.fieldError('yearlyCapacity')}
        />
        <TextField
          name="legalRepresentative"
          label={t('application.legalRepresentative')}
          autocomplete="name"
          required
          value={form.legalRepresentative}
          onInput={(v) => setForm('legalRepresentative', v)}
          error={submission.fieldError('legalRepresentative')}
        />

        <h2>{t('application.eligibility')}</h2>
        <p class="muted">{t('application.eligibilityIntro')}</p>
        <EligibilityQuestions answers={form.eligibility} onAnswer={(criterion, answer) => setForm('eligibility', criterion, answer)} errorOf={eligibilityError} />
        <div class="form-actions">
          <button type="submit" class="button" disabled={submission.pending()} data-testid="application-submit">
            {submission.pending() ? t('form.sending') : t('application.submit')}
          </button>
          <A href={`/espace/${organisationId()}`}>{t('form.cancel')}</A>
        </div>
      </form>
    </section>
  );
}
