import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { orderFundings, serviceOrders } from '../../../db/schema';
import { placeYearFigures } from '../../../server/services/figures';
import type { AwardInput } from '../../../shared/schemas/bids';
import { makeMember, makePlace } from '../../factories';
import { makeAwards, makeBid, makeOrder } from '../../factories/marketplace';
import { expectLedgerClean, fundedOrder, isoDaysFromToday, marketplace, messagesAt, refusal, sessionFor, snapshot, thisYear, type Marketplace } from './helpers';

let m: Marketplace;
let quimper: number;
let brest: number;
beforeEach(async () => {
  m = await marketplace();
  quimper = makePlace(m.db, { organisationId: m.actor.organisationId, name: 'Espace numérique de Kerfeunteun', mainCommuneCode: '29232' });
  brest = makePlace(m.db, { organisationId: m.rival.organisationId, name: 'Cyber-base de Brest', mainCommuneCode: '29019' });
});
afterEach(() => expectLedgerClean(m.db));

/** An order of 100 services paid in (fully unless told), the actor offering 60 at 10 € and the rival 70 at 9 €. */
async function orderWithBids(options: { paidCents?: number; close?: boolean } = {}) {
  const orderId = await fundedOrder(m.as.funder, m.funder.organisationId, { quantity: 100 }, options.paidCents);
  const actorBid = (await m.as.actor.bids.submit.mutate({ orderId, organisationId: m.actor.organisationId, unitPriceCents: 1_000, lines: [{ placeId: quimper, quantity: 60 }] })).id;
  const rivalBid = (await m.as.rival.bids.submit.mutate({ orderId, organisationId: m.rival.organisationId, unitPriceCents: 900, lines: [{ placeId: brest, quantity: 70 }] })).id;
  if (options.close !== false) await m.as.funder.awards.closeBidding.mutate({ orderId });
  return { orderId, actorBid, rivalBid };
}

const orderStatus = (orderId: number) => m.db.select({ status: serviceOrders.status }).from(serviceOrders).where(eq(serviceOrders.id, orderId)).get()!.status;
const figures = (placeId: number) => placeYearFigures(m.db, placeId, thisYear());
const FORBIDDEN = { code: 'FORBIDDEN', httpStatus: 403, message: 'Accès refusé à cette ressource' };

