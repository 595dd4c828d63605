import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { fundingRounds, serviceOrders } from '../../db/schema';
import { orderDepartements } from '../../shared/domain/orders';
import type { CreateRoundInput } from '../../shared/schemas/rounds';
import { conflict, fieldError, forbidden } from '../errors';
import type { SessionUser } from './auth';

export type Round = typeof fundingRounds.$inferSelect;

/** A round as anyone may see it (FORBIDDEN for an unknown id, like elsewhere). */
export function getRound(db: Db, roundId: number): Round {
  const round = db.select().from(fundingRounds).where(eq(fundingRounds.id, roundId)).get();
  if (!round) throw forbidden();
  return round;
}

export function listRounds(db: Db) {
  return db.select().from(fundingRounds).orderBy(asc(fundingRounds.opensOn), asc(fundingRounds.id)).all();
}

export function createRound(db: Db, operatorOrganisationId: number, input: CreateRoundInput): number {
  return db
    .insert(fundingRounds)
    .values({ ...input, departementCodes: [...new Set(input.departementCodes)].sort(), operatorOrganisationId, status: 'draft' })
    .returning({ id: fundingRounds.id })
    .get().id;
}

/** draft → open → closed: a round opens once, closes once. */
export function moveRound(db: Db, roundId: number, to: 'open' | 'closed'): Round {
  const round = getRound(db, roundId);
  const from = to === 'open' ? 'draft' : 'open';
  if (round.status !== from) throw conflict(`Une campagne « ${round.status} » ne peut pas passer à « ${to} »`);
  db.update(fundingRounds).set({ status: to }).where(eq(fundingRounds.id, roundId)).run();
  return { ...round, status: to };
}

/** The order's funder attaches one of its running orders to an open round covering its territory. */
export function attachOrder(db: Db, user: SessionUser, roundId: number, orderId: number): void {
  const order = db.select().from(serviceOrders).where(eq(serviceOrders.id, orderId)).get();
  if (!order || !user.memberships.some((m) => m.organisationId === order.funderOrganisationId)) throw forbidden();
  const round = getRound(db, roundId);
  if (round.status !== 'open') throw fieldError('roundId', 'Cette campagne n’est pas ouverte');
  if (order.status === 'cancelled' || order.status === 'completed' || order.status === 'closed') throw conflict('Cette commande est close');
  if (!orderDepartements(order).some((code) => round.departementCodes.includes(code))) {
    throw fieldError('roundId', 'Le territoire de la commande est hors de celui de la campagne');
  }
  db.update(serviceOrders).set({ roundId }).where(eq(serviceOrders.id, orderId)).run();
}
