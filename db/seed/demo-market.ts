import { randomBytes } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { memberships, organisations, placeCommunes, places, fundingRounds } from '../schema';
import { todayIso } from '../../shared/domain/orders';
import { placeCoversOrder } from '../../shared/domain/orders';
import { lineAmount, splitCents } from '../../shared/money';
import { awardLines, closeBidding } from '../../server/services/awards';
import { submitBid } from '../../server/services/bids';
import { recordDeliveryBatch } from '../../server/services/deliveries';
import { cancelOrder, coFund, createOrder, publishOrder, recordPayment } from '../../server/services/orders';
import { addMembership } from '../../server/services/users';
import { hashPassword } from '../../server/auth/password';
import { makeUser } from '../../test/factories';
import { beneficiaryRef, sessionUserOf } from '../../test/factories/marketplace';
import type { Db } from '../client';
import { DEMO_PASSWORD } from './demo-logins';
import { seedMoney } from './demo-money';
import { seedPasses } from './demo-passes';
import { seedPartnerships } from './demo-partnerships';
import { createRandom, type Random } from './random';

/**
 * The marketplace part of the demo, made through the domain services only (orders, payments,
 * bids, awards, deliveries), so that the demo satisfies the same invariants as real use and
 * `ledger:check` is clean on it. Dates follow the current year: deliveries are spread from
 * 1 January to today, so that by now most places are consolidated, some fragile, a few saturated.
 */

/** Which départements each demo funder finances (the city of Rennes orders for its commune). */
const FUNDER_TERRITORIES: Record<string, string[]> = {
  'Conseil départemental du Finistère': ['29'],
  'Département d’Ille-et-Vilaine': ['35'],
  'Département du Nord': ['59'],
  'Département de l’Aveyron': ['12'],
  'Département de la Creuse': ['23'],
  'CAF du Finistère': ['29'],
  'CAF du Nord': ['59'],
  'CAF de la Haute-Garonne': ['31'],
  'Région Bretagne': ['22', '29', '35', '56'],
  'Fondation Inclusion Numérique Solidaire': ['33', '34', '46', '62', '80'],
  'Mutuelle Solidaire de l’Ouest': ['22', '56'],
};

const SERVICE_MIX = [
  [Service.AideAuxDemarchesAdministratives, Service.MaitriseDesOutilsNumeriquesDuQuotidien],
  [Service.AideAuxDemarchesAdministratives, Service.UtilisationSecuriseeDuNumerique, Service.InsertionProfessionnelleViaLeNumerique],
  [Service.MaitriseDesOutilsNumeriquesDuQuotidien, Service.ParentaliteEtEducationAvecLeNumerique, Service.ComprehensionDuMondeNumerique],
];

interface DemoPlace {
  id: number;
  organisationId: number;
  departementCode: string;
  yearlyCapacity: number;
  communeCodes: string[];
  /** Services to deliver this year: decides fragile / consolidated / saturated. */
  target: number;
  /** Distinct people it accompanies this year (each comes back for several services). */
  people: number;
}

const date = (year: number, month: number, day: number) => `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
const addDays = (iso: string, days: number) => new Date(new Date(`${iso}T12:00:00Z`).getTime() + days * 86_400_000).toISOString().slice(0, 10);
const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T12:00:00Z`) - Date.parse(`${from}T12:00:00Z`)) / 86_400_000);

function yearTarget(random: Random, capacity: number): number {
  if (capacity < 1_500) return Math.round(capacity * (0.35 + random.next() * 0.5)); // stays fragile
  if (capacity >= 2_700) return random.int(2_600, capacity - 100); // goes past the ceiling
  return random.int(1_650, Math.min(capacity - 150, 2_400)); // in the band
}

