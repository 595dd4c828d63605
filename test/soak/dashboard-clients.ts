import { isDeepStrictEqual } from 'node:util';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, JoinResult, RoomMessage, ServerToClientEvents } from '../../shared/events';
import { pool, sleep } from './stats';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type Fetcher = (room: string) => Promise<unknown>;

/** What a public dashboard room shows, and the type of message that carries its new state. */
const STATE_EVENT: Record<string, RoomMessage['type']> = { public: 'national.updated' };
const stateEventOf = (room: string) => STATE_EVENT[room] ?? 'round.updated';

/**
 * One room as a dashboard page follows it (client/src/realtime.ts): the last sequence number, a
 * gap when a message or a join ack does not follow it, and then a refetch over HTTP.
 */
class RoomFollower {
  lastSeq: number | undefined;
  state: unknown;
  received = 0;
  gaps = 0;
  /** Messages skipped over by the gaps (the sum of the jumps). */
  missed = 0;
  refetches = 0;
  refetchErrors = 0;
  /** Arrivals of the state messages: server stamp and local arrival time (ms, wall clock); `onArrival` gets the difference. */
  readonly stamps: number[] = [];
  readonly arrivals: number[] = [];
  private refetching: Promise<void> | undefined;
  private again = false;
  private messagesSinceFetch = 0;

  constructor(
    readonly room: string,
    private readonly fetch: Fetcher,
    private readonly onArrival: (ms: number) => void,
  ) {}

  onJoin(seq: number, afterReconnect: boolean) {
    const previous = this.lastSeq;
    this.lastSeq = seq;
    if ((previous !== undefined && previous !== seq) || afterReconnect) this.gap(previous === undefined ? 0 : Math.max(0, seq - previous));
  }

  onMessage(message: RoomMessage, arrivedAt: number) {
    this.received++;
    this.messagesSinceFetch++;
    const previous = this.lastSeq;
    this.lastSeq = message.seq;
    if (message.type === stateEventOf(this.room)) {
      this.state = (message.payload as { dashboard: unknown }).dashboard;
      const stamp = Date.parse(message.at);
      this.stamps.push(stamp);
      this.arrivals.push(arrivedAt);
      this.onArrival(arrivedAt - stamp);
    }
    if (previous !== undefined && message.seq !== previous + 1) this.gap(Math.max(0, message.seq - previous - 1));
  }

  private gap(missed: number) {
    this.gaps++;
    this.missed += missed;
    if (this.refetching) {
      this.again = true;
      return;
    }
    this.refetching = this.refetch().finally(() => (this.refetching = undefined));
  }

  private async refetch(): Promise<void> {
    do {
      this.again = false;
      this.refetches++;
      this.messagesSinceFetch = 0;
      try {
        const fresh = await this.fetch(this.room);
        // A message that came in meanwhile may be newer than the answer: keep it. Whatever changed
        // after it is announced by a later message, so the state still ends current.
        if (this.messagesSinceFetch === 0) this.state = fresh;
      } catch {
        this.refetchErrors++;
      }
    } while (this.again);
  }

  settled(): Promise<void> {
    return this.refetching ?? Promise.resolve();
  }
}

export class DashboardClient {
  readonly rooms: RoomFollower[];
  /** Disconnections the client did not ask for. */
  disconnects = 0;
  /** Deliberate drops (churn). */
  bounces = 0;
  joinErrors = 0;
  /** The joins of the latest connection, once acknowledged. */
  joined: Promise<void> = Promise.resolve();
  private connectedBefore = false;

  constructor(
    private readonly socket: ClientSocket,
    rooms: string[],
    fetch: Fetcher,
    onArrival: (ms: number) => void,
  ) {
    this.rooms = rooms.map((room) => new RoomFollower(room, fetch, onArrival));
    socket.on('event', (message) => this.rooms.find((r) => r.room === message.room)?.onMessage(message, Date.now()));
    socket.on('disconnect', (reason) => {
      if (reason !== 'io client disconnect') this.disconnects++;
    });
    // After a reconnect, rejoin and refetch: messages may have been missed while away.
    socket.on('connect', () => {
      const afterReconnect = this.connectedBefore;
      this.connectedBefore = true;
      this.joined = this.join(afterReconnect);
    });
  }

  private async join(afterReconnect: boolean): Promise<void> {
    await Promise.all(
      this.rooms.map(
        (follower) =>
          new Promise<void>((resolve) => {
            this.socket.timeout(10_000).emit('join', follower.room, (error: Error | null, result: JoinResult) => {
              if (error || !result.ok) this.joinErrors++;
              else follower.onJoin(result.seq, afterReconnect);
              resolve();
            });
          }),
      ),
    );
  }

  /** Pages loaded before anything moves: the snapshot fetched once for all stands for each page's first fetch. */
  loadInitial(states: Map<string, unknown>) {
    for (const follower of this.rooms) follower.state ??= structuredClone(states.get(follower.room));
  }

  /** Drops the connection for a while then comes back, as a laptop lid or a tunnel does. */
  async bounce(offMs: number): Promise<void> {
    this.bounces++;
    this.socket.disconnect();
    await sleep(offMs);
    this.socket.connect();
  }

  settled(): Promise<void> {
    return Promise.all(this.rooms.map((r) => r.settled())).then(() => undefined);
  }

  matches(room: string, fresh: unknown): boolean {
    return isDeepStrictEqual(this.rooms.find((r) => r.room === room)?.state, fresh);
  }

  close() {
    this.socket.disconnect();
  }
}

/** Connects a socket created with `autoConnect: false`; false (the error counted) when it fails or takes too long. */
export function connectSocket(socket: Socket, timeoutMs: number, errors: Map<string, number>): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(true);
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      errors.set(error.message, (errors.get(error.message) ?? 0) + 1);
      resolve(false);
    });
    socket.connect();
  });
}

/**
 * Opens `count` signed-out sockets (websocket transport, one connection each) in waves of
 * `concurrency`, each joining `rooms`. Sockets that fail to connect in time are counted and closed.
 */
export async function openClients(options: {
  url: string;
  count: number;
  concurrency: number;
  rooms: string[];
  fetch: Fetcher;
  onArrival: (ms: number) => void;
  connectTimeoutMs: number;
  /** Wall-clock time after which no more sockets are opened (those left count as failed). */
  deadline: number;
}): Promise<{ clients: DashboardClient[]; failed: number; errors: Map<string, number> }> {
  const clients: DashboardClient[] = [];
  const errors = new Map<string, number>();
  let failed = 0;
  await pool(options.count, options.concurrency, async () => {
    if (Date.now() > options.deadline) {
      failed++;
      errors.set('connect phase over time', (errors.get('connect phase over time') ?? 0) + 1);
      return;
    }
    const socket: ClientSocket = connect(options.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnectionAttempts: 5,
      timeout: options.connectTimeoutMs,
      autoConnect: false,
    });
    const client = new DashboardClient(socket, options.rooms, options.fetch, options.onArrival);
    const ok = await connectSocket(socket, options.connectTimeoutMs, errors);
    if (!ok) {
      failed++;
      socket.disconnect();
      return;
    }
    clients.push(client);
    await client.joined;
  });
  return { clients, failed, errors };
}
