import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { openDatabase, type Db } from '../../db/client';
import { todayIso } from '../../shared/domain/orders';
import { recordDeliveryBatch } from '../../server/services/deliveries';
import { sessionUserOf } from '../factories/marketplace';
import { measure, target, type BenchContext, type ScenarioResult } from './scenario';

const BATCH = 1_000;

interface Award {
  awardId: number;
  orderId: number;
  placeId: number;
  userId: number;
  remaining: number;
  service: string;
  unitPriceCents: number;
}

/** Awards that can still take deliveries today, with a member of the place's organisation to record them. */
function openAwards(db: Db, today: string): Award[] {
  return db.$client
    .prepare(
      `select a.id as awardId, a.order_id as orderId, a.place_id as placeId, min(m.user_id) as userId,
         a.quantity - a.delivered_quantity as remaining, o.services ->> '$[0]' as service, a.unit_price_cents as unitPriceCents
       from awards a join service_orders o on o.id = a.order_id join places p on p.id = a.place_id
       join memberships m on m.organisation_id = p.organisation_id
       where o.status in ('awarding', 'in_delivery') and o.delivery_starts_on <= ? and o.grace_ends_on >= ? and p.status = 'qualified'
         and a.quantity - a.delivered_quantity >= 20
       group by a.id order by userId, a.id`,
    )
    .all(today, today) as Award[];
}

/** Batches of 1 000 rows, each by one person over its organisation's awards (a place uploading its week), as many as asked. */
function plan(awards: Award[], count: number): { userId: number; parts: { award: Award; rows: number }[] }[] {
  const byUser = new Map<number, Award[]>();
  for (const award of awards) byUser.set(award.userId, [...(byUser.get(award.userId) ?? []), award]);
  const batches: { userId: number; parts: { award: Award; rows: number }[] }[] = [];
  for (const [userId, own] of byUser) {
    let parts: { award: Award; rows: number }[] = [];
    let size = 0;
    for (const award of own) {
      // A few services stay on each award for the bench's other scenarios.
      let left = award.remaining - 5;
      while (left > 0) {
        const rows = Math.min(left, BATCH - size);
        parts.push({ award, rows });
        size += rows;
        left -= rows;
        if (size === BATCH) {
          batches.push({ userId, parts });
          if (batches.length === count) return batches;
          parts = [];
          size = 0;
        }
      }
    }
  }
  return batches;
}

const hex = (n: number) => n.toString(16).padStart(12, '0');

/**
 * (b) Batch ingestion through the domain's batch path, `recordDeliveryBatch` (checks, delivery
 * rows, ledger, figures, beneficiaries, in one transaction per 1 000 rows), beside raw
 * better-sqlite3 inserting the same rows into the same `deliveries` table with one prepared
 * statement, 1 000 per transaction. Rounds alternate raw and domain so that the machine's noise
 * falls on both; each side's figure is its median round. The raw rows are deleted afterwards.
 */
export async function benchBatch(ctx: BenchContext, rounds = Number(process.env.BENCH_BATCH_ROUNDS ?? 5), batchesPerRound = 4): Promise<ScenarioResult> {
  const db = openDatabase(ctx.nationalDb);
  try {
    const today = todayIso();
    const awards = openAwards(db, today);
    const batches = plan(awards, rounds * batchesPerRound);
    if (batches.length < rounds * batchesPerRound) throw new Error(`Not enough open awards for ${rounds * batchesPerRound} batches of ${BATCH} (${batches.length})`);
    const deliveriesBefore = (db.$client.prepare('select count(*) as n from deliveries').get() as { n: number }).n;
    const rawInsert = db.$client.prepare(
      `insert into deliveries (idempotency_key, award_id, order_id, place_id, quantity, amount_cents, pooling_fee_cents, service,
         delivered_on, beneficiary_ref, recorded_by_user_id, created_at) values (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)`,
    );
    const rowsFor = (batch: ReturnType<typeof plan>[number], prefix: string) =>
      batch.parts.flatMap(({ award, rows }) =>
        Array.from({ length: rows }, (_, i) => ({
          awardId: award.awardId,
          quantity: 1,
          deliveredOn: today,
          service: award.service,
          beneficiaryRef: `${hex(award.placeId)}${prefix.startsWith('raw') ? 'f' : 'e'}${hex(i % 400).padStart(51, '0')}`,
          idempotencyKey: `bench-${prefix}-${award.awardId}-${i}`,
        })),
      );
    const awardsById = new Map(awards.map((a) => [a.awardId, a]));
    const rawBatch = db.$client.transaction((userId: number, rows: ReturnType<typeof rowsFor>) => {
      const now = new Date().toISOString();
      for (const r of rows) {
        const award = awardsById.get(r.awardId)!;
        rawInsert.run(r.idempotencyKey, r.awardId, award.orderId, award.placeId, 1, award.unitPriceCents, r.service, r.deliveredOn, r.beneficiaryRef, userId, now);
      }
    });

    const raw: number[] = [];
    const domain: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const picked = batches.slice(round * batchesPerRound, (round + 1) * batchesPerRound);
      const rawRows = picked.map((batch) => rowsFor(batch, `raw-${round}`));
      const domainRows = picked.map((batch) => rowsFor(batch, `domain-${round}`));
      const users = picked.map((batch) => sessionUserOf(db, batch.userId));

      let t = performance.now();
      picked.forEach((batch, i) => rawBatch(batch.userId, rawRows[i]!));
      raw.push((batchesPerRound * BATCH) / ((performance.now() - t) / 1000));

      t = performance.now();
      picked.forEach((_, i) => recordDeliveryBatch(db, users[i]!, domainRows[i]!, today));
      domain.push((batchesPerRound * BATCH) / ((performance.now() - t) / 1000));
    }
    db.$client.prepare("delete from deliveries where idempotency_key like 'bench-raw-%'").run();

    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const rawRate = median(raw);
    const domainRate = median(domain);
    return {
      id: 'b',
      title: 'Batch ingestion (recordDeliveryBatch, 1 000 rows per transaction)',
      measures: [measure('raw prepared insert, 1 000 per transaction', rawRate, 'deliveries/s', true), measure('recordDeliveryBatch', domainRate, 'deliveries/s')],
      targets: [target('batch ÷ raw batched inserts', domainRate / rawRate, '>=', 0.4, '×')],
      notes: [
        `${rounds} alternating rounds of ${batchesPerRound} batches × ${BATCH} rows each way (one person's batch over its places' awards) into a deliveries table of ${deliveriesBefore.toLocaleString('fr-FR')} rows; median round`,
        `rounds, raw: ${raw.map((r) => Math.round(r)).join(', ')} /s; domain: ${domain.map((r) => Math.round(r)).join(', ')} /s`,
      ],
    };
  } finally {
    db.$client.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const path = process.argv[2];
  if (!path) throw new Error('usage: tsx test/bench/batch.bench.ts <database path>');
  console.log(JSON.stringify(await benchBatch({ root: process.cwd(), nationalDb: path, smallDb: path, seconds: 10, password: '' }), null, 2));
}
