import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { awards, serviceOrders } from '../../../db/schema';
import { expectLedgerClean, isoDaysFromToday, refusal } from '../marketplace/helpers';
import { formedPartnership, fullSnapshot, openOrder, partnershipWorld, staleRefusal, submittedDraft, type World } from './helpers';

let w: World;
let partnershipId: number;
let partnershipOrg: number;
let orderId: number;
beforeEach(async () => {
  w = await partnershipWorld();
  ({ partnershipId, organisationId: partnershipOrg } = await formedPartnership(w));
  orderId = await openOrder(w);
});
afterEach(() => expectLedgerClean(w.db));

const FORBIDDEN = { code: 'FORBIDDEN', httpStatus: 403 };

type View = Awaited<ReturnType<World['lead']['api']['drafts']['get']['query']>>;
/** The lines as [placeId, quantity, confirmed], in place order (the draft's own order is not part of the contract). */
const linesOf = (view: Pick<View, 'lines'>) => view.lines.map((l) => [l.placeId, l.quantity, l.confirmed] as const).sort((a, b) => a[0] - b[0]);
const byPlace = (...rows: (readonly [number, number, boolean])[]) => [...rows].sort((a, b) => a[0] - b[0]);

async function openedDraft() {
  return w.lead.api.drafts.open.mutate({ partnershipId, orderId });
}

describe('opening a draft', () => {
  it('lets the lead open a draft for an open order, with a line for each active member place covering the order’s territory only', async () => {
    // The third actor's place is invited but has not answered: it gets no line.
    await w.lead.api.partnerships.invite.mutate({ partnershipId, placeId: w.places.third });

    const view = await openedDraft();

    expect(view.bid).toMatchObject({ status: 'draft', version: 1, note: '', unitPriceCents: 1_000, partnershipId });
    expect(view.order).toMatchObject({ id: orderId, quantity: 100, unitPriceCents: 1_000, status: 'open' });
    expect(view.leadOrganisationId).toBe(w.lead.organisationId);
    // The lead's place in Lorient (Morbihan) does not cover an order on the Finistère.
    expect(linesOf(view)).toEqual(byPlace([w.places.lead, 0, false], [w.places.partner, 0, false]));
    expect(view.lines.find((l) => l.placeId === w.places.partner)).toMatchObject({ placeName: 'Cyber-base de Brest', organisationId: w.partner.organisationId, organisationName: 'Coopérative Les Liens' });
    expect(view).toMatchObject({ ok: false, total: 0, unconfirmed: [] });

    // Opening again returns the same draft, untouched.
    const again = await openedDraft();
    expect(again.bid).toMatchObject({ id: view.bid.id, version: 1 });
    expect((await w.lead.api.partnerships.get.query({ partnershipId })).drafts).toEqual([expect.objectContaining({ id: view.bid.id, orderId, status: 'draft' })]);
  });

  it('refuses anyone but the lead, writing nothing', async () => {
    const before = fullSnapshot(w.db);
    for (const api of [w.partner.api, w.outsider.api, w.funder.api]) {
      expect(await refusal(api.drafts.open.mutate({ partnershipId, orderId }))).toMatchObject(FORBIDDEN);
    }
    expect(fullSnapshot(w.db)).toEqual(before);
  });

  it('refuses an order that no longer takes bids, or that no active member place covers, writing nothing', async () => {
    const elsewhere = await openOrder(w, { departementCodes: ['22'] });
    const closed = await openOrder(w);
    await w.funder.api.awards.closeBidding.mutate({ orderId: closed });
    const before = fullSnapshot(w.db);

    const late = await refusal(w.lead.api.drafts.open.mutate({ partnershipId, orderId: closed }));
    expect(late).toMatchObject({ code: 'CONFLICT', message: 'Cette commande ne reçoit plus d’offres' });
    const uncovered = await refusal(w.lead.api.drafts.open.mutate({ partnershipId, orderId: elsewhere }));
    expect(uncovered).toMatchObject({ code: 'CONFLICT', message: 'Aucun lieu membre actif ne couvre le territoire de cette commande' });
    expect(fullSnapshot(w.db)).toEqual(before);
  });
});

