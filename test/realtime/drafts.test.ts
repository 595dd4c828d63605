import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../server/auth/cookie';
import type { AppRouter } from '../../server/routers';
import { createSession } from '../../server/services/auth';
import { openDraft } from '../../server/services/drafts';
import { createPartnership, invitePlace, respondToInvitation } from '../../server/services/partnerships';
import { addMembership } from '../../server/services/users';
import type { ClientToServerEvents, EventPayloads, EventType, JoinResult, RoomMessage, ServerToClientEvents } from '../../shared/events';
import { makeMember, makeOrganisation, makePlace, makeUser } from '../factories';
import { makeOrder, sessionUserOf } from '../factories/marketplace';
import { createTestApp, type TestApp } from '../setup/app';
import { startTestServer } from '../setup/server';

/**
 * Live joint drafting with real socket.io clients and real HTTP tRPC calls on a live server:
 * presence, concurrent edits on one version, the draft and partnership rooms' guards, and the
 * membership steps reaching the partnership room and the invited actor's inbox.
 */

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let testApp: TestApp;
let server: Awaited<ReturnType<typeof startTestServer>>;
let sockets: ClientSocket[];
let f: Awaited<ReturnType<typeof fixtures>>;

/** An actor organisation with one named user in it, and that user's session cookie. */
async function person(orgName: string, userName: string) {
  const { db } = testApp;
  const organisationId = makeOrganisation(db, 'actor', { name: orgName });
  const user = await makeUser(db, { name: userName });
  addMembership(db, user.id, organisationId, 'admin');
  return { organisationId, userId: user.id, name: userName, cookie: `${SESSION_COOKIE}=${createSession(db, user.id, 1).token}` };
}

/**
 * A CAE led by Awena's association with Bastien's cooperative as an active member, a third
 * actor (Corentin) with a place the lead may invite, an outsider, and a draft on an open order.
 */
async function fixtures() {
  const { db } = testApp;
  const lead = await person('Association Ty Numérik', 'Awena Le Gall');
  const member = await person('Coopérative Les Liens', 'Bastien Morvan');
  const third = await person('Médiathèque du pays de Morlaix', 'Corentin Kerbrat');
  const outsider = await person('Association Hors Réseau', 'Dana Intruse');
  const funder = await makeMember(db, 'funder');
  const places = {
    lead: makePlace(db, { organisationId: lead.organisationId, name: 'Espace numérique de Kerfeunteun', mainCommuneCode: '29232' }),
    member: makePlace(db, { organisationId: member.organisationId, name: 'Cyber-base de Brest', mainCommuneCode: '29019' }),
    third: makePlace(db, { organisationId: third.organisationId, name: 'Médiathèque de Morlaix', mainCommuneCode: '29151' }),
  };
  const leadUser = sessionUserOf(db, lead.userId);
  const partnership = createPartnership(db, leadUser, { organisationId: lead.organisationId, kind: 'cae', name: 'CAE Finistère Numérique', departementCodes: ['29'], poolingFeeBps: 500, charter: '' });
  invitePlace(db, sessionUserOf(db, lead.userId), partnership.partnershipId, places.lead);
  invitePlace(db, sessionUserOf(db, lead.userId), partnership.partnershipId, places.member);
  respondToInvitation(db, sessionUserOf(db, member.userId), partnership.partnershipId, places.member, true);
  const orderId = makeOrder(db, { funderOrganisationId: funder.organisationId, userId: funder.user.id, quantity: 100 });
  const bidId = openDraft(db, sessionUserOf(db, lead.userId), partnership.partnershipId, orderId);
  const funderCookie = `${SESSION_COOKIE}=${createSession(db, funder.user.id, 1).token}`;
  return { lead, member, third, outsider, funderCookie, places, ...partnership, orderId, bidId };
}

function api(cookie: string) {
  return createTRPCClient<AppRouter>({ links: [httpLink({ url: `${server.url}/trpc`, headers: { origin: server.url, cookie } })] });
}

