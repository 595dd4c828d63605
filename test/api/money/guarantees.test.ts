import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LEDGER_TRANSACTION_KINDS } from '../../../shared/domain/enums';
import { closeExpiredOrders } from '../../../server/services/credits';
import { balanceOf, LedgerRuleError, postTransaction, type AccountOwner, type NewTransaction } from '../../../server/services/ledger';
import { getOrderRow } from '../../../server/services/orders';
import { safeguardingReport } from '../../../server/services/safeguarding';
import type { CreateOrderInput } from '../../../shared/schemas/orders';
import { makePartnership, makePlace } from '../../factories';
import { makeAwards, makeBid, makeDelivery, makeOrder, sessionUserOf } from '../../factories/marketplace';
import { fundedOrder, key, marketplace, orderForm, refusal, type Marketplace } from '../marketplace/helpers';
import { addDays, deliveryOf, expectMoneyClean, FORBIDDEN, isoDaysFromToday, moneySnapshot, OPERATOR_ONLY } from './helpers';

let m: Marketplace;
let quimper: number;
beforeEach(async () => {
  m = await marketplace();
  quimper = makePlace(m.db, { organisationId: m.actor.organisationId, name: 'Espace numérique de Kerfeunteun', mainCommuneCode: '29232' });
});
afterEach(() => expectMoneyClean(m.db));

/** Through the API: an order of `quantity` services at 10 €, paid `paidCents`, awarded to the actor's place. */
async function awardedOrder(quantity: number, paidCents = quantity * 1_000, awarded = quantity, overrides: Partial<CreateOrderInput> = {}) {
  const orderId = await fundedOrder(m.as.funder, m.funder.organisationId, { quantity, ...overrides }, paidCents);
  const bid = await m.as.actor.bids.submit.mutate({ orderId, organisationId: m.actor.organisationId, unitPriceCents: 1_000, lines: [{ placeId: quimper, quantity }] });
  await m.as.funder.awards.closeBidding.mutate({ orderId });
  const { awardIds } = await m.as.funder.awards.create.mutate({ orderId, lines: [{ bidId: bid.id, placeId: quimper, quantity: awarded }] });
  return { orderId, bidId: bid.id, awardId: awardIds[0]! };
}

/** Posts inside a transaction, as services do: the refusal comes from the ledger layer and leaves no row behind. */
function expectRefused(transaction: NewTransaction, message?: string | RegExp) {
  const before = moneySnapshot(m.db);
  let thrown: unknown;
  try {
    m.db.transaction(() => postTransaction(m.db, transaction));
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `${transaction.kind} ${JSON.stringify(transaction.postings)}`).toBeInstanceOf(LedgerRuleError);
  if (message) expect((thrown as Error).message).toMatch(message);
  expect(moneySnapshot(m.db)).toEqual(before);
}

const move = (kind: NewTransaction['kind'], orderId: number | undefined, from: AccountOwner, to: AccountOwner, amountCents: number): NewTransaction => ({
  kind,
  orderId,
  postings: [
    { owner: from, amountCents: -amountCents },
    { owner: to, amountCents },
  ],
});