describe('reading a draft', () => {
  it('is open to the partnership’s participants and refused, like an unknown draft, to everyone else', async () => {
    const { bid } = await openedDraft();

    for (const api of [w.lead.api, w.partner.api, w.operator.api]) expect((await api.drafts.get.query({ bidId: bid.id })).bid.id).toBe(bid.id);
    for (const api of [w.outsider.api, w.funder.api, w.rivalFunder.api]) {
      expect(await refusal(api.drafts.get.query({ bidId: bid.id }))).toMatchObject({ ...FORBIDDEN, message: 'Accès refusé à cette ressource' });
      expect(await refusal(api.drafts.get.query({ bidId: bid.id + 1_000 }))).toMatchObject({ ...FORBIDDEN, message: 'Accès refusé à cette ressource' });
    }
  });

  it('refuses an ordinary actor’s bid: the draft editor only opens partnership drafts', async () => {
    const own = await w.outsider.api.bids.submit.mutate({ orderId, organisationId: w.outsider.organisationId, unitPriceCents: 1_000, lines: [{ placeId: w.places.outsider, quantity: 10 }] });
    expect(await refusal(w.outsider.api.drafts.get.query({ bidId: own.id }))).toMatchObject(FORBIDDEN);
  });

  it('refuses the draft to an actor whose place is only invited and has not accepted', async () => {
    const { bid } = await openedDraft();
    await w.lead.api.partnerships.invite.mutate({ partnershipId, placeId: w.places.third });

    expect(await refusal(w.third.api.drafts.get.query({ bidId: bid.id }))).toMatchObject(FORBIDDEN);
  });

  it('refuses the draft to an actor once its only place has left the partnership', async () => {
    const { bid } = await openedDraft();
    await w.partner.api.partnerships.leave.mutate({ partnershipId, placeId: w.places.partner });

    expect(await refusal(w.partner.api.drafts.get.query({ bidId: bid.id }))).toMatchObject(FORBIDDEN);
  });
});