export async function seedMarketplace(db: Db, context: { seed: number; operatorId: number }, today = todayIso()): Promise<void> {
  const random = createRandom(context.seed + 1);
  const year = Number(today.slice(0, 4));

  // One user per organisation that has none yet: orders, bids and deliveries are made by people.
  const orgs = db.select().from(organisations).where(inArray(organisations.kind, ['funder', 'actor'])).all();
  const userOf = new Map<number, number>();
  for (const m of db.select().from(memberships).all()) if (!userOf.has(m.organisationId)) userOf.set(m.organisationId, m.userId);
  for (const org of orgs) {
    if (userOf.has(org.id)) continue;
    const user = await makeUser(db, { email: `${org.kind === 'funder' ? 'commanditaire' : 'acteur'}-${org.id}@aptic.demo`, name: `Équipe ${org.name}`, password: DEMO_PASSWORD });
    addMembership(db, user.id, org.id, 'admin');
    userOf.set(org.id, user.id);
  }
  const funderId = (name: string) => orgs.find((o) => o.name === name)!.id;

  const qualified = db.select().from(places).where(eq(places.status, 'qualified')).orderBy(places.id).all();
  const communes = db.select().from(placeCommunes).all();
  const demoPlaces: DemoPlace[] = qualified.map((p) => ({
    id: p.id,
    organisationId: p.organisationId,
    departementCode: p.departementCode,
    yearlyCapacity: p.yearlyCapacity,
    communeCodes: communes.filter((c) => c.placeId === p.id).map((c) => c.communeCode),
    target: yearTarget(random, p.yearlyCapacity),
    people: 0,
  }));
  for (const place of demoPlaces) place.people = Math.max(30, Math.round(place.target / random.int(5, 8)));

  // This year's orders: each funder orders what its territory's places need, shared with the
  // other funders of the same département.
  const fundersOf = (code: string) => Object.entries(FUNDER_TERRITORIES).filter(([, deps]) => deps.includes(code)).map(([name]) => name);
  const linesByFunder = new Map<string, { place: DemoPlace; quantity: number }[]>();
  for (const place of demoPlaces) {
    const funders = fundersOf(place.departementCode);
    if (funders.length === 0) continue;
    const shares = splitCents(place.target, funders.map(() => 1));
    funders.forEach((name, i) => {
      if (shares[i]! > 0) linesByFunder.set(name, [...(linesByFunder.get(name) ?? []), { place, quantity: shares[i]! }]);
    });
  }

  const deliveriesByActor = new Map<number, unknown[]>();
  let mixIndex = 0;
  for (const [name, lines] of linesByFunder) {
    const funder = funderId(name);
    const user = userOf.get(funder)!;
    const services = SERVICE_MIX[mixIndex++ % SERVICE_MIX.length]!;
    const quantity = lines.reduce((sum, l) => sum + l.quantity, 0);
    const orderId = createOrder(
      db,
      funder,
      {
        title: `Accompagnement numérique ${year} — ${FUNDER_TERRITORIES[name]!.length > 1 ? 'territoire' : 'département'} ${FUNDER_TERRITORIES[name]!.join(', ')}`,
        description: 'Accompagnement des habitants éloignés du numérique : démarches en ligne, usages du quotidien, sécurité.',
        services,
        departementCodes: FUNDER_TERRITORIES[name]!,
        communeCodes: [],
        quantity,
        unitPriceCents: 1_000,
        targetPeople: Math.round(quantity / 6),
        bidDeadline: date(year, 1, 15),
        deliveryStartsOn: date(year, 1, 1),
        deliveryEndsOn: date(year, 12, 31),
        roundId: null,
        passRequired: false,
      },
      user,
    );
    publishOrder(db, orderId, date(year, 1, 2));
    recordPayment(db, { orderId, organisationId: funder, amountCents: lineAmount(quantity, 1_000), reference: `VIR-${year}-${orderId}`, idempotencyKey: `demo-payment-${orderId}` });
    const byActor = new Map<number, { placeId: number; quantity: number }[]>();
    for (const line of lines) byActor.set(line.place.organisationId, [...(byActor.get(line.place.organisationId) ?? []), { placeId: line.place.id, quantity: line.quantity }]);
    const awardLinesInput: { bidId: number; placeId: number; quantity: number }[] = [];
    for (const [actorId, bidLines] of byActor) {
      const bidId = submitBid(db, { orderId, organisationId: actorId, unitPriceCents: 1_000, note: 'Nos médiateurs interviennent sur rendez-vous et en permanence.', lines: bidLines }, date(year, 1, 10));
      awardLinesInput.push(...bidLines.map((l) => ({ bidId, ...l })));
    }
    const { awardIds } = awardLines(db, { orderId, lines: awardLinesInput }, user, date(year, 1, 20));

    // Deliveries from 1 January to today: 88–98 % of each award is done by now.
    awardIds.forEach((awardId, i) => {
      const line = awardLinesInput[i]!;
      const place = lines.find((l) => l.place.id === line.placeId)!.place;
      let remaining = Math.floor(line.quantity * (0.88 + random.next() * 0.1));
      const span = Math.max(0, daysBetween(date(year, 1, 1), today));
      const rows = deliveriesByActor.get(place.organisationId) ?? [];
      let k = 0;
      while (remaining > 0) {
        const q = Math.min(remaining, random.int(3, 15));
        remaining -= q;
        rows.push({
          awardId,
          quantity: q,
          deliveredOn: addDays(date(year, 1, 1), random.int(0, span)),
          service: services[k % services.length],
          beneficiaryRef: beneficiaryRef(`${place.id}:${random.int(1, place.people)}`),
          idempotencyKey: `demo-delivery-${awardId}-${k++}`,
        });
      }
      deliveriesByActor.set(place.organisationId, rows);
    });
  }
  for (const [actorId, rows] of deliveriesByActor) {
    const user = sessionUserOf(db, userOf.get(actorId)!);
    for (let i = 0; i < rows.length; i += 1_000) recordDeliveryBatch(db, user, rows.slice(i, i + 1_000), today);
  }

  seedOtherStatuses(db, { random, year, today, funderId, userOf, demoPlaces });
  seedPartnerships(db, { userOf, today, year });
  seedAllocationShowcase(db, { year, funderId, userOf });
  seedMoney(db, { operatorId: context.operatorId, userOf }, today);
  seedPasses(db, { userOf, today, year, unusablePasswordHash: await hashPassword(randomBytes(24).toString('base64url')) });
}

