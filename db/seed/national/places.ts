import { communesOfDepartement, type Commune } from '../../../shared/domain/communes';
import type { PlaceMode } from '../../../shared/domain/enums';
import { SERVICES, type ServiceName } from '../../../shared/domain/services';
import { DEPARTEMENTS, type Departement } from '../../../shared/domain/territory';
import { DEFAULT_RATIO } from '../../../shared/ratio';
import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import type { Random } from '../random';
import { ASSOCIATION_NAMES, LEGAL_REPRESENTATIVES, ofCommune, ofDepartement, STREETS } from './names';

/**
 * Where the national places are: every département gets at least one (when there are enough
 * places), the rest in proportion to its INSEE population; within a département, towns are
 * drawn by population and rural communes (under 2 000 inhabitants) by population too, so that
 * places sit in bourgs rather than hamlets. Places belong to actors of one to three places.
 * Pure planning: nothing is written here.
 */

/** The 101 départements (overseas collectivities are not départements and have no places). */
export const NATIONAL_DEPARTEMENTS: readonly Departement[] = DEPARTEMENTS.filter((d) => d.region.length === 2);

export interface PlannedActor {
  index: number;
  name: string;
  departementCode: string;
  seat: Commune;
  placeIndexes: number[];
}

export interface PlannedPlace {
  index: number;
  actorIndex: number;
  name: string;
  mode: PlaceMode;
  main: Commune;
  /** Other points of presence: a bus's stops, a home service's area. */
  others: Commune[];
  departementCode: string;
  regionCode: string;
  rural: boolean;
  address: string | null;
  services: ServiceName[];
  legalRepresentative: string;
  qualityScore: number;
}

/** Largest remainder: integer parts of `total` in proportion to `weights`, ties to the first. */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) return weights.map((_, i) => (i === 0 ? total : 0));
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map(Math.floor);
  let rest = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; rest > 0; k++, rest--) parts[order[k % order.length]!.i]! += 1;
  return parts;
}

interface Pool {
  communes: Commune[];
  cumulative: number[];
}

function pool(communes: Commune[]): Pool {
  let total = 0;
  return { communes, cumulative: communes.map((c) => (total += c.population ?? 0)) };
}

/** A commune drawn in proportion to its population. */
function drawCommune(random: Random, from: Pool): Commune {
  const u = random.next() * from.cumulative.at(-1)!;
  const k = from.cumulative.findIndex((c) => c > u);
  return from.communes[k === -1 ? from.communes.length - 1 : k]!;
}

interface DepartementPools {
  departement: Departement;
  population: number;
  towns: Pool;
  rural: Pool;
}

function departementPools(departement: Departement): DepartementPools {
  const communes = communesOfDepartement(departement.code)
    .filter((c) => (c.population ?? 0) > 0)
    .sort((a, b) => a.code.localeCompare(b.code));
  const threshold = DEFAULT_RATIO.ruralPopulationThreshold;
  return {
    departement,
    population: communes.reduce((sum, c) => sum + (c.population ?? 0), 0),
    towns: pool(communes.filter((c) => c.population! >= threshold)),
    rural: pool(communes.filter((c) => c.population! < threshold)),
  };
}

/** What runs the place, and what the place is called after it. */
const STRUCTURES = [
  { weight: 5, actor: (seat: Commune, dep: string, r: Random) => `Association ${r.pick(ASSOCIATION_NAMES)} ${dep}`, place: 'Espace public numérique' },
  { weight: 3, actor: (seat: Commune) => `Commune ${ofCommune(seat.nom)}`, place: 'Médiathèque' },
  { weight: 2, actor: (seat: Commune) => `Commune ${ofCommune(seat.nom)}`, place: 'Maison France services' },
  { weight: 2, actor: (seat: Commune) => `Centre social ${ofCommune(seat.nom)}`, place: 'Centre social' },
  { weight: 1, actor: (seat: Commune) => `CCAS ${ofCommune(seat.nom)}`, place: 'Point numérique du CCAS' },
  { weight: 1, actor: (seat: Commune) => `Tiers-lieu ${ofCommune(seat.nom)}`, place: 'Tiers-lieu numérique' },
  { weight: 1, actor: (seat: Commune) => `Espace de vie sociale ${ofCommune(seat.nom)}`, place: 'Espace de vie sociale' },
] as const;
const STRUCTURE_WEIGHTS = STRUCTURES.flatMap((s, i) => Array.from({ length: s.weight }, () => i));

