import { sql } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { users } from '../../../db/schema';
import { cancelOrder } from '../../../server/services/orders';
import { computeNationalDashboard, computeRoundDashboard, nationalDashboard, roundDashboard } from '../../../server/services/dashboards';
import { bumpPlaceFigures } from '../../../server/services/figures';
import { HISTOGRAM_STEP_CENTS, toPublicRoundDashboard } from '../../../shared/domain/dashboards';
import { findDepartement } from '../../../shared/domain/territory';
import { makeMember, makePlace, makeRound } from '../../factories';
import { beneficiaryRef, makeAwards, makeBid, makeDelivery, makeOrder, sessionUserOf } from '../../factories/marketplace';
import { createTestApp, errorOf, type TestApp } from '../../setup/app';
import { expectLedgerClean, sessionFor, thisYear } from '../marketplace/helpers';
import { fieldsOutside, PUBLIC_DASHBOARD_SHAPE } from './helpers';

/**
 * Dashboard figures on a dataset whose every number is chosen here (issue 5, acceptance 1).
 * Ratio: floor 15 000 €, ceiling 25 000 €; most orders at 100 € a service so a few hundred
 * services move a place across the band.
 *
 * Round « Bretagne » over 22, 29 and 35. Qualified places and their year:
 *   P1 Île-de-Sein (29, rural, 263 inhab.)  OA 200 × 100 €  delivered 20 000 € (200 people)           → consolidated / consolidated
 *   P2 Quimper (29)   OA 100 of 160 + OF 10 × 100 €  11 000 € delivered, 6 000 € still committed (3 people) → fragile / consolidated
 *   P3 Brest (29)     OA 140 × 100 € + OX 1 600 of 2 000 × 10 €  30 000 € delivered, 4 000 € committed (601 people) → saturated / saturated
 *   P4 Rennes (35)    OB 250 × 100 €  25 000 € delivered — the ceiling itself (150 people)       → consolidated / consolidated
 *   P5 Bruz (35)      OB 50 × 100 € awarded, nothing delivered                                    → fragile / fragile
 *   P9 Saint-Brieuc (22) nothing                                                                    → fragile / fragile
 * Not in the round's places: P6 Quimper (applied), P7 Brest (suspended); P8 Vannes (56, national only).
 *
 * Orders (year of their delivery window = this year):
 *   OA round, 29, 500 × 100 €, paid 50 000 €, awarded in full → in_delivery
 *   OB round, 35, 400 × 100 €, paid 30 000 €, 300 awarded        → awarding
 *   OC round, 35, 300 × 100 €, paid 30 000 €, no bid             → open
 *   OD round, 35,  50 × 100 €, never published                   → draft
 *   OE round, 35, 100 × 100 €, paid 10 000 € then cancelled (refunded) → cancelled
 *   OF round, 29,  10 × 100 €, paid, awarded and delivered        → completed
 *   OX no round, 29, 2 000 × 10 €, paid 20 000 €, awarded to P3
 *   OV no round, 56, 100 × 100 €, paid 10 000 €, delivered by P8
 * Funding F: 29 = 50 000 + 1 000 + 20 000 = 71 000 €; 35 = 30 000 + 30 000 (+10 000 − 10 000) = 60 000 €; 56 = 10 000 €; 22 = 0.
 */

let testApp: TestApp;
let roundId: number;
const year = thisYear();
const EURO = 100;
const ratio = () => testApp.deps.config.ratio;
const names: string[] = [];
const refs: string[] = [];
type Api = ReturnType<TestApp['client']>['api'];
const as = {} as { operator: Api; funder: Api; actor: Api };

/** Deliveries of one service each for `people` distinct people, plus the rest in one delivery for the last. */
function deliver(user: ReturnType<typeof sessionUserOf>, awardId: number, services: number, people: number, seed: string) {
  for (let i = 0; i < people; i += 1) {
    const quantity = i === people - 1 ? services - (people - 1) : 1;
    const beneficiary = `${seed}-${i}`;
    refs.push(beneficiaryRef(beneficiary));
    makeDelivery(testApp.db, user, { awardId, quantity, beneficiary });
  }
}

