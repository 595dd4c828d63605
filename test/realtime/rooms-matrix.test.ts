import { randomUUID } from 'node:crypto';
import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../server/auth/cookie';
import { createSession } from '../../server/services/auth';
import { openDraft } from '../../server/services/drafts';
import { createPartnership, invitePlace, respondToInvitation } from '../../server/services/partnerships';
import { addMembership } from '../../server/services/users';
import { parseRoom, type ClientToServerEvents, type JoinResult, type RoomKind, type RoomMessage, type ServerToClientEvents } from '../../shared/events';
import { buildWorld, draftVersion, ROLES, SECRETS, SIGNED_IN, type Role, type World } from '../api/security/world';
import { sessionFor } from '../api/marketplace/helpers';
import { makeMember, makePlace, makeUser, TEST_PASSWORD } from '../factories';
import { beneficiaryRef, sessionUserOf } from '../factories/marketplace';
import { createTestApp, type TestApp } from '../setup/app';
import { startTestServer } from '../setup/server';

/**
 * The rooms' authorization matrix (issue 8): for every kind of room and every role, with real
 * socket.io clients on a live server, whether joining is allowed, and that a socket refused a
 * room receives nothing published to it — test messages and the events real writes publish.
 */

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

interface RoomCase {
  /** What the room follows, for the test's name. */
  target: string;
  room: (w: World) => string;
  allowed: readonly Role[];
}

const EVERYONE = ROLES;

/** Every kind of room (typed: a new kind without an entry does not compile), with the roles each instance admits. */
const ROOMS: Record<RoomKind, RoomCase[]> = {
  public: [{ target: 'the national aggregates', room: () => 'public', allowed: EVERYONE }],
  'public-round': [{ target: 'the open round’s aggregates', room: (w) => `public:round:${w.rounds.open}`, allowed: EVERYONE }],
  national: [{ target: 'the operator’s national view', room: () => 'national', allowed: ['operator'] }],
  org: [
    { target: 'the actor’s organisation', room: (w) => `org:${w.orgs.actor}`, allowed: ['actor', 'operator'] },
    // The lead created it (admin); the member joined it when its place was accepted.
    { target: 'the partnership’s organisation', room: (w) => `org:${w.orgs.partnership}`, allowed: ['actor', 'member', 'operator'] },
  ],
  place: [
    { target: 'the actor’s place', room: (w) => `place:${w.places.actor}`, allowed: ['actor', 'operator'] },
    // A member place's figures are followed by the partnership it works in: its lead too.
    { target: 'the member’s place', room: (w) => `place:${w.places.member}`, allowed: ['member', 'actor', 'operator'] },
  ],
  partnership: [{ target: 'the partnership', room: (w) => `partnership:${w.partnership}`, allowed: ['actor', 'member', 'operator'] }],
  order: [
    {
      target: 'the published order',
      room: (w) => `order:${w.orders.open}`,
      // Another funder may read a published order to co-fund it, so it may follow its room.
      allowed: ['funder', 'otherFunder', 'actor', 'rival', 'member', 'nonMember', 'operator'],
    },
    { target: 'the draft order', room: (w) => `order:${w.orders.draft}`, allowed: ['funder', 'operator'] },
  ],
  round: [{ target: 'the open round', room: (w) => `round:${w.rounds.open}`, allowed: SIGNED_IN }],
  draft: [{ target: 'the partnership’s joint draft', room: (w) => `draft:${w.draft}`, allowed: ['actor', 'member', 'operator'] }],
  import: [{ target: 'the actor’s delivery import', room: (w) => `import:${w.deliveryImport}`, allowed: ['actor', 'operator'] }],
};

const roomRows = (Object.entries(ROOMS) as [RoomKind, RoomCase[]][]).flatMap(([kind, cases]) =>
  cases.map((c) => ({ kind, ...c, allowedText: c.allowed.length === ROLES.length ? 'everyone' : c.allowed.join(', ') })),
);

let testApp: TestApp;
let server: Awaited<ReturnType<typeof startTestServer>>;
let w: World;
let cookies: Record<Role, string | undefined>;
const sockets: ClientSocket[] = [];

const cookieFor = (userId: number) => `${SESSION_COOKIE}=${createSession(testApp.db, userId, 1).token}`;

