import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { PARTNERSHIP_EVENT_KINDS, PARTNERSHIP_KINDS, PARTNERSHIP_MEMBER_STATUSES } from '../../shared/domain/enums';
import { users } from './users';
import { createdAt, id } from './columns';
import { organisations } from './organisations';
import { places } from './places';

/** A pooled partnership (CAE, local partnership, consortium): an organisation of kind `partnership`. */
export const partnerships = sqliteTable(
  'partnerships',
  {
    id: id(),
    organisationId: integer('organisation_id')
      .notNull()
      .unique()
      .references(() => organisations.id),
    kind: text('kind', { enum: PARTNERSHIP_KINDS }).notNull(),
    leadOrganisationId: integer('lead_organisation_id')
      .notNull()
      .references(() => organisations.id),
    poolingFeeBps: integer('pooling_fee_bps').notNull().default(0),
    /** Départements where the partnership works, JSON array of INSEE codes. */
    departementCodes: text('departement_codes', { mode: 'json' }).$type<string[]>().notNull(),
    charter: text('charter').notNull().default(''),
    createdAt: createdAt(),
  },
  (t) => [
    check('partnerships_fee_check', sql`${t.poolingFeeBps} between 0 and 3000`),
    check('partnerships_kind_check', sql`${t.kind} in ('cae', 'local', 'consortium')`),
  ],
);

export const partnershipMembers = sqliteTable(
  'partnership_members',
  {
    id: id(),
    partnershipId: integer('partnership_id')
      .notNull()
      .references(() => partnerships.id),
    placeId: integer('place_id')
      .notNull()
      .references(() => places.id),
    status: text('status', { enum: PARTNERSHIP_MEMBER_STATUSES }).notNull().default('invited'),
    invitedAt: text('invited_at').notNull(),
    joinedAt: text('joined_at'),
    leftAt: text('left_at'),
  },
  (t) => [
    uniqueIndex('partnership_members_place_uq').on(t.partnershipId, t.placeId),
    index('partnership_members_place_idx').on(t.placeId),
  ],
);

/** Activity history of a partnership: every membership step and draft submission, with who did it. */
export const partnershipEvents = sqliteTable(
  'partnership_events',
  {
    id: id(),
    partnershipId: integer('partnership_id')
      .notNull()
      .references(() => partnerships.id),
    kind: text('kind', { enum: PARTNERSHIP_EVENT_KINDS }).notNull(),
    placeId: integer('place_id').references(() => places.id),
    organisationId: integer('organisation_id').references(() => organisations.id),
    userId: integer('user_id').references(() => users.id),
    detail: text('detail').notNull().default(''),
    createdAt: createdAt(),
  },
  (t) => [index('partnership_events_partnership_idx').on(t.partnershipId, t.id)],
);
