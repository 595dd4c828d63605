import { A, useParams } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import { fetchAuditTrail, type AuditEvent } from '../api/settlements';
import { ErrorBox } from '../components/error-box';
import { FormAlert } from '../components/form-alert';
import { createSubmission } from '../forms';
import type { MessageKey } from '../i18n/fr';
import { formatDateTime, t } from '../i18n';
import { valueOf } from '../resource';

const PAGE = 50;

/** Every action the server records, in words; an action added later shows as recorded until it is named here. */
const ACTIONS: Record<string, MessageKey> = {
  'order.published': 'audit.action.orderPublished',
  'order.bidding_closed': 'audit.action.orderBiddingClosed',
  'order.cancelled': 'audit.action.orderCancelled',
  'order.completed': 'audit.action.orderCompleted',
  'order.closed': 'audit.action.orderClosed',
  'order.closed_automatically': 'audit.action.orderClosedAutomatically',
  'award.created': 'audit.action.awardCreated',
  'funding.recorded': 'audit.action.fundingRecorded',
  'funding.from_credit': 'audit.action.fundingFromCredit',
  'credit_note.issued': 'audit.action.creditNoteIssued',
  'credit.refunded': 'audit.action.creditRefunded',
  'settlement.run': 'audit.action.settlementRun',
  'payout.created': 'audit.action.payoutCreated',
  'payout.paid': 'audit.action.payoutPaid',
  'qualification.qualified': 'audit.action.qualificationQualified',
  'qualification.rejected': 'audit.action.qualificationRejected',
  'qualification.suspended': 'audit.action.qualificationSuspended',
};

const SUBJECTS: Record<string, MessageKey> = {
  order: 'audit.subject.order',
  award: 'audit.subject.award',
  payout: 'audit.subject.payout',
  settlement: 'audit.subject.settlement',
  credit_note: 'audit.subject.creditNote',
  qualification: 'audit.subject.place',
  funding: 'audit.subject.funding',
  credit_refund: 'audit.subject.creditRefund',
};

const actionText = (action: string) => (ACTIONS[action] ? t(ACTIONS[action]) : action);

/** The subject in words, linked to its page where it has one. */
function Subject(props: { event: AuditEvent }) {
  const label = () => {
    const key = SUBJECTS[props.event.subjectType];
    return key ? t(key, { id: props.event.subjectId }) : `${props.event.subjectType} ${props.event.subjectId}`;
  };
  const href = () =>
    props.event.subjectType === 'order' ? `/commandes/${props.event.subjectId}` : props.event.subjectType === 'qualification' ? `/lieux/${props.event.subjectId}` : undefined;
  return <Show when={href()} fallback={label()}>{(link) => <A href={link()}>{label()}</A>}</Show>;
}

/**
 * `/journal` (the operator: the whole trail) and `/espace/:organisationId/journal` (what concerns
 * one organisation): who did what, when and why, newest first, older pages on demand.
 */
export function AuditPage() {
  const params = useParams();
  const organisationId = () => (params.organisationId ? Number(params.organisationId) : undefined);
  return (
    <Show when={{ organisationId: organisationId() }} keyed>
      {(scope) => <AuditTrail organisationId={scope.organisationId} />}
    </Show>
  );
}

function AuditTrail(props: { organisationId: number | undefined }) {
  const [first] = createResource(() => ({ organisationId: props.organisationId, limit: PAGE }), fetchAuditTrail);
  const [older, setOlder] = createSignal<AuditEvent[]>([]);
  const [ended, setEnded] = createSignal(false);
  const more = createSubmission();
  const events = () => [...(valueOf(first) ?? []), ...older()];
  const hasMore = () => !ended() && (valueOf(first)?.length ?? 0) >= PAGE;

  const loadOlder = async () => {
    const last = events().at(-1);
    if (!last) return;
    await more.run(async () => {
      const page = await fetchAuditTrail({ organisationId: props.organisationId, before: last.id, limit: PAGE });
      setOlder([...older(), ...page]);
      if (page.length < PAGE) setEnded(true);
    });
  };

  return (
    <section aria-labelledby="audit-title">
      <p class="eyebrow">{t(props.organisationId === undefined ? 'kind.operator' : 'audit.eyebrow')}</p>
      <h1 id="audit-title">{t(props.organisationId === undefined ? 'audit.title' : 'audit.organisationTitle')}</h1>
      <p>{t('audit.intro')}</p>
      <Show when={first.error}>
        <ErrorBox error={first.error} />
      </Show>
      <Show when={valueOf(first)} fallback={<Show when={!first.error}><p class="loading">{t('app.loading')}</p></Show>}>
        <Show when={events().length > 0} fallback={<p data-testid="audit-empty">{t('audit.empty')}</p>}>
          <div class="table-scroll">
            <table class="compact-table" aria-labelledby="audit-title">
              <thead>
                <tr>
                  <th scope="col">{t('audit.date')}</th>
                  <th scope="col">{t('audit.who')}</th>
                  <th scope="col">{t('audit.action')}</th>
                  <th scope="col">{t('audit.subject')}</th>
                  <th scope="col">{t('audit.reason')}</th>
                </tr>
              </thead>
              <tbody>
                <For each={events()}>
                  {(event) => (
                    <tr data-testid="audit-row" data-action={event.action} data-event-id={event.id}>
                      <td>
                        <time datetime={event.createdAt}>{formatDateTime(event.createdAt)}</time>
                      </td>
                      <td>{event.userName ?? t('audit.system')}</td>
                      <th scope="row">{actionText(event.action)}</th>
                      <td>
                        <Subject event={event} />
                      </td>
                      <td>{event.reason}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
          <FormAlert message={more.error()} />
          <Show when={hasMore()} fallback={<p class="muted">{t('audit.start')}</p>}>
            <div class="form-actions">
              <button type="button" class="button ghost" disabled={more.pending()} onClick={() => void loadOlder()} data-testid="audit-older">
                {more.pending() ? t('app.loading') : t('audit.older')}
              </button>
            </div>
          </Show>
        </Show>
      </Show>
    </section>
  );
}
