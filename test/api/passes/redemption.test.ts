import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { awards, deliveries, passes } from '../../../db/schema';
import { placeYearFigures } from '../../../server/services/figures';
import { importDeliveriesCsv } from '../../../server/services/imports';
import { addMembership } from '../../../server/services/users';
import { balanceOf } from '../../../server/services/ledger';
import { UNKNOWN_PASS_MESSAGE } from '../../../server/services/passes/redeem';
import { makeUser } from '../../factories';
import { beneficiaryRef, sessionUserOf } from '../../factories/marketplace';
import { expectLedgerClean, isoDaysFromToday, key, refusal, sessionFor, snapshot, thisYear, today } from '../marketplace/helpers';
import { award, awardedPassOrder, codesOf, freshCodes, issue, passOrder, passSnapshot, passWorld, redeemInput, unknownCode, type PassWorld } from './helpers';

/**
 * Issue 11: a place redeems a pass as it delivers, and the delivery is recorded in the same
 * transaction — once, whatever the retries. A code that is no pass of an order awarded to the
 * place gets one answer, whoever owns it, and wrong codes are limited per user.
 */

let w: PassWorld;
beforeEach(async () => {
  w = await passWorld();
});
afterEach(() => expectLedgerClean(w.db));

const UNKNOWN = { code: 'BAD_REQUEST', httpStatus: 400, message: UNKNOWN_PASS_MESSAGE, fieldErrors: { code: [UNKNOWN_PASS_MESSAGE] }, rowErrors: undefined };
const FORBIDDEN = { code: 'FORBIDDEN', httpStatus: 403, message: 'Accès refusé à cette ressource' };

const figures = (placeId: number) => placeYearFigures(w.db, placeId, thisYear());
const awardRow = (awardId: number) => w.db.select().from(awards).where(eq(awards.id, awardId)).get()!;
const deliveryRows = (orderId: number) => w.db.select().from(deliveries).where(eq(deliveries.orderId, orderId)).all();
/** Every write a redemption makes: the marketplace tables and the pass ones. */
const everything = () => ({ ...snapshot(w.db), ...passSnapshot(w.db) });

