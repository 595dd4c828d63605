import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { organisations } from '../../db/schema';
import { notFound } from '../errors';

export function getOrganisation(db: Db, organisationId: number) {
  const organisation = db.select().from(organisations).where(eq(organisations.id, organisationId)).get();
  if (!organisation) throw notFound('Organisation');
  return organisation;
}

export type NewOrganisation = typeof organisations.$inferInsert;

export function createOrganisation(db: Db, organisation: NewOrganisation): number {
  return db.insert(organisations).values(organisation).returning({ id: organisations.id }).get().id;
}
