import { describe, it, expect } from 'vitest';
import { DEFAULT_RATIO, needView, placeRatioStatus, placeRatioView, resolveRatio, territoryBalance } from '../../shared/ratio';

const FLOOR = 1_500_000;
const CEILING = 2_500_000;

describe('the default ratio', () => {
  it('holds the figures of the source document in cents', () => {
    expect(DEFAULT_RATIO.floorCents).toBe(FLOOR);
    expect(DEFAULT_RATIO.ceilingCents).toBe(CEILING);
    expect(DEFAULT_RATIO.unitValueCents).toBe(1_000);
    expect(DEFAULT_RATIO.peoplePerPlace).toEqual({ min: 150, max: 500 });
    expect(DEFAULT_RATIO.priorityPopulation).toEqual({ numerator: 13, denominator: 67 });
    expect(DEFAULT_RATIO.ruralPopulationThreshold).toBe(2_000);
  });
});

describe('placeRatioStatus', () => {
  it('a place with no revenue is fragile', () => {
    expect(placeRatioStatus(0)).toBe('fragile');
  });

  it('a place one cent below the floor is fragile', () => {
    expect(placeRatioStatus(FLOOR - 1)).toBe('fragile');
  });

  it('a place exactly at the floor is consolidated', () => {
    expect(placeRatioStatus(FLOOR)).toBe('consolidated');
  });

  it('a place one cent above the floor is consolidated', () => {
    expect(placeRatioStatus(FLOOR + 1)).toBe('consolidated');
  });

  it('a place one cent below the ceiling is consolidated', () => {
    expect(placeRatioStatus(CEILING - 1)).toBe('consolidated');
  });

  it('a place exactly at the ceiling is still consolidated', () => {
    expect(placeRatioStatus(CEILING)).toBe('consolidated');
  });

  it('a place one cent above the ceiling is saturated', () => {
    expect(placeRatioStatus(CEILING + 1)).toBe('saturated');
  });

  it('the band follows the configuration it is given', () => {
    const config = resolveRatio({ floorCents: 100, ceilingCents: 200 });
    expect(placeRatioStatus(99, config)).toBe('fragile');
    expect(placeRatioStatus(100, config)).toBe('consolidated');
    expect(placeRatioStatus(200, config)).toBe('consolidated');
    expect(placeRatioStatus(201, config)).toBe('saturated');
    // The same revenue reads differently against the default band.
    expect(placeRatioStatus(201)).toBe('fragile');
  });
});

describe('placeRatioView', () => {
  it('commitments that reach the floor make the projection consolidated while delivered revenue stays fragile', () => {
    expect(placeRatioView({ revenueDeliveredCents: 1_000_000, revenueCommittedCents: 600_000 })).toEqual({
      deliveredStatus: 'fragile',
      projectedCents: 1_600_000,
      projectedStatus: 'consolidated',
      floorProgress: 2 / 3,
      missingToFloorCents: 0,
    });
  });

  it('one committed cent that closes the gap to the floor leaves nothing missing', () => {
    const view = placeRatioView({ revenueDeliveredCents: FLOOR - 1, revenueCommittedCents: 1 });
    expect(view.deliveredStatus).toBe('fragile');
    expect(view.projectedCents).toBe(FLOOR);
    expect(view.projectedStatus).toBe('consolidated');
    expect(view.missingToFloorCents).toBe(0);
  });

  it('the amount missing to the floor counts commitments as if they were delivered', () => {
    expect(placeRatioView({ revenueDeliveredCents: 900_000, revenueCommittedCents: 100_000 })).toEqual({
      deliveredStatus: 'fragile',
      projectedCents: 1_000_000,
      projectedStatus: 'fragile',
      floorProgress: 0.6,
      missingToFloorCents: 500_000,
    });
  });

  it('a place with nothing delivered nor committed misses the whole floor', () => {
    const view = placeRatioView({ revenueDeliveredCents: 0, revenueCommittedCents: 0 });
    expect(view.floorProgress).toBe(0);
    expect(view.missingToFloorCents).toBe(FLOOR);
  });

  it('commitments that pass the ceiling make the projection saturated', () => {
    const view = placeRatioView({ revenueDeliveredCents: 2_000_000, revenueCommittedCents: 500_001 });
    expect(view.deliveredStatus).toBe('consolidated');
    expect(view.projectedCents).toBe(CEILING + 1);
    expect(view.projectedStatus).toBe('saturated');
  });

  it('floor progress is capped at one once delivered revenue passes the floor', () => {
    const view = placeRatioView({ revenueDeliveredCents: 3_000_000, revenueCommittedCents: 0 });
    expect(view.floorProgress).toBe(1);
    expect(view.deliveredStatus).toBe('saturated');
    expect(view.missingToFloorCents).toBe(0);
  });
});

