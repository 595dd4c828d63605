import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { awards, bids, ledgerTransactions, serviceOrders } from '../../../db/schema';
import { placeYearFigures } from '../../../server/services/figures';
import { balanceOf } from '../../../server/services/ledger';
import type { RecordDeliveryInput } from '../../../shared/schemas/deliveries';
import { makePartnership, makePlace } from '../../factories';
import { beneficiaryRef, makeAwards, makeBid, makeOrder, type OrderOptions } from '../../factories/marketplace';
import { countRows, expectLedgerClean, isoDaysFromToday, key, marketplace, refusal, snapshot, thisYear, today, type Marketplace } from './helpers';

let m: Marketplace;
let quimper: number;
beforeEach(async () => {
  m = await marketplace();
  quimper = makePlace(m.db, { organisationId: m.actor.organisationId, name: 'Espace numérique de Kerfeunteun', mainCommuneCode: '29232' });
});
afterEach(() => expectLedgerClean(m.db));

/** An order awarded to the actor's place: `quantity` services ordered, `awarded` of them awarded. */
function awarded(quantity: number, awardedQuantity = quantity, options: Partial<OrderOptions> & { placeId?: number } = {}) {
  const placeId = options.placeId ?? quimper;
  const orderId = makeOrder(m.db, { funderOrganisationId: m.funder.organisationId, userId: m.funder.user.id, quantity, ...options });
  const bidId = makeBid(m.db, { orderId, organisationId: m.actor.organisationId, lines: [{ placeId, quantity }] });
  const [awardId] = makeAwards(m.db, { orderId, userId: m.funder.user.id, lines: [{ bidId, placeId, quantity: awardedQuantity }] });
  return { orderId, bidId, awardId: awardId! };
}

function delivery(awardId: number, overrides: Partial<RecordDeliveryInput> = {}): RecordDeliveryInput {
  return {
    awardId,
    quantity: 1,
    deliveredOn: today(),
    service: Service.AideAuxDemarchesAdministratives,
    beneficiaryRef: beneficiaryRef('personne-1'),
    idempotencyKey: key(),
    ...overrides,
  };
}

const figures = (placeId = quimper) => placeYearFigures(m.db, placeId, thisYear());
const orderStatus = (orderId: number) => m.db.select({ status: serviceOrders.status }).from(serviceOrders).where(eq(serviceOrders.id, orderId)).get()!.status;
const FORBIDDEN = { code: 'FORBIDDEN', httpStatus: 403, message: 'Accès refusé à cette ressource' };

