import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { and, eq, like } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awards, organisations, passBooklets, serviceOrders, users } from '../../db/schema';
import { bookletWithCodes } from '../../server/services/passes/booklets';
import { sessionUserOf } from '../factories/marketplace';
import { DEMO_PASSWORD, demoEmail } from '../../db/seed/demo-logins';
import { todayIso } from '../../shared/domain/orders';
import { generatePassCode, normalizePassCode, PASS_ALPHABET } from '../../shared/domain/pass-codes';
import type { TestApp } from '../setup/app';
import { seriousViolations } from './axe';
import { chromiumPath, screenshot, signedInPage as signIn } from './browser';
import { startDemoStack, stopDemoStack, type TestServer } from './demo-stack';

/**
 * Issue 11, end to end: the funder issues booklets and gives them to a prescriber, the
 * prescriber hands one out, the place redeems one of its codes on a phone, and the funder's
 * pass panel — open all along, never reloaded — follows each step. The booklet's printable page
 * renders its cards with their QR codes; its screenshot is written to test-results/e2e/pass-booklet.png
 * at each run (a copy from a run is kept in docs/screenshots/).
 */

const CODE_PATTERN = /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/;
const UNKNOWN_CODE = 'Ce code ne correspond à aucun pass valable dans ce lieu';
const TYPO = 'Ce code comporte une faute de frappe : vérifiez chaque caractère';

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

