import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memberships, partnershipMembers } from '../../../db/schema';
import { makePlace } from '../../factories';
import { expectLedgerClean, refusal } from '../marketplace/helpers';
import { createPartnership, deliver, formedPartnership, fullSnapshot, openOrder, partnershipWorld, submittedDraft, type World } from './helpers';

let w: World;
beforeEach(async () => {
  w = await partnershipWorld();
});
afterEach(() => expectLedgerClean(w.db));

const FORBIDDEN = { code: 'FORBIDDEN', httpStatus: 403 };
const memberStatus = (partnershipId: number, placeId: number) =>
  w.db
    .select({ status: partnershipMembers.status })
    .from(partnershipMembers)
    .where(and(eq(partnershipMembers.partnershipId, partnershipId), eq(partnershipMembers.placeId, placeId)))
    .get()?.status;
const roleIn = (userId: number, organisationId: number) =>
  w.db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.organisationId, organisationId)))
    .get()?.role;
const historyOf = async (api: World['lead']['api'], partnershipId: number) =>
  (await api.partnerships.get.query({ partnershipId })).events.map((e) => [e.kind, e.placeId, e.organisationId]).reverse();

describe('creating a partnership', () => {
  it('lets an actor create a partnership of each kind, which it leads and whose organisation its user administers', async () => {
    for (const kind of ['cae', 'local', 'consortium'] as const) {
      const created = await createPartnership(w, { kind, name: `Partenariat ${kind}`, departementCodes: ['29'], poolingFeeBps: 250 });

      const detail = await w.lead.api.partnerships.get.query({ partnershipId: created.partnershipId });
      expect(detail).toMatchObject({
        id: created.partnershipId,
        organisationId: created.organisationId,
        kind,
        name: `Partenariat ${kind}`,
        leadOrganisationId: w.lead.organisationId,
        leadName: 'Association Ty Numérik',
        poolingFeeBps: 250,
        departementCodes: ['29'],
        charter: 'Nous mutualisons nos compétences pour accompagner les habitants.',
        activeMembers: 0,
        members: [],
        feeAccountCents: 0,
        pooled: { awardedQuantity: 0, awardedCents: 0, deliveredCents: 0 },
      });
      expect(detail.events.map((e) => [e.kind, e.organisationId, e.detail])).toEqual([['created', w.lead.organisationId, `Partenariat ${kind}`]]);
      expect(roleIn(w.lead.userId, created.organisationId)).toBe('admin');
    }
    expect((await w.lead.api.partnerships.mine.query()).map((p) => p.kind)).toEqual(['cae', 'local', 'consortium']);
    expect(await w.partner.api.partnerships.mine.query()).toEqual([]);
  });

  it('accepts a pooling fee from 0 to 3 000 basis points', async () => {
    for (const poolingFeeBps of [0, 3_000]) {
      const { partnershipId } = await createPartnership(w, { poolingFeeBps });
      expect((await w.lead.api.partnerships.get.query({ partnershipId })).poolingFeeBps).toBe(poolingFeeBps);
    }
  });

  it('refuses a pooling fee below 0 or above 3 000 basis points on the field, writing nothing', async () => {
    const before = fullSnapshot(w.db);
    for (const poolingFeeBps of [-1, 3_001]) {
      const error = await refusal(createPartnership(w, { poolingFeeBps }));
      expect(error).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
      expect(Object.keys(error.fieldErrors ?? {})).toEqual(['poolingFeeBps']);
    }
    expect(fullSnapshot(w.db)).toEqual(before);
  });

  it('refuses a funder, and an actor naming an organisation it does not belong to, writing nothing', async () => {
    const before = fullSnapshot(w.db);
    const asFunder = await refusal(
      w.funder.api.partnerships.create.mutate({ organisationId: w.funder.organisationId, kind: 'local', name: 'Partenariat du département', departementCodes: ['29'], poolingFeeBps: 0 }),
    );
    expect(asFunder).toMatchObject({ ...FORBIDDEN, message: 'Seul un acteur peut former un partenariat' });
    const onBehalf = await refusal(
      w.outsider.api.partnerships.create.mutate({ organisationId: w.lead.organisationId, kind: 'local', name: 'Usurpation', departementCodes: ['29'], poolingFeeBps: 0 }),
    );
    expect(onBehalf).toMatchObject(FORBIDDEN);
    expect(fullSnapshot(w.db)).toEqual(before);
  });
});

