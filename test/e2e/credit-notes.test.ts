import { and, eq } from 'drizzle-orm';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awards, creditNotes, orderFundings } from '../../db/schema';
import { finishAwarding } from '../../server/services/awards';
import { creditsOfFunder } from '../../server/services/credits';
import { checkLedger } from '../../server/services/ledger-check';
import { getOrderRow } from '../../server/services/orders';
import { makeMember, makePlace } from '../factories';
import { makeAwards, makeBid, makeDelivery, makeOrder, sessionUserOf } from '../factories/marketplace';
import { createTestApp, type TestApp } from '../setup/app';
import { startTestServer } from '../setup/server';
import { seriousViolations } from './axe';
import { chromiumPath, launchBrowser, screenshot, signedInPage } from './browser';
import { stopDemoStack, type TestServer } from './demo-stack';

/**
 * Issue 7, end to end for a funder: an order whose delivery window is over is closed from its
 * page, the undelivered money comes back as a credit note, and that credit funds another order
 * through the payment form. The ledger stays balanced throughout.
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

const daysFromToday = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/**
 * A funder with two orders: one of 100 services at 10 €, paid in full, whose window ended five
 * days ago (60 awarded, 25 delivered), and a new published one of 50 services, unpaid.
 */
async function scenario() {
  const db = testApp.db;
  const funder = await makeMember(db, 'funder', { name: 'Conseil départemental de l’Iroise' });
  const actor = await makeMember(db, 'actor', { name: 'Association Pointe Numérique' });
  const placeId = makePlace(db, { organisationId: actor.organisationId, name: 'Espace numérique du Conquet', mainCommuneCode: '29019' });
  const pastOrderId = makeOrder(db, {
    funderOrganisationId: funder.organisationId,
    userId: funder.user.id,
    title: 'Accompagnement numérique du premier semestre',
    quantity: 100,
    today: daysFromToday(-90),
    bidDeadline: daysFromToday(-85),
    deliveryStartsOn: daysFromToday(-80),
    deliveryEndsOn: daysFromToday(-5),
  });
  const bidId = makeBid(db, { orderId: pastOrderId, organisationId: actor.organisationId, lines: [{ placeId, quantity: 60 }], today: daysFromToday(-88) });
  const [awardId] = makeAwards(db, { orderId: pastOrderId, userId: funder.user.id, lines: [{ bidId, placeId, quantity: 60 }], today: daysFromToday(-84) });
  finishAwarding(db, pastOrderId);
  makeDelivery(db, sessionUserOf(db, actor.user.id), { awardId: awardId!, quantity: 25, deliveredOn: daysFromToday(-30), today: daysFromToday(-30) });
  const newOrderId = makeOrder(db, {
    funderOrganisationId: funder.organisationId,
    userId: funder.user.id,
    title: 'Accompagnement numérique du second semestre',
    quantity: 50,
    paidCents: 0,
  });
  return { funder, pastOrderId, awardId: awardId!, newOrderId };
}

