import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payouts } from '../../db/schema';
import { checkLedger } from '../../server/services/ledger-check';
import { monthOf, previousMonth } from '../../shared/domain/months';
import { todayIso } from '../../shared/domain/orders';
import { makeMember, makePlace } from '../factories';
import { makeAwards, makeBid, makeDelivery, makeOrder, sessionUserOf } from '../factories/marketplace';
import { createTestApp, type TestApp } from '../setup/app';
import { startTestServer } from '../setup/server';
import { seriousViolations } from './axe';
import { chromiumPath, launchBrowser, screenshot, signedInPage } from './browser';
import { stopDemoStack, type TestServer } from './demo-stack';

/**
 * Issue 7, end to end: the operator settles the month just over and marks the place's payout
 * paid; the place's page, open meanwhile in another browser, moves from estimated to settled to
 * paid without reload, and the ledger stays clean.
 */
const today = todayIso();
const month = previousMonth(monthOf(today));
// The place page shows this year's figures: in January the month just over belongs to last
// year, so no settlement can move them yet.
const settledThisYear = month.slice(0, 4) === today.slice(0, 4);

let testApp: TestApp;
let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let placeId: number;
let operator: { email: string; password: string };
let actor: { email: string; password: string };

beforeAll(async () => {
  if (!chromiumPath || !settledThisYear) return;
  testApp = createTestApp();
  const { db } = testApp;
  const operatorMember = await makeMember(db, 'operator', { name: 'Opérateur du dispositif' });
  const funder = await makeMember(db, 'funder', { name: 'Conseil départemental du Finistère' });
  const actorMember = await makeMember(db, 'actor', { name: 'Association Ty Numérik' });
  operator = operatorMember.user;
  actor = actorMember.user;
  placeId = makePlace(db, { organisationId: actorMember.organisationId, name: 'Espace numérique du port — Brest' });
  // Bids close today, so the window may end with the year whatever today is.
  const orderId = makeOrder(db, {
    funderOrganisationId: funder.organisationId,
    userId: funder.user.id,
    title: 'Aide aux démarches en ligne à Brest',
    quantity: 40,
    bidDeadline: today,
    deliveryStartsOn: `${month}-01`,
    deliveryEndsOn: `${today.slice(0, 4)}-12-31`,
  });
  const bidId = makeBid(db, { orderId, organisationId: actorMember.organisationId, lines: [{ placeId, quantity: 40 }] });
  const [awardId] = makeAwards(db, { orderId, userId: funder.user.id, lines: [{ bidId, placeId, quantity: 40 }] });
  const user = sessionUserOf(db, actorMember.user.id);
  // 12 services in the month just over (to settle), 3 this month (still estimated after the run).
  makeDelivery(db, user, { awardId: awardId!, quantity: 12, deliveredOn: `${month}-15` });
  makeDelivery(db, user, { awardId: awardId!, quantity: 3, deliveredOn: today });
  server = await startTestServer(testApp);
  browser = await launchBrowser();
});

afterAll(async () => {
  await stopDemoStack({ server, browser, contexts });
});

const cents = async (page: Page, testid: string) => Number(await page.getByTestId(testid).getAttribute('data-cents'));

