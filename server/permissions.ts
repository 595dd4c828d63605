import type { MembershipRole, OrganisationKind } from '../shared/domain/enums';
import { forbidden, notFound } from './errors';
import type { Membership, SessionUser } from './services/auth';

/**
 * Permission checks are on (user, organisation, object), never on a role alone (DESIGN §1).
 * These assertions throw FORBIDDEN; they return the membership that allowed the call.
 */
export function assertOrgRole(
  user: SessionUser,
  organisationId: number,
  roles: readonly MembershipRole[] = ['admin', 'member'],
): Membership {
  const membership = user.memberships.find((m) => m.organisationId === organisationId);
  if (!membership || !roles.includes(membership.role)) throw forbidden();
  return membership;
}

export function isOperator(user: SessionUser | undefined): boolean {
  return !!user?.memberships.some((m) => m.organisationKind === 'operator');
}

export function memberOfKind(user: SessionUser, kind: OrganisationKind): Membership[] {
  return user.memberships.filter((m) => m.organisationKind === kind);
}

/** The caller may read an object owned by `organisationId`: a member of the owner, or the operator. */
export function assertCanReadOrg(user: SessionUser, organisationId: number): void {
  if (isOperator(user)) return;
  assertOrgRole(user, organisationId);
}

/**
 * For an object found by id: `ownerId` is its owning organisation, or undefined when no such
 * object exists. Only the operator learns that it does not exist; anyone else gets the same
 * FORBIDDEN as for someone else's object, so ids cannot be probed.
 */
export function assertCanReadOwned(user: SessionUser, ownerId: number | undefined, what: string): void {
  if (ownerId === undefined) throw isOperator(user) ? notFound(what) : forbidden();
  assertCanReadOrg(user, ownerId);
}

/** For writes on an object: the caller must be a member of its owner (FORBIDDEN when unknown too). */
export function assertMemberOfOwner(user: SessionUser, ownerId: number | undefined, roles: readonly MembershipRole[] = ['admin', 'member']): void {
  if (ownerId === undefined) throw forbidden();
  assertOrgRole(user, ownerId, roles);
}
