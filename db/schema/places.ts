import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { PLACE_MODES, QUALIFICATION_STATUSES } from '../../shared/domain/enums';
import type { ServiceName } from '../../shared/domain/services';
import { createdAt, id } from './columns';
import { organisations } from './organisations';
import { users } from './users';

/** A qualified place (lieu qualifié): the unit of qualification and of the consolidating ratio. */
export const places = sqliteTable(
  'places',
  {
    id: id(),
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id),
    name: text('name').notNull(),
    mode: text('mode', { enum: PLACE_MODES }).notNull(),
    mainCommuneCode: text('main_commune_code').notNull(),
    departementCode: text('departement_code').notNull(),
    address: text('address'),
    yearlyCapacity: integer('yearly_capacity').notNull(),
    /** Services from the national vocabulary, as a JSON array of the standard's labels. */
    services: text('services', { mode: 'json' }).$type<ServiceName[]>().notNull(),
    legalRepresentative: text('legal_representative'),
    /** Eligibility questionnaire answers, kept as given (JSON object). */
    eligibility: text('eligibility', { mode: 'json' }).$type<Record<string, unknown>>(),
    status: text('status', { enum: QUALIFICATION_STATUSES }).notNull().default('applied'),
    statusReason: text('status_reason'),
    appliedAt: text('applied_at').notNull(),
    /** First qualification date: ranks early adopters, kept through suspensions. */
    qualifiedAt: text('qualified_at'),
    suspendedAt: text('suspended_at'),
    qualityScore: integer('quality_score').notNull().default(50),
    createdAt: createdAt(),
  },
  (t) => [
    index('places_organisation_idx').on(t.organisationId),
    index('places_departement_status_idx').on(t.departementCode, t.status),
    check('places_capacity_check', sql`${t.yearlyCapacity} >= 0`),
    check('places_quality_check', sql`${t.qualityScore} between 0 and 100`),
    check('places_mode_check', sql`${t.mode} in ('fixed', 'itinerant', 'home')`),
    check('places_status_check', sql`${t.status} in ('applied', 'qualified', 'rejected', 'suspended')`),
    check('places_qualified_date_check', sql`${t.status} not in ('qualified', 'suspended') or ${t.qualifiedAt} is not null`),
  ],
);

/** Points of presence: the communes an itinerant place visits or a home service covers. */
export const placeCommunes = sqliteTable(
  'place_communes',
  {
    placeId: integer('place_id')
      .notNull()
      .references(() => places.id, { onDelete: 'cascade' }),
    communeCode: text('commune_code').notNull(),
  },
  (t) => [primaryKey({ columns: [t.placeId, t.communeCode] }), index('place_communes_commune_idx').on(t.communeCode)],
);

/** Every qualification decision, with its reason: the history a suspended place keeps. */
export const placeStatusEvents = sqliteTable(
  'place_status_events',
  {
    id: id(),
    placeId: integer('place_id')
      .notNull()
      .references(() => places.id),
    fromStatus: text('from_status', { enum: QUALIFICATION_STATUSES }),
    toStatus: text('to_status', { enum: QUALIFICATION_STATUSES }).notNull(),
    reason: text('reason').notNull(),
    decidedByUserId: integer('decided_by_user_id').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index('place_status_events_place_idx').on(t.placeId)],
);
