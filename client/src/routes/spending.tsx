import { A, useParams } from '@solidjs/router';
import { createResource, For, Show } from 'solid-js';
import { fetchSpending } from '../api/orders';
import { departementLabel } from '../../../shared/domain/territory';
import { placeRatioView } from '../../../shared/ratio';
import { fetchRounds } from '../api/rounds';
import { OrderStatusBadge, proofOf, ProofBadge, RatioBadge } from '../components/badges';
import { ErrorBox } from '../components/error-box';
import { FunderPageTitle } from '../components/funder-page-title';
import { money, t } from '../i18n';
import { valueOf } from '../resource';
import { ratio } from '../session';

const currentYear = new Date().getFullYear();

/** `/espace/:organisationId/depenses`: what a funder committed and what was delivered, per order and per year. */
export function SpendingPage() {
  const params = useParams();
  const organisationId = () => Number(params.organisationId);
  const [spending] = createResource(organisationId, fetchSpending);
  const [rounds] = createResource(fetchRounds);
  const roundName = (roundId: number) => valueOf(rounds)?.find((r) => r.id === roundId)?.name ?? t('spending.roundNumber', { id: roundId });

  return (
    <section aria-labelledby="spending-title">
      <FunderPageTitle id="spending-title" title={t('spending.title')} organisationId={organisationId()} />
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
            <Show when={s().rounds.some((r) => r.roundId !== null)}>
              <h2 id="spending-rounds">{t('spending.byRound')}</h2>
              <table aria-labelledby="spending-rounds">
                <thead>
                  <tr>
                    <th scope="col">{t('order.round')}</th>
                    <th scope="col" class="num">{t('dashboard.orders')}</th>
                    <th scope="col" class="num">{t('order.awarded')}</th>
                    <th scope="col" class="num">{t('spending.committed')}</th>
                    <th scope="col" class="num">{t('spending.delivered')}</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={s().rounds}>
                    {(round) => (
                      <tr data-testid="spending-round-row">
                        <th scope="row">
                          <Show when={round.roundId} fallback={t('spending.noRound')}>
                            {(roundId) => <A href={`/campagnes/${roundId()}`}>{roundName(roundId())}</A>}
                          </Show>
                        </th>
                        <td class="num">{round.orders}</td>
                        <td class="num">{money(round.awardedCents)}</td>
                        <td class="num">{money(round.awardedCents - round.deliveredCents)}</td>
                        <td class="num">{money(round.deliveredCents)}</td>
                      </tr>
                    )}
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
                      <th scope="col">{t('proof.label')}</th>
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
                          <td>
                            <ProofBadge proof={proofOf(order.totals.passRequired)} />
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
            <Show when={s().places.length > 0}>
              <h2 id="spending-places">{t('spending.places')}</h2>
              <p>{t('ratio.band', { floor: money(ratio().floorCents), ceiling: money(ratio().ceilingCents) })}</p>
              <div class="table-scroll">
                <table aria-labelledby="spending-places">
                  <thead>
                    <tr>
                      <th scope="col">{t('draft.place')}</th>
                      <th scope="col">{t('operator.departement')}</th>
                      <th scope="col" class="num">{t('order.awarded')}</th>
                      <th scope="col" class="num">{t('spending.delivered')}</th>
                      <th scope="col">{t('spending.placeYear', { year: currentYear })}</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={s().places}>
                      {(place) => {
                        const view = () =>
                          placeRatioView({ revenueDeliveredCents: place.yearDeliveredCents, revenueCommittedCents: place.yearCommittedCents }, ratio());
                        return (
                          <tr data-testid="spending-place-row">
                            <th scope="row">
                              <A href={`/lieux/${place.placeId}`}>{place.name}</A>
                            </th>
                            <td>{departementLabel(place.departementCode)}</td>
                            <td class="num">{money(place.awardedCents)}</td>
                            <td class="num">{money(place.deliveredCents)}</td>
                            <td>
                              {money(place.yearDeliveredCents)} <RatioBadge status={view().deliveredStatus} />{' '}
                              <span class="muted">
                                {t('spending.projected', { amount: money(view().projectedCents) })} <RatioBadge status={view().projectedStatus} />
                              </span>
                            </td>
                          </tr>
                        );
                      }}
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