beforeAll(async () => {
  testApp = createTestApp();
  w = await buildWorld(testApp.db);
  server = await startTestServer(testApp);
  cookies = { signedOut: undefined, ...(Object.fromEntries(SIGNED_IN.map((role) => [role, cookieFor(w.users[role].id)])) as Record<Exclude<Role, 'signedOut'>, string>) };
});

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});

afterAll(async () => {
  await server.close();
});

/** A connected socket and everything it receives from now on. */
async function open(cookie: string | undefined) {
  const socket: ClientSocket = connect(server.url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: cookie ? { cookie } : {} });
  sockets.push(socket);
  const inbox: RoomMessage[] = [];
  socket.on('event', (m) => inbox.push(m));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return { socket, inbox };
}

type Open = Awaited<ReturnType<typeof open>>;

function join(socket: ClientSocket, room: string): Promise<JoinResult> {
  return new Promise((resolve) => socket.emit('join', room, resolve));
}

/** One socket per role, signed in with that role's session (none for the signed-out visitor). */
async function socketsOfEveryRole(): Promise<Record<Role, Open>> {
  const opened = await Promise.all(ROLES.map((role) => open(cookies[role])));
  return Object.fromEntries(ROLES.map((role, i) => [role, opened[i]!])) as Record<Role, Open>;
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the rooms matrix', () => {
  it('names real rooms of the kind they stand for', () => {
    for (const row of roomRows) expect(parseRoom(row.room(w))?.kind).toBe(row.kind);
  });

  it.each(roomRows)('$kind room of $target admits $allowedText, and a refused socket receives nothing published there', async (row) => {
    const room = row.room(w);
    const all = await socketsOfEveryRole();
    const roles = ROLES;
    const expected: Partial<Record<Role, string>> = {};
    const actual: Partial<Record<Role, string>> = {};
    for (const role of roles) {
      const result = await join(all[role].socket, room);
      expected[role] = row.allowed.includes(role) ? 'joined' : 'forbidden';
      actual[role] = result.ok ? 'joined' : result.error;
    }
    expect(actual).toEqual(expected);

    const message = `test message to ${room} ${randomUUID()}`;
    testApp.deps.bus.publish(room, 'notice', { message });
    const admitted = roles.filter((r) => row.allowed.includes(r));
    const notices = (role: Role) => all[role].inbox.filter((m) => m.room === room && m.type === 'notice' && (m.payload as { message: string }).message === message);
    await expect.poll(() => admitted.filter((r) => notices(r).length !== 1)).toEqual([]);
    await settle(100);
    // A refused socket is in no room at all: nothing of any kind reaches it.
    const refused = roles.filter((r) => !row.allowed.includes(r));
    expect(Object.fromEntries(refused.map((r) => [r, all[r].inbox]))).toEqual(Object.fromEntries(refused.map((r) => [r, []])));
  });

  // The order room admits actors and partnerships besides the order's funders; orders.get lets any
  // funder read a published order (it may co-fund it), and the order page joins the room for
  // every viewer, so another funder reads the page but misses its live amounts.
  it('another funder, who may read a published order to co-fund it, may follow its room', async () => {
    const socket = await open(cookies.otherFunder);
    const room = `order:${w.orders.open}`;

    expect(await join(socket.socket, room)).toMatchObject({ ok: true, room });
  });
});

