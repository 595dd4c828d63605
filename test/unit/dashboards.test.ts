import { describe, expect, it } from 'vitest';
import { countByStatus, rangePosition, revenueHistogram, toPublicNationalDashboard, toPublicRoundDashboard } from '../../shared/domain/dashboards';
import { DEFAULT_RATIO } from '../../shared/ratio';

describe('the revenue histogram', () => {
  it('counts places in bars of 2 500 € up to 120 % of the ceiling, the last bar open-ended', () => {
    const bins = revenueHistogram([0, 249_999, 250_000, 1_500_000, 2_499_999, 2_500_000, 9_000_000], DEFAULT_RATIO);
    expect(bins).toHaveLength(13);
    expect(bins.map((b) => b.count)).toEqual([2, 1, 0, 0, 0, 0, 1, 0, 0, 1, 1, 0, 1]);
    expect(bins.at(-1)).toMatchObject({ fromCents: 3_000_000, toCents: null });
  });

  it('gives each bar the status of its middle, so the 25–27.5 k€ bar is saturated', () => {
    const bins = revenueHistogram([], DEFAULT_RATIO);
    expect(bins.map((b) => b.status)).toEqual([...Array(6).fill('fragile'), ...Array(4).fill('consolidated'), ...Array(3).fill('saturated')]);
  });

  it('counts places by status and by position in a range', () => {
    expect(countByStatus([1_499_999, 1_500_000, 2_500_000, 2_500_001], DEFAULT_RATIO)).toEqual({ fragile: 1, consolidated: 2, saturated: 1 });
    expect(rangePosition([149, 150, 500, 501], DEFAULT_RATIO.peoplePerPlace)).toEqual({ below: 1, within: 2, above: 1 });
  });
});

describe('public dashboards', () => {
  it('keep only whitelisted fields, whatever the private dashboard grows', () => {
    const round = toPublicRoundDashboard({
      round: { id: 1, name: 'Campagne', secretNote: 'x' },
      year: 2026,
      money: { targetCents: 1, postedCents: 2, internal: 3 },
      ordersByStatus: { open: 1 },
      places: { qualifiedPlaces: 4, names: ['Lieu A'] },
      departements: [{ code: '29', nom: 'Finistère', contact: 'personne@exemple.test' }],
    });
    expect(round).toEqual({
      round: { id: 1, name: 'Campagne' },
      year: 2026,
      money: { targetCents: 1, postedCents: 2 },
      ordersByStatus: { open: 1 },
      places: { qualifiedPlaces: 4 },
      departements: [{ code: '29', nom: 'Finistère' }],
    });
    const national = toPublicNationalDashboard({
      year: 2026,
      targetPlaces: 3_000,
      mobilisedCents: 10,
      needCents: { min: 1, max: 2 },
      currentReferenceCents: 5,
      money: { deliveredCents: 3, debug: true },
      places: { qualifiedPlaces: 2, people: ['Nadia'] },
      departements: [],
    });
    expect(national).toEqual({
      year: 2026,
      targetPlaces: 3_000,
      mobilisedCents: 10,
      needCents: { min: 1, max: 2 },
      currentReferenceCents: 5,
      money: { deliveredCents: 3 },
      places: { qualifiedPlaces: 2 },
      departements: [],
    });
  });
});
