import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io as connect, type Socket } from 'socket.io-client';
// The parser socket.io-client itself loads (the same version, deduplicated): extended below.
import * as parser from 'socket.io-parser';
import type { ClientToServerEvents, JoinResult, RoomMessage } from '../../shared/events';
import { connectSocket } from '../soak/dashboard-clients';
import { pool } from '../soak/stats';

/**
 * The dashboard clients of bench scenario (d), in a process of their own (`node --import tsx
 * test/bench/fanout-clients.ts`, driven over its IPC channel): signed-out socket.io-client sockets,
 * each following rooms as a public dashboard page does (client/src/realtime.ts: websocket
 * transport, `join` with an acknowledged sequence number, gap detection by `seq`). Every message
 * is logged with its wall-clock arrival (`performance.timeOrigin + performance.now()`, comparable
 * with the server's clock on the same machine); the bench asks afterwards for figures over time
 * windows, so nothing heavy runs while messages arrive.
 *
 * One process stands for thousands of browsers, each of which would parse its own copy of every
 * dashboard on its own CPU. Parsing them all here (3 000 clients × 2 rooms × 4 messages a second
 * of several kB) would take more than a core, and the figures would measure this process's
 * backlog, not the server. So each event packet is read for its header only — room, seq, type,
 * stamps and the `servicesDelivered` of a state message — by a parser extended from
 * socket.io-client's own; every other packet (connect, acknowledgements, errors) goes through it
 * unchanged, and one event in DECODE_CHECK_EVERY is also parsed in full and compared.
 * FANOUT_FULL_PARSE=1 parses every message in full instead.
 */

type Header = Pick<RoomMessage, 'room' | 'seq' | 'type' | 'at'> & {
  /** The raw baseline's emit stamp, ms with a fraction. */
  sentAt?: number;
  /** `servicesDelivered` of a state message, NaN for another message (an activity line). */
  services: number;
};
type ClientSocket = Socket<{ event: (message: Header) => void }, ClientToServerEvents>;

/** Messages carrying a dashboard's whole state, and what they count. */
const STATE_TYPES = new Set(['round.updated', 'national.updated']);
type Dashboard = { places?: { servicesDelivered?: number } };
const FULL_PARSE = process.env.FANOUT_FULL_PARSE === '1';
const DECODE_CHECK_EVERY = 997;

const now = () => performance.timeOrigin + performance.now();

function headerOf(message: RoomMessage & { sentAt?: number }): Header {
  const dashboard = STATE_TYPES.has(message.type) ? (message.payload as { dashboard?: Dashboard }).dashboard : undefined;
  return { room: message.room, seq: message.seq, type: message.type, at: message.at, sentAt: message.sentAt, services: dashboard?.places?.servicesDelivered ?? Number.NaN };
}

