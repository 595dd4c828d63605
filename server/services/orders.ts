import { desc, eq, or, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { orderFundings, serviceOrders } from '../../db/schema';

/** Orders a funder posted or co-funds, newest first. */
export function ordersOfFunder(db: Db, organisationId: number) {
  const coFunded = db
    .select({ orderId: orderFundings.orderId })
    .from(orderFundings)
    .where(eq(orderFundings.funderOrganisationId, organisationId));
  return db
    .select()
    .from(serviceOrders)
    .where(or(eq(serviceOrders.funderOrganisationId, organisationId), inArray(serviceOrders.id, coFunded)))
    .orderBy(desc(serviceOrders.createdAt))
    .all();
}
