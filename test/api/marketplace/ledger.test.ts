import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMigratedDatabase } from '../../../db/client';
import { awards, departementYearFigures, orderFundings, placeYearFigures } from '../../../db/schema';
import { LedgerRuleError, postTransaction, type NewTransaction } from '../../../server/services/ledger';
import { checkLedger } from '../../../server/services/ledger-check';
import { makeMember, makePartnership, makePlace } from '../../factories';
import { beneficiaryRef, makeAwards, makeBid, makeDelivery, makeOrder, sessionUserOf } from '../../factories/marketplace';
import { expectLedgerClean, fundedOrder, key, marketplace, refusal, snapshot, thisYear, today, type Marketplace } from './helpers';

let m: Marketplace;
beforeEach(async () => {
  m = await marketplace();
});
afterEach(() => expectLedgerClean(m.db));

const OPERATOR_ONLY = { code: 'FORBIDDEN', httpStatus: 403, message: 'Réservé à l’opérateur du dispositif' };

/** The whole path through the API: fund, bid, award, deliver, twice over. */
async function fullScenario() {
  const quimper = makePlace(m.db, { organisationId: m.actor.organisationId, mainCommuneCode: '29232' });
  const brest = makePlace(m.db, { organisationId: m.rival.organisationId, mainCommuneCode: '29019' });
  const orderId = await fundedOrder(m.as.funder, m.funder.organisationId, { quantity: 100 });
  const actorBid = await m.as.actor.bids.submit.mutate({ orderId, organisationId: m.actor.organisationId, unitPriceCents: 1_000, lines: [{ placeId: quimper, quantity: 60 }] });
  const rivalBid = await m.as.rival.bids.submit.mutate({ orderId, organisationId: m.rival.organisationId, unitPriceCents: 900, lines: [{ placeId: brest, quantity: 60 }] });
  await m.as.funder.awards.closeBidding.mutate({ orderId });
  const { awardIds } = await m.as.funder.awards.create.mutate({
    orderId,
    lines: [
      { bidId: actorBid.id, placeId: quimper, quantity: 60 },
      { bidId: rivalBid.id, placeId: brest, quantity: 40 },
    ],
  });
  const record = (api: typeof m.as.actor, awardId: number, quantity: number, who: string) =>
    api.deliveries.record.mutate({ awardId, quantity, deliveredOn: today(), service: Service.AideAuxDemarchesAdministratives, beneficiaryRef: beneficiaryRef(who), idempotencyKey: key() });
  await record(m.as.actor, awardIds[0]!, 12, 'anne');
  await record(m.as.actor, awardIds[0]!, 3, 'bernard');
  await record(m.as.rival, awardIds[1]!, 40, 'claire');
  const cancelled = await fundedOrder(m.as.funder, m.funder.organisationId, { departementCodes: ['22'] }, 30_000);
  await m.as.funder.orders.cancel.mutate({ orderId: cancelled });
  return { quimper, brest, orderId, awardIds };
}

