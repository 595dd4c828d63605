import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { awards, bidLines, bids, places, serviceOrders } from '../../db/schema';
import { acceptsAwards, commitmentYear, todayIso } from '../../shared/domain/orders';
import { isActivePlace } from '../../shared/domain/qualification';
import { lineAmount } from '../../shared/money';
import type { AwardInput } from '../../shared/schemas/bids';
import { audit } from './audit';
import type { SessionUser } from './auth';
import { isOperator } from '../permissions';
import type { OrderStatus } from '../../shared/domain/enums';
import { conflict, fieldError } from '../errors';
import { bumpPlaceFigures, placeYearFigures } from './figures';
import type { PlaceFigures } from './places';
import { getOrderRow, orderTotals } from './orders';

export interface AwardResult {
  orderId: number;
  awardIds: number[];
  /** New figures of each place that received an award, for the live events. */
  figures: { placeId: number; figures: PlaceFigures }[];
  /** Amount awarded by this call. */
  amountCents: number;
}

/**
 * Awards lines of standing bids, all in one immediate transaction, so that two funders (or two
 * tabs) awarding at once are serialised and re-check against each other's result: Σ awarded
 * never exceeds the order, what was offered, each place's capacity, or the money paid in.
 */
export function awardLines(db: Db, input: AwardInput, userId: number, today = todayIso()): AwardResult {
  return db.transaction(
    () => {
      const order = getOrderRow(db, input.orderId);
      if (!acceptsAwards(order, today)) {
        throw conflict(order.status === 'open' ? 'Les offres sont encore ouvertes : closez-les ou attendez la date limite' : 'Cette commande ne peut plus être attribuée');
      }
      const year = commitmentYear(order);
      const totals = orderTotals(db, order);
      let awardedQuantity = totals.awardedQuantity;
      let awardedCents = totals.awardedCents;
      const extraServices = new Map<number, number>();
      const planned: { bidId: number; placeId: number; quantity: number; unitPriceCents: number; partnershipId: number | null }[] = [];

      input.lines.forEach((line, index) => {
        const path = (field: string) => ['lines', index, field];
        const bid = db.select().from(bids).where(eq(bids.id, line.bidId)).get();
        if (!bid || bid.orderId !== order.id) throw fieldError(path('bidId'), 'Cette offre ne répond pas à cette commande');
        if (bid.status !== 'submitted' && bid.status !== 'awarded') throw fieldError(path('bidId'), 'Cette offre n’est plus en lice (retirée ou rejetée)');
        const offered = db.select().from(bidLines).where(and(eq(bidLines.bidId, bid.id), eq(bidLines.placeId, line.placeId))).get();
        if (!offered) throw fieldError(path('placeId'), 'Ce lieu ne figure pas dans cette offre');
        const already = db.select({ id: awards.id }).from(awards).where(and(eq(awards.bidId, bid.id), eq(awards.placeId, line.placeId))).get();
        if (already) throw fieldError(path('placeId'), 'Cette ligne est déjà attribuée');
        if (line.quantity > offered.quantity) throw fieldError(path('quantity'), `Au plus ${offered.quantity} services : la quantité offerte`);
        const place = db.select().from(places).where(eq(places.id, line.placeId)).get()!;
        if (!isActivePlace(place.status)) throw fieldError(path('placeId'), 'Ce lieu n’est pas qualifié (suspendu ou non qualifié)');
        const figures = placeYearFigures(db, place.id, year);
        const projected = figures.servicesDelivered + figures.servicesCommitted + (extraServices.get(place.id) ?? 0) + line.quantity;
        if (projected > place.yearlyCapacity) {
          throw fieldError(path('quantity'), `Capacité annuelle du lieu dépassée : ${projected} services prévus pour ${place.yearlyCapacity} déclarés`);
        }
        extraServices.set(place.id, (extraServices.get(place.id) ?? 0) + line.quantity);
        awardedQuantity += line.quantity;
        if (awardedQuantity > order.quantity) throw fieldError(path('quantity'), `L’attribution dépasserait la commande (${order.quantity} services)`);
        awardedCents += lineAmount(line.quantity, bid.unitPriceCents);
        if (awardedCents > totals.fundedCents) {
          throw fieldError(path('quantity'), `L’attribution dépasserait les fonds versés sur le compte cantonné (${totals.fundedCents} centimes)`);
        }
        planned.push({ bidId: bid.id, placeId: place.id, quantity: line.quantity, unitPriceCents: bid.unitPriceCents, partnershipId: bid.partnershipId });
      });

      const now = new Date().toISOString();
      const awardIds: number[] = [];
      const figures = new Map<number, PlaceFigures>();
      for (const line of planned) {
        awardIds.push(
          db
            .insert(awards)
            .values({ orderId: order.id, ...line, year, awardedByUserId: userId, createdAt: now })
            .returning({ id: awards.id })
            .get().id,
        );
        figures.set(
          line.placeId,
          bumpPlaceFigures(db, line.placeId, year, {
            servicesCommitted: line.quantity,
            revenueCommittedCents: lineAmount(line.quantity, line.unitPriceCents),
          }),
        );
      }
      db.update(bids).set({ status: 'awarded' }).where(inArray(bids.id, [...new Set(planned.map((l) => l.bidId))])).run();
      const owners = db.select({ id: places.id, organisationId: places.organisationId }).from(places).where(inArray(places.id, planned.map((l) => l.placeId))).all();
      planned.forEach((line, i) => {
        audit(db, {
          userId,
          action: 'award.created',
          subjectType: 'award',
          subjectId: awardIds[i]!,
          detail: { orderId: order.id, placeId: line.placeId, quantity: line.quantity, unitPriceCents: line.unitPriceCents },
          parties: [order.funderOrganisationId, owners.find((o) => o.id === line.placeId)!.organisationId],
        });
      });
      const full = awardedQuantity === order.quantity;
      const status = full || order.status === 'in_delivery' ? 'in_delivery' : 'awarding';
      db.update(serviceOrders).set({ status }).where(eq(serviceOrders.id, order.id)).run();
      // Nothing is left to award: the bids still standing are answered now.
      if (full) db.update(bids).set({ status: 'rejected' }).where(and(eq(bids.orderId, order.id), eq(bids.status, 'submitted'))).run();
      return {
        orderId: order.id,
        awardIds,
        figures: [...figures].map(([placeId, f]) => ({ placeId, figures: f })),
        amountCents: planned.reduce((sum, l) => sum + lineAmount(l.quantity, l.unitPriceCents), 0),
      };
    },
    { behavior: 'immediate' },
  );
}