describe('recording one delivery', () => {
  it('moves the place’s figures: services and revenue delivered up, committed down, distinct beneficiaries counted once', async () => {
    const { orderId, awardId } = awarded(100, 50);
    expect(figures()).toMatchObject({ servicesDelivered: 0, revenueDeliveredCents: 0, servicesCommitted: 50, revenueCommittedCents: 50_000, beneficiaries: 0 });

    const first = await m.as.actor.deliveries.record.mutate(delivery(awardId, { quantity: 3, beneficiaryRef: beneficiaryRef('anne') }));
    expect(first).toMatchObject({ replayed: false, delivery: { awardId, orderId, placeId: quimper, quantity: 3, amountCents: 3_000 } });
    expect(figures()).toMatchObject({ servicesDelivered: 3, revenueDeliveredCents: 3_000, servicesCommitted: 47, revenueCommittedCents: 47_000, beneficiaries: 1 });

    await m.as.actor.deliveries.record.mutate(delivery(awardId, { quantity: 2, beneficiaryRef: beneficiaryRef('anne') }));
    expect(figures()).toMatchObject({ servicesDelivered: 5, revenueDeliveredCents: 5_000, revenueCommittedCents: 45_000, beneficiaries: 1 });

    await m.as.actor.deliveries.record.mutate(delivery(awardId, { quantity: 1, beneficiaryRef: beneficiaryRef('bernard') }));
    expect(figures()).toMatchObject({ servicesDelivered: 6, revenueDeliveredCents: 6_000, servicesCommitted: 44, revenueCommittedCents: 44_000, beneficiaries: 2 });

    // The money moved from the ring-fenced account to the place, and the order says so.
    expect(balanceOf(m.db, { kind: 'order_ringfence', orderId })).toBe(94_000);
    expect(balanceOf(m.db, { kind: 'place', placeId: quimper })).toBe(6_000);
    expect((await m.as.funder.orders.get.query({ orderId })).totals).toMatchObject({ deliveredQuantity: 6, deliveredCents: 6_000 });
    expect((await m.as.actor.deliveries.ofAward.query({ awardId })).map((d) => d.quantity)).toEqual([1, 2, 3]);
    expect((await m.as.actor.places.get.query({ placeId: quimper })).figures).toMatchObject({ servicesDelivered: 6, beneficiaries: 2 });
  });

  it('answers a replayed idempotency key with the same delivery, counted once', async () => {
    const { awardId } = awarded(100, 50);
    const input = delivery(awardId, { quantity: 4, idempotencyKey: 'tablette-3-2026-11-28-0001' });

    const first = await m.as.actor.deliveries.record.mutate(input);
    const after = snapshot(m.db);
    const replay = await m.as.actor.deliveries.record.mutate(input);

    expect(replay).toEqual({ delivery: first.delivery, replayed: true, figures: [] });
    expect(snapshot(m.db)).toEqual(after);
    expect(figures()).toMatchObject({ servicesDelivered: 4, revenueDeliveredCents: 4_000 });
  });

  it('refuses the same idempotency key with a different payload, with CONFLICT, and changes nothing', async () => {
    const { awardId } = awarded(100, 50);
    await m.as.actor.deliveries.record.mutate(delivery(awardId, { quantity: 4, idempotencyKey: 'tablette-3-0002' }));
    const before = snapshot(m.db);

    expect(await refusal(m.as.actor.deliveries.record.mutate(delivery(awardId, { quantity: 5, idempotencyKey: 'tablette-3-0002' })))).toMatchObject({
      code: 'CONFLICT',
      httpStatus: 409,
      message: 'Cette clé d’idempotence a déjà servi pour une autre prestation',
    });
    expect(snapshot(m.db)).toEqual(before);
  });

  it('completes the order when every ordered service is delivered, after which nothing more is recorded', async () => {
    const { orderId, awardId } = awarded(20);
    expect(orderStatus(orderId)).toBe('in_delivery');

    await m.as.actor.deliveries.record.mutate(delivery(awardId, { quantity: 15 }));
    expect(orderStatus(orderId)).toBe('in_delivery');
    await m.as.actor.deliveries.record.mutate(delivery(awardId, { quantity: 5 }));
    expect(orderStatus(orderId)).toBe('completed');
    expect(balanceOf(m.db, { kind: 'order_ringfence', orderId })).toBe(0);

    const before = snapshot(m.db);
    expect(await refusal(m.as.actor.deliveries.record.mutate(delivery(awardId)))).toMatchObject({
      code: 'CONFLICT',
      message: 'Cette commande ne reçoit pas de prestations (statut « completed »)',
    });
    expect(
      await refusal(m.as.funder.orders.recordPayment.mutate({ orderId, organisationId: m.funder.organisationId, amountCents: 1, reference: 'VIR-TARDIF', idempotencyKey: key() })),
    ).toMatchObject({ code: 'CONFLICT', message: 'Cette commande ne reçoit plus de versement' });
    expect(snapshot(m.db)).toEqual(before);
  });

  it('pays the partnership its pooling fee on a delivery under a partnership award, the place’s revenue staying gross', async () => {
    const { organisationId: partnershipOrg, partnershipId } = makePartnership(m.db, {
      name: 'CAE Bretagne numérique',
      kind: 'cae',
      leadOrganisationId: m.actor.organisationId,
      departementCodes: ['29'],
      placeIds: [quimper],
      poolingFeeBps: 500,
    });
    const orderId = makeOrder(m.db, { funderOrganisationId: m.funder.organisationId, userId: m.funder.user.id, quantity: 100 });
    const bidId = makeBid(m.db, { orderId, organisationId: m.actor.organisationId, lines: [{ placeId: quimper, quantity: 100 }] });
    // Partnership bids come with their shared drafts (a later capability): the bid row says so directly.
    m.db.update(bids).set({ partnershipId }).where(eq(bids.id, bidId)).run();
    await m.as.funder.awards.closeBidding.mutate({ orderId });
    const {
      awardIds: [awardId],
    } = await m.as.funder.awards.create.mutate({ orderId, lines: [{ bidId, placeId: quimper, quantity: 100 }] });
    expect(m.db.select().from(awards).where(eq(awards.id, awardId!)).get()!.partnershipId).toBe(partnershipId);

    await m.as.actor.deliveries.record.mutate(delivery(awardId!, { quantity: 10 }));

    expect(balanceOf(m.db, { kind: 'order_ringfence', orderId })).toBe(90_000);
    expect(balanceOf(m.db, { kind: 'place', placeId: quimper })).toBe(9_500);
    expect(balanceOf(m.db, { kind: 'partnership', organisationId: partnershipOrg })).toBe(500);
    expect(figures()).toMatchObject({ servicesDelivered: 10, revenueDeliveredCents: 10_000 });
    const kinds = m.db.select({ kind: ledgerTransactions.kind }).from(ledgerTransactions).where(eq(ledgerTransactions.orderId, orderId)).all();
    expect(kinds.map((t) => t.kind)).toEqual(['funding', 'delivery', 'pooling_fee']);
  });
});