describe('ring-fenced money only reaches a place for a delivery or its own funder’s credit', () => {
  it('refuses moving it to a partnership, a payout account, another order or a funder’s bank account, whatever the kind of transaction', async () => {
    const { orderId, awardId } = await awardedOrder(10);
    await m.as.actor.deliveries.record.mutate(deliveryOf(awardId, 3));
    const otherOrderId = await fundedOrder(m.as.funder, m.funder.organisationId, { quantity: 5 });
    const { organisationId: partnershipOrg } = makePartnership(m.db, { name: 'CAE Finistère', kind: 'cae', leadOrganisationId: m.actor.organisationId, departementCodes: ['29'], placeIds: [quimper] });
    const ringFence: AccountOwner = { kind: 'order_ringfence', orderId };
    const destinations: AccountOwner[] = [
      { kind: 'partnership', organisationId: partnershipOrg },
      { kind: 'payout', organisationId: m.actor.organisationId },
      { kind: 'order_ringfence', orderId: otherOrderId },
      { kind: 'funder', organisationId: m.funder.organisationId },
      { kind: 'funder', organisationId: m.otherFunder.organisationId },
    ];

    let attempts = 0;
    for (const kind of LEDGER_TRANSACTION_KINDS) {
      for (const to of destinations) {
        expectRefused(move(kind, orderId, ringFence, to, 500));
        // Claiming the other order's transaction does not open the way either.
        expectRefused(move(kind, otherOrderId, ringFence, to, 500));
        attempts += 2;
      }
    }
    expect(attempts).toBe(LEDGER_TRANSACTION_KINDS.length * destinations.length * 2);
    expect(balanceOf(m.db, ringFence)).toBe(7_000);
  });

  it('refuses a delivery transaction paying the place on another order’s ring-fence, or with no order at all', async () => {
    const { orderId, awardId } = await awardedOrder(10);
    const { delivery } = await m.as.actor.deliveries.record.mutate(deliveryOf(awardId, 1));
    const otherOrderId = await fundedOrder(m.as.funder, m.funder.organisationId, { quantity: 5 });

    expectRefused({ ...move('delivery', otherOrderId, { kind: 'order_ringfence', orderId: otherOrderId }, { kind: 'place', placeId: quimper }, 1_000), deliveries: { firstId: delivery.id, lastId: delivery.id } }, 'A delivery transaction pays recorded deliveries of its own order');
    expectRefused({ ...move('delivery', undefined, { kind: 'order_ringfence', orderId }, { kind: 'place', placeId: quimper }, 1_000), deliveries: { firstId: delivery.id, lastId: delivery.id } }, 'A ring-fenced account only moves within its own order’s transactions');
  });

  it('refuses a credit note of one order paid from the ring-fence of another order of the same funder', async () => {
    const orderId = await fundedOrder(m.as.funder, m.funder.organisationId, { quantity: 10 });
    const otherOrderId = await fundedOrder(m.as.funder, m.funder.organisationId, { quantity: 10 });

    expectRefused(move('credit_note', otherOrderId, { kind: 'order_ringfence', orderId }, { kind: 'funder_credit', organisationId: m.funder.organisationId }, 500), 'A ring-fenced account only moves within its own order’s transactions');
  });

  it('refuses a credit note larger than what that funder paid in and was not credited, though the ring-fence holds more', async () => {
    const orderId = await fundedOrder(m.as.funder, m.funder.organisationId, { quantity: 10, shareCents: 6_000 }, 6_000);
    await m.as.otherFunder.orders.coFund.mutate({ orderId, organisationId: m.otherFunder.organisationId, shareCents: 4_000 });
    await m.as.otherFunder.orders.recordPayment.mutate({ orderId, organisationId: m.otherFunder.organisationId, amountCents: 4_000, reference: 'VIR-CAF', idempotencyKey: key() });
    const ringFence: AccountOwner = { kind: 'order_ringfence', orderId };
    expect(balanceOf(m.db, ringFence)).toBe(10_000);

    const tooMuch = 'A credit note cannot return more than the funder paid in and was not yet credited';
    expectRefused(move('credit_note', orderId, ringFence, { kind: 'funder_credit', organisationId: m.otherFunder.organisationId }, 4_001), tooMuch);
    expectRefused(move('credit_note', orderId, ringFence, { kind: 'funder_credit', organisationId: m.funder.organisationId }, 6_001), tooMuch);
    expectRefused(move('credit_note', orderId, ringFence, { kind: 'funder_credit', organisationId: m.actor.organisationId }, 1), 'Only a funder of the order can pay into or be credited from its ring-fenced account');
  });

  it('refuses a credit note once the funder’s payment was already credited back (cancellation)', async () => {
    const orderId = await fundedOrder(m.as.funder, m.funder.organisationId, { quantity: 10 });
    await m.as.funder.orders.cancel.mutate({ orderId });
    expect(balanceOf(m.db, { kind: 'funder_credit', organisationId: m.funder.organisationId })).toBe(10_000);

    expectRefused(move('credit_note', orderId, { kind: 'order_ringfence', orderId }, { kind: 'funder_credit', organisationId: m.funder.organisationId }, 1));
  });

  it('keeps the database itself from taking a ring-fence, a place account or a funder’s credit below zero', async () => {
    const { orderId, awardId } = await awardedOrder(10);
    await m.as.actor.deliveries.record.mutate(deliveryOf(awardId, 2));
    const cancelled = await fundedOrder(m.as.funder, m.funder.organisationId, { quantity: 5 });
    await m.as.funder.orders.cancel.mutate({ orderId: cancelled });
    const before = moneySnapshot(m.db);

    for (const accountKey of [`order_ringfence:${orderId}`, `place:${quimper}`, `funder_credit:${m.funder.organisationId}`]) {
      expect(() => m.db.$client.prepare('update ledger_accounts set balance_cents = -1 where key = ?').run(accountKey)).toThrow(/CHECK constraint failed/);
    }
    expect(moneySnapshot(m.db)).toEqual(before);
  });
});