describe('the ledger check procedure', () => {
  it('reports no difference after a full scenario, to the operator only', async () => {
    await fullScenario();

    const report = await m.as.operator.ledger.check.query();

    // funding ×2, credit note, deliveries ×3
    expect(report).toEqual({ ok: true, differences: [], transactions: 6, entries: 12, placeYears: 2 });
    for (const api of [m.as.funder, m.as.actor, m.as.rival]) expect(await refusal(api.ledger.check.query())).toMatchObject(OPERATOR_ONLY);
  });

  it('names the place and the field of a tampered place-year figure', async () => {
    const { quimper } = await fullScenario();
    const year = thisYear();
    const row = () => m.db.select().from(placeYearFigures).where(and(eq(placeYearFigures.placeId, quimper), eq(placeYearFigures.year, year))).get()!;
    const honest = row();
    const where = and(eq(placeYearFigures.placeId, quimper), eq(placeYearFigures.year, year));

    m.db.update(placeYearFigures).set({ revenueDeliveredCents: honest.revenueDeliveredCents + 100_000, servicesCommitted: honest.servicesCommitted - 1 }).where(where).run();

    const report = await m.as.operator.ledger.check.query();
    expect(report.ok).toBe(false);
    expect(report.differences).toEqual([
      `place ${quimper}, ${year}: revenue ${honest.revenueDeliveredCents + 100_000} ≠ recomputed ${honest.revenueDeliveredCents}`,
      `place ${quimper}, ${year}: servicesCommitted ${honest.servicesCommitted - 1} ≠ recomputed ${honest.servicesCommitted}`,
    ]);

    m.db.update(placeYearFigures).set(honest).where(where).run();
    expect((await m.as.operator.ledger.check.query()).differences).toEqual([]);
  });

  it('reports a tampered payment, delivery progress and département funding, each in words', async () => {
    const { orderId, awardIds } = await fullScenario();
    const year = thisYear();
    const payment = and(eq(orderFundings.orderId, orderId), eq(orderFundings.funderOrganisationId, m.funder.organisationId));
    m.db.update(orderFundings).set({ paidCents: 90_000 }).where(payment).run();
    m.db.update(awards).set({ deliveredQuantity: 16 }).where(eq(awards.id, awardIds[0]!)).run();
    m.db.update(departementYearFigures).set({ fundingCents: 1 }).where(eq(departementYearFigures.departementCode, '29')).run();

    const { differences } = await m.as.operator.ledger.check.query();

    expect(differences).toEqual(
      expect.arrayContaining([
        `order ${orderId}: ring-fenced balance 49000 ≠ paid 90000 − delivered 51000 − credited 0`,
        `order ${orderId}, funder ${m.funder.organisationId}: paid_cents 90000 ≠ ledger 100000`,
        `award ${awardIds[0]}: delivered_quantity 16 ≠ Σ deliveries 15`,
        `order ${orderId}: awarded 96000 > paid in 90000`,
        `département 29, ${year}: funding 1 ≠ recomputed 100000`,
      ]),
    );
    m.db.update(orderFundings).set({ paidCents: 100_000 }).where(payment).run();
    m.db.update(awards).set({ deliveredQuantity: 15 }).where(eq(awards.id, awardIds[0]!)).run();
    m.db.update(departementYearFigures).set({ fundingCents: 100_000 }).where(eq(departementYearFigures.departementCode, '29')).run();
  });
});

