import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { TRPCClientError } from '@trpc/client';
import { and, asc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import * as schema from '../../db/schema';
import { DEMO_PASSWORD } from '../../db/seed/demo-logins';
import { MAX_DELIVERY_BATCH } from '../../shared/domain/deliveries';
import { orderDepartements, todayIso } from '../../shared/domain/orders';
import type { ServiceName } from '../../shared/domain/services';
import { api, deliveryRecorder, signIn, type LoadPlan } from '../soak/load';
import { startServer, type SoakServer } from '../soak/server';
import { sleep, steady } from '../soak/stats';
import type { ClientsCommand, Histogram, Window, WindowFigures } from './fanout-clients';
import { measure, target, type BenchContext, type Measure, type ScenarioResult, type Target } from './scenario';

/**
 * Scenario (d) of `npm run bench`: live fan-out. The real server in a child process on the
 * national dataset; 1 000 then 3 000 signed-out dashboard sockets in other processes
 * (fanout-clients.ts), each following the open round's public room and the public national room
 * (the kiosk and the public national page); deliveries recorded over HTTP through the real tRPC
 * mutations, first one by one at a steady rate, then in a burst of concurrent batches. Beside it,
 * in the same run, a bare socket.io server of the same version (raw-socket-server.ts) replays to
 * as many clients, in one room, the messages one client of the real server received during the
 * steady phase: same times, same kinds, same sizes.
 *
 * Latency is commit-to-receipt: from the server's own stamp on the delivery row (written in its
 * transaction; a batch's rows take the stamp of its last row, the closest to its commit) to the
 * wall-clock arrival, at each client, of the first state message whose `servicesDelivered` counts
 * the delivery. Commits are serial and nothing else writes during the bench, so the n-th service
 * recorded is in exactly the messages that count base + n: no clock guesswork. It includes the
 * bus window (a delivery waits for the next flush, up to 250 ms), the dashboard computation and
 * the fan-out; the raw baseline has no window, which is why flush-to-receipt (the server's flush
 * stamp to arrival: the transport part) is given beside it.
 *
 * Each socket is a file descriptor in the server and one in a clients process: the scenario
 * checks `ulimit -n` first (3 000 clients need about 3 500) and says how to raise it.
 *
 * Tuning (environment): FANOUT_CLIENTS (default "1000,3000"), FANOUT_RATE (steady deliveries a
 * second, 20), FANOUT_BURST_SECONDS (3), FANOUT_BURST_BATCH (rows per recordBatch, 500),
 * FANOUT_BURST_CONCURRENCY (requests in flight, 4), FANOUT_CLIENT_PROCESSES (2: one per core, the
 * clients read while the server waits), FANOUT_FULL_PARSE=1 (clients parse every message in full),
 * FANOUT_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
 */

const envNumber = (name: string, fallback: number, min: number, max: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < min || value > max) throw new Error(`${name} must be a number from ${min} to ${max}`);
  return value;
};

/** The bus window (server/realtime/bus.ts): a room's trailing flush goes out within it. */
const WINDOW_MS = 250;
/** Each client follows both public dashboards: the round kiosk and the public national page. */
const NATIONAL_ROOM = 'public';
const RAW_ROOM = 'bench';
/** Sessions that write at once; sign-ins stay well under the limit per address (SIGNIN_MAX_PER_IP, 30). */
const ACTORS = { min: 4, max: 28 };
const KEY_PREFIX = `fanout-${randomBytes(4).toString('hex')}`;

const now = () => performance.timeOrigin + performance.now();
const round1 = (n: number) => Math.round(n * 10) / 10;
const MB_PER_MIB = 2 ** 20 / 1e6;

// ---------------------------------------------------------------------------------------------
// What to record on, read from the database before the server starts.

interface Award {
  awardId: number;
  service: ServiceName;
  /** Deliveries this run may still record (one short of the award's end, so no order completes mid-run). */
  budget: number;
}

interface FanoutPlan extends LoadPlan {
  actors: { email: string; targets: Award[] }[];
  roundName: string;
  awards: number;
  places: number;
  deliveriesInDb: number;
}

/**
 * The widest open round with enough deliveries left to record today (else the one with the most),
 * and the actors
 * (any member of the organisation owning the place) of its awards: qualified places in its
 * départements, orders that touch it and accept deliveries today. Each delivery there moves the
 * round's public dashboard and the public national one by one service. Works on the demo and on
 * the national dataset alike: nothing is named, everything is read.
 */
