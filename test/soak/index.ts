import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events';
import { openClients, type DashboardClient } from './dashboard-clients';
import { api, countRecorded, deliveryRecorder, planLoad, signIn } from './load';
import { startServer, type ServerMemory, type SoakServer } from './server';
import { printReport, type SoakReport } from './report';
import { percentile, sleep, slope, steady, summary } from './stats';

/**
 * `npm run soak` (issue 8, item 7): load without loss. The real server in a child process on a
 * fresh demo database, SOAK_CLIENTS signed-out dashboard sockets following the open round's public
 * room and the public national room, and deliveries recorded at SOAK_RATE a second for
 * SOAK_SECONDS through the HTTP tRPC mutation; SOAK_CHURN of the clients drop out once and come
 * back, so the gap-and-refetch path runs under load too. Loopback only; every phase is bounded.
 * The server's memory is read from outside (RSS) and, after a full collection, through
 * memory-probe.ts loaded into it.
 *
 * Printed beside raw baselines measured in the same run (GET /api/health at the same rate, a
 * socket.io acknowledgement round trip), as `npm run bench` does: machines are shared and noisy.
 * Exits non-zero on an error, a lost event or a client whose final state is not the server's.
 */

const envNumber = (name: string, fallback: number, min: number, max: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < min || value > max) throw new Error(`${name} must be a number from ${min} to ${max}`);
  return value;
};
const SECONDS = envNumber('SOAK_SECONDS', 60, 1, 600);
const CLIENTS = Math.round(envNumber('SOAK_CLIENTS', 1_000, 1, 10_000));
const RATE = envNumber('SOAK_RATE', 50, 0.1, 500);
/** Share of clients that drop their connection once during the load and come back: the refetch path under load. */
const CHURN = envNumber('SOAK_CHURN', 0.02, 0, 1);
const CHURN_OFF_MS = 1_500;
/** Extra node flags for the server only, to look into a slow run: SOAK_SERVER_NODE_ARGS="--cpu-prof". */
const SERVER_NODE_ARGS = (process.env.SOAK_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** The bus window (server/realtime/bus.ts): a room's trailing flush goes out within it. */
const WINDOW_MS = 250;
const PING_RATE = 10;
/** The event-loop histogram reads its sampling period into every value: it is taken off below. */
const LOOP_RESOLUTION_MS = 2;
const loopMs = (ns: number) => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS);
/** Several actors' sessions write at once; sign-ins stay well under the limit per address (SIGNIN_MAX_PER_IP, 30). */
const ACTORS = { min: 4, max: 15 };
const HARD_LIMIT_MS = (SECONDS + 90) * 1_000;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));

type Dashboard = { places: { servicesDelivered: number } };
const servicesOf = (dashboard: unknown) => (dashboard as Dashboard | undefined)?.places.servicesDelivered ?? Number.NaN;
const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
const round1 = (n: number) => Math.round(n * 10) / 10;
const mib = (bytes: number) => round1(bytes / 2 ** 20);

/** Heap in use (and memory outside it) at start, middle, end and after settling, each after a full collection. */
function heapFigures(readings: (ServerMemory | undefined)[]) {
  const [start, middle, end, afterSettle] = readings.map((r) => (r ? { heapUsed: mib(r.usage.heapUsed), external: mib(r.usage.external + r.usage.arrayBuffers) } : undefined));
  return { collected: readings.every((r) => r?.collected), start, middle, end, afterSettle };
}

/** Each socket is a file descriptor here and one in the server: refuse to start rather than fail midway. */
function checkFileLimit(needed: number) {
  const limit = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
  if (limit !== 'unlimited' && Number(limit) < needed) {
    throw new Error(`ulimit -n is ${limit}; ${needed} file descriptors are needed for ${CLIENTS} clients (raise it: ulimit -n ${needed * 2})`);
  }
  return limit;
}

