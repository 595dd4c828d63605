import { spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { TRPCClientError } from '@trpc/client';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { DEMO_PASSWORD } from '../../db/seed/demo-logins';
import { NATIONAL_PASSWORD } from '../../db/seed/national/organisations';
import { orderDepartements, todayIso } from '../../shared/domain/orders';
import { launchBrowser } from '../e2e/browser';
import { api, signIn } from '../soak/load';
import { startServer, type SoakServer } from '../soak/server';
import { sleep } from '../soak/stats';
import { measure, target, type BenchContext, type Measure, type ScenarioResult, type Target } from './scenario';

/** A `name=value` session cookie as the browser context takes it. */
const cookieOf = (cookie: string) => {
  const [name, value] = cookie.split('=') as [string, string];
  return { name, value };
};

/**
 * Scenario (f), the client: what the live dashboards cost the browser.
 *
 * 1. Size — the JavaScript a cold load of the round dashboard route (and of the national route)
 *    fetches, lazy chunks included, gzip -9 of each body (the server does not compress), against
 *    100 kB; the sign-in page's as context.
 * 2. Re-renders — with both dashboards open and live, deliveries are recorded in a burst over HTTP
 *    (`deliveries.recordBatch`, thousands a second, several requests in flight) and each page
 *    counts, in the page, how often its dashboard's DOM changed per second, against the ≤ 4/s the
 *    server's per-room coalescing (250 ms) promises; socket.io messages per second beside it.
 *
 * Real server in a child process on the national dataset (or on a fresh demo until that dataset
 * has an open round), Debian's Chromium through playwright-core, loopback only, every wait bounded.
 */

const KB = 1_000; // kB as Vite prints them
const SIZE_LIMIT_KB = 100;
const RENDERS_LIMIT = 4;
/** The bus window (server/realtime/bus.ts): the trailing flush of a room leaves within it. */
const WINDOW_MS = 250;
/**
 * Small batches, many calls: every call is a publish the bus must coalesce (50 a second here, not
 * 4). Each actor stays under the costly-procedure limit (COSTLY_MAX_PER_MINUTE, 60 calls a minute).
 */
const BURST = { rate: 2_500, maxSeconds: 4, batchSize: 50, concurrency: 4, minActors: 6, maxActors: 14 };
const NATIONAL_ACTORS = 'acteur-%@national.aptic.test';
const NATIONAL_USERS = '%@national.aptic.test';
const DEMO_USERS = '%@aptic.demo';
const KEY_PREFIX = 'bench-f-';

const round1 = (n: number) => Math.round(n * 10) / 10;
const kb = (bytes: number) => round1(bytes / KB);

// ---------------------------------------------------------------------------------------------
// The build: reused when dist/ is newer than every source it is made from.

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

function run(command: string, args: string[], cwd: string, timeoutMs: number, env: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-4_000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${basename(args[0] ?? command)} ${args.slice(1).join(' ')} failed (${signal ?? `exit ${code}`}):\n${output}`));
    });
  });
}

/**
 * Reuses dist/client only when this bench built it (a stamp beside it names its index.html) and it
 * is newer than its sources: the e2e layer's build, made under Vitest, carries Solid's and
 * socket.io's development builds, which would be measured instead of the production client.
 */
async function ensureClientBuilt(root: string): Promise<{ built: boolean; seconds: number }> {
  const index = join(root, 'dist/client/index.html');
  const stamp = join(root, 'dist/client-bench-build.json');
  const sources = ['client', 'shared', 'vite.config.ts'].map((p) => join(root, p));
  const digest = () => createHash('sha256').update(readFileSync(index)).digest('hex');
  const stamped = existsSync(index) && existsSync(stamp) && (JSON.parse(readFileSync(stamp, 'utf8')) as { index?: string }).index === digest();
  if (stamped && statSync(index).mtimeMs > Math.max(...sources.map(newestMtime))) return { built: false, seconds: 0 };
  const started = performance.now();
  await run(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'vite.config.ts', '--logLevel', 'warn'], root, 240_000, {
    NODE_ENV: 'production',
  });
  writeFileSync(stamp, `${JSON.stringify({ index: digest(), builtAt: new Date().toISOString() })}\n`);
  return { built: true, seconds: round1((performance.now() - started) / 1000) };
}

// ---------------------------------------------------------------------------------------------
// The dataset, and what to record on it: read by SQL, so the demo and the national dataset both work.

interface Dataset {
  kind: 'national' | 'demo';
  /** The file to serve; undefined: a fresh demo made by the server. */
  databasePath?: string;
  password: string;
  /** LIKE pattern of the accounts whose password is known. */
  users: string;
  actors: string;
  why?: string;
}

function pickDataset(ctx: BenchContext): Dataset {
  const demo = (why: string): Dataset => ({ kind: 'demo', password: DEMO_PASSWORD, users: DEMO_USERS, actors: DEMO_USERS, why });
  if (!existsSync(ctx.nationalDb)) return demo(`${ctx.nationalDb} does not exist yet`);
  try {
    const sqlite = new Database(ctx.nationalDb, { readonly: true, fileMustExist: true });
    try {
      const rounds = (sqlite.prepare(`select count(*) as n from funding_rounds where status = 'open'`).get() as { n: number }).n;
      const actors = (sqlite.prepare('select count(*) as n from users where email like ?').get(NATIONAL_ACTORS) as { n: number }).n;
      if (rounds === 0) return demo('the national dataset has no open round yet');
      if (actors === 0) return demo('the national dataset has no acteur-NNNN accounts yet');
    } finally {
      sqlite.close();
    }
  } catch (error) {
    return demo(`the national dataset cannot be read yet (${String(error)})`);
  }
  return { kind: 'national', databasePath: ctx.nationalDb, password: ctx.password, users: NATIONAL_USERS, actors: NATIONAL_ACTORS };
}

interface AwardTarget {
  awardId: number;
  service: string;
  /** Deliveries this run may still record on it: one short of the award, so no order completes mid-burst. */
  budget: number;
  touchesRound: boolean;
}

interface Plan {
  roundId: number;
  roundName: string;
  actors: { email: string; targets: AwardTarget[]; budget: number }[];
  budget: number;
  /** Of which on awards whose deliveries move the round's dashboard (the others move the national one). */
  roundBudget: number;
  /** Who watches the national dashboard: an operator whose password is known, or nobody (public page). */
  operatorEmail: string | undefined;
  places: number;
  deliveries: number;
}

interface AwardRow {
  awardId: number;
  remaining: number;
  orderRound: number | null;
  services: string;
  departementCodes: string;
  communeCodes: string;
  email: string;
}

/**
 * The open round that the most deliveries can move, and the actors' awards that move it: qualified
 * places, orders accepting deliveries today (awarding or in delivery, within their window and
 * grace), on the round or on its territory — as `publishRounds` decides which rounds a delivery
 * touches.
 */
function planBurst(databasePath: string, dataset: Dataset, needed: number): Plan {
  const sqlite = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    const today = todayIso();
    const rounds = sqlite.prepare(`select id, name, departement_codes as codes from funding_rounds where status = 'open' order by id`).all() as {
      id: number;
      name: string;
      codes: string;
    }[];
    if (rounds.length === 0) throw new Error('no open round in the database');
    const rows = sqlite
      .prepare(
        `select a.id as awardId, a.quantity - a.delivered_quantity as remaining, o.round_id as orderRound, o.services,
                o.departement_codes as departementCodes, o.commune_codes as communeCodes, min(u.email) as email
           from awards a
           join service_orders o on o.id = a.order_id
           join places p on p.id = a.place_id
           join memberships m on m.organisation_id = p.organisation_id
           join users u on u.id = m.user_id
          where p.status = 'qualified' and o.status in ('awarding', 'in_delivery')
            and o.delivery_starts_on <= @today and o.delivery_ends_on >= @today and o.grace_ends_on >= @today
            and a.quantity - a.delivered_quantity > 1 and u.email like @actors
          group by a.id
          order by a.id`,
      )
      .all({ today, actors: dataset.actors }) as AwardRow[];

    const candidates = rounds.map((round) => {
      const codes = JSON.parse(round.codes) as string[];
      const byActor = new Map<string, { targets: AwardTarget[]; others: AwardTarget[]; roundBudget: number }>();
      for (const row of rows) {
        const services = JSON.parse(row.services) as string[];
        if (services.length === 0) continue;
        const territory = { departementCodes: JSON.parse(row.departementCodes) as string[], communeCodes: JSON.parse(row.communeCodes) as string[] };
        const touches = row.orderRound === round.id || orderDepartements(territory).some((code) => codes.includes(code));
        const actor = byActor.get(row.email) ?? { targets: [], others: [], roundBudget: 0 };
        actor[touches ? 'targets' : 'others'].push({ awardId: row.awardId, service: services[0]!, budget: row.remaining - 1, touchesRound: touches });
        if (touches) actor.roundBudget += row.remaining - 1;
        byActor.set(row.email, actor);
      }
      // Actors who can move the round first, most first; then the others, for volume.
      const actors = [...byActor]
        .map(([email, actor]) => {
          const targets = [...actor.targets, ...actor.others];
          return { email, targets, roundBudget: actor.roundBudget, budget: targets.reduce((sum, t) => sum + t.budget, 0) };
        })
        .sort((a, b) => b.roundBudget - a.roundBudget || b.budget - a.budget);
      return { round, actors, roundBudget: actors.reduce((sum, a) => sum + a.roundBudget, 0) };
    });
    const best = candidates.sort((a, b) => b.roundBudget - a.roundBudget)[0]!;
    // Enough actors to cover the burst, several at least (several sessions write at once).
    const actors: Plan['actors'] = [];
    let budget = 0;
    let roundBudget = 0;
    for (const actor of best.actors) {
      if (actors.length >= BURST.maxActors || (budget >= needed && actors.length >= BURST.minActors)) break;
      actors.push({ email: actor.email, targets: actor.targets, budget: actor.budget });
      budget += actor.budget;
      roundBudget += actor.roundBudget;
    }
    const operator = sqlite
      .prepare(
        `select u.email from users u join memberships m on m.user_id = u.id join organisations o on o.id = m.organisation_id
          where o.kind = 'operator' and u.email like ? order by u.id limit 1`,
      )
      .get(dataset.users) as { email: string } | undefined;
    const count = (sql: string) => (sqlite.prepare(sql).get() as { n: number }).n;
    return {
      roundId: best.round.id,
      roundName: best.round.name,
      actors,
      budget,
      roundBudget,
      operatorEmail: operator?.email,
      places: count(`select count(*) as n from places where status = 'qualified'`),
      deliveries: count('select max(id) as n from deliveries'),
    };
  } finally {
    sqlite.close();
  }
}


// ---------------------------------------------------------------------------------------------
// Size: every JS response of a cold load (fresh context, empty cache), lazy chunks included.

interface ScriptFile {
  path: string;
  raw: number;
  gzip: number;
}

interface RouteSize {
  files: ScriptFile[];
  raw: number;
  gzip: number;
}

const isScript = (response: Response) =>
  response.request().resourceType() === 'script' || /javascript/.test(response.headers()['content-type'] ?? '') || /\.m?js(\?|$)/.test(response.url());

/** Collects the scripts a page loads; `quiet()` resolves once none has arrived for a while (lazy chunks come after the first render). */
function collectScripts(page: Page, origin: string) {
  const pending: Promise<ScriptFile | undefined>[] = [];
  let lastAt = Date.now();
  page.on('response', (response) => {
    if (!response.url().startsWith(origin) || !isScript(response)) return;
    lastAt = Date.now();
    pending.push(
      (async () => {
        const body = await response.body();
        // The server sends the files as they are; were it to compress them, its bytes on the wire count.
        const encoded = response.headers()['content-encoding'];
        const gzip = encoded ? (await response.request().sizes()).responseBodySize : gzipSync(body, { level: 9 }).length;
        return { path: new URL(response.url()).pathname, raw: body.length, gzip };
      })().catch(() => undefined),
    );
  });
  return {
    async quiet(quietMs: number, maxMs: number) {
      const deadline = Date.now() + maxMs;
      while (Date.now() < deadline && Date.now() - lastAt < quietMs) await sleep(100);
    },
    async files(): Promise<ScriptFile[]> {
      const settled: (ScriptFile | undefined)[] = await Promise.race([Promise.all(pending), sleep(15_000).then(() => [])]);
      const files = settled.filter((f): f is ScriptFile => !!f);
      const unique = new Map(files.map((f) => [f.path, f]));
      return [...unique.values()].sort((a, b) => b.gzip - a.gzip);
    },
  };
}

async function routeSize(
  browser: Browser,
  baseUrl: string,
  path: string,
  cookie: { name: string; value: string } | undefined,
  ready: (page: Page) => Promise<unknown>,
): Promise<RouteSize> {
  const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 1100 } });
  try {
    if (cookie) await context.addCookies([{ ...cookie, url: baseUrl }]);
    const page = await context.newPage();
    const scripts = collectScripts(page, baseUrl);
    await page.goto(`${baseUrl}${path}`, { waitUntil: 'load', timeout: 30_000 });
    await ready(page);
    await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => undefined);
    await scripts.quiet(1_000, 10_000);
    const files = await scripts.files();
    return { files, raw: files.reduce((s, f) => s + f.raw, 0), gzip: files.reduce((s, f) => s + f.gzip, 0) };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Re-renders: counted in the page, by a MutationObserver on the dashboard's container.

/**
 * What a re-render is, here: an animation frame in which the dashboard's DOM changed. A
 * requestAnimationFrame loop numbers the frames; every MutationObserver delivery (all the DOM
 * changes of one task and its microtasks: one run of Solid's updates, e.g. one socket message
 * applied) is stamped with the number of the frame that will paint it. Distinct frame numbers are
 * re-renders — what the user can see change, at most one per frame — and deliveries are kept too
 * ("DOM update batches"): two messages applied before the same frame are two batches, one render.
 */
interface ProbeData {
  frames: number[];
  batches: number[];
  mutations: number;
}

// Sent as source text: tsx's transform wraps named functions in a helper the page does not have.
const PROBE_SCRIPT = (selector: string) => `(() => {
  const root = document.querySelector(${JSON.stringify(selector)})?.parentElement;
  if (!root) throw new Error('no ' + ${JSON.stringify(selector)} + ' on the page');
  const probe = { frames: [], batches: [], mutations: 0 };
  let frame = 0;
  let lastFrame = -1;
  const tick = () => { frame++; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  new MutationObserver((records) => {
    const now = Date.now();
    probe.mutations += records.length;
    probe.batches.push(now);
    if (frame !== lastFrame) {
      lastFrame = frame;
      probe.frames.push(now);
    }
  }).observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
  window.__benchProbe = probe;
})()`;

const installProbe = (page: Page, selector: string) => page.evaluate(PROBE_SCRIPT(selector));
const readProbe = (page: Page) => page.evaluate('window.__benchProbe') as Promise<ProbeData>;

/** Socket.io messages the page receives, per room and type (engine.io `4` message, socket.io `2` event). */
function countMessages(page: Page) {
  const received: { at: number; room: string; type: string }[] = [];
  page.on('websocket', (ws) =>
    ws.on('framereceived', ({ payload }) => {
      const text = typeof payload === 'string' ? payload : payload.toString('utf8');
      if (!text.startsWith('42')) return;
      try {
        const [name, message] = JSON.parse(text.slice(2)) as [string, { room?: string; type?: string }];
        if (name === 'event' && message.room && message.type) received.push({ at: Date.now(), room: message.room, type: message.type });
      } catch {
        // Not a JSON event: not ours to count.
      }
    }),
  );
  return received;
}

/** Events per second over [from, to): the busiest whole second counted from `from`, and the mean. */
function perSecond(times: readonly number[], from: number, to: number) {
  const within = times.filter((t) => t >= from && t < to);
  const bins = new Array<number>(Math.max(1, Math.ceil((to - from) / 1000))).fill(0);
  for (const t of within) bins[Math.floor((t - from) / 1000)]!++;
  return { peak: Math.max(...bins), mean: round1(within.length / ((to - from) / 1000)), total: within.length, bins };
}

interface LivePage {
  label: string;
  context: BrowserContext;
  page: Page;
  received: { at: number; room: string; type: string }[];
  room: string;
}

async function openLive(
  browser: Browser,
  baseUrl: string,
  label: string,
  path: string,
  cookie: { name: string; value: string } | undefined,
  testid: string,
  room: string,
  contexts: BrowserContext[],
): Promise<LivePage> {
  const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 1100 } });
  contexts.push(context);
  if (cookie) await context.addCookies([{ ...cookie, url: baseUrl }]);
  const page = await context.newPage();
  const received = countMessages(page);
  await page.goto(`${baseUrl}${path}`, { waitUntil: 'load', timeout: 30_000 });
  await page.getByTestId(testid).waitFor({ timeout: 30_000 });
  // Late answers (the queue figures, the feed) would count as renders of a page left alone.
  await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => undefined);
  await installProbe(page, `[data-testid="${testid}"]`);
  return { label, context, page, received, room };
}

// ---------------------------------------------------------------------------------------------
// The burst: `deliveries.recordBatch` as several actors at once, paced at a rate of deliveries.

interface BurstResult {
  startedAt: number;
  endedAt: number;
  recorded: number;
  /** Rows sent on awards whose deliveries move the round's dashboard. */
  roundRows: number;
  requests: number;
  errors: Map<string, number>;
  latencyMs: number[];
}

async function burst(url: string, plan: Plan, cookies: Map<string, string>, rate: number, seconds: number): Promise<BurstResult> {
  const actors = plan.actors.map((actor) => ({ client: api(url, cookies.get(actor.email)), targets: actor.targets.map((t) => ({ ...t })) }));
  const total = Math.min(plan.budget, Math.round(rate * seconds));
  const batches = Math.ceil(total / BURST.batchSize);
  const today = todayIso();
  const result: BurstResult = { startedAt: Date.now(), endedAt: 0, recorded: 0, roundRows: 0, requests: 0, errors: new Map(), latencyMs: [] };
  // A slow server records fewer deliveries, not a longer burst: nothing new is sent after `seconds`.
  const end = result.startedAt + seconds * 1_000;
  let next = 0;
  let left = total;

  // One row per award in turn, so every batch carries some of the round's awards while they last.
  const rowsFor = (actor: (typeof actors)[number]) => {
    const rows = [];
    for (let added = true; added && rows.length < BURST.batchSize && left > 0; ) {
      added = false;
      for (const award of actor.targets) {
        if (award.budget <= 0 || rows.length >= BURST.batchSize || left <= 0) continue;
        award.budget--;
        left--;
        added = true;
        if (award.touchesRound) result.roundRows++;
        rows.push({
          awardId: award.awardId,
          quantity: 1,
          deliveredOn: today,
          service: award.service,
          beneficiaryRef: randomBytes(16).toString('hex'),
          idempotencyKey: `${KEY_PREFIX}${randomUUID()}`,
        });
      }
    }
    return rows;
  };

  const worker = async () => {
    for (let i = next++; i < batches; i = next++) {
      // Batch i is due when the rate has produced its deliveries: a steady burst, not one lump.
      const due = result.startedAt + ((i * BURST.batchSize) / rate) * 1_000;
      if (due > Date.now()) await sleep(due - Date.now());
      if (Date.now() >= end) return;
      // Actors in turn; one whose awards are spent hands over to the next.
      let rows: ReturnType<typeof rowsFor> = [];
      let actor = actors[i % actors.length]!;
      for (let k = 0; k < actors.length && rows.length === 0; k++) rows = rowsFor((actor = actors[(i + k) % actors.length]!));
      if (rows.length === 0) return;
      const started = performance.now();
      result.requests++;
      try {
        const answer = await actor.client.deliveries.recordBatch.mutate({ rows }, { signal: AbortSignal.timeout(15_000) });
        result.recorded += answer.recorded;
      } catch (error) {
        const key = error instanceof TRPCClientError ? `${error.data?.code ?? 'TRPC'}: ${error.message.slice(0, 160)}` : String(error).slice(0, 160);
        result.errors.set(key, (result.errors.get(key) ?? 0) + 1);
      }
      result.latencyMs.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: BURST.concurrency }, worker));
  result.endedAt = Date.now();
  return result;
}

// ---------------------------------------------------------------------------------------------

export async function benchClient(ctx: BenchContext): Promise<ScenarioResult> {
  const measures: Measure[] = [];
  const targets: Target[] = [];
  const notes: string[] = [];
  let server: SoakServer | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];

  try {
    const build = await ensureClientBuilt(ctx.root);
    notes.push(
      build.built
        ? `client built for this run (vite build, production, ${build.seconds} s)`
        : 'client build reused: the bench’s own production build, newer than client/, shared/ and vite.config.ts',
    );

    const dataset = pickDataset(ctx);
    server = await startServer(ctx.root, dataset.kind === 'national' ? 180_000 : 90_000, [], dataset.databasePath ? { databasePath: dataset.databasePath } : {});
    const url = server.url;
    const burstSeconds = Math.min(BURST.maxSeconds, Math.max(1, ctx.seconds));
    const plan = planBurst(server.databasePath, dataset, Math.round(BURST.rate * burstSeconds));
    notes.push(
      dataset.kind === 'national'
        ? `national dataset: ${plan.places} qualified places, ${plan.deliveries.toLocaleString('en')} deliveries; round ${plan.roundId} « ${plan.roundName} »`
        : `demo dataset (${dataset.why}): ${plan.places} qualified places, ${plan.deliveries.toLocaleString('en')} deliveries; round ${plan.roundId} « ${plan.roundName} »`,
    );
    if (plan.actors.length === 0) throw new Error(`no actor of ${dataset.actors} has an award open to deliveries on round ${plan.roundId}`);

    const viewer = cookieOf(await signIn(url, plan.actors[0]!.email, dataset.password));
    const operator = plan.operatorEmail ? cookieOf(await signIn(url, plan.operatorEmail, dataset.password)) : undefined;
    const nationalPath = operator ? '/national' : '/public/national';
    const nationalRoom = operator ? 'national' : 'public';
    const cookies = new Map<string, string>();
    for (const actor of plan.actors) cookies.set(actor.email, await signIn(url, actor.email, dataset.password));

    browser = await launchBrowser();

    // 1. Size, each route cold: a fresh context, nothing cached.
    const roundPath = `/campagnes/${plan.roundId}`;
    const roundSize = await routeSize(browser, url, roundPath, viewer, (page) =>
      Promise.all([page.getByTestId('round-dashboard').waitFor({ timeout: 30_000 }), page.getByTestId('departement-map').waitFor({ timeout: 30_000 })]),
    );
    const nationalSize = await routeSize(browser, url, nationalPath, operator, (page) => page.getByTestId('national-dashboard').waitFor({ timeout: 30_000 }));
    const signInSize = await routeSize(browser, url, '/connexion', undefined, (page) => page.getByLabel('Adresse e-mail').waitFor({ timeout: 30_000 }));
    const sized = [
      { label: `round dashboard ${roundPath}`, size: roundSize },
      { label: `national dashboard ${nationalPath}`, size: nationalSize },
    ];
    for (const { label, size } of sized) {
      measures.push(measure(`${label}: JS, gzip -9`, kb(size.gzip), 'kB'), measure(`${label}: JS, raw`, kb(size.raw), 'kB'), measure(`${label}: JS files`, size.files.length, 'files'));
      targets.push(target(`${label}: JS, gzip`, kb(size.gzip), '<=', SIZE_LIMIT_KB, 'kB'));
      notes.push(`${label} loads ${size.files.map((f) => `${f.path.replace('/assets/', '')} (${kb(f.gzip)} kB gz, ${kb(f.raw)} kB raw)`).join(', ')}`);
    }
    measures.push(measure('sign-in page /connexion: JS, gzip -9 (context)', kb(signInSize.gzip), 'kB'), measure('sign-in page /connexion: JS, raw (context)', kb(signInSize.raw), 'kB'));

    // 2. Re-renders during a burst, both dashboards open and live.
    const live = [
      await openLive(browser, url, 'round dashboard', roundPath, viewer, 'round-dashboard', `round:${plan.roundId}`, contexts),
      await openLive(browser, url, 'national dashboard', nationalPath, operator, 'national-dashboard', nationalRoom, contexts),
    ];
    // A quiet moment first: a page left alone should not render at all.
    const idleFrom = Date.now();
    await sleep(1_500);
    const idleTo = Date.now();

    const rate = Math.min(BURST.rate, plan.budget / burstSeconds);
    const done = await burst(url, plan, cookies, rate, burstSeconds);
    // The trailing flush of each room, then its rendering.
    await sleep(WINDOW_MS * 2 + 500);
    const windowEnd = done.endedAt + WINDOW_MS + 250;
    const seconds = (done.endedAt - done.startedAt) / 1000;
    measures.push(
      measure('burst: deliveries recorded (recordBatch)', done.recorded, 'deliveries'),
      measure('burst: deliveries per second', Math.round(done.recorded / seconds), '/s'),
      measure('burst: duration', round1(seconds), 's'),
      measure('burst: recordBatch calls per second (each one a publish to coalesce)', round1(done.requests / seconds), '/s'),
      measure('burst: recordBatch p50 latency', Math.round([...done.latencyMs].sort((a, b) => a - b)[Math.floor(done.latencyMs.length / 2)] ?? 0), 'ms'),
    );
    notes.push(
      `burst: ${done.requests} recordBatch calls of up to ${BURST.batchSize} rows, ${BURST.concurrency} in flight, paced at ${Math.round(rate)} deliveries/s, as ${plan.actors.length} actors; ${done.roundRows} of the rows sent on awards that move the round (the rest move the national view only)`,
    );
    if (done.errors.size) notes.push(`burst errors: ${[...done.errors].map(([k, n]) => `${n} × ${k}`).join('; ')}`);

    for (const page of live) {
      const probe = await readProbe(page.page);
      const renders = perSecond(probe.frames, done.startedAt, windowEnd);
      const batches = perSecond(probe.batches, done.startedAt, windowEnd);
      const inRoom = page.received.filter((m) => m.room === page.room);
      const messages = perSecond(
        inRoom.map((m) => m.at),
        done.startedAt,
        windowEnd,
      );
      const byType = [...new Set(inRoom.map((m) => m.type))].map((type) => {
        const counted = perSecond(
          inRoom.filter((m) => m.type === type).map((m) => m.at),
          done.startedAt,
          windowEnd,
        );
        return `${type} ${counted.total} (peak ${counted.peak}/s)`;
      });
      const idle = probe.frames.filter((t) => t >= idleFrom && t < idleTo).length;
      measures.push(
        measure(`${page.label}: re-renders per second during the burst, peak`, renders.peak, '/s'),
        measure(`${page.label}: re-renders per second during the burst, mean`, renders.mean, '/s'),
        measure(`${page.label}: DOM update batches per second, peak`, batches.peak, '/s'),
        measure(`${page.label}: socket.io messages received per second, peak`, messages.peak, '/s'),
        measure(`${page.label}: socket.io messages received per second, mean`, messages.mean, '/s'),
        measure(`${page.label}: re-renders in 1.5 s idle before the burst`, idle, 'renders'),
      );
      targets.push(target(`${page.label}: re-renders per second during the burst, peak`, renders.peak, '<=', RENDERS_LIMIT, '/s'));
      notes.push(
        `${page.label} (room ${page.room}) per second of the burst: re-renders [${renders.bins.join(', ')}], messages [${messages.bins.join(', ')}], DOM update batches [${batches.bins.join(', ')}]; messages by type: ${byType.join(', ') || 'none'}`,
      );
    }
    notes.push(
      'size: every JS response of a cold load (new browser context) until the dashboard and its lazy chunks are in and the network is quiet; gzip -9 of each body (the server sends them uncompressed); kB = 1 000 bytes',
      're-render: an animation frame in which the dashboard container’s DOM changed (MutationObserver deliveries stamped with a requestAnimationFrame counter); a DOM update batch is one MutationObserver delivery (the changes of one task, e.g. one socket message applied); counted in whole seconds from the burst’s start to its trailing flush',
    );
    if (server.errorLines.length) notes.push(`server stderr: ${server.errorLines.slice(-5).join(' | ')}`);
  } finally {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.stop();
  }

  return { id: 'f', title: 'Client: bundle size and dashboard re-renders during a delivery burst', measures, targets, notes };
}

// `npx tsx test/bench/client.bench.ts <dbPath> [password]`: this scenario alone, as JSON. The
// database is copied first (the burst writes deliveries); BENCH_SECONDS bounds the burst.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const source = process.argv[2];
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'aptic-bench-f-'));
  let code = 1;
  try {
    let nationalDb = join(dir, 'national.db');
    if (source && existsSync(source)) {
      for (const suffix of ['', '-wal']) if (existsSync(source + suffix)) copyFileSync(source + suffix, nationalDb + suffix);
    } else if (source) nationalDb = source;
    const result = await benchClient({
      root,
      nationalDb,
      smallDb: '',
      seconds: Number(process.env.BENCH_SECONDS ?? 10),
      password: process.argv[3] ?? process.env.BENCH_PASSWORD ?? NATIONAL_PASSWORD,
    });
    console.log(JSON.stringify(result, null, 2));
    code = 0;
  } catch (error) {
    console.error('bench f failed:', error);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // Keep-alive sockets may linger a moment: the figures are out.
  process.exit(code);
}