/** A connected socket and everything it receives from now on. */
async function open(cookie: string) {
  const socket: ClientSocket = connect(server.url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { cookie } });
  sockets.push(socket);
  const inbox: RoomMessage[] = [];
  socket.on('event', (m) => inbox.push(m));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return { socket, inbox };
}

function join(socket: ClientSocket, room: string): Promise<JoinResult> {
  return new Promise((resolve) => socket.emit('join', room, resolve));
}

const ofType = <T extends EventType>(inbox: RoomMessage[], type: T) => inbox.filter((m): m is RoomMessage<T> => m.type === type);
const lastPresence = (inbox: RoomMessage[]) => ofType(inbox, 'draft.presence').at(-1)?.payload;
const viewers = (...people: { userId: number; name: string }[]) => people.map((p) => ({ userId: p.userId, name: p.name })).sort((a, b) => a.userId - b.userId);
const sortedViewers = (payload: EventPayloads['draft.presence'] | undefined) => payload && [...payload.viewers].sort((a, b) => a.userId - b.userId);
const settle = (ms = 100) => new Promise((resolve) => setTimeout(resolve, ms));

beforeEach(async () => {
  testApp = createTestApp();
  sockets = [];
  f = await fixtures();
  server = await startTestServer(testApp);
});

afterEach(async () => {
  for (const socket of sockets) socket.disconnect();
  await server.close();
});

describe('presence in a draft', () => {
  it('lists both members once each has joined, and the one left when the other disconnects', async () => {
    const room = `draft:${f.bidId}`;
    const a = await open(f.lead.cookie);
    const b = await open(f.member.cookie);

    expect(await join(a.socket, room)).toEqual({ ok: true, room, seq: expect.any(Number) });
    await expect.poll(() => sortedViewers(lastPresence(a.inbox))).toEqual(viewers(f.lead));
    expect(await join(b.socket, room)).toMatchObject({ ok: true, room });

    await expect.poll(() => sortedViewers(lastPresence(a.inbox))).toEqual(viewers(f.lead, f.member));
    await expect.poll(() => sortedViewers(lastPresence(b.inbox))).toEqual(viewers(f.lead, f.member));
    expect(lastPresence(b.inbox)!.bidId).toBe(f.bidId);

    b.socket.disconnect();

    await expect.poll(() => sortedViewers(lastPresence(a.inbox))).toEqual(viewers(f.lead));
    expect(ofType(a.inbox, 'draft.presence').every((m) => m.room === room && m.payload.bidId === f.bidId)).toBe(true);
  });

  it('counts a user with two tabs once, and drops a member who leaves the room', async () => {
    const room = `draft:${f.bidId}`;
    const a = await open(f.lead.cookie);
    const aSecondTab = await open(f.lead.cookie);
    const b = await open(f.member.cookie);
    for (const s of [a, aSecondTab, b]) await join(s.socket, room);
    await expect.poll(() => sortedViewers(lastPresence(b.inbox))).toEqual(viewers(f.lead, f.member));

    await new Promise<void>((resolve) => b.socket.emit('leave', room, () => resolve()));
    await expect.poll(() => sortedViewers(lastPresence(a.inbox))).toEqual(viewers(f.lead));

    aSecondTab.socket.disconnect();
    await settle();
    expect(sortedViewers(lastPresence(a.inbox))).toEqual(viewers(f.lead));
  });
});

