import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { accountInvitations, organisations, passBooklets, passes, prescribers, serviceOrders, users } from '../../../db/schema';
import { todayIso } from '../../../shared/domain/orders';
import { bookletStatus, passesExpired } from '../../../shared/domain/passes';
import type { AssignBookletsInput, HandOutBookletInput, InvitePrescriberInput } from '../../../shared/schemas/passes';
import { conflict, fieldError, forbidden } from '../../errors';
import { assertOrgRole } from '../../permissions';
import type { SessionUser } from '../auth';
import { audit } from '../audit';
import { createInvitation, onlyInvited, revokeInvitations } from '../invitations';
import { addMembership, createUser } from '../users';
import { fundersOfOrder, passOrder } from './booklets';

/**
 * A funder invites a prescriber organisation (no SIRET: a name, a contact, a territory). The
 * contact becomes its administrator: an account is created for an unknown e-mail, with a
 * one-time link to choose a password (`invitationPath`, for the funder to pass on); an existing
 * account simply gains the membership. `unusablePasswordHash` is a hash of random bytes, made
 * by the caller before the transaction (hashing is async).
 */
export function invitePrescriber(db: Db, user: SessionUser, input: InvitePrescriberInput, unusablePasswordHash: string) {
  assertOrgRole(user, input.organisationId);
  return db.transaction(() => {
    const funder = db.select({ kind: organisations.kind }).from(organisations).where(eq(organisations.id, input.organisationId)).get();
    if (funder?.kind !== 'funder') throw forbidden('Seul un commanditaire invite des prescripteurs');
    const taken = db
      .select({ id: prescribers.organisationId })
      .from(prescribers)
      .innerJoin(organisations, eq(organisations.id, prescribers.organisationId))
      .where(and(eq(prescribers.funderOrganisationId, input.organisationId), sql`lower(${organisations.name}) = lower(${input.name})`))
      .get();
    if (taken) throw fieldError('name', 'Vous avez déjà invité un prescripteur de ce nom');
    const organisationId = db
      .insert(organisations)
      .values({ kind: 'prescriber', name: input.name, departementCode: input.departementCode, communeCode: input.communeCode ?? null })
      .returning({ id: organisations.id })
      .get().id;
    db.insert(prescribers)
      .values({ organisationId, funderOrganisationId: input.organisationId, contactName: input.contactName, contactEmail: input.contactEmail, createdByUserId: user.id })
      .run();
    const existing = db.select({ id: users.id }).from(users).where(eq(users.email, input.contactEmail)).get();
    const contactId = existing?.id ?? createUser(db, { email: input.contactEmail, name: input.contactName, passwordHash: unusablePasswordHash });
    addMembership(db, contactId, organisationId, 'admin');
    // A contact invited before who never chose a password needs a link as much as a new one.
    const needsLink = !existing || onlyInvited(db, contactId);
    if (needsLink) revokeInvitations(db, contactId);
    const invitationPath = needsLink ? createInvitation(db, contactId, organisationId) : null;
    audit(db, {
      userId: user.id,
      action: 'prescriber.invited',
      subjectType: 'prescriber',
      subjectId: organisationId,
      reason: input.name,
      parties: [input.organisationId, organisationId],
    });
    return { organisationId, invitationPath };
  });
}

/** A funder's prescribers, with what they hold: booklets assigned, handed out, pass redeemed. */
export function prescribersOfFunder(db: Db, funderOrganisationId: number) {
  const rows = db
    .select({
      organisationId: prescribers.organisationId,
      name: organisations.name,
      departementCode: organisations.departementCode,
      communeCode: organisations.communeCode,
      contactName: prescribers.contactName,
      contactEmail: prescribers.contactEmail,
      createdAt: prescribers.createdAt,
      /** The contact has not chosen a password yet and a link still works. */
      invitationPending: sql<number>`exists (select 1 from ${accountInvitations} i where i.organisation_id = ${prescribers.organisationId}
        and i.accepted_at is null and i.expires_at > ${new Date().toISOString()})`,
      /** Every link sent expired unused: the funder can send a new one (renewInvitation). */
      invitationExpired: sql<number>`exists (select 1 from ${accountInvitations} i where i.organisation_id = ${prescribers.organisationId})
        and not exists (select 1 from ${accountInvitations} i where i.organisation_id = ${prescribers.organisationId}
          and (i.accepted_at is not null or i.expires_at > ${new Date().toISOString()}))`,
      bookletsAssigned: sql<number>`(select count(*) from ${passBooklets} b where b.prescriber_organisation_id = ${prescribers.organisationId})`,
      bookletsHandedOut: sql<number>`(select count(*) from ${passBooklets} b where b.prescriber_organisation_id = ${prescribers.organisationId} and b.handed_out_on is not null)`,
      passesRedeemed: sql<number>`(select count(*) from ${passes} p join ${passBooklets} b on b.id = p.booklet_id
        where b.prescriber_organisation_id = ${prescribers.organisationId} and p.delivery_id is not null)`,
    })
    .from(prescribers)
    .innerJoin(organisations, eq(organisations.id, prescribers.organisationId))
    .where(eq(prescribers.funderOrganisationId, funderOrganisationId))
    .orderBy(organisations.name)
    .all();
  return rows.map((r) => ({ ...r, invitationPending: !!r.invitationPending, invitationExpired: !!r.invitationExpired }));
}

