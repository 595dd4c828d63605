import { A, useParams } from '@solidjs/router';
import { createResource, createSignal, Show } from 'solid-js';
import type { OrderStatus } from '../../../shared/domain/enums';
import { acceptsBids, acceptsDeliveries } from '../../../shared/domain/orders';
import { fetchBidsOfOrder } from '../api/bids';
import { fetchOrder, type OrderView as View } from '../api/orders';
import { AttachRound } from '../components/attach-round';
import { AwardsTable } from '../components/awards-table';
import { BidForm } from '../components/bid-form';
import { BidsSection } from '../components/bids-section';
import { ErrorBox } from '../components/error-box';
import { OrderActions } from '../components/order-actions';
import { OrderFunding } from '../components/order-funding';
import { OrderSummary } from '../components/order-summary';
import { PassPanel } from '../components/pass-panel';
import { formatDate, money, t } from '../i18n';
import { useRoom } from '../realtime';
import { currentMembership, me } from '../session';
import { valueOf } from '../resource';

/** `/commandes/:orderId`: one order for whoever may see it; a new id mounts a new page (new room). */
export function OrderPage() {
  const params = useParams();
  return (
    <Show when={Number(params.orderId)} keyed>
      {(orderId) => <OrderView orderId={orderId} />}
    </Show>
  );
}

function OrderView(props: { orderId: number }) {
  const [view, { refetch, mutate }] = createResource(() => props.orderId, fetchOrder);
  const [bids, { refetch: refetchBids }] = createResource(() => props.orderId, fetchBidsOfOrder);
  const [announcement, setAnnouncement] = createSignal('');
  const reload = () => {
    void refetch();
    void refetchBids();
  };

  // The event's amounts show at once; the full view (bids, awards) follows with a refetch.
  useRoom(
    `order:${props.orderId}`,
    'order.updated',
    (message) => {
      const p = message.payload;
      if (valueOf(view) && p.status !== valueOf(view)!.order.status) setAnnouncement(t('order.statusChanged', { status: t(`orderStatus.${p.status as OrderStatus}`) }));
      mutate((v) =>
        v && {
          ...v,
          order: { ...v.order, status: p.status as OrderStatus },
          totals: { ...v.totals, fundedCents: p.fundedCents, awardedCents: p.awardedCents, deliveredCents: p.deliveredCents, bidCount: p.bidCount },
        },
      );
      reload();
    },
    reload,
  );

  /** The actor the user bids for: the current organisation if it is one, else its first actor. */
  const actorId = () => {
    const current = currentMembership();
    if (current?.organisationKind === 'actor') return current.organisationId;
    return me()?.memberships.find((m) => m.organisationKind === 'actor')?.organisationId;
  };

  return (
    <>
      <p class="visually-hidden" role="status">
        {announcement()}
      </p>
      <Show when={view.error}>
        <ErrorBox error={view.error} />
      </Show>
      <Show when={valueOf(view)} fallback={<Show when={!view.error}><p class="loading">{t('app.loading')}</p></Show>}>
        {(v) => (
          <article aria-labelledby="order-title">
            <OrderSummary view={v()} />
            <OrderClosing view={v()} />
            <Show when={v().viewer.isCreator}>
              <OrderActions order={v().order} awardedQuantity={v().totals.awardedQuantity} onChanged={reload} />
            </Show>
            <Show when={v().viewer.isCreator && v().order.status !== 'cancelled' && v().order.status !== 'completed' && v().order.status !== 'closed'}>
              <AttachRound order={v().order} onAttached={reload} />
            </Show>
            <OrderFunding view={v()} onChanged={reload} />
            <PassPanel view={v()} />
            <Show when={!v().viewer.isFunder && actorId() && acceptsBids(v().order)}>
              <BidForm order={v().order} organisationId={actorId()!} bids={valueOf(bids)} onChanged={reload} />
            </Show>
            <BidsSection view={v()} bids={valueOf(bids)} error={bids.error} actorId={actorId()} onChanged={reload} />
            <AwardsTable awards={v().awards} passRequired={v().order.passRequired} />
          </article>
        )}
      </Show>
    </>
  );
}

/**
 * Where the order stands against its end: until when deliveries may still be recorded, or when
 * it was closed and how much went back to its funders as credit notes.
 */
function OrderClosing(props: { view: View }) {
  const order = () => props.view.order;
  /** The viewer's own funding organisation, whose credit notes page it may open. */
  const myFunderId = () => props.view.totals.funders.find((f) => me()?.memberships.some((m) => m.organisationId === f.organisationId))?.organisationId;
  return (
    <>
      <Show when={acceptsDeliveries(order().status) && order().graceEndsOn}>
        <p class="notice" data-testid="order-grace">
          {t('order.graceUntil', { date: formatDate(order().graceEndsOn) })}
        </p>
      </Show>
      <Show when={order().status === 'closed'}>
        <section class="card" aria-labelledby="order-closed-title" data-testid="order-closed" data-credited-cents={props.view.totals.creditedCents}>
          <h2 id="order-closed-title">{t('order.closedTitle')}</h2>
          <dl class="facts money-facts">
            <Show when={order().closedAt}>
              {(closedAt) => (
                <div>
                  <dt>{t('order.closedOn')}</dt>
                  <dd>{formatDate(closedAt())}</dd>
                </div>
              )}
            </Show>
            <div>
              <dt>{t('order.credited')}</dt>
              <dd>{money(props.view.totals.creditedCents)}</dd>
            </div>
          </dl>
          <Show when={props.view.viewer.isFunder && myFunderId()}>
            {(funderId) => (
              <p>
                <A href={`/espace/${funderId()}/avoirs`}>{t('order.closeSeeCredits')}</A>
              </p>
            )}
          </Show>
        </section>
      </Show>
    </>
  );
}