describe('editing lines', () => {
  it('lets a member set its own place’s line, bumping the version', async () => {
    const opened = await openedDraft();

    const view = await w.partner.api.drafts.editLine.mutate({ bidId: opened.bid.id, version: 1, placeId: w.places.partner, quantity: 40 });

    expect(view.bid.version).toBe(2);
    expect(linesOf(view)).toEqual(byPlace([w.places.lead, 0, false], [w.places.partner, 40, false]));
    expect(view).toMatchObject({ total: 40, ok: false, unconfirmed: [w.places.partner] });
  });

  it('refuses a member editing another member’s line, and a non-member editing any line, writing nothing', async () => {
    const { bid } = await openedDraft();
    const before = fullSnapshot(w.db);

    const other = await refusal(w.partner.api.drafts.editLine.mutate({ bidId: bid.id, version: 1, placeId: w.places.lead, quantity: 10 }));
    expect(other).toMatchObject({ ...FORBIDDEN, message: 'Vous ne pouvez modifier que la ligne de votre lieu' });
    for (const placeId of [w.places.partner, w.places.lead, w.places.outsider]) {
      expect(await refusal(w.outsider.api.drafts.editLine.mutate({ bidId: bid.id, version: 1, placeId, quantity: 10 }))).toMatchObject(FORBIDDEN);
      expect(await refusal(w.funder.api.drafts.editLine.mutate({ bidId: bid.id, version: 1, placeId, quantity: 10 }))).toMatchObject(FORBIDDEN);
    }
    expect(await refusal(w.outsider.api.drafts.confirmLine.mutate({ bidId: bid.id, version: 1, placeId: w.places.partner, confirmed: true }))).toMatchObject(FORBIDDEN);
    expect(await refusal(w.outsider.api.drafts.editTerms.mutate({ bidId: bid.id, version: 1, note: 'intrus', unitPriceCents: 500 }))).toMatchObject(FORBIDDEN);
    expect(fullSnapshot(w.db)).toEqual(before);
  });

  it('lets the lead edit any line, the note and the unit price', async () => {
    const { bid } = await openedDraft();

    let view = await w.lead.api.drafts.editLine.mutate({ bidId: bid.id, version: 1, placeId: w.places.partner, quantity: 35 });
    view = await w.lead.api.drafts.editLine.mutate({ bidId: bid.id, version: view.bid.version, placeId: w.places.lead, quantity: 25 });
    view = await w.lead.api.drafts.editTerms.mutate({ bidId: bid.id, version: view.bid.version, note: 'Permanences communes à Brest et Quimper', unitPriceCents: 1_000 });

    expect(view.bid).toMatchObject({ version: 4, note: 'Permanences communes à Brest et Quimper', unitPriceCents: 1_000 });
    expect(linesOf(view)).toEqual(byPlace([w.places.lead, 25, false], [w.places.partner, 35, false]));
    view = await w.lead.api.drafts.editTerms.mutate({ bidId: bid.id, version: 4, note: 'Prix serré', unitPriceCents: 950 });
    expect(view.bid).toMatchObject({ version: 5, note: 'Prix serré', unitPriceCents: 950 });
  });

  it('refuses terms from a member, and a unit price above the order’s on the field, writing nothing', async () => {
    const { bid } = await openedDraft();
    const before = fullSnapshot(w.db);

    expect(await refusal(w.partner.api.drafts.editTerms.mutate({ bidId: bid.id, version: 1, note: 'Ma note', unitPriceCents: 900 }))).toMatchObject({
      ...FORBIDDEN,
      message: 'Réservé au chef de file du partenariat',
    });
    const tooDear = await refusal(w.lead.api.drafts.editTerms.mutate({ bidId: bid.id, version: 1, note: 'Trop cher', unitPriceCents: 1_001 }));
    expect(tooDear).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400, fieldErrors: { unitPriceCents: ['Au plus 1000 centimes : le prix de la commande'] } });
    expect(fullSnapshot(w.db)).toEqual(before);
  });

  it('refuses a quantity above the order’s, and a place without a line, on the field, writing nothing', async () => {
    const { bid } = await openedDraft();
    const before = fullSnapshot(w.db);

    const tooMany = await refusal(w.partner.api.drafts.editLine.mutate({ bidId: bid.id, version: 1, placeId: w.places.partner, quantity: 101 }));
    expect(tooMany).toMatchObject({ code: 'BAD_REQUEST', fieldErrors: { quantity: ['Au plus 100 services pour cette commande'] } });
    const noLine = await refusal(w.lead.api.drafts.editLine.mutate({ bidId: bid.id, version: 1, placeId: w.places.leadFar, quantity: 5 }));
    expect(noLine).toMatchObject({ code: 'BAD_REQUEST', fieldErrors: { placeId: ['Ce lieu n’a pas de ligne dans ce brouillon'] } });
    expect(fullSnapshot(w.db)).toEqual(before);
  });

  it('refuses a write made on a stale version with CONFLICT, the current version and value, and leaves the line as it was', async () => {
    const { bid } = await openedDraft();
    await w.partner.api.drafts.editLine.mutate({ bidId: bid.id, version: 1, placeId: w.places.partner, quantity: 40 });
    await w.partner.api.drafts.confirmLine.mutate({ bidId: bid.id, version: 2, placeId: w.places.partner, confirmed: true });
    const before = fullSnapshot(w.db);

    // The lead still has version 1 on screen.
    const stale = await staleRefusal(w.lead.api.drafts.editLine.mutate({ bidId: bid.id, version: 1, placeId: w.places.partner, quantity: 10 }));

    expect(stale).toEqual({
      code: 'CONFLICT',
      httpStatus: 409,
      message: 'Le brouillon a changé entre-temps : la ligne « Cyber-base de Brest » vaut maintenant 40 service(s). Réappliquez votre valeur ou gardez la valeur actuelle.',
      current: { version: 3, value: { placeId: w.places.partner, quantity: 40, confirmed: true } },
    });
    expect(fullSnapshot(w.db)).toEqual(before);
    expect(linesOf(await w.lead.api.drafts.get.query({ bidId: bid.id }))).toEqual(byPlace([w.places.lead, 0, false], [w.places.partner, 40, true]));

    const staleConfirm = await staleRefusal(w.partner.api.drafts.confirmLine.mutate({ bidId: bid.id, version: 2, placeId: w.places.partner, confirmed: false }));
    expect(staleConfirm).toMatchObject({ code: 'CONFLICT', current: { version: 3, value: { placeId: w.places.partner, quantity: 40, confirmed: true } } });
    expect(staleConfirm.message).toMatch(/^Le brouillon a changé entre-temps : /);
    const staleTerms = await staleRefusal(w.lead.api.drafts.editTerms.mutate({ bidId: bid.id, version: 1, note: 'Note périmée', unitPriceCents: 900 }));
    expect(staleTerms).toMatchObject({ code: 'CONFLICT', current: { version: 3, value: { note: '', unitPriceCents: 1_000 } } });
    expect(staleTerms.message).toMatch(/^Le brouillon a changé entre-temps : /);
    const staleSubmit = await staleRefusal(w.lead.api.drafts.submit.mutate({ bidId: bid.id, version: 2 }));
    expect(staleSubmit).toMatchObject({ code: 'CONFLICT', message: 'Le brouillon a changé entre-temps : relisez-le avant de le déposer.', current: { version: 3 } });
    expect(fullSnapshot(w.db)).toEqual(before);
  });

  it('clears a line’s confirmation whenever the line is edited, by its member or by the lead', async () => {
    const { bid } = await openedDraft();
    let view = await w.partner.api.drafts.editLine.mutate({ bidId: bid.id, version: 1, placeId: w.places.partner, quantity: 40 });
    view = await w.partner.api.drafts.confirmLine.mutate({ bidId: bid.id, version: view.bid.version, placeId: w.places.partner, confirmed: true });
    expect(linesOf(view)).toContainEqual([w.places.partner, 40, true]);

    view = await w.lead.api.drafts.editLine.mutate({ bidId: bid.id, version: view.bid.version, placeId: w.places.partner, quantity: 45 });
    expect(linesOf(view)).toContainEqual([w.places.partner, 45, false]);

    view = await w.partner.api.drafts.confirmLine.mutate({ bidId: bid.id, version: view.bid.version, placeId: w.places.partner, confirmed: true });
    view = await w.partner.api.drafts.editLine.mutate({ bidId: bid.id, version: view.bid.version, placeId: w.places.partner, quantity: 45 });
    expect(linesOf(view)).toContainEqual([w.places.partner, 45, false]);
  });

  it('lets only the place’s own actor confirm its line, not the lead', async () => {
    const { bid } = await openedDraft();
    await w.partner.api.drafts.editLine.mutate({ bidId: bid.id, version: 1, placeId: w.places.partner, quantity: 40 });
    const before = fullSnapshot(w.db);

    expect(await refusal(w.lead.api.drafts.confirmLine.mutate({ bidId: bid.id, version: 2, placeId: w.places.partner, confirmed: true }))).toMatchObject({
      ...FORBIDDEN,
      message: 'Seul l’acteur du lieu confirme sa ligne',
    });
    expect(await refusal(w.partner.api.drafts.confirmLine.mutate({ bidId: bid.id, version: 2, placeId: w.places.lead, confirmed: true }))).toMatchObject(FORBIDDEN);
    expect(fullSnapshot(w.db)).toEqual(before);
  });
});

