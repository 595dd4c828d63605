import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awards, organisations, serviceOrders, users } from '../../db/schema';
import { DEMO_PASSWORD, demoEmail } from '../../db/seed/demo-logins';
import { allocationProposal } from '../../server/services/allocation';
import { closeBidding } from '../../server/services/awards';
import { bumpPlaceFigures } from '../../server/services/figures';
import { DEFAULT_RATIO } from '../../shared/ratio';
import { makePlace } from '../factories';
import { makeBid, makeOrder } from '../factories/marketplace';
import type { TestApp } from '../setup/app';
import { startDemoStack, stopDemoStack, type TestServer } from './demo-stack';
import { chromiumPath, screenshot, signedInPage as signIn } from './browser';

/**
 * Issue 6, end to end: the creating funder opens the award form of an order in « awarding »,
 * reads the consolidating proposal beside the pro-rata split, applies it, and awards exactly it.
 */
/** The demo's showcase: 3 000 services of next year, five places able to take 1 600 each. */
const DEMO_ORDER = `Consolider des lieux des Hauts-de-France en ${new Date().getUTCFullYear() + 1}`;

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

const orgId = (name: string) => testApp.db.select({ id: organisations.id }).from(organisations).where(eq(organisations.name, name)).get()!.id;

/**
 * The demo's showcase order of the foundation, whose proposal consolidates places a pro-rata
 * split would not; should the demo ever lack it, the situation of
 * test/api/marketplace/allocation.test.ts, built for the Finistère funder.
 */
function scenario(): { orderId: number; email: string } {
  const demo = testApp.db.select().from(serviceOrders).where(eq(serviceOrders.title, DEMO_ORDER)).get();
  expect(demo?.status).toBe('awarding');
  if (demo && allocationProposal(testApp.db, demo.id, DEFAULT_RATIO).recommendation.summary.broughtToFloor > 0) {
    return { orderId: demo.id, email: `commanditaire-${orgId('Fondation Inclusion Numérique Solidaire')}@aptic.demo` };
  }
  const db = testApp.db;
  const email = demoEmail('commanditaire');
  const userId = db.select({ id: users.id }).from(users).where(eq(users.email, email)).get()!.id;
  const year = new Date().getUTCFullYear();
  const actor = orgId('Association Ty Numérik');
  const rival = orgId('Association Le Fil Numérique Finistère');
  const short100 = makePlace(db, { organisationId: actor, name: 'Point numérique du Steir — Quimper', mainCommuneCode: '29232', yearlyCapacity: 3_000 });
  const short50 = makePlace(db, { organisationId: actor, name: 'Espace public numérique de Recouvrance — Brest', mainCommuneCode: '29019', yearlyCapacity: 3_000 });
  const far = makePlace(db, { organisationId: rival, name: 'Fil Numérique mobile — Quimper', mainCommuneCode: '29232', yearlyCapacity: 3_000 });
  bumpPlaceFigures(db, short100, year, { revenueDeliveredCents: 1_400_000, servicesDelivered: 1_400 });
  bumpPlaceFigures(db, short50, year, { revenueDeliveredCents: 1_450_000, servicesDelivered: 1_450 });
  const orderId = makeOrder(db, {
    funderOrganisationId: orgId('Conseil départemental du Finistère'),
    userId,
    title: 'Consolidation des lieux finistériens',
    quantity: 150,
  });
  makeBid(db, { orderId, organisationId: actor, lines: [{ placeId: short100, quantity: 120 }, { placeId: short50, quantity: 120 }] });
  makeBid(db, { orderId, organisationId: rival, lines: [{ placeId: far, quantity: 120 }] });
  closeBidding(db, orderId);
  return { orderId, email };
}

describe.skipIf(!chromiumPath)('the consolidating proposal on the award form', () => {
  it('shows the proposal against pro-rata, applies it to the form and awards exactly it', async () => {
    const { orderId, email } = scenario();
    const expected = allocationProposal(testApp.db, orderId, DEFAULT_RATIO);
    const recommended = expected.recommendation.lines.filter((l) => l.quantity > 0);
    expect(recommended.length).toBeGreaterThan(0);

    const funder = await signIn(browser, server.url, email, DEMO_PASSWORD, contexts);
    await funder.goto(`${server.url}/commandes/${orderId}`);
    const panel = funder.getByTestId('allocation-panel');
    await panel.getByTestId('allocation-brought').waitFor();

    // The numbers shown are the server's, and the proposal consolidates at least as many places.
    const brought = Number(await panel.getByTestId('allocation-brought').getAttribute('data-count'));
    const proRata = Number(await panel.getByTestId('prorata-brought').getAttribute('data-count'));
    expect(brought).toBe(expected.recommendation.summary.broughtToFloor);
    expect(proRata).toBe(expected.proRata.broughtToFloor);
    expect(brought).toBeGreaterThanOrEqual(proRata);
    expect(brought).toBeGreaterThan(0);
    expect(await panel.getByTestId('allocation-brought').textContent()).toContain(`Proposition : ${brought} lieu(x)`);
    expect(await panel.getByTestId('prorata-brought').textContent()).toContain(`Répartition au prorata : ${proRata} lieu(x) amené(s) au plancher`);
    expect(await panel.textContent()).toContain('amène le lieu au plancher');
    await screenshot(funder, 'allocation-proposal');

    // Applying fills every award input: the recommended quantity, 0 elsewhere.
    await funder.getByTestId('apply-allocation').click();
    const form = funder.getByTestId('award-form');
    for (const line of expected.recommendation.lines) {
      await expect.poll(() => form.locator(`#award-${line.bidId}-${line.placeId}`).inputValue()).toBe(String(line.quantity));
    }
    const total = recommended.reduce((sum, l) => sum + l.quantity, 0);
    const frenchTotal = new Intl.NumberFormat('fr-FR').format(total).replace(/\s/g, ' ');
    await expect.poll(async () => (await form.getByTestId('award-total').textContent())?.replace(/\s/g, ' ')).toContain(`Total : ${frenchTotal} services`);

    const awardsOf = () => testApp.db.select({ id: awards.id, bidId: awards.bidId, placeId: awards.placeId, quantity: awards.quantity }).from(awards).where(eq(awards.orderId, orderId)).all();
    const earlier = new Set(awardsOf().map((a) => a.id));
    await funder.getByTestId('award-submit').click();
    await expect.poll(() => awardsOf().length - earlier.size, { timeout: 10_000 }).toBe(recommended.length);
    const fresh = awardsOf()
      .filter((a) => !earlier.has(a.id))
      .map(({ bidId, placeId, quantity }) => ({ bidId, placeId, quantity }));
    expect(fresh.sort((a, b) => a.bidId - b.bidId || a.placeId - b.placeId)).toEqual(
      recommended.map(({ bidId, placeId, quantity }) => ({ bidId, placeId, quantity })).sort((a, b) => a.bidId - b.bidId || a.placeId - b.placeId),
    );
    // The order page lists the new awards (the form itself goes once nothing is left to award).
    await expect.poll(() => funder.getByTestId('award-row').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(recommended.length);
  });
});