/** One order in every other status, so each screen of the demo has something to show. */
function seedOtherStatuses(
  db: Db,
  ctx: { random: Random; year: number; today: string; funderId: (name: string) => number; userOf: Map<number, number>; demoPlaces: DemoPlace[] },
) {
  const { year, today, funderId, userOf, demoPlaces } = ctx;
  const finistere = funderId('Conseil départemental du Finistère');
  const placesIn = (code: string) => demoPlaces.filter((p) => p.departementCode === code);
  const order = (funder: number, fields: Partial<Parameters<typeof createOrder>[2]> & { title: string; quantity: number }) =>
    createOrder(
      db,
      funder,
      {
        description: '',
        services: [Service.AideAuxDemarchesAdministratives],
        departementCodes: [],
        communeCodes: [],
        unitPriceCents: 1_000,
        targetPeople: Math.round(fields.quantity / 5),
        bidDeadline: addDays(today, 20),
        deliveryStartsOn: date(year + 1, 1, 5),
        deliveryEndsOn: date(year + 1, 6, 30),
        roundId: null,
        passRequired: false,
        ...fields,
      },
      userOf.get(funder)!,
    );
  const pay = (orderId: number, funder: number, amountCents: number) =>
    recordPayment(db, { orderId, organisationId: funder, amountCents, reference: `VIR-${orderId}-${funder}`, idempotencyKey: `demo-payment-${orderId}-${funder}` });
  const round = db.select({ id: fundingRounds.id }).from(fundingRounds).where(eq(fundingRounds.status, 'open')).get();

  // Open, in the winter round, co-funded by the CAF, with sealed bids from Finistère actors.
  const winter = order(finistere, {
    title: 'Campagne d’hiver — démarches en ligne des allocataires',
    description: 'Aide aux démarches (CAF, impôts, santé) pour les personnes orientées par les travailleurs sociaux.',
    services: [Service.AideAuxDemarchesAdministratives, Service.UtilisationSecuriseeDuNumerique],
    departementCodes: ['29'],
    quantity: 2_000,
    shareCents: 1_200_000,
    roundId: round?.id ?? null,
  });
  publishOrder(db, winter, today);
  coFund(db, { orderId: winter, organisationId: funderId('CAF du Finistère'), shareCents: 800_000 });
  pay(winter, finistere, 1_200_000);
  pay(winter, funderId('CAF du Finistère'), 400_000);
  const finisterePlaces = placesIn('29').filter((p) => placeCoversOrder(p.communeCodes, { departementCodes: ['29'], communeCodes: [] }));
  const bidders = [...new Set(finisterePlaces.map((p) => p.organisationId))].slice(0, 4);
  for (const actorId of bidders) {
    const lines = finisterePlaces.filter((p) => p.organisationId === actorId).map((p) => ({ placeId: p.id, quantity: 250 }));
    submitBid(db, { orderId: winter, organisationId: actorId, unitPriceCents: 1_000, note: 'Permanences hebdomadaires et rendez-vous à domicile.', lines }, today);
  }

  // Open without bids yet, and a draft for next year.
  const aveyron = order(funderId('Département de l’Aveyron'), {
    title: 'Tournées numériques dans les communes rurales',
    services: [Service.MaitriseDesOutilsNumeriquesDuQuotidien, Service.AideAuxDemarchesAdministratives],
    departementCodes: ['12'],
    quantity: 600,
    roundId: round?.id ?? null,
  });
  publishOrder(db, aveyron, today);
  pay(aveyron, funderId('Département de l’Aveyron'), 300_000);
  order(funderId('Région Bretagne'), {
    title: 'Ateliers parentalité et numérique 2027 (brouillon)',
    services: [Service.ParentaliteEtEducationAvecLeNumerique],
    departementCodes: ['22', '29', '35', '56'],
    quantity: 1_500,
  });

  // Awarding: bidding closed, half awarded so far.
  const caf31 = funderId('CAF de la Haute-Garonne');
  const autumn = order(caf31, {
    title: 'Renfort de fin d’année — démarches administratives',
    departementCodes: ['31'],
    quantity: 400,
    bidDeadline: date(year, 10, 20),
    deliveryStartsOn: date(year, 11, 15),
    deliveryEndsOn: date(year, 12, 31),
  });
  publishOrder(db, autumn, date(year, 10, 1));
  pay(autumn, caf31, 400_000);
  const toulouse = placesIn('31');
  const autumnBids = [...new Set(toulouse.map((p) => p.organisationId))].slice(0, 3).map((actorId) => {
    const lines = toulouse.filter((p) => p.organisationId === actorId).map((p) => ({ placeId: p.id, quantity: 60 }));
    return { bidId: submitBid(db, { orderId: autumn, organisationId: actorId, unitPriceCents: 1_000, note: '', lines }, date(year, 10, 10)), lines };
  });
  closeBidding(db, autumn);
  const first = autumnBids[0];
  if (first) awardLines(db, { orderId: autumn, lines: first.lines.map((l) => ({ bidId: first.bidId, placeId: l.placeId, quantity: 50 })) }, userOf.get(caf31)!, today);

  // Completed: the city of Rennes' small order, fully delivered.
  const rennes = funderId('Ville de Rennes');
  const rennesPlace = demoPlaces.find((p) => p.communeCodes.includes('35238'));
  if (rennesPlace) {
    const small = order(rennes, {
      title: 'Permanences numériques du quartier Villejean',
      communeCodes: ['35238'],
      quantity: 120,
      bidDeadline: date(year, 2, 10),
      deliveryStartsOn: date(year, 2, 15),
      deliveryEndsOn: date(year, 12, 31),
    });
    publishOrder(db, small, date(year, 2, 1));
    pay(small, rennes, 120_000);
    const bidId = submitBid(db, { orderId: small, organisationId: rennesPlace.organisationId, unitPriceCents: 1_000, note: '', lines: [{ placeId: rennesPlace.id, quantity: 120 }] }, date(year, 2, 5));
    const [awardId] = awardLines(db, { orderId: small, lines: [{ bidId, placeId: rennesPlace.id, quantity: 120 }] }, userOf.get(rennes)!, date(year, 2, 12)).awardIds;
    const rows = Array.from({ length: 12 }, (_, k) => ({
      awardId,
      quantity: 10,
      deliveredOn: addDays(date(year, 2, 15), Math.floor((k * Math.max(0, daysBetween(date(year, 2, 15), today))) / 12)),
      service: Service.AideAuxDemarchesAdministratives,
      beneficiaryRef: beneficiaryRef(`villejean:${k}`),
      idempotencyKey: `demo-villejean-${k}`,
    }));
    if (today >= date(year, 2, 15)) recordDeliveryBatch(db, sessionUserOf(db, userOf.get(rennesPlace.organisationId)!), rows, today);
  }

  // Cancelled after a first payment: the money went back to the funder as a credit note.
  const creuse = funderId('Département de la Creuse');
  const cancelled = order(creuse, { title: 'Permanences itinérantes (annulée : marché repris en régie)', departementCodes: ['23'], quantity: 300 });
  publishOrder(db, cancelled, today);
  pay(cancelled, creuse, 150_000);
  cancelOrder(db, cancelled);
}

