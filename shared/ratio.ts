/**
 * The consolidating ratio (DESIGN §3): the figures of the source document, in one place.
 * Every amount is in integer cents. The server may override them from its environment
 * (`server/env.ts`) and hands the resolved values to the client through `config.get`.
 */
export interface RatioConfig {
  /** Yearly revenue a place needs to be consolidated (15 000 €). */
  floorCents: number;
  /** Yearly revenue above which a place is saturated (25 000 €). */
  ceilingCents: number;
  /** Face value of one service, one #APTIC pass (10 €). */
  unitValueCents: number;
  /** Services a place should be able to deliver per year. */
  servicesPerPlace: { min: number; max: number };
  /** People a place accompanies per year. */
  peoplePerPlace: { min: number; max: number };
  /** National target of qualified places. */
  targetPlaces: number;
  /** Money to mobilise nationally per year, and what is mobilised today. */
  nationalNeedCents: { min: number; max: number };
  nationalCurrentCents: number;
  /** A commune under this population counts as rural. */
  ruralPopulationThreshold: number;
  /** Share of the population likely to need support: 13 million of 67 million. */
  priorityPopulation: { numerator: number; denominator: number };
}

const MILLION_EUROS = 100_000_000; // in cents

export const DEFAULT_RATIO: RatioConfig = Object.freeze({
  floorCents: 1_500_000,
  ceilingCents: 2_500_000,
  unitValueCents: 1_000,
  servicesPerPlace: { min: 1_500, max: 2_500 },
  peoplePerPlace: { min: 150, max: 500 },
  targetPlaces: 3_000,
  nationalNeedCents: { min: 45 * MILLION_EUROS, max: 75 * MILLION_EUROS },
  nationalCurrentCents: 12 * MILLION_EUROS,
  ruralPopulationThreshold: 2_000,
  priorityPopulation: { numerator: 13, denominator: 67 },
});

/** Applies overrides and refuses a configuration that would make the ratio meaningless. */
export function resolveRatio(overrides: Partial<RatioConfig> = {}): RatioConfig {
  const config = { ...DEFAULT_RATIO, ...overrides };
  const amounts = [config.floorCents, config.ceilingCents, config.unitValueCents];
  if (!amounts.every((n) => Number.isSafeInteger(n) && n > 0)) {
    throw new Error('Ratio amounts must be positive integer cents');
  }
  if (config.floorCents >= config.ceilingCents) {
    throw new Error('The ratio floor must be below its ceiling');
  }
  const counts = [
    config.peoplePerPlace.min,
    config.peoplePerPlace.max,
    config.servicesPerPlace.min,
    config.servicesPerPlace.max,
    config.targetPlaces,
    config.priorityPopulation.numerator,
    config.priorityPopulation.denominator,
  ];
  if (!counts.every((n) => Number.isSafeInteger(n) && n > 0)) {
    throw new Error('Ratio counts (people, services, places, priority share) must be positive integers');
  }
  return config;
}

export const PLACE_STATUSES = ['fragile', 'consolidated', 'saturated'] as const;
export type PlaceRatioStatus = (typeof PLACE_STATUSES)[number];

/** Status of a place for a yearly revenue: below the floor, in the band, above the ceiling. */
export function placeRatioStatus(revenueCents: number, config: RatioConfig = DEFAULT_RATIO): PlaceRatioStatus {
  if (revenueCents < config.floorCents) return 'fragile';
  if (revenueCents > config.ceilingCents) return 'saturated';
  return 'consolidated';
}

export interface PlaceYearAmounts {
  revenueDeliveredCents: number;
  revenueCommittedCents: number;
}

export interface PlaceRatioView {
  deliveredStatus: PlaceRatioStatus;
  projectedCents: number;
  projectedStatus: PlaceRatioStatus;
  /** Share of the floor reached by delivered revenue, 0–1 (capped). */
  floorProgress: number;
  /** What is still missing to reach the floor once commitments are delivered, in cents. */
  missingToFloorCents: number;
}

/** The place's position against the band, on delivered and on projected revenue. */
export function placeRatioView(amounts: PlaceYearAmounts, config: RatioConfig = DEFAULT_RATIO): PlaceRatioView {
  const projectedCents = amounts.revenueDeliveredCents + amounts.revenueCommittedCents;
  return {
    deliveredStatus: placeRatioStatus(amounts.revenueDeliveredCents, config),
    projectedCents,
    projectedStatus: placeRatioStatus(projectedCents, config),
    floorProgress: Math.min(1, Math.max(0, amounts.revenueDeliveredCents / config.floorCents)),
    missingToFloorCents: Math.max(0, config.floorCents - projectedCents),
  };
}

export const BALANCE_STATUSES = ['room', 'balanced', 'dilution'] as const;
export type BalanceStatus = (typeof BALANCE_STATUSES)[number];

export interface TerritoryBalance {
  fundingCents: number;
  qualifiedPlaces: number;
  /** F / ceiling and F / floor: the number of places the funding can consolidate. */
  sustainableMin: number;
  sustainableMax: number;
  status: BalanceStatus;
}

/**
 * Territory balance (DESIGN §3): with funding F and N qualified places, the sustainable range
 * is [F / ceiling, F / floor]. Below it there is room for new entrants; above it, dilution.
 * Compared in integers (N × ceiling < F) so that no rounding moves a territory across a line.
 */
export function territoryBalance(
  input: { fundingCents: number; qualifiedPlaces: number },
  config: RatioConfig = DEFAULT_RATIO,
): TerritoryBalance {
  const { fundingCents, qualifiedPlaces } = input;
  let status: BalanceStatus = 'balanced';
  if (qualifiedPlaces * config.ceilingCents < fundingCents) status = 'room';
  else if (qualifiedPlaces * config.floorCents > fundingCents) status = 'dilution';
  return {
    fundingCents,
    qualifiedPlaces,
    sustainableMin: fundingCents / config.ceilingCents,
    sustainableMax: fundingCents / config.floorCents,
    status,
  };
}

export interface NeedView {
  population: number;
  peopleInNeed: number;
  /** Places needed to accompany them, at 500 (min) or 150 (max) people per place per year. */
  placesNeeded: { min: number; max: number };
}

/** Need-based view of a territory: population × 13/67, served at 150–500 people per place. */
export function needView(population: number, config: RatioConfig = DEFAULT_RATIO): NeedView {
  const { numerator, denominator } = config.priorityPopulation;
  const peopleInNeed = Math.round((population * numerator) / denominator);
  return {
    population,
    peopleInNeed,
    placesNeeded: {
      min: Math.ceil(peopleInNeed / config.peoplePerPlace.max),
      max: Math.ceil(peopleInNeed / config.peoplePerPlace.min),
    },
  };
}