describe('redeeming a pass at an awarded place', () => {
  it('records one delivery proved by the pass: award, place figures, ledger and the pass itself move together', async () => {
    const { orderId, awardId } = await awardedPassOrder(w);
    const { bookletId, codes } = await freshCodes(w, orderId);
    const before = figures(w.places.actor);

    const answer = await w.actor.api.passes.redeem.mutate(redeemInput(w.places.actor, codes[0]!));

    expect(answer).toMatchObject({
      replayed: false,
      delivery: { awardId, orderId, placeId: w.places.actor, quantity: 1, amountCents: 1_000, deliveredOn: today(), service: Service.AideAuxDemarchesAdministratives, proof: 'pass' },
    });
    expect(answer.figures.find((f) => f.year === thisYear())).toMatchObject({ servicesDelivered: before.servicesDelivered + 1 });
    expect(deliveryRows(orderId).map((d) => ({ id: d.id, proof: d.proof, quantity: d.quantity }))).toEqual([{ id: answer.delivery.id, proof: 'pass', quantity: 1 }]);
    expect(awardRow(awardId).deliveredQuantity).toBe(1);
    expect(figures(w.places.actor)).toMatchObject({
      servicesDelivered: before.servicesDelivered + 1,
      revenueDeliveredCents: before.revenueDeliveredCents + 1_000,
      servicesCommitted: before.servicesCommitted - 1,
      beneficiaries: before.beneficiaries + 1,
    });
    expect(balanceOf(w.db, { kind: 'place', placeId: w.places.actor })).toBe(1_000);
    expect(balanceOf(w.db, { kind: 'order_ringfence', orderId })).toBe(99_000);
    const pass = w.db.select().from(passes).where(eq(passes.deliveryId, answer.delivery.id)).get()!;
    expect({ bookletId: pass.bookletId, redeemed: pass.redeemedAt !== null }).toEqual({ bookletId, redeemed: true });
    const booklet = await w.funder.api.passes.printBooklet.mutate({ bookletId });
    expect(booklet.passes.map((p) => p.redeemedAt !== null)).toEqual([true, false, false, false, false, false, false, false, false, false]);
  });

  it('reads the code the forgiving way: lower case, spaces instead of dashes, O for 0 and I or L for 1', async () => {
    const { orderId } = await awardedPassOrder(w);
    const { codes } = await freshCodes(w, orderId, 20);
    const sloppy = (code: string) => code.toLowerCase().replaceAll('-', ' ').replaceAll('0', 'O').replaceAll('1', 'l');

    for (const code of codes.slice(0, 3)) {
      expect((await w.actor.api.passes.redeem.mutate(redeemInput(w.places.actor, sloppy(code)))).replayed).toBe(false);
    }
    expect(deliveryRows(orderId)).toHaveLength(3);
  });

  it('counts the same code twice once: the second answer is the first delivery, replayed, and nothing more is written', async () => {
    const { orderId, awardId } = await awardedPassOrder(w);
    const { codes } = await freshCodes(w, orderId);
    const first = await w.actor.api.passes.redeem.mutate(redeemInput(w.places.actor, codes[0]!));
    const after = everything();

    const again = await w.actor.api.passes.redeem.mutate(redeemInput(w.places.actor, codes[0]!));

    expect(again).toEqual({ delivery: first.delivery, replayed: true, figures: [] });
    expect(everything()).toEqual(after);
    expect(deliveryRows(orderId)).toHaveLength(1);
    expect(awardRow(awardId).deliveredQuantity).toBe(1);
    expect(figures(w.places.actor).servicesDelivered).toBe(1);
    // …also when typed differently, or at another awarded place of the same actor.
    await award(w, await passOrder(w, { title: 'Autre commande' }), [{ who: w.actor, placeId: w.places.actorOther, quantity: 5 }]);
    expect(await w.actor.api.passes.redeem.mutate(redeemInput(w.places.actor, codes[0]!.replaceAll('-', '').toLowerCase()))).toEqual(again);
  });

  it('records one delivery for two redemptions of the same code sent at once', async () => {
    const { orderId, awardId } = await awardedPassOrder(w);
    const { codes } = await freshCodes(w, orderId);
    const counter = w.actor.api;

    const answers = await Promise.all([counter.passes.redeem.mutate(redeemInput(w.places.actor, codes[0]!)), counter.passes.redeem.mutate(redeemInput(w.places.actor, codes[0]!))]);

    expect(answers.map((a) => a.replayed).sort()).toEqual([false, true]);
    expect(answers[0]!.delivery).toEqual(answers[1]!.delivery);
    expect(deliveryRows(orderId)).toHaveLength(1);
    expect(awardRow(awardId).deliveredQuantity).toBe(1);
    expect(figures(w.places.actor)).toMatchObject({ servicesDelivered: 1, revenueDeliveredCents: 1_000 });
  });

  it('records ten different codes sent at once as ten deliveries', async () => {
    const { orderId, awardId } = await awardedPassOrder(w);
    const { codes } = await freshCodes(w, orderId);

    const answers = await Promise.all(codes.map((code) => w.actor.api.passes.redeem.mutate(redeemInput(w.places.actor, code))));

    expect(answers.filter((a) => a.replayed)).toEqual([]);
    expect(new Set(answers.map((a) => a.delivery.id)).size).toBe(10);
    expect(awardRow(awardId).deliveredQuantity).toBe(10);
    // One booklet is one person: ten services, one beneficiary.
    expect(figures(w.places.actor)).toMatchObject({ servicesDelivered: 10, beneficiaries: 1 });
  });

  it('counts one person per booklet: two pass of one booklet one beneficiary, a pass of another booklet a second', async () => {
    const { orderId } = await awardedPassOrder(w);
    const [first, second] = await issue(w, orderId, 2, 5);
    const [a, b] = await codesOf(w, first!);
    const [c] = await codesOf(w, second!);

    for (const code of [a!, b!, c!]) await w.actor.api.passes.redeem.mutate(redeemInput(w.places.actor, code));

    expect(figures(w.places.actor)).toMatchObject({ servicesDelivered: 3, beneficiaries: 2 });
    const refs = deliveryRows(orderId).map((d) => d.beneficiaryRef);
    expect(refs[0]).toBe(refs[1]);
    expect(refs[2]).not.toBe(refs[0]);
  });

  it('refuses a pass already used at another awarded place, with CONFLICT, and writes nothing', async () => {
    const orderId = await passOrder(w);
    await award(w, orderId, [
      { who: w.actor, placeId: w.places.actor, quantity: 30 },
      { who: w.rival, placeId: w.places.rival, quantity: 30 },
    ]);
    const { codes } = await freshCodes(w, orderId);
    const { delivery } = await w.actor.api.passes.redeem.mutate(redeemInput(w.places.actor, codes[0]!));
    const before = everything();

    expect(await refusal(w.rival.api.passes.redeem.mutate(redeemInput(w.places.rival, codes[0]!)))).toMatchObject({
      code: 'CONFLICT',
      httpStatus: 409,
      message: `Ce pass a déjà été utilisé, le ${delivery.deliveredOn}`,
    });
    expect(everything()).toEqual(before);
    // Any other pass of the order is the rival's to redeem too: it holds an award on it.
    expect((await w.rival.api.passes.redeem.mutate(redeemInput(w.places.rival, codes[1]!))).delivery.placeId).toBe(w.places.rival);
  });

  it('refuses once the place’s award is fully delivered, with CONFLICT', async () => {
    const orderId = await passOrder(w);
    await award(w, orderId, [{ who: w.actor, placeId: w.places.actor, quantity: 2 }]);
    const { codes } = await freshCodes(w, orderId, 3);
    await w.actor.api.passes.redeem.mutate(redeemInput(w.places.actor, codes[0]!));
    await w.actor.api.passes.redeem.mutate(redeemInput(w.places.actor, codes[1]!));
    const before = everything();

    expect(await refusal(w.actor.api.passes.redeem.mutate(redeemInput(w.places.actor, codes[2]!)))).toMatchObject({
      code: 'CONFLICT',
      message: 'Votre attribution sur cette commande est entièrement réalisée : plus de pass à encaisser ici',
    });
    expect(everything()).toEqual(before);
  });

  it('refuses a service the order does not pay for and a day in the future, on their fields, and the pass stays unused', async () => {
    const { orderId } = await awardedPassOrder(w);
    const { codes } = await freshCodes(w, orderId);
    const before = everything();

    expect((await refusal(w.actor.api.passes.redeem.mutate(redeemInput(w.places.actor, codes[0]!, { service: Service.MaitriseDesOutilsNumeriquesDuQuotidien })))).fieldErrors).toEqual({
      service: ['Ce service ne fait pas partie de la commande'],
    });
    expect((await refusal(w.actor.api.passes.redeem.mutate(redeemInput(w.places.actor, codes[0]!, { deliveredOn: isoDaysFromToday(1) })))).fieldErrors).toEqual({
      deliveredOn: ['Une prestation ne peut pas être datée dans le futur'],
    });
    expect(everything()).toEqual(before);
    expect((await w.actor.api.passes.redeem.mutate(redeemInput(w.places.actor, codes[0]!))).replayed).toBe(false);
  });

  it('is refused for a place of someone else, and to a funder, with FORBIDDEN', async () => {
    const { orderId } = await awardedPassOrder(w);
    const { codes } = await freshCodes(w, orderId);
    const before = everything();

    expect(await refusal(w.rival.api.passes.redeem.mutate(redeemInput(w.places.actor, codes[0]!)))).toMatchObject(FORBIDDEN);
    expect(await refusal(w.funder.api.passes.redeem.mutate(redeemInput(w.places.actor, codes[0]!)))).toMatchObject(FORBIDDEN);
    expect(await refusal(w.rival.api.passes.check.mutate({ placeId: w.places.actor, code: codes[0]! }))).toMatchObject(FORBIDDEN);
    expect(everything()).toEqual(before);
  });
});