describe('inviting places', () => {
  it('lets the lead’s own place join at once and invites another actor’s place', async () => {
    const { partnershipId } = await createPartnership(w);

    expect(await w.lead.api.partnerships.invite.mutate({ partnershipId, placeId: w.places.lead })).toEqual({ status: 'active', organisationId: w.lead.organisationId });
    expect(await w.lead.api.partnerships.invite.mutate({ partnershipId, placeId: w.places.partner })).toEqual({ status: 'invited', organisationId: w.partner.organisationId });

    const detail = await w.lead.api.partnerships.get.query({ partnershipId });
    expect(detail.members.map((m) => [m.placeId, m.status, m.organisationId])).toEqual([
      [w.places.lead, 'active', w.lead.organisationId],
      [w.places.partner, 'invited', w.partner.organisationId],
    ]);
    expect(detail.activeMembers).toBe(1);
    expect(detail.activePlaces.map((p) => p.id)).toEqual([w.places.lead]);
  });

  it('refuses an unqualified or a suspended place on the placeId field, writing nothing', async () => {
    const { partnershipId } = await createPartnership(w);
    const applied = makePlace(w.db, { organisationId: w.third.organisationId, status: 'applied', mainCommuneCode: '29151' });
    const suspended = makePlace(w.db, { organisationId: w.third.organisationId, status: 'suspended', mainCommuneCode: '29151' });
    const before = fullSnapshot(w.db);

    for (const placeId of [applied, suspended]) {
      const error = await refusal(w.lead.api.partnerships.invite.mutate({ partnershipId, placeId }));
      expect(error).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400, fieldErrors: { placeId: ['Seul un lieu qualifié peut rejoindre un partenariat'] } });
    }
    expect(fullSnapshot(w.db)).toEqual(before);
  });

  it('refuses an invitation from anyone but the lead, even an active member, writing nothing', async () => {
    const { partnershipId } = await formedPartnership(w);
    const before = fullSnapshot(w.db);

    for (const api of [w.partner.api, w.third.api, w.outsider.api, w.funder.api]) {
      expect(await refusal(api.partnerships.invite.mutate({ partnershipId, placeId: w.places.third }))).toMatchObject({ ...FORBIDDEN, message: 'Réservé au chef de file du partenariat' });
    }
    expect(fullSnapshot(w.db)).toEqual(before);
  });

  it('refuses to invite a place that is already invited or active, writing nothing', async () => {
    const { partnershipId } = await formedPartnership(w);
    await w.lead.api.partnerships.invite.mutate({ partnershipId, placeId: w.places.third });
    const before = fullSnapshot(w.db);

    for (const placeId of [w.places.third, w.places.partner, w.places.lead]) {
      expect(await refusal(w.lead.api.partnerships.invite.mutate({ partnershipId, placeId }))).toMatchObject({ code: 'CONFLICT', httpStatus: 409 });
    }
    expect(fullSnapshot(w.db)).toEqual(before);
  });

  it('offers the lead the qualified places of the partnership’s territory not yet in it, and no one else', async () => {
    const { partnershipId } = await formedPartnership(w);
    makePlace(w.db, { organisationId: w.third.organisationId, status: 'applied', mainCommuneCode: '29151' });
    makePlace(w.db, { organisationId: w.third.organisationId, name: 'Point numérique de Saint-Brieuc', mainCommuneCode: '22278' }); // outside 29 and 56

    expect((await w.lead.api.partnerships.invitable.query({ partnershipId })).map((p) => [p.id, p.organisationId])).toEqual([
      [w.places.third, w.third.organisationId],
      [w.places.outsider, w.outsider.organisationId],
    ]);
    for (const api of [w.partner.api, w.outsider.api]) expect(await refusal(api.partnerships.invitable.query({ partnershipId }))).toMatchObject(FORBIDDEN);
  });
});

