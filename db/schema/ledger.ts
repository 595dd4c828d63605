import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { LEDGER_ACCOUNT_KINDS, LEDGER_TRANSACTION_KINDS } from '../../shared/domain/enums';
import { createdAt, id } from './columns';
import { organisations } from './organisations';
import { serviceOrders } from './orders';
import { places } from './places';
import { users } from './users';

/**
 * Double-entry ledger in integer cents, append-only. An account belongs to exactly one owner
 * (an organisation, an order's ring-fence or a place), named by its kind.
 */
export const ledgerAccounts = sqliteTable(
  'ledger_accounts',
  {
    id: id(),
    kind: text('kind', { enum: LEDGER_ACCOUNT_KINDS }).notNull(),
    /** `kind:ownerId` (e.g. `place:12`): one account per owner, unique without relying on NULLs. */
    key: text('key').notNull().unique(),
    organisationId: integer('organisation_id').references(() => organisations.id),
    orderId: integer('order_id').references(() => serviceOrders.id),
    placeId: integer('place_id').references(() => places.id),
    /** Σ of the account's entries, maintained with each entry; ledger:check recomputes it. */
    balanceCents: integer('balance_cents').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    // The database itself refuses spending money that is not there: a ring-fence, what a place is
    // owed, a funder's credit can never go below zero (the ledger layer checks first).
    check('ledger_accounts_ringfence_check', sql`${t.kind} not in ('order_ringfence', 'place', 'funder_credit') or ${t.balanceCents} >= 0`),
    check(
      'ledger_accounts_one_owner_check',
      sql`(${t.organisationId} is not null) + (${t.orderId} is not null) + (${t.placeId} is not null) = 1`,
    ),
  ],
);

export const ledgerTransactions = sqliteTable(
  'ledger_transactions',
  {
    id: id(),
    kind: text('kind', { enum: LEDGER_TRANSACTION_KINDS }).notNull(),
    orderId: integer('order_id').references(() => serviceOrders.id),
    /** Guards retries of money movements that are not deliveries (payments, payouts): deliveries carry their own key. */
    idempotencyKey: text('idempotency_key').unique(),
    /** The payment's own reference (bank transfer, mandate…) for funding and payouts. */
    reference: text('reference'),
    memo: text('memo').notNull().default(''),
    /** Who moved the money (null: the system, e.g. the automatic close of an expired order). */
    createdByUserId: integer('created_by_user_id').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index('ledger_transactions_order_idx').on(t.orderId)],
);

/** One leg of a transaction: positive = debit of the account, negative = credit. Σ per transaction = 0. */
export const ledgerEntries = sqliteTable(
  'ledger_entries',
  {
    id: id(),
    transactionId: integer('transaction_id')
      .notNull()
      .references(() => ledgerTransactions.id),
    accountId: integer('account_id')
      .notNull()
      .references(() => ledgerAccounts.id),
    amountCents: integer('amount_cents').notNull(),
  },
  (t) => [
    index('ledger_entries_transaction_idx').on(t.transactionId),
    index('ledger_entries_account_idx').on(t.accountId, t.amountCents),
    check('ledger_entries_nonzero_check', sql`${t.amountCents} <> 0`),
  ],
);
