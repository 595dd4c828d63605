import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { passBooklets } from '../../../db/schema';
import { expectLedgerClean, isoDaysFromToday, refusal, today } from '../marketplace/helpers';
import { award, codesOf, issue, passOrder, passSnapshot, passWorld, prescriber, redeemInput, type PassWorld, type Prescriber } from './helpers';

/**
 * Issue 11: funders give booklets to the prescribers they invited; a prescriber sees only the
 * booklets it holds and notes when one goes to a person — a date and, if any, an anonymous
 * category, nothing that names anyone. The funder follows it all in the order's counts.
 */

let w: PassWorld;
let ccas: Prescriber;
beforeEach(async () => {
  w = await passWorld();
  ccas = await prescriber(w, w.funder, 'CCAS de Quimper');
});
afterEach(() => expectLedgerClean(w.db));

const FORBIDDEN = { code: 'FORBIDDEN', httpStatus: 403, message: 'Accès refusé à cette ressource' };
const assign = (bookletIds: number[], prescriberOrganisationId: number | null, by = w.funder) =>
  by.api.passes.assign.mutate({ organisationId: by.organisationId, bookletIds, prescriberOrganisationId });
const handOut = (p: Prescriber, bookletId: number, handedOutOn = today(), category?: 'age_60_plus' | 'job_seeker' | null) =>
  p.api.passes.handOut.mutate({ organisationId: p.organisationId, bookletId, handedOutOn, ...(category === undefined ? {} : { category }) });
const bookletRow = (id: number) => w.db.select().from(passBooklets).where(eq(passBooklets.id, id)).get()!;

describe('inviting a prescriber', () => {
  it('is for a funder: it lists its prescribers, with the booklets they hold', async () => {
    const orderId = await passOrder(w);
    const [bookletId] = await issue(w, orderId, 1);
    await assign([bookletId!], ccas.organisationId);

    expect(await w.funder.api.prescribers.ofFunder.query({ organisationId: w.funder.organisationId })).toEqual([
      expect.objectContaining({ organisationId: ccas.organisationId, name: 'CCAS de Quimper', departementCode: '29', invitationPending: false, bookletsAssigned: 1, bookletsHandedOut: 0, passesRedeemed: 0 }),
    ]);
    expect(await w.otherFunder.api.prescribers.ofFunder.query({ organisationId: w.otherFunder.organisationId })).toEqual([]);
    expect(await refusal(w.otherFunder.api.prescribers.ofFunder.query({ organisationId: w.funder.organisationId }))).toMatchObject(FORBIDDEN);
    // The operator reads any funder's list.
    expect(await w.operator.api.prescribers.ofFunder.query({ organisationId: w.funder.organisationId })).toHaveLength(1);
  });

  it('is refused to an actor, to a funder on behalf of another, and twice under the same name', async () => {
    const form = { name: 'Mairie de Brest', contactName: 'Yann Kerhervé', contactEmail: 'yann@mairie-brest.test', departementCode: '29' };
    const before = passSnapshot(w.db);

    expect(await refusal(w.actor.api.prescribers.invite.mutate({ organisationId: w.actor.organisationId, ...form }))).toMatchObject({
      code: 'FORBIDDEN',
      message: 'Seul un commanditaire invite des prescripteurs',
    });
    expect(await refusal(w.otherFunder.api.prescribers.invite.mutate({ organisationId: w.funder.organisationId, ...form }))).toMatchObject(FORBIDDEN);
    expect(await refusal(w.funder.api.prescribers.invite.mutate({ organisationId: w.funder.organisationId, ...form, name: 'ccas de quimper' }))).toMatchObject({
      code: 'BAD_REQUEST',
      fieldErrors: { name: ['Vous avez déjà invité un prescripteur de ce nom'] },
    });
    expect(passSnapshot(w.db)).toEqual(before);
  });
});

