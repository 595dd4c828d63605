import type { Db } from '../../db/client';
import { memberships, users } from '../../db/schema';
import type { MembershipRole } from '../../shared/domain/enums';

export interface NewUser {
  email: string;
  name: string;
  passwordHash: string;
  locale?: 'fr' | 'en';
}

/** Creates an account from an already hashed password (hashing is async, transactions are not). */
export function createUser(db: Db, user: NewUser): number {
  return db
    .insert(users)
    .values({ ...user, email: user.email.toLowerCase() })
    .returning({ id: users.id })
    .get().id;
}

/** Adds a membership; an existing one is only ever raised to admin, never lowered. */
export function addMembership(db: Db, userId: number, organisationId: number, role: MembershipRole = 'member'): void {
  const insert = db.insert(memberships).values({ userId, organisationId, role });
  if (role === 'admin') insert.onConflictDoUpdate({ target: [memberships.userId, memberships.organisationId], set: { role } }).run();
  else insert.onConflictDoNothing().run();
}
