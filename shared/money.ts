/**
 * Money is integer cents everywhere (docs/decisions/0002-money-in-cents.md).
 * These helpers are the only place where cents become euros for a human.
 */

export type Cents = number;

export function isCents(value: unknown): value is Cents {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

export function assertCents(value: number, what = 'amount'): Cents {
  if (!isCents(value)) throw new RangeError(`${what} must be an integer number of cents, got ${value}`);
  return value;
}

/** Whole euros to cents, for constants and demo data. */
export function euros(amount: number): Cents {
  return assertCents(Math.round(amount * 100), 'euros');
}

export function sumCents(values: Iterable<Cents>): Cents {
  let total = 0;
  for (const v of values) total += assertCents(v);
  return assertCents(total, 'sum');
}

/** quantity × unit price, refusing anything that would leave safe integers. */
export function lineAmount(quantity: number, unitPriceCents: Cents): Cents {
  return assertCents(quantity * assertCents(unitPriceCents, 'unit price'), 'line amount');
}

/** Share of an amount in basis points (1 bp = 0.01 %), rounded down so that no cent is invented. */
export function basisPointsOf(amount: Cents, basisPoints: number): Cents {
  return Math.floor((assertCents(amount) * basisPoints) / 10_000);
}

/**
 * Splits an amount in proportion to weights with the largest-remainder method: the parts are
 * integer cents and always add up to the amount exactly.
 */
export function splitCents(amount: Cents, weights: readonly number[]): Cents[] {
  assertCents(amount);
  const total = weights.reduce((a, b) => a + b, 0);
  if (weights.length === 0 || total <= 0) throw new RangeError('splitCents needs positive weights');
  const raw = weights.map((w) => (amount * w) / total);
  const parts = raw.map(Math.floor);
  let rest = amount - parts.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => ({ i, frac: r - Math.floor(r) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (let k = 0; rest > 0; k = (k + 1) % order.length, rest--) parts[order[k]!.i]! += 1;
  return parts;
}

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(locale: string, fractionDigits: number): Intl.NumberFormat {
  const key = `${locale}:${fractionDigits}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: 'EUR',
      minimumFractionDigits: fractionDigits,
      maximumFractionDigits: fractionDigits,
    });
    formatters.set(key, f);
  }
  return f;
}

/**
 * The one money formatter: `formatMoney(1_500_000)` → « 15 000,00 € ».
 * `whole: true` drops the cents for dashboards (« 15 000 € »).
 */
export function formatMoney(cents: Cents, options: { locale?: string; whole?: boolean } = {}): string {
  const { locale = 'fr-FR', whole = false } = options;
  assertCents(cents);
  return formatter(locale, whole ? 0 : 2).format(whole ? Math.round(cents / 100) : cents / 100);
}
