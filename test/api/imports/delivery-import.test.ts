import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { parse } from 'csv-parse/sync';
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { beneficiaryRef } from '../../../client/src/pseudonym';
import { deliveries, deliveryImports } from '../../../db/schema';
import { checkLedger } from '../../../server/services/ledger-check';
import { createDeliveryImport, parseDeliveryCsv, runDeliveryImport } from '../../../server/services/imports';
import { pseudonymiseReferences } from '../../../shared/domain/delivery-import';
import type { ImportProgress, RoomMessage } from '../../../shared/events';
import { makePlace } from '../../factories';
import { makeAwards, makeBid, makeOrder, sessionUserOf } from '../../factories/marketplace';
import { createTestApp, TEST_ORIGIN, type TestApp } from '../../setup/app';
import { isoDaysFromToday, marketplace, sessionFor, today, type Marketplace } from '../marketplace/helpers';

/**
 * Issue 9, item 3: an actor uploads a CSV of thousands of deliveries. The good rows land, every
 * bad row is reported with its line and reason, a replayed file adds nothing, and an upload cut
 * short (or a run stopped midway) is completed by sending the file again, without counting twice.
 */

let m: Marketplace;
let cookie: string;
let organisationId: number;
let award: number;
let spareAward: number;
let rivalAward: number;

const START = isoDaysFromToday(-90);

/** An order in delivery for `placeId`, awarded in full, with a window from 90 days ago to 90 days ahead. */
function awardedOrder(funder: Marketplace['funder'], organisation: number, placeId: number, quantity: number, services = [Service.AideAuxDemarchesAdministratives, Service.MaitriseDesOutilsNumeriquesDuQuotidien]) {
  const orderId = makeOrder(m.db, {
    funderOrganisationId: funder.organisationId,
    userId: funder.user.id,
    quantity,
    services,
    bidDeadline: isoDaysFromToday(-95),
    deliveryStartsOn: START,
    deliveryEndsOn: isoDaysFromToday(90),
    today: isoDaysFromToday(-100),
  });
  const bidId = makeBid(m.db, { orderId, organisationId: organisation, lines: [{ placeId, quantity }], today: isoDaysFromToday(-96) });
  return makeAwards(m.db, { orderId, userId: funder.user.id, lines: [{ bidId, placeId, quantity }] })[0]!;
}

beforeAll(async () => {
  m = await marketplace();
  organisationId = m.actor.organisationId;
  const placeId = makePlace(m.db, { organisationId, name: 'Espace numérique de Kerfeunteun', mainCommuneCode: '29232', yearlyCapacity: 50_000 });
  const rivalPlace = makePlace(m.db, { organisationId: m.rival.organisationId, mainCommuneCode: '29019', yearlyCapacity: 50_000 });
  award = awardedOrder(m.funder, organisationId, placeId, 12_000);
  spareAward = awardedOrder(m.funder, organisationId, placeId, 3_000);
  rivalAward = awardedOrder(m.funder, m.rival.organisationId, rivalPlace, 100);
  cookie = `aptic_session=${m.actor.session.jar.get('aptic_session')}`;
});

// ——— The file ———

const HEADER = 'attribution;date;service;quantite;reference_personne;cle';