describe('a code that is no pass of an order awarded to the place', () => {
  it('at a place of the actor that holds no award on the pass’s order: refused like a code that exists nowhere', async () => {
    const { orderId } = await awardedPassOrder(w);
    const { codes } = await freshCodes(w, orderId);
    const before = everything();

    const elsewhere = await refusal(w.actor.api.passes.redeem.mutate(redeemInput(w.places.actorOther, codes[0]!)));
    const nowhere = await refusal(w.actor.api.passes.redeem.mutate(redeemInput(w.places.actorOther, unknownCode())));

    expect(elsewhere).toEqual(UNKNOWN);
    expect(nowhere).toEqual(elsewhere);
    expect(everything()).toEqual(before);
  });

  it('by a rival actor holding no award on the order: the same answer as a code that exists nowhere, so the owner stays unknown', async () => {
    const { orderId } = await awardedPassOrder(w);
    // The rival holds an award, on another pass-required order.
    await award(w, await passOrder(w, { title: 'Commande de la coopérative' }), [{ who: w.rival, placeId: w.places.rival, quantity: 10 }]);
    const { codes } = await freshCodes(w, orderId);
    await w.actor.api.passes.redeem.mutate(redeemInput(w.places.actor, codes[1]!));
    const before = everything();

    const unused = await refusal(w.rival.api.passes.redeem.mutate(redeemInput(w.places.rival, codes[0]!)));
    const used = await refusal(w.rival.api.passes.redeem.mutate(redeemInput(w.places.rival, codes[1]!)));
    const nowhere = await refusal(w.rival.api.passes.redeem.mutate(redeemInput(w.places.rival, unknownCode())));

    expect(unused).toEqual(UNKNOWN);
    expect(used).toEqual(nowhere);
    expect(unused).toEqual(nowhere);
    // Checking first tells nothing more.
    const checks = await Promise.all([codes[0]!, codes[1]!, unknownCode()].map((code) => refusal(w.rival.api.passes.check.mutate({ placeId: w.places.rival, code }))));
    expect(checks).toEqual([UNKNOWN, UNKNOWN, UNKNOWN]);
    expect(everything()).toEqual(before);
  });

  it('with a typo caught by the check symbol: a field error on the code, before any lookup', async () => {
    const { orderId } = await awardedPassOrder(w);
    const { codes } = await freshCodes(w, orderId);
    const code = codes[0]!;
    // One symbol changed, then two neighbours swapped (all caught by the check symbol).
    const changed = `${code.slice(0, 2)}${code[2] === 'A' ? 'B' : 'A'}${code.slice(3)}`;
    const swapped = code[0] === code[1] ? null : `${code[1]}${code[0]}${code.slice(2)}`;

    for (const typo of [changed, swapped, `${code}7`, 'UUUU-UUUU-UUUU'].filter((t): t is string => t !== null)) {
      const refused = await refusal(w.actor.api.passes.redeem.mutate(redeemInput(w.places.actor, typo)));
      expect(refused.code).toBe('BAD_REQUEST');
      expect(Object.keys(refused.fieldErrors ?? {})).toEqual(['code']);
      expect(refused.fieldErrors!.code).not.toEqual([UNKNOWN_PASS_MESSAGE]);
    }
    expect(deliveryRows(orderId)).toEqual([]);
  });
});