function planFanout(databasePath: string, needed: number): FanoutPlan {
  const sqlite = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    const db = drizzle(sqlite, { schema });
    const { fundingRounds, awards, places, memberships, users, serviceOrders, deliveries } = schema;
    const rounds = db.select().from(fundingRounds).where(eq(fundingRounds.status, 'open')).orderBy(asc(fundingRounds.id)).all();
    if (rounds.length === 0) throw new Error('the database has no open round');
    const today = todayIso();
    const rows = db
      .select({
        email: users.email,
        awardId: awards.id,
        left: sql<number>`${awards.quantity} - ${awards.deliveredQuantity} - 1`,
        placeId: places.id,
        departementCode: places.departementCode,
        order: { id: serviceOrders.id, roundId: serviceOrders.roundId, departementCodes: serviceOrders.departementCodes, communeCodes: serviceOrders.communeCodes, services: serviceOrders.services },
      })
      .from(awards)
      .innerJoin(serviceOrders, eq(serviceOrders.id, awards.orderId))
      .innerJoin(places, eq(places.id, awards.placeId))
      .innerJoin(memberships, eq(memberships.organisationId, places.organisationId))
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(
        and(
          eq(places.status, 'qualified'),
          inArray(serviceOrders.status, ['awarding', 'in_delivery']),
          lte(serviceOrders.deliveryStartsOn, today),
          gte(serviceOrders.deliveryEndsOn, today),
          gte(serviceOrders.graceEndsOn, today),
          sql`${awards.quantity} - ${awards.deliveredQuantity} > 1`,
        ),
      )
      .orderBy(asc(awards.id), asc(users.email))
      .all();

    let best: FanoutPlan | undefined;
    for (const round of rounds) {
      const byActor = new Map<string, Award[]>();
      const seen = new Set<number>();
      const placeIds = new Set<number>();
      for (const row of rows) {
        if (seen.has(row.awardId) || row.order.services.length === 0 || !round.departementCodes.includes(row.departementCode)) continue;
        const touches = row.order.roundId === round.id || orderDepartements(row.order).some((code) => round.departementCodes.includes(code));
        if (!touches) continue;
        seen.add(row.awardId); // one actor per award: the first member by e-mail
        placeIds.add(row.placeId);
        byActor.set(row.email, [...(byActor.get(row.email) ?? []), { awardId: row.awardId, service: row.order.services[0]!, budget: row.left }]);
      }
      const total = (targets: Award[]) => targets.reduce((sum, t) => sum + t.budget, 0);
      const ranked = [...byActor].map(([email, targets]) => ({ email, targets })).sort((a, b) => total(b.targets) - total(a.targets));
      const actors: FanoutPlan['actors'] = [];
      let budget = 0;
      for (const actor of ranked) {
        if ((budget >= needed && actors.length >= ACTORS.min) || actors.length >= ACTORS.max) break;
        actors.push(actor);
        budget += total(actor.targets);
      }
      const plan = { roundId: round.id, roundName: round.name, actors, budget, awards: seen.size, places: placeIds.size, deliveriesInDb: 0 };
      // The widest round that has enough to record (the national one, its dashboard the largest),
      // else the one with the most.
      const enough = (p: FanoutPlan) => p.budget >= needed;
      const better = !best || (enough(plan) && (!enough(best) || plan.places > best.places)) || (!enough(plan) && !enough(best) && plan.budget > best.budget);
      if (better) best = plan;
    }
    if (!best || best.budget === 0) throw new Error('no award of an open round accepts deliveries today');
    best.deliveriesInDb = db.select({ n: sql<number>`max(${deliveries.id})` }).from(deliveries).get()?.n ?? 0;
    return best;
  } finally {
    sqlite.close();
  }
}


// ---------------------------------------------------------------------------------------------
// Child processes spoken to over IPC: the clients, the raw baseline server.

interface Child {
  process: ChildProcess;
  errorLines: string[];
  request<T>(command: object, replyType: string, timeoutMs: number): Promise<T>;
  waitFor<T>(replyType: string, timeoutMs: number): Promise<T>;
  stop(): Promise<void>;
}

