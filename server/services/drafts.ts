import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { bidLines, bids, organisations, partnershipMembers, placeCommunes, places, partnerships } from '../../db/schema';
import { acceptsBids, placeCoversOrder, todayIso } from '../../shared/domain/orders';
import { draftSubmittable } from '../../shared/domain/partnerships';
import { conflict, fieldError, forbidden, staleVersion } from '../errors';
import type { SessionUser } from './auth';
import { placeYearFigures } from './figures';
import { getOrderRow } from './orders';
import { assertLead, assertParticipant, getPartnership, participantOrganisations, partnershipLedBy, recordEvent } from './partnerships';

/**
 * Joint bids drafted live by a partnership's members (DESIGN §4): a bid in status `draft`,
 * one line per active member place covering the order. Every write carries the draft's version;
 * a write on an older version is refused with the current value, never merged silently.
 */

type Bid = typeof bids.$inferSelect;

function draftRow(db: Db, bidId: number): Bid {
  const bid = db.select().from(bids).where(eq(bids.id, bidId)).get();
  if (!bid || bid.partnershipId === null) throw forbidden();
  return bid;
}

/**
 * Reads the draft for an active participant of its partnership: the lead, the partnership's
 * members, the actors of active member places — not an actor only invited. FORBIDDEN otherwise,
 * and for an unknown draft.
 */
export function assertDraftParticipant(db: Db, user: SessionUser, bidId: number) {
  const bid = draftRow(db, bidId);
  const partnership = assertParticipant(db, user, bid.partnershipId!);
  const orgIds = user.memberships.map((m) => m.organisationId);
  const operator = user.memberships.some((m) => m.organisationKind === 'operator');
  if (!operator && !participantOrganisations(db, partnership.id, ['active']).some((id) => orgIds.includes(id))) throw forbidden();
  return { bid, partnership };
}

function coveringMemberPlaces(db: Db, partnershipId: number, order: ReturnType<typeof getOrderRow>) {
  const rows = db
    .select({ placeId: partnershipMembers.placeId, communeCode: placeCommunes.communeCode })
    .from(partnershipMembers)
    .innerJoin(places, eq(places.id, partnershipMembers.placeId))
    .innerJoin(placeCommunes, eq(placeCommunes.placeId, places.id))
    .where(and(eq(partnershipMembers.partnershipId, partnershipId), eq(partnershipMembers.status, 'active'), eq(places.status, 'qualified')))
    .all();
  const communes = new Map<number, string[]>();
  for (const r of rows) communes.set(r.placeId, [...(communes.get(r.placeId) ?? []), r.communeCode]);
  return [...communes].filter(([, codes]) => placeCoversOrder(codes, order)).map(([placeId]) => placeId);
}

/** The lead opens (or reopens) the partnership's draft for an open order. */
export function openDraft(db: Db, user: SessionUser, partnershipId: number, orderId: number, today = todayIso()): number {
  const partnership = partnershipLedBy(db, user, partnershipId);
  return db.transaction(() => {
    const order = getOrderRow(db, orderId);
    if (!acceptsBids(order, today)) throw conflict('Cette commande ne reçoit plus d’offres');
    const existing = db.select().from(bids).where(and(eq(bids.orderId, orderId), eq(bids.bidderOrganisationId, partnership.organisationId))).get();
    if (existing && existing.status !== 'withdrawn') {
      if (existing.status === 'draft') return existing.id;
      throw conflict('Le partenariat a déjà déposé une offre sur cette commande');
    }
    const placeIds = coveringMemberPlaces(db, partnershipId, order);
    if (placeIds.length === 0) throw conflict('Aucun lieu membre actif ne couvre le territoire de cette commande');
    let bidId: number;
    if (existing) {
      bidId = existing.id;
      db.update(bids).set({ status: 'draft', version: existing.version + 1, submittedAt: null }).where(eq(bids.id, bidId)).run();
      db.delete(bidLines).where(eq(bidLines.bidId, bidId)).run();
    } else {
      bidId = db
        .insert(bids)
        .values({ orderId, bidderOrganisationId: partnership.organisationId, partnershipId, unitPriceCents: order.unitPriceCents, status: 'draft' })
        .returning({ id: bids.id })
        .get().id;
    }
    for (const placeId of placeIds) db.insert(bidLines).values({ bidId, placeId, quantity: 0, confirmed: false }).run();
    recordEvent(db, partnershipId, 'draft_opened', user.id, { organisationId: partnership.organisationId, detail: order.title });
    return bidId;
  });
}

