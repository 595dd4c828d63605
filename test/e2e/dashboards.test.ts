import { createTRPCClient, httpLink } from '@trpc/client';
import { and, eq, like, sql } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awards, fundingRounds, organisations, places, placeYearFigures, serviceOrders } from '../../db/schema';
import { DEMO_LOGINS, DEMO_PASSWORD, demoEmail } from '../../db/seed/demo-logins';
import type { AppRouter } from '../../server/routers';
import { nationalDashboard, roundDashboard } from '../../server/services/dashboards';
import { HISTOGRAM_STEP_CENTS } from '../../shared/domain/dashboards';
import { formatMoney } from '../../shared/money';
import { beneficiaryRef } from '../factories/marketplace';
import { signedIn, type TestApp } from '../setup/app';
import { seriousViolations, type AxeFinding } from './axe';
import { startDemoStack, stopDemoStack, type TestServer } from './demo-stack';
import { chromiumPath, screenshot, SCREENSHOT_DIR } from './browser';

/**
 * Live dashboards in the browser: the demo's open winter round moves on the operator's dashboard
 * and on the signed-out kiosk when deliveries are recorded elsewhere; the public link carries no
 * personal data; the national view renders for the operator and for anyone; axe-core finds no
 * serious or critical violation on any of them.
 */
const ROUND = 'Campagne hiver 2026-2027 — Bretagne, Aveyron, Nord';

let testApp: TestApp;
let server: TestServer;
let browser: Browser;
let roundId: number;
const contexts: BrowserContext[] = [];
const axeFindings = new Map<string, AxeFinding[]>();

beforeAll(async () => {
  if (!chromiumPath) return;
  ({ testApp, server, browser } = await startDemoStack());
  roundId = testApp.db.select({ id: fundingRounds.id }).from(fundingRounds).where(eq(fundingRounds.name, ROUND)).get()!.id;
});

afterAll(async () => {
  await stopDemoStack({ server, browser, contexts });
  for (const [page, findings] of axeFindings) if (findings.length) console.log(`axe on ${page}:`, JSON.stringify(findings, null, 2));
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 1000 } });
  contexts.push(context);
  return context.newPage();
}

async function signedInPage(email: string): Promise<Page> {
  const page = await newPage();
  await page.goto(`${server.url}/connexion`);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(/\/espace\/\d+$/);
  return page;
}

/** French money as the interface prints it, with ordinary spaces for comparison. */
const euros = (cents: number) => formatMoney(cents, { locale: 'fr-FR', whole: true }).replace(/\s/g, ' ');
const text = async (page: Page, testid: string) => ((await page.getByTestId(testid).first().textContent()) ?? '').replace(/\s/g, ' ');
const barCounts = (page: Page) => page.getByTestId('histogram-bar').evaluateAll((bars) => bars.map((b) => Number(b.getAttribute('data-count'))));
const dashboardNow = () => roundDashboard(testApp.db, roundId, testApp.deps.config.ratio);
const roomSize = (room: string) => server.io.sockets.adapter.rooms.get(room)?.size ?? 0;

/** Axe-core on the page as it is; the findings are kept and printed, and must be empty. */
async function expectAccessible(page: Page, name: string) {
  const findings = await seriousViolations(page);
  axeFindings.set(name, findings);
  expect(findings, `axe on ${name}: ${JSON.stringify(findings, null, 2)}`).toEqual([]);
}

