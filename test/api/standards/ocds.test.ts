import { readFileSync } from 'node:fs';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { organisations } from '../../../db/schema';
import { closeOrder } from '../../../server/services/credits';
import { cancelOrder } from '../../../server/services/orders';
import type { OcdsRelease, OcdsReleasePackage } from '../../../server/services/ocds';
import { formatMoney } from '../../../shared/money';
import { makeAwards, makeBid, makeDelivery, makeOrder, sessionUserOf } from '../../factories/marketplace';
import { errorOf } from '../../setup/app';
import { fundedOrder, isoDaysFromToday, key, today } from '../marketplace/helpers';
import { dayIn, monthsAgo } from '../money/helpers';
import { formedPartnership, openOrder, partnershipWorld, submittedDraft, type World } from '../partnerships/helpers';

/**
 * The OCDS export (issue 9): orders in every status exported over the real HTTP stack to a
 * signed-out client, validated against the OCDS 1.1.5 schemas kept in test/fixtures, and
 * searched for what must never be public (sealed bids, drafts).
 */

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../fixtures/ocds-1.1.5/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

/**
 * The release package schema, its `releases` items resolved to the dereferenced release schema
 * (registered under the URL the package schema points at: no network).
 */
function compilePackageValidator() {
  // OCDS annotates its schemas with keywords of its own: known to Ajv, so strict mode still catches typos.
  const ajv = new Ajv({ allErrors: true, strictTypes: false });
  ajv.addVocabulary(['codelist', 'openCodelist', 'deprecated', 'omitWhenMerged', 'wholeListMerge', 'versionId']);
  addFormats(ajv);
  ajv.addSchema(fixture('dereferenced-release-schema.json'));
  return ajv.compile(fixture('release-package-schema.json'));
}
let compiled: ReturnType<typeof compilePackageValidator> | undefined;
/** Compiled once per file: the dereferenced schema is 1.5 MB. */
const packageValidator = () => (compiled ??= compilePackageValidator());

/** Texts and prices of bids that are never exported: sealed, still standing, drafted, or awarded (the note). */
const SECRET = {
  sealedNote: 'NOTE-SCELLEE ocds 5e1a',
  rivalNote: 'NOTE-SCELLEE rivale ocds 77c0',
  awardingNote: 'NOTE-SCELLEE en attribution ocds 3b9d',
  standingNote: 'NOTE-SCELLEE restée en lice ocds 0f42',
  awardedNote: 'NOTE-ATTRIBUEE ocds 8d13',
  cancelledNote: 'NOTE-ANNULEE ocds 61ee',
  draftNote: 'NOTE-BROUILLON ocds a4c2',
  /** Unit prices in cents, each used once, none awarded once awarding was over. */
  prices: { sealed: 937, rival: 941, awarding: 953, standing: 947, draft: 929 },
};

let w: World;
let ids: Record<'sealed' | 'awarding' | 'inDelivery' | 'completed' | 'closed' | 'unsuccessful' | 'cancelled' | 'joint' | 'draft', number>;
let partnershipOrg: number;
let pkg: OcdsReleasePackage;
let json: string;

const releaseOf = (orderId: number) => pkg.releases.find((r) => r.ocid === `ocds-aptic-${orderId}`)!;
const cents = (amount: number) => Math.round(amount * 100);
const siretOf = (organisationId: number) => w.db.select({ siret: organisations.siret }).from(organisations).where(eq(organisations.id, organisationId)).get()!.siret!;

/** What the ledger moved from the order's ring-fenced account to places for its deliveries. */
function deliveredByLedger(orderId: number): number {
  return (
    w.db.$client
      .prepare(
        `select coalesce(sum(e.amount_cents), 0) as total from ledger_entries e join ledger_transactions t on t.id = e.transaction_id
         join ledger_accounts a on a.id = e.account_id where t.kind = 'delivery' and t.order_id = ? and a.kind = 'place'`,
      )
      .get(orderId) as { total: number }
  ).total;
}

