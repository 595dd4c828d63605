import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serviceOrders } from '../../../db/schema';
import type { SubmitBidInput } from '../../../shared/schemas/bids';
import { makeMember, makePlace } from '../../factories';
import { makeAwards } from '../../factories/marketplace';
import { expectLedgerClean, fundedOrder, isoDaysFromToday, marketplace, messagesAt, orderForm, refusal, sessionFor, snapshot, today, type Marketplace } from './helpers';

let m: Marketplace;
let quimper: number;
let brest: number;
let orderId: number;
beforeEach(async () => {
  m = await marketplace();
  quimper = makePlace(m.db, { organisationId: m.actor.organisationId, name: 'Espace numérique de Kerfeunteun', mainCommuneCode: '29232' });
  brest = makePlace(m.db, { organisationId: m.rival.organisationId, name: 'Cyber-base de Brest', mainCommuneCode: '29019' });
  orderId = await fundedOrder(m.as.funder, m.funder.organisationId);
});
afterEach(() => expectLedgerClean(m.db));

function bid(overrides: Partial<SubmitBidInput> = {}): SubmitBidInput {
  return { orderId, organisationId: m.actor.organisationId, unitPriceCents: 950, note: 'Trois conseillers numériques, permanences le mardi et le jeudi', lines: [{ placeId: quimper, quantity: 60 }], ...overrides };
}

const setDeadline = (date: string) => m.db.update(serviceOrders).set({ bidDeadline: date }).where(eq(serviceOrders.id, orderId)).run();
const FORBIDDEN = { code: 'FORBIDDEN', httpStatus: 403, message: 'Accès refusé à cette ressource' };

describe('an actor’s bid', () => {
  it('is submitted for the actor’s qualified place, revised before the deadline, withdrawn, and submitted again', async () => {
    const submitted = await m.as.actor.bids.submit.mutate(bid());
    expect(submitted).toMatchObject({ orderId, bidderOrganisationId: m.actor.organisationId, unitPriceCents: 950, status: 'submitted', version: 1 });
    expect((await m.as.funder.orders.get.query({ orderId })).totals.bidCount).toBe(1);

    const revised = await m.as.actor.bids.submit.mutate(bid({ unitPriceCents: 900, note: 'Offre révisée', lines: [{ placeId: quimper, quantity: 80 }] }));
    expect(revised).toMatchObject({ id: submitted.id, unitPriceCents: 900, note: 'Offre révisée', status: 'submitted', version: 2 });
    const [mine] = (await m.as.actor.bids.ofOrder.query({ orderId })).bids;
    expect(mine!.lines.map((l) => [l.placeId, l.quantity])).toEqual([[quimper, 80]]);

    const withdrawn = await m.as.actor.bids.withdraw.mutate({ bidId: submitted.id });
    expect(withdrawn).toMatchObject({ id: submitted.id, status: 'withdrawn', version: 3 });
    expect((await m.as.funder.orders.get.query({ orderId })).totals.bidCount).toBe(0);
    expect((await m.as.actor.bids.mine.query({ organisationId: m.actor.organisationId })).map((b) => [b.id, b.status])).toEqual([[submitted.id, 'withdrawn']]);

    expect(await m.as.actor.bids.submit.mutate(bid())).toMatchObject({ id: submitted.id, status: 'submitted', version: 4 });
  });

  it('is accepted on the deadline day itself', async () => {
    setDeadline(today());

    expect((await m.as.actor.bids.submit.mutate(bid())).status).toBe('submitted');
  });
});

