import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedDatabase, type Db } from '../../../db/client';
import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { awards, deliveries, placeYearFigures, serviceOrders } from '../../../db/schema';
import { placeYearFigures as placeYearFiguresOf } from '../../../server/services/figures';
import type { AppRouter } from '../../../server/routers';
import { addMembership } from '../../../server/services/users';
import { closeBidding } from '../../../server/services/awards';
import { makeMember, makePlace, makeUser } from '../../factories';
import { beneficiaryRef, makeAwards, makeBid, makeOrder } from '../../factories/marketplace';
import { createTestApp, signedIn, type TestApp } from '../../setup/app';
import { childServers } from '../../setup/child-server';
import { startTestServer } from '../../setup/server';
import { expectLedgerClean } from './helpers';

/**
 * Σ awarded never exceeds the order, whoever awards at the same moment (issue: "two funders,
 * or two tabs"). The requests are real HTTP requests fired together: first at one live server
 * (one Node process: requests interleave but each transaction runs whole), then at two server
 * processes sharing one SQLite file, where only the immediate transactions of awardLines and
 * recordDelivery stand between them and an over-award or an over-delivery.
 */

const ORDER_QUANTITY = 100;

/** A tRPC client of a live server, as a browser tab with its session cookie. */
function tab(url: string, cookie: string) {
  return createTRPCClient<AppRouter>({ links: [httpLink({ url: `${url}/trpc`, headers: { origin: url, cookie } })] });
}

async function cookieOf(testApp: TestApp, email: string, password: string): Promise<string> {
  const session = await signedIn(testApp, email, password);
  return `aptic_session=${session.jar.get('aptic_session')}`;
}

/**
 * A funder with two users; an order of 100 services, paid in, bidding closed; five actors with
 * four places each offering 30 services: 20 standing lines, 600 services offered.
 */
async function raceWorld(db: Db, options: { bidPriceCents: number; paidCents?: number }) {
  const funder = await makeMember(db, 'funder');
  const colleague = await makeUser(db);
  addMembership(db, colleague.id, funder.organisationId, 'member');
  const orderId = makeOrder(db, { funderOrganisationId: funder.organisationId, userId: funder.user.id, quantity: ORDER_QUANTITY, paidCents: options.paidCents });
  const lines: { bidId: number; placeId: number }[] = [];
  for (let a = 0; a < 5; a++) {
    const actor = await makeMember(db, 'actor');
    const placeIds = [0, 1, 2, 3].map(() => makePlace(db, { organisationId: actor.organisationId, mainCommuneCode: '29232' }));
    const bidId = makeBid(db, { orderId, organisationId: actor.organisationId, unitPriceCents: options.bidPriceCents, lines: placeIds.map((placeId) => ({ placeId, quantity: 30 })) });
    for (const placeId of placeIds) lines.push({ bidId, placeId });
  }
  closeBidding(db, orderId);
  return { funder, colleague, orderId, lines };
}

/** Requests of 10 to 30 services, one per line: far more than the order holds. */
const quantityOf = (index: number) => 10 + ((index * 7) % 21);

type Outcome = { quantity: number } & ({ ok: true } | { ok: false; code: string; message: string });

async function fireTogether(clients: ReturnType<typeof tab>[], orderId: number, lines: { bidId: number; placeId: number }[]): Promise<Outcome[]> {
  const settled = await Promise.allSettled(
    lines.map((line, index) => clients[index % clients.length]!.awards.create.mutate({ orderId, lines: [{ ...line, quantity: quantityOf(index) }] })),
  );
  return settled.map((result, index) => {
    const quantity = quantityOf(index);
    if (result.status === 'fulfilled') return { quantity, ok: true };
    const error = result.reason as unknown;
    if (!(error instanceof TRPCClientError)) throw error;
    return { quantity, ok: false, code: (error.data as { code: string }).code, message: error.message };
  });
}