function lineOf(db: Db, bidId: number, placeId: number) {
  return db.select().from(bidLines).where(and(eq(bidLines.bidId, bidId), eq(bidLines.placeId, placeId))).get();
}

/** Checks the version and that the draft is still a draft; bumps the version on success. */
function writeDraft<T>(db: Db, bidId: number, version: number, describeCurrent: (bid: Bid) => { message: string; value?: unknown }, write: (bid: Bid) => T): T {
  return db.transaction(
    () => {
      const bid = draftRow(db, bidId);
      if (bid.status !== 'draft') throw conflict('Cette offre a déjà été déposée : elle n’est plus modifiable');
      if (bid.version !== version) {
        const current = describeCurrent(bid);
        throw staleVersion(current.message, { version: bid.version, value: current.value });
      }
      const result = write(bid);
      db.update(bids).set({ version: bid.version + 1 }).where(eq(bids.id, bidId)).run();
      return result;
    },
    { behavior: 'immediate' },
  );
}

function placeOwnerOf(db: Db, placeId: number) {
  return db.select({ organisationId: places.organisationId, name: places.name }).from(places).where(eq(places.id, placeId)).get();
}

/** A member sets its own place's quantity; the lead may set any line. Changing a line clears its confirmation. */
export function editDraftLine(db: Db, user: SessionUser, input: { bidId: number; version: number; placeId: number; quantity: number }) {
  const { bid, partnership } = assertDraftParticipant(db, user, input.bidId);
  const owner = placeOwnerOf(db, input.placeId);
  const orgIds = user.memberships.map((m) => m.organisationId);
  if (!owner || (!orgIds.includes(owner.organisationId) && !orgIds.includes(partnership.leadOrganisationId))) {
    throw forbidden('Vous ne pouvez modifier que la ligne de votre lieu');
  }
  const order = getOrderRow(db, bid.orderId);
  if (input.quantity > order.quantity) throw fieldError('quantity', `Au plus ${order.quantity} services pour cette commande`);
  return writeDraft(
    db,
    input.bidId,
    input.version,
    () => {
      const line = lineOf(db, input.bidId, input.placeId)!;
      return {
        message: `Le brouillon a changé entre-temps : la ligne « ${owner.name} » vaut maintenant ${line.quantity} service(s). Réappliquez votre valeur ou gardez la valeur actuelle.`,
        value: { placeId: input.placeId, quantity: line.quantity, confirmed: line.confirmed },
      };
    },
    () => {
      if (!lineOf(db, input.bidId, input.placeId)) throw fieldError('placeId', 'Ce lieu n’a pas de ligne dans ce brouillon');
      db.update(bidLines)
        .set({ quantity: input.quantity, confirmed: false })
        .where(and(eq(bidLines.bidId, input.bidId), eq(bidLines.placeId, input.placeId)))
        .run();
    },
  );
}

/** A member confirms (or unconfirms) its own place's line. */
export function confirmDraftLine(db: Db, user: SessionUser, input: { bidId: number; version: number; placeId: number; confirmed: boolean }) {
  assertDraftParticipant(db, user, input.bidId);
  const owner = placeOwnerOf(db, input.placeId);
  if (!owner || !user.memberships.some((m) => m.organisationId === owner.organisationId)) {
    throw forbidden('Seul l’acteur du lieu confirme sa ligne');
  }
  return writeDraft(
    db,
    input.bidId,
    input.version,
    () => {
      const line = lineOf(db, input.bidId, input.placeId) ?? { quantity: 0, confirmed: false };
      return {
        message: `Le brouillon a changé entre-temps : la ligne « ${owner.name} » vaut maintenant ${line.quantity} service(s)${line.confirmed ? ', confirmée' : ''}. Vérifiez-la avant de confirmer.`,
        value: { placeId: input.placeId, quantity: line.quantity, confirmed: line.confirmed },
      };
    },
    () => {
      if (!lineOf(db, input.bidId, input.placeId)) throw fieldError('placeId', 'Ce lieu n’a pas de ligne dans ce brouillon');
      db.update(bidLines).set({ confirmed: input.confirmed }).where(and(eq(bidLines.bidId, input.bidId), eq(bidLines.placeId, input.placeId))).run();
    },
  );
}

