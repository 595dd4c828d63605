import type { HandoutCategory, OrderStatus } from './enums';

/**
 * Pass rules without I/O (issue 11), shared by the server and the pages. A pass is worth one
 * service of its order; booklets group them for one person.
 */

/** Statuses in which an order's pass may still be issued and redeemed. */
const LIVE_STATUSES: readonly OrderStatus[] = ['open', 'awarding', 'in_delivery'];

/**
 * The services an order can pay for with what its funders paid in and did not get back,
 * within its quantity: issuing never goes beyond it.
 */
export function fundedQuantity(order: { quantity: number; unitPriceCents: number }, netFundingCents: number): number {
  if (order.unitPriceCents === 0) return order.quantity;
  return Math.min(order.quantity, Math.floor(netFundingCents / order.unitPriceCents));
}

/** Whether new pass may be issued for the order today. */
export function issuable(order: { status: OrderStatus; graceEndsOn: string }, today: string): boolean {
  return LIVE_STATUSES.includes(order.status) && today <= order.graceEndsOn;
}

/**
 * Unused pass expire with the order: past its validity plus the grace month, or as soon as the
 * order is closed, cancelled or completed. Their value went back to the funders with the order's
 * credit note (money issue), like any service awarded and not delivered.
 */
export function passesExpired(order: { status: OrderStatus; graceEndsOn: string }, today: string): boolean {
  return !LIVE_STATUSES.includes(order.status) || today > order.graceEndsOn;
}

/** An order's pass, as its funders follow them (booklets and pass). */
export interface PassCounts {
  orderId: number;
  bookletsIssued: number;
  passesIssued: number;
  bookletsAssigned: number;
  bookletsHandedOut: number;
  /** Booklets with at least one pass redeemed. */
  bookletsStarted: number;
  /** Booklets whose every pass is redeemed. */
  bookletsFullyUsed: number;
  passesRedeemed: number;
  /** Unused pass of an expired order (0 while it runs). */
  passesExpired: number;
  /** The most that may still be issued: funded quantity − issued. */
  issuableQuantity: number;
}

export const HANDOUT_CATEGORY_LABELS: Record<HandoutCategory, string> = {
  age_under_25: 'Moins de 25 ans',
  age_25_59: '25 à 59 ans',
  age_60_plus: '60 ans et plus',
  job_seeker: 'En recherche d’emploi',
  senior: 'Personne âgée isolée',
  family: 'Famille, parent isolé',
  disability: 'Situation de handicap',
  other: 'Autre situation',
};
