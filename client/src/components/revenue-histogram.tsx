import { createUniqueId, For, Show } from 'solid-js';
import type { PlaceRatioStatus, RatioConfig } from '../../../shared/ratio';
import type { HistogramBin } from '../api/dashboards';
import { formatNumber, money, t } from '../i18n';
import { RatioBadge } from './badges';

interface Props {
  bins: readonly HistogramBin[];
  ratio: RatioConfig;
  year: number;
  /** The kiosk: larger labels, and the table kept for screen readers only. */
  large?: boolean;
}

// Drawing units of the SVG (it scales to its container).
const WIDTH = 720;
const HEIGHT = 300;
const LEFT = 40;
const RIGHT = 12;
const TOP = 40;
const BOTTOM = 48;

const binLabel = (bin: HistogramBin) =>
  bin.toCents === null ? t('histogram.binOpen', { from: money(bin.fromCents) }) : t('histogram.bin', { from: money(bin.fromCents), to: money(bin.toCents) });

/**
 * The status of the places a bin holds, read at its middle. The payload's `status` is read at the
 * bin's start, which makes the bin just above the ceiling (25 000 – 27 500 €) « consolidated »
 * although only a place at exactly 25 000 € in it is; at the middle every bin is what its places are.
 */
/** The bin's status, decided once in shared/domain/dashboards.ts (the middle of the bin). */
const binStatus = (bin: HistogramBin, _ratio: RatioConfig): PlaceRatioStatus => bin.status;

/** « 17,5 k€ »: short axis labels, from cents without a float division of money that is shown elsewhere. */
const kiloEuros = (cents: number) => t('histogram.kiloEuros', { value: formatNumber(cents / 100_000) });

/**
 * Places by yearly revenue, one bar per 2 500 € bin, coloured by status, with the consolidating
 * band drawn as a shaded rectangle between its two labelled limits. Plain SVG; the table under it
 * says the same in words.
 */
export function RevenueHistogram(props: Props) {
  const id = createUniqueId();
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const step = () => props.bins[1]?.fromCents ?? 250_000;
  const barWidth = () => plotWidth / Math.max(1, props.bins.length);
  /** x of an amount: bins are evenly spaced, so the scale is linear up to the last bin's start. */
  const x = (cents: number) => LEFT + (cents / step()) * barWidth();
  const maxCount = () => Math.max(1, ...props.bins.map((b) => b.count));
  const height = (count: number) => (count / maxCount()) * plotHeight;
  const total = () => props.bins.reduce((sum, b) => sum + b.count, 0);
  const inBand = () => props.bins.filter((b) => binStatus(b, props.ratio) === 'consolidated').reduce((sum, b) => sum + b.count, 0);
  const summary = () =>
    t('histogram.summary', {
      total: formatNumber(total()),
      year: props.year,
      inBand: formatNumber(inBand()),
      floor: money(props.ratio.floorCents),
      ceiling: money(props.ratio.ceilingCents),
    });

  return (
    <figure class="chart" classList={{ large: props.large }}>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        class="histogram"
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        data-testid="histogram"
      >
        <title id={`${id}-title`}>{t('histogram.title', { year: props.year })}</title>
        <desc id={`${id}-desc`}>{summary()}</desc>
        {/* The consolidating band, behind the bars. */}
        <rect
          class="histogram-band"
          x={x(props.ratio.floorCents)}
          y={TOP}
          width={x(props.ratio.ceilingCents) - x(props.ratio.floorCents)}
          height={plotHeight}
        />
        <line class="histogram-limit" x1={x(props.ratio.floorCents)} x2={x(props.ratio.floorCents)} y1={TOP - 6} y2={TOP + plotHeight} />
        <line class="histogram-limit" x1={x(props.ratio.ceilingCents)} x2={x(props.ratio.ceilingCents)} y1={TOP - 6} y2={TOP + plotHeight} />
        <text class="histogram-limit-label" x={x(props.ratio.floorCents)} y={TOP - 24} text-anchor="middle">
          {t('histogram.floor', { amount: money(props.ratio.floorCents) })}
        </text>
        <text class="histogram-limit-label" x={x(props.ratio.ceilingCents)} y={TOP - 24} text-anchor="middle">
          {t('histogram.ceiling', { amount: money(props.ratio.ceilingCents) })}
        </text>
        <line class="histogram-axis" x1={LEFT} x2={WIDTH - RIGHT} y1={TOP + plotHeight} y2={TOP + plotHeight} />
        <For each={props.bins}>
          {(bin, index) => (
            <g>
              <rect
                class={`histogram-bar status-${binStatus(bin, props.ratio)}`}
                x={LEFT + index() * barWidth() + 3}
                y={TOP + plotHeight - height(bin.count)}
                width={barWidth() - 6}
                height={height(bin.count)}
                data-testid="histogram-bar"
                data-count={bin.count}
                data-status={binStatus(bin, props.ratio)}
              >
                <title>{t('histogram.barTitle', { bin: binLabel(bin), count: formatNumber(bin.count), status: t(`ratio.${binStatus(bin, props.ratio)}`) })}</title>
              </rect>
              <Show when={bin.count > 0}>
                <text class="histogram-count" x={LEFT + (index() + 0.5) * barWidth()} y={TOP + plotHeight - height(bin.count) - 4} text-anchor="middle">
                  {formatNumber(bin.count)}
                </text>
              </Show>
              <Show when={index() % 2 === 0}>
                <text class="histogram-tick" x={LEFT + index() * barWidth()} y={TOP + plotHeight + 18} text-anchor="middle">
                  {kiloEuros(bin.fromCents)}
                </text>
              </Show>
            </g>
          )}
        </For>
        <text class="histogram-tick" x={LEFT + plotWidth / 2} y={HEIGHT - 6} text-anchor="middle">
          {t('histogram.axis', { year: props.year })}
        </text>
      </svg>
      <figcaption>
        <ul class="legend">
          <li>
            <span class="swatch band" aria-hidden="true" />
            {t('ratio.band', { floor: money(props.ratio.floorCents), ceiling: money(props.ratio.ceilingCents) })}
          </li>
          <For each={['fragile', 'consolidated', 'saturated'] as const}>
            {(status) => (
              <li>
                <span class={`swatch status-${status}`} aria-hidden="true" />
                {t(`ratio.${status}`)}
              </li>
            )}
          </For>
        </ul>
      </figcaption>
      <div classList={{ 'visually-hidden': props.large }}>
        <table class="compact-table" data-testid="histogram-table">
          <caption>{t('histogram.tableCaption', { year: props.year })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('histogram.revenue')}</th>
              <th scope="col" class="num">{t('histogram.places')}</th>
              <th scope="col">{t('histogram.status')}</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.bins}>
              {(bin) => (
                <tr>
                  <th scope="row">{binLabel(bin)}</th>
                  <td class="num">{formatNumber(bin.count)}</td>
                  <td>
                    <RatioBadge status={binStatus(bin, props.ratio)} />
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </figure>
  );
}