describe('checking a code before confirming', () => {
  it('says what the pass pays for and writes nothing; after redemption, that it was redeemed here; elsewhere, why not', async () => {
    const orderId = await passOrder(w, { title: 'Démarches en ligne à Quimper' });
    await award(w, orderId, [
      { who: w.actor, placeId: w.places.actor, quantity: 10 },
      { who: w.rival, placeId: w.places.rival, quantity: 10 },
    ]);
    const { codes } = await freshCodes(w, orderId);
    const before = everything();

    const checked = await w.actor.api.passes.check.mutate({ placeId: w.places.actor, code: codes[0]! });

    expect(checked).toMatchObject({
      orderId,
      orderTitle: 'Démarches en ligne à Quimper',
      services: [Service.AideAuxDemarchesAdministratives],
      alreadyRedeemed: false,
      problem: null,
    });
    expect(everything()).toEqual(before);
    const { delivery } = await w.actor.api.passes.redeem.mutate(redeemInput(w.places.actor, codes[0]!));
    expect(await w.actor.api.passes.check.mutate({ placeId: w.places.actor, code: codes[0]! })).toMatchObject({ alreadyRedeemed: true, problem: null });
    expect(await w.rival.api.passes.check.mutate({ placeId: w.places.rival, code: codes[0]! })).toMatchObject({
      alreadyRedeemed: false,
      problem: `Ce pass a déjà été utilisé, le ${delivery.deliveredOn}`,
    });
  });
});

