import { performance } from 'node:perf_hooks';
import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { recordDeliveryBatch } from '../../server/services/deliveries';
import { runSettlement } from '../../server/services/settlement';
import { monthEnd, previousMonth } from '../../shared/domain/months';
import { makeMember, makePlace } from '../factories';
import { beneficiaryRef, makeAwards, makeBid, makeOrder, sessionUserOf } from '../factories/marketplace';
import { createTestDb } from '../setup/db';
import { measure, type ScenarioResult } from './scenario';

/**
 * The monthly settlement: a month of deliveries over many places turned into payouts in one
 * transaction. Baseline: the bare `group by place` over the same unsettled rows, same run.
 */
export async function benchSettlement(placeCount = 200, perPlace = 100): Promise<ScenarioResult> {
  const db = createTestDb();
  const funder = await makeMember(db, 'funder');
  const actor = await makeMember(db, 'actor');
  const operator = await makeMember(db, 'operator');
  const today = new Date().toISOString().slice(0, 10);
  const month = previousMonth(today.slice(0, 7));
  const start = `${month}-01`;
  const end = monthEnd(month);
  const placeIds = Array.from({ length: placeCount }, () => makePlace(db, { organisationId: actor.organisationId, yearlyCapacity: 100_000 }));
  const orderId = makeOrder(db, {
    funderOrganisationId: funder.organisationId,
    userId: funder.user.id,
    quantity: placeCount * perPlace,
    deliveryStartsOn: start,
    deliveryEndsOn: end,
    bidDeadline: start,
    today: start,
  });
  const bidId = makeBid(db, { orderId, organisationId: actor.organisationId, lines: placeIds.map((placeId) => ({ placeId, quantity: perPlace })), today: start });
  const awardIds = makeAwards(db, { orderId, userId: funder.user.id, lines: placeIds.map((placeId) => ({ bidId, placeId, quantity: perPlace })) });
  const user = sessionUserOf(db, actor.user.id);
  const rows = awardIds.flatMap((awardId, p) =>
    Array.from({ length: perPlace }, (_, k) => ({
      awardId,
      quantity: 1,
      deliveredOn: k % 2 ? start : end,
      service: Service.AideAuxDemarchesAdministratives,
      beneficiaryRef: beneficiaryRef(`${p}:${k}`),
      idempotencyKey: `settle-${p}-${k}`,
    })),
  );
  for (let i = 0; i < rows.length; i += 1_000) recordDeliveryBatch(db, user, rows.slice(i, i + 1_000), today);

  const group = db.$client.prepare('select place_id, sum(amount_cents) from deliveries where payout_id is null and delivered_on <= ? group by place_id');
  let t = performance.now();
  group.all(end);
  const baselineMs = performance.now() - t;

  t = performance.now();
  const result = runSettlement(db, month, operator.user.id, today);
  const settleMs = performance.now() - t;
  return {
    id: 'settlement',
    title: 'Monthly settlement (context, no target)',
    measures: [measure('raw group by place over the unsettled rows', baselineMs, 'ms', true), measure('runSettlement', settleMs, 'ms')],
    targets: [],
    notes: [`${rows.length.toLocaleString('fr-FR')} deliveries of ${result.payouts} places turned into payouts in one transaction`],
  };
}
