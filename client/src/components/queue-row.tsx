import { A } from '@solidjs/router';
import { createSignal, For, Show } from 'solid-js';
import { decisionOutcome, ELIGIBILITY_CRITERIA, type QualificationDecision } from '../../../shared/domain/qualification';
import { QualificationDecisionInput } from '../../../shared/schemas/qualification';
import { decide, type QueueEntry } from '../api/qualification';
import { createSubmission } from '../forms';
import { formatDate, formatNumber, t } from '../i18n';
import { ModeBadge, QualificationBadge } from './badges';
import { FormAlert } from './form-alert';
import { TerritoryBalance } from './territory-balance';
import { TextField } from './text-field';

const DECISIONS: QualificationDecision[] = ['qualify', 'reject', 'suspend', 'reinstate'];

/** Older applications may lack an answer: shown as such, never as a « yes ». */
const answerLabel = (answer: boolean | undefined) => (answer === undefined ? t('queue.noAnswer') : answer ? t('form.yes') : t('form.no'));

/** One place of the operator's queue: what it declared, its territory, and the decision. */
export function QueueRow(props: { entry: QueueEntry; onDecided: (message: string) => void }) {
  const place = () => props.entry.place;
  const [reason, setReason] = createSignal('');
  const submission = createSubmission();
  const possible = () => DECISIONS.filter((d) => decisionOutcome(place().status, d) !== undefined);
  const unmet = (criterion: string) => props.entry.unmetCriteria.includes(criterion as (typeof ELIGIBILITY_CRITERIA)[number]);

  const onDecide = async (decision: QualificationDecision) => {
    const parsed = QualificationDecisionInput.safeParse({ placeId: place().id, decision, reason: reason() });
    if (!parsed.success) return submission.invalid(parsed.error, t('form.invalid'));
    const name = place().name;
    const ok = await submission.run(() => decide(parsed.data));
    if (ok) {
      setReason('');
      props.onDecided(t(`queue.decided.${decision}`, { place: name }));
    }
  };

  const reasonId = () => `reason-${place().id}`;

  return (
    <li class="card queue-row" data-testid="queue-row" aria-labelledby={`queue-${place().id}-name`}>
      <header class="place-header">
        <div>
          <h3 id={`queue-${place().id}-name`}>
            <A href={`/lieux/${place().id}`}>{place().name}</A>
          </h3>
          <p class="muted">
            {props.entry.organisationName} · {t('funder.siret')} {props.entry.siret ?? '—'}
          </p>
        </div>
        <div class="badges">
          <ModeBadge mode={place().mode} />
          <QualificationBadge status={place().status} />
        </div>
      </header>
      <div class="queue-grid">
        <dl class="facts compact">
          <div>
            <dt>{t('place.mainCommune')}</dt>
            <dd>
              {place().mainCommune.nom} ({place().mainCommune.code}) — {place().departement.nom}
            </dd>
          </div>
          <Show when={place().communes.length > 1}>
            <div>
              <dt>{t('place.communes')}</dt>
              <dd>
                <ul class="inline-list">
                  <For each={place().communes}>{(c) => <li>{c.nom}</li>}</For>
                </ul>
              </dd>
            </div>
          </Show>
          <Show when={place().address}>
            <div>
              <dt>{t('application.address')}</dt>
              <dd>{place().address}</dd>
            </div>
          </Show>
          <div>
            <dt>{t('place.services')}</dt>
            <dd>
              <ul class="chips">
                <For each={place().services}>{(s) => <li>{s}</li>}</For>
              </ul>
            </dd>
          </div>
          <div>
            <dt>{t('place.capacity')}</dt>
            <dd>{t('place.capacityValue', { count: formatNumber(place().yearlyCapacity) })}</dd>
          </div>
          <div>
            <dt>{t('place.status')}</dt>
            <dd>
              <Show when={place().qualifiedAt} fallback={t('place.appliedOn', { date: formatDate(place().appliedAt) })}>
                {(date) => t('place.qualifiedOn', { date: formatDate(date()) })}
              </Show>
              <Show when={place().statusReason}>{(r) => <span class="muted"> — {r()}</span>}</Show>
            </dd>
          </div>
        </dl>
        <TerritoryBalance balance={props.entry.balance} />
      </div>
      <h4 id={`eligibility-${place().id}`}>
        {t('queue.eligibility')}
        <Show when={props.entry.unmetCriteria.length > 0}>
          {' '}
          <span class="badge unmet">{t('queue.unmetCount', { count: props.entry.unmetCriteria.length })}</span>
        </Show>
      </h4>
      <ul class="eligibility" aria-labelledby={`eligibility-${place().id}`}>
        <For each={ELIGIBILITY_CRITERIA}>
          {(criterion) => (
            <li classList={{ unmet: unmet(criterion) }} data-unmet={unmet(criterion)}>
              <span class="answer">{answerLabel(props.entry.eligibility[criterion])}</span>
              <span>{t(`eligibility.${criterion}`)}</span>
              <Show when={unmet(criterion)}>
                <span class="visually-hidden"> — {t('queue.unmet')}</span>
              </Show>
            </li>
          )}
        </For>
      </ul>
      <div class="decision">
        <FormAlert message={submission.error()} />
        <TextField
          name="reason"
          id={reasonId()}
          label={t('queue.reason')}
          hint={t('queue.reasonHint')}
          multiline
          value={reason()}
          onInput={setReason}
          error={submission.fieldError('reason')}
          testid="decision-reason"
        />
        <div class="form-actions">
          <For each={possible()}>
            {(decision) => (
              <button
                type="button"
                class="button"
                classList={{ danger: decision === 'reject' || decision === 'suspend' }}
                disabled={submission.pending()}
                onClick={() => void onDecide(decision)}
                data-testid={`decide-${decision}`}
              >
                {t(`queue.decide.${decision}`)}
              </button>
            )}
          </For>
        </div>
      </div>
    </li>
  );
}
