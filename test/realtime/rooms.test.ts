import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ClientToServerEvents, JoinResult, RoomMessage, ServerToClientEvents } from '../../shared/events';
import { makeMember, makeOrganisation, makePartnership, makePlace, makeRound } from '../factories';
import { createTestApp, signedIn, type TestApp } from '../setup/app';
import { startTestServer } from '../setup/server';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let testApp: TestApp;
let server: Awaited<ReturnType<typeof startTestServer>>;
const sockets: ClientSocket[] = [];

const fixtures = {} as {
  actorOrg: number;
  actorCookie: string;
  actorPlace: number;
  rivalOrg: number;
  rivalPlace: number;
  rivalCookie: string;
  operatorCookie: string;
  partnershipId: number;
  roundId: number;
};

async function cookieOf(email: string, password: string): Promise<string> {
  const session = await signedIn(testApp, email, password);
  return `aptic_session=${session.jar.get('aptic_session')}`;
}

function open(cookie?: string, headers: Record<string, string> = {}): Promise<ClientSocket> {
  const socket: ClientSocket = connect(server.url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: { ...(cookie ? { cookie } : {}), ...headers },
  });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

function join(socket: ClientSocket, room: string): Promise<JoinResult> {
  return new Promise((resolve) => socket.emit('join', room, resolve));
}

/** Messages a socket receives within a short window (for "receives nothing" assertions). */
function collect(socket: ClientSocket, ms = 150): Promise<RoomMessage[]> {
  const received: RoomMessage[] = [];
  const handler = (m: RoomMessage) => received.push(m);
  socket.on('event', handler);
  return new Promise((resolve) =>
    setTimeout(() => {
      socket.off('event', handler);
      resolve(received);
    }, ms),
  );
}

beforeAll(async () => {
  testApp = createTestApp();
  const { db } = testApp;
  const actor = await makeMember(db, 'actor', { email: 'acteur@exemple.test' });
  const rival = await makeMember(db, 'actor', { email: 'rival@exemple.test' });
  const operator = await makeMember(db, 'operator', { email: 'operateur@exemple.test' });
  fixtures.actorOrg = actor.organisationId;
  fixtures.rivalOrg = rival.organisationId;
  fixtures.actorPlace = makePlace(db, { organisationId: actor.organisationId });
  fixtures.rivalPlace = makePlace(db, { organisationId: rival.organisationId });
  const lead = makeOrganisation(db, 'actor');
  fixtures.partnershipId = makePartnership(db, {
    name: 'CAE de test',
    kind: 'cae',
    leadOrganisationId: lead,
    departementCodes: ['29'],
    placeIds: [fixtures.actorPlace],
  }).partnershipId;
  fixtures.roundId = makeRound(db, { operatorOrganisationId: operator.organisationId });
  server = await startTestServer(testApp);
  fixtures.actorCookie = await cookieOf(actor.user.email, actor.user.password);
  fixtures.rivalCookie = await cookieOf(rival.user.email, rival.user.password);
  fixtures.operatorCookie = await cookieOf(operator.user.email, operator.user.password);
});

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});

afterAll(async () => {
  await server.close();
});

describe('joining rooms', () => {
  it('lets a signed-in actor join its own organisation and place rooms', async () => {
    const socket = await open(fixtures.actorCookie);
    expect(await join(socket, `org:${fixtures.actorOrg}`)).toEqual({ ok: true, room: `org:${fixtures.actorOrg}`, seq: 0 });
    expect(await join(socket, `place:${fixtures.actorPlace}`)).toMatchObject({ ok: true });
  });

  it('refuses a foreign organisation room and a rival place room', async () => {
    const socket = await open(fixtures.actorCookie);
    expect(await join(socket, `org:${fixtures.rivalOrg}`)).toEqual({ ok: false, room: `org:${fixtures.rivalOrg}`, error: 'forbidden' });
    expect(await join(socket, `place:${fixtures.rivalPlace}`)).toMatchObject({ ok: false, error: 'forbidden' });
  });

  it('lets a member place follow its partnership, and refuses a non-member', async () => {
    const member = await open(fixtures.actorCookie);
    const outsider = await open(fixtures.rivalCookie);
    expect(await join(member, `partnership:${fixtures.partnershipId}`)).toMatchObject({ ok: true });
    expect(await join(outsider, `partnership:${fixtures.partnershipId}`)).toMatchObject({ ok: false, error: 'forbidden' });
  });

  it('keeps the national room for the operator', async () => {
    const actor = await open(fixtures.actorCookie);
    const operator = await open(fixtures.operatorCookie);
    expect(await join(actor, 'national')).toMatchObject({ ok: false, error: 'forbidden' });
    expect(await join(operator, 'national')).toMatchObject({ ok: true });
    expect(await join(operator, `place:${fixtures.rivalPlace}`)).toMatchObject({ ok: true });
  });

  it('answers an unknown object like a forbidden one, so rooms reveal nothing', async () => {
    const socket = await open(fixtures.actorCookie);
    expect(await join(socket, 'place:999999')).toMatchObject({ ok: false, error: 'forbidden' });
  });

  it('refuses malformed room names', async () => {
    const socket = await open(fixtures.actorCookie);
    for (const room of ['admin:1', 'org:abc', 'org:1:extra', 'x'.repeat(100)]) {
      expect(await join(socket, room)).toMatchObject({ ok: false, error: 'invalid_room' });
    }
  });
});

