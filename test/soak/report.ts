interface HeapReading {
  heapUsed: number;
  /** C++ objects and buffers outside the V8 heap (sockets' buffers among them). */
  external: number;
}

interface Latency {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** What one soak run measured: printed as a table and saved as JSON under test/soak/results/. */
export interface SoakReport {
  startedAt: string;
  settings: { seconds: number; clients: number; rate: number; churn: number; rooms: string[]; fileLimit: string };
  durationSeconds: number;
  loadSeconds: number;
  clients: { connected: number; failed: number; connectErrors: Record<string, number>; joinErrors: number; disconnects: number; bounces: number };
  mutations: { planned: number; sent: number; skippedAtMaxInFlight: number; ok: number; errors: number; errorKinds: Record<string, number>; latencyMs: Latency };
  baseline: { healthMs: Latency; healthErrors: Record<string, number>; healthSkipped: number; socketAckMs: Latency; socketAckErrors: number };
  events: {
    received: number;
    gaps: number;
    missedBySeq: number;
    refetches: number;
    refetchErrors: number;
    /** Client rooms whose final state differs from a fresh fetch. */
    clientsStale: number;
    /** Deliveries written whose service a client's final state does not count, summed over client rooms. */
    lostAfterRefetch: number;
    /** Deliveries of this run in the database (an answer that timed out may still have been written). */
    recordedInDatabase: number;
    roundServicesCounted: number;
    nationalServicesCounted: number;
  };
  /**
   * From a delivery's commit to the arrival of the first round message that includes it, over
   * every (delivery, client); `fromAnswer` counts from the mutation's answer instead (negative when
   * the dashboard moved before the answer came back). `unseen`: pairs with no such message (the
   * client caught up by a refetch, if at all).
   */
  fanOutMs: Latency & { fromAnswer: Latency; worstClientP99: number; unseen: number };
  /** From the server's stamp on a message to its arrival at a client. */
  transportMs: Latency;
  cpu: { serverPercentOfOneCore: number | undefined; soakPercentOfOneCore: number; machineCpus: number; loadAverage1m: { start: number; end: number } };
  soakEventLoopDelayMs: { p50: number; p99: number; max: number };
  serverHeapAfterGcMiB: { collected: boolean; start?: HeapReading; middle?: HeapReading; end?: HeapReading; afterSettle?: HeapReading };
  serverRssMiB: {
    idle: number | undefined;
    start: number | undefined;
    middle: number | undefined;
    end: number | undefined;
    afterSettle: number | undefined;
    trendMiBPerMinute: number;
    samples: { t: number; mib: number }[];
  };
  slices: { fromSecond: number; mutations: number; mutationP99Ms: number; healthP99Ms: number; rssMiB: number | undefined }[];
  serverErrorLines: string[];
}

const fmt = (n: number | undefined, digits = 0) =>
  n === undefined || !Number.isFinite(n) ? '—' : n.toLocaleString('fr-FR', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ms = (s: { p50: number; p99: number }) => `p50 ${fmt(s.p50, 1)} ms · p99 ${fmt(s.p99, 1)} ms`;
const row = (label: string, value: string) => console.log(`  ${label.padEnd(52)} ${value}`);

export function printReport(r: SoakReport, failures: string[]) {
  console.log(`\nSoak: ${fmt(r.settings.clients)} dashboard clients, deliveries at ${r.settings.rate}/s for ${r.settings.seconds} s`);
  row('duration (whole run / load)', `${fmt(r.durationSeconds, 1)} s / ${fmt(r.loadSeconds, 1)} s`);
  row('clients connected (failed)', `${fmt(r.clients.connected)} (${fmt(r.clients.failed)}) · dropped on purpose ${fmt(r.clients.bounces)} · unexpected disconnects ${fmt(r.clients.disconnects)}`);
  row('mutations sent / ok / errors', `${fmt(r.mutations.sent)} / ${fmt(r.mutations.ok)} / ${fmt(r.mutations.errors)} (skipped, too many in flight: ${fmt(r.mutations.skippedAtMaxInFlight)})`);
  row('deliveries.record latency', ms(r.mutations.latencyMs));
  const healthErrors = Object.values(r.baseline.healthErrors).reduce((a, b) => a + b, 0);
  row(
    '  GET /api/health at the same rate (baseline)',
    `${ms(r.baseline.healthMs)} — mutation p99 ${fmt(r.mutations.latencyMs.p99 / r.baseline.healthMs.p99, 1)}× baseline${healthErrors ? ` (${fmt(healthErrors)} timed out)` : ''}`,
  );
  row('events received', fmt(r.events.received));
  row('gaps seen (messages skipped) / refetches', `${fmt(r.events.gaps)} (${fmt(r.events.missedBySeq)}) / ${fmt(r.events.refetches)}`);
  row('lost after refetch', `${fmt(r.events.lostAfterRefetch)} · client rooms unlike a fresh fetch: ${fmt(r.events.clientsStale)}`);
  row('new services: round / national / in the database', `${fmt(r.events.roundServicesCounted)} / ${fmt(r.events.nationalServicesCounted)} / ${fmt(r.events.recordedInDatabase)}`);
  row('fan-out (commit → round message at a client)', `${ms(r.fanOutMs)} · worst client p99 ${fmt(r.fanOutMs.worstClientP99, 1)} ms`);
  row('  counted from the mutation’s answer', `${ms(r.fanOutMs.fromAnswer)} · never seen: ${fmt(r.fanOutMs.unseen)}`);
  row('  server stamp → arrival', ms(r.transportMs));
  row('  socket.io ack round trip (baseline)', ms(r.baseline.socketAckMs));
  row('CPU during the load: server / soak process', `${fmt(r.cpu.serverPercentOfOneCore)} % / ${fmt(r.cpu.soakPercentOfOneCore)} % of one core`);
  row('machine: CPUs · load average (1 min) start → end', `${r.cpu.machineCpus} · ${fmt(r.cpu.loadAverage1m.start, 1)} → ${fmt(r.cpu.loadAverage1m.end, 1)}`);
  row('soak process event-loop delay', `p50 ${fmt(r.soakEventLoopDelayMs.p50, 1)} ms · p99 ${fmt(r.soakEventLoopDelayMs.p99, 1)} ms`);
  const m = r.serverRssMiB;
  row('server RSS idle / start / middle / end', `${fmt(m.idle)} / ${fmt(m.start)} / ${fmt(m.middle)} / ${fmt(m.end)} MiB (after settle ${fmt(m.afterSettle)})`);
  const h = r.serverHeapAfterGcMiB;
  const heap = (reading: HeapReading | undefined) => (reading ? `${fmt(reading.heapUsed, 1)} (+${fmt(reading.external, 1)})` : '—');
  row(`server heap${h.collected ? ' after GC' : ''} (+ off-heap) start / mid / end`, `${heap(h.start)} / ${heap(h.middle)} / ${heap(h.end)} MiB (after settle ${heap(h.afterSettle)})`);
  row('server RSS trend, second half of the load', `${m.trendMiBPerMinute >= 0 ? '+' : ''}${fmt(m.trendMiBPerMinute, 1)} MiB/min`);
  const slice = r.slices[1]?.fromSecond ?? r.loadSeconds;
  row(`by ${fmt(slice)} s slice: mutation p99 (ms)`, r.slices.map((s) => fmt(s.mutationP99Ms)).join(' · '));
  row(`by ${fmt(slice)} s slice: health p99 (ms)`, r.slices.map((s) => fmt(s.healthP99Ms)).join(' · '));
  row(`by ${fmt(slice)} s slice: server RSS (MiB)`, r.slices.map((s) => fmt(s.rssMiB)).join(' · '));
  console.log(failures.length ? `FAILED: ${failures.join('; ')}` : 'OK: no error, nothing lost');
}
