import { useParams } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { ActivityFeed } from '../components/activity-feed';
import { percent, RoundStatusBadge } from '../components/dashboard-parts';
import { ErrorBox } from '../components/error-box';
import { LiveIndicator } from '../components/live-indicator';
import { RevenueHistogram } from '../components/revenue-histogram';
import { formatNumber, money, t } from '../i18n';
import { useLiveRound } from '../live-dashboards';
import { ratio } from '../session';

/** `/campagnes/:roundId/kiosque`: the round projected at its event — public data, no sign-in, no menu. */
export function RoundKioskPage() {
  const params = useParams();
  return (
    <Show when={Number(params.roundId)} keyed fallback={<h1>{t('app.notFound')}</h1>}>
      {(roundId) => <Kiosk roundId={roundId} />}
    </Show>
  );
}

function Kiosk(props: { roundId: number }) {
  const live = useLiveRound(props.roundId, 'public');
  const publicUrl = () => `${location.origin}/public/campagnes/${props.roundId}`;
  return (
    <>
      <Show when={live.error()}>
        <h1>{t('round.eyebrow')}</h1>
        <ErrorBox error={live.error()} />
      </Show>
      <Show when={live.dashboard()} fallback={<Show when={!live.error()}><p class="loading">{t('app.loading')}</p></Show>}>
        {(d) => {
          const figures = () => [
            { label: t('roundMoney.targetCents'), value: money(d().money.targetCents), testid: 'kiosk-target' },
            { label: t('roundMoney.postedCents'), value: money(d().money.postedCents), testid: 'kiosk-posted' },
            { label: t('roundMoney.awardedCents'), value: money(d().money.awardedCents), testid: 'kiosk-awarded' },
            { label: t('roundMoney.deliveredCents'), value: money(d().money.deliveredCents), testid: 'kiosk-delivered' },
            { label: t('kiosk.places'), value: formatNumber(d().places.qualifiedPlaces), testid: 'kiosk-places' },
            {
              label: t('kiosk.consolidated', { floor: money(ratio().floorCents), ceiling: money(ratio().ceilingCents) }),
              value: formatNumber(d().places.byStatus.consolidated),
              testid: 'kiosk-consolidated',
            },
            {
              label: t('kiosk.rural'),
              value: t('round.ruralPercent', { percent: formatNumber(percent(d().places.ruralServicesDelivered, d().places.servicesDelivered)) }),
              testid: 'kiosk-rural',
            },
          ];
          return (
            <article class="kiosk" aria-labelledby="kiosk-title" data-testid="kiosk">
              <header class="kiosk-header">
                <div>
                  <p class="eyebrow">{t('app.name')}</p>
                  <h1 id="kiosk-title">{d().round.name}</h1>
                </div>
                <div class="kiosk-status">
                  <RoundStatusBadge status={d().round.status} />
                  <LiveIndicator />
                </div>
              </header>
              <dl class="kiosk-figures">
                <For each={figures()}>
                  {(figure) => (
                    <div>
                      <dt>{figure.label}</dt>
                      <dd data-testid={figure.testid}>{figure.value}</dd>
                    </div>
                  )}
                </For>
              </dl>
              <div class="kiosk-body">
                <section aria-labelledby="kiosk-histogram">
                  <h2 id="kiosk-histogram">{t('round.places')}</h2>
                  <RevenueHistogram bins={d().places.histogram} ratio={ratio()} year={d().year} large />
                </section>
                <section aria-labelledby="kiosk-feed">
                  <h2 id="kiosk-feed">{t('round.feed')}</h2>
                  <ActivityFeed items={live.feed().slice(0, 8)} labelledBy="kiosk-feed" />
                </section>
              </div>
              <footer class="kiosk-footer">{t('kiosk.follow', { url: publicUrl() })}</footer>
            </article>
          );
        }}
      </Show>
    </>
  );
}