describe('awarding an order', () => {
  it('awards part of the order, then the rest, moving the order from awarding to in delivery and committing each place’s revenue exactly', async () => {
    const { orderId, actorBid, rivalBid } = await orderWithBids();
    expect(orderStatus(orderId)).toBe('awarding');
    const quimperBefore = figures(quimper);
    const brestBefore = figures(brest);

    const first = await m.as.funder.awards.create.mutate({ orderId, lines: [{ bidId: actorBid, placeId: quimper, quantity: 40 }] });

    expect(first.awardIds).toHaveLength(1);
    expect(first.figures).toEqual([{ placeId: quimper, figures: expect.objectContaining({ servicesCommitted: 40, revenueCommittedCents: 40_000 }) }]);
    expect(orderStatus(orderId)).toBe('awarding');
    expect(figures(quimper)).toEqual({ ...quimperBefore, servicesCommitted: quimperBefore.servicesCommitted + 40, revenueCommittedCents: quimperBefore.revenueCommittedCents + 40_000 });
    expect(figures(brest)).toEqual(brestBefore);
    expect((await m.as.funder.orders.get.query({ orderId })).totals).toMatchObject({ awardedQuantity: 40, awardedCents: 40_000, fundedCents: 100_000 });

    const second = await m.as.funder.awards.create.mutate({ orderId, lines: [{ bidId: rivalBid, placeId: brest, quantity: 60 }] });

    expect(orderStatus(orderId)).toBe('in_delivery');
    expect(figures(brest)).toEqual({ ...brestBefore, servicesCommitted: 60, revenueCommittedCents: 54_000 }); // at the rival’s 9 €
    const order = await m.as.funder.orders.get.query({ orderId });
    expect(order.totals).toMatchObject({ awardedQuantity: 100, awardedCents: 94_000 });
    expect(order.awards.map((a) => [a.id, a.placeId, a.quantity, a.unitPriceCents])).toEqual([
      [first.awardIds[0], quimper, 40, 1_000],
      [second.awardIds[0], brest, 60, 900],
    ]);
    expect((await m.as.funder.bids.ofOrder.query({ orderId })).bids.map((b) => b.status)).toEqual(['awarded', 'awarded']);
    expect(await m.as.actor.awards.ofPlace.query({ placeId: quimper })).toMatchObject([{ id: first.awardIds[0], orderId, quantity: 40, deliveredQuantity: 0, unitPriceCents: 1_000 }]);
    expect((await m.as.actor.places.get.query({ placeId: quimper })).figures).toMatchObject({ servicesCommitted: 40, revenueCommittedCents: 40_000 });
  });

  it('awards lines of several bids in one call, the whole order at once', async () => {
    const { orderId, actorBid, rivalBid } = await orderWithBids();

    const { awardIds } = await m.as.funder.awards.create.mutate({
      orderId,
      lines: [
        { bidId: actorBid, placeId: quimper, quantity: 60 },
        { bidId: rivalBid, placeId: brest, quantity: 40 },
      ],
    });

    expect(awardIds).toHaveLength(2);
    expect(orderStatus(orderId)).toBe('in_delivery');
  });

  it('awards an order whose deadline passed without the funder closing bidding', async () => {
    const { orderId, actorBid } = await orderWithBids({ close: false });
    m.db.update(serviceOrders).set({ bidDeadline: isoDaysFromToday(-1) }).where(eq(serviceOrders.id, orderId)).run();

    await m.as.funder.awards.create.mutate({ orderId, lines: [{ bidId: actorBid, placeId: quimper, quantity: 10 }] });

    expect(orderStatus(orderId)).toBe('awarding');
  });

  it('rejects bids it will not award, and finishing the awarding rejects the bids left standing', async () => {
    const { orderId, actorBid, rivalBid } = await orderWithBids({ close: false });
    const third = await makeMember(m.db, 'actor');
    const lorient = makePlace(m.db, { organisationId: third.organisationId, mainCommuneCode: '29151' });
    const thirdBid = (await sessionFor(m.testApp, third.user.id).api.bids.submit.mutate({ orderId, organisationId: third.organisationId, unitPriceCents: 1_000, lines: [{ placeId: lorient, quantity: 30 }] })).id;

    expect(await m.as.funder.awards.rejectBids.mutate({ orderId, bidIds: [rivalBid] })).toEqual({ ok: true });
    await m.as.funder.awards.closeBidding.mutate({ orderId });
    await m.as.funder.awards.create.mutate({ orderId, lines: [{ bidId: actorBid, placeId: quimper, quantity: 50 }] });
    expect(await m.as.funder.awards.finish.mutate({ orderId })).toEqual({ ok: true });

    expect(orderStatus(orderId)).toBe('in_delivery');
    const statuses = Object.fromEntries((await m.as.funder.bids.ofOrder.query({ orderId })).bids.map((b) => [b.id, b.status]));
    expect(statuses).toEqual({ [actorBid]: 'awarded', [rivalBid]: 'rejected', [thirdBid]: 'rejected' });
    // What was not awarded can still be awarded later from a standing line… none stands now.
    expect((await m.as.funder.orders.get.query({ orderId })).totals).toMatchObject({ awardedQuantity: 50, bidCount: 3 });
  });

  it('refuses finishing an awarding with no award, or an order not being awarded, with CONFLICT', async () => {
    const { orderId } = await orderWithBids();
    const open = (await orderWithBids({ close: false })).orderId;
    const before = snapshot(m.db);

    expect(await refusal(m.as.funder.awards.finish.mutate({ orderId }))).toMatchObject({ code: 'CONFLICT', message: 'Aucune attribution : annulez plutôt la commande' });
    expect(await refusal(m.as.funder.awards.finish.mutate({ orderId: open }))).toMatchObject({
      code: 'CONFLICT',
      message: 'Seule une commande en cours d’attribution peut passer en réalisation',
    });
    expect(await refusal(m.as.funder.awards.closeBidding.mutate({ orderId }))).toMatchObject({ code: 'CONFLICT', message: 'Seule une commande ouverte peut être close aux offres' });
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses rejecting a bid that is not standing or that answers another order, and rejects none of the list', async () => {
    const { orderId, actorBid, rivalBid } = await orderWithBids();
    const other = await orderWithBids();
    await m.as.funder.awards.rejectBids.mutate({ orderId, bidIds: [rivalBid] });
    const before = snapshot(m.db);

    expect(await refusal(m.as.funder.awards.rejectBids.mutate({ orderId, bidIds: [actorBid, rivalBid] }))).toMatchObject({
      code: 'BAD_REQUEST',
      message: 'Seule une offre en lice peut être rejetée',
    });
    expect(await refusal(m.as.funder.awards.rejectBids.mutate({ orderId, bidIds: [actorBid, other.actorBid] }))).toMatchObject({
      code: 'BAD_REQUEST',
      message: 'Cette offre ne répond pas à cette commande',
    });
    expect(snapshot(m.db)).toEqual(before);
  });
  it('rejects the bids left standing when an award fills the whole order', async () => {
    const orderId = await fundedOrder(m.as.funder, m.funder.organisationId, { quantity: 60 });
    const winner = (await m.as.actor.bids.submit.mutate({ orderId, organisationId: m.actor.organisationId, unitPriceCents: 1_000, lines: [{ placeId: quimper, quantity: 60 }] })).id;
    const loser = (await m.as.rival.bids.submit.mutate({ orderId, organisationId: m.rival.organisationId, unitPriceCents: 900, lines: [{ placeId: brest, quantity: 60 }] })).id;
    await m.as.funder.awards.closeBidding.mutate({ orderId });

    await m.as.funder.awards.create.mutate({ orderId, lines: [{ bidId: winner, placeId: quimper, quantity: 60 }] });
    await m.as.funder.awards.finish.mutate({ orderId }).catch(() => undefined); // refused today: the order is no longer `awarding`

    expect(orderStatus(orderId)).toBe('in_delivery');
    const statuses = Object.fromEntries((await m.as.funder.bids.ofOrder.query({ orderId })).bids.map((b) => [b.id, b.status]));
    expect(statuses).toEqual({ [winner]: 'awarded', [loser]: 'rejected' });
  });
});