/** The funder closes bidding early: no more bids, awards can start. */
export function closeBidding(db: Db, orderId: number, userId: number | null = null): void {
  db.transaction(() => {
    const order = getOrderRow(db, orderId);
    if (order.status !== 'open') throw conflict('Seule une commande ouverte peut être close aux offres');
    db.update(serviceOrders).set({ status: 'awarding' }).where(eq(serviceOrders.id, orderId)).run();
    audit(db, { userId, action: 'order.bidding_closed', subjectType: 'order', subjectId: orderId, parties: [order.funderOrganisationId] });
  });
}

/** The funder rejects standing bids it will not award. */
export function rejectBids(db: Db, orderId: number, bidIds: number[]): void {
  db.transaction(() => {
    const rows = db.select().from(bids).where(inArray(bids.id, bidIds)).all();
    bidIds.forEach((id, index) => {
      const bid = rows.find((b) => b.id === id);
      if (!bid || bid.orderId !== orderId) throw fieldError(['bidIds', index], 'Cette offre ne répond pas à cette commande');
      if (bid.status !== 'submitted') throw fieldError(['bidIds', index], 'Seule une offre en lice peut être rejetée');
    });
    db.update(bids).set({ status: 'rejected' }).where(inArray(bids.id, bidIds)).run();
  });
}

/** Awarding is over: the order goes into delivery and the bids left standing are rejected. */
export function finishAwarding(db: Db, orderId: number): void {
  db.transaction(() => {
    const order = getOrderRow(db, orderId);
    if (order.status !== 'awarding') throw conflict('Seule une commande en cours d’attribution peut passer en réalisation');
    const { n } = db.select({ n: sql<number>`count(*)` }).from(awards).where(eq(awards.orderId, orderId)).get()!;
    if (n === 0) throw conflict('Aucune attribution : annulez plutôt la commande');
    db.update(bids).set({ status: 'rejected' }).where(and(eq(bids.orderId, orderId), eq(bids.status, 'submitted'))).run();
    const { awarded, delivered } = db
      .select({ awarded: sql<number>`sum(${awards.quantity})`, delivered: sql<number>`sum(${awards.deliveredQuantity})` })
      .from(awards)
      .where(eq(awards.orderId, orderId))
      .get()!;
    // Already all delivered (a small award finished late): nothing more will come.
    db.update(serviceOrders).set({ status: awarded === delivered ? 'completed' : 'in_delivery' }).where(eq(serviceOrders.id, orderId)).run();
  });
}

/** Awards of a place with their delivery progress, newest first. */
export function awardsOfPlace(db: Db, placeId: number) {
  return db
    .select({
      id: awards.id,
      orderId: awards.orderId,
      orderTitle: serviceOrders.title,
      orderStatus: serviceOrders.status,
      services: serviceOrders.services,
      deliveryStartsOn: serviceOrders.deliveryStartsOn,
      deliveryEndsOn: serviceOrders.deliveryEndsOn,
      /** Deliveries under the order are redeemed pass (issue 11), not declared. */
      passRequired: serviceOrders.passRequired,
      quantity: awards.quantity,
      deliveredQuantity: awards.deliveredQuantity,
      unitPriceCents: awards.unitPriceCents,
      partnershipId: awards.partnershipId,
      year: awards.year,
    })
    .from(awards)
    .innerJoin(serviceOrders, eq(serviceOrders.id, awards.orderId))
    .where(eq(awards.placeId, placeId))
    .orderBy(sql`${awards.id} desc`)
    .all();
}

/**
 * Awards carry the awarded bids' prices: like the bids themselves (decision 0007), they are
 * public once awarding is over; until then only the funders, the operator and each awarded
 * place's organisation see them.
 */
export function awardsVisibleTo(db: Db, user: SessionUser, order: { id: number; status: OrderStatus }, isFunder: boolean) {
  const all = awardsOfOrder(db, order.id);
  if (isFunder || isOperator(user) || (order.status !== 'open' && order.status !== 'awarding')) return all;
  const orgIds = new Set(user.memberships.map((m) => m.organisationId));
  return all.filter((award) => orgIds.has(award.organisationId));
}

export function awardsOfOrder(db: Db, orderId: number) {
  return db
    .select({
      id: awards.id,
      bidId: awards.bidId,
      placeId: awards.placeId,
      placeName: places.name,
      organisationId: places.organisationId,
      quantity: awards.quantity,
      deliveredQuantity: awards.deliveredQuantity,
      unitPriceCents: awards.unitPriceCents,
    })
    .from(awards)
    .innerJoin(places, eq(places.id, awards.placeId))
    .where(eq(awards.orderId, orderId))
    .orderBy(awards.id)
    .all();
}
