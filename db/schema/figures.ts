import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { places } from './places';

/**
 * Place-year figures, maintained in the same transaction as each award and delivery.
 * Dashboards read these rows and never aggregate deliveries on request (DESIGN §2, §6).
 */
export const placeYearFigures = sqliteTable(
  'place_year_figures',
  {
    placeId: integer('place_id')
      .notNull()
      .references(() => places.id),
    year: integer('year').notNull(),
    servicesDelivered: integer('services_delivered').notNull().default(0),
    revenueDeliveredCents: integer('revenue_delivered_cents').notNull().default(0),
    revenueCommittedCents: integer('revenue_committed_cents').notNull().default(0),
    /** Services awarded for this year and not yet delivered: the capacity check reads it. */
    servicesCommitted: integer('services_committed').notNull().default(0),
    /** Part of the delivered revenue already in a monthly payout (pending or paid); the rest is estimated. */
    revenueSettledCents: integer('revenue_settled_cents').notNull().default(0),
    /** Part of the settled revenue whose payout was paid. */
    revenuePaidCents: integer('revenue_paid_cents').notNull().default(0),
    beneficiaries: integer('beneficiaries').notNull().default(0),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.placeId, t.year] }),
    index('place_year_figures_year_idx').on(t.year),
    check('place_year_figures_services_check', sql`${t.servicesDelivered} >= 0`),
    check('place_year_figures_delivered_check', sql`${t.revenueDeliveredCents} >= 0`),
    check('place_year_figures_committed_check', sql`${t.revenueCommittedCents} >= 0`),
    check('place_year_figures_beneficiaries_check', sql`${t.beneficiaries} >= 0`),
    check('place_year_figures_services_committed_check', sql`${t.servicesCommitted} >= 0`),
    check('place_year_figures_settled_check', sql`${t.revenuePaidCents} between 0 and ${t.revenueSettledCents}`),
  ],
);

/** Distinct beneficiary references per place and year, so the count above is kept exactly. */
export const placeYearBeneficiaries = sqliteTable(
  'place_year_beneficiaries',
  {
    placeId: integer('place_id')
      .notNull()
      .references(() => places.id),
    year: integer('year').notNull(),
    beneficiaryRef: text('beneficiary_ref').notNull(),
  },
  (t) => [primaryKey({ columns: [t.placeId, t.year, t.beneficiaryRef] })],
);

/**
 * Funding mobilised per département for a year's services (paid into ring-fenced accounts of
 * orders whose delivery starts that year, minus credit notes): the F of the territory balance,
 * maintained with each funding transaction.
 */
export const departementYearFigures = sqliteTable(
  'departement_year_figures',
  {
    departementCode: text('departement_code').notNull(),
    year: integer('year').notNull(),
    fundingCents: integer('funding_cents').notNull().default(0),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.departementCode, t.year] }), check('departement_year_figures_funding_check', sql`${t.fundingCents} >= 0`)],
);
