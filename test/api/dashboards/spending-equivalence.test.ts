import { eq, inArray, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../db/client';
import { awards, places } from '../../../db/schema';
import { closeOrder } from '../../../server/services/credits';
import { withdrawBid } from '../../../server/services/bids';
import { cancelOrder, coFund, ordersOfFunder, recordPayment, spendingOfFunder, type orderTotals } from '../../../server/services/orders';
import { makePlace, makeRound } from '../../factories';
import { makeAwards, makeBid, makeDelivery, makeOrder, sessionUserOf } from '../../factories/marketplace';
import { expectLedgerClean, key, orderForm, thisYear } from '../marketplace/helpers';
import { deliver, formedPartnership, openOrder, partnershipWorld, submittedDraft, type World } from '../partnerships/helpers';

/**
 * The funder's spending page used to read each of its orders one by one (about five queries an
 * order); it now answers from a handful of grouped queries. The per-order implementation is kept
 * below, as it was, and both must answer exactly the same thing on one small but complete market.
 */

// ——— The implementation before the grouped queries (verbatim; ordersOfFunder and orderTotals are the live ones). ———

function referenceSpending(db: Db, organisationId: number) {
  const orders = ordersOfFunder(db, organisationId).filter((o) => o.status !== 'draft');
  const byYear = new Map<number, { year: number; committedCents: number; deliveredCents: number }>();
  for (const order of orders) {
    const rows = db
      .select({
        year: awards.year,
        committed: sql<number>`sum((${awards.quantity} - ${awards.deliveredQuantity}) * ${awards.unitPriceCents})`,
        delivered: sql<number>`sum(${awards.deliveredQuantity} * ${awards.unitPriceCents})`,
      })
      .from(awards)
      .where(eq(awards.orderId, order.id))
      .groupBy(awards.year)
      .all();
    for (const row of rows) {
      const entry = byYear.get(row.year) ?? { year: row.year, committedCents: 0, deliveredCents: 0 };
      entry.committedCents += row.committed;
      entry.deliveredCents += row.delivered;
      byYear.set(row.year, entry);
    }
  }
  return {
    orders: orders.map((o) => ({
      id: o.id,
      title: o.title,
      status: o.status,
      roundId: o.roundId,
      share: o.totals.funders.find((f) => f.organisationId === organisationId),
      totals: o.totals,
    })),
    years: [...byYear.values()].sort((a, b) => a.year - b.year),
    rounds: referenceByRound(orders),
    places: referencePlaces(db, orders.map((o) => o.id)),
  };
}

function referenceByRound(orders: { roundId: number | null; totals: ReturnType<typeof orderTotals> }[]) {
  const byRound = new Map<number | null, { roundId: number | null; awardedCents: number; deliveredCents: number; orders: number }>();
  for (const order of orders) {
    const entry = byRound.get(order.roundId) ?? { roundId: order.roundId, awardedCents: 0, deliveredCents: 0, orders: 0 };
    entry.awardedCents += order.totals.awardedCents;
    entry.deliveredCents += order.totals.deliveredCents;
    entry.orders += 1;
    byRound.set(order.roundId, entry);
  }
  return [...byRound.values()];
}

function referencePlaces(db: Db, orderIds: number[]) {
  if (orderIds.length === 0) return [];
  const year = new Date().getUTCFullYear();
  return db
    .select({
      placeId: places.id,
      name: places.name,
      departementCode: places.departementCode,
      awardedCents: sql<number>`sum(${awards.quantity} * ${awards.unitPriceCents})`,
      deliveredCents: sql<number>`sum(${awards.deliveredQuantity} * ${awards.unitPriceCents})`,
      yearDeliveredCents: sql<number>`coalesce((select revenue_delivered_cents from place_year_figures f where f.place_id = ${places.id} and f.year = ${year}), 0)`,
      yearCommittedCents: sql<number>`coalesce((select revenue_committed_cents from place_year_figures f where f.place_id = ${places.id} and f.year = ${year}), 0)`,
    })
    .from(awards)
    .innerJoin(places, eq(places.id, awards.placeId))
    .where(inArray(awards.orderId, orderIds))
    .groupBy(places.id)
    .orderBy(places.name)
    .all();
}

// ——— The market. ———

const year = thisYear();
/** A day after every delivery window of this file: orders may be closed then. */
const AFTER_WINDOWS = `${year + 1}-06-30`;
let w: World;
let partnershipOrg: number;

/**
 * The Finistère department (the funder) and the CAF (the rival funder), through one round:
 *   A  round, 200 × 10 €, paid, awarded in full to two solo bids (one place shares its name with another) → in_delivery
 *   B  100 × 10 €, paid, a partnership's joint bid at 9,50 € awarded per place, a solo bid left standing → awarding
 *   C  300 × 5 €, the funder's share 900 € (paid) and the CAF's 600 € (400 € paid), awarded and partly
 *      delivered, then closed: awards released and two credit notes → closed
 *   D  paid 200 €, cancelled: one credit note → cancelled
 *   E  round, part-paid, a withdrawn bid and a partnership draft never submitted → open
 *   F  never published → draft (not on the page)
 *   G  next year's window, awarded → its commitment counts next year
 *   H  Morbihan, 10 services awarded and delivered → completed
 *   I  the CAF's order, co-funded by the funder, awarded to a partnership place's own actor → in_delivery
 *   J  the CAF's alone → only on the CAF's page
 * B and C carry the same creation time, and so do I's two fundings.
 */
beforeAll(async () => {
  w = await partnershipWorld();
  const { db } = w;
  const funder = { funderOrganisationId: w.funder.organisationId, userId: w.funder.userId };
  const rival = { funderOrganisationId: w.rivalFunder.organisationId, userId: w.rivalFunder.userId };
  const actor = (m: { userId: number }) => sessionUserOf(db, m.userId);
  const twinName = makePlace(db, { organisationId: w.third.organisationId, name: 'Cyber-base de Brest', mainCommuneCode: '29019' });
  const roundId = makeRound(db, { operatorOrganisationId: w.operator.organisationId, departementCodes: ['29', '56'], opensOn: `${year}-01-01`, closesOn: `${year}-12-31` });
  const partnership = await formedPartnership(w, { poolingFeeBps: 500 });
  partnershipOrg = partnership.organisationId;

  // A
  const a = makeOrder(db, { ...funder, title: 'A', quantity: 200, roundId });
  const aThird = makeBid(db, { orderId: a, organisationId: w.third.organisationId, lines: [{ placeId: w.places.third, quantity: 100 }, { placeId: twinName, quantity: 40 }] });
  const aOut = makeBid(db, { orderId: a, organisationId: w.outsider.organisationId, unitPriceCents: 900, lines: [{ placeId: w.places.outsider, quantity: 60 }] });
  const [aw1, aw2, aw3] = makeAwards(db, {
    orderId: a,
    userId: w.funder.userId,
    lines: [
      { bidId: aThird, placeId: w.places.third, quantity: 100 },
      { bidId: aThird, placeId: twinName, quantity: 40 },
      { bidId: aOut, placeId: w.places.outsider, quantity: 60 },
    ],
  });
  for (let i = 0; i < 6; i++) makeDelivery(db, actor(w.third), { awardId: aw1!, quantity: 5, beneficiary: `a-${i % 4}` });
  makeDelivery(db, actor(w.third), { awardId: aw2!, quantity: 2 });
  makeDelivery(db, actor(w.outsider), { awardId: aw3!, quantity: 11 });

  // B
  const b = await openOrder(w, { title: 'B' });
  const joint = await submittedDraft(w, partnership.partnershipId, b, { lead: 20, partner: 40 }, 950);
  makeBid(db, { orderId: b, organisationId: w.third.organisationId, lines: [{ placeId: w.places.third, quantity: 30 }] });
  await w.funder.api.awards.closeBidding.mutate({ orderId: b });
  const { awardIds } = await w.funder.api.awards.create.mutate({
    orderId: b,
    lines: [
      { bidId: joint.bid.id, placeId: w.places.partner, quantity: 40 },
      { bidId: joint.bid.id, placeId: w.places.lead, quantity: 20 },
    ],
  });
  await deliver(w.partner.api, awardIds[0]!, 7);
  await deliver(w.lead.api, awardIds[1]!, 3);

  // C
  const { orderId: c } = await w.funder.api.orders.create.mutate(orderForm(w.funder.organisationId, { title: 'C', quantity: 300, unitPriceCents: 500, shareCents: 90_000 }));
  await w.funder.api.orders.publish.mutate({ orderId: c });
  recordPayment(db, { orderId: c, organisationId: w.funder.organisationId, amountCents: 90_000, reference: 'VIR-C', idempotencyKey: key(), source: 'transfer' });
  coFund(db, { orderId: c, organisationId: w.rivalFunder.organisationId, shareCents: 60_000 });
  recordPayment(db, { orderId: c, organisationId: w.rivalFunder.organisationId, amountCents: 40_000, reference: 'VIR-C-CAF', idempotencyKey: key(), source: 'transfer' });
  const cBid = makeBid(db, { orderId: c, organisationId: w.third.organisationId, unitPriceCents: 450, lines: [{ placeId: w.places.third, quantity: 150 }] });
  const [cAward] = makeAwards(db, { orderId: c, userId: w.funder.userId, lines: [{ bidId: cBid, placeId: w.places.third, quantity: 150 }] });
  makeDelivery(db, actor(w.third), { awardId: cAward!, quantity: 20 });
  closeOrder(db, c, { userId: w.funder.userId, reason: 'Fin de la période de réalisation', today: AFTER_WINDOWS });

  // D
  const d = makeOrder(db, { ...funder, title: 'D', quantity: 50, paidCents: 20_000 });
  cancelOrder(db, d, w.funder.userId);

  // E
  const e = makeOrder(db, { ...funder, title: 'E', quantity: 80, paidCents: 30_000, roundId });
  withdrawBid(db, makeBid(db, { orderId: e, organisationId: w.outsider.organisationId, lines: [{ placeId: w.places.outsider, quantity: 10 }] }));
  makeBid(db, { orderId: e, organisationId: w.third.organisationId, lines: [{ placeId: w.places.third, quantity: 10 }] });
  await w.lead.api.drafts.open.mutate({ partnershipId: partnership.partnershipId, orderId: e });

  // F
  makeOrder(db, { ...funder, title: 'F', publish: false, paidCents: 0 });

  // G
  const g = makeOrder(db, { ...funder, title: 'G', quantity: 60, deliveryStartsOn: `${year + 1}-02-01`, deliveryEndsOn: `${year + 1}-05-31` });
  const gBid = makeBid(db, { orderId: g, organisationId: w.outsider.organisationId, lines: [{ placeId: w.places.outsider, quantity: 60 }] });
  makeAwards(db, { orderId: g, userId: w.funder.userId, lines: [{ bidId: gBid, placeId: w.places.outsider, quantity: 60 }] });

  // H
  const h = makeOrder(db, { ...funder, title: 'H', quantity: 10, departementCodes: ['56'] });
  const hBid = makeBid(db, { orderId: h, organisationId: w.lead.organisationId, lines: [{ placeId: w.places.leadFar, quantity: 10 }] });
  const [hAward] = makeAwards(db, { orderId: h, userId: w.funder.userId, lines: [{ bidId: hBid, placeId: w.places.leadFar, quantity: 10 }] });
  makeDelivery(db, actor(w.lead), { awardId: hAward!, quantity: 10 });

  // I
  const { orderId: i } = await w.rivalFunder.api.orders.create.mutate(orderForm(w.rivalFunder.organisationId, { title: 'I', quantity: 100, shareCents: 60_000 }));
  await w.rivalFunder.api.orders.publish.mutate({ orderId: i });
  recordPayment(db, { orderId: i, organisationId: w.rivalFunder.organisationId, amountCents: 60_000, reference: 'VIR-I', idempotencyKey: key(), source: 'transfer' });
  coFund(db, { orderId: i, organisationId: w.funder.organisationId, shareCents: 40_000 });
  recordPayment(db, { orderId: i, organisationId: w.funder.organisationId, amountCents: 40_000, reference: 'VIR-I-CD29', idempotencyKey: key(), source: 'transfer' });
  const iBid = makeBid(db, { orderId: i, organisationId: w.partner.organisationId, lines: [{ placeId: w.places.partner, quantity: 100 }] });
  const [iAward] = makeAwards(db, { orderId: i, userId: w.rivalFunder.userId, lines: [{ bidId: iBid, placeId: w.places.partner, quantity: 100 }] });
  makeDelivery(db, actor(w.partner), { awardId: iAward!, quantity: 5 });

  // J
  const j = makeOrder(db, { ...rival, title: 'J', quantity: 30 });
  const jBid = makeBid(db, { orderId: j, organisationId: w.third.organisationId, lines: [{ placeId: w.places.third, quantity: 30 }] });
  makeAwards(db, { orderId: j, userId: w.rivalFunder.userId, lines: [{ bidId: jBid, placeId: w.places.third, quantity: 30 }] });

  // Writes in the same millisecond happen: two orders, and the two fundings of I (the co-funder
  // has the smaller id). Both pages must break these ties the same way.
  db.$client.prepare('update service_orders set created_at = (select created_at from service_orders where id = ?) where id = ?').run(b, c);
  db.$client.prepare('update order_fundings set created_at = (select min(created_at) from order_fundings where order_id = ?) where order_id = ?').run(i, i);
});

describe('a funder’s spending, read with grouped queries', () => {
  it('covers every kind of order, figure and funder the page shows (the market above is what it claims)', () => {
    const before = referenceSpending(w.db, w.funder.organisationId);
    expect(before.orders.map((o) => o.title).sort()).toEqual(['A', 'B', 'C', 'D', 'E', 'G', 'H', 'I']);
    expect(new Set(before.orders.map((o) => o.status))).toEqual(new Set(['in_delivery', 'awarding', 'closed', 'cancelled', 'open', 'completed']));
    expect(before.years.map((y) => y.year)).toEqual([year, year + 1]);
    expect(before.rounds).toHaveLength(2);
    expect(before.orders.some((o) => o.totals.funders.length === 2 && o.share?.creditedCents)).toBe(true);
    expect(before.orders.filter((o) => o.totals.bidCount > 0 && o.status === 'open')).toHaveLength(1);
    expect(before.places.filter((p) => p.name === 'Cyber-base de Brest')).toHaveLength(2);
    expect(w.db.$client.prepare('select count(*) as n from awards where partnership_id is not null').get()).toEqual({ n: 2 });
    expect(w.db.$client.prepare('select count(*) as n from credit_notes').get()).toEqual({ n: 3 });
  });

  it('answers exactly what the per-order implementation answered, for the funder, the co-funder and organisations without orders', () => {
    for (const organisationId of [w.funder.organisationId, w.rivalFunder.organisationId, w.lead.organisationId, partnershipOrg, w.operator.organisationId, 999_999]) {
      const expected = referenceSpending(w.db, organisationId);
      const actual = spendingOfFunder(w.db, organisationId);
      expect(actual).toStrictEqual(expected);
      // Same keys in the same order, same list orders: what the client receives is byte for byte the same.
      expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
    }
    expectLedgerClean(w.db);
  });

  it('still answers the same on a second connection-level call (prepared statements reused)', () => {
    spendingOfFunder(w.db, w.rivalFunder.organisationId);
    expect(spendingOfFunder(w.db, w.funder.organisationId)).toStrictEqual(referenceSpending(w.db, w.funder.organisationId));
  });
});
