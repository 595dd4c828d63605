import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, openMigratedDatabase, type Db } from '../../../db/client';
import { awardLines, closeBidding } from '../../../server/services/awards';
import { getOrderRow, publishOrder } from '../../../server/services/orders';
import { checkLedger } from '../../../server/services/ledger-check';
import { safeguardingReport } from '../../../server/services/safeguarding';
import { makeMember, makeOrganisation, makePlace } from '../../factories';
import { beneficiaryRef, makeAwards, makeBid, makeOrder, sessionUserOf } from '../../factories/marketplace';
import { childClient, childServers, withDatabase, type ChildClient, type ChildServer } from '../../setup/child-server';

/**
 * Multi-process writers (issue 8, item 5): two server processes on one SQLite file (WAL) take
 * writes at the same time — single deliveries, batches, the same keys sent to both, awards.
 * Only the immediate transactions, the busy timeout and the retry on SQLITE_BUSY stand between
 * them and a lost update, a double count or a 500. Throughput is printed, never asserted.
 */

const RUN_MS = 6_000;
const BASELINE_MS = 3_000;
const WORKERS_PER_SERVER = 3;
const MAX_OPS_PER_WORKER = 4_000;
const BATCH_ROWS = 100;
const DUPLICATE_BATCH_ROWS = 20;
/** Batches are rate-limited per user, process and minute (60 by default): two phases stay under. */
const BATCH_CALLS_PER_PROCESS_AND_PHASE = 25;
const TIGHT_QUANTITY = 120;
const today = () => new Date().toISOString().slice(0, 10);

const directory = mkdtempSync(join(tmpdir(), 'aptic-multi-'));
const databasePath = join(directory, 'multi.db');
const servers = childServers();
afterAll(() => rmSync(directory, { recursive: true, force: true }));

type AwardCall = { orderId: number; lines: { bidId: number; placeId: number; quantity: number }[] };

interface World {
  funder: { email: string; password: string };
  actor: { email: string; password: string };
  /** Four awards of 50 000 services: they never run out. */
  bigAwardIds: number[];
  /**
   * Per phase (one process, then two): an award of 120 services every worker delivers against
   * until it is exhausted, and awards.create calls of 1 to 5 lines on orders in awarding.
   */
  phases: { tightAwardId: number; awardCalls: AwardCall[] }[];
  awardOrderIds: number[];
  awardOrderQuantity: number;
}

async function prepareWorld(path: string): Promise<World> {
  const db = openMigratedDatabase(path);
  try {
    const funder = await makeMember(db, 'funder');
    const actor = await makeMember(db, 'actor');
    const placeIds = [0, 1, 2, 3, 4].map(() => makePlace(db, { organisationId: actor.organisationId, yearlyCapacity: 1_000_000 }));
    const bigOrder = makeOrder(db, { funderOrganisationId: funder.organisationId, userId: funder.user.id, quantity: 200_000 });
    const bigBid = makeBid(db, { orderId: bigOrder, organisationId: actor.organisationId, lines: placeIds.slice(0, 4).map((placeId) => ({ placeId, quantity: 50_000 })) });
    const bigAwardIds = makeAwards(db, { orderId: bigOrder, userId: funder.user.id, lines: placeIds.slice(0, 4).map((placeId) => ({ bidId: bigBid, placeId, quantity: 50_000 })) });
    const tightAwardIds = [0, 1].map(() => {
      const tightOrder = makeOrder(db, { funderOrganisationId: funder.organisationId, userId: funder.user.id, quantity: TIGHT_QUANTITY });
      const tightBid = makeBid(db, { orderId: tightOrder, organisationId: actor.organisationId, lines: [{ placeId: placeIds[4]!, quantity: TIGHT_QUANTITY }] });
      return makeAwards(db, { orderId: tightOrder, userId: funder.user.id, lines: [{ bidId: tightBid, placeId: placeIds[4]!, quantity: TIGHT_QUANTITY }] })[0]!;
    });

    // Bidders whose places also hold nothing else: awards move their committed figures.
    const awardOrderQuantity = 10_000;
    const bidders = [0, 1, 2, 3].map(() => {
      const organisationId = makeOrganisation(db, 'actor');
      return { organisationId, placeIds: Array.from({ length: 25 }, () => makePlace(db, { organisationId, yearlyCapacity: 10_000 })) };
    });
    const awardCalls: AwardCall[][] = [];
    const awardOrderIds: number[] = [];
    for (let o = 0; o < 3; o++) {
      const orderId = makeOrder(db, { funderOrganisationId: funder.organisationId, userId: funder.user.id, quantity: awardOrderQuantity });
      awardOrderIds.push(orderId);
      const lines = bidders.flatMap((bidder) => {
        const bidId = makeBid(db, { orderId, organisationId: bidder.organisationId, lines: bidder.placeIds.map((placeId) => ({ placeId, quantity: 10 })) });
        return bidder.placeIds.map((placeId, i) => ({ bidId, placeId, quantity: 1 + (i % 10) }));
      });
      closeBidding(db, orderId);
      const calls: AwardCall[] = [];
      for (let start = 0, size = 1; start < lines.length; start += size, size = (size % 5) + 1) calls.push({ orderId, lines: lines.slice(start, start + size) });
      awardCalls.push(calls);
    }
    // The baseline gets one order's lines, the two processes the other two orders'.
    const phases = [
      { tightAwardId: tightAwardIds[0]!, awardCalls: awardCalls[0]! },
      { tightAwardId: tightAwardIds[1]!, awardCalls: [...awardCalls[1]!, ...awardCalls[2]!] },
    ];
    return { funder: funder.user, actor: actor.user, bigAwardIds, phases, awardOrderIds, awardOrderQuantity };
  } finally {
    db.$client.close();
  }
}