describe('two members editing the same version at once', () => {
  it('lets exactly one write through; the other gets CONFLICT with the current value, and both sockets see the new version in sequence', async () => {
    const room = `draft:${f.bidId}`;
    const a = await open(f.lead.cookie);
    const b = await open(f.member.cookie);
    await join(a.socket, room);
    await join(b.socket, room);
    await expect.poll(() => sortedViewers(lastPresence(a.inbox))).toEqual(viewers(f.lead, f.member));
    await expect.poll(() => sortedViewers(lastPresence(b.inbox))).toEqual(viewers(f.lead, f.member));
    const lead = api(f.lead.cookie);
    const member = api(f.member.cookie);
    const { version } = (await member.drafts.get.query({ bidId: f.bidId })).bid;

    // The member sets its own line to 40 while the lead sets the same line to 25, both on `version`.
    const attempts = [
      { who: 'member', quantity: 40, call: member.drafts.editLine.mutate({ bidId: f.bidId, version, placeId: f.places.member, quantity: 40 }) },
      { who: 'lead', quantity: 25, call: lead.drafts.editLine.mutate({ bidId: f.bidId, version, placeId: f.places.member, quantity: 25 }) },
    ];
    const results = await Promise.allSettled(attempts.map((t) => t.call));

    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [attempts[i]!] : []));
    const lost = results.flatMap((r, i) => (r.status === 'rejected' ? [{ ...attempts[i]!, reason: r.reason as unknown }] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const winner = won[0]!;
    const error = lost[0]!.reason;
    expect(error).toBeInstanceOf(TRPCClientError);
    const data = (error as TRPCClientError<AppRouter>).data as { code: string; httpStatus: number; current?: unknown };
    expect(data).toMatchObject({
      code: 'CONFLICT',
      httpStatus: 409,
      current: { version: version + 1, value: { placeId: f.places.member, quantity: winner.quantity, confirmed: false } },
    });
    expect((error as Error).message).toBe(
      `Le brouillon a changé entre-temps : la ligne « Cyber-base de Brest » vaut maintenant ${winner.quantity} service(s). Réappliquez votre valeur ou gardez la valeur actuelle.`,
    );
    const afterRace = await lead.drafts.get.query({ bidId: f.bidId });
    expect(afterRace.bid.version).toBe(version + 1);
    expect(afterRace.lines.find((l) => l.placeId === f.places.member)!.quantity).toBe(winner.quantity);

    // Both sockets receive the one committed write, after the presence messages.
    for (const s of [a, b]) {
      await expect.poll(() => ofType(s.inbox, 'draft.updated').length).toBe(1);
      const [update] = ofType(s.inbox, 'draft.updated');
      expect(update!.room).toBe(room);
      expect(update!.payload).toMatchObject({ bidId: f.bidId, version: version + 1, status: 'draft', note: '', unitPriceCents: 1_000 });
      expect([...update!.payload.lines].sort((x, y) => x.placeId - y.placeId)).toEqual(
        [
          { placeId: f.places.lead, quantity: 0, confirmed: false },
          { placeId: f.places.member, quantity: winner.quantity, confirmed: false },
        ].sort((x, y) => x.placeId - y.placeId),
      );
      const presenceSeqs = ofType(s.inbox, 'draft.presence').map((m) => m.seq);
      expect(update!.seq).toBeGreaterThan(Math.max(...presenceSeqs));
    }

    // The loser re-applies its value on the new version: one more update, next in sequence.
    const loserApi = lost[0]!.who === 'lead' ? lead : member;
    await loserApi.drafts.editLine.mutate({ bidId: f.bidId, version: version + 1, placeId: f.places.member, quantity: lost[0]!.quantity });
    for (const s of [a, b]) {
      await expect.poll(() => ofType(s.inbox, 'draft.updated').length).toBe(2);
      const [first, second] = ofType(s.inbox, 'draft.updated');
      expect(second!.seq).toBe(first!.seq + 1);
      expect(second!.payload.version).toBe(version + 2);
      expect(second!.payload.lines.find((l) => l.placeId === f.places.member)).toEqual({ placeId: f.places.member, quantity: lost[0]!.quantity, confirmed: false });
      const seqs = s.inbox.filter((m) => m.room === room).map((m) => m.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      expect(new Set(seqs).size).toBe(seqs.length);
    }
  });
});

describe('room guards', () => {
  it('refuses a non-member socket the draft room and the partnership room, and it hears nothing of the edits', async () => {
    const outsider = await open(f.outsider.cookie);
    const funder = await open(f.funderCookie);

    for (const s of [outsider, funder]) {
      expect(await join(s.socket, `draft:${f.bidId}`)).toEqual({ ok: false, room: `draft:${f.bidId}`, error: 'forbidden' });
      expect(await join(s.socket, `partnership:${f.partnershipId}`)).toEqual({ ok: false, room: `partnership:${f.partnershipId}`, error: 'forbidden' });
    }
    const member = await open(f.member.cookie);
    expect(await join(member.socket, `draft:${f.bidId}`)).toMatchObject({ ok: true });
    expect(await join(member.socket, `partnership:${f.partnershipId}`)).toMatchObject({ ok: true });

    await api(f.member.cookie).drafts.editLine.mutate({ bidId: f.bidId, version: 1, placeId: f.places.member, quantity: 30 });
    await expect.poll(() => ofType(member.inbox, 'draft.updated').length).toBe(1);
    await settle();
    expect(outsider.inbox).toEqual([]);
    expect(funder.inbox).toEqual([]);
  });

  it('keeps the draft room closed to an actor whose place is only invited', async () => {
    invitePlace(testApp.db, sessionUserOf(testApp.db, f.lead.userId), f.partnershipId, f.places.third);
    const third = await open(f.third.cookie);

    expect(await join(third.socket, `draft:${f.bidId}`)).toMatchObject({ ok: false, error: 'forbidden' });
    // It may follow the partnership it is invited to, to answer the invitation.
    expect(await join(third.socket, `partnership:${f.partnershipId}`)).toMatchObject({ ok: true });
  });
});

describe('room guards after leaving', () => {
  it('refuses the draft room to an actor once its only place has left the partnership', async () => {
    await api(f.member.cookie).partnerships.leave.mutate({ partnershipId: f.partnershipId, placeId: f.places.member });
    const former = await open(f.member.cookie);

    expect(await join(former.socket, `draft:${f.bidId}`)).toMatchObject({ ok: false, error: 'forbidden' });
  });
});

describe('membership steps live', () => {
  it('publish partnership.updated to the partnership room and to the invited organisation’s room', async () => {
    const leadSocket = await open(f.lead.cookie);
    const memberSocket = await open(f.member.cookie);
    const thirdSocket = await open(f.third.cookie);
    const outsiderSocket = await open(f.outsider.cookie);
    expect(await join(leadSocket.socket, `partnership:${f.partnershipId}`)).toMatchObject({ ok: true });
    expect(await join(memberSocket.socket, `partnership:${f.partnershipId}`)).toMatchObject({ ok: true });
    expect(await join(thirdSocket.socket, `org:${f.third.organisationId}`)).toMatchObject({ ok: true });
    expect(await join(outsiderSocket.socket, `org:${f.outsider.organisationId}`)).toMatchObject({ ok: true });

    await api(f.lead.cookie).partnerships.invite.mutate({ partnershipId: f.partnershipId, placeId: f.places.third });

    const invited = { partnershipId: f.partnershipId, kind: 'invited', placeId: f.places.third, status: 'invited' };
    for (const [s, room] of [
      [leadSocket, `partnership:${f.partnershipId}`],
      [memberSocket, `partnership:${f.partnershipId}`],
      [thirdSocket, `org:${f.third.organisationId}`],
    ] as const) {
      await expect.poll(() => ofType(s.inbox, 'partnership.updated').map((m) => [m.room, m.payload])).toEqual([[room, invited]]);
    }
    // The invitation is in the third actor's inbox through the API too.
    expect((await api(f.third.cookie).partnerships.invitations.query({ organisationId: f.third.organisationId })).map((i) => i.placeId)).toEqual([f.places.third]);

    await api(f.third.cookie).partnerships.respond.mutate({ partnershipId: f.partnershipId, placeId: f.places.third, accept: true });

    const joined = { partnershipId: f.partnershipId, kind: 'joined', placeId: f.places.third, status: 'active' };
    for (const s of [leadSocket, memberSocket, thirdSocket]) {
      await expect.poll(() => ofType(s.inbox, 'partnership.updated').map((m) => m.payload)).toEqual([invited, joined]);
      const seqs = ofType(s.inbox, 'partnership.updated').map((m) => m.seq);
      expect(seqs[1]).toBe(seqs[0]! + 1);
    }
    await settle();
    expect(outsiderSocket.inbox).toEqual([]);
  });
});
