import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { placeYearFigures } from '../../../server/services/figures';
import { basisPointsOf } from '../../../shared/money';
import { monthEnd } from '../../../shared/domain/months';
import { refusal, today } from '../marketplace/helpers';
import { formedPartnership, openOrder, partnershipWorld, submittedDraft, type World } from '../partnerships/helpers';
import { dayIn, deliveryOf, entriesSum, expectMoneyClean, FORBIDDEN, isoDaysFromToday, moneySnapshot, monthsAgo, OPERATOR_ONLY, rowCount, yearOf } from './helpers';

let w: World;
beforeEach(async () => {
  w = await partnershipWorld();
});
afterEach(() => expectMoneyClean(w.db));

/** Three finished months, oldest first, and the current one (unfinished). */
const M0 = monthsAgo(3);
const M1 = monthsAgo(2);
const M2 = monthsAgo(1);
const CURRENT = monthsAgo(0);

const FEE_BPS = 500;

interface Delivered {
  placeId: number;
  deliveryId: number;
  deliveredOn: string;
  amountCents: number;
  feeCents: number;
  quantity: number;
}

/**
 * Through the API: an order of 100 services at 10 € whose window opened three months ago; the
 * partner's and the lead's places deliver under their partnership (5 % pooling fee), the third
 * actor's place under its own bid at 8 €. Deliveries are dated in the finished months.
 */
async function deliveredMonths() {
  const { partnershipId, organisationId: partnershipOrg } = await formedPartnership(w, { poolingFeeBps: FEE_BPS });
  const orderId = await openOrder(w, { deliveryStartsOn: dayIn(M0, 1) });
  const joint = await submittedDraft(w, partnershipId, orderId, { lead: 20, partner: 30 }, 1_000);
  const solo = await w.third.api.bids.submit.mutate({ orderId, organisationId: w.third.organisationId, unitPriceCents: 800, lines: [{ placeId: w.places.third, quantity: 30 }] });
  await w.funder.api.awards.closeBidding.mutate({ orderId });
  const { awardIds } = await w.funder.api.awards.create.mutate({
    orderId,
    lines: [
      { bidId: joint.bid.id, placeId: w.places.partner, quantity: 30 },
      { bidId: joint.bid.id, placeId: w.places.lead, quantity: 20 },
      { bidId: solo.id, placeId: w.places.third, quantity: 30 },
    ],
  });
  const [partnerAward, leadAward, thirdAward] = awardIds as [number, number, number];
  const delivered: Delivered[] = [];
  const deliver = async (api: World['lead']['api'], awardId: number, quantity: number, deliveredOn: string, pooled: boolean) => {
    const { delivery } = await api.deliveries.record.mutate(deliveryOf(awardId, quantity, deliveredOn));
    const row = {
      placeId: delivery.placeId,
      deliveryId: delivery.id,
      deliveredOn,
      amountCents: delivery.amountCents,
      feeCents: pooled ? basisPointsOf(delivery.amountCents, FEE_BPS) : 0,
      quantity,
    };
    delivered.push(row);
    return row;
  };
  // An older unsettled delivery (M0) is taken with M1: the run takes everything up to the month's end.
  await deliver(w.partner.api, partnerAward, 1, dayIn(M0, 15), true);
  await deliver(w.partner.api, partnerAward, 5, dayIn(M1, 10), true);
  await deliver(w.partner.api, partnerAward, 3, dayIn(M1, 20), true);
  await deliver(w.lead.api, leadAward, 2, dayIn(M1, 5), true);
  await deliver(w.third.api, thirdAward, 4, dayIn(M1, 28), false);
  // A delivery of the next month: not in M1's run.
  await deliver(w.third.api, thirdAward, 6, dayIn(M2, 3), false);
  return { orderId, partnershipOrg, partnerAward, leadAward, thirdAward, delivered };
}

const sum = (rows: Delivered[], field: 'amountCents' | 'feeCents' | 'quantity') => rows.reduce((total, r) => total + r[field], 0);

/** What a place's payout for `month` must hold: its deliveries up to the month's end not already settled. */
function expectedPayout(rows: Delivered[], placeId: number, until: string) {
  const mine = rows.filter((r) => r.placeId === placeId && r.deliveredOn <= until);
  const gross = sum(mine, 'amountCents');
  const fees = sum(mine, 'feeCents');
  return { placeId, services: sum(mine, 'quantity'), grossCents: gross, feesCents: fees, netCents: gross - fees };
}

