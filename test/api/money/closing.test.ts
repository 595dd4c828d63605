import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { awards, users } from '../../../db/schema';
import { closeExpiredOrders } from '../../../server/services/credits';
import { placeYearFigures } from '../../../server/services/figures';
import { balanceOf } from '../../../server/services/ledger';
import { getOrderRow } from '../../../server/services/orders';
import { makePlace } from '../../factories';
import { makeAwards, makeBid, makeOrder } from '../../factories/marketplace';
import { fundedOrder, key, marketplace, refusal, thisYear, type Marketplace } from '../marketplace/helpers';
import { addDays, deliveryOf, entriesSum, expectMoneyClean, FORBIDDEN, isoDaysFromToday, moneySnapshot, yearOf } from './helpers';

let m: Marketplace;
let quimper: number;
let morlaix: number;
let brest: number;
beforeEach(async () => {
  m = await marketplace();
  quimper = makePlace(m.db, { organisationId: m.actor.organisationId, name: 'Espace numérique de Kerfeunteun', mainCommuneCode: '29232' });
  morlaix = makePlace(m.db, { organisationId: m.actor.organisationId, name: 'Médiathèque de Morlaix', mainCommuneCode: '29151' });
  brest = makePlace(m.db, { organisationId: m.rival.organisationId, name: 'Cyber-base de Brest', mainCommuneCode: '29019' });
});
afterEach(() => expectMoneyClean(m.db));

const AUTOMATIC_REASON = 'Clôture automatique : période de réalisation et mois de grâce écoulés';
const CREDIT_NOTE_NUMBER = /^AV-\d{4}-\d{5}$/;

/**
 * Through the API: 100 services at 10 €, paid in full; the actor's two places are awarded 40 and
 * 20 and deliver 15 and 5; the rival's bid is left standing. 80 000 stay on the ring-fence.
 */
async function partlyDelivered() {
  const orderId = await fundedOrder(m.as.funder, m.funder.organisationId, { quantity: 100 });
  const actorBid = await m.as.actor.bids.submit.mutate({
    orderId,
    organisationId: m.actor.organisationId,
    unitPriceCents: 1_000,
    lines: [
      { placeId: quimper, quantity: 40 },
      { placeId: morlaix, quantity: 30 },
    ],
  });
  const rivalBid = await m.as.rival.bids.submit.mutate({ orderId, organisationId: m.rival.organisationId, unitPriceCents: 900, lines: [{ placeId: brest, quantity: 30 }] });
  await m.as.funder.awards.closeBidding.mutate({ orderId });
  const { awardIds } = await m.as.funder.awards.create.mutate({
    orderId,
    lines: [
      { bidId: actorBid.id, placeId: quimper, quantity: 40 },
      { bidId: actorBid.id, placeId: morlaix, quantity: 20 },
    ],
  });
  const [quimperAward, morlaixAward] = awardIds as [number, number];
  await m.as.actor.deliveries.record.mutate(deliveryOf(quimperAward, 15));
  await m.as.actor.deliveries.record.mutate(deliveryOf(morlaixAward, 5));
  return { orderId, actorBid, rivalBid, quimperAward, morlaixAward, graceEndsOn: getOrderRow(m.db, orderId).graceEndsOn };
}

/** The day after the grace period of an order: the first day the system closes it. */
const dayAfterGrace = (orderId: number) => addDays(getOrderRow(m.db, orderId).graceEndsOn, 1);

/**
 * An order whose delivery window ended yesterday (made by the factories, since the API only
 * publishes orders whose deadline is ahead), 20 services paid, 10 awarded to the actor's place.
 */
function windowEndedYesterday() {
  const orderId = makeOrder(m.db, {
    funderOrganisationId: m.funder.organisationId,
    userId: m.funder.user.id,
    quantity: 20,
    bidDeadline: isoDaysFromToday(-80),
    deliveryStartsOn: isoDaysFromToday(-90),
    deliveryEndsOn: isoDaysFromToday(-1),
    today: isoDaysFromToday(-90),
  });
  const bidId = makeBid(m.db, { orderId, organisationId: m.actor.organisationId, lines: [{ placeId: quimper, quantity: 20 }], today: isoDaysFromToday(-85) });
  const [awardId] = makeAwards(m.db, { orderId, userId: m.funder.user.id, lines: [{ bidId, placeId: quimper, quantity: 10 }] });
  return { orderId, awardId: awardId! };
}

