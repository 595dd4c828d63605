import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { createTRPCClient, httpLink } from '@trpc/client';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../../server/routers';
import type { ClientToServerEvents, RoomMessage, ServerToClientEvents } from '../../shared/events';
import { beneficiaryRef, makeAwards, makeBid, makeOrder } from '../factories/marketplace';
import { makeMember, makePlace } from '../factories';
import { addMembership } from '../../server/services/users';
import { makeUser } from '../factories';
import { createTestApp, signedIn, type TestApp } from '../setup/app';
import { startTestServer } from '../setup/server';

let testApp: TestApp;
let server: Awaited<ReturnType<typeof startTestServer>>;
let placeId: number;
let awardId: number;
let recorderCookie: string;
let watcherCookie: string;

async function cookieOf(email: string, password: string) {
  return `aptic_session=${(await signedIn(testApp, email, password)).jar.get('aptic_session')}`;
}

beforeAll(async () => {
  testApp = createTestApp();
  const { db } = testApp;
  const funder = await makeMember(db, 'funder');
  const actor = await makeMember(db, 'actor', { email: 'mediatrice@exemple.test' });
  // A colleague of the same organisation watches the place page in another browser.
  const colleague = await makeUser(db, { email: 'collegue@exemple.test' });
  addMembership(db, colleague.id, actor.organisationId, 'member');
  placeId = makePlace(db, { organisationId: actor.organisationId, mainCommuneCode: '29232' });
  const orderId = makeOrder(db, { funderOrganisationId: funder.organisationId, userId: funder.user.id, quantity: 50 });
  const bidId = makeBid(db, { orderId, organisationId: actor.organisationId, lines: [{ placeId, quantity: 50 }] });
  [awardId] = makeAwards(db, { orderId, userId: funder.user.id, lines: [{ bidId, placeId, quantity: 50 }] }) as [number];
  server = await startTestServer(testApp);
  recorderCookie = await cookieOf(actor.user.email, actor.user.password);
  watcherCookie = await cookieOf(colleague.email, colleague.password);
});

afterAll(async () => {
  await server.close();
});

describe('a delivery recorded by one client', () => {
  it('reaches a second client on the place’s room after commit, with increasing sequence numbers', async () => {
    const watcher: Socket<ServerToClientEvents, ClientToServerEvents> = connect(server.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { cookie: watcherCookie },
    });
    await new Promise<void>((resolve, reject) => {
      watcher.once('connect', () => resolve());
      watcher.once('connect_error', reject);
    });
    const joined = await new Promise((resolve) => watcher.emit('join', `place:${placeId}`, resolve));
    expect(joined).toMatchObject({ ok: true, seq: 0 });
    const received: RoomMessage<'place.figures'>[] = [];
    watcher.on('event', (m) => {
      if (m.type === 'place.figures') received.push(m as RoomMessage<'place.figures'>);
    });

    const recorder = createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${server.url}/trpc`, headers: { origin: server.url, cookie: recorderCookie } })],
    });
    const today = new Date().toISOString().slice(0, 10);
    const record = (quantity: number, key: string) =>
      recorder.deliveries.record.mutate({
        awardId,
        quantity,
        deliveredOn: today,
        service: Service.AideAuxDemarchesAdministratives,
        beneficiaryRef: beneficiaryRef(key),
        idempotencyKey: `cle-${key}`,
      });
    await record(2, 'premiere-personne');
    await record(3, 'deuxieme-personne');
    await record(3, 'deuxieme-personne'); // a replay: recorded once, announced once

    await expect.poll(() => received.length).toBe(2);
    await new Promise((r) => setTimeout(r, 100));
    expect(received.map((m) => m.seq)).toEqual([1, 2]);
    expect(received.map((m) => [m.payload.servicesDelivered, m.payload.revenueDeliveredCents, m.payload.revenueCommittedCents, m.payload.beneficiaries])).toEqual([
      [2, 2_000, 48_000, 1],
      [5, 5_000, 45_000, 2],
    ]);
    watcher.disconnect();
  });
});