describe('refused deliveries, each with nothing changed', () => {
  it.each([
    ['more services than remain on the award', (awardId: number) => delivery(awardId, { quantity: 50 }), 'Dépasse le reste à réaliser de l’attribution (49 services)'],
    ['a date in the future', (awardId: number) => delivery(awardId, { deliveredOn: isoDaysFromToday(1) }), 'Une prestation ne peut pas être datée dans le futur'],
    ['a service the order does not include', (awardId: number) => delivery(awardId, { service: Service.LoisirsEtCreationsNumeriques }), 'Ce service ne fait pas partie de la commande'],
  ] as const)('refuses %s, with BAD_REQUEST', async (_case, input, message) => {
    const { awardId } = awarded(100, 50);
    await m.as.actor.deliveries.record.mutate(delivery(awardId, { quantity: 1, beneficiaryRef: beneficiaryRef('premier') }));
    const before = snapshot(m.db);
    const place = (await m.as.actor.places.get.query({ placeId: quimper })).figures;

    const answer = await refusal(m.as.actor.deliveries.record.mutate(input(awardId)));

    expect(answer).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400, message });
    expect(snapshot(m.db)).toEqual(before);
    expect((await m.as.actor.places.get.query({ placeId: quimper })).figures).toEqual(place);
  });

  it('refuses a date outside the order’s delivery window, with BAD_REQUEST', async () => {
    const start = isoDaysFromToday(-10);
    const { awardId } = awarded(100, 50, { deliveryStartsOn: start, deliveryEndsOn: isoDaysFromToday(90) });
    const before = snapshot(m.db);

    const answer = await refusal(m.as.actor.deliveries.record.mutate(delivery(awardId, { deliveredOn: isoDaysFromToday(-11) })));

    expect(answer).toMatchObject({ code: 'BAD_REQUEST', message: `Hors de la période de réalisation (${start} – ${isoDaysFromToday(90)})` });
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses a name as beneficiary reference, on beneficiaryRef: only a pseudonymous hash is accepted', async () => {
    const { awardId } = awarded(100, 50);
    const before = snapshot(m.db);

    for (const name of ['Jean Dupont', 'jean.dupont@exemple.fr', 'DUPONT']) {
      const answer = await refusal(m.as.actor.deliveries.record.mutate(delivery(awardId, { beneficiaryRef: name })));
      expect(answer).toMatchObject({
        code: 'BAD_REQUEST',
        message: 'Données invalides',
        fieldErrors: { beneficiaryRef: ['Référence bénéficiaire pseudonyme attendue (empreinte hexadécimale, jamais un nom)'] },
      });
    }
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses a zero quantity, a malformed date and a malformed idempotency key, on their fields', async () => {
    const { awardId } = awarded(100, 50);
    const before = snapshot(m.db);

    const answer = await refusal(m.as.actor.deliveries.record.mutate(delivery(awardId, { quantity: 0, deliveredOn: '28/11/2026', idempotencyKey: 'court' })));

    expect(answer.code).toBe('BAD_REQUEST');
    expect(Object.keys(answer.fieldErrors ?? {}).sort()).toEqual(['deliveredOn', 'idempotencyKey', 'quantity']);
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses a rival actor, the funder or anyone recording on an award of someone else’s place, or on an unknown award, with FORBIDDEN', async () => {
    const { awardId } = awarded(100, 50);
    const before = snapshot(m.db);

    for (const api of [m.as.rival, m.as.funder]) {
      expect(await refusal(api.deliveries.record.mutate(delivery(awardId)))).toMatchObject(FORBIDDEN);
      expect(await refusal(api.deliveries.ofAward.query({ awardId }))).toMatchObject(FORBIDDEN);
    }
    expect(await refusal(m.as.rival.deliveries.record.mutate(delivery(999_999)))).toMatchObject(FORBIDDEN);
    expect(await refusal(m.as.rival.deliveries.ofAward.query({ awardId: 999_999 }))).toMatchObject(FORBIDDEN);
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses a delivery by a suspended place with CONFLICT', async () => {
    const { awardId } = awarded(100, 50);
    await m.as.operator.qualification.decide.mutate({ placeId: quimper, decision: 'suspend', reason: 'Contrôle qualité en cours' });
    const before = snapshot(m.db);

    expect(await refusal(m.as.actor.deliveries.record.mutate(delivery(awardId)))).toMatchObject({
      code: 'CONFLICT',
      message: 'Ce lieu est suspendu : il ne peut pas enregistrer de nouvelle prestation',
    });
    expect(snapshot(m.db)).toEqual(before);
  });

  it.each([
    ['quantity', (awardId: number) => delivery(awardId, { quantity: 51 }), { quantity: ['Dépasse le reste à réaliser de l’attribution (50 services)'] }],
    ['deliveredOn', (awardId: number) => delivery(awardId, { deliveredOn: isoDaysFromToday(1) }), { deliveredOn: ['Une prestation ne peut pas être datée dans le futur'] }],
    ['service', (awardId: number) => delivery(awardId, { service: Service.LoisirsEtCreationsNumeriques }), { service: ['Ce service ne fait pas partie de la commande'] }],
  ] as const)('names the field %s of a delivery refused by the service', async (_field, input, fieldErrors) => {
    const { awardId } = awarded(100, 50);

    expect((await refusal(m.as.actor.deliveries.record.mutate(input(awardId)))).fieldErrors).toEqual(fieldErrors);
  });
});

