import { describe, expect, it } from 'vitest';
import { makeMember, makePlace } from '../../factories';
import { makeOrder, sessionUserOf } from '../../factories/marketplace';
import { createPartnership, invitePlace, respondToInvitation } from '../../../server/services/partnerships';
import { confirmDraftLine, draftView, editDraftLine, openDraft, submitDraft } from '../../../server/services/drafts';
import { createTestDb } from '../../setup/db';

describe('a partnership drafting a joint bid', () => {
  it('forms, invites, drafts with versions and submits once every line is confirmed', async () => {
    const db = createTestDb();
    const funder = await makeMember(db, 'funder');
    const lead = await makeMember(db, 'actor');
    const member = await makeMember(db, 'actor');
    const leadPlace = makePlace(db, { organisationId: lead.organisationId, mainCommuneCode: '29232' });
    const memberPlace = makePlace(db, { organisationId: member.organisationId, mainCommuneCode: '29019' });
    const leadUser = sessionUserOf(db, lead.user.id);
    const { partnershipId } = createPartnership(db, leadUser, { organisationId: lead.organisationId, kind: 'cae', name: 'CAE Test', departementCodes: ['29'], poolingFeeBps: 500, charter: '' });
    expect(invitePlace(db, sessionUserOf(db, lead.user.id), partnershipId, leadPlace).status).toBe('active');
    expect(invitePlace(db, sessionUserOf(db, lead.user.id), partnershipId, memberPlace).status).toBe('invited');
    respondToInvitation(db, sessionUserOf(db, member.user.id), partnershipId, memberPlace, true);
    const orderId = makeOrder(db, { funderOrganisationId: funder.organisationId, userId: funder.user.id, quantity: 100 });
    const bidId = openDraft(db, sessionUserOf(db, lead.user.id), partnershipId, orderId);
    let view = draftView(db, bidId);
    expect(view.lines).toHaveLength(2);
    const memberUser = sessionUserOf(db, member.user.id);
    editDraftLine(db, memberUser, { bidId, version: view.bid.version, placeId: memberPlace, quantity: 40 });
    expect(() => editDraftLine(db, sessionUserOf(db, lead.user.id), { bidId, version: view.bid.version, placeId: leadPlace, quantity: 30 })).toThrow(/Le brouillon a changé/);
    view = draftView(db, bidId);
    editDraftLine(db, sessionUserOf(db, lead.user.id), { bidId, version: view.bid.version, placeId: leadPlace, quantity: 30 });
    view = draftView(db, bidId);
    confirmDraftLine(db, memberUser, { bidId, version: view.bid.version, placeId: memberPlace, confirmed: true });
    view = draftView(db, bidId);
    expect(() => submitDraft(db, sessionUserOf(db, lead.user.id), { bidId, version: view.bid.version })).toThrow(/confirmées/);
    confirmDraftLine(db, sessionUserOf(db, lead.user.id), { bidId, version: view.bid.version, placeId: leadPlace, confirmed: true });
    view = draftView(db, bidId);
    submitDraft(db, sessionUserOf(db, lead.user.id), { bidId, version: view.bid.version });
    expect(draftView(db, bidId).bid.status).toBe('submitted');
  });
});
