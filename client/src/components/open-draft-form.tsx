import { useNavigate } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import { openDraft } from '../api/drafts';
import { fetchOpenOrders } from '../api/orders';
import { createSubmission, parseCount } from '../forms';
import { formatDate, t } from '../i18n';
import { valueOf } from '../resource';
import { FormAlert } from './form-alert';
import { TextField } from './text-field';

/**
 * The lead opens the partnership's draft bid on an open order, then lands in the live editor.
 * The list offers the open orders of the lead's own territories; any other order by its number.
 */
export function OpenDraftForm(props: { partnershipId: number; leadOrganisationId: number }) {
  const navigate = useNavigate();
  const [orders] = createResource(() => props.leadOrganisationId, (organisationId) => fetchOpenOrders({ organisationId }));
  const [orderId, setOrderId] = createSignal('');
  const submission = createSubmission();

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    const id = parseCount(orderId());
    if (!Number.isSafeInteger(id) || id <= 0) return submission.refuse({ orderId: [t('form.numberRequired')] }, t('form.invalid'));
    let bidId = 0;
    const ok = await submission.run(async () => {
      bidId = (await openDraft({ partnershipId: props.partnershipId, orderId: id })).bid.id;
    });
    if (ok) navigate(`/offres-communes/${bidId}`);
  };

  return (
    <form class="card form" onSubmit={onSubmit} novalidate aria-labelledby="open-draft-title" data-testid="open-draft-form">
      <h3 id="open-draft-title">{t('openDraft.title')}</h3>
      <p class="hint">{t('openDraft.intro')}</p>
      <FormAlert message={submission.error()} />
      <Show when={(valueOf(orders) ?? []).length > 0}>
        <div class="field">
          <label for="open-draft-order">{t('openDraft.order')}</label>
          <select
            id="open-draft-order"
            value={(valueOf(orders) ?? []).some((o) => String(o.id) === orderId()) ? orderId() : ''}
            onChange={(e) => setOrderId(e.currentTarget.value)}
            data-testid="open-draft-order"
          >
            <option value="">{t('invite.choose')}</option>
            <For each={valueOf(orders) ?? []}>
              {(o) => <option value={String(o.id)}>{t('openDraft.option', { id: o.id, title: o.title, date: formatDate(o.bidDeadline) })}</option>}
            </For>
          </select>
        </div>
      </Show>
      <TextField
        name="orderId"
        id="open-draft-order-id"
        label={t('openDraft.orderId')}
        inputMode="numeric"
        value={orderId()}
        onInput={setOrderId}
        hint={t('openDraft.orderIdHint')}
        error={submission.fieldError('orderId')}
        testid="open-draft-order-id"
      />
      <div class="form-actions">
        <button type="submit" class="button" disabled={submission.pending()} data-testid="open-draft-submit">
          {submission.pending() ? t('form.sending') : t('openDraft.submit')}
        </button>
      </div>
    </form>
  );
}
