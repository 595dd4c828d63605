import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { balanceOf } from '../../../server/services/ledger';
import { UNKNOWN_PASS_MESSAGE } from '../../../server/services/passes/redeem';
import { expectLedgerClean, refusal } from '../marketplace/helpers';
import { formedPartnership, openOrder, partnershipWorld, submittedDraft, type World } from '../partnerships/helpers';
import { unknownCode } from './helpers';

/**
 * Issue 11 with partnerships: a place awarded through its partnership's joint bid redeems the
 * order's pass like a place awarded on its own bid, and the pooling fee follows the delivery.
 */

let w: World;
beforeEach(async () => {
  w = await partnershipWorld();
});
afterEach(() => expectLedgerClean(w.db));

const redeem = (placeId: number, code: string) => ({ placeId, code, service: Service.AideAuxDemarchesAdministratives });

/** A pass-required order awarded through the partnership's joint bid: 40 services to the partner's place, 20 to the lead's. */
async function jointlyAwarded() {
  const { partnershipId, organisationId } = await formedPartnership(w, { poolingFeeBps: 500 });
  const orderId = await openOrder(w, { passRequired: true });
  const submitted = await submittedDraft(w, partnershipId, orderId, { lead: 20, partner: 40 });
  await w.funder.api.awards.closeBidding.mutate({ orderId });
  await w.funder.api.awards.create.mutate({
    orderId,
    lines: [
      { bidId: submitted.bid.id, placeId: w.places.partner, quantity: 40 },
      { bidId: submitted.bid.id, placeId: w.places.lead, quantity: 20 },
    ],
  });
  const { bookletIds } = await w.funder.api.passes.issue.mutate({ orderId, organisationId: w.funder.organisationId, booklets: 1 });
  const codes = (await w.funder.api.passes.printBooklet.mutate({ bookletId: bookletIds[0]! })).passes.map((p) => p.code);
  return { partnershipOrg: organisationId, orderId, codes };
}

describe('a pass at a place awarded through its partnership', () => {
  it('is redeemed by the member place, proved by the pass, and the pooling fee goes to the partnership', async () => {
    const { partnershipOrg, orderId, codes } = await jointlyAwarded();

    const { delivery, replayed } = await w.partner.api.passes.redeem.mutate(redeem(w.places.partner, codes[0]!));

    expect(replayed).toBe(false);
    expect(delivery).toMatchObject({ orderId, placeId: w.places.partner, quantity: 1, amountCents: 1_000, proof: 'pass' });
    expect(balanceOf(w.db, { kind: 'place', placeId: w.places.partner })).toBe(950);
    expect(balanceOf(w.db, { kind: 'partnership', organisationId: partnershipOrg })).toBe(50);
    // The lead's place, awarded on the same joint bid, redeems the next one.
    expect((await w.lead.api.passes.redeem.mutate(redeem(w.places.lead, codes[1]!))).delivery.placeId).toBe(w.places.lead);
  });

  it('used at one member place, is refused at the other as already used, and to an actor outside as unknown', async () => {
    const { codes } = await jointlyAwarded();
    const { delivery } = await w.partner.api.passes.redeem.mutate(redeem(w.places.partner, codes[0]!));

    expect(await refusal(w.lead.api.passes.redeem.mutate(redeem(w.places.lead, codes[0]!)))).toMatchObject({
      code: 'CONFLICT',
      message: `Ce pass a déjà été utilisé, le ${delivery.deliveredOn}`,
    });
    const outside = await refusal(w.outsider.api.passes.redeem.mutate(redeem(w.places.outsider, codes[1]!)));
    expect(outside).toMatchObject({ code: 'BAD_REQUEST', fieldErrors: { code: [UNKNOWN_PASS_MESSAGE] } });
    expect(outside).toEqual(await refusal(w.outsider.api.passes.redeem.mutate(redeem(w.places.outsider, unknownCode()))));
  });
});
