import { sql } from 'drizzle-orm';
import { communesOfDepartement, type Commune } from '../../shared/domain/communes';
import type { FunderKind, PlaceMode } from '../../shared/domain/enums';
import { SERVICES, type ServiceName } from '../../shared/domain/services';
import { findDepartement } from '../../shared/domain/territory';
import { DEFAULT_RATIO } from '../../shared/ratio';
import { addMembership } from '../../server/services/users';
import { makeOrganisation, makePlace, makeRound, makeSiret, makeUser } from '../../test/factories';
import type { Db } from '../client';
import { users } from '../schema';
import { DEMO_LOGINS, DEMO_PASSWORD, demoEmail, type DemoRole } from './demo-logins';
import { createRandom, type Random } from './random';
import { seedMarketplace } from './demo-market';

/**
 * The demo: four régions, about 150 places, 12 funders, two partnerships and an open round.
 * Organisations, places and the round are written here; everything that has a domain service
 * (orders, money, bids, partnerships) is made through it in demo-market.ts and demo-partnerships.ts.
 * Deterministic: the same seed gives the same names, communes and dates everywhere.
 * Later capabilities add orders, bids and deliveries here through their domain services.
 */
const SEED = 20_261_128;

const REGIONS_DEMO = [
  { region: 'Bretagne', departements: ['22', '29', '35', '56'] },
  { region: 'Occitanie', departements: ['12', '31', '34', '46'] },
  { region: 'Hauts-de-France', departements: ['59', '62', '80'] },
  { region: 'Nouvelle-Aquitaine', departements: ['23', '33'] },
];
const DEMO_DEPARTEMENTS = REGIONS_DEMO.flatMap((r) => r.departements);

const FUNDERS: { name: string; kind: FunderKind; departementCode: string; communeCode?: string; login?: DemoRole }[] = [
  { name: 'Conseil départemental du Finistère', kind: 'departement', departementCode: '29', communeCode: '29232', login: 'commanditaire' },
  { name: 'Département d’Ille-et-Vilaine', kind: 'departement', departementCode: '35', communeCode: '35238' },
  { name: 'Département du Nord', kind: 'departement', departementCode: '59', communeCode: '59350' },
  { name: 'Département de l’Aveyron', kind: 'departement', departementCode: '12', communeCode: '12202' },
  { name: 'Département de la Creuse', kind: 'departement', departementCode: '23', communeCode: '23096' },
  { name: 'CAF du Finistère', kind: 'caf', departementCode: '29', communeCode: '29232' },
  { name: 'CAF du Nord', kind: 'caf', departementCode: '59', communeCode: '59350' },
  { name: 'CAF de la Haute-Garonne', kind: 'caf', departementCode: '31', communeCode: '31555' },
  { name: 'Ville de Rennes', kind: 'commune', departementCode: '35', communeCode: '35238' },
  { name: 'Région Bretagne', kind: 'region', departementCode: '35', communeCode: '35238' },
  { name: 'Fondation Inclusion Numérique Solidaire', kind: 'foundation', departementCode: '75', communeCode: '75056' },
  { name: 'Mutuelle Solidaire de l’Ouest', kind: 'company', departementCode: '44', communeCode: '44109' },
];

const ASSOCIATION_NAMES = [
  'Clic & Lien', 'Le Fil Numérique', 'Pixel Solidaire', 'Les Passeurs du Numérique', 'Connexions Citoyennes',
  'Numérique Pour Tous', 'Le Relais Numérique', 'Cyber-Base Solidaire', 'Les Ateliers du Clic', 'Trait d’Union Numérique',
  'Écrans Partagés', 'La Souris Verte', 'Entraide Numérique', 'Le Lien 2.0', 'Accès Libre', 'Tous Connectés',
];
const STRUCTURES = ['Centre social', 'Espace de vie sociale', 'Maison France services', 'Médiathèque', 'Tiers-lieu'] as const;

function pickCommunes(random: Random, departementCode: string) {
  const communes = communesOfDepartement(departementCode).sort((a, b) => a.code.localeCompare(b.code));
  const rural = communes.filter((c) => c.population !== undefined && c.population > 0 && c.population < DEFAULT_RATIO.ruralPopulationThreshold);
  const towns = communes.filter((c) => c.population !== undefined && c.population >= DEFAULT_RATIO.ruralPopulationThreshold);
  return { rural, towns, pick: (ruralShare: number) => (random.chance(ruralShare) ? random.pick(rural) : random.pick(towns)) };
}