describe('recording deliveries in a batch', () => {
  const rows = (awardId: number, n: number, prefix = key()) =>
    Array.from({ length: n }, (_, i) => delivery(awardId, { beneficiaryRef: beneficiaryRef(`${prefix}-personne-${i}`), idempotencyKey: `${prefix}-${i}` }));

  it('records 1 000 rows in one call, each counted once in the figures', async () => {
    const { orderId, awardId } = awarded(1_000);

    expect(await m.as.actor.deliveries.recordBatch.mutate({ rows: rows(awardId, 1_000) })).toEqual({ recorded: 1_000, replayed: 0 });

    expect(figures()).toMatchObject({ servicesDelivered: 1_000, revenueDeliveredCents: 1_000_000, servicesCommitted: 0, revenueCommittedCents: 0, beneficiaries: 1_000 });
    expect(countRows(m.db, 'deliveries')).toBe(1_000);
    expect(orderStatus(orderId)).toBe('completed');
  });

  it('counts every row of a replayed batch as a replay, moving nothing', async () => {
    const { awardId } = awarded(100);
    const batch = rows(awardId, 30);
    await m.as.actor.deliveries.recordBatch.mutate({ rows: batch });
    const after = snapshot(m.db);

    expect(await m.as.actor.deliveries.recordBatch.mutate({ rows: batch })).toEqual({ recorded: 0, replayed: 30 });
    expect(snapshot(m.db)).toEqual(after);
    // Half old, half new: only the new ones count.
    expect(await m.as.actor.deliveries.recordBatch.mutate({ rows: [...batch.slice(0, 15), ...rows(awardId, 5)] })).toEqual({ recorded: 5, replayed: 15 });
  });

  it('refuses a batch with three rows the schema rejects, listing exactly those rows and fields, and writes nothing', async () => {
    const { awardId } = awarded(100);
    const batch: unknown[] = rows(awardId, 10);
    batch[1] = { ...(batch[1] as object), beneficiaryRef: 'Jean Dupont' };
    batch[4] = { ...(batch[4] as object), quantity: 0 };
    batch[8] = { ...(batch[8] as object), deliveredOn: '2026-13-01' };
    const before = snapshot(m.db);

    const answer = await refusal(m.as.actor.deliveries.recordBatch.mutate({ rows: batch as RecordDeliveryInput[] }));

    expect(answer).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400, message: 'Lot refusé : 3 erreur(s), rien n’a été enregistré' });
    expect(answer.rowErrors).toEqual([
      { row: 2, field: 'beneficiaryRef', message: 'Référence bénéficiaire pseudonyme attendue (empreinte hexadécimale, jamais un nom)' },
      { row: 5, field: 'quantity', message: 'Au moins 1' },
      { row: 9, field: 'deliveredOn', message: 'Date attendue au format AAAA-MM-JJ' },
    ]);
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses a batch with three rows the service rejects, listing exactly those rows, and rolls the valid rows back', async () => {
    const { awardId } = awarded(100, 50);
    const batch = rows(awardId, 10);
    batch[2] = { ...batch[2]!, deliveredOn: isoDaysFromToday(1) };
    batch[5] = { ...batch[5]!, service: Service.LoisirsEtCreationsNumeriques };
    batch[7] = { ...batch[7]!, quantity: 46 }; // the 5 valid single rows before it leave 45
    const before = snapshot(m.db);

    const answer = await refusal(m.as.actor.deliveries.recordBatch.mutate({ rows: batch }));

    expect(answer).toMatchObject({ code: 'BAD_REQUEST', message: 'Lot refusé : 3 erreur(s), rien n’a été enregistré' });
    expect(answer.rowErrors?.map(({ row, message }) => ({ row, message }))).toEqual([
      { row: 3, message: 'Une prestation ne peut pas être datée dans le futur' },
      { row: 6, message: 'Ce service ne fait pas partie de la commande' },
      { row: 8, message: 'Dépasse le reste à réaliser de l’attribution (45 services)' },
    ]);
    expect(snapshot(m.db)).toEqual(before);
  });

  it('names the field of each row the service rejects', async () => {
    const { awardId } = awarded(100, 50);
    const batch = rows(awardId, 10);
    batch[2] = { ...batch[2]!, deliveredOn: isoDaysFromToday(1) };
    batch[5] = { ...batch[5]!, service: Service.LoisirsEtCreationsNumeriques };

    const answer = await refusal(m.as.actor.deliveries.recordBatch.mutate({ rows: batch }));

    expect(answer.rowErrors?.map(({ row, field }) => ({ row, field }))).toEqual([
      { row: 3, field: 'deliveredOn' },
      { row: 6, field: 'service' },
    ]);
  });

  it('lists the rows refused by the schema and by the service together', async () => {
    const { awardId } = awarded(100, 50);
    const batch: unknown[] = rows(awardId, 10);
    batch[1] = { ...(batch[1] as object), beneficiaryRef: 'Jean Dupont' };
    batch[2] = { ...(batch[2] as object), deliveredOn: isoDaysFromToday(1) };
    batch[5] = { ...(batch[5] as object), service: Service.LoisirsEtCreationsNumeriques };

    const answer = await refusal(m.as.actor.deliveries.recordBatch.mutate({ rows: batch as RecordDeliveryInput[] }));

    expect(answer.rowErrors?.map((e) => e.row)).toEqual([2, 3, 6]);
  });

  it('refuses a batch of more than 1 000 rows, or of none, on rows, and writes nothing', async () => {
    const { awardId } = awarded(1_100);
    const before = snapshot(m.db);

    const tooMany = await refusal(m.as.actor.deliveries.recordBatch.mutate({ rows: rows(awardId, 1_001) }));
    expect(tooMany).toMatchObject({ code: 'BAD_REQUEST', fieldErrors: { rows: ['1000 lignes au plus par lot'] } });
    const empty = await refusal(m.as.actor.deliveries.recordBatch.mutate({ rows: [] }));
    expect(empty.code).toBe('BAD_REQUEST');
    expect(Object.keys(empty.fieldErrors ?? {})).toEqual(['rows']);
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses a rival’s batch on someone else’s award, row by row, and writes nothing', async () => {
    const { awardId } = awarded(100);
    const before = snapshot(m.db);

    const answer = await refusal(m.as.rival.deliveries.recordBatch.mutate({ rows: rows(awardId, 2) }));

    expect(answer.code).toBe('BAD_REQUEST');
    expect(answer.rowErrors).toEqual([
      { row: 1, field: null, message: 'Accès refusé à cette ressource' },
      { row: 2, field: null, message: 'Accès refusé à cette ressource' },
    ]);
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses an unknown award in a batch exactly like someone else’s, so award ids cannot be probed', async () => {
    const { awardId } = awarded(100);

    const foreign = await refusal(m.as.rival.deliveries.recordBatch.mutate({ rows: rows(awardId, 1) }));
    const unknown = await refusal(m.as.rival.deliveries.recordBatch.mutate({ rows: rows(999_999, 1) }));

    expect(unknown.rowErrors).toEqual(foreign.rowErrors);
  });
});