describe('what a prescriber sees', () => {
  it('only the booklets it holds: another prescriber’s list and booklets are FORBIDDEN, a booklet before assignment too', async () => {
    const orderId = await passOrder(w);
    const [mine, theirs, unassigned] = await issue(w, orderId, 3);
    const mission = await prescriber(w, w.funder, 'Mission locale de Quimper');
    await assign([mine!], ccas.organisationId);
    await assign([theirs!], mission.organisationId);

    expect((await ccas.api.prescribers.booklets.query({ organisationId: ccas.organisationId })).map((b) => b.id)).toEqual([mine]);
    expect((await mission.api.prescribers.booklets.query({ organisationId: mission.organisationId })).map((b) => b.id)).toEqual([theirs]);
    expect(await refusal(ccas.api.prescribers.booklets.query({ organisationId: mission.organisationId }))).toMatchObject(FORBIDDEN);
    expect(await refusal(ccas.api.passes.printBooklet.mutate({ bookletId: theirs! }))).toMatchObject(FORBIDDEN);
    expect(await refusal(ccas.api.passes.printBooklet.mutate({ bookletId: unassigned! }))).toMatchObject(FORBIDDEN);
    // Nor the order's follow-up, which is its funders'.
    expect(await refusal(ccas.api.passes.ofOrder.query({ orderId }))).toMatchObject(FORBIDDEN);
  });

  it('the codes of a booklet once it is assigned to it, and no longer once the funder takes it back', async () => {
    const orderId = await passOrder(w, { title: 'Démarches en ligne à Quimper' });
    const [bookletId] = await issue(w, orderId, 1, 5);
    expect(await refusal(ccas.api.passes.printBooklet.mutate({ bookletId: bookletId! }))).toMatchObject(FORBIDDEN);

    await assign([bookletId!], ccas.organisationId);

    expect(await codesOf(w, bookletId!, ccas.api)).toEqual(await codesOf(w, bookletId!));
    const [listed] = await ccas.api.prescribers.booklets.query({ organisationId: ccas.organisationId });
    expect(listed).toMatchObject({ id: bookletId, number: 1, size: 5, orderId, orderTitle: 'Démarches en ligne à Quimper', handedOutOn: null, redeemed: 0, expired: false });

    await assign([bookletId!], null);

    expect(await refusal(ccas.api.passes.printBooklet.mutate({ bookletId: bookletId! }))).toMatchObject(FORBIDDEN);
    expect(await ccas.api.prescribers.booklets.query({ organisationId: ccas.organisationId })).toEqual([]);
    expect(bookletRow(bookletId!)).toMatchObject({ prescriberOrganisationId: null, assignedAt: null });
  });
});

describe('assigning booklets', () => {
  it('refuses a prescriber invited by another funder, on its field, and writes nothing', async () => {
    const orderId = await passOrder(w);
    const [bookletId] = await issue(w, orderId, 1);
    const theirs = await prescriber(w, w.otherFunder, 'CCAS de Brest');
    const before = passSnapshot(w.db);

    expect(await refusal(assign([bookletId!], theirs.organisationId))).toMatchObject({
      code: 'BAD_REQUEST',
      fieldErrors: { prescriberOrganisationId: ['Ce prescripteur n’est pas l’un des vôtres'] },
    });
    expect(passSnapshot(w.db)).toEqual(before);
  });

  it('refuses, all or nothing, booklets of an order the funder does not fund, and booklets that do not exist', async () => {
    const orderId = await passOrder(w);
    const [mine] = await issue(w, orderId, 1);
    const theirOrder = await w.otherFunder.api.orders.create.mutate({
      organisationId: w.otherFunder.organisationId,
      title: 'Commande de la CAF',
      services: [Service.AideAuxDemarchesAdministratives],
      departementCodes: ['29'],
      quantity: 10,
      bidDeadline: isoDaysFromToday(10),
      deliveryStartsOn: isoDaysFromToday(11),
      deliveryEndsOn: isoDaysFromToday(90),
    });
    await w.otherFunder.api.orders.publish.mutate({ orderId: theirOrder.orderId });
    await w.otherFunder.api.orders.recordPayment.mutate({ orderId: theirOrder.orderId, organisationId: w.otherFunder.organisationId, amountCents: 10_000, reference: 'VIR-CAF', idempotencyKey: 'versement-caf-1' });
    const [theirs] = await issue(w, theirOrder.orderId, 1, 10, w.otherFunder);
    const before = passSnapshot(w.db);

    expect(await refusal(assign([mine!, theirs!], ccas.organisationId))).toMatchObject(FORBIDDEN);
    expect(await refusal(assign([mine!, 999_999], ccas.organisationId))).toMatchObject(FORBIDDEN);
    expect(await refusal(assign([mine!], null, w.actor))).toMatchObject(FORBIDDEN);
    expect(passSnapshot(w.db)).toEqual(before);
  });

  it('moves a booklet from one of the funder’s prescribers to another until it is handed out, then never', async () => {
    const orderId = await passOrder(w);
    const [bookletId] = await issue(w, orderId, 1);
    const mission = await prescriber(w, w.funder, 'Mission locale de Quimper');
    await assign([bookletId!], ccas.organisationId);
    await assign([bookletId!], mission.organisationId);
    expect(await refusal(ccas.api.passes.printBooklet.mutate({ bookletId: bookletId! }))).toMatchObject(FORBIDDEN);

    await handOut(mission, bookletId!);
    const before = passSnapshot(w.db);

    const conflict = { code: 'CONFLICT', httpStatus: 409, message: 'Le carnet n° 1 a déjà été remis à une personne : il ne change plus de prescripteur' };
    expect(await refusal(assign([bookletId!], ccas.organisationId))).toMatchObject(conflict);
    expect(await refusal(assign([bookletId!], null))).toMatchObject(conflict);
    expect(passSnapshot(w.db)).toEqual(before);
  });
});

