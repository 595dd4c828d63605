import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { accountInvitations, organisations, users } from '../../db/schema';
import { hashPassword } from '../auth/password';
import { conflict } from '../errors';
import { hashSessionToken } from './auth';

/** How long an invitation link stays usable. */
export const INVITATION_DAYS = 14;

/**
 * A one-time link for someone who has no password yet (a prescriber's contact): the token goes
 * to the inviter, who passes it on; the table keeps its SHA-256 only. Inside the caller's
 * transaction. Returns the path of the link.
 */
export function createInvitation(db: Db, userId: number, organisationId: number, now = new Date()): string {
  const token = randomBytes(24).toString('base64url');
  db.insert(accountInvitations)
    .values({
      tokenHash: hashSessionToken(token),
      userId,
      organisationId,
      expiresAt: new Date(now.getTime() + INVITATION_DAYS * 86_400_000).toISOString(),
      createdAt: now.toISOString(),
    })
    .run();
  return `/invitation/${token}`;
}

/**
 * Whether the account was only ever invited: it has links and none was used, so its password is
 * still the unusable one set at the invitation. An account made any other way has none.
 */
export function onlyInvited(db: Db, userId: number): boolean {
  const links = db.select({ acceptedAt: accountInvitations.acceptedAt }).from(accountInvitations).where(eq(accountInvitations.userId, userId)).all();
  return links.length > 0 && links.every((l) => l.acceptedAt === null);
}

/** Ends the unused links of an account (a new one replaces them). Inside the caller's transaction. */
export function revokeInvitations(db: Db, userId: number, now = new Date()): void {
  db.update(accountInvitations)
    .set({ expiresAt: now.toISOString() })
    .where(and(eq(accountInvitations.userId, userId), isNull(accountInvitations.acceptedAt), gt(accountInvitations.expiresAt, now.toISOString())))
    .run();
}

/** What the invitation page shows before the password is chosen: who is invited, and where. */
export function invitationOf(db: Db, token: string, now = new Date()) {
  const found = db
    .select({ email: users.email, name: users.name, organisationName: organisations.name })
    .from(accountInvitations)
    .innerJoin(users, eq(users.id, accountInvitations.userId))
    .innerJoin(organisations, eq(organisations.id, accountInvitations.organisationId))
    .where(and(eq(accountInvitations.tokenHash, hashSessionToken(token)), isNull(accountInvitations.acceptedAt), gt(accountInvitations.expiresAt, now.toISOString())))
    .get();
  if (!found) throw conflict('Ce lien d’invitation n’est plus valable : demandez-en un nouveau à qui vous a invité');
  return found;
}

/** Sets the invited person's password; the link then stops working. Returns the user to sign in. */
export async function acceptInvitation(db: Db, input: { token: string; password: string }, now = new Date()): Promise<number> {
  invitationOf(db, input.token, now);
  const passwordHash = await hashPassword(input.password);
  return db.transaction(() => {
    // Read again after the slow hash: the same link used twice at once sets one password.
    const row = db
      .select({ userId: accountInvitations.userId })
      .from(accountInvitations)
      .where(and(eq(accountInvitations.tokenHash, hashSessionToken(input.token)), isNull(accountInvitations.acceptedAt), gt(accountInvitations.expiresAt, now.toISOString())))
      .get();
    if (!row) throw conflict('Ce lien d’invitation n’est plus valable : demandez-en un nouveau à qui vous a invité');
    db.update(accountInvitations).set({ acceptedAt: now.toISOString() }).where(eq(accountInvitations.tokenHash, hashSessionToken(input.token))).run();
    db.update(users).set({ passwordHash }).where(eq(users.id, row.userId)).run();
    return row.userId;
  });
}
