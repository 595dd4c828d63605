import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { todayIso } from '../../shared/domain/orders';
import type { PassCounts } from '../../shared/domain/passes';
import type { EventPayloads } from '../../shared/events';
import { makeMember, makePlace, makeUser } from '../factories';
import { makeAwards, makeBid, makeOrder } from '../factories/marketplace';
import { createTestApp, type TestApp } from '../setup/app';
import { startTestServer } from '../setup/server';
import { api as httpApi, type Api as HttpApi } from '../soak/load';
import { fence, openLive, sessionCookie, type ClientSocket } from './passes-helpers';

/**
 * Pass codes live (issue 11, acceptance: "a redemption moves the place's gauge and the funder's
 * started/used counts live"), with real socket.io clients on a live server: the funder follows
 * its order's pass counts in its organisation's room, the place its gauge in the place's room,
 * the prescriber holding a booklet its counts in its own room — and nobody else hears them.
 */

/** One service of the order: a price found nowhere else, so a move by it is unmistakable. */
const PRICE = 1_250;
const QUANTITY = 20;
const SERVICE = Service.AideAuxDemarchesAdministratives;

let testApp: TestApp;
let server: Awaited<ReturnType<typeof startTestServer>>;
const sockets: ClientSocket[] = [];
const f = {} as {
  orderId: number;
  placeId: number;
  funderOrg: number;
  rivalOrg: number;
  prescriberOrg: number;
  /** Booklets of 2 pass: used up by the place; redeemed then replayed; given to the prescriber. */
  booklets: { usedUp: number; replayed: number; prescribed: number };
  cookies: { funder: string; actor: string; rival: string; prescriber: string };
  as: { funder: HttpApi; actor: HttpApi; prescriber: HttpApi };
};

const rooms = {
  funder: () => `org:${f.funderOrg}`,
  place: () => `place:${f.placeId}`,
  order: () => `order:${f.orderId}`,
  prescriber: () => `org:${f.prescriberOrg}`,
  rival: () => `org:${f.rivalOrg}`,
};

beforeAll(async () => {
  testApp = createTestApp();
  const { db } = testApp;
  const funder = await makeMember(db, 'funder', { name: 'Département du Finistère' });
  const actor = await makeMember(db, 'actor', { name: 'Association Ty Numérik' });
  const rival = await makeMember(db, 'actor', { name: 'Coopérative Les Liens' });
  // The prescriber's contact already has an account: the invitation only adds the membership.
  const contact = await makeUser(db, { email: 'aiguilleuse@ccas-quimper.test', name: 'Nolwenn Le Gall' });
  f.funderOrg = funder.organisationId;
  f.rivalOrg = rival.organisationId;
  f.placeId = makePlace(db, { organisationId: actor.organisationId, mainCommuneCode: '29232', name: 'Espace numérique de Kerfeunteun' });
  f.orderId = makeOrder(db, {
    funderOrganisationId: funder.organisationId,
    userId: funder.user.id,
    title: 'Pass numériques du Finistère',
    quantity: QUANTITY,
    unitPriceCents: PRICE,
    passRequired: true,
  });
  const bidId = makeBid(db, { orderId: f.orderId, organisationId: actor.organisationId, lines: [{ placeId: f.placeId, quantity: QUANTITY }] });
  makeAwards(db, { orderId: f.orderId, userId: funder.user.id, lines: [{ bidId, placeId: f.placeId, quantity: QUANTITY }] });

  server = await startTestServer(testApp);
  f.cookies = {
    funder: sessionCookie(db, funder.user.id),
    actor: sessionCookie(db, actor.user.id),
    rival: sessionCookie(db, rival.user.id),
    prescriber: sessionCookie(db, contact.id),
  };
  f.as = { funder: httpApi(server.url, f.cookies.funder), actor: httpApi(server.url, f.cookies.actor), prescriber: httpApi(server.url, f.cookies.prescriber) };

  const invited = await f.as.funder.prescribers.invite.mutate({
    organisationId: f.funderOrg,
    name: 'CCAS de Quimper',
    contactName: 'Nolwenn Le Gall',
    contactEmail: contact.email,
    departementCode: '29',
  });
  f.prescriberOrg = invited.organisationId;
  const issued = await f.as.funder.passes.issue.mutate({ orderId: f.orderId, organisationId: f.funderOrg, booklets: 3, size: 2 });
  const [usedUp, replayed, prescribed] = issued.bookletIds as [number, number, number];
  f.booklets = { usedUp, replayed, prescribed };
});

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});

afterAll(async () => {
  await server?.close();
});

