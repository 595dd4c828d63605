import type { Db } from '../../db/client';
import { orderDepartements } from '../../shared/domain/orders';
import { splitCents } from '../../shared/money';

/**
 * Recomputes every maintained figure from the ledger entries and the business rows, and lists
 * each difference in words. Run by `npm run ledger:check`, by the operator, and by the tests
 * after every scenario: dashboards are only as good as this check.
 */
export function checkLedger(db: Db) {
  const sqlite = db.$client;
  const differences: string[] = [];
  const all = <T>(query: string, ...params: unknown[]) => sqlite.prepare(query).all(...params) as T[];

  for (const t of all<{ id: number; total: number; n: number }>(
    `select t.id, coalesce(sum(e.amount_cents), 0) as total, count(e.id) as n
     from ledger_transactions t left join ledger_entries e on e.transaction_id = t.id group by t.id
     having total <> 0 or n < 2`,
  )) {
    differences.push(`transaction ${t.id}: ${t.n} entries summing to ${t.total} (must be ≥ 2 entries summing to 0)`);
  }

  // Maintained account balances against the entries.
  for (const a of all<{ key: string; stored: number; recomputed: number }>(
    `select a.key, a.balance_cents as stored, coalesce((select sum(amount_cents) from ledger_entries e where e.account_id = a.id), 0) as recomputed
     from ledger_accounts a where stored <> recomputed`,
  )) {
    differences.push(`account ${a.key}: balance ${a.stored} ≠ Σ entries ${a.recomputed}`);
  }

  // Ring-fenced accounts (issue 7): never negative; paid in = delivered + credited back + still available.
  for (const o of all<{ id: number; balance: number; paid: number; credited: number; delivered: number }>(
    `select o.id,
       coalesce((select sum(e.amount_cents) from ledger_entries e join ledger_accounts a on a.id = e.account_id
                 where a.key = 'order_ringfence:' || o.id), 0) as balance,
       coalesce((select sum(paid_cents) from order_fundings f where f.order_id = o.id), 0) as paid,
       coalesce((select sum(credited_cents) from order_fundings f where f.order_id = o.id), 0) as credited,
       coalesce((select sum(amount_cents) from deliveries d where d.order_id = o.id), 0) as delivered
     from service_orders o`,
  )) {
    if (o.balance < 0) differences.push(`order ${o.id}: ring-fenced balance ${o.balance} is negative`);
    if (o.balance !== o.paid - o.delivered - o.credited) {
      differences.push(`order ${o.id}: ring-fenced balance ${o.balance} ≠ paid ${o.paid} − delivered ${o.delivered} − credited ${o.credited}`);
    }
  }

  // What each funder paid (from its bank or its credit) and got back, from its own entries; and the credit-note documents.
  for (const f of all<{ orderId: number; funder: number; paid: number; credited: number; ledgerPaid: number; ledgerCredited: number; notes: number }>(
    `select f.order_id as orderId, f.funder_organisation_id as funder, f.paid_cents as paid, f.credited_cents as credited,
       coalesce((select -sum(e.amount_cents) from ledger_entries e join ledger_accounts a on a.id = e.account_id
                 join ledger_transactions t on t.id = e.transaction_id
                 where t.order_id = f.order_id and t.kind = 'funding'
                   and a.key in ('funder:' || f.funder_organisation_id, 'funder_credit:' || f.funder_organisation_id)), 0) as ledgerPaid,
       coalesce((select sum(e.amount_cents) from ledger_entries e join ledger_accounts a on a.id = e.account_id
                 join ledger_transactions t on t.id = e.transaction_id
                 where t.order_id = f.order_id and t.kind = 'credit_note' and a.key = 'funder_credit:' || f.funder_organisation_id), 0) as ledgerCredited,
       coalesce((select sum(amount_cents) from credit_notes c where c.order_id = f.order_id and c.funder_organisation_id = f.funder_organisation_id), 0) as notes
     from order_fundings f`,
  )) {
    if (f.paid !== f.ledgerPaid) differences.push(`order ${f.orderId}, funder ${f.funder}: paid_cents ${f.paid} ≠ ledger ${f.ledgerPaid}`);
    if (f.credited !== f.ledgerCredited) differences.push(`order ${f.orderId}, funder ${f.funder}: credited_cents ${f.credited} ≠ ledger ${f.ledgerCredited}`);
    if (f.notes !== f.ledgerCredited) differences.push(`order ${f.orderId}, funder ${f.funder}: credit notes ${f.notes} ≠ ledger ${f.ledgerCredited}`);
  }

  // Deliveries and the transactions paying them (decision 0017): every delivery paid by exactly one
  // delivery transaction of its order whose place entry is the sum of the deliveries it covers, and
  // every pooling fee moved by one pooling-fee transaction to the partnership of the award.
  for (const d of all<{ id: number; problem: string }>(
    `select d.id, case
       when t.id is null then 'not paid by any delivery transaction'
       when t.kind <> 'delivery' or t.order_id <> d.order_id then 'paid by transaction ' || t.id || ' of another kind or order'
       when d.pooling_fee_cents > 0 and (f.id is null or f.kind <> 'pooling_fee' or f.order_id <> d.order_id) then 'pooling fee not moved by a pooling-fee transaction of its order'
       when d.pooling_fee_cents > 0 and p.id is null then 'pooling fee on an award outside any partnership'
       end as problem
     from deliveries d left join ledger_transactions t on t.id = d.ledger_transaction_id
     left join ledger_transactions f on f.id = d.fee_transaction_id
     join awards w on w.id = d.award_id left join partnerships p on p.id = w.partnership_id
     where problem is not null`,
  )) {
    differences.push(`delivery ${d.id}: ${d.problem}`);
  }
  for (const t of all<{ id: number; kind: string; covered: number; moved: number; samePlace: number }>(
    `with covered as (
       select ledger_transaction_id as id, sum(amount_cents) as cents, min(place_id) as minPlace, max(place_id) as maxPlace
       from deliveries group by ledger_transaction_id
       union all
       select fee_transaction_id, sum(pooling_fee_cents), min(place_id), max(place_id)
       from deliveries where fee_transaction_id is not null group by fee_transaction_id)
     select t.id, t.kind, coalesce(c.cents, 0) as covered,
       coalesce((select sum(e.amount_cents) from ledger_entries e join ledger_accounts a on a.id = e.account_id
                 and a.kind = case t.kind when 'delivery' then 'place' else 'partnership' end where e.transaction_id = t.id), 0) as moved,
       (c.minPlace = c.maxPlace and exists (select 1 from ledger_entries e join ledger_accounts a on a.id = e.account_id
                 where e.transaction_id = t.id and a.place_id = c.minPlace)) as samePlace
     from ledger_transactions t left join covered c on c.id = t.id
     where t.kind in ('delivery', 'pooling_fee') and (covered <> moved or samePlace is not 1)`,
  )) {
    if (t.covered !== t.moved) differences.push(`${t.kind} transaction ${t.id}: moved ${t.moved} ≠ Σ of the deliveries it covers ${t.covered}`);
    else differences.push(`${t.kind} transaction ${t.id}: moves money of a place other than the one of its deliveries`);
  }

  // Monthly payouts: gross = their deliveries, fees = those deliveries' pooling fees, paid ones moved their net.
  for (const p of all<{ id: number; gross: number; fees: number; status: string; net: number; deliveries: number; poolingFees: number; moved: number }>(
    `select p.id, p.gross_cents as gross, p.fees_cents as fees, p.status, p.net_cents as net,
       coalesce((select sum(amount_cents) from deliveries d where d.payout_id = p.id), 0) as deliveries,
       coalesce((select sum(pooling_fee_cents) from deliveries d where d.payout_id = p.id), 0) as poolingFees,
       coalesce((select e.amount_cents from ledger_entries e join ledger_accounts a on a.id = e.account_id and a.kind = 'payout'
                 where e.transaction_id = p.transaction_id), 0) as moved
     from payouts p`,
  )) {
    if (p.gross !== p.deliveries) differences.push(`payout ${p.id}: gross ${p.gross} ≠ Σ its deliveries ${p.deliveries}`);
    if (p.fees !== p.poolingFees) differences.push(`payout ${p.id}: fees ${p.fees} ≠ Σ pooling fees ${p.poolingFees}`);
    if (p.moved !== (p.status === 'paid' ? p.net : 0)) differences.push(`payout ${p.id} (${p.status}): ledger moved ${p.moved}, net ${p.net}`);
  }

  // Awards: delivered quantities, and the order-level limits.
  for (const a of all<{ id: number; recorded: number; recomputed: number }>(
    `select a.id, a.delivered_quantity as recorded, coalesce((select sum(quantity) from deliveries d where d.award_id = a.id), 0) as recomputed
     from awards a where recorded <> recomputed`,
  )) {
    differences.push(`award ${a.id}: delivered_quantity ${a.recorded} ≠ Σ deliveries ${a.recomputed}`);
  }
  for (const o of all<{ id: number; quantity: number; awarded: number; awardedCents: number; paid: number }>(
    `select o.id, o.quantity, coalesce(sum(a.quantity), 0) as awarded, coalesce(sum(a.quantity * a.unit_price_cents), 0) as awardedCents,
       coalesce((select sum(paid_cents) from order_fundings f where f.order_id = o.id), 0) as paid
     from service_orders o left join awards a on a.order_id = o.id group by o.id`,
  )) {
    if (o.awarded > o.quantity) differences.push(`order ${o.id}: awarded ${o.awarded} services > ordered ${o.quantity}`);
    // Awards are bounded by what was paid in, and paid money only leaves through deliveries or before any award.
    if (o.awardedCents > o.paid) differences.push(`order ${o.id}: awarded ${o.awardedCents} > paid in ${o.paid}`);
  }

  // Place-year figures against a recomputation: revenue from the place accounts' delivery entries.
  type Figures = { services: number; revenue: number; committed: number; servicesCommitted: number; people: number; settled: number; paid: number };
  const recomputed = new Map<string, Figures>();
  const at = (placeId: number, year: number) => {
    const key = `${placeId}:${year}`;
    let f = recomputed.get(key);
    if (!f) recomputed.set(key, (f = { services: 0, revenue: 0, committed: 0, servicesCommitted: 0, people: 0, settled: 0, paid: 0 }));
    return f;
  };
  for (const r of all<{ placeId: number; year: number; services: number; people: number }>(
    `select place_id as placeId, cast(substr(delivered_on, 1, 4) as integer) as year, sum(quantity) as services,
       count(distinct beneficiary_ref) as people from deliveries group by placeId, year`,
  )) {
    Object.assign(at(r.placeId, r.year), { services: r.services, people: r.people });
  }
  // Revenue from the deliveries, which the checks above tie to the ledger transactions that paid them.
  for (const r of all<{ placeId: number; year: number; revenue: number }>(
    `select place_id as placeId, cast(substr(delivered_on, 1, 4) as integer) as year, sum(amount_cents) as revenue
     from deliveries group by placeId, year`,
  )) {
    at(r.placeId, r.year).revenue = r.revenue;
  }
  for (const r of all<{ placeId: number; year: number; committed: number; services: number }>(
    `select place_id as placeId, year, sum((quantity - delivered_quantity) * unit_price_cents) as committed,
       sum(quantity - delivered_quantity) as services from awards group by placeId, year`,
  )) {
    Object.assign(at(r.placeId, r.year), { committed: r.committed, servicesCommitted: r.services });
  }
  for (const r of all<{ placeId: number; year: number; settled: number; paid: number }>(
    `select d.place_id as placeId, cast(substr(d.delivered_on, 1, 4) as integer) as year, sum(d.amount_cents) as settled,
       sum(case when p.status = 'paid' then d.amount_cents else 0 end) as paid
     from deliveries d join payouts p on p.id = d.payout_id group by placeId, year`,
  )) {
    Object.assign(at(r.placeId, r.year), { settled: r.settled, paid: r.paid });
  }
  const stored = all<Figures & { placeId: number; year: number }>(
    `select place_id as placeId, year, services_delivered as services, revenue_delivered_cents as revenue,
       revenue_committed_cents as committed, services_committed as servicesCommitted, beneficiaries as people,
       revenue_settled_cents as settled, revenue_paid_cents as paid from place_year_figures`,
  );
  const storedKeys = new Set<string>();
  for (const s of stored) {
    const key = `${s.placeId}:${s.year}`;
    storedKeys.add(key);
    const r = recomputed.get(key) ?? { services: 0, revenue: 0, committed: 0, servicesCommitted: 0, people: 0, settled: 0, paid: 0 };
    for (const field of ['services', 'revenue', 'committed', 'servicesCommitted', 'people', 'settled', 'paid'] as const) {
      if (s[field] !== r[field]) differences.push(`place ${s.placeId}, ${s.year}: ${field} ${s[field]} ≠ recomputed ${r[field]}`);
    }
  }
  for (const [key, r] of recomputed) {
    if (!storedKeys.has(key) && (r.services || r.revenue || r.committed || r.people)) differences.push(`place-year ${key}: figures missing`);
  }

  // Funding mobilised per département for the year of the orders' services: each order's net
  // inflow (funding − credit notes on its ring-fence) shared evenly among its départements.
  const funding = new Map<string, number>();
  for (const t of all<{ orderId: number; year: number; amount: number; departementCodes: string; communeCodes: string }>(
    `select t.order_id as orderId, cast(substr(o.delivery_starts_on, 1, 4) as integer) as year, sum(e.amount_cents) as amount,
       o.departement_codes as departementCodes, o.commune_codes as communeCodes
     from ledger_transactions t join ledger_entries e on e.transaction_id = t.id
     join ledger_accounts a on a.id = e.account_id and a.kind = 'order_ringfence'
     join service_orders o on o.id = t.order_id where t.kind in ('funding', 'credit_note') group by t.order_id`,
  )) {
    const codes = orderDepartements({ departementCodes: JSON.parse(t.departementCodes), communeCodes: JSON.parse(t.communeCodes) });
    if (t.amount < 0) differences.push(`order ${t.orderId}: credited back more than paid in (${t.amount})`);
    const parts = splitCents(Math.max(0, t.amount), codes.map(() => 1));
    codes.forEach((code, i) => funding.set(`${code}:${t.year}`, (funding.get(`${code}:${t.year}`) ?? 0) + parts[i]!));
  }
  for (const d of all<{ code: string; year: number; funding: number }>(
    'select departement_code as code, year, funding_cents as funding from departement_year_figures',
  )) {
    const expected = funding.get(`${d.code}:${d.year}`) ?? 0;
    funding.delete(`${d.code}:${d.year}`);
    if (d.funding !== expected) differences.push(`département ${d.code}, ${d.year}: funding ${d.funding} ≠ recomputed ${expected}`);
  }
  for (const [key, amount] of funding) if (amount !== 0) differences.push(`département-year ${key}: funding ${amount} not recorded`);

  const counts = all<{ transactions: number; entries: number }>(
    'select (select count(*) from ledger_transactions) as transactions, (select count(*) from ledger_entries) as entries',
  )[0]!;
  return { ok: differences.length === 0, differences, ...counts, placeYears: stored.length };
}
