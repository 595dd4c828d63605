import { describe, expect, it } from 'vitest';
import { makePlace } from '../../factories';
import { fundedOrder, marketplace } from './helpers';

/**
 * Awards carry the awarded bid's price: while the order is still being awarded, only its
 * funders, the operator and the awarded place's organisation read them (as for bids, decision
 * 0007); once awarding is over they are public to every reader of the order.
 */
describe('the awards shown with an order', () => {
  it('stay with the funder, the operator and the awarded actor while awarding, and are shown to all once awarding is over', async () => {
    const m = await marketplace();
    const placeId = makePlace(m.db, { organisationId: m.actor.organisationId, mainCommuneCode: '29232' });
    const rivalPlace = makePlace(m.db, { organisationId: m.rival.organisationId, mainCommuneCode: '29232' });
    const orderId = await fundedOrder(m.as.funder, m.funder.organisationId, { quantity: 100 });
    const bid = await m.as.actor.bids.submit.mutate({ orderId, organisationId: m.actor.organisationId, unitPriceCents: 937, lines: [{ placeId, quantity: 40 }] });
    await m.as.rival.bids.submit.mutate({ orderId, organisationId: m.rival.organisationId, unitPriceCents: 990, lines: [{ placeId: rivalPlace, quantity: 40 }] });
    await m.as.funder.awards.closeBidding.mutate({ orderId });
    await m.as.funder.awards.create.mutate({ orderId, lines: [{ bidId: bid.id, placeId, quantity: 40 }] });

    const awardedPrices = async (api: typeof m.as.funder) => (await api.orders.get.query({ orderId })).awards.map((a) => a.unitPriceCents);
    expect(await awardedPrices(m.as.funder)).toEqual([937]);
    expect(await awardedPrices(m.as.operator)).toEqual([937]);
    expect(await awardedPrices(m.as.actor)).toEqual([937]);
    // The rival, whose bid still stands, does not learn the price it competes with.
    expect(await awardedPrices(m.as.rival)).toEqual([]);

    await m.as.funder.awards.finish.mutate({ orderId });
    expect(await awardedPrices(m.as.rival)).toEqual([937]);
  });
});
