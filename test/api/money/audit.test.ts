import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { users } from '../../../db/schema';
import { makePlace } from '../../factories';
import { fundedOrder, marketplace, refusal, today, type Marketplace } from '../marketplace/helpers';
import { dayIn, deliveryOf, expectMoneyClean, FORBIDDEN, monthsAgo, OPERATOR_ONLY } from './helpers';

let m: Marketplace;
beforeEach(async () => {
  m = await marketplace();
});
afterEach(() => expectMoneyClean(m.db));

const LAST_MONTH = monthsAgo(1);
const nameOf = (userId: number) => m.db.select({ name: users.name }).from(users).where(eq(users.id, userId)).get()!.name;

/**
 * Through the API, every kind of status change: the funder publishes, pays, closes bidding and
 * awards; the actor delivers last month; the operator suspends and reinstates a place, settles
 * last month and pays the payout.
 */
async function statusChanges() {
  const quimper = makePlace(m.db, { organisationId: m.actor.organisationId, name: 'Espace numérique de Kerfeunteun', mainCommuneCode: '29232' });
  const spare = makePlace(m.db, { organisationId: m.actor.organisationId, name: 'Point numérique de Douarnenez', mainCommuneCode: '29046' });
  const orderId = await fundedOrder(m.as.funder, m.funder.organisationId, { quantity: 10, deliveryStartsOn: dayIn(LAST_MONTH, 1) });
  const bid = await m.as.actor.bids.submit.mutate({ orderId, organisationId: m.actor.organisationId, unitPriceCents: 1_000, lines: [{ placeId: quimper, quantity: 10 }] });
  await m.as.funder.awards.closeBidding.mutate({ orderId });
  const { awardIds } = await m.as.funder.awards.create.mutate({ orderId, lines: [{ bidId: bid.id, placeId: quimper, quantity: 6 }] });
  await m.as.actor.deliveries.record.mutate(deliveryOf(awardIds[0]!, 2, dayIn(LAST_MONTH, 12)));
  await m.as.operator.qualification.decide.mutate({ placeId: spare, decision: 'suspend', reason: 'Contrôle qualité en cours' });
  await m.as.operator.qualification.decide.mutate({ placeId: spare, decision: 'reinstate', reason: 'Contrôle qualité satisfaisant' });
  const { settlementId } = await m.as.operator.settlements.run.mutate({ month: LAST_MONTH });
  const [payout] = await m.as.operator.settlements.payouts.query({ settlementId });
  await m.as.operator.settlements.markPaid.mutate({ payoutId: payout!.id, reference: 'VIR-CONTREPARTIE-42', paidOn: today() });
  return { quimper, spare, orderId, awardId: awardIds[0]!, settlementId, payoutId: payout!.id };
}

