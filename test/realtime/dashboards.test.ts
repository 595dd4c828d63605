import { randomUUID } from 'node:crypto';
import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { createTRPCClient, httpLink } from '@trpc/client';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../db/schema';
import { SESSION_COOKIE } from '../../server/auth/cookie';
import type { AppRouter } from '../../server/routers';
import { toPublicRoundDashboard } from '../../shared/domain/dashboards';
import type { ClientToServerEvents, JoinResult, RoomMessage, ServerToClientEvents } from '../../shared/events';
import { ACTIVITY_FIELDS, fieldsOutside, PUBLIC_MESSAGE_SHAPES } from '../api/dashboards/helpers';
import { orderForm, sessionFor } from '../api/marketplace/helpers';
import { makeMember, makePlace, makeRound } from '../factories';
import { beneficiaryRef, makeAwards, makeBid, makeOrder } from '../factories/marketplace';
import { createTestApp, type TestApp } from '../setup/app';
import { startTestServer } from '../setup/server';

/**
 * Live round dashboards over real sockets (issue 5, acceptance 2): bursts are coalesced per room,
 * the last message equals a fresh fetch, a client that missed messages sees it from the sequence
 * numbers and refetches, and the public room carries only whitelisted aggregates.
 */

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type Api = ReturnType<typeof createTRPCClient<AppRouter>>;
type Dashboard = Awaited<ReturnType<Api['dashboards']['round']['query']>>;

/** The bus window (server/realtime/bus.ts): at most one flush per room per window. */
const WINDOW_MS = 250;
const BURST = 1_000;
const CONCURRENCY = 20;

let testApp: TestApp;
let server: Awaited<ReturnType<typeof startTestServer>>;
const sockets: ClientSocket[] = [];
const personal: string[] = []; // names, e-mails, place names, beneficiary references: never in a public room
const f = {} as {
  roundId: number;
  funderOrg: number;
  actorOrg: number;
  /** An award in Ille-et-Vilaine (35), outside the round, and its actor's client. */
  rennesAward: number;
  rennesActor: Api;
  sein: number;
  quimper: number;
  /** Awards of two orders of the round, 560 services each: the burst and a few more. */
  burstAwards: [number, number];
  burstOrders: [number, number];
  /** An award of an order of the round's territory that is not in the round. */
  outsideAward: number;
  funderCookie: string;
  actorCookie: string;
  operatorCookie: string;
  as: { funder: Api; actor: Api; operator: Api; anonymous: Api };
};