/** A date of the window (never after today), as a French person writes it. */
function frenchDate(i: number): string {
  const iso = new Date(Date.parse(`${START}T00:00:00Z`) + (i % 80) * 86_400_000).toISOString().slice(0, 10);
  const day = iso > today() ? today() : iso;
  return `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;
}

interface BadKind {
  field: string;
  message: string;
  line: (awardId: number, i: number) => string;
}

/** Several kinds of bad rows, refused when read (format) or by the delivery service (rules). */
const BAD_KINDS: BadKind[] = [
  { field: 'date', message: 'Date attendue au format JJ/MM/AAAA ou AAAA-MM-JJ', line: (a, i) => `${a};31-01-2026;Aide aux démarches administratives;1;dossier-${i};` },
  { field: 'date', message: 'Date inexistante (30/02/2026)', line: (a, i) => `${a};30/02/2026;Aide aux démarches administratives;1;dossier-${i};` },
  { field: 'date', message: 'Une prestation ne peut pas être datée dans le futur', line: (a, i) => `${a};${isoDaysFromToday(5)};Aide aux démarches administratives;1;dossier-${i};` },
  { field: 'service', message: 'Service hors du référentiel national', line: (a, i) => `${a};${frenchDate(i)};Cours de cuisine;1;dossier-${i};` },
  { field: 'service', message: 'Ce service ne fait pas partie de la commande', line: (a, i) => `${a};${frenchDate(i)};Loisirs et créations numériques;1;dossier-${i};` },
  { field: 'quantite', message: 'Nombre entier de services attendu', line: (a, i) => `${a};${frenchDate(i)};Aide aux démarches administratives;deux;dossier-${i};` },
  { field: 'attribution', message: 'Attribution inconnue ou d’une autre organisation que celle de l’import', line: (_a, i) => `${rivalAward};${frenchDate(i)};Aide aux démarches administratives;1;dossier-${i};` },
  { field: 'reference_personne', message: 'Référence de la personne manquante', line: (a, i) => `${a};${frenchDate(i)};Aide aux démarches administratives;1;;` },
];

/**
 * `rows` lines for `awardId`; the bad ones are 3 in every 100, of every kind in turn. Half the
 * good lines carry their own key, the others leave it to the server to derive.
 */
function deliveriesCsv(awardId: number, rows: number, options: { bad?: boolean; prefix?: string } = {}) {
  const lines = [HEADER];
  const bad = new Map<number, BadKind>();
  for (let i = 0; i < rows; i++) {
    const line = i + 2; // the header is line 1
    if (options.bad !== false && i % 100 < 3) {
      const kind = BAD_KINDS[(Math.floor(i / 100) * 3 + (i % 100)) % BAD_KINDS.length]!;
      bad.set(line, kind);
      lines.push(kind.line(awardId, i));
      continue;
    }
    const service = i % 2 ? 'Aide aux démarches administratives' : 'maîtrise des outils numériques du quotidien';
    const key = i % 2 ? `${options.prefix ?? 'cle'}-${awardId}-${String(i).padStart(5, '0')}` : '';
    // Each file its own people: a line identical to a line of another file would be the same delivery.
    lines.push(`${awardId};${frenchDate(i)};${service};1;${options.prefix ?? 'dossier'}-${i % 1_500};${key}`);
  }
  return { text: `\uFEFF${lines.join('\r\n')}\r\n`, bad };
}

/** The file as the import page sends it: the person column replaced by its empreinte, in the browser's rule. */
const pseudonymised = async (text: string) => (await pseudonymiseReferences(text, (reference) => beneficiaryRef(organisationId, reference))).text;

// ——— Calls ———

async function upload(body: BodyInit, options: { headers?: Record<string, string>; query?: string; app?: TestApp } = {}) {
  const response = await (options.app ?? m.testApp).app.request(`${TEST_ORIGIN}/api/imports/deliveries?${options.query ?? `organisationId=${organisationId}&fileName=prestations.csv`}`, {
    method: 'POST',
    headers: { origin: TEST_ORIGIN, cookie, 'content-type': 'text/csv; charset=utf-8', ...options.headers },
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
  return { status: response.status, body: (await response.json()) as { importId?: number; totalRows?: number; error?: { message: string; code: string } } };
}

async function finished(importId: number) {
  await expect.poll(async () => (await m.as.actor.imports.get.query({ importId })).done, { timeout: 30_000, interval: 20 }).toBe(true);
  return m.as.actor.imports.get.query({ importId });
}

async function report(importId: number) {
  const { content, filename } = await m.as.actor.imports.reportCsv.query({ importId });
  expect(filename).toBe(`rapport-import-prestations-${importId}.csv`);
  expect(content.startsWith('\uFEFFligne;cle;statut;champ;message\r\n')).toBe(true);
  return parse(content, { delimiter: ';', bom: true, columns: true }) as { ligne: string; cle: string; statut: string; champ: string; message: string }[];
}

const deliveredOn = (awardId: number) =>
  m.db
    .select({ rows: sql<number>`count(*)`, services: sql<number>`coalesce(sum(${deliveries.quantity}), 0)` })
    .from(deliveries)
    .where(eq(deliveries.awardId, awardId))
    .get()!;

describe('a file of 10 000 deliveries with 3 % bad rows', () => {
  const file = deliveriesCsv(0, 0); // replaced in the first test
  let importId: number;
  const progress: RoomMessage[] = [];

  it('records the good rows, refuses the bad ones, and reports every line', async () => {
    Object.assign(file, deliveriesCsv(award, 10_000));
    expect(file.bad.size).toBe(300);
    const unsubscribe = m.testApp.deps.bus.subscribe((message) => progress.push(message));
    const body = await pseudonymised(file.text);

    const started = performance.now();
    const answer = await upload(body);
    expect(answer.status).toBe(202);
    importId = answer.body.importId!;
    expect(answer.body.totalRows).toBe(10_000);
    const result = await finished(importId);
    const seconds = (performance.now() - started) / 1_000;
    console.info(`10 000 rows imported in ${seconds.toFixed(2)} s (${Math.round(10_000 / seconds)} rows/s)`);
    m.testApp.deps.bus.flushAll();
    unsubscribe();

    expect(result).toMatchObject({ status: 'done', done: true, totalRows: 10_000, processedRows: 10_000, accepted: 9_700, duplicates: 0, refused: 300, fileName: 'prestations.csv', organisationId });
    expect(deliveredOn(award)).toEqual({ rows: 9_700, services: 9_700 });
    expect(checkLedger(m.db)).toMatchObject({ ok: true, differences: [] });

    const lines = await report(importId);
    expect(lines.filter((l) => l.statut === 'acceptée')).toHaveLength(9_700);
    const refused = lines.filter((l) => l.statut === 'refusée');
    expect(new Map(refused.map((l) => [Number(l.ligne), { field: l.champ, message: l.message }]))).toEqual(
      new Map([...file.bad].map(([line, kind]) => [line, { field: kind.field, message: kind.message }])),
    );
    // Every line of the file is in the report, once, in order.
    expect(lines.map((l) => Number(l.ligne))).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 2));
    // Keys: the file's own where it had one, derived from the content elsewhere.
    expect(lines.find((l) => l.ligne === '5')?.cle).toBe(`cle-${award}-00003`);
    expect(lines.find((l) => l.ligne === '6')?.cle).toMatch(/^csv-[0-9a-f]{40}$/);
  });

  it('announced the progress in the import’s room, in order, ending with done at 100 %', () => {
    const events = progress.filter((p) => p.room === `import:${importId}`) as RoomMessage<'import.progress'>[];
    expect(events.every((e) => e.type === 'import.progress')).toBe(true);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const counts = events.map((e) => e.payload.processedRows);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(events.at(-1)!.payload).toEqual<ImportProgress>({ importId, status: 'done', processedRows: 10_000, totalRows: 10_000, accepted: 9_700, duplicates: 0, refused: 300, done: true });
    expect(events.slice(0, -1).every((e) => !e.payload.done)).toBe(true);
  });

  it('adds nothing when the same file is uploaded again: the good rows are duplicates', async () => {
    const answer = await upload(await pseudonymised(file.text));
    const result = await finished(answer.body.importId!);

    expect(result).toMatchObject({ status: 'done', processedRows: 10_000, accepted: 0, duplicates: 9_700, refused: 300 });
    expect(deliveredOn(award)).toEqual({ rows: 9_700, services: 9_700 });
    expect(checkLedger(m.db)).toMatchObject({ ok: true, differences: [] });
    const lines = await report(answer.body.importId!);
    expect(lines.filter((l) => l.statut === 'doublon').every((l) => l.message === 'Déjà enregistrée avec cette clé : comptée une seule fois')).toBe(true);
  });

  it('lists the refusals first on the page’s report, with their line, column and reason', async () => {
    const { import: summary, problems } = await m.as.actor.imports.report.query({ importId });

    expect(summary.refused).toBe(300);
    expect(problems).toHaveLength(200);
    expect(problems[0]).toEqual({ line: 2, key: null, status: 'refused', field: file.bad.get(2)!.field, message: file.bad.get(2)!.message });
  });
});

describe('an interrupted import', () => {
  it('keeps the chunks committed before a stop, and the same file sent again completes it exactly', async () => {
    const { text } = deliveriesCsv(spareAward, 2_000, { bad: false, prefix: 'arret' });
    const body = await pseudonymised(text);
    const user = sessionUserOf(m.db, m.actor.user.id);
    const parsed = await parseDeliveryCsv(body, organisationId);
    const importId = createDeliveryImport(m.db, user, 'arret.csv', parsed);
    const stop = new AbortController();
    let chunks = 0;

    // The server stops after two chunks of 500 (a restart, a crash between two transactions).
    const stopped = await runDeliveryImport(m.db, user, importId, parsed, {
      signal: stop.signal,
      onCommitted: () => {
        if (++chunks === 2) stop.abort();
      },
    });

    expect(stopped).toMatchObject({ status: 'interrupted', done: true, processedRows: 1_000, accepted: 1_000 });
    expect(deliveredOn(spareAward)).toEqual({ rows: 1_000, services: 1_000 });
    expect(checkLedger(m.db)).toMatchObject({ ok: true, differences: [] });

    const again = await upload(body);
    const result = await finished(again.body.importId!);

    expect(result).toMatchObject({ status: 'done', processedRows: 2_000, accepted: 1_000, duplicates: 1_000, refused: 0 });
    expect(deliveredOn(spareAward)).toEqual({ rows: 2_000, services: 2_000 });
    expect(checkLedger(m.db)).toMatchObject({ ok: true, differences: [] });
  });

  it('writes nothing when the upload itself is cut before the end of the file', async () => {
    const { text } = deliveriesCsv(spareAward, 400, { bad: false, prefix: 'coupe' });
    const bytes = new TextEncoder().encode(await pseudonymised(text));
    const before = { deliveries: deliveredOn(spareAward), imports: m.db.select({ n: sql<number>`count(*)` }).from(deliveryImports).get()!.n };
    const cut = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, bytes.length / 2));
        controller.error(new Error('connexion perdue'));
      },
    });

    const answer = await upload(cut);

    expect(answer).toEqual({ status: 400, body: { error: { code: 'BAD_REQUEST', message: 'Envoi interrompu avant la fin du fichier : rien n’a été enregistré, envoyez-le de nouveau' } } });
    expect({ deliveries: deliveredOn(spareAward), imports: m.db.select({ n: sql<number>`count(*)` }).from(deliveryImports).get()!.n }).toEqual(before);
  });
});

describe('the upload route', () => {
  const small = () => pseudonymised(deliveriesCsv(spareAward, 3, { bad: false, prefix: 'petit' }).text);

  it('refuses a request from another site, like any mutation', async () => {
    expect(await upload(await small(), { headers: { origin: 'https://ailleurs.example' } })).toEqual({ status: 403, body: { error: { code: 'FORBIDDEN', message: 'Origine de la requête refusée' } } });
  });

  it('asks for a session, then a membership of the actor organisation named', async () => {
    expect((await upload(await small(), { headers: { cookie: '' } })).status).toBe(401);
    expect((await upload(await small(), { query: `organisationId=${m.rival.organisationId}` })).status).toBe(403);
    expect((await upload(await small(), { query: `organisationId=${m.funder.organisationId}`, headers: { cookie: `aptic_session=${sessionFor(m.testApp, m.funder.user.id).jar.get('aptic_session')}` } })).status).toBe(403);
  });

  it('takes only text/csv, at most 10 MB', async () => {
    expect((await upload(await small(), { headers: { 'content-type': 'application/json' } })).status).toBe(415);
    const huge = `${HEADER.replace('reference_personne', 'empreinte_personne')}\r\n${'1;01/01/2026;Aide aux démarches administratives;1;0123456789abcdef;\r\n'.repeat(160_000)}`;
    expect(huge.length).toBeGreaterThan(10 * 1024 * 1024);
    expect(await upload(huge)).toEqual({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE', message: 'Fichier trop volumineux : 10 Mo au plus' } } });
  });

  it('refuses a file whose person column is still in clear, or whose header misses columns, and creates no import', async () => {
    const before = m.db.select({ n: sql<number>`count(*)` }).from(deliveryImports).get()!.n;

    const clear = await upload(deliveriesCsv(spareAward, 3, { bad: false }).text);
    const comma = await upload('attribution,date,service,quantite,empreinte_personne\r\n1,2026-01-01,x,1,ab\r\n');

    expect(clear.status).toBe(400);
    expect(clear.body.error!.message).toMatch(/^La colonne reference_personne contient les références des personnes en clair/);
    expect(comma.status).toBe(400);
    expect(comma.body.error!.message).toMatch(/^Colonne\(s\) manquante\(s\) dans l’en-tête : attribution, date, service, quantite, reference_personne/);
    expect(m.db.select({ n: sql<number>`count(*)` }).from(deliveryImports).get()!.n).toBe(before);
  });

  it('takes one import at a time per person: a second upload meanwhile answers 409', async () => {
    const body = await pseudonymised(deliveriesCsv(spareAward, 600, { bad: false, prefix: 'double' }).text);

    const answers = await Promise.all([upload(body), upload(body)]);

    expect(answers.map((a) => a.status).sort()).toEqual([202, 409]);
    const started = answers.find((a) => a.status === 202)!;
    expect(await finished(started.body.importId!)).toMatchObject({ accepted: 600, duplicates: 0 });
  });

  it('counts as one costly call: past the limit a minute, it answers 429', async () => {
    const limited = await marketplace();
    const app = createTestApp({ db: limited.db, env: { COSTLY_MAX_PER_MINUTE: '1' } });
    const place = makePlace(limited.db, { organisationId: limited.actor.organisationId });
    const session = `aptic_session=${sessionFor(app, limited.actor.user.id).jar.get('aptic_session')}`;
    const query = `organisationId=${limited.actor.organisationId}`;
    const body = `${HEADER.replace('reference_personne', 'empreinte_personne')}\r\n${place};01/01/2026;Aide aux démarches administratives;1;0123456789abcdef;\r\n`;

    const first = await upload(body, { app, query, headers: { cookie: session } });
    const second = await upload(body, { app, query, headers: { cookie: session } });

    expect(first.status).toBe(202);
    expect(second).toMatchObject({ status: 429, body: { error: { code: 'TOO_MANY_REQUESTS' } } });
  });
});

describe('keys derived from a line’s content', () => {
  it('count two identical lines of one file as two deliveries, and the same file again as none', async () => {
    const line = `${spareAward};${frenchDate(1)};Aide aux démarches administratives;2;jumeaux;`;
    const body = await pseudonymised(`${HEADER}\r\n${line}\r\n${line}\r\n`);
    const before = deliveredOn(spareAward);

    const first = await finished((await upload(body)).body.importId!);
    const again = await finished((await upload(body)).body.importId!);

    expect([first, again].map((r) => [r.accepted, r.duplicates])).toEqual([
      [2, 0],
      [0, 2],
    ]);
    expect(deliveredOn(spareAward)).toEqual({ rows: before.rows + 2, services: before.services + 4 });
  });
});

describe('who reads an import', () => {
  it('its organisation and the operator; anyone else is refused as if it did not exist', async () => {
    const answer = await upload(await pseudonymised(deliveriesCsv(spareAward, 2, { bad: false, prefix: 'lecture' }).text));
    const importId = answer.body.importId!;
    await finished(importId);

    expect((await m.as.operator.imports.get.query({ importId })).importId).toBe(importId);
    await expect(m.as.rival.imports.get.query({ importId })).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
    await expect(m.as.rival.imports.reportCsv.query({ importId })).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
    await expect(m.as.rival.imports.get.query({ importId: 999_999 })).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
  });
});