/** A phone at the place's counter: small screen, touch, the same sign-in as everyone. */
async function signedInPhone(email: string): Promise<Page> {
  const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${server.url}/connexion`);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).tap();
  await page.waitForURL(/\/espace\/\d+$/);
  return page;
}

const orgId = (name: string) => testApp.db.select({ id: organisations.id }).from(organisations).where(eq(organisations.name, name)).get()!.id;

/** The demo's pass order and the place it was awarded to, from the database rather than by id. */
function passOrder() {
  const order = testApp.db
    .select({ id: serviceOrders.id, title: serviceOrders.title })
    .from(serviceOrders)
    .where(and(like(serviceOrders.title, 'Pass numériques % — démarches en ligne en Finistère'), eq(serviceOrders.passRequired, true)))
    .get()!;
  const placeIds = [...new Set(testApp.db.select({ placeId: awards.placeId }).from(awards).where(eq(awards.orderId, order.id)).all().map((a) => a.placeId))];
  expect(placeIds).toHaveLength(1);
  return { orderId: order.id, title: order.title, placeId: placeIds[0]! };
}

const booklet = (orderId: number, number: number) =>
  testApp.db.select().from(passBooklets).where(and(eq(passBooklets.orderId, orderId), eq(passBooklets.number, number))).get();

/** A pass panel's figure, as its `data-count` says. */
const count = (page: Page, key: string) => async () => Number(await page.getByTestId(`pass-count-${key}`).getAttribute('data-count'));

/** One character of a valid code changed for another of the alphabet: a single-symbol typo. */
function withTypo(code: string): string {
  const plain = normalizePassCode(code)!;
  const at = 5;
  const other = [...PASS_ALPHABET].find((c) => c !== plain[at])!;
  return plain.slice(0, at) + other + plain.slice(at + 1);
}

const POLL = { timeout: 10_000 };

describe.skipIf(!chromiumPath)('pass codes: from the funder’s booklets to a redemption on the place’s phone', () => {
  it('issues and assigns booklets, hands one out, prints it, redeems a code — the funder’s panel follows live', { timeout: 120_000 }, async () => {
    const { orderId, title, placeId } = passOrder();
    const ccas = orgId('CCAS de Quimper');

    // 1. The funder opens the order's pass panel: the demo's 80 pass in 8 booklets.
    const funder = await signedInPage(demoEmail('commanditaire'));
    await funder.goto(`${server.url}/commandes/${orderId}`);
    const panel = funder.getByTestId('pass-panel');
    await panel.getByRole('heading', { name: 'Pass des bénéficiaires' }).waitFor();
    await expect.poll(count(funder, 'issued'), POLL).toBe(80);
    expect(await count(funder, 'booklets-issued')()).toBe(8);
    expect(Number(await funder.getByTestId('pass-issuable').getAttribute('data-count'))).toBe(220);
    const assignedBefore = await count(funder, 'assigned')();
    const handedOutBefore = await count(funder, 'handed-out')();
    const startedBefore = await count(funder, 'started')();
    const redeemedBefore = await count(funder, 'redeemed')();
    expect(assignedBefore).toBe(7);
    expect(handedOutBefore).toBe(3);

    // Two booklets of ten, through the form.
    const issueForm = funder.getByTestId('pass-issue-form');
    await issueForm.getByLabel('Nombre de carnets').fill('2');
    expect(await issueForm.getByLabel('Pass par carnet').inputValue()).toBe('10');
    await issueForm.getByRole('button', { name: 'Émettre les carnets' }).click();
    await expect.poll(() => funder.getByTestId('pass-status').textContent(), POLL).toContain('2 carnet(s) émis, 20 pass au total.');
    await expect.poll(count(funder, 'issued'), POLL).toBe(100);
    expect(await count(funder, 'booklets-issued')()).toBe(10);
    await expect.poll(() => funder.getByTestId('pass-issuable').getAttribute('data-count'), POLL).toBe('200');
    const rows = funder.getByTestId('pass-booklets').getByTestId('booklet-row');
    await expect.poll(() => rows.count(), POLL).toBe(10);
    const row = (n: number) => funder.locator(`[data-testid="booklet-row"][data-number="${n}"]`);
    expect(await row(9).getAttribute('data-status')).toBe('in_stock');
    expect(await row(10).getAttribute('data-status')).toBe('in_stock');

    // Booklets 9 and 10 to the CCAS de Quimper.
    await funder.getByLabel('Sélectionner le carnet n° 9', { exact: true }).check();
    await funder.getByLabel('Sélectionner le carnet n° 10', { exact: true }).check();
    await expect.poll(() => funder.getByTestId('pass-selection').textContent()).toContain('2 carnet(s) sélectionné(s)');
    await funder.getByLabel('Prescripteur', { exact: true }).selectOption({ label: 'CCAS de Quimper' });
    await funder.getByRole('button', { name: 'Attribuer au prescripteur' }).click();
    await expect.poll(() => funder.getByTestId('pass-status').textContent(), POLL).toContain('2 carnet(s) confié(s) à CCAS de Quimper.');
    await expect.poll(count(funder, 'assigned'), POLL).toBe(assignedBefore + 2);
    await expect.poll(() => row(9).getAttribute('data-status'), POLL).toBe('assigned');
    expect(await row(9).getByTestId('booklet-prescriber').textContent()).toBe('CCAS de Quimper');
    expect(booklet(orderId, 10)?.prescriberOrganisationId).toBe(ccas);

    // 2. The prescriber finds booklet 9 in its space and notes that it went to a person.
    const prescriber = await signedInPage(demoEmail('prescripteur'));
    expect(prescriber.url()).toBe(`${server.url}/espace/${ccas}`);
    await prescriber.getByTestId('prescriber-space').waitFor();
    const held = prescriber.locator(`[data-testid="prescriber-booklet"][data-order="${orderId}"][data-number="9"]`);
    await held.waitFor(POLL);
    expect(await held.getAttribute('data-status')).toBe('assigned');
    const handout = held.getByTestId('handout-form');
    const today = todayIso();
    expect(await handout.getByLabel('Date de remise').inputValue()).toBe(today);
    await handout.getByLabel('Catégorie anonyme (facultatif)').selectOption({ label: '60 ans et plus' });
    await handout.getByRole('button', { name: 'Noter la remise' }).click();
    await expect.poll(() => prescriber.getByTestId('handout-status').textContent(), POLL).toContain('Carnet n° 9 noté comme remis le');
    await expect.poll(() => held.getAttribute('data-status'), POLL).toBe('handed_out');
    expect(booklet(orderId, 9)).toMatchObject({ handedOutOn: today, handedOutCategory: 'age_60_plus' });

    // The funder's page, open all along, follows without a reload.
    await expect.poll(count(funder, 'handed-out'), POLL).toBe(handedOutBefore + 1);
    await expect.poll(() => row(9).getAttribute('data-status'), POLL).toBe('handed_out');

    // 3. The printable booklet: ten cards, each with its code and its QR code.
    const sheet = await funder.context().newPage();
    await sheet.goto(`${server.url}/commandes/${orderId}`);
    await sheet.getByRole('link', { name: 'Imprimer le carnet n° 9', exact: true }).click();
    await sheet.waitForURL(`${server.url}/carnets/${booklet(orderId, 9)!.id}/imprimer`);
    await sheet.getByTestId('booklet-print-button').waitFor();
    expect(await sheet.getByRole('heading', { level: 1 }).textContent()).toBe(`Carnet n° 9 — ${title}`);
    const cards = sheet.getByTestId('pass-card');
    await expect.poll(() => cards.count(), POLL).toBe(10);
    await expect.poll(() => sheet.locator('[data-testid="pass-qr"] svg').count(), POLL).toBe(10);
    const codes = await sheet.getByTestId('pass-code').allTextContents();
    expect(codes.map((c) => c.trim())).toHaveLength(10);
    for (const code of codes) expect(code.trim()).toMatch(CODE_PATTERN);
    expect(new Set(codes).size).toBe(10);
    for (let rank = 1; rank <= 10; rank++) {
      const card = sheet.locator(`[data-testid="pass-card"][data-rank="${rank}"]`);
      expect(await card.getByTestId('pass-code').count()).toBe(1);
      expect(await card.getByTestId('pass-qr').locator('svg').count()).toBe(1);
      const printed = (await card.getByTestId('pass-code').textContent())!.trim();
      expect(await card.getByTestId('pass-qr').getAttribute('aria-label')).toBe(`QR code du pass ${printed}`);
    }
    await screenshot(sheet, 'pass-booklet');
    expect(await seriousViolations(sheet)).toEqual([]);
    const code = codes[0]!.trim();

    // 4. The place's phone: a typo is caught before any request, an unknown code by the server.
    const phone = await signedInPhone(demoEmail('acteur'));
    const checks: string[] = [];
    phone.on('request', (request) => {
      if (request.url().includes('passes.check')) checks.push(request.url());
    });
    await phone.goto(`${server.url}/lieux/${placeId}/pass`);
    const field = phone.getByLabel('Code du pass');
    await field.waitFor();
    expect(await field.getAttribute('data-testid')).toBe('pass-code');

    await field.pressSequentially(withTypo(code).toLowerCase());
    await expect.poll(() => phone.getByTestId('pass-code-error').textContent(), POLL).toBe(TYPO);
    await phone.getByTestId('pass-check').tap();
    await expect.poll(() => phone.getByTestId('pass-code-error').textContent(), POLL).toBe(TYPO);
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(checks).toEqual([]);

    await field.fill('');
    await field.pressSequentially(generatePassCode());
    expect(await phone.getByTestId('pass-code-error').count()).toBe(0);
    await phone.getByTestId('pass-check').tap();
    await expect.poll(() => phone.getByTestId('pass-code-error').textContent(), POLL).toContain(UNKNOWN_CODE);
    expect(checks).toHaveLength(1);
    expect(await phone.getByTestId('pass-details').count()).toBe(0);

    // The booklet's first code, typed the lazy way: lower case, no dashes.
    await field.fill('');
    await field.pressSequentially(normalizePassCode(code)!.toLowerCase());
    await expect.poll(() => field.inputValue(), POLL).toBe(code);
    expect(await phone.getByTestId('pass-code-error').count()).toBe(0);
    await phone.getByTestId('pass-check').tap();
    const details = phone.getByTestId('pass-details');
    await details.waitFor(POLL);
    expect(checks).toHaveLength(2);
    expect(await details.getByRole('heading', { level: 2 }).textContent()).toBe(`Pass pour « ${title} »`);
    await details.getByRole('radio', { name: Service.AideAuxDemarchesAdministratives }).tap();
    await screenshot(phone, 'pass-redeem-checked');
    expect(await seriousViolations(phone)).toEqual([]);
    await phone.getByTestId('pass-redeem').tap();
    await phone.getByTestId('redeem-success').waitFor(POLL);
    expect(await phone.getByTestId('redeem-status').textContent()).toBe(`Pass encaissé : 1 service pour « ${title} ».`);
    await screenshot(phone, 'pass-redeemed');
    expect(await seriousViolations(phone)).toEqual([]);
    // The page fits the phone: nothing wider than its screen.
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

    // The funder's panel, still not reloaded: booklet 9 started, one more pass used.
    await expect.poll(count(funder, 'redeemed'), POLL).toBe(redeemedBefore + 1);
    await expect.poll(count(funder, 'started'), POLL).toBe(startedBefore + 1);
    await expect.poll(() => row(9).getAttribute('data-status'), POLL).toBe('started');
    expect(await row(9).getByTestId('booklet-used').textContent()).toBe('1 / 10');
    await screenshot(funder, 'pass-panel-live');

    // The next person: the form is back, empty and ready.
    await phone.getByTestId('redeem-next').tap();
    await expect.poll(() => field.inputValue(), POLL).toBe('');
  });

  it('a pass’s QR link opened on a signed-out phone comes back to the pass after sign-in, and is redeemed there', async () => {
    const { orderId, title, placeId } = passOrder();
    const funderUser = testApp.db.select({ id: users.id }).from(users).where(eq(users.email, demoEmail('commanditaire'))).get()!.id;
    // Booklet 2 of the demo: four pass used, the fifth is still good.
    const code = bookletWithCodes(testApp.db, sessionUserOf(testApp.db, funderUser), booklet(orderId, 2)!.id).passes[4]!.code;
    // The funder's space lists the order among those with pass, and stays open meanwhile.
    const space = await signedInPage(demoEmail('commanditaire'));
    const passRow = space.locator(`[data-testid="funder-passes-row"][data-order="${orderId}"]`);
    const redeemedCount = async () => Number(await passRow.getByTestId('funder-passes-redeemed').getAttribute('data-count'));
    await passRow.waitFor(POLL);
    const redeemedBefore = await redeemedCount();
    expect(redeemedBefore).toBeGreaterThan(0);

    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });
    contexts.push(context);
    const phone = await context.newPage();

    await phone.goto(`${server.url}/pass#${code}`);
    await phone.waitForURL(/\/connexion$/, POLL);
    await phone.getByLabel('Adresse e-mail').fill(demoEmail('acteur'));
    await phone.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
    await phone.getByRole('button', { name: 'Se connecter' }).tap();
    // The actor has several places: it picks the one delivering, the code follows.
    await phone.getByTestId('pass-link-place').first().waitFor(POLL);
    await phone.locator(`a[href^="/lieux/${placeId}/pass"]`).tap();
    await phone.waitForURL(new RegExp(`/lieux/${placeId}/pass$`), POLL);
    // Checked at once, and the code no longer in the address bar.
    await phone.getByTestId('pass-details').waitFor(POLL);
    expect(phone.url()).not.toContain(code);
    await phone.getByLabel('Maîtrise des outils numériques du quotidien').check();
    await phone.getByTestId('pass-redeem').tap();
    await phone.getByTestId('redeem-success').waitFor(POLL);
    expect(await phone.getByTestId('redeem-status').textContent()).toBe(`Pass encaissé : 1 service pour « ${title} ».`);
    // The funder's space follows without reload.
    await expect.poll(redeemedCount, POLL).toBe(redeemedBefore + 1);
  });

  it('a town hall invited by the funder gets a new link, chooses a password with it and lands in its prescriber space', async () => {
    const funder = await signedInPage(demoEmail('commanditaire'));
    await funder.goto(`${server.url}/espace/${orgId('Conseil départemental du Finistère')}/prescripteurs`);
    const townHall = funder.getByTestId('prescriber-row').filter({ hasText: 'Mairie de Douarnenez' });
    await expect.poll(() => townHall.getByTestId('prescriber-account').getAttribute('data-state'), POLL).toBe('pending');
    await townHall.getByRole('button', { name: 'Nouveau lien pour Mairie de Douarnenez' }).click();
    const link = townHall.getByTestId('prescriber-renewed-link');
    await link.waitFor(POLL);
    const url = await link.inputValue();
    expect(url).toMatch(new RegExp(`^${server.url}/invitation/[A-Za-z0-9_-]{20,}$`));

    // The contact, in a browser of their own, opens the link the funder passed on.
    const context = await browser.newContext({ locale: 'fr-FR' });
    contexts.push(context);
    const contact = await context.newPage();
    await contact.goto(url);
    await contact.getByText('Mairie de Douarnenez').first().waitFor(POLL);
    await contact.getByLabel('Choisissez un mot de passe').fill('court');
    await contact.getByRole('button', { name: 'Activer mon compte' }).click();
    await contact.locator('#invitation-password-error').waitFor(POLL);
    await contact.getByLabel('Choisissez un mot de passe').fill('un mot de passe pour la mairie');
    await contact.getByRole('button', { name: 'Activer mon compte' }).click();
    await contact.waitForURL(new RegExp(`/espace/${orgId('Mairie de Douarnenez')}$`), POLL);
    // Booklets 6 and 7 of the demo were given to the town hall.
    await expect.poll(() => contact.getByTestId('prescriber-booklet').count(), POLL).toBe(2);
    expect(await seriousViolations(contact)).toEqual([]);
    // The funder's list, read again, shows the account active.
    await funder.reload();
    await expect.poll(() => townHall.getByTestId('prescriber-account').getAttribute('data-state'), POLL).toBe('active');
  });
});
