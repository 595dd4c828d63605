import { performance } from 'node:perf_hooks';
import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import Database from 'better-sqlite3';
import { recordDelivery, recordDeliveryBatch } from '../../server/services/deliveries';
import { roundDashboard } from '../../server/services/dashboards';
import { DEFAULT_RATIO } from '../../shared/ratio';
import { makeMember, makePlace, makeRound } from '../factories';
import { beneficiaryRef, makeAwards, makeBid, makeOrder, sessionUserOf } from '../factories/marketplace';
import { createTestDb } from '../setup/db';

/**
 * Delivery writes, the hottest path: each delivery checks its award, inserts the row, moves money
 * in the double-entry ledger and updates the place's figures, in one transaction. Measured against
 * a raw better-sqlite3 baseline (insert a row + bump a counter) in the same run, on the same machine.
 */
export async function benchDeliveries(count = 5_000) {
  const db = createTestDb();
  const funder = await makeMember(db, 'funder');
  const actor = await makeMember(db, 'actor');
  const operator = await makeMember(db, 'operator');
  const placeId = makePlace(db, { organisationId: actor.organisationId, yearlyCapacity: 100_000 });
  const orderId = makeOrder(db, { funderOrganisationId: funder.organisationId, userId: funder.user.id, quantity: count * 3 });
  const bidId = makeBid(db, { orderId, organisationId: actor.organisationId, lines: [{ placeId, quantity: count * 3 }] });
  const [awardId] = makeAwards(db, { orderId, userId: funder.user.id, lines: [{ bidId, placeId, quantity: count * 3 }] }) as [number];
  const user = sessionUserOf(db, actor.user.id);
  const today = new Date().toISOString().slice(0, 10);
  const row = (k: string) => ({
    awardId,
    quantity: 1,
    deliveredOn: today,
    service: Service.AideAuxDemarchesAdministratives,
    beneficiaryRef: beneficiaryRef(k),
    idempotencyKey: `bench-${k}`,
  });

  // Baseline: the same connection settings, one insert and one counter update per transaction.
  const raw = new Database(':memory:');
  raw.pragma('journal_mode = WAL');
  raw.exec('create table d (id integer primary key, k text unique, q integer); create table c (id integer primary key, n integer); insert into c values (1, 0);');
  const insert = raw.prepare('insert into d (k, q) values (?, 1)');
  const bump = raw.prepare('update c set n = n + 1 where id = 1');
  const rawOne = raw.transaction((k: string) => {
    insert.run(k);
    bump.run();
  });
  let t = performance.now();
  for (let i = 0; i < count; i++) rawOne(`raw-${i}`);
  const rawPerSecond = count / ((performance.now() - t) / 1000);

  t = performance.now();
  for (let i = 0; i < count; i++) recordDelivery(db, user, row(`single-${i}`), today);
  const singlePerSecond = count / ((performance.now() - t) / 1000);

  t = performance.now();
  for (let i = 0; i < count; i += 1_000) recordDeliveryBatch(db, user, Array.from({ length: Math.min(1_000, count - i) }, (_, j) => row(`batch-${i + j}`)), today);
  const batchPerSecond = count / ((performance.now() - t) / 1000);

  // A round dashboard over this database: what each coalesced flush costs.
  const roundId = makeRound(db, { operatorOrganisationId: operator.organisationId, departementCodes: ['29'] });
  t = performance.now();
  const runs = 200;
  for (let i = 0; i < runs; i++) roundDashboard(db, roundId, DEFAULT_RATIO);
  const dashboardMs = (performance.now() - t) / runs;

  return { count, rawPerSecond, singlePerSecond, batchPerSecond, dashboardMs };
}
