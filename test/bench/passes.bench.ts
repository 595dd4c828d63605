import { performance } from 'node:perf_hooks';
import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { RateLimiter } from '../../server/auth/rate-limit';
import { recordDelivery } from '../../server/services/deliveries';
import { bookletWithCodes, issueBooklets } from '../../server/services/passes/booklets';
import { redeemPass } from '../../server/services/passes/redeem';
import { passKeys } from '../../server/services/passes/secret';
import { generatePassCode, normalizePassCode } from '../../shared/domain/pass-codes';
import { makeMember, makePlace } from '../factories';
import { beneficiaryRef, makeAwards, makeBid, makeOrder, sessionUserOf } from '../factories/marketplace';
import { createTestDb } from '../setup/db';
import { measure, type ScenarioResult } from './scenario';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/**
 * Pass (issue 11), in context: issuing 10 000 codes (draw, keyed hash, sealed copy, insert), and
 * redeeming codes one by one (lookup by hash, award, the delivery's whole write path, the pass
 * marked) beside a self-declared delivery of the same award shape, one by one, same run.
 * Baselines: raw inserts of the same pass rows, prepared, in one transaction.
 */
export async function benchPasses(passCount = 10_000, redemptions = 2_000): Promise<ScenarioResult> {
  const db = createTestDb();
  const funder = await makeMember(db, 'funder');
  const actor = await makeMember(db, 'actor');
  const placeId = makePlace(db, { organisationId: actor.organisationId, yearlyCapacity: 1_000_000 });
  const year = new Date().toISOString().slice(0, 4);
  const awarded = (passRequired: boolean) => {
    const orderId = makeOrder(db, { funderOrganisationId: funder.organisationId, userId: funder.user.id, quantity: passCount, passRequired, deliveryEndsOn: `${year}-12-31` });
    const bidId = makeBid(db, { orderId, organisationId: actor.organisationId, lines: [{ placeId, quantity: passCount }] });
    return { orderId, awardId: makeAwards(db, { orderId, userId: funder.user.id, lines: [{ bidId, placeId, quantity: passCount }] })[0]! };
  };
  const withPass = awarded(true);
  const declared = awarded(false);
  const funderUser = sessionUserOf(db, funder.user.id);
  const actorUser = sessionUserOf(db, actor.user.id);

  // Baseline: the same number of pass rows, hash and sealed copy made beforehand, raw prepared inserts.
  const keys = passKeys(db);
  db.$client.exec('create temp table raw_passes (id integer primary key, booklet_id integer, order_id integer, code_hash text unique, code_sealed text)');
  const rows = Array.from({ length: passCount }, () => {
    const code = generatePassCode();
    return [Math.floor(Math.random() * 1_000), withPass.orderId, keys.hash(code), keys.seal(code)] as const;
  });
  const insert = db.$client.prepare('insert into raw_passes (booklet_id, order_id, code_hash, code_sealed) values (?, ?, ?, ?)');
  let t = performance.now();
  db.$client.transaction(() => rows.forEach((row) => insert.run(...row)))();
  const rawInsertMs = performance.now() - t;

  t = performance.now();
  const { bookletIds } = issueBooklets(db, funderUser, { orderId: withPass.orderId, organisationId: funder.organisationId, booklets: passCount / 10, size: 10 });
  const issueMs = performance.now() - t;

  const codes = bookletIds
    .slice(0, Math.ceil(redemptions / 10))
    .flatMap((id) => bookletWithCodes(db, funderUser, id).passes.map((p) => normalizePassCode(p.code)!))
    .slice(0, redemptions);
  const limiter = new RateLimiter(1_000_000, 3_600_000);
  const today = new Date().toISOString().slice(0, 10);
  const timed = (run: (i: number) => void) => {
    const each: number[] = [];
    const started = performance.now();
    for (let i = 0; i < redemptions; i++) {
      const s = performance.now();
      run(i);
      each.push(performance.now() - s);
    }
    const total = performance.now() - started;
    each.sort((a, b) => a - b);
    return { perSecond: (redemptions / total) * 1_000, p50: percentile(each, 50), p99: percentile(each, 99) };
  };
  // Alternated halves would be fairer on a noisy machine; one after the other keeps each path's
  // caches warm as in production. Declared first, so the pass run meets the larger tables.
  const declaredRun = timed((i) =>
    recordDelivery(db, actorUser, {
      awardId: declared.awardId,
      quantity: 1,
      deliveredOn: today,
      service: Service.AideAuxDemarchesAdministratives,
      beneficiaryRef: beneficiaryRef(`declared:${i % 200}`),
      idempotencyKey: `bench-declared-${i}`,
    }),
  );
  const passRun = timed((i) => redeemPass(db, actorUser, { placeId, code: codes[i]!, service: Service.AideAuxDemarchesAdministratives }, limiter, today));

  return {
    id: 'passes',
    title: 'Pass: issuing and redemption (context, no target)',
    measures: [
      measure(`raw prepared inserts of ${passCount.toLocaleString('fr-FR')} pass rows, one transaction`, rawInsertMs, 'ms', true),
      measure(`issueBooklets, ${passCount.toLocaleString('fr-FR')} pass (draw, hash, seal, insert)`, issueMs, 'ms'),
      measure('issuing ÷ raw inserts', issueMs / rawInsertMs, '×'),
      measure('self-declared delivery, one per transaction', declaredRun.perSecond, '/s', true),
      measure('self-declared delivery p50', declaredRun.p50, 'ms', true),
      measure('self-declared delivery p99', declaredRun.p99, 'ms', true),
      measure('pass redemption, one per transaction', passRun.perSecond, '/s'),
      measure('pass redemption p50', passRun.p50, 'ms'),
      measure('pass redemption p99', passRun.p99, 'ms'),
      measure('redemption throughput ÷ self-declared', passRun.perSecond / declaredRun.perSecond, '×'),
    ],
    targets: [],
    notes: [`${redemptions.toLocaleString('fr-FR')} redemptions and ${redemptions.toLocaleString('fr-FR')} declared deliveries on one place, in memory`],
  };
}
