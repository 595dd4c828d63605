import { createRequire } from 'node:module';
import { DEFAULT_RATIO } from '../ratio';

/**
 * Communes from the official INSEE data (@etalab/decoupage-administratif): 35 000 entries,
 * 8 MB of JSON, so this module is for the server and the seed only, and loads them lazily.
 */
export interface Commune {
  code: string;
  nom: string;
  departement: string;
  region: string;
  /** Unknown for a few overseas districts without inhabitants on record. */
  population: number | undefined;
  codesPostaux: string[];
}

interface RawCommune {
  code: string;
  nom: string;
  type: string;
  departement?: string;
  region?: string;
  population?: number;
  codesPostaux?: string[];
}

let byCode: Map<string, Commune> | undefined;

function communeIndex(): Map<string, Commune> {
  if (!byCode) {
    const require = createRequire(import.meta.url);
    const raw = require('@etalab/decoupage-administratif/data/communes.json') as RawCommune[];
    byCode = new Map();
    for (const c of raw) {
      // Delegated and associated communes share codes with their parent: keep current ones.
      if (c.type !== 'commune-actuelle' || !c.departement || !c.region) continue;
      byCode.set(c.code, {
        code: c.code,
        nom: c.nom,
        departement: c.departement,
        region: c.region,
        population: c.population,
        codesPostaux: c.codesPostaux ?? [],
      });
    }
  }
  return byCode;
}

export function findCommune(code: string): Commune | undefined {
  return communeIndex().get(code);
}

export function isCommuneCode(code: string): boolean {
  return communeIndex().has(code);
}

export function communePopulation(code: string): number | undefined {
  return communeIndex().get(code)?.population;
}

/** Rural = under 2 000 inhabitants (DESIGN §3). Unknown communes are not counted as rural. */
export function isRuralCommune(code: string, threshold = DEFAULT_RATIO.ruralPopulationThreshold): boolean {
  const population = communePopulation(code);
  return population !== undefined && population < threshold;
}

export function communesOfDepartement(departementCode: string): Commune[] {
  return [...communeIndex().values()].filter((c) => c.departement === departementCode);
}

export function departementPopulation(departementCode: string): number {
  return communesOfDepartement(departementCode).reduce((sum, c) => sum + (c.population ?? 0), 0);
}
