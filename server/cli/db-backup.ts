import { openDatabase } from '../../db/client';
import { backupDatabase } from '../services/backup';

// `npm run db:backup [destination]`: an online, consistent copy of DATABASE_PATH, safe while the
// server runs, then checked. Default destination: backups/aptic-<date-time>.db. Exit 1 if the copy
// does not pass its checks. Restoring is described in the README (« Security and data safety »).
const source = process.env.DATABASE_PATH ?? './data/aptic.db';
const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
const destination = process.argv[2] ?? `backups/aptic-${stamp}.db`;
const db = openDatabase(source);
const result = await backupDatabase(db, destination);
db.$client.close();
console.log(`${source} → ${result.destination} in ${result.ms} ms`);
console.log(`integrity: ${result.integrity.join(', ')}; ledger: ${result.ledger.transactions} transactions, ${result.ledger.differences.length} difference(s)`);
if (result.ok) console.log('db:backup — the copy is consistent');
else {
  for (const line of result.ledger.differences) console.log(`  ${line}`);
  console.log('db:backup — FAILED: do not rely on this copy');
  process.exitCode = 1;
}
