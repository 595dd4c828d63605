import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { preparedFor } from '../../db/prepared';
import { memberships, organisations, sessions, users } from '../../db/schema';
import type { MembershipRole, OrganisationKind } from '../../shared/domain/enums';
import { dummyPasswordHash, hashPassword, verifyPassword } from '../auth/password';
import type { SignInLimits } from '../auth/rate-limit';
import { fieldError, tooManyRequests, unauthorized } from '../errors';

export interface Membership {
  organisationId: number;
  organisationKind: OrganisationKind;
  organisationName: string;
  role: MembershipRole;
}

export interface SessionUser {
  id: number;
  email: string;
  name: string;
  locale: 'fr' | 'en';
  memberships: Membership[];
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

// Every authenticated request resolves its session: prepared once per database.
const statements = preparedFor((db) => ({
  sessionUser: db
    .select({ id: users.id, email: users.email, name: users.name, locale: users.locale })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sql.placeholder('sessionId')), gt(sessions.expiresAt, sql.placeholder('now'))))
    .prepare(),
  membershipsOf: db
    .select({
      organisationId: organisations.id,
      organisationKind: organisations.kind,
      organisationName: organisations.name,
      role: memberships.role,
    })
    .from(memberships)
    .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
    .where(eq(memberships.userId, sql.placeholder('userId')))
    .orderBy(organisations.name)
    .prepare(),
}));

export function membershipsOf(db: Db, userId: number): Membership[] {
  return statements(db).membershipsOf.all({ userId });
}

/** The signed-in user behind a session token, with their memberships; undefined if expired or unknown. */
export function resolveSession(db: Db, token: string | undefined, now = new Date()): SessionUser | undefined {
  if (!token || token.length > 200) return undefined;
  const user = statements(db).sessionUser.get({ sessionId: hashSessionToken(token), now: now.toISOString() });
  if (!user) return undefined;
  return { ...user, memberships: membershipsOf(db, user.id) };
}

export function createSession(db: Db, userId: number, ttlDays: number, now = new Date()): { token: string; expiresAt: Date } {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + ttlDays * 86_400_000);
  db.transaction((tx) => {
    // Sweep this user's expired sessions as we go, so the table does not grow forever.
    tx.delete(sessions)
      .where(and(eq(sessions.userId, userId), lt(sessions.expiresAt, now.toISOString())))
      .run();
    tx.insert(sessions)
      .values({ id: hashSessionToken(token), userId, expiresAt: expiresAt.toISOString(), createdAt: now.toISOString() })
      .run();
  });
  return { token, expiresAt };
}

export function deleteSession(db: Db, token: string): void {
  db.delete(sessions).where(eq(sessions.id, hashSessionToken(token))).run();
}

/**
 * Checks the password under the sign-in limits: per IP (every attempt counts) and per e-mail
 * (failures count, a success clears them). Both are counted *before* the slow hash, so that
 * parallel attempts cannot all slip under the limit while the first ones are being checked.
 * The same message for an unknown e-mail and a wrong password: the form does not tell which
 * accounts exist.
 */
export async function authenticate(
  db: Db,
  input: { email: string; password: string },
  context: { ip: string; limits: SignInLimits },
): Promise<{ userId: number }> {
  const ipKey = `ip:${context.ip}`;
  const emailKey = `email:${input.email}`;
  const { perIp, failuresPerEmail } = context.limits;
  const wait = Math.max(perIp.retryAfter(ipKey), failuresPerEmail.retryAfter(emailKey));
  if (wait > 0) throw tooManyRequests(wait);
  perIp.hit(ipKey);
  failuresPerEmail.hit(emailKey); // presumed failed until the password is verified

  const user = db.select({ id: users.id, passwordHash: users.passwordHash }).from(users).where(eq(users.email, input.email)).get();
  const valid = await verifyPassword(input.password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !valid) throw unauthorized('E-mail ou mot de passe incorrect');
  failuresPerEmail.reset(emailKey);
  return { userId: user.id };
}

/**
 * Replaces the password once the current one is verified (failures count like sign-in
 * failures), and ends every session of the user: a stolen session does not survive it.
 */
export async function changePassword(db: Db, userId: number, input: { currentPassword: string; newPassword: string }, limits: SignInLimits): Promise<void> {
  const user = db.select({ email: users.email, passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId)).get()!;
  const emailKey = `email:${user.email}`;
  const wait = limits.failuresPerEmail.retryAfter(emailKey);
  if (wait > 0) throw tooManyRequests(wait);
  limits.failuresPerEmail.hit(emailKey);
  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) throw fieldError('currentPassword', 'Mot de passe actuel incorrect');
  limits.failuresPerEmail.reset(emailKey);
  const passwordHash = await hashPassword(input.newPassword);
  db.transaction(() => {
    db.update(users).set({ passwordHash }).where(eq(users.id, userId)).run();
    db.delete(sessions).where(eq(sessions.userId, userId)).run();
  });
}

export function setLocale(db: Db, userId: number, locale: 'fr' | 'en'): void {
  db.update(users).set({ locale }).where(eq(users.id, userId)).run();
}
