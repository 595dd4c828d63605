import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { departementYearFigures, ledgerTransactions, serviceOrders } from '../../../db/schema';
import { balanceOf } from '../../../server/services/ledger';
import { coFund } from '../../../server/services/orders';
import type { CreateOrderInput } from '../../../shared/schemas/orders';
import { makePlace, makeRound } from '../../factories';
import { makeAwards, makeBid, makeDelivery, makeOrder, sessionUserOf } from '../../factories/marketplace';
import {
  countRows,
  expectLedgerClean,
  fundedOrder,
  isoDaysFromToday,
  key,
  marketplace,
  messagesAt,
  orderForm,
  refusal,
  snapshot,
  thisYear,
  type Marketplace,
} from './helpers';

let m: Marketplace;
beforeEach(async () => {
  m = await marketplace();
});
afterEach(() => {
  expectLedgerClean(m.db);
});

/** The update form of an order: every field again, the order's id instead of the organisation. */
function updateForm(orderId: number, overrides: Partial<CreateOrderInput> = {}) {
  const { organisationId: _organisationId, ...fields } = orderForm(m.funder.organisationId, overrides);
  return { ...fields, orderId };
}

const orderRow = (orderId: number) => m.db.select().from(serviceOrders).where(eq(serviceOrders.id, orderId)).get()!;
const ringFence = (orderId: number) => balanceOf(m.db, { kind: 'order_ringfence', orderId });
const funderAccount = (organisationId: number) => balanceOf(m.db, { kind: 'funder', organisationId });
const funderCredit = (organisationId: number) => balanceOf(m.db, { kind: 'funder_credit', organisationId });
const FORBIDDEN = { code: 'FORBIDDEN', httpStatus: 403, message: 'Accès refusé à cette ressource' };

