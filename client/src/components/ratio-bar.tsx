import { Show } from 'solid-js';
import { placeRatioView, type RatioConfig } from '../../../shared/ratio';
import { money, t } from '../i18n';
import { RatioBadge } from './badges';

interface Props {
  placeName: string;
  year: number;
  deliveredCents: number;
  committedCents: number;
  ratio: RatioConfig;
  /** The large gauge of the place page: taller, with the floor and ceiling marked under the bar. */
  gauge?: boolean;
}

/**
 * A place's yearly revenue on a scale that shows the 15–25 k€ band: delivered (solid) and
 * committed (hatched). The numbers are printed beside it, so the bar is never the only source.
 */
export function RatioBar(props: Props) {
  const view = () => placeRatioView({ revenueDeliveredCents: props.deliveredCents, revenueCommittedCents: props.committedCents }, props.ratio);
  const scale = () => Math.max(props.ratio.ceilingCents * 1.2, view().projectedCents);
  const pct = (cents: number) => `${Math.min(100, (cents / scale()) * 100)}%`;
  return (
    <div class="ratio" classList={{ gauge: props.gauge }}>
      <div
        class="ratio-bar"
        role="img"
        aria-label={t('ratio.barLabel', {
          year: props.year,
          place: props.placeName,
          amount: money(props.deliveredCents),
          floor: money(props.ratio.floorCents),
        })}
      >
        <div class="band" style={{ left: pct(props.ratio.floorCents), width: `calc(${pct(props.ratio.ceilingCents)} - ${pct(props.ratio.floorCents)})` }} />
        <div class="committed" style={{ left: pct(props.deliveredCents), width: pct(props.committedCents) }} />
        <div class="delivered" style={{ width: pct(props.deliveredCents) }} />
      </div>
      <Show when={props.gauge}>
        {/* Tick labels repeat what the band says in words: decorative for screen readers. */}
        <div class="ratio-scale" aria-hidden="true">
          <span>{money(0)}</span>
          <span style={{ left: pct(props.ratio.floorCents) }}>{money(props.ratio.floorCents)}</span>
          <span style={{ left: pct(props.ratio.ceilingCents) }}>{money(props.ratio.ceilingCents)}</span>
        </div>
      </Show>
      <dl class="ratio-figures">
        <div>
          <dt>{t('ratio.delivered', { year: props.year })}</dt>
          <dd>
            <span data-testid="revenue-delivered">{money(props.deliveredCents)}</span>{' '}
            <RatioBadge status={view().deliveredStatus} testid="ratio-status" />
          </dd>
        </div>
        <div>
          <dt>{t('ratio.projected')}</dt>
          <dd>
            {money(view().projectedCents)} <RatioBadge status={view().projectedStatus} />
          </dd>
        </div>
        <Show when={props.gauge && view().missingToFloorCents > 0}>
          <div>
            <dt>{t('ratio.missing')}</dt>
            <dd>{money(view().missingToFloorCents)}</dd>
          </div>
        </Show>
      </dl>
    </div>
  );
}
