import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { placeYearFigures } from '../../../server/services/figures';
import { balanceOf } from '../../../server/services/ledger';
import type { RecordDeliveryInput } from '../../../shared/schemas/deliveries';
import { makePlace } from '../../factories';
import { beneficiaryRef, makeAwards, makeBid, makeOrder } from '../../factories/marketplace';
import { countRows, expectLedgerClean, key, marketplace, refusal, thisYear, today, type Marketplace } from './helpers';

// Single deliveries sent at the same moment share one commit (decision 0019), and each still
// answers for itself: its delivery, its replay or its own refusal.
let m: Marketplace;
let placeId: number;
beforeEach(async () => {
  m = await marketplace();
  placeId = makePlace(m.db, { organisationId: m.actor.organisationId, mainCommuneCode: '29232' });
});
afterEach(() => expectLedgerClean(m.db));

function award(quantity: number) {
  const orderId = makeOrder(m.db, { funderOrganisationId: m.funder.organisationId, userId: m.funder.user.id, quantity });
  const bidId = makeBid(m.db, { orderId, organisationId: m.actor.organisationId, lines: [{ placeId, quantity }] });
  const [awardId] = makeAwards(m.db, { orderId, userId: m.funder.user.id, lines: [{ bidId, placeId, quantity }] });
  return { orderId, awardId: awardId! };
}

const delivery = (awardId: number, overrides: Partial<RecordDeliveryInput> = {}): RecordDeliveryInput => ({
  awardId,
  quantity: 1,
  deliveredOn: today(),
  service: Service.AideAuxDemarchesAdministratives,
  beneficiaryRef: beneficiaryRef(`personne-${Math.random()}`),
  idempotencyKey: key(),
  ...overrides,
});

/** Counts the outermost transactions begun while `run` goes on: the commits. */
async function commitsDuring(run: () => Promise<unknown>) {
  let commits = 0;
  const transaction = m.db.transaction.bind(m.db);
  const spy = vi.spyOn(m.db, 'transaction').mockImplementation(((...args: Parameters<typeof transaction>) => {
    if (!m.db.$client.inTransaction) commits++;
    return transaction(...args);
  }) as typeof transaction);
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return commits;
}

describe('single deliveries sent together', () => {
  it('are committed together, each answering its own delivery, replay or refusal', async () => {
    const { orderId, awardId } = award(10);
    const sent = Array.from({ length: 8 }, () => delivery(awardId));
    const replayed = sent[0]!;
    let answers: PromiseSettledResult<Awaited<ReturnType<typeof m.as.actor.deliveries.record.mutate>>>[] = [];

    const commits = await commitsDuring(async () => {
      answers = await Promise.allSettled([
        ...sent.map((input) => m.as.actor.deliveries.record.mutate(input)),
        m.as.actor.deliveries.record.mutate(replayed), // the same key twice at once
        m.as.actor.deliveries.record.mutate(delivery(awardId, { quantity: 5 })), // beyond what is left
        m.as.rival.deliveries.record.mutate(delivery(awardId)), // someone else's award
      ]);
    });

    expect(commits).toBeLessThan(sent.length); // fewer commits than deliveries
    const values = answers.map((a) => (a.status === 'fulfilled' ? a.value : undefined));
    expect(values.slice(0, 8).every((v) => v && !v.replayed)).toBe(true);
    expect(values[8]).toMatchObject({ replayed: true, delivery: { id: values[0]!.delivery.id } });
    expect(await refusal(Promise.reject((answers[9] as PromiseRejectedResult).reason))).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await refusal(Promise.reject((answers[10] as PromiseRejectedResult).reason))).toMatchObject({ code: 'FORBIDDEN' });

    // Eight deliveries, counted once each, money and figures exactly so.
    expect(countRows(m.db, 'deliveries')).toBe(8);
    expect(balanceOf(m.db, { kind: 'place', placeId })).toBe(8 * 1_000);
    expect(balanceOf(m.db, { kind: 'order_ringfence', orderId })).toBe(10 * 1_000 - 8 * 1_000);
    expect(placeYearFigures(m.db, placeId, thisYear())).toMatchObject({ servicesDelivered: 8, servicesCommitted: 2 });
  });
});
