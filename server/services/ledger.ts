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
  | { kind: 'funder_credit'; organisationId: number }
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

interface DeliveryRange {
  count: number;
  amountCents: number;
  minOrderId: number | null;
  maxOrderId: number | null;
  minPlaceId: number | null;
  maxPlaceId: number | null;
  alreadyPosted: number;
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
  insertTransaction: db.$client.prepare<[string, number | null, string | null, string, string | null, number | null, string], { id: number }>(
    `insert into ledger_transactions (kind, order_id, reference, memo, idempotency_key, created_by_user_id, created_at)
     values (?, ?, ?, ?, ?, ?, ?) returning id`,
  ),
  share: db.$client.prepare<[number, number], { paidCents: number; creditedCents: number }>(
    'select paid_cents as paidCents, credited_cents as creditedCents from order_fundings where order_id = ? and funder_organisation_id = ?',
  ),
  // A group of deliveries is a contiguous range of ids: a rowid range, no index needed.
  paidRange: db.$client.prepare<[number, number], DeliveryRange>(
    `select count(*) as count, coalesce(sum(amount_cents), 0) as amountCents, min(order_id) as minOrderId, max(order_id) as maxOrderId,
       min(place_id) as minPlaceId, max(place_id) as maxPlaceId, coalesce(sum(ledger_transaction_id is not null), 0) as alreadyPosted
     from deliveries where id between ? and ?`,
  ),
  feeRange: db.$client.prepare<[number, number], DeliveryRange & { minPartnershipId: number | null; maxPartnershipId: number | null; solo: number }>(
    `select count(*) as count, coalesce(sum(d.pooling_fee_cents), 0) as amountCents, min(d.order_id) as minOrderId, max(d.order_id) as maxOrderId,
       min(d.place_id) as minPlaceId, max(d.place_id) as maxPlaceId, coalesce(sum(d.fee_transaction_id is not null), 0) as alreadyPosted,
       min(p.organisation_id) as minPartnershipId, max(p.organisation_id) as maxPartnershipId, coalesce(sum(p.id is null), 0) as solo
     from deliveries d join awards a on a.id = d.award_id left join partnerships p on p.id = a.partnership_id where d.id between ? and ?`,
  ),
  markPaid: db.$client.prepare<[number, number, number]>('update deliveries set ledger_transaction_id = ? where id between ? and ?'),
  markFee: db.$client.prepare<[number, number, number]>('update deliveries set fee_transaction_id = ? where id between ? and ?'),
  placeOrganisation: db.$client.prepare<[number], { organisationId: number }>('select organisation_id as organisationId from places where id = ?'),
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
  /**
   * Deliveries and pooling fees: the deliveries this transaction pays, ids `firstId`…`lastId`
   * (those of one award recorded together). The ledger checks them and links them to it.
   */
  deliveries?: { firstId: number; lastId: number };
  reference?: string;
  memo?: string;
  idempotencyKey?: string;
  /** Who moves the money; omitted for the system's own moves (automatic close). */
  userId?: number | null;
  postings: Posting[];
}

export class LedgerRuleError extends Error {}

/**
 * The only shapes money may take (DESIGN §2, issue 7): each kind of transaction debits exactly
 * one kind of account and credits exactly one other. Money on a ring-fenced account therefore
 * only ever reaches a place (delivery) or its funder's credit (credit note); what a place is
 * owed only leaves as its pooling fee or its payout; a funder's credit only funds one of its
 * orders or goes back to it. Enforced here, in the ledger layer, whatever the caller.
 */
const SHAPES: Record<LedgerTransactionKind, { from: readonly AccountOwner['kind'][]; to: AccountOwner['kind'] }> = {
  funding: { from: ['funder', 'funder_credit'], to: 'order_ringfence' },
  delivery: { from: ['order_ringfence'], to: 'place' },
  pooling_fee: { from: ['place'], to: 'partnership' },
  payout: { from: ['place'], to: 'payout' },
  credit_note: { from: ['order_ringfence'], to: 'funder_credit' },
  credit_refund: { from: ['funder_credit'], to: 'funder' },
};

/** The deliveries a delivery or pooling-fee transaction covers: all there, all of its order. */
function deliveryGroup<T extends DeliveryRange>(query: { get(first: number, last: number): T | undefined }, transaction: NewTransaction): T {
  const range = transaction.deliveries;
  if (!range || !Number.isSafeInteger(range.firstId) || range.lastId < range.firstId) {
    throw new LedgerRuleError(`A ${transaction.kind} transaction names the deliveries it pays`);
  }
  const group = query.get(range.firstId, range.lastId)!;
  if (group.count !== range.lastId - range.firstId + 1 || group.minOrderId !== transaction.orderId || group.maxOrderId !== transaction.orderId) {
    throw new LedgerRuleError(`A ${transaction.kind} transaction pays recorded deliveries of its own order`);
  }
  return group;
}