const userName = (userId: number) => m.db.select({ name: users.name }).from(users).where(eq(users.id, userId)).get()!.name;

describe('the automatic close of an order past its window and grace month', () => {
  it('waits for the day after the grace period, then closes the order and reduces each award to what was delivered', async () => {
    const { orderId, quimperAward, morlaixAward, graceEndsOn } = await partlyDelivered();
    expect(closeExpiredOrders(m.db, graceEndsOn)).toEqual([]);
    expect(getOrderRow(m.db, orderId).status).toBe('awarding');

    const closed = closeExpiredOrders(m.db, addDays(graceEndsOn, 1));

    expect(closed).toEqual([{ orderId, releasedServices: 25 + 15, creditNoteIds: [expect.any(Number)], placeIds: expect.arrayContaining([quimper, morlaix]) }]);
    expect(closed.failed).toBeUndefined();
    const { order, totals, awards: served } = await m.as.funder.orders.get.query({ orderId });
    expect(order.status).toBe('closed');
    expect(order.closedAt).toEqual(expect.any(String));
    expect(served.map((a) => [a.id, a.quantity, a.deliveredQuantity])).toEqual([
      [quimperAward, 15, 15],
      [morlaixAward, 5, 5],
    ]);
    const released = m.db.select({ id: awards.id, releasedQuantity: awards.releasedQuantity }).from(awards).where(eq(awards.orderId, orderId)).all();
    expect(released).toEqual([
      { id: quimperAward, releasedQuantity: 25 },
      { id: morlaixAward, releasedQuantity: 15 },
    ]);
    expect(totals).toMatchObject({ awardedQuantity: 20, awardedCents: 20_000, deliveredCents: 20_000, paidCents: 100_000, creditedCents: 80_000, fundedCents: 20_000, availableCents: 0 });
    // A second pass finds nothing more to close.
    expect(closeExpiredOrders(m.db, addDays(graceEndsOn, 30))).toEqual([]);
  });

  it('drops the places’ committed figures by what was released, and rejects the bids left standing', async () => {
    const { orderId, actorBid, rivalBid } = await partlyDelivered();
    const year = yearOf(getOrderRow(m.db, orderId).deliveryStartsOn);
    expect(placeYearFigures(m.db, quimper, year)).toMatchObject({ servicesCommitted: 25, revenueCommittedCents: 25_000 });
    expect(placeYearFigures(m.db, morlaix, year)).toMatchObject({ servicesCommitted: 15, revenueCommittedCents: 15_000 });

    closeExpiredOrders(m.db, dayAfterGrace(orderId));

    for (const placeId of [quimper, morlaix]) {
      expect((await m.as.actor.places.get.query({ placeId, year })).figures).toMatchObject({ servicesCommitted: 0, revenueCommittedCents: 0 });
    }
    expect((await m.as.actor.places.get.query({ placeId: quimper, year })).figures).toMatchObject({ servicesDelivered: 15, revenueDeliveredCents: 15_000 });
    const bids = (await m.as.funder.bids.ofOrder.query({ orderId })).bids.map((b) => [b.id, b.status]);
    expect(bids).toEqual(expect.arrayContaining([[actorBid.id, 'awarded'], [rivalBid.id, 'rejected']]));
    expect(bids).toHaveLength(2);
  });

  it('returns the undelivered money to the funder as credit, with a numbered credit note', async () => {
    const { orderId } = await partlyDelivered();

    const [closed] = closeExpiredOrders(m.db, dayAfterGrace(orderId));

    const credits = await m.as.funder.credits.ofFunder.query({ organisationId: m.funder.organisationId });
    expect(credits).toMatchObject({ balanceCents: 80_000, refunds: [] });
    expect(credits.notes).toEqual([
      { id: closed!.creditNoteIds[0], number: expect.stringMatching(CREDIT_NOTE_NUMBER), orderId, orderTitle: expect.any(String), amountCents: 80_000, reason: AUTOMATIC_REASON, createdAt: expect.any(String) },
    ]);
    expect(credits.notes[0]!.number).toBe(`AV-${credits.notes[0]!.createdAt.slice(0, 4)}-00001`);
    // The document, for the funder and the operator only.
    const note = await m.as.funder.credits.note.query({ creditNoteId: credits.notes[0]!.id });
    expect(note).toMatchObject({ number: credits.notes[0]!.number, funderOrganisationId: m.funder.organisationId, orderId, amountCents: 80_000 });
    expect(await m.as.operator.credits.note.query({ creditNoteId: note.id })).toEqual(note);
    for (const api of [m.as.otherFunder, m.as.actor]) {
      expect(await refusal(api.credits.note.query({ creditNoteId: note.id }))).toMatchObject(FORBIDDEN);
      expect(await refusal(api.credits.ofFunder.query({ organisationId: m.funder.organisationId }))).toMatchObject(FORBIDDEN);
    }
    // In the ledger: the ring-fence emptied onto the funder's credit account.
    expect(balanceOf(m.db, { kind: 'order_ringfence', orderId })).toBe(0);
    expect(entriesSum(m.db, `funder_credit:${m.funder.organisationId}`, 'credit_note')).toBe(80_000);
  });

  it('splits the money left between co-funders in proportion to what each paid, one credit note each, numbered in sequence', async () => {
    const orderId = await fundedOrder(m.as.funder, m.funder.organisationId, { quantity: 100, shareCents: 60_000 }, 60_000);
    await m.as.otherFunder.orders.coFund.mutate({ orderId, organisationId: m.otherFunder.organisationId, shareCents: 40_000 });
    await m.as.otherFunder.orders.recordPayment.mutate({ orderId, organisationId: m.otherFunder.organisationId, amountCents: 30_000, reference: 'VIR-CAF', idempotencyKey: key() });
    const bid = await m.as.actor.bids.submit.mutate({ orderId, organisationId: m.actor.organisationId, unitPriceCents: 1_000, lines: [{ placeId: quimper, quantity: 50 }] });
    await m.as.funder.awards.closeBidding.mutate({ orderId });
    const { awardIds } = await m.as.funder.awards.create.mutate({ orderId, lines: [{ bidId: bid.id, placeId: quimper, quantity: 50 }] });
    await m.as.actor.deliveries.record.mutate(deliveryOf(awardIds[0]!, 20));

    closeExpiredOrders(m.db, dayAfterGrace(orderId));

    // 70 000 left, paid 60 000 : 30 000 → 46 666,67 and 23 333,33, rounded to the cent with no cent lost.
    const mine = await m.as.funder.credits.ofFunder.query({ organisationId: m.funder.organisationId });
    const theirs = await m.as.otherFunder.credits.ofFunder.query({ organisationId: m.otherFunder.organisationId });
    expect(mine.balanceCents).toBe(46_667);
    expect(theirs.balanceCents).toBe(23_333);
    expect(mine.balanceCents + theirs.balanceCents).toBe(70_000);
    expect([mine.notes[0]!.number, theirs.notes[0]!.number].map((n) => n.slice(-5))).toEqual(['00001', '00002']);
    const { totals } = await m.as.funder.orders.get.query({ orderId });
    expect(totals.funders.map((f) => [f.organisationId, f.paidCents, f.creditedCents])).toEqual([
      [m.funder.organisationId, 60_000, 46_667],
      [m.otherFunder.organisationId, 30_000, 23_333],
    ]);
    expect(totals).toMatchObject({ paidCents: 90_000, creditedCents: 70_000, deliveredCents: 20_000, availableCents: 0 });
  });
});