describe('answering an invitation', () => {
  it('makes the place active when its actor accepts, and the accepting user a member of the partnership organisation', async () => {
    const { partnershipId, organisationId } = await createPartnership(w);
    await w.lead.api.partnerships.invite.mutate({ partnershipId, placeId: w.places.partner });
    expect(roleIn(w.partner.userId, organisationId)).toBeUndefined();
    expect(await refusal(w.partner.api.organisations.get.query({ organisationId }))).toMatchObject(FORBIDDEN);

    expect(await w.partner.api.partnerships.respond.mutate({ partnershipId, placeId: w.places.partner, accept: true })).toEqual({
      status: 'active',
      organisationId: w.partner.organisationId,
    });

    expect(memberStatus(partnershipId, w.places.partner)).toBe('active');
    expect(roleIn(w.partner.userId, organisationId)).toBe('member');
    expect(await w.partner.api.organisations.get.query({ organisationId })).toMatchObject({ id: organisationId, kind: 'partnership' });
    expect((await w.partner.api.partnerships.mine.query()).map((p) => [p.id, p.activeMembers])).toEqual([[partnershipId, 1]]);
  });

  it('marks the place declined when its actor declines, granting nothing', async () => {
    const { partnershipId, organisationId } = await createPartnership(w);
    await w.lead.api.partnerships.invite.mutate({ partnershipId, placeId: w.places.partner });

    expect(await w.partner.api.partnerships.respond.mutate({ partnershipId, placeId: w.places.partner, accept: false })).toEqual({
      status: 'declined',
      organisationId: w.partner.organisationId,
    });

    expect(memberStatus(partnershipId, w.places.partner)).toBe('declined');
    expect(roleIn(w.partner.userId, organisationId)).toBeUndefined();
    expect(await w.partner.api.partnerships.mine.query()).toEqual([]);
    expect(await refusal(w.partner.api.partnerships.get.query({ partnershipId }))).toMatchObject(FORBIDDEN);
  });

  it('refuses an answer for a place the caller does not own — the lead’s included — writing nothing', async () => {
    const { partnershipId } = await createPartnership(w);
    await w.lead.api.partnerships.invite.mutate({ partnershipId, placeId: w.places.partner });
    const before = fullSnapshot(w.db);

    for (const api of [w.lead.api, w.outsider.api, w.third.api]) {
      for (const accept of [true, false]) {
        expect(await refusal(api.partnerships.respond.mutate({ partnershipId, placeId: w.places.partner, accept }))).toMatchObject({
          ...FORBIDDEN,
          message: 'Seul l’acteur du lieu répond à l’invitation',
        });
      }
    }
    expect(fullSnapshot(w.db)).toEqual(before);
  });

  it('refuses a second answer, and an answer without an invitation, writing nothing', async () => {
    const { partnershipId } = await createPartnership(w);
    await w.lead.api.partnerships.invite.mutate({ partnershipId, placeId: w.places.partner });
    await w.lead.api.partnerships.invite.mutate({ partnershipId, placeId: w.places.third });
    await w.partner.api.partnerships.respond.mutate({ partnershipId, placeId: w.places.partner, accept: true });
    await w.third.api.partnerships.respond.mutate({ partnershipId, placeId: w.places.third, accept: false });
    const before = fullSnapshot(w.db);

    for (const accept of [true, false]) {
      const twice = await refusal(w.partner.api.partnerships.respond.mutate({ partnershipId, placeId: w.places.partner, accept }));
      expect(twice).toMatchObject({ code: 'CONFLICT', httpStatus: 409 });
      expect(twice.message).toContain('« active »');
      expect(await refusal(w.third.api.partnerships.respond.mutate({ partnershipId, placeId: w.places.third, accept }))).toMatchObject({ code: 'CONFLICT' });
      expect(await refusal(w.outsider.api.partnerships.respond.mutate({ partnershipId, placeId: w.places.outsider, accept }))).toMatchObject({ code: 'CONFLICT' });
    }
    expect(fullSnapshot(w.db)).toEqual(before);
  });

  it('never lowers the role the accepting user already holds in the partnership organisation', async () => {
    const { partnershipId, organisationId } = await formedPartnership(w);
    await w.lead.api.partnerships.handOverLead.mutate({ partnershipId, organisationId: w.partner.organisationId });
    await w.lead.api.partnerships.leave.mutate({ partnershipId, placeId: w.places.lead });
    await w.partner.api.partnerships.invite.mutate({ partnershipId, placeId: w.places.lead });
    expect(roleIn(w.lead.userId, organisationId)).toBe('admin');

    await w.lead.api.partnerships.respond.mutate({ partnershipId, placeId: w.places.lead, accept: true });

    expect(roleIn(w.lead.userId, organisationId)).toBe('admin');
  });

  it('lists pending invitations in the inbox of the invited actor only, until it answers', async () => {
    const { partnershipId } = await createPartnership(w, { name: 'CAE Finistère Numérique', poolingFeeBps: 400 });
    await w.lead.api.partnerships.invite.mutate({ partnershipId, placeId: w.places.lead });
    await w.lead.api.partnerships.invite.mutate({ partnershipId, placeId: w.places.partner });
    await w.lead.api.partnerships.invite.mutate({ partnershipId, placeId: w.places.third });

    expect(await w.partner.api.partnerships.invitations.query({ organisationId: w.partner.organisationId })).toEqual([
      expect.objectContaining({
        partnershipId,
        partnershipName: 'CAE Finistère Numérique',
        kind: 'cae',
        poolingFeeBps: 400,
        charter: 'Nous mutualisons nos compétences pour accompagner les habitants.',
        placeId: w.places.partner,
        placeName: 'Cyber-base de Brest',
      }),
    ]);
    expect((await w.third.api.partnerships.invitations.query({ organisationId: w.third.organisationId })).map((i) => i.placeId)).toEqual([w.places.third]);
    expect(await w.lead.api.partnerships.invitations.query({ organisationId: w.lead.organisationId })).toEqual([]);
    expect(await w.outsider.api.partnerships.invitations.query({ organisationId: w.outsider.organisationId })).toEqual([]);
    // Another actor's inbox is not readable.
    expect(await refusal(w.outsider.api.partnerships.invitations.query({ organisationId: w.partner.organisationId }))).toMatchObject(FORBIDDEN);
    expect(await refusal(w.lead.api.partnerships.invitations.query({ organisationId: w.partner.organisationId }))).toMatchObject(FORBIDDEN);

    await w.partner.api.partnerships.respond.mutate({ partnershipId, placeId: w.places.partner, accept: true });
    await w.third.api.partnerships.respond.mutate({ partnershipId, placeId: w.places.third, accept: false });
    expect(await w.partner.api.partnerships.invitations.query({ organisationId: w.partner.organisationId })).toEqual([]);
    expect(await w.third.api.partnerships.invitations.query({ organisationId: w.third.organisationId })).toEqual([]);
  });
});

