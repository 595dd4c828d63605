import { and, asc, eq, inArray, isNotNull, ne, or, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { awards, bidLines, bids, organisations, places } from '../../db/schema';
import { acceptsBids, placeCoversOrder, todayIso } from '../../shared/domain/orders';
import type { SubmitBidInput } from '../../shared/schemas/bids';
import { conflict, fieldError, forbidden, notFound } from '../errors';
import { placeYearFigures } from './figures';
import { getOrderRow, qualifiedPlacesWithCommunes } from './orders';
import type { SessionUser } from './auth';

type SubmitBid = Omit<Required<SubmitBidInput>, 'note'> & { note: string };

/**
 * An actor submits (or revises) its sealed bid before the deadline, for its own qualified
 * places that cover the order's territory. One standing bid per bidder and order.
 */
export function submitBid(db: Db, input: SubmitBid, today = todayIso()): number {
  return db.transaction(() => {
    const order = getOrderRow(db, input.orderId);
    if (!acceptsBids(order, today)) throw conflict('Cette commande ne reçoit plus d’offres (date limite passée ou commande close)');
    const bidder = db.select({ kind: organisations.kind }).from(organisations).where(eq(organisations.id, input.organisationId)).get();
    if (bidder?.kind !== 'actor') throw forbidden('Seul un acteur répond pour ses lieux (les partenariats via leurs brouillons partagés)');
    if (input.unitPriceCents > order.unitPriceCents) {
      throw fieldError('unitPriceCents', `Le prix unitaire ne peut pas dépasser celui de la commande (${order.unitPriceCents} centimes)`);
    }
    const eligible = qualifiedPlacesWithCommunes(db, input.organisationId);
    input.lines.forEach((line, index) => {
      const place = eligible.find((p) => p.id === line.placeId);
      if (!place) {
        const own = db.select({ status: places.status, org: places.organisationId }).from(places).where(eq(places.id, line.placeId)).get();
        throw fieldError(
          ['lines', index, 'placeId'],
          own?.org === input.organisationId ? 'Ce lieu n’est pas qualifié : il ne peut pas répondre' : 'Ce lieu n’appartient pas à votre organisation',
        );
      }
      if (!placeCoversOrder(place.communeCodes, order)) throw fieldError(['lines', index, 'placeId'], 'Ce lieu est hors du territoire de la commande');
      if (line.quantity > order.quantity) throw fieldError(['lines', index, 'quantity'], `Au plus ${order.quantity} services pour cette commande`);
    });

    const existing = db.select().from(bids).where(and(eq(bids.orderId, input.orderId), eq(bids.bidderOrganisationId, input.organisationId))).get();
    const now = new Date().toISOString();
    let bidId: number;
    if (existing) {
      if (existing.status === 'awarded' || existing.status === 'rejected') throw conflict('Cette offre a déjà été examinée');
      bidId = existing.id;
      db.update(bids)
        .set({ unitPriceCents: input.unitPriceCents, note: input.note, status: 'submitted', version: existing.version + 1, submittedAt: now })
        .where(eq(bids.id, bidId))
        .run();
      db.delete(bidLines).where(eq(bidLines.bidId, bidId)).run();
    } else {
      bidId = db
        .insert(bids)
        .values({
          orderId: input.orderId,
          bidderOrganisationId: input.organisationId,
          unitPriceCents: input.unitPriceCents,
          note: input.note,
          status: 'submitted',
          submittedAt: now,
        })
        .returning({ id: bids.id })
        .get().id;
    }
    for (const line of input.lines) db.insert(bidLines).values({ bidId, placeId: line.placeId, quantity: line.quantity, confirmed: true }).run();
    return bidId;
  });
}

export function getBid(db: Db, bidId: number) {
  const bid = db.select().from(bids).where(eq(bids.id, bidId)).get();
  if (!bid) throw notFound('Offre');
  return bid;
}

/** The bidding organisation, for permission checks (undefined when the bid does not exist). */
export function bidOwner(db: Db, bidId: number): number | undefined {
  return db.select({ owner: bids.bidderOrganisationId }).from(bids).where(eq(bids.id, bidId)).get()?.owner;
}

/** A bidder withdraws its standing bid before the deadline. */
export function withdrawBid(db: Db, bidId: number, today = todayIso()): { orderId: number } {
  return db.transaction(() => {
    const bid = getBid(db, bidId);
    if (bid.status !== 'submitted') throw conflict('Seule une offre déposée et non examinée peut être retirée');
    if (!acceptsBids(getOrderRow(db, bid.orderId), today)) throw conflict('La date limite est passée : l’offre ne peut plus être retirée');
    db.update(bids).set({ status: 'withdrawn', version: bid.version + 1 }).where(eq(bids.id, bidId)).run();
    return { orderId: bid.orderId };
  });
}

/** Bids with their lines, each line with what awarding it would do to the place's year. */
function bidsWithLines(db: Db, where: SQL | undefined, year: number) {
  const rows = db
    .select({ bid: bids, bidderName: organisations.name })
    .from(bids)
    .innerJoin(organisations, eq(organisations.id, bids.bidderOrganisationId))
    .where(where)
    .orderBy(asc(bids.submittedAt), asc(bids.id))
    .all();
  if (rows.length === 0) return [];
  const lines = db
    .select({
      bidId: bidLines.bidId,
      placeId: bidLines.placeId,
      quantity: bidLines.quantity,
      placeName: places.name,
      departementCode: places.departementCode,
      yearlyCapacity: places.yearlyCapacity,
      qualityScore: places.qualityScore,
      qualifiedAt: places.qualifiedAt,
      placeStatus: places.status,
    })
    .from(bidLines)
    .innerJoin(places, eq(places.id, bidLines.placeId))
    .where(inArray(bidLines.bidId, rows.map((r) => r.bid.id)))
    .orderBy(asc(bidLines.id))
    .all();
  const awarded = db
    .select({ bidId: awards.bidId, placeId: awards.placeId, quantity: awards.quantity, deliveredQuantity: awards.deliveredQuantity, id: awards.id })
    .from(awards)
    .where(inArray(awards.bidId, rows.map((r) => r.bid.id)))
    .all();
  return rows.map(({ bid, bidderName }) => ({
    ...bid,
    bidderName,
    lines: lines
      .filter((l) => l.bidId === bid.id)
      .map((l) => ({
        ...l,
        figures: placeYearFigures(db, l.placeId, year),
        award: awarded.find((a) => a.bidId === bid.id && a.placeId === l.placeId) ?? null,
      })),
  }));
}

/**
 * Sealed bids (DESIGN §2): the order's funders and the operator read every bid; a bidder reads
 * its own; anyone else who may see the order learns only how many bids stand — until awarding is
 * over, when the awarded bids become public (the losing ones stay private).
 */
export function bidsVisibleTo(db: Db, user: SessionUser, orderId: number, funderIds: number[]) {
  const order = getOrderRow(db, orderId);
  const year = Number(order.deliveryStartsOn.slice(0, 4));
  const orgIds = user.memberships.map((m) => m.organisationId);
  const isOperator = user.memberships.some((m) => m.organisationKind === 'operator');
  const seesAll = isOperator || funderIds.some((id) => orgIds.includes(id));
  // Bids that were submitted at some point: a joint draft set aside unsubmitted stays private.
  const standing = and(eq(bids.orderId, orderId), ne(bids.status, 'draft'), isNotNull(bids.submittedAt));
  const awarded = order.status === 'in_delivery' || order.status === 'completed';
  const ownOrAwarded = awarded ? or(inArray(bids.bidderOrganisationId, orgIds), eq(bids.status, 'awarded')) : inArray(bids.bidderOrganisationId, orgIds);
  const visible = seesAll ? bidsWithLines(db, standing, year) : bidsWithLines(db, and(standing, ownOrAwarded), year);
  const count = db
    .select({ id: bids.id })
    .from(bids)
    .where(and(eq(bids.orderId, orderId), inArray(bids.status, ['submitted', 'awarded', 'rejected'])))
    .all().length;
  return { sealed: !seesAll && !awarded, bidCount: count, bids: visible };
}

/** The bids an actor has made, newest first. */
export function bidsOfOrganisation(db: Db, organisationId: number) {
  return db
    .select({ id: bids.id, orderId: bids.orderId, status: bids.status, unitPriceCents: bids.unitPriceCents, submittedAt: bids.submittedAt })
    .from(bids)
    .where(eq(bids.bidderOrganisationId, organisationId))
    .orderBy(asc(bids.id))
    .all();
}
