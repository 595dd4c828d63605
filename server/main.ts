import { serve } from '@hono/node-server';
import type { Server as HttpServer } from 'node:http';
import { openMigratedDatabase } from '../db/client';
import { DEMO_PASSWORD, DEMO_LOGINS } from '../db/seed/demo-logins';
import { seedDemoIfEmpty } from '../db/seed/demo';
import { createApp } from './app';
import { createSignInLimits } from './auth/rate-limit';
import type { AppDeps } from './context';
import { parseEnv } from './env';
import { EventBus } from './realtime/bus';
import { scheduleOrderClosing } from './jobs/close-expired-orders';
import { attachRealtime } from './realtime/io';

const env = parseEnv();
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
  }),
};

const app = createApp(deps);
const server = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, (info) => {
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
