import { initTRPC } from '@trpc/server';
import { z, ZodError } from 'zod';
import type { Context } from './context';
import { forbidden, unauthorized } from './errors';
import { assertOrgRole, isOperator } from './permissions';
import { Id } from '../shared/schemas/common';
import type { MembershipRole } from '../shared/domain/enums';

const t = initTRPC.context<Context>().create({
  /** BAD_REQUEST answers carry zod's field errors so forms can show them next to each field. */
  errorFormatter({ shape, error }) {
    const fieldErrors = error.cause instanceof ZodError ? z.flattenError(error.cause).fieldErrors : undefined;
    const formErrors = error.cause instanceof ZodError ? z.flattenError(error.cause).formErrors : undefined;
    return {
      ...shape,
      message: error.cause instanceof ZodError ? 'Données invalides' : shape.message,
      data: { ...shape.data, stack: undefined, fieldErrors, formErrors },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Anyone, signed in or not. */
export const publicProcedure = t.procedure;

/** A signed-in user: narrows `ctx.user` to defined. */
export const authedProcedure = t.procedure.use(function requireUser({ ctx, next }) {
  if (!ctx.user || !ctx.sessionToken) throw unauthorized();
  return next({ ctx: { ...ctx, user: ctx.user, sessionToken: ctx.sessionToken } });
});

/** A member of an operator organisation (the network that runs the scheme). */
export const operatorProcedure = authedProcedure.use(function requireOperator({ ctx, next }) {
  const membership = ctx.user.memberships.find((m) => m.organisationKind === 'operator');
  if (!membership) throw forbidden('Réservé à l’opérateur du dispositif');
  return next({ ctx: { ...ctx, operatorMembership: membership } });
});

/**
 * Organisation-scoped: the input names an organisation (`organisationId`) and the caller must
 * hold one of `roles` in it. `operatorMayRead` lets the operator through too (read-only
 * procedures). For an object owned by an organisation (a place, an order), routers resolve its
 * owner and call `assertOrgRole` / `assertCanReadOrg` (server/permissions.ts) instead.
 */
export function organisationProcedure(options: { roles?: readonly MembershipRole[]; operatorMayRead?: boolean } = {}) {
  return authedProcedure.input(z.object({ organisationId: Id })).use(function requireRoleInOrganisation({ ctx, input, next }) {
    if (!(options.operatorMayRead && isOperator(ctx.user))) assertOrgRole(ctx.user, input.organisationId, options.roles);
    return next({ ctx: { ...ctx, organisationId: input.organisationId } });
  });
}
