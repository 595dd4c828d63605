import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { HANDOUT_CATEGORIES } from '../../shared/domain/enums';
import { createdAt, id } from './columns';
import { deliveries } from './deliveries';
import { organisations } from './organisations';
import { serviceOrders } from './orders';
import { users } from './users';

/**
 * A prescriber (aiguilleur) as invited by a funder: the organisation row (kind `prescriber`,
 * name, territory) and who to reach there. No SIRET: a CAF office, a town hall, an association.
 */
export const prescribers = sqliteTable(
  'prescribers',
  {
    organisationId: integer('organisation_id')
      .primaryKey()
      .references(() => organisations.id),
    funderOrganisationId: integer('funder_organisation_id')
      .notNull()
      .references(() => organisations.id),
    contactName: text('contact_name').notNull(),
    contactEmail: text('contact_email').notNull(),
    createdByUserId: integer('created_by_user_id').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index('prescribers_funder_idx').on(t.funderOrganisationId)],
);

/**
 * A one-time link that lets an invited person choose a password (prescriber contacts have no
 * account before). The link holds a random token; the table only its SHA-256.
 */
export const accountInvitations = sqliteTable(
  'account_invitations',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id),
    expiresAt: text('expires_at').notNull(),
    acceptedAt: text('accepted_at'),
    createdAt: createdAt(),
  },
  (t) => [index('account_invitations_user_idx').on(t.userId)],
);

/**
 * A booklet (carnet) of pass for one order, numbered within the order. Assigned to a prescriber,
 * then handed to one person: only the date and an optional anonymous category are kept.
 */
export const passBooklets = sqliteTable(
  'pass_booklets',
  {
    id: id(),
    orderId: integer('order_id')
      .notNull()
      .references(() => serviceOrders.id),
    number: integer('number').notNull(),
    size: integer('size').notNull(),
    prescriberOrganisationId: integer('prescriber_organisation_id').references(() => organisations.id),
    assignedAt: text('assigned_at'),
    handedOutOn: text('handed_out_on'),
    handedOutCategory: text('handed_out_category', { enum: HANDOUT_CATEGORIES }),
    handedOutByUserId: integer('handed_out_by_user_id').references(() => users.id),
    createdByUserId: integer('created_by_user_id').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('pass_booklets_order_number_idx').on(t.orderId, t.number),
    index('pass_booklets_prescriber_idx').on(t.prescriberOrganisationId),
    check('pass_booklets_size_check', sql`${t.size} between 1 and 100`),
    check('pass_booklets_handed_out_check', sql`${t.handedOutOn} is null or ${t.prescriberOrganisationId} is not null`),
  ],
);

/**
 * One pass: worth one service of its order. The code itself is never stored in clear: a keyed
 * hash finds it at redemption, and a sealed copy (AES-GCM, same server secret) lets its booklet
 * be printed again (decision 0021).
 */
export const passes = sqliteTable(
  'passes',
  {
    id: id(),
    bookletId: integer('booklet_id')
      .notNull()
      .references(() => passBooklets.id),
    orderId: integer('order_id')
      .notNull()
      .references(() => serviceOrders.id),
    codeHash: text('code_hash').notNull().unique(),
    codeSealed: text('code_sealed').notNull(),
    deliveryId: integer('delivery_id')
      .unique()
      .references(() => deliveries.id),
    redeemedAt: text('redeemed_at'),
  },
  (t) => [index('passes_booklet_idx').on(t.bookletId), index('passes_order_idx').on(t.orderId, t.deliveryId)],
);
