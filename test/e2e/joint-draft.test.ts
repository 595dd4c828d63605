import { and, eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bidLines, bids, organisations, partnerships, places } from '../../db/schema';
import { DEMO_PASSWORD, demoEmail } from '../../db/seed/demo-logins';
import { seedDemo } from '../../db/seed/demo';
import { draftAllocationProposal } from '../../server/services/allocation';
import { openDraft } from '../../server/services/drafts';
import { makeOrder, sessionUserOf } from '../factories/marketplace';
import { createTestApp, type TestApp } from '../setup/app';
import { startTestServer } from '../setup/server';
import { chromiumPath, launchBrowser, screenshot, signedInPage as signIn } from './browser';

/**
 * Two actors of the CAE edit one joint draft in two browsers: each sees the other's change
 * without reload, an edit on a line that moved meanwhile gets the French conflict message with
 * both values, and the lead submits once both lines are confirmed.
 */
let testApp: TestApp;
let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
const contexts: BrowserContext[] = [];
let bidId: number;
let secondBidId: number;
let rennes: number;
let quimper: number;

beforeAll(async () => {
  if (!chromiumPath) return;
  testApp = createTestApp({ env: { SEED_DEMO: 'true' } });
  const { db } = testApp;
  await seedDemo(db);
  const orgId = (name: string) => db.select({ id: organisations.id }).from(organisations).where(eq(organisations.name, name)).get()!.id;
  const region = orgId('Région Bretagne');
  const regionUser = db.$client.prepare('select user_id as id from memberships where organisation_id = ?').get(region) as { id: number };
  const orderId = makeOrder(db, {
    funderOrganisationId: region,
    userId: regionUser.id,
    title: 'Ateliers numériques de printemps en Bretagne',
    departementCodes: ['22', '29', '35', '56'],
    quantity: 300,
  });
  const cae = db.select().from(partnerships).where(eq(partnerships.kind, 'cae')).get()!;
  const leadUser = db.$client.prepare('select id from users where email = ?').get(demoEmail('chef de file')) as { id: number };
  bidId = openDraft(db, sessionUserOf(db, leadUser.id), cae.id, orderId);
  const secondOrderId = makeOrder(db, {
    funderOrganisationId: region,
    userId: regionUser.id,
    title: 'Accompagnements administratifs en Bretagne',
    departementCodes: ['22', '29', '35', '56'],
    quantity: 400,
  });
  secondBidId = openDraft(db, sessionUserOf(db, leadUser.id), cae.id, secondOrderId);
  const placeId = (name: string) => db.select({ id: places.id }).from(places).where(eq(places.name, name)).get()!.id;
  rennes = placeId('Les Liens du Numérique — Rennes Villejean');
  quimper = placeId('Espace numérique Ty Numérik — Quimper');
  server = await startTestServer(testApp);
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await server?.close();
});

const signedInPage = (email: string) => signIn(browser, server.url, email, DEMO_PASSWORD, contexts);

const line = (page: Page, placeId: number) => page.locator(`[data-testid="draft-line"][data-place-id="${placeId}"]`);
const quantityOf = (page: Page, placeId: number) => line(page, placeId).getByTestId('draft-quantity').inputValue();

