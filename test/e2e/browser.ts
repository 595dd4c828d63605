import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** Debian's Chromium (npx playwright install cannot download a browser here). */
export const chromiumPath = CANDIDATES.find((p): p is string => !!p && existsSync(p));

if (!chromiumPath) {
  const message = `No Chromium found (looked at CHROMIUM_PATH, ${CANDIDATES.slice(1).join(', ')}): end-to-end tests are SKIPPED. Install it with: apt-get install -y chromium`;
  if (process.env.CI === 'true') throw new Error(`${message} — refusing to skip under CI=true`);
  console.warn(`\n${'!'.repeat(80)}\n${message}\n${'!'.repeat(80)}\n`);
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export const SCREENSHOT_DIR = 'test-results/e2e';

/** Screenshots are kept as test artifacts in test-results/e2e/. */
export async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}.png`, fullPage: true });
}

/** A new browser context signed in as a demo user, on its landing page. */
export async function signedInPage(browser: Browser, baseUrl: string, email: string, password: string, contexts: BrowserContext[] = []): Promise<Page> {
  const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 1100 } });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${baseUrl}/connexion`);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(/\/espace\/\d+$/);
  return page;
}
