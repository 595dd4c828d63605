import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import type { AppRouter } from '../../../server/routers';

/** The one tRPC client. Same origin: the browser sends the session cookie and the Origin header. */
export const trpc = createTRPCClient<AppRouter>({
  links: [httpBatchLink({ url: '/trpc', maxItems: 20 })],
});

export type FieldErrors = Record<string, string[] | undefined>;

/** The field-level errors of a BAD_REQUEST answer, for forms. */
export function fieldErrorsOf(error: unknown): FieldErrors {
  if (error instanceof TRPCClientError) {
    const data = error.data as { fieldErrors?: FieldErrors } | undefined;
    return data?.fieldErrors ?? {};
  }
  return {};
}

export function errorCode(error: unknown): string | undefined {
  return error instanceof TRPCClientError ? (error.data as { code?: string } | undefined)?.code : undefined;
}

/**
 * What a stale write was refused against (CONFLICT with `data.current`): the draft's version now
 * and the value the write would have replaced. Undefined for any other error, including a
 * CONFLICT that is not about versions (a draft already submitted, unconfirmed lines).
 */
export function staleCurrentOf(error: unknown): { version: number; value?: unknown } | undefined {
  if (!(error instanceof TRPCClientError) || errorCode(error) !== 'CONFLICT') return undefined;
  const current = (error.data as { current?: { version: number; value?: unknown } } | undefined)?.current;
  return current && typeof current.version === 'number' ? current : undefined;
}
