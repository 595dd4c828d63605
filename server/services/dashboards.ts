import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { awards, departementYearFigures, orderFundings, places, placeYearFigures, serviceOrders } from '../../db/schema';
import { isRuralCommune } from '../../shared/domain/communes';
import { countByStatus, rangePosition, revenueHistogram } from '../../shared/domain/dashboards';
import { ORDER_STATUSES, type OrderStatus } from '../../shared/domain/enums';
import { findDepartement } from '../../shared/domain/territory';
import { territoryBalance, type RatioConfig } from '../../shared/ratio';
import { getRound } from './rounds';

/**
 * Dashboards read maintained rows only — place-year figures, département funding, awards — and
 * never scan deliveries (DESIGN §6): each figure below is a sum over at most a few thousand rows.
 * Everything here is an aggregate: no person, no bid content; public views reuse it as is.
 */

/** Qualified places of some départements with their figures for a year. */
function placesWithFigures(db: Db, departementCodes: readonly string[] | null, year: number) {
  return db
    .select({
      id: places.id,
      departementCode: places.departementCode,
      mainCommuneCode: places.mainCommuneCode,
      servicesDelivered: sql<number>`coalesce(${placeYearFigures.servicesDelivered}, 0)`,
      revenueDeliveredCents: sql<number>`coalesce(${placeYearFigures.revenueDeliveredCents}, 0)`,
      revenueCommittedCents: sql<number>`coalesce(${placeYearFigures.revenueCommittedCents}, 0)`,
      beneficiaries: sql<number>`coalesce(${placeYearFigures.beneficiaries}, 0)`,
      revenueSettledCents: sql<number>`coalesce(${placeYearFigures.revenueSettledCents}, 0)`,
      revenuePaidCents: sql<number>`coalesce(${placeYearFigures.revenuePaidCents}, 0)`,
    })
    .from(places)
    .leftJoin(placeYearFigures, and(eq(placeYearFigures.placeId, places.id), eq(placeYearFigures.year, year)))
    .where(departementCodes ? and(eq(places.status, 'qualified'), inArray(places.departementCode, [...departementCodes])) : eq(places.status, 'qualified'))
    .all();
}

function departementBalances(db: Db, departementCodes: readonly string[] | null, year: number, ratio: RatioConfig, placeRows: ReturnType<typeof placesWithFigures>) {
  const funding = db
    .select({ code: departementYearFigures.departementCode, cents: departementYearFigures.fundingCents })
    .from(departementYearFigures)
    .where(eq(departementYearFigures.year, year))
    .all();
  const codes = departementCodes ?? [...new Set([...funding.map((f) => f.code), ...placeRows.map((p) => p.departementCode)])].sort();
  return codes.map((code) => ({
    code,
    nom: findDepartement(code)?.nom ?? code,
    ...territoryBalance(
      { fundingCents: funding.find((f) => f.code === code)?.cents ?? 0, qualifiedPlaces: placeRows.filter((p) => p.departementCode === code).length },
      ratio,
    ),
  }));
}

/** The places part of every dashboard: by status, histogram, rural share, ranges. */
function placesPicture(rows: ReturnType<typeof placesWithFigures>, ratio: RatioConfig) {
  const delivered = rows.map((r) => r.revenueDeliveredCents);
  const projected = rows.map((r) => r.revenueDeliveredCents + r.revenueCommittedCents);
  const services = rows.reduce((sum, r) => sum + r.servicesDelivered, 0);
  const ruralServices = rows.filter((r) => isRuralCommune(r.mainCommuneCode, ratio.ruralPopulationThreshold)).reduce((sum, r) => sum + r.servicesDelivered, 0);
  return {
    qualifiedPlaces: rows.length,
    byStatus: countByStatus(delivered, ratio),
    byProjectedStatus: countByStatus(projected, ratio),
    histogram: revenueHistogram(delivered, ratio),
    servicesDelivered: services,
    ruralServicesDelivered: ruralServices,
    /** Share of services delivered by places in rural communes (< 2 000 inhabitants), 0–1. */
    ruralShare: services === 0 ? 0 : ruralServices / services,
    servicesRange: rangePosition(rows.map((r) => r.servicesDelivered), ratio.servicesPerPlace),
    peopleRange: rangePosition(rows.map((r) => r.beneficiaries), ratio.peoplePerPlace),
    revenueDeliveredCents: delivered.reduce((a, b) => a + b, 0),
    /** Of the delivered revenue: in a monthly payout (the rest is estimated), and paid (issue 7). */
    revenueSettledCents: rows.reduce((sum, r) => sum + r.revenueSettledCents, 0),
    revenuePaidCents: rows.reduce((sum, r) => sum + r.revenuePaidCents, 0),
  };
}