describe('after expiry', () => {
  it('refuses a pass once the order’s validity and grace month are over, with CONFLICT, and writes nothing', async () => {
    const { orderId } = await awardedPassOrder(w);
    const { codes } = await freshCodes(w, orderId);
    await w.actor.api.passes.redeem.mutate(redeemInput(w.places.actor, codes[0]!));
    // Time passes: the last day a pass could be redeemed was yesterday.
    const yesterday = isoDaysFromToday(-1);
    w.db.$client.prepare('update service_orders set grace_ends_on = ? where id = ?').run(yesterday, orderId);
    const before = everything();

    expect(await refusal(w.actor.api.passes.redeem.mutate(redeemInput(w.places.actor, codes[1]!)))).toMatchObject({
      code: 'CONFLICT',
      httpStatus: 409,
      message: `Ce pass a expiré : il était valable jusqu’au ${yesterday}`,
    });
    expect(await w.actor.api.passes.check.mutate({ placeId: w.places.actor, code: codes[1]! })).toMatchObject({ problem: `Ce pass a expiré : il était valable jusqu’au ${yesterday}` });
    expect(everything()).toEqual(before);
    // The pass redeemed in time keeps its answer.
    expect((await w.actor.api.passes.redeem.mutate(redeemInput(w.places.actor, codes[0]!))).replayed).toBe(true);
  });

  it('accepts a pass during the grace month, dated on the window’s last day, then refuses it once the funder closes the order', async () => {
    const { orderId } = await awardedPassOrder(w);
    const { codes } = await freshCodes(w, orderId);
    // The delivery window ended yesterday; the grace month runs on.
    const yesterday = isoDaysFromToday(-1);
    w.db.$client.prepare('update service_orders set delivery_starts_on = ?, delivery_ends_on = ?, grace_ends_on = ? where id = ?').run(isoDaysFromToday(-60), yesterday, isoDaysFromToday(29), orderId);

    const { delivery } = await w.actor.api.passes.redeem.mutate(redeemInput(w.places.actor, codes[0]!));
    expect(delivery.deliveredOn).toBe(yesterday);

    await w.funder.api.orders.close.mutate({ orderId });
    const before = everything();
    expect(await refusal(w.actor.api.passes.redeem.mutate(redeemInput(w.places.actor, codes[1]!)))).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/^Ce pass a expiré/),
    });
    expect(everything()).toEqual(before);
    expect((await w.funder.api.passes.ofOrder.query({ orderId })).counts).toMatchObject({ passesRedeemed: 1, passesExpired: 9, issuableQuantity: 0 });
  });
});

describe('orders that require a pass', () => {
  it('refuse self-declared deliveries, single, in a batch or imported, while an order without pass still takes them', async () => {
    const { orderId, awardId } = await awardedPassOrder(w);
    const declared = await passOrder(w, { passRequired: false, title: 'Commande déclarative' });
    const [declaredAward] = await award(w, declared, [{ who: w.actor, placeId: w.places.actor, quantity: 10 }]);
    const row = (id: number) => ({
      awardId: id,
      quantity: 1,
      deliveredOn: today(),
      service: Service.AideAuxDemarchesAdministratives,
      beneficiaryRef: beneficiaryRef(key()),
      idempotencyKey: key(),
    });
    const message = 'Cette commande exige un pass : enregistrez chaque prestation en saisissant le code du pass de la personne';
    const before = everything();

    expect(await refusal(w.actor.api.deliveries.record.mutate(row(awardId)))).toMatchObject({ code: 'CONFLICT', httpStatus: 409, message });
    expect((await refusal(w.actor.api.deliveries.recordBatch.mutate({ rows: [row(declaredAward!), row(awardId)] }))).rowErrors).toEqual([{ row: 2, field: null, message }]);
    const importId = await importDeliveriesCsv(
      w.db,
      sessionUserOf(w.db, w.actor.userId),
      w.actor.organisationId,
      'prestations.csv',
      `attribution;date;service;quantite;empreinte_personne\n${awardId};${today()};${Service.AideAuxDemarchesAdministratives};1;${beneficiaryRef('importée')}\n`,
    );
    expect((await w.actor.api.imports.report.query({ importId })).problems.map((p) => p.message)).toEqual([message]);
    expect(everything()).toEqual(before);
    expect(deliveryRows(orderId)).toEqual([]);

    // Nor can a declared delivery take the key a pass's delivery is recorded under.
    expect(Object.keys((await refusal(w.actor.api.deliveries.record.mutate({ ...row(awardId), idempotencyKey: 'pass:1' }))).fieldErrors ?? {})).toEqual(['idempotencyKey']);

    expect((await w.actor.api.deliveries.record.mutate(row(declaredAward!))).delivery).toMatchObject({ proof: 'declared' });
    expect(await w.actor.api.deliveries.recordBatch.mutate({ rows: [row(declaredAward!), row(declaredAward!)] })).toEqual({ recorded: 2, replayed: 0 });
    expect(deliveryRows(declared).map((d) => d.proof)).toEqual(['declared', 'declared', 'declared']);
  });
});