/**
 * A new invitation link for a prescriber's contact who never chose a password (the first one
 * expired or was lost); earlier links stop working. Refused when the contact has an account.
 */
export function renewInvitation(db: Db, user: SessionUser, input: { organisationId: number; prescriberOrganisationId: number }) {
  assertOrgRole(user, input.organisationId);
  return db.transaction(() => {
    const prescriber = db
      .select({ funder: prescribers.funderOrganisationId, email: prescribers.contactEmail })
      .from(prescribers)
      .where(eq(prescribers.organisationId, input.prescriberOrganisationId))
      .get();
    if (prescriber?.funder !== input.organisationId) throw forbidden();
    const contact = db.select({ id: users.id }).from(users).where(eq(users.email, prescriber.email)).get()!;
    if (!onlyInvited(db, contact.id)) throw conflict('Ce contact a déjà choisi son mot de passe : il se connecte avec son adresse e-mail');
    revokeInvitations(db, contact.id);
    const invitationPath = createInvitation(db, contact.id, input.prescriberOrganisationId);
    audit(db, {
      userId: user.id,
      action: 'prescriber.invitation_renewed',
      subjectType: 'prescriber',
      subjectId: input.prescriberOrganisationId,
      parties: [input.organisationId, input.prescriberOrganisationId],
    });
    return { invitationPath };
  });
}

/**
 * Gives booklets to one of the funder's prescribers, or takes them back (`null`). Every booklet
 * must belong to an order this funder funds; a booklet already handed out stays where it is.
 * All or nothing. Returns the orders touched (their counts move) and the prescribers that held
 * the booklets before (those losing them must hear of it too).
 */
export function assignBooklets(db: Db, user: SessionUser, input: AssignBookletsInput): { orders: number[]; previousHolders: number[] } {
  assertOrgRole(user, input.organisationId);
  return db.transaction(() => {
    if (input.prescriberOrganisationId !== null) {
      const prescriber = db.select({ funder: prescribers.funderOrganisationId }).from(prescribers).where(eq(prescribers.organisationId, input.prescriberOrganisationId)).get();
      if (prescriber?.funder !== input.organisationId) throw fieldError('prescriberOrganisationId', 'Ce prescripteur n’est pas l’un des vôtres');
    }
    const booklets = db
      .select({ id: passBooklets.id, orderId: passBooklets.orderId, number: passBooklets.number, handedOutOn: passBooklets.handedOutOn, holder: passBooklets.prescriberOrganisationId })
      .from(passBooklets)
      .where(inArray(passBooklets.id, input.bookletIds))
      .all();
    const orders = [...new Set(booklets.map((b) => b.orderId))];
    const funded = new Set(orders.filter((orderId) => fundersOfOrder(db, orderId).some((f) => f.organisationId === input.organisationId)));
    // Unknown and someone else's booklets answer alike.
    if (booklets.length !== new Set(input.bookletIds).size || booklets.some((b) => !funded.has(b.orderId))) throw forbidden();
    const handed = booklets.find((b) => b.handedOutOn);
    if (handed) throw conflict(`Le carnet n° ${handed.number} a déjà été remis à une personne : il ne change plus de prescripteur`);
    for (const orderId of orders) {
      const order = passOrder(db, orderId)!;
      if (passesExpired(order, todayIso())) throw conflict(`Les pass de « ${order.title} » ont expiré`);
    }
    db.update(passBooklets)
      .set({ prescriberOrganisationId: input.prescriberOrganisationId, assignedAt: input.prescriberOrganisationId === null ? null : new Date().toISOString() })
      .where(inArray(passBooklets.id, input.bookletIds))
      .run();
    for (const orderId of orders) {
      audit(db, {
        userId: user.id,
        action: input.prescriberOrganisationId === null ? 'booklets.withdrawn' : 'booklets.assigned',
        subjectType: 'order',
        subjectId: orderId,
        detail: { booklets: booklets.filter((b) => b.orderId === orderId).map((b) => b.number), prescriberOrganisationId: input.prescriberOrganisationId },
        parties: [...fundersOfOrder(db, orderId).map((f) => f.organisationId), ...(input.prescriberOrganisationId ? [input.prescriberOrganisationId] : [])],
      });
    }
    const previousHolders = [...new Set(booklets.map((b) => b.holder).filter((id): id is number => id !== null))];
    return { orders, previousHolders };
  });
}