/**
 * An order awaiting its award where the consolidating proposal matters: next year's services,
 * 3 000 of them, and five places able to take 1 600 each. A pro-rata split gives each 600 and
 * consolidates none; the proposal brings two places to the 15 000 € floor. The award page shows both.
 */
function seedAllocationShowcase(db: Db, ctx: { year: number; funderId: (name: string) => number; userOf: Map<number, number> }) {
  const { year, funderId, userOf } = ctx;
  const next = year + 1;
  const chosen = db
    .select()
    .from(places)
    .where(eq(places.status, 'qualified'))
    .orderBy(places.id)
    .all()
    .filter((p) => ['59', '62', '80'].includes(p.departementCode) && p.yearlyCapacity >= 1_700)
    .slice(0, 5);
  if (chosen.length < 3) return;
  const foundation = funderId('Fondation Inclusion Numérique Solidaire');
  const quantity = 3_000;
  const orderId = createOrder(
    db,
    foundation,
    {
      title: `Consolider des lieux des Hauts-de-France en ${next}`,
      description: 'La fondation préfère consolider quelques lieux plutôt que saupoudrer : 3 000 services pour le premier semestre.',
      services: [Service.AideAuxDemarchesAdministratives, Service.MaitriseDesOutilsNumeriquesDuQuotidien],
      departementCodes: [...new Set(chosen.map((p) => p.departementCode))].sort(),
      communeCodes: [],
      quantity,
      unitPriceCents: 1_000,
      targetPeople: 600,
      bidDeadline: `${year}-10-30`,
      deliveryStartsOn: `${next}-01-05`,
      deliveryEndsOn: `${next}-06-30`,
      roundId: null,
      passRequired: false,
    },
    userOf.get(foundation)!,
  );
  publishOrder(db, orderId, `${year}-10-15`);
  recordPayment(db, { orderId, organisationId: foundation, amountCents: lineAmount(quantity, 1_000), reference: `VIR-FINS-${year}-${orderId}`, idempotencyKey: `demo-payment-showcase-${orderId}` });
  const byActor = new Map<number, { placeId: number; quantity: number }[]>();
  for (const p of chosen) byActor.set(p.organisationId, [...(byActor.get(p.organisationId) ?? []), { placeId: p.id, quantity: 1_600 }]);
  for (const [actorId, lines] of byActor) {
    submitBid(db, { orderId, organisationId: actorId, unitPriceCents: 1_000, note: 'Nous pouvons assurer ces services au premier semestre.', lines }, `${year}-10-20`);
  }
  closeBidding(db, orderId);
}
