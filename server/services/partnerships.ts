import { and, asc, desc, eq, inArray, lt, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { awards, bidLines, bids, memberships, organisations, partnershipEvents, partnershipMembers, partnerships, places, serviceOrders } from '../../db/schema';
import type { PartnershipEventKind, PartnershipMemberStatus } from '../../shared/domain/enums';
import { membershipOutcome, type MembershipAction } from '../../shared/domain/partnerships';
import type { CreatePartnershipInput } from '../../shared/schemas/partnerships';
import { conflict, fieldError, forbidden, notFound } from '../errors';
import type { SessionUser } from './auth';
import { balanceOf } from './ledger';
import { createOrganisation } from './organisations';
import { placesOfPartnership } from './places';
import { addMembership } from './users';

export type Partnership = typeof partnerships.$inferSelect;

export function getPartnership(db: Db, partnershipId: number): Partnership {
  const partnership = db.select().from(partnerships).where(eq(partnerships.id, partnershipId)).get();
  if (!partnership) throw notFound('Partenariat');
  return partnership;
}

export function recordEvent(
  db: Db,
  partnershipId: number,
  kind: PartnershipEventKind,
  userId: number,
  fields: { placeId?: number; organisationId?: number; detail?: string } = {},
) {
  db.insert(partnershipEvents)
    .values({ partnershipId, kind, userId, placeId: fields.placeId ?? null, organisationId: fields.organisationId ?? null, detail: fields.detail ?? '' })
    .run();
}

/** Organisations whose users take part: the partnership itself, its lead, and every member place's owner. */
export function participantOrganisations(db: Db, partnershipId: number, statuses: PartnershipMemberStatus[] = ['active']): number[] {
  const partnership = getPartnership(db, partnershipId);
  const owners = db
    .select({ organisationId: places.organisationId })
    .from(partnershipMembers)
    .innerJoin(places, eq(places.id, partnershipMembers.placeId))
    .where(and(eq(partnershipMembers.partnershipId, partnershipId), inArray(partnershipMembers.status, statuses)))
    .all()
    .map((r) => r.organisationId);
  return [...new Set([partnership.organisationId, partnership.leadOrganisationId, ...owners])];
}

/** The caller leads the partnership: a member of its lead organisation. */
export function assertLead(user: SessionUser, partnership: Partnership): void {
  const orgIds = user.memberships.map((m) => m.organisationId);
  if (!orgIds.includes(partnership.leadOrganisationId)) throw forbidden('Réservé au chef de file du partenariat');
}

/** The partnership, for its lead only; an unknown one answers FORBIDDEN too, so ids cannot be probed. */
export function partnershipLedBy(db: Db, user: SessionUser, partnershipId: number): Partnership {
  const partnership = db.select().from(partnerships).where(eq(partnerships.id, partnershipId)).get();
  if (!partnership) throw forbidden();
  assertLead(user, partnership);
  return partnership;
}

/** The caller takes part: lead, partnership member, or owner of an active member place. */
export function assertParticipant(db: Db, user: SessionUser, partnershipId: number): Partnership {
  const partnership = db.select().from(partnerships).where(eq(partnerships.id, partnershipId)).get();
  if (!partnership) throw forbidden();
  const orgIds = user.memberships.map((m) => m.organisationId);
  const operator = user.memberships.some((m) => m.organisationKind === 'operator');
  if (!operator && !participantOrganisations(db, partnershipId, ['active', 'invited']).some((id) => orgIds.includes(id))) throw forbidden();
  return partnership;
}

/** An actor creates a partnership and leads it; its places can then be added like any other. */
export function createPartnership(db: Db, user: SessionUser, input: Omit<CreatePartnershipInput, 'charter'> & { charter: string }) {
  const lead = db.select().from(organisations).where(eq(organisations.id, input.organisationId)).get();
  if (lead?.kind !== 'actor') throw forbidden('Seul un acteur peut former un partenariat');
  return db.transaction(() => {
    const organisationId = createOrganisation(db, { kind: 'partnership', name: input.name, siret: null, departementCode: input.departementCodes[0] ?? null });
    const partnershipId = db
      .insert(partnerships)
      .values({
        organisationId,
        kind: input.kind,
        leadOrganisationId: lead.id,
        poolingFeeBps: input.poolingFeeBps,
        departementCodes: [...new Set(input.departementCodes)].sort(),
        charter: input.charter,
      })
      .returning({ id: partnerships.id })
      .get().id;
    addMembership(db, user.id, organisationId, 'admin');
    recordEvent(db, partnershipId, 'created', user.id, { organisationId: lead.id, detail: input.name });
    return { partnershipId, organisationId };
  });
}

function memberRow(db: Db, partnershipId: number, placeId: number) {
  return db
    .select()
    .from(partnershipMembers)
    .where(and(eq(partnershipMembers.partnershipId, partnershipId), eq(partnershipMembers.placeId, placeId)))
    .get();
}

/** Moves a member place through invited → active | declined, active → left. */
function transition(db: Db, partnershipId: number, placeId: number, action: MembershipAction) {
  const row = memberRow(db, partnershipId, placeId);
  const next = membershipOutcome(row?.status ?? 'none', action);
  if (!next) throw conflict(`Action « ${action} » impossible : ce lieu est « ${row?.status ?? 'non invité'} » dans ce partenariat`);
  const now = new Date().toISOString();
  if (!row) {
    db.insert(partnershipMembers).values({ partnershipId, placeId, status: next, invitedAt: now }).run();
  } else {
    db.update(partnershipMembers)
      .set({
        status: next,
        invitedAt: action === 'invite' ? now : row.invitedAt,
        joinedAt: next === 'active' ? now : row.joinedAt,
        leftAt: next === 'left' ? now : action === 'invite' ? null : row.leftAt,
      })
      .where(eq(partnershipMembers.id, row.id))
      .run();
  }
  return next;
}

/**
 * The lead invites a qualified place. Its own places join at once; another actor's place is
 * invited and waits for that actor's answer.
 */
export function invitePlace(db: Db, user: SessionUser, partnershipId: number, placeId: number) {
  const partnership = partnershipLedBy(db, user, partnershipId);
  const place = db.select().from(places).where(eq(places.id, placeId)).get();
  if (!place) throw fieldError('placeId', 'Lieu inconnu');
  if (place.status !== 'qualified') throw fieldError('placeId', 'Seul un lieu qualifié peut rejoindre un partenariat');
  return db.transaction(() => {
    transition(db, partnershipId, placeId, 'invite');
    recordEvent(db, partnershipId, 'invited', user.id, { placeId, organisationId: place.organisationId });
    if (place.organisationId === partnership.leadOrganisationId) {
      transition(db, partnershipId, placeId, 'accept');
      recordEvent(db, partnershipId, 'joined', user.id, { placeId, organisationId: place.organisationId });
      return { status: 'active' as const, organisationId: place.organisationId };
    }
    return { status: 'invited' as const, organisationId: place.organisationId };
  });
}

/** The actor owning an invited place accepts or declines for it. */
export function respondToInvitation(db: Db, user: SessionUser, partnershipId: number, placeId: number, accept: boolean) {
  const place = db.select().from(places).where(eq(places.id, placeId)).get();
  if (!place || !user.memberships.some((m) => m.organisationId === place.organisationId)) throw forbidden('Seul l’acteur du lieu répond à l’invitation');
  const partnership = db.select().from(partnerships).where(eq(partnerships.id, partnershipId)).get();
  if (!partnership) throw forbidden();
  return db.transaction(() => {
    const status = transition(db, partnershipId, placeId, accept ? 'accept' : 'decline');
    recordEvent(db, partnershipId, accept ? 'joined' : 'declined', user.id, { placeId, organisationId: place.organisationId });
    if (accept) addMembership(db, user.id, partnership.organisationId, 'member');
    return { status, organisationId: place.organisationId };
  });
}

/** A member place leaves — never while it holds undelivered awards under the partnership. */
export function leavePartnership(db: Db, user: SessionUser, partnershipId: number, placeId: number) {
  const place = db.select().from(places).where(eq(places.id, placeId)).get();
  if (!place || !user.memberships.some((m) => m.organisationId === place.organisationId)) throw forbidden('Seul l’acteur du lieu peut le retirer');
  return db.transaction(() => {
    const open = db
      .select({ id: awards.id, left: sql<number>`${awards.quantity} - ${awards.deliveredQuantity}` })
      .from(awards)
      .innerJoin(serviceOrders, eq(serviceOrders.id, awards.orderId))
      .where(
        and(
          eq(awards.partnershipId, partnershipId),
          eq(awards.placeId, placeId),
          lt(awards.deliveredQuantity, awards.quantity),
          ne(serviceOrders.status, 'cancelled'),
          ne(serviceOrders.status, 'completed'),
        ),
      )
      .all();
    if (open.length > 0) {
      const left = open.reduce((sum, a) => sum + a.left, 0);
      throw conflict(`Ce lieu doit encore réaliser ${left} service(s) attribué(s) au partenariat : il ne peut pas le quitter maintenant`);
    }
    const status = transition(db, partnershipId, placeId, 'leave');
    recordEvent(db, partnershipId, 'left', user.id, { placeId, organisationId: place.organisationId });
    // Only active members appear in bids: the place leaves the drafts under way too.
    const drafts = db
      .select({ id: bids.id, version: bids.version })
      .from(bids)
      .where(and(eq(bids.partnershipId, partnershipId), eq(bids.status, 'draft')))
      .all();
    for (const draft of drafts) {
      const removed = db.delete(bidLines).where(and(eq(bidLines.bidId, draft.id), eq(bidLines.placeId, placeId))).run().changes;
      if (removed) db.update(bids).set({ version: draft.version + 1 }).where(eq(bids.id, draft.id)).run();
    }
    // An actor with no active place left in the partnership loses its members' access to it.
    const partnership = getPartnership(db, partnershipId);
    const stillActive = participantOrganisations(db, partnershipId, ['active']).includes(place.organisationId);
    if (!stillActive && place.organisationId !== partnership.leadOrganisationId) {
      const users = db.select({ userId: memberships.userId }).from(memberships).where(eq(memberships.organisationId, place.organisationId)).all();
      for (const { userId } of users) {
        db.delete(memberships)
          .where(and(eq(memberships.userId, userId), eq(memberships.organisationId, partnership.organisationId), eq(memberships.role, 'member')))
          .run();
      }
    }
    return { status, organisationId: place.organisationId, draftIds: drafts.map((d) => d.id) };
  });
}

/** The lead hands the lead role to the actor of an active member place. */
export function handOverLead(db: Db, user: SessionUser, partnershipId: number, organisationId: number) {
  const partnership = partnershipLedBy(db, user, partnershipId);
  if (organisationId === partnership.leadOrganisationId) throw fieldError('organisationId', 'Cette organisation est déjà chef de file');
  const owners = participantOrganisations(db, partnershipId, ['active']);
  if (!owners.includes(organisationId) || organisationId === partnership.organisationId) {
    throw fieldError('organisationId', 'Le nouveau chef de file doit avoir un lieu membre actif');
  }
  db.transaction(() => {
    db.update(partnerships).set({ leadOrganisationId: organisationId }).where(eq(partnerships.id, partnershipId)).run();
    recordEvent(db, partnershipId, 'lead_handed_over', user.id, { organisationId });
  });
}

/** Partnerships the organisations of a user take part in, with their lead and member counts. */
export function partnershipsOfUser(db: Db, user: SessionUser) {
  const orgIds = user.memberships.map((m) => m.organisationId);
  if (orgIds.length === 0) return [];
  const viaPlaces = db
    .select({ id: partnershipMembers.partnershipId })
    .from(partnershipMembers)
    .innerJoin(places, eq(places.id, partnershipMembers.placeId))
    .where(and(inArray(places.organisationId, orgIds), inArray(partnershipMembers.status, ['active', 'invited'])))
    .all()
    .map((r) => r.id);
  const rows = db.select().from(partnerships).orderBy(asc(partnerships.id)).all();
  return rows
    .filter((p) => orgIds.includes(p.organisationId) || orgIds.includes(p.leadOrganisationId) || viaPlaces.includes(p.id))
    .map((p) => summary(db, p));
}

function summary(db: Db, p: Partnership) {
  const org = db.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, p.organisationId)).get()!;
  const lead = db.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, p.leadOrganisationId)).get()!;
  const { active } = db
    .select({ active: sql<number>`count(*)` })
    .from(partnershipMembers)
    .where(and(eq(partnershipMembers.partnershipId, p.id), eq(partnershipMembers.status, 'active')))
    .get()!;
  return { ...p, name: org.name, leadName: lead.name, activeMembers: active };
}

