import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { passCodeProblem } from '../../../shared/domain/pass-codes';
import { TEST_ORIGIN } from '../../setup/app';
import { expectLedgerClean, isoDaysFromToday, key, refusal, sessionFor } from '../marketplace/helpers';
import { award, codesOf, everyText, issue, passOrder, passSnapshot, passWorld, prescriber, redeemInput, rowCount, type PassWorld } from './helpers';

/**
 * Issue 11: a funder issues booklets of pass for an order that requires them, never beyond what
 * its funders paid in; the codes are printed from the booklet or exported as CSV by the order's
 * funders, and the database holds none of them in clear.
 */

let w: PassWorld;
beforeEach(async () => {
  w = await passWorld();
});
afterEach(() => expectLedgerClean(w.db));

const FORBIDDEN = { code: 'FORBIDDEN', httpStatus: 403, message: 'Accès refusé à cette ressource' };
const counts = async (orderId: number) => (await w.funder.api.passes.ofOrder.query({ orderId })).counts;

describe('issuing booklets', () => {
  it('issues booklets of the size asked, ten pass each by default, numbered from 1 within the order', async () => {
    const orderId = await passOrder(w);

    const issued = await w.funder.api.passes.issue.mutate({ orderId, organisationId: w.funder.organisationId, booklets: 2 });

    expect(issued).toMatchObject({ orderId, issued: 20 });
    expect(issued.bookletIds).toHaveLength(2);
    const { passRequired, booklets } = await w.funder.api.passes.ofOrder.query({ orderId });
    expect(passRequired).toBe(true);
    expect(booklets.map((b) => ({ id: b.id, number: b.number, size: b.size, status: b.status }))).toEqual([
      { id: issued.bookletIds[0], number: 1, size: 10, status: 'in_stock' },
      { id: issued.bookletIds[1], number: 2, size: 10, status: 'in_stock' },
    ]);
    expect(rowCount(w.db, 'passes')).toBe(20);
    expect(await counts(orderId)).toMatchObject({ bookletsIssued: 2, passesIssued: 20, issuableQuantity: 80 });
  });

  it('continues the booklet numbering across issues, and each order numbers its own', async () => {
    const orderId = await passOrder(w);
    const otherOrder = await passOrder(w, { title: 'Autre commande' });

    await issue(w, orderId, 2, 5);
    await issue(w, otherOrder, 1, 5);
    await issue(w, orderId, 3, 4);

    const numbers = async (id: number) => (await w.funder.api.passes.ofOrder.query({ orderId: id })).booklets.map((b) => [b.number, b.size]);
    expect(await numbers(orderId)).toEqual([
      [1, 5],
      [2, 5],
      [3, 4],
      [4, 4],
      [5, 4],
    ]);
    expect(await numbers(otherOrder)).toEqual([[1, 5]]);
  });

  it('refuses to go beyond the funded quantity, on the booklets field, and writes nothing', async () => {
    const orderId = await passOrder(w, { quantity: 30 });
    await issue(w, orderId, 2); // 20 of 30
    const before = passSnapshot(w.db);
    const auditBefore = rowCount(w.db, 'audit_events');

    const refused = await refusal(w.funder.api.passes.issue.mutate({ orderId, organisationId: w.funder.organisationId, booklets: 2 }));

    expect(refused).toMatchObject({
      code: 'BAD_REQUEST',
      httpStatus: 400,
      fieldErrors: { booklets: ['Dépasse la quantité financée : 10 pass au plus peuvent encore être émis (30 financés, 20 déjà émis)'] },
    });
    expect(passSnapshot(w.db)).toEqual(before);
    expect(rowCount(w.db, 'audit_events')).toBe(auditBefore);
    // One issue is bounded whatever the funding: 10 000 pass at most.
    expect((await refusal(w.funder.api.passes.issue.mutate({ orderId, organisationId: w.funder.organisationId, booklets: 1_000, size: 11 }))).fieldErrors).toEqual({
      booklets: ['10000 pass au plus par émission'],
    });
    expect(passSnapshot(w.db)).toEqual(before);
    // Exactly what is left still goes through.
    await issue(w, orderId, 1);
    expect(await counts(orderId)).toMatchObject({ passesIssued: 30, issuableQuantity: 0 });
  });

  it('counts what was paid in, not what was ordered: half paid, half issuable, the rest once the co-funder pays', async () => {
    // 100 services at 10 €; the funder's share is half, paid; the CAF co-funds the other half.
    const orderId = await passOrder(w, { shareCents: 50_000 }, 50_000);
    expect(await counts(orderId)).toMatchObject({ issuableQuantity: 50 });

    await issue(w, orderId, 5);
    const before = passSnapshot(w.db);
    expect((await refusal(issue(w, orderId, 1))).fieldErrors).toEqual({
      booklets: ['Dépasse la quantité financée : 0 pass au plus peuvent encore être émis (50 financés, 50 déjà émis)'],
    });
    expect(passSnapshot(w.db)).toEqual(before);

    await w.otherFunder.api.orders.coFund.mutate({ orderId, organisationId: w.otherFunder.organisationId, shareCents: 50_000 });
    // Committed is not paid: still nothing to issue.
    expect(await counts(orderId)).toMatchObject({ issuableQuantity: 0 });
    await w.otherFunder.api.orders.recordPayment.mutate({ orderId, organisationId: w.otherFunder.organisationId, amountCents: 25_050, reference: 'VIR-CAF-1', idempotencyKey: key() });
    // 250,50 € more pays 25 services (rounded down), whoever paid.
    expect(await counts(orderId)).toMatchObject({ issuableQuantity: 25 });
    // The co-funder issues too, and the numbering follows the funder's booklets.
    const [booklet] = await issue(w, orderId, 5, 5, w.otherFunder);
    expect((await w.otherFunder.api.passes.printBooklet.mutate({ bookletId: booklet! })).number).toBe(6);
    expect(await counts(orderId)).toMatchObject({ passesIssued: 75, issuableQuantity: 0 });
  });

  it('refuses an order that works without pass, with CONFLICT, and writes nothing', async () => {
    const orderId = await passOrder(w, { passRequired: false });
    const before = passSnapshot(w.db);

    expect(await refusal(issue(w, orderId, 1))).toMatchObject({
      code: 'CONFLICT',
      httpStatus: 409,
      message: 'Cette commande fonctionne sans pass : ses prestations sont déclaratives',
    });
    expect(passSnapshot(w.db)).toEqual(before);
    const followed = await w.funder.api.passes.ofOrder.query({ orderId });
    expect(followed).toMatchObject({ passRequired: false, booklets: [], counts: { passesIssued: 0, issuableQuantity: 0 } });
  });

  it('refuses a draft and an order whose validity is over, with CONFLICT', async () => {
    const { orderId: draft } = await w.funder.api.orders.create.mutate({
      organisationId: w.funder.organisationId,
      title: 'Commande en brouillon',
      services: [Service.AideAuxDemarchesAdministratives],
      departementCodes: ['29'],
      quantity: 10,
      bidDeadline: isoDaysFromToday(10),
      deliveryStartsOn: isoDaysFromToday(11),
      deliveryEndsOn: isoDaysFromToday(90),
    });
    expect((await refusal(issue(w, draft, 1))).code).toBe('CONFLICT');

    const expired = await passOrder(w);
    w.db.$client.prepare("update service_orders set grace_ends_on = date('now', '-1 day') where id = ?").run(expired);
    const before = passSnapshot(w.db);
    expect(await refusal(issue(w, expired, 1))).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('Plus de pass à émettre pour cette commande') });
    expect(passSnapshot(w.db)).toEqual(before);
  });

  it('is refused to anyone but a funder of the order: another funder, an actor, the operator, for the order’s funder too', async () => {
    const orderId = await passOrder(w);
    const before = passSnapshot(w.db);

    expect(await refusal(w.otherFunder.api.passes.issue.mutate({ orderId, organisationId: w.otherFunder.organisationId, booklets: 1 }))).toMatchObject(FORBIDDEN);
    expect(await refusal(w.otherFunder.api.passes.issue.mutate({ orderId, organisationId: w.funder.organisationId, booklets: 1 }))).toMatchObject(FORBIDDEN);
    expect(await refusal(w.actor.api.passes.issue.mutate({ orderId, organisationId: w.actor.organisationId, booklets: 1 }))).toMatchObject(FORBIDDEN);
    expect(await refusal(w.operator.api.passes.issue.mutate({ orderId, organisationId: w.funder.organisationId, booklets: 1 }))).toMatchObject(FORBIDDEN);
    // An order that does not exist answers the same.
    expect(await refusal(w.funder.api.passes.issue.mutate({ orderId: 999_999, organisationId: w.funder.organisationId, booklets: 1 }))).toMatchObject(FORBIDDEN);
    expect(passSnapshot(w.db)).toEqual(before);
  });
});