/** The years a place's deliveries fall in (the figures are kept per place and year). */
const yearsOf = (rows: Delivered[], placeId: number) => [...new Set(rows.filter((r) => r.placeId === placeId).map((r) => yearOf(r.deliveredOn)))];

/** A place's settled and paid revenue as maintained in its place-year figures (what checkLedger recomputes). */
function maintainedFigures(placeId: number, rows: Delivered[]) {
  const figures = yearsOf(rows, placeId).map((year) => placeYearFigures(w.db, placeId, year));
  return { settled: figures.reduce((t, f) => t + f.revenueSettledCents, 0), paid: figures.reduce((t, f) => t + f.revenuePaidCents, 0) };
}

/** The same, as the place page reads it through places.get (absent fields read as undefined). */
async function servedFigures(api: World['lead']['api'], placeId: number, rows: Delivered[]) {
  let settled: number | undefined = 0;
  let paid: number | undefined = 0;
  for (const year of yearsOf(rows, placeId)) {
    const { figures } = await api.places.get.query({ placeId, year });
    const served = figures as { revenueSettledCents?: number; revenuePaidCents?: number };
    settled = served.revenueSettledCents === undefined || settled === undefined ? undefined : settled + served.revenueSettledCents;
    paid = served.revenuePaidCents === undefined || paid === undefined ? undefined : paid + served.revenuePaidCents;
  }
  return { settled, paid };
}

const deliveryPayout = (deliveryId: number) => (w.db.$client.prepare('select payout_id as payoutId from deliveries where id = ?').get(deliveryId) as { payoutId: number | null }).payoutId;