describe('the audit trail', () => {
  it('records each status change with who, when and why', async () => {
    const ids = await statusChanges();
    const funderName = nameOf(m.funder.user.id);
    const operatorName = nameOf(m.operator.user.id);

    const trail = await m.as.operator.audit.list.query({});

    const event = (action: string) => trail.find((e) => e.action === action);
    expect(event('order.published')).toMatchObject({ subjectType: 'order', subjectId: ids.orderId, userName: funderName });
    expect(event('order.bidding_closed')).toMatchObject({ subjectType: 'order', subjectId: ids.orderId, userName: funderName });
    expect(event('award.created')).toMatchObject({ subjectType: 'award', subjectId: ids.awardId, userName: funderName, detail: { orderId: ids.orderId, placeId: ids.quimper, quantity: 6, unitPriceCents: 1_000 } });
    expect(event('funding.recorded')).toMatchObject({ subjectType: 'funding', userName: funderName, reason: `VIR-${ids.orderId}`, detail: { orderId: ids.orderId, amountCents: 10_000 } });
    expect(event('qualification.suspended')).toMatchObject({ subjectType: 'qualification', subjectId: ids.spare, userName: operatorName, reason: 'Contrôle qualité en cours', detail: { from: 'qualified', to: 'suspended' } });
    expect(event('qualification.qualified')).toMatchObject({ subjectId: ids.spare, userName: operatorName, reason: 'Contrôle qualité satisfaisant', detail: { from: 'suspended', to: 'qualified' } });
    expect(event('payout.created')).toMatchObject({ subjectType: 'payout', subjectId: ids.payoutId, userName: operatorName, detail: { month: LAST_MONTH, grossCents: 2_000, feesCents: 0, netCents: 2_000 } });
    expect(event('payout.paid')).toMatchObject({ subjectType: 'payout', subjectId: ids.payoutId, userName: operatorName, reason: 'VIR-CONTREPARTIE-42', detail: { month: LAST_MONTH, netCents: 2_000, paidOn: today() } });
    expect(event('settlement.run')).toMatchObject({ subjectType: 'settlement', subjectId: ids.settlementId, userName: operatorName, detail: { month: LAST_MONTH, payouts: 1 } });
    // When: a timestamp each, newest first.
    for (const e of trail) expect(Number.isNaN(Date.parse(e.createdAt))).toBe(false);
    expect(trail.map((e) => e.id)).toEqual([...trail.map((e) => e.id)].sort((a, b) => b - a));
  });

  it('shows an organisation only the events where it is a party', async () => {
    await statusChanges();
    const actions = async (api: typeof m.as.funder, organisationId: number) => new Set((await api.audit.list.query({ organisationId })).map((e) => e.action));

    expect(await actions(m.as.funder, m.funder.organisationId)).toEqual(new Set(['order.published', 'funding.recorded', 'order.bidding_closed', 'award.created']));
    expect(await actions(m.as.actor, m.actor.organisationId)).toEqual(new Set(['award.created', 'qualification.suspended', 'qualification.qualified', 'payout.created', 'payout.paid']));
    expect(await actions(m.as.rival, m.rival.organisationId)).toEqual(new Set());
    expect(await actions(m.as.otherFunder, m.otherFunder.organisationId)).toEqual(new Set());
    // The operator may look through an organisation's eyes.
    expect(await actions(m.as.operator, m.actor.organisationId)).toEqual(await actions(m.as.actor, m.actor.organisationId));
  });

  it('refuses an organisation another’s trail, and the whole trail to anyone but the operator', async () => {
    await statusChanges();

    for (const [api, other] of [
      [m.as.rival, m.actor.organisationId],
      [m.as.otherFunder, m.funder.organisationId],
      [m.as.actor, m.funder.organisationId],
      [m.as.funder, m.actor.organisationId],
    ] as const) {
      expect(await refusal(api.audit.list.query({ organisationId: other }))).toMatchObject(FORBIDDEN);
    }
    for (const api of [m.as.funder, m.as.actor, m.as.rival]) expect(await refusal(api.audit.list.query({}))).toMatchObject(OPERATOR_ONLY);
  });

  it('gives the operator every event with audit.list {}, the ones without a party too', async () => {
    await statusChanges();

    const trail = await m.as.operator.audit.list.query({});

    const total = (m.db.$client.prepare('select count(*) as n from audit_events').get() as { n: number }).n;
    expect(trail).toHaveLength(total);
    expect(new Set(trail.map((e) => e.action))).toEqual(
      new Set(['order.published', 'funding.recorded', 'order.bidding_closed', 'award.created', 'qualification.suspended', 'qualification.qualified', 'payout.created', 'settlement.run', 'payout.paid']),
    );
    // Paged by id: `before` gives the older events.
    const page = await m.as.operator.audit.list.query({ limit: 3 });
    const next = await m.as.operator.audit.list.query({ before: page.at(-1)!.id, limit: 100 });
    expect([...page, ...next].map((e) => e.id)).toEqual(trail.map((e) => e.id));
  });
});
