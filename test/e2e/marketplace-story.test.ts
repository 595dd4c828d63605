import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organisations, places, serviceOrders } from '../../db/schema';
import { DEMO_PASSWORD, demoEmail } from '../../db/seed/demo-logins';
import type { TestApp } from '../setup/app';
import { startDemoStack, stopDemoStack, type TestServer } from './demo-stack';
import { chromiumPath, screenshot, signedInPage as signIn } from './browser';

/**
 * The whole story with four signed-in browsers: an actor applies for a place, the operator
 * qualifies it, a funder publishes and funds an order, the actor bids, the funder awards, the
 * actor records a delivery — and the place's gauge moves in a page that was already open.
 * A rival actor watches the order and never sees the bid's content.
 */
const PLACE = 'Tiers-lieu numérique du Steir — Quimper';
const ORDER = 'Démarches en ligne des seniors quimpérois';
const NOTE = 'Permanences du mardi et du jeudi, médiatrice formée France services';

let testApp: TestApp;
let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  if (!chromiumPath) return;
  ({ testApp, server, browser } = await startDemoStack());
});

afterAll(async () => {
  await stopDemoStack({ server, browser, contexts });
});

const signedInPage = (email: string) => signIn(browser, server.url, email, DEMO_PASSWORD, contexts);