describe('a funder’s order, from draft to publication', () => {
  it('drafts an order, edits it and publishes it, and the order page says how much is funded', async () => {
    const { orderId } = await m.as.funder.orders.create.mutate(orderForm(m.funder.organisationId));

    const draft = await m.as.funder.orders.get.query({ orderId });
    expect(draft.order).toMatchObject({ status: 'draft', quantity: 100, unitPriceCents: 1_000, departementCodes: ['29'], publishedAt: null });
    expect(draft.totals).toMatchObject({ amountCents: 100_000, budgetCents: 100_000, fundedCents: 0, awardedQuantity: 0, bidCount: 0 });
    expect(draft.viewer).toEqual({ isFunder: true, isCreator: true });

    const edited = await m.as.funder.orders.update.mutate(updateForm(orderId, { title: 'Démarches en ligne à Quimper', quantity: 120, communeCodes: ['29232'] }));
    expect(edited).toMatchObject({ status: 'draft', title: 'Démarches en ligne à Quimper', quantity: 120, communeCodes: ['29232'] });
    expect((await m.as.funder.orders.get.query({ orderId })).totals).toMatchObject({ amountCents: 120_000, budgetCents: 120_000 });

    const published = await m.as.funder.orders.publish.mutate({ orderId });
    expect(published).toMatchObject({ status: 'open', publishedAt: expect.any(String) });

    const payment = await m.as.funder.orders.recordPayment.mutate({
      orderId,
      organisationId: m.funder.organisationId,
      amountCents: 70_000,
      reference: 'VIR-2026-0042',
      idempotencyKey: key(),
    });
    expect(payment).toMatchObject({ replayed: false, totals: { fundedCents: 70_000, budgetCents: 120_000 } });
    expect(ringFence(orderId)).toBe(70_000);
    expect(funderAccount(m.funder.organisationId)).toBe(-70_000);
    expect((await m.as.funder.orders.ofFunder.query({ organisationId: m.funder.organisationId })).map((o) => [o.id, o.totals.fundedCents])).toEqual([
      [orderId, 70_000],
    ]);
  });

  it('keeps a share set by the creator below the order’s amount, leaving the rest to co-funders', async () => {
    const { orderId } = await m.as.funder.orders.create.mutate(orderForm(m.funder.organisationId, { shareCents: 60_000 }));

    expect((await m.as.funder.orders.get.query({ orderId })).totals).toMatchObject({ amountCents: 100_000, budgetCents: 60_000 });
  });

  it('creates an order in an open funding round whose territory it shares', async () => {
    const roundId = makeRound(m.db, { operatorOrganisationId: m.operator.organisationId, departementCodes: ['29', '56'] });

    const { orderId } = await m.as.funder.orders.create.mutate(orderForm(m.funder.organisationId, { roundId }));

    expect(orderRow(orderId).roundId).toBe(roundId);
  });

  it('refuses to publish an order whose bid deadline has passed, on bidDeadline, and leaves it a draft', async () => {
    const { orderId } = await m.as.funder.orders.create.mutate(orderForm(m.funder.organisationId, { bidDeadline: isoDaysFromToday(-1) }));
    const before = snapshot(m.db);

    expect(await refusal(m.as.funder.orders.publish.mutate({ orderId }))).toMatchObject({
      code: 'BAD_REQUEST',
      message: 'La date limite des offres est déjà passée',
    });
    expect(snapshot(m.db)).toEqual(before);
    expect(orderRow(orderId).status).toBe('draft');
  });

  it('refuses to edit or publish again an order once published, with CONFLICT, and changes nothing', async () => {
    const orderId = await fundedOrder(m.as.funder, m.funder.organisationId);
    const before = snapshot(m.db);

    expect(await refusal(m.as.funder.orders.update.mutate(updateForm(orderId, { quantity: 500 })))).toMatchObject({
      code: 'CONFLICT',
      httpStatus: 409,
      message: 'Seule une commande en brouillon peut être modifiée',
    });
    expect(await refusal(m.as.funder.orders.publish.mutate({ orderId }))).toMatchObject({
      code: 'CONFLICT',
      message: 'Seule une commande en brouillon peut être publiée',
    });
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses another funder editing, publishing or cancelling the order with FORBIDDEN, and changes nothing', async () => {
    const { orderId } = await m.as.funder.orders.create.mutate(orderForm(m.funder.organisationId));
    const before = snapshot(m.db);

    expect(await refusal(m.as.otherFunder.orders.update.mutate(updateForm(orderId, { quantity: 1 })))).toMatchObject(FORBIDDEN);
    expect(await refusal(m.as.otherFunder.orders.publish.mutate({ orderId }))).toMatchObject(FORBIDDEN);
    expect(await refusal(m.as.otherFunder.orders.cancel.mutate({ orderId }))).toMatchObject(FORBIDDEN);
    expect(await refusal(m.as.actor.orders.publish.mutate({ orderId }))).toMatchObject(FORBIDDEN);
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses an actor creating an order, even for its own organisation, and a funder creating one for another funder', async () => {
    const before = snapshot(m.db);

    expect(await refusal(m.as.actor.orders.create.mutate(orderForm(m.actor.organisationId)))).toMatchObject({
      code: 'FORBIDDEN',
      message: 'Seul un commanditaire publie des commandes',
    });
    expect(await refusal(m.as.otherFunder.orders.create.mutate(orderForm(m.funder.organisationId)))).toMatchObject(FORBIDDEN);
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses a payment into a draft, whose territory and amount can still change, and writes nothing', async () => {
    const { orderId } = await m.as.funder.orders.create.mutate(orderForm(m.funder.organisationId));
    const before = snapshot(m.db);

    const answer = await refusal(
      m.as.funder.orders.recordPayment.mutate({ orderId, organisationId: m.funder.organisationId, amountCents: 50_000, reference: 'VIR-1', idempotencyKey: key() }),
    );

    expect(answer).toMatchObject({ code: 'CONFLICT', message: 'Publiez la commande avant d’y verser des fonds : son territoire et son montant sont alors figés' });
    expect(snapshot(m.db)).toEqual(before);
  });

  it('keeps the ledger check clean when a draft has its territory edited before publication', async () => {
    const { orderId } = await m.as.funder.orders.create.mutate(orderForm(m.funder.organisationId));
    await m.as.funder.orders.update.mutate(updateForm(orderId, { departementCodes: ['22'] }));
    expect(orderRow(orderId)).toMatchObject({ departementCodes: ['22'] });
    expectLedgerClean(m.db);
  });
});

