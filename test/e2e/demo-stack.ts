import type { Browser, BrowserContext } from 'playwright-core';
import { seedDemo } from '../../db/seed/demo';
import { createTestApp, type TestApp } from '../setup/app';
import { startTestServer } from '../setup/server';
import { launchBrowser } from './browser';

export type TestServer = Awaited<ReturnType<typeof startTestServer>>;

/** What every browser story starts from: the demo seeded in memory, served on loopback, and Chromium. */
export async function startDemoStack(): Promise<{ testApp: TestApp; server: TestServer; browser: Browser }> {
  const testApp = createTestApp({ env: { SEED_DEMO: 'true' } });
  await seedDemo(testApp.db);
  const server = await startTestServer(testApp);
  const browser = await launchBrowser();
  return { testApp, server, browser };
}

/** Closes what a story opened; each part may be missing when Chromium is absent. */
export async function stopDemoStack(stack: { server?: TestServer; browser?: Browser; contexts?: BrowserContext[] }): Promise<void> {
  for (const context of stack.contexts ?? []) await context.close();
  await stack.browser?.close();
  await stack.server?.close();
}
