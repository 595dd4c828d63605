import { departementOfCommuneCode } from './territory';
import type { OrderStatus } from './enums';

/** Today as an ISO date (YYYY-MM-DD) in UTC: the unit of bid deadlines and delivery dates. */
export function todayIso(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

export interface OrderTerritory {
  departementCodes: readonly string[];
  communeCodes: readonly string[];
}

/** Every département an order touches: named ones and those of its named communes. */
export function orderDepartements(order: OrderTerritory): string[] {
  return [...new Set([...order.departementCodes, ...order.communeCodes.map(departementOfCommuneCode)])].sort();
}

/**
 * A place covers an order when one of its points of presence is in a commune the order names,
 * or in a département it names.
 */
export function placeCoversOrder(placeCommuneCodes: readonly string[], order: OrderTerritory): boolean {
  return placeCommuneCodes.some(
    (code) => order.communeCodes.includes(code) || order.departementCodes.includes(departementOfCommuneCode(code)),
  );
}

export interface OrderDates {
  bidDeadline: string;
  deliveryStartsOn: string;
  deliveryEndsOn: string;
}

/** Bids are accepted while the order is open and its deadline (inclusive) has not passed. */
export function acceptsBids(order: { status: OrderStatus; bidDeadline: string }, today = todayIso()): boolean {
  return order.status === 'open' && today <= order.bidDeadline;
}

/**
 * Awards are made once bidding is over: the funder closed it (awarding) or the deadline passed.
 * An order already in delivery can still take awards for what is left.
 */
export function acceptsAwards(order: { status: OrderStatus; bidDeadline: string }, today = todayIso()): boolean {
  if (order.status === 'awarding' || order.status === 'in_delivery') return true;
  return order.status === 'open' && today > order.bidDeadline;
}

/** Deliveries are recorded against awards while the order is being awarded or delivered. */
export function acceptsDeliveries(status: OrderStatus): boolean {
  return status === 'awarding' || status === 'in_delivery';
}

export const isEditable = (status: OrderStatus) => status === 'draft';
/** Cancellable until the first award (the service also checks that none exists). */
export const isCancellable = (status: OrderStatus) => status === 'draft' || status === 'open' || status === 'awarding';

export function withinWindow(date: string, order: Pick<OrderDates, 'deliveryStartsOn' | 'deliveryEndsOn'>): boolean {
  return date >= order.deliveryStartsOn && date <= order.deliveryEndsOn;
}

/** The year an award's commitment counts in: the year its delivery window starts. */
export function commitmentYear(order: Pick<OrderDates, 'deliveryStartsOn'>): number {
  return Number(order.deliveryStartsOn.slice(0, 4));
}

/** Months of grace after the delivery window during which deliveries may still be recorded (issue 7). */
export const DEFAULT_GRACE_MONTHS = 1;

/**
 * The last day a delivery may be recorded: the window's end plus `months`, kept within the
 * target month (31 January + 1 month = 28 or 29 February).
 */
export function graceEndsOn(deliveryEndsOn: string, months = DEFAULT_GRACE_MONTHS): string {
  const [year, month, day] = deliveryEndsOn.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.toISOString().slice(0, 10);
}

/** Orders that hold money and may close once their grace period is over. */
export const CLOSABLE_STATUSES: readonly OrderStatus[] = ['open', 'awarding', 'in_delivery', 'completed'];

/**
 * The funder may close an order once its delivery window has ended; the system closes it the
 * day after the grace period. Closing releases what was awarded and not delivered and credits
 * the rest of the ring-fenced money back to the funders.
 */
export function closability(order: { status: OrderStatus; deliveryEndsOn: string; graceEndsOn: string }, today = todayIso()) {
  const closable = CLOSABLE_STATUSES.includes(order.status);
  return { byFunder: closable && today > order.deliveryEndsOn, automatic: closable && today > order.graceEndsOn };
}
