import departementsData from '@etalab/decoupage-administratif/data/departements.json';
import regionsData from '@etalab/decoupage-administratif/data/regions.json';
import { communesOfDepartement, findCommune, type Commune } from '../../../shared/domain/communes';
import type { FunderKind } from '../../../shared/domain/enums';
import type { Random } from '../random';
import { ofCommune, ofDepartement } from './names';
import { apportion, NATIONAL_DEPARTEMENTS, type PlannedPlace } from './places';

/**
 * The funders of the national dataset (about 300): the State's agency, which funds everywhere,
 * then départements, CAF, régions, prefectures, large cities, foundations, companies and
 * pension funds, each over its own territory. Fewer funders keep the same mix, the most
 * populous territories first; the agency always stays, so every place has a funder.
 */

export type FunderFamily = 'anct' | 'prefecture' | 'region' | 'departement' | 'caf' | 'ville' | 'fondation' | 'entreprise' | 'carsat';

export interface PlannedFunder {
  index: number;
  family: FunderFamily;
  name: string;
  kind: FunderKind;
  /** Head office. */
  departementCode: string;
  communeCode: string;
  /** Départements it funds; a city funds the places present in its own commune. */
  departementCodes: string[];
  cityCode: string | null;
}

/** How much of a place's services a funder of each family pays for, before jitter. */
export const FAMILY_WEIGHTS: Record<FunderFamily, number> = {
  anct: 6,
  prefecture: 8,
  region: 14,
  departement: 34,
  caf: 20,
  ville: 14,
  fondation: 7,
  entreprise: 6,
  carsat: 6,
};

/** Families and their share of 300 funders (the agency comes on top). */
const FAMILY_COUNTS: [FunderFamily, number][] = [
  ['departement', 101],
  ['caf', 101],
  ['ville', 40],
  ['region', 17],
  ['prefecture', 13],
  ['entreprise', 12],
  ['fondation', 10],
  ['carsat', 5],
];

const FOUNDATIONS = [
  'Fondation Inclusion Numérique Solidaire', 'Fondation du Lien Social', 'Fondation Agir pour l’Autonomie', 'Fondation Territoires Connectés',
  'Fondation Seniors et Numérique', 'Fondation Égalité des Chances Numériques', 'Fondation Solidarités Rurales', 'Fondation Jeunesse et Avenir',
  'Fondation Familles Solidaires', 'Fondation Accès aux Droits', 'Fondation Culture et Partage', 'Fondation Main Tendue',
];
const COMPANIES = [
  'Mutuelle Solidaire de l’Ouest', 'Banque Coopérative du Centre', 'Assurances Mutuelles du Sud', 'Énergies Citoyennes SA', 'Télécom Proximité',
  'Mutuelle des Territoires', 'Crédit Solidaire de l’Est', 'Transports Régionaux Associés', 'La Poste Solidaire — groupement', 'Coopérative Agricole Unie',
  'Caisse Mutuelle du Nord', 'Habitat Social Réuni', 'Groupe Santé Proximité', 'Distribution Solidaire', 'Numérique Responsable SAS',
];

const departementInfo = new Map(departementsData.map((d) => [d.code, d]));
const METRO_REGIONS = regionsData.filter((r) => r.zone === 'metro');

function regionName(region: (typeof regionsData)[number]): string | null {
  if (region.code === '02' || region.code === '03') return `Collectivité territoriale ${ofDepartement(region.code === '02' ? '972' : '973', region.nom)}`;
  if (region.code === '94') return 'Collectivité de Corse';
  if (region.code === '06') return null; // Mayotte: the département is the région
  return `Région ${region.nom}`;
}

/** The région's chef-lieu: where its council, prefecture or pension fund sits. */
function regionSeat(code: string) {
  const communeCode = regionsData.find((r) => r.code === code)!.chefLieu;
  return { communeCode, departementCode: findCommune(communeCode)!.departement };
}

const departementsOfRegion = (code: string) => NATIONAL_DEPARTEMENTS.filter((d) => d.region === code).map((d) => d.code);