describe('refusals of an order form, each on its field and with nothing written', () => {
  const y = thisYear() + 1;
  it.each([
    ['the delivery window ends before it starts', { bidDeadline: `${y}-03-01`, deliveryStartsOn: `${y}-06-01`, deliveryEndsOn: `${y}-05-01` }, 'deliveryEndsOn', 'La fin de réalisation précède son début'],
    ['the bid deadline falls after the window’s end', { bidDeadline: `${y}-02-01`, deliveryStartsOn: `${y}-01-01`, deliveryEndsOn: `${y}-01-31` }, 'bidDeadline', 'La date limite des offres doit précéder la fin de réalisation'],
    ['the quantity is zero', { quantity: 0 }, 'quantity', 'Au moins 1'],
    ['the quantity is negative', { quantity: -5 }, 'quantity', 'Au moins 1'],
    ['the département code does not exist', { departementCodes: ['99'] }, 'departementCodes.0', 'Code de département INSEE inconnu'],
    ['a commune code is malformed', { communeCodes: ['2923'] }, 'communeCodes.0', 'Code commune INSEE invalide'],
    ['no territory is given', { departementCodes: [], communeCodes: [] }, 'departementCodes', 'Territoire requis : au moins un département ou une commune'],
    ['the creator’s share exceeds the order’s amount', { shareCents: 100_001 }, 'shareCents', 'La part dépasse le montant de la commande'],
    ['no service is named', { services: [] }, 'services', 'Au moins un service'],
    ['a service is outside the national vocabulary', { services: ['Réparation de vélos'] as never }, 'services.0', 'Service hors du référentiel national'],
    ['a date is not a date', { deliveryEndsOn: `${y}-02-30` }, 'deliveryEndsOn', 'Date attendue au format AAAA-MM-JJ'],
  ] as const)('refuses an order when %s', async (_case, overrides, field, message) => {
    const before = snapshot(m.db);

    const answer = await refusal(m.as.funder.orders.create.mutate(orderForm(m.funder.organisationId, overrides as Partial<CreateOrderInput>)));

    expect(answer).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400, message: 'Données invalides' });
    expect(messagesAt(answer.fieldErrors, field)).toEqual([message]);
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses a commune that does not exist in the official geographic code, and writes nothing', async () => {
    const before = snapshot(m.db);

    const answer = await refusal(m.as.funder.orders.create.mutate(orderForm(m.funder.organisationId, { departementCodes: [], communeCodes: ['29998'] })));

    expect(answer).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400, message: 'Commune inconnue : 29998' });
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses an unknown funding round and a closed one, and writes nothing', async () => {
    const closed = makeRound(m.db, { operatorOrganisationId: m.operator.organisationId, status: 'closed' });
    const before = snapshot(m.db);

    expect(await refusal(m.as.funder.orders.create.mutate(orderForm(m.funder.organisationId, { roundId: 999 })))).toMatchObject({
      code: 'BAD_REQUEST',
      message: 'Campagne inconnue',
    });
    expect(await refusal(m.as.funder.orders.create.mutate(orderForm(m.funder.organisationId, { roundId: closed })))).toMatchObject({
      code: 'BAD_REQUEST',
      message: 'Cette campagne n’est pas ouverte',
    });
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses the same rules on an edit of a draft, and leaves the draft as it was', async () => {
    const { orderId } = await m.as.funder.orders.create.mutate(orderForm(m.funder.organisationId));
    const before = snapshot(m.db);

    const answer = await refusal(m.as.funder.orders.update.mutate(updateForm(orderId, { quantity: 0 })));

    expect(answer).toMatchObject({ code: 'BAD_REQUEST', fieldErrors: { quantity: ['Au moins 1'] } });
    expect(snapshot(m.db)).toEqual(before);
  });

  it('names the field of a refusal found by the service: an unknown commune (communeCodes.0)', async () => {
    const answer = await refusal(m.as.funder.orders.create.mutate(orderForm(m.funder.organisationId, { departementCodes: [], communeCodes: ['29998'] })));

    expect(answer.fieldErrors).toEqual({ 'communeCodes.0': ['Commune inconnue : 29998'] });
  });

  it('names the field of a refusal found by the service: a past deadline at publication (bidDeadline)', async () => {
    const { orderId } = await m.as.funder.orders.create.mutate(orderForm(m.funder.organisationId, { bidDeadline: isoDaysFromToday(-1) }));

    expect((await refusal(m.as.funder.orders.publish.mutate({ orderId }))).fieldErrors).toEqual({ bidDeadline: ['La date limite des offres est déjà passée'] });
  });
});

