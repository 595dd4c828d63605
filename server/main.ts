import { serve } from '@hono/node-server';
import { realpathSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { openMigratedDatabase } from '../db/client';
import { DEMO_PASSWORD, DEMO_LOGINS } from '../db/seed/demo-logins';
import { seedDemoIfEmpty } from '../db/seed/demo';
import { createApp } from './app';
import { createSignInLimits } from './auth/rate-limit';
import type { AppDeps } from './context';
import { parseEnv, type Env } from './env';
import { EventBus } from './realtime/bus';
import { scheduleOrderClosing } from './jobs/close-expired-orders';
import { attachRealtime } from './realtime/io';

export type FetchHandler = ReturnType<typeof createApp>['fetch'];

export interface StartOptions {
  /**
   * Lets a harness answer some paths itself beside the real app, in the same process (the HTTP
   * bench mounts its baseline router this way). `npm start` passes nothing.
   */
  wrapFetch?: (fetch: FetchHandler, deps: AppDeps) => FetchHandler;
}

/** What `npm start` runs: open and migrate the database, seed the demo if empty, serve the app and socket.io. */
export async function startServer(env: Env = parseEnv(), options: StartOptions = {}) {
  const db = openMigratedDatabase(env.DATABASE_PATH);
  if (env.SEED_DEMO) {
    const seeded = await seedDemoIfEmpty(db);
    if (seeded) console.log(`Demo data seeded into ${env.DATABASE_PATH}`);
  }

  const deps: AppDeps = {
    db,
    bus: new EventBus(),
    config: env,
    limits: createSignInLimits({
      maxPerIp: env.SIGNIN_MAX_PER_IP,
      maxFailuresPerEmail: env.SIGNIN_MAX_FAILURES_PER_EMAIL,
      windowMinutes: env.SIGNIN_WINDOW_MINUTES,
      maxCostlyPerMinute: env.COSTLY_MAX_PER_MINUTE,
      maxWrongPassCodesPerHour: env.PASS_WRONG_CODES_PER_HOUR,
    }),
  };

  const app = createApp(deps);
  const fetch = options.wrapFetch ? options.wrapFetch(app.fetch, deps) : app.fetch;
  const server = serve({ fetch, port: env.PORT, hostname: env.HOST }, (info) => {
    console.log(`APTIC marketplace on http://localhost:${info.port}`);
    if (env.SEED_DEMO) {
      console.log(`Demo logins (password « ${DEMO_PASSWORD} »):`);
      for (const login of DEMO_LOGINS) console.log(`  ${login.role.padEnd(18)} ${login.email}`);
    }
  }) as HttpServer;
  attachRealtime(server, deps);
  const stopClosing = scheduleOrderClosing(deps);

  function shutdown() {
    stopClosing();
    server.close();
    db.$client.close();
    process.exit(0);
  }
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  return { server, deps, app };
}

// Run as a program (`tsx server/main.ts`), not when a harness imports it to start the same server.
function isEntryPoint(): boolean {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}
if (isEntryPoint()) await startServer();