function startChild(root: string, script: string): Child {
  // Their stdout goes to our stderr: ours carries the JSON result when run alone.
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, stdio: ['ignore', 2, 'pipe', 'ipc'] });
  const errorLines: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => {
    errorLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    errorLines.splice(0, Math.max(0, errorLines.length - 50));
  });
  let exited = child.exitCode !== null;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const waitFor = <T>(replyType: string, timeoutMs: number) =>
    new Promise<T>((resolve, reject) => {
      const done = (error?: Error, value?: T) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (error) reject(error);
        else resolve(value!);
      };
      const timer = setTimeout(() => done(new Error(`${script}: no '${replyType}' within ${timeoutMs} ms`)), timeoutMs);
      const onMessage = (message: { type?: string; error?: string }) => {
        if (message.type === replyType) done(undefined, message as T);
        else if (message.type === 'error') done(new Error(`${script}: ${message.error}`));
      };
      const onExit = () => done(new Error(`${script} exited:\n${errorLines.join('\n')}`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  return {
    process: child,
    errorLines,
    waitFor,
    request<T>(command: object, replyType: string, timeoutMs: number) {
      const reply = waitFor<T>(replyType, timeoutMs);
      child.send(command);
      return reply;
    },
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      await Promise.race([exit, sleep(5_000)]);
      if (!exited) child.kill('SIGKILL');
    },
  };
}

type Clients = ReturnType<typeof clientPool>;

/** The dashboard clients, spread over one or more processes; figures come back merged. */
function clientPool(root: string, processes: number) {
  const children = Array.from({ length: processes }, () => startChild(root, 'test/bench/fanout-clients.ts'));
  const send = <T>(command: ClientsCommand, replyType: string, timeoutMs: number) => Promise.all(children.map((c) => c.request<T>(command, replyType, timeoutMs)));
  return {
    children,
    ready: () => Promise.all(children.map((c) => c.waitFor('ready', 30_000))),
    async connect(options: { url: string; count: number; rooms: string[]; deadline: number }) {
      const shares = children.map((_, i) => Math.floor(options.count / processes) + (i < options.count % processes ? 1 : 0));
      const results = await Promise.all(
        children.map((c, i) =>
          c.request<{ connected: number; failed: number; errors: Record<string, number>; joinErrors: number; ms: number }>(
            { type: 'connect', url: options.url, count: shares[i]!, rooms: options.rooms, concurrency: 50, connectTimeoutMs: 20_000, deadline: options.deadline },
            'connected',
            options.deadline - Date.now() + 30_000,
          ),
        ),
      );
      const errors: Record<string, number> = {};
      for (const r of results) for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
      return {
        connected: results.reduce((s, r) => s + r.connected, 0),
        failed: results.reduce((s, r) => s + r.failed, 0),
        joinErrors: results.reduce((s, r) => s + r.joinErrors, 0),
        errors,
        ms: Math.max(...results.map((r) => r.ms)),
      };
    },
    async analyse(windows: Window[]): Promise<Merged[]> {
      const replies = await send<{ windows: WindowFigures[] }>({ type: 'analyse', windows }, 'analysis', 120_000);
      return windows.map((_, w) => merge(replies.map((r) => r.windows[w]!)));
    },
    async health() {
      const replies = await send<{ clients: number; disconnects: number; reconnects: number; joinErrors: number; gaps: number; cpuPercentOfOneCore: number; eventLoopDelayMs: { p99: number; max: number }; rssMiB: number; fullParse: boolean; decodeCheck: { checked: number; mismatches: number; fallbacks: number } }>(
        { type: 'health' },
        'health',
        30_000,
      );
      const sum = (pick: (r: (typeof replies)[number]) => number) => replies.reduce((s, r) => s + pick(r), 0);
      return {
        disconnects: sum((r) => r.disconnects),
        reconnects: sum((r) => r.reconnects),
        joinErrors: sum((r) => r.joinErrors),
        gaps: sum((r) => r.gaps),
        cpuPercentOfOneCore: Math.max(...replies.map((r) => r.cpuPercentOfOneCore)),
        eventLoopDelayP99Ms: Math.max(...replies.map((r) => r.eventLoopDelayMs.p99)),
        rssMiB: sum((r) => r.rssMiB),
        decodeChecked: sum((r) => r.decodeCheck.checked),
        decodeMismatches: sum((r) => r.decodeCheck.mismatches),
        decodeFallbacks: sum((r) => r.decodeCheck.fallbacks),
      };
    },
    close: () => send({ type: 'close' }, 'closed', 60_000),
    stop: () => Promise.all(children.map((c) => c.stop())),
  };
}

interface Merged {
  name: string;
  clients: number;
  seconds: number;
  rooms: WindowFigures['rooms'];
  perClientPerSecond: { mean: number; max: number };
  schedule: WindowFigures['schedule'];
  commitToReceipt: { count: number; p50: number; p99: number; max: number };
  unseen: number;
  stampToReceipt: { count: number; p50: number; p99: number; max: number };
  stampToFirst: { count: number; p50: number; p99: number; max: number };
  firstToLast: { count: number; p50: number; p99: number; max: number };
}

function histogramSummary(histograms: Histogram[]) {
  const merged = new Map<number, number>();
  for (const h of histograms) for (const [bucket, n] of h) merged.set(bucket, (merged.get(bucket) ?? 0) + n);
  const sorted = [...merged].sort((a, b) => a[0] - b[0]);
  const count = sorted.reduce((s, [, n]) => s + n, 0);
  const at = (p: number) => {
    if (count === 0) return Number.NaN; // nothing measured: not a zero latency
    const rank = Math.min(count, Math.max(1, Math.ceil((p / 100) * count)));
    let seen = 0;
    for (const [bucket, n] of sorted) if ((seen += n) >= rank) return bucket / 10;
    return sorted.at(-1)![0] / 10;
  };
  return { count, p50: at(50), p99: at(99), max: count ? sorted.at(-1)![0] / 10 : Number.NaN };
}

/** Figures of several client processes over one window, as if one process had them all. */
function merge(parts: WindowFigures[]): Merged {
  const clients = parts.reduce((s, p) => s + p.clients, 0);
  const weighted = (pick: (p: WindowFigures) => { mean: number; max: number }) => ({
    mean: parts.reduce((s, p) => s + pick(p).mean * p.clients, 0) / Math.max(1, clients),
    max: Math.max(0, ...parts.map((p) => pick(p).max)),
  });
  const rooms: WindowFigures['rooms'] = {};
  for (const room of new Set(parts.flatMap((p) => Object.keys(p.rooms)))) {
    const present = parts.filter((p) => p.rooms[room]);
    rooms[room] = {
      messages: present.reduce((s, p) => s + p.rooms[room]!.messages, 0),
      perClientPerSecond: weighted((p) => p.rooms[room]?.perClientPerSecond ?? { mean: 0, max: 0 }),
      statePerClientPerSecond: weighted((p) => p.rooms[room]?.statePerClientPerSecond ?? { mean: 0, max: 0 }),
      peakInOneSecond: Math.max(...present.map((p) => p.rooms[room]!.peakInOneSecond)),
    };
  }
  return {
    name: parts[0]!.name,
    clients,
    seconds: parts[0]!.seconds,
    rooms,
    perClientPerSecond: weighted((p) => p.perClientPerSecond),
    schedule: parts.find((p) => p.schedule)?.schedule,
    commitToReceipt: histogramSummary(parts.map((p) => p.commitToReceipt)),
    unseen: parts.reduce((s, p) => s + p.unseen, 0),
    stampToReceipt: histogramSummary(parts.map((p) => p.stampToReceipt)),
    // Over processes, a message's first arrival is taken per process: good enough to tell the
    // server's part (stamp to first socket) from the clients' (first to last).
    stampToFirst: histogramSummary(parts.map((p) => p.stampToFirst)),
    firstToLast: histogramSummary(parts.map((p) => p.firstToLast)),
  };
}

// ---------------------------------------------------------------------------------------------
// Deliveries as the database has them.

/**
 * The deliveries written after `afterId`, in commit order: cumulative services, and commit time
 * (the server's stamp; the rows of one batch take the last row's, being committed together).
 */
function deliveriesSince(databasePath: string, afterId: number) {
  const sqlite = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    const rows = sqlite
      .prepare<[number], { id: number; createdAt: string; quantity: number; key: string }>(
        'select id, created_at as createdAt, quantity, idempotency_key as key from deliveries where id > ? order by id',
      )
      .all(afterId);
    const batchOf = (key: string) => /^fanout-[0-9a-f]+-b(\d+)-/.exec(key)?.[1];
    const lastStampOfBatch = new Map<string, number>();
    for (const row of rows) {
      const batch = batchOf(row.key);
      if (batch) lastStampOfBatch.set(batch, Math.max(lastStampOfBatch.get(batch) ?? 0, Date.parse(row.createdAt)));
    }
    const cumulative: number[] = [];
    const commitAt: number[] = [];
    let services = 0;
    for (const row of rows) {
      services += row.quantity;
      cumulative.push(services);
      const batch = batchOf(row.key);
      commitAt.push(batch ? lastStampOfBatch.get(batch)! : Date.parse(row.createdAt));
    }
    return { cumulative, commitAt, services, rows: rows.length, lastId: rows.at(-1)?.id ?? afterId, firstAt: commitAt[0], lastAt: commitAt.at(-1) };
  } finally {
    sqlite.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The run.

type Dashboard = { places: { servicesDelivered: number } };
const servicesOf = (dashboard: unknown) => (dashboard as Dashboard | undefined)?.places?.servicesDelivered ?? Number.NaN;
const sumOf = (map: Map<string, number>) => [...map.values()].reduce((a, b) => a + b, 0);

function checkFileLimit(needed: number): string {
  const limit = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
  if (limit !== 'unlimited' && Number(limit) < needed) {
    throw new Error(`ulimit -n is ${limit}; scenario (d) needs ${needed} file descriptors in the server and in the clients process (raise it: ulimit -n ${needed * 2})`);
  }
  return limit;
}

/**
 * A process's time from /proc, in seconds: on a CPU in user and in system mode (all threads), and
 * its main thread — the event loop — runnable but waiting for a CPU: a shared machine's part.
 */
function schedule(pid: number): { user: number; system: number; waiting: number } | undefined {
  try {
    const ticks = 100; // USER_HZ on Linux
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const waiting = Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e9;
    return { user: Number(stat[11]) / ticks, system: Number(stat[12]) / ticks, waiting };
  } catch {
    return undefined;
  }
}

/** Shares of a span of wall time (ms) between two readings: on a CPU (user, system), and runnable but waiting for one. */
function cpuShares(from: ReturnType<typeof schedule>, to: ReturnType<typeof schedule>, ms: number) {
  const share = (pick: (t: NonNullable<typeof from>) => number) => (from && to ? round1(((pick(to) - pick(from)) / (ms / 1000)) * 100) : Number.NaN);
  return { user: share((t) => t.user), system: share((t) => t.system), waiting: share((t) => t.waiting) };
}

/** VmRSS of a process in MiB (NaN once it is gone). */
function rssOf(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN) / 1024;
  } catch {
    return Number.NaN;
  }
}