/** Invitations waiting for an actor's answer, for its places. */
export function invitationsOf(db: Db, organisationIds: number[]) {
  if (organisationIds.length === 0) return [];
  return db
    .select({
      partnershipId: partnerships.id,
      partnershipName: organisations.name,
      kind: partnerships.kind,
      poolingFeeBps: partnerships.poolingFeeBps,
      charter: partnerships.charter,
      placeId: places.id,
      placeName: places.name,
      invitedAt: partnershipMembers.invitedAt,
    })
    .from(partnershipMembers)
    .innerJoin(partnerships, eq(partnerships.id, partnershipMembers.partnershipId))
    .innerJoin(organisations, eq(organisations.id, partnerships.organisationId))
    .innerJoin(places, eq(places.id, partnershipMembers.placeId))
    .where(and(eq(partnershipMembers.status, 'invited'), inArray(places.organisationId, organisationIds)))
    .orderBy(asc(partnershipMembers.invitedAt))
    .all();
}

/**
 * The partnership page: members with their status and live figures, the pooled volume (awards
 * under the partnership), the fee account, and the activity history.
 */
export function partnershipDetail(db: Db, partnershipId: number, year: number) {
  const partnership = getPartnership(db, partnershipId);
  const members = db
    .select({ placeId: partnershipMembers.placeId, status: partnershipMembers.status, joinedAt: partnershipMembers.joinedAt, organisationName: organisations.name, organisationId: organisations.id })
    .from(partnershipMembers)
    .innerJoin(places, eq(places.id, partnershipMembers.placeId))
    .innerJoin(organisations, eq(organisations.id, places.organisationId))
    .where(eq(partnershipMembers.partnershipId, partnershipId))
    .orderBy(asc(partnershipMembers.id))
    .all();
  const activePlaces = placesOfPartnership(db, partnership.organisationId, year);
  const pooled = db
    .select({
      awardedQuantity: sql<number>`coalesce(sum(${awards.quantity}), 0)`,
      awardedCents: sql<number>`coalesce(sum(${awards.quantity} * ${awards.unitPriceCents}), 0)`,
      deliveredCents: sql<number>`coalesce(sum(${awards.deliveredQuantity} * ${awards.unitPriceCents}), 0)`,
    })
    .from(awards)
    .where(eq(awards.partnershipId, partnershipId))
    .get()!;
  const events = db
    .select({ id: partnershipEvents.id, kind: partnershipEvents.kind, placeId: partnershipEvents.placeId, organisationId: partnershipEvents.organisationId, detail: partnershipEvents.detail, createdAt: partnershipEvents.createdAt })
    .from(partnershipEvents)
    .where(eq(partnershipEvents.partnershipId, partnershipId))
    .orderBy(desc(partnershipEvents.id))
    .limit(100)
    .all();
  const placeNames = new Map(db.select({ id: places.id, name: places.name }).from(places).where(inArray(places.id, members.map((m) => m.placeId).concat([0]))).all().map((p) => [p.id, p.name]));
  return {
    ...summary(db, partnership),
    members: members.map((m) => ({ ...m, placeName: placeNames.get(m.placeId) ?? '' })),
    activePlaces,
    pooled,
    feeAccountCents: balanceOf(db, { kind: 'partnership', organisationId: partnership.organisationId }),
    events,
  };
}

/** Qualified places of the partnership's territory that the lead could invite (not already in). */
export function invitablePlaces(db: Db, partnershipId: number) {
  const partnership = getPartnership(db, partnershipId);
  const taken = db
    .select({ placeId: partnershipMembers.placeId })
    .from(partnershipMembers)
    .where(and(eq(partnershipMembers.partnershipId, partnershipId), inArray(partnershipMembers.status, ['invited', 'active'])))
    .all()
    .map((r) => r.placeId);
  return db
    .select({ id: places.id, name: places.name, departementCode: places.departementCode, organisationId: places.organisationId, organisationName: organisations.name })
    .from(places)
    .innerJoin(organisations, eq(organisations.id, places.organisationId))
    .where(and(eq(places.status, 'qualified'), inArray(places.departementCode, partnership.departementCodes)))
    .orderBy(asc(places.departementCode), asc(places.name))
    .all()
    .filter((p) => !taken.includes(p.id));
}
