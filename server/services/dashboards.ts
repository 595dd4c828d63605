import { and, eq, inArray, sql } from 'drizzle-orm';
import type { SQLiteSelect } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../db/client';
import { memoPerState } from './state-memo';
import { awards, departementYearFigures, orderFundings, serviceOrders } from '../../db/schema';
import { isRuralCommune } from '../../shared/domain/communes';
import { countByStatus, rangePosition, revenueHistogram } from '../../shared/domain/dashboards';
import { ORDER_STATUSES, type OrderStatus } from '../../shared/domain/enums';
import { findDepartement } from '../../shared/domain/territory';
import { territoryBalance, type RatioConfig } from '../../shared/ratio';
import { getRound } from './rounds';

/**
 * Dashboards read maintained rows only — place-year figures, département funding, awards — and
 * never scan deliveries (DESIGN §6): each figure below is a sum over at most a few thousand rows,
 * but the money of a national year, which sums that year's awards (tens of thousands).
 * Everything here is an aggregate: no person, no bid content; public views reuse it as is.
 */

interface PlaceFiguresRow {
  id: number;
  departementCode: string;
  mainCommuneCode: string;
  servicesDelivered: number;
  revenueDeliveredCents: number;
  revenueCommittedCents: number;
  beneficiaries: number;
  revenueSettledCents: number;
  revenuePaidCents: number;
}

const PLACES_WITH_FIGURES = `select p.id, p.departement_code, p.main_commune_code, coalesce(f.services_delivered, 0), coalesce(f.revenue_delivered_cents, 0),
    coalesce(f.revenue_committed_cents, 0), coalesce(f.beneficiaries, 0), coalesce(f.revenue_settled_cents, 0), coalesce(f.revenue_paid_cents, 0)
  from places p left join place_year_figures f on f.place_id = p.id and f.year = ?
  where p.status = 'qualified'`;

type PlaceFiguresTuple = [number, string, string, number, number, number, number, number, number];

/**
 * Qualified places of some départements (all of them: null) with their figures for a year. Plain
 * SQL read as arrays: for the country's 3 000 rows, building row objects in the driver (and more
 * so through the query builder) costs several times the query itself.
 */
function placesWithFigures(db: Db, departementCodes: readonly string[] | null, year: number): PlaceFiguresRow[] {
  const rows = departementCodes
    ? db.$client
        .prepare<[number, string], PlaceFiguresTuple>(`${PLACES_WITH_FIGURES} and p.departement_code in (select value from json_each(?))`)
        .raw()
        .all(year, JSON.stringify(departementCodes))
    : db.$client.prepare<[number], PlaceFiguresTuple>(PLACES_WITH_FIGURES).raw().all(year);
  return rows.map((r) => ({
    id: r[0],
    departementCode: r[1],
    mainCommuneCode: r[2],
    servicesDelivered: r[3],
    revenueDeliveredCents: r[4],
    revenueCommittedCents: r[5],
    beneficiaries: r[6],
    revenueSettledCents: r[7],
    revenuePaidCents: r[8],
  }));
}

function departementBalances(db: Db, departementCodes: readonly string[] | null, year: number, ratio: RatioConfig, placeRows: readonly PlaceFiguresRow[]) {
  const funding = db
    .select({ code: departementYearFigures.departementCode, cents: departementYearFigures.fundingCents })
    .from(departementYearFigures)
    .where(eq(departementYearFigures.year, year))
    .all();
  // Indexed once: the national view crosses a hundred départements with 3 000 places.
  const fundingByCode = new Map(funding.map((f) => [f.code, f.cents]));
  const placesByCode = new Map<string, number>();
  for (const p of placeRows) placesByCode.set(p.departementCode, (placesByCode.get(p.departementCode) ?? 0) + 1);
  const codes = departementCodes ?? [...new Set([...fundingByCode.keys(), ...placesByCode.keys()])].sort();
  return codes.map((code) => ({
    code,
    nom: findDepartement(code)?.nom ?? code,
    ...territoryBalance({ fundingCents: fundingByCode.get(code) ?? 0, qualifiedPlaces: placesByCode.get(code) ?? 0 }, ratio),
  }));
}

