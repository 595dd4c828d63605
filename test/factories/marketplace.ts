import { createHash, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { users } from '../../db/schema';
import { todayIso } from '../../shared/domain/orders';
import type { ServiceName } from '../../shared/domain/services';
import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { lineAmount } from '../../shared/money';
import { awardLines, closeBidding } from '../../server/services/awards';
import { membershipsOf, type SessionUser } from '../../server/services/auth';
import { submitBid } from '../../server/services/bids';
import { recordDelivery } from '../../server/services/deliveries';
import { createOrder, getOrderRow, publishOrder, recordPayment } from '../../server/services/orders';

/**
 * Marketplace factories: every object is made through the domain services, exactly as the API
 * makes it, so tests and the demo satisfy the same invariants (ledger, figures).
 */

export function sessionUserOf(db: Db, userId: number): SessionUser {
  const user = db.select().from(users).where(eq(users.id, userId)).get()!;
  return { id: user.id, email: user.email, name: user.name, locale: user.locale, memberships: membershipsOf(db, userId) };
}

const isoDaysFrom = (days: number, from = new Date()) => new Date(from.getTime() + days * 86_400_000).toISOString().slice(0, 10);

export interface OrderOptions {
  funderOrganisationId: number;
  userId: number;
  title?: string;
  quantity?: number;
  unitPriceCents?: number;
  services?: ServiceName[];
  departementCodes?: string[];
  communeCodes?: string[];
  targetPeople?: number;
  bidDeadline?: string;
  deliveryStartsOn?: string;
  deliveryEndsOn?: string;
  roundId?: number | null;
  /** Deliveries need a pass; self-declared (false) unless a test says otherwise. */
  passRequired?: boolean;
  /** Publish the order (default true). */
  publish?: boolean;
  /** Cents to pay into the ring-fenced account: the whole order by default, 0 for none. */
  paidCents?: number;
  today?: string;
}

/** A published order, paid into its ring-fenced account by default. */
export function makeOrder(db: Db, options: OrderOptions): number {
  const quantity = options.quantity ?? 100;
  const unitPriceCents = options.unitPriceCents ?? 1_000;
  const today = options.today ?? todayIso();
  const orderId = createOrder(
    db,
    options.funderOrganisationId,
    {
      title: options.title ?? `Commande de ${quantity} services`,
      description: 'Accompagnement aux démarches en ligne.',
      services: options.services ?? [Service.AideAuxDemarchesAdministratives],
      departementCodes: options.departementCodes ?? (options.communeCodes ? [] : ['29']),
      communeCodes: options.communeCodes ?? [],
      quantity,
      unitPriceCents,
      targetPeople: options.targetPeople ?? Math.ceil(quantity / 5),
      bidDeadline: options.bidDeadline ?? isoDaysFrom(14),
      deliveryStartsOn: options.deliveryStartsOn ?? `${today.slice(0, 4)}-01-01`,
      deliveryEndsOn: options.deliveryEndsOn ?? `${today.slice(0, 4)}-12-31`,
      roundId: options.roundId ?? null,
      passRequired: options.passRequired ?? false,
    },
    options.userId,
  );
  if (options.publish !== false) publishOrder(db, orderId, today);
  const paid = options.paidCents ?? lineAmount(quantity, unitPriceCents);
  if (paid > 0) {
    recordPayment(db, {
      orderId,
      organisationId: options.funderOrganisationId,
      amountCents: paid,
      reference: `VIR-${orderId}-${paid}`,
      idempotencyKey: `pay-${orderId}-${randomUUID()}`,
    });
  }
  return orderId;
}

export function makeBid(
  db: Db,
  options: { orderId: number; organisationId: number; lines: { placeId: number; quantity: number }[]; unitPriceCents?: number; note?: string; today?: string },
): number {
  const order = getOrderRow(db, options.orderId);
  return submitBid(
    db,
    {
      orderId: options.orderId,
      organisationId: options.organisationId,
      unitPriceCents: options.unitPriceCents ?? order.unitPriceCents,
      note: options.note ?? '',
      lines: options.lines,
    },
    options.today,
  );
}

/** Closes bidding if needed, then awards the lines. Returns the award ids in line order. */
export function makeAwards(db: Db, options: { orderId: number; userId: number; lines: { bidId: number; placeId: number; quantity: number }[]; today?: string }): number[] {
  if (getOrderRow(db, options.orderId).status === 'open') closeBidding(db, options.orderId);
  return awardLines(db, { orderId: options.orderId, lines: options.lines }, options.userId, options.today).awardIds;
}

/** A pseudonymous beneficiary reference, as the browser computes it. */
export const beneficiaryRef = (seed: string) => createHash('sha256').update(seed).digest('hex').slice(0, 32);

export function makeDelivery(
  db: Db,
  user: SessionUser,
  options: { awardId: number; quantity?: number; deliveredOn?: string; service?: ServiceName; beneficiary?: string; idempotencyKey?: string; today?: string },
) {
  return recordDelivery(
    db,
    user,
    {
      awardId: options.awardId,
      quantity: options.quantity ?? 1,
      deliveredOn: options.deliveredOn ?? options.today ?? todayIso(),
      service: options.service ?? Service.AideAuxDemarchesAdministratives,
      beneficiaryRef: beneficiaryRef(options.beneficiary ?? randomUUID()),
      idempotencyKey: options.idempotencyKey ?? randomUUID(),
    },
    options.today,
  );
}