const counts = async (): Promise<PassCounts> => (await f.as.funder.passes.ofOrder.query({ orderId: f.orderId })).counts;
const codesOf = async (api: HttpApi, bookletId: number) => (await api.passes.printBooklet.mutate({ bookletId })).passes.map((p) => p.code);
const redeem = (code: string) => f.as.actor.passes.redeem.mutate({ placeId: f.placeId, code, service: SERVICE });

type Figures = EventPayloads['place.figures'];
/** The place's gauge: what a redemption moves. */
const gauge = (g: Pick<Figures, 'servicesDelivered' | 'revenueDeliveredCents' | 'revenueCommittedCents'>) => ({
  servicesDelivered: g.servicesDelivered,
  revenueDeliveredCents: g.revenueDeliveredCents,
  revenueCommittedCents: g.revenueCommittedCents,
});
/** The place's gauge as its page fetches it. */
const fetchedGauge = async () => gauge((await f.as.actor.places.get.query({ placeId: f.placeId })).figures);

describe('a pass redeemed at the counter', () => {
  it('moves the place’s gauge by one service and the funder’s started, then fully used, counts live', async () => {
    const funder = await openLive(server.url, f.cookies.funder, sockets);
    const place = await openLive(server.url, f.cookies.actor, sockets);
    expect(await funder.join(rooms.funder())).toMatchObject({ ok: true });
    expect(await place.join(rooms.place())).toMatchObject({ ok: true });
    const before = await counts();
    expect(before).toMatchObject({ bookletsIssued: 3, passesIssued: 6, bookletsStarted: 0, bookletsFullyUsed: 0, passesRedeemed: 0 });
    const gaugeBefore = await fetchedGauge();
    const [first, second] = (await codesOf(f.as.funder, f.booklets.usedUp)) as [string, string];

    // The first pass of the booklet: the booklet is started.
    expect(await redeem(first)).toMatchObject({ replayed: false });
    const started = await funder.waitFor(rooms.funder(), 'passes.updated', (m) => m.payload.passesRedeemed === before.passesRedeemed + 1);
    expect(started.payload).toEqual({ ...before, passesRedeemed: before.passesRedeemed + 1, bookletsStarted: 1 });
    const moved = await place.waitFor(rooms.place(), 'place.figures', (m) => m.payload.servicesDelivered === gaugeBefore.servicesDelivered + 1);
    expect(gauge(moved.payload)).toEqual({
      servicesDelivered: gaugeBefore.servicesDelivered + 1,
      revenueDeliveredCents: gaugeBefore.revenueDeliveredCents + PRICE,
      revenueCommittedCents: gaugeBefore.revenueCommittedCents - PRICE,
    });
    expect(moved.payload).toMatchObject({ placeId: f.placeId, beneficiaries: 1 });

    // The second and last: the booklet is fully used, still one person at the place.
    expect(await redeem(second)).toMatchObject({ replayed: false });
    const usedUp = await funder.waitFor(rooms.funder(), 'passes.updated', (m) => m.payload.bookletsFullyUsed === 1);
    expect(usedUp.payload).toEqual({ ...before, passesRedeemed: before.passesRedeemed + 2, bookletsStarted: 1, bookletsFullyUsed: 1 });
    const movedAgain = await place.waitFor(rooms.place(), 'place.figures', (m) => m.payload.servicesDelivered === moved.payload.servicesDelivered + 1);
    expect(movedAgain.payload.revenueDeliveredCents - moved.payload.revenueDeliveredCents).toBe(PRICE);
    expect(movedAgain.payload.beneficiaries).toBe(1);

    // The last message of each room is what a fresh fetch reads, in increasing sequence.
    expect(usedUp.payload).toEqual(await counts());
    expect(gauge(movedAgain.payload)).toEqual(await fetchedGauge());
    expect(usedUp.seq).toBeGreaterThan(started.seq);
    expect(movedAgain.seq).toBeGreaterThan(moved.seq);
  });

  it('again with the same code publishes nothing: no second gauge move, no new counts, no order event', async () => {
    const funder = await openLive(server.url, f.cookies.funder, sockets);
    const place = await openLive(server.url, f.cookies.actor, sockets);
    for (const room of [rooms.funder(), rooms.order()]) expect(await funder.join(room)).toMatchObject({ ok: true });
    expect(await place.join(rooms.place())).toMatchObject({ ok: true });
    const before = await counts();
    const [code] = (await codesOf(f.as.funder, f.booklets.replayed)) as [string];

    expect(await redeem(code)).toMatchObject({ replayed: false });
    const original = {
      counts: await funder.waitFor(rooms.funder(), 'passes.updated', (m) => m.payload.passesRedeemed === before.passesRedeemed + 1),
      order: await funder.waitFor(rooms.order(), 'order.updated'),
      figures: await place.waitFor(rooms.place(), 'place.figures'),
    };
    const inboxes = { funder: funder.inbox.length, place: place.inbox.length };

    // The counter confirms twice (a double click, a retry): the first result, announced once.
    const replay = await redeem(code);
    expect(replay).toMatchObject({ replayed: true, delivery: { id: (await redeem(code)).delivery.id } });
    // Fences rather than sleeps: a notice queued behind anything the replays published.
    const [funderFence] = await fence(testApp.deps.bus, rooms.funder(), [funder]);
    const [orderFence] = await fence(testApp.deps.bus, rooms.order(), [funder]);
    const [placeFence] = await fence(testApp.deps.bus, rooms.place(), [place]);

    expect(funder.inbox.slice(inboxes.funder)).toEqual([funderFence, orderFence]);
    expect(place.inbox.slice(inboxes.place)).toEqual([placeFence]);
    // Nothing was even counted in those rooms between the first redemption and the fences.
    expect([funderFence!.seq, orderFence!.seq, placeFence!.seq]).toEqual([original.counts.seq + 1, original.order.seq + 1, original.figures.seq + 1]);
    expect(await counts()).toEqual(original.counts.payload);
    expect(await fetchedGauge()).toEqual(gauge(original.figures.payload));
  });
});