/** Every candidate of a family, the most populous territories first. */
function candidates(family: FunderFamily, random: Random, population: Map<string, number>): Omit<PlannedFunder, 'index'>[] {
  const byPopulation = [...NATIONAL_DEPARTEMENTS].sort((a, b) => population.get(b.code)! - population.get(a.code)! || a.code.localeCompare(b.code));
  const seatOf = (code: string) => departementInfo.get(code)!.chefLieu;
  const regionPopulation = (code: string) => departementsOfRegion(code).reduce((sum, d) => sum + population.get(d)!, 0);
  const regions = regionsData.filter((r) => r.zone !== 'com').sort((a, b) => regionPopulation(b.code) - regionPopulation(a.code));
  const someRegions = (n: number) => random.sample(METRO_REGIONS, n).flatMap((r) => departementsOfRegion(r.code)).sort();
  switch (family) {
    case 'departement':
      return byPopulation.map((d) => ({ family, kind: 'departement', name: `Département ${ofDepartement(d.code, d.nom)}`, departementCode: d.code, communeCode: seatOf(d.code), departementCodes: [d.code], cityCode: null }));
    case 'caf':
      return byPopulation.map((d) => ({ family, kind: 'caf', name: `CAF ${ofDepartement(d.code, d.nom)}`, departementCode: d.code, communeCode: seatOf(d.code), departementCodes: [d.code], cityCode: null }));
    case 'region':
      return regions.flatMap((r) => {
        const name = regionName(r);
        return name ? [{ family, kind: 'region' as const, name, ...regionSeat(r.code), departementCodes: departementsOfRegion(r.code), cityCode: null }] : [];
      });
    case 'prefecture':
      return regions
        .filter((r) => r.zone === 'metro')
        .map((r) => ({ family, kind: 'state', name: `Préfecture de la région ${r.nom}`, ...regionSeat(r.code), departementCodes: departementsOfRegion(r.code), cityCode: null }));
    case 'ville':
      return largestCommunes().map((c) => ({ family, kind: 'commune', name: `Ville ${ofCommune(c.nom)}`, departementCode: c.departement, communeCode: c.code, departementCodes: [c.departement], cityCode: c.code }));
    case 'fondation':
      return FOUNDATIONS.map((name) => ({ family, kind: 'foundation', name, departementCode: '75', communeCode: '75056', departementCodes: someRegions(random.int(1, 3)), cityCode: null }));
    case 'entreprise':
      return COMPANIES.map((name) => {
        const departementCodes = someRegions(1);
        const seat = seatOf(departementCodes[0]!);
        return { family, kind: 'company', name, departementCode: findCommune(seat)!.departement, communeCode: seat, departementCodes, cityCode: null };
      });
    case 'carsat':
      return regions
        .filter((r) => r.zone === 'metro' && r.code !== '94')
        .map((r) => ({ family, kind: 'other', name: `Carsat ${r.nom}`, ...regionSeat(r.code), departementCodes: departementsOfRegion(r.code), cityCode: null }));
    case 'anct':
      return [];
  }
}

let cities: Commune[] | undefined;
function largestCommunes(): Commune[] {
  cities ??= NATIONAL_DEPARTEMENTS.flatMap((d) => communesOfDepartement(d.code))
    .filter((c) => (c.population ?? 0) >= 10_000)
    .sort((a, b) => b.population! - a.population! || a.code.localeCompare(b.code));
  return cities;
}

export function planFunders(random: Random, total: number, population: Map<string, number>): PlannedFunder[] {
  const anct: Omit<PlannedFunder, 'index'> = {
    family: 'anct',
    kind: 'state',
    name: 'État — Agence nationale de la cohésion des territoires',
    departementCode: '75',
    communeCode: '75056',
    departementCodes: NATIONAL_DEPARTEMENTS.map((d) => d.code),
    cityCode: null,
  };
  const pools = new Map(FAMILY_COUNTS.map(([family]) => [family, candidates(family, random, population)]));
  // The mix of 300, scaled; a family short of candidates hands its surplus to the others.
  let counts = apportion(total - 1, FAMILY_COUNTS.map(([, n]) => n));
  for (let round = 0; round < 10; round++) {
    const caps = FAMILY_COUNTS.map(([family]) => pools.get(family)!.length);
    const surplus = counts.reduce((sum, n, i) => sum + Math.max(0, n - caps[i]!), 0);
    counts = counts.map((n, i) => Math.min(n, caps[i]!));
    if (surplus === 0) break;
    const extra = apportion(surplus, FAMILY_COUNTS.map(([, n], i) => (counts[i]! < caps[i]! ? n : 0)));
    counts = counts.map((n, i) => n + extra[i]!);
  }
  const chosen = [anct, ...FAMILY_COUNTS.flatMap(([family], i) => pools.get(family)!.slice(0, counts[i]))];
  return chosen.map((f, index) => ({ ...f, index }));
}

/** Whether a funder pays for services of this place. */
export function funds(funder: PlannedFunder, place: PlannedPlace): boolean {
  if (funder.cityCode) return place.main.code === funder.cityCode || place.others.some((c) => c.code === funder.cityCode);
  return funder.departementCodes.includes(place.departementCode);
}