/** Resident memory of a process by kind (anonymous, file-backed), from /proc where it exists: where an RSS goes. */
function residentKinds(pid: number): string {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? Number.NaN);
    return `resident ${Math.round(kb('Rss') / 1024)} MiB: anonymous ${Math.round(kb('Anonymous') / 1024)}, file ${Math.round((kb('Rss') - kb('Anonymous')) / 1024)}`;
  } catch {
    return 'no /proc smaps';
  }
}

function countError(errors: Map<string, number>, error: unknown) {
  const key = error instanceof TRPCClientError ? `${(error.data as { code?: string } | undefined)?.code ?? 'TRPC'}: ${error.message.slice(0, 120)}` : String(error).slice(0, 160);
  errors.set(key, (errors.get(key) ?? 0) + 1);
}

interface Settings {
  counts: number[];
  rate: number;
  burstSeconds: number;
  batchSize: number;
  burstConcurrency: number;
  processes: number;
  serverNodeArgs: string[];
}

function settings(): Settings {
  const counts = (process.env.FANOUT_CLIENTS ?? '1000,3000').split(',').map((s) => Math.round(Number(s)));
  if (counts.some((n) => !Number.isFinite(n) || n < 1 || n > 10_000)) throw new Error('FANOUT_CLIENTS must list client counts from 1 to 10 000');
  return {
    counts,
    rate: envNumber('FANOUT_RATE', 20, 0.1, 500),
    burstSeconds: envNumber('FANOUT_BURST_SECONDS', 3, 0.5, 60),
    batchSize: Math.round(envNumber('FANOUT_BURST_BATCH', 500, 1, MAX_DELIVERY_BATCH)),
    burstConcurrency: Math.round(envNumber('FANOUT_BURST_CONCURRENCY', 4, 1, 32)),
    processes: Math.round(envNumber('FANOUT_CLIENT_PROCESSES', 2, 1, 8)),
    serverNodeArgs: (process.env.FANOUT_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean),
  };
}

type DeliveryRow = { awardId: number; quantity: number; deliveredOn: string; service: ServiceName; beneficiaryRef: string; idempotencyKey: string };

/**
 * Everything one client count needs against the real server: the recorders (one delivery at a
 * time; batches), the rooms and their counts over HTTP, the deliveries in the database.
 */
function realServer(ctx: BenchContext, server: SoakServer, plan: FanoutPlan, cookies: Map<string, string>) {
  const anonymous = api(server.url);
  const rooms = [`public:round:${plan.roundId}`, NATIONAL_ROOM];
  const fetchRoom = (room: string): Promise<unknown> =>
    room === NATIONAL_ROOM ? anonymous.dashboards.publicNational.query({}) : anonymous.dashboards.publicRound.query({ roundId: plan.roundId });
  const recorder = deliveryRecorder(server.url, plan, cookies);
  const batchers = plan.actors.map((actor) => ({ actor, client: api(server.url, cookies.get(actor.email)) }));
  let batchNo = 0;
  let lastId = plan.deliveriesInDb;
  const left = () => plan.actors.reduce((s, a) => s + a.targets.reduce((t, x) => t + x.budget, 0), 0);

  /** One batch of up to `size` rows over the awards of one actor, taken in turn. */
  function nextBatch(size: number, available: { n: number }) {
    for (let tried = 0; tried < batchers.length; tried++) {
      const batcher = batchers[batchNo % batchers.length]!;
      const batch = ++batchNo;
      const rows: DeliveryRow[] = [];
      const today = todayIso();
      for (const award of batcher.actor.targets) {
        while (award.budget > 0 && rows.length < size && available.n > 0) {
          award.budget--;
          available.n--;
          rows.push({ awardId: award.awardId, quantity: 1, deliveredOn: today, service: award.service, beneficiaryRef: randomBytes(16).toString('hex'), idempotencyKey: `${KEY_PREFIX}-b${batch}-${rows.length}` });
        }
        if (rows.length >= size) break;
      }
      if (rows.length > 0) return { client: batcher.client, rows };
    }
    return undefined;
  }

  return {
    rooms,
    fetchRoom,
    counts: async () => Object.fromEntries(await Promise.all(rooms.map(async (room) => [room, servicesOf(await fetchRoom(room))] as const))),
    /**
     * The deliveries written since the last call, as the database has them, once writes have
     * stopped: a mutation whose answer timed out here may still be running on a saturated server.
     */
    async written() {
      const maxId = () => {
        const sqlite = new Database(ctx.nationalDb, { readonly: true, fileMustExist: true });
        try {
          return sqlite.prepare<[], { n: number | null }>('select max(id) as n from deliveries').get()?.n ?? 0;
        } finally {
          sqlite.close();
        }
      };
      // Settled once nothing new has been written for 1.5 s (or after a minute, whatever remains).
      const deadline = Date.now() + 60_000;
      for (let last = maxId(), quiet = 0; quiet < 3 && Date.now() < deadline; ) {
        await sleep(500);
        const next = maxId();
        quiet = next === last ? quiet + 1 : 0;
        last = next;
      }
      const rows = deliveriesSince(ctx.nationalDb, lastId);
      lastId = rows.lastId;
      return rows;
    },

    /** Steady: one delivery at a time through deliveries.record, open loop at `rate` for `seconds`. */
    async steady(rate: number, seconds: number) {
      const errorsBefore = sumOf(recorder.errors);
      const load = await steady({ rate, seconds, maxInFlight: Math.max(10, rate * 2), task: () => recorder.recordOne(), shouldStop: recorder.exhausted });
      await Promise.race([load.settle(), sleep(20_000)]);
      return { errors: sumOf(recorder.errors) - errorsBefore, skipped: load.skipped, exhausted: recorder.exhausted() };
    },

    /**
     * Burst: batches through deliveries.recordBatch, `concurrency` in flight, as fast as the server
     * takes them for `seconds`; `later` phases keep their steady share (`steadyShare` each) and an
     * equal share of what is left for their own burst.
     */
    async burst(options: { seconds: number; size: number; concurrency: number; later: number; steadyShare: number }) {
      const available = { n: Math.floor((left() - options.later * options.steadyShare) / (options.later + 1)) };
      const errors = new Map<string, number>();
      let batches = 0;
      let rows = 0;
      const from = Date.now();
      let lastAnswer = from;
      const end = from + options.seconds * 1_000;
      await Promise.all(
        Array.from({ length: options.concurrency }, async () => {
          while (Date.now() < end) {
            const batch = nextBatch(options.size, available);
            if (!batch) break;
            try {
              await batch.client.deliveries.recordBatch.mutate({ rows: batch.rows }, { signal: AbortSignal.timeout(30_000) });
              batches++;
              rows += batch.rows.length;
            } catch (error) {
              countError(errors, error);
            }
            lastAnswer = Date.now();
          }
        }),
      );
      return { from, lastAnswer, batches, rows, errors, exhausted: available.n <= 0 };
    },
    errorKinds: () => Object.fromEntries(recorder.errors),
  };
}