function checkShape(db: Db, transaction: NewTransaction): void {
  const shape = SHAPES[transaction.kind];
  if (transaction.deliveries && transaction.kind !== 'delivery' && transaction.kind !== 'pooling_fee') {
    throw new LedgerRuleError(`A ${transaction.kind} transaction pays no delivery`);
  }
  const [a, b] = transaction.postings;
  if (transaction.postings.length !== 2 || !a || !b) throw new LedgerRuleError(`A ${transaction.kind} moves money between exactly two accounts`);
  const from = a.amountCents < 0 ? a : b;
  const to = from === a ? b : a;
  if (!shape.from.includes(from.owner.kind) || to.owner.kind !== shape.to) {
    throw new LedgerRuleError(`A ${transaction.kind} cannot move money from a ${from.owner.kind} account to a ${to.owner.kind} account`);
  }
  for (const owner of [from.owner, to.owner]) {
    if (owner.kind === 'order_ringfence' && owner.orderId !== transaction.orderId) {
      throw new LedgerRuleError('A ring-fenced account only moves within its own order’s transactions');
    }
  }
  const q = statements(db);
  switch (transaction.kind) {
    case 'funding':
    case 'credit_note': {
      // Funder legs must be the order's own funders: paying in a share, or getting back what it paid.
      const funder = transaction.kind === 'funding' ? from.owner : to.owner;
      if (!('organisationId' in funder)) break;
      const share = q.share.get(transaction.orderId ?? 0, funder.organisationId);
      if (!share) throw new LedgerRuleError('Only a funder of the order can pay into or be credited from its ring-fenced account');
      if (transaction.kind === 'credit_note' && to.amountCents > share.paidCents - share.creditedCents) {
        throw new LedgerRuleError('A credit note cannot return more than the funder paid in and was not yet credited');
      }
      break;
    }
    case 'credit_refund':
      if (!('organisationId' in from.owner) || !('organisationId' in to.owner) || from.owner.organisationId !== to.owner.organisationId) {
        throw new LedgerRuleError('A funder’s credit is only refunded to that funder');
      }
      break;
    case 'delivery': {
      // Ring-fenced money reaches the place that recorded the deliveries: their amount, once.
      const group = deliveryGroup(q.paidRange, transaction);
      if (group.minPlaceId !== group.maxPlaceId || !('placeId' in to.owner) || group.minPlaceId !== to.owner.placeId) {
        throw new LedgerRuleError('A delivery transaction pays the place of recorded deliveries of that order');
      }
      if (to.amountCents !== group.amountCents || group.alreadyPosted > 0) throw new LedgerRuleError('Deliveries are paid their own amount, once');
      break;
    }
    case 'pooling_fee': {
      // A place's fees go to the partnership it delivered under, for those deliveries, once.
      const group = deliveryGroup(q.feeRange, transaction);
      if (
        !('placeId' in from.owner) ||
        group.minPlaceId !== group.maxPlaceId ||
        group.minPlaceId !== from.owner.placeId ||
        !('organisationId' in to.owner) ||
        group.solo > 0 ||
        group.minPartnershipId !== group.maxPartnershipId ||
        group.minPartnershipId !== to.owner.organisationId ||
        to.amountCents !== group.amountCents ||
        group.alreadyPosted > 0
      ) {
        throw new LedgerRuleError('A pooling fee is taken once on deliveries made under that partnership, their own fees');
      }
      break;
    }
    case 'payout':
      if (!('placeId' in from.owner) || !('organisationId' in to.owner) || q.placeOrganisation.get(from.owner.placeId)?.organisationId !== to.owner.organisationId) {
        throw new LedgerRuleError('A payout goes to the organisation that runs the place');
      }
      break;
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
  checkShape(db, transaction);

  // Prepared statements: this runs for every delivery, the hottest write of the product.
  const transactionId = statements(db).insertTransaction.get(
    transaction.kind,
    transaction.orderId ?? null,
    transaction.reference ?? null,
    transaction.memo ?? '',
    transaction.idempotencyKey ?? null,
    transaction.userId ?? null,
    new Date().toISOString(),
  )!.id;
  for (const posting of transaction.postings) {
    const account = accountId(db, posting.owner);
    statements(db).insertEntry.run(transactionId, account, posting.amountCents);
    try {
      statements(db).addToBalance.run(posting.amountCents, account);
    } catch (error) {
      // The CHECK on accounts holding someone else's money: spending what is not there.
      if (String(error).includes('ledger_accounts_ringfence_check')) throw new LedgerRuleError(`The ${posting.owner.kind} account would go below zero`);
      throw error;
    }
  }
  if (transaction.deliveries) {
    const { firstId, lastId } = transaction.deliveries;
    (transaction.kind === 'delivery' ? statements(db).markPaid : statements(db).markFee).run(transactionId, firstId, lastId);
  }
  return transactionId;
}
