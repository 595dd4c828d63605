import { A } from '@solidjs/router';
import { createEffect, createResource, For, Show } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import type { OrderStatus } from '../../../shared/domain/enums';
import type { PassCounts } from '../../../shared/domain/passes';
import { departementLabel } from '../../../shared/domain/territory';
import { fetchOrdersOfFunder, type FunderOrder } from '../api/orders';
import type { Organisation } from '../api/organisations';
import { OrderStatusBadge } from '../components/badges';
import { ErrorBox } from '../components/error-box';
import { formatNumber, money, t } from '../i18n';
import { tp } from '../i18n/pass-messages';
import { useRoom } from '../realtime';
import { PASS_COUNT_FIGURES } from '../components/pass-panel';
import { valueOf } from '../resource';

export function FunderSpace(props: { organisation: Organisation }) {
  const [orders, { refetch }] = createResource(() => props.organisation.id, fetchOrdersOfFunder);
  const [store, setStore] = createStore<FunderOrder[]>([]);
  createEffect(() => {
    const list = valueOf(orders);
    if (list) setStore(reconcile(list, { key: 'id' }));
  });

  return (
    <section aria-labelledby="funder-title">
      <p class="eyebrow">{t('kind.funder')}</p>
      <h1 id="funder-title">{props.organisation.name}</h1>
      <div class="card">
        <h2>{t('funder.organisation')}</h2>
        <dl class="facts">
          <div>
            <dt>{t('funder.siret')}</dt>
            <dd>{props.organisation.siret}</dd>
          </div>
          <div>
            <dt>{t('funder.territory')}</dt>
            <dd>{props.organisation.departementCode ? departementLabel(props.organisation.departementCode) : '—'}</dd>
          </div>
        </dl>
      </div>
      <div class="section-header">
        <h2>{t('funder.orders')}</h2>
        <div class="actions">
          <A class="button" href={`/commandes/nouvelle?organisation=${props.organisation.id}`} data-testid="new-order-link">
            {t('funder.newOrder')}
          </A>
          <A class="button ghost" href={`/espace/${props.organisation.id}/depenses`} data-testid="spending-link">
            {t('funder.spending')}
          </A>
          <A class="button ghost" href={`/espace/${props.organisation.id}/avoirs`} data-testid="credits-link">
            {t('funder.credits')}
          </A>
          <A class="button ghost" href={`/espace/${props.organisation.id}/releve`} data-testid="statement-link">
            {t('funder.statement')}
          </A>
          <A class="button ghost" href={`/espace/${props.organisation.id}/prescripteurs`} data-testid="prescribers-link">
            {tp('prescribers.link')}
          </A>
        </div>
      </div>
      <Show when={orders.error}>
        <ErrorBox error={orders.error} />
      </Show>
      <Show when={valueOf(orders)} fallback={<p class="loading">{t('app.loading')}</p>}>
        <Show when={store.length > 0} fallback={<p data-testid="orders-empty">{t('funder.ordersEmpty')}</p>}>
          <div class="table-scroll">
            <table>
              <caption class="visually-hidden">{t('funder.orders')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('funder.orderTitle')}</th>
                  <th scope="col">{t('funder.orderStatus')}</th>
                  <th scope="col" class="num">{t('funder.orderQuantity')}</th>
                  <th scope="col" class="num">{t('order.amount')}</th>
                  <th scope="col" class="num">{t('order.funded')}</th>
                  <th scope="col" class="num">{t('order.awarded')}</th>
                  <th scope="col" class="num">{t('order.delivered')}</th>
                </tr>
              </thead>
              <tbody>
                <For each={store}>
                  {(order, index) => {
                    // Each order's room carries its new amounts: merged in place, refetch on a gap.
                    useRoom(
                      `order:${order.id}`,
                      'order.updated',
                      (message) => {
                        const p = message.payload;
                        setStore(index(), (o) => ({
                          status: p.status as OrderStatus,
                          totals: { ...o.totals, fundedCents: p.fundedCents, awardedCents: p.awardedCents, deliveredCents: p.deliveredCents, bidCount: p.bidCount },
                        }));
                      },
                      () => void refetch(),
                    );
                    return (
                      <tr data-testid="funder-order-row">
                        <th scope="row">
                          <A href={`/commandes/${order.id}`}>{order.title}</A>
                          <Show when={order.funderOrganisationId !== props.organisation.id}>
                            <span class="tag"> · {t('funder.coFunded')}</span>
                          </Show>
                        </th>
                        <td>
                          <OrderStatusBadge status={order.status} />
                        </td>
                        <td class="num">{formatNumber(order.quantity)}</td>
                        <td class="num">{money(order.totals.amountCents)}</td>
                        <td class="num">{money(order.totals.fundedCents)}</td>
                        <td class="num">{money(order.totals.awardedCents)}</td>
                        <td class="num">{money(order.totals.deliveredCents)}</td>
                      </tr>
                    );
                  }}
                </For>
              </tbody>
            </table>
          </div>
        </Show>
      </Show>
      <FunderPasses organisationId={props.organisation.id} orders={store} onGap={() => void refetch()} onCounts={(counts) => {
        const index = store.findIndex((o) => o.id === counts.orderId);
        if (index >= 0) setStore(index, 'passes', counts);
      }} />
    </section>
  );
}

const SUMMARY = PASS_COUNT_FIGURES.filter((figure) => figure.summary);

/**
 * Per order that requires pass: issued, handed out, started, fully used, expired — live on the
 * funder's room (every issue, assignment, hand-out and redemption sends the order's counts).
 */
function FunderPasses(props: { organisationId: number; orders: FunderOrder[]; onCounts: (counts: PassCounts) => void; onGap: () => void }) {
  useRoom(`org:${props.organisationId}`, 'passes.updated', (message) => props.onCounts(message.payload), props.onGap);
  const withPasses = () => props.orders.filter((o): o is FunderOrder & { passes: PassCounts } => o.passes !== null);
  return (
    <Show when={withPasses().length > 0}>
      <h2 id="funder-passes-title">{tp('passes.funderTitle')}</h2>
      <p class="muted">{tp('passes.funderIntro')}</p>
      <div class="table-scroll">
        <table aria-labelledby="funder-passes-title" data-testid="funder-passes">
          <thead>
            <tr>
              <th scope="col">{t('funder.orderTitle')}</th>
              <For each={SUMMARY}>
                {(figure) => (
                  <th scope="col" class="num">
                    {tp(figure.label)}
                  </th>
                )}
              </For>
            </tr>
          </thead>
          <tbody>
            <For each={withPasses()}>
              {(order) => (
                <tr data-testid="funder-passes-row" data-order={order.id}>
                  <th scope="row">
                    <A href={`/commandes/${order.id}`}>{order.title}</A>
                  </th>
                  <For each={SUMMARY}>
                    {(figure) => (
                      <td class="num" data-testid={`funder-passes-${figure.key}`} data-count={order.passes[figure.field]}>
                        {formatNumber(order.passes[figure.field])}
                      </td>
                    )}
                  </For>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </Show>
  );
}
