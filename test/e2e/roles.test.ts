import { and, eq, sql } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demoEmail, type DemoRole } from '../../db/seed/demo-logins';
import { seedDemo } from '../../db/seed/demo';
import { organisations, places } from '../../db/schema';
import { ordersOfFunder } from '../../server/services/orders';
import { createTestApp, type TestApp } from '../setup/app';
import { startTestServer } from '../setup/server';
import { chromiumPath, launchBrowser, screenshot } from './browser';

let testApp: TestApp;
let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  if (!chromiumPath) return;
  testApp = createTestApp({ env: { SEED_DEMO: 'true' } });
  await seedDemo(testApp.db);
  server = await startTestServer(testApp);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

beforeEach(async () => {
  if (!chromiumPath) return;
  context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
});

afterEach(async () => {
  await context?.close();
});

async function signInAs(role: DemoRole) {
  await page.goto(`${server.url}/connexion`);
  await page.getByLabel('Adresse e-mail').fill(demoEmail(role));
  await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

function organisationId(name: string): number {
  return testApp.db.select({ id: organisations.id }).from(organisations).where(eq(organisations.name, name)).get()!.id;
}

describe.skipIf(!chromiumPath)('each demo role signs in and sees its page in French', () => {
  it('the actor sees its three places, their points of presence and the 15–25 k€ band', async () => {
    await signInAs('acteur');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Mes lieux — Association Ty Numérik');
    await page.getByText('Bus numérique du Cap Sizun', { exact: true }).waitFor();
    expect(await page.getByTestId('place-card').count()).toBe(3);
    expect(await page.getByText('Plogoff').count()).toBe(1);
    expect(await page.getByText('Bande consolidante : 15 000 € – 25 000 € par lieu et par an').count()).toBe(1);
    await expect.poll(() => page.getByTestId('live-indicator').textContent()).toContain('En direct');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
    await screenshot(page, 'actor-places');
  });

  it('the actor’s page moves live when the place’s figures change', async () => {
    await signInAs('acteur');
    const card = page.getByTestId('place-card').filter({ hasText: 'Bus numérique du Cap Sizun' });
    await card.waitFor();
    await expect.poll(() => page.getByTestId('live-indicator').textContent()).toContain('En direct');
    const placeId = testApp.db.select({ id: places.id }).from(places).where(eq(places.name, 'Bus numérique du Cap Sizun')).get()!.id;
    // Wait until the page has joined the place's room, then publish as a committed write would.
    await expect.poll(() => server.io.sockets.adapter.rooms.get(`place:${placeId}`)?.size ?? 0).toBeGreaterThan(0);
    testApp.deps.bus.publish(`place:${placeId}`, 'place.figures', {
      placeId,
      year: new Date().getFullYear(),
      servicesDelivered: 1_234,
      revenueDeliveredCents: 1_234_000,
      revenueCommittedCents: 400_000,
      servicesCommitted: 40,
      beneficiaries: 310,
      revenueSettledCents: 0,
      revenuePaidCents: 0,
    });
    // French number formatting separates thousands with a narrow no-break space.
    await expect.poll(() => card.getByTestId('services-delivered').textContent()).toBe('1\u202f234');
    expect(await card.getByText('12 340 €').count()).toBeGreaterThan(0);
    await screenshot(page, 'actor-live-update');
  });

  it('the funder sees its organisation and every order it posts or co-funds', async () => {
    await signInAs('commanditaire');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Conseil départemental du Finistère');
    const expected = ordersOfFunder(testApp.db, organisationId('Conseil départemental du Finistère')).length;
    expect(expected).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('funder-order-row').count()).toBe(expected);
    expect(await page.getByText('Finistère (29)').count()).toBe(1);
    await screenshot(page, 'funder');
  });

  it('the operator sees qualified places against the 3 000 target, by département', async () => {
    await signInAs('opérateur');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Tableau national');
    const qualified = testApp.db
      .select({ n: sql<number>`count(*)` })
      .from(places)
      .where(and(eq(places.status, 'qualified')))
      .get()!.n;
    await expect.poll(() => page.getByTestId('qualified-places').textContent()).toBe(String(qualified));
    expect(await page.getByText('sur un objectif de 3 000').count()).toBe(1);
    expect(await page.getByRole('rowheader', { name: 'Finistère (29)' }).count()).toBe(1);
    await screenshot(page, 'operator-national');
  });

  it('the partnership lead switches between the partnership and its cooperative', async () => {
    await signInAs('chef de file');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('CAE Numérique Solidaire Bretagne');
    await page.getByTestId('place-card').first().waitFor();
    expect(await page.getByTestId('place-card').count()).toBe(6);
    await screenshot(page, 'partnership');

    await page.getByLabel('Organisation').selectOption({ label: 'Coopérative Les Liens du Numérique' });
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Mes lieux — Coopérative Les Liens du Numérique');
    expect(page.url()).toBe(`${server.url}/espace/${organisationId('Coopérative Les Liens du Numérique')}`);
  });
});

describe.skipIf(!chromiumPath)('signing in', () => {
  it('shows a clear error after a wrong password and stays on the sign-in page', async () => {
    await page.goto(`${server.url}/connexion`);
    await page.getByLabel('Adresse e-mail').fill(demoEmail('acteur'));
    await page.getByLabel('Mot de passe').fill('pas-le-bon');
    await page.getByLabel('Mot de passe').press('Enter'); // the keyboard alone submits the form
    await page.getByTestId('sign-in-error').waitFor();
    expect(await page.getByRole('alert').textContent()).toBe('E-mail ou mot de passe incorrect.');
    expect(page.url()).toBe(`${server.url}/connexion`);
    await screenshot(page, 'sign-in-error');
  });

  it('shows the field error when the e-mail is malformed', async () => {
    await page.goto(`${server.url}/connexion`);
    await page.getByLabel('Adresse e-mail').fill('pas-une-adresse');
    await page.getByLabel('Mot de passe').fill('x');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.locator('#email-error').waitFor();
    expect(await page.locator('#email-error').textContent()).toBe('Adresse e-mail invalide');
    expect(await page.getByLabel('Adresse e-mail').getAttribute('aria-invalid')).toBe('true');
  });

  it('sends a signed-out visitor of a private page to the sign-in page', async () => {
    await page.goto(`${server.url}/espace/1`);
    await page.waitForURL(`${server.url}/connexion`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Connexion');
  });

  it('switches the interface to English and back', async () => {
    await page.goto(`${server.url}/connexion`);
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.getByRole('button', { name: 'Français' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Connexion');
  });

  it('signs out and can no longer reach the private page', async () => {
    await signInAs('acteur');
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL(`${server.url}/connexion`);
    await page.goto(`${server.url}/`);
    await page.waitForURL(`${server.url}/connexion`);
  });
});