describe('submitting a draft', () => {
  it('is refused until every line with services is confirmed, and to anyone but the lead, writing nothing', async () => {
    const { bid } = await openedDraft();
    const empty = await refusal(w.lead.api.drafts.submit.mutate({ bidId: bid.id, version: 1 }));
    expect(empty).toMatchObject({ code: 'CONFLICT', message: 'Le brouillon ne contient aucun service' });

    let view = await w.partner.api.drafts.editLine.mutate({ bidId: bid.id, version: 1, placeId: w.places.partner, quantity: 40 });
    view = await w.lead.api.drafts.editLine.mutate({ bidId: bid.id, version: view.bid.version, placeId: w.places.lead, quantity: 30 });
    view = await w.partner.api.drafts.confirmLine.mutate({ bidId: bid.id, version: view.bid.version, placeId: w.places.partner, confirmed: true });
    const before = fullSnapshot(w.db);

    const unconfirmed = await refusal(w.lead.api.drafts.submit.mutate({ bidId: bid.id, version: view.bid.version }));
    expect(unconfirmed).toMatchObject({ code: 'CONFLICT', httpStatus: 409, message: 'Toutes les lignes doivent être confirmées par leur lieu (1 en attente)' });
    for (const api of [w.partner.api, w.outsider.api, w.funder.api]) {
      expect(await refusal(api.drafts.submit.mutate({ bidId: bid.id, version: view.bid.version }))).toMatchObject(FORBIDDEN);
    }
    expect(fullSnapshot(w.db)).toEqual(before);
    expect((await w.lead.api.drafts.get.query({ bidId: bid.id })).bid).toMatchObject({ status: 'draft', version: view.bid.version });
  });

  it('keeps the draft out of the order’s bids until it is submitted', async () => {
    await openedDraft();
    expect(await w.funder.api.bids.ofOrder.query({ orderId })).toEqual({ sealed: false, bidCount: 0, bids: [] });
    expect((await w.funder.api.orders.get.query({ orderId })).totals.bidCount).toBe(0);
  });

  it('submits the bid once every line is confirmed: lines without services are dropped and the bid is sealed like any other', async () => {
    const submitted = await submittedDraft(w, partnershipId, orderId, { lead: 0, partner: 40 }, 950);

    expect(submitted.bid).toMatchObject({ status: 'submitted', unitPriceCents: 950, note: 'Offre commune de la CAE' });
    expect(linesOf(submitted)).toEqual([[w.places.partner, 40, true]]);

    // A rival actor learns only how many bids stand.
    expect(await w.outsider.api.bids.ofOrder.query({ orderId })).toEqual({ sealed: true, bidCount: 1, bids: [] });
    // The order's funder reads the content.
    const funderView = await w.funder.api.bids.ofOrder.query({ orderId });
    expect(funderView).toMatchObject({ sealed: false, bidCount: 1 });
    expect(funderView.bids).toEqual([
      expect.objectContaining({
        id: submitted.bid.id,
        bidderOrganisationId: partnershipOrg,
        bidderName: 'CAE Finistère Numérique',
        partnershipId,
        status: 'submitted',
        unitPriceCents: 950,
        note: 'Offre commune de la CAE',
      }),
    ]);
    expect(funderView.bids[0]!.lines.map((l) => [l.placeId, l.quantity])).toEqual([[w.places.partner, 40]]);
    // Another funder, with no share in the order, learns only the count too.
    expect(await w.rivalFunder.api.bids.ofOrder.query({ orderId })).toEqual({ sealed: true, bidCount: 1, bids: [] });
    // The partnership's members see their own bid.
    expect((await w.partner.api.bids.ofOrder.query({ orderId })).bids.map((b) => b.id)).toEqual([submitted.bid.id]);
  });

  it('refuses every further edit once submitted, writing nothing', async () => {
    const submitted = await submittedDraft(w, partnershipId, orderId, { lead: 20, partner: 40 });
    const { id: bidId, version } = submitted.bid;
    const before = fullSnapshot(w.db);
    const SEALED = { code: 'CONFLICT', httpStatus: 409, message: 'Cette offre a déjà été déposée : elle n’est plus modifiable' };

    expect(await refusal(w.partner.api.drafts.editLine.mutate({ bidId, version, placeId: w.places.partner, quantity: 10 }))).toMatchObject(SEALED);
    expect(await refusal(w.lead.api.drafts.editLine.mutate({ bidId, version, placeId: w.places.lead, quantity: 10 }))).toMatchObject(SEALED);
    expect(await refusal(w.partner.api.drafts.confirmLine.mutate({ bidId, version, placeId: w.places.partner, confirmed: false }))).toMatchObject(SEALED);
    expect(await refusal(w.lead.api.drafts.editTerms.mutate({ bidId, version, note: 'Trop tard', unitPriceCents: 900 }))).toMatchObject(SEALED);
    expect(await refusal(w.lead.api.drafts.submit.mutate({ bidId, version }))).toMatchObject(SEALED);
    // Reopening the same order's draft is refused too.
    expect(await refusal(w.lead.api.drafts.open.mutate({ partnershipId, orderId }))).toMatchObject({ code: 'CONFLICT', message: 'Le partenariat a déjà déposé une offre sur cette commande' });
    expect(fullSnapshot(w.db)).toEqual(before);
  });

  it('refuses an edit of a line dropped at submission with the same “already submitted” conflict', async () => {
    const submitted = await submittedDraft(w, partnershipId, orderId, { lead: 0, partner: 40 });

    const late = await refusal(w.lead.api.drafts.editLine.mutate({ bidId: submitted.bid.id, version: submitted.bid.version, placeId: w.places.lead, quantity: 10 }));

    expect(late).toMatchObject({ code: 'CONFLICT', message: 'Cette offre a déjà été déposée : elle n’est plus modifiable' });
  });

  it('leaves out of the submitted bid a place that left the partnership while the draft was open', async () => {
    let view = await openedDraft();
    const bidId = view.bid.id;
    view = await w.partner.api.drafts.editLine.mutate({ bidId, version: view.bid.version, placeId: w.places.partner, quantity: 40 });
    view = await w.partner.api.drafts.confirmLine.mutate({ bidId, version: view.bid.version, placeId: w.places.partner, confirmed: true });
    view = await w.lead.api.drafts.editLine.mutate({ bidId, version: view.bid.version, placeId: w.places.lead, quantity: 30 });
    await w.lead.api.drafts.confirmLine.mutate({ bidId, version: view.bid.version, placeId: w.places.lead, confirmed: true });
    await w.partner.api.partnerships.leave.mutate({ partnershipId, placeId: w.places.partner });
    // Reread: the fix may well touch the draft (and its version) when the place leaves.

    const submitted = await w.lead.api.drafts.submit.mutate({ bidId, version: (await w.lead.api.drafts.get.query({ bidId })).bid.version });

    expect(linesOf(submitted)).toEqual([[w.places.lead, 30, true]]);
  });

  it('records the draft’s opening and its submission in the partnership’s activity history', async () => {
    await submittedDraft(w, partnershipId, orderId, { lead: 10, partner: 40 });

    const kinds = (await w.lead.api.partnerships.get.query({ partnershipId })).events.map((e) => e.kind);

    expect(kinds.slice(0, 2)).toEqual(['bid_submitted', 'draft_opened']);
  });
});