type Kind = 'single' | 'tight' | 'batch' | 'duplicate single' | 'duplicate batch' | 'award';
const PLAN: Kind[] = ['single', 'award', 'batch', 'single', 'tight', 'duplicate single', 'single', 'duplicate batch', 'award', 'tight'];

type Node = { server: ChildServer; actor: ChildClient; funder: ChildClient };

interface Refusal {
  kind: Kind;
  code?: string;
  httpStatus?: number;
  message: string;
}

describe('two server processes writing to one database file', () => {
  let world: World;
  const nodes: Node[] = [];

  beforeAll(async () => {
    world = await prepareWorld(databasePath);
    const started = await Promise.all([servers.start({ databasePath }), servers.start({ databasePath })]);
    for (const server of started) {
      const actor = childClient(server.url);
      const funder = childClient(server.url);
      await actor.signIn(world.actor.email, world.actor.password);
      await funder.signIn(world.funder.email, world.funder.password);
      nodes.push({ server, actor, funder });
    }
  }, 60_000);

  afterAll(() => servers.stopAll());

  it('accept deliveries, duplicated keys and awards on both at once with no 500, every key recorded once and the ledger clean', async () => {
    let people = 0;
    const delivery = (key: string, awardId: number, quantity = 1) => ({
      awardId,
      quantity,
      deliveredOn: today(),
      service: Service.AideAuxDemarchesAdministratives,
      // 500 people seen again and again: new and known beneficiaries both move the figures.
      beneficiaryRef: beneficiaryRef(`personne-${people++ % 500}`),
      idempotencyKey: key,
    });

    // What every phase adds up, checked against the database at the end.
    const acceptedKeys = new Set<string>();
    const sentKeys = new Set<string>();
    const refusals: Refusal[] = [];
    const networkErrors: string[] = [];
    const duplicateAnswers: { kind: 'single' | 'batch'; answers: { recorded: number; replayed: number; deliveryId?: number }[] }[] = [];
    const tight = world.phases.map(() => ({ accepted: 0, refused: [] as { quantity: number; code?: string }[] }));
    let awardedLines = 0;

    /**
     * Workers on two targets (the two processes, or one process twice for the baseline) until
     * the deadline; returns the calls, rows and latencies of each kind of write.
     */
    async function load(phase: number, targets: [Node, Node], ms: number) {
      const name = phase === 0 ? 'one process' : 'two processes';
      const awardQueue = [...world.phases[phase]!.awardCalls];
      const { tightAwardId } = world.phases[phase]!;
      const done = new Map<Kind, { calls: number; rows: number; ms: number[] }>();
      const batchCalls = new Map<Node, number>(targets.map((t) => [t, 0]));
      const batchBudget = (node: Node) => batchCalls.get(node)! < BATCH_CALLS_PER_PROCESS_AND_PHASE;
      const spendBatch = (node: Node) => batchCalls.set(node, batchCalls.get(node)! + 1);

      /** Runs one call, timing it and sorting its failure: a refusal (a tRPC answer) or a network error. */
      async function timed<T>(kind: Kind, rows: number, call: () => Promise<T>, onRefused?: (refusal: Refusal) => void): Promise<T | undefined> {
        const started = performance.now();
        try {
          const result = await call();
          const entry = done.get(kind) ?? { calls: 0, rows: 0, ms: [] };
          entry.calls += 1;
          entry.rows += rows;
          entry.ms.push(performance.now() - started);
          done.set(kind, entry);
          return result;
        } catch (error) {
          if (error instanceof TRPCClientError) {
            const data = error.data as { code?: string; httpStatus?: number } | undefined;
            if (data?.code) {
              const refusal = { kind, code: data.code, httpStatus: data.httpStatus, message: error.message };
              refusals.push(refusal);
              onRefused?.(refusal);
            } else networkErrors.push(`${kind}: ${error.message}`);
          } else networkErrors.push(`${kind}: ${String(error)}`);
          return undefined;
        }
      }

      async function worker(own: Node, other: Node, prefix: string, deadline: number) {
        for (let i = 0; i < MAX_OPS_PER_WORKER && Date.now() < deadline; i++) {
          const key = `${prefix}-${i}`;
          let kind = PLAN[i % PLAN.length]!;
          if (kind === 'award' && awardQueue.length === 0) kind = 'single';
          if (kind === 'batch' && !batchBudget(own)) kind = 'single';
          if (kind === 'duplicate batch' && !(batchBudget(own) && batchBudget(other))) kind = 'duplicate single';

          if (kind === 'single') {
            const input = delivery(key, world.bigAwardIds[i % 4]!);
            sentKeys.add(input.idempotencyKey);
            if (await timed(kind, 1, () => own.actor.api.deliveries.record.mutate(input))) acceptedKeys.add(input.idempotencyKey);
          } else if (kind === 'tight') {
            const input = delivery(key, tightAwardId, 1 + (i % 3));
            sentKeys.add(input.idempotencyKey);
            const answer = await timed(kind, 1, () => own.actor.api.deliveries.record.mutate(input), (r) => tight[phase]!.refused.push({ quantity: input.quantity, code: r.code }));
            if (answer) {
              acceptedKeys.add(input.idempotencyKey);
              tight[phase]!.accepted += input.quantity;
            }
          } else if (kind === 'batch') {
            spendBatch(own);
            const rows = Array.from({ length: BATCH_ROWS }, (_, r) => delivery(`${key}-${r}`, world.bigAwardIds[r % 4]!));
            for (const row of rows) sentKeys.add(row.idempotencyKey);
            const answer = await timed(kind, BATCH_ROWS, () => own.actor.api.deliveries.recordBatch.mutate({ rows }));
            if (answer) {
              expect(answer).toEqual({ recorded: BATCH_ROWS, replayed: 0 });
              for (const row of rows) acceptedKeys.add(row.idempotencyKey);
            }
          } else if (kind === 'duplicate single') {
            // The same delivery, fired at both targets at the same moment.
            const input = delivery(`${key}-dup`, world.bigAwardIds[i % 4]!);
            sentKeys.add(input.idempotencyKey);
            const answers = await Promise.all([own, other].map((n) => timed(kind, 1, () => n.actor.api.deliveries.record.mutate(input))));
            if (answers.every(Boolean)) acceptedKeys.add(input.idempotencyKey);
            duplicateAnswers.push({
              kind: 'single',
              answers: answers.map((a) => ({ recorded: a && !a.replayed ? 1 : 0, replayed: a?.replayed ? 1 : 0, deliveryId: a?.delivery.id })),
            });
          } else if (kind === 'duplicate batch') {
            spendBatch(own);
            spendBatch(other);
            const rows = Array.from({ length: DUPLICATE_BATCH_ROWS }, (_, r) => delivery(`${key}-dup-${r}`, world.bigAwardIds[r % 4]!));
            for (const row of rows) sentKeys.add(row.idempotencyKey);
            const answers = await Promise.all([own, other].map((n) => timed(kind, DUPLICATE_BATCH_ROWS, () => n.actor.api.deliveries.recordBatch.mutate({ rows }))));
            if (answers.every(Boolean)) for (const row of rows) acceptedKeys.add(row.idempotencyKey);
            duplicateAnswers.push({ kind: 'batch', answers: answers.map((a) => a ?? { recorded: 0, replayed: 0 }) });
          } else {
            const call = awardQueue.shift()!;
            const answer = await timed(kind, call.lines.length, () => own.funder.api.awards.create.mutate(call));
            if (answer) awardedLines += answer.awardIds.length;
          }
        }
      }

      const started = performance.now();
      const deadline = Date.now() + ms;
      await Promise.all(
        targets.flatMap((own, t) => Array.from({ length: WORKERS_PER_SERVER }, (_, w) => worker(own, targets[1 - t]!, `mp-${phase}-${t}-${w}`, deadline))),
      );
      const elapsedMs = performance.now() - started;
      const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] ?? 0;
      const rows = [...done.values()].reduce((sum, d) => sum + d.rows, 0);
      return [
        `${name}: ${(elapsedMs / 1000).toFixed(1)} s, ${WORKERS_PER_SERVER * 2} workers, ${rows} rows written (${((rows / elapsedMs) * 1000).toFixed(0)} rows/s)`,
        ...[...done].map(
          ([kind, d]) =>
            `  ${kind.padEnd(16)} ${String(d.calls).padStart(5)} calls ${String(d.rows).padStart(6)} rows ` +
            `${((d.rows / elapsedMs) * 1000).toFixed(0).padStart(6)} rows/s   p50 ${percentile(d.ms, 0.5).toFixed(0).padStart(4)} ms   p95 ${percentile(d.ms, 0.95).toFixed(0).padStart(4)} ms`,
        ),
      ].join('\n');
    }

    // The same workload on one process first, as a baseline for the figures, then on both.
    const one = await load(0, [nodes[0]!, nodes[0]!], BASELINE_MS);
    const two = await load(1, [nodes[0]!, nodes[1]!], RUN_MS);
    const statuses = nodes.flatMap((n) => [...n.actor.statuses, ...n.funder.statuses]).reduce<Record<number, number>>((all, [status, count]) => ({ ...all, [status]: (all[status] ?? 0) + count }), {});
    console.log(
      `${one}\n${two}\nHTTP statuses ${JSON.stringify(statuses)}; tight awards ` +
        tight.map((t) => `${t.accepted}/${TIGHT_QUANTITY} delivered and ${t.refused.length} refused`).join(', ') +
        `; ${awardedLines} award lines; ${acceptedKeys.size} keys recorded`,
    );

    // No 500, no dropped connection, nothing refused but the deliveries beyond the tight award.
    expect(Object.keys(statuses).filter((s) => Number(s) >= 500)).toEqual([]);
    expect(networkErrors).toEqual([]);
    // Beyond the tight award: the rest is too small, or (once all of it is delivered) its order is completed.
    const beyondTight = (r: Refusal) =>
      r.kind === 'tight' &&
      ((r.code === 'BAD_REQUEST' && r.message.startsWith('Dépasse le reste à réaliser')) ||
        (r.code === 'CONFLICT' && r.message === 'Cette commande ne reçoit pas de prestations (statut « completed »)'));
    expect(refusals.filter((r) => !beyondTight(r))).toEqual([]);
    for (const node of nodes) expect(node.server.output()).not.toMatch(/SQLITE_BUSY|database is locked/);
    expect(duplicateAnswers.length).toBeGreaterThan(0);
    expect(awardedLines).toBeGreaterThan(0);

    // A key sent to both processes is recorded by one and replayed by the other.
    for (const pair of duplicateAnswers) {
      const rows = pair.kind === 'single' ? 1 : DUPLICATE_BATCH_ROWS;
      expect(pair.answers.map((a) => a.recorded).sort()).toEqual([0, rows]);
      expect(pair.answers.map((a) => a.replayed).sort()).toEqual([0, rows]);
      if (pair.kind === 'single') expect(pair.answers[0]!.deliveryId).toBe(pair.answers[1]!.deliveryId);
    }

    withDatabase(databasePath, (db: Db) => {
      // Every accepted key recorded exactly once, and nothing else.
      const stored = db.$client.prepare("select idempotency_key as k from deliveries where idempotency_key like 'mp-%'").pluck().all() as string[];
      expect(stored.length).toBe(new Set(stored).size);
      expect(new Set(stored)).toEqual(acceptedKeys);
      expect([...sentKeys].filter((k) => !acceptedKeys.has(k)).length).toBe(tight.reduce((n, t) => n + t.refused.length, 0));

      // Σ delivered ≤ awarded, per award and per order; the tight award exactly as answered.
      expect(db.$client.prepare('select id from awards where delivered_quantity > quantity').all()).toEqual([]);
      for (const [phase, { tightAwardId }] of world.phases.entries()) {
        const tightAward = db.$client.prepare('select delivered_quantity as delivered from awards where id = ?').get(tightAwardId) as { delivered: number };
        expect(tightAward.delivered).toBe(tight[phase]!.accepted);
        expect(tightAward.delivered).toBeLessThanOrEqual(TIGHT_QUANTITY);
        // Each refusal was deserved: it did not fit even in what was left at the end, or nothing was left.
        for (const refused of tight[phase]!.refused) {
          if (refused.code === 'CONFLICT') expect(tightAward.delivered).toBe(TIGHT_QUANTITY);
          else expect(refused.quantity).toBeGreaterThan(TIGHT_QUANTITY - tightAward.delivered);
        }
      }
      const orders = db.$client
        .prepare(`select o.id, o.quantity, coalesce(sum(a.quantity), 0) as awarded, count(a.id) as awards from service_orders o left join awards a on a.order_id = o.id where o.id in (${world.awardOrderIds.join(', ')}) group by o.id`)
        .all() as { id: number; quantity: number; awarded: number; awards: number }[];
      for (const o of orders) expect(o.awarded).toBeLessThanOrEqual(world.awardOrderQuantity);
      expect(orders.reduce((sum, o) => sum + o.awards, 0)).toBe(awardedLines);

      expect(db.$client.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(checkLedger(db)).toMatchObject({ ok: true, differences: [] });
      expect(safeguardingReport(db).ok).toBe(true);
    });
  }, 60_000);
});

