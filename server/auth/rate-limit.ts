/**
 * Fixed-window counters kept in memory: enough for one process (DESIGN §6). Keys are
 * `ip:…` or `email:…`; windows expire lazily and are swept when the map grows.
 */
export class RateLimiter {
  private readonly hits = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds to wait if the key is over its limit, otherwise 0. Does not count. */
  retryAfter(key: string): number {
    const entry = this.current(key);
    return entry && entry.count >= this.max ? Math.ceil((entry.resetAt - this.now()) / 1000) : 0;
  }

  hit(key: string): void {
    const entry = this.current(key);
    if (entry) entry.count += 1;
    else {
      if (this.hits.size > 10_000) this.sweep();
      this.hits.set(key, { count: 1, resetAt: this.now() + this.windowMs });
    }
  }

  reset(key: string): void {
    this.hits.delete(key);
  }

  private current(key: string) {
    const entry = this.hits.get(key);
    if (entry && entry.resetAt <= this.now()) {
      this.hits.delete(key);
      return undefined;
    }
    return entry;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.hits) if (entry.resetAt <= now) this.hits.delete(key);
  }
}

export interface SignInLimits {
  perIp: RateLimiter;
  failuresPerEmail: RateLimiter;
  /** Calls per user and per minute of the procedures that cost the server most (batches, exports, runs). */
  costly: RateLimiter;
  /** Wrong pass codes per user and per hour (issue 11): well-formed codes that match no pass of the place. */
  wrongPassCodes: RateLimiter;
}

export function createSignInLimits(options: {
  maxPerIp: number;
  maxFailuresPerEmail: number;
  windowMinutes: number;
  maxCostlyPerMinute?: number;
  maxWrongPassCodesPerHour?: number;
}): SignInLimits {
  const windowMs = options.windowMinutes * 60_000;
  return {
    perIp: new RateLimiter(options.maxPerIp, windowMs),
    failuresPerEmail: new RateLimiter(options.maxFailuresPerEmail, windowMs),
    costly: new RateLimiter(options.maxCostlyPerMinute ?? 60, 60_000),
    wrongPassCodes: new RateLimiter(options.maxWrongPassCodesPerHour ?? 20, 3_600_000),
  };
}
