import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { expect } from 'vitest';
import type { Db } from '../../../db/client';
import { checkLedger } from '../../../server/services/ledger-check';
import { safeguardingReport } from '../../../server/services/safeguarding';
import { monthOf, previousMonth } from '../../../shared/domain/months';
import type { RecordDeliveryInput } from '../../../shared/schemas/deliveries';
import { beneficiaryRef } from '../../factories/marketplace';
import { isoDaysFromToday, key, snapshot, today } from '../marketplace/helpers';

/**
 * Shared set-up of the money tests (settlement, closing, credits, statements, audit). The
 * procedures take no date: every date here is computed from today, so the tests hold whatever
 * day they run.
 */

/** The money tables beside the marketplace ones: settlement, payouts, credit notes, audit trail. */
const MONEY_TABLES = ['settlements', 'payouts', 'credit_notes', 'audit_events', 'audit_parties'] as const;

/** Every row of every marketplace and money table: equal snapshots mean nothing was written. */
export function moneySnapshot(db: Db): Record<string, unknown[]> {
  return { ...snapshot(db), ...Object.fromEntries(MONEY_TABLES.map((table) => [table, db.$client.prepare(`select * from ${table} order by rowid`).all()])) };
}

export function rowCount(db: Db, table: string): number {
  return (db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
}

/** `n` months before the current one, as `YYYY-MM` (0: this month). */
export function monthsAgo(n: number): string {
  let month = monthOf(today());
  for (let i = 0; i < n; i++) month = previousMonth(month);
  return month;
}

/** A day of a month: `dayIn('2026-09', 15)` is `2026-09-15`. */
export const dayIn = (month: string, day: number) => `${month}-${String(day).padStart(2, '0')}`;

export const yearOf = (isoDateOrMonth: string) => Number(isoDateOrMonth.slice(0, 4));

export const addDays = (isoDate: string, days: number) => new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

export { isoDaysFromToday };

/** A delivery form for the API: `quantity` services on `deliveredOn` for a new beneficiary. */
export function deliveryOf(awardId: number, quantity: number, deliveredOn = today(), who: string = key()): RecordDeliveryInput {
  return { awardId, quantity, deliveredOn, service: Service.AideAuxDemarchesAdministratives, beneficiaryRef: beneficiaryRef(who), idempotencyKey: key() };
}

/** Both recomputations agree with every maintained figure: ledger check and safeguarding. */
export function expectMoneyClean(db: Db): void {
  expect(checkLedger(db)).toMatchObject({ ok: true, differences: [] });
  const report = safeguardingReport(db);
  expect(report.orders.filter((o) => !o.reconciled || !o.covered)).toEqual([]);
  expect(report.ok).toBe(true);
}

/** Σ of the entries of one ledger account, by key (`place:3`), read from the entries themselves. */
export function entriesSum(db: Db, accountKey: string, transactionKind?: string): number {
  return (
    db.$client
      .prepare(
        `select coalesce(sum(e.amount_cents), 0) as total from ledger_entries e join ledger_accounts a on a.id = e.account_id
         join ledger_transactions t on t.id = e.transaction_id where a.key = ? and (? is null or t.kind = ?)`,
      )
      .get(accountKey, transactionKind ?? null, transactionKind ?? null) as { total: number }
  ).total;
}

export const FORBIDDEN = { code: 'FORBIDDEN', httpStatus: 403 };
export const OPERATOR_ONLY = { code: 'FORBIDDEN', httpStatus: 403, message: 'Réservé à l’opérateur du dispositif' };
