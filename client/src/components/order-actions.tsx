import { createSignal, Show } from 'solid-js';
import { isCancellable } from '../../../shared/domain/orders';
import { closeBidding, finishAwarding } from '../api/awards';
import { cancelOrder, publishOrder, type Order } from '../api/orders';
import { createSubmission } from '../forms';
import { t } from '../i18n';
import { FormAlert } from './form-alert';

/** The creating funder moves its order along: publish, cancel, close bidding, finish awarding. */
export function OrderActions(props: { order: Order; awardedQuantity: number; onChanged: () => void }) {
  const submission = createSubmission();
  const [confirmingCancel, setConfirmingCancel] = createSignal(false);
  const [done, setDone] = createSignal('');

  const act = async (request: () => Promise<unknown>, message: string) => {
    setDone('');
    const ok = await submission.run(request);
    setConfirmingCancel(false);
    if (ok) {
      setDone(message);
      props.onChanged();
    }
  };
  const status = () => props.order.status;

  return (
    <Show when={status() === 'draft' || status() === 'open' || status() === 'awarding'}>
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
      </div>
    </section>
    </Show>
  );
}