/**
 * A check made before the transaction holds the lock is stale by the time it writes when
 * another process wrote in between: within one process nothing can run between the read and
 * BEGIN IMMEDIATE (both synchronous), across processes the wait for the lock is exactly such a
 * gap. The test process plays the other process: it holds the write lock, lets the server read
 * and block on BEGIN IMMEDIATE, changes the order, then commits.
 */
describe('status checks while another process holds the write lock', () => {
  const lockPath = join(directory, 'lock.db');
  const lockServers = childServers();
  type Outcome = { answer: 'ok' } | { answer: 'refused'; code: string; message: string };
  const outcomes: Record<'closeBidding' | 'publish' | 'update', { outcome: Outcome; status: string; quantity: number }> = {} as never;

  /**
   * Resolves once the server's event loop stops answering for a full second: it sleeps in
   * SQLite's busy handler (synchronous), waiting for the lock, up to its 5 s busy timeout.
   */
  async function waitUntilBlocked(url: string) {
    const deadline = Date.now() + 3_000;
    while (Date.now() < deadline) {
      const answered = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(1_000) }).then(
        () => true,
        () => false,
      );
      if (!answered) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('The server never waited for the write lock');
  }

  /** Sends `request`, lets the server block on the lock, runs `meanwhile` under that lock, commits. */
  async function underTheLock(url: string, request: () => Promise<unknown>, meanwhile: (db: Db) => void): Promise<Outcome> {
    const holder = openDatabase(lockPath);
    holder.$client.exec('BEGIN IMMEDIATE');
    let pending: Promise<Outcome> | undefined;
    try {
      pending = request().then(
        (): Outcome => ({ answer: 'ok' }),
        (error: unknown): Outcome => {
          // A dropped connection is no answer: fail the set-up rather than the expectation.
          const code = error instanceof TRPCClientError ? (error.data as { code?: string } | undefined)?.code : undefined;
          if (!code) throw error;
          return { answer: 'refused', code, message: (error as Error).message };
        },
      );
      await waitUntilBlocked(url);
      meanwhile(holder);
      holder.$client.exec('COMMIT');
    } finally {
      if (holder.$client.inTransaction) holder.$client.exec('ROLLBACK');
      holder.$client.close();
    }
    return pending;
  }

  beforeAll(async () => {
    const db = openMigratedDatabase(lockPath);
    const funder = await makeMember(db, 'funder');
    const actor = await makeMember(db, 'actor');
    const placeId = makePlace(db, { organisationId: actor.organisationId });
    const order = (publish: boolean) => makeOrder(db, { funderOrganisationId: funder.organisationId, userId: funder.user.id, quantity: 100, publish, paidCents: publish ? undefined : 0 });
    const toClose = order(true);
    const bidId = makeBid(db, { orderId: toClose, organisationId: actor.organisationId, lines: [{ placeId, quantity: 100 }] });
    const toPublish = order(false);
    const toUpdate = order(false);
    const form = { ...getOrderRow(db, toUpdate) };
    const funderUser = sessionUserOf(db, funder.user.id);
    db.$client.close();

    const server = await lockServers.start({ databasePath: lockPath });
    const client = childClient(server.url);
    await client.signIn(funder.user.email, funder.user.password);
    const read = (orderId: number) =>
      withDatabase(lockPath, (d) => {
        const row = getOrderRow(d, orderId);
        return { status: row.status, quantity: row.quantity };
      });

    // Closing the bidding while a colleague, on the other process, closes it and awards everything.
    outcomes.closeBidding = {
      outcome: await underTheLock(
        server.url,
        () => client.api.awards.closeBidding.mutate({ orderId: toClose }),
        (d) => {
          closeBidding(d, toClose, funderUser.id);
          awardLines(d, { orderId: toClose, lines: [{ bidId, placeId, quantity: 100 }] }, funderUser.id);
        },
      ),
      ...read(toClose),
    };
    // Publishing while the other process publishes it and closes the bidding.
    outcomes.publish = {
      outcome: await underTheLock(
        server.url,
        () => client.api.orders.publish.mutate({ orderId: toPublish }),
        (d) => {
          publishOrder(d, toPublish);
          closeBidding(d, toPublish, funderUser.id);
        },
      ),
      ...read(toPublish),
    };
    // Editing the draft while the other process publishes it: the published order must not change.
    outcomes.update = {
      outcome: await underTheLock(
        server.url,
        () =>
          client.api.orders.update.mutate({
            orderId: toUpdate,
            title: form.title,
            description: form.description,
            services: form.services,
            departementCodes: form.departementCodes,
            communeCodes: form.communeCodes,
            quantity: 40,
            unitPriceCents: form.unitPriceCents,
            targetPeople: form.targetPeople,
            bidDeadline: form.bidDeadline,
            deliveryStartsOn: form.deliveryStartsOn,
            deliveryEndsOn: form.deliveryEndsOn,
          }),
        (d) => publishOrder(d, toUpdate),
      ),
      ...read(toUpdate),
    };
  }, 60_000);

  afterAll(() => lockServers.stopAll());

  // Server bug: closeBidding (server/services/awards.ts) checks `status === 'open'` before its
  // transaction; the stale check lets it put an order in delivery back to « awarding ».
  it('refuses to close the bidding of an order another process closed and fully awarded meanwhile', () => {
    expect(outcomes.closeBidding.outcome).toEqual({ answer: 'refused', code: 'CONFLICT', message: 'Seule une commande ouverte peut être close aux offres' });
    expect(outcomes.closeBidding.status).toBe('in_delivery');
  });

  // Server bug: publishOrder (server/services/orders.ts) checks `status === 'draft'` before its
  // transaction; the stale check reopens an order whose bidding was closed meanwhile.
  it('refuses to publish an order another process published and closed meanwhile', () => {
    expect(outcomes.publish.outcome).toEqual({ answer: 'refused', code: 'CONFLICT', message: 'Seule une commande en brouillon peut être publiée' });
    expect(outcomes.publish.status).toBe('awarding');
  });

  // Server bug: updateOrder (server/services/orders.ts) checks that the order is editable before
  // its transaction; the stale check rewrites an order that was published meanwhile.
  it('refuses to edit an order another process published meanwhile', () => {
    expect(outcomes.update.outcome).toEqual({ answer: 'refused', code: 'CONFLICT', message: 'Seule une commande en brouillon peut être modifiée' });
    expect(outcomes.update).toMatchObject({ status: 'open', quantity: 100 });
  });
});
