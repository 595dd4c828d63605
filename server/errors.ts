import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';

/**
 * Every refusal the API gives comes from here, with a message a French user can read.
 * The error formatter (server/trpc.ts) adds zod's field errors to BAD_REQUEST answers.
 */
export const unauthorized = (message = 'Connexion requise') => new TRPCError({ code: 'UNAUTHORIZED', message });

export const forbidden = (message = 'Accès refusé à cette ressource') => new TRPCError({ code: 'FORBIDDEN', message });

export const notFound = (what = 'Ressource') => new TRPCError({ code: 'NOT_FOUND', message: `${what} introuvable` });

export const conflict = (message: string) => new TRPCError({ code: 'CONFLICT', message });

export const badRequest = (message: string) => new TRPCError({ code: 'BAD_REQUEST', message });

export const tooManyRequests = (retryAfterSeconds: number) =>
  new TRPCError({
    code: 'TOO_MANY_REQUESTS',
    message: `Trop de tentatives de connexion. Réessayez dans ${Math.ceil(retryAfterSeconds / 60)} min.`,
  });

/** Too many wrong pass codes from one account (decision 0021): guessing stops here for a while. */
export const tooManyWrongCodes = (retryAfterSeconds: number) =>
  new TRPCError({
    code: 'TOO_MANY_REQUESTS',
    message: `Trop de codes de pass erronés depuis ce compte. Réessayez dans ${Math.ceil(retryAfterSeconds / 60)} min, ou vérifiez le carnet avec la personne.`,
  });

export const tooManyCalls = (retryAfterSeconds: number) =>
  new TRPCError({
    code: 'TOO_MANY_REQUESTS',
    message: `Trop de demandes coûteuses en peu de temps. Réessayez dans ${retryAfterSeconds} s.`,
  });

/**
 * A refusal found by a service after the input schema passed (a commune that does not exist,
 * a date outside the window…): answered exactly like a zod failure, BAD_REQUEST with the field.
 */
export function fieldError(path: string | (string | number)[], message: string): TRPCError {
  return new TRPCError({ code: 'BAD_REQUEST', message, cause: new FieldIssues([{ path: Array.isArray(path) ? path : [path], message }]) });
}

export interface FieldIssue {
  path: PropertyKey[];
  message: string;
}

/**
 * Field-level refusals found after the schema passed. Our own Error subclass: a ZodError built by
 * hand is not an Error in zod 4, and tRPC would wrap it beyond recognition.
 */
export class FieldIssues extends Error {
  constructor(readonly issues: FieldIssue[]) {
    super(issues.map((i) => i.message).join(' ; '));
  }
}

/** The dotted path of a field (`lines.1.placeId`), or null for the input as a whole. */
export const fieldPath = (path: readonly PropertyKey[]) => (path.length ? path.map(String).join('.') : null);

/** One refused row of a batch: its 1-based number, the field (when known) and why. */
export interface RowError {
  row: number;
  field: string | null;
  message: string;
}

export class RowErrors extends Error {
  constructor(readonly rows: RowError[]) {
    super(`${rows.length} ligne(s) refusée(s)`);
  }
}

/** A batch refused as a whole, with every row's errors listed (data.rowErrors). */
export function rowsRefused(rows: RowError[]): TRPCError {
  return new TRPCError({ code: 'BAD_REQUEST', message: `Lot refusé : ${rows.length} erreur(s), rien n’a été enregistré`, cause: new RowErrors(rows) });
}

/** The row errors a refusal amounts to, whatever its kind. */
export function rowErrorsOf(error: unknown, row: number): RowError[] {
  const cause = error instanceof TRPCError ? error.cause : error;
  if (cause instanceof FieldIssues || cause instanceof ZodError) {
    return cause.issues.map((issue) => ({ row, field: fieldPath(issue.path), message: issue.message }));
  }
  if (error instanceof TRPCError) return [{ row, field: null, message: error.message }];
  throw error;
}

/** A write made on an outdated version: refused, with what is there now so the user can redo it. */
export class StaleVersion extends Error {
  constructor(
    message: string,
    readonly current: { version: number; value?: unknown },
  ) {
    super(message);
  }
}

export function staleVersion(message: string, current: StaleVersion['current']): TRPCError {
  return new TRPCError({ code: 'CONFLICT', message, cause: new StaleVersion(message, current) });
}
