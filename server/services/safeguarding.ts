import type { Db } from '../../db/client';

/**
 * Safeguarding (issue 7): for every order that took money, what its ring-fenced account holds
 * against what is still owed on it, recomputed from the entries themselves. Two guarantees:
 *   paid in = delivered + credited back + available       (the money is all accounted for)
 *   outstanding awards (awarded − delivered) ≤ available  (every commitment is covered)
 * plus, beside the ring-fences, what places are owed and what funders hold as credit.
 */
export interface SafeguardingLine {
  orderId: number;
  title: string;
  status: string;
  paidCents: number;
  deliveredCents: number;
  creditedCents: number;
  /** The account's maintained balance. */
  availableCents: number;
  /** Σ of the account's entries, recomputed now. */
  entriesCents: number;
  outstandingCents: number;
  reconciled: boolean;
  covered: boolean;
}

export function safeguardingReport(db: Db) {
  const lines = db.$client
    .prepare(
      `select o.id as orderId, o.title, o.status,
         coalesce((select sum(paid_cents) from order_fundings f where f.order_id = o.id), 0) as paidCents,
         coalesce((select -sum(e.amount_cents) from ledger_transactions t join ledger_entries e on e.transaction_id = t.id
                   join ledger_accounts a on a.id = e.account_id and a.kind = 'order_ringfence'
                   where t.order_id = o.id and t.kind = 'delivery'), 0) as deliveredCents,
         coalesce((select sum(credited_cents) from order_fundings f where f.order_id = o.id), 0) as creditedCents,
         coalesce(a.balance_cents, 0) as availableCents,
         coalesce((select sum(e.amount_cents) from ledger_entries e where e.account_id = a.id), 0) as entriesCents,
         coalesce((select sum((w.quantity - w.delivered_quantity) * w.unit_price_cents) from awards w where w.order_id = o.id), 0) as outstandingCents
       from service_orders o left join ledger_accounts a on a.key = 'order_ringfence:' || o.id
       where o.status <> 'draft' order by o.id`,
    )
    .all() as Omit<SafeguardingLine, 'reconciled' | 'covered'>[];
  const orders: SafeguardingLine[] = lines.map((l) => ({
    ...l,
    reconciled: l.availableCents === l.entriesCents && l.paidCents === l.deliveredCents + l.creditedCents + l.availableCents,
    covered: l.outstandingCents <= l.availableCents,
  }));
  const sum = (field: 'paidCents' | 'deliveredCents' | 'creditedCents' | 'availableCents' | 'entriesCents' | 'outstandingCents') =>
    orders.reduce((total, l) => total + l[field], 0);
  const held = db.$client
    .prepare(
      `select kind, coalesce(sum(balance_cents), 0) as balance, coalesce(sum((select sum(amount_cents) from ledger_entries e where e.account_id = a.id)), 0) as entries
       from ledger_accounts a where kind in ('order_ringfence', 'place', 'funder_credit', 'partnership') group by kind`,
    )
    .all() as { kind: string; balance: number; entries: number }[];
  const of = (kind: string) => held.find((h) => h.kind === kind) ?? { balance: 0, entries: 0 };
  const totals = {
    paidCents: sum('paidCents'),
    deliveredCents: sum('deliveredCents'),
    creditedCents: sum('creditedCents'),
    availableCents: sum('availableCents'),
    entriesCents: sum('entriesCents'),
    outstandingCents: sum('outstandingCents'),
    /** Earned by places, not yet paid out (their accounts). */
    owedToPlacesCents: of('place').balance,
    /** Credit notes not yet used or refunded (funders' credit accounts). */
    funderCreditsCents: of('funder_credit').balance,
    /** Pooling fees held for partnerships. */
    partnershipsCents: of('partnership').balance,
  };
  const accountsReconciled = held.every((h) => h.balance === h.entries);
  return {
    orders,
    totals,
    ok: orders.every((l) => l.reconciled && l.covered) && accountsReconciled && totals.availableCents === of('order_ringfence').balance,
  };
}
