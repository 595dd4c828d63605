import { performance } from 'node:perf_hooks';
import { communesOfDepartement } from '../../shared/domain/communes';
import { DEFAULT_RATIO } from '../../shared/ratio';
import { bumpPlaceFigures, moveOrderFunding } from '../../server/services/figures';
import { nationalDashboard, roundDashboard } from '../../server/services/dashboards';
import { makeMember, makePlace, makeRound } from '../factories';
import { createTestDb } from '../setup/db';

/**
 * Dashboards at national scale: 3 000 qualified places with this year's figures over 30
 * départements. A dashboard reads maintained rows only, so the number of deliveries behind the
 * figures does not matter; the baseline is a bare `select count(*)` over the same figures table.
 */
export async function benchDashboards(placeCount = 3_000) {
  const db = createTestDb();
  const actor = await makeMember(db, 'actor');
  const operator = await makeMember(db, 'operator');
  const year = new Date().getUTCFullYear();
  const departements = ['01', '02', '03', '12', '22', '29', '31', '33', '34', '35', '38', '44', '46', '56', '59', '62', '69', '75', '80', '83', '13', '06', '67', '68', '76', '14', '17', '24', '64', '87'];
  const communes = departements.map((code) => communesOfDepartement(code).slice(0, 100));
  db.transaction(() => {
    for (let i = 0; i < placeCount; i++) {
      const pool = communes[i % communes.length]!;
      const placeId = makePlace(db, { organisationId: actor.organisationId, mainCommuneCode: pool[i % pool.length]!.code });
      const services = 500 + ((i * 37) % 2_400);
      bumpPlaceFigures(db, placeId, year, { servicesDelivered: services, revenueDeliveredCents: services * 1_000, beneficiaries: Math.round(services / 6) });
    }
    for (const code of departements) moveOrderFunding(db, [code], year, 0, 150_000_000);
  });
  const roundId = makeRound(db, { operatorOrganisationId: operator.organisationId, departementCodes: departements.slice(0, 6) });

  const time = (runs: number, fn: () => unknown) => {
    const t = performance.now();
    for (let i = 0; i < runs; i++) fn();
    return (performance.now() - t) / runs;
  };
  const count = db.$client.prepare('select count(*) from place_year_figures where year = ?');
  const baselineMs = time(200, () => count.get(year));
  const roundMs = time(50, () => roundDashboard(db, roundId, DEFAULT_RATIO));
  const nationalMs = time(20, () => nationalDashboard(db, year, DEFAULT_RATIO));
  return { placeCount, baselineMs, roundMs, nationalMs };
}