/** The lead sets the note and the unit price (≤ the order's). */
export function editDraftTerms(db: Db, user: SessionUser, input: { bidId: number; version: number; note: string; unitPriceCents: number }) {
  const { bid, partnership } = assertDraftParticipant(db, user, input.bidId);
  assertLead(user, partnership);
  const order = getOrderRow(db, bid.orderId);
  if (input.unitPriceCents > order.unitPriceCents) throw fieldError('unitPriceCents', `Au plus ${order.unitPriceCents} centimes : le prix de la commande`);
  return writeDraft(
    db,
    input.bidId,
    input.version,
    (current) => ({
      message: `Le brouillon a changé entre-temps : la note et le prix actuels sont « ${current.note} », ${current.unitPriceCents} centimes.`,
      value: { note: current.note, unitPriceCents: current.unitPriceCents },
    }),
    () => {
      db.update(bids).set({ note: input.note, unitPriceCents: input.unitPriceCents }).where(eq(bids.id, input.bidId)).run();
    },
  );
}

/** The lead submits once every line with services is confirmed; the bid is then sealed like any other. */
export function submitDraft(db: Db, user: SessionUser, input: { bidId: number; version: number }, today = todayIso()) {
  const { bid, partnership } = assertDraftParticipant(db, user, input.bidId);
  assertLead(user, partnership);
  return writeDraft(
    db,
    input.bidId,
    input.version,
    () => ({ message: 'Le brouillon a changé entre-temps : relisez-le avant de le déposer.' }),
    () => {
      const order = getOrderRow(db, bid.orderId);
      if (!acceptsBids(order, today)) throw conflict('Cette commande ne reçoit plus d’offres');
      const lines = db.select().from(bidLines).where(eq(bidLines.bidId, input.bidId)).all();
      const check = draftSubmittable(lines);
      if (!check.ok) {
        throw conflict(check.unconfirmed.length ? `Toutes les lignes doivent être confirmées par leur lieu (${check.unconfirmed.length} en attente)` : 'Le brouillon ne contient aucun service');
      }
      const active = db
        .select({ placeId: partnershipMembers.placeId })
        .from(partnershipMembers)
        .where(and(eq(partnershipMembers.partnershipId, partnership.id), eq(partnershipMembers.status, 'active')))
        .all()
        .map((m) => m.placeId);
      if (lines.some((l) => l.quantity > 0 && !active.includes(l.placeId))) throw conflict('Une ligne concerne un lieu qui n’est plus membre actif : retirez-la avant de déposer');
      db.delete(bidLines).where(and(eq(bidLines.bidId, input.bidId), eq(bidLines.quantity, 0))).run();
      db.update(bids).set({ status: 'submitted', submittedAt: new Date().toISOString() }).where(eq(bids.id, input.bidId)).run();
      recordEvent(db, partnership.id, 'bid_submitted', user.id, { organisationId: partnership.organisationId, detail: order.title });
      return { orderId: bid.orderId, partnershipId: partnership.id };
    },
  );
}

/** Everything the live editor shows: lines with place, owner, figures and confirmation, and the totals. */
export function draftView(db: Db, bidId: number) {
  const bid = draftRow(db, bidId);
  const order = getOrderRow(db, bid.orderId);
  const year = Number(order.deliveryStartsOn.slice(0, 4));
  const lines = db
    .select({
      placeId: bidLines.placeId,
      quantity: bidLines.quantity,
      confirmed: bidLines.confirmed,
      placeName: places.name,
      organisationId: places.organisationId,
      organisationName: organisations.name,
      yearlyCapacity: places.yearlyCapacity,
    })
    .from(bidLines)
    .innerJoin(places, eq(places.id, bidLines.placeId))
    .innerJoin(organisations, eq(organisations.id, places.organisationId))
    .where(eq(bidLines.bidId, bidId))
    .orderBy(asc(bidLines.id))
    .all()
    .map((line) => ({ ...line, figures: placeYearFigures(db, line.placeId, year) }));
  const partnership = db.select().from(partnerships).where(eq(partnerships.id, bid.partnershipId!)).get()!;
  return {
    bid: { id: bid.id, status: bid.status, version: bid.version, note: bid.note, unitPriceCents: bid.unitPriceCents, partnershipId: bid.partnershipId! },
    order: { id: order.id, title: order.title, quantity: order.quantity, unitPriceCents: order.unitPriceCents, bidDeadline: order.bidDeadline, status: order.status },
    leadOrganisationId: partnership.leadOrganisationId,
    lines,
    ...draftSubmittable(lines),
  };
}

/** Drafts and submitted bids of a partnership, newest first. */
export function draftsOfPartnership(db: Db, partnershipId: number) {
  const partnership = getPartnership(db, partnershipId);
  return db
    .select({ id: bids.id, orderId: bids.orderId, status: bids.status, version: bids.version, submittedAt: bids.submittedAt })
    .from(bids)
    .where(eq(bids.bidderOrganisationId, partnership.organisationId))
    .orderBy(asc(bids.id))
    .all();
}