describe('a funder’s credit only goes back to that funder', () => {
  it('refuses a refund of the credit to another organisation, in the ledger and through the API', async () => {
    const orderId = await fundedOrder(m.as.funder, m.funder.organisationId, { quantity: 10 });
    await m.as.funder.orders.cancel.mutate({ orderId });
    const credit: AccountOwner = { kind: 'funder_credit', organisationId: m.funder.organisationId };
    expect(balanceOf(m.db, credit)).toBe(10_000);

    for (const organisationId of [m.otherFunder.organisationId, m.actor.organisationId, m.operator.organisationId]) {
      expectRefused(move('credit_refund', undefined, credit, { kind: 'funder', organisationId }, 1_000), 'A funder’s credit is only refunded to that funder');
    }
    expectRefused(move('credit_refund', undefined, credit, { kind: 'payout', organisationId: m.actor.organisationId }, 1_000), 'A credit_refund cannot move money from a funder_credit account to a payout account');

    const before = moneySnapshot(m.db);
    const answer = await refusal(
      m.as.otherFunder.credits.refund.mutate({ organisationId: m.funder.organisationId, amountCents: 1_000, reference: 'VIR-RETOUR', idempotencyKey: key() }),
    );
    expect(answer).toMatchObject(FORBIDDEN);
    expect(moneySnapshot(m.db)).toEqual(before);
    expect(balanceOf(m.db, credit)).toBe(10_000);
  });

  it('refuses funding an order the credit’s funder does not fund', async () => {
    const cancelled = await fundedOrder(m.as.funder, m.funder.organisationId, { quantity: 10 });
    await m.as.funder.orders.cancel.mutate({ orderId: cancelled });
    const othersOrder = await fundedOrder(m.as.otherFunder, m.otherFunder.organisationId, { quantity: 10 }, 0);

    expectRefused(
      move('funding', othersOrder, { kind: 'funder_credit', organisationId: m.funder.organisationId }, { kind: 'order_ringfence', orderId: othersOrder }, 1_000),
      'Only a funder of the order can pay into or be credited from its ring-fenced account',
    );
  });
});