describe.skipIf(!chromiumPath || !settledThisYear)('the monthly settlement of counter-payments', () => {
  it('settles the month, marks the payout paid, and the place sees estimated → settled → paid live', async () => {
    const placePage = await signedInPage(browser, server.url, actor.email, actor.password, contexts);
    await placePage.goto(`${server.url}/lieux/${placeId}`);
    await placePage.getByTestId('place-money').waitFor();
    await expect.poll(() => cents(placePage, 'money-estimated')).toBe(15_000);
    expect(await cents(placePage, 'money-settled')).toBe(0);
    expect(await cents(placePage, 'money-paid')).toBe(0);
    expect(await placePage.getByTestId('place-payouts-empty').count()).toBe(1);
    // A mark on the window: still there at the end means the page was never reloaded.
    await placePage.evaluate(() => Object.assign(window, { settlementStory: true }));
    await expect.poll(() => server.io.sockets.adapter.rooms.get(`place:${placeId}`)?.size ?? 0).toBeGreaterThan(0);

    const operatorPage = await signedInPage(browser, server.url, operator.email, operator.password, contexts);
    await operatorPage.goto(`${server.url}/reglements`);
    const form = operatorPage.getByTestId('settlement-form');
    await form.waitFor();
    expect(await operatorPage.getByTestId('settlement-month').inputValue()).toBe(month);

    // A month not over yet: the server's reason shows beside the field.
    await operatorPage.getByTestId('settlement-month').fill(monthOf(today));
    await operatorPage.getByTestId('settlement-run').click();
    await expect.poll(() => form.locator('#settlement-month-error').textContent()).toContain('Ce mois n’est pas terminé');
    expect(await operatorPage.getByTestId('settlement-row').count()).toBe(0);

    await operatorPage.getByTestId('settlement-month').fill(month);
    await operatorPage.getByTestId('settlement-run').click();
    await expect.poll(() => operatorPage.locator(`[data-testid="settlement-row"][data-month="${month}"]`).count()).toBe(1);
    const payoutRow = operatorPage.locator(`[data-testid="payout-row"][data-place-id="${placeId}"]`);
    await expect.poll(() => payoutRow.getAttribute('data-status')).toBe('pending');
    expect(await payoutRow.textContent()).toContain('120,00');

    // The place's page follows the run: the month's 120 € leave « estimated » for « settled ».
    await expect.poll(() => cents(placePage, 'money-estimated')).toBe(3_000);
    await expect.poll(() => cents(placePage, 'money-settled')).toBe(12_000);
    expect(await cents(placePage, 'money-paid')).toBe(0);
    await expect.poll(() => placePage.locator(`[data-testid="place-payout"][data-month="${month}"]`).getAttribute('data-status')).toBe('pending');

    expect(await payoutRow.getByTestId('payout-paid-on').inputValue()).toBe(today);
    await payoutRow.getByTestId('payout-reference').fill(`VIR-${month}-001`);
    await screenshot(operatorPage, 'settlement-payouts');
    await payoutRow.getByTestId('payout-mark-paid').click();
    await expect.poll(() => payoutRow.getAttribute('data-status')).toBe('paid');
    await expect.poll(() => operatorPage.locator(`[data-testid="settlement-row"][data-month="${month}"]`).getByTestId('settlement-paid').textContent()).toBe('1 sur 1');

    // …then the payment: settled becomes paid, still without reload.
    await expect.poll(() => cents(placePage, 'money-paid')).toBe(12_000);
    await expect.poll(() => cents(placePage, 'money-settled')).toBe(0);
    expect(await cents(placePage, 'money-estimated')).toBe(3_000);
    const placePayout = placePage.locator(`[data-testid="place-payout"][data-month="${month}"]`);
    await expect.poll(() => placePayout.getAttribute('data-status')).toBe('paid');
    expect(await placePayout.textContent()).toContain(`VIR-${month}-001`);
    expect(await placePage.evaluate(() => (window as unknown as { settlementStory?: boolean }).settlementStory)).toBe(true);
    await screenshot(placePage, 'settlement-place-paid');

    // A reload reads the same money from places.get: settled and paid are stored, not only sent live.
    await placePage.reload();
    await expect.poll(() => cents(placePage, 'money-paid')).toBe(12_000);
    expect(await cents(placePage, 'money-estimated')).toBe(3_000);

    const stored = testApp.db.select().from(payouts).where(eq(payouts.placeId, placeId)).all();
    expect(stored).toMatchObject([{ month, status: 'paid', paymentReference: `VIR-${month}-001`, paidOn: today, services: 12, grossCents: 12_000, netCents: 12_000 }]);
    expect(checkLedger(testApp.db).ok).toBe(true);

    // The month's statement, as printed and as CSV.
    await placePayout.getByRole('link').click();
    const statement = placePage.getByTestId('place-statement');
    await statement.waitFor();
    expect(await statement.getAttribute('data-status')).toBe('paid');
    expect(await cents(placePage, 'statement-net')).toBe(12_000);
    const [download] = await Promise.all([placePage.waitForEvent('download'), placePage.getByTestId('statement-csv').click()]);
    expect(download.suggestedFilename()).toBe(`releve-contreparties-lieu-${placeId}-${month}.csv`);
    await screenshot(placePage, 'settlement-statement');
    expect(await seriousViolations(operatorPage)).toEqual([]);
  });

  it('shows the operator a reconciled safeguarding report and the payment in the audit trail', async () => {
    const page = await signedInPage(browser, server.url, operator.email, operator.password, contexts);
    await page.goto(`${server.url}/cantonnement`);
    const status = page.getByTestId('safeguarding-status');
    await status.waitFor();
    expect(await status.getAttribute('data-ok')).toBe('true');
    expect(await page.getByTestId('safeguarding-row').count()).toBe(1);
    // 400 € paid in, 150 € delivered, 250 € still held for the 25 services awarded and not delivered.
    expect(await cents(page, 'safeguarding-paidCents')).toBe(40_000);
    expect(await cents(page, 'safeguarding-deliveredCents')).toBe(15_000);
    expect(await cents(page, 'safeguarding-availableCents')).toBe(25_000);
    expect(await cents(page, 'safeguarding-outstandingCents')).toBe(25_000);
    // The place still holds what is not paid out yet: this month's 30 €.
    expect(await cents(page, 'safeguarding-owedToPlacesCents')).toBe(3_000);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'safeguarding');

    await page.goto(`${server.url}/journal`);
    const paid = page.locator('[data-testid="audit-row"][data-action="payout.paid"]');
    await paid.waitFor();
    expect(await paid.textContent()).toContain('Versement à un lieu payé');
    expect(await paid.textContent()).toContain(`VIR-${month}-001`);
    expect(await page.locator('[data-testid="audit-row"][data-action="settlement.run"]').count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'audit-trail');
  });
});