/** What the database holds must be exactly what the successful answers said, and never more than allowed. */
function expectNoOverAward(db: Db, orderId: number, placeIds: number[], outcomes: Outcome[], limit: number, refusalMessage: string) {
  const stored = db.select({ quantity: sql<number>`coalesce(sum(${awards.quantity}), 0)`, n: sql<number>`count(*)` }).from(awards).where(eq(awards.orderId, orderId)).get()!;
  const accepted = outcomes.filter((o) => o.ok);
  const refused = outcomes.filter((o): o is Outcome & { ok: false } => !o.ok);

  expect(stored.quantity).toBeLessThanOrEqual(limit);
  expect(accepted.reduce((sum, o) => sum + o.quantity, 0)).toBe(stored.quantity);
  expect(stored.n).toBe(accepted.length);
  expect(accepted.length).toBeGreaterThan(0);
  expect(refused.length).toBeGreaterThan(0);
  for (const o of refused) {
    expect({ code: o.code, message: o.message }).toEqual({ code: 'BAD_REQUEST', message: refusalMessage });
    // Each refusal was deserved: it did not fit even in what was left at the end.
    expect(o.quantity).toBeGreaterThan(limit - stored.quantity);
  }
  // The places' committed services add up to the same total.
  const committed = db
    .select({ services: sql<number>`coalesce(sum(${placeYearFigures.servicesCommitted}), 0)` })
    .from(placeYearFigures)
    .where(inArray(placeYearFigures.placeId, placeIds))
    .get()!;
  expect(committed.services).toBe(stored.quantity);
  const status = db.select({ status: serviceOrders.status }).from(serviceOrders).where(eq(serviceOrders.id, orderId)).get()!.status;
  expect(status).toBe(stored.quantity === ORDER_QUANTITY ? 'in_delivery' : 'awarding');
  expectLedgerClean(db);
  return stored.quantity;
}

describe('simultaneous awards on one live server', () => {
  it('never award more than the order holds when two tabs and a colleague of the funder fire 20 awards at once', async () => {
    const testApp = createTestApp();
    const server = await startTestServer(testApp);
    try {
      const { funder, colleague, orderId, lines } = await raceWorld(testApp.db, { bidPriceCents: 800 });
      const clients = [
        tab(server.url, await cookieOf(testApp, funder.user.email, funder.user.password)),
        tab(server.url, await cookieOf(testApp, funder.user.email, funder.user.password)),
        tab(server.url, await cookieOf(testApp, colleague.email, colleague.password)),
      ];

      const outcomes = await fireTogether(clients, orderId, lines);

      expect(outcomes.reduce((sum, o) => sum + o.quantity, 0)).toBeGreaterThan(3 * ORDER_QUANTITY);
      expectNoOverAward(testApp.db, orderId, lines.map((l) => l.placeId), outcomes, ORDER_QUANTITY, `L’attribution dépasserait la commande (${ORDER_QUANTITY} services)`);
    } finally {
      await server.close();
    }
  });

  it('never award beyond the money paid in when the funds, not the quantity, run out first', async () => {
    const testApp = createTestApp();
    const server = await startTestServer(testApp);
    try {
      // 600 € paid in at 10 € a service: 60 services can be funded, of the 100 ordered.
      const { funder, colleague, orderId, lines } = await raceWorld(testApp.db, { bidPriceCents: 1_000, paidCents: 60_000 });
      const clients = [
        tab(server.url, await cookieOf(testApp, funder.user.email, funder.user.password)),
        tab(server.url, await cookieOf(testApp, colleague.email, colleague.password)),
      ];

      const outcomes = await fireTogether(clients, orderId, lines);

      expectNoOverAward(testApp.db, orderId, lines.map((l) => l.placeId), outcomes, 60, 'L’attribution dépasserait les fonds versés sur le compte cantonné (60000 centimes)');
    } finally {
      await server.close();
    }
  });
});