beforeAll(async () => {
  testApp = createTestApp();
  const { db } = testApp;
  const operator = await makeMember(db, 'operator', { name: 'Réseau #APTIC' });
  const finistere = await makeMember(db, 'funder', { name: 'Département du Finistère' });
  const caf = await makeMember(db, 'funder', { name: 'CAF d’Ille-et-Vilaine', funderKind: 'caf', departementCode: '35' });
  const tyNumerik = await makeMember(db, 'actor', { name: 'Association Ty Numérik' });
  const liens = await makeMember(db, 'actor', { name: 'Coopérative Les Liens', departementCode: '35' });
  const armor = await makeMember(db, 'actor', { name: 'Armor Numérique', departementCode: '22' });
  names.push('Réseau #APTIC', 'Département du Finistère', 'CAF d’Ille-et-Vilaine', 'Association Ty Numérik', 'Coopérative Les Liens', 'Armor Numérique');

  const place = (organisationId: number, mainCommuneCode: string, name: string, status: 'qualified' | 'applied' | 'suspended' = 'qualified') => {
    names.push(name);
    return makePlace(db, { organisationId, mainCommuneCode, name, status, yearlyCapacity: 3_000 });
  };
  const p1 = place(tyNumerik.organisationId, '29083', 'Maison de l’île de Sein');
  const p2 = place(tyNumerik.organisationId, '29232', 'Espace numérique de Kerfeunteun');
  const p3 = place(tyNumerik.organisationId, '29019', 'Cyber-base de Brest');
  place(tyNumerik.organisationId, '29232', 'Tiers-lieu en création', 'applied');
  place(tyNumerik.organisationId, '29019', 'Point numérique suspendu', 'suspended');
  const p4 = place(liens.organisationId, '35238', 'La Fabrique de Rennes');
  const p5 = place(liens.organisationId, '35047', 'Médiathèque de Bruz');
  const p8 = place(armor.organisationId, '56260', 'Espace public numérique de Vannes');
  place(armor.organisationId, '22278', 'Cyber-base de Saint-Brieuc');

  roundId = makeRound(db, {
    operatorOrganisationId: operator.organisationId,
    name: 'Campagne Bretagne',
    departementCodes: ['22', '29', '35'],
    opensOn: `${year}-01-01`,
    closesOn: `${year}-12-31`,
    targetCents: 200_000 * EURO,
  });
  const order = (funder: typeof finistere, options: { quantity: number; unitPriceCents?: number; departementCodes: string[]; inRound: boolean; paidCents?: number; publish?: boolean; title: string }) =>
    makeOrder(db, {
      funderOrganisationId: funder.organisationId,
      userId: funder.user.id,
      quantity: options.quantity,
      unitPriceCents: options.unitPriceCents ?? 100 * EURO,
      departementCodes: options.departementCodes,
      roundId: options.inRound ? roundId : null,
      paidCents: options.paidCents,
      publish: options.publish,
      title: options.title,
    });
  const oa = order(finistere, { quantity: 500, departementCodes: ['29'], inRound: true, title: 'Démarches en ligne dans le Finistère' });
  const ob = order(caf, { quantity: 400, departementCodes: ['35'], inRound: true, paidCents: 30_000 * EURO, title: 'Accès aux droits CAF' });
  order(caf, { quantity: 300, departementCodes: ['35'], inRound: true, title: 'Premiers pas numériques à Rennes' });
  order(caf, { quantity: 50, departementCodes: ['35'], inRound: true, publish: false, paidCents: 0, title: 'Brouillon' });
  const oe = order(caf, { quantity: 100, departementCodes: ['35'], inRound: true, title: 'Commande annulée' });
  cancelOrder(db, oe);
  const of = order(finistere, { quantity: 10, departementCodes: ['29'], inRound: true, title: 'Petite commande terminée' });
  const ox = order(finistere, { quantity: 2_000, unitPriceCents: 10 * EURO, departementCodes: ['29'], inRound: false, title: 'Pass numériques Brest' });
  const ov = order(finistere, { quantity: 100, departementCodes: ['56'], inRound: false, title: 'Morbihan' });

  const award = (orderId: number, funder: typeof finistere, actor: typeof tyNumerik, lines: { placeId: number; offered: number; awarded: number }[]) => {
    const bidId = makeBid(db, { orderId, organisationId: actor.organisationId, lines: lines.map((l) => ({ placeId: l.placeId, quantity: l.offered })) });
    return makeAwards(db, { orderId, userId: funder.user.id, lines: lines.map((l) => ({ bidId, placeId: l.placeId, quantity: l.awarded })) });
  };
  const [a1, a2, a3] = award(oa, finistere, tyNumerik, [
    { placeId: p1, offered: 200, awarded: 200 },
    { placeId: p2, offered: 160, awarded: 160 },
    { placeId: p3, offered: 140, awarded: 140 },
  ]) as [number, number, number];
  const [b4] = award(ob, caf, liens, [
    { placeId: p4, offered: 300, awarded: 250 },
    { placeId: p5, offered: 100, awarded: 50 },
  ]) as [number, number];
  const [f2] = award(of, finistere, tyNumerik, [{ placeId: p2, offered: 10, awarded: 10 }]) as [number];
  const [x3] = award(ox, finistere, tyNumerik, [{ placeId: p3, offered: 2_000, awarded: 2_000 }]) as [number];
  const [v8] = award(ov, finistere, armor, [{ placeId: p8, offered: 100, awarded: 100 }]) as [number];

  const tyUser = sessionUserOf(db, tyNumerik.user.id);
  deliver(tyUser, a1, 200, 200, 'sein');
  deliver(tyUser, a2, 100, 2, 'quimper');
  deliver(tyUser, f2, 10, 1, 'quimper-bis');
  deliver(tyUser, a3, 140, 1, 'brest');
  deliver(tyUser, x3, 1_600, 600, 'brest-pass');
  deliver(sessionUserOf(db, liens.user.id), b4, 250, 150, 'rennes');
  deliver(sessionUserOf(db, armor.user.id), v8, 100, 1, 'vannes');

  for (const row of db.select({ name: users.name, email: users.email }).from(users).all()) names.push(row.name, row.email);
  as.operator = sessionFor(testApp, operator.user.id).api;
  as.funder = sessionFor(testApp, finistere.user.id).api;
  as.actor = sessionFor(testApp, tyNumerik.user.id).api;
});

