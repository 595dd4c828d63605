import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, openMigratedDatabase, type Db } from '../../../db/client';
import { recordDeliveryBatch } from '../../../server/services/deliveries';
import { backupDatabase, verifyBackup } from '../../../server/services/backup';
import { checkLedger } from '../../../server/services/ledger-check';
import { makeMember, makePlace } from '../../factories';
import { beneficiaryRef, makeAwards, makeBid, makeOrder, sessionUserOf } from '../../factories/marketplace';

/**
 * Backups (issue 8, item 8): an online copy taken while another connection keeps writing is
 * consistent, and restoring it (copying the file in place of the database) gives a clean ledger.
 */
const dir = mkdtempSync(join(tmpdir(), 'aptic-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const count = (db: Db) => (db.$client.prepare('select count(*) as n from deliveries').get() as { n: number }).n;

async function databaseWithDeliveries(path: string) {
  const db = openMigratedDatabase(path);
  const funder = await makeMember(db, 'funder');
  const actor = await makeMember(db, 'actor');
  const placeId = makePlace(db, { organisationId: actor.organisationId, yearlyCapacity: 100_000 });
  const orderId = makeOrder(db, { funderOrganisationId: funder.organisationId, userId: funder.user.id, quantity: 60_000 });
  const bidId = makeBid(db, { orderId, organisationId: actor.organisationId, lines: [{ placeId, quantity: 60_000 }] });
  const [awardId] = makeAwards(db, { orderId, userId: funder.user.id, lines: [{ bidId, placeId, quantity: 60_000 }] }) as [number];
  const user = sessionUserOf(db, actor.user.id);
  const today = new Date().toISOString().slice(0, 10);
  const batch = (from: number, size: number) =>
    Array.from({ length: size }, (_, i) => ({
      awardId,
      quantity: 1,
      deliveredOn: today,
      service: Service.AideAuxDemarchesAdministratives,
      beneficiaryRef: beneficiaryRef(`b${from + i}`),
      idempotencyKey: `sauvegarde-${from + i}`,
    }));
  // Enough pages that the copy takes several steps.
  for (let i = 0; i < 20_000; i += 1_000) recordDeliveryBatch(db, user, batch(i, 1_000), today);
  return { db, write: (from: number) => recordDeliveryBatch(db, user, batch(from, 50), today) };
}

describe('an online backup', () => {
  it('is consistent while another connection keeps writing, and a restore has a clean ledger', async () => {
    const path = join(dir, 'aptic.db');
    const { db: writer, write } = await databaseWithDeliveries(path);
    const before = count(writer);

    // The server's connection writes batches between the backup's steps.
    let writes = 0;
    let stop = false;
    const writing = (async () => {
      for (let i = 0; !stop && i < 200; i++) {
        write(1_000_000 + i * 50);
        writes++;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const source = openDatabase(path);
    const result = await backupDatabase(source, join(dir, 'copies', 'aptic-copy.db'));
    stop = true;
    await writing;
    source.$client.close();

    expect(result.integrity).toEqual(['ok']);
    expect(result.ledger.differences).toEqual([]);
    expect(result.ok).toBe(true);
    expect(writes).toBeGreaterThan(0);

    // Restore: the copy replaces the database file (the server stopped), then opens as usual.
    const restoredPath = join(dir, 'restored.db');
    copyFileSync(result.destination, restoredPath);
    const restored = openMigratedDatabase(restoredPath);
    const restoredCount = count(restored);
    expect(checkLedger(restored).ok).toBe(true);
    // A snapshot taken during the writes: at least what was there before, at most what is there now.
    expect(restoredCount).toBeGreaterThanOrEqual(before);
    expect(restoredCount).toBeLessThanOrEqual(count(writer));
    expect(restoredCount % 50).toBe(0); // whole batches only: nothing half-written
    restored.$client.close();
    writer.$client.close();
  });

  it('is refused as a copy when it does not pass its checks', () => {
    const path = join(dir, 'tampered.db');
    const db = openMigratedDatabase(path);
    db.$client.exec("insert into ledger_transactions (kind, memo, created_at) values ('funding', 'sans écritures', '2026-01-01')");
    db.$client.close();

    const verdict = verifyBackup(path);

    expect(verdict.ok).toBe(false);
    expect(verdict.ledger.differences.join(' ')).toMatch(/transaction \d+: 0 entries/);
  });

  it('runs as `npm run db:backup` against a database file and says the copy is consistent', async () => {
    const path = join(dir, 'cli.db');
    const { db } = await databaseWithDeliveries(path);
    db.$client.close();
    const destination = join(dir, 'cli-copy.db');

    const { stdout } = await promisify(execFile)('npx', ['tsx', 'server/cli/db-backup.ts', destination], {
      env: { ...process.env, DATABASE_PATH: path },
      timeout: 60_000,
    });

    expect(stdout).toContain('db:backup — the copy is consistent');
    expect(existsSync(destination)).toBe(true);
  });
});
