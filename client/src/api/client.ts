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