describe('signed-out sockets', () => {
  it('connect and may join only the public, aggregate-only rooms', async () => {
    const socket = await open();
    expect(await join(socket, 'public')).toMatchObject({ ok: true });
    expect(await join(socket, `public:round:${fixtures.roundId}`)).toMatchObject({ ok: true });
    for (const room of [`org:${fixtures.actorOrg}`, `place:${fixtures.actorPlace}`, 'national', `round:${fixtures.roundId}`]) {
      expect(await join(socket, room)).toMatchObject({ ok: false, error: 'forbidden' });
    }
  });

  it('with a forged or stale session cookie are treated as signed out', async () => {
    const socket = await open('aptic_session=forged-token-value');
    expect(await join(socket, `org:${fixtures.actorOrg}`)).toMatchObject({ ok: false, error: 'forbidden' });
  });

  it('from a foreign Origin are refused at the handshake', async () => {
    await expect(open(fixtures.actorCookie, { origin: 'http://evil.test' })).rejects.toThrow();
  });
});

describe('events', () => {
  it('reach the sockets in the room, numbered in sequence, and no one else', async () => {
    const member = await open(fixtures.actorCookie);
    const rival = await open(fixtures.rivalCookie);
    const room = `place:${fixtures.actorPlace}`;
    await join(member, room);
    await join(rival, `place:${fixtures.rivalPlace}`);

    // The second message of the same place falls in the room's coalescing window: it goes out at
    // the window's end (250 ms), so listen a little longer than that.
    const memberInbox = collect(member, 500);
    const rivalInbox = collect(rival, 500);
    const payload = {
      placeId: fixtures.actorPlace,
      year: 2026,
      servicesDelivered: 3,
      revenueDeliveredCents: 3_000,
      revenueCommittedCents: 7_000,
      servicesCommitted: 7,
      beneficiaries: 2,
      revenueSettledCents: 0,
      revenuePaidCents: 0,
    };
    testApp.deps.bus.publish(room, 'place.figures', payload);
    testApp.deps.bus.publish(room, 'place.figures', { ...payload, servicesDelivered: 4 });

    const received = await memberInbox;
    expect(received.map((m) => [m.room, m.seq, m.type, m.payload])).toEqual([
      [room, 1, 'place.figures', payload],
      [room, 2, 'place.figures', { ...payload, servicesDelivered: 4 }],
    ]);
    expect(await rivalInbox).toEqual([]);
  });

  it('tell a late joiner the room’s current sequence number, so it knows what it missed', async () => {
    const room = `org:${fixtures.actorOrg}`;
    testApp.deps.bus.publish(room, 'notice', { message: 'avant' });
    const socket = await open(fixtures.actorCookie);
    const result = await join(socket, room);
    expect(result).toEqual({ ok: true, room, seq: testApp.deps.bus.currentSeq(room) });
    expect(testApp.deps.bus.currentSeq(room)).toBeGreaterThan(0);
  });

  it('stop after a socket leaves the room', async () => {
    const socket = await open(fixtures.actorCookie);
    const room = `place:${fixtures.actorPlace}`;
    await join(socket, room);
    await new Promise<void>((resolve) => socket.emit('leave', room, () => resolve()));
    const inbox = collect(socket);
    testApp.deps.bus.publish(room, 'notice', { message: 'après départ' });
    expect(await inbox).toEqual([]);
  });
});