describe.skipIf(!chromiumPath)('a funder closes an expired order and spends the credit note', () => {
  it('closes the order, sees the credit note and the balance, then funds another order from it', async () => {
    const db = testApp.db;
    const { funder, pastOrderId, awardId, newOrderId } = await scenario();
    expect(getOrderRow(db, pastOrderId).status).toBe('in_delivery');
    const page = await signedInPage(browser, server.url, funder.user.email, funder.user.password, contexts);
    const organisationId = funder.organisationId;

    // The order page: the window is over, deliveries may still come until the end of grace.
    await page.goto(`${server.url}/commandes/${pastOrderId}`);
    await page.getByTestId('order-grace').waitFor();
    expect(await page.getByTestId('order-grace').textContent()).toContain('Enregistrements de prestations possibles jusqu’au');
    await page.getByTestId('close-order').click();
    await page.getByTestId('close-order-confirm').click();

    // 35 awarded services released, 1 000 € − 250 € delivered = 750 € credited back.
    const result = page.getByTestId('close-result');
    await expect.poll(() => result.getAttribute('data-released'), { timeout: 10_000 }).toBe('35');
    expect(await result.textContent()).toContain('35 service(s) attribué(s) et non réalisé(s) libéré(s)');
    await expect.poll(() => page.getByTestId('order-status').getAttribute('data-status')).toBe('closed');
    await expect.poll(() => page.getByTestId('order-closed').getAttribute('data-credited-cents')).toBe('75000');
    expect(await page.getByTestId('close-order').count()).toBe(0);

    const order = getOrderRow(db, pastOrderId);
    expect(order.status).toBe('closed');
    expect(order.closedAt).not.toBeNull();
    const award = db.select().from(awards).where(eq(awards.id, awardId)).get()!;
    expect({ quantity: award.quantity, delivered: award.deliveredQuantity, released: award.releasedQuantity }).toEqual({ quantity: 25, delivered: 25, released: 35 });
    const note = db.select().from(creditNotes).where(eq(creditNotes.orderId, pastOrderId)).get()!;
    expect(note).toMatchObject({ funderOrganisationId: organisationId, amountCents: 75_000 });
    expect(note.number).toMatch(/^AV-\d{4}-\d{5}$/);

    // The credit note's document, from the link shown after closing.
    const link = page.getByTestId('close-credit-note').getByRole('link');
    await expect.poll(() => link.textContent()).toBe(`Avoir ${note.number}`);
    await screenshot(page, 'order-closed');
    await link.click();
    await expect.poll(() => page.getByTestId('credit-note').getAttribute('data-number')).toBe(note.number);
    expect(await page.getByTestId('credit-note-amount').getAttribute('data-cents')).toBe('75000');
    expect(await page.getByTestId('credit-note').textContent()).toContain('Conseil départemental de l’Iroise');
    expect(await page.getByRole('button', { name: 'Imprimer' }).count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);

    // The funder's credit: the balance and the note.
    await page.goto(`${server.url}/espace/${organisationId}/avoirs`);
    await expect.poll(() => page.getByTestId('credit-balance').getAttribute('data-cents')).toBe('75000');
    expect(await page.getByTestId('credit-note-row').getAttribute('data-number')).toBe(note.number);
    // A refund beyond the credit is refused beside its field, before anything is sent.
    await page.getByTestId('refund-amount').fill('900');
    await page.getByTestId('refund-reference').fill('REMB-IROISE-1');
    await page.getByTestId('refund-submit').click();
    await expect.poll(() => page.locator('#refund-amount-error').textContent()).toContain('dépasse votre avoir disponible');
    expect(await page.getByTestId('refund-amount').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'credits');
    expect(await seriousViolations(page)).toEqual([]);

    // The new order, funded from the credit through the payment form.
    await page.goto(`${server.url}/commandes/${newOrderId}`);
    const form = page.getByTestId('payment-form');
    await form.waitFor();
    await form.getByLabel('Depuis mes avoirs').check();
    await expect.poll(() => form.getByTestId('payment-credit').getAttribute('data-cents')).toBe('75000');
    await form.getByLabel('Montant du versement (€)').fill('300');
    await form.getByLabel('Référence du versement').fill('ENG-IROISE-2');
    await screenshot(page, 'payment-from-credit');
    await form.getByTestId('payment-submit').click();
    await expect.poll(() => page.getByTestId('payment-status').textContent(), { timeout: 10_000 }).toContain('depuis vos avoirs enregistré');

    const funding = () =>
      db
        .select({ paid: orderFundings.paidCents })
        .from(orderFundings)
        .where(and(eq(orderFundings.orderId, newOrderId), eq(orderFundings.funderOrganisationId, organisationId)))
        .get()!.paid;
    expect(funding()).toBe(30_000);
    expect(creditsOfFunder(db, organisationId).balanceCents).toBe(45_000);
    // The form stays for the rest of the share and shows the credit left.
    await expect.poll(() => form.getByTestId('payment-credit').getAttribute('data-cents')).toBe('45000');

    await page.goto(`${server.url}/espace/${organisationId}/avoirs`);
    await expect.poll(() => page.getByTestId('credit-balance').getAttribute('data-cents')).toBe('45000');

    // The spending statement lists both orders, and its CSV downloads under the server's name.
    await page.goto(`${server.url}/espace/${organisationId}/releve`);
    await expect.poll(() => page.getByTestId('statement-row').count()).toBe(2);
    const download = page.waitForEvent('download');
    await page.getByTestId('statement-csv').click();
    expect((await download).suggestedFilename()).toBe(`releve-depenses-${organisationId}.csv`);
    await screenshot(page, 'funder-statement');
    expect(await seriousViolations(page)).toEqual([]);

    expect(checkLedger(db).ok).toBe(true);
  });
});
