import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organisations } from '../../db/schema';
import { SESSION_COOKIE } from '../../server/auth/cookie';
import { createSession } from '../../server/services/auth';
import { makeMember } from '../factories';
import { createTestApp, type TestApp } from '../setup/app';
import { startTestServer } from '../setup/server';
import { chromiumPath, launchBrowser, screenshot } from './browser';
import { stopDemoStack, type TestServer } from './demo-stack';

/**
 * Issue 8, hostile input end to end: HTML and script payloads stored through the real API, in
 * text other users later read (order title and description, bid note, place name,
 * qualification reason, partnership name and charter, round name), are shown as text on the
 * pages that display them. The browser contexts bypass the Content-Security-Policy, so that
 * the rendering alone is under test; the policy itself is checked on each page's response.
 */

let testApp: TestApp;
let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  if (!chromiumPath) return;
  testApp = createTestApp();
  server = await startTestServer(testApp);
  browser = await launchBrowser();
});

afterAll(async () => {
  await stopDemoStack({ server, browser, contexts });
});

/** A payload that, rendered as HTML, would add an image and run code setting `window.__pwned`. */
const payload = (field: string) => `<img src=x onerror="window.__pwned='${field}'"><script>window.__pwned='${field}'</script>«${field}»`;

const isoDaysFromToday = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const year = new Date().getUTCFullYear();

/** A browser page signed in as the user (a session cookie, as the sign-in form would leave), or anonymous. */
async function pageFor(userId?: number): Promise<Page> {
  const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 1100 }, bypassCSP: true });
  contexts.push(context);
  if (userId !== undefined) {
    await context.addCookies([{ name: SESSION_COOKIE, value: createSession(testApp.db, userId, 1).token, url: server.url }]);
  }
  return context.newPage();
}

/**
 * Opens the page, waits until each payload is on it as text, then checks that no image or
 * script came out of them and that none of their code ran; returns the response for its headers.
 */
async function expectShownAsText(page: Page, path: string, texts: string[]) {
  const response = await page.goto(`${server.url}${path}`);
  for (const text of texts) {
    await expect.poll(() => page.locator('body').textContent(), { timeout: 10_000, message: `${path} shows ${text}` }).toContain(text);
  }
  // An injected image fails to load asynchronously: leave its onerror the time to fire.
  await page.waitForTimeout(300);
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  expect(await page.locator('script:not([src])').count()).toBe(0);
  expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
  return response!;
}

/** The policy the page was served with: no framing, scripts from our origin only. */
function expectPolicy(headers: Record<string, string>) {
  const policy = headers['content-security-policy'] ?? '';
  expect(policy).toContain("frame-ancestors 'none'");
  expect(policy).toMatch(/script-src 'self'(;|$)/);
  expect(policy).not.toContain('unsafe-inline');
  expect(headers['x-content-type-options']).toBe('nosniff');
}

