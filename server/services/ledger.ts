import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { preparedFor } from '../../db/prepared';
import { ledgerAccounts } from '../../db/schema';
import type { LedgerAccountKind, LedgerTransactionKind } from '../../shared/domain/enums';
import { assertCents } from '../../shared/money';

// Functions here take the database itself, also inside a transaction: better-sqlite3 runs the
// whole callback on the one connection, and prepared statements are per connection.

export type AccountOwner =
  | { kind: 'funder'; organisationId: number }
  | { kind: 'partnership'; organisationId: number }
  | { kind: 'payout'; organisationId: number }
  | { kind: 'order_ringfence'; orderId: number }
  | { kind: 'place'; placeId: number };

function accountKey(owner: AccountOwner): string {
  switch (owner.kind) {
    case 'order_ringfence':
      return `order_ringfence:${owner.orderId}`;
    case 'place':
      return `place:${owner.placeId}`;
    default:
      return `${owner.kind}:${owner.organisationId}`;
  }
}

const statements = preparedFor((db) => ({
  accountByKey: db
    .select({ id: ledgerAccounts.id })
    .from(ledgerAccounts)
    .where(eq(ledgerAccounts.key, sql.placeholder('key')))
    .prepare(),
  balance: db
    .select({ balance: ledgerAccounts.balanceCents })
    .from(ledgerAccounts)
    .where(eq(ledgerAccounts.key, sql.placeholder('key')))
    .prepare(),
  addToBalance: db.$client.prepare<[number, number]>('update ledger_accounts set balance_cents = balance_cents + ? where id = ?'),
  insertTransaction: db.$client.prepare<[string, number | null, number | null, string | null, string, string | null, string], { id: number }>(
    `insert into ledger_transactions (kind, order_id, delivery_id, reference, memo, idempotency_key, created_at)
     values (?, ?, ?, ?, ?, ?, ?) returning id`,
  ),
  share: db.$client.prepare<[number, number], { paidCents: number }>(
    'select paid_cents as paidCents from order_fundings where order_id = ? and funder_organisation_id = ?',
  ),
  insertEntry: db.$client.prepare<[number, number, number]>('insert into ledger_entries (transaction_id, account_id, amount_cents) values (?, ?, ?)'),
}));

/** The account of an owner, created on first use. */
export function accountId(db: Db, owner: AccountOwner): number {
  const key = accountKey(owner);
  const existing = statements(db).accountByKey.get({ key });
  if (existing) return existing.id;
  return db
    .insert(ledgerAccounts)
    .values({
      kind: owner.kind as LedgerAccountKind,
      key,
      organisationId: 'organisationId' in owner ? owner.organisationId : null,
      orderId: 'orderId' in owner ? owner.orderId : null,
      placeId: 'placeId' in owner ? owner.placeId : null,
    })
    .returning({ id: ledgerAccounts.id })
    .get().id;
}

/** Balance of an account: Σ of its entries (positive = money held), maintained on write. */
export function balanceOf(db: Db, owner: AccountOwner): number {
  return statements(db).balance.get({ key: accountKey(owner) })?.balance ?? 0;
}

export interface Posting {
  owner: AccountOwner;
  amountCents: number;
}

export interface NewTransaction {
  kind: LedgerTransactionKind;
  orderId?: number;
  deliveryId?: number;
  reference?: string;
  memo?: string;
  idempotencyKey?: string;
  postings: Posting[];
}

export class LedgerRuleError extends Error {}

/**
 * What each kind of transaction may do with a ring-fenced account (DESIGN §2): money in it can
 * only come from the order's funders and leave to a place (delivery) or back to a funder
 * (credit note). Enforced here, in the ledger layer, whatever the caller.
 */
function checkRingFence(transaction: NewTransaction): void {
  const ringFenced = transaction.postings.filter((p) => p.owner.kind === 'order_ringfence');
  if (ringFenced.length === 0) return;
  for (const posting of ringFenced) {
    if (posting.owner.kind !== 'order_ringfence' || posting.owner.orderId !== transaction.orderId) {
      throw new LedgerRuleError('A ring-fenced account only moves within its own order’s transactions');
    }
  }
  const others = transaction.postings.filter((p) => p.owner.kind !== 'order_ringfence');
  const allowed: Record<LedgerTransactionKind, { in: boolean; counterparties: AccountOwner['kind'][] }> = {
    funding: { in: true, counterparties: ['funder'] },
    delivery: { in: false, counterparties: ['place'] },
    credit_note: { in: false, counterparties: ['funder'] },
    pooling_fee: { in: false, counterparties: [] },
    payout: { in: false, counterparties: [] },
  };
  const rule = allowed[transaction.kind];
  const inflow = ringFenced.reduce((sum, p) => sum + p.amountCents, 0);
  if (rule.counterparties.length === 0 || (rule.in ? inflow <= 0 : inflow >= 0)) {
    throw new LedgerRuleError(`A ${transaction.kind} transaction cannot move money ${inflow >= 0 ? 'into' : 'out of'} a ring-fenced account`);
  }
  if (!others.every((p) => rule.counterparties.includes(p.owner.kind))) {
    throw new LedgerRuleError(`Ring-fenced money of a ${transaction.kind} can only go to: ${rule.counterparties.join(', ')}`);
  }
}

/** Funder legs of a ring-fenced movement must be the order's own funders: paying in a share, or getting back what it paid. */
function checkFunders(db: Db, transaction: NewTransaction): void {
  if (transaction.kind !== 'funding' && transaction.kind !== 'credit_note') return;
  for (const posting of transaction.postings) {
    if (posting.owner.kind !== 'funder') continue;
    const share = statements(db).share.get(transaction.orderId ?? 0, posting.owner.organisationId);
    if (!share) throw new LedgerRuleError('Only a funder of the order can pay into or be refunded from its ring-fenced account');
    if (transaction.kind === 'credit_note' && posting.amountCents > share.paidCents) {
      throw new LedgerRuleError('A credit note cannot return more than the funder paid in');
    }
  }
}

/**
 * Posts a balanced transaction. Must run inside the caller's `db.transaction` so that the
 * entries, the business rows and the figures commit together or not at all.
 */
export function postTransaction(db: Db, transaction: NewTransaction): number {
  if (transaction.postings.length < 2) throw new LedgerRuleError('A transaction needs at least two entries');
  let total = 0;
  for (const posting of transaction.postings) {
    assertCents(posting.amountCents, 'ledger entry');
    if (posting.amountCents === 0) throw new LedgerRuleError('A ledger entry cannot be zero');
    total += posting.amountCents;
  }
  if (total !== 0) throw new LedgerRuleError(`A transaction must sum to zero, got ${total}`);
  checkRingFence(transaction);
  checkFunders(db, transaction);

  // Prepared statements: this runs for every delivery, the hottest write of the product.
  const transactionId = statements(db).insertTransaction.get(
    transaction.kind,
    transaction.orderId ?? null,
    transaction.deliveryId ?? null,
    transaction.reference ?? null,
    transaction.memo ?? '',
    transaction.idempotencyKey ?? null,
    new Date().toISOString(),
  )!.id;
  for (const posting of transaction.postings) {
    const account = accountId(db, posting.owner);
    statements(db).insertEntry.run(transactionId, account, posting.amountCents);
    try {
      statements(db).addToBalance.run(posting.amountCents, account);
    } catch (error) {
      // The CHECK on ring-fenced accounts: spending money that was not paid in.
      if (String(error).includes('ledger_accounts_ringfence_check')) throw new LedgerRuleError('The ring-fenced account would go below zero');
      throw error;
    }
  }
  return transactionId;
}