const orgId = (name: string) => testApp.db.select({ id: organisations.id }).from(organisations).where(eq(organisations.name, name)).get()!.id;
const today = () => new Date().toISOString().slice(0, 10);
const year = () => today().slice(0, 4);
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe.skipIf(!chromiumPath)('from a funder’s money to a place’s consolidated revenue, in four browsers', () => {
  it('walks apply → qualify → publish and fund → bid → award → deliver, and the open gauge moves', async () => {
    const actor = await signedInPage(demoEmail('acteur'));
    const operator = await signedInPage(demoEmail('opérateur'));
    const funder = await signedInPage(demoEmail('commanditaire'));
    const tyNumerik = orgId('Association Ty Numérik');

    // 1. The actor applies for a new place.
    await actor.goto(`${server.url}/espace/${tyNumerik}/candidature`);
    const form = actor.getByTestId('application-form');
    await form.getByLabel('Nom du lieu').fill(PLACE);
    await form.locator('input[name="mode"][value="fixed"]').check();
    await form.getByLabel('Code INSEE de la commune principale').fill('29232');
    await form.getByLabel('Adresse').fill('12 rue du Steir, 29000 Quimper');
    await form.getByLabel('Aide aux démarches administratives').check();
    await form.getByLabel('Capacité annuelle déclarée (services par an)').fill('2000');
    await form.getByLabel('Représentant·e légal·e').fill('Nadia Benali, présidente');
    for (const criterion of ['publicAccess', 'trainedMediators', 'freeForBeneficiaries', 'anonymousByDefault', 'qualityCharter']) {
      await form.locator(`input[name="eligibility-${criterion}"][value="yes"]`).check();
    }
    await actor.getByTestId('application-submit').click();
    await actor.waitForURL(`${server.url}/espace/${tyNumerik}`);
    await actor.getByText(PLACE).first().waitFor();
    const placeId = testApp.db.select({ id: places.id }).from(places).where(eq(places.name, PLACE)).get()!.id;
    expect(testApp.db.select({ status: places.status }).from(places).where(eq(places.id, placeId)).get()!.status).toBe('applied');

    // 2. The operator sees it in the queue with its territory's balance, and qualifies it.
    await operator.goto(`${server.url}/qualification`);
    const row = operator.getByTestId('queue-row').filter({ hasText: PLACE });
    await row.waitFor();
    expect(await row.getByTestId('territory-balance').textContent()).toContain('Finistère');
    await row.getByTestId('decision-reason').fill('Dossier complet, lieu ouvert à tous les publics');
    await row.getByTestId('decide-qualify').click();
    await expect.poll(() => testApp.db.select({ status: places.status }).from(places).where(eq(places.id, placeId)).get()!.status).toBe('qualified');
    await screenshot(operator, 'story-1-qualified');

    // 3. The funder drafts, publishes and funds an order for Finistère.
    await funder.goto(`${server.url}/commandes/nouvelle?organisation=${orgId('Conseil départemental du Finistère')}`);
    const orderForm = funder.getByTestId('order-form');
    await orderForm.getByLabel('Intitulé').fill(ORDER);
    await orderForm.getByLabel('Aide aux démarches administratives').check();
    await orderForm.locator('#departementCodes').selectOption(['29']);
    await orderForm.getByLabel('Nombre de services').fill('100');
    await orderForm.getByLabel('Date limite des offres').fill(inDays(10));
    await orderForm.getByLabel('Début de réalisation').fill(`${year()}-01-01`);
    await orderForm.getByLabel('Fin de réalisation').fill(`${year()}-12-31`);
    // This story records self-declared deliveries with the form: no pass (the pass story is passes.test.ts).
    await orderForm.getByLabel('Les prestations exigent un pass').uncheck();
    await funder.getByTestId('order-submit').click();
    await funder.waitForURL(/\/commandes\/\d+$/);
    const orderId = Number(funder.url().split('/').pop());
    expect(testApp.db.select({ title: serviceOrders.title }).from(serviceOrders).where(eq(serviceOrders.id, orderId)).get()!.title).toBe(ORDER);
    await funder.getByTestId('publish-order').click();
    await expect.poll(() => funder.getByTestId('order-status').getAttribute('data-status')).toBe('open');
    const payment = funder.getByTestId('payment-form');
    await payment.getByLabel('Montant du versement (€)').fill('1000');
    await payment.getByLabel('Référence du virement').fill('VIR-CD29-0042');
    await funder.getByTestId('payment-submit').click();
    await expect.poll(async () => (await funder.getByTestId('funded-amount').textContent())?.replace(/\s/g, ' ')).toContain('1 000');

    // 4. The actor bids for its new place; a rival actor only learns that a bid exists.
    await actor.goto(`${server.url}/commandes/${orderId}`);
    const bidForm = actor.getByTestId('bid-form');
    await bidForm.waitFor();
    await bidForm.locator(`#bid-quantity-${placeId}`).fill('60');
    await bidForm.getByLabel('Note au commanditaire').fill(NOTE);
    await actor.getByTestId('bid-submit').click();
    await actor.getByText(NOTE).first().waitFor();

    // Every demo actor has a team account: acteur-<organisation id>@aptic.demo.
    const rival = await signedInPage(`acteur-${orgId('Association Le Fil Numérique Finistère')}@aptic.demo`);
    await rival.goto(`${server.url}/commandes/${orderId}`);
    await rival.getByTestId('bid-sealed').waitFor();
    expect(await rival.getByTestId('bid-sealed').textContent()).toContain('1 offre(s) déposée(s) — contenu scellé');
    expect(await rival.content()).not.toContain(NOTE);
    await screenshot(rival, 'story-2-sealed-for-rival');

    // 5. The funder closes bidding and awards 50 services to the new place.
    await funder.reload();
    await funder.getByTestId('close-bidding').click();
    const award = funder.getByTestId('award-form');
    await award.waitFor();
    await award.getByTestId('award-quantity').first().fill('50');
    await expect.poll(() => award.getByTestId('award-total').textContent()).toContain('50');
    await funder.getByTestId('award-submit').click();
    await funder.getByTestId('award-row').first().waitFor();
    await screenshot(funder, 'story-3-awarded');

    // 6. The place page is already open in one tab; a delivery is recorded from another.
    const gaugePage = actor;
    await gaugePage.goto(`${server.url}/lieux/${placeId}`);
    const gauge = gaugePage.getByTestId('place-gauge');
    await gauge.waitFor();
    await expect.poll(() => gaugePage.getByTestId('live-indicator').textContent()).toContain('En direct');
    const before = await gauge.getByTestId('revenue-delivered').textContent();
    expect(before?.replace(/\s/g, ' ')).toContain('0 €');

    const recorder = await gaugePage.context().newPage();
    await recorder.goto(`${server.url}/lieux/${placeId}`);
    const delivery = recorder.getByTestId('delivery-form').first();
    await delivery.waitFor();
    await delivery.getByLabel('Services réalisés').fill('5');
    await delivery.getByLabel('Référence locale de la personne').fill('dossier-2026-117');
    await recorder.getByTestId('delivery-submit').first().click();
    await recorder.getByTestId('delivery-status').first().waitFor();

    await expect.poll(async () => (await gauge.getByTestId('revenue-delivered').textContent())?.replace(/\s/g, ' ')).toContain('50 €');
    await screenshot(gaugePage, 'story-4-gauge-moved');
    expect(gaugePage.url()).toBe(`${server.url}/lieux/${placeId}`); // no navigation, no reload
  });
});