describe('running the settlement of a finished month', () => {
  it('makes one pending payout per place: gross = its deliveries up to the month’s end, pooling fees under a partnership, net, services', async () => {
    const { delivered } = await deliveredMonths();

    const run = await w.operator.api.settlements.run.mutate({ month: M1 });

    expect(run).toEqual({ settlementId: expect.any(Number), month: M1, replayed: false, payouts: 3 });
    const payouts = await w.operator.api.settlements.payouts.query({ settlementId: run.settlementId });
    const until = monthEnd(M1);
    expect(payouts.map(({ placeId, services, grossCents, feesCents, netCents }) => ({ placeId, services, grossCents, feesCents, netCents })).sort((a, b) => a.placeId - b.placeId)).toEqual(
      [w.places.lead, w.places.partner, w.places.third].sort((a, b) => a - b).map((placeId) => expectedPayout(delivered, placeId, until)),
    );
    const byPlace = (placeId: number) => payouts.find((p) => p.placeId === placeId)!;
    // 1 + 5 + 3 services at 10 €, 5 % of each delivery kept by the partnership: 50 + 250 + 150.
    expect(byPlace(w.places.partner)).toMatchObject({ month: M1, services: 9, grossCents: 9_000, feesCents: 450, netCents: 8_550, status: 'pending', paymentReference: null, paidOn: null, organisationId: w.partner.organisationId });
    expect(byPlace(w.places.lead)).toMatchObject({ services: 2, grossCents: 2_000, feesCents: 100, netCents: 1_900, organisationId: w.lead.organisationId });
    // No partnership: no fee. The delivery of the next month stays out.
    expect(byPlace(w.places.third)).toMatchObject({ services: 4, grossCents: 3_200, feesCents: 0, netCents: 3_200, organisationId: w.third.organisationId });
    for (const d of delivered) expect(deliveryPayout(d.deliveryId)).toBe(d.deliveredOn <= until ? byPlace(d.placeId).id : null);

    const [listed] = await w.operator.api.settlements.list.query();
    expect(listed).toMatchObject({ id: run.settlementId, month: M1, payouts: 3, grossCents: 14_200, feesCents: 550, netCents: 13_650, paid: 0 });
    // Nothing moved in the ledger yet: the places' accounts still hold what they earned, net of fees.
    expect(entriesSum(w.db, `place:${w.places.partner}`)).toBe(sum(delivered.filter((d) => d.placeId === w.places.partner), 'amountCents') - 450);
    expect(entriesSum(w.db, `payout:${w.partner.organisationId}`)).toBe(0);
  });

  it('moves the places’ maintained settled figures by the gross of their payouts', async () => {
    const { delivered } = await deliveredMonths();
    expect(maintainedFigures(w.places.partner, delivered)).toEqual({ settled: 0, paid: 0 });

    await w.operator.api.settlements.run.mutate({ month: M1 });

    expect(maintainedFigures(w.places.partner, delivered)).toEqual({ settled: 9_000, paid: 0 });
    expect(maintainedFigures(w.places.lead, delivered)).toEqual({ settled: 2_000, paid: 0 });
    expect(maintainedFigures(w.places.third, delivered)).toEqual({ settled: 3_200, paid: 0 });
  });

  // The place page reads its money from places.get: settled and paid must be there on load, not only live.
  it('serves the settled revenue in places.get, for the place page', async () => {
    const { delivered } = await deliveredMonths();

    await w.operator.api.settlements.run.mutate({ month: M1 });

    expect(await servedFigures(w.partner.api, w.places.partner, delivered)).toEqual({ settled: 9_000, paid: 0 });
    expect(await servedFigures(w.third.api, w.places.third, delivered)).toEqual({ settled: 3_200, paid: 0 });
  });

  it('answers the same month run twice with the first run, replayed, and creates nothing', async () => {
    await deliveredMonths();
    const first = await w.operator.api.settlements.run.mutate({ month: M1 });
    const before = moneySnapshot(w.db);

    const again = await w.operator.api.settlements.run.mutate({ month: M1 });

    expect(again).toEqual({ settlementId: first.settlementId, month: M1, replayed: true, payouts: 3 });
    expect(moneySnapshot(w.db)).toEqual(before);
    expect(rowCount(w.db, 'settlements')).toBe(1);
    expect(rowCount(w.db, 'payouts')).toBe(3);
  });

  it('puts a delivery recorded after the run, though dated in the settled month, into the next month’s run', async () => {
    const { thirdAward, delivered } = await deliveredMonths();
    const m1 = await w.operator.api.settlements.run.mutate({ month: M1 });
    const { delivery: late } = await w.third.api.deliveries.record.mutate(deliveryOf(thirdAward, 1, dayIn(M1, 15)));
    expect(deliveryPayout(late.id)).toBeNull();

    // The settled month does not change: its payout keeps the deliveries it took.
    expect((await w.operator.api.settlements.run.mutate({ month: M1 })).replayed).toBe(true);
    const m2 = await w.operator.api.settlements.run.mutate({ month: M2 });

    expect(m2).toMatchObject({ month: M2, replayed: false, payouts: 1 });
    const [payout] = await w.operator.api.settlements.payouts.query({ settlementId: m2.settlementId });
    // 6 services of M2 and the late one of M1, at 8 €.
    expect(payout).toMatchObject({ placeId: w.places.third, month: M2, services: 7, grossCents: 5_600, feesCents: 0, netCents: 5_600 });
    expect(deliveryPayout(late.id)).toBe(payout!.id);
    const m1Third = (await w.operator.api.settlements.payouts.query({ settlementId: m1.settlementId })).find((p) => p.placeId === w.places.third)!;
    expect(m1Third).toMatchObject({ services: 4, grossCents: 3_200 });
    expect(maintainedFigures(w.places.third, delivered)).toEqual({ settled: 3_200 + 5_600, paid: 0 });
  });

  it('refuses the current month and a future one with a field error on month, and writes nothing', async () => {
    await deliveredMonths();
    const before = moneySnapshot(w.db);

    for (const month of [CURRENT, monthsAgo(-1)]) {
      const answer = await refusal(w.operator.api.settlements.run.mutate({ month }));
      expect(answer).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
      expect(answer.fieldErrors?.month).toEqual(['Ce mois n’est pas terminé : il pourra être réglé à partir du 1er du mois suivant']);
    }
    expect(moneySnapshot(w.db)).toEqual(before);
  });

  it('refuses a month earlier than one already settled, with a field error on month, and writes nothing', async () => {
    await deliveredMonths();
    await w.operator.api.settlements.run.mutate({ month: M1 });
    const before = moneySnapshot(w.db);

    const answer = await refusal(w.operator.api.settlements.run.mutate({ month: M0 }));

    expect(answer).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
    expect(answer.fieldErrors?.month).toEqual([`Le mois ${M1} est déjà réglé : les prestations restantes iront dans le prochain règlement`]);
    expect(moneySnapshot(w.db)).toEqual(before);
  });

  it('refuses a malformed month at the schema, on month', async () => {
    const answer = await refusal(w.operator.api.settlements.run.mutate({ month: `${M1}-01` }));

    expect(answer).toMatchObject({ code: 'BAD_REQUEST', fieldErrors: { month: ['Mois attendu au format AAAA-MM'] } });
    expect(rowCount(w.db, 'settlements')).toBe(0);
  });
});

