import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { balanceOf } from '../../../server/services/ledger';
import { checkLedger } from '../../../server/services/ledger-check';
import { beneficiaryRef } from '../../factories/marketplace';
import { expectLedgerClean, key, refusal, thisYear, today } from '../marketplace/helpers';
import { deliver, formedPartnership, fullSnapshot, openOrder, partnershipWorld, submittedDraft, type World } from './helpers';

let w: World;
beforeEach(async () => {
  w = await partnershipWorld();
});
afterEach(() => expectLedgerClean(w.db));

interface Entry {
  transactionId: number;
  kind: string;
  account: string;
  amountCents: number;
}

/** Every ledger entry posted for one delivery, transaction by transaction. */
const entriesOfDelivery = (deliveryId: number) =>
  w.db.$client
    .prepare(
      `select t.id as transactionId, t.kind, a.key as account, e.amount_cents as amountCents
       from ledger_transactions t join ledger_entries e on e.transaction_id = t.id join ledger_accounts a on a.id = e.account_id
       where t.id in (select ledger_transaction_id from deliveries where id = ? union select fee_transaction_id from deliveries where id = ?)
       order by t.id, e.id`,
    )
    .all(deliveryId, deliveryId) as Entry[];

const byTransaction = (entries: Entry[]) => {
  const groups = new Map<number, Entry[]>();
  for (const e of entries) groups.set(e.transactionId, [...(groups.get(e.transactionId) ?? []), e]);
  return [...groups.values()];
};

/**
 * A partnership with a pooling fee of `bps`, its joint bid at 9,50 € awarded per place: 40
 * services to the partner's place, 20 to the lead's. Everything goes through the API.
 */
async function awardedPartnership(poolingFeeBps: number) {
  const { partnershipId, organisationId } = await formedPartnership(w, { poolingFeeBps });
  const orderId = await openOrder(w);
  const submitted = await submittedDraft(w, partnershipId, orderId, { lead: 20, partner: 40 }, 950);
  await w.funder.api.awards.closeBidding.mutate({ orderId });
  const { awardIds } = await w.funder.api.awards.create.mutate({
    orderId,
    lines: [
      { bidId: submitted.bid.id, placeId: w.places.partner, quantity: 40 },
      { bidId: submitted.bid.id, placeId: w.places.lead, quantity: 20 },
    ],
  });
  const [partnerAward, leadAward] = awardIds as [number, number];
  return { partnershipId, partnershipOrg: organisationId, orderId, partnerAward, leadAward };
}

