import type { Db } from '../../db/client';
import { preparedFor } from '../../db/prepared';
import { splitCents } from '../../shared/money';
import { emptyFigures, type PlaceFigures } from './places';

/**
 * Figures maintained on write (DESIGN §2): called inside the transaction of each award and
 * delivery. Raw prepared statements: this is the hottest write path of the product.
 */
// Update first, insert when the row does not exist yet: an upsert would check the CHECK
// constraints on the proposed row, and a negative delta (a delivery lowering what is committed)
// is only valid as a change to an existing row.
const FIGURE_COLUMNS = `services_delivered as servicesDelivered, revenue_delivered_cents as revenueDeliveredCents,
  revenue_committed_cents as revenueCommittedCents, services_committed as servicesCommitted, beneficiaries,
  revenue_settled_cents as revenueSettledCents, revenue_paid_cents as revenuePaidCents`;

type FiguresRow = Omit<PlaceFigures, 'year'>;

const statements = preparedFor((db) => ({
  updatePlace: db.$client.prepare<[number, number, number, number, number, string, number, number], FiguresRow>(
    `update place_year_figures set
       services_delivered = services_delivered + ?, revenue_delivered_cents = revenue_delivered_cents + ?,
       revenue_committed_cents = revenue_committed_cents + ?, services_committed = services_committed + ?,
       beneficiaries = beneficiaries + ?, updated_at = ?
     where place_id = ? and year = ?
     returning ${FIGURE_COLUMNS}`,
  ),
  insertPlace: db.$client.prepare<[number, number, number, number, number, number, number, string], FiguresRow>(
    `insert into place_year_figures
       (place_id, year, services_delivered, revenue_delivered_cents, revenue_committed_cents, services_committed, beneficiaries, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?)
     returning ${FIGURE_COLUMNS}`,
  ),
  addBeneficiary: db.$client.prepare<[number, number, string]>(
    'insert or ignore into place_year_beneficiaries (place_id, year, beneficiary_ref) values (?, ?, ?)',
  ),
  placeYear: db.$client.prepare<[number, number], FiguresRow>(`select ${FIGURE_COLUMNS} from place_year_figures where place_id = ? and year = ?`),
  bumpSettlement: db.$client.prepare<[number, number, string, number, number]>(
    `update place_year_figures set revenue_settled_cents = revenue_settled_cents + ?, revenue_paid_cents = revenue_paid_cents + ?,
       updated_at = ? where place_id = ? and year = ?`,
  ),
  updateDepartement: db.$client.prepare<[number, string, string, number]>(
    'update departement_year_figures set funding_cents = funding_cents + ?, updated_at = ? where departement_code = ? and year = ?',
  ),
  insertDepartement: db.$client.prepare<[string, number, number, string]>(
    'insert into departement_year_figures (departement_code, year, funding_cents, updated_at) values (?, ?, ?, ?)',
  ),
}));

export interface FiguresDelta {
  servicesDelivered?: number;
  revenueDeliveredCents?: number;
  revenueCommittedCents?: number;
  servicesCommitted?: number;
  beneficiaries?: number;
}


/** Adds a delta to a place's figures for a year and returns the new figures. */
export function bumpPlaceFigures(db: Db, placeId: number, year: number, delta: FiguresDelta): PlaceFigures {
  const values = [
    delta.servicesDelivered ?? 0,
    delta.revenueDeliveredCents ?? 0,
    delta.revenueCommittedCents ?? 0,
    delta.servicesCommitted ?? 0,
    delta.beneficiaries ?? 0,
  ] as const;
  const now = new Date().toISOString();
  const row = statements(db).updatePlace.get(...values, now, placeId, year) ?? statements(db).insertPlace.get(placeId, year, ...values, now)!;
  return { year, ...row };
}

/** Records a beneficiary reference for the place and year; true when it is a new person. */
export function addBeneficiary(db: Db, placeId: number, year: number, beneficiaryRef: string): boolean {
  return statements(db).addBeneficiary.run(placeId, year, beneficiaryRef).changes === 1;
}

export function placeYearFigures(db: Db, placeId: number, year: number): PlaceFigures {
  const row = statements(db).placeYear.get(placeId, year);
  return row ? { year, ...row } : emptyFigures(year);
}

/**
 * An order's net funding (paid in − credited back) moved from `fromCents` to `toCents`: each of
 * its départements holds its even share of the net total, so what a credit note takes back is
 * exactly what the payments put there, and no département ever goes below zero.
 */
export function moveOrderFunding(db: Db, departementCodes: readonly string[], year: number, fromCents: number, toCents: number): void {
  if (departementCodes.length === 0 || fromCents === toCents) return;
  const weights = departementCodes.map(() => 1);
  const before = splitCents(fromCents, weights);
  const after = splitCents(toCents, weights);
  const now = new Date().toISOString();
  departementCodes.forEach((code, i) => {
    const amount = after[i]! - before[i]!;
    if (amount === 0) return;
    if (statements(db).updateDepartement.run(amount, now, code, year).changes === 0) statements(db).insertDepartement.run(code, year, amount, now);
  });
}

/**
 * Moves delivered revenue of a place-year from estimated to settled (a payout was created) or
 * from settled to paid (its transfer was recorded). The row exists: the deliveries made it.
 */
export function bumpSettlementFigures(db: Db, placeId: number, year: number, delta: { settledCents?: number; paidCents?: number }): void {
  statements(db).bumpSettlement.run(delta.settledCents ?? 0, delta.paidCents ?? 0, new Date().toISOString(), placeId, year);
}