// Prescribers (issue 11) are invited by a funder and are no role of the shared world: their
// organisation room, where an order's pass counts reach them, is checked here the same way.
describe('a prescriber’s organisation room', () => {
  const p = {} as { own: number; other: number; contact: number; otherContact: number };

  beforeAll(async () => {
    const invite = async (funder: 'funder' | 'otherFunder', name: string) => {
      const contact = await makeUser(testApp.db);
      const { organisationId } = await sessionFor(testApp, w.users[funder].id).api.prescribers.invite.mutate({
        organisationId: w.orgs[funder],
        name,
        contactName: 'Contact du prescripteur',
        contactEmail: contact.email,
        departementCode: '29',
      });
      return { organisationId, contactId: contact.id };
    };
    const own = await invite('funder', 'CCAS de Quimper');
    const other = await invite('otherFunder', 'Mission locale de Brest');
    Object.assign(p, { own: own.organisationId, contact: own.contactId, other: other.organisationId, otherContact: other.contactId });
  });

  // A refused socket joins a room of its own, whose notice, published after, fences the wait.
  it.each([
    { who: 'its member', as: () => p.contact, room: () => `org:${p.own}`, joins: true },
    { who: 'the other prescriber’s member', as: () => p.otherContact, room: () => `org:${p.other}`, joins: true },
    { who: 'the operator', as: () => w.users.operator.id, room: () => `org:${p.own}`, joins: true },
    { who: 'a member of another prescriber', as: () => p.otherContact, room: () => `org:${p.own}`, joins: false, fence: () => `org:${p.other}` },
    { who: 'its member, at the funder that invited it', as: () => p.contact, room: () => `org:${w.orgs.funder}`, joins: false, fence: () => `org:${p.own}` },
    { who: 'the funder that invited it', as: () => w.users.funder.id, room: () => `org:${p.own}`, joins: false, fence: () => `org:${w.orgs.funder}` },
    { who: 'an actor', as: () => w.users.rival.id, room: () => `org:${p.own}`, joins: false, fence: () => `org:${w.orgs.rival}` },
  ])('$who: joins $joins, and a refused socket hears nothing published there', async (row) => {
    const room = row.room();
    const client = await open(cookieFor(row.as()));
    const result = await join(client.socket, room);
    expect(result.ok ? 'joined' : result.error).toBe(row.joins ? 'joined' : 'forbidden');
    const fenceRoom = row.fence?.();
    if (fenceRoom) expect(await join(client.socket, fenceRoom)).toMatchObject({ ok: true });

    const message = `test message to ${room} ${randomUUID()}`;
    testApp.deps.bus.publish(room, 'notice', { message });
    // The room's message leaves the bus first (it may be held for the room's window), then the fence.
    testApp.deps.bus.flushAll();
    if (fenceRoom) testApp.deps.bus.publish(fenceRoom, 'notice', { message: `fence ${message}` });
    // (Messages of earlier rows may still come out of the bus's window: this row's are told by their text.)
    const heard = (r: string, text: string) => client.inbox.filter((m) => m.room === r && m.type === 'notice' && (m.payload as { message: string }).message === text);
    await expect.poll(() => (fenceRoom ? heard(fenceRoom, `fence ${message}`) : heard(room, message)).length).toBe(1);
    if (fenceRoom) expect(client.inbox.filter((m) => m.room === room)).toEqual([]);
  });
});

describe('events of real writes', () => {
  it('reach only the sockets admitted to their rooms, and carry no sealed bid nor beneficiary; the draft only to its participants', async () => {
    const all = await socketsOfEveryRole();
    const rooms = roomRows.map((r) => r.room(w));
    const joined = {} as Record<Role, string[]>;
    for (const role of ROLES) {
      joined[role] = [];
      for (const room of rooms) if ((await join(all[role].socket, room)).ok) joined[role].push(room);
    }
    const api = (role: Exclude<Role, 'signedOut'>) => sessionFor(testApp, w.users[role].id).api;

    // A bid revised, the draft's terms edited, a delivery recorded, an application decided.
    await api('rival').bids.submit.mutate({ orderId: w.orders.open, organisationId: w.orgs.rival, unitPriceCents: 900, note: SECRETS.rivalNote, lines: [{ placeId: w.places.rival, quantity: 12 }] });
    await api('actor').drafts.editTerms.mutate({ bidId: w.draft, version: draftVersion(testApp.db, w.draft), note: SECRETS.draftNote, unitPriceCents: 990 });
    const ref = beneficiaryRef('bénéficiaire de la prestation en direct');
    await api('actor').deliveries.record.mutate({ awardId: w.award, quantity: 1, deliveredOn: w.today, service: Service.AideAuxDemarchesAdministratives, beneficiaryRef: ref, idempotencyKey: randomUUID() });
    await api('operator').qualification.decide.mutate({ placeId: w.places.actorApplied, decision: 'qualify', reason: 'Dossier complet' });

    // Each room flushes at most every 250 ms: wait for the draft and the place to reach their rooms.
    await expect.poll(() => all.member.inbox.some((m) => m.type === 'draft.updated')).toBe(true);
    await expect.poll(() => all.actor.inbox.some((m) => m.type === 'place.figures' && m.room === `place:${w.places.actor}`)).toBe(true);
    await settle(400);

    for (const role of ROLES) {
      const outside = all[role].inbox.filter((m) => !joined[role].includes(m.room)).map((m) => `${m.room} ${m.type}`);
      expect({ role, outside }).toEqual({ role, outside: [] });
      const text = JSON.stringify(all[role].inbox);
      for (const secret of [SECRETS.sealedNote, SECRETS.rivalNote, `"unitPriceCents":${SECRETS.sealedUnitPriceCents}`, SECRETS.beneficiaryRef, ref]) {
        expect({ role, leaks: text.includes(secret) ? secret : null }).toEqual({ role, leaks: null });
      }
    }
    const draftReaders = ROLES.filter((role) => JSON.stringify(all[role].inbox).includes(SECRETS.draftNote));
    expect(draftReaders).toEqual(['actor', 'member', 'operator']);
  });
});

