import { createSignal, For, Show } from 'solid-js';
import { acceptsAwards, acceptsBids } from '../../../shared/domain/orders';
import { rejectBids } from '../api/awards';
import { withdrawBid, type Bid, type BidsOfOrder } from '../api/bids';
import type { OrderView } from '../api/orders';
import { createSubmission } from '../forms';
import { formatDate, formatNumber, money, t } from '../i18n';
import { AwardForm } from './award-form';
import { BidStatusBadge } from './badges';
import { ErrorBox } from './error-box';
import { FormAlert } from './form-alert';

interface Props {
  view: OrderView;
  bids: BidsOfOrder | undefined;
  error: unknown;
  /** The actor the viewer bids for, if any: its own bid can be withdrawn. */
  actorId: number | undefined;
  onChanged: () => void;
}

/**
 * The bids as the viewer may see them (DESIGN §2, sealed): the funders read every bid and award
 * from them; a bidder reads its own; anyone else learns only how many there are.
 */
export function BidsSection(props: Props) {
  const submission = createSubmission();
  const order = () => props.view.order;
  const isCreator = () => props.view.viewer.isCreator;
  const canReject = () => isCreator() && ['open', 'awarding', 'in_delivery'].includes(order().status);
  const canWithdraw = (bid: Bid) => bid.status === 'submitted' && bid.bidderOrganisationId === props.actorId && acceptsBids(order());

  const [confirmingReject, setConfirmingReject] = createSignal<number>();
  const act = async (request: () => Promise<unknown>) => {
    const ok = await submission.run(request);
    setConfirmingReject(undefined);
    if (ok) props.onChanged();
  };

  return (
    <section class="card" aria-labelledby="bids-title">
      <h2 id="bids-title">{t('bids.title')}</h2>
      <Show when={props.error}>
        <ErrorBox error={props.error} />
      </Show>
      <FormAlert message={submission.error()} />
      <Show when={props.bids} fallback={<Show when={!props.error}><p class="loading">{t('app.loading')}</p></Show>}>
        {(b) => (
          <>
            <Show when={b().sealed}>
              <p class="sealed" data-testid="bid-sealed">
                {t('bids.sealed', { count: formatNumber(b().bidCount) })}
              </p>
            </Show>
            <Show when={!b().sealed && b().bids.length === 0}>
              <p data-testid="bids-empty">{t('bids.none')}</p>
            </Show>
            <Show when={b().bids.length > 0}>
              <Show when={b().sealed}>
                <h3>{t('bids.yours')}</h3>
              </Show>
              <div class="table-scroll">
                <table>
                  <caption class="visually-hidden">{t('bids.title')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('bids.bidder')}</th>
                      <th scope="col" class="num">{t('bids.unitPrice')}</th>
                      <th scope="col">{t('bids.lines')}</th>
                      <th scope="col">{t('bids.note')}</th>
                      <th scope="col">{t('bids.status')}</th>
                      <th scope="col">
                        <span class="visually-hidden">{t('bids.actions')}</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={b().bids}>
                      {(bid) => (
                        <tr data-testid="bid-row">
                          <th scope="row">
                            {bid.bidderName}
                            <Show when={bid.submittedAt}>
                              {(at) => <span class="tag block">{t('bids.submittedOn', { date: formatDate(at()) })}</span>}
                            </Show>
                          </th>
                          <td class="num">{money(bid.unitPriceCents, false)}</td>
                          <td>
                            <ul class="plain">
                              <For each={bid.lines}>
                                {(line) => (
                                  <li>
                                    {t('bids.line', { place: line.placeName, count: formatNumber(line.quantity) })}
                                    <Show when={line.award}>
                                      {(award) => <span class="tag"> · {t('bids.lineAwarded', { count: formatNumber(award().quantity) })}</span>}
                                    </Show>
                                  </li>
                                )}
                              </For>
                            </ul>
                          </td>
                          <td>{bid.note || '—'}</td>
                          <td>
                            <BidStatusBadge status={bid.status} />
                          </td>
                          <td>
                            <Show when={canReject() && bid.status === 'submitted'}>
                              <Show
                                when={confirmingReject() === bid.id}
                                fallback={
                                  <button
                                    type="button"
                                    class="button small danger-outline"
                                    onClick={() => setConfirmingReject(bid.id)}
                                    aria-label={t('bids.rejectLabel', { bidder: bid.bidderName })}
                                    data-testid="reject-bid"
                                  >
                                    {t('bids.reject')}
                                  </button>
                                }
                              >
                                <span class="confirm" role="group" aria-label={t('bids.rejectLabel', { bidder: bid.bidderName })}>
                                  <button
                                    type="button"
                                    class="button small danger"
                                    disabled={submission.pending()}
                                    onClick={() => void act(() => rejectBids(order().id, [bid.id]))}
                                    ref={(el) => queueMicrotask(() => el.focus())}
                                    data-testid="confirm-reject-bid"
                                  >
                                    {t('bids.rejectConfirm')}
                                  </button>
                                  <button type="button" class="link-button small" onClick={() => setConfirmingReject(undefined)}>
                                    {t('order.cancelKeep')}
                                  </button>
                                </span>
                              </Show>
                            </Show>
                            <Show when={canWithdraw(bid)}>
                              <button
                                type="button"
                                class="button small danger-outline"
                                disabled={submission.pending()}
                                onClick={() => void act(() => withdrawBid(bid.id))}
                                data-testid="withdraw-bid"
                              >
                                {t('bids.withdraw')}
                              </button>
                            </Show>
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
            </Show>
            <Show when={isCreator() && !b().sealed && acceptsAwards(order()) && props.view.totals.awardedQuantity < order().quantity}>
              <AwardForm view={props.view} bids={b().bids} onAwarded={props.onChanged} />
            </Show>
            <Show when={isCreator() && order().status === 'open' && !acceptsAwards(order())}>
              <p class="muted">{t('bids.awardLater')}</p>
            </Show>
          </>
        )}
      </Show>
    </section>
  );
}