describe('a delivery under a partnership award', () => {
  it('moves the gross amount from the ring-fence to the place, then the pooling fee, rounded down, from the place to the partnership', async () => {
    const { partnershipOrg, orderId, partnerAward } = await awardedPartnership(333);

    // 7 × 9,50 € = 66,50 €; 3,33 % of it is 2,21445 € → 2,21 € (rounded toward zero).
    const { delivery } = await deliver(w.partner.api, partnerAward, 7);

    expect(delivery).toMatchObject({ quantity: 7, amountCents: 6_650, placeId: w.places.partner, orderId });
    const transactions = byTransaction(entriesOfDelivery(delivery.id));
    expect(transactions.map((t) => t.map((e) => [e.kind, e.account, e.amountCents]))).toEqual([
      [
        ['delivery', `order_ringfence:${orderId}`, -6_650],
        ['delivery', `place:${w.places.partner}`, 6_650],
      ],
      [
        ['pooling_fee', `place:${w.places.partner}`, -221],
        ['pooling_fee', `partnership:${partnershipOrg}`, 221],
      ],
    ]);
    for (const t of transactions) expect(t.reduce((sum, e) => sum + e.amountCents, 0)).toBe(0);
    expect(Math.floor((6_650 * 333) / 10_000)).toBe(221);
    // The place keeps the net amount; the partnership's account holds the fee.
    expect(balanceOf(w.db, { kind: 'place', placeId: w.places.partner })).toBe(6_429);
    expect(balanceOf(w.db, { kind: 'partnership', organisationId: partnershipOrg })).toBe(221);
    expect(balanceOf(w.db, { kind: 'order_ringfence', orderId })).toBe(100_000 - 6_650);
  });

  it('counts the gross amount in the place’s ratio figures, not the amount net of the fee', async () => {
    const { partnerAward } = await awardedPartnership(3_000);

    await deliver(w.partner.api, partnerAward, 10, 'anne');
    await deliver(w.partner.api, partnerAward, 2, 'bernard');

    const place = await w.partner.api.places.get.query({ placeId: w.places.partner, year: thisYear() });
    expect(place.figures).toEqual({
      year: thisYear(),
      servicesDelivered: 12,
      revenueDeliveredCents: 11_400, // 12 × 9,50 €, before the 30 % fee
      servicesCommitted: 28,
      revenueCommittedCents: 26_600,
      beneficiaries: 2,
      revenueSettledCents: 0,
      revenuePaidCents: 0,
    });
    // The fee is the place's own spending: 30 % of 95 € and of 19 €.
    expect(balanceOf(w.db, { kind: 'place', placeId: w.places.partner })).toBe(11_400 - 2_850 - 570);
  });

  it('shows the pooled volume and the fee account on the partnership page', async () => {
    const { partnershipId, partnerAward, leadAward } = await awardedPartnership(333);
    const empty = await w.lead.api.partnerships.get.query({ partnershipId });
    expect(empty).toMatchObject({ feeAccountCents: 0, pooled: { awardedQuantity: 60, awardedCents: 57_000, deliveredCents: 0 } });

    await deliver(w.partner.api, partnerAward, 7); // fee 221
    await deliver(w.lead.api, leadAward, 3); // 28,50 € → 0,94905 € → 94
    await deliver(w.lead.api, leadAward, 1); // 9,50 € → 0,31635 € → 31

    for (const api of [w.lead.api, w.partner.api]) {
      const detail = await api.partnerships.get.query({ partnershipId });
      expect(detail).toMatchObject({ feeAccountCents: 221 + 94 + 31, pooled: { awardedQuantity: 60, awardedCents: 57_000, deliveredCents: 11 * 950 } });
      expect(detail.activePlaces.find((p) => p.id === w.places.lead)!.figures).toMatchObject({ servicesDelivered: 4, revenueDeliveredCents: 3_800 });
      expect(detail.activePlaces.find((p) => p.id === w.places.partner)!.figures).toMatchObject({ servicesDelivered: 7, revenueDeliveredCents: 6_650 });
    }
    expect(checkLedger(w.db)).toMatchObject({ ok: true, differences: [] });
    expect(await w.operator.api.ledger.check.query()).toMatchObject({ ok: true, differences: [] });
  });

  it('posts the fee once for a replayed delivery, and through a batch exactly as for a single delivery', async () => {
    const { partnershipOrg, partnerAward } = await awardedPartnership(500);
    const input = {
      awardId: partnerAward,
      quantity: 4,
      deliveredOn: today(),
      service: Service.AideAuxDemarchesAdministratives,
      beneficiaryRef: beneficiaryRef('claire'),
      idempotencyKey: key(),
    };

    const first = await w.partner.api.deliveries.record.mutate(input);
    const before = fullSnapshot(w.db);
    const replay = await w.partner.api.deliveries.record.mutate(input);

    expect(replay).toMatchObject({ replayed: true, delivery: { id: first.delivery.id } });
    expect(fullSnapshot(w.db)).toEqual(before);
    expect(balanceOf(w.db, { kind: 'partnership', organisationId: partnershipOrg })).toBe(190); // 5 % of 38 €

    await w.partner.api.deliveries.recordBatch.mutate({ rows: [{ ...input, quantity: 2, beneficiaryRef: beneficiaryRef('denis'), idempotencyKey: key() }] });
    expect(balanceOf(w.db, { kind: 'partnership', organisationId: partnershipOrg })).toBe(190 + 95);
    const kinds = w.db.$client.prepare('select kind, count(*) as n from ledger_transactions group by kind order by kind').all();
    expect(kinds).toEqual([
      { kind: 'delivery', n: 2 },
      { kind: 'funding', n: 1 },
      { kind: 'pooling_fee', n: 2 },
    ]);
  });

  it('posts no pooling fee when the partnership keeps none, nor for an actor’s own award', async () => {
    const { partnershipId, partnershipOrg, orderId, partnerAward } = await awardedPartnership(0);
    // The outsider bid alone on a second order and delivers under its own award.
    const ownOrder = await openOrder(w, { quantity: 10 });
    const bid = await w.outsider.api.bids.submit.mutate({ orderId: ownOrder, organisationId: w.outsider.organisationId, unitPriceCents: 1_000, lines: [{ placeId: w.places.outsider, quantity: 10 }] });
    await w.funder.api.awards.closeBidding.mutate({ orderId: ownOrder });
    const [ownAward] = (await w.funder.api.awards.create.mutate({ orderId: ownOrder, lines: [{ bidId: bid.id, placeId: w.places.outsider, quantity: 10 }] })).awardIds as [number];

    const underPartnership = await deliver(w.partner.api, partnerAward, 5);
    const own = await deliver(w.outsider.api, ownAward, 5);

    expect(entriesOfDelivery(underPartnership.delivery.id).map((e) => [e.kind, e.account, e.amountCents])).toEqual([
      ['delivery', `order_ringfence:${orderId}`, -4_750],
      ['delivery', `place:${w.places.partner}`, 4_750],
    ]);
    expect(entriesOfDelivery(own.delivery.id).map((e) => [e.kind, e.account, e.amountCents])).toEqual([
      ['delivery', `order_ringfence:${ownOrder}`, -5_000],
      ['delivery', `place:${w.places.outsider}`, 5_000],
    ]);
    expect(balanceOf(w.db, { kind: 'partnership', organisationId: partnershipOrg })).toBe(0);
    expect((await w.lead.api.partnerships.get.query({ partnershipId })).feeAccountCents).toBe(0);
  });

  it('is recorded only by the actor of the awarded place, not by the lead or another member', async () => {
    const { partnerAward } = await awardedPartnership(333);
    const before = fullSnapshot(w.db);

    for (const api of [w.lead.api, w.outsider.api]) expect(await refusal(deliver(api, partnerAward, 1))).toMatchObject({ code: 'FORBIDDEN' });
    expect(fullSnapshot(w.db)).toEqual(before);
  });
});