describe('sealed bids', () => {
  it('shows a bid’s content to its bidder and the order’s funder only; a rival actor learns only how many bids there are', async () => {
    const secret = 'Tarif négocié avec la mairie — confidentiel';
    const mine = await m.as.actor.bids.submit.mutate(bid({ note: secret, unitPriceCents: 937 }));
    const theirs = await m.as.rival.bids.submit.mutate({ orderId, organisationId: m.rival.organisationId, unitPriceCents: 1_000, note: 'Offre de Brest', lines: [{ placeId: brest, quantity: 25 }] });

    const funderView = await m.as.funder.bids.ofOrder.query({ orderId });
    expect(funderView).toMatchObject({ sealed: false, bidCount: 2 });
    expect(funderView.bids.map((b) => [b.id, b.note, b.unitPriceCents, b.lines.map((l) => [l.placeId, l.quantity])])).toEqual([
      [mine.id, secret, 937, [[quimper, 60]]],
      [theirs.id, 'Offre de Brest', 1_000, [[brest, 25]]],
    ]);
    expect((await m.as.operator.bids.ofOrder.query({ orderId })).bids).toHaveLength(2);

    const bidderView = await m.as.actor.bids.ofOrder.query({ orderId });
    expect(bidderView).toMatchObject({ sealed: true, bidCount: 2 });
    expect(bidderView.bids.map((b) => b.id)).toEqual([mine.id]);

    const rivalView = await m.as.rival.bids.ofOrder.query({ orderId });
    expect(rivalView).toMatchObject({ sealed: true, bidCount: 2 });
    expect(rivalView.bids.map((b) => b.id)).toEqual([theirs.id]);
    const rivalText = JSON.stringify(rivalView);
    expect(rivalText).not.toContain(secret);
    expect(rivalText).not.toContain('937');
    expect(rivalText).not.toContain('Kerfeunteun');
    expect(rivalText).not.toContain(`"id":${mine.id},`);

    // An actor that did not bid sees the count and nothing else, on the bids and on the order.
    const third = await makeMember(m.db, 'actor');
    const outsider = sessionFor(m.testApp, third.user.id).api;
    const outsiderView = await outsider.bids.ofOrder.query({ orderId });
    expect(outsiderView).toEqual({ sealed: true, bidCount: 2, bids: [] });
    const order = await outsider.orders.get.query({ orderId });
    expect(order.totals.bidCount).toBe(2);
    expect(order.awards).toEqual([]);
    expect(JSON.stringify(order)).not.toContain(secret);
    expect(JSON.stringify(await m.as.rival.orders.get.query({ orderId }))).not.toContain(secret);
  });

  it('keeps a rival’s view sealed after the order is awarded', async () => {
    const secret = 'Note interne : marge de 12 %';
    const mine = await m.as.actor.bids.submit.mutate(bid({ note: secret }));
    await m.as.rival.bids.submit.mutate({ orderId, organisationId: m.rival.organisationId, unitPriceCents: 1_000, lines: [{ placeId: brest, quantity: 25 }] });
    makeAwards(m.db, { orderId, userId: m.funder.user.id, lines: [{ bidId: mine.id, placeId: quimper, quantity: 60 }] });

    const rivalView = await m.as.rival.bids.ofOrder.query({ orderId });

    expect(rivalView.sealed).toBe(true);
    expect(JSON.stringify(rivalView)).not.toContain(secret);
  });

  it('refuses the bids of a draft to actors, and seals them from a funder that does not fund the order', async () => {
    const { orderId: draft } = await m.as.funder.orders.create.mutate(orderForm(m.funder.organisationId));
    await m.as.actor.bids.submit.mutate(bid());

    expect(await refusal(m.as.actor.bids.ofOrder.query({ orderId: draft }))).toMatchObject(FORBIDDEN);
    // Another funder may see a published order (to co-fund it), but not the bids' content.
    expect(await m.as.otherFunder.bids.ofOrder.query({ orderId })).toEqual({ sealed: true, bidCount: 1, bids: [] });
    expect(await refusal(m.as.actor.bids.mine.query({ organisationId: m.rival.organisationId }))).toMatchObject(FORBIDDEN);
  });
});

