import { openMigratedDatabase } from '../../db/client';
import { checkLedger } from '../services/ledger-check';

// `npm run ledger:check`: recompute every figure from the ledger of DATABASE_PATH; exit 1 on any difference.
const path = process.env.DATABASE_PATH ?? './data/aptic.db';
const db = openMigratedDatabase(path);
const report = checkLedger(db);
db.$client.close();
console.log(`${path}: ${report.transactions} transactions, ${report.entries} entries, ${report.placeYears} place-years checked`);
if (report.ok) console.log('ledger:check — no difference');
else {
  console.log(`ledger:check — ${report.differences.length} difference(s):`);
  for (const line of report.differences) console.log(`  ${line}`);
  process.exitCode = 1;
}