const api = (cookie?: string): Api =>
  createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${server.url}/trpc`, headers: { origin: server.url, ...(cookie ? { cookie } : {}) } })],
  });
const cookieFor = (userId: number) => `${SESSION_COOKIE}=${sessionFor(testApp, userId).jar.get(SESSION_COOKIE)}`;

beforeAll(async () => {
  testApp = createTestApp();
  const { db } = testApp;
  const operator = await makeMember(db, 'operator');
  const funder = await makeMember(db, 'funder', { name: 'Département du Finistère' });
  const actor = await makeMember(db, 'actor', { name: 'Association Ty Numérik' });
  const rennesActor = await makeMember(db, 'actor', { name: 'Coopérative rennaise', departementCode: '35' });
  const year = new Date().getUTCFullYear();
  f.roundId = makeRound(db, { operatorOrganisationId: operator.organisationId, departementCodes: ['29'], opensOn: `${year}-01-01`, closesOn: `${year}-12-31` });
  f.funderOrg = funder.organisationId;
  f.actorOrg = actor.organisationId;
  f.sein = makePlace(db, { organisationId: actor.organisationId, mainCommuneCode: '29083', name: 'Maison de l’île de Sein', yearlyCapacity: 3_000 });
  f.quimper = makePlace(db, { organisationId: actor.organisationId, mainCommuneCode: '29232', name: 'Espace numérique de Kerfeunteun', yearlyCapacity: 3_000 });
  personal.push('Département du Finistère', 'Association Ty Numérik', 'Maison de l’île de Sein', 'Espace numérique de Kerfeunteun');

  const awarded = (placeId: number, quantity: number, roundId: number | null, title: string, bidder = actor.organisationId, departementCodes = ['29']) => {
    const orderId = makeOrder(db, { funderOrganisationId: funder.organisationId, userId: funder.user.id, quantity, roundId, title, departementCodes });
    const bidId = makeBid(db, { orderId, organisationId: bidder, lines: [{ placeId, quantity }] });
    const [awardId] = makeAwards(db, { orderId, userId: funder.user.id, lines: [{ bidId, placeId, quantity }] }) as [number];
    return { orderId, awardId };
  };
  const a = awarded(f.sein, 560, f.roundId, 'Démarches en ligne à Sein');
  const b = awarded(f.quimper, 560, f.roundId, 'Démarches en ligne à Quimper');
  f.burstAwards = [a.awardId, b.awardId];
  f.burstOrders = [a.orderId, b.orderId];
  f.outsideAward = awarded(f.quimper, 100, null, 'Hors campagne').awardId;
  const rennes = makePlace(db, { organisationId: rennesActor.organisationId, mainCommuneCode: '35238', name: 'La Fabrique de Rennes' });
  f.rennesAward = awarded(rennes, 10, null, 'Rennes', rennesActor.organisationId, ['35']).awardId;
  for (const row of db.select({ name: users.name, email: users.email }).from(users).all()) personal.push(row.name, row.email);

  server = await startTestServer(testApp);
  f.funderCookie = cookieFor(funder.user.id);
  f.actorCookie = cookieFor(actor.user.id);
  f.operatorCookie = cookieFor(operator.user.id);
  f.rennesActor = api(cookieFor(rennesActor.user.id));
  f.as = { funder: api(f.funderCookie), actor: api(f.actorCookie), operator: api(f.operatorCookie), anonymous: api() };
});

afterEach(() => {
  while (sockets.length) sockets.pop()!.disconnect();
});

afterAll(async () => {
  await server.close();
});

async function open(cookie?: string): Promise<ClientSocket> {
  const socket: ClientSocket = connect(server.url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: cookie ? { cookie } : {} });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

async function join(socket: ClientSocket, room: string): Promise<number> {
  const result = await new Promise<JoinResult>((resolve) => socket.emit('join', room, resolve));
  if (!result.ok) throw new Error(`join ${room}: ${result.error}`);
  return result.seq;
}

function record(awardId: number, quantity = 1, person = randomUUID()) {
  const ref = beneficiaryRef(person);
  personal.push(ref);
  return f.as.actor.deliveries.record.mutate({
    awardId,
    quantity,
    deliveredOn: new Date().toISOString().slice(0, 10),
    service: Service.AideAuxDemarchesAdministratives,
    beneficiaryRef: ref,
    idempotencyKey: `cle-${randomUUID()}`,
  });
}

function recordBatch(rows: { awardId: number; quantity: number }[]) {
  return f.as.actor.deliveries.recordBatch.mutate({
    rows: rows.map(({ awardId, quantity }) => {
      const beneficiaryRefValue = beneficiaryRef(randomUUID());
      personal.push(beneficiaryRefValue);
      return {
        awardId,
        quantity,
        deliveredOn: new Date().toISOString().slice(0, 10),
        service: Service.AideAuxDemarchesAdministratives,
        beneficiaryRef: beneficiaryRefValue,
        idempotencyKey: `lot-${randomUUID()}`,
      };
    }),
  });
}

/** Runs `count` tasks with at most `limit` in flight. */
async function pool(count: number, limit: number, task: (i: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Long enough for a room's trailing flush (one window) to have gone out. */
const settle = () => sleep(WINDOW_MS + 150);

/**
 * The client's gap detection (client/src/realtime.ts), written out: remember the last sequence
 * number of the room; a join ack or a message that does not follow it means messages were
 * missed, so the dashboard is fetched again.
 */
class RoundFollower {
  lastSeq: number | undefined;
  gaps = 0;
  dashboard: Dashboard | undefined;
  private refetching: Promise<void> = Promise.resolve();

  constructor(
    private readonly fetch: () => Promise<Dashboard>,
    private readonly useJoinSeq = true,
  ) {}

  onJoin(seq: number) {
    if (!this.useJoinSeq) return;
    const previous = this.lastSeq;
    this.lastSeq = seq;
    if (previous !== undefined && previous !== seq) this.gap();
  }

  onMessage(message: RoomMessage) {
    const previous = this.lastSeq;
    this.lastSeq = message.seq;
    if (message.type === 'round.updated') this.dashboard = (message as RoomMessage<'round.updated'>).payload.dashboard as Dashboard;
    if (previous !== undefined && message.seq !== previous + 1) this.gap();
  }

  async load() {
    this.dashboard = await this.fetch();
  }

  settled() {
    return this.refetching;
  }

  private gap() {
    this.gaps += 1;
    this.refetching = this.load();
  }
}

async function follow(follower: RoundFollower, cookie: string) {
  const socket = await open(cookie);
  socket.on('event', (m) => follower.onMessage(m));
  follower.onJoin(await join(socket, `round:${f.roundId}`));
  return socket;
}

async function rejoin(socket: ClientSocket, follower: RoundFollower) {
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.connect();
  await connected;
  follower.onJoin(await join(socket, `round:${f.roundId}`));
}

describe('the round’s live activity feed', () => {
  it('shows a line when an order of the round is published, its bid count changes, it is awarded and deliveries come in', async () => {
    const privateSocket = await open(f.funderCookie);
    const publicSocket = await open();
    const seen = { private: [] as RoomMessage[], public: [] as RoomMessage[] };
    privateSocket.on('event', (m) => seen.private.push(m));
    publicSocket.on('event', (m) => seen.public.push(m));
    await join(privateSocket, `round:${f.roundId}`);
    await join(publicSocket, `public:round:${f.roundId}`);

    const { orderId } = await f.as.funder.orders.create.mutate(orderForm(f.funderOrg, { title: 'Ateliers smartphone', quantity: 40, roundId: f.roundId }));
    await f.as.funder.orders.publish.mutate({ orderId });
    const bid = await f.as.actor.bids.submit.mutate({ orderId, organisationId: f.actorOrg, unitPriceCents: 1_000, lines: [{ placeId: f.quimper, quantity: 40 }] });
    await f.as.funder.orders.recordPayment.mutate({ orderId, organisationId: f.funderOrg, amountCents: 40_000, reference: 'VIR-ATELIERS', idempotencyKey: `pay-${randomUUID()}` });
    await f.as.funder.awards.closeBidding.mutate({ orderId });
    const { awardIds } = await f.as.funder.awards.create.mutate({ orderId, lines: [{ bidId: bid.id, placeId: f.quimper, quantity: 30 }] });
    await record(awardIds[0]!, 3);

    const expected = [
      { kind: 'order_published', count: 40, amountCents: 40_000 },
      { kind: 'bids_changed', count: 1, amountCents: 0 },
      { kind: 'award_made', count: 30, amountCents: 30_000 },
      { kind: 'deliveries', count: 3, amountCents: 3_000 },
    ].map((line) => ({ roundId: f.roundId, orderId, orderTitle: 'Ateliers smartphone', at: expect.any(String), ...line }));
    const activity = (messages: RoomMessage[]) =>
      messages.filter((m) => m.type === 'round.updated').flatMap((m) => (m as RoomMessage<'round.updated'>).payload.activity.filter((l) => l.orderId === orderId));
    await expect.poll(() => activity(seen.private).length, { timeout: 2_000 }).toBe(4);
    await expect.poll(() => activity(seen.public).length, { timeout: 2_000 }).toBe(4);
    expect(activity(seen.private)).toEqual(expected);
    expect(activity(seen.public)).toEqual(expected);
    // The feed as a page loads it (signed out): newest first.
    const feed = (await f.as.anonymous.dashboards.roundActivity.query({ roundId: f.roundId })).filter((l) => l.orderId === orderId);
    expect(feed).toEqual([...expected].reverse());
  });

  it('turns a batch of deliveries into one line per order carrying the batch’s totals', async () => {
    const publicSocket = await open();
    const seen: RoomMessage[] = [];
    publicSocket.on('event', (m) => seen.push(m));
    await join(publicSocket, `public:round:${f.roundId}`);
    await settle(); // a quiet room: its first message goes out at once
    const [sein, quimper] = f.burstAwards;

    const rows = Array.from({ length: 20 }, (_, i) => ({ awardId: i % 2 === 0 ? sein : quimper, quantity: i < 2 ? 3 : 1 }));
    expect(await recordBatch(rows)).toEqual({ recorded: 20, replayed: 0 });
    await settle();

    const messages = seen.filter((m) => m.type === 'round.updated').map((m) => m.payload as RoomMessage<'round.updated'>['payload']);
    // Lines changed within one window travel together; the latest line of each order has the batch's totals.
    const latest = new Map(messages.flatMap((m) => m.activity).map((l) => [`${l.orderId}:${l.kind}`, l]));
    const lines = [...latest.values()];
    expect(lines.map((l) => [l.orderId, l.kind, l.count, l.amountCents]).sort()).toEqual(
      [
        [f.burstOrders[0], 'deliveries', 12, 12_000],
        [f.burstOrders[1], 'deliveries', 12, 12_000],
      ].sort(),
    );
    // The first order's update and line went out at once, the second order's in the next window:
    // two messages in all, each dashboard with the lines changed since the one before.
    expect(seen.map((m) => m.type)).toEqual(['round.updated', 'round.updated']);
    expect(messages.map((m) => m.activity.map((l) => l.orderId))).toEqual([[f.burstOrders[0]], [f.burstOrders[1]]]);
  });

  it('stays quiet for a change outside the round’s territory, which still reaches the national room', async () => {
    const roundSocket = await open(f.funderCookie);
    const nationalSocket = await open(f.operatorCookie);
    await settle();
    const seen = { round: [] as RoomMessage[], national: [] as RoomMessage[] };
    roundSocket.on('event', (m) => seen.round.push(m));
    nationalSocket.on('event', (m) => seen.national.push(m));
    await join(roundSocket, `round:${f.roundId}`);
    await join(nationalSocket, 'national');

    await f.rennesActor.deliveries.record.mutate({
      awardId: f.rennesAward,
      quantity: 2,
      deliveredOn: new Date().toISOString().slice(0, 10),
      service: Service.AideAuxDemarchesAdministratives,
      beneficiaryRef: beneficiaryRef('rennes'),
      idempotencyKey: `cle-${randomUUID()}`,
    });
    await expect.poll(() => seen.national.length).toBe(1);
    await settle();

    expect(seen.round).toEqual([]);
    expect(seen.national.map((m) => m.type)).toEqual(['national.updated']);
  });
});

describe('a burst of 1 000 deliveries', () => {
  it('reaches each dashboard room as a bounded number of messages whose last state equals a fresh fetch, with whitelisted public payloads', async () => {
    const privateSocket = await open(f.funderCookie);
    const publicSocket = await open();
    const nationalSocket = await open(f.operatorCookie);
    await settle(); // nothing left over from the previous test
    const seen = { private: [] as RoomMessage[], public: [] as RoomMessage[], national: [] as RoomMessage[] };
    privateSocket.on('event', (m) => seen.private.push(m));
    publicSocket.on('event', (m) => seen.public.push(m));
    nationalSocket.on('event', (m) => seen.national.push(m));
    const joinSeq = { private: await join(privateSocket, `round:${f.roundId}`), public: await join(publicSocket, `public:round:${f.roundId}`) };
    await join(nationalSocket, 'national');
    const before = await f.as.funder.dashboards.round.query({ roundId: f.roundId });

    const started = Date.now();
    await pool(BURST, CONCURRENCY, (i) => record(f.burstAwards[i % 2]!));
    const elapsedMs = Date.now() - started;
    await settle();

    // The bound: the first message of a quiet room goes out at once, then at most one flush per
    // 250 ms window while the burst lasts, then one trailing flush. Each flush carries at most one
    // round.updated per room (its key is the round), which carries the feed lines changed since
    // the previous flush, whatever the number of orders.
    const bound = 2 + Math.ceil(elapsedMs / WINDOW_MS);
    const counts = {} as Record<'private' | 'public', { updated: number; activity: number; total: number }>;
    for (const room of ['private', 'public'] as const) {
      const updated = seen[room].filter((m) => m.type === 'round.updated');
      const activity = seen[room].filter((m) => m.type === 'round.updated' && (m as RoomMessage<'round.updated'>).payload.activity.length > 0);
      counts[room] = { updated: updated.length, activity: activity.length, total: seen[room].length };
      expect(updated.length).toBeGreaterThanOrEqual(1);
      expect(updated.length).toBeLessThanOrEqual(bound);
      expect(activity.length).toBeLessThanOrEqual(bound); // two orders move, one message per flush
      expect(seen[room].length).toBeLessThanOrEqual(BURST / 10);
      // No message was lost while connected: sequence numbers follow the join ack one by one.
      expect(seen[room].map((m) => m.seq)).toEqual(seen[room].map((_, i) => joinSeq[room] + 1 + i));
    }
    const national = seen.national.filter((m) => m.type === 'national.updated') as RoomMessage<'national.updated'>[];
    expect(national.length).toBeGreaterThanOrEqual(1);
    expect(national.length).toBeLessThanOrEqual(bound);
    console.log(
      `burst of ${BURST} deliveries in ${elapsedMs} ms: bound ${bound} updates per room; received`,
      JSON.stringify({ ...counts, national: { updated: national.length } }),
    );

    // The last state is the current one.
    const lastPrivate = seen.private.filter((m) => m.type === 'round.updated').at(-1) as RoomMessage<'round.updated'>;
    const lastPublic = seen.public.filter((m) => m.type === 'round.updated').at(-1) as RoomMessage<'round.updated'>;
    const fresh = await f.as.funder.dashboards.round.query({ roundId: f.roundId });
    expect(lastPrivate.payload).toEqual({ roundId: f.roundId, dashboard: fresh, activity: expect.any(Array) });
    expect(lastPublic.payload).toEqual({ roundId: f.roundId, dashboard: await f.as.anonymous.dashboards.publicRound.query({ roundId: f.roundId }), activity: expect.any(Array) });
    expect(lastPublic.payload.dashboard).toEqual(toPublicRoundDashboard(fresh));
    const year = new Date().getUTCFullYear();
    expect(national.at(-1)!.payload).toEqual({ year, dashboard: await f.as.operator.dashboards.national.query({ year }) });
    expect(fresh.places.servicesDelivered).toBe(before.places.servicesDelivered + BURST);
    expect(fresh.money.deliveredCents).toBe(before.money.deliveredCents + BURST * 1_000);
    expect(fresh.places.ruralServicesDelivered).toBe(before.places.ruralServicesDelivered + BURST / 2); // Sein took every other one

    // The public room carried only whitelisted aggregates, and nothing personal.
    for (const message of seen.public) {
      expect(Object.keys(PUBLIC_MESSAGE_SHAPES)).toContain(message.type);
      expect(fieldsOutside(message.payload, PUBLIC_MESSAGE_SHAPES[message.type]!), message.type).toEqual([]);
    }
    for (const item of seen.public.filter((m) => m.type === 'round.updated')) {
      for (const line of (item as RoomMessage<'round.updated'>).payload.activity) expect(Object.keys(line).sort()).toEqual([...ACTIVITY_FIELDS].sort());
    }
    const serialized = JSON.stringify(seen.public);
    expect(personal.length).toBeGreaterThan(BURST);
    for (const text of personal) expect(serialized).not.toContain(text);
    expect(serialized).not.toContain('@');

    // The feed kept one deliveries line per order instead of a thousand.
    const feed = await f.as.anonymous.dashboards.roundActivity.query({ roundId: f.roundId });
    const burstLines = feed.filter((l) => f.burstOrders.includes(l.orderId));
    expect(burstLines.map((l) => [l.orderId, l.kind]).sort()).toEqual(f.burstOrders.map((id) => [id, 'deliveries']).sort());
    expect(feed.length).toBeLessThanOrEqual(30);
  });
});

describe('a client that misses messages', () => {
  it('sees the gap in the join ack’s sequence number after reconnecting, refetches and shows the current state', async () => {
    const follower = new RoundFollower(() => f.as.funder.dashboards.round.query({ roundId: f.roundId }));
    await settle();
    const socket = await follow(follower, f.funderCookie);
    await follower.load();
    await record(f.burstAwards[0]);
    await settle();
    expect(follower.gaps).toBe(0); // connected: every message follows the previous one
    const seenServices = follower.dashboard!.places.servicesDelivered;

    socket.disconnect();
    for (let i = 0; i < 5; i += 1) await record(f.burstAwards[1]);
    await settle();
    expect(follower.dashboard!.places.servicesDelivered).toBe(seenServices); // stale while away

    await rejoin(socket, follower);
    await follower.settled();

    expect(follower.gaps).toBe(1);
    const fresh = await f.as.funder.dashboards.round.query({ roundId: f.roundId });
    expect(follower.dashboard).toEqual(fresh);
    expect(fresh.places.servicesDelivered).toBe(seenServices + 5);
  });

  it('sees the gap in the next message’s sequence number when it does not compare the join ack', async () => {
    const follower = new RoundFollower(() => f.as.funder.dashboards.round.query({ roundId: f.roundId }), false);
    await settle();
    const socket = await follow(follower, f.funderCookie);
    await record(f.burstAwards[0]);
    await settle();
    expect(follower.lastSeq).toBeDefined();
    expect(follower.gaps).toBe(0);

    socket.disconnect();
    await record(f.burstAwards[1], 2);
    await settle();
    await rejoin(socket, follower);
    await record(f.burstAwards[1], 4);
    await settle();
    await follower.settled();

    expect(follower.gaps).toBe(1);
    expect(follower.dashboard).toEqual(await f.as.funder.dashboards.round.query({ roundId: f.roundId }));
  });

  it('sees a gap after reconnecting even when the only change was in the round’s territory, outside its orders, while nobody watched', async () => {
    const follower = new RoundFollower(() => f.as.funder.dashboards.round.query({ roundId: f.roundId }));
    await settle();
    const socket = await follow(follower, f.funderCookie);
    await follower.load();
    const seenServices = follower.dashboard!.places.servicesDelivered;

    socket.disconnect(); // the only listener of round:ID leaves
    await record(f.outsideAward, 7); // Quimper is in the round’s territory: its dashboard changes
    await settle();
    const fresh = await f.as.funder.dashboards.round.query({ roundId: f.roundId });
    expect(fresh.places.servicesDelivered).toBe(seenServices + 7);

    await rejoin(socket, follower);
    await follower.settled();

    expect(follower.gaps).toBe(1);
    expect(follower.dashboard).toEqual(fresh);
  });
});
