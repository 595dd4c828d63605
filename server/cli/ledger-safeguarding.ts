import { openMigratedDatabase } from '../../db/client';
import { formatMoney } from '../../shared/money';
import { safeguardingReport } from '../services/safeguarding';

// `npm run ledger:safeguarding`: what the ring-fenced accounts of DATABASE_PATH hold against what is
// still owed, per order and in total, recomputed from the entries; exit 1 if anything does not reconcile.
const path = process.env.DATABASE_PATH ?? './data/aptic.db';
const db = openMigratedDatabase(path);
const report = safeguardingReport(db);
db.$client.close();

const euros = (cents: number) => formatMoney(cents).padStart(16);
console.log(`${path}: ${report.orders.length} orders holding or having held money`);
console.log(`${'order'.padEnd(7)}${'paid in'.padStart(16)}${'delivered'.padStart(16)}${'credited'.padStart(16)}${'available'.padStart(16)}${'outstanding'.padStart(16)}  check`);
for (const o of report.orders) {
  const check = [o.reconciled ? '' : 'NOT RECONCILED', o.covered ? '' : 'NOT COVERED'].filter(Boolean).join(', ') || 'ok';
  if (check !== 'ok' || report.orders.length <= 60) {
    console.log(`${String(o.orderId).padEnd(7)}${euros(o.paidCents)}${euros(o.deliveredCents)}${euros(o.creditedCents)}${euros(o.availableCents)}${euros(o.outstandingCents)}  ${check}`);
  }
}
const t = report.totals;
console.log(`${'total'.padEnd(7)}${euros(t.paidCents)}${euros(t.deliveredCents)}${euros(t.creditedCents)}${euros(t.availableCents)}${euros(t.outstandingCents)}`);
console.log(`owed to places (earned, not paid out): ${formatMoney(t.owedToPlacesCents)}`);
console.log(`funders' credit notes not used:        ${formatMoney(t.funderCreditsCents)}`);
console.log(`pooling fees held for partnerships:    ${formatMoney(t.partnershipsCents)}`);
if (report.ok) console.log('ledger:safeguarding — every ring-fenced account reconciles with its entries and covers its commitments');
else {
  console.log('ledger:safeguarding — FAILED: see the lines above');
  process.exitCode = 1;
}