describe('refused awards, each with nothing changed', () => {
  type Case = [string, () => Promise<{ orderId: number; lines: AwardInput['lines'] }>, string];
  const cases: Case[] = [
    [
      'beyond the order’s quantity',
      async () => {
        const { orderId, actorBid, rivalBid } = await orderWithBids();
        await m.as.funder.awards.create.mutate({ orderId, lines: [{ bidId: actorBid, placeId: quimper, quantity: 60 }] });
        return { orderId, lines: [{ bidId: rivalBid, placeId: brest, quantity: 41 }] };
      },
      'L’attribution dépasserait la commande (100 services)',
    ],
    [
      'above what the line offered',
      async () => {
        const { orderId, actorBid } = await orderWithBids();
        return { orderId, lines: [{ bidId: actorBid, placeId: quimper, quantity: 61 }] };
      },
      'Au plus 60 services : la quantité offerte',
    ],
    [
      'beyond the place’s declared yearly capacity, counting what it already has committed',
      async () => {
        const small = makePlace(m.db, { organisationId: m.actor.organisationId, mainCommuneCode: '29232', yearlyCapacity: 50 });
        const earlier = makeOrder(m.db, { funderOrganisationId: m.funder.organisationId, userId: m.funder.user.id, quantity: 30 });
        const earlierBid = makeBid(m.db, { orderId: earlier, organisationId: m.actor.organisationId, lines: [{ placeId: small, quantity: 30 }] });
        makeAwards(m.db, { orderId: earlier, userId: m.funder.user.id, lines: [{ bidId: earlierBid, placeId: small, quantity: 30 }] });
        const orderId = await fundedOrder(m.as.funder, m.funder.organisationId);
        const { id } = await m.as.actor.bids.submit.mutate({ orderId, organisationId: m.actor.organisationId, unitPriceCents: 1_000, lines: [{ placeId: small, quantity: 40 }] });
        await m.as.funder.awards.closeBidding.mutate({ orderId });
        return { orderId, lines: [{ bidId: id, placeId: small, quantity: 21 }] };
      },
      'Capacité annuelle du lieu dépassée : 51 services prévus pour 50 déclarés',
    ],
    [
      'beyond the money paid into the ring-fenced account',
      async () => {
        const { orderId, actorBid } = await orderWithBids({ paidCents: 50_000 });
        return { orderId, lines: [{ bidId: actorBid, placeId: quimper, quantity: 51 }] };
      },
      'L’attribution dépasserait les fonds versés sur le compte cantonné (50000 centimes)',
    ],
    [
      'on a withdrawn bid',
      async () => {
        const { orderId, actorBid } = await orderWithBids({ close: false });
        await m.as.actor.bids.withdraw.mutate({ bidId: actorBid });
        await m.as.funder.awards.closeBidding.mutate({ orderId });
        return { orderId, lines: [{ bidId: actorBid, placeId: quimper, quantity: 10 }] };
      },
      'Cette offre n’est plus en lice (retirée ou rejetée)',
    ],
    [
      'on a rejected bid',
      async () => {
        const { orderId, rivalBid } = await orderWithBids();
        await m.as.funder.awards.rejectBids.mutate({ orderId, bidIds: [rivalBid] });
        return { orderId, lines: [{ bidId: rivalBid, placeId: brest, quantity: 10 }] };
      },
      'Cette offre n’est plus en lice (retirée ou rejetée)',
    ],
    [
      'on a line already awarded',
      async () => {
        const { orderId, actorBid } = await orderWithBids();
        await m.as.funder.awards.create.mutate({ orderId, lines: [{ bidId: actorBid, placeId: quimper, quantity: 10 }] });
        return { orderId, lines: [{ bidId: actorBid, placeId: quimper, quantity: 10 }] };
      },
      'Cette ligne est déjà attribuée',
    ],
    [
      'on a place the bid does not offer',
      async () => {
        const { orderId, actorBid } = await orderWithBids();
        return { orderId, lines: [{ bidId: actorBid, placeId: brest, quantity: 10 }] };
      },
      'Ce lieu ne figure pas dans cette offre',
    ],
    [
      'on a bid answering another order',
      async () => {
        const { orderId } = await orderWithBids();
        const other = await orderWithBids();
        return { orderId, lines: [{ bidId: other.actorBid, placeId: quimper, quantity: 10 }] };
      },
      'Cette offre ne répond pas à cette commande',
    ],
    [
      'when a valid first line comes with a refused second one (all or nothing)',
      async () => {
        const { orderId, actorBid, rivalBid } = await orderWithBids();
        return {
          orderId,
          lines: [
            { bidId: actorBid, placeId: quimper, quantity: 30 },
            { bidId: rivalBid, placeId: brest, quantity: 71 },
          ],
        };
      },
      'Au plus 70 services : la quantité offerte',
    ],
  ];

  it.each(cases)('refuses an award %s, with BAD_REQUEST', async (_case, prepare, message) => {
    const { orderId, lines } = await prepare();
    const before = snapshot(m.db);
    const totals = (await m.as.funder.orders.get.query({ orderId })).totals;

    expect(await refusal(m.as.funder.awards.create.mutate({ orderId, lines }))).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400, message });

    expect(snapshot(m.db)).toEqual(before);
    expect((await m.as.funder.orders.get.query({ orderId })).totals).toEqual(totals);
  });

  it('refuses an award while bids are still open, with CONFLICT', async () => {
    const { orderId, actorBid } = await orderWithBids({ close: false });
    const before = snapshot(m.db);

    expect(await refusal(m.as.funder.awards.create.mutate({ orderId, lines: [{ bidId: actorBid, placeId: quimper, quantity: 10 }] }))).toMatchObject({
      code: 'CONFLICT',
      httpStatus: 409,
      message: 'Les offres sont encore ouvertes : closez-les ou attendez la date limite',
    });
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses an award on a cancelled order, with CONFLICT', async () => {
    const { orderId, actorBid } = await orderWithBids({ close: false });
    await m.as.funder.orders.cancel.mutate({ orderId });
    const before = snapshot(m.db);

    expect(await refusal(m.as.funder.awards.create.mutate({ orderId, lines: [{ bidId: actorBid, placeId: quimper, quantity: 10 }] }))).toMatchObject({
      code: 'CONFLICT',
      message: 'Cette commande ne peut plus être attribuée',
    });
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses the same line twice in one award, on the second line', async () => {
    const { orderId, actorBid } = await orderWithBids();
    const before = snapshot(m.db);

    const answer = await refusal(
      m.as.funder.awards.create.mutate({
        orderId,
        lines: [
          { bidId: actorBid, placeId: quimper, quantity: 10 },
          { bidId: actorBid, placeId: quimper, quantity: 10 },
        ],
      }),
    );

    expect(answer).toMatchObject({ code: 'BAD_REQUEST', message: 'Données invalides' });
    expect(messagesAt(answer.fieldErrors, 'lines.1.placeId')).toEqual(['Ligne en double']);
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses an award, a rejection, a closing or a finish by a co-funder, another funder or a bidder, with FORBIDDEN', async () => {
    const { orderId, actorBid } = await orderWithBids({ close: false });
    // A co-funder, written directly: the API cannot add one (see the co-funding bug in orders.test.ts).
    m.db.insert(orderFundings).values({ orderId, funderOrganisationId: m.otherFunder.organisationId, committedCents: 1_000 }).run();
    const stranger = await makeMember(m.db, 'funder');
    const strangerApi = sessionFor(m.testApp, stranger.user.id).api;
    const before = snapshot(m.db);

    for (const api of [m.as.otherFunder, strangerApi, m.as.actor, m.as.operator]) {
      expect(await refusal(api.awards.closeBidding.mutate({ orderId }))).toMatchObject(FORBIDDEN);
      expect(await refusal(api.awards.create.mutate({ orderId, lines: [{ bidId: actorBid, placeId: quimper, quantity: 10 }] }))).toMatchObject(FORBIDDEN);
      expect(await refusal(api.awards.rejectBids.mutate({ orderId, bidIds: [actorBid] }))).toMatchObject(FORBIDDEN);
      expect(await refusal(api.awards.finish.mutate({ orderId }))).toMatchObject(FORBIDDEN);
    }
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses a place’s awards to anyone but its actor and the operator', async () => {
    const { orderId, actorBid } = await orderWithBids();
    await m.as.funder.awards.create.mutate({ orderId, lines: [{ bidId: actorBid, placeId: quimper, quantity: 10 }] });

    expect(await refusal(m.as.rival.awards.ofPlace.query({ placeId: quimper }))).toMatchObject(FORBIDDEN);
    expect(await refusal(m.as.rival.awards.ofPlace.query({ placeId: 999_999 }))).toMatchObject(FORBIDDEN);
    expect(await m.as.operator.awards.ofPlace.query({ placeId: quimper })).toHaveLength(1);
  });

  it('names the line and field of an over-award in the refusal (lines.0.quantity)', async () => {
    const { orderId, actorBid } = await orderWithBids();

    const answer = await refusal(m.as.funder.awards.create.mutate({ orderId, lines: [{ bidId: actorBid, placeId: quimper, quantity: 61 }] }));

    expect(answer.fieldErrors).toEqual({ 'lines.0.quantity': ['Au plus 60 services : la quantité offerte'] });
  });
});
