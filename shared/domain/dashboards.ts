import { placeRatioStatus, type PlaceRatioStatus, type RatioConfig } from '../ratio';

/** Width of a histogram bar: 2 500 € of yearly revenue, so the 15–25 k€ band spans four bars. */
export const HISTOGRAM_STEP_CENTS = 250_000;

export interface HistogramBin {
  fromCents: number;
  /** Exclusive upper bound; null for the last, open-ended bin. */
  toCents: number | null;
  count: number;
  /** Status of the revenue in the middle of the bin: the 25–27.5 k€ bar is saturated, not consolidated. */
  status: PlaceRatioStatus;
}

/**
 * Places counted by yearly revenue, in bins of 2 500 € up to 120 % of the ceiling and one last
 * bin beyond: what the round dashboard draws with the consolidating band on top.
 */
export function revenueHistogram(revenuesCents: readonly number[], config: RatioConfig): HistogramBin[] {
  const last = Math.ceil((config.ceilingCents * 1.2) / HISTOGRAM_STEP_CENTS);
  const bins: HistogramBin[] = Array.from({ length: last + 1 }, (_, i) => ({
    fromCents: i * HISTOGRAM_STEP_CENTS,
    toCents: i === last ? null : (i + 1) * HISTOGRAM_STEP_CENTS,
    count: 0,
    status: placeRatioStatus(i * HISTOGRAM_STEP_CENTS + HISTOGRAM_STEP_CENTS / 2, config),
  }));
  for (const revenue of revenuesCents) bins[Math.min(last, Math.max(0, Math.floor(revenue / HISTOGRAM_STEP_CENTS)))]!.count += 1;
  return bins;
}

export function countByStatus(revenuesCents: readonly number[], config: RatioConfig): Record<PlaceRatioStatus, number> {
  const counts = { fragile: 0, consolidated: 0, saturated: 0 };
  for (const revenue of revenuesCents) counts[placeRatioStatus(revenue, config)] += 1;
  return counts;
}

/** How many places sit below, inside and above a range (services or people per year). */
export function rangePosition(values: readonly number[], range: { min: number; max: number }) {
  const position = { below: 0, within: 0, above: 0 };
  for (const value of values) {
    if (value < range.min) position.below += 1;
    else if (value > range.max) position.above += 1;
    else position.within += 1;
  }
  return position;
}

/**
 * The only fields a public (signed-out) round dashboard may carry: aggregates of money, orders,
 * places and territories. No bid content, no beneficiary, no person, no place name.
 */
export const PUBLIC_ROUND_FIELDS = {
  round: ['id', 'name', 'status', 'opensOn', 'closesOn', 'departementCodes', 'targetCents'],
  money: ['targetCents', 'postedCents', 'fundedCents', 'awardedCents', 'deliveredCents'],
  places: [
    'qualifiedPlaces',
    'byStatus',
    'byProjectedStatus',
    'histogram',
    'servicesDelivered',
    'ruralServicesDelivered',
    'ruralShare',
    'servicesRange',
    'peopleRange',
    'revenueDeliveredCents',
    'revenueSettledCents',
    'revenuePaidCents',
  ],
  departement: ['code', 'nom', 'fundingCents', 'qualifiedPlaces', 'sustainableMin', 'sustainableMax', 'status'],
} as const;

const pick = <T extends object>(source: T, keys: readonly string[]) =>
  Object.fromEntries(keys.filter((k) => k in source).map((k) => [k, (source as Record<string, unknown>)[k]]));

/** How delivered services are proven (issue 11): two counts, delivered and self-declared. */
export const PUBLIC_PROOF_FIELDS = ['deliveredServices', 'declaredServices'] as const;

/** A round dashboard reduced to the public whitelist, field by field. */
export function toPublicRoundDashboard(dashboard: {
  round: object;
  year: number;
  money: object;
  ordersByStatus: Record<string, number>;
  places: object;
  departements: object[];
  proof?: object;
}) {
  return {
    round: pick(dashboard.round, PUBLIC_ROUND_FIELDS.round),
    year: dashboard.year,
    money: pick(dashboard.money, PUBLIC_ROUND_FIELDS.money),
    ...(dashboard.proof ? { proof: pick(dashboard.proof, PUBLIC_PROOF_FIELDS) } : {}),
    ordersByStatus: { ...dashboard.ordersByStatus },
    places: pick(dashboard.places, PUBLIC_ROUND_FIELDS.places),
    departements: dashboard.departements.map((d) => pick(d, PUBLIC_ROUND_FIELDS.departement)),
  };
}

/** The only fields of the public national dashboard: aggregates, field by field. */
export const PUBLIC_NATIONAL_FIELDS = ['year', 'targetPlaces', 'mobilisedCents', 'needCents', 'currentReferenceCents'] as const;

export function toPublicNationalDashboard(
  dashboard: { money: object; places: object; departements: object[]; proof?: object } & Record<(typeof PUBLIC_NATIONAL_FIELDS)[number], unknown>,
) {
  return {
    ...pick(dashboard, PUBLIC_NATIONAL_FIELDS),
    money: pick(dashboard.money, PUBLIC_ROUND_FIELDS.money),
    ...(dashboard.proof ? { proof: pick(dashboard.proof, PUBLIC_PROOF_FIELDS) } : {}),
    places: pick(dashboard.places, PUBLIC_ROUND_FIELDS.places),
    departements: dashboard.departements.map((d) => pick(d, PUBLIC_ROUND_FIELDS.departement)),
  };
}