describe('using a credit', () => {
  it('funds a new order of the funder: ring-fence up, credit down, the funder’s paid share up', async () => {
    const { orderId: closed } = await partlyDelivered();
    closeExpiredOrders(m.db, dayAfterGrace(closed));
    const orderId = await fundedOrder(m.as.funder, m.funder.organisationId, { quantity: 100, departementCodes: ['56'] }, 0);

    const paid = await m.as.funder.orders.recordPayment.mutate({ orderId, organisationId: m.funder.organisationId, amountCents: 30_000, reference: 'AVOIR-2', idempotencyKey: key(), source: 'credit' });

    expect(paid).toMatchObject({ replayed: false, totals: { paidCents: 30_000, fundedCents: 30_000, availableCents: 30_000 } });
    expect(paid.totals.funders).toEqual([expect.objectContaining({ organisationId: m.funder.organisationId, committedCents: 100_000, paidCents: 30_000, creditedCents: 0 })]);
    expect((await m.as.funder.credits.ofFunder.query({ organisationId: m.funder.organisationId })).balanceCents).toBe(50_000);
    expect(balanceOf(m.db, { kind: 'order_ringfence', orderId })).toBe(30_000);
    // The money came from the credit account, not from a new transfer.
    expect(entriesSum(m.db, `funder_credit:${m.funder.organisationId}`, 'funding')).toBe(-30_000);
    expect(entriesSum(m.db, `funder:${m.funder.organisationId}`)).toBe(-100_000);
  });

  it('refuses more than the credit holds with a field error on amountCents, and writes nothing', async () => {
    const { orderId: closed } = await partlyDelivered();
    closeExpiredOrders(m.db, dayAfterGrace(closed));
    const orderId = await fundedOrder(m.as.funder, m.funder.organisationId, { quantity: 100, departementCodes: ['56'] }, 0);
    const before = moneySnapshot(m.db);

    const answer = await refusal(m.as.funder.orders.recordPayment.mutate({ orderId, organisationId: m.funder.organisationId, amountCents: 80_001, reference: 'AVOIR-3', idempotencyKey: key(), source: 'credit' }));

    expect(answer).toMatchObject({ code: 'BAD_REQUEST', fieldErrors: { amountCents: ['Le versement dépasse votre avoir disponible (80000 centimes)'] } });
    expect(moneySnapshot(m.db)).toEqual(before);
  });

  it('refuses paying another funder’s order from one’s credit', async () => {
    const { orderId: closed } = await partlyDelivered();
    closeExpiredOrders(m.db, dayAfterGrace(closed));
    const othersOrder = await fundedOrder(m.as.otherFunder, m.otherFunder.organisationId, { quantity: 10 }, 0);
    const before = moneySnapshot(m.db);

    const answer = await refusal(
      m.as.funder.orders.recordPayment.mutate({ orderId: othersOrder, organisationId: m.funder.organisationId, amountCents: 1_000, reference: 'AVOIR', idempotencyKey: key(), source: 'credit' }),
    );

    expect(answer).toMatchObject(FORBIDDEN);
    expect(moneySnapshot(m.db)).toEqual(before);
  });

  it('is refunded through credits.refund, once per idempotency key', async () => {
    const { orderId: closed } = await partlyDelivered();
    closeExpiredOrders(m.db, dayAfterGrace(closed));
    const input = { organisationId: m.funder.organisationId, amountCents: 10_000, reference: 'VIR-REMBOURSEMENT-1', idempotencyKey: key() };

    const first = await m.as.funder.credits.refund.mutate(input);

    expect(first).toMatchObject({ replayed: false, credits: { balanceCents: 70_000, refunds: [{ id: first.transactionId, reference: 'VIR-REMBOURSEMENT-1', amountCents: 10_000 }] } });
    expect(entriesSum(m.db, `funder:${m.funder.organisationId}`, 'credit_refund')).toBe(10_000);
    const before = moneySnapshot(m.db);

    const replay = await m.as.funder.credits.refund.mutate(input);
    expect(replay).toMatchObject({ transactionId: first.transactionId, replayed: true, credits: { balanceCents: 70_000 } });
    expect(moneySnapshot(m.db)).toEqual(before);

    expect(await refusal(m.as.funder.credits.refund.mutate({ ...input, reference: 'VIR-AUTRE' }))).toMatchObject({ code: 'CONFLICT', message: 'Cette clé d’idempotence a déjà servi pour un autre remboursement' });
    expect(await refusal(m.as.funder.credits.refund.mutate({ ...input, amountCents: 5_000 }))).toMatchObject({ code: 'CONFLICT', message: 'Cette clé d’idempotence a déjà servi pour un autre remboursement' });
    expect(await refusal(m.as.funder.credits.refund.mutate({ ...input, amountCents: 70_001, idempotencyKey: key() }))).toMatchObject({
      code: 'BAD_REQUEST',
      fieldErrors: { amountCents: ['Le remboursement dépasse votre avoir disponible (70000 centimes)'] },
    });
    expect(await refusal(m.as.otherFunder.credits.refund.mutate({ ...input, idempotencyKey: key() }))).toMatchObject(FORBIDDEN);
    expect(moneySnapshot(m.db)).toEqual(before);
  });
});

