import { sql } from 'drizzle-orm';
import { check, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { ROUND_STATUSES } from '../../shared/domain/enums';
import { createdAt, id } from './columns';
import { organisations } from './organisations';

/** A funding round (campagne): funders announce commitments while everyone watches live. */
export const fundingRounds = sqliteTable(
  'funding_rounds',
  {
    id: id(),
    operatorOrganisationId: integer('operator_organisation_id')
      .notNull()
      .references(() => organisations.id),
    name: text('name').notNull(),
    departementCodes: text('departement_codes', { mode: 'json' }).$type<string[]>().notNull(),
    opensOn: text('opens_on').notNull(),
    closesOn: text('closes_on').notNull(),
    targetCents: integer('target_cents').notNull(),
    status: text('status', { enum: ROUND_STATUSES }).notNull().default('draft'),
    createdAt: createdAt(),
  },
  (t) => [
    check('funding_rounds_target_check', sql`${t.targetCents} >= 0`),
    check('funding_rounds_dates_check', sql`${t.opensOn} <= ${t.closesOn}`),
  ],
);
