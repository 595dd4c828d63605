import { TRPCError } from '@trpc/server';

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