describe('the funder closing its order', () => {
  it('is refused before the delivery window ends, with CONFLICT, and nothing written', async () => {
    const { orderId } = await partlyDelivered();
    const before = moneySnapshot(m.db);

    const answer = await refusal(m.as.funder.orders.close.mutate({ orderId }));

    expect(answer).toMatchObject({ code: 'CONFLICT', message: `La période de réalisation court jusqu’au ${getOrderRow(m.db, orderId).deliveryEndsOn} : la commande ne peut être clôturée qu’ensuite` });
    expect(moneySnapshot(m.db)).toEqual(before);
  });

  it('is allowed once the window is over, during the grace month; the closed order then refuses deliveries', async () => {
    const { orderId, awardId } = windowEndedYesterday();
    // During the grace month, a delivery dated in the window is still recorded.
    await m.as.actor.deliveries.record.mutate(deliveryOf(awardId, 4, isoDaysFromToday(-30)));
    expect(await refusal(m.as.otherFunder.orders.close.mutate({ orderId }))).toMatchObject(FORBIDDEN);
    expect(await refusal(m.as.actor.orders.close.mutate({ orderId }))).toMatchObject(FORBIDDEN);

    const closed = await m.as.funder.orders.close.mutate({ orderId, reason: 'Fin du programme' });

    expect(closed).toMatchObject({ orderId, releasedServices: 6, creditNoteIds: [expect.any(Number)], placeIds: [quimper], order: { status: 'closed' } });
    const credits = await m.as.funder.credits.ofFunder.query({ organisationId: m.funder.organisationId });
    expect(credits).toMatchObject({ balanceCents: 16_000, notes: [{ amountCents: 16_000, reason: 'Fin du programme', orderId }] });
    const before = moneySnapshot(m.db);
    expect(await refusal(m.as.actor.deliveries.record.mutate(deliveryOf(awardId, 1, isoDaysFromToday(-30))))).toMatchObject({
      code: 'CONFLICT',
      message: 'Cette commande ne reçoit pas de prestations (statut « closed »)',
    });
    expect(await refusal(m.as.funder.orders.close.mutate({ orderId }))).toMatchObject({ code: 'CONFLICT', message: 'Cette commande ne peut pas être clôturée (statut « closed »)' });
    expect(moneySnapshot(m.db)).toEqual(before);
  });
});