describe('what a place is owed only leaves as its pooling fee or its payout to the organisation running it', () => {
  it('refuses a payout to an organisation that does not run the place, and any other shape out of the place', async () => {
    const { awardId } = await awardedOrder(10);
    await m.as.actor.deliveries.record.mutate(deliveryOf(awardId, 4));
    const place: AccountOwner = { kind: 'place', placeId: quimper };
    expect(balanceOf(m.db, place)).toBe(4_000);
    const { organisationId: partnershipOrg } = makePartnership(m.db, { name: 'CAE Finistère', kind: 'cae', leadOrganisationId: m.actor.organisationId, departementCodes: ['29'], placeIds: [quimper] });

    for (const organisationId of [m.rival.organisationId, m.funder.organisationId, m.operator.organisationId, partnershipOrg]) {
      expectRefused(move('payout', undefined, place, { kind: 'payout', organisationId }, 1_000), 'A payout goes to the organisation that runs the place');
    }
    expectRefused(move('payout', undefined, place, { kind: 'funder', organisationId: m.funder.organisationId }, 1_000), 'A payout cannot move money from a place account to a funder account');
    expectRefused(move('delivery', undefined, place, { kind: 'payout', organisationId: m.actor.organisationId }, 1_000));
    expectRefused(move('credit_refund', undefined, place, { kind: 'funder', organisationId: m.funder.organisationId }, 1_000));
    // Nor more than it is owed, to the right organisation.
    expectRefused(move('payout', undefined, place, { kind: 'payout', organisationId: m.actor.organisationId }, 4_001), 'The place account would go below zero');
    expect(balanceOf(m.db, place)).toBe(4_000);
  });

  // What a place is owed only leaves as its own pooling fee (on a delivery made under that
  // partnership, once, within its amount) or its payout.
  it('refuses a pooling fee to a partnership the place does not belong to, with no delivery behind it', async () => {
    const { awardId } = await awardedOrder(10);
    await m.as.actor.deliveries.record.mutate(deliveryOf(awardId, 4));
    const rivalPlace = makePlace(m.db, { organisationId: m.rival.organisationId, mainCommuneCode: '29019' });
    const { organisationId: strangers } = makePartnership(m.db, { name: 'Collectif sans ce lieu', kind: 'cae', leadOrganisationId: m.rival.organisationId, departementCodes: ['29'], placeIds: [rivalPlace] });

    expectRefused(move('pooling_fee', undefined, { kind: 'place', placeId: quimper }, { kind: 'partnership', organisationId: strangers }, 4_000));
  });

  // A delivery is paid its own amount, once: a second posting would drain the ring-fence again.
  it('refuses paying a recorded delivery a second time, or more than its amount, out of the ring-fence', async () => {
    const { orderId, awardId } = await awardedOrder(10);
    const { delivery } = await m.as.actor.deliveries.record.mutate(deliveryOf(awardId, 1));
    const ringFence: AccountOwner = { kind: 'order_ringfence', orderId };

    expectRefused({ ...move('delivery', orderId, ringFence, { kind: 'place', placeId: quimper }, 1_000), deliveries: { firstId: delivery.id, lastId: delivery.id } });
    expectRefused({ ...move('delivery', orderId, ringFence, { kind: 'place', placeId: quimper }, 9_000), deliveries: { firstId: delivery.id, lastId: delivery.id } });
  });
});

describe('commitments never exceed the money paid in', () => {
  it('refuses through awards.create an award above the money on the ring-fence, on the quantity of the line, and writes nothing', async () => {
    const orderId = await fundedOrder(m.as.funder, m.funder.organisationId, { quantity: 100 }, 40_000);
    const bid = await m.as.actor.bids.submit.mutate({ orderId, organisationId: m.actor.organisationId, unitPriceCents: 1_000, lines: [{ placeId: quimper, quantity: 60 }] });
    await m.as.funder.awards.closeBidding.mutate({ orderId });
    const before = moneySnapshot(m.db);

    const answer = await refusal(m.as.funder.awards.create.mutate({ orderId, lines: [{ bidId: bid.id, placeId: quimper, quantity: 41 }] }));

    expect(answer).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
    expect(answer.fieldErrors?.['lines.0.quantity']).toEqual(['L’attribution dépasserait les fonds versés sur le compte cantonné (40000 centimes)']);
    expect(moneySnapshot(m.db)).toEqual(before);
    // Exactly the money paid in is accepted.
    await m.as.funder.awards.create.mutate({ orderId, lines: [{ bidId: bid.id, placeId: quimper, quantity: 40 }] });
    expect((await m.as.funder.orders.get.query({ orderId })).totals).toMatchObject({ awardedCents: 40_000, fundedCents: 40_000, availableCents: 40_000 });
  });

  it('counts the money every co-funder paid in, and no more', async () => {
    const orderId = await fundedOrder(m.as.funder, m.funder.organisationId, { quantity: 100, shareCents: 30_000 }, 30_000);
    await m.as.otherFunder.orders.coFund.mutate({ orderId, organisationId: m.otherFunder.organisationId, shareCents: 20_000 });
    await m.as.otherFunder.orders.recordPayment.mutate({ orderId, organisationId: m.otherFunder.organisationId, amountCents: 20_000, reference: 'VIR-CAF', idempotencyKey: key() });
    const bid = await m.as.actor.bids.submit.mutate({ orderId, organisationId: m.actor.organisationId, unitPriceCents: 1_000, lines: [{ placeId: quimper, quantity: 60 }] });
    await m.as.funder.awards.closeBidding.mutate({ orderId });
    const before = moneySnapshot(m.db);

    const answer = await refusal(m.as.funder.awards.create.mutate({ orderId, lines: [{ bidId: bid.id, placeId: quimper, quantity: 51 }] }));

    expect(answer.fieldErrors?.['lines.0.quantity']).toEqual(['L’attribution dépasserait les fonds versés sur le compte cantonné (50000 centimes)']);
    expect(moneySnapshot(m.db)).toEqual(before);
  });
});

