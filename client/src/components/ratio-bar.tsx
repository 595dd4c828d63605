import { placeRatioView, type RatioConfig } from '../../../shared/ratio';
import { money, t } from '../i18n';
import { RatioBadge } from './badges';

interface Props {
  placeName: string;
  year: number;
  deliveredCents: number;
  committedCents: number;
  ratio: RatioConfig;
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
    <div class="ratio">
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
      <dl class="ratio-figures">
        <div>
          <dt>{t('ratio.delivered', { year: props.year })}</dt>
          <dd>
            {money(props.deliveredCents)} <RatioBadge status={view().deliveredStatus} />
          </dd>
        </div>
        <div>
          <dt>{t('ratio.projected')}</dt>
          <dd>
            {money(view().projectedCents)} <RatioBadge status={view().projectedStatus} />
          </dd>
        </div>
      </dl>
    </div>
  );
}
