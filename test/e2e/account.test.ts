import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeMember } from '../factories';
import { createTestApp, type TestApp } from '../setup/app';
import { startTestServer } from '../setup/server';
import { chromiumPath, launchBrowser, screenshot, signedInPage } from './browser';

/**
 * A person changes their password in one browser: the other browser where they were signed in
 * is signed out at its next request, this one carries on (issue 8, sessions and accounts).
 */
let testApp: TestApp;
let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  if (!chromiumPath) return;
  testApp = createTestApp();
  server = await startTestServer(testApp);
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await server?.close();
});

describe.skipIf(!chromiumPath)('changing one’s password', () => {
  it('refuses a wrong current password beside its field, then changes it and signs the other browser out', async () => {
    const { user } = await makeMember(testApp.db, 'actor', { email: 'mediatrice@exemple.test', password: 'ancien mot de passe' });
    const laptop = await signedInPage(browser, server.url, user.email, 'ancien mot de passe', contexts);
    const phone = await signedInPage(browser, server.url, user.email, 'ancien mot de passe', contexts);

    await laptop.getByTestId('account-link').click();
    await laptop.getByTestId('password-form').waitFor();
    await laptop.getByLabel('Mot de passe actuel').fill('pas le bon');
    await laptop.getByLabel('Nouveau mot de passe').fill('une phrase de passe bien longue');
    await laptop.getByRole('button', { name: 'Changer le mot de passe' }).click();
    await expect.poll(() => laptop.locator('#currentPassword-error').textContent()).toContain('Mot de passe actuel incorrect');

    await laptop.getByLabel('Mot de passe actuel').fill('ancien mot de passe');
    await laptop.getByRole('button', { name: 'Changer le mot de passe' }).click();
    await expect.poll(() => laptop.getByTestId('password-done').textContent()).toContain('Mot de passe changé');
    await screenshot(laptop, 'account-password-changed');

    // The other browser's session ended on the server: its next page load asks to sign in.
    await phone.reload();
    await phone.waitForURL(/\/connexion/);
    // This one is still signed in.
    await laptop.reload();
    await laptop.getByTestId('password-form').waitFor();
    expect(laptop.url()).toContain('/compte');
  });
});