describe('handing a booklet out', () => {
  it('keeps the date and an optional anonymous category, nothing else, and only once', async () => {
    const orderId = await passOrder(w);
    const [withCategory, without] = await issue(w, orderId, 2);
    await assign([withCategory!, without!], ccas.organisationId);

    expect(await handOut(ccas, withCategory!, today(), 'age_60_plus')).toEqual({ ok: true });
    await handOut(ccas, without!);

    expect(bookletRow(withCategory!)).toMatchObject({ handedOutOn: today(), handedOutCategory: 'age_60_plus', handedOutByUserId: ccas.userId });
    expect(bookletRow(without!)).toMatchObject({ handedOutOn: today(), handedOutCategory: null });
    // Nothing personal: the booklet has no column for it, and the form takes nothing more.
    expect(Object.keys(bookletRow(without!)).sort()).toEqual(
      ['id', 'orderId', 'number', 'size', 'prescriberOrganisationId', 'assignedAt', 'handedOutOn', 'handedOutCategory', 'handedOutByUserId', 'createdByUserId', 'createdAt'].sort(),
    );
    const [, third] = await issue(w, orderId, 2);
    await assign([third!], ccas.organisationId);
    const refused = await refusal(
      ccas.api.passes.handOut.mutate({ organisationId: ccas.organisationId, bookletId: third!, handedOutOn: today(), beneficiaryName: 'Marie Dupont' } as never),
    );
    expect(refused).toMatchObject({ code: 'BAD_REQUEST', fieldErrors: { beneficiaryName: ['Champ inconnu'] } });
    expect(bookletRow(third!).handedOutOn).toBeNull();
    expect(JSON.stringify(w.db.$client.prepare('select * from audit_events').all())).not.toContain('Marie Dupont');

    const before = passSnapshot(w.db);
    expect(await refusal(handOut(ccas, withCategory!, today(), 'job_seeker'))).toMatchObject({ code: 'CONFLICT', message: `Ce carnet a déjà été remis, le ${today()}` });
    expect(passSnapshot(w.db)).toEqual(before);
  });

  it('refuses a day in the future and a day before the booklet was issued, on the handedOutOn field', async () => {
    const orderId = await passOrder(w);
    const [bookletId] = await issue(w, orderId, 1);
    await assign([bookletId!], ccas.organisationId);
    const before = passSnapshot(w.db);

    expect(await refusal(handOut(ccas, bookletId!, isoDaysFromToday(1)))).toMatchObject({
      code: 'BAD_REQUEST',
      fieldErrors: { handedOutOn: ['La remise ne peut pas être datée dans le futur'] },
    });
    const issuedOn = bookletRow(bookletId!).createdAt.slice(0, 10);
    expect(await refusal(handOut(ccas, bookletId!, isoDaysFromToday(-2)))).toMatchObject({
      code: 'BAD_REQUEST',
      fieldErrors: { handedOutOn: [`Le carnet n’existait pas encore (émis le ${issuedOn})`] },
    });
    expect(passSnapshot(w.db)).toEqual(before);
  });

  it('is for the prescriber holding the booklet: not another prescriber, not the funder', async () => {
    const orderId = await passOrder(w);
    const [bookletId] = await issue(w, orderId, 1);
    const mission = await prescriber(w, w.funder, 'Mission locale de Quimper');
    await assign([bookletId!], ccas.organisationId);
    const before = passSnapshot(w.db);

    expect(await refusal(handOut(mission, bookletId!))).toMatchObject(FORBIDDEN);
    expect(await refusal(mission.api.passes.handOut.mutate({ organisationId: ccas.organisationId, bookletId: bookletId!, handedOutOn: today() }))).toMatchObject(FORBIDDEN);
    expect(await refusal(w.funder.api.passes.handOut.mutate({ organisationId: w.funder.organisationId, bookletId: bookletId!, handedOutOn: today() }))).toMatchObject(FORBIDDEN);
    expect(passSnapshot(w.db)).toEqual(before);
  });
});