describe('the wrong-code limit', () => {
  let limited: PassWorld;
  beforeEach(async () => {
    limited = await passWorld({ env: { PASS_WRONG_CODES_PER_HOUR: '3' } });
  });
  afterEach(() => expectLedgerClean(limited.db));

  it('refuses every code, the right ones too, with TOO_MANY_REQUESTS once a user has typed the limit of wrong codes', async () => {
    const { orderId } = await awardedPassOrder(limited);
    const { codes } = await freshCodes(limited, orderId);
    const api = limited.actor.api;

    // Typos never reach the lookup: they do not count.
    const typo = `${codes[9]!.slice(0, 5)}${codes[9]![5] === 'A' ? 'B' : 'A'}${codes[9]!.slice(6)}`;
    for (let i = 0; i < 5; i++) expect((await refusal(api.passes.redeem.mutate(redeemInput(limited.places.actor, typo)))).code).toBe('BAD_REQUEST');
    expect((await api.passes.redeem.mutate(redeemInput(limited.places.actor, codes[0]!))).replayed).toBe(false);
    // Three wrong codes (by check or by redemption) are answered…
    expect(await refusal(api.passes.check.mutate({ placeId: limited.places.actor, code: unknownCode() }))).toEqual(UNKNOWN);
    expect(await refusal(api.passes.redeem.mutate(redeemInput(limited.places.actor, unknownCode())))).toEqual(UNKNOWN);
    expect(await refusal(api.passes.redeem.mutate(redeemInput(limited.places.actorOther, codes[1]!)))).toEqual(UNKNOWN);
    const before = everything();

    // …then nothing is, for the hour.
    for (const attempt of [
      api.passes.redeem.mutate(redeemInput(limited.places.actor, unknownCode())),
      api.passes.redeem.mutate(redeemInput(limited.places.actor, codes[2]!)),
      api.passes.check.mutate({ placeId: limited.places.actor, code: codes[3]! }),
    ]) {
      expect(await refusal(attempt)).toMatchObject({ code: 'TOO_MANY_REQUESTS', httpStatus: 429 });
    }
    expect(everything()).toEqual(before);
  });

  it('counts per user: another member of the same actor still redeems', async () => {
    const { orderId } = await awardedPassOrder(limited);
    const { codes } = await freshCodes(limited, orderId);
    for (let i = 0; i < 3; i++) await refusal(limited.actor.api.passes.redeem.mutate(redeemInput(limited.places.actor, unknownCode())));
    expect((await refusal(limited.actor.api.passes.redeem.mutate(redeemInput(limited.places.actor, codes[0]!)))).code).toBe('TOO_MANY_REQUESTS');

    const colleague = await makeUser(limited.db);
    addMembership(limited.db, colleague.id, limited.actor.organisationId, 'member');

    expect((await sessionFor(limited.testApp, colleague.id).api.passes.redeem.mutate(redeemInput(limited.places.actor, codes[0]!))).replayed).toBe(false);
  });

  // The counter is told about pass codes, not about signing in.
  it('says the limit is about pass codes, not about signing in', async () => {
    const { orderId } = await awardedPassOrder(limited);
    await freshCodes(limited, orderId);
    for (let i = 0; i < 3; i++) await refusal(limited.actor.api.passes.redeem.mutate(redeemInput(limited.places.actor, unknownCode())));

    const refused = await refusal(limited.actor.api.passes.redeem.mutate(redeemInput(limited.places.actor, unknownCode())));

    expect(refused.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.message).not.toMatch(/connexion/i);
    expect(refused.message).toMatch(/code|pass/i);
  });
});
