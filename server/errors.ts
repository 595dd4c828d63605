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

/**
 * A refusal found by a service after the input schema passed (a commune that does not exist,
 * a date outside the window…): answered exactly like a zod failure, BAD_REQUEST with the field.
 */
export function fieldError(path: string | (string | number)[], message: string): TRPCError {
  const issue = { code: 'custom' as const, path: Array.isArray(path) ? path : [path], message, input: undefined };
  return new TRPCError({ code: 'BAD_REQUEST', message, cause: new ZodError([issue]) });
}

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
  if (error instanceof TRPCError && error.cause instanceof ZodError) {
    return error.cause.issues.map((issue) => ({ row, field: issue.path.join('.') || null, message: issue.message }));
  }
  if (error instanceof ZodError) return error.issues.map((issue) => ({ row, field: issue.path.join('.') || null, message: issue.message }));
  if (error instanceof TRPCError) return [{ row, field: null, message: error.message }];
  throw error;
}
