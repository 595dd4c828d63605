import { describe, expect, it } from 'vitest';
import { bumpPlaceFigures } from '../../../server/services/figures';
import { makePlace } from '../../factories';
import { makeBid, makeOrder } from '../../factories/marketplace';
import { marketplace, refusal } from './helpers';

describe('the consolidating proposal on the award page', () => {
  it('brings more places to the floor than the pro-rata split, and its lines are accepted as an award', async () => {
    const m = await marketplace();
    const year = new Date().getUTCFullYear();
    // Three places: 100 and 50 services short of the 15 000 € floor, and one far from it.
    const short100 = makePlace(m.db, { organisationId: m.actor.organisationId, mainCommuneCode: '29232', yearlyCapacity: 3_000 });
    const short50 = makePlace(m.db, { organisationId: m.actor.organisationId, mainCommuneCode: '29019', yearlyCapacity: 3_000 });
    const far = makePlace(m.db, { organisationId: m.rival.organisationId, mainCommuneCode: '29232', yearlyCapacity: 3_000 });
    bumpPlaceFigures(m.db, short100, year, { revenueDeliveredCents: 1_400_000, servicesDelivered: 1_400 });
    bumpPlaceFigures(m.db, short50, year, { revenueDeliveredCents: 1_450_000, servicesDelivered: 1_450 });
    const orderId = makeOrder(m.db, { funderOrganisationId: m.funder.organisationId, userId: m.funder.user.id, quantity: 150 });
    const own = makeBid(m.db, { orderId, organisationId: m.actor.organisationId, lines: [{ placeId: short100, quantity: 120 }, { placeId: short50, quantity: 120 }] });
    const rival = makeBid(m.db, { orderId, organisationId: m.rival.organisationId, lines: [{ placeId: far, quantity: 120 }] });
    await m.as.funder.awards.closeBidding.mutate({ orderId });

    const proposal = await m.as.funder.awards.recommend.query({ orderId });

    expect(proposal.quantity).toBe(150);
    expect(proposal.proRata.broughtToFloor).toBe(1);
    expect(proposal.recommendation.summary.broughtToFloor).toBe(2);
    const recommended = proposal.recommendation.lines.filter((l) => l.quantity > 0).map(({ bidId, placeId, quantity }) => ({ bidId, placeId, quantity }));
    expect(recommended).toEqual([
      { bidId: own, placeId: short100, quantity: 100 },
      { bidId: own, placeId: short50, quantity: 50 },
    ]);
    expect(proposal.recommendation.lines.find((l) => l.bidId === rival)).toMatchObject({ quantity: 0 });

    await m.as.funder.awards.create.mutate({ orderId, lines: recommended });
    expect((await m.as.funder.orders.get.query({ orderId })).totals.awardedQuantity).toBe(150);
    expect(await refusal(m.as.otherFunder.awards.recommend.query({ orderId }))).toMatchObject({ code: 'FORBIDDEN' });
  });
});