function isoDate(random: Random, fromYear: number, toYear: number, toMonth = 12): string {
  const year = random.int(fromYear, toYear);
  const month = year === toYear ? random.int(1, toMonth) : random.int(1, 12);
  return `${year}-${String(month).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}T09:00:00.000Z`;
}

/**
 * Declared yearly capacity: most places can reach the band (1 700–2 600 services), some are
 * small (they stay fragile), a few are large enough to go past the ceiling.
 */
function capacity(random: Random): number {
  const roll = random.next();
  if (roll < 0.15) return random.int(8, 14) * 100;
  if (roll > 0.9) return random.int(27, 30) * 100;
  return random.int(17, 26) * 100;
}

/** The four hand-written places: Quimper consolidated, the bus close to the floor, home service small, Rennes saturated. */
const DEMO_CAPACITIES = [2_200, 1_800, 900, 2_900];

function services(random: Random): ServiceName[] {
  return random.sample(SERVICES, random.int(2, 5)).sort();
}

interface DemoPlace {
  actorId: number;
  name: string;
  mode: PlaceMode;
  main: Commune;
  others: Commune[];
}

export async function seedDemo(db: Db): Promise<void> {
  const random = createRandom(SEED);
  const demoUsers = new Map<DemoRole, number>();
  for (const login of DEMO_LOGINS) {
    const user = await makeUser(db, { email: login.email, name: login.name, password: DEMO_PASSWORD });
    demoUsers.set(login.role, user.id);
  }
  const userOf = (role: DemoRole) => demoUsers.get(role)!;
  let siretCounter = 1;
  const siret = () => makeSiret(SEED + 7_919 * siretCounter++);

  const { operatorId } = db.transaction(() => {
    const operatorId = makeOrganisation(db, 'operator', {
      name: 'Réseau #APTIC — opérateur national',
      siret: siret(),
      departementCode: '33',
      communeCode: '33063',
    });
    addMembership(db, userOf('opérateur'), operatorId, 'admin');

    for (const funder of FUNDERS) {
      const id = makeOrganisation(db, 'funder', {
        name: funder.name,
        funderKind: funder.kind,
        siret: siret(),
        departementCode: funder.departementCode,
        communeCode: funder.communeCode,
      });
      if (funder.login) addMembership(db, userOf(funder.login), id, 'admin');
    }

    // The demo actor: an association in Finistère with a fixed place, a bus and a home service.
    const tyNumerik = makeOrganisation(db, 'actor', { name: 'Association Ty Numérik', siret: siret(), departementCode: '29', communeCode: '29232' });
    addMembership(db, userOf('acteur'), tyNumerik, 'admin');
    // The partnership lead's own organisation, a cooperative in Rennes.
    const liens = makeOrganisation(db, 'actor', { name: 'Coopérative Les Liens du Numérique', siret: siret(), departementCode: '35', communeCode: '35238' });
    addMembership(db, userOf('chef de file'), liens, 'admin');

    const planned: DemoPlace[] = [];
    const commune = (code: string) => communesOfDepartement(code.slice(0, 2)).find((c) => c.code === code)!;
    planned.push(
      { actorId: tyNumerik, name: 'Espace numérique Ty Numérik — Quimper', mode: 'fixed', main: commune('29232'), others: [] },
      {
        actorId: tyNumerik,
        name: 'Bus numérique du Cap Sizun',
        mode: 'itinerant',
        main: commune('29003'),
        others: ['29028', '29168', '29228', '29063', '29218'].map(commune),
      },
      { actorId: tyNumerik, name: 'Ty Numérik à domicile — Pays Glazik', mode: 'home', main: commune('29020'), others: ['29048', '29107', '29110', '29106'].map(commune) },
      { actorId: liens, name: 'Les Liens du Numérique — Rennes Villejean', mode: 'fixed', main: commune('35238'), others: [] },
    );

    // About 60 more actors across the four régions, one to four places each.
    const actorIds: { id: number; departementCode: string }[] = [];
    let associationIndex = 0;
    while (planned.length < 150) {
      const departementCode = DEMO_DEPARTEMENTS[actorIds.length % DEMO_DEPARTEMENTS.length]!;
      const depName = findDepartement(departementCode)!.nom;
      const pool = pickCommunes(random, departementCode);
      const seat = pool.pick(0.35);
      const structure = random.pick(STRUCTURES);
      const actorName =
        structure === 'Médiathèque' || structure === 'Maison France services'
          ? `Commune de ${seat.nom}`
          : random.chance(0.5)
            ? `Association ${ASSOCIATION_NAMES[associationIndex++ % ASSOCIATION_NAMES.length]} ${depName}`
            : `${structure} de ${seat.nom}`;
      const id = makeOrganisation(db, 'actor', { name: actorName, siret: siret(), departementCode, communeCode: seat.code });
      actorIds.push({ id, departementCode });
      const count = random.pick([1, 1, 1, 2, 2, 3, 4]);
      for (let k = 0; k < count && planned.length < 150; k++) {
        const roll = random.next();
        if (k > 0 && roll < 0.25) {
          const stops = random.sample(pool.rural, random.int(3, 6));
          planned.push({ actorId: id, name: `Bus numérique — ${depName} (${stops[0]!.nom})`, mode: 'itinerant', main: stops[0]!, others: stops.slice(1) });
        } else if (k > 0 && roll < 0.4) {
          const area = random.sample(pool.rural, random.int(2, 4));
          planned.push({ actorId: id, name: `Médiation numérique à domicile — ${area[0]!.nom}`, mode: 'home', main: area[0]!, others: area.slice(1) });
        } else {
          const where = k === 0 ? seat : pool.pick(0.4);
          const name = k === 0 ? `${structure} de ${where.nom}` : `${structure} de ${seat.nom} — antenne de ${where.nom}`;
          planned.push({ actorId: id, name, mode: 'fixed', main: where, others: [] });
        }
      }
    }

    const placeIds: number[] = [];
    planned.forEach((p, index) => {
      // Statuses: a few applications waiting, one suspension, one refusal; the rest qualified,
      // with early adopters (2021–2022) and later entrants.
      const status = index >= 140 ? 'applied' : index === 17 ? 'suspended' : index === 23 ? 'rejected' : 'qualified';
      const early = random.chance(0.35);
      const appliedAt = status === 'applied' ? isoDate(random, 2026, 2026, 11) : early ? isoDate(random, 2021, 2022) : isoDate(random, 2023, 2026, 6);
      const qualifiedAt = status === 'qualified' || status === 'suspended' ? addDays(appliedAt, random.int(12, 60)) : null;
      placeIds.push(
        makePlace(db, {
          organisationId: p.actorId,
          name: p.name,
          mode: p.mode,
          mainCommuneCode: p.main.code,
          communeCodes: p.others.map((c) => c.code),
          yearlyCapacity: DEMO_CAPACITIES[index] ?? capacity(random),
          services: services(random),
          status,
          appliedAt,
          qualifiedAt,
          statusReason:
            status === 'suspended'
              ? 'Contrôle qualité en cours : justificatifs de prestations manquants'
              : status === 'rejected'
                ? 'Structure hors du champ de la médiation numérique'
                : null,
          suspendedAt: status === 'suspended' ? '2026-10-02T09:00:00.000Z' : null,
          qualityScore: random.int(40, 95),
          legalRepresentative: random.pick(['Présidente', 'Président', 'Directrice', 'Directeur', 'Maire']),
        }),
      );
    });

    makeRound(db, {
      operatorOrganisationId: operatorId,
      name: 'Campagne hiver 2026-2027 — Bretagne, Aveyron, Nord',
      departementCodes: ['22', '29', '35', '56', '12', '59'],
      opensOn: '2026-11-15',
      closesOn: '2027-02-15',
      targetCents: 180_000_000,
      status: 'open',
    });
    return { operatorId };
  });
  await seedMarketplace(db, { seed: SEED, operatorId });
}

function addDays(iso: string, days: number): string {
  return new Date(new Date(iso).getTime() + days * 86_400_000).toISOString();
}

/** Seeds the demo on an empty database; returns whether it did. */
export async function seedDemoIfEmpty(db: Db): Promise<boolean> {
  const { count } = db.select({ count: sql<number>`count(*)` }).from(users).get()!;
  if (count > 0) return false;
  await seedDemo(db);
  return true;
}

export { demoEmail };