describe('the order’s counts', () => {
  it('move as booklets are issued, assigned, handed out, started, fully used, and expire with the order', async () => {
    const orderId = await passOrder(w, { quantity: 40 });
    await award(w, orderId, [{ who: w.actor, placeId: w.places.actor, quantity: 40 }]);
    const counts = async () => (await w.funder.api.passes.ofOrder.query({ orderId })).counts;
    const statuses = async () => (await w.funder.api.passes.ofOrder.query({ orderId })).booklets.map((b) => b.status);
    const zero = { orderId, bookletsIssued: 0, passesIssued: 0, bookletsAssigned: 0, bookletsHandedOut: 0, bookletsStarted: 0, bookletsFullyUsed: 0, passesRedeemed: 0, passesExpired: 0, issuableQuantity: 40 };
    expect(await counts()).toEqual(zero);

    const [a, b, c] = await issue(w, orderId, 3, 2);
    expect(await counts()).toEqual({ ...zero, bookletsIssued: 3, passesIssued: 6, issuableQuantity: 34 });

    await assign([a!, b!], ccas.organisationId);
    await handOut(ccas, a!);
    expect(await counts()).toMatchObject({ bookletsAssigned: 2, bookletsHandedOut: 1, bookletsStarted: 0 });
    expect(await statuses()).toEqual(['handed_out', 'assigned', 'in_stock']);

    const [a1, a2] = await codesOf(w, a!);
    const [b1] = await codesOf(w, b!);
    await w.actor.api.passes.redeem.mutate(redeemInput(w.places.actor, a1!));
    await w.actor.api.passes.redeem.mutate(redeemInput(w.places.actor, b1!));
    expect(await counts()).toMatchObject({ bookletsStarted: 2, bookletsFullyUsed: 0, passesRedeemed: 2 });
    expect(await statuses()).toEqual(['started', 'started', 'in_stock']);

    await w.actor.api.passes.redeem.mutate(redeemInput(w.places.actor, a2!));
    expect(await counts()).toMatchObject({ bookletsStarted: 2, bookletsFullyUsed: 1, passesRedeemed: 3, passesExpired: 0 });
    expect(await statuses()).toEqual(['fully_used', 'started', 'in_stock']);
    // The prescriber's own list follows.
    expect((await ccas.api.prescribers.booklets.query({ organisationId: ccas.organisationId })).map((x) => [x.id, x.redeemed])).toEqual([
      [a, 2],
      [b, 1],
    ]);

    // The order's validity is over: what is unused has expired, and nothing more is issued.
    w.db.$client.prepare('update service_orders set grace_ends_on = ? where id = ?').run(isoDaysFromToday(-1), orderId);
    expect(await counts()).toEqual({
      orderId,
      bookletsIssued: 3,
      passesIssued: 6,
      bookletsAssigned: 2,
      bookletsHandedOut: 1,
      bookletsStarted: 2,
      bookletsFullyUsed: 1,
      passesRedeemed: 3,
      passesExpired: 3,
      issuableQuantity: 0,
    });
    expect(await statuses()).toEqual(['fully_used', 'expired', 'expired']);
    expect((await ccas.api.prescribers.booklets.query({ organisationId: ccas.organisationId })).map((x) => x.expired)).toEqual([true, true]);
    // An expired booklet is neither handed out nor given to a prescriber any more.
    expect(await refusal(handOut(ccas, b!))).toMatchObject({ code: 'CONFLICT', message: 'Les pass de ce carnet ont expiré : ne le remettez pas' });
    expect((await refusal(assign([c!], ccas.organisationId))).code).toBe('CONFLICT');
  });

  it('are read by the order’s funders and the operator, not by an actor nor another funder', async () => {
    const orderId = await passOrder(w);
    await issue(w, orderId, 1);

    expect((await w.operator.api.passes.ofOrder.query({ orderId })).counts.bookletsIssued).toBe(1);
    expect(await refusal(w.actor.api.passes.ofOrder.query({ orderId }))).toMatchObject(FORBIDDEN);
    expect(await refusal(w.otherFunder.api.passes.ofOrder.query({ orderId }))).toMatchObject(FORBIDDEN);
    expect(await refusal(w.funder.api.passes.ofOrder.query({ orderId: 999_999 }))).toMatchObject(FORBIDDEN);
  });
});
