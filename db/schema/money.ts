import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { PAYOUT_STATUSES } from '../../shared/domain/enums';
import { createdAt, id } from './columns';
import { ledgerTransactions } from './ledger';
import { organisations } from './organisations';
import { serviceOrders } from './orders';
import { places } from './places';
import { users } from './users';

/**
 * One monthly counter-payment run (issue 7): the operator settles a month once; running it
 * again returns this row and creates nothing (the month is unique).
 */
export const settlements = sqliteTable('settlements', {
  id: id(),
  /** `YYYY-MM`: the run covers every unsettled delivery dated up to the end of this month. */
  month: text('month').notNull().unique(),
  runByUserId: integer('run_by_user_id').references(() => users.id),
  createdAt: createdAt(),
});

/**
 * What one place is paid for one settlement: gross (deliveries), minus pooling fees when the
 * place delivered under a partnership, gives net. `pending` until the operator records the
 * transfer (`paid`, with its reference and date); the ledger moves the net at that moment.
 */
export const payouts = sqliteTable(
  'payouts',
  {
    id: id(),
    settlementId: integer('settlement_id')
      .notNull()
      .references(() => settlements.id),
    placeId: integer('place_id')
      .notNull()
      .references(() => places.id),
    month: text('month').notNull(),
    services: integer('services').notNull(),
    grossCents: integer('gross_cents').notNull(),
    feesCents: integer('fees_cents').notNull(),
    netCents: integer('net_cents').notNull(),
    status: text('status', { enum: PAYOUT_STATUSES }).notNull().default('pending'),
    paymentReference: text('payment_reference'),
    paidOn: text('paid_on'),
    paidByUserId: integer('paid_by_user_id').references(() => users.id),
    transactionId: integer('transaction_id').references(() => ledgerTransactions.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('payouts_settlement_place_uq').on(t.settlementId, t.placeId),
    index('payouts_place_idx').on(t.placeId, t.month),
    check('payouts_amounts_check', sql`${t.feesCents} >= 0 and ${t.netCents} = ${t.grossCents} - ${t.feesCents} and ${t.netCents} >= 0`),
  ],
);

/**
 * A credit note (avoir): ring-fenced money returned to one funder of an order (cancellation,
 * or close with services funded and not delivered). The money sits on the funder's credit
 * account, from which it funds another order or is refunded.
 */
export const creditNotes = sqliteTable(
  'credit_notes',
  {
    id: id(),
    /** Human reference printed on the document: `AV-<year>-<sequence>`. */
    number: text('number').notNull().unique(),
    funderOrganisationId: integer('funder_organisation_id')
      .notNull()
      .references(() => organisations.id),
    orderId: integer('order_id')
      .notNull()
      .references(() => serviceOrders.id),
    amountCents: integer('amount_cents').notNull(),
    reason: text('reason').notNull(),
    transactionId: integer('transaction_id')
      .notNull()
      .references(() => ledgerTransactions.id),
    createdByUserId: integer('created_by_user_id').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index('credit_notes_funder_idx').on(t.funderOrganisationId), check('credit_notes_amount_check', sql`${t.amountCents} > 0`)],
);