describe('territoryBalance', () => {
  it('a territory whose funding exceeds what its places can absorb at the ceiling has room', () => {
    expect(territoryBalance({ fundingCents: 25_000_000, qualifiedPlaces: 9 })).toEqual({
      fundingCents: 25_000_000,
      qualifiedPlaces: 9,
      sustainableMin: 10,
      sustainableMax: 25_000_000 / FLOOR,
      status: 'room',
    });
  });

  it('a territory where N × ceiling equals the funding exactly is balanced, not open to new entrants', () => {
    expect(territoryBalance({ fundingCents: 10 * CEILING, qualifiedPlaces: 10 }).status).toBe('balanced');
  });

  it('one cent of funding above N × ceiling opens room', () => {
    expect(territoryBalance({ fundingCents: 10 * CEILING + 1, qualifiedPlaces: 10 }).status).toBe('room');
  });

  it('a territory where N × floor equals the funding exactly is balanced, not diluted', () => {
    const balance = territoryBalance({ fundingCents: 10 * FLOOR, qualifiedPlaces: 10 });
    expect(balance.status).toBe('balanced');
    expect(balance.sustainableMax).toBe(10);
    expect(balance.sustainableMin).toBe(6);
  });

  it('one cent of funding below N × floor dilutes the territory', () => {
    expect(territoryBalance({ fundingCents: 10 * FLOOR - 1, qualifiedPlaces: 10 }).status).toBe('dilution');
  });

  it('one place more than the funding can consolidate dilutes the territory', () => {
    expect(territoryBalance({ fundingCents: 10 * FLOOR, qualifiedPlaces: 11 }).status).toBe('dilution');
  });

  it('a territory with neither funding nor places is balanced with an empty range', () => {
    expect(territoryBalance({ fundingCents: 0, qualifiedPlaces: 0 })).toEqual({
      fundingCents: 0,
      qualifiedPlaces: 0,
      sustainableMin: 0,
      sustainableMax: 0,
      status: 'balanced',
    });
  });

  it('a territory with places and no funding is diluted', () => {
    expect(territoryBalance({ fundingCents: 0, qualifiedPlaces: 1 }).status).toBe('dilution');
  });

  it('a funded territory without any place has room', () => {
    expect(territoryBalance({ fundingCents: 1, qualifiedPlaces: 0 }).status).toBe('room');
  });

  it('the lines move with the configuration it is given', () => {
    const config = resolveRatio({ floorCents: 100, ceilingCents: 300 });
    expect(territoryBalance({ fundingCents: 900, qualifiedPlaces: 3 }, config).status).toBe('balanced');
    expect(territoryBalance({ fundingCents: 901, qualifiedPlaces: 3 }, config).status).toBe('room');
    expect(territoryBalance({ fundingCents: 900, qualifiedPlaces: 9 }, config).status).toBe('balanced');
    expect(territoryBalance({ fundingCents: 900, qualifiedPlaces: 10 }, config).status).toBe('dilution');
  });
});