describe('the funder statement', () => {
  /** What the ledger itself says of a funder's money: paid in (from its bank or credit), credited back, and its orders' deliveries. */
  function ledgerOfFunder(organisationId: number) {
    const q = (query: string, ...params: unknown[]) => (m.db.$client.prepare(query).get(...params) as { total: number }).total;
    const paid = -q(
      `select coalesce(sum(e.amount_cents), 0) as total from ledger_entries e join ledger_accounts a on a.id = e.account_id
       join ledger_transactions t on t.id = e.transaction_id where t.kind = 'funding' and a.key in (?, ?)`,
      `funder:${organisationId}`,
      `funder_credit:${organisationId}`,
    );
    const credited = entriesSum(m.db, `funder_credit:${organisationId}`, 'credit_note');
    const ordersOf = `select order_id from order_fundings where funder_organisation_id = ${Number(organisationId)}`;
    const delivered = -q(
      `select coalesce(sum(e.amount_cents), 0) as total from ledger_entries e join ledger_accounts a on a.id = e.account_id and a.kind = 'order_ringfence'
       join ledger_transactions t on t.id = e.transaction_id where t.kind = 'delivery' and t.order_id in (${ordersOf})`,
    );
    const available = q(`select coalesce(sum(balance_cents), 0) as total from ledger_accounts where kind = 'order_ringfence' and order_id in (${ordersOf})`);
    return { paid, credited, delivered, available };
  }

  async function funderScenario() {
    const { orderId: closed } = await partlyDelivered();
    closeExpiredOrders(m.db, dayAfterGrace(closed));
    const reused = await fundedOrder(m.as.funder, m.funder.organisationId, { quantity: 50, departementCodes: ['56'] }, 0);
    await m.as.funder.orders.recordPayment.mutate({ orderId: reused, organisationId: m.funder.organisationId, amountCents: 25_000, reference: 'AVOIR', idempotencyKey: key(), source: 'credit' });
    const coFunded = await fundedOrder(m.as.otherFunder, m.otherFunder.organisationId, { quantity: 100, shareCents: 70_000 }, 70_000);
    await m.as.funder.orders.coFund.mutate({ orderId: coFunded, organisationId: m.funder.organisationId, shareCents: 30_000 });
    await m.as.funder.orders.recordPayment.mutate({ orderId: coFunded, organisationId: m.funder.organisationId, amountCents: 12_345, reference: 'VIR-CO', idempotencyKey: key() });
    const bid = await m.as.rival.bids.submit.mutate({ orderId: coFunded, organisationId: m.rival.organisationId, unitPriceCents: 900, lines: [{ placeId: brest, quantity: 40 }] });
    await m.as.otherFunder.awards.closeBidding.mutate({ orderId: coFunded });
    const { awardIds } = await m.as.otherFunder.awards.create.mutate({ orderId: coFunded, lines: [{ bidId: bid.id, placeId: brest, quantity: 40 }] });
    await m.as.rival.deliveries.record.mutate(deliveryOf(awardIds[0]!, 7));
    return { closed, reused, coFunded };
  }

  it('has totals equal to the ledger, to the cent: paid in, credited back, delivered, available', async () => {
    const { closed, reused, coFunded } = await funderScenario();

    const statement = await m.as.funder.statements.funder.query({ organisationId: m.funder.organisationId });

    const ledger = ledgerOfFunder(m.funder.organisationId);
    expect(statement.lines.map((l) => l.orderId)).toEqual([closed, reused, coFunded]);
    expect(statement.totals).toMatchObject({ paidCents: ledger.paid, creditedCents: ledger.credited, deliveredCents: ledger.delivered, availableCents: ledger.available });
    expect(statement.totals).toEqual({
      paidCents: 100_000 + 25_000 + 12_345,
      creditedCents: 80_000,
      orderPaidCents: 100_000 + 25_000 + 82_345,
      deliveredCents: 20_000 + 6_300,
      outstandingCents: 33 * 900,
      availableCents: 25_000 + 82_345 - 6_300,
    });
    expect(statement.lines.find((l) => l.orderId === closed)).toMatchObject({ status: 'closed', paidCents: 100_000, creditedCents: 80_000, deliveredCents: 20_000, outstandingCents: 0, availableCents: 0 });
    // The operator reads it too; another funder does not.
    expect(await m.as.operator.statements.funder.query({ organisationId: m.funder.organisationId })).toEqual(statement);
    expect(await refusal(m.as.otherFunder.statements.funder.query({ organisationId: m.funder.organisationId }))).toMatchObject(FORBIDDEN);
    expect(await refusal(m.as.actor.statements.funderCsv.query({ organisationId: m.funder.organisationId }))).toMatchObject(FORBIDDEN);
  });

  it('keeps to the orders of a year when asked', async () => {
    await funderScenario();

    expect((await m.as.funder.statements.funder.query({ organisationId: m.funder.organisationId, year: thisYear() })).lines).toHaveLength(3);
    expect((await m.as.funder.statements.funder.query({ organisationId: m.funder.organisationId, year: thisYear() - 1 })).lines).toEqual([]);
  });

  it('downloads as French CSV: byte order mark, semicolons, decimal comma, CRLF and a Total line', async () => {
    await funderScenario();

    const csv = await m.as.funder.statements.funderCsv.query({ organisationId: m.funder.organisationId });

    expect(csv.filename).toBe(`releve-depenses-${m.funder.organisationId}.csv`);
    expect(csv.content.startsWith('\uFEFF')).toBe(true);
    const lines = csv.content.slice(1).split('\r\n');
    expect(lines).toHaveLength(1 + 3 + 1 + 1);
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toBe(
      'Commande;Intitulé;Statut;Versé par vous (€);Avoirs reçus (€);Versé, tous financeurs (€);Réalisé (€);Attribué à réaliser (€);Disponible cantonné (€);Preuve',
    );
    expect(lines[1]).toMatch(/^\d+;[^;]+;closed;1000,00;800,00;1000,00;200,00;0,00;0,00;déclaratif$/);
    expect(lines.at(-2)).toBe('Total;;;1373,45;800,00;2073,45;263,00;297,00;1010,45;');
  });
});