beforeAll(async () => {
  w = await partnershipWorld();
  const { db } = w;
  const byFunder = { funderOrganisationId: w.funder.organisationId, userId: w.funder.userId };
  const third = (userId = w.third.userId) => sessionUserOf(db, userId);
  const past = { bidDeadline: isoDaysFromToday(-80), deliveryStartsOn: isoDaysFromToday(-90), deliveryEndsOn: isoDaysFromToday(-1), today: isoDaysFromToday(-90) };

  // Published, two sealed bids standing.
  const sealed = makeOrder(db, { ...byFunder, title: 'Commande ouverte aux offres' });
  makeBid(db, { orderId: sealed, organisationId: w.third.organisationId, lines: [{ placeId: w.places.third, quantity: 40 }], unitPriceCents: SECRET.prices.sealed, note: SECRET.sealedNote });
  makeBid(db, { orderId: sealed, organisationId: w.outsider.organisationId, lines: [{ placeId: w.places.outsider, quantity: 30 }], unitPriceCents: SECRET.prices.rival, note: SECRET.rivalNote });

  // Being awarded: one line awarded, a rival bid still standing.
  const awarding = makeOrder(db, { ...byFunder, title: 'Commande en cours d’attribution' });
  const awardingBid = makeBid(db, { orderId: awarding, organisationId: w.third.organisationId, lines: [{ placeId: w.places.third, quantity: 50 }], unitPriceCents: SECRET.prices.awarding, note: SECRET.awardingNote });
  makeBid(db, { orderId: awarding, organisationId: w.outsider.organisationId, lines: [{ placeId: w.places.outsider, quantity: 30 }], unitPriceCents: SECRET.prices.standing, note: SECRET.standingNote });
  makeAwards(db, { orderId: awarding, userId: w.funder.userId, lines: [{ bidId: awardingBid, placeId: w.places.third, quantity: 20 }] });

  // In delivery: co-funded, fully awarded to two places, delivered over two months.
  const inDelivery = await fundedOrder(w.funder.api, w.funder.organisationId, { title: 'Commande en réalisation', shareCents: 60_000, deliveryStartsOn: dayIn(monthsAgo(2), 1) }, 60_000);
  await w.rivalFunder.api.orders.coFund.mutate({ orderId: inDelivery, organisationId: w.rivalFunder.organisationId, shareCents: 40_000 });
  await w.rivalFunder.api.orders.recordPayment.mutate({ orderId: inDelivery, organisationId: w.rivalFunder.organisationId, amountCents: 40_000, reference: 'VIR-CAF-1', idempotencyKey: key() });
  const thirdBid = makeBid(db, { orderId: inDelivery, organisationId: w.third.organisationId, lines: [{ placeId: w.places.third, quantity: 60 }] });
  const outsiderBid = makeBid(db, { orderId: inDelivery, organisationId: w.outsider.organisationId, lines: [{ placeId: w.places.outsider, quantity: 40 }], unitPriceCents: 980, note: SECRET.awardedNote });
  const [thirdAward, outsiderAward] = makeAwards(db, {
    orderId: inDelivery,
    userId: w.funder.userId,
    lines: [
      { bidId: thirdBid, placeId: w.places.third, quantity: 60 },
      { bidId: outsiderBid, placeId: w.places.outsider, quantity: 40 },
    ],
  });
  makeDelivery(db, third(), { awardId: thirdAward!, quantity: 5, deliveredOn: dayIn(monthsAgo(1), 10) });
  makeDelivery(db, third(), { awardId: thirdAward!, quantity: 3 });
  makeDelivery(db, third(w.outsider.userId), { awardId: outsiderAward!, quantity: 2 });

  // Completed: everything awarded is delivered.
  const completed = makeOrder(db, { ...byFunder, title: 'Commande réalisée', quantity: 10 });
  const completedBid = makeBid(db, { orderId: completed, organisationId: w.third.organisationId, lines: [{ placeId: w.places.third, quantity: 10 }] });
  const [completedAward] = makeAwards(db, { orderId: completed, userId: w.funder.userId, lines: [{ bidId: completedBid, placeId: w.places.third, quantity: 10 }] });
  makeDelivery(db, third(), { awardId: completedAward!, quantity: 10 });

  // Closed after its window: 10 of 20 awarded, 3 delivered, 7 released, the rest credited back.
  const closed = makeOrder(db, { ...byFunder, title: 'Commande close', quantity: 20, ...past });
  const closedBid = makeBid(db, { orderId: closed, organisationId: w.third.organisationId, lines: [{ placeId: w.places.third, quantity: 20 }], today: isoDaysFromToday(-85) });
  const [closedAward] = makeAwards(db, { orderId: closed, userId: w.funder.userId, lines: [{ bidId: closedBid, placeId: w.places.third, quantity: 10 }] });
  makeDelivery(db, third(), { awardId: closedAward!, quantity: 3, deliveredOn: isoDaysFromToday(-50) });
  closeOrder(db, closed, { userId: w.funder.userId, reason: 'Fin de la période de réalisation' });

  // Closed with no award at all.
  const unsuccessful = makeOrder(db, { ...byFunder, title: 'Commande sans attribution', quantity: 20, ...past });
  closeOrder(db, unsuccessful, { userId: w.funder.userId, reason: 'Aucune offre' });

  // Cancelled before any award: its bid rejected, its money credited back.
  const cancelled = makeOrder(db, { ...byFunder, title: 'Commande annulée' });
  makeBid(db, { orderId: cancelled, organisationId: w.third.organisationId, lines: [{ placeId: w.places.third, quantity: 10 }], note: SECRET.cancelledNote });
  cancelOrder(db, cancelled, w.funder.userId);

  // A partnership's joint bid, awarded to its two member places; a draft of it left unsubmitted elsewhere.
  const partnership = await formedPartnership(w);
  partnershipOrg = partnership.organisationId;
  const joint = await openOrder(w, { title: 'Commande attribuée à une offre commune', quantity: 30 });
  const jointBid = await submittedDraft(w, partnership.partnershipId, joint, { lead: 20, partner: 10 }, 990);
  const [, partnerAward] = makeAwards(db, {
    orderId: joint,
    userId: w.funder.userId,
    lines: [
      { bidId: jointBid.bid.id, placeId: w.places.lead, quantity: 20 },
      { bidId: jointBid.bid.id, placeId: w.places.partner, quantity: 10 },
    ],
  });
  makeDelivery(db, third(w.partner.userId), { awardId: partnerAward!, quantity: 4 });
  const draft = await w.lead.api.drafts.open.mutate({ partnershipId: partnership.partnershipId, orderId: sealed });
  await w.lead.api.drafts.editTerms.mutate({ bidId: draft.bid.id, version: draft.bid.version, note: SECRET.draftNote, unitPriceCents: SECRET.prices.draft });

  const draftOrder = makeOrder(db, { ...byFunder, title: 'Commande en brouillon', publish: false, paidCents: 0 });

  ids = { sealed, awarding, inDelivery, completed, closed, unsuccessful, cancelled, joint, draft: draftOrder };
  pkg = await w.testApp.client().api.ocds.releasePackage.query();
  json = JSON.stringify(pkg);
});

