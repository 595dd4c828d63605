import { createResource, createSignal, For, Show } from 'solid-js';
import { orderDepartements } from '../../../shared/domain/orders';
import type { Order } from '../api/orders';
import { attachOrderToRound, fetchRounds } from '../api/rounds';
import { createSubmission } from '../forms';
import { formatDate, t } from '../i18n';
import { valueOf } from '../resource';
import { FormAlert } from './form-alert';

/**
 * The order's creator attaches it to an open round whose territory it shares: the order then
 * counts in the round's dashboard. Shown only when such a round exists.
 */
export function AttachRound(props: { order: Order; onAttached: () => void }) {
  const [rounds] = createResource(fetchRounds);
  const [roundId, setRoundId] = createSignal('');
  const [done, setDone] = createSignal('');
  const submission = createSubmission();
  const eligible = () => {
    const codes = orderDepartements(props.order);
    return (valueOf(rounds) ?? []).filter((r) => r.status === 'open' && r.departementCodes.some((code) => codes.includes(code)));
  };

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    const id = Number(roundId());
    if (!id) return submission.refuse({ roundId: [t('attachRound.choose')] }, t('form.invalid'));
    const name = eligible().find((r) => r.id === id)?.name ?? '';
    const ok = await submission.run(() => attachOrderToRound({ roundId: id, orderId: props.order.id }));
    if (ok) {
      setDone(t('attachRound.done', { name }));
      props.onAttached();
    }
  };

  return (
    <>
      <p class="success" role="status">
        {done()}
      </p>
      <Show when={props.order.roundId === null && eligible().length > 0}>
        <form class="card form spaced attach-round" onSubmit={onSubmit} novalidate aria-labelledby="attach-round-title">
          <h2 id="attach-round-title">{t('attachRound.title')}</h2>
          <p class="hint">{t('attachRound.intro')}</p>
          <FormAlert message={submission.error()} />
          <div class="field">
            <label for="attach-round-select">{t('attachRound.label')}</label>
            <select
              id="attach-round-select"
              value={roundId()}
              onChange={(e) => setRoundId(e.currentTarget.value)}
              aria-invalid={!!submission.fieldError('roundId')}
              aria-describedby={submission.fieldError('roundId') ? 'attach-round-error' : undefined}
              data-testid="attach-round"
            >
              <option value="">{t('invite.choose')}</option>
              <For each={eligible()}>
                {(round) => (
                  <option value={round.id}>
                    {t('attachRound.option', { name: round.name, to: formatDate(round.closesOn) })}
                  </option>
                )}
              </For>
            </select>
            <Show when={submission.fieldError('roundId')}>
              <p id="attach-round-error" class="field-error">
                {submission.fieldError('roundId')}
              </p>
            </Show>
          </div>
          <button type="submit" class="button" disabled={submission.pending()} data-testid="attach-round-submit">
            {submission.pending() ? t('form.sending') : t('attachRound.submit')}
          </button>
        </form>
      </Show>
    </>
  );
}
