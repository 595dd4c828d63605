import type { Db } from '../../db/client';
import type { PlaceFigures } from '../services/places';
import { draftView } from '../services/drafts';
import type { CloseResult } from '../services/credits';
import { placeYearFigures } from '../services/figures';
import { getOrderRow, orderEventPayload } from '../services/orders';
import { fundersOfOrder, passCountsOfOrder, prescribersOfOrder } from '../services/passes/booklets';
import { commitmentYear } from '../../shared/domain/orders';
import type { RoundActivity } from '../../shared/events';
import type { EventBus } from './bus';
import { departementsOfOrder, publishDashboards, type DashboardContext } from './dashboards';

/** Events after commit (DESIGN §4): routers call these once the service's transaction returned. */
export function publishPlaceFigures(bus: EventBus, placeId: number, figures: PlaceFigures[]): void {
  for (const f of figures) bus.publish(`place:${placeId}`, 'place.figures', { placeId, ...f });
}

/**
 * Order rooms carry amounts and counts only: never the content of a sealed bid. The dashboards
 * the order moves (its round, its territory, the nation) follow, with an activity line if given.
 */
export function publishOrder(ctx: DashboardContext, orderId: number, activity?: Pick<RoundActivity, 'kind' | 'count' | 'amountCents'>): void {
  // Computed when the room flushes, and only if someone follows the order: a burst of deliveries costs one.
  ctx.bus.publishLazy(`order:${orderId}`, 'order.updated', String(orderId), () => orderEventPayload(ctx.db, orderId));
  publishDashboards(ctx, { departementCodes: departementsOfOrder(ctx.db, orderId), orderId, activity });
}

/** A partnership step, to its room and to the organisation whose place it concerns (their inbox). */
export function publishPartnership(
  bus: EventBus,
  change: { partnershipId: number; kind: string; placeId?: number; status?: string; organisationId?: number },
): void {
  const payload = { partnershipId: change.partnershipId, kind: change.kind, placeId: change.placeId ?? null, status: change.status ?? null };
  bus.publish(`partnership:${change.partnershipId}`, 'partnership.updated', payload);
  if (change.organisationId) bus.publish(`org:${change.organisationId}`, 'partnership.updated', payload);
}

/** The draft after a committed write, to the participants who have it open. */
export function publishDraft(bus: EventBus, db: Db, bidId: number): void {
  const view = draftView(db, bidId);
  bus.publish(`draft:${bidId}`, 'draft.updated', {
    bidId,
    version: view.bid.version,
    status: view.bid.status,
    note: view.bid.note,
    unitPriceCents: view.bid.unitPriceCents,
    lines: view.lines.map((l) => ({ placeId: l.placeId, quantity: l.quantity, confirmed: l.confirmed })),
  });
}

/** A closed order: its rooms and dashboards, and the gauges of the places whose awards were released. */
export function publishClosed(ctx: DashboardContext, result: CloseResult): void {
  publishOrder(ctx, result.orderId);
  const year = commitmentYear(getOrderRow(ctx.db, result.orderId));
  for (const placeId of result.placeIds) publishPlaceFigures(ctx.bus, placeId, [placeYearFigures(ctx.db, placeId, year)]);
}

/**
 * An order's pass counts, coalesced per order, to its funders and the prescribers holding its
 * booklets (and `alsoTo`: prescribers that just gave some back).
 */
export function publishPasses(bus: EventBus, db: Db, orderId: number, alsoTo: readonly number[] = []): void {
  const rooms = new Set([...fundersOfOrder(db, orderId).map((f) => f.organisationId), ...prescribersOfOrder(db, orderId), ...alsoTo]);
  for (const organisationId of rooms) bus.publishLazy(`org:${organisationId}`, 'passes.updated', `passes:${orderId}`, () => passCountsOfOrder(db, orderId));
}