describe('the OCDS release package, read signed out', () => {
  it('validates against the OCDS 1.1.5 release package schema, each release against the release schema', () => {
    const validate = packageValidator();

    const valid = validate(pkg);

    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('is refused by the same validator once a release loses its tag or an amount becomes text, so the validation does bite', () => {
    const validate = packageValidator();
    const broken = structuredClone(pkg) as unknown as { releases: Record<string, unknown>[] };
    delete broken.releases[0]!.tag;
    const textAmount = structuredClone(pkg) as unknown as { releases: { tender: { value: { amount: unknown } } }[] };
    textAmount.releases[0]!.tender.value.amount = '1000,00';

    expect([validate(broken), validate(textAmount)]).toEqual([false, false]);
  });

  it('declares OCDS 1.1 with where it comes from, when it last changed and who publishes it', () => {
    expect({ version: pkg.version, uri: pkg.uri, publisher: pkg.publisher.name, license: pkg.license }).toEqual({
      version: '1.1',
      uri: 'http://localhost/trpc/ocds.releasePackage',
      publisher: 'Réseau #APTIC',
      license: 'https://www.etalab.gouv.fr/licence-ouverte-open-licence/',
    });
    expect(pkg.publishedDate).toBe(pkg.releases.map((r) => r.date).sort().at(-1));
  });

  it('has one release per published order, under the ocds-aptic prefix, and none for a draft', () => {
    const published = [ids.sealed, ids.awarding, ids.inDelivery, ids.completed, ids.closed, ids.unsuccessful, ids.cancelled, ids.joint].sort((a, b) => a - b);

    expect(pkg.releases.map((r) => r.ocid)).toEqual(published.map((id) => `ocds-aptic-${id}`));
    expect(json).not.toContain('Commande en brouillon');
    expect(new Set(pkg.releases.map((r) => r.id)).size).toBe(pkg.releases.length);
  });

  it('maps each order status to the tender status, and tags the stages each release carries', () => {
    const summary = (orderId: number) => {
      const r = releaseOf(orderId);
      return { status: r.tender.status, tag: r.tag, awards: r.awards?.length ?? 0, contracts: r.contracts?.length ?? 0 };
    };

    expect({
      sealed: summary(ids.sealed),
      awarding: summary(ids.awarding),
      inDelivery: summary(ids.inDelivery),
      completed: summary(ids.completed),
      closed: summary(ids.closed),
      unsuccessful: summary(ids.unsuccessful),
      cancelled: summary(ids.cancelled),
      joint: summary(ids.joint),
    }).toEqual({
      sealed: { status: 'active', tag: ['tender'], awards: 0, contracts: 0 },
      // Awards are published once awarding is over, when the app unseals the awarded bids.
      awarding: { status: 'active', tag: ['tender'], awards: 0, contracts: 0 },
      inDelivery: { status: 'complete', tag: ['tender', 'award', 'contract', 'implementation'], awards: 2, contracts: 2 },
      completed: { status: 'complete', tag: ['tender', 'award', 'contract', 'implementation', 'contractTermination'], awards: 1, contracts: 1 },
      closed: { status: 'complete', tag: ['tender', 'award', 'contract', 'implementation', 'contractTermination'], awards: 1, contracts: 1 },
      unsuccessful: { status: 'unsuccessful', tag: ['tender'], awards: 0, contracts: 0 },
      cancelled: { status: 'cancelled', tag: ['tender', 'tenderCancellation'], awards: 0, contracts: 0 },
      joint: { status: 'complete', tag: ['tender', 'award', 'contract', 'implementation'], awards: 2, contracts: 2 },
    });
    expect(releaseOf(ids.inDelivery).contracts!.map((c) => c.status)).toEqual(['active', 'active']);
    expect(releaseOf(ids.completed).contracts!.map((c) => c.status)).toEqual(['terminated']);
  });

  it('shows no bid content: no note, no price that was not awarded once awarding was over, no draft', () => {
    for (const note of [SECRET.sealedNote, SECRET.rivalNote, SECRET.awardingNote, SECRET.standingNote, SECRET.awardedNote, SECRET.cancelledNote, SECRET.draftNote, 'Offre commune de la CAE']) {
      expect(json).not.toContain(note);
    }
    for (const price of Object.values(SECRET.prices)) {
      expect(json).not.toMatch(new RegExp(`"amount":${String(price / 100).replace('.', '\\.')}[,}]`));
      expect(json).not.toContain(`:${price},`);
    }
    expect(json).not.toMatch(/unitPriceCents|bidLines|"note"/);
  });

  it('counts the bidders once bidding is over, and never while bids are sealed', () => {
    expect({
      sealed: releaseOf(ids.sealed).tender.numberOfTenderers,
      awarding: releaseOf(ids.awarding).tender.numberOfTenderers,
      inDelivery: releaseOf(ids.inDelivery).tender.numberOfTenderers,
      cancelled: releaseOf(ids.cancelled).tender.numberOfTenderers,
      joint: releaseOf(ids.joint).tender.numberOfTenderers,
    }).toEqual({ sealed: undefined, awarding: 2, inDelivery: 2, cancelled: 1, joint: 1 });
  });

  it('names the funder that created the order as buyer and payer, every co-funder as funder, with their SIRET under FR-RCS', () => {
    const release = releaseOf(ids.inDelivery);
    const buyerId = `FR-RCS-${siretOf(w.funder.organisationId)}`;
    const coFunderId = `FR-RCS-${siretOf(w.rivalFunder.organisationId)}`;
    const party = (id: string) => release.parties.find((p) => p.id === id);

    expect(release.buyer).toEqual({ id: buyerId, name: 'Département du Finistère' });
    expect(party(buyerId)).toMatchObject({ roles: ['buyer', 'funder', 'payer'], identifier: { scheme: 'FR-RCS', id: siretOf(w.funder.organisationId), legalName: 'Département du Finistère' } });
    expect(party(coFunderId)).toMatchObject({ name: 'CAF des Côtes-d’Armor', roles: ['funder'] });
    expect(release.contracts!.flatMap((c) => c.implementation!.transactions.map((t) => t.payer))).toEqual(Array(3).fill({ id: buyerId, name: 'Département du Finistère' }));
  });

  it('names each awarded place as supplier and payee: a unit of its actor, under the actor’s SIRET', () => {
    const release = releaseOf(ids.inDelivery);
    const thirdPlace = `FR-RCS-${siretOf(w.third.organisationId)}-lieu-${w.places.third}`;
    const outsiderPlace = `FR-RCS-${siretOf(w.outsider.organisationId)}-lieu-${w.places.outsider}`;

    expect(release.awards!.map((a) => a.suppliers)).toEqual([[{ id: thirdPlace, name: 'Médiathèque de Morlaix' }], [{ id: outsiderPlace, name: 'Point numérique de Brest' }]]);
    expect(release.parties.find((p) => p.id === thirdPlace)).toEqual({
      id: thirdPlace,
      name: 'Médiathèque de Morlaix',
      identifier: { scheme: 'FR-RCS', id: siretOf(w.third.organisationId), legalName: 'Médiathèque du pays de Morlaix' },
      address: { locality: 'Morlaix', countryName: 'France' },
      roles: ['supplier', 'payee'],
    });
  });

  it('names the partnership as the supplier of a joint bid, and its member place as the payee it delivers through', () => {
    const release = releaseOf(ids.joint);
    const partnership = release.parties.find((p) => p.roles.includes('supplier'))!;
    const partnerPlace = `FR-RCS-${siretOf(w.partner.organisationId)}-lieu-${w.places.partner}`;

    expect(partnership).toEqual({ id: `aptic-organisation-${partnershipOrg}`, name: 'CAE Finistère Numérique', roles: ['supplier'] });
    expect(release.awards!.map((a) => ({ suppliers: a.suppliers.map((s) => s.id), title: a.title, amount: a.value.amount }))).toEqual([
      { suppliers: [partnership.id], title: 'Espace numérique de Kerfeunteun (offre commune de CAE Finistère Numérique)', amount: 198 },
      { suppliers: [partnership.id], title: 'Cyber-base de Brest (offre commune de CAE Finistère Numérique)', amount: 99 },
    ]);
    expect(release.contracts![1]!.implementation!.transactions).toEqual([
      { id: expect.any(String), date: `${today()}T00:00:00Z`, value: { amount: 39.6, currency: 'EUR' }, payer: release.buyer, payee: { id: partnerPlace, name: 'Cyber-base de Brest' } },
    ]);
  });

  it('gives amounts as decimal euros that equal the ledger to the cent, delivered money per contract and month', () => {
    const release = releaseOf(ids.inDelivery);
    const amounts = [...json.matchAll(/"amount":(-?[\d.e+-]+)/g)].map((m) => Number(m[1]));

    expect(amounts.filter((a) => cents(a) / 100 !== a || a < 0)).toEqual([]);
    expect(release.tender.value).toEqual({ amount: 1000, currency: 'EUR' });
    expect(release.awards!.map((a) => a.value.amount)).toEqual([600, 392]);
    expect(release.contracts!.map((c) => c.implementation!.transactions.map((t) => [t.id, t.value.amount]))).toEqual([
      [
        [`contract-${release.awards![0]!.id.slice(6)}-${monthsAgo(1)}`, 50],
        [`contract-${release.awards![0]!.id.slice(6)}-${today().slice(0, 7)}`, 30],
      ],
      [[`contract-${release.awards![1]!.id.slice(6)}-${today().slice(0, 7)}`, 19.6]],
    ]);
    for (const orderId of [ids.inDelivery, ids.completed, ids.closed, ids.joint]) {
      const exported = releaseOf(orderId).contracts!.flatMap((c) => c.implementation?.transactions ?? []).reduce((sum, t) => sum + cents(t.value.amount), 0);
      expect({ orderId, exported }).toEqual({ orderId, exported: deliveredByLedger(orderId) });
    }
  });

  it('shows a closed order’s release of undelivered services as a contract amendment, and its credit notes as tender documents, never as negative transactions', () => {
    const release = releaseOf(ids.closed);
    const contract = release.contracts![0]!;

    expect({ award: release.awards![0]!.value.amount, contract: contract.value.amount, status: contract.status }).toEqual({ award: 100, contract: 30, status: 'terminated' });
    expect(contract.amendments!.map((a) => a.rationale)).toEqual(['Clôture de la commande : 7 service(s) attribué(s) et non réalisé(s) libéré(s)']);
    expect(release.tender.documents!.map((d) => [d.title.slice(0, 9), d.description])).toEqual([
      ['Avoir AV-', `${formatMoney(17_000)} non dépensés sur le compte cantonné de la commande, rendus à Département du Finistère`],
    ]);
    expect(releaseOf(ids.cancelled).tender.documents!.map((d) => [d.documentType, d.description])).toEqual([
      ['cancellationDetails', `${formatMoney(100_000)} non dépensés sur le compte cantonné de la commande, rendus à Département du Finistère`],
    ]);
  });

  it('carries the tender period up to the bid deadline and the delivery window as contract period, as UTC date-times', () => {
    const release: OcdsRelease = releaseOf(ids.closed);

    expect({ tender: release.tender.tenderPeriod.endDate, contract: release.tender.contractPeriod }).toEqual({
      tender: `${isoDaysFromToday(-80)}T23:59:59Z`,
      contract: { startDate: `${isoDaysFromToday(-90)}T00:00:00Z`, endDate: `${isoDaysFromToday(-1)}T23:59:59Z` },
    });
  });
});

describe('one order on its own', () => {
  it('is a package of its single release, valid too, whose uri names the order', async () => {
    const single = await w.testApp.client().api.ocds.releasePackage.query({ orderId: ids.joint });

    expect(single.releases.map((r) => r.ocid)).toEqual([`ocds-aptic-${ids.joint}`]);
    expect(single.uri).toBe(`http://localhost/trpc/ocds.releasePackage?input=${encodeURIComponent(JSON.stringify({ orderId: ids.joint }))}`);
    expect(packageValidator()(single)).toBe(true);
  });

  it('answers NOT_FOUND alike for a draft and for an order that does not exist', async () => {
    const { api } = w.testApp.client();

    const draft = await errorOf(api.ocds.releasePackage.query({ orderId: ids.draft }));
    const unknown = await errorOf(api.ocds.releasePackage.query({ orderId: 999_999 }));

    expect(draft).toEqual({ code: 'NOT_FOUND', httpStatus: 404, message: 'Commande introuvable', fieldErrors: undefined });
    expect(unknown).toEqual(draft);
  });
});
