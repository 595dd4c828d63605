import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import type { Db } from '../../db/client';
import { createApp } from '../../server/app';
import { createSignInLimits } from '../../server/auth/rate-limit';
import type { AppDeps } from '../../server/context';
import { parseEnv } from '../../server/env';
import { EventBus } from '../../server/realtime/bus';
import type { AppRouter } from '../../server/routers';
import { createTestDb } from './db';

export const TEST_ORIGIN = 'http://localhost';

export interface TestAppOptions {
  db?: Db;
  env?: Record<string, string>;
}

/** The real Hono app and its dependencies on a fresh migrated database. */
export function createTestApp(options: TestAppOptions = {}) {
  const config = parseEnv({ NODE_ENV: 'test', SEED_DEMO: 'false', ...options.env });
  const deps: AppDeps = {
    db: options.db ?? createTestDb(),
    bus: new EventBus(),
    config,
    limits: createSignInLimits({
      maxPerIp: config.SIGNIN_MAX_PER_IP,
      maxFailuresPerEmail: config.SIGNIN_MAX_FAILURES_PER_EMAIL,
      windowMinutes: config.SIGNIN_WINDOW_MINUTES,
      maxCostlyPerMinute: config.COSTLY_MAX_PER_MINUTE,
      maxWrongPassCodesPerHour: config.PASS_WRONG_CODES_PER_HOUR,
    }),
  };
  const app = createApp(deps);

  /**
   * A real tRPC client whose requests go through `app.request` (Hono, adapters, cookies,
   * Origin check), with a cookie jar of its own: one per simulated browser.
   */
  function client(options: { origin?: string | null; headers?: Record<string, string> } = {}) {
    const jar = new Map<string, string>();
    const api = createTRPCClient<AppRouter>({
      links: [
        httpLink({
          url: `${TEST_ORIGIN}/trpc`,
          headers: () => ({
            ...(options.origin === null ? {} : { origin: options.origin ?? TEST_ORIGIN }),
            ...(jar.size ? { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
            ...options.headers,
          }),
          fetch: async (url, init) => {
            const response = await app.request(String(url), init as RequestInit);
            for (const header of response.headers.getSetCookie()) {
              const [pair] = header.split(';');
              const [name, value] = pair!.split('=') as [string, string];
              if (/max-age=0/i.test(header) || value === '') jar.delete(name);
              else jar.set(name, value);
            }
            return response;
          },
        }),
      ],
    });
    return { api, jar };
  }

  return { app, deps, db: deps.db, client };
}

export type TestApp = ReturnType<typeof createTestApp>;

/** Signs a user in through the API and returns their client. */
export async function signedIn(testApp: TestApp, email: string, password: string) {
  const session = testApp.client();
  await session.api.auth.signIn.mutate({ email, password });
  return session;
}

/** The tRPC error code of a rejected call (`UNAUTHORIZED`, `FORBIDDEN`, `BAD_REQUEST`…). */
export async function errorOf(promise: Promise<unknown>): Promise<{ code: string; httpStatus: number; message: string; fieldErrors?: Record<string, string[]> }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) {
      const data = error.data as { code: string; httpStatus: number; fieldErrors?: Record<string, string[]> };
      return { code: data?.code, httpStatus: data?.httpStatus, message: error.message, fieldErrors: data?.fieldErrors };
    }
    throw error;
  }
  throw new Error('Expected the call to be refused, but it succeeded');
}