describe.skipIf(!chromiumPath)('a joint draft edited live by two actors of a partnership', () => {
  it('shows each edit to the other without reload, refuses a stale one in French, and lets the lead submit', async () => {
    const lead = await signedInPage(demoEmail('chef de file'));
    const actor = await signedInPage(demoEmail('acteur'));
    for (const page of [lead, actor]) {
      await page.goto(`${server.url}/offres-communes/${bidId}`);
      await page.getByTestId('draft-editor').waitFor();
    }

    // Presence: each sees both people on the draft.
    for (const page of [lead, actor]) {
      await expect.poll(() => page.getByTestId('presence-user').count()).toBe(2);
    }
    expect(await actor.getByTestId('presence').textContent()).toContain('Maël Kerjean');

    // Each edits its own line; the other sees it live.
    await line(lead, rennes).getByTestId('draft-quantity').fill('30');
    await line(lead, rennes).getByTestId('draft-quantity').press('Enter');
    await expect.poll(() => quantityOf(actor, rennes)).toBe('30');
    await line(actor, quimper).getByTestId('draft-quantity').fill('40');
    await line(actor, quimper).getByTestId('draft-quantity').press('Enter');
    await expect.poll(() => quantityOf(lead, quimper)).toBe('40');

    // The actor starts typing while the lead changes the same line: the actor's save is refused.
    await line(actor, quimper).getByTestId('draft-quantity').fill('55');
    await line(lead, quimper).getByTestId('draft-quantity').fill('45');
    await line(lead, quimper).getByTestId('draft-quantity').press('Enter');
    await expect.poll(async () => testApp.db.select().from(bidLines).where(and(eq(bidLines.bidId, bidId), eq(bidLines.placeId, quimper))).get()!.quantity).toBe(45);
    await actor.waitForTimeout(400); // the live update reaches the actor's page
    await line(actor, quimper).getByTestId('draft-quantity').press('Enter');
    const conflict = actor.getByTestId('draft-conflict');
    await conflict.waitFor();
    expect(await conflict.textContent()).toContain('Le brouillon a changé entre-temps');
    expect(await conflict.getByTestId('conflict-current').textContent()).toContain('45');
    expect(await conflict.getByTestId('conflict-mine').textContent()).toContain('55');
    await screenshot(actor, 'draft-conflict');
    // The user keeps the last word knowingly: re-applied on the new version.
    await conflict.getByTestId('conflict-reapply').click();
    await expect.poll(() => quantityOf(lead, quimper)).toBe('55');

    // Both confirm their own line, then the lead submits.
    await line(actor, quimper).getByTestId('draft-confirm').click();
    await expect.poll(() => line(lead, quimper).getByTestId('draft-line-confirmed').getAttribute('data-confirmed')).toBe('true');
    await line(lead, rennes).getByTestId('draft-confirm').click();
    await expect.poll(() => lead.getByTestId('draft-submit').isEnabled()).toBe(true);
    await lead.getByTestId('draft-submit').click();
    await expect.poll(() => testApp.db.select({ status: bids.status }).from(bids).where(eq(bids.id, bidId)).get()!.status).toBe('submitted');
    const submitted = testApp.db.select({ placeId: bidLines.placeId, quantity: bidLines.quantity }).from(bidLines).where(eq(bidLines.bidId, bidId)).all();
    expect(submitted.sort((a, b) => a.placeId - b.placeId)).toEqual([
      { placeId: Math.min(rennes, quimper), quantity: rennes < quimper ? 30 : 55 },
      { placeId: Math.max(rennes, quimper), quantity: rennes < quimper ? 55 : 30 },
    ]);
    await expect.poll(async () => (await actor.getByTestId('draft-status').textContent()) ?? '').not.toBe('');
    await screenshot(lead, 'draft-submitted');
  });

  it('lets the lead apply the consolidating split among members; the member sees the lines change live', async () => {
    const lead = await signedInPage(demoEmail('chef de file'));
    const actor = await signedInPage(demoEmail('acteur'));
    for (const page of [lead, actor]) {
      await page.goto(`${server.url}/offres-communes/${secondBidId}`);
      await page.getByTestId('draft-editor').waitFor();
    }
    // Only the lead is offered the proposal; it is the server's, computed from the members' figures.
    await lead.getByTestId('allocation-panel').waitFor();
    expect(await actor.getByTestId('allocation-panel').count()).toBe(0);
    const expected = draftAllocationProposal(testApp.db, secondBidId, testApp.deps.config.ratio).recommendation;
    expect(expected.lines.some((l) => l.quantity > 0)).toBe(true);
    await lead.getByTestId('apply-allocation').click();

    const stored = () =>
      testApp.db
        .select({ placeId: bidLines.placeId, quantity: bidLines.quantity })
        .from(bidLines)
        .where(eq(bidLines.bidId, secondBidId))
        .all()
        .sort((a, b) => a.placeId - b.placeId);
    const wanted = expected.lines.map((l) => ({ placeId: l.placeId, quantity: l.quantity })).sort((a, b) => a.placeId - b.placeId);
    await expect.poll(stored).toEqual(wanted);
    for (const l of wanted) await expect.poll(() => quantityOf(actor, l.placeId)).toBe(String(l.quantity));
    await screenshot(lead, 'draft-allocation-applied');
  });
});