describe('cancelling an order', () => {
  it('cancels an open order: standing bids are rejected and the money paid in returns to its funder as a credit note', async () => {
    const placeId = makePlace(m.db, { organisationId: m.actor.organisationId, mainCommuneCode: '29232' });
    const orderId = await fundedOrder(m.as.funder, m.funder.organisationId);
    const bid = await m.as.actor.bids.submit.mutate({ orderId, organisationId: m.actor.organisationId, unitPriceCents: 1_000, lines: [{ placeId, quantity: 40 }] });
    expect(ringFence(orderId)).toBe(100_000);
    expect((await m.as.operator.qualification.balance.query({ departementCode: '29' })).fundingCents).toBe(100_000);

    expect(await m.as.funder.orders.cancel.mutate({ orderId })).toMatchObject({ status: 'cancelled' });

    // The money waits on the funder's credit, to fund another order or be refunded.
    expect(ringFence(orderId)).toBe(0);
    expect(funderAccount(m.funder.organisationId)).toBe(-100_000);
    expect(funderCredit(m.funder.organisationId)).toBe(100_000);
    const kinds = m.db.select({ kind: ledgerTransactions.kind }).from(ledgerTransactions).where(eq(ledgerTransactions.orderId, orderId)).all();
    expect(kinds.map((t) => t.kind)).toEqual(['funding', 'credit_note']);
    const { totals } = await m.as.funder.orders.get.query({ orderId });
    expect(totals).toMatchObject({ fundedCents: 0, bidCount: 1 });
    expect((await m.as.funder.bids.ofOrder.query({ orderId })).bids.map((b) => [b.id, b.status])).toEqual([[bid.id, 'rejected']]);
    expect((await m.as.operator.qualification.balance.query({ departementCode: '29' })).fundingCents).toBe(0);
  });

  it('returns each co-funder’s payment to that co-funder', async () => {
    const orderId = await fundedOrder(m.as.funder, m.funder.organisationId, { shareCents: 60_000 }, 60_000);
    coFund(m.db, { orderId, organisationId: m.otherFunder.organisationId, shareCents: 40_000 }); // see the co-funding bug below
    await m.as.otherFunder.orders.recordPayment.mutate({ orderId, organisationId: m.otherFunder.organisationId, amountCents: 25_000, reference: 'VIR-CAF', idempotencyKey: key() });

    await m.as.funder.orders.cancel.mutate({ orderId });

    expect(ringFence(orderId)).toBe(0);
    expect(funderCredit(m.funder.organisationId)).toBe(60_000);
    expect(funderCredit(m.otherFunder.organisationId)).toBe(25_000);
    expect(m.db.select().from(ledgerTransactions).where(eq(ledgerTransactions.kind, 'credit_note')).all()).toHaveLength(2);
  });

  it('cancels a draft without any ledger movement', async () => {
    const { orderId } = await m.as.funder.orders.create.mutate(orderForm(m.funder.organisationId));

    await m.as.funder.orders.cancel.mutate({ orderId });

    expect(orderRow(orderId).status).toBe('cancelled');
    expect(countRows(m.db, 'ledger_transactions')).toBe(0);
  });

  it('refuses to cancel an order once awarded, or twice, with CONFLICT, and changes nothing', async () => {
    const placeId = makePlace(m.db, { organisationId: m.actor.organisationId });
    const awarded = makeOrder(m.db, { funderOrganisationId: m.funder.organisationId, userId: m.funder.user.id, quantity: 20 });
    const bidId = makeBid(m.db, { orderId: awarded, organisationId: m.actor.organisationId, lines: [{ placeId, quantity: 20 }] });
    makeAwards(m.db, { orderId: awarded, userId: m.funder.user.id, lines: [{ bidId, placeId, quantity: 10 }] });
    const cancelled = await fundedOrder(m.as.funder, m.funder.organisationId);
    await m.as.funder.orders.cancel.mutate({ orderId: cancelled });
    const before = snapshot(m.db);

    for (const orderId of [awarded, cancelled]) {
      expect(await refusal(m.as.funder.orders.cancel.mutate({ orderId }))).toMatchObject({
        code: 'CONFLICT',
        message: 'Une commande déjà attribuée ne peut plus être annulée',
      });
    }
    expect(snapshot(m.db)).toEqual(before);
  });

  it('cancels in January an order paid in December, returning the money in the year the funding counted for', async () => {
    const orderId = await fundedOrder(m.as.funder, m.funder.organisationId);
    // Move the payment into last year (setting up time by direct row updates): territory funding
    // counts for the year of the order's services, whenever the money was paid or returned.
    const lastYear = thisYear() - 1;
    m.db.update(ledgerTransactions).set({ createdAt: `${lastYear}-12-15T10:00:00.000Z` }).where(eq(ledgerTransactions.orderId, orderId)).run();
    expectLedgerClean(m.db);
    const servicesYear = Number(orderRow(orderId).deliveryStartsOn.slice(0, 4));
    const funding = () =>
      m.db.select().from(departementYearFigures).where(eq(departementYearFigures.year, servicesYear)).all().reduce((sum, f) => sum + f.fundingCents, 0);
    expect(funding()).toBeGreaterThan(0);

    await m.as.funder.orders.cancel.mutate({ orderId });

    expect(ringFence(orderId)).toBe(0);
    expect(funding()).toBe(0);
    expectLedgerClean(m.db);
  });
  it('cancels an order whose bidding was closed without any award, as the finish refusal advises', async () => {
    const orderId = await fundedOrder(m.as.funder, m.funder.organisationId);
    await m.as.funder.awards.closeBidding.mutate({ orderId });
    expect(await refusal(m.as.funder.awards.finish.mutate({ orderId }))).toMatchObject({ code: 'CONFLICT', message: 'Aucune attribution : annulez plutôt la commande' });

    await m.as.funder.orders.cancel.mutate({ orderId });

    expect(orderRow(orderId).status).toBe('cancelled');
    expect(ringFence(orderId)).toBe(0);
  });
});