/** Money of a set of orders: posted (published amounts), funded, awarded, delivered. */
function orderMoney(db: Db, orderIds: number[]) {
  if (orderIds.length === 0) return { postedCents: 0, fundedCents: 0, awardedCents: 0, deliveredCents: 0 };
  const posted = db
    .select({ cents: sql<number>`coalesce(sum(${serviceOrders.quantity} * ${serviceOrders.unitPriceCents}), 0)` })
    .from(serviceOrders)
    .where(and(inArray(serviceOrders.id, orderIds), sql`${serviceOrders.status} not in ('draft', 'cancelled')`))
    .get()!.cents;
  const funded = db
    .select({ cents: sql<number>`coalesce(sum(${orderFundings.paidCents} - ${orderFundings.creditedCents}), 0)` })
    .from(orderFundings)
    .where(inArray(orderFundings.orderId, orderIds))
    .get()!.cents;
  const awarded = db
    .select({
      awarded: sql<number>`coalesce(sum(${awards.quantity} * ${awards.unitPriceCents}), 0)`,
      delivered: sql<number>`coalesce(sum(${awards.deliveredQuantity} * ${awards.unitPriceCents}), 0)`,
    })
    .from(awards)
    .where(inArray(awards.orderId, orderIds))
    .get()!;
  return { postedCents: posted, fundedCents: funded, awardedCents: awarded.awarded, deliveredCents: awarded.delivered };
}

export function roundDashboard(db: Db, roundId: number, ratio: RatioConfig) {
  const round = getRound(db, roundId);
  // The places' current year, within the round's own years (a winter round spans two).
  const year = Math.min(Math.max(new Date().getUTCFullYear(), Number(round.opensOn.slice(0, 4))), Number(round.closesOn.slice(0, 4)));
  const orders = db.select({ id: serviceOrders.id, status: serviceOrders.status }).from(serviceOrders).where(eq(serviceOrders.roundId, roundId)).all();
  const ordersByStatus = Object.fromEntries(ORDER_STATUSES.map((s) => [s, orders.filter((o) => o.status === s).length])) as Record<OrderStatus, number>;
  const rows = placesWithFigures(db, round.departementCodes, year);
  return {
    round: { id: round.id, name: round.name, status: round.status, opensOn: round.opensOn, closesOn: round.closesOn, departementCodes: round.departementCodes, targetCents: round.targetCents },
    year,
    money: { targetCents: round.targetCents, ...orderMoney(db, orders.map((o) => o.id)) },
    ordersByStatus,
    places: placesPicture(rows, ratio),
    departements: departementBalances(db, round.departementCodes, year, ratio, rows),
  };
}

export type RoundDashboard = ReturnType<typeof roundDashboard>;

export function nationalDashboard(db: Db, year: number, ratio: RatioConfig) {
  const rows = placesWithFigures(db, null, year);
  const departements = departementBalances(db, null, year, ratio, rows);
  const yearOrders = db
    .select({ id: serviceOrders.id })
    .from(serviceOrders)
    .where(sql`substr(${serviceOrders.deliveryStartsOn}, 1, 4) = ${String(year)}`)
    .all()
    .map((o) => o.id);
  return {
    year,
    targetPlaces: ratio.targetPlaces,
    mobilisedCents: departements.reduce((sum, d) => sum + d.fundingCents, 0),
    needCents: ratio.nationalNeedCents,
    currentReferenceCents: ratio.nationalCurrentCents,
    money: orderMoney(db, yearOrders),
    places: placesPicture(rows, ratio),
    departements,
  };
}

export type NationalDashboard = ReturnType<typeof nationalDashboard>;
