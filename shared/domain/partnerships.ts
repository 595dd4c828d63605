import type { PartnershipMemberStatus } from './enums';

/** Pooling fee bounds: 0 to 30 % of each delivery, in basis points. */
export const MAX_POOLING_FEE_BPS = 3_000;

export const MEMBERSHIP_ACTIONS = ['invite', 'accept', 'decline', 'leave'] as const;
export type MembershipAction = (typeof MEMBERSHIP_ACTIONS)[number];

const TRANSITIONS: Record<MembershipAction, { from: (PartnershipMemberStatus | 'none')[]; to: PartnershipMemberStatus }> = {
  invite: { from: ['none', 'declined', 'left'], to: 'invited' },
  accept: { from: ['invited'], to: 'active' },
  decline: { from: ['invited'], to: 'declined' },
  leave: { from: ['active'], to: 'left' },
};

/** The member status an action leads to, or undefined when it does not apply. */
export function membershipOutcome(current: PartnershipMemberStatus | 'none', action: MembershipAction): PartnershipMemberStatus | undefined {
  const transition = TRANSITIONS[action];
  return transition.from.includes(current) ? transition.to : undefined;
}

export interface DraftLine {
  placeId: number;
  quantity: number;
  confirmed: boolean;
}

/** The lead submits only when every line with services is confirmed by its place. */
export function draftSubmittable(lines: readonly DraftLine[]): { ok: boolean; total: number; unconfirmed: number[] } {
  const withServices = lines.filter((l) => l.quantity > 0);
  const unconfirmed = withServices.filter((l) => !l.confirmed).map((l) => l.placeId);
  const total = withServices.reduce((sum, l) => sum + l.quantity, 0);
  return { ok: withServices.length > 0 && unconfirmed.length === 0, total, unconfirmed };
}
