import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { ORDER_STATUSES } from '../../shared/domain/enums';
import type { ServiceName } from '../../shared/domain/services';
import { createdAt, id } from './columns';
import { organisations } from './organisations';
import { fundingRounds } from './rounds';
import { users } from './users';

/** A service order (commande) posted by a funder. */
export const serviceOrders = sqliteTable(
  'service_orders',
  {
    id: id(),
    funderOrganisationId: integer('funder_organisation_id')
      .notNull()
      .references(() => organisations.id),
    roundId: integer('round_id').references(() => fundingRounds.id),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    services: text('services', { mode: 'json' }).$type<ServiceName[]>().notNull(),
    departementCodes: text('departement_codes', { mode: 'json' }).$type<string[]>().notNull(),
    communeCodes: text('commune_codes', { mode: 'json' }).$type<string[]>().notNull(),
    quantity: integer('quantity').notNull(),
    unitPriceCents: integer('unit_price_cents').notNull().default(1000),
    targetPeople: integer('target_people').notNull().default(0),
    bidDeadline: text('bid_deadline').notNull(),
    deliveryStartsOn: text('delivery_starts_on').notNull(),
    deliveryEndsOn: text('delivery_ends_on').notNull(),
    /**
     * Last day a delivery may still be recorded (the window's end plus the grace period, set when
     * the order is written); the day after, the order closes and what is left is credited back.
     */
    graceEndsOn: text('grace_ends_on').notNull().default(''),
    /**
     * Deliveries need a redeemed pass (issue 11). New orders ask for one unless the funder says
     * otherwise; orders from before pass existed stay self-declared, and say so everywhere.
     */
    passRequired: integer('pass_required', { mode: 'boolean' }).notNull().default(false),
    status: text('status', { enum: ORDER_STATUSES }).notNull().default('draft'),
    publishedAt: text('published_at'),
    closedAt: text('closed_at'),
    createdByUserId: integer('created_by_user_id').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    index('service_orders_funder_idx').on(t.funderOrganisationId),
    index('service_orders_round_idx').on(t.roundId),
    index('service_orders_status_idx').on(t.status),
    check('service_orders_quantity_check', sql`${t.quantity} > 0`),
    check('service_orders_price_check', sql`${t.unitPriceCents} >= 0`),
    check('service_orders_people_check', sql`${t.targetPeople} >= 0`),
    check('service_orders_window_check', sql`${t.deliveryStartsOn} <= ${t.deliveryEndsOn}`),
  ],
);

/** Co-funding: each funder's committed share of one order. */
export const orderFundings = sqliteTable(
  'order_fundings',
  {
    orderId: integer('order_id')
      .notNull()
      .references(() => serviceOrders.id),
    funderOrganisationId: integer('funder_organisation_id')
      .notNull()
      .references(() => organisations.id),
    committedCents: integer('committed_cents').notNull(),
    /** Paid into the ring-fenced account so far: maintained with each funding transaction. */
    paidCents: integer('paid_cents').notNull().default(0),
    /** Returned to this funder as credit notes (cancellation, close): maintained with each one. */
    creditedCents: integer('credited_cents').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orderId, t.funderOrganisationId] }),
    index('order_fundings_funder_idx').on(t.funderOrganisationId),
    check('order_fundings_amount_check', sql`${t.committedCents} >= 0`),
    check('order_fundings_paid_check', sql`${t.paidCents} between 0 and ${t.committedCents}`),
    check('order_fundings_credited_check', sql`${t.creditedCents} between 0 and ${t.paidCents}`),
  ],
);
