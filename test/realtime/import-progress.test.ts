import { createTRPCClient, httpLink } from '@trpc/client';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { beneficiaryRef } from '../../client/src/pseudonym';
import type { AppRouter } from '../../server/routers';
import { addMembership } from '../../server/services/users';
import { pseudonymiseReferences } from '../../shared/domain/delivery-import';
import type { ClientToServerEvents, JoinResult, RoomMessage, ServerToClientEvents } from '../../shared/events';
import { makeMember, makePlace, makeUser } from '../factories';
import { makeAwards, makeBid, makeOrder } from '../factories/marketplace';
import { createTestApp, signedIn, type TestApp } from '../setup/app';
import { startTestServer } from '../setup/server';

/**
 * Issue 9, item 3: the progress of a delivery import reaches the browser live through socket.io,
 * in order, up to « done » at 100 %, and only the people entitled to it.
 */

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let testApp: TestApp;
let server: Awaited<ReturnType<typeof startTestServer>>;
let organisationId: number;
let awardId: number;
const cookies: Record<'actor' | 'colleague' | 'rival', string> = { actor: '', colleague: '', rival: '' };
const sockets: ClientSocket[] = [];

async function cookieOf(email: string, password: string) {
  return `aptic_session=${(await signedIn(testApp, email, password)).jar.get('aptic_session')}`;
}

beforeAll(async () => {
  testApp = createTestApp();
  const { db } = testApp;
  const funder = await makeMember(db, 'funder');
  const actor = await makeMember(db, 'actor', { name: 'Association Ty Numérik' });
  const rival = await makeMember(db, 'actor', { name: 'Coopérative Les Liens' });
  const colleague = await makeUser(db, { email: 'collegue@exemple.test' });
  addMembership(db, colleague.id, actor.organisationId, 'member');
  organisationId = actor.organisationId;
  const placeId = makePlace(db, { organisationId, mainCommuneCode: '29232', yearlyCapacity: 20_000 });
  const orderId = makeOrder(db, { funderOrganisationId: funder.organisationId, userId: funder.user.id, quantity: 10_000 });
  const bidId = makeBid(db, { orderId, organisationId, lines: [{ placeId, quantity: 10_000 }] });
  [awardId] = makeAwards(db, { orderId, userId: funder.user.id, lines: [{ bidId, placeId, quantity: 10_000 }] }) as [number];
  server = await startTestServer(testApp);
  cookies.actor = await cookieOf(actor.user.email, actor.user.password);
  cookies.colleague = await cookieOf(colleague.email, colleague.password);
  cookies.rival = await cookieOf(rival.user.email, rival.user.password);
});

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});

afterAll(async () => {
  await server.close();
});

async function open(cookie: string) {
  const socket: ClientSocket = connect(server.url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { cookie } });
  sockets.push(socket);
  const inbox: RoomMessage<'import.progress'>[] = [];
  socket.on('event', (m) => {
    if (m.type === 'import.progress') inbox.push(m as RoomMessage<'import.progress'>);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return { socket, inbox };
}

const join = (socket: ClientSocket, room: string) => new Promise<JoinResult>((resolve) => socket.emit('join', room, resolve));

/** `rows` good lines on the award, as the import page sends them (empreinte computed by the browser's rule). */
async function file(rows: number, prefix: string) {
  const lines = ['attribution;date;service;quantite;reference_personne;cle'];
  const today = new Date().toISOString().slice(0, 10);
  for (let i = 0; i < rows; i++) lines.push(`${awardId};${today};Aide aux démarches administratives;1;personne-${i % 400};${prefix}-${String(i).padStart(5, '0')}`);
  return (await pseudonymiseReferences(`${lines.join('\r\n')}\r\n`, (reference) => beneficiaryRef(organisationId, reference))).text;
}

async function upload(body: string) {
  const response = await fetch(`${server.url}/api/imports/deliveries?organisationId=${organisationId}&fileName=prestations.csv`, {
    method: 'POST',
    headers: { origin: server.url, cookie: cookies.actor, 'content-type': 'text/csv; charset=utf-8' },
    body,
  });
  expect(response.status).toBe(202);
  return (await response.json()) as { importId: number; totalRows: number };
}

describe('the progress of a delivery import', () => {
  it('reaches the uploader’s socket in order, ending with done at 100 %, and matches a refetch', async () => {
    const body = await file(4_000, 'direct');
    const { socket, inbox } = await open(cookies.actor);

    const { importId, totalRows } = await upload(body);
    const joined = await join(socket, `import:${importId}`);
    expect(joined).toMatchObject({ ok: true, room: `import:${importId}` });

    await expect.poll(() => inbox.at(-1)?.payload.done, { timeout: 30_000 }).toBe(true);
    const last = inbox.at(-1)!;
    expect(last.payload).toEqual({ importId, status: 'done', processedRows: 4_000, totalRows: 4_000, accepted: 4_000, duplicates: 0, refused: 0, done: true });
    expect(totalRows).toBe(4_000);
    expect(inbox.length, 'several steps, not only the end').toBeGreaterThan(1);
    // In order: one sequence for the room, with no gap after the join, and counts that only grow.
    expect(inbox.map((m) => m.seq)).toEqual(inbox.map((_, i) => (joined.ok ? joined.seq : 0) + i + 1));
    const processed = inbox.map((m) => m.payload.processedRows);
    expect(processed).toEqual([...processed].sort((a, b) => a - b));
    expect(inbox.slice(0, -1).every((m) => !m.payload.done)).toBe(true);

    const api = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${server.url}/trpc`, headers: { origin: server.url, cookie: cookies.actor } })] });
    expect(await api.imports.get.query({ importId })).toMatchObject(last.payload);
  });

  it('is shared with the uploader’s organisation and refused to another actor, who receives nothing', async () => {
    const body = await file(1_500, 'partage');
    const colleague = await open(cookies.colleague);
    const rival = await open(cookies.rival);

    const { importId } = await upload(body);
    const room = `import:${importId}`;

    expect(await join(colleague.socket, room)).toMatchObject({ ok: true });
    expect(await join(rival.socket, room)).toEqual({ ok: false, room, error: 'forbidden' });
    await expect.poll(() => colleague.inbox.at(-1)?.payload.done, { timeout: 30_000 }).toBe(true);
    expect(colleague.inbox.at(-1)!.payload).toMatchObject({ processedRows: 1_500, accepted: 1_500 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(rival.inbox).toEqual([]);
  });
});