describe('leaving a partnership', () => {
  it('moves an active place to left; the lead may invite it again and it may rejoin', async () => {
    const { partnershipId } = await formedPartnership(w);

    expect(await w.partner.api.partnerships.leave.mutate({ partnershipId, placeId: w.places.partner })).toEqual({ status: 'left', organisationId: w.partner.organisationId });
    expect(memberStatus(partnershipId, w.places.partner)).toBe('left');
    expect((await w.lead.api.partnerships.get.query({ partnershipId })).activePlaces.map((p) => p.id).sort()).toEqual([w.places.lead, w.places.leadFar].sort());

    expect(await w.lead.api.partnerships.invite.mutate({ partnershipId, placeId: w.places.partner })).toMatchObject({ status: 'invited' });
    expect((await w.partner.api.partnerships.invitations.query({ organisationId: w.partner.organisationId })).map((i) => i.placeId)).toEqual([w.places.partner]);
    await w.partner.api.partnerships.respond.mutate({ partnershipId, placeId: w.places.partner, accept: true });
    const member = w.db.select().from(partnershipMembers).where(and(eq(partnershipMembers.partnershipId, partnershipId), eq(partnershipMembers.placeId, w.places.partner))).get()!;
    expect(member).toMatchObject({ status: 'active', leftAt: null });
  });

  it('refuses to let anyone but the place’s actor withdraw it, and refuses a place that is not active, writing nothing', async () => {
    const { partnershipId } = await formedPartnership(w);
    await w.lead.api.partnerships.invite.mutate({ partnershipId, placeId: w.places.third });
    const before = fullSnapshot(w.db);

    for (const api of [w.lead.api, w.outsider.api]) {
      expect(await refusal(api.partnerships.leave.mutate({ partnershipId, placeId: w.places.partner }))).toMatchObject({ ...FORBIDDEN, message: 'Seul l’acteur du lieu peut le retirer' });
    }
    expect(await refusal(w.third.api.partnerships.leave.mutate({ partnershipId, placeId: w.places.third }))).toMatchObject({ code: 'CONFLICT' });
    expect(await refusal(w.outsider.api.partnerships.leave.mutate({ partnershipId, placeId: w.places.outsider }))).toMatchObject({ code: 'CONFLICT' });
    expect(fullSnapshot(w.db)).toEqual(before);
  });

  it('refuses to let a place leave while it holds undelivered awards under the partnership, naming what remains, then lets it go once all is delivered', async () => {
    const { partnershipId } = await formedPartnership(w);
    const orderId = await openOrder(w);
    const submitted = await submittedDraft(w, partnershipId, orderId, { lead: 20, partner: 30 });
    await w.funder.api.awards.closeBidding.mutate({ orderId });
    const { awardIds } = await w.funder.api.awards.create.mutate({
      orderId,
      lines: [
        { bidId: submitted.bid.id, placeId: w.places.partner, quantity: 30 },
        { bidId: submitted.bid.id, placeId: w.places.lead, quantity: 20 },
      ],
    });
    const [partnerAward, leadAward] = awardIds as [number, number];
    await deliver(w.partner.api, partnerAward, 10);
    const before = fullSnapshot(w.db);

    const refused = await refusal(w.partner.api.partnerships.leave.mutate({ partnershipId, placeId: w.places.partner }));

    expect(refused).toMatchObject({ code: 'CONFLICT', httpStatus: 409 });
    expect(refused.message).toBe('Ce lieu doit encore réaliser 20 service(s) attribué(s) au partenariat : il ne peut pas le quitter maintenant');
    expect(fullSnapshot(w.db)).toEqual(before);
    // The lead's place, with its own award, is held back just the same.
    expect((await refusal(w.lead.api.partnerships.leave.mutate({ partnershipId, placeId: w.places.lead }))).message).toContain('encore réaliser 20 service(s)');

    await deliver(w.partner.api, partnerAward, 20);
    expect(await w.partner.api.partnerships.leave.mutate({ partnershipId, placeId: w.places.partner })).toMatchObject({ status: 'left' });
    // A place of the lead with nothing awarded leaves freely; the one with an award still cannot.
    expect(await w.lead.api.partnerships.leave.mutate({ partnershipId, placeId: w.places.leadFar })).toMatchObject({ status: 'left' });
    await deliver(w.lead.api, leadAward, 20);
    expect(await w.lead.api.partnerships.leave.mutate({ partnershipId, placeId: w.places.lead })).toMatchObject({ status: 'left' });
  });
});

