import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Db } from '../../../db/client';

/**
 * The server secret behind pass codes (decision 0021): the database holds only a keyed hash of
 * each code (found at redemption) and a sealed copy (AES-256-GCM, to print a booklet again), so a
 * copy of the database alone gives away no pass.
 *
 * Where the secret comes from, in order: `PASS_CODE_SECRET` (64 hex characters), else a file
 * beside the database (`<database>.pass-secret`, created on first use, readable by its owner
 * only; back it up with the database), else — an in-memory database — a random one per process.
 */
export interface PassKeys {
  /** Base64url HMAC-SHA-256 of the normalized code: the lookup key. */
  hash(code: string): string;
  seal(code: string): string;
  unseal(sealed: string): string;
  /**
   * The person behind a booklet, for the place's count of people: one booklet goes to one
   * person, so the deliveries redeemed from it share this pseudonym (keyed: it reveals neither
   * the booklet nor its codes). Hexadecimal, as every beneficiary reference.
   */
  pseudonym(bookletId: number): string;
}

const keys = new WeakMap<Db, PassKeys>();

function secretFor(db: Db): Buffer {
  const fromEnv = process.env.PASS_CODE_SECRET;
  if (fromEnv) {
    if (!/^[0-9a-f]{64}$/i.test(fromEnv)) throw new Error('PASS_CODE_SECRET must be 64 hexadecimal characters (32 bytes)');
    return Buffer.from(fromEnv, 'hex');
  }
  const path = db.$client.memory ? undefined : `${db.$client.name}.pass-secret`;
  if (!path) return randomBytes(32);
  if (existsSync(path)) return Buffer.from(readFileSync(path, 'utf8').trim(), 'hex');
  const secret = randomBytes(32);
  // `wx`: two processes starting together cannot both write one; the loser reads the winner's.
  try {
    writeFileSync(path, `${secret.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch {
    return Buffer.from(readFileSync(path, 'utf8').trim(), 'hex');
  }
}

function keysFrom(secret: Buffer): PassKeys {
  const derive = (purpose: string) => Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `aptic pass ${purpose}`, 32));
  const hashKey = derive('lookup');
  const sealKey = derive('seal');
  const pseudonymKey = derive('pseudonym');
  return {
    hash: (code) => createHmac('sha256', hashKey).update(code).digest('base64url'),
    pseudonym: (bookletId) => createHmac('sha256', pseudonymKey).update(`carnet:${bookletId}`).digest('hex').slice(0, 32),
    seal(code) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', sealKey, iv);
      const sealed = Buffer.concat([cipher.update(code, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
    },
    unseal(value) {
      const bytes = Buffer.from(value, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', sealKey, bytes.subarray(0, 12));
      decipher.setAuthTag(bytes.subarray(12, 28));
      return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

/** The pass keys of this database, read or created once per process. */
export function passKeys(db: Db): PassKeys {
  let found = keys.get(db);
  if (!found) keys.set(db, (found = keysFrom(secretFor(db))));
  return found;
}