// An event packet of the default namespace without acknowledgement, as the bus and the baseline
// send it: `2["event",{"room":…,"seq":…,"type":…,"payload":{…},"at":…}]` (keys in that order).
const EVENT_PREFIX = '2["event",';
const HEADER = /^2\["event",\{"room":"([^"\\]*)","seq":(\d+),"type":"([^"\\]*)","payload":/;

/** The header of an event packet, read off the string; undefined when it is not shaped as expected. */
function readHeader(packet: string): Header | undefined {
  const head = HEADER.exec(packet);
  if (!head) return undefined;
  // The message's own `at` is its last key but `sentAt`: nested ones (an activity line's) come before.
  const atKey = packet.lastIndexOf('"at":"');
  const atEnd = packet.indexOf('"', atKey + 6);
  if (atKey < 0 || atEnd < 0) return undefined;
  const sentKey = packet.lastIndexOf('"sentAt":');
  const type = head[3] as RoomMessage['type'];
  let services = Number.NaN;
  if (STATE_TYPES.has(type)) {
    // The first one is the dashboard's `places.servicesDelivered` (the public whitelist has no other).
    const key = packet.indexOf('"servicesDelivered":');
    if (key < 0) return undefined;
    services = Number.parseInt(packet.slice(key + 20, key + 40), 10);
  }
  return {
    room: head[1]!,
    seq: Number(head[2]),
    type,
    at: packet.slice(atKey + 6, atEnd),
    sentAt: sentKey > atKey ? Number.parseFloat(packet.slice(sentKey + 9, sentKey + 40)) : undefined,
    services,
  };
}

const decodeCheck = { checked: 0, mismatches: 0, fallbacks: 0 };
let events = 0;

/** socket.io-client's decoder, reading event packets for their header only. */
class HeaderDecoder extends parser.Decoder {
  override add(packet: unknown) {
    if (typeof packet === 'string' && packet.startsWith(EVENT_PREFIX)) {
      const header = readHeader(packet);
      if (header) {
        if (++events % DECODE_CHECK_EVERY === 0) {
          decodeCheck.checked++;
          const full = headerOf((JSON.parse(packet.slice(1)) as [string, RoomMessage])[1]);
          const same = (Object.keys(full) as (keyof Header)[]).every((k) => Object.is(full[k], header[k]));
          if (!same) decodeCheck.mismatches++;
        }
        this.emitReserved('decoded', { type: parser.PacketType.EVENT, nsp: '/', data: ['event', header] });
        return;
      }
      decodeCheck.fallbacks++;
    }
    super.add(packet);
  }
}
const headerParser = { ...parser, Decoder: HeaderDecoder };

/** One room on one socket: what arrived, when, stamped when by the server, and what it counted. */
class Follower {
  readonly arrivals: number[] = [];
  readonly stamps: number[] = [];
  readonly seqs: number[] = [];
  /** `servicesDelivered` of a state message, NaN for another message (an activity line). */
  readonly counts: number[] = [];
  lastSeq: number | undefined;
  gaps = 0;
  constructor(readonly room: string) {}

  onMessage(message: Header, arrivedAt: number) {
    if (this.lastSeq !== undefined && message.seq !== this.lastSeq + 1) this.gaps++;
    this.lastSeq = message.seq;
    this.seqs.push(message.seq);
    this.arrivals.push(arrivedAt);
    // The raw baseline stamps its emit with a fraction of a millisecond; the real bus stamps its
    // flush as an ISO date (whole milliseconds).
    this.stamps.push(message.sentAt ?? Date.parse(message.at));
    this.counts.push(message.services);
  }
}

class Client {
  readonly followers: Follower[];
  disconnects = 0;
  reconnects = 0;
  joinErrors = 0;
  private connectedBefore = false;

  constructor(
    readonly socket: ClientSocket,
    rooms: string[],
  ) {
    this.followers = rooms.map((room) => new Follower(room));
    socket.on('event', (message) => {
      const arrivedAt = now();
      const header = FULL_PARSE ? headerOf(message as unknown as RoomMessage) : message;
      for (const follower of this.followers) if (follower.room === header.room) follower.onMessage(header, arrivedAt);
    });
    socket.on('disconnect', (reason) => {
      if (reason !== 'io client disconnect') this.disconnects++;
    });
    socket.on('connect', () => {
      if (this.connectedBefore) {
        this.reconnects++;
        void this.join();
      }
      this.connectedBefore = true;
    });
  }

  join(): Promise<void> {
    return Promise.all(
      this.followers.map(
        (follower) =>
          new Promise<void>((resolve) => {
            this.socket.timeout(15_000).emit('join', follower.room, (error: Error | null, result: JoinResult) => {
              if (error || !result.ok) this.joinErrors++;
              else follower.lastSeq = result.seq;
              resolve();
            });
          }),
      ),
    ).then(() => undefined);
  }
}

export interface ConnectCommand {
  type: 'connect';
  url: string;
  count: number;
  rooms: string[];
  /** Sockets opening at once: the waves. */
  concurrency: number;
  connectTimeoutMs: number;
  /** Wall-clock time after which no more sockets are opened (those left count as failed). */
  deadline: number;
}

export interface Window {
  name: string;
  /** Wall-clock ms: messages the server stamped within [from, to) belong to the window. */
  from: number;
  to: number;
  /**
   * Deliveries of the window, in commit order: the services counted once each is included, and
   * its commit time (server clock). A state message whose count reaches a delivery's reflects it.
   */
  deliveries?: { cumulative: number[]; commitAt: number[] };
  /** Per room, `servicesDelivered` before the window's first delivery. */
  bases?: Record<string, number>;
  /** Return the messages one client received in the window, with their times: what the raw baseline replays. */
  schedule?: boolean;
}

/** Latencies as a sparse histogram of 0.1 ms buckets, so processes' figures merge exactly. */
export type Histogram = [bucket: number, count: number][];

export interface WindowFigures {
  name: string;
  clients: number;
  seconds: number;
  /** Per room: messages (all, and state ones) per client per second, mean and worst client; peak in one second. */
  rooms: Record<string, { messages: number; perClientPerSecond: { mean: number; max: number }; statePerClientPerSecond: { mean: number; max: number }; peakInOneSecond: number }>;
  /** Over every room a client follows. */
  perClientPerSecond: { mean: number; max: number };
  /** The messages of the first client, in order: ms after the window's start (server stamp), room, whether a state. */
  schedule?: [offsetMs: number, room: string, state: boolean][];
  /** Commit of a delivery to the arrival of the first state message that includes it, per (client, room, delivery). */
  commitToReceipt: Histogram;
  /** (client, room, delivery) pairs for which no message ever arrived. */
  unseen: number;
  /** Server stamp of a message (flush or emit) to its arrival, per (client, message). */
  stampToReceipt: Histogram;
  /** Per message (room and seq): its stamp to its first arrival at any client of this process, and first to last arrival. */
  stampToFirst: Histogram;
  firstToLast: Histogram;
}

const toBucket = (ms: number) => Math.round(ms * 10);

function addTo(histogram: Map<number, number>, ms: number) {
  const bucket = toBucket(ms);
  histogram.set(bucket, (histogram.get(bucket) ?? 0) + 1);
}

function scheduleOf(client: Client, window: Window): WindowFigures['schedule'] {
  return client.followers
    .flatMap((f) => f.stamps.map((stamp, i) => [stamp - window.from, f.room, !Number.isNaN(f.counts[i]!)] as [number, string, boolean]))
    .filter(([offset]) => offset >= 0 && offset < window.to - window.from)
    .sort((a, b) => a[0] - b[0]);
}

function analyse(clients: Client[], window: Window): WindowFigures {
  const seconds = Math.max(0.001, (window.to - window.from) / 1000);
  const commitToReceipt = new Map<number, number>();
  const stampToReceipt = new Map<number, number>();
  let unseen = 0;
  const perRoom = new Map<string, { messages: number; rates: number[]; stateRates: number[]; peak: number }>();
  const perClient: number[] = [];
  /** Per room and seq: stamp, first and last arrival. */
  const spread = new Map<string, { stamp: number; first: number; last: number }>();

  for (const client of clients) {
    let clientMessages = 0;
    for (const follower of client.followers) {
      const room = perRoom.get(follower.room) ?? { messages: 0, rates: [], stateRates: [], peak: 0 };
      perRoom.set(follower.room, room);
      let messages = 0;
      let states = 0;
      // Sliding one-second window over the server stamps: the densest second of the window.
      let first = 0;
      for (let i = 0; i < follower.stamps.length; i++) {
        const stamp = follower.stamps[i]!;
        if (stamp < window.from || stamp >= window.to) continue;
        messages++;
        if (!Number.isNaN(follower.counts[i]!)) states++;
        const arrival = follower.arrivals[i]!;
        addTo(stampToReceipt, arrival - stamp);
        const key = `${follower.room}:${follower.seqs[i]}`;
        const seen = spread.get(key);
        if (!seen) spread.set(key, { stamp, first: arrival, last: arrival });
        else {
          seen.first = Math.min(seen.first, arrival);
          seen.last = Math.max(seen.last, arrival);
        }
        while (follower.stamps[first]! < window.from || follower.stamps[first]! <= stamp - 1000) first++;
        room.peak = Math.max(room.peak, i - first + 1);
      }
      room.messages += messages;
      room.rates.push(messages / seconds);
      room.stateRates.push(states / seconds);
      clientMessages += messages;

      const base = window.bases?.[follower.room];
      const deliveries = window.deliveries;
      if (base === undefined || !deliveries) continue;
      // Counts only grow (deliveries are only added while the bench runs), so one pass pairs each
      // delivery with the first state message counting it.
      let m = 0;
      for (let k = 0; k < deliveries.cumulative.length; k++) {
        const needed = base + deliveries.cumulative[k]!;
        while (m < follower.counts.length && !(follower.counts[m]! >= needed)) m++;
        if (m >= follower.counts.length) {
          unseen += deliveries.cumulative.length - k;
          break;
        }
        addTo(commitToReceipt, follower.arrivals[m]! - deliveries.commitAt[k]!);
      }
    }
    perClient.push(clientMessages / seconds);
  }

  const stampToFirst = new Map<number, number>();
  const firstToLast = new Map<number, number>();
  for (const { stamp, first, last } of spread.values()) {
    addTo(stampToFirst, first - stamp);
    addTo(firstToLast, last - first);
  }
  const meanMax = (values: number[]) => ({ mean: values.reduce((a, b) => a + b, 0) / Math.max(1, values.length), max: Math.max(0, ...values) });
  return {
    name: window.name,
    clients: clients.length,
    seconds,
    rooms: Object.fromEntries(
      [...perRoom].map(([name, r]) => [name, { messages: r.messages, perClientPerSecond: meanMax(r.rates), statePerClientPerSecond: meanMax(r.stateRates), peakInOneSecond: r.peak }]),
    ),
    perClientPerSecond: meanMax(perClient),
    schedule: window.schedule && clients[0] ? scheduleOf(clients[0], window) : undefined,
    commitToReceipt: [...commitToReceipt],
    unseen,
    stampToReceipt: [...stampToReceipt],
    stampToFirst: [...stampToFirst],
    firstToLast: [...firstToLast],
  };
}

let clients: Client[] = [];
let loop = monitorEventLoopDelay({ resolution: 2 });
let cpuAtConnect = process.cpuUsage();
let connectedAt = now();

async function open(command: ConnectCommand) {
  const started = now();
  const errors = new Map<string, number>();
  let failed = 0;
  await pool(command.count, command.concurrency, async () => {
    if (Date.now() > command.deadline) {
      failed++;
      errors.set('connect phase over time', (errors.get('connect phase over time') ?? 0) + 1);
      return;
    }
    const socket: ClientSocket = connect(command.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnectionAttempts: 5,
      timeout: command.connectTimeoutMs,
      autoConnect: false,
      ...(FULL_PARSE ? {} : { parser: headerParser }),
    });
    const client = new Client(socket, command.rooms);
    const ok = await connectSocket(socket, command.connectTimeoutMs, errors);
    if (!ok) {
      failed++;
      socket.disconnect();
      return;
    }
    clients.push(client);
    await client.join();
  });
  loop.disable();
  loop = monitorEventLoopDelay({ resolution: 2 });
  loop.enable();
  cpuAtConnect = process.cpuUsage();
  connectedAt = now();
  return {
    connected: clients.length,
    failed,
    errors: Object.fromEntries(errors),
    joinErrors: clients.reduce((sum, c) => sum + c.joinErrors, 0),
    ms: now() - started,
  };
}

function health() {
  const cpu = process.cpuUsage(cpuAtConnect);
  const seconds = Math.max(0.001, (now() - connectedAt) / 1000);
  return {
    clients: clients.length,
    disconnects: clients.reduce((sum, c) => sum + c.disconnects, 0),
    reconnects: clients.reduce((sum, c) => sum + c.reconnects, 0),
    joinErrors: clients.reduce((sum, c) => sum + c.joinErrors, 0),
    gaps: clients.reduce((sum, c) => sum + c.followers.reduce((s, f) => s + f.gaps, 0), 0),
    cpuPercentOfOneCore: ((cpu.user + cpu.system) / 1e6 / seconds) * 100,
    eventLoopDelayMs: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
    rssMiB: process.memoryUsage().rss / 2 ** 20,
    fullParse: FULL_PARSE,
    decodeCheck: { ...decodeCheck },
  };
}

function close() {
  for (const client of clients) client.socket.disconnect();
  clients = [];
  loop.disable();
}

export type ClientsCommand = ConnectCommand | { type: 'analyse'; windows: Window[] } | { type: 'health' } | { type: 'close' };

process.on('message', (command: ClientsCommand) => {
  const reply = (message: object) => process.send?.(message);
  const fail = (error: unknown) => reply({ type: 'error', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  try {
    if (command.type === 'connect') void open(command).then((result) => reply({ type: 'connected', ...result }), fail);
    else if (command.type === 'analyse') reply({ type: 'analysis', windows: command.windows.map((w) => analyse(clients, w)) });
    else if (command.type === 'health') reply({ type: 'health', ...health() });
    else if (command.type === 'close') {
      close();
      reply({ type: 'closed' });
    }
  } catch (error) {
    fail(error);
  }
});
// A bench that died must not leave its clients running.
process.once('disconnect', () => {
  close();
  process.exit(0);
});
process.send?.({ type: 'ready' });
