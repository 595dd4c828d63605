import { For, Show } from 'solid-js';
import { ORDER_STATUSES, type RoundStatus } from '../../../shared/domain/enums';
import { PLACE_STATUSES } from '../../../shared/ratio';
import type { DepartementBalance, PlacesPicture, RoundDashboard } from '../api/dashboards';
import { formatNumber, t } from '../i18n';
import { OrderStatusBadge, ProofBadge, RatioBadge } from './badges';

export function RoundStatusBadge(props: { status: RoundStatus }) {
  return (
    <span class={`badge round-${props.status}`} data-testid="round-status" data-status={props.status}>
      {t(`roundStatus.${props.status}`)}
    </span>
  );
}

/** « de 49 à 82 lieux »: the sustainable range [F / ceiling, F / floor], rounded to whole places. */
export const sustainableRange = (d: DepartementBalance) =>
  t('balance.rangeValue', { min: formatNumber(Math.round(d.sustainableMin)), max: formatNumber(Math.round(d.sustainableMax)) });

/** Share in whole percent from two counts, without going through the server's float. */
export const percent = (part: number, whole: number) => (whole > 0 ? Math.round((part * 100) / whole) : 0);

/**
 * How many of the delivered services are self-declared by the places, without pass (issue 11):
 * counted from the awards of orders that require none. Absent from a public round's whitelist.
 */
export function DeclaredServices(props: { proof: RoundDashboard['proof'] | undefined; testid: string }) {
  // Whole percent, but never 0 % of something nor 100 % of less than everything.
  const share = (declared: number, delivered: number) => Math.min(declared < delivered ? 99 : 100, Math.max(declared > 0 ? 1 : 0, percent(declared, delivered)));
  return (
    <Show when={props.proof && props.proof.deliveredServices > 0 ? props.proof : undefined}>
      {(proof) => (
        <p data-testid={props.testid} data-declared={proof().declaredServices} data-delivered={proof().deliveredServices}>
          <Show
            when={proof().declaredServices > 0}
            fallback={
              <>
                <ProofBadge proof="pass" /> {t('proof.dashboardAllPass', { delivered: formatNumber(proof().deliveredServices) })}
              </>
            }
          >
            <ProofBadge proof="declared" />{' '}
            {t('proof.dashboard', {
              declared: formatNumber(proof().declaredServices),
              delivered: formatNumber(proof().deliveredServices),
              percent: formatNumber(share(proof().declaredServices, proof().deliveredServices)),
            })}
          </Show>
        </p>
      )}
    </Show>
  );
}

/** Orders of a round counted by status. */
export function OrdersByStatus(props: { counts: RoundDashboard['ordersByStatus']; labelledBy: string }) {
  return (
    <table class="compact-table" aria-labelledby={props.labelledBy} data-testid="orders-by-status">
      <thead>
        <tr>
          <th scope="col">{t('funder.orderStatus')}</th>
          <th scope="col" class="num">{t('dashboard.orders')}</th>
        </tr>
      </thead>
      <tbody>
        <For each={ORDER_STATUSES}>
          {(status) => (
            <tr data-status={status}>
              <th scope="row">
                <OrderStatusBadge status={status} />
              </th>
              <td class="num">{formatNumber(props.counts[status] ?? 0)}</td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}

/** Places by status against the band, on delivered and on projected revenue (delivered + committed). */
export function PlacesByStatus(props: { places: PlacesPicture; year: number; labelledBy: string; testid?: string }) {
  return (
    <table class="compact-table" aria-labelledby={props.labelledBy} data-testid={props.testid}>
      <thead>
        <tr>
          <th scope="col">{t('histogram.status')}</th>
          <th scope="col" class="num">{t('ratio.delivered', { year: props.year })}</th>
          <th scope="col" class="num">{t('ratio.projected')}</th>
        </tr>
      </thead>
      <tbody>
        <For each={PLACE_STATUSES}>
          {(status) => (
            <tr data-status={status}>
              <th scope="row">
                <RatioBadge status={status} />
              </th>
              <td class="num">{formatNumber(props.places.byStatus[status])}</td>
              <td class="num">{formatNumber(props.places.byProjectedStatus[status])}</td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}

/** How many places sit below, within and above a yearly range (services, people). */
export function RangePosition(props: {
  position: { below: number; within: number; above: number };
  range: { min: number; max: number };
  caption: string;
  testid?: string;
}) {
  const total = () => props.position.below + props.position.within + props.position.above;
  return (
    <div class="range-position" data-testid={props.testid}>
      <p class="range-caption">{props.caption}</p>
      <div class="stacked-bar" aria-hidden="true">
        <span class="below" style={{ width: `${percent(props.position.below, total())}%` }} />
        <span class="within" style={{ width: `${percent(props.position.within, total())}%` }} />
        <span class="above" style={{ width: `${percent(props.position.above, total())}%` }} />
      </div>
      <dl class="range-counts">
        <div>
          <dt>
            <span class="swatch below" aria-hidden="true" />
            {t('range.below', { min: formatNumber(props.range.min) })}
          </dt>
          <dd data-position="below">{formatNumber(props.position.below)}</dd>
        </div>
        <div>
          <dt>
            <span class="swatch within" aria-hidden="true" />
            {t('range.within', { min: formatNumber(props.range.min), max: formatNumber(props.range.max) })}
          </dt>
          <dd data-position="within">{formatNumber(props.position.within)}</dd>
        </div>
        <div>
          <dt>
            <span class="swatch above" aria-hidden="true" />
            {t('range.above', { max: formatNumber(props.range.max) })}
          </dt>
          <dd data-position="above">{formatNumber(props.position.above)}</dd>
        </div>
      </dl>
    </div>
  );
}