describe('a closed order, or one past its grace period, takes no more money in or out', () => {
  it('refuses through deliveries.record a delivery on a closed order, with CONFLICT, and writes nothing', async () => {
    const { orderId, awardId } = await awardedOrder(10);
    await m.as.actor.deliveries.record.mutate(deliveryOf(awardId, 2));
    const order = getOrderRow(m.db, orderId);
    closeExpiredOrders(m.db, addDays(order.graceEndsOn, 1));
    expect(getOrderRow(m.db, orderId).status).toBe('closed');
    const before = moneySnapshot(m.db);

    const answer = await refusal(m.as.actor.deliveries.record.mutate(deliveryOf(awardId, 1)));

    expect(answer).toMatchObject({ code: 'CONFLICT', httpStatus: 409, message: 'Cette commande ne reçoit pas de prestations (statut « closed »)' });
    expect(moneySnapshot(m.db)).toEqual(before);
  });

  it('refuses through deliveries.record a delivery once the grace period is over, though dated within the window', async () => {
    // An order whose window ended 70 days ago: its month of grace is over, the system has not closed it yet.
    const windowEnd = isoDaysFromToday(-70);
    const orderId = makeOrder(m.db, {
      funderOrganisationId: m.funder.organisationId,
      userId: m.funder.user.id,
      quantity: 10,
      bidDeadline: isoDaysFromToday(-110),
      deliveryStartsOn: isoDaysFromToday(-120),
      deliveryEndsOn: windowEnd,
      today: isoDaysFromToday(-120),
    });
    const bidId = makeBid(m.db, { orderId, organisationId: m.actor.organisationId, lines: [{ placeId: quimper, quantity: 10 }], today: isoDaysFromToday(-115) });
    const [first] = makeAwards(m.db, { orderId, userId: m.funder.user.id, lines: [{ bidId, placeId: quimper, quantity: 10 }] });
    const grace = getOrderRow(m.db, orderId).graceEndsOn;
    expect(grace < isoDaysFromToday(0)).toBe(true);
    // On the last day of grace, a delivery dated in the window is still taken.
    makeDelivery(m.db, sessionUserOf(m.db, m.actor.user.id), { awardId: first!, quantity: 1, deliveredOn: isoDaysFromToday(-100), today: grace });
    const before = moneySnapshot(m.db);

    const answer = await refusal(m.as.actor.deliveries.record.mutate(deliveryOf(first!, 1, isoDaysFromToday(-100))));

    expect(answer).toMatchObject({ code: 'CONFLICT', httpStatus: 409 });
    expect(answer.message).toBe(`Le délai d’enregistrement de cette commande est écoulé (période de réalisation et mois de grâce jusqu’au ${grace})`);
    expect(moneySnapshot(m.db)).toEqual(before);
  });

  it('refuses through orders.recordPayment a payment into a closed order, with CONFLICT, and writes nothing', async () => {
    const { orderId, awardId } = await awardedOrder(10, 6_000, 5);
    await m.as.actor.deliveries.record.mutate(deliveryOf(awardId, 5));
    closeExpiredOrders(m.db, addDays(getOrderRow(m.db, orderId).graceEndsOn, 1));
    const before = moneySnapshot(m.db);

    for (const source of ['transfer', 'credit'] as const) {
      const answer = await refusal(
        m.as.funder.orders.recordPayment.mutate({ orderId, organisationId: m.funder.organisationId, amountCents: 1_000, reference: 'VIR-TARDIF', idempotencyKey: key(), source }),
      );
      expect(answer).toMatchObject({ code: 'CONFLICT', httpStatus: 409, message: 'Cette commande ne reçoit plus de versement' });
    }
    expect(moneySnapshot(m.db)).toEqual(before);
  });
});

