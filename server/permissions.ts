import type { MembershipRole, OrganisationKind } from '../shared/domain/enums';
import { forbidden } from './errors';
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
