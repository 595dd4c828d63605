import type { Random } from '../random';
import { drawDay, PERIOD_DAYS, type DayDistribution } from './calendar';
import type { PlannedPlace } from './places';

/**
 * How many services each place delivers over the year, and when, to whom. At national scale a
 * place delivers 1 500 to 3 500 services (the #APTIC band, 15–25 k€, and some past it); the
 * targets are scaled so that they add up to exactly `--services`, whatever the scale.
 * Each person comes two to four times to the same place, a few days or weeks apart.
 */

const REFERENCE = { min: 1_500, mean: 2_500, max: 3_500 };

/** A raw target by kind of place: town places are busier, home services smaller. */
function rawTarget(random: Random, place: PlannedPlace): number {
  const between = (a: number, b: number) => a + (b - a) * ((random.next() + random.next()) / 2);
  if (place.mode === 'home') return between(1_550, 2_600);
  if (place.mode === 'itinerant') return between(1_650, 3_200);
  return place.rural ? between(1_600, 3_100) : between(1_800, 3_450);
}

/**
 * Integer targets adding up to `total`: the raw ones scaled by one factor, each kept within the
 * band scaled to the average asked (1 500–3 500 when the average is 2 500).
 */
export function placeTargets(random: Random, places: readonly PlannedPlace[], total: number): number[] {
  const raw = places.map((p) => rawTarget(random, p));
  const scale = total / (REFERENCE.mean * places.length);
  const low = REFERENCE.min * scale;
  const high = REFERENCE.max * scale;
  const fitted = (factor: number) => raw.map((r) => Math.min(high, Math.max(low, r * factor)));
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  // The clamped sum grows with the factor: bisect it.
  let [lo, hi] = [0, 10];
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (sum(fitted(mid)) < total) lo = mid;
    else hi = mid;
  }
  const values = fitted(hi);
  const targets = values.map(Math.floor);
  let rest = total - sum(targets);
  const order = values.map((v, i) => ({ i, r: v - Math.floor(v) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; rest > 0; k++, rest--) targets[order[k % order.length]!.i]! += 1;
  return targets;
}

export interface DeliveryPlan {
  /** Day of each delivery, as an offset in the period, ascending. */
  days: Uint16Array;
  /** The person of each delivery, numbered from 0 within the place. */
  persons: Uint32Array;
  /** Which of the person's visits it is (0 for the first). */
  visits: Uint8Array;
  people: number;
  /** Deliveries dated before `yearStartOffset`: they come first, days being sorted. */
  lastYearCount: number;
}

/**
 * `count` deliveries of one place over the period. A person's first visit is drawn from the
 * period's opening-day weights, the next ones about one to three weeks apart; visits that would
 * fall after today have not happened yet, so recent newcomers have fewer.
 */
export function planDeliveries(random: Random, count: number, distribution: DayDistribution, yearStartOffset: number): DeliveryPlan {
  const { cumulative, sundays } = distribution;
  // Each row packed in one number (day, person, visit) so that millions sort as a typed array.
  const keys = new Float64Array(count);
  let n = 0;
  let people = 0;
  while (n < count) {
    const person = people++;
    let day = drawDay(cumulative, random.next());
    const visits = Math.min(random.int(2, 4), count - n);
    for (let visit = 0; visit < visits && day < PERIOD_DAYS; visit++) {
      keys[n++] = day * 2 ** 32 + person * 8 + visit;
      // Back at the same weekly permanence one to three weeks later, sometimes a day or two off.
      day += 7 * random.int(1, 3) + (random.chance(0.3) ? random.int(-2, 2) : 0);
      if (sundays.has(day)) day += 1;
    }
  }
  keys.sort();
  const days = new Uint16Array(count);
  const persons = new Uint32Array(count);
  const visits = new Uint8Array(count);
  let lastYearCount = 0;
  keys.forEach((key, i) => {
    days[i] = Math.floor(key / 2 ** 32);
    persons[i] = Math.floor((key % 2 ** 32) / 8);
    visits[i] = key % 8;
    if (days[i]! < yearStartOffset) lastYearCount++;
  });
  return { days, persons, visits, people, lastYearCount };
}