describe('co-funding an order', () => {
  it('lets another funder join a published order with a share of what remains, then pay it in', async () => {
    const orderId = await fundedOrder(m.as.funder, m.funder.organisationId, { shareCents: 60_000 }, 60_000);

    expect((await m.as.otherFunder.orders.get.query({ orderId })).order.status).toBe('open');
    const totals = await m.as.otherFunder.orders.coFund.mutate({ orderId, organisationId: m.otherFunder.organisationId, shareCents: 40_000 });
    expect(totals).toMatchObject({ amountCents: 100_000, budgetCents: 100_000, fundedCents: 60_000 });
    expect(totals.funders.map((f) => f.organisationId)).toEqual([m.funder.organisationId, m.otherFunder.organisationId]);
  });

  it('refuses a co-funder’s share above what remains to be financed, on shareCents', async () => {
    const orderId = await fundedOrder(m.as.funder, m.funder.organisationId, { shareCents: 60_000 }, 60_000);
    const before = snapshot(m.db);

    const answer = await refusal(m.as.otherFunder.orders.coFund.mutate({ orderId, organisationId: m.otherFunder.organisationId, shareCents: 40_001 }));

    expect(answer).toMatchObject({ code: 'BAD_REQUEST', message: 'La part dépasse le reste à financer (40000 centimes)' });
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses a funder that already funds the order joining it again, with CONFLICT', async () => {
    const orderId = await fundedOrder(m.as.funder, m.funder.organisationId, { shareCents: 60_000 }, 60_000);
    const before = snapshot(m.db);

    expect(await refusal(m.as.funder.orders.coFund.mutate({ orderId, organisationId: m.funder.organisationId, shareCents: 10_000 }))).toMatchObject({
      code: 'CONFLICT',
      message: 'Votre organisation finance déjà cette commande',
    });
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses an organisation that is not a funder co-funding, and co-funding a draft', async () => {
    const published = await fundedOrder(m.as.funder, m.funder.organisationId, { shareCents: 60_000 }, 60_000);
    const { orderId: draft } = await m.as.funder.orders.create.mutate(orderForm(m.funder.organisationId, { shareCents: 50_000 }));
    const before = snapshot(m.db);

    expect(await refusal(m.as.actor.orders.coFund.mutate({ orderId: published, organisationId: m.actor.organisationId, shareCents: 10_000 }))).toMatchObject({
      code: 'FORBIDDEN',
      message: 'Seul un commanditaire peut cofinancer',
    });
    expect(await refusal(m.as.funder.orders.coFund.mutate({ orderId: draft, organisationId: m.funder.organisationId, shareCents: 10_000 }))).toMatchObject({
      code: 'CONFLICT',
      message: 'Seule une commande publiée et en cours peut être cofinancée',
    });
    expect(snapshot(m.db)).toEqual(before);
  });

  it('lets a co-funder pay its share in, never more than its share, and lists the order among its own', async () => {
    const orderId = await fundedOrder(m.as.funder, m.funder.organisationId, { shareCents: 60_000 }, 60_000);
    coFund(m.db, { orderId, organisationId: m.otherFunder.organisationId, shareCents: 40_000 }); // the API refuses it (bug above)

    const paid = await m.as.otherFunder.orders.recordPayment.mutate({
      orderId,
      organisationId: m.otherFunder.organisationId,
      amountCents: 30_000,
      reference: 'VIR-CAF-1',
      idempotencyKey: key(),
    });
    expect(paid.totals).toMatchObject({ budgetCents: 100_000, fundedCents: 90_000 });
    expect((await m.as.otherFunder.orders.get.query({ orderId })).viewer).toEqual({ isFunder: true, isCreator: false });
    expect((await m.as.otherFunder.orders.ofFunder.query({ organisationId: m.otherFunder.organisationId })).map((o) => o.id)).toEqual([orderId]);

    const before = snapshot(m.db);
    const over = await refusal(
      m.as.otherFunder.orders.recordPayment.mutate({ orderId, organisationId: m.otherFunder.organisationId, amountCents: 10_001, reference: 'VIR-CAF-2', idempotencyKey: key() }),
    );
    expect(over).toMatchObject({ code: 'BAD_REQUEST', message: 'Le versement dépasse le reste de votre part (10000 centimes)' });
    // …and a co-funder cannot edit or cancel the order it joined.
    expect(await refusal(m.as.otherFunder.orders.cancel.mutate({ orderId }))).toMatchObject(FORBIDDEN);
    expect(snapshot(m.db)).toEqual(before);
  });
});

