import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { awards, bidLines, bids, places } from '../../db/schema';
import { recommendAllocation, proRataAllocation, type AllocationBidLine } from '../../shared/domain/allocation';
import { isRuralCommune } from '../../shared/domain/communes';
import { commitmentYear } from '../../shared/domain/orders';
import type { RatioConfig } from '../../shared/ratio';
import { placeYearFigures } from './figures';
import { getOrderRow, orderTotals } from './orders';

/**
 * The consolidating proposal for an order (DESIGN §3): every standing bid line not yet awarded,
 * with its place's figures for the commitment year, given to the shared pure function. The
 * funder may apply or change it; the award service validates whatever is submitted.
 */
export function allocationProposal(db: Db, orderId: number, ratio: RatioConfig) {
  const order = getOrderRow(db, orderId);
  const year = commitmentYear(order);
  const totals = orderTotals(db, order);
  const standing = db.select().from(bids).where(and(eq(bids.orderId, orderId), inArray(bids.status, ['submitted', 'awarded']))).all();
  const lines: AllocationBidLine[] = [];
  for (const bid of standing) {
    const rows = db
      .select({ placeId: bidLines.placeId, quantity: bidLines.quantity, place: places })
      .from(bidLines)
      .innerJoin(places, eq(places.id, bidLines.placeId))
      .where(eq(bidLines.bidId, bid.id))
      .all();
    for (const row of rows) {
      const awarded = db.select({ id: awards.id }).from(awards).where(and(eq(awards.bidId, bid.id), eq(awards.placeId, row.placeId))).get();
      if (awarded || row.place.status !== 'qualified' || !row.place.qualifiedAt) continue;
      const figures = placeYearFigures(db, row.placeId, year);
      lines.push({
        bidId: bid.id,
        placeId: row.placeId,
        offered: row.quantity,
        unitPriceCents: bid.unitPriceCents,
        deliveredCents: figures.revenueDeliveredCents,
        committedCents: figures.revenueCommittedCents,
        remainingCapacity: Math.max(0, row.place.yearlyCapacity - figures.servicesDelivered - figures.servicesCommitted),
        qualityScore: row.place.qualityScore,
        qualifiedAt: row.place.qualifiedAt,
        rural: isRuralCommune(row.place.mainCommuneCode, ratio.ruralPopulationThreshold),
      });
    }
  }
  // What is left to award, in services, and what the money paid in still covers.
  const fundedServices = Math.floor((totals.fundedCents - totals.awardedCents) / order.unitPriceCents);
  const quantity = Math.max(0, Math.min(order.quantity - totals.awardedQuantity, fundedServices));
  const input = { quantity, lines, unitPriceCents: order.unitPriceCents };
  return { quantity, recommendation: recommendAllocation(input, ratio), proRata: proRataAllocation(input, ratio) };
}

/**
 * For a partnership lead: how to split the order among the draft's member places so as to
 * consolidate the most members — each place may take up to its remaining capacity.
 */
export function draftAllocationProposal(db: Db, bidId: number, ratio: RatioConfig) {
  const bid = db.select().from(bids).where(eq(bids.id, bidId)).get()!;
  const order = getOrderRow(db, bid.orderId);
  const year = commitmentYear(order);
  const rows = db
    .select({ place: places })
    .from(bidLines)
    .innerJoin(places, eq(places.id, bidLines.placeId))
    .where(eq(bidLines.bidId, bidId))
    .all();
  const lines: AllocationBidLine[] = rows
    .filter((r) => r.place.status === 'qualified' && r.place.qualifiedAt)
    .map(({ place }) => {
      const figures = placeYearFigures(db, place.id, year);
      const room = Math.max(0, place.yearlyCapacity - figures.servicesDelivered - figures.servicesCommitted);
      return {
        bidId,
        placeId: place.id,
        offered: Math.min(room, order.quantity),
        unitPriceCents: bid.unitPriceCents,
        deliveredCents: figures.revenueDeliveredCents,
        committedCents: figures.revenueCommittedCents,
        remainingCapacity: room,
        qualityScore: place.qualityScore,
        qualifiedAt: place.qualifiedAt!,
        rural: isRuralCommune(place.mainCommuneCode, ratio.ruralPopulationThreshold),
      };
    });
  const input = { quantity: order.quantity, lines, unitPriceCents: bid.unitPriceCents };
  return { quantity: order.quantity, recommendation: recommendAllocation(input, ratio), proRata: proRataAllocation(input, ratio) };
}
