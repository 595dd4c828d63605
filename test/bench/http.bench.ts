import { randomBytes, randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { DEMO_PASSWORD } from '../../db/seed/demo-logins';
import { todayIso } from '../../shared/domain/orders';
import { signIn } from '../soak/load';
import { startServer, type SoakServer } from '../soak/server';
import { pool, summary } from '../soak/stats';
import { measure, target, type BenchContext, type ScenarioResult } from './scenario';

/**
 * Scenario (a) of `npm run bench`: recording one delivery through the real HTTP tRPC mutation
 * (`deliveries.record`: session cookie, Origin check, zod, idempotency, delivery + ledger + figures
 * in one transaction, realtime event), beside its baseline measured in the same run on the same
 * process: a minimal tRPC mutation — same builders, same context and session lookup — doing one
 * raw prepared insert (test/bench/bench-server.ts). Same load generator for both: autocannon,
 * CONNECTIONS keep-alive connections, each request built on the fly with a fresh idempotency key
 * and the cookie of the actor owning its award, bounded by `ctx.seconds` and by a count.
 *
 * Alone, for development (writes into the file: pass a copy; BENCH_PASSWORD defaults to the demo's):
 *   npx tsx test/bench/http.bench.ts <dbPath>
 * Profile the server: BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof".
 */

const CONNECTIONS = 50;
/** Counts bound each run whatever the server does: at most this many requests per second of the run. */
const MAX_PER_SECOND = 4_000;
const WARMUP_SECONDS = 2;
const WARMUP_MAX = 1_500;
/** Actors signed in to spread the load: at least this many when the dataset has them… */
const MIN_ACTORS = 50;
/** …and more only while the remaining quantities do not cover the run. */
const MAX_ACTORS = 200;
const MAX_AWARDS_PER_ACTOR = 20;
/** A request that has not answered by then counts as an error (autocannon's timeout, seconds). */
const REQUEST_TIMEOUT_S = 10;
const SERVER_NODE_ARGS = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);

interface AwardTarget {
  awardId: number;
  service: string;
  /** Deliveries this run may still record on it: one short of its end, so no order completes mid-run. */
  budget: number;
}

interface Actor {
  email: string;
  awards: AwardTarget[];
}

interface Plan {
  actors: Actor[];
  budget: number;
  places: number;
  deliveries: number;
  today: string;
}

/**
 * What to record on, read by SQL before the server starts: awards with quantity left, on orders
 * that accept deliveries today (status, window, grace), of qualified places, each with a member of
 * the place's organisation to record as. Actors with the most left first, at least MIN_ACTORS of
 * them and more until `needed` is covered. Works on the national datasets and on the demo alike.
 */
function planDeliveries(databasePath: string, needed: number): Plan {
  const sqlite = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    const today = todayIso();
    const rows = sqlite
      .prepare<{ today: string }, { awardId: number; remaining: number; services: string; email: string | null }>(
        `select a.id as awardId, a.quantity - a.delivered_quantity as remaining, o.services as services,
           (select u.email from memberships m join users u on u.id = m.user_id
             where m.organisation_id = p.organisation_id and m.role in ('admin', 'member') order by u.id limit 1) as email
         from awards a
         join service_orders o on o.id = a.order_id
         join places p on p.id = a.place_id
         where a.quantity - a.delivered_quantity >= 2
           and o.status in ('awarding', 'in_delivery')
           and o.delivery_starts_on <= @today and @today <= o.delivery_ends_on and @today <= o.grace_ends_on
           and p.status = 'qualified'
         order by remaining desc, a.id`,
      )
      .all({ today });
    const byActor = new Map<string, AwardTarget[]>();
    for (const row of rows) {
      const service = (JSON.parse(row.services) as string[])[0];
      if (!row.email || !service) continue;
      const awards = byActor.get(row.email) ?? [];
      if (awards.length < MAX_AWARDS_PER_ACTOR) awards.push({ awardId: row.awardId, service, budget: row.remaining - 1 });
      byActor.set(row.email, awards);
    }
    const total = (awards: AwardTarget[]) => awards.reduce((sum, a) => sum + a.budget, 0);
    const ranked = [...byActor].map(([email, awards]) => ({ email, awards })).sort((a, b) => total(b.awards) - total(a.awards));
    const actors: Actor[] = [];
    let budget = 0;
    for (const actor of ranked) {
      if ((budget >= needed && actors.length >= MIN_ACTORS) || actors.length >= MAX_ACTORS) break;
      actors.push(actor);
      budget += total(actor.awards);
    }
    const count = (sql: string) => (sqlite.prepare(sql).pluck().get() as number | null) ?? 0;
    return { actors, budget, places: count('select count(*) from places'), deliveries: count('select count(*) from deliveries'), today };
  } finally {
    sqlite.close();
  }
}

