import { A, useParams } from '@solidjs/router';
import { createResource, For, Show } from 'solid-js';
import { fetchOrganisation } from '../api/organisations';
import { fetchSpending } from '../api/orders';
import { OrderStatusBadge } from '../components/badges';
import { ErrorBox } from '../components/error-box';
import { money, t } from '../i18n';
import { valueOf } from '../resource';

/** `/espace/:organisationId/depenses`: what a funder committed and what was delivered, per order and per year. */
export function SpendingPage() {
  const params = useParams();
  const organisationId = () => Number(params.organisationId);
  const [organisation] = createResource(organisationId, fetchOrganisation);
  const [spending] = createResource(organisationId, fetchSpending);

  return (
    <section aria-labelledby="spending-title">
      <p class="eyebrow">{t('kind.funder')}</p>
      <h1 id="spending-title">
        {t('spending.title')}
        <Show when={valueOf(organisation)}>{(org) => <> — {org().name}</>}</Show>
      </h1>
      <p>{t('spending.intro')}</p>
      <p>
        <A href={`/espace/${organisationId()}`}>{t('spending.back')}</A>
      </p>
      <Show when={spending.error}>
        <ErrorBox error={spending.error} />
      </Show>
      <Show when={valueOf(spending)} fallback={<p class="loading">{t('app.loading')}</p>}>
        {(s) => (
          <>
            <h2 id="spending-years">{t('spending.byYear')}</h2>
            <Show when={s().years.length > 0} fallback={<p>{t('spending.noAwards')}</p>}>
              <table aria-labelledby="spending-years">
                <thead>
                  <tr>
                    <th scope="col">{t('spending.year')}</th>
                    <th scope="col" class="num">{t('spending.committed')}</th>
                    <th scope="col" class="num">{t('spending.delivered')}</th>
                    <th scope="col">{t('spending.progress')}</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={s().years}>
                    {(year) => {
                      const total = () => year.committedCents + year.deliveredCents;
                      return (
                        <tr data-testid="spending-year-row">
                          <th scope="row">{year.year}</th>
                          <td class="num">{money(year.committedCents)}</td>
                          <td class="num">{money(year.deliveredCents)}</td>
                          <td>
                            <progress
                              max={Math.max(1, total())}
                              value={year.deliveredCents}
                              aria-label={t('spending.progressLabel', { year: year.year, delivered: money(year.deliveredCents), total: money(total()) })}
                            />
                          </td>
                        </tr>
                      );
                    }}
                  </For>
                </tbody>
              </table>
            </Show>
            <h2 id="spending-orders">{t('spending.byOrder')}</h2>
            <Show when={s().orders.length > 0} fallback={<p>{t('spending.noOrders')}</p>}>
              <div class="table-scroll">
                <table aria-labelledby="spending-orders">
                  <thead>
                    <tr>
                      <th scope="col">{t('funder.orderTitle')}</th>
                      <th scope="col">{t('funder.orderStatus')}</th>
                      <th scope="col" class="num">{t('spending.share')}</th>
                      <th scope="col" class="num">{t('spending.paid')}</th>
                      <th scope="col" class="num">{t('order.awarded')}</th>
                      <th scope="col" class="num">{t('spending.committed')}</th>
                      <th scope="col" class="num">{t('spending.delivered')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={s().orders}>
                      {(order) => (
                        <tr data-testid="spending-order-row">
                          <th scope="row">
                            <A href={`/commandes/${order.id}`}>{order.title}</A>
                          </th>
                          <td>
                            <OrderStatusBadge status={order.status} />
                          </td>
                          <td class="num">{money(order.share?.committedCents ?? 0)}</td>
                          <td class="num">{money(order.share?.paidCents ?? 0)}</td>
                          <td class="num">{money(order.totals.awardedCents)}</td>
                          <td class="num">{money(order.totals.awardedCents - order.totals.deliveredCents)}</td>
                          <td class="num">{money(order.totals.deliveredCents)}</td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
            </Show>
          </>
        )}
      </Show>
    </section>
  );
}