describe('recording a payment into the ring-fenced account', () => {
  it('replays the same idempotency key with the same transaction, moving the money once', async () => {
    const { orderId } = await m.as.funder.orders.create.mutate(orderForm(m.funder.organisationId));
    await m.as.funder.orders.publish.mutate({ orderId });
    const input = { orderId, organisationId: m.funder.organisationId, amountCents: 40_000, reference: 'VIR-2026-7', idempotencyKey: 'versement-caf-2026-7' };

    const first = await m.as.funder.orders.recordPayment.mutate(input);
    const after = snapshot(m.db);
    const replay = await m.as.funder.orders.recordPayment.mutate(input);

    expect(replay).toEqual({ ...first, replayed: true });
    expect(first.replayed).toBe(false);
    expect(replay.totals.fundedCents).toBe(40_000);
    expect(ringFence(orderId)).toBe(40_000);
    expect(snapshot(m.db)).toEqual(after);
  });

  it('refuses a payment above the rest of the funder’s share, and writes nothing', async () => {
    const orderId = await fundedOrder(m.as.funder, m.funder.organisationId, {}, 90_000);
    const before = snapshot(m.db);

    const answer = await refusal(
      m.as.funder.orders.recordPayment.mutate({ orderId, organisationId: m.funder.organisationId, amountCents: 10_001, reference: 'VIR-3', idempotencyKey: key() }),
    );

    expect(answer).toMatchObject({ code: 'BAD_REQUEST', message: 'Le versement dépasse le reste de votre part (10000 centimes)' });
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses an idempotency key already used for another order’s payment, with CONFLICT', async () => {
    const first = await fundedOrder(m.as.funder, m.funder.organisationId, {}, 0);
    const second = await fundedOrder(m.as.funder, m.funder.organisationId, {}, 0);
    await m.as.funder.orders.recordPayment.mutate({ orderId: first, organisationId: m.funder.organisationId, amountCents: 1_000, reference: 'VIR-A', idempotencyKey: 'cle-versement-a' });
    const before = snapshot(m.db);

    const answer = await refusal(
      m.as.funder.orders.recordPayment.mutate({ orderId: second, organisationId: m.funder.organisationId, amountCents: 1_000, reference: 'VIR-A', idempotencyKey: 'cle-versement-a' }),
    );

    expect(answer).toMatchObject({ code: 'CONFLICT', message: 'Cette clé d’idempotence a déjà servi pour un autre versement' });
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses the same idempotency key with a different amount, with CONFLICT', async () => {
    const orderId = await fundedOrder(m.as.funder, m.funder.organisationId, {}, 0);
    await m.as.funder.orders.recordPayment.mutate({ orderId, organisationId: m.funder.organisationId, amountCents: 1_000, reference: 'VIR-B', idempotencyKey: 'cle-versement-b' });

    const answer = await refusal(
      m.as.funder.orders.recordPayment.mutate({ orderId, organisationId: m.funder.organisationId, amountCents: 50_000, reference: 'VIR-B', idempotencyKey: 'cle-versement-b' }),
    );

    expect(answer.code).toBe('CONFLICT');
  });

  it('refuses a payment from a funder that does not fund the order, and one into a cancelled order', async () => {
    const open = await fundedOrder(m.as.funder, m.funder.organisationId, {}, 0);
    const cancelled = await fundedOrder(m.as.funder, m.funder.organisationId, {}, 0);
    await m.as.funder.orders.cancel.mutate({ orderId: cancelled });
    const before = snapshot(m.db);

    expect(
      await refusal(m.as.otherFunder.orders.recordPayment.mutate({ orderId: open, organisationId: m.otherFunder.organisationId, amountCents: 1_000, reference: 'VIR-X', idempotencyKey: key() })),
    ).toMatchObject(FORBIDDEN);
    expect(
      await refusal(m.as.funder.orders.recordPayment.mutate({ orderId: cancelled, organisationId: m.funder.organisationId, amountCents: 1_000, reference: 'VIR-Y', idempotencyKey: key() })),
    ).toMatchObject({ code: 'CONFLICT', message: 'Cette commande ne reçoit plus de versement' });
    expect(snapshot(m.db)).toEqual(before);
  });
});