/**
 * What the raw baseline sends: the messages one client of the real server received during the
 * steady phase, at the same times, each kind with the same payload size — the dashboards fetched
 * over HTTP (the same whitelisted objects the messages carry), and an activity line.
 */
async function baselineReplay(real: ReturnType<typeof realServer>, roundId: number, schedule: NonNullable<Merged['schedule']>) {
  const [round, national] = await Promise.all(real.rooms.map(real.fetchRoom));
  const year = new Date().getUTCFullYear();
  const kinds = [
    { type: 'round.updated', payload: { roundId, dashboard: round, activity: [] } },
    // Any other message of the round room (none since activity lines travel with the dashboard).
    { type: 'round.updated', payload: { roundId, dashboard: round, activity: [{ roundId, orderId: 1, kind: 'deliveries', orderTitle: 'Commande de services de médiation numérique', count: 100, amountCents: 100_000, at: new Date().toISOString() }] } },
    { type: 'national.updated', payload: { year, dashboard: national } },
  ];
  return { kinds, schedule: schedule.map(([offset, room, state]): [number, number] => [offset, room === NATIONAL_ROOM ? 2 : state ? 0 : 1]) };
}

export async function benchFanout(ctx: BenchContext): Promise<ScenarioResult> {
  const config = settings();
  const { counts, rate, burstSeconds } = config;
  const maxClients = Math.max(...counts);
  const fileLimit = checkFileLimit(maxClients + 500);
  const t0 = now();
  const log = (line: string) => console.error(`[fanout ${((now() - t0) / 1000).toFixed(1).padStart(5)} s] ${line}`);

  const steadyPerRun = Math.ceil(rate * ctx.seconds);
  const plan = planFanout(ctx.nationalDb, counts.length * (steadyPerRun + 15_000));
  const measures: Measure[] = [];
  const targets: Target[] = [];
  const notes: string[] = [
    `Dataset: ${plan.deliveriesInDb.toLocaleString('en')} deliveries; round ${plan.roundId} « ${plan.roundName} »: ${plan.awards.toLocaleString('en')} awards of ${plan.places.toLocaleString('en')} qualified places accept deliveries today; ${plan.actors.length} of their actors sign in, with ${plan.budget.toLocaleString('en')} deliveries left to record.`,
    `Each client follows public:round:${plan.roundId} and public (the kiosk and the public national page), signed out, websocket transport; ${config.processes} clients process(es); ulimit -n ${fileLimit}. ${
      process.env.FANOUT_FULL_PARSE === '1'
        ? 'Clients parse every message in full (FANOUT_FULL_PARSE=1).'
        : "Clients are socket.io-client whose parser reads event packets for their header only (room, seq, type, stamps, servicesDelivered), checked against a full parse every 997th event: one process cannot JSON-parse 3 000 browsers' dashboards on 2 shared cores, and would measure its own backlog."
    }`,
    "Commit-to-receipt: the delivery row's server stamp (a batch: its last row) to the arrival of the first state message counting it, per client, room and delivery; it includes the bus window (up to 250 ms by design). Flush-to-receipt (the message's flush stamp to arrival) is the transport part, the one comparable with raw emit-to-receipt.",
    "Shared machine: 'event loop runnable but waiting for a CPU' is the share of the phase the server's main thread was ready to run with no core free (the clients, the bench, anyone else's jobs); latencies move with it from run to run.",
    `Steady: ${rate} deliveries/s through deliveries.record for ${ctx.seconds} s; burst: deliveries.recordBatch of ${config.batchSize} rows, ${config.burstConcurrency} in flight, for ${burstSeconds} s. The bench server runs with COSTLY_MAX_PER_MINUTE raised: the burst measures the fan-out, not the per-user limit on batches.`,
  ];

  let server: SoakServer | undefined;
  let clients: Clients | undefined;
  let raw: Child | undefined;
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  const hardLimitMs = (counts.length * (2 * ctx.seconds + burstSeconds + 180) + 360) * 1_000;

  const run = async () => {
    log(`starting the server on ${ctx.nationalDb}`);
    server = await startServer(ctx.root, 300_000, config.serverNodeArgs, { databasePath: ctx.nationalDb, env: { COSTLY_MAX_PER_MINUTE: '1000000' } });
    const cookies = new Map<string, string>();
    for (const actor of plan.actors) cookies.set(actor.email, await signIn(server.url, actor.email, ctx.password));
    log(`server ${server.url} (pid ${server.pid}); round ${plan.roundId}; ${plan.actors.length} actors signed in; ${plan.budget} deliveries available`);
    clients = clientPool(ctx.root, config.processes);
    raw = startChild(ctx.root, 'test/bench/raw-socket-server.ts');
    const [{ port: rawPort }] = await Promise.all([raw.waitFor<{ port: number }>('listening', 30_000), clients.ready()]);
    const real = realServer(ctx, server, plan, cookies);
    const { rooms } = real;
    await sleep(1_000);
    measures.push(measure('server RSS before any client (actors signed in)', round1((server.rssMiB() ?? Number.NaN) * MB_PER_MIB), 'MB'));

    for (const [phase, count] of counts.entries()) {
      const label = `${count.toLocaleString('en')} clients`;
      log(`${label}: connecting, 50 at once`);
      const connected = await clients.connect({ url: server.url, count, rooms, deadline: Date.now() + 60_000 + count * 40 });
      log(`${label}: ${connected.connected} connected in ${(connected.ms / 1000).toFixed(1)} s (${connected.failed} failed, ${connected.joinErrors} join errors)`);
      await sleep(1_000);
      const rss: number[] = [];
      const sampleRss = () => {
        const mib = server?.rssMiB();
        if (mib !== undefined) rss.push(mib);
      };
      sampleRss();
      const sampler = setInterval(sampleRss, 250);
      let realPart;
      try {
        const steadyBases = await real.counts();
        log(`${label}: steady, ${rate}/s for ${ctx.seconds} s through deliveries.record`);
        const steadyFrom = Date.now();
        const cpu0 = schedule(server.pid);
        const steadyLoad = await real.steady(rate, ctx.seconds);
        const steadyTo = Date.now() + WINDOW_MS; // the trailing flush belongs to the phase
        const cpu1 = schedule(server.pid);
        await sleep(WINDOW_MS * 2 + 750); // the trailing flush arrives, and the rooms are quiet before the burst
        const steadyRows = await real.written();
        const steadyAfter = await real.counts();

        const burstBases = await real.counts();
        log(`${label}: burst for ${burstSeconds} s through deliveries.recordBatch (${config.batchSize} rows, ${config.burstConcurrency} in flight)`);
        const cpu2 = schedule(server.pid);
        const burst = await real.burst({ seconds: burstSeconds, size: config.batchSize, concurrency: config.burstConcurrency, later: counts.length - 1 - phase, steadyShare: steadyPerRun + 100 });
        const cpu3 = schedule(server.pid);
        await sleep(WINDOW_MS * 2 + 750);
        const burstRows = await real.written();
        const burstAfter = await real.counts();
        sampleRss();
        // What is kept, as against garbage not yet collected: a full collection, through the probe.
        const afterGc = await server.memory();
        if (afterGc) {
          const usage = Object.fromEntries(Object.entries(afterGc.usage).map(([k, v]) => [k, Math.round(v / 2 ** 20)]));
          log(`${label}: server memory after the load and a full GC (MiB): ${JSON.stringify(usage)}; ${residentKinds(server.pid)}; RSS samples ${rss.map((m) => Math.round(m)).join(' ')}`);
        }

        // Only rooms whose dashboards counted exactly what was written pair messages with deliveries.
        const exact = (bases: Record<string, number>, after: Record<string, number>, services: number) =>
          Object.fromEntries(rooms.filter((room) => after[room]! - bases[room]! === services).map((room) => [room, bases[room]!]));
        const steadyExact = exact(steadyBases, steadyAfter, steadyRows.services);
        const burstExact = exact(burstBases, burstAfter, burstRows.services);
        for (const room of rooms) {
          if (!(room in steadyExact) || !(room in burstExact)) notes.push(`${label}: ${room} did not count exactly the deliveries written; its latency is left out.`);
        }
        // The clients' own load first: the analysis keeps their event loop busy.
        const health = await clients.health();
        const [steadyFigures, burstFigures] = await clients.analyse([
          { name: 'steady', from: steadyFrom, to: steadyTo, deliveries: { cumulative: steadyRows.cumulative, commitAt: steadyRows.commitAt }, bases: steadyExact, schedule: true },
          { name: 'burst', from: burst.from, to: burst.lastAnswer + WINDOW_MS, deliveries: { cumulative: burstRows.cumulative, commitAt: burstRows.commitAt }, bases: burstExact },
        ]);
        await clients.close();

        realPart = {
          steady: steadyFigures!,
          burst: burstFigures!,
          steadyRows,
          burstRows,
          burstLoad: burst,
          steadyLoad,
          health,
          rssConnected: rss[0] ?? Number.NaN,
          rssPeak: Math.max(...rss),
          afterGc,
          cpuSteady: cpuShares(cpu0, cpu1, steadyTo - WINDOW_MS - steadyFrom),
          cpuBurst: cpuShares(cpu2, cpu3, burst.lastAnswer - burst.from),
        };
      } finally {
        clearInterval(sampler);
      }

      // Raw baseline: as many clients, in one room, the steady phase's messages replayed.
      const { steady: s, burst: b } = realPart;
      const replay = await baselineReplay(real, plan.roundId, s.schedule ?? []);
      const rawConnected = await clients.connect({ url: `http://127.0.0.1:${rawPort}`, count, rooms: [RAW_ROOM], deadline: Date.now() + 60_000 + count * 40 });
      await sleep(1_000);
      log(`${label}: raw baseline, ${rawConnected.connected} connected; replaying ${replay.schedule.length} messages over ${(s.seconds).toFixed(1)} s`);
      // The bare server's own memory and CPU under the same fan-out, read from outside as the real one's.
      const rawPid = raw.process.pid!;
      const rawRss = [rssOf(rawPid)];
      const rawSampler = setInterval(() => rawRss.push(rssOf(rawPid)), 250);
      const rawCpu0 = schedule(rawPid);
      const rawFrom = Date.now();
      const emitted = await raw.request<{ ms: number }>({ type: 'replay', room: RAW_ROOM, ...replay }, 'emitted', (ctx.seconds + 60) * 1_000).finally(() => clearInterval(rawSampler));
      const rawTo = rawFrom + Math.max(emitted.ms, s.seconds * 1000) + 1;
      const rawCpu = cpuShares(rawCpu0, schedule(rawPid), emitted.ms);
      await sleep(1_000);
      const rawHealth = await clients.health();
      const [r] = await clients.analyse([{ name: 'raw', from: rawFrom, to: rawTo }]);
      await clients.close();

      // Figures.
      const { health, burstLoad, steadyRows, burstRows } = realPart;
      const burstRate = burstRows.rows / Math.max(0.001, (burstLoad.lastAnswer - burstLoad.from) / 1000);
      const perRoom = (figures: Merged, pick: (room: Merged['rooms'][string]) => number) => rooms.map((room) => (figures.rooms[room] ? pick(figures.rooms[room]) : 0));
      const burstPerDashboard = Math.max(...perRoom(b, (x) => x.perClientPerSecond.mean));
      const ratio = r!.stampToReceipt.p99 > 0 && s.commitToReceipt.count > 0 ? s.commitToReceipt.p99 / r!.stampToReceipt.p99 : Number.NaN;
      const errors = realPart.steadyLoad.errors + sumOf(burstLoad.errors);
      const ms = (n: number) => round1(n);
      measures.push(
        measure(`${label}: sockets connected`, connected.connected, ''),
        measure(`${label}: connect time, 50 opening at once`, round1(connected.ms / 1000), 's'),
        measure(`${label}: steady, deliveries recorded one by one`, steadyRows.rows, ''),
        measure(`${label}: steady, commit-to-receipt p50`, ms(s.commitToReceipt.p50), 'ms'),
        measure(`${label}: steady, commit-to-receipt p99`, ms(s.commitToReceipt.p99), 'ms'),
        measure(`${label}: steady, flush-to-receipt p50`, ms(s.stampToReceipt.p50), 'ms'),
        measure(`${label}: steady, flush-to-receipt p99`, ms(s.stampToReceipt.p99), 'ms'),
        measure(`${label}: steady, flush to first socket p99`, ms(s.stampToFirst.p99), 'ms'),
        measure(`${label}: steady, first to last socket p99`, ms(s.firstToLast.p99), 'ms'),
        measure(`${label}: raw, emit-to-receipt p50`, ms(r!.stampToReceipt.p50), 'ms', true),
        measure(`${label}: raw, emit-to-receipt p99`, ms(r!.stampToReceipt.p99), 'ms', true),
        measure(`${label}: raw, emit to first socket p99`, ms(r!.stampToFirst.p99), 'ms', true),
        measure(`${label}: raw, first to last socket p99`, ms(r!.firstToLast.p99), 'ms', true),
        measure(`${label}: raw, messages per client per second`, round1(r!.perClientPerSecond.mean), '/s', true),
        measure(`${label}: steady commit-to-receipt p99 ÷ raw emit-to-receipt p99`, Math.round(ratio * 100) / 100, '×'),
        measure(`${label}: steady flush-to-receipt p99 ÷ raw emit-to-receipt p99 (transport only)`, Math.round((s.stampToReceipt.p99 / r!.stampToReceipt.p99) * 100) / 100, '×'),
        measure(`${label}: steady, messages per client per second (both rooms)`, round1(s.perClientPerSecond.mean), '/s'),
        ...rooms.map((room, i) => measure(`${label}: steady, messages per second on ${room}`, round1(perRoom(s, (x) => x.perClientPerSecond.mean)[i]!), '/s')),
        measure(`${label}: burst, deliveries recorded in batches`, burstRows.rows, ''),
        measure(`${label}: burst, batches answered`, burstLoad.batches, ''),
        measure(`${label}: burst, rate`, Math.round(burstRate), 'deliveries/s'),
        measure(`${label}: burst, commit-to-receipt p50`, ms(b.commitToReceipt.p50), 'ms'),
        measure(`${label}: burst, commit-to-receipt p99`, ms(b.commitToReceipt.p99), 'ms'),
        measure(`${label}: burst, flush-to-receipt p99`, ms(b.stampToReceipt.p99), 'ms'),
        ...rooms.map((room, i) => measure(`${label}: burst, messages per second on ${room}`, round1(perRoom(b, (x) => x.perClientPerSecond.mean)[i]!), '/s')),
        ...rooms.map((room, i) => measure(`${label}: burst, state messages per second on ${room}`, round1(perRoom(b, (x) => x.statePerClientPerSecond.mean)[i]!), '/s')),
        measure(`${label}: burst, messages in the densest second of a room`, Math.max(...perRoom(b, (x) => x.peakInOneSecond)), ''),
        measure(`${label}: server RSS once connected`, round1(realPart.rssConnected * MB_PER_MIB), 'MB'),
        measure(`${label}: server RSS, peak while connected`, round1(realPart.rssPeak * MB_PER_MIB), 'MB'),
        measure(`${label}: server heap used after the load, after a full GC`, round1(((realPart.afterGc?.usage.heapUsed ?? Number.NaN) / 1e6)), 'MB'),
        measure(`${label}: server RSS after the load, after a full GC`, round1(((realPart.afterGc?.usage.rss ?? Number.NaN) / 1e6)), 'MB'),
        measure(`${label}: server CPU, steady, user`, realPart.cpuSteady.user, '% of a core'),
        measure(`${label}: server CPU, steady, system`, realPart.cpuSteady.system, '% of a core'),
        measure(`${label}: server event loop runnable but waiting for a CPU, steady`, realPart.cpuSteady.waiting, '% of the time'),
        measure(`${label}: server CPU, burst, user`, realPart.cpuBurst.user, '% of a core'),
        measure(`${label}: server CPU, burst, system`, realPart.cpuBurst.system, '% of a core'),
        measure(`${label}: server event loop runnable but waiting for a CPU, burst`, realPart.cpuBurst.waiting, '% of the time'),
        measure(`${label}: raw server RSS before the replay`, round1(rawRss[0]! * MB_PER_MIB), 'MB', true),
        measure(`${label}: raw server RSS, peak during the replay`, round1(Math.max(...rawRss.filter((x) => !Number.isNaN(x))) * MB_PER_MIB), 'MB', true),
        measure(`${label}: raw server CPU during the replay, user + system`, round1(rawCpu.user + rawCpu.system), '% of a core', true),
        measure(`${label}: raw server event loop runnable but waiting for a CPU`, rawCpu.waiting, '% of the time', true),
        measure(`${label}: clients process CPU, real run`, round1(health.cpuPercentOfOneCore), '% of a core'),
        measure(`${label}: clients event-loop delay p99, real run`, round1(health.eventLoopDelayP99Ms), 'ms'),
        measure(`${label}: clients event-loop delay p99, raw run`, round1(rawHealth.eventLoopDelayP99Ms), 'ms', true),
        measure(`${label}: mutation errors`, errors, ''),
        measure(`${label}: unplanned disconnects (real + raw)`, health.disconnects + rawHealth.disconnects, ''),
        measure(`${label}: clients processes' memory, real run`, round1(health.rssMiB * MB_PER_MIB), 'MB'),
        measure(`${label}: sequence gaps (real + raw)`, health.gaps + rawHealth.gaps, ''),
        measure(`${label}: failed connects and joins (real + raw)`, connected.failed + rawConnected.failed + health.joinErrors + rawHealth.joinErrors, ''),
        measure(`${label}: (client, room, delivery) never shown`, s.unseen + b.unseen, ''),
      );
      if (errors > 0) notes.push(`${label}: mutation errors ${JSON.stringify({ ...real.errorKinds(), ...Object.fromEntries(burstLoad.errors) })}`);
      if (Object.keys(connected.errors).length) notes.push(`${label}: connect errors ${JSON.stringify(connected.errors)}`);
      if (burstLoad.rows !== burstRows.rows) notes.push(`${label}: ${burstLoad.rows} burst rows answered, ${burstRows.rows} in the database`);
      if (burstLoad.exhausted) notes.push(`${label}: the burst used every delivery the plan left it (${burstRows.rows}).`);
      if (realPart.steadyLoad.exhausted || realPart.steadyLoad.skipped > 0) notes.push(`${label}: the steady phase ${realPart.steadyLoad.exhausted ? 'ran out of awards' : `skipped ${realPart.steadyLoad.skipped} deliveries (too many in flight)`}.`);
      if (rawHealth.decodeMismatches > 0 || rawHealth.decodeFallbacks > 0) {
        notes.push(`${label}: the clients' header reading disagreed with a full parse ${rawHealth.decodeMismatches} times in ${rawHealth.decodeChecked} checks, and fell back to it ${rawHealth.decodeFallbacks} times.`);
      }
      const burstStates = Math.max(...perRoom(b, (x) => x.statePerClientPerSecond.mean));
      if (burstPerDashboard > 4 && burstStates <= 4) {
        notes.push(`${label}: during the burst the busiest room carried ${round1(burstStates)} state messages a second; the other ${round1(burstPerDashboard - burstStates)} a second are other messages of the room.`);
      }
      if (phase === counts.length - 1) {
        targets.push(
          target(`${label}: steady commit-to-receipt p99 ÷ raw emit-to-receipt p99`, Math.round(ratio * 100) / 100, '<=', 2, '×'),
          target(`${label}: messages per dashboard per second during the burst (busiest room)`, round1(burstPerDashboard), '<=', 4, '/s'),
          target(`${label}: server RSS, peak while connected`, round1(realPart.rssPeak * MB_PER_MIB), '<=', 300, 'MB'),
        );
      }
    }
    if (server.errorLines.length) notes.push(`server stderr: ${server.errorLines.slice(-5).join(' | ')}`);
  };

  try {
    await Promise.race([
      run(),
      new Promise<never>((_, reject) => {
        watchdog = setTimeout(() => reject(new Error(`scenario (d) over ${hardLimitMs / 1000} s, stopped`)), hardLimitMs);
      }),
    ]);
  } finally {
    clearTimeout(watchdog);
    await Promise.allSettled([clients?.stop(), raw?.stop(), server?.stop()]);
    log('stopped');
  }
  return { id: 'd', title: 'Live fan-out: dashboards following deliveries, against raw socket.io', measures, targets, notes };
}

