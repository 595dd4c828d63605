import { initTRPC } from '@trpc/server';
import { z, ZodError } from 'zod';
import type { Context } from './context';
import { FieldIssues, fieldPath, forbidden, RowErrors, StaleVersion, tooManyCalls, unauthorized } from './errors';
import { assertOrgRole, isOperator } from './permissions';
import { Id } from '../shared/schemas/common';
import type { MembershipRole } from '../shared/domain/enums';

/**
 * Field-level errors, keyed by the field's full dotted path (`lines.1.placeId`), from a zod
 * failure or a service's FieldIssues. Unknown keys on strict inputs are named as fields too
 * (zod reports them on the parent object), so a client always learns which field to fix.
 */
function validationErrors(issues: readonly { path: PropertyKey[]; message: string; code?: string; keys?: string[] }[]) {
  // No prototype: an unknown key named `constructor` or `__proto__` is a field like any other.
  const fieldErrors: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  const formErrors: string[] = [];
  const add = (key: string, message: string) => (fieldErrors[key] = [...(Object.hasOwn(fieldErrors, key) ? fieldErrors[key]! : []), message]);
  for (const issue of issues) {
    const path = fieldPath(issue.path);
    if (issue.code === 'unrecognized_keys' && issue.keys) {
      for (const key of issue.keys) add(path ? `${path}.${key}` : key, 'Champ inconnu');
    } else if (path) add(path, issue.message);
    else formErrors.push(issue.message);
  }
  return { fieldErrors, formErrors };
}

const t = initTRPC.context<Context>().create({
  /** BAD_REQUEST answers carry zod's field errors so forms can show them next to each field. */
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const validation = cause instanceof ZodError || cause instanceof FieldIssues ? validationErrors(cause.issues) : undefined;
    let message = shape.message;
    if (cause instanceof ZodError) message = 'Données invalides';
    else if (error.code === 'PARSE_ERROR') message = 'Requête illisible : le corps n’est pas un JSON valide';
    // The server's own failure is logged, never described to the client.
    else if (error.code === 'INTERNAL_SERVER_ERROR') message = 'Erreur interne du serveur : réessayez ; si elle persiste, prévenez l’opérateur du dispositif';
    const rowErrors = error.cause instanceof RowErrors ? error.cause.rows : undefined;
    const current = error.cause instanceof StaleVersion ? error.cause.current : undefined;
    return {
      ...shape,
      message,
      data: { ...shape.data, stack: undefined, fieldErrors: validation?.fieldErrors, formErrors: validation?.formErrors, rowErrors, current },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

const BUSY_RETRIES = 3;
const isBusy = (error: unknown) => typeof (error as { code?: unknown })?.code === 'string' && (error as { code: string }).code.startsWith('SQLITE_BUSY');

/**
 * A mutation that met another process's write lock for longer than the busy timeout is run
 * again (its transaction rolled back, so nothing was half-written), a few times, before the
 * error reaches the client (multi-process writers, decision 0013).
 */
const retryOnBusy = t.middleware(async function retryOnBusy({ type, next }) {
  let result = await next();
  for (let attempt = 1; type === 'mutation' && !result.ok && isBusy(result.error.cause) && attempt <= BUSY_RETRIES; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 30));
    result = await next({ ctx: { busyRetry: true } });
  }
  return result;
});

/**
 * For procedures that cost the server much (a batch of 1 000 deliveries, a CSV export, a
 * settlement run, a full ledger check): a per-user, per-procedure limit a minute.
 */
export const costly = t.middleware(function limitCostly({ ctx, path, next }) {
  const key = `${ctx.user ? `user:${ctx.user.id}` : `ip:${ctx.ip}`}:${path}`;
  // A run again after SQLITE_BUSY is the same call: it was counted the first time.
  if ((ctx as { busyRetry?: boolean }).busyRetry) return next();
  const wait = ctx.limits.costly.retryAfter(key);
  if (wait > 0) throw tooManyCalls(wait);
  ctx.limits.costly.hit(key);
  return next();
});

/** Anyone, signed in or not. */
export const publicProcedure = t.procedure.use(retryOnBusy);

/** A signed-in user: narrows `ctx.user` to defined. */
export const authedProcedure = publicProcedure.use(function requireUser({ ctx, next }) {
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