/** Through the API: every piece of free text a user can store, each carrying its own payload. */
async function storedPayloads() {
  const db = testApp.db;
  const funder = await makeMember(db, 'funder', { name: 'Conseil départemental du Finistère' });
  const actor = await makeMember(db, 'actor', { name: 'Association Ty Numérik' });
  const operator = await makeMember(db, 'operator', { name: 'Réseau #APTIC' });
  const as = {
    funder: testApp.client(),
    actor: testApp.client(),
    operator: testApp.client(),
  };
  for (const [role, member] of [['funder', funder], ['actor', actor], ['operator', operator]] as const) {
    await as[role].api.auth.signIn.mutate({ email: member.user.email, password: member.user.password });
  }
  const siret = db.select({ siret: organisations.siret }).from(organisations).where(eq(organisations.id, actor.organisationId)).get()!.siret!;

  const application = (name: string) => ({
    organisationId: actor.organisationId,
    siret,
    name,
    mode: 'fixed' as const,
    mainCommuneCode: '29232',
    address: '1 rue de la Gare',
    services: [Service.AideAuxDemarchesAdministratives],
    yearlyCapacity: 1_500,
    legalRepresentative: 'Présidente',
    eligibility: { publicAccess: true, trainedMediators: true, freeForBeneficiaries: true, anonymousByDefault: true, qualityCharter: true },
  });
  const place = await as.actor.api.qualification.submitApplication.mutate(application(payload('place')));
  await as.actor.api.qualification.submitApplication.mutate(application(payload('applicant')));
  await as.operator.api.qualification.decide.mutate({ placeId: place.id, decision: 'qualify', reason: payload('reason') });

  const { orderId } = await as.funder.api.orders.create.mutate({
    organisationId: funder.organisationId,
    title: payload('title'),
    description: payload('description'),
    services: [Service.AideAuxDemarchesAdministratives],
    departementCodes: ['29'],
    quantity: 100,
    bidDeadline: isoDaysFromToday(14),
    deliveryStartsOn: `${year}-01-01`,
    deliveryEndsOn: isoDaysFromToday(60) > `${year}-12-31` ? isoDaysFromToday(60) : `${year}-12-31`,
  });
  await as.funder.api.orders.publish.mutate({ orderId });
  await as.funder.api.orders.recordPayment.mutate({ orderId, organisationId: funder.organisationId, amountCents: 100_000, reference: 'VIR-1', idempotencyKey: 'injection-paiement-1' });
  await as.actor.api.bids.submit.mutate({ orderId, organisationId: actor.organisationId, unitPriceCents: 1_000, note: payload('note'), lines: [{ placeId: place.id, quantity: 40 }] });
  // Bids are sealed until bidding closes: then the funder reads them, note included.
  await as.funder.api.awards.closeBidding.mutate({ orderId });

  const { partnershipId } = await as.actor.api.partnerships.create.mutate({
    organisationId: actor.organisationId,
    kind: 'local',
    name: payload('partnership'),
    departementCodes: ['29'],
    poolingFeeBps: 500,
    charter: payload('charter'),
  });

  const { roundId } = await as.operator.api.rounds.create.mutate({
    name: payload('round'),
    departementCodes: ['29'],
    opensOn: isoDaysFromToday(-1),
    closesOn: isoDaysFromToday(90),
    targetCents: 10_000_000,
  });
  await as.operator.api.rounds.open.mutate({ roundId });

  return { funder, actor, operator, placeId: place.id, orderId, partnershipId, roundId };
}

describe.skipIf(!chromiumPath)('stored HTML and script payloads', () => {
  let stored: Awaited<ReturnType<typeof storedPayloads>>;
  beforeAll(async () => {
    if (chromiumPath) stored = await storedPayloads();
  });

  it('the operator’s qualification queue shows the name of a place waiting for its decision as text', async () => {
    const page = await pageFor(stored.operator.user.id);

    const response = await expectShownAsText(page, '/qualification', [payload('applicant')]);

    expectPolicy(response.headers());
  });

  it('the actor’s space shows its places’ names and the qualification reason as text', async () => {
    const page = await pageFor(stored.actor.user.id);

    const response = await expectShownAsText(page, `/espace/${stored.actor.organisationId}`, [payload('place'), payload('applicant'), payload('reason')]);

    expectPolicy(response.headers());
    await screenshot(page, 'html-injection-actor-space');
  });

  it('the place page shows the place’s name as text', async () => {
    const page = await pageFor(stored.actor.user.id);

    const response = await expectShownAsText(page, `/lieux/${stored.placeId}`, [payload('place')]);

    expectPolicy(response.headers());
    expect(await page.locator('#place-title').textContent()).toBe(payload('place'));
  });

  it('the order page shows the title, the description, the bid note and the bidding place as text', async () => {
    const page = await pageFor(stored.funder.user.id);

    const response = await expectShownAsText(page, `/commandes/${stored.orderId}`, [payload('title'), payload('description'), payload('note'), payload('place')]);

    expectPolicy(response.headers());
    expect(await page.locator('#order-title').textContent()).toBe(payload('title'));
    await screenshot(page, 'html-injection-order');
  });

  it('the partnership page shows its name and its charter as text', async () => {
    const page = await pageFor(stored.actor.user.id);

    const response = await expectShownAsText(page, `/partenariats/${stored.partnershipId}`, [payload('partnership'), payload('charter')]);

    expectPolicy(response.headers());
    expect(await page.locator('#partnership-page-title').textContent()).toBe(payload('partnership'));
  });

  it('the public page of a round, open to anyone, shows its name as text', async () => {
    const page = await pageFor();

    const response = await expectShownAsText(page, `/public/campagnes/${stored.roundId}`, [payload('round')]);

    expectPolicy(response.headers());
    expect(await page.locator('#round-title').textContent()).toBe(payload('round'));
  });
});