/** The password of the dataset's accounts: its manifest's (`npm run seed:national`), else BENCH_PASSWORD, else the demo's. */
function passwordOf(databasePath: string): string {
  const manifest = databasePath.replace(/\.db$/, '.json');
  if (existsSync(manifest)) {
    const password = (JSON.parse(readFileSync(manifest, 'utf8')) as { password?: unknown }).password;
    if (typeof password === 'string') return password;
  }
  return process.env.BENCH_PASSWORD ?? DEMO_PASSWORD;
}

// `npx tsx test/bench/fanout.bench.ts <dbPath>`: the scenario alone, on a copy of the database
// (the bench writes deliveries), printed as JSON on stdout (progress on stderr). BENCH_SECONDS as
// for `npm run bench`, and the FANOUT_* settings above.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const source = process.argv[2];
  if (!source) {
    console.error('usage: npx tsx test/bench/fanout.bench.ts <dbPath>');
    process.exit(2);
  }
  const dir = mkdtempSync(join(tmpdir(), 'aptic-fanout-'));
  const copy = join(dir, 'fanout.db');
  let code = 0;
  try {
    const sqlite = new Database(source, { readonly: true, fileMustExist: true });
    await sqlite.backup(copy);
    sqlite.close();
    const result = await benchFanout({
      root: fileURLToPath(new URL('../..', import.meta.url)),
      nationalDb: copy,
      smallDb: copy,
      seconds: envNumber('BENCH_SECONDS', 10, 1, 600),
      password: passwordOf(source),
    });
    console.log(JSON.stringify(result, null, 2));
  } catch (error) {
    console.error('scenario (d) failed:', error);
    code = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(code);
}
