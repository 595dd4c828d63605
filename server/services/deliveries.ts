import { desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { preparedFor } from '../../db/prepared';
import { awards, deliveries } from '../../db/schema';
import type { DeliveryProof, OrderStatus } from '../../shared/domain/enums';
import { acceptsDeliveries, todayIso, withinWindow } from '../../shared/domain/orders';
import { basisPointsOf, lineAmount } from '../../shared/money';
import { RecordDeliveryInput } from '../../shared/schemas/deliveries';
import { conflict, fieldError, forbidden, notFound, rowErrorsOf, rowsRefused, type RowError } from '../errors';
import type { SessionUser } from './auth';
import { audit } from './audit';
import { addBeneficiary, bumpPlaceFigures, placeYearFigures, type FiguresDelta } from './figures';
import { postTransaction } from './ledger';
import type { PlaceFigures } from './places';

/** A delivery as answered: its own fields, without the settlement and ledger links kept for the books. */
type Delivery = Omit<typeof deliveries.$inferSelect, 'payoutId' | 'ledgerTransactionId' | 'poolingFeeCents' | 'feeTransactionId'>;
type Award = { id: number; orderId: number; placeId: number; partnershipId: number | null; quantity: number; unitPriceCents: number; deliveredQuantity: number; year: number };
type Place = { id: number; organisationId: number; status: string };
type Order = { id: number; status: OrderStatus; services: string; deliveryStartsOn: string; deliveryEndsOn: string; graceEndsOn: string; passRequired: number };

const DELIVERY_COLUMNS = `id, idempotency_key as idempotencyKey, award_id as awardId, order_id as orderId, place_id as placeId,
  quantity, amount_cents as amountCents, service, delivered_on as deliveredOn, beneficiary_ref as beneficiaryRef,
  proof, recorded_by_user_id as recordedByUserId, created_at as createdAt`;

// Every delivery runs these: prepared once per connection (docs/decisions/0005-prepared-statements.md).
const statements = preparedFor((db) => ({
  byKey: db.$client.prepare<[string], Delivery>(`select ${DELIVERY_COLUMNS} from deliveries where idempotency_key = ?`),
  award: db.$client.prepare<[number], Award>(
    `select id, order_id as orderId, place_id as placeId, partnership_id as partnershipId, quantity,
       unit_price_cents as unitPriceCents, delivered_quantity as deliveredQuantity, year from awards where id = ?`,
  ),
  awardOwner: db.$client.prepare<[number], { organisationId: number }>(
    'select p.organisation_id as organisationId from awards a join places p on p.id = a.place_id where a.id = ?',
  ),
  place: db.$client.prepare<[number], Place>('select id, organisation_id as organisationId, status from places where id = ?'),
  order: db.$client.prepare<[number], Order>(
    `select id, status, services, delivery_starts_on as deliveryStartsOn, delivery_ends_on as deliveryEndsOn,
       grace_ends_on as graceEndsOn, pass_required as passRequired from service_orders where id = ?`,
  ),
  // No `returning`: the row is what was inserted, built in place (a read-back per row costs ~20 %).
  insert: db.$client.prepare<[string, number, number, number, number, number, number, string, string, string, DeliveryProof, number, string]>(
    `insert into deliveries (idempotency_key, award_id, order_id, place_id, quantity, amount_cents, pooling_fee_cents, service,
       delivered_on, beneficiary_ref, proof, recorded_by_user_id, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
  /** The place's figures after the write, per touched year (delivery year, commitment year). */
  figures: PlaceFigures[];
}

/** Whether a replayed key carries the same delivery as the one it recorded first. */
function sameDelivery(existing: Pick<RecordDeliveryInput, 'awardId' | 'quantity' | 'deliveredOn' | 'service' | 'beneficiaryRef'>, input: RecordDeliveryInput): boolean {
  return (
    existing.awardId === input.awardId &&
    existing.quantity === input.quantity &&
    existing.deliveredOn === input.deliveredOn &&
    existing.service === input.service &&
    existing.beneficiaryRef === input.beneficiaryRef
  );
}

/** The delivery recorded under an idempotency key, if any. */
export function deliveryByKey(db: Db, idempotencyKey: string): Delivery | undefined {
  return statements(db).byKey.get(idempotencyKey);
}

/** The organisation that records deliveries for an award: the actor owning its place. */
export function awardOwner(db: Db, awardId: number): number | undefined {
  return statements(db).awardOwner.get(awardId)?.organisationId;
}

/** A checked row, waiting to be written with the others of its award. */
interface Accepted {
  index: number;
  input: RecordDeliveryInput;
  award: Award;
  amountCents: number;
  feeCents: number;
  proof: DeliveryProof;
}

/**
 * What one call reads, once: awards, places, orders and partnerships looked up for the first
 * row that needs them. Awards carry what this call has accepted so far, so that the remaining
 * quantity holds across the rows of a batch.
 */
function lookups(db: Db) {
  const q = statements(db);
  const cache = <T>(read: (id: number) => T | undefined) => {
    const seen = new Map<number, T | undefined>();
    return (id: number) => {
      if (!seen.has(id)) seen.set(id, read(id));
      return seen.get(id);
    };
  };
  return {
    award: cache((id) => q.award.get(id)),
    place: cache((id) => q.place.get(id)),
    order: cache((id) => {
      const order = q.order.get(id);
      return order && { ...order, serviceList: JSON.parse(order.services) as string[] };
    }),
    partnership: cache((id) => q.poolingFee.get(id)),
  };
}

/**
 * Checks one row against the rules (ownership, statuses, window, service, remaining quantity)
 * without writing; a replayed key answers with the first delivery. Throws field errors.
 */
function checkRow(
  db: Db,
  user: SessionUser,
  input: RecordDeliveryInput,
  today: string,
  read: ReturnType<typeof lookups>,
  pending: Map<string, Accepted>,
  proof: DeliveryProof = 'declared',
): Delivery | Omit<Accepted, 'index'> {
  const q = statements(db);
  const previous = q.byKey.get(input.idempotencyKey);
  if (previous) {
    // Only the place's own people learn that a key was recorded (a batch has no owner check upstream).
    if (!user.memberships.some((m) => m.organisationId === read.place(previous.placeId)!.organisationId)) throw forbidden();
    if (!sameDelivery(previous, input)) throw conflict('Cette clé d’idempotence a déjà servi pour une autre prestation');
    return previous;
  }
  // The same key earlier in this call: the same row is a replay of it, another row a conflict.
  const earlier = pending.get(input.idempotencyKey);
  if (earlier && !sameDelivery(earlier.input, input)) throw conflict('Cette clé d’idempotence a déjà servi pour une autre prestation');
  const award = read.award(input.awardId);
  // An unknown award answers like someone else's, so award ids cannot be probed.
  if (!award) throw forbidden();
  const place = read.place(award.placeId)!;
  if (!user.memberships.some((m) => m.organisationId === place.organisationId)) throw forbidden();
  if (earlier) return earlier;
  if (place.status !== 'qualified') throw conflict('Ce lieu est suspendu : il ne peut pas enregistrer de nouvelle prestation');
  const order = read.order(award.orderId)!;
  if (!acceptsDeliveries(order.status)) throw conflict(`Cette commande ne reçoit pas de prestations (statut « ${order.status} »)`);
  if (today > order.graceEndsOn) {
    throw conflict(`Le délai d’enregistrement de cette commande est écoulé (période de réalisation et mois de grâce jusqu’au ${order.graceEndsOn})`);
  }
  if (order.passRequired && proof !== 'pass') {
    throw conflict('Cette commande exige un pass : enregistrez chaque prestation en saisissant le code du pass de la personne');
  }
  if (!order.serviceList.includes(input.service)) throw fieldError('service', 'Ce service ne fait pas partie de la commande');
  if (input.deliveredOn > today) throw fieldError('deliveredOn', 'Une prestation ne peut pas être datée dans le futur');
  if (!withinWindow(input.deliveredOn, order)) {
    throw fieldError('deliveredOn', `Hors de la période de réalisation (${order.deliveryStartsOn} – ${order.deliveryEndsOn})`);
  }
  const remaining = award.quantity - award.deliveredQuantity;
  if (input.quantity > remaining) throw fieldError('quantity', `Dépasse le reste à réaliser de l’attribution (${remaining} services)`);
  award.deliveredQuantity += input.quantity;

  const amountCents = lineAmount(input.quantity, award.unitPriceCents);
  const partnership = award.partnershipId === null ? undefined : read.partnership(award.partnershipId)!;
  // Revenue is counted gross for the ratio: the pooling fee is the place's own spending.
  const feeCents = partnership ? basisPointsOf(amountCents, partnership.poolingFeeBps) : 0;
  return { input, award, amountCents, feeCents, proof };
}

/**
 * Writes checked rows, award by award: the delivery rows (a contiguous range of ids), one ledger
 * transaction paying them (ring-fence → place) and one for their pooling fees (place →
 * partnership), the award's progress; then the figures once per place and year, and each order's
 * completion once. Per-row work is one insert and one beneficiary lookup: the rest is per group.
 */
function writeAccepted(db: Db, user: SessionUser, accepted: Accepted[], read: ReturnType<typeof lookups>): Map<number, Delivery> {
  const q = statements(db);
  const written = new Map<number, Delivery>();
  const byAward = new Map<number, Accepted[]>();
  for (const row of accepted) {
    const group = byAward.get(row.award.id);
    if (group) group.push(row);
    else byAward.set(row.award.id, [row]);
  }
  const figures = new Map<string, { placeId: number; year: number; delta: Required<FiguresDelta> }>();
  const bump = (placeId: number, year: number, delta: FiguresDelta) => {
    const key = `${placeId}:${year}`;
    let entry = figures.get(key);
    if (!entry) figures.set(key, (entry = { placeId, year, delta: { servicesDelivered: 0, revenueDeliveredCents: 0, revenueCommittedCents: 0, servicesCommitted: 0, beneficiaries: 0 } }));
    for (const [field, value] of Object.entries(delta) as [keyof FiguresDelta, number][]) entry.delta[field] += value;
  };
  const now = new Date().toISOString();

  for (const rows of byAward.values()) {
    const award = rows[0]!.award;
    let firstId = 0;
    let lastId = 0;
    let services = 0;
    let amount = 0;
    let fees = 0;
    for (const row of rows) {
      const { input } = row;
      const id = Number(
        q.insert.run(
          input.idempotencyKey, award.id, award.orderId, award.placeId, input.quantity, row.amountCents, row.feeCents,
          input.service, input.deliveredOn, input.beneficiaryRef, row.proof, user.id, now,
        ).lastInsertRowid,
      );
      const delivery: Delivery = {
        id, ...input, orderId: award.orderId, placeId: award.placeId, amountCents: row.amountCents, proof: row.proof, recordedByUserId: user.id, createdAt: now,
      };
      written.set(row.index, delivery);
      firstId ||= delivery.id;
      lastId = delivery.id;
      services += input.quantity;
      amount += row.amountCents;
      fees += row.feeCents;
      const year = Number(input.deliveredOn.slice(0, 4));
      const newPerson = addBeneficiary(db, award.placeId, year, input.beneficiaryRef);
      bump(award.placeId, year, { servicesDelivered: input.quantity, revenueDeliveredCents: row.amountCents, beneficiaries: newPerson ? 1 : 0 });
    }
    q.addDelivered.run(services, award.id);
    bump(award.placeId, award.year, { servicesCommitted: -services, revenueCommittedCents: -amount });
    const range = { firstId, lastId };
    const label = rows.length === 1 ? `Prestation de ${services} service(s)` : `${rows.length} prestations, ${services} services`;
    if (amount > 0) {
      postTransaction(db, {
        kind: 'delivery',
        orderId: award.orderId,
        deliveries: range,
        memo: label,
        userId: user.id,
        postings: [
          { owner: { kind: 'order_ringfence', orderId: award.orderId }, amountCents: -amount },
          { owner: { kind: 'place', placeId: award.placeId }, amountCents: amount },
        ],
      });
    }
    if (fees > 0) {
      const partnership = read.partnership(award.partnershipId!)!;
      postTransaction(db, {
        kind: 'pooling_fee',
        orderId: award.orderId,
        deliveries: range,
        memo: `Contribution de mutualisation (${partnership.poolingFeeBps / 100} %)`,
        userId: user.id,
        postings: [
          { owner: { kind: 'place', placeId: award.placeId }, amountCents: -fees },
          { owner: { kind: 'partnership', organisationId: partnership.organisationId }, amountCents: fees },
        ],
      });
    }
  }

  for (const { placeId, year, delta } of figures.values()) bumpPlaceFigures(db, placeId, year, delta);
  // Completed once awarding is over (in delivery) and everything awarded is delivered: only worth
  // summing the order's awards when one of them has just been delivered in full.
  const finished = accepted.filter((row) => row.award.deliveredQuantity === row.award.quantity);
  for (const orderId of new Set(finished.map((row) => row.award.orderId))) {
    const order = read.order(orderId)!;
    const progress = q.orderProgress.get(orderId)!;
    if (order.status === 'in_delivery' && progress.delivered === progress.awarded) {
      q.complete.run(orderId);
      audit(db, { userId: user.id, action: 'order.completed', subjectType: 'order', subjectId: orderId, reason: 'Tout ce qui était attribué est réalisé', parties: q.funders.all(orderId).map((f) => f.id) });
    }
  }
  return written;
}

type Outcome = { kind: 'replay'; delivery: Delivery } | { kind: 'new' | 'repeat'; accepted: Accepted };

/** Classifies a checked row: an earlier key (replay), a key seen earlier in this call (repeat), or new. */
function outcomeOf(checked: Delivery | Omit<Accepted, 'index'>, index: number, pending: Map<string, Accepted>): Outcome {
  if (!('award' in checked)) return { kind: 'replay', delivery: checked };
  const earlier = pending.get(checked.input.idempotencyKey);
  if (earlier) return { kind: 'repeat', accepted: earlier };
  const accepted = { ...checked, index };
  pending.set(checked.input.idempotencyKey, accepted);
  return { kind: 'new', accepted };
}

/** Writes what was accepted and answers each row: its delivery, and its place's figures after the write. */
function commit(db: Db, user: SessionUser, outcomes: Outcome[], pending: Map<string, Accepted>, read: ReturnType<typeof lookups>): DeliveryResult[] {
  const written = writeAccepted(db, user, [...pending.values()], read);
  const years = new Map<number, Set<number>>();
  for (const { award, input } of pending.values()) {
    const touched = years.get(award.placeId) ?? new Set<number>();
    touched.add(Number(input.deliveredOn.slice(0, 4))).add(award.year);
    years.set(award.placeId, touched);
  }
  const figures = new Map([...years].map(([placeId, touched]) => [placeId, [...touched].map((year) => placeYearFigures(db, placeId, year))]));
  return outcomes.map((outcome) => {
    if (outcome.kind === 'replay') {
      const { delivery } = outcome;
      return { delivery, replayed: true, orderId: delivery.orderId, placeId: delivery.placeId, figures: [] };
    }
    const delivery = written.get(outcome.accepted.index)!;
    const replayed = outcome.kind === 'repeat';
    return { delivery, replayed, orderId: delivery.orderId, placeId: delivery.placeId, figures: replayed ? [] : figures.get(delivery.placeId)! };
  });
}

/**
 * One delivery. Replaying the same idempotency key returns the first result and counts once;
 * a refusal is the row's own error (field, conflict or forbidden). `proof: 'pass'` only from
 * redemption (services/passes), inside its transaction: orders that require a pass take no other.
 */
export function recordDelivery(db: Db, user: SessionUser, input: RecordDeliveryInput, today = todayIso(), proof: DeliveryProof = 'declared'): DeliveryResult {
  return db.transaction(
    () => {
      const read = lookups(db);
      const pending = new Map<string, Accepted>();
      const outcome = outcomeOf(checkRow(db, user, input, today, read, pending, proof), 0, pending);
      return commit(db, user, [outcome], pending, read)[0]!;
    },
    { behavior: 'immediate' },
  );
}

/**
 * Up to 1 000 deliveries, all or nothing: every row is validated and checked in one
 * transaction; if any row is refused, nothing is written and every refusal is listed (rows
 * numbered from 1). Rows whose idempotency key was already recorded count as replays, not errors.
 */
export function recordDeliveryBatch(db: Db, user: SessionUser, rows: readonly unknown[], today = todayIso()): DeliveryResult[] {
  return db.transaction(
    () => {
      const read = lookups(db);
      const errors: RowError[] = [];
      const pending = new Map<string, Accepted>();
      const outcomes: Outcome[] = [];
      // Every row is checked, by the schema then by the rules, so the answer lists them all.
      rows.forEach((row, index) => {
        const parsed = RecordDeliveryInput.safeParse(row);
        if (!parsed.success) {
          errors.push(...rowErrorsOf(parsed.error, index + 1));
          return;
        }
        try {
          outcomes.push(outcomeOf(checkRow(db, user, parsed.data, today, read, pending), index, pending));
        } catch (error) {
          errors.push(...rowErrorsOf(error, index + 1));
        }
      });
      if (errors.length) throw rowsRefused(errors); // nothing was written
      return commit(db, user, outcomes, pending, read);
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
