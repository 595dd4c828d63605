import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, openMigratedDatabase, type Db } from '../../../db/client';
import { closeBidding } from '../../../server/services/awards';
import { checkLedger } from '../../../server/services/ledger-check';
import { safeguardingReport } from '../../../server/services/safeguarding';
import { makeMember, makeOrganisation, makePlace } from '../../factories';
import { beneficiaryRef, makeAwards, makeBid, makeOrder } from '../../factories/marketplace';
import type { AppRouter } from '../../../server/routers';
import { childClient, childServers, withDatabase, type ChildClient, type ChildServer } from '../../setup/child-server';

/**
 * Crash safety (issue 8, item 4): the real server process is killed with SIGKILL — no shutdown
 * handler, no close, what the OOM killer does — in the middle of delivery batches and of awards,
 * then restarted on the same database file. SQLite's WAL must leave every transaction whole or
 * absent, keep every answered one, the figures must match the ledger, and the client's retry
 * with the same idempotency keys must complete without counting anything twice. (A power cut of
 * the machine is another matter: with synchronous = NORMAL the last commits may be lost, though
 * never half-written.)
 */

const BATCH_ROWS = 1_000;
const BATCHES_PER_ROUND = 6;
const AWARD_LINES_PER_CALL = 100;
const AWARD_QUANTITY = 5;
const today = () => new Date().toISOString().slice(0, 10);

const directory = mkdtempSync(join(tmpdir(), 'aptic-crash-'));
const databasePath = join(directory, 'crash.db');
const servers = childServers();

interface World {
  funder: { email: string; password: string };
  actor: { email: string; password: string };
  /** The two awards of 30 000 services the delivery batches draw on. */
  deliveryAwardIds: number[];
  /** One awards.create call per bid: its order and its 100 lines. */
  awardCalls: { orderId: number; bidId: number; lines: { bidId: number; placeId: number; quantity: number }[] }[];
  awardOrderQuantity: number;
}

/**
 * Made in the test process, through the domain services, then closed: a funder, an actor whose
 * two places hold large awards, and four orders in awarding with three bids of 100 lines each.
 */
async function prepareWorld(path: string): Promise<World> {
  const db = openMigratedDatabase(path);
  try {
    const funder = await makeMember(db, 'funder', { name: 'Département du Finistère' });
    const actor = await makeMember(db, 'actor', { name: 'Association Ty Numérik' });
    const deliveryPlaces = [0, 1].map(() => makePlace(db, { organisationId: actor.organisationId, yearlyCapacity: 40_000 }));
    const bigOrder = makeOrder(db, { funderOrganisationId: funder.organisationId, userId: funder.user.id, quantity: 60_000 });
    const bigBid = makeBid(db, { orderId: bigOrder, organisationId: actor.organisationId, lines: deliveryPlaces.map((placeId) => ({ placeId, quantity: 30_000 })) });
    const deliveryAwardIds = makeAwards(db, {
      orderId: bigOrder,
      userId: funder.user.id,
      lines: deliveryPlaces.map((placeId) => ({ bidId: bigBid, placeId, quantity: 30_000 })),
    });

    const awardOrderQuantity = 5_000;
    const bidders = [0, 1, 2].map((i) => {
      const organisationId = makeOrganisation(db, 'actor', { name: `Acteur soumissionnaire ${i + 1}` });
      const placeIds = Array.from({ length: AWARD_LINES_PER_CALL }, () => makePlace(db, { organisationId, yearlyCapacity: 1_000 }));
      return { organisationId, placeIds };
    });
    const awardCalls: World['awardCalls'] = [];
    for (let o = 0; o < 4; o++) {
      const orderId = makeOrder(db, { funderOrganisationId: funder.organisationId, userId: funder.user.id, quantity: awardOrderQuantity, title: `Commande ${o + 1}` });
      for (const bidder of bidders) {
        const bidId = makeBid(db, { orderId, organisationId: bidder.organisationId, lines: bidder.placeIds.map((placeId) => ({ placeId, quantity: 20 })) });
        awardCalls.push({ orderId, bidId, lines: bidder.placeIds.map((placeId) => ({ bidId, placeId, quantity: AWARD_QUANTITY })) });
      }
      closeBidding(db, orderId);
    }
    expect(checkLedger(db).ok).toBe(true);
    return { funder: funder.user, actor: actor.user, deliveryAwardIds, awardCalls, awardOrderQuantity };
  } finally {
    db.$client.close();
  }
}

