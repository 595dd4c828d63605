import departementsData from '@etalab/decoupage-administratif/data/departements.json';
import regionsData from '@etalab/decoupage-administratif/data/regions.json';

/**
 * Départements and régions from the official INSEE data (@etalab/decoupage-administratif).
 * Small enough for the browser; communes live in `communes.ts`, server side only.
 */
export interface Departement {
  code: string;
  nom: string;
  region: string;
}
export interface Region {
  code: string;
  nom: string;
}

export const DEPARTEMENTS: readonly Departement[] = departementsData.map((d) => ({
  code: d.code,
  nom: d.nom,
  region: d.region,
}));
export const REGIONS: readonly Region[] = regionsData.map((r) => ({ code: r.code, nom: r.nom }));

const departementByCode = new Map(DEPARTEMENTS.map((d) => [d.code, d]));
const regionByCode = new Map(REGIONS.map((r) => [r.code, r]));

export function isDepartementCode(code: string): boolean {
  return departementByCode.has(code);
}

export function findDepartement(code: string): Departement | undefined {
  return departementByCode.get(code);
}

export function findRegion(code: string): Region | undefined {
  return regionByCode.get(code);
}

/** « Finistère (29) », or the bare code when it is unknown. */
export function departementLabel(code: string): string {
  const d = departementByCode.get(code);
  return d ? `${d.nom} (${d.code})` : code;
}

/** The département of an INSEE commune code: 2 characters, 3 overseas (971…976, 984…989). */
export function departementOfCommuneCode(communeCode: string): string {
  return /^9[78]/.test(communeCode) ? communeCode.slice(0, 3) : communeCode.slice(0, 2);
}
