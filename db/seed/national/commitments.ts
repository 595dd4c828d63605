import type { Random } from '../random';
import { FAMILY_WEIGHTS, funds, type PlannedFunder } from './funders';
import { apportion, type PlannedPlace } from './places';

/**
 * Who pays for each place's services: the funders covering it share them (the département
 * most, then the CAF, the région, the city…), separately for last year's orders (deliveries
 * before 1 January) and this year's. Each share becomes an award line of at least 1.1 × the
 * services delivered under it: what is left lets benchmarks record more deliveries later.
 */

/** Last year's orders (commitment year − 1) and this year's. */
export const GENERATIONS = ['last', 'this'] as const;
export type Generation = (typeof GENERATIONS)[number];

export interface Commitment {
  placeIndex: number;
  funderIndex: number;
  generation: Generation;
  /** Services the place delivers under it over the period. */
  deliveries: number;
  /** Services awarded: the headroom is on top of the deliveries. */
  quantity: number;
  /** Set once awarded. */
  awardId: number;
}

/** Award / delivered: at least 1.1, up to 1.3. */
const HEADROOM = { min: 1.1, max: 1.3 };

export function planCommitments(
  random: Random,
  ctx: { places: PlannedPlace[]; funders: PlannedFunder[]; counts: { last: number; this: number }[] },
): Commitment[][] {
  return ctx.places.map((place, placeIndex) => {
    const covering = ctx.funders.filter((f) => funds(f, place));
    const weights = covering.map((f) => Math.round(FAMILY_WEIGHTS[f.family] * 100 * (0.6 + random.next() * 0.8)));
    const headroom = HEADROOM.min + random.next() * (HEADROOM.max - HEADROOM.min);
    const total = ctx.counts[placeIndex]!.last + ctx.counts[placeIndex]!.this;
    const commitments: Commitment[] = [];
    for (const generation of GENERATIONS) {
      const count = ctx.counts[placeIndex]![generation];
      if (count === 0) continue;
      const parts = apportion(count, weights);
      // Shares under 4 % of the place's year go to its largest funder: nobody orders 12 services.
      const largest = parts.indexOf(Math.max(...parts));
      parts.forEach((part, i) => {
        if (i !== largest && part > 0 && part < total * 0.04) {
          parts[largest]! += part;
          parts[i] = 0;
        }
      });
      parts.forEach((deliveries, i) => {
        if (deliveries === 0) return;
        const quantity = Math.ceil(deliveries * headroom);
        commitments.push({ placeIndex, funderIndex: covering[i]!.index, generation, deliveries, quantity, awardId: 0 });
      });
    }
    // A place with nothing to deliver still holds an award: it is qualified and funded.
    if (commitments.length === 0) {
      const main = covering[weights.indexOf(Math.max(...weights))]!;
      commitments.push({ placeIndex, funderIndex: main.index, generation: 'this', deliveries: 0, quantity: random.int(10, 50), awardId: 0 });
    }
    return commitments;
  });
}

/** Declared yearly capacity: above what the place is awarded in any one year, rounded to 100. */
export function capacityFor(random: Random, commitments: readonly Commitment[], target: number): number {
  const byYear = GENERATIONS.map((g) => commitments.filter((c) => c.generation === g).reduce((sum, c) => sum + c.quantity, 0));
  return Math.ceil((Math.max(target, ...byYear) * (1.02 + random.next() * 0.18)) / 100) * 100;
}