afterEach(() => {
  vi.restoreAllMocks();
});

const signedOut = () => testApp.client().api;

/** One histogram with the given counts at the given bins (2 500 € each), zero elsewhere. */
function histogramCounts(length: number, counts: Record<number, number>) {
  return Array.from({ length }, (_, i) => counts[i] ?? 0);
}

describe('the round dashboard on a known dataset', () => {
  it('was built on a consistent ledger (the dataset itself is sound)', () => {
    expectLedgerClean(testApp.db);
  });

  it('sums the round’s money exactly: target, posted (published, not cancelled), funded, awarded, delivered', async () => {
    const dashboard = await as.funder.dashboards.round.query({ roundId });
    expect(dashboard.year).toBe(year);
    expect(dashboard.round).toEqual({
      id: roundId,
      name: 'Campagne Bretagne',
      status: 'open',
      opensOn: `${year}-01-01`,
      closesOn: `${year}-12-31`,
      departementCodes: ['22', '29', '35'],
      targetCents: 200_000 * EURO,
    });
    expect(dashboard.money).toEqual({
      targetCents: 200_000 * EURO,
      postedCents: (50_000 + 40_000 + 30_000 + 1_000) * EURO, // OA, OB, OC, OF: not the draft OD nor the cancelled OE
      fundedCents: (50_000 + 30_000 + 30_000 + 1_000) * EURO, // OE’s payment went back to its funder
      awardedCents: (50_000 + 30_000 + 1_000) * EURO,
      deliveredCents: (44_000 + 25_000 + 1_000) * EURO, // OA: 200 + 100 + 140 services; OB: 250; OF: 10
    });
  });

  it('counts the round’s orders by status, one of each', async () => {
    const dashboard = await as.funder.dashboards.round.query({ roundId });
    expect(dashboard.ordersByStatus).toEqual({ draft: 1, open: 1, awarding: 1, in_delivery: 1, completed: 1, closed: 0, cancelled: 1 });
  });

  it('places the round’s qualified places by delivered and by projected status, with the histogram of their revenue', async () => {
    const { places } = await as.funder.dashboards.round.query({ roundId });

    expect(places.qualifiedPlaces).toBe(6); // the applied and the suspended places do not count; Vannes is outside
    expect(places.byStatus).toEqual({ fragile: 3, consolidated: 2, saturated: 1 });
    expect(places.byProjectedStatus).toEqual({ fragile: 2, consolidated: 3, saturated: 1 });
    expect(places.revenueDeliveredCents).toBe((20_000 + 11_000 + 30_000 + 25_000) * EURO);

    // Bins of 2 500 € up to 30 000 €, the last one open-ended: 0 € ×2, 11 000 €, 20 000 €, 25 000 €, 30 000 €.
    expect(places.histogram).toHaveLength(13);
    expect(places.histogram.map((b) => b.count)).toEqual(histogramCounts(13, { 0: 2, 4: 1, 8: 1, 10: 1, 12: 1 }));
    expect(places.histogram[12]).toEqual({ fromCents: 12 * HISTOGRAM_STEP_CENTS, toCents: null, count: 1, status: 'saturated' });
    // Each bar takes the status of its middle: the band's four bars are consolidated, 25–27.5 k€ is saturated.
    expect(places.histogram.map((b) => b.status)).toEqual([...Array(6).fill('fragile'), ...Array(4).fill('consolidated'), 'saturated', 'saturated', 'saturated']);
  });

  it('shares services between rural and urban places, and positions places against the services and people ranges', async () => {
    const { places } = await as.funder.dashboards.round.query({ roundId });

    expect(places.servicesDelivered).toBe(200 + 110 + 1_740 + 250);
    expect(places.ruralServicesDelivered).toBe(200); // Île-de-Sein only
    expect(places.ruralShare).toBe(200 / 2_300);
    // Services: only Brest (1 740) is within 1 500–2 500. People: Sein (200) and Rennes (150) within 150–500, Brest (601) above.
    expect(places.servicesRange).toEqual({ below: 5, within: 1, above: 0 });
    expect(places.peopleRange).toEqual({ below: 3, within: 2, above: 1 });
  });

  it('gives each département of the round its funding F, its qualified places N, the sustainable range and the balance', async () => {
    const { departements } = await as.funder.dashboards.round.query({ roundId });
    const ceiling = 25_000 * EURO;
    const floor = 15_000 * EURO;

    expect(departements).toEqual([
      { code: '22', nom: findDepartement('22')!.nom, fundingCents: 0, qualifiedPlaces: 1, sustainableMin: 0, sustainableMax: 0, status: 'dilution' },
      {
        code: '29',
        nom: 'Finistère',
        fundingCents: 71_000 * EURO,
        qualifiedPlaces: 3,
        sustainableMin: (71_000 * EURO) / ceiling, // 2.84
        sustainableMax: (71_000 * EURO) / floor, // 4.73
        status: 'balanced',
      },
      {
        code: '35',
        nom: 'Ille-et-Vilaine',
        fundingCents: 60_000 * EURO,
        qualifiedPlaces: 2,
        sustainableMin: 2.4,
        sustainableMax: 4,
        status: 'room',
      },
    ]);
  });

  it('agrees with a recomputation from the deliveries themselves (the maintained figures are right)', async () => {
    const { places, money } = await as.funder.dashboards.round.query({ roundId });
    const recomputed = testApp.db.get<{ revenue: number; services: number }>(
      sql`select sum(d.amount_cents) as revenue, sum(d.quantity) as services from deliveries d join places p on p.id = d.place_id
          where p.status = 'qualified' and p.departement_code in ('22', '29', '35')`,
    );
    expect(places.revenueDeliveredCents).toBe(recomputed.revenue);
    expect(places.servicesDelivered).toBe(recomputed.services);
    const inRound = testApp.db.get<{ cents: number }>(
      sql`select sum(d.amount_cents) as cents from deliveries d join service_orders o on o.id = d.order_id where o.round_id = ${roundId}`,
    );
    expect(money.deliveredCents).toBe(inRound.cents);
  });

  it('answers an unknown round like a forbidden one', async () => {
    expect(await errorOf(as.funder.dashboards.round.query({ roundId: 9_999 }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await errorOf(signedOut().dashboards.publicRound.query({ roundId: 9_999 }))).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('the public round dashboard', () => {
  it('works signed out and equals the whitelisted copy of the full dashboard', async () => {
    const full = await as.operator.dashboards.round.query({ roundId });
    const pub = await signedOut().dashboards.publicRound.query({ roundId });

    expect(pub).toEqual(toPublicRoundDashboard(full));
    expect(pub.money.deliveredCents).toBe(70_000 * EURO);
    expect(pub.places.byStatus).toEqual({ fragile: 3, consolidated: 2, saturated: 1 });
  });

  it('carries no field outside the public whitelist, at any depth', async () => {
    const pub = await signedOut().dashboards.publicRound.query({ roundId });
    expect(fieldsOutside(pub, PUBLIC_DASHBOARD_SHAPE)).toEqual([]);
    // The walker does catch a field that is not whitelisted.
    expect(fieldsOutside({ ...pub, places: { ...pub.places, names: ['x'] } }, PUBLIC_DASHBOARD_SHAPE)).toEqual(['$.places.names']);
  });

  it('names no place, organisation, user, e-mail or beneficiary', async () => {
    const text = JSON.stringify(await signedOut().dashboards.publicRound.query({ roundId }));
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) expect(text).not.toContain(name);
    for (const ref of refs) expect(text).not.toContain(ref);
    expect(text).not.toContain('@');
  });
});

describe('the national dashboard on the same dataset', () => {
  it('sums the money mobilised in every département and places every qualified place of the country', async () => {
    const national = await as.operator.dashboards.national.query({ year });

    expect(national.year).toBe(year);
    expect(national.mobilisedCents).toBe((71_000 + 60_000 + 10_000) * EURO);
    expect(national).toMatchObject({ targetPlaces: 3_000, currentReferenceCents: 12_000_000 * EURO, needCents: { min: 45_000_000 * EURO, max: 75_000_000 * EURO } });
    expect(national.money).toEqual({
      postedCents: (121_000 + 20_000 + 10_000) * EURO,
      fundedCents: (111_000 + 20_000 + 10_000) * EURO,
      awardedCents: (81_000 + 20_000 + 10_000) * EURO,
      deliveredCents: (70_000 + 16_000 + 10_000) * EURO,
    });
    expect(national.places).toMatchObject({
      qualifiedPlaces: 7,
      byStatus: { fragile: 4, consolidated: 2, saturated: 1 },
      byProjectedStatus: { fragile: 3, consolidated: 3, saturated: 1 },
      servicesDelivered: 2_400,
      ruralServicesDelivered: 200,
      ruralShare: 200 / 2_400,
      revenueDeliveredCents: 96_000 * EURO,
    });
    expect(national.departements.map((d) => [d.code, d.fundingCents, d.qualifiedPlaces, d.status])).toEqual([
      ['22', 0, 1, 'dilution'],
      ['29', 71_000 * EURO, 3, 'balanced'],
      ['35', 60_000 * EURO, 2, 'room'],
      ['56', 10_000 * EURO, 1, 'dilution'],
    ]);
  });

  it('is empty for a year without figures', async () => {
    const national = await as.operator.dashboards.national.query({ year: year - 5 });
    expect(national.mobilisedCents).toBe(0);
    expect(national.money).toEqual({ postedCents: 0, fundedCents: 0, awardedCents: 0, deliveredCents: 0 });
    expect(national.places).toMatchObject({ qualifiedPlaces: 7, byStatus: { fragile: 7, consolidated: 0, saturated: 0 }, servicesDelivered: 0, ruralShare: 0 });
  });

  it('has a public version with the same aggregates, signed out', async () => {
    expect(await signedOut().dashboards.publicNational.query({ year })).toEqual(await as.operator.dashboards.national.query({ year }));
  });
});

describe('who may read which dashboard', () => {
  it('refuses the full round dashboard and the national one signed out (UNAUTHORIZED)', async () => {
    expect(await errorOf(signedOut().dashboards.round.query({ roundId }))).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401 });
    expect(await errorOf(signedOut().dashboards.national.query({ year }))).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401 });
  });

  it('keeps the operator’s national dashboard from funders and actors (FORBIDDEN), while any signed-in user reads the round', async () => {
    expect(await errorOf(as.funder.dashboards.national.query({ year }))).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403 });
    expect(await errorOf(as.actor.dashboards.national.query({}))).toMatchObject({ code: 'FORBIDDEN' });
    expect((await as.actor.dashboards.round.query({ roundId })).money.deliveredCents).toBe(70_000 * EURO);
  });
});