describe('a socket that loses its right', () => {
  // Rights are checked when a socket joins, never again: a socket stays in its rooms after the
  // session behind it ends (sign-out, or the password change that signs every other browser out).
  it('stops receiving its organisation’s events once its session is ended by a password change', async () => {
    const user = await makeUser(testApp.db);
    addMembership(testApp.db, user.id, w.orgs.actor, 'member');
    const stolen = await open(cookieFor(user.id));
    const room = `org:${w.orgs.actor}`;
    expect(await join(stolen.socket, room)).toMatchObject({ ok: true });

    await sessionFor(testApp, user.id).api.auth.changePassword.mutate({ currentPassword: TEST_PASSWORD, newPassword: 'un-nouveau-mot-de-passe-solide' });
    testApp.deps.bus.publish(room, 'notice', { message: 'après le changement de mot de passe' });
    await settle(400);

    expect(stolen.inbox.filter((m) => m.room === room)).toEqual([]);
  });

  // The same: an actor whose place has left a partnership may no longer join its draft, but a
  // socket that joined before keeps receiving every version of it (note, price, lines).
  it('stops receiving a joint draft once its place has left the partnership', async () => {
    const { db } = testApp;
    const lead = await makeMember(db, 'actor', { name: 'Association Pen ar Bed' });
    const partner = await makeMember(db, 'actor', { name: 'Espace public numérique de Douarnenez' });
    const leadPlace = makePlace(db, { organisationId: lead.organisationId, mainCommuneCode: '29232' });
    const partnerPlace = makePlace(db, { organisationId: partner.organisationId, mainCommuneCode: '29019' });
    const { partnershipId } = createPartnership(db, sessionUserOf(db, lead.user.id), { organisationId: lead.organisationId, kind: 'local', name: 'Partenariat de Cornouaille', departementCodes: ['29'], poolingFeeBps: 0, charter: '' });
    invitePlace(db, sessionUserOf(db, lead.user.id), partnershipId, leadPlace);
    invitePlace(db, sessionUserOf(db, lead.user.id), partnershipId, partnerPlace);
    respondToInvitation(db, sessionUserOf(db, partner.user.id), partnershipId, partnerPlace, true);
    const bidId = openDraft(db, sessionUserOf(db, lead.user.id), partnershipId, w.orders.open);
    const room = `draft:${bidId}`;
    const former = await open(cookieFor(partner.user.id));
    expect(await join(former.socket, room)).toMatchObject({ ok: true });
    await expect.poll(() => former.inbox.some((m) => m.room === room && m.type === 'draft.presence')).toBe(true);
    const since = former.inbox.length;

    await sessionFor(testApp, partner.user.id).api.partnerships.leave.mutate({ partnershipId, placeId: partnerPlace });
    expect(await join((await open(cookieFor(partner.user.id))).socket, room)).toMatchObject({ ok: false, error: 'forbidden' });
    await sessionFor(testApp, lead.user.id).api.drafts.editTerms.mutate({ bidId, version: draftVersion(db, bidId), note: 'Note écrite après le départ', unitPriceCents: 950 });
    await settle(400);

    expect(former.inbox.slice(since).filter((m) => m.room === room)).toEqual([]);
  });
});
