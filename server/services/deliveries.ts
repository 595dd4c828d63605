import { desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { awards, deliveries, partnerships, places, serviceOrders } from '../../db/schema';
import { acceptsDeliveries, todayIso, withinWindow } from '../../shared/domain/orders';
import { basisPointsOf, lineAmount } from '../../shared/money';
import { RecordDeliveryInput } from '../../shared/schemas/deliveries';
import { conflict, fieldError, forbidden, notFound, rowErrorsOf, rowsRefused, type RowError } from '../errors';
import type { SessionUser } from './auth';
import { addBeneficiary, bumpPlaceFigures } from './figures';
import { postTransaction } from './ledger';
import type { PlaceFigures } from './places';

type Delivery = typeof deliveries.$inferSelect;

export interface DeliveryResult {
  delivery: Delivery;
  /** True when the idempotency key had already been recorded: nothing moved this time. */
  replayed: boolean;
  orderId: number;
  placeId: number;
  /** The place's new figures per touched year (delivery year, commitment year). */
  figures: PlaceFigures[];
}

function sameDelivery(existing: Delivery, input: RecordDeliveryInput): boolean {
  return (
    existing.awardId === input.awardId &&
    existing.quantity === input.quantity &&
    existing.deliveredOn === input.deliveredOn &&
    existing.service === input.service &&
    existing.beneficiaryRef === input.beneficiaryRef
  );
}

/** The organisation that records deliveries for an award: the actor owning its place. */
export function awardOwner(db: Db, awardId: number): number | undefined {
  return db
    .select({ organisationId: places.organisationId })
    .from(awards)
    .innerJoin(places, eq(places.id, awards.placeId))
    .where(eq(awards.id, awardId))
    .get()?.organisationId;
}

/**
 * Records one delivery inside the caller's transaction: checks, delivery row, award progress,
 * ledger (ring-fence → place, place → partnership fee), figures. Throws field errors.
 */
function recordInTransaction(db: Db, user: SessionUser, input: RecordDeliveryInput, today: string): DeliveryResult {
  const previous = db.select().from(deliveries).where(eq(deliveries.idempotencyKey, input.idempotencyKey)).get();
  if (previous) {
    if (!sameDelivery(previous, input)) throw conflict('Cette clé d’idempotence a déjà servi pour une autre prestation');
    return { delivery: previous, replayed: true, orderId: previous.orderId, placeId: previous.placeId, figures: [] };
  }
  const award = db.select().from(awards).where(eq(awards.id, input.awardId)).get();
  if (!award) throw fieldError('awardId', 'Attribution inconnue');
  const place = db.select().from(places).where(eq(places.id, award.placeId)).get()!;
  if (!user.memberships.some((m) => m.organisationId === place.organisationId)) throw forbidden();
  if (place.status !== 'qualified') throw conflict('Ce lieu est suspendu : il ne peut pas enregistrer de nouvelle prestation');
  const order = db.select().from(serviceOrders).where(eq(serviceOrders.id, award.orderId)).get()!;
  if (!acceptsDeliveries(order.status)) throw conflict('Cette commande ne reçoit pas de prestations (statut « ' + order.status + ' »)');
  if (!order.services.includes(input.service)) throw fieldError('service', 'Ce service ne fait pas partie de la commande');
  if (input.deliveredOn > today) throw fieldError('deliveredOn', 'Une prestation ne peut pas être datée dans le futur');
  if (!withinWindow(input.deliveredOn, order)) {
    throw fieldError('deliveredOn', `Hors de la période de réalisation (${order.deliveryStartsOn} – ${order.deliveryEndsOn})`);
  }
  const remaining = award.quantity - award.deliveredQuantity;
  if (input.quantity > remaining) throw fieldError('quantity', `Dépasse le reste à réaliser de l’attribution (${remaining} services)`);

  const amount = lineAmount(input.quantity, award.unitPriceCents);
  const delivery = db
    .insert(deliveries)
    .values({
      idempotencyKey: input.idempotencyKey,
      awardId: award.id,
      orderId: order.id,
      placeId: place.id,
      quantity: input.quantity,
      amountCents: amount,
      service: input.service,
      deliveredOn: input.deliveredOn,
      beneficiaryRef: input.beneficiaryRef,
      recordedByUserId: user.id,
    })
    .returning()
    .get();
  db.update(awards).set({ deliveredQuantity: award.deliveredQuantity + input.quantity }).where(eq(awards.id, award.id)).run();

  postTransaction(db, {
    kind: 'delivery',
    orderId: order.id,
    deliveryId: delivery.id,
    memo: `Prestation de ${input.quantity} service(s)`,
    postings: [
      { owner: { kind: 'order_ringfence', orderId: order.id }, amountCents: -amount },
      { owner: { kind: 'place', placeId: place.id }, amountCents: amount },
    ],
  });
  if (award.partnershipId !== null) {
    const partnership = db.select().from(partnerships).where(eq(partnerships.id, award.partnershipId)).get()!;
    const fee = basisPointsOf(amount, partnership.poolingFeeBps);
    if (fee > 0) {
      postTransaction(db, {
        kind: 'pooling_fee',
        orderId: order.id,
        deliveryId: delivery.id,
        memo: `Contribution de mutualisation (${partnership.poolingFeeBps / 100} %)`,
        postings: [
          { owner: { kind: 'place', placeId: place.id }, amountCents: -fee },
          { owner: { kind: 'partnership', organisationId: partnership.organisationId }, amountCents: fee },
        ],
      });
    }
  }

  const deliveryYear = Number(input.deliveredOn.slice(0, 4));
  const newPerson = addBeneficiary(db, place.id, deliveryYear, input.beneficiaryRef);
  // Revenue is counted gross for the ratio: the pooling fee is the place's own spending.
  const delivered = bumpPlaceFigures(db, place.id, deliveryYear, {
    servicesDelivered: input.quantity,
    revenueDeliveredCents: amount,
    beneficiaries: newPerson ? 1 : 0,
  });
  const committed = bumpPlaceFigures(db, place.id, award.year, { servicesCommitted: -input.quantity, revenueCommittedCents: -amount });
  const { delivered: orderDelivered } = db
    .select({ delivered: sql<number>`sum(${awards.deliveredQuantity})` })
    .from(awards)
    .where(eq(awards.orderId, order.id))
    .get()!;
  if (orderDelivered === order.quantity) db.update(serviceOrders).set({ status: 'completed' }).where(eq(serviceOrders.id, order.id)).run();

  return {
    delivery,
    replayed: false,
    orderId: order.id,
    placeId: place.id,
    figures: award.year === deliveryYear ? [committed] : [delivered, committed],
  };
}

export function recordDelivery(db: Db, user: SessionUser, input: RecordDeliveryInput, today = todayIso()): DeliveryResult {
  return db.transaction(() => recordInTransaction(db, user, input, today), { behavior: 'immediate' });
}

/**
 * Up to 1 000 deliveries, all or nothing: every row is validated and checked in one
 * transaction; if any row is refused, nothing is written and every refusal is listed.
 * Rows whose idempotency key was already recorded count as replays, not errors.
 */
export function recordDeliveryBatch(db: Db, user: SessionUser, rows: unknown[], today = todayIso()) {
  const parsed: RecordDeliveryInput[] = [];
  const errors: RowError[] = [];
  rows.forEach((row, index) => {
    const result = RecordDeliveryInput.safeParse(row);
    if (result.success) parsed.push(result.data);
    else errors.push(...rowErrorsOf(result.error, index + 1));
  });
  if (errors.length) throw rowsRefused(errors);
  return db.transaction(
    () => {
      const results: DeliveryResult[] = [];
      parsed.forEach((row, index) => {
        try {
          results.push(recordInTransaction(db, user, row, today));
        } catch (error) {
          errors.push(...rowErrorsOf(error, index + 1));
        }
      });
      if (errors.length) throw rowsRefused(errors); // rolls the whole batch back
      return results;
    },
    { behavior: 'immediate' },
  );
}

export function deliveriesOfAward(db: Db, awardId: number) {
  const award = db.select({ id: awards.id }).from(awards).where(eq(awards.id, awardId)).get();
  if (!award) throw notFound('Attribution');
  return db
    .select({
      id: deliveries.id,
      quantity: deliveries.quantity,
      amountCents: deliveries.amountCents,
      service: deliveries.service,
      deliveredOn: deliveries.deliveredOn,
      createdAt: deliveries.createdAt,
    })
    .from(deliveries)
    .where(eq(deliveries.awardId, awardId))
    .orderBy(desc(deliveries.id))
    .limit(200)
    .all();
}