describe('what computing a dashboard reads', () => {
  it('never scans the deliveries table, only the maintained figures', () => {
    const prepare = vi.spyOn(testApp.db.$client, 'prepare');

    computeRoundDashboard(testApp.db, roundId, ratio());
    computeNationalDashboard(testApp.db, year, ratio());

    const statements = prepare.mock.calls.map(([text]) => String(text).toLowerCase().replace(/["`]/g, ''));
    expect(statements.some((text) => text.includes('place_year_figures'))).toBe(true); // the spy does see the queries
    expect(statements.some((text) => text.includes('departement_year_figures'))).toBe(true);
    expect(statements.filter((text) => /\b(from|join)\s+deliveries\b/.test(text))).toEqual([]);
  });

  it('is computed once per state of the database: the same answer while nothing is written, a new one after any write', async () => {
    const first = nationalDashboard(testApp.db, year, ratio());
    expect(nationalDashboard(testApp.db, year, ratio())).toBe(first);
    expect(roundDashboard(testApp.db, roundId, ratio())).toBe(roundDashboard(testApp.db, roundId, ratio()));

    const placeId = (testApp.db.$client.prepare('select min(place_id) as id from place_year_figures where year = ?').get(year) as { id: number }).id;
    bumpPlaceFigures(testApp.db, placeId, year, { servicesDelivered: 1, revenueDeliveredCents: 10 * EURO });
    const after = nationalDashboard(testApp.db, year, ratio());
    expect(after).not.toBe(first);
    expect(after.places.servicesDelivered).toBe(first.places.servicesDelivered + 1);
    expect(after).toEqual(computeNationalDashboard(testApp.db, year, ratio()));
    bumpPlaceFigures(testApp.db, placeId, year, { servicesDelivered: -1, revenueDeliveredCents: -10 * EURO });
  });
});
