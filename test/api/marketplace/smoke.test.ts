import { describe, expect, it } from 'vitest';
import { makeMember, makePlace } from '../../factories';
import { makeAwards, makeBid, makeDelivery, makeOrder, sessionUserOf } from '../../factories/marketplace';
import { checkLedger } from '../../../server/services/ledger-check';
import { placeYearFigures } from '../../../server/services/figures';
import { createTestDb } from '../../setup/db';

describe('the path from a funder’s money to a place’s revenue', () => {
  it('funds, bids, awards and delivers with a clean ledger', async () => {
    const db = createTestDb();
    const funder = await makeMember(db, 'funder');
    const actor = await makeMember(db, 'actor');
    const placeId = makePlace(db, { organisationId: actor.organisationId, mainCommuneCode: '29232' });
    const orderId = makeOrder(db, { funderOrganisationId: funder.organisationId, userId: funder.user.id, quantity: 100 });
    const bidId = makeBid(db, { orderId, organisationId: actor.organisationId, lines: [{ placeId, quantity: 60 }] });
    const [awardId] = makeAwards(db, { orderId, userId: funder.user.id, lines: [{ bidId, placeId, quantity: 50 }] });
    const user = sessionUserOf(db, actor.user.id);
    const first = makeDelivery(db, user, { awardId: awardId!, quantity: 3, beneficiary: 'personne-1', idempotencyKey: 'cle-de-test-1' });
    const replay = makeDelivery(db, user, { awardId: awardId!, quantity: 3, beneficiary: 'personne-1', idempotencyKey: 'cle-de-test-1' });
    expect(first.replayed).toBe(false);
    expect(replay).toMatchObject({ replayed: true, delivery: first.delivery });
    const year = new Date().getFullYear();
    const f = placeYearFigures(db, placeId, year);
    expect(f.servicesDelivered).toBe(3);
    expect(f.revenueDeliveredCents).toBe(3_000);
    expect(f.revenueCommittedCents).toBe(47_000);
    expect(checkLedger(db)).toMatchObject({ ok: true, differences: [] });
  });
});
