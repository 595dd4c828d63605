import type { Db } from '../../db/client';
import { findDepartement, findRegion } from '../../shared/domain/territory';
import type { RatioConfig } from '../../shared/ratio';
import { placeCountsByDepartement } from './places';

/** The operator's national picture: qualified places against the 3 000 target, by département. */
export function nationalSummary(db: Db, ratio: RatioConfig) {
  const departements = placeCountsByDepartement(db).map((row) => {
    const departement = findDepartement(row.departementCode);
    return {
      code: row.departementCode,
      nom: departement?.nom ?? row.departementCode,
      region: departement ? (findRegion(departement.region)?.nom ?? departement.region) : '',
      qualified: row.qualified,
      applied: row.applied,
      suspended: row.suspended,
    };
  });
  const total = (key: 'qualified' | 'applied' | 'suspended') => departements.reduce((sum, d) => sum + d[key], 0);
  return {
    targetPlaces: ratio.targetPlaces,
    qualifiedPlaces: total('qualified'),
    appliedPlaces: total('applied'),
    suspendedPlaces: total('suspended'),
    departements,
  };
}
