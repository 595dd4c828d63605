import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { DELIVERY_PROOFS } from '../../shared/domain/enums';
import type { ServiceName } from '../../shared/domain/services';
import { createdAt, id } from './columns';
import { awards } from './bids';
import { ledgerTransactions } from './ledger';
import { serviceOrders } from './orders';
import { places } from './places';
import { users } from './users';

/** A delivery (prestation): services delivered by a place under an award. */
export const deliveries = sqliteTable(
  'deliveries',
  {
    id: id(),
    /** Supplied by the client: replaying the same request never records it twice. */
    idempotencyKey: text('idempotency_key').notNull().unique(),
    awardId: integer('award_id')
      .notNull()
      .references(() => awards.id),
    orderId: integer('order_id')
      .notNull()
      .references(() => serviceOrders.id),
    placeId: integer('place_id')
      .notNull()
      .references(() => places.id),
    quantity: integer('quantity').notNull(),
    amountCents: integer('amount_cents').notNull(),
    service: text('service').$type<ServiceName>().notNull(),
    deliveredOn: text('delivered_on').notNull(),
    /** Pseudonymous beneficiary reference chosen by the place: never a name. */
    beneficiaryRef: text('beneficiary_ref').notNull(),
    /**
     * `pass`: a pass was redeemed for it; `declared`: the place's own word (orders without pass).
     * No CHECK: adding one would rebuild a table of millions of rows; the enum is enforced in code.
     */
    proof: text('proof', { enum: DELIVERY_PROOFS }).notNull().default('declared'),
    recordedByUserId: integer('recorded_by_user_id').references(() => users.id),
    /** The monthly payout that settled this delivery; null while it is only estimated. */
    payoutId: integer('payout_id'),
    /**
     * The ledger transaction that paid this delivery (ring-fence → place). One transaction pays
     * the deliveries of one award recorded together, a contiguous range of ids (decision 0017).
     */
    ledgerTransactionId: integer('ledger_transaction_id').references(() => ledgerTransactions.id),
    /** Part of the amount the place owes its partnership (joint awards); 0 otherwise. */
    poolingFeeCents: integer('pooling_fee_cents').notNull().default(0),
    /** The ledger transaction that moved the pooling fee (place → partnership), when there is one. */
    feeTransactionId: integer('fee_transaction_id').references(() => ledgerTransactions.id),
    createdAt: createdAt(),
  },
  (t) => [
    index('deliveries_payout_idx').on(t.payoutId, t.placeId),
    index('deliveries_place_date_idx').on(t.placeId, t.deliveredOn),
    index('deliveries_award_idx').on(t.awardId),
    index('deliveries_order_idx').on(t.orderId),
    check('deliveries_quantity_check', sql`${t.quantity} > 0`),
    check('deliveries_amount_check', sql`${t.amountCents} >= 0`),
    check('deliveries_pooling_fee_check', sql`${t.poolingFeeCents} between 0 and ${t.amountCents}`),
  ],
);
