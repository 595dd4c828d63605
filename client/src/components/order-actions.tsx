import { A } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import { closability, isCancellable } from '../../../shared/domain/orders';
import { closeBidding, finishAwarding } from '../api/awards';
import { closeOrder, fetchCredits, type CloseResult } from '../api/credits';
import { cancelOrder, publishOrder, type Order } from '../api/orders';
import { createSubmission } from '../forms';
import { formatNumber, money, t } from '../i18n';
import { valueOf } from '../resource';
import { FormAlert } from './form-alert';

/**
 * The creating funder moves its order along: publish, cancel, close bidding, finish awarding,
 * and close it once its delivery window is over.
 */
export function OrderActions(props: { order: Order; awardedQuantity: number; onChanged: () => void }) {
  const submission = createSubmission();
  const [confirmingCancel, setConfirmingCancel] = createSignal(false);
  const [confirmingClose, setConfirmingClose] = createSignal(false);
  const [closed, setClosed] = createSignal<CloseResult>();
  const [done, setDone] = createSignal('');

  const act = async (request: () => Promise<unknown>, message: string) => {
    setDone('');
    const ok = await submission.run(request);
    setConfirmingCancel(false);
    setConfirmingClose(false);
    if (ok) {
      setDone(message);
      props.onChanged();
    }
  };
  const status = () => props.order.status;
  const canClose = () => closability(props.order).byFunder;

  const close = () =>
    act(async () => {
      setClosed(await closeOrder(props.order.id));
    }, t('order.closeDone'));

  return (
    <Show when={status() === 'draft' || status() === 'open' || status() === 'awarding' || canClose() || closed()}>
    <section class="card order-actions" aria-labelledby="order-actions-title">
      <h2 id="order-actions-title">{t('order.actions')}</h2>
      <FormAlert message={submission.error()} />
      <p class="visually-hidden" role="status">
        {done()}
      </p>
      <Show when={status() === 'draft'}>
        <p class="muted">{t('order.draftHint')}</p>
      </Show>
      <Show when={status() === 'awarding' && props.awardedQuantity === 0}>
        <p class="muted">{t('order.finishHint')}</p>
      </Show>
      <div class="form-actions">
        <Show when={status() === 'draft'}>
          <button
            type="button"
            class="button"
            disabled={submission.pending()}
            onClick={() => void act(() => publishOrder(props.order.id), t('order.published'))}
            data-testid="publish-order"
          >
            {t('order.publish')}
          </button>
        </Show>
        <Show when={status() === 'open'}>
          <button
            type="button"
            class="button"
            disabled={submission.pending()}
            onClick={() => void act(() => closeBidding(props.order.id), t('order.closed'))}
            data-testid="close-bidding"
          >
            {t('order.closeBidding')}
          </button>
        </Show>
        <Show when={status() === 'awarding' && props.awardedQuantity > 0}>
          <button
            type="button"
            class="button"
            disabled={submission.pending()}
            onClick={() => void act(() => finishAwarding(props.order.id), t('order.finished'))}
            data-testid="finish-awarding"
          >
            {t('order.finish')}
          </button>
        </Show>
        <Show when={isCancellable(status())}>
          <Show
            when={confirmingCancel()}
            fallback={
              <button type="button" class="button danger-outline" onClick={() => setConfirmingCancel(true)} data-testid="cancel-order">
                {t('order.cancel')}
              </button>
            }
          >
            <span class="confirm" role="group" aria-label={t('order.cancelConfirmLabel')}>
              <span>{t('order.cancelConfirmQuestion')}</span>
              <button
                type="button"
                class="button danger"
                disabled={submission.pending()}
                onClick={() => void act(() => cancelOrder(props.order.id), t('order.cancelled'))}
                data-testid="confirm-cancel-order"
                ref={(el) => queueMicrotask(() => el.focus())}
              >
                {t('order.cancelConfirm')}
              </button>
              <button type="button" class="link-button" onClick={() => setConfirmingCancel(false)}>
                {t('order.cancelKeep')}
              </button>
            </span>
          </Show>
        </Show>
        <Show when={canClose()}>
          <Show
            when={confirmingClose()}
            fallback={
              <button type="button" class="button" onClick={() => setConfirmingClose(true)} data-testid="close-order">
                {t('order.closeOrder')}
              </button>
            }
          >
            <span class="confirm" role="group" aria-label={t('order.closeConfirmLabel')}>
              <span>{t('order.closeConfirmQuestion')}</span>
              <button
                type="button"
                class="button"
                disabled={submission.pending()}
                onClick={() => void close()}
                data-testid="close-order-confirm"
                ref={(el) => queueMicrotask(() => el.focus())}
              >
                {t('order.closeConfirm')}
              </button>
              <button type="button" class="link-button" onClick={() => setConfirmingClose(false)}>
                {t('order.closeKeep')}
              </button>
            </span>
          </Show>
        </Show>
      </div>
      <Show when={canClose() && !confirmingClose()}>
        <p class="muted">{t('order.closeHint')}</p>
      </Show>
      <Show when={closed()}>{(result) => <CloseSummary order={props.order} result={result()} />}</Show>
    </section>
    </Show>
  );
}

/** What closing did: the services given back to the places and the credit notes issued to the funder. */
function CloseSummary(props: { order: Order; result: CloseResult }) {
  // Only the creator's own notes: a co-funder's credit notes are its own business.
  const [credits] = createResource(() => props.order.funderOrganisationId, fetchCredits);
  const notes = () => (valueOf(credits)?.notes ?? []).filter((n) => props.result.creditNoteIds.includes(n.id));
  return (
    <div class="close-summary" data-testid="close-result" data-released={props.result.releasedServices}>
      <p class="success">{t('order.closeReleased', { count: formatNumber(props.result.releasedServices) })}</p>
      <Show when={props.result.creditNoteIds.length > 0} fallback={<p>{t('order.closeNoCredit')}</p>}>
        <p>{t('order.closeCreditNotes')}</p>
        <ul>
          <For each={notes()}>
            {(note) => (
              <li data-testid="close-credit-note">
                <A href={`/avoirs/${note.id}`}>{t('credits.noteLink', { number: note.number })}</A> — {money(note.amountCents, false)}
              </li>
            )}
          </For>
        </ul>
        <p>
          <A href={`/espace/${props.order.funderOrganisationId}/avoirs`}>{t('order.closeSeeCredits')}</A>
        </p>
      </Show>
    </div>
  );
}