describe('needView', () => {
  it('the whole French population gives 13 million people in need and 26 000 to 86 667 places', () => {
    expect(needView(67_000_000)).toEqual({
      population: 67_000_000,
      peopleInNeed: 13_000_000,
      placesNeeded: { min: 26_000, max: 86_667 },
    });
  });

  it('people in need are rounded to the nearest person', () => {
    // 5 × 13 / 67 = 0.97 and 2 × 13 / 67 = 0.39.
    expect(needView(5).peopleInNeed).toBe(1);
    expect(needView(2).peopleInNeed).toBe(0);
  });

  it('places are rounded up at 500 people per place for the minimum and 150 for the maximum', () => {
    // 3 350 × 13 / 67 = 650 people: 1.3 places at 500, 4.33 at 150.
    expect(needView(3_350)).toEqual({ population: 3_350, peopleInNeed: 650, placesNeeded: { min: 2, max: 5 } });
  });

  it('a territory where the need is a whole number of places needs no extra place', () => {
    const config = resolveRatio({ priorityPopulation: { numerator: 1, denominator: 1 } });
    expect(needView(1_500, config).placesNeeded).toEqual({ min: 3, max: 10 });
    expect(needView(1_501, config).placesNeeded).toEqual({ min: 4, max: 11 });
  });

  it('the Finistère population gives 181 118 people in need', () => {
    // 933 455 inhabitants × 13 / 67 = 181 118.13; 362.24 places at 500, 1 207.45 at 150.
    expect(needView(933_455)).toEqual({
      population: 933_455,
      peopleInNeed: 181_118,
      placesNeeded: { min: 363, max: 1_208 },
    });
  });

  it('an empty territory needs no place', () => {
    expect(needView(0)).toEqual({ population: 0, peopleInNeed: 0, placesNeeded: { min: 0, max: 0 } });
  });
});

describe('resolveRatio', () => {
  it('without overrides it returns the default figures', () => {
    expect(resolveRatio()).toEqual(DEFAULT_RATIO);
  });

  it('overrides replace only the figures they name', () => {
    const config = resolveRatio({ floorCents: 1_000_000, ceilingCents: 2_000_000 });
    expect(config.floorCents).toBe(1_000_000);
    expect(config.ceilingCents).toBe(2_000_000);
    expect(config.unitValueCents).toBe(1_000);
    expect(config.targetPlaces).toBe(3_000);
  });

  it('overrides leave the default figures untouched', () => {
    resolveRatio({ floorCents: 1_000_000 });
    expect(DEFAULT_RATIO.floorCents).toBe(FLOOR);
  });

  it('a zero floor is refused', () => {
    expect(() => resolveRatio({ floorCents: 0 })).toThrow('Ratio amounts must be positive integer cents');
  });

  it('a negative ceiling is refused', () => {
    expect(() => resolveRatio({ ceilingCents: -1 })).toThrow('Ratio amounts must be positive integer cents');
  });

  it('a floor in fractions of a cent is refused', () => {
    expect(() => resolveRatio({ floorCents: 1_500_000.5 })).toThrow('Ratio amounts must be positive integer cents');
  });

  it('a unit value that is not a number is refused', () => {
    expect(() => resolveRatio({ unitValueCents: Number.NaN })).toThrow('Ratio amounts must be positive integer cents');
  });

  it('an infinite or unsafe ceiling is refused', () => {
    expect(() => resolveRatio({ ceilingCents: Number.POSITIVE_INFINITY })).toThrow(
      'Ratio amounts must be positive integer cents',
    );
    expect(() => resolveRatio({ ceilingCents: Number.MAX_SAFE_INTEGER + 1 })).toThrow(
      'Ratio amounts must be positive integer cents',
    );
  });

  it('a floor equal to the ceiling is refused', () => {
    expect(() => resolveRatio({ floorCents: CEILING })).toThrow('The ratio floor must be below its ceiling');
  });

  it('a floor above the ceiling is refused', () => {
    expect(() => resolveRatio({ floorCents: 3_000_000 })).toThrow('The ratio floor must be below its ceiling');
  });

  it('a floor one cent below the ceiling is accepted', () => {
    expect(resolveRatio({ floorCents: CEILING - 1 }).floorCents).toBe(CEILING - 1);
  });
});