describe('the codes', () => {
  it('are well formed, printed in three groups of four, and unique across booklets and orders', async () => {
    const orderId = await passOrder(w, { quantity: 200 });
    const otherOrder = await passOrder(w, { quantity: 100, title: 'Autre commande' });
    const booklets = [...(await issue(w, orderId, 20, 10)), ...(await issue(w, otherOrder, 10, 10))];

    const codes = (await Promise.all(booklets.map((id) => codesOf(w, id)))).flat();

    expect(codes).toHaveLength(300);
    expect(codes.filter((c) => !/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/.test(c))).toEqual([]);
    expect(codes.filter((c) => passCodeProblem(c) !== undefined)).toEqual([]);
    expect(new Set(codes).size).toBe(300);
    const hashes = w.db.$client.prepare('select count(distinct code_hash) as n from passes').get() as { n: number };
    expect(hashes.n).toBe(300);
  });

  it('are never held in clear: no text of any table contains one, with or without its dashes', async () => {
    const orderId = await passOrder(w);
    await award(w, orderId, [{ who: w.actor, placeId: w.places.actor, quantity: 50 }]);
    const booklets = await issue(w, orderId, 3, 10);
    const codes = (await Promise.all(booklets.map((id) => codesOf(w, id)))).flat();
    // Printed, exported, redeemed and checked: every path a code takes through the server.
    await w.funder.api.passes.exportCsv.mutate({ orderId, organisationId: w.funder.organisationId });
    await w.actor.api.passes.check.mutate({ placeId: w.places.actor, code: codes[0]! });
    await w.actor.api.passes.redeem.mutate(redeemInput(w.places.actor, codes[0]!));
    await w.actor.api.passes.redeem.mutate(redeemInput(w.places.actor, codes[1]!.replaceAll('-', '').toLowerCase()));

    const texts = everyText(w.db);
    expect(texts.length).toBeGreaterThan(100);
    const found = texts.filter(({ value }) => codes.some((code) => value.toUpperCase().includes(code) || value.toUpperCase().includes(code.replaceAll('-', ''))));
    expect(found).toEqual([]);
    // What the passes table keeps instead: a keyed hash and a sealed copy, neither the code.
    const rows = w.db.$client.prepare('select code_hash as hash, code_sealed as sealed from passes').all() as { hash: string; sealed: string }[];
    expect(rows).toHaveLength(30);
    expect(new Set(rows.map((r) => r.sealed)).size).toBe(30);
  });
});