/** The booklets a prescriber holds, newest order first: never anyone else's. */
export function bookletsOfPrescriber(db: Db, prescriberOrganisationId: number, today = todayIso()) {
  const rows = db
    .select({
      id: passBooklets.id,
      number: passBooklets.number,
      size: passBooklets.size,
      assignedAt: passBooklets.assignedAt,
      handedOutOn: passBooklets.handedOutOn,
      handedOutCategory: passBooklets.handedOutCategory,
      orderId: serviceOrders.id,
      orderTitle: serviceOrders.title,
      services: serviceOrders.services,
      orderStatus: serviceOrders.status,
      deliveryStartsOn: serviceOrders.deliveryStartsOn,
      deliveryEndsOn: serviceOrders.deliveryEndsOn,
      validUntil: serviceOrders.graceEndsOn,
      redeemed: sql<number>`(select count(*) from ${passes} p where p.booklet_id = ${passBooklets.id} and p.delivery_id is not null)`,
      prescriberOrganisationId: passBooklets.prescriberOrganisationId,
    })
    .from(passBooklets)
    .innerJoin(serviceOrders, eq(serviceOrders.id, passBooklets.orderId))
    .where(eq(passBooklets.prescriberOrganisationId, prescriberOrganisationId))
    .orderBy(sql`${serviceOrders.id} desc`, passBooklets.number)
    .all();
  return rows.map((r) => {
    const expired = passesExpired({ status: r.orderStatus, graceEndsOn: r.validUntil }, today);
    return { ...r, expired, status: bookletStatus(r, expired) };
  });
}

/**
 * A prescriber notes that a booklet went to a person: the date, and an anonymous category if
 * any — nothing that names anyone. Once only. Returns the booklet's order (its counts move).
 */
export function handOutBooklet(db: Db, user: SessionUser, input: HandOutBookletInput, today = todayIso()): number {
  assertOrgRole(user, input.organisationId);
  return db.transaction(() => {
    const booklet = db
      .select({ orderId: passBooklets.orderId, holder: passBooklets.prescriberOrganisationId, handedOutOn: passBooklets.handedOutOn, createdAt: passBooklets.createdAt })
      .from(passBooklets)
      .where(eq(passBooklets.id, input.bookletId))
      .get();
    if (!booklet || booklet.holder !== input.organisationId) throw forbidden();
    if (booklet.handedOutOn) throw conflict(`Ce carnet a déjà été remis, le ${booklet.handedOutOn}`);
    if (input.handedOutOn > today) throw fieldError('handedOutOn', 'La remise ne peut pas être datée dans le futur');
    if (input.handedOutOn < booklet.createdAt.slice(0, 10)) throw fieldError('handedOutOn', `Le carnet n’existait pas encore (émis le ${booklet.createdAt.slice(0, 10)})`);
    const order = passOrder(db, booklet.orderId)!;
    if (passesExpired(order, today)) throw conflict('Les pass de ce carnet ont expiré : ne le remettez pas');
    db.update(passBooklets)
      .set({ handedOutOn: input.handedOutOn, handedOutCategory: input.category ?? null, handedOutByUserId: user.id })
      .where(and(eq(passBooklets.id, input.bookletId), isNull(passBooklets.handedOutOn)))
      .run();
    audit(db, {
      userId: user.id,
      action: 'booklet.handed_out',
      subjectType: 'order',
      subjectId: booklet.orderId,
      detail: { bookletId: input.bookletId, category: input.category ?? null },
      parties: [...fundersOfOrder(db, booklet.orderId).map((f) => f.organisationId), input.organisationId],
    });
    return booklet.orderId;
  });
}