describe('marking a payout paid', () => {
  async function settled() {
    const world = await deliveredMonths();
    const { settlementId } = await w.operator.api.settlements.run.mutate({ month: M1 });
    const payouts = await w.operator.api.settlements.payouts.query({ settlementId });
    return { ...world, settlementId, payout: (placeId: number) => payouts.find((p) => p.placeId === placeId)! };
  }

  it('moves the net from the place’s account to the payout account of the organisation running it, and records reference and date', async () => {
    const { payout, partnershipOrg } = await settled();
    const partner = payout(w.places.partner);
    const placeBefore = entriesSum(w.db, `place:${w.places.partner}`);
    const paidOn = today();

    expect(await w.operator.api.settlements.markPaid.mutate({ payoutId: partner.id, reference: 'VIR-CONTREPARTIE-0001', paidOn })).toEqual({ payoutId: partner.id, replayed: false });

    expect(entriesSum(w.db, `place:${w.places.partner}`)).toBe(placeBefore - 8_550);
    expect(entriesSum(w.db, `payout:${w.partner.organisationId}`)).toBe(8_550);
    expect(entriesSum(w.db, `place:${w.places.partner}`, 'payout')).toBe(-8_550);
    // The pooling fees stay with the partnership; nothing else moved.
    expect(entriesSum(w.db, `partnership:${partnershipOrg}`)).toBe(550);
    const transaction = w.db.$client.prepare("select reference, idempotency_key as idempotencyKey, order_id as orderId from ledger_transactions where kind = 'payout'").all();
    expect(transaction).toEqual([{ reference: 'VIR-CONTREPARTIE-0001', idempotencyKey: `payout:${partner.id}`, orderId: null }]);
    const [row] = (await w.partner.api.settlements.ofPlace.query({ placeId: w.places.partner })).filter((p) => p.id === partner.id);
    expect(row).toMatchObject({ status: 'paid', paymentReference: 'VIR-CONTREPARTIE-0001', paidOn, netCents: 8_550 });
    expect((await w.operator.api.settlements.list.query())[0]).toMatchObject({ paid: 1 });
  });

  it('moves the place’s maintained paid figures by the gross of the payout', async () => {
    const { payout, delivered } = await settled();

    await w.operator.api.settlements.markPaid.mutate({ payoutId: payout(w.places.partner).id, reference: 'VIR-1', paidOn: today() });

    expect(maintainedFigures(w.places.partner, delivered)).toEqual({ settled: 9_000, paid: 9_000 });
    expect(maintainedFigures(w.places.lead, delivered)).toEqual({ settled: 2_000, paid: 0 });
  });

  it('serves the paid revenue in places.get, for the place page', async () => {
    const { payout, delivered } = await settled();

    await w.operator.api.settlements.markPaid.mutate({ payoutId: payout(w.places.partner).id, reference: 'VIR-1', paidOn: today() });

    expect(await servedFigures(w.partner.api, w.places.partner, delivered)).toEqual({ settled: 9_000, paid: 9_000 });
  });

  it('answers the same reference again as a replay that moves nothing, and another reference with CONFLICT', async () => {
    const { payout } = await settled();
    const payoutId = payout(w.places.lead).id;
    await w.operator.api.settlements.markPaid.mutate({ payoutId, reference: 'VIR-LEAD', paidOn: today() });
    const before = moneySnapshot(w.db);

    expect(await w.operator.api.settlements.markPaid.mutate({ payoutId, reference: 'VIR-LEAD', paidOn: today() })).toEqual({ payoutId, replayed: true });
    expect(moneySnapshot(w.db)).toEqual(before);

    const answer = await refusal(w.operator.api.settlements.markPaid.mutate({ payoutId, reference: 'VIR-AUTRE', paidOn: today() }));
    expect(answer).toMatchObject({ code: 'CONFLICT', httpStatus: 409, message: 'Ce versement est déjà payé (référence VIR-LEAD)' });
    expect(moneySnapshot(w.db)).toEqual(before);
  });

  it('refuses a payment date in the future, or before the end of the settled month, with a field error on paidOn', async () => {
    const { payout } = await settled();
    const payoutId = payout(w.places.third).id;
    const before = moneySnapshot(w.db);

    const future = await refusal(w.operator.api.settlements.markPaid.mutate({ payoutId, reference: 'VIR-1', paidOn: isoDaysFromToday(1) }));
    expect(future).toMatchObject({ code: 'BAD_REQUEST', fieldErrors: { paidOn: ['La date de paiement ne peut pas être dans le futur'] } });
    const early = await refusal(w.operator.api.settlements.markPaid.mutate({ payoutId, reference: 'VIR-1', paidOn: dayIn(M1, 15) }));
    expect(early).toMatchObject({ code: 'BAD_REQUEST', fieldErrors: { paidOn: [`Le paiement ne peut pas précéder la fin du mois réglé (${monthEnd(M1)})`] } });
    expect(moneySnapshot(w.db)).toEqual(before);
  });

  it('answers an unknown payout with NOT_FOUND to the operator', async () => {
    expect(await refusal(w.operator.api.settlements.markPaid.mutate({ payoutId: 999, reference: 'VIR-1', paidOn: today() }))).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('the place statement', () => {
  /** What the ledger itself says of a payout: gross from the delivery entries onto the place, fees from the pooling-fee entries. */
  function ledgerOfPayout(payoutId: number, placeId: number) {
    const q = (kind: string, accountKind: string) =>
      (
        w.db.$client
          .prepare(
            `select coalesce(sum(e.amount_cents), 0) as total from ledger_transactions t
             join ledger_entries e on e.transaction_id = t.id join ledger_accounts a on a.id = e.account_id and a.kind = ?
             where t.kind = ? and t.id in (select case ? when 'delivery' then ledger_transaction_id else fee_transaction_id end
                                            from deliveries where payout_id = ? and place_id = ?)`,
          )
          .get(accountKind, kind, kind, payoutId, placeId) as { total: number }
      ).total;
    const services = (w.db.$client.prepare('select coalesce(sum(quantity), 0) as n from deliveries where payout_id = ?').get(payoutId) as { n: number }).n;
    const row = w.db.$client.prepare('select gross_cents as gross, fees_cents as fees, net_cents as net from payouts where id = ?').get(payoutId) as { gross: number; fees: number; net: number };
    return { services, gross: q('delivery', 'place'), fees: q('pooling_fee', 'partnership'), row };
  }

  it('has totals equal to the ledger and to the payout row, to the cent, before and after payment', async () => {
    const { orderId } = await deliveredMonths();
    const { settlementId } = await w.operator.api.settlements.run.mutate({ month: M1 });
    const payout = (await w.operator.api.settlements.payouts.query({ settlementId })).find((p) => p.placeId === w.places.partner)!;

    const pending = await w.partner.api.statements.place.query({ placeId: w.places.partner, month: M1 });
    const ledger = ledgerOfPayout(payout.id, w.places.partner);
    expect(pending).toMatchObject({ month: M1, status: 'pending', place: { id: w.places.partner, organisationId: w.partner.organisationId }, payout: { id: payout.id, paymentReference: null } });
    expect(pending.totals).toEqual({ services: ledger.services, grossCents: ledger.gross, feesCents: ledger.fees, netCents: ledger.gross - ledger.fees });
    expect(pending.totals).toEqual({ services: 9, grossCents: ledger.row.gross, feesCents: ledger.row.fees, netCents: ledger.row.net });
    expect(pending.lines).toEqual([{ orderId, orderTitle: expect.any(String), service: expect.any(String), services: 9, grossCents: 9_000, feesCents: 450, netCents: 8_550 }]);

    await w.operator.api.settlements.markPaid.mutate({ payoutId: payout.id, reference: 'VIR-9', paidOn: today() });
    const paid = await w.partner.api.statements.place.query({ placeId: w.places.partner, month: M1 });
    expect(paid).toMatchObject({ status: 'paid', payout: { paymentReference: 'VIR-9', paidOn: today() }, totals: pending.totals });
    // What left the place account for the payout account is the statement's net.
    expect(entriesSum(w.db, `payout:${w.partner.organisationId}`)).toBe(paid.totals.netCents);
  });

  it('shows a month not settled yet as estimated, from the deliveries dated in it', async () => {
    await deliveredMonths();
    await w.operator.api.settlements.run.mutate({ month: M1 });

    const estimated = await w.third.api.statements.place.query({ placeId: w.places.third, month: M2 });

    expect(estimated).toMatchObject({ status: 'estimated', payout: null, totals: { services: 6, grossCents: 4_800, feesCents: 0, netCents: 4_800 } });
  });

  it('downloads as French CSV: byte order mark, semicolons, decimal comma, CRLF and a Total line', async () => {
    await deliveredMonths();
    await w.operator.api.settlements.run.mutate({ month: M1 });

    const csv = await w.partner.api.statements.placeCsv.query({ placeId: w.places.partner, month: M1 });

    expect(csv.filename).toBe(`releve-contreparties-lieu-${w.places.partner}-${M1}.csv`);
    expect(csv.content.startsWith('\uFEFF')).toBe(true);
    const lines = csv.content.slice(1).split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toBe('Commande;Intitulé;Service;Services;Brut (€);Frais de mutualisation (€);Net (€);Statut;Preuve');
    expect(lines[1]).toMatch(/^\d+;[^;]+;[^;]+;9;90,00;4,50;85,50;réglé, à payer;déclaratif$/);
    expect(lines.at(-2)).toBe('Total;;;9;90,00;4,50;85,50;réglé, à payer;');
    expect(lines).toHaveLength(4);
  });
});

describe('who may settle and read', () => {
  it('lets neither a funder nor an actor run a settlement, mark a payout paid or list them: FORBIDDEN, nothing written', async () => {
    await deliveredMonths();
    const { settlementId } = await w.operator.api.settlements.run.mutate({ month: M1 });
    const [payout] = await w.operator.api.settlements.payouts.query({ settlementId });
    const before = moneySnapshot(w.db);

    for (const api of [w.funder.api, w.lead.api, w.partner.api, w.third.api]) {
      expect(await refusal(api.settlements.run.mutate({ month: M2 }))).toMatchObject(OPERATOR_ONLY);
      expect(await refusal(api.settlements.markPaid.mutate({ payoutId: payout!.id, reference: 'VIR-PIRATE', paidOn: today() }))).toMatchObject(OPERATOR_ONLY);
      expect(await refusal(api.settlements.list.query())).toMatchObject(OPERATOR_ONLY);
      expect(await refusal(api.settlements.payouts.query({ settlementId }))).toMatchObject(OPERATOR_ONLY);
    }
    expect(moneySnapshot(w.db)).toEqual(before);
  });

  it('lets an actor read its own place’s statement and payouts, not another organisation’s place', async () => {
    await deliveredMonths();
    await w.operator.api.settlements.run.mutate({ month: M1 });

    expect((await w.third.api.settlements.ofPlace.query({ placeId: w.places.third })).map((p) => [p.month, p.grossCents])).toEqual([[M1, 3_200]]);
    expect((await w.third.api.statements.place.query({ placeId: w.places.third, month: M1 })).totals.grossCents).toBe(3_200);
    expect((await w.operator.api.statements.place.query({ placeId: w.places.third, month: M1 })).totals.grossCents).toBe(3_200);

    // The lead of the partnership does not run the partner's place; funders and outsiders neither.
    for (const api of [w.lead.api, w.outsider.api, w.funder.api]) {
      expect(await refusal(api.settlements.ofPlace.query({ placeId: w.places.partner }))).toMatchObject(FORBIDDEN);
      expect(await refusal(api.statements.place.query({ placeId: w.places.partner, month: M1 }))).toMatchObject(FORBIDDEN);
      expect(await refusal(api.statements.placeCsv.query({ placeId: w.places.partner, month: M1 }))).toMatchObject(FORBIDDEN);
    }
    // An unknown place looks like someone else's.
    expect(await refusal(w.third.api.statements.place.query({ placeId: 9_999, month: M1 }))).toMatchObject(FORBIDDEN);
  });
});
