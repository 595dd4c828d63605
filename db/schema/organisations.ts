import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { FUNDER_KINDS, MEMBERSHIP_ROLES, ORGANISATION_KINDS } from '../../shared/domain/enums';
import { createdAt, id } from './columns';
import { users } from './users';

export const organisations = sqliteTable(
  'organisations',
  {
    id: id(),
    kind: text('kind', { enum: ORGANISATION_KINDS }).notNull(),
    name: text('name').notNull(),
    /** Funders and actors carry a SIRET; partnerships, prescribers and the operator may not. */
    siret: text('siret').unique(),
    funderKind: text('funder_kind', { enum: FUNDER_KINDS }),
    /** INSEE territory: the département, and the commune of the head office when known. */
    departementCode: text('departement_code'),
    communeCode: text('commune_code'),
    createdAt: createdAt(),
  },
  (t) => [
    index('organisations_kind_idx').on(t.kind),
    check('organisations_kind_check', sql`${t.kind} in ('funder', 'actor', 'partnership', 'operator', 'prescriber')`),
    check('organisations_funder_kind_check', sql`(${t.kind} = 'funder') = (${t.funderKind} is not null)`),
  ],
);

export const memberships = sqliteTable(
  'memberships',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    role: text('role', { enum: MEMBERSHIP_ROLES }).notNull().default('member'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.organisationId] }),
    index('memberships_organisation_idx').on(t.organisationId),
  ],
);
