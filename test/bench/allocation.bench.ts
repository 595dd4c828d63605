import { performance } from 'node:perf_hooks';
import { recommendAllocation, type AllocationBidLine } from '../../shared/domain/allocation';
import { summary } from '../soak/stats';
import { measure, target, type ScenarioResult } from './scenario';

/** Small deterministic generator (mulberry32): the same order on every run. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * An order with `lineCount` standing bid lines over about 0.7 × lineCount places (some places
 * bid more than once), revenues spread across fragile, consolidated and saturated.
 */
export function allocationOrder(lineCount = 500, seed = 6) {
  const next = random(seed);
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const placeCount = Math.max(1, Math.round(lineCount * 0.7));
  const places = Array.from({ length: placeCount }, (_, i) => ({
    placeId: i + 1,
    deliveredCents: int(0, 800) * 1_000,
    committedCents: int(0, 2_000) * 1_000,
    remainingCapacity: int(0, 2_500),
    qualityScore: int(0, 5),
    qualifiedAt: `202${int(2, 5)}-0${int(1, 9)}-1${int(0, 9)}`,
    rural: next() < 0.3,
  }));
  const lines: AllocationBidLine[] = Array.from({ length: lineCount }, (_, i) => ({
    bidId: i + 1,
    ...places[i < placeCount ? i : int(0, placeCount - 1)]!,
    offered: int(10, 1_500),
    unitPriceCents: int(900, 1_200),
  }));
  const totalOffered = lines.reduce((s, l) => s + l.offered, 0);
  return { quantity: Math.round(totalOffered * 0.6), lines };
}

/**
 * (e) The consolidating recommendation for an order with 500 bid lines (the pure function the
 * award page and `awards.recommend` call): p50 and p99 over repeated runs, bounded in time.
 */
export async function benchAllocation(lineCount = 500, maxRuns = 200, maxMs = 5_000): Promise<ScenarioResult> {
  const input = allocationOrder(lineCount);
  for (let i = 0; i < 3; i++) recommendAllocation(input); // warm-up
  const times: number[] = [];
  const stopAt = performance.now() + maxMs;
  while (times.length < maxRuns && performance.now() < stopAt) {
    const start = performance.now();
    recommendAllocation(input);
    times.push(performance.now() - start);
  }
  const { p50, p99 } = summary(times);
  return {
    id: 'e',
    title: `Consolidating allocation, ${lineCount} bid lines`,
    measures: [measure('recommendation p50', p50, 'ms'), measure('recommendation p99', p99, 'ms')],
    targets: [target('recommendation p99', p99, '<=', 50, 'ms')],
    notes: [`${times.length} runs over ${Math.round(lineCount * 0.7)} places`],
  };
}