/** Deliveries this run wrote, as the database has them (a range on the unique key's index). */
function countWritten(databasePath: string, prefix: string): number {
  const sqlite = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    return sqlite.prepare('select count(*) from deliveries where idempotency_key >= ? and idempotency_key < ?').pluck().get(prefix, `${prefix}~`) as number;
  } finally {
    sqlite.close();
  }
}

interface LoadRun {
  ok: number;
  errors: number;
  statuses: Record<string, number>;
  errorSamples: string[];
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  /** CPU time the server process used from the start of the run to its end (/proc), in seconds. */
  serverCpuSeconds: number | undefined;
  /** Wall time from the start of the run to its end, answers in flight at the stop included. */
  wallSeconds: number;
}

/**
 * One bounded run of autocannon: CONNECTIONS connections, stopped after `seconds` or `amount`
 * requests, whichever comes first; `next` builds each request (path, headers, body). Latencies
 * are recorded per response here (autocannon's own histogram rounds to whole milliseconds).
 */
async function load(server: SoakServer, options: { path: string; seconds: number; amount: number; next: () => { cookie: string; body: string } }): Promise<LoadRun> {
  const { url } = server;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const errorSamples: string[] = [];
  let connectionErrors = 0;
  let lastAt = 0;
  const cpuStart = server.cpuSeconds();
  const started = performance.now();
  let finish: (result: autocannon.Result) => void = () => {};
  let fail: (error: unknown) => void = () => {};
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const request: autocannon.Request = {
    method: 'POST',
    path: options.path,
    setupRequest: (defaults) => {
      const { cookie, body } = options.next();
      return { ...defaults, headers: { 'content-type': 'application/json', origin: url, cookie }, body };
    },
    onResponse: (status, body) => {
      if ((status < 200 || status >= 300) && errorSamples.length < 3) errorSamples.push(`HTTP ${status}: ${body.slice(0, 300)}`);
    },
  };
  const instance = autocannon(
    { url, connections: CONNECTIONS, amount: Math.max(CONNECTIONS, options.amount), timeout: REQUEST_TIMEOUT_S, requests: [request] },
    (error, result) => (error ? fail(error) : finish(result)),
  );
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    lastAt = performance.now();
  });
  instance.on('reqError', (error: unknown) => {
    connectionErrors++;
    if (errorSamples.length < 3) errorSamples.push(String(error));
  });
  const stopTimer = setTimeout(() => instance.stop(), options.seconds * 1_000);
  // Autocannon stops at its next one-second tick; beyond this something is wrong.
  let watchdog: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    done,
    new Promise<never>((_, reject) => {
      watchdog = setTimeout(() => reject(new Error(`load on ${options.path} did not stop`)), (options.seconds + REQUEST_TIMEOUT_S + 15) * 1_000);
    }),
  ]).finally(() => {
    clearTimeout(stopTimer);
    clearTimeout(watchdog);
  });
  const cpuEnd = server.cpuSeconds();
  const wallSeconds = (performance.now() - started) / 1000;
  const seconds = ((lastAt || performance.now()) - started) / 1000;
  const ok = latencies.length;
  const responses = Object.values(statuses).reduce((sum, n) => sum + n, 0);
  const { p50, p99, max } = summary(latencies);
  return {
    ok,
    // Non-2xx answers, timeouts and connection errors (autocannon's `errors` counts the last two).
    errors: responses - ok + Math.max(connectionErrors, result.errors),
    statuses,
    errorSamples,
    seconds,
    rps: ok / seconds,
    p50,
    p99,
    max,
    serverCpuSeconds: cpuStart === undefined || cpuEnd === undefined ? undefined : cpuEnd - cpuStart,
    wallSeconds,
  };
}

interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
}