describe.skipIf(!chromiumPath)('a funding round’s live dashboards', () => {
  it('the operator’s round dashboard and the signed-out kiosk move, numbers and histogram, when deliveries are recorded elsewhere', async () => {
    const operator = await signedInPage(demoEmail('opérateur'));
    await operator.goto(`${server.url}/campagnes`);
    const row = operator.getByTestId('round-row').filter({ hasText: ROUND });
    await row.waitFor();
    await row.getByRole('link', { name: ROUND }).click();
    await operator.waitForURL(`${server.url}/campagnes/${roundId}`);
    await operator.getByTestId('round-dashboard').waitFor();
    expect(await operator.getByRole('heading', { level: 1 }).textContent()).toBe(ROUND);
    expect(await text(operator, 'money-target')).toBe(euros(1_800_000_00));
    expect(await operator.getByTestId('histogram-bar').count()).toBe(dashboardNow().places.histogram.length);
    await expect.poll(() => roomSize(`round:${roundId}`)).toBeGreaterThan(0);
    // A marker that a reload would wipe out.
    await operator.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    // The kiosk, signed out, on the public room.
    const kiosk = await newPage();
    await kiosk.goto(`${server.url}/campagnes/${roundId}/kiosque`);
    await kiosk.getByTestId('kiosk').waitFor();
    await expect.poll(() => roomSize(`public:round:${roundId}`)).toBeGreaterThan(0);

    // The map: the round's six départements, coloured by balance, each focusable with its figures.
    await operator.getByTestId('map-departement').first().waitFor();
    expect(await operator.getByTestId('map-departement').count()).toBe(6);
    const finistere = operator.locator('[data-testid="map-departement"][data-code="29"]');
    expect(await finistere.getAttribute('data-status')).toBe(dashboardNow().departements.find((d) => d.code === '29')!.status);
    await finistere.focus();
    const tooltip = operator.getByTestId('map-tooltip');
    await tooltip.waitFor();
    expect(await tooltip.textContent()).toContain('Finistère (29)');
    expect(await tooltip.textContent()).toContain('N, lieux qualifiés');
    await operator.locator('[data-testid="map-departement"][data-code="59"]').hover();
    await expect.poll(() => tooltip.textContent()).toContain('Nord (59)');
    await operator.keyboard.press('Escape');
    await expect.poll(() => tooltip.count()).toBe(0);
    expect(await operator.getByTestId('departements-table').locator('tbody tr').count()).toBe(6);
    expect(await text(operator, 'rural-share')).toMatch(/^\d+ %$/);
    await operator.locator('[data-testid="map-departement"][data-code="22"]').focus();
    await operator.keyboard.press('Tab'); // on to the Finistère, from the keyboard
    await expect.poll(() => tooltip.textContent()).toContain('Finistère (29)');
    await operator.locator('.departement-map-block').screenshot({ path: `${SCREENSHOT_DIR}/round-dashboard-map-tooltip.png` });
    await operator.keyboard.press('Escape');

    // The funder attaches its Finistère order (in delivery) to the round from its order page.
    const finistereFunder = testApp.db
      .select({ id: organisations.id })
      .from(organisations)
      .where(eq(organisations.name, 'Conseil départemental du Finistère'))
      .get()!.id;
    const order = testApp.db
      .select()
      .from(serviceOrders)
      .where(and(eq(serviceOrders.funderOrganisationId, finistereFunder), eq(serviceOrders.status, 'in_delivery'), like(serviceOrders.title, 'Accompagnement numérique%')))
      .get()!;
    const funder = await signedInPage(demoEmail('commanditaire'));
    await funder.goto(`${server.url}/commandes/${order.id}`);
    await funder.getByTestId('attach-round').selectOption(String(roundId));
    await funder.getByTestId('attach-round-submit').click();
    await funder.getByText(`Commande rattachée à la campagne « ${ROUND} ».`).waitFor();
    expect(testApp.db.select({ roundId: serviceOrders.roundId }).from(serviceOrders).where(eq(serviceOrders.id, order.id)).get()!.roundId).toBe(roundId);

    const attached = dashboardNow();
    expect(attached.money.deliveredCents).toBeGreaterThan(0);
    await expect.poll(() => text(operator, 'money-delivered')).toBe(euros(attached.money.deliveredCents));
    await expect.poll(() => text(kiosk, 'kiosk-delivered')).toBe(euros(attached.money.deliveredCents));

    // A place of that order whose delivered revenue crosses into the next 2 500 € bar with what is left to deliver.
    const year = attached.year;
    const candidates = testApp.db
      .select({
        awardId: awards.id,
        quantity: awards.quantity,
        delivered: awards.deliveredQuantity,
        unitPriceCents: awards.unitPriceCents,
        organisationId: places.organisationId,
        revenue: sql<number>`coalesce(${placeYearFigures.revenueDeliveredCents}, 0)`,
      })
      .from(awards)
      .innerJoin(places, eq(places.id, awards.placeId))
      .leftJoin(placeYearFigures, and(eq(placeYearFigures.placeId, places.id), eq(placeYearFigures.year, year)))
      .where(eq(awards.orderId, order.id))
      .all()
      .map((a) => {
        const next = (Math.floor(a.revenue / HISTOGRAM_STEP_CENTS) + 1) * HISTOGRAM_STEP_CENTS;
        return { ...a, needed: Math.ceil((next - a.revenue) / a.unitPriceCents) };
      })
      .filter((a) => a.needed <= a.quantity - a.delivered);
    const tyNumerik = testApp.db.select({ id: organisations.id }).from(organisations).where(eq(organisations.name, 'Association Ty Numérik')).get()!.id;
    const award = candidates.find((a) => a.organisationId === tyNumerik) ?? candidates[0];
    expect(award, 'a place of the order can cross into the next bar').toBeDefined();
    const actorEmail = award!.organisationId === tyNumerik ? demoEmail('acteur') : `acteur-${award!.organisationId}@aptic.demo`;

    // Recorded by the place's actor over HTTP, as its own browser would.
    const cookie = `aptic_session=${(await signedIn(testApp, actorEmail, DEMO_PASSWORD)).jar.get('aptic_session')}`;
    const actor = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${server.url}/trpc`, headers: { origin: server.url, cookie } })] });
    const countsBefore = await barCounts(operator);
    const today = new Date().toISOString().slice(0, 10);
    const first = Math.ceil(award!.needed / 2);
    for (const [index, quantity] of [first, award!.needed - first].filter((q) => q > 0).entries()) {
      await actor.deliveries.record.mutate({
        awardId: award!.awardId,
        quantity,
        deliveredOn: today,
        service: order.services[0]!,
        beneficiaryRef: beneficiaryRef(`e2e-dashboards-${index}`),
        idempotencyKey: `e2e-dashboards-${index}`,
      });
    }

    const after = dashboardNow();
    expect(after.money.deliveredCents).toBe(attached.money.deliveredCents + award!.needed * award!.unitPriceCents);
    const expectedCounts = after.places.histogram.map((b) => b.count);
    expect(expectedCounts).not.toEqual(countsBefore);
    await expect.poll(() => text(operator, 'money-delivered')).toBe(euros(after.money.deliveredCents));
    await expect.poll(() => barCounts(operator)).toEqual(expectedCounts);
    await expect.poll(() => barCounts(kiosk)).toEqual(expectedCounts);
    await expect.poll(() => text(kiosk, 'kiosk-delivered')).toBe(euros(after.money.deliveredCents));
    // The feed says it in words, with the order's title and no person.
    const feedLine = `${award!.needed} services réalisés sur « ${order.title} »`;
    await expect.poll(() => operator.getByTestId('activity-item').first().textContent()).toContain(feedLine);
    await expect.poll(() => kiosk.getByTestId('activity-item').first().textContent()).toContain(feedLine);
    expect(await operator.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(operator.url()).toBe(`${server.url}/campagnes/${roundId}`);

    await screenshot(operator, 'round-dashboard');
    await expectAccessible(operator, 'round dashboard');
  });

  it('the kiosk renders signed out, full screen, with the big numbers, the histogram and the feed', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/campagnes/${roundId}/kiosque`);
    await page.getByTestId('kiosk').waitFor();
    const d = dashboardNow();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(ROUND);
    expect(await text(page, 'kiosk-target')).toBe(euros(d.money.targetCents));
    expect(await text(page, 'kiosk-delivered')).toBe(euros(d.money.deliveredCents));
    expect(await text(page, 'kiosk-places')).toBe(String(d.places.qualifiedPlaces));
    expect(await barCounts(page)).toEqual(d.places.histogram.map((b) => b.count));
    await page.getByTestId('activity-feed').waitFor();
    // No chrome: no header, no menu, no sign-in link.
    expect(await page.locator('header.site-header').count()).toBe(0);
    expect(await page.locator('nav').count()).toBe(0);
    await screenshot(page, 'kiosk');
    await expectAccessible(page, 'kiosk');
  });

  it('the public link works signed out and shows aggregates only, no personal data', async () => {
    const page = await newPage();
    const publicAnswers: string[] = [];
    // What the dashboard procedures answered (a batch may also hold config.get, whose demo logins are public).
    page.on('response', async (response) => {
      const url = new URL(response.url());
      if (!url.pathname.startsWith('/trpc/')) return;
      const names = url.pathname.slice('/trpc/'.length).split(',');
      const body = (await response.json().catch(() => [])) as unknown;
      const answers = Array.isArray(body) ? body : [body];
      names.forEach((name, i) => {
        if (name.startsWith('dashboards.')) publicAnswers.push(JSON.stringify(answers[i]));
      });
    });
    await page.goto(`${server.url}/public/campagnes/${roundId}`);
    await page.getByTestId('public-round').waitFor();
    await page.getByTestId('map-departement').first().waitFor();
    const d = dashboardNow();
    expect(await text(page, 'money-delivered')).toBe(euros(d.money.deliveredCents));
    expect(await barCounts(page)).toEqual(d.places.histogram.map((b) => b.count));
    expect(await page.getByTestId('public-link').count()).toBe(0);
    await page.getByTestId('activity-item').first().waitFor();

    const html = await page.content();
    const everything = `${html}\n${publicAnswers.join('\n')}`;
    for (const login of DEMO_LOGINS) {
      expect(everything).not.toContain(login.name);
      expect(everything).not.toContain(login.email);
    }
    expect(everything).not.toMatch(/[\w.+-]+@[\w-]+\.[a-z]{2,}/i); // no e-mail address at all
    expect(everything).not.toContain(beneficiaryRef('e2e-dashboards-0'));
    expect(everything).not.toMatch(/\b[0-9a-f]{32}\b/); // no pseudonymous beneficiary reference either
    const aPlace = testApp.db.select({ name: places.name }).from(places).where(eq(places.departementCode, '29')).get()!.name;
    expect(everything).not.toContain(aPlace);
    await screenshot(page, 'public-round');
    await expectAccessible(page, 'public round');
  });

  it('the national view renders for the operator, sorts its départements, and renders publicly signed out', async () => {
    const year = new Date().getUTCFullYear();
    const national = nationalDashboard(testApp.db, year, testApp.deps.config.ratio);
    const operator = await signedInPage(demoEmail('opérateur'));
    await operator.goto(`${server.url}/national`);
    await operator.getByTestId('national-dashboard').waitFor();
    expect(await operator.getByRole('heading', { level: 1 }).textContent()).toBe('Tableau national');
    expect(await text(operator, 'qualified-places')).toBe(String(national.places.qualifiedPlaces));
    expect(await text(operator, 'mobilised')).toBe(euros(national.mobilisedCents));
    expect(await operator.getByTestId('places-by-status').locator('tbody tr').count()).toBe(3);
    expect(await text(operator, 'services-range')).toContain('De 1 500 à 2 500');
    expect(await text(operator, 'people-range')).toContain('De 150 à 500');
    expect(await operator.getByTestId('departement-row').count()).toBe(national.departements.length);

    // Sorted by F, largest first; a second press reverses; then by balance status.
    const funding = operator.locator('[data-testid="departements-sort"][data-sort="funding"]');
    await funding.click();
    const richest = [...national.departements].sort((a, b) => b.fundingCents - a.fundingCents || b.code.localeCompare(a.code))[0]!;
    expect(await operator.getByTestId('departement-row').first().getAttribute('data-code')).toBe(richest.code);
    expect(await operator.locator('th', { has: funding }).getAttribute('aria-sort')).toBe('descending');
    await funding.click();
    expect(await operator.locator('th', { has: funding }).getAttribute('aria-sort')).toBe('ascending');
    await operator.locator('[data-testid="departements-sort"][data-sort="status"]').click();
    const statuses = await operator.getByTestId('departement-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
    const rank = { room: 0, balanced: 1, dilution: 2 } as Record<string, number>;
    expect(statuses.map((s) => rank[s!])).toEqual([...statuses.map((s) => rank[s!]!)].sort((a, b) => a - b));
    await screenshot(operator, 'national');
    await expectAccessible(operator, 'national (operator)');

    const anyone = await newPage();
    await anyone.goto(`${server.url}/public/national`);
    await anyone.getByTestId('national-dashboard').waitFor();
    expect(await text(anyone, 'qualified-places')).toBe(String(national.places.qualifiedPlaces));
    expect(await text(anyone, 'mobilised')).toBe(euros(national.mobilisedCents));
    const html = await anyone.content();
    for (const login of DEMO_LOGINS) expect(html).not.toContain(login.name);
    await screenshot(anyone, 'national-public');
    await expectAccessible(anyone, 'national (public)');
  });
});

