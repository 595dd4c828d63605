import { desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { preparedFor } from '../../db/prepared';
import { awards, deliveries, places } from '../../db/schema';
import type { OrderStatus } from '../../shared/domain/enums';
import { acceptsDeliveries, todayIso, withinWindow } from '../../shared/domain/orders';
import { basisPointsOf, lineAmount } from '../../shared/money';
import { RecordDeliveryInput } from '../../shared/schemas/deliveries';
import { conflict, fieldError, forbidden, notFound, rowErrorsOf, rowsRefused, type RowError } from '../errors';
import type { SessionUser } from './auth';
import { audit } from './audit';
import { addBeneficiary, bumpPlaceFigures } from './figures';
import { postTransaction } from './ledger';
import type { PlaceFigures } from './places';

type Delivery = typeof deliveries.$inferSelect;

const DELIVERY_COLUMNS = `id, idempotency_key as idempotencyKey, award_id as awardId, order_id as orderId, place_id as placeId,
  quantity, amount_cents as amountCents, service, delivered_on as deliveredOn, beneficiary_ref as beneficiaryRef,
  recorded_by_user_id as recordedByUserId, created_at as createdAt`;

// Every delivery runs these: prepared once per connection (docs/decisions/0005-prepared-statements.md).
const statements = preparedFor((db) => ({
  byKey: db.$client.prepare<[string], Delivery>(`select ${DELIVERY_COLUMNS} from deliveries where idempotency_key = ?`),
  award: db.$client.prepare<[number], typeof awards.$inferSelect>(
    `select id, order_id as orderId, bid_id as bidId, place_id as placeId, partnership_id as partnershipId, quantity,
       unit_price_cents as unitPriceCents, delivered_quantity as deliveredQuantity, year from awards where id = ?`,
  ),
  place: db.$client.prepare<[number], { id: number; organisationId: number; status: string }>(
    'select id, organisation_id as organisationId, status from places where id = ?',
  ),
  order: db.$client.prepare<
    [number],
    { id: number; status: OrderStatus; services: string; quantity: number; deliveryStartsOn: string; deliveryEndsOn: string; graceEndsOn: string }
  >(
    `select id, status, services, quantity, delivery_starts_on as deliveryStartsOn, delivery_ends_on as deliveryEndsOn,
       grace_ends_on as graceEndsOn from service_orders where id = ?`,
  ),
  insert: db.$client.prepare<[string, number, number, number, number, number, string, string, string, number, string], Delivery>(
    `insert into deliveries (idempotency_key, award_id, order_id, place_id, quantity, amount_cents, service, delivered_on,
       beneficiary_ref, recorded_by_user_id, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning ${DELIVERY_COLUMNS}`,
  ),
  addDelivered: db.$client.prepare<[number, number]>('update awards set delivered_quantity = delivered_quantity + ? where id = ?'),
  orderProgress: db.$client.prepare<[number], { awarded: number; delivered: number }>(
    'select coalesce(sum(quantity), 0) as awarded, coalesce(sum(delivered_quantity), 0) as delivered from awards where order_id = ?',
  ),
  complete: db.$client.prepare<[number]>("update service_orders set status = 'completed' where id = ?"),
  funders: db.$client.prepare<[number], { id: number }>('select funder_organisation_id as id from order_fundings where order_id = ?'),
  poolingFee: db.$client.prepare<[number], { organisationId: number; poolingFeeBps: number }>(
    'select organisation_id as organisationId, pooling_fee_bps as poolingFeeBps from partnerships where id = ?',
  ),
}));

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
  const q = statements(db);
  const previous = q.byKey.get(input.idempotencyKey);
  if (previous) {
    // Only the place's own people learn that a key was recorded (a batch has no owner check upstream).
    if (!user.memberships.some((m) => m.organisationId === q.place.get(previous.placeId)!.organisationId)) throw forbidden();
    if (!sameDelivery(previous, input)) throw conflict('Cette clé d’idempotence a déjà servi pour une autre prestation');
    return { delivery: previous, replayed: true, orderId: previous.orderId, placeId: previous.placeId, figures: [] };
  }
  const award = q.award.get(input.awardId);
  // An unknown award answers like someone else's, so award ids cannot be probed.
  if (!award) throw forbidden();
  const place = q.place.get(award.placeId)!;
  if (!user.memberships.some((m) => m.organisationId === place.organisationId)) throw forbidden();
  if (place.status !== 'qualified') throw conflict('Ce lieu est suspendu : il ne peut pas enregistrer de nouvelle prestation');
  const order = q.order.get(award.orderId)!;
  if (!acceptsDeliveries(order.status)) throw conflict(`Cette commande ne reçoit pas de prestations (statut « ${order.status} »)`);
  if (today > order.graceEndsOn) {
    throw conflict(`Le délai d’enregistrement de cette commande est écoulé (période de réalisation et mois de grâce jusqu’au ${order.graceEndsOn})`);
  }
  if (!(JSON.parse(order.services) as string[]).includes(input.service)) throw fieldError('service', 'Ce service ne fait pas partie de la commande');
  if (input.deliveredOn > today) throw fieldError('deliveredOn', 'Une prestation ne peut pas être datée dans le futur');
  if (!withinWindow(input.deliveredOn, order)) {
    throw fieldError('deliveredOn', `Hors de la période de réalisation (${order.deliveryStartsOn} – ${order.deliveryEndsOn})`);
  }
  const remaining = award.quantity - award.deliveredQuantity;
  if (input.quantity > remaining) throw fieldError('quantity', `Dépasse le reste à réaliser de l’attribution (${remaining} services)`);

  const amount = lineAmount(input.quantity, award.unitPriceCents);
  const delivery = q.insert.get(
    input.idempotencyKey,
    award.id,
    order.id,
    place.id,
    input.quantity,
    amount,
    input.service,
    input.deliveredOn,
    input.beneficiaryRef,
    user.id,
    new Date().toISOString(),
  )!;
  q.addDelivered.run(input.quantity, award.id);

  postTransaction(db, {
    kind: 'delivery',
    orderId: order.id,
    deliveryId: delivery.id,
    memo: `Prestation de ${input.quantity} service(s)`,
    userId: user.id,
    postings: [
      { owner: { kind: 'order_ringfence', orderId: order.id }, amountCents: -amount },
      { owner: { kind: 'place', placeId: place.id }, amountCents: amount },
    ],
  });
  if (award.partnershipId !== null) {
    const partnership = q.poolingFee.get(award.partnershipId)!;
    const fee = basisPointsOf(amount, partnership.poolingFeeBps);
    if (fee > 0) {
      postTransaction(db, {
        kind: 'pooling_fee',
        orderId: order.id,
        deliveryId: delivery.id,
        memo: `Contribution de mutualisation (${partnership.poolingFeeBps / 100} %)`,
        userId: user.id,
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
  // Completed once awarding is over (in delivery) and everything awarded is delivered.
  const progress = q.orderProgress.get(order.id)!;
  if (order.status === 'in_delivery' && progress.delivered === progress.awarded) {
    q.complete.run(order.id);
    audit(db, { userId: user.id, action: 'order.completed', subjectType: 'order', subjectId: order.id, reason: 'Tout ce qui était attribué est réalisé', parties: q.funders.all(order.id).map((f) => f.id) });
  }

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
  return db.transaction(
    () => {
      const errors: RowError[] = [];
      const results: DeliveryResult[] = [];
      // Every row is checked, by the schema then by the service, so the answer lists them all.
      rows.forEach((row, index) => {
        const parsed = RecordDeliveryInput.safeParse(row);
        if (!parsed.success) {
          errors.push(...rowErrorsOf(parsed.error, index + 1));
          return;
        }
        try {
          results.push(recordInTransaction(db, user, parsed.data, today));
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