/** The server's event-loop delay since the last call (bench-server's histogram), then reset. */
async function eventLoopDelay(url: string): Promise<LoopDelay | undefined> {
  try {
    const response = await fetch(`${url}/bench-trpc/eventLoop`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: url },
      body: JSON.stringify({ reset: true }),
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) return undefined;
    return ((await response.json()) as { result: { data: LoopDelay } }).result.data;
  } catch {
    return undefined;
  }
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function benchHttp(ctx: BenchContext): Promise<ScenarioResult> {
  const runId = randomBytes(4).toString('hex');
  const keyPrefix = `bench-http-${runId}-`;
  const cap = Math.round(ctx.seconds * MAX_PER_SECOND);
  const warmup = Math.min(WARMUP_MAX, Math.round(WARMUP_SECONDS * MAX_PER_SECOND));
  // Autocannon may build one request per connection beyond those it sends: room for them.
  const plan = planDeliveries(ctx.nationalDb, warmup + cap + 2 * CONNECTIONS);
  if (plan.actors.length === 0) throw new Error(`no award of ${ctx.nationalDb} accepts deliveries today (${plan.today})`);
  const deliveryWarmup = Math.min(warmup, Math.floor(plan.budget / 10));
  const deliveryAmount = Math.min(cap, plan.budget - deliveryWarmup - 2 * CONNECTIONS);
  if (deliveryAmount < CONNECTIONS * 10) throw new Error(`${ctx.nationalDb} leaves only ${plan.budget} deliveries to record today`);

  const server = await startServer(ctx.root, 180_000, SERVER_NODE_ARGS, {
    databasePath: ctx.nationalDb,
    entry: 'test/bench/bench-server.ts',
    // Every actor signs in from the loopback: the per-address limit (30) would stop them.
    env: { SIGNIN_MAX_PER_IP: '100000' },
  });
  try {
    const { url } = server;
    const cookies = new Map<string, string>();
    await pool(plan.actors.length, 2, async (i) => {
      const { email } = plan.actors[i]!;
      cookies.set(email, await signIn(url, email, ctx.password));
    });

    // Awards taken in turn across actors, so consecutive requests come from different sessions.
    const longest = Math.max(...plan.actors.map((a) => a.awards.length));
    const queue = Array.from({ length: longest }, (_, i) =>
      plan.actors.flatMap((actor) => (actor.awards[i] ? [{ cookie: cookies.get(actor.email)!, award: actor.awards[i] }] : [])),
    ).flat();
    const sessions = [...cookies.values()];
    let turn = 0;
    let sent = 0;
    let built = 0;
    const nextDelivery = () => {
      for (let tried = 0; tried < queue.length; tried++) {
        const entry = queue[turn++ % queue.length]!;
        if (entry.award.budget <= 0) continue;
        entry.award.budget--;
        built++;
        const body = JSON.stringify({
          awardId: entry.award.awardId,
          quantity: 1,
          deliveredOn: plan.today,
          service: entry.award.service,
          beneficiaryRef: randomBytes(16).toString('hex'),
          idempotencyKey: `${keyPrefix}${randomUUID()}`,
        });
        return { cookie: entry.cookie, body };
      }
      throw new Error('the planned awards are exhausted'); // amounts are planned within the budget
    };
    const nextInsert = () => ({
      cookie: sessions[sent % sessions.length]!,
      body: JSON.stringify({ key: `${keyPrefix}${randomUUID()}`, value: sent++ % 1_000_000 }),
    });
    const deliveryPath = '/trpc/deliveries.record';
    const baselinePath = '/bench-trpc/insert';

    // Warm both paths up (JIT, statement caches, page cache), then the timed runs.
    await load(server, { path: baselinePath, seconds: WARMUP_SECONDS, amount: warmup, next: nextInsert });
    const warmDeliveries = await load(server, { path: deliveryPath, seconds: WARMUP_SECONDS, amount: deliveryWarmup, next: nextDelivery });
    const loadAverage = loadavg()[0]!;

    await eventLoopDelay(url);
    const baseline = await load(server, { path: baselinePath, seconds: ctx.seconds, amount: cap, next: nextInsert });
    const baselineLoop = await eventLoopDelay(url);
    const deliveries = await load(server, { path: deliveryPath, seconds: ctx.seconds, amount: deliveryAmount, next: nextDelivery });
    const deliveryLoop = await eventLoopDelay(url);
    const serverErrors = [...server.errorLines];

    await server.stop();
    const written = countWritten(ctx.nationalDb, keyPrefix);
    // Every 2xx (warm-up included) must be a row; requests still in flight when a run stopped may be rows too.
    const answered = deliveries.ok + warmDeliveries.ok;
    const awards = plan.actors.reduce((n, a) => n + a.awards.length, 0);

    const measures = [
      measure('deliveries.record: requests/s', round(deliveries.rps), 'req/s'),
      measure('deliveries.record: p50', round(deliveries.p50, 2), 'ms'),
      measure('deliveries.record: p99', round(deliveries.p99, 2), 'ms'),
      measure('deliveries.record: errors (non-2xx, timeouts)', deliveries.errors, 'requests'),
      measure('minimal tRPC mutation (one insert): requests/s', round(baseline.rps), 'req/s', true),
      measure('minimal tRPC mutation (one insert): p50', round(baseline.p50, 2), 'ms', true),
      measure('minimal tRPC mutation (one insert): p99', round(baseline.p99, 2), 'ms', true),
      measure('minimal tRPC mutation (one insert): errors', baseline.errors, 'requests', true),
    ];
    // Server CPU time per answered request, read from /proc: steadier than throughput when other jobs share the cores.
    const cpuPerRequest = (run: LoadRun) => (run.serverCpuSeconds === undefined || run.ok === 0 ? undefined : (run.serverCpuSeconds * 1000) / run.ok);
    const deliveryCpu = cpuPerRequest(deliveries);
    const baselineCpu = cpuPerRequest(baseline);
    if (deliveryCpu !== undefined) measures.push(measure('deliveries.record: server CPU per request', round(deliveryCpu, 3), 'ms'));
    if (baselineCpu !== undefined) measures.push(measure('minimal tRPC mutation: server CPU per request', round(baselineCpu, 3), 'ms', true));
    if (deliveryLoop) measures.push(measure('server event-loop delay p99 during deliveries.record', round(deliveryLoop.p99, 2), 'ms'));
    if (baselineLoop) measures.push(measure('server event-loop delay p99 during the minimal mutation', round(baselineLoop.p99, 2), 'ms', true));

    const throughputRatio = baseline.rps > 0 ? deliveries.rps / baseline.rps : 0;
    const p99Ratio = baseline.p99 > 0 ? deliveries.p99 / baseline.p99 : Number.POSITIVE_INFINITY;
    const targets = [
      target('deliveries.record throughput vs minimal mutation', round(throughputRatio, 2), '>=', 0.6, '×'),
      target('deliveries.record p99 vs minimal mutation p99', round(p99Ratio, 2), '<=', 2, '×'),
      target('deliveries.record errors', deliveries.errors, '<=', 0, 'requests'),
      target('minimal mutation errors', baseline.errors, '<=', 0, 'requests'),
    ];

    const cpu = (run: LoadRun) =>
      run.serverCpuSeconds === undefined ? '' : `, server CPU ${Math.round((run.serverCpuSeconds / run.wallSeconds) * 100)} % of one core`;
    const notes = [
      `dataset: ${plan.places.toLocaleString('en')} places, ${plan.deliveries.toLocaleString('en')} deliveries before the run`,
      `${CONNECTIONS} keep-alive connections (autocannon), each run bounded by ${ctx.seconds} s and ${cap.toLocaleString('en')} requests` +
        `${deliveryAmount < cap ? ` (${deliveryAmount.toLocaleString('en')} for deliveries: what the planned awards leave)` : ''}, after a ${WARMUP_SECONDS} s warm-up of each`,
      `deliveries.record: ${deliveries.ok.toLocaleString('en')} recorded in ${round(deliveries.seconds)} s over ${awards} awards of ${plan.actors.length} actors, slowest ${Math.round(deliveries.max)} ms${cpu(deliveries)}`,
      `minimal mutation: ${baseline.ok.toLocaleString('en')} inserts in ${round(baseline.seconds)} s, same sessions, same process, slowest ${Math.round(baseline.max)} ms${cpu(baseline)}`,
      `the load generator shares the machine with the server (load average ${round(loadAverage, 2)} before the timed runs)`,
    ];
    if (written < answered || written > built) {
      notes.push(`the database holds ${written} deliveries of this run for ${answered} answered 2xx and ${built} sent (warm-up included)`);
    }
    for (const [run, label] of [
      [deliveries, 'deliveries.record'],
      [baseline, 'minimal mutation'],
    ] as const) {
      if (run.errors > 0) notes.push(`${label} errors: ${JSON.stringify(run.statuses)}; ${run.errorSamples.join(' | ')}`);
    }
    if (serverErrors.length) notes.push(`server stderr: ${serverErrors.slice(-5).join(' | ')}`);
    if (!throughputRatio || throughputRatio < 0.6 || p99Ratio > 2) {
      notes.push('ratio missed: to see where the server spends its time, run alone with BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/bench-prof"');
    }

    return { id: 'a', title: 'Recording one delivery over HTTP (tRPC, 50 connections)', measures, targets, notes };
  } finally {
    await server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const databasePath = process.argv[2];
  if (!databasePath) {
    console.error('usage: npx tsx test/bench/http.bench.ts <dbPath>   (writes deliveries into it: pass a copy)');
    process.exit(2);
  }
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 600) throw new Error('BENCH_SECONDS must be a number from 1 to 600');
  const result = await benchHttp({
    root: fileURLToPath(new URL('../..', import.meta.url)),
    nationalDb: databasePath,
    smallDb: databasePath,
    seconds,
    password: process.env.BENCH_PASSWORD ?? DEMO_PASSWORD,
  });
  console.log(JSON.stringify(result, null, 2));
  // Keep-alive sockets may linger a moment: the result is out, leave now.
  process.exit(0);
}