describe('simultaneous requests on two server processes sharing one database', () => {
  const children = childServers();
  const directory = mkdtempSync(join(tmpdir(), 'aptic-race-'));
  const databasePath = join(directory, 'race.db');
  let db: Db;
  let signIn: TestApp;
  let servers: string[];

  beforeAll(async () => {
    db = openMigratedDatabase(databasePath);
    // Sessions live in the database: a cookie made here is valid on both processes.
    signIn = createTestApp({ db });
    // `server/main.ts` as `npm start` runs it, twice, on the loopback.
    servers = (await Promise.all([children.start({ databasePath }), children.start({ databasePath })])).map((server) => server.url);
  }, 30_000);

  afterAll(async () => {
    await children.stopAll();
    db?.$client.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('never award more than the order holds when both processes receive awards at the same moment', async () => {
    const { funder, colleague, orderId, lines } = await raceWorld(db, { bidPriceCents: 800 });
    const clients = [
      tab(servers[0]!, await cookieOf(signIn, funder.user.email, funder.user.password)),
      tab(servers[1]!, await cookieOf(signIn, colleague.email, colleague.password)),
    ];
    // Warm both processes up (module loading, prepared statements) so the awards really overlap.
    await Promise.all(clients.map((c) => c.orders.get.query({ orderId })));

    const outcomes = await fireTogether(clients, orderId, lines);

    expectNoOverAward(db, orderId, lines.map((l) => l.placeId), outcomes, ORDER_QUANTITY, `L’attribution dépasserait la commande (${ORDER_QUANTITY} services)`);
  });

  it('never deliver more than awarded, and record a key fired twenty times at once exactly once', async () => {
    const funder = await makeMember(db, 'funder');
    const actor = await makeMember(db, 'actor');
    const first = makePlace(db, { organisationId: actor.organisationId, mainCommuneCode: '29232' });
    const second = makePlace(db, { organisationId: actor.organisationId, mainCommuneCode: '29232' });
    const orderId = makeOrder(db, { funderOrganisationId: funder.organisationId, userId: funder.user.id, quantity: 100 });
    const bidId = makeBid(db, { orderId, organisationId: actor.organisationId, lines: [{ placeId: first, quantity: 50 }, { placeId: second, quantity: 10 }] });
    const [raced, replayed] = makeAwards(db, {
      orderId,
      userId: funder.user.id,
      lines: [
        { bidId, placeId: first, quantity: 50 },
        { bidId, placeId: second, quantity: 10 },
      ],
    }) as [number, number];
    const cookie = await cookieOf(signIn, actor.user.email, actor.user.password);
    const clients = servers.map((url) => tab(url, cookie));
    const input = (awardId: number, i: number, idempotencyKey = `course-${orderId}-${i}`) => ({
      awardId,
      quantity: 5,
      deliveredOn: new Date().toISOString().slice(0, 10),
      service: Service.AideAuxDemarchesAdministratives,
      beneficiaryRef: beneficiaryRef(`personne-${i}`),
      idempotencyKey,
    });
    const rows = (awardId: number) => db.select().from(deliveries).where(eq(deliveries.awardId, awardId)).all();

    // Twenty different deliveries of 5 services against an award of 50.
    const settled = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => clients[i % 2]!.deliveries.record.mutate(input(raced, i))));
    expect(rows(raced).reduce((sum, d) => sum + d.quantity, 0)).toBe(50);
    expect(settled.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    for (const r of settled) {
      if (r.status === 'fulfilled') continue;
      const error = r.reason as TRPCClientError<AppRouter>;
      expect({ code: error.data?.code, message: error.message }).toEqual({ code: 'BAD_REQUEST', message: 'Dépasse le reste à réaliser de l’attribution (0 services)' });
    }

    // One delivery, its key fired twenty times at once at both processes: recorded once, replayed 19 times.
    const same = input(replayed, 0, `meme-cle-${orderId}`);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => clients[i % 2]!.deliveries.record.mutate(same)));
    expect(rows(replayed)).toHaveLength(1);
    expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
    expect(new Set(answers.map((a) => a.delivery.id))).toEqual(new Set([rows(replayed)[0]!.id]));
    expect(placeYearFiguresOf(db, second, new Date().getUTCFullYear())).toMatchObject({ servicesDelivered: 5, revenueDeliveredCents: 5_000, servicesCommitted: 5 });
    expectLedgerClean(db);
  });
});
