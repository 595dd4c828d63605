/** Nearest-rank percentile of an already sorted list (0 when empty). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function summary(values: readonly number[] | Float64Array) {
  const sorted = Float64Array.from(values).sort();
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.length ? sorted[sorted.length - 1]! : 0 };
}

/** Least-squares slope of y over x: the memory trend, in y units per x unit. */
export function slope(points: readonly { x: number; y: number }[]): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `count` tasks with at most `limit` in flight. */
export async function pool(count: number, limit: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/**
 * An open-loop steady rate: task `i` is started when its time comes, whether or not earlier ones
 * have answered (a slow server does not slow the load down), up to `maxInFlight` at once — beyond
 * that a due task is skipped and counted, so the run stays bounded whatever the server does.
 */
export async function steady(options: { rate: number; seconds: number; maxInFlight: number; task: (i: number) => Promise<void>; shouldStop?: () => boolean }) {
  const { rate, seconds, maxInFlight, task } = options;
  const total = Math.round(rate * seconds);
  const started = performance.now();
  const running = new Set<Promise<void>>();
  let sent = 0;
  let skipped = 0;
  while (sent + skipped < total && !options.shouldStop?.()) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
    while (sent + skipped < due) {
      if (running.size >= maxInFlight) {
        skipped++;
        continue;
      }
      const i = sent++;
      const p = task(i).finally(() => running.delete(p));
      running.add(p);
    }
    const nextAt = started + ((sent + skipped) / rate) * 1000;
    await sleep(Math.max(1, nextAt - performance.now()));
  }
  return { sent, skipped, settle: () => Promise.allSettled([...running]) };
}
