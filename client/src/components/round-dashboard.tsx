import { A } from '@solidjs/router';
import { For, lazy, Show } from 'solid-js';
import { departementLabel } from '../../../shared/domain/territory';
import { formatDate, formatNumber, money, t } from '../i18n';
import { useLiveRound, type Audience } from '../live-dashboards';
import { ratio } from '../session';
import { ActivityFeed } from './activity-feed';
import { DeclaredServices, OrdersByStatus, percent, PlacesByStatus, RoundStatusBadge } from './dashboard-parts';
import { ErrorBox } from './error-box';
import { MoneyBars } from './money-bars';
import { ProgressLine } from './progress-line';
import { RevenueHistogram } from './revenue-histogram';

// The map's shapes weigh about 120 kB: loaded with the first round dashboard, not with the app.
const DepartementMap = lazy(() => import('./departement-map').then((m) => ({ default: m.DepartementMap })));

/**
 * A round's live dashboard: money from target to delivered, orders by status, the places of its
 * territory against the band (histogram), the départements' balance (map), rural coverage and the
 * activity feed. The same page for participants and for the public link: the public one reads the
 * whitelisted aggregates and listens to the public room.
 */
export function RoundDashboardView(props: { roundId: number; audience: Audience; testid: string }) {
  const live = useLiveRound(props.roundId, props.audience);
  return (
    <>
      <Show when={live.error()}>
        <h1>{t('round.eyebrow')}</h1>
        <ErrorBox error={live.error()} />
      </Show>
      <Show when={live.dashboard()} fallback={<Show when={!live.error()}><p class="loading">{t('app.loading')}</p></Show>}>
        {(d) => {
          const places = () => d().places;
          return (
            <article class="dashboard" aria-labelledby="round-title" data-testid={props.testid}>
              <header class="dashboard-header">
                <p class="eyebrow">{props.audience === 'public' ? t('round.publicEyebrow') : t('round.eyebrow')}</p>
                <h1 id="round-title">{d().round.name}</h1>
                <p class="order-meta">
                  <RoundStatusBadge status={d().round.status} />
                  <span>{t('round.dates', { from: formatDate(d().round.opensOn), to: formatDate(d().round.closesOn) })}</span>
                </p>
                <div class="round-territory">
                  {t('round.territory')}{' '}
                  <ul class="inline-list">
                    <For each={d().round.departementCodes}>{(code) => <li>{departementLabel(code)}</li>}</For>
                  </ul>
                </div>
                <div class="actions">
                  <A class="button ghost" href={`/campagnes/${props.roundId}/kiosque`} data-testid="kiosk-link">
                    {t('round.kioskLink')}
                  </A>
                  <Show when={props.audience === 'member'}>
                    <A class="button ghost" href={`/public/campagnes/${props.roundId}`} data-testid="public-link">
                      {t('round.publicLink')}
                    </A>
                    <A href="/campagnes">{t('round.allRounds')}</A>
                  </Show>
                </div>
              </header>

              <section class="card" aria-labelledby="round-money">
                <h2 id="round-money">{t('round.money')}</h2>
                <MoneyBars money={d().money} />
                <p class="muted" data-testid="round-settlement">
                  {t('national.revenueSettlement', {
                    estimated: money(places().revenueDeliveredCents - places().revenueSettledCents),
                    settled: money(places().revenueSettledCents),
                    paid: money(places().revenuePaidCents),
                  })}
                </p>
                <DeclaredServices proof={d().proof} testid="round-declared" />
              </section>

              <div class="dashboard-grid">
                <section class="card" aria-labelledby="round-orders">
                  <h2 id="round-orders">{t('round.ordersByStatus')}</h2>
                  <OrdersByStatus counts={d().ordersByStatus} labelledBy="round-orders" />
                </section>
                <section class="card" aria-labelledby="round-rural">
                  <h2 id="round-rural">{t('round.rural')}</h2>
                  <p class="big-figure" data-testid="rural-share">
                    {t('round.ruralPercent', { percent: formatNumber(percent(places().ruralServicesDelivered, places().servicesDelivered)) })}
                  </p>
                  <ProgressLine
                    value={places().ruralServicesDelivered}
                    max={places().servicesDelivered}
                    label={t('round.ruralLabel', { rural: formatNumber(places().ruralServicesDelivered), total: formatNumber(places().servicesDelivered) })}
                    text=""
                  />
                  <p>
                    {t('round.ruralText', {
                      rural: formatNumber(places().ruralServicesDelivered),
                      total: formatNumber(places().servicesDelivered),
                      threshold: formatNumber(ratio().ruralPopulationThreshold),
                    })}
                  </p>
                </section>
              </div>

              <section class="card" aria-labelledby="round-places">
                <h2 id="round-places">{t('round.places')}</h2>
                <p>
                  {t('round.placesIntro', { count: formatNumber(places().qualifiedPlaces), year: d().year })}
                </p>
                <RevenueHistogram bins={places().histogram} ratio={ratio()} year={d().year} />
                <h3 id="round-places-status">{t('round.placesByStatus')}</h3>
                <PlacesByStatus places={places()} year={d().year} labelledBy="round-places-status" />
              </section>

              <section class="card" aria-labelledby="round-map">
                <h2 id="round-map">{t('round.map')}</h2>
                <p>{t('round.mapIntro')}</p>
                <DepartementMap departements={d().departements} year={d().year} />
              </section>

              <section class="card" aria-labelledby="round-feed">
                <h2 id="round-feed">{t('round.feed')}</h2>
                <ActivityFeed items={live.feed()} labelledBy="round-feed" />
              </section>
            </article>
          );
        }}
      </Show>
    </>
  );
}