describe('handing over the lead', () => {
  it('hands the lead to the actor of an active member place: the new lead invites, the old one no longer can', async () => {
    const { partnershipId } = await formedPartnership(w);

    expect(await w.lead.api.partnerships.handOverLead.mutate({ partnershipId, organisationId: w.partner.organisationId })).toEqual({ ok: true });

    const detail = await w.partner.api.partnerships.get.query({ partnershipId });
    expect(detail).toMatchObject({ leadOrganisationId: w.partner.organisationId, leadName: 'Coopérative Les Liens' });
    const before = fullSnapshot(w.db);
    expect(await refusal(w.lead.api.partnerships.invite.mutate({ partnershipId, placeId: w.places.third }))).toMatchObject({ ...FORBIDDEN, message: 'Réservé au chef de file du partenariat' });
    expect(await refusal(w.lead.api.partnerships.handOverLead.mutate({ partnershipId, organisationId: w.lead.organisationId }))).toMatchObject(FORBIDDEN);
    expect(fullSnapshot(w.db)).toEqual(before);
    expect(await w.partner.api.partnerships.invite.mutate({ partnershipId, placeId: w.places.third })).toMatchObject({ status: 'invited' });
    // The old lead is still a member through its active places.
    expect((await w.lead.api.partnerships.get.query({ partnershipId })).leadOrganisationId).toBe(w.partner.organisationId);
  });

  it('refuses an organisation without an active member place on the organisationId field, writing nothing', async () => {
    const { partnershipId, organisationId } = await formedPartnership(w);
    await w.lead.api.partnerships.invite.mutate({ partnershipId, placeId: w.places.third }); // invited, not active
    const before = fullSnapshot(w.db);

    for (const candidate of [w.outsider.organisationId, w.third.organisationId, w.funder.organisationId, organisationId, w.lead.organisationId]) {
      const error = await refusal(w.lead.api.partnerships.handOverLead.mutate({ partnershipId, organisationId: candidate }));
      expect(error).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
      expect(Object.keys(error.fieldErrors ?? {})).toEqual(['organisationId']);
    }
    expect(fullSnapshot(w.db)).toEqual(before);
  });

  it('refuses a hand-over by anyone but the lead, writing nothing', async () => {
    const { partnershipId } = await formedPartnership(w);
    const before = fullSnapshot(w.db);

    for (const api of [w.partner.api, w.outsider.api]) {
      expect(await refusal(api.partnerships.handOverLead.mutate({ partnershipId, organisationId: w.partner.organisationId }))).toMatchObject(FORBIDDEN);
    }
    expect(fullSnapshot(w.db)).toEqual(before);
  });
});