describe('awarding a partnership bid', () => {
  it('is made per member place by the funder, each award carrying the partnership', async () => {
    const submitted = await submittedDraft(w, partnershipId, orderId, { lead: 30, partner: 40 });
    await w.funder.api.awards.closeBidding.mutate({ orderId });

    const result = await w.funder.api.awards.create.mutate({
      orderId,
      lines: [
        { bidId: submitted.bid.id, placeId: w.places.partner, quantity: 40 },
        { bidId: submitted.bid.id, placeId: w.places.lead, quantity: 25 },
      ],
    });

    expect(result.awardIds).toHaveLength(2);
    const rows = w.db.select().from(awards).where(eq(awards.orderId, orderId)).orderBy(awards.id).all();
    expect(rows.map((a) => [a.placeId, a.quantity, a.unitPriceCents, a.bidId, a.partnershipId])).toEqual([
      [w.places.partner, 40, 1_000, submitted.bid.id, partnershipId],
      [w.places.lead, 25, 1_000, submitted.bid.id, partnershipId],
    ]);
    expect(await w.partner.api.awards.ofPlace.query({ placeId: w.places.partner })).toEqual([expect.objectContaining({ orderId, quantity: 40, partnershipId })]);
    expect(await w.lead.api.awards.ofPlace.query({ placeId: w.places.lead })).toEqual([expect.objectContaining({ orderId, quantity: 25, partnershipId })]);
    expect((await w.funder.api.bids.ofOrder.query({ orderId })).bids.map((b) => b.status)).toEqual(['awarded']);
    expect((await w.partner.api.places.get.query({ placeId: w.places.partner })).figures).toMatchObject({ servicesCommitted: 40, revenueCommittedCents: 40_000 });
    const detail = await w.partner.api.partnerships.get.query({ partnershipId });
    expect(detail.pooled).toEqual({ awardedQuantity: 65, awardedCents: 65_000, deliveredCents: 0 });
    expect(w.db.select({ status: serviceOrders.status }).from(serviceOrders).where(eq(serviceOrders.id, orderId)).get()!.status).toBe('awarding');
  });

  it('refuses to submit once the order’s deadline has passed', async () => {
    let view = await openedDraft();
    view = await w.partner.api.drafts.editLine.mutate({ bidId: view.bid.id, version: 1, placeId: w.places.partner, quantity: 40 });
    view = await w.partner.api.drafts.confirmLine.mutate({ bidId: view.bid.id, version: view.bid.version, placeId: w.places.partner, confirmed: true });
    w.db.update(serviceOrders).set({ bidDeadline: isoDaysFromToday(-1) }).where(eq(serviceOrders.id, orderId)).run();
    const before = fullSnapshot(w.db);

    expect(await refusal(w.lead.api.drafts.submit.mutate({ bidId: view.bid.id, version: view.bid.version }))).toMatchObject({ code: 'CONFLICT', message: 'Cette commande ne reçoit plus d’offres' });
    expect(fullSnapshot(w.db)).toEqual(before);
  });
});