describe('a prescriber holding a booklet of the order', () => {
  it('follows its counts in its own room from the hand-out to the redemption; a rival actor can join neither room and hears nothing', async () => {
    const prescriber = await openLive(server.url, f.cookies.prescriber, sockets);
    const funder = await openLive(server.url, f.cookies.funder, sockets);
    const rival = await openLive(server.url, f.cookies.rival, sockets);
    expect(await prescriber.join(rooms.prescriber())).toMatchObject({ ok: true });
    expect(await funder.join(rooms.funder())).toMatchObject({ ok: true });
    expect(await rival.join(rooms.funder())).toEqual({ ok: false, room: rooms.funder(), error: 'forbidden' });
    expect(await rival.join(rooms.prescriber())).toEqual({ ok: false, room: rooms.prescriber(), error: 'forbidden' });
    // Its own room, where the closing fence reaches it.
    expect(await rival.join(rooms.rival())).toMatchObject({ ok: true });
    const before = await counts();

    await f.as.funder.passes.assign.mutate({ organisationId: f.funderOrg, bookletIds: [f.booklets.prescribed], prescriberOrganisationId: f.prescriberOrg });
    const assigned = await prescriber.waitFor(rooms.prescriber(), 'passes.updated', (m) => m.payload.bookletsAssigned === before.bookletsAssigned + 1);
    expect(assigned.payload).toMatchObject({ orderId: f.orderId, bookletsHandedOut: before.bookletsHandedOut });

    await f.as.prescriber.passes.handOut.mutate({ organisationId: f.prescriberOrg, bookletId: f.booklets.prescribed, handedOutOn: todayIso(), category: 'age_60_plus' });
    const handedOut = await prescriber.waitFor(rooms.prescriber(), 'passes.updated', (m) => m.payload.bookletsHandedOut === before.bookletsHandedOut + 1);
    expect(handedOut.payload).toEqual({ ...before, bookletsAssigned: before.bookletsAssigned + 1, bookletsHandedOut: before.bookletsHandedOut + 1 });
    const funderSees = await funder.waitFor(rooms.funder(), 'passes.updated', (m) => m.payload.bookletsHandedOut === before.bookletsHandedOut + 1);
    expect(funderSees.payload).toEqual(handedOut.payload);

    // The person comes to the place with the booklet: the prescriber sees it started.
    const [code] = (await codesOf(f.as.prescriber, f.booklets.prescribed)) as [string];
    expect(await redeem(code)).toMatchObject({ replayed: false });
    const started = await prescriber.waitFor(rooms.prescriber(), 'passes.updated', (m) => m.payload.passesRedeemed === before.passesRedeemed + 1);
    expect(started.payload).toEqual({ ...handedOut.payload, passesRedeemed: before.passesRedeemed + 1, bookletsStarted: before.bookletsStarted + 1 });
    expect(started.payload).toEqual(await counts());
    // Counts only: the prescriber's room carries no code and no event of another kind.
    expect(prescriber.inbox.every((m) => m.room === rooms.prescriber() && m.type === 'passes.updated')).toBe(true);
    expect(JSON.stringify(prescriber.inbox)).not.toContain(code);

    // Everything above was flushed before this notice: the rival got the notice alone.
    const [rivalFence] = await fence(testApp.deps.bus, rooms.rival(), [rival]);
    expect(rival.inbox).toEqual([rivalFence]);
  });
});