describe.skipIf(!chromiumPath)('funding rounds for the operator', () => {
  it('the operator creates a round with its form, opens it, then closes it; a funder sees it but cannot act', async () => {
    const name = 'Campagne de printemps — Creuse et Lot';
    const operator = await signedInPage(demoEmail('opérateur'));
    await operator.goto(`${server.url}/campagnes`);
    const form = operator.getByTestId('round-form');
    await form.waitFor();
    // An empty form is refused in place, with the field errors of the shared schema.
    await operator.getByTestId('round-submit').click();
    await form.getByRole('alert').waitFor();
    await form.getByLabel('Nom de la campagne').fill(name);
    await form.locator('#round-departements').selectOption(['23', '46']);
    await form.getByLabel('Ouverture').fill('2027-03-01');
    await form.getByLabel('Clôture').fill('2027-05-31');
    await form.getByLabel('Objectif de financement (€)').fill('250 000,50');
    await operator.getByTestId('round-submit').click();
    const row = operator.getByTestId('round-row').filter({ hasText: name });
    await row.waitFor();
    const created = testApp.db.select().from(fundingRounds).where(eq(fundingRounds.name, name)).get()!;
    expect(created).toMatchObject({ status: 'draft', departementCodes: ['23', '46'], targetCents: 25_000_050, opensOn: '2027-03-01', closesOn: '2027-05-31' });

    await row.getByTestId('open-round').click();
    await expect.poll(() => row.getByTestId('round-status').getAttribute('data-status')).toBe('open');
    await row.getByTestId('close-round').click();
    await expect.poll(() => row.getByTestId('round-status').getAttribute('data-status')).toBe('closed');
    expect(testApp.db.select({ status: fundingRounds.status }).from(fundingRounds).where(eq(fundingRounds.id, created.id)).get()!.status).toBe('closed');
    await screenshot(operator, 'rounds');
    await expectAccessible(operator, 'rounds');

    const funder = await signedInPage(demoEmail('commanditaire'));
    await funder.goto(`${server.url}/campagnes`);
    await funder.getByTestId('round-row').filter({ hasText: name }).waitFor();
    expect(await funder.getByTestId('round-form').count()).toBe(0);
    expect(await funder.getByTestId('open-round').count()).toBe(0);
  });
});
