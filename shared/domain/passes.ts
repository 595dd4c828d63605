import type { OrderStatus } from './enums';

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

export type BookletStatus = 'in_stock' | 'assigned' | 'handed_out' | 'started' | 'fully_used' | 'expired';

/** A booklet's stage: fully used wins over expired, and expiry over every earlier stage. */
export function bookletStatus(
  b: { size: number; redeemed: number; prescriberOrganisationId: number | null; handedOutOn: string | null },
  expired: boolean,
): BookletStatus {
  if (b.redeemed === b.size) return 'fully_used';
  if (expired) return 'expired';
  if (b.redeemed > 0) return 'started';
  if (b.handedOutOn) return 'handed_out';
  return b.prescriberOrganisationId ? 'assigned' : 'in_stock';
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