describe('the ledger:check command', () => {
  it('exits 0 on a clean database file and 1, listing the difference, on a tampered one', { timeout: 30_000 }, async () => {
    const directory = mkdtempSync(join(tmpdir(), 'aptic-ledger-'));
    try {
      const path = join(directory, 'ledger.db');
      const db = openMigratedDatabase(path);
      const funder = await makeMember(db, 'funder');
      const actor = await makeMember(db, 'actor');
      const placeId = makePlace(db, { organisationId: actor.organisationId });
      const orderId = makeOrder(db, { funderOrganisationId: funder.organisationId, userId: funder.user.id, quantity: 20 });
      const bidId = makeBid(db, { orderId, organisationId: actor.organisationId, lines: [{ placeId, quantity: 20 }] });
      const [awardId] = makeAwards(db, { orderId, userId: funder.user.id, lines: [{ bidId, placeId, quantity: 20 }] });
      makeDelivery(db, sessionUserOf(db, actor.user.id), { awardId: awardId!, quantity: 5 });
      const run = () =>
        promisify(execFile)(process.execPath, ['--import', 'tsx', 'server/cli/ledger-check.ts'], {
          cwd: fileURLToPath(new URL('../../../', import.meta.url)),
          env: { ...process.env, DATABASE_PATH: path },
        });

      const clean = await run();
      expect(clean.stdout).toContain('ledger:check — no difference');

      db.update(placeYearFigures).set({ servicesDelivered: 6 }).where(eq(placeYearFigures.placeId, placeId)).run();
      const tampered = await run().then(
        () => ({ code: 0, stdout: '' }),
        (error: { code: number; stdout: string }) => error,
      );
      expect(tampered.code).toBe(1);
      expect(tampered.stdout).toContain('ledger:check — 1 difference(s):');
      expect(tampered.stdout).toContain(`place ${placeId}, ${thisYear()}: services 6 ≠ recomputed 5`);
      db.$client.close();
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('postTransaction, the only way money moves', () => {
  /** An order paid in (100 €), a place, a partnership and an unrelated funder to move money between. */
  async function accounts() {
    const placeId = makePlace(m.db, { organisationId: m.actor.organisationId });
    const orderId = makeOrder(m.db, { funderOrganisationId: m.funder.organisationId, userId: m.funder.user.id, quantity: 10 });
    const otherOrderId = makeOrder(m.db, { funderOrganisationId: m.funder.organisationId, userId: m.funder.user.id, quantity: 10 });
    const { organisationId: partnershipOrg } = makePartnership(m.db, { name: 'CAE', kind: 'cae', leadOrganisationId: m.actor.organisationId, departementCodes: ['29'], placeIds: [placeId] });
    return { placeId, orderId, otherOrderId, partnershipOrg };
  }

  /** Posts inside a transaction, as services do; the refusal must leave no row behind. */
  function expectRefused(transaction: NewTransaction, message: string | RegExp) {
    const before = snapshot(m.db);
    expect(() => m.db.transaction(() => postTransaction(m.db, transaction))).toThrow(message);
    expect(() => m.db.transaction(() => postTransaction(m.db, transaction))).toThrow(LedgerRuleError);
    expect(snapshot(m.db)).toEqual(before);
  }

  it('refuses an unbalanced transaction, a single entry, a zero entry and fractions of a cent', async () => {
    const { placeId, orderId } = await accounts();
    const ringFence = { kind: 'order_ringfence', orderId } as const;

    expectRefused(
      { kind: 'delivery', orderId, postings: [{ owner: ringFence, amountCents: -1_000 }, { owner: { kind: 'place', placeId }, amountCents: 1_100 }] },
      'A transaction must sum to zero, got 100',
    );
    expectRefused({ kind: 'delivery', orderId, postings: [{ owner: ringFence, amountCents: -1_000 }] }, 'A transaction needs at least two entries');
    expectRefused(
      {
        kind: 'delivery',
        orderId,
        postings: [
          { owner: ringFence, amountCents: -1_000 },
          { owner: { kind: 'place', placeId }, amountCents: 1_000 },
          { owner: { kind: 'place', placeId }, amountCents: 0 },
        ],
      },
      'A ledger entry cannot be zero',
    );
    const before = snapshot(m.db);
    expect(() =>
      m.db.transaction(() =>
        postTransaction(m.db, { kind: 'delivery', orderId, postings: [{ owner: ringFence, amountCents: -10.5 }, { owner: { kind: 'place', placeId }, amountCents: 10.5 }] }),
      ),
    ).toThrow();
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses moving ring-fenced money to a partnership, a payout account or another order, whatever the kind of transaction', async () => {
    const { placeId, orderId, otherOrderId, partnershipOrg } = await accounts();
    const ringFence = { kind: 'order_ringfence', orderId } as const;
    const out = (kind: NewTransaction['kind'], owner: NewTransaction['postings'][number]['owner']): NewTransaction => ({
      kind,
      orderId,
      postings: [{ owner: ringFence, amountCents: -500 }, { owner, amountCents: 500 }],
    });

    expectRefused(out('delivery', { kind: 'partnership', organisationId: partnershipOrg }), 'A delivery cannot move money from a order_ringfence account to a partnership account');
    expectRefused(out('pooling_fee', { kind: 'partnership', organisationId: partnershipOrg }), 'A pooling_fee cannot move money from a order_ringfence account');
    expectRefused(out('payout', { kind: 'payout', organisationId: m.actor.organisationId }), 'A payout cannot move money from a order_ringfence account');
    expectRefused(out('credit_note', { kind: 'place', placeId }), 'A credit_note cannot move money from a order_ringfence account to a place account');
    expectRefused(out('credit_note', { kind: 'funder', organisationId: m.funder.organisationId }), 'to a funder account');
    expectRefused(out('delivery', { kind: 'funder', organisationId: m.funder.organisationId }), 'A delivery cannot move money from a order_ringfence account to a funder account');
    expectRefused(out('delivery', { kind: 'order_ringfence', orderId: otherOrderId }), 'to a order_ringfence account');
    // A delivery pays only the place of a recorded delivery of that order.
    expectRefused(out('delivery', { kind: 'place', placeId }), 'A delivery transaction names the deliveries it pays');
    // Money goes into a ring-fenced account only as funding from a funder (or its credit).
    expectRefused(
      { kind: 'funding', orderId, postings: [{ owner: ringFence, amountCents: -500 }, { owner: { kind: 'funder', organisationId: m.funder.organisationId }, amountCents: 500 }] },
      'A funding cannot move money from a order_ringfence account to a funder account',
    );
    expectRefused(
      { kind: 'funding', orderId, postings: [{ owner: { kind: 'place', placeId }, amountCents: -500 }, { owner: ringFence, amountCents: 500 }] },
      'A funding cannot move money from a place account',
    );
    // A funding of one order cannot touch another order's ring-fence.
    expectRefused(
      { kind: 'funding', orderId, postings: [{ owner: { kind: 'funder', organisationId: m.funder.organisationId }, amountCents: -500 }, { owner: { kind: 'order_ringfence', orderId: otherOrderId }, amountCents: 500 }] },
      'A ring-fenced account only moves within its own order’s transactions',
    );
  });

  it('refuses paying out more than a place is owed: the CHECK of the account itself, and nothing written', async () => {
    const { placeId } = await accounts();

    expectRefused(
      { kind: 'payout', postings: [{ owner: { kind: 'place', placeId }, amountCents: -1 }, { owner: { kind: 'payout', organisationId: m.actor.organisationId }, amountCents: 1 }] },
      'The place account would go below zero',
    );
    // Nor to another organisation than the one running the place.
    expectRefused(
      { kind: 'payout', postings: [{ owner: { kind: 'place', placeId }, amountCents: -1 }, { owner: { kind: 'payout', organisationId: m.funder.organisationId }, amountCents: 1 }] },
      'A payout goes to the organisation that runs the place',
    );
  });

  it('refuses refunding a funder’s credit to another organisation, or more than the credit holds', async () => {
    await accounts();
    expectRefused(
      {
        kind: 'credit_refund',
        postings: [
          { owner: { kind: 'funder_credit', organisationId: m.funder.organisationId }, amountCents: -1 },
          { owner: { kind: 'funder', organisationId: m.actor.organisationId }, amountCents: 1 },
        ],
      },
      'A funder’s credit is only refunded to that funder',
    );
    expectRefused(
      {
        kind: 'credit_refund',
        postings: [
          { owner: { kind: 'funder_credit', organisationId: m.funder.organisationId }, amountCents: -1 },
          { owner: { kind: 'funder', organisationId: m.funder.organisationId }, amountCents: 1 },
        ],
      },
      'The funder_credit account would go below zero',
    );
  });

  it('refuses spending more than a ring-fenced account holds, and rolls every entry of it back', async () => {
    const { orderId } = await accounts();

    expectRefused(
      {
        kind: 'credit_note',
        orderId,
        postings: [
          { owner: { kind: 'order_ringfence', orderId }, amountCents: -10_001 },
          { owner: { kind: 'funder_credit', organisationId: m.funder.organisationId }, amountCents: 10_001 },
        ],
      },
      'A credit note cannot return more than the funder paid in and was not yet credited',
    );
  });

  it('rolls a valid posting back when the service’s transaction fails after it', async () => {
    const { orderId } = await accounts();
    const before = snapshot(m.db);

    expect(() =>
      m.db.transaction(() => {
        postTransaction(m.db, {
          kind: 'credit_note',
          orderId,
          postings: [
            { owner: { kind: 'order_ringfence', orderId }, amountCents: -500 },
            { owner: { kind: 'funder_credit', organisationId: m.funder.organisationId }, amountCents: 500 },
          ],
        });
        throw new Error('la suite du service échoue');
      }),
    ).toThrow('la suite du service échoue');
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses a credit note paying ring-fenced money to a funder that never funded the order', async () => {
    const { orderId } = await accounts();

    expectRefused(
      {
        kind: 'credit_note',
        orderId,
        postings: [
          { owner: { kind: 'order_ringfence', orderId }, amountCents: -500 },
          { owner: { kind: 'funder_credit', organisationId: m.otherFunder.organisationId }, amountCents: 500 },
        ],
      },
      'Only a funder of the order can pay into or be credited from its ring-fenced account',
    );
  });
});

describe('the ledger after refusals', () => {
  it('stays clean after every kind of refused call of a scenario', async () => {
    const { orderId, awardIds } = await fullScenario();

    await refusal(m.as.actor.deliveries.record.mutate({ awardId: awardIds[0]!, quantity: 1_000, deliveredOn: today(), service: Service.AideAuxDemarchesAdministratives, beneficiaryRef: beneficiaryRef('x'), idempotencyKey: key() }));
    await refusal(m.as.funder.orders.recordPayment.mutate({ orderId, organisationId: m.funder.organisationId, amountCents: 1, reference: 'VIR', idempotencyKey: key() }));
    await refusal(m.as.funder.orders.cancel.mutate({ orderId }));

    expect(checkLedger(m.db).differences).toEqual([]);
  });
});