let server: SoakServer | undefined;
const clients: DashboardClient[] = [];
const closers: (() => void)[] = [];

async function cleanup() {
  for (const close of closers.splice(0)) close();
  for (const client of clients.splice(0)) client.close();
  await server?.stop();
}

async function soak() {
  const fileLimit = checkFileLimit(CLIENTS + 200);
  const startedAt = new Date();
  const t0 = performance.now();
  const phase = (label: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${label}`);

  phase(`starting the server on a fresh demo database (clients ${CLIENTS}, rate ${RATE}/s, ${SECONDS} s, ulimit -n ${fileLimit})`);
  server = await startServer(ROOT, 60_000, SERVER_NODE_ARGS);
  const { url } = server;
  const rssIdle = server.rssMiB();

  const needed = Math.ceil(RATE * SECONDS);
  const plan = planLoad(server.databasePath, Math.ceil(needed * 1.1), ACTORS);
  if (plan.budget < needed) console.warn(`warning: the demo leaves ${plan.budget} deliveries to record, fewer than the ${needed} planned`);
  const cookies = new Map<string, string>();
  for (const actor of plan.actors) cookies.set(actor.email, await signIn(url, actor.email));
  phase(`server ${url} (pid ${server.pid}); round ${plan.roundId}; ${plan.actors.length} demo actors signed in, ${plan.budget} deliveries available`);

  const anonymous = api(url);
  const roundRoom = `public:round:${plan.roundId}`;
  const rooms = [roundRoom, 'public'];
  const fetchRoom = (room: string): Promise<unknown> =>
    room === 'public' ? anonymous.dashboards.publicNational.query({}) : anonymous.dashboards.publicRound.query({ roundId: plan.roundId });
  const transportMs: number[] = [];

  const opened = await openClients({
    url,
    count: CLIENTS,
    concurrency: 50,
    rooms,
    fetch: fetchRoom,
    onArrival: (ms) => transportMs.push(ms),
    connectTimeoutMs: 10_000,
    deadline: Date.now() + 45_000,
  });
  clients.push(...opened.clients);
  const initial = new Map(await Promise.all(rooms.map(async (room) => [room, await fetchRoom(room)] as const)));
  for (const client of clients) client.loadInitial(initial);
  const servicesAtStart = servicesOf(initial.get(roundRoom));
  const nationalAtStart = servicesOf(initial.get('public'));
  phase(`${clients.length} clients connected and joined (${opened.failed} failed)`);

  // A socket.io acknowledgement round trip: the transport's own latency, the fan-out's baseline.
  const probe: Socket<ServerToClientEvents, ClientToServerEvents> = connect(url, { transports: ['websocket'], forceNew: true, reconnectionAttempts: 5 });
  closers.push(() => probe.disconnect());
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 10_000);
    probe.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
  });

  const rss: { t: number; mib: number }[] = [];
  const loadStart = performance.now();
  const loadStartWall = Date.now();
  const serverCpuStart = server.cpuSeconds();
  const soakCpuStart = process.cpuUsage();
  const loadAverageStart = loadavg()[0]!;
  const sampleRss = () => {
    const mib = server?.rssMiB();
    if (mib !== undefined) rss.push({ t: (performance.now() - loadStart) / 1000, mib });
  };
  const heapStart = await server.memory();
  sampleRss();
  const rssStart = rss.at(-1)?.mib;
  const sampler = setInterval(sampleRss, 1_000);
  closers.push(() => clearInterval(sampler));
  let rssMiddle: number | undefined;
  let heapMiddle: Promise<ServerMemory | undefined> = Promise.resolve(undefined);
  const middle = setTimeout(() => {
    rssMiddle = server?.rssMiB();
    heapMiddle = server?.memory() ?? heapMiddle;
  }, (SECONDS * 1_000) / 2);
  closers.push(() => clearTimeout(middle));
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();

  // Churn: a few clients drop out once, at a time spread over the middle of the load.
  const bounced = clients.slice(0, Math.round(clients.length * CHURN));
  bounced.forEach((client, n) => {
    const at = (0.1 + (0.8 * (n + 0.5)) / bounced.length) * SECONDS * 1_000;
    const timer = setTimeout(() => void client.bounce(CHURN_OFF_MS), at);
    closers.push(() => clearTimeout(timer));
  });

  phase(`recording deliveries at ${RATE}/s for ${SECONDS} s${bounced.length ? `; ${bounced.length} clients drop out once for ${CHURN_OFF_MS / 1000} s` : ''}`);
  const recorder = deliveryRecorder(url, plan, cookies);
  const healthMs: { at: number; ms: number }[] = [];
  const healthErrors = new Map<string, number>();
  const pingMs: number[] = [];
  let pingErrors = 0;
  const maxInFlight = Math.max(10, Math.ceil(RATE * 2));
  const [mutations, health, pings] = await Promise.all([
    steady({ rate: RATE, seconds: SECONDS, maxInFlight, task: () => recorder.recordOne(), shouldStop: recorder.exhausted }),
    steady({
      rate: RATE,
      seconds: SECONDS,
      maxInFlight,
      task: async () => {
        const started = performance.now();
        try {
          const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(15_000) });
          await response.arrayBuffer();
          if (!response.ok) count(healthErrors, `HTTP ${response.status}`);
          else healthMs.push({ at: Date.now(), ms: performance.now() - started });
        } catch (error) {
          count(healthErrors, String(error));
        }
      },
    }),
    steady({
      rate: PING_RATE,
      seconds: SECONDS,
      maxInFlight: PING_RATE,
      task: () =>
        new Promise<void>((resolve) => {
          const started = performance.now();
          const timer = setTimeout(() => {
            pingErrors++;
            resolve();
          }, 5_000);
          // Leaving a room the probe never joined: the cheapest acknowledged message there is.
          probe.emit('leave', 'public:round:999999999', () => {
            clearTimeout(timer);
            pingMs.push(performance.now() - started);
            resolve();
          });
        }),
    }),
  ]);
  await Promise.race([Promise.all([mutations.settle(), health.settle(), pings.settle()]), sleep(20_000)]);
  const loadSeconds = (performance.now() - loadStart) / 1000;
  loop.disable();
  const serverCpuEnd = server.cpuSeconds();
  const soakCpu = process.cpuUsage(soakCpuStart);
  const loadAverageEnd = loadavg()[0]!;
  sampleRss();
  const rssEnd = rss.at(-1)?.mib;
  clearInterval(sampler);
  const heapEnd = await server.memory();

  // The trailing flush of each room, then any refetch still running, then the truth.
  phase('load over; waiting for the trailing messages and refetches');
  await sleep(WINDOW_MS * 2 + 500);
  await Promise.race([Promise.all(clients.map((c) => c.settled())), sleep(10_000)]);
  const fresh = new Map(await Promise.all(rooms.map(async (room) => [room, await fetchRoom(room)] as const)));
  const rssAfter = server.rssMiB();
  const heapAfter = await server.memory();

  const ok = recorder.records.filter((r) => r.ok);
  const mutationErrors = recorder.records.length - ok.length;
  // A mutation whose answer timed out may still have been written: the database decides.
  const recordedInDb = countRecorded(server.databasePath);
  const servicesCounted = servicesOf(fresh.get(roundRoom)) - servicesAtStart;
  const nationalCounted = servicesOf(fresh.get('public')) - nationalAtStart;

  let stale = 0;
  let lostAfterRefetch = 0;
  let gaps = 0;
  let missed = 0;
  let refetches = 0;
  let refetchErrors = 0;
  let received = 0;
  let disconnects = 0;
  let bounces = 0;
  let joinErrors = 0;
  for (const client of clients) {
    disconnects += client.disconnects;
    bounces += client.bounces;
    joinErrors += client.joinErrors;
    for (const follower of client.rooms) {
      received += follower.received;
      gaps += follower.gaps;
      missed += follower.missed;
      refetches += follower.refetches;
      refetchErrors += follower.refetchErrors;
      if (!client.matches(follower.room, fresh.get(follower.room))) stale++;
      // Deliveries written whose service is missing from what this client shows.
      const seen = servicesOf(follower.state) - (follower.room === roundRoom ? servicesAtStart : nationalAtStart);
      lostAfterRefetch += Number.isNaN(seen) ? recordedInDb : Math.max(0, recordedInDb - seen);
    }
  }

  // Fan-out: for each delivery, the first round message computed after its transaction, as it
  // arrives at each client. The flush and the transaction never interleave, so a message stamped
  // after the delivery row includes it; stamps are whole milliseconds, so an equal one is only
  // taken when it is the last.
  const recorded = ok.map((r) => ({ committedAt: r.committedAt!, answeredAt: r.answeredAt })).sort((a, b) => a.committedAt - b.committedAt);
  const fromCommit = new Float64Array(recorded.length * clients.length);
  const fromAnswer = new Float64Array(recorded.length * clients.length);
  let filled = 0;
  let unseen = 0;
  const perClientP99: number[] = [];
  // Clients dropped on purpose are left out: what they missed came back by refetch, checked above.
  for (const client of clients.filter((c) => c.bounces === 0)) {
    const { stamps, arrivals } = client.rooms.find((r) => r.room === roundRoom)!;
    const mine: number[] = [];
    let i = 0;
    for (const delivery of recorded) {
      while (i < stamps.length && stamps[i]! <= delivery.committedAt) i++;
      const k = i < stamps.length ? i : stamps.at(-1) === delivery.committedAt ? i - 1 : -1;
      if (k < 0) {
        unseen++;
        continue;
      }
      fromAnswer[filled] = arrivals[k]! - delivery.answeredAt;
      mine.push((fromCommit[filled++] = arrivals[k]! - delivery.committedAt));
    }
    perClientP99.push(percentile(Float64Array.from(mine).sort(), 99));
  }

  // Per slice of the load: does anything drift (latency, memory) as the run goes on?
  const sliceSeconds = Math.max(1, Math.round(SECONDS / 6));
  const slices = Array.from({ length: Math.ceil(loadSeconds / sliceSeconds) }, (_, n) => {
    const within = (at: number) => at >= loadStartWall + n * sliceSeconds * 1_000 && at < loadStartWall + (n + 1) * sliceSeconds * 1_000;
    const inSlice = rss.filter((r) => r.t >= n * sliceSeconds && r.t < (n + 1) * sliceSeconds);
    return {
      fromSecond: n * sliceSeconds,
      mutations: recorder.records.filter((r) => within(r.answeredAt)).length,
      mutationP99Ms: summary(recorder.records.filter((r) => within(r.answeredAt)).map((r) => r.latencyMs)).p99,
      healthP99Ms: summary(healthMs.filter((h) => within(h.at)).map((h) => h.ms)).p99,
      rssMiB: inSlice.at(-1)?.mib,
    };
  });
  const rssTrend = slope(rss.filter((s) => s.t >= loadSeconds / 2).map((s) => ({ x: s.t / 60, y: s.mib })));

  const result: SoakReport = {
    startedAt: startedAt.toISOString(),
    settings: { seconds: SECONDS, clients: CLIENTS, rate: RATE, churn: CHURN, rooms, fileLimit },
    durationSeconds: round1((performance.now() - t0) / 1000),
    loadSeconds: round1(loadSeconds),
    clients: { connected: clients.length, failed: opened.failed, connectErrors: Object.fromEntries(opened.errors), joinErrors, disconnects, bounces },
    mutations: {
      planned: needed,
      sent: recorder.records.length,
      skippedAtMaxInFlight: mutations.skipped,
      ok: ok.length,
      errors: mutationErrors,
      errorKinds: Object.fromEntries(recorder.errors),
      latencyMs: summary(recorder.records.map((r) => r.latencyMs)),
    },
    baseline: {
      healthMs: summary(healthMs.map((h) => h.ms)),
      healthErrors: Object.fromEntries(healthErrors),
      healthSkipped: health.skipped,
      socketAckMs: summary(pingMs),
      socketAckErrors: pingErrors,
    },
    events: {
      received,
      gaps,
      missedBySeq: missed,
      refetches,
      refetchErrors,
      clientsStale: stale,
      lostAfterRefetch,
      recordedInDatabase: recordedInDb,
      roundServicesCounted: servicesCounted,
      nationalServicesCounted: nationalCounted,
    },
    fanOutMs: { ...summary(fromCommit.subarray(0, filled)), fromAnswer: summary(fromAnswer.subarray(0, filled)), worstClientP99: Math.max(0, ...perClientP99), unseen },
    transportMs: summary(transportMs),
    // The machine may be shared: how busy each side was during the load, and the machine as a whole.
    cpu: {
      serverPercentOfOneCore: serverCpuStart === undefined || serverCpuEnd === undefined ? undefined : round1(((serverCpuEnd - serverCpuStart) / loadSeconds) * 100),
      soakPercentOfOneCore: round1(((soakCpu.user + soakCpu.system) / 1e6 / loadSeconds) * 100),
      machineCpus: availableParallelism(),
      loadAverage1m: { start: round1(loadAverageStart), end: round1(loadAverageEnd) },
    },
    soakEventLoopDelayMs: { p50: loopMs(loop.percentile(50)), p99: loopMs(loop.percentile(99)), max: loopMs(loop.max) },
    serverHeapAfterGcMiB: heapFigures([heapStart, await heapMiddle, heapEnd, heapAfter]),
    serverRssMiB: { idle: rssIdle, start: rssStart, middle: rssMiddle, end: rssEnd, afterSettle: rssAfter, trendMiBPerMinute: rssTrend, samples: rss },
    slices,
    serverErrorLines: [...server.errorLines],
  };

  const failures = [
    opened.failed > 0 && `${opened.failed} clients failed to connect`,
    joinErrors > 0 && `${joinErrors} joins refused`,
    mutationErrors > 0 && `${mutationErrors} mutation errors`,
    refetchErrors > 0 && `${refetchErrors} refetch errors`,
    servicesCounted !== recordedInDb && `the round counts ${servicesCounted} new services for ${recordedInDb} deliveries written`,
    nationalCounted !== recordedInDb && `the national view counts ${nationalCounted} new services for ${recordedInDb} deliveries written`,
    stale > 0 && `${stale} client rooms end on a state other than the server's`,
    lostAfterRefetch > 0 && `${lostAfterRefetch} deliveries missing from clients after refetch`,
    server.errorLines.length > 0 && `${server.errorLines.length} lines on the server's stderr`,
  ].filter((f): f is string => typeof f === 'string');

  printReport(result, failures);
  mkdirSync(RESULTS, { recursive: true });
  const file = `${RESULTS}soak-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, `${JSON.stringify({ ...result, failures }, null, 2)}\n`);
  console.log(`Saved to ${file.slice(ROOT.length)}`);
  return failures.length === 0;
}

const watchdog = setTimeout(() => {
  console.error(`soak: over ${HARD_LIMIT_MS / 1000} s, stopping`);
  void cleanup().finally(() => process.exit(2));
}, HARD_LIMIT_MS);

let passed = false;
try {
  passed = await soak();
} catch (error) {
  console.error('soak failed:', error);
  if (server?.errorLines.length) console.error(`server stderr:\n${server.errorLines.join('\n')}`);
} finally {
  clearTimeout(watchdog);
  await cleanup();
}
// Sockets and keep-alive connections may linger a moment: the verdict is in, leave now.
process.exit(passed ? 0 : 1);
