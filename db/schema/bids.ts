import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { BID_STATUSES } from '../../shared/domain/enums';
import { createdAt, id } from './columns';
import { organisations } from './organisations';
import { partnerships } from './partnerships';
import { places } from './places';
import { serviceOrders } from './orders';
import { users } from './users';

/** A sealed bid (offre) by an actor for its places, or by a partnership for its member places. */
export const bids = sqliteTable(
  'bids',
  {
    id: id(),
    orderId: integer('order_id')
      .notNull()
      .references(() => serviceOrders.id),
    bidderOrganisationId: integer('bidder_organisation_id')
      .notNull()
      .references(() => organisations.id),
    partnershipId: integer('partnership_id').references(() => partnerships.id),
    unitPriceCents: integer('unit_price_cents').notNull(),
    note: text('note').notNull().default(''),
    status: text('status', { enum: BID_STATUSES }).notNull().default('draft'),
    /** Optimistic concurrency for collaborative drafting: every write bumps it. */
    version: integer('version').notNull().default(1),
    submittedAt: text('submitted_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('bids_order_bidder_uq').on(t.orderId, t.bidderOrganisationId),
    index('bids_bidder_idx').on(t.bidderOrganisationId),
    check('bids_price_check', sql`${t.unitPriceCents} >= 0`),
    check('bids_version_check', sql`${t.version} >= 1`),
  ],
);

export const bidLines = sqliteTable(
  'bid_lines',
  {
    id: id(),
    bidId: integer('bid_id')
      .notNull()
      .references(() => bids.id, { onDelete: 'cascade' }),
    placeId: integer('place_id')
      .notNull()
      .references(() => places.id),
    quantity: integer('quantity').notNull(),
    confirmed: integer('confirmed', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [
    uniqueIndex('bid_lines_bid_place_uq').on(t.bidId, t.placeId),
    index('bid_lines_place_idx').on(t.placeId),
    check('bid_lines_quantity_check', sql`${t.quantity} >= 0`),
  ],
);

/** An award (attribution) of part of an order to one place line of a bid: the commitment. */
export const awards = sqliteTable(
  'awards',
  {
    id: id(),
    orderId: integer('order_id')
      .notNull()
      .references(() => serviceOrders.id),
    bidId: integer('bid_id')
      .notNull()
      .references(() => bids.id),
    placeId: integer('place_id')
      .notNull()
      .references(() => places.id),
    partnershipId: integer('partnership_id').references(() => partnerships.id),
    quantity: integer('quantity').notNull(),
    unitPriceCents: integer('unit_price_cents').notNull(),
    /** Maintained with each delivery, so that "remaining" is a read, not a sum. */
    deliveredQuantity: integer('delivered_quantity').notNull().default(0),
    /**
     * Services awarded but released when the order closed undelivered: `quantity` then drops to
     * what was delivered, and this keeps what the award first was (quantity + released).
     */
    releasedQuantity: integer('released_quantity').notNull().default(0),
    /** The year the commitment counts in (the year the delivery window starts). */
    year: integer('year').notNull(),
    awardedByUserId: integer('awarded_by_user_id').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('awards_bid_place_uq').on(t.bidId, t.placeId),
    index('awards_order_idx').on(t.orderId),
    index('awards_place_idx').on(t.placeId),
    check('awards_quantity_check', sql`${t.quantity} >= 0`),
    check('awards_price_check', sql`${t.unitPriceCents} >= 0`),
    check('awards_delivered_check', sql`${t.deliveredQuantity} between 0 and ${t.quantity}`),
  ],
);