describe('refused bids, with nothing written', () => {
  it('refuses a bid after the deadline, and a revision or a withdrawal too, with CONFLICT', async () => {
    const standing = await m.as.actor.bids.submit.mutate(bid());
    setDeadline(isoDaysFromToday(-1));
    const before = snapshot(m.db);

    const late = { code: 'CONFLICT', httpStatus: 409, message: 'Cette commande ne reçoit plus d’offres (date limite passée ou commande close)' };
    expect(await refusal(m.as.rival.bids.submit.mutate({ orderId, organisationId: m.rival.organisationId, unitPriceCents: 1_000, lines: [{ placeId: brest, quantity: 5 }] }))).toMatchObject(late);
    expect(await refusal(m.as.actor.bids.submit.mutate(bid({ unitPriceCents: 800 })))).toMatchObject(late);
    expect(await refusal(m.as.actor.bids.withdraw.mutate({ bidId: standing.id }))).toMatchObject({
      code: 'CONFLICT',
      message: 'La date limite est passée : l’offre ne peut plus être retirée',
    });
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses a bid once the funder closed bidding early, with CONFLICT', async () => {
    await m.as.funder.awards.closeBidding.mutate({ orderId });
    const before = snapshot(m.db);

    expect(await refusal(m.as.actor.bids.submit.mutate(bid()))).toMatchObject({ code: 'CONFLICT' });
    expect(snapshot(m.db)).toEqual(before);
  });

  it.each([
    ['a place outside the order’s territory', () => ({ lines: [{ placeId: makePlace(m.db, { organisationId: m.actor.organisationId, mainCommuneCode: '35238' }), quantity: 10 }] }), 'Ce lieu est hors du territoire de la commande'],
    ['another actor’s place', () => ({ lines: [{ placeId: brest, quantity: 10 }] }), 'Ce lieu n’appartient pas à votre organisation'],
    ['a place that does not exist', () => ({ lines: [{ placeId: 999_999, quantity: 10 }] }), 'Ce lieu n’appartient pas à votre organisation'],
    ['a place not yet qualified', () => ({ lines: [{ placeId: makePlace(m.db, { organisationId: m.actor.organisationId, status: 'applied' }), quantity: 10 }] }), 'Ce lieu n’est pas qualifié : il ne peut pas répondre'],
    ['a unit price above the order’s', () => ({ unitPriceCents: 1_001 }), 'Le prix unitaire ne peut pas dépasser celui de la commande (1000 centimes)'],
    ['a line larger than the whole order', () => ({ lines: [{ placeId: quimper, quantity: 101 }] }), 'Au plus 100 services pour cette commande'],
  ] as const)('refuses a bid with %s, on its field, and writes nothing', async (_case, overrides, message) => {
    const input = bid(overrides());
    const before = snapshot(m.db);

    expect(await refusal(m.as.actor.bids.submit.mutate(input))).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400, message });
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses a bid naming the same place twice, on the second line', async () => {
    const before = snapshot(m.db);

    const answer = await refusal(m.as.actor.bids.submit.mutate(bid({ lines: [{ placeId: quimper, quantity: 10 }, { placeId: quimper, quantity: 20 }] })));

    expect(answer).toMatchObject({ code: 'BAD_REQUEST', message: 'Données invalides' });
    expect(messagesAt(answer.fieldErrors, 'lines.1.placeId')).toEqual(['Lieu en double dans l’offre']);
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses a bid without lines, with a zero quantity or a zero price, on their fields', async () => {
    const before = snapshot(m.db);

    expect((await refusal(m.as.actor.bids.submit.mutate(bid({ lines: [] })))).fieldErrors).toEqual({ lines: ['Au moins une ligne'] });
    expect(messagesAt((await refusal(m.as.actor.bids.submit.mutate(bid({ lines: [{ placeId: quimper, quantity: 0 }] })))).fieldErrors, 'lines.0.quantity')).toEqual(['Au moins 1']);
    expect(Object.keys((await refusal(m.as.actor.bids.submit.mutate(bid({ unitPriceCents: 0 })))).fieldErrors ?? {})).toEqual(['unitPriceCents']);
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses a funder bidding on its own order, an actor bidding for another organisation, and anyone bidding on a draft', async () => {
    const { orderId: draft } = await m.as.funder.orders.create.mutate(orderForm(m.funder.organisationId));
    const before = snapshot(m.db);

    expect(await refusal(m.as.funder.bids.submit.mutate(bid({ organisationId: m.funder.organisationId })))).toMatchObject({
      code: 'FORBIDDEN',
      message: 'Seul un acteur répond pour ses lieux (les partenariats via leurs brouillons partagés)',
    });
    expect(await refusal(m.as.rival.bids.submit.mutate(bid()))).toMatchObject(FORBIDDEN);
    expect(await refusal(m.as.actor.bids.submit.mutate(bid({ orderId: draft })))).toMatchObject(FORBIDDEN);
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses withdrawing another actor’s bid with FORBIDDEN, and a bid already withdrawn, awarded or rejected with CONFLICT', async () => {
    const mine = await m.as.actor.bids.submit.mutate(bid());
    const theirs = await m.as.rival.bids.submit.mutate({ orderId, organisationId: m.rival.organisationId, unitPriceCents: 1_000, lines: [{ placeId: brest, quantity: 25 }] });
    const before = snapshot(m.db);
    expect(await refusal(m.as.rival.bids.withdraw.mutate({ bidId: mine.id }))).toMatchObject(FORBIDDEN);
    expect(await refusal(m.as.funder.bids.withdraw.mutate({ bidId: mine.id }))).toMatchObject(FORBIDDEN);
    expect(await refusal(m.as.rival.bids.withdraw.mutate({ bidId: 999_999 }))).toMatchObject(FORBIDDEN);
    expect(snapshot(m.db)).toEqual(before);

    await m.as.actor.bids.withdraw.mutate({ bidId: mine.id });
    await m.as.funder.awards.rejectBids.mutate({ orderId, bidIds: [theirs.id] });
    const examined = { code: 'CONFLICT', message: 'Seule une offre déposée et non examinée peut être retirée' };
    const after = snapshot(m.db);
    expect(await refusal(m.as.actor.bids.withdraw.mutate({ bidId: mine.id }))).toMatchObject(examined);
    expect(await refusal(m.as.rival.bids.withdraw.mutate({ bidId: theirs.id }))).toMatchObject(examined);
    expect(await refusal(m.as.rival.bids.submit.mutate({ orderId, organisationId: m.rival.organisationId, unitPriceCents: 900, lines: [{ placeId: brest, quantity: 25 }] }))).toMatchObject({
      code: 'CONFLICT',
      message: 'Cette offre a déjà été examinée',
    });
    expect(snapshot(m.db)).toEqual(after);
  });

  it.each([
    ['lines.0.placeId (outside the territory)', () => bid({ lines: [{ placeId: makePlace(m.db, { organisationId: m.actor.organisationId, mainCommuneCode: '35238' }), quantity: 10 }] }), { 'lines.0.placeId': ['Ce lieu est hors du territoire de la commande'] }],
    ['lines.0.placeId (another actor’s place)', () => bid({ lines: [{ placeId: brest, quantity: 10 }] }), { 'lines.0.placeId': ['Ce lieu n’appartient pas à votre organisation'] }],
    ['unitPriceCents', () => bid({ unitPriceCents: 1_001 }), { unitPriceCents: ['Le prix unitaire ne peut pas dépasser celui de la commande (1000 centimes)'] }],
    ['lines.1.placeId (the same place twice)', () => bid({ lines: [{ placeId: quimper, quantity: 10 }, { placeId: quimper, quantity: 20 }] }), { 'lines.1.placeId': ['Lieu en double dans l’offre'] }],
  ] as const)('names the field %s in the refusal', async (_field, input, fieldErrors) => {
    expect((await refusal(m.as.actor.bids.submit.mutate(input()))).fieldErrors).toEqual(fieldErrors);
  });
});
