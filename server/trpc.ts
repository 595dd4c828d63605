import { initTRPC } from '@trpc/server';
import { z, ZodError } from 'zod';
import type { Context } from './context';
import { forbidden, RowErrors, unauthorized } from './errors';
import { assertOrgRole, isOperator } from './permissions';
import { Id } from '../shared/schemas/common';
import type { MembershipRole } from '../shared/domain/enums';

/**
 * Field-level errors of a zod failure. Unknown keys on strict inputs are named as fields too
 * (zod reports them on the parent object), so a client always learns which field to remove.
 */
function validationErrors(error: ZodError) {
  const { fieldErrors, formErrors } = z.flattenError(error);
  const fields: Record<string, string[]> = { ...(fieldErrors as Record<string, string[]>) };
  const rest: string[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys' && issue.path.length === 0) {
      for (const key of issue.keys) fields[key] = [...(fields[key] ?? []), 'Champ inconnu'];
    }
  }
  for (const message of formErrors) if (!message.startsWith('Clé non reconnue') && !message.startsWith('Clés non reconnues')) rest.push(message);
  return { fieldErrors: fields, formErrors: rest };
}

const t = initTRPC.context<Context>().create({
  /** BAD_REQUEST answers carry zod's field errors so forms can show them next to each field. */
  errorFormatter({ shape, error }) {
    const validation = error.cause instanceof ZodError ? validationErrors(error.cause) : undefined;
    let message = shape.message;
    if (validation && error.message === error.cause?.message) message = 'Données invalides';
    else if (error.code === 'PARSE_ERROR') message = 'Requête illisible : le corps n’est pas un JSON valide';
    const rowErrors = error.cause instanceof RowErrors ? error.cause.rows : undefined;
    return {
      ...shape,
      message,
      data: { ...shape.data, stack: undefined, fieldErrors: validation?.fieldErrors, formErrors: validation?.formErrors, rowErrors },
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
