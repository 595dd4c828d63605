import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMigratedDatabase, type Db } from '../../../db/client';
import { RateLimiter } from '../../../server/auth/rate-limit';
import { backupDatabase } from '../../../server/services/backup';
import { bookletWithCodes, issueBooklets } from '../../../server/services/passes/booklets';
import { redeemPass } from '../../../server/services/passes/redeem';
import { passKeys } from '../../../server/services/passes/secret';
import { normalizePassCode } from '../../../shared/domain/pass-codes';
import { makeMember, makePlace } from '../../factories';
import { makeAwards, makeBid, makeOrder, sessionUserOf } from '../../factories/marketplace';
import { createTestDb } from '../../setup/db';
import { windowEnd } from '../marketplace/helpers';

/**
 * The secret behind pass codes (decision 0021): on a database file it lives beside it, is
 * created once, survives a restart (a booklet printed yesterday is redeemed today) and goes
 * with a backup; PASS_CODE_SECRET replaces it when set.
 */

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'aptic-pass-secret-'));
});
afterEach(() => {
  delete process.env.PASS_CODE_SECRET;
  rmSync(dir, { recursive: true, force: true });
});

/** On `db`: a pass-required order awarded to a place, one booklet of 3 issued; its codes in clear. */
async function bookletOn(db: Db) {
  const funder = await makeMember(db, 'funder', { name: 'Département du Finistère' });
  const actor = await makeMember(db, 'actor', { name: 'Association Ty Numérik' });
  const placeId = makePlace(db, { organisationId: actor.organisationId, name: 'Espace numérique de Kerfeunteun', mainCommuneCode: '29232' });
  const orderId = makeOrder(db, { funderOrganisationId: funder.organisationId, userId: funder.user.id, passRequired: true, quantity: 20, deliveryEndsOn: windowEnd() });
  const bidId = makeBid(db, { orderId, organisationId: actor.organisationId, lines: [{ placeId, quantity: 20 }] });
  makeAwards(db, { orderId, userId: funder.user.id, lines: [{ bidId, placeId, quantity: 20 }] });
  const funderUser = sessionUserOf(db, funder.user.id);
  const [bookletId] = issueBooklets(db, funderUser, { orderId, organisationId: funder.organisationId, booklets: 1, size: 3 }).bookletIds;
  const codes = bookletWithCodes(db, funderUser, bookletId!).passes.map((p) => p.code);
  return { funderUserId: funder.user.id, actorUserId: actor.user.id, placeId, bookletId: bookletId!, codes };
}

const redeem = (db: Db, actorUserId: number, placeId: number, code: string) =>
  redeemPass(db, sessionUserOf(db, actorUserId), { placeId, code: normalizePassCode(code)!, service: Service.AideAuxDemarchesAdministratives }, new RateLimiter(20, 3_600_000));

describe('the pass secret of a database file', () => {
  it('is created beside the database, readable by its owner only, and the same after a restart: yesterday’s codes still print and redeem', async () => {
    const path = join(dir, 'aptic.db');
    const first = openMigratedDatabase(path);
    const made = await bookletOn(first);
    const secretFile = `${path}.pass-secret`;
    expect(existsSync(secretFile)).toBe(true);
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    const secret = readFileSync(secretFile, 'utf8');
    first.$client.close();

    const again = openMigratedDatabase(path);
    expect(bookletWithCodes(again, sessionUserOf(again, made.funderUserId), made.bookletId).passes.map((p) => p.code)).toEqual(made.codes);
    expect(redeem(again, made.actorUserId, made.placeId, made.codes[0]!).replayed).toBe(false);
    expect(readFileSync(secretFile, 'utf8')).toBe(secret);
    again.$client.close();
  });

  it('goes with a backup: the copy prints and redeems the same codes', async () => {
    const path = join(dir, 'aptic.db');
    const db = openMigratedDatabase(path);
    const made = await bookletOn(db);
    const copyPath = join(dir, 'backups', 'copy.db');

    const result = await backupDatabase(db, copyPath);

    expect(result.ok).toBe(true);
    expect(readFileSync(`${copyPath}.pass-secret`, 'utf8')).toBe(readFileSync(`${path}.pass-secret`, 'utf8'));
    db.$client.close();
    const copy = openMigratedDatabase(copyPath);
    expect(redeem(copy, made.actorUserId, made.placeId, made.codes[1]!).replayed).toBe(false);
    copy.$client.close();
  });

  it('without the secret, the database alone redeems nothing: a code is only a keyed hash there', async () => {
    const path = join(dir, 'aptic.db');
    const db = openMigratedDatabase(path);
    const made = await bookletOn(db);
    db.$client.close();
    rmSync(`${path}.pass-secret`);

    const stolen = openMigratedDatabase(path);
    expect(() => redeem(stolen, made.actorUserId, made.placeId, made.codes[0]!)).toThrow(/ne correspond à aucun pass/);
    stolen.$client.close();
  });
});

describe('PASS_CODE_SECRET', () => {
  it('replaces the file: two databases under the same secret hash a code alike, two in-memory ones without it do not', () => {
    const [a, b] = [createTestDb(), createTestDb()];
    expect(passKeys(a).hash('7K3MQ9TD2HXA')).not.toBe(passKeys(b).hash('7K3MQ9TD2HXA'));

    process.env.PASS_CODE_SECRET = 'ab'.repeat(32);
    const [c, d] = [createTestDb(), createTestDb()];
    expect(passKeys(c).hash('7K3MQ9TD2HXA')).toBe(passKeys(d).hash('7K3MQ9TD2HXA'));
    expect(passKeys(c).unseal(passKeys(d).seal('7K3MQ9TD2HXA'))).toBe('7K3MQ9TD2HXA');
  });

  it('must be 64 hexadecimal characters: anything else stops at the first use, saying so', () => {
    process.env.PASS_CODE_SECRET = 'trop-court';
    expect(() => passKeys(createTestDb())).toThrow('PASS_CODE_SECRET must be 64 hexadecimal characters (32 bytes)');
  });
});