const CORE_SERVICES = [Service.AideAuxDemarchesAdministratives, Service.MaitriseDesOutilsNumeriquesDuQuotidien];

/** Every place offers the two core services, plus one to four others. */
function servicesOffered(random: Random): ServiceName[] {
  const others = SERVICES.filter((s) => !CORE_SERVICES.includes(s));
  return [...CORE_SERVICES, ...random.sample(others, random.int(1, 4))].sort();
}

/** One to three places, mostly one: the scheme is made of small structures. */
const ACTOR_SIZES = [1, 1, 1, 1, 2, 2, 2, 3];

export function planPlaces(random: Random, total: number): { actors: PlannedActor[]; places: PlannedPlace[] } {
  const pools = NATIONAL_DEPARTEMENTS.map(departementPools);
  const base = total >= pools.length ? 1 : 0;
  const counts = apportion(total - base * pools.length, pools.map((p) => p.population)).map((n) => n + base);
  const actors: PlannedActor[] = [];
  const places: PlannedPlace[] = [];

  pools.forEach(({ departement, towns, rural }, d) => {
    const depOf = ofDepartement(departement.code, departement.nom);
    // A commune, rural with the given probability when the département has both kinds.
    const commune = (ruralShare: number) => {
      if (rural.communes.length === 0) return drawCommune(random, towns);
      if (towns.communes.length === 0) return drawCommune(random, rural);
      return random.chance(ruralShare) ? drawCommune(random, rural) : drawCommune(random, towns);
    };
    // Rural communes near the seat: a bus's route or a home service's area (distinct communes).
    const area = (first: Commune, n: number) => {
      const candidates = rural.communes.length > n ? rural : towns;
      const chosen = new Map([[first.code, first]]);
      for (let tries = 0; chosen.size < n && tries < n * 8; tries++) {
        const c = drawCommune(random, candidates);
        chosen.set(c.code, c);
      }
      return [...chosen.values()];
    };
    const canTour = departement.code !== '75';

    let left = counts[d]!;
    while (left > 0) {
      const size = Math.min(left, random.pick(ACTOR_SIZES));
      left -= size;
      const structure = STRUCTURES[random.pick(STRUCTURE_WEIGHTS)]!;
      const seat = commune(0.3);
      const actor: PlannedActor = { index: actors.length, name: structure.actor(seat, depOf, random), departementCode: departement.code, seat, placeIndexes: [] };
      actors.push(actor);
      for (let k = 0; k < size; k++) {
        const roll = random.next();
        // The first place is mostly the seat's own; further ones are buses, home services, antennas.
        const mode: PlaceMode = !canTour ? 'fixed' : roll < (k === 0 ? 0.08 : 0.28) ? 'itinerant' : roll < (k === 0 ? 0.15 : 0.5) ? 'home' : 'fixed';
        let main: Commune;
        let others: Commune[] = [];
        let name: string;
        if (mode === 'itinerant') {
          const stops = area(commune(0.9), random.int(3, 6));
          [main, ...others] = stops as [Commune, ...Commune[]];
          name = `Bus numérique ${depOf} — tournée ${ofCommune(main.nom)}`;
        } else if (mode === 'home') {
          const zone = area(commune(0.7), random.int(2, 4));
          [main, ...others] = zone as [Commune, ...Commune[]];
          name = `Médiation numérique à domicile — secteur ${ofCommune(main.nom)}`;
        } else {
          main = k === 0 ? seat : commune(0.35);
          const at = `${structure.place} ${ofCommune(seat.nom)}`;
          name = k === 0 ? at : main.code === seat.code ? `${at} — site n° ${k + 1}` : `${at} — antenne ${ofCommune(main.nom)}`;
        }
        const postcode = main.codesPostaux[0] ?? main.code;
        actor.placeIndexes.push(places.length);
        places.push({
          index: places.length,
          actorIndex: actor.index,
          name,
          mode,
          main,
          others,
          departementCode: departement.code,
          regionCode: departement.region,
          rural: (main.population ?? 0) < DEFAULT_RATIO.ruralPopulationThreshold,
          address: mode === 'fixed' ? `${random.int(1, 40)} ${random.pick(STREETS)}, ${postcode} ${main.nom}` : null,
          services: servicesOffered(random),
          legalRepresentative: random.pick(LEGAL_REPRESENTATIVES),
          qualityScore: random.int(40, 95),
        });
      }
    }
  });
  return { actors, places };
}