describe('reading a partnership', () => {
  it('shows the page to the lead, active and invited members and the operator, and refuses everyone else as if it did not exist', async () => {
    const { partnershipId } = await formedPartnership(w);
    await w.lead.api.partnerships.invite.mutate({ partnershipId, placeId: w.places.third });

    for (const api of [w.lead.api, w.partner.api, w.third.api, w.operator.api]) {
      const detail = await api.partnerships.get.query({ partnershipId });
      expect(detail.id).toBe(partnershipId);
      expect(detail.members.map((m) => [m.placeId, m.status])).toEqual([
        [w.places.lead, 'active'],
        [w.places.leadFar, 'active'],
        [w.places.partner, 'active'],
        [w.places.third, 'invited'],
      ]);
    }
    for (const api of [w.outsider.api, w.funder.api]) {
      expect(await refusal(api.partnerships.get.query({ partnershipId }))).toMatchObject({ ...FORBIDDEN, message: 'Accès refusé à cette ressource' });
      expect(await refusal(api.partnerships.get.query({ partnershipId: partnershipId + 1_000 }))).toMatchObject({ ...FORBIDDEN, message: 'Accès refusé à cette ressource' });
    }
  });

  it('records every membership step in the activity history, newest first, with who it concerns', async () => {
    const { partnershipId } = await createPartnership(w);
    const { lead, partner, third } = w;
    await lead.api.partnerships.invite.mutate({ partnershipId, placeId: w.places.lead });
    await lead.api.partnerships.invite.mutate({ partnershipId, placeId: w.places.partner });
    await partner.api.partnerships.respond.mutate({ partnershipId, placeId: w.places.partner, accept: true });
    await lead.api.partnerships.invite.mutate({ partnershipId, placeId: w.places.third });
    await third.api.partnerships.respond.mutate({ partnershipId, placeId: w.places.third, accept: false });
    await lead.api.partnerships.handOverLead.mutate({ partnershipId, organisationId: partner.organisationId });
    await lead.api.partnerships.leave.mutate({ partnershipId, placeId: w.places.lead });

    expect(await historyOf(partner.api, partnershipId)).toEqual([
      ['created', null, lead.organisationId],
      ['invited', w.places.lead, lead.organisationId],
      ['joined', w.places.lead, lead.organisationId],
      ['invited', w.places.partner, partner.organisationId],
      ['joined', w.places.partner, partner.organisationId],
      ['invited', w.places.third, third.organisationId],
      ['declined', w.places.third, third.organisationId],
      ['lead_handed_over', null, partner.organisationId],
      ['left', w.places.lead, lead.organisationId],
    ]);
    const events = (await partner.api.partnerships.get.query({ partnershipId })).events;
    expect(events.map((e) => e.id)).toEqual([...events.map((e) => e.id)].sort((a, b) => b - a));
    expect(events.every((e) => typeof e.createdAt === 'string' && e.createdAt.length > 0)).toBe(true);
  });

  it('lists in “mine” the partnerships a user takes part in, through its places or its lead role', async () => {
    const { partnershipId } = await formedPartnership(w);
    await w.lead.api.partnerships.invite.mutate({ partnershipId, placeId: w.places.third });

    for (const api of [w.lead.api, w.partner.api, w.third.api]) {
      expect((await api.partnerships.mine.query()).map((p) => [p.id, p.leadName, p.activeMembers])).toEqual([[partnershipId, 'Association Ty Numérik', 3]]);
    }
    expect(await w.outsider.api.partnerships.mine.query()).toEqual([]);
    expect(await w.funder.api.partnerships.mine.query()).toEqual([]);
  });
});