describe('the audit trail of a close', () => {
  it('shows the automatic close and its credit note with the system as author, to the funder and the operator, not to another funder', async () => {
    const { orderId } = await partlyDelivered();
    const [closed] = closeExpiredOrders(m.db, dayAfterGrace(orderId));

    const trail = await m.as.funder.audit.list.query({ organisationId: m.funder.organisationId });

    const closeEvent = trail.find((e) => e.action === 'order.closed_automatically');
    expect(closeEvent).toMatchObject({ subjectType: 'order', subjectId: orderId, userName: null, reason: AUTOMATIC_REASON, detail: { from: 'awarding', releasedServices: 40, creditNotes: 1 } });
    const noteEvent = trail.find((e) => e.action === 'credit_note.issued');
    expect(noteEvent).toMatchObject({ subjectType: 'credit_note', subjectId: closed!.creditNoteIds[0], userName: null, reason: AUTOMATIC_REASON, detail: { orderId, amountCents: 80_000, number: expect.stringMatching(CREDIT_NOTE_NUMBER) } });
    // Newest first: the close is recorded after its credit note.
    expect(trail.indexOf(closeEvent!)).toBeLessThan(trail.indexOf(noteEvent!));

    const everything = await m.as.operator.audit.list.query({});
    expect(everything.map((e) => e.id)).toEqual(expect.arrayContaining([closeEvent!.id, noteEvent!.id]));
    expect(await refusal(m.as.otherFunder.audit.list.query({ organisationId: m.funder.organisationId }))).toMatchObject(FORBIDDEN);
    expect((await m.as.otherFunder.audit.list.query({ organisationId: m.otherFunder.organisationId })).map((e) => e.action)).toEqual([]);
  });

  it('names the funder’s user as the author of a close it asked for', async () => {
    const { orderId } = windowEndedYesterday();

    await m.as.funder.orders.close.mutate({ orderId, reason: 'Fin du programme' });

    const trail = await m.as.funder.audit.list.query({ organisationId: m.funder.organisationId });
    expect(trail.find((e) => e.action === 'order.closed')).toMatchObject({ subjectId: orderId, userName: userName(m.funder.user.id), reason: 'Fin du programme' });
    expect(trail.find((e) => e.action === 'credit_note.issued')).toMatchObject({ userName: userName(m.funder.user.id), detail: { orderId, amountCents: 20_000 } });
  });
});