describe('who sees an order', () => {
  it('hides a draft from actors and other funders with FORBIDDEN, and shows it once published', async () => {
    const { orderId } = await m.as.funder.orders.create.mutate(orderForm(m.funder.organisationId));

    for (const api of [m.as.actor, m.as.rival, m.as.otherFunder]) {
      expect(await refusal(api.orders.get.query({ orderId }))).toMatchObject(FORBIDDEN);
      expect(await refusal(api.bids.ofOrder.query({ orderId }))).toMatchObject(FORBIDDEN);
    }
    expect((await m.as.operator.orders.get.query({ orderId })).order.status).toBe('draft');

    await m.as.funder.orders.publish.mutate({ orderId });
    expect(await m.as.actor.orders.get.query({ orderId })).toMatchObject({ order: { id: orderId, status: 'open' }, viewer: { isFunder: false, isCreator: false } });
  });

  it('answers FORBIDDEN, not NOT_FOUND, for an order that does not exist, except to the operator', async () => {
    expect(await refusal(m.as.actor.orders.get.query({ orderId: 999_999 }))).toMatchObject(FORBIDDEN);
    expect(await refusal(m.as.funder.orders.get.query({ orderId: 999_999 }))).toMatchObject(FORBIDDEN);
    expect(await refusal(m.as.operator.orders.get.query({ orderId: 999_999 }))).toMatchObject({ code: 'NOT_FOUND', message: 'Commande introuvable' });
  });

  it('lists as open only the published orders, before their deadline, that cover one of the actor’s qualified places', async () => {
    const { db } = m;
    const quimper = makePlace(db, { organisationId: m.actor.organisationId, name: 'Quimper', mainCommuneCode: '29232' });
    makePlace(db, { organisationId: m.actor.organisationId, name: 'Rennes (candidat)', mainCommuneCode: '35238', status: 'applied' });
    const brest = makePlace(db, { organisationId: m.rival.organisationId, name: 'Brest', mainCommuneCode: '29019' });
    const f = { funderOrganisationId: m.funder.organisationId, userId: m.funder.user.id };
    const finistere = makeOrder(db, { ...f, title: 'Finistère' });
    const inQuimper = makeOrder(db, { ...f, title: 'Quimper', communeCodes: ['29232'] });
    makeOrder(db, { ...f, title: 'Brest', communeCodes: ['29019'] });
    makeOrder(db, { ...f, title: 'Ille-et-Vilaine', departementCodes: ['35'] });
    makeOrder(db, { ...f, title: 'Brouillon', publish: false, paidCents: 0 });
    makeOrder(db, { ...f, title: 'Échue', bidDeadline: isoDaysFromToday(-1), today: isoDaysFromToday(-3) });
    const cancelled = makeOrder(db, { ...f, title: 'Annulée', paidCents: 0 });
    await m.as.funder.orders.cancel.mutate({ orderId: cancelled });

    const open = await m.as.actor.orders.open.query({ organisationId: m.actor.organisationId });

    expect(open.map((o) => [o.title, o.eligiblePlaces])).toEqual([
      ['Finistère', [{ id: quimper, name: 'Quimper' }]],
      ['Quimper', [{ id: quimper, name: 'Quimper' }]],
    ]);
    expect(open.map((o) => o.id).sort()).toEqual([finistere, inQuimper].sort());
    const rivals = await m.as.rival.orders.open.query({ organisationId: m.rival.organisationId });
    expect(rivals.map((o) => [o.title, o.eligiblePlaces.map((p) => p.id)])).toEqual([
      ['Finistère', [brest]],
      ['Brest', [brest]],
    ]);
    expect(await refusal(m.as.rival.orders.open.query({ organisationId: m.actor.organisationId }))).toMatchObject(FORBIDDEN);
  });

  it('filters the open orders by département, service and deadline', async () => {
    const { db } = m;
    makePlace(db, { organisationId: m.actor.organisationId, mainCommuneCode: '29232', communeCodes: ['56121'], mode: 'itinerant' }); // Quimper and Lorient
    const f = { funderOrganisationId: m.funder.organisationId, userId: m.funder.user.id };
    const soon = makeOrder(db, { ...f, title: 'Bientôt', bidDeadline: isoDaysFromToday(3) });
    const later = makeOrder(db, { ...f, title: 'Plus tard', bidDeadline: isoDaysFromToday(20), services: [Service.UtilisationSecuriseeDuNumerique] });
    const morbihan = makeOrder(db, { ...f, title: 'Morbihan', departementCodes: ['56'], bidDeadline: isoDaysFromToday(10) });
    const ids = async (filters: { departementCode?: string; service?: Service; deadlineBefore?: string }) =>
      (await m.as.actor.orders.open.query({ organisationId: m.actor.organisationId, ...filters })).map((o) => o.id);

    expect(await ids({})).toEqual([soon, morbihan, later]);
    expect(await ids({ departementCode: '56' })).toEqual([morbihan]);
    expect(await ids({ departementCode: '29' })).toEqual([soon, later]);
    expect(await ids({ service: Service.UtilisationSecuriseeDuNumerique })).toEqual([later]);
    expect(await ids({ deadlineBefore: isoDaysFromToday(10) })).toEqual([soon, morbihan]);
    expect(await ids({ departementCode: '29', service: Service.AideAuxDemarchesAdministratives, deadlineBefore: isoDaysFromToday(5) })).toEqual([soon]);
  });
});