describe('the safeguarding invariant', () => {
  /**
   * Through the API wherever a procedure exists: a co-funded order partly delivered, a cancelled
   * order, an order closed with a credit that funds a new order, itself awarded and delivered.
   */
  async function mixedScenario() {
    const morlaix = makePlace(m.db, { organisationId: m.rival.organisationId, name: 'Médiathèque de Morlaix', mainCommuneCode: '29151' });
    const coFunded = await fundedOrder(m.as.funder, m.funder.organisationId, { quantity: 100, shareCents: 60_000 }, 60_000);
    await m.as.otherFunder.orders.coFund.mutate({ orderId: coFunded, organisationId: m.otherFunder.organisationId, shareCents: 40_000 });
    await m.as.otherFunder.orders.recordPayment.mutate({ orderId: coFunded, organisationId: m.otherFunder.organisationId, amountCents: 25_000, reference: 'VIR-CAF', idempotencyKey: key() });
    const actorBid = await m.as.actor.bids.submit.mutate({ orderId: coFunded, organisationId: m.actor.organisationId, unitPriceCents: 1_000, lines: [{ placeId: quimper, quantity: 50 }] });
    const rivalBid = await m.as.rival.bids.submit.mutate({ orderId: coFunded, organisationId: m.rival.organisationId, unitPriceCents: 900, lines: [{ placeId: morlaix, quantity: 40 }] });
    await m.as.funder.awards.closeBidding.mutate({ orderId: coFunded });
    const { awardIds } = await m.as.funder.awards.create.mutate({
      orderId: coFunded,
      lines: [
        { bidId: actorBid.id, placeId: quimper, quantity: 40 },
        { bidId: rivalBid.id, placeId: morlaix, quantity: 30 },
      ],
    });
    await m.as.actor.deliveries.record.mutate(deliveryOf(awardIds[0]!, 12));
    await m.as.rival.deliveries.record.mutate(deliveryOf(awardIds[1]!, 30));

    const cancelled = await fundedOrder(m.as.funder, m.funder.organisationId, { quantity: 20, departementCodes: ['22'] });
    await m.as.funder.orders.cancel.mutate({ orderId: cancelled });

    // Its window ends well before the others': only it is past its grace period at the close.
    const { orderId: expiring, awardId } = await awardedOrder(30, 30_000, 20, { deliveryEndsOn: isoDaysFromToday(20) });
    await m.as.actor.deliveries.record.mutate(deliveryOf(awardId, 5));
    expect(closeExpiredOrders(m.db, addDays(getOrderRow(m.db, expiring).graceEndsOn, 1)).map((c) => c.orderId)).toEqual([expiring]);

    const { orderId: fromCredit } = await m.as.funder.orders.create.mutate(orderForm(m.funder.organisationId, { quantity: 10 }));
    await m.as.funder.orders.publish.mutate({ orderId: fromCredit });
    await m.as.funder.orders.recordPayment.mutate({ orderId: fromCredit, organisationId: m.funder.organisationId, amountCents: 10_000, reference: 'AVOIR', idempotencyKey: key(), source: 'credit' });
    const bid = await m.as.actor.bids.submit.mutate({ orderId: fromCredit, organisationId: m.actor.organisationId, unitPriceCents: 1_000, lines: [{ placeId: quimper, quantity: 10 }] });
    await m.as.funder.awards.closeBidding.mutate({ orderId: fromCredit });
    const { awardIds: creditAward } = await m.as.funder.awards.create.mutate({ orderId: fromCredit, lines: [{ bidId: bid.id, placeId: quimper, quantity: 8 }] });
    await m.as.actor.deliveries.record.mutate(deliveryOf(creditAward[0]!, 3));
    return { coFunded, cancelled, expiring, fromCredit };
  }

  it('holds for every order after a mixed scenario: paid = delivered + credited + available, and outstanding ≤ available', async () => {
    const ids = await mixedScenario();

    const report = safeguardingReport(m.db);

    expect(report.ok).toBe(true);
    expect(report.orders.map((o) => o.orderId).sort((a, b) => a - b)).toEqual(Object.values(ids).sort((a, b) => a - b));
    for (const line of report.orders) {
      expect(line.paidCents).toBe(line.deliveredCents + line.creditedCents + line.availableCents);
      expect(line.outstandingCents).toBeLessThanOrEqual(line.availableCents);
      expect(line.entriesCents).toBe(line.availableCents);
      expect(line).toMatchObject({ reconciled: true, covered: true });
    }
    const line = (orderId: number) => report.orders.find((o) => o.orderId === orderId)!;
    // 85 000 paid; 12 × 10 € + 30 × 9 € delivered; 28 × 10 € still owed to the actor's place.
    expect(line(ids.coFunded)).toMatchObject({ status: 'awarding', paidCents: 85_000, deliveredCents: 39_000, creditedCents: 0, availableCents: 46_000, outstandingCents: 28_000 });
    expect(line(ids.cancelled)).toMatchObject({ status: 'cancelled', paidCents: 20_000, deliveredCents: 0, creditedCents: 20_000, availableCents: 0, outstandingCents: 0 });
    expect(line(ids.expiring)).toMatchObject({ status: 'closed', paidCents: 30_000, deliveredCents: 5_000, creditedCents: 25_000, availableCents: 0, outstandingCents: 0 });
    expect(line(ids.fromCredit)).toMatchObject({ paidCents: 10_000, deliveredCents: 3_000, availableCents: 7_000, outstandingCents: 5_000 });
    // Beside the ring-fences: what places are owed, and the credit left (20 000 + 25 000 − 10 000).
    expect(report.totals).toMatchObject({ owedToPlacesCents: 39_000 + 5_000 + 3_000, funderCreditsCents: 35_000, partnershipsCents: 0 });
    expect(balanceOf(m.db, { kind: 'funder_credit', organisationId: m.funder.organisationId })).toBe(35_000);
  });

  it('is served to the operator by ledger.safeguarding, and FORBIDDEN to funders and actors', async () => {
    await mixedScenario();

    const served = await m.as.operator.ledger.safeguarding.query();

    expect(served).toEqual(safeguardingReport(m.db));
    expect(served.ok).toBe(true);
    for (const api of [m.as.funder, m.as.otherFunder, m.as.actor]) expect(await refusal(api.ledger.safeguarding.query())).toMatchObject(OPERATOR_ONLY);
  });

  it('reports an order whose outstanding awards exceed its ring-fence, so the check has teeth', async () => {
    const { orderId } = await awardedOrder(10, 10_000, 6);
    const restore = m.db.$client.prepare('update awards set quantity = ? where order_id = ?');
    restore.run(11, orderId);

    const report = safeguardingReport(m.db);

    expect(report.ok).toBe(false);
    expect(report.orders.find((o) => o.orderId === orderId)).toMatchObject({ outstandingCents: 11_000, availableCents: 10_000, covered: false, reconciled: true });
    restore.run(6, orderId);
    expect(safeguardingReport(m.db).ok).toBe(true);
  });
});