/** Rows of one batch, with keys that name their round, batch and row. */
function batchRows(world: World, round: number, batch: number) {
  return Array.from({ length: BATCH_ROWS }, (_, row) => ({
    awardId: world.deliveryAwardIds[row % 2]!,
    quantity: 1,
    deliveredOn: today(),
    service: Service.AideAuxDemarchesAdministratives,
    beneficiaryRef: beneficiaryRef(`personne-${(batch * BATCH_ROWS + row) % 700}`),
    idempotencyKey: `crash-r${round}-b${batch}-${row}`,
  }));
}

/** The invariants every restart must find, read through a connection of the test process. */
function expectConsistent(db: Db) {
  expect(db.$client.pragma('integrity_check', { simple: true })).toBe('ok');
  expect(checkLedger(db)).toMatchObject({ ok: true, differences: [] });
  const safeguarding = safeguardingReport(db);
  expect(safeguarding.orders.filter((o) => !o.reconciled || !o.covered)).toEqual([]);
  expect(safeguarding.ok).toBe(true);
}

/**
 * Polls the file from a connection of the test process (WAL: it never blocks the writer) and
 * SIGKILLs the child as soon as `ready` holds, or when `limitMs` has passed. Returns what the
 * poller saw last, before the kill.
 */
async function killWhen(server: ChildServer, ready: (db: Db) => number | false, limitMs: number) {
  const poller = openDatabase(databasePath);
  const deadline = Date.now() + limitMs;
  let seen: number | false = false;
  try {
    while (Date.now() < deadline && server.alive()) {
      seen = ready(poller);
      if (seen !== false) break;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await server.kill('SIGKILL');
  } finally {
    poller.$client.close();
  }
  return { triggered: seen !== false, seen };
}

/** Settles every promise, keeping which ones were answered (the ones cut by the kill are not). */
async function outcomes<T>(calls: Promise<T>[]) {
  const settled = await Promise.allSettled(calls);
  return settled.map((s) => (s.status === 'fulfilled' ? { answered: true as const, value: s.value } : { answered: false as const, reason: s.reason as unknown }));
}

const countLike = (db: Db, pattern: string) =>
  (db.$client.prepare('select count(*) as n from deliveries where idempotency_key like ?').get(pattern) as { n: number }).n;

describe('a server killed with SIGKILL and restarted on the same database file', () => {
  let world: World;
  let server: ChildServer;
  let port: number;
  let actor: ChildClient;
  let funder: ChildClient;

  async function restart() {
    if (server?.alive()) await server.kill('SIGKILL');
    server = await servers.start({ databasePath, port });
  }

  beforeAll(async () => {
    world = await prepareWorld(databasePath);
    server = await servers.start({ databasePath });
    port = server.port;
    // One client each, kept across restarts: the same browser tab retrying where it left off.
    actor = childClient(server.url);
    funder = childClient(server.url);
    await actor.signIn(world.actor.email, world.actor.password);
    await funder.signIn(world.funder.email, world.funder.password);
  }, 60_000);

  afterAll(async () => {
    await servers.stopAll();
    rmSync(directory, { recursive: true, force: true });
  });

  it('keeps each delivery batch whole or absent when killed mid-import, and the retry with the same keys records each row exactly once', async () => {
    // Three kills at different points: a few ms after the next batches leave, as soon as the
    // poller sees a second batch committed (the server is on the next one by then), and after four.
    const kills: ({ afterMs: number } | { afterBatches: number })[] = [{ afterMs: 5 }, { afterBatches: 2 }, { afterBatches: 4 }];
    const report: string[] = [];

    for (const [round, kill] of kills.entries()) {
      if (!server.alive()) await restart();
      const batches = Array.from({ length: BATCHES_PER_ROUND }, (_, batch) => batchRows(world, round, batch));

      // The first batch is answered; the others are all in flight when the process dies.
      const started = performance.now();
      expect(await actor.api.deliveries.recordBatch.mutate({ rows: batches[0]! })).toEqual({ recorded: BATCH_ROWS, replayed: 0 });
      const firstMs = performance.now() - started;
      const inFlight = outcomes(batches.slice(1).map((rows) => actor.api.deliveries.recordBatch.mutate({ rows })));
      const killed =
        'afterMs' in kill
          ? await killWhen(server, () => false, kill.afterMs)
          : await killWhen(
              server,
              (db) => {
                const rows = countLike(db, `crash-r${round}-%`);
                return rows >= kill.afterBatches * BATCH_ROWS ? rows : false;
              },
              10_000,
            );
      const answered = [true, ...(await inFlight).map((o) => o.answered)];
      for (const o of await inFlight) if (!o.answered) expect(o.reason).toBeInstanceOf(TRPCClientError);

      await restart();
      const perBatch = withDatabase(databasePath, (db) => {
        expectConsistent(db);
        return batches.map((_, batch) => countLike(db, `crash-r${round}-b${batch}-%`));
      });
      // Whole or absent, never in between; and what was answered survived the kill.
      for (const [batch, rows] of perBatch.entries()) {
        expect([0, BATCH_ROWS], `batch ${batch} of round ${round}`).toContain(rows);
        if (answered[batch]) expect(rows, `answered batch ${batch} of round ${round}`).toBe(BATCH_ROWS);
      }
      const present = perBatch.filter((n) => n === BATCH_ROWS).length;
      report.push(
        `round ${round} (kill ${'afterMs' in kill ? `${kill.afterMs} ms after sending` : `once ${kill.afterBatches} batches committed`}): ` +
          `first batch ${firstMs.toFixed(0)} ms, ${BATCHES_PER_ROUND - 1} in flight, answered ${answered.filter(Boolean).length}, ` +
          `poller saw ${killed.seen === false ? '—' : killed.seen} rows, present after restart ${present}, absent ${BATCHES_PER_ROUND - present}`,
      );

      // The client retries every batch with the same keys: recorded once, whatever the kill left.
      for (const [batch, rows] of batches.entries()) {
        const expected = perBatch[batch] === BATCH_ROWS ? { recorded: 0, replayed: BATCH_ROWS } : { recorded: BATCH_ROWS, replayed: 0 };
        expect(await actor.api.deliveries.recordBatch.mutate({ rows }), `retry of batch ${batch} of round ${round}`).toEqual(expected);
      }
      withDatabase(databasePath, (db) => {
        const keys = db.$client.prepare('select count(*) as n, count(distinct idempotency_key) as distinctKeys from deliveries where idempotency_key like ?').get(`crash-r${round}-%`);
        expect(keys).toEqual({ n: BATCHES_PER_ROUND * BATCH_ROWS, distinctKeys: BATCHES_PER_ROUND * BATCH_ROWS });
        expectConsistent(db);
      });
    }

    withDatabase(databasePath, (db) => {
      const delivered = db.$client.prepare('select count(*) as rows, sum(quantity) as services from deliveries').get();
      const awarded = db.$client.prepare(`select sum(delivered_quantity) as services from awards where id in (${world.deliveryAwardIds.join(', ')})`).get();
      const total = kills.length * BATCHES_PER_ROUND * BATCH_ROWS;
      expect(delivered).toEqual({ rows: total, services: total });
      expect(awarded).toEqual({ services: total });
    });
    console.log(`Batch import crashes:\n  ${report.join('\n  ')}`);
  }, 90_000);

  it('keeps each award whole or absent when killed in a burst of awards, and a retried award is refused as already awarded, never awarded twice', async () => {
    if (!server.alive()) await restart();
    const calls = world.awardCalls;
    const awardsOfBid = (db: Db, bidId: number) => (db.$client.prepare('select count(*) as n from awards where bid_id = ?').get(bidId) as { n: number }).n;
    const awardedLines = (db: Db) =>
      (db.$client.prepare(`select count(*) as n from awards where bid_id in (${calls.map((c) => c.bidId).join(', ')})`).get() as { n: number }).n;

    const first = await funder.api.awards.create.mutate({ orderId: calls[0]!.orderId, lines: calls[0]!.lines });
    expect(first.awardIds).toHaveLength(AWARD_LINES_PER_CALL);
    const inFlight = outcomes(calls.slice(1).map((call) => funder.api.awards.create.mutate({ orderId: call.orderId, lines: call.lines })));
    // Killed as soon as a second award call has committed: the next one is being written.
    const killed = await killWhen(
      server,
      (db) => {
        const lines = awardedLines(db);
        return lines >= 2 * AWARD_LINES_PER_CALL ? lines : false;
      },
      10_000,
    );
    const answered = [true, ...(await inFlight).map((o) => o.answered)];

    await restart();
    const perCall = withDatabase(databasePath, (db) => {
      expectConsistent(db);
      // Σ awarded never exceeds an order, and every award has its committed figures (checkLedger above).
      const orders = db.$client
        .prepare(`select order_id as orderId, sum(quantity) as awarded from awards where order_id in (${[...new Set(calls.map((c) => c.orderId))].join(', ')}) group by order_id`)
        .all() as { orderId: number; awarded: number }[];
      for (const o of orders) expect(o.awarded).toBeLessThanOrEqual(world.awardOrderQuantity);
      return calls.map((call) => awardsOfBid(db, call.bidId));
    });
    for (const [index, lines] of perCall.entries()) {
      expect([0, AWARD_LINES_PER_CALL], `award call ${index}`).toContain(lines);
      if (answered[index]) expect(lines, `answered award call ${index}`).toBe(AWARD_LINES_PER_CALL);
    }
    const present = perCall.filter((n) => n > 0).length;
    console.log(
      `Award crash: ${calls.length - 1} calls of ${AWARD_LINES_PER_CALL} lines in flight, answered ${answered.filter(Boolean).length}, ` +
        `poller saw ${killed.seen === false ? '—' : killed.seen} lines, present after restart ${present}, absent ${calls.length - present}`,
    );

    // The funder retries every call: what the kill kept is refused line by line as already
    // awarded (awards carry no idempotency key; the line itself is the key), the rest is awarded.
    for (const [index, call] of calls.entries()) {
      const retry = funder.api.awards.create.mutate({ orderId: call.orderId, lines: call.lines });
      if (perCall[index]) {
        const error = await retry.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error, `retry of award call ${index}`).toBeInstanceOf(TRPCClientError);
        const data = (error as TRPCClientError<AppRouter>).data;
        expect({ code: data?.code, fieldErrors: data?.fieldErrors }).toEqual({ code: 'BAD_REQUEST', fieldErrors: { 'lines.0.placeId': ['Cette ligne est déjà attribuée'] } });
      } else {
        expect((await retry).awardIds, `retry of award call ${index}`).toHaveLength(AWARD_LINES_PER_CALL);
      }
    }
    withDatabase(databasePath, (db) => {
      expect(calls.map((call) => awardsOfBid(db, call.bidId))).toEqual(calls.map(() => AWARD_LINES_PER_CALL));
      const committed = db.$client
        .prepare(`select sum(services_committed) as services from place_year_figures where place_id in (select place_id from awards where bid_id in (${calls.map((c) => c.bidId).join(', ')}))`)
        .get();
      // Each of the 300 places holds one award of 5 services per order (four orders).
      expect(committed).toEqual({ services: calls.length * AWARD_LINES_PER_CALL * AWARD_QUANTITY });
      expectConsistent(db);
    });
  }, 60_000);

  it('recovers every answered write and a clean ledger from the WAL after a kill while idle', async () => {
    if (!server.alive()) await restart();
    // A few single deliveries, answered, then silence: their frames are in the WAL, not yet checkpointed.
    for (let i = 0; i < 20; i++) {
      const answer = await actor.api.deliveries.record.mutate({
        awardId: world.deliveryAwardIds[i % 2]!,
        quantity: 1,
        deliveredOn: today(),
        service: Service.AideAuxDemarchesAdministratives,
        beneficiaryRef: beneficiaryRef(`personne-calme-${i}`),
        idempotencyKey: `crash-idle-${i}`,
      });
      expect(answer.replayed).toBe(false);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    const census = (db: Db) =>
      db.$client
        .prepare(
          `select (select count(*) from deliveries) as deliveries, (select count(*) from awards) as awards,
             (select count(*) from ledger_transactions) as transactions, (select count(*) from ledger_entries) as entries,
             (select sum(balance_cents) from ledger_accounts where kind = 'place') as owedToPlaces`,
        )
        .get();
    const before = withDatabase(databasePath, census);
    const walBytes = existsSync(`${databasePath}-wal`) ? statSync(`${databasePath}-wal`).size : 0;

    await server.kill('SIGKILL');
    await restart();

    withDatabase(databasePath, (db) => {
      expect(census(db)).toEqual(before);
      expect(countLike(db, 'crash-idle-%')).toBe(20);
      expectConsistent(db);
    });
    // And `npm run ledger:check`, as an operator would run it after the incident.
    const cli = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'server/cli/ledger-check.ts'], {
      cwd: fileURLToPath(new URL('../../../', import.meta.url)),
      env: { ...process.env, DATABASE_PATH: databasePath },
    });
    expect(cli.stdout).toContain('ledger:check — no difference');
    console.log(`Idle kill: WAL of ${walBytes} bytes at the kill, ${JSON.stringify(before)} found again after the restart`);
  }, 60_000);
});