describe('a funder’s spending', () => {
  it('shows per order its share and payments, and per year what is committed and what is delivered', async () => {
    const { db } = m;
    const placeId = makePlace(db, { organisationId: m.actor.organisationId });
    const orderId = await fundedOrder(m.as.funder, m.funder.organisationId);
    const bidId = makeBid(db, { orderId, organisationId: m.actor.organisationId, lines: [{ placeId, quantity: 80 }] });
    const [awardId] = makeAwards(db, { orderId, userId: m.funder.user.id, lines: [{ bidId, placeId, quantity: 50 }] });
    makeDelivery(db, sessionUserOf(db, m.actor.user.id), { awardId: awardId!, quantity: 5 });
    await m.as.funder.orders.create.mutate(orderForm(m.funder.organisationId, { title: 'Brouillon' }));

    const spending = await m.as.funder.orders.spending.query({ organisationId: m.funder.organisationId });

    expect(spending.orders).toEqual([
      {
        id: orderId,
        title: 'Accompagnement aux démarches en ligne',
        status: 'awarding',
        roundId: null,
        share: expect.objectContaining({ organisationId: m.funder.organisationId, committedCents: 100_000, paidCents: 100_000 }),
        totals: expect.objectContaining({ fundedCents: 100_000, awardedCents: 50_000, deliveredCents: 5_000 }),
      },
    ]);
    expect(spending.years).toEqual([{ year: thisYear(), committedCents: 45_000, deliveredCents: 5_000 }]);
    expect(spending.rounds).toEqual([{ roundId: null, awardedCents: 50_000, deliveredCents: 5_000, orders: 1 }]);
    // The places its money reaches, with where each stands this year.
    expect(spending.places).toEqual([
      expect.objectContaining({ placeId, awardedCents: 50_000, deliveredCents: 5_000, yearDeliveredCents: 5_000, yearCommittedCents: 45_000 }),
    ]);
    expect((await m.as.operator.orders.spending.query({ organisationId: m.funder.organisationId })).years).toEqual(spending.years);
    expect(await refusal(m.as.otherFunder.orders.spending.query({ organisationId: m.funder.organisationId }))).toMatchObject(FORBIDDEN);
  });
});