describe('reading a booklet’s codes', () => {
  it('is for the order’s funders, co-funders included; not the operator, not an actor, not a prescriber that does not hold it', async () => {
    const orderId = await passOrder(w, { shareCents: 50_000 }, 50_000);
    await w.otherFunder.api.orders.coFund.mutate({ orderId, organisationId: w.otherFunder.organisationId, shareCents: 50_000 });
    const [bookletId] = await issue(w, orderId, 1);
    const otherPrescriber = await prescriber(w, w.otherFunder, 'Mission locale');

    const booklet = await w.funder.api.passes.printBooklet.mutate({ bookletId: bookletId! });
    expect(booklet).toMatchObject({ id: bookletId, number: 1, size: 10, handedOutOn: null, expired: false, order: { id: orderId, funders: ['Département du Finistère', 'CAF du Finistère'] } });
    expect(booklet.passes.map((p) => p.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await codesOf(w, bookletId!, w.otherFunder.api)).toEqual(booklet.passes.map((p) => p.code));

    for (const api of [w.operator.api, w.actor.api, w.rival.api, otherPrescriber.api]) {
      expect(await refusal(api.passes.printBooklet.mutate({ bookletId: bookletId! }))).toMatchObject(FORBIDDEN);
    }
    // A booklet that does not exist answers like someone else's.
    expect(await refusal(w.funder.api.passes.printBooklet.mutate({ bookletId: 999_999 }))).toMatchObject(FORBIDDEN);
  });

  it('is written in the audit trail each time, who and which booklet, for the funders and the prescriber holding it; a refusal writes nothing', async () => {
    const orderId = await passOrder(w);
    const [bookletId] = await issue(w, orderId, 1);
    const ccas = await prescriber(w);
    await w.funder.api.passes.assign.mutate({ organisationId: w.funder.organisationId, bookletIds: [bookletId!], prescriberOrganisationId: ccas.organisationId });
    const printed = async (organisationId: number, api = w.funder.api) =>
      (await api.audit.list.query({ organisationId })).filter((e) => e.action === 'booklet.printed');

    await w.funder.api.passes.printBooklet.mutate({ bookletId: bookletId! });
    await ccas.api.passes.printBooklet.mutate({ bookletId: bookletId! });
    const before = rowCount(w.db, 'audit_events');
    await refusal(w.rival.api.passes.printBooklet.mutate({ bookletId: bookletId! }));

    expect(rowCount(w.db, 'audit_events')).toBe(before);
    // Newest first, to the funder and to the prescriber alike.
    const seen = await printed(w.funder.organisationId);
    expect(seen.map((e) => [e.subjectId, e.detail])).toEqual([
      [orderId, { bookletId, number: 1 }],
      [orderId, { bookletId, number: 1 }],
    ]);
    expect((await printed(ccas.organisationId, ccas.api)).map((e) => e.id)).toEqual(seen.map((e) => e.id));
    const who = w.db.$client.prepare("select user_id as userId from audit_events where action = 'booklet.printed' order by id").all();
    expect(who).toEqual([{ userId: w.funder.userId }, { userId: ccas.userId }]);
  });
});

describe('the CSV export', () => {
  const csvRows = (csv: string) => parse(csv, { delimiter: ';', bom: true }) as string[][];

  it('has a header and one line per pass with its booklet, rank, code, order and validity; a redeemed pass says so', async () => {
    const orderId = await passOrder(w, { title: 'Démarches en ligne à Quimper' });
    await award(w, orderId, [{ who: w.actor, placeId: w.places.actor, quantity: 50 }]);
    const booklets = await issue(w, orderId, 2, 3);
    const codes = [...(await codesOf(w, booklets[0]!)), ...(await codesOf(w, booklets[1]!))];
    await w.actor.api.passes.redeem.mutate(redeemInput(w.places.actor, codes[4]!));
    const booklet = await w.funder.api.passes.printBooklet.mutate({ bookletId: booklets[0]! });

    const exported = await w.funder.api.passes.exportCsv.mutate({ orderId, organisationId: w.funder.organisationId });

    expect(exported.fileName).toBe(`pass-commande-${orderId}.csv`);
    expect(exported.csv.startsWith('\uFEFF')).toBe(true);
    const [header, ...lines] = csvRows(exported.csv);
    expect(header).toEqual(['carnet', 'rang', 'code', 'commande', 'valable_du', 'valable_jusqu_au', 'utilise']);
    const { deliveryStartsOn, validUntil } = booklet.order;
    expect(lines).toEqual(
      codes.map((code, i) => [String(i < 3 ? 1 : 2), String((i % 3) + 1), code, 'Démarches en ligne à Quimper', deliveryStartsOn, validUntil, i === 4 ? 'oui' : 'non']),
    );
    // Exporting codes worth money leaves a trace.
    const audited = w.db.$client.prepare("select detail from audit_events where action = 'passes.exported' and subject_id = ?").all(orderId) as { detail: string }[];
    expect(audited.map((a) => JSON.parse(a.detail))).toEqual([{ booklets: 2 }]);
  });

  it('exports only the booklets asked for, and refuses a booklet of another order', async () => {
    const orderId = await passOrder(w);
    const otherOrder = await passOrder(w, { title: 'Autre commande' });
    const [first, second] = await issue(w, orderId, 2, 2);
    const [foreign] = await issue(w, otherOrder, 1, 2);

    const exported = await w.funder.api.passes.exportCsv.mutate({ orderId, organisationId: w.funder.organisationId, bookletIds: [second!] });
    expect(csvRows(exported.csv).slice(1).map((l) => l[2])).toEqual(await codesOf(w, second!));

    expect(await refusal(w.funder.api.passes.exportCsv.mutate({ orderId, organisationId: w.funder.organisationId, bookletIds: [first!, foreign!] }))).toMatchObject(FORBIDDEN);
  });

  it('is for a funder of the order only: another funder, the prescriber holding a booklet, an actor and the operator are refused', async () => {
    const orderId = await passOrder(w);
    const [bookletId] = await issue(w, orderId, 1, 2);
    const ccas = await prescriber(w);
    await w.funder.api.passes.assign.mutate({ organisationId: w.funder.organisationId, bookletIds: [bookletId!], prescriberOrganisationId: ccas.organisationId });

    const attempts = [
      w.otherFunder.api.passes.exportCsv.mutate({ orderId, organisationId: w.otherFunder.organisationId }),
      w.otherFunder.api.passes.exportCsv.mutate({ orderId, organisationId: w.funder.organisationId }),
      ccas.api.passes.exportCsv.mutate({ orderId, organisationId: ccas.organisationId }),
      w.actor.api.passes.exportCsv.mutate({ orderId, organisationId: w.actor.organisationId }),
      w.operator.api.passes.exportCsv.mutate({ orderId, organisationId: w.funder.organisationId }),
    ];
    for (const attempt of attempts) expect(await refusal(attempt)).toMatchObject(FORBIDDEN);
    expect(w.db.$client.prepare("select count(*) as n from audit_events where action = 'passes.exported'").get()).toEqual({ n: 0 });
  });

  // The export writes its audit event: a mutation (POST, under the Origin check), so a link on a
  // foreign site followed by a signed-in funder (its SameSite=Lax cookie goes with a top-level
  // GET) writes nothing in the funder's name.
  it('writes nothing when a foreign page sends the funder’s browser to the export', async () => {
    const orderId = await passOrder(w);
    await issue(w, orderId, 1, 2);
    const cookie = [...sessionFor(w.testApp, w.funder.userId).jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const input = encodeURIComponent(JSON.stringify({ orderId, organisationId: w.funder.organisationId }));
    const before = rowCount(w.db, 'audit_events');

    // A top-level navigation from another site: the cookie goes, no Origin header does.
    await w.testApp.app.request(`${TEST_ORIGIN}/trpc/passes.exportCsv?input=${input}`, { headers: { cookie, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' } });

    expect(rowCount(w.db, 'audit_events')).toBe(before);
  });
});
