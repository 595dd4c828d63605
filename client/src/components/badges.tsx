import type { BidStatus, OrderStatus, PartnershipMemberStatus, PlaceMode, QualificationStatus } from '../../../shared/domain/enums';
import type { BalanceStatus, PlaceRatioStatus } from '../../../shared/ratio';
import { t } from '../i18n';

export function QualificationBadge(props: { status: QualificationStatus }) {
  return <span class={`badge qualification-${props.status}`}>{t(`qualification.${props.status}`)}</span>;
}

export function RatioBadge(props: { status: PlaceRatioStatus; testid?: string }) {
  return (
    <span class={`badge ratio-${props.status}`} data-testid={props.testid} data-status={props.status}>
      {t(`ratio.${props.status}`)}
    </span>
  );
}

export function ModeBadge(props: { mode: PlaceMode }) {
  return <span class="badge mode">{t(`mode.${props.mode}`)}</span>;
}

export function OrderStatusBadge(props: { status: OrderStatus; testid?: string }) {
  return (
    <span class={`badge order-${props.status}`} data-testid={props.testid} data-status={props.status}>
      {t(`orderStatus.${props.status}`)}
    </span>
  );
}

export function BidStatusBadge(props: { status: BidStatus; testid?: string }) {
  return (
    <span class={`badge bid-${props.status}`} data-testid={props.testid} data-status={props.status}>
      {t(`bidStatus.${props.status}`)}
    </span>
  );
}

export function MemberStatusBadge(props: { status: PartnershipMemberStatus; testid?: string }) {
  return (
    <span class={`badge member-${props.status}`} data-testid={props.testid} data-status={props.status}>
      {t(`memberStatus.${props.status}`)}
    </span>
  );
}

export function BalanceBadge(props: { status: BalanceStatus }) {
  return <span class={`badge balance-${props.status}`}>{t(`balance.${props.status}`)}</span>;
}
