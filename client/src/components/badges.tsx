import type { BidStatus, DeliveryProof, OrderStatus, PartnershipMemberStatus, PlaceMode, QualificationStatus } from '../../../shared/domain/enums';
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

/** How an order's deliveries are proven, fixed when it is created: by pass, or declared by the place. */
export const proofOf = (passRequired: boolean): DeliveryProof => (passRequired ? 'pass' : 'declared');

/**
 * How deliveries are proven (issue 11): « Pass » (a redeemed pass code) or « Déclaratif »
 * (declared by the place, without pass). The same badge on every dashboard and statement; its
 * meaning is read with it by screen readers and shown on hover.
 */
export function ProofBadge(props: { proof: DeliveryProof; testid?: string }) {
  const hint = () => t(`proof.${props.proof}Hint`);
  return (
    <span class={`badge proof-${props.proof}`} title={hint()} data-testid={props.testid ?? 'proof-badge'} data-proof={props.proof}>
      {t(`proof.${props.proof}`)}
      <span class="visually-hidden"> ({hint()})</span>
    </span>
  );
}
