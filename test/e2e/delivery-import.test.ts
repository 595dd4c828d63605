import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { eq, sql } from 'drizzle-orm';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveries } from '../../db/schema';
import { checkLedger } from '../../server/services/ledger-check';
import { makeMember, makePlace } from '../factories';
import { makeAwards, makeBid, makeOrder } from '../factories/marketplace';
import { createTestApp, type TestApp } from '../setup/app';
import { startTestServer } from '../setup/server';
import { seriousViolations } from './axe';
import { chromiumPath, launchBrowser, screenshot, signedInPage } from './browser';
import { stopDemoStack, type TestServer } from './demo-stack';

/**
 * Issue 9, item 3, end to end: an actor uploads a CSV of deliveries from the browser, watches the
 * progress bar reach 100 %, then downloads the report and finds every refused line in it. The
 * people's references are pseudonymised by the page: the server only ever holds their empreinte.
 */

const ROWS = 1_500;
const today = new Date().toISOString().slice(0, 10);
const frenchToday = `${today.slice(8, 10)}/${today.slice(5, 7)}/${today.slice(0, 4)}`;

let testApp: TestApp;
let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let actor: { email: string; password: string };
let organisationId: number;
let awardId: number;

beforeAll(async () => {
  if (!chromiumPath) return;
  testApp = createTestApp();
  const { db } = testApp;
  const funder = await makeMember(db, 'funder', { name: 'Conseil départemental du Finistère' });
  const actorMember = await makeMember(db, 'actor', { name: 'Association Ty Numérik' });
  actor = actorMember.user;
  organisationId = actorMember.organisationId;
  const placeId = makePlace(db, { organisationId, name: 'Espace numérique du port — Brest', yearlyCapacity: 5_000 });
  const orderId = makeOrder(db, { funderOrganisationId: funder.organisationId, userId: funder.user.id, title: 'Aide aux démarches en ligne à Brest', quantity: 2_000 });
  const bidId = makeBid(db, { orderId, organisationId, lines: [{ placeId, quantity: 2_000 }] });
  [awardId] = makeAwards(db, { orderId, userId: funder.user.id, lines: [{ bidId, placeId, quantity: 2_000 }] }) as [number];
  server = await startTestServer(testApp);
  browser = await launchBrowser();
});

afterAll(async () => {
  await stopDemoStack({ server, browser, contexts });
});

/** The file an actor writes: their own references in clear; one line in 75 with a service outside the vocabulary. */
function actorFile() {
  const lines = ['attribution;date;service;quantite;reference_personne;cle'];
  const refused: number[] = [];
  for (let i = 0; i < ROWS; i++) {
    const bad = i % 75 === 10;
    if (bad) refused.push(i + 2);
    lines.push(`${awardId};${frenchToday};${bad ? 'Atelier de tricot' : 'Aide aux démarches administratives'};1;dossier-${i % 300};`);
  }
  return { text: `${lines.join('\r\n')}\r\n`, refused };
}

describe.skipIf(!chromiumPath)('the bulk delivery import', () => {
  it('uploads a CSV, follows the progress bar to 100 %, and downloads the report', async () => {
    const { text, refused } = actorFile();
    const page = await signedInPage(browser, server.url, actor.email, actor.password, contexts);
    const count = async (testid: string) => Number((await page.getByTestId(testid).textContent())!.replace(/\D/g, ''));
    await page.getByTestId('delivery-import-link').click();
    await page.waitForURL(/\/import-prestations$/);
    await page.getByRole('heading', { level: 1, name: 'Importer des prestations' }).waitFor();

    // The template downloads under its own name.
    const [template] = await Promise.all([page.waitForEvent('download'), page.getByTestId('import-template').click()]);
    expect(template.suggestedFilename()).toBe('modele-import-prestations.csv');

    await page.getByTestId('import-file').setInputFiles({ name: 'prestations-mars.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });
    await page.getByTestId('import-submit').click();
    await page.waitForURL(/\?import=\d+$/);
    const bar = page.getByTestId('import-progress');
    await bar.waitFor();

    // Watched as a person would: the value only grows, until it equals the maximum.
    const seen: number[] = [];
    await expect
      .poll(
        async () => {
          const value = Number(await bar.getAttribute('data-value'));
          seen.push(value);
          return { value, max: Number(await bar.getAttribute('data-max')), status: await bar.getAttribute('data-status') };
        },
        { timeout: 30_000, interval: 30 },
      )
      .toEqual({ value: ROWS, max: ROWS, status: 'done' });
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(await page.getByTestId('import-status').textContent()).toBe('Import terminé.');
    expect(await count('import-accepted')).toBe(ROWS - refused.length);
    expect(await count('import-refused')).toBe(refused.length);
    await page.getByTestId('import-problems').waitFor();
    expect(await page.getByTestId('import-problems').locator('tbody tr').count()).toBe(refused.length);
    await screenshot(page, 'delivery-import');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('import-report').click()]);
    const importId = Number(new URL(page.url()).searchParams.get('import'));
    expect(download.suggestedFilename()).toBe(`rapport-import-prestations-${importId}.csv`);
    const report = parse(readFileSync((await download.path())!, 'utf8'), { delimiter: ';', bom: true, columns: true }) as Record<string, string>[];
    expect(report).toHaveLength(ROWS);
    expect(report.filter((r) => r.statut === 'refusée').map((r) => ({ ligne: Number(r.ligne), champ: r.champ, message: r.message }))).toEqual(
      refused.map((ligne) => ({ ligne, champ: 'service', message: 'Service hors du référentiel national' })),
    );
    expect(report.filter((r) => r.statut === 'acceptée')).toHaveLength(ROWS - refused.length);

    // The server holds the empreinte of each reference (the delivery form's rule), never the reference.
    const { db } = testApp;
    const stored = db.select({ n: sql<number>`count(*)` }).from(deliveries).where(eq(deliveries.awardId, awardId)).get()!.n;
    expect(stored).toBe(ROWS - refused.length);
    const first = db.select({ ref: deliveries.beneficiaryRef }).from(deliveries).where(eq(deliveries.awardId, awardId)).orderBy(deliveries.id).limit(1).get()!;
    expect(first.ref).toBe(createHash('sha256').update(`aptic:${organisationId}:dossier-0`).digest('hex'));
    expect(JSON.stringify(db.$client.prepare('select * from deliveries').all())).not.toContain('dossier-');
    expect(checkLedger(db)).toMatchObject({ ok: true, differences: [] });
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('counts nothing twice when the same file is sent again', async () => {
    const { text, refused } = actorFile();
    const page = await signedInPage(browser, server.url, actor.email, actor.password, contexts);
    const count = async (testid: string) => Number((await page.getByTestId(testid).textContent())!.replace(/\D/g, ''));
    await page.goto(`${server.url}/espace/${organisationId}/import-prestations`);
    await page.getByTestId('import-file').setInputFiles({ name: 'prestations-mars.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });
    await page.getByTestId('import-submit').click();

    const bar = page.getByTestId('import-progress');
    await expect.poll(async () => bar.getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
    expect(await count('import-accepted')).toBe(0);
    expect(await count('import-duplicates')).toBe(ROWS - refused.length);
    expect(testApp.db.select({ n: sql<number>`count(*)` }).from(deliveries).where(eq(deliveries.awardId, awardId)).get()!.n).toBe(ROWS - refused.length);
  });
});