/** The places part of every dashboard: by status, histogram, rural share, ranges. */
function placesPicture(rows: readonly PlaceFiguresRow[], ratio: RatioConfig) {
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

/**
 * Money of a set of orders, given as the subquery selecting their ids (a round's, a year's):
 * posted (published amounts), funded, awarded, delivered. A subquery rather than a list of ids,
 * so a national year of thousands of orders is not bound as thousands of parameters per read.
 * With it, how the delivered services are proven (issue 11): whether an order requires a pass is
 * fixed at its creation, so its awards' delivered quantities are all redeemed pass or all
 * declared by the places — counted from the awards, without reading a delivery.
 */
function orderMoney(db: Db, orderIds: SQLiteSelect) {
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
      deliveredServices: sql<number>`coalesce(sum(${awards.deliveredQuantity}), 0)`,
      declaredServices: sql<number>`coalesce(sum(case when ${serviceOrders.passRequired} then 0 else ${awards.deliveredQuantity} end), 0)`,
    })
    .from(awards)
    .innerJoin(serviceOrders, eq(serviceOrders.id, awards.orderId))
    .where(inArray(awards.orderId, orderIds))
    .get()!;
  return {
    money: { postedCents: posted, fundedCents: funded, awardedCents: awarded.awarded, deliveredCents: awarded.delivered },
    /** Services delivered under these orders, and those of them declared by the places without a pass. */
    proof: { deliveredServices: awarded.deliveredServices, declaredServices: awarded.declaredServices },
  };
}

export function computeRoundDashboard(db: Db, roundId: number, ratio: RatioConfig) {
  const round = getRound(db, roundId);
  // The places' current year, within the round's own years (a winter round spans two).
  const year = Math.min(Math.max(new Date().getUTCFullYear(), Number(round.opensOn.slice(0, 4))), Number(round.closesOn.slice(0, 4)));
  const roundOrders = eq(serviceOrders.roundId, roundId);
  const counts = db
    .select({ status: serviceOrders.status, n: sql<number>`count(*)` })
    .from(serviceOrders)
    .where(roundOrders)
    .groupBy(serviceOrders.status)
    .all();
  const ordersByStatus = Object.fromEntries(ORDER_STATUSES.map((s) => [s, counts.find((c) => c.status === s)?.n ?? 0])) as Record<OrderStatus, number>;
  const rows = placesWithFigures(db, round.departementCodes, year);
  const { money, proof } = orderMoney(db, db.select({ id: serviceOrders.id }).from(serviceOrders).where(roundOrders).$dynamic());
  return {
    round: { id: round.id, name: round.name, status: round.status, opensOn: round.opensOn, closesOn: round.closesOn, departementCodes: round.departementCodes, targetCents: round.targetCents },
    year,
    money: { targetCents: round.targetCents, ...money },
    proof,
    ordersByStatus,
    places: placesPicture(rows, ratio),
    departements: departementBalances(db, round.departementCodes, year, ratio, rows),
  };
}

/** A round's dashboard, computed once per state of the database (its watchers share it). */
export const roundDashboard = memoPerState(computeRoundDashboard, (roundId, ratio) => `${roundId}:${ratioKey(ratio)}`);

export type RoundDashboard = ReturnType<typeof computeRoundDashboard>;

export function computeNationalDashboard(db: Db, year: number, ratio: RatioConfig) {
  const rows = placesWithFigures(db, null, year);
  const departements = departementBalances(db, null, year, ratio, rows);
  const yearOrders = db
    .select({ id: serviceOrders.id })
    .from(serviceOrders)
    .where(sql`substr(${serviceOrders.deliveryStartsOn}, 1, 4) = ${String(year)}`)
    .$dynamic();
  const { money, proof } = orderMoney(db, yearOrders);
  return {
    year,
    targetPlaces: ratio.targetPlaces,
    mobilisedCents: departements.reduce((sum, d) => sum + d.fundingCents, 0),
    needCents: ratio.nationalNeedCents,
    currentReferenceCents: ratio.nationalCurrentCents,
    money,
    proof,
    places: placesPicture(rows, ratio),
    departements,
  };
}

export type NationalDashboard = ReturnType<typeof nationalDashboard>;

/** The national dashboard of a year, computed once per state of the database. */
export const nationalDashboard = memoPerState(computeNationalDashboard, (year, ratio) => `${year}:${ratioKey(ratio)}`);

const ratioKey = (ratio: RatioConfig) => JSON.stringify(ratio);
