import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Db } from '../../db/client';
import { openDatabase } from '../../db/client';
import { checkLedger } from './ledger-check';

/**
 * An online backup (issue 8): SQLite's backup API copies the database page by page while the
 * server keeps writing. After the first pages it asks for everything left in one step, under
 * one read snapshot, so that a busy writer cannot keep restarting it; the copy is then opened
 * and checked (integrity, then the whole ledger) before it is called good.
 */
export async function backupDatabase(db: Db, destination: string) {
  mkdirSync(dirname(destination), { recursive: true });
  const started = Date.now();
  await db.$client.backup(destination, { progress: ({ remainingPages }) => Math.max(remainingPages, 100) });
  // Pass codes are only readable with the secret beside the database (decision 0021): it goes along.
  const secret = `${db.$client.name}.pass-secret`;
  if (!db.$client.memory && existsSync(secret)) copyFileSync(secret, `${destination}.pass-secret`);
  return { destination, ms: Date.now() - started, ...verifyBackup(destination) };
}

/** Opens a backup read-only: SQLite's own integrity check, then `checkLedger` on its rows. */
export function verifyBackup(path: string) {
  const raw = new Database(path, { readonly: true, fileMustExist: true });
  const integrity = (raw.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
  raw.close();
  const copy = openDatabase(path);
  try {
    const ledger = checkLedger(copy);
    return { integrity, ledger, ok: integrity.length === 1 && integrity[0] === 'ok' && ledger.ok };
  } finally {
    copy.$client.close();
  }
}
