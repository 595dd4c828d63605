import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));

/**
 * Opens the database the way every process must: WAL (readers never wait for the writer),
 * foreign keys enforced (SQLite leaves them off by default), and a busy timeout so that a
 * second process waits for the lock instead of failing at once.
 */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  // 32 MiB of page cache instead of SQLite's 2 MiB: at national scale (millions of deliveries) the
  // indexes a write searches (idempotency keys, beneficiaries) no longer go back to the OS per page.
  sqlite.pragma('cache_size = -32768');
  const db = drizzle(sqlite, { schema }) as Db;
  // Every transaction takes the write lock when it begins (BEGIN IMMEDIATE), waiting up to the
  // busy timeout: a deferred one that reads then writes fails at once with SQLITE_BUSY when
  // another process wrote meanwhile, instead of waiting (decision 0013).
  const transaction = db.transaction.bind(db);
  db.transaction = ((run, config) => transaction(run, { behavior: 'immediate', ...config })) as Db['transaction'];
  return db;
}

/**
 * Applies the committed migrations. Foreign keys are off meanwhile, as SQLite asks for table
 * rebuilds (a pragma is a no-op inside the migrator's transaction), then checked as a whole.
 */
export function migrateDatabase(db: Db): void {
  db.$client.pragma('foreign_keys = OFF');
  try {
    const before = appliedMigrations(db);
    migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    // Checked only when a migration ran: on millions of rows the check takes seconds at each start.
    if (appliedMigrations(db) === before) return;
    const violations = db.$client.pragma('foreign_key_check') as unknown[];
    if (violations.length) throw new Error(`Migration left ${violations.length} foreign key violation(s)`);
  } finally {
    db.$client.pragma('foreign_keys = ON');
  }
}

function appliedMigrations(db: Db): number {
  const table = db.$client.prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'").get();
  return table ? (db.$client.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n : 0;
}

/** Opened and migrated: what the server, the seed and each test file start from. */
export function openMigratedDatabase(path: string): Db {
  const db = openDatabase(path);
  migrateDatabase(db);
  return db;
}
