import { describe, expect, it } from 'vitest';
import { bumpPlaceFigures } from '../../../server/services/figures';
import { refusal } from '../marketplace/helpers';
import { formedPartnership, openOrder, partnershipWorld } from './helpers';

describe('the lead’s consolidating split of a joint draft', () => {
  it('suggests bringing the member closest to the floor there, then filling it in the band, for the lead only', async () => {
    const w = await partnershipWorld();
    const year = new Date().getUTCFullYear();
    // The partner's place is 60 services short of the floor; the lead's place is far from it.
    bumpPlaceFigures(w.db, w.places.partner, year, { revenueDeliveredCents: 1_440_000, servicesDelivered: 1_440 });
    const { partnershipId } = await formedPartnership(w);
    const orderId = await openOrder(w, { quantity: 100 });
    const draft = await w.lead.api.drafts.open.mutate({ partnershipId, orderId });

    const proposal = await w.lead.api.drafts.recommend.query({ bidId: draft.bid.id });

    expect(proposal.quantity).toBe(100);
    const byPlace = Object.fromEntries(proposal.recommendation.lines.map((l) => [l.placeId, l]));
    // 60 services take it to the floor, the 40 left fill it within the band before a place that
    // cannot reach the floor (decision 0011).
    expect(byPlace[w.places.partner]).toMatchObject({ quantity: 100, reason: 'brings_to_floor', before: 'fragile', after: 'consolidated' });
    expect(byPlace[w.places.lead]!.quantity).toBe(0);
    expect(proposal.recommendation.summary.broughtToFloor).toBe(1);
    expect(proposal.proRata.broughtToFloor).toBe(0);
    // A member who is not the lead reads the draft but not the lead's tool.
    expect(await refusal(w.partner.api.drafts.recommend.query({ bidId: draft.bid.id }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusal(w.outsider.api.drafts.recommend.query({ bidId: draft.bid.id }))).toMatchObject({ code: 'FORBIDDEN' });
  });
});
