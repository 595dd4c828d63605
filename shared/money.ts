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
  // Check every running total: past 2^53 additions silently lose cents.
  for (const v of values) total = assertCents(total + assertCents(v), 'sum');
  return total;
}

/** quantity × unit price, refusing anything that would leave safe integers. */
export function lineAmount(quantity: number, unitPriceCents: Cents): Cents {
  if (!Number.isSafeInteger(quantity) || quantity < 0) throw new RangeError(`quantity must be a non-negative integer, got ${quantity}`);
  return assertCents(quantity * assertCents(unitPriceCents, 'unit price'), 'line amount');
}

/**
 * Share of an amount in basis points (1 bp = 0.01 %), rounded toward zero so that no cent is
 * invented, whatever the sign of the amount.
 */
export function basisPointsOf(amount: Cents, basisPoints: number): Cents {
  if (!Number.isInteger(basisPoints) || basisPoints < 0 || basisPoints > 10_000) {
    throw new RangeError(`basis points must be an integer between 0 and 10 000, got ${basisPoints}`);
  }
  return Number((BigInt(assertCents(amount)) * BigInt(basisPoints)) / 10_000n);
}

/**
 * Splits an amount in proportion to integer weights (quantities, shares) with the
 * largest-remainder method: the parts are integer cents and always add up to the amount
 * exactly. Computed in BigInt so that large amounts keep every cent; ties go to the first.
 */
export function splitCents(amount: Cents, weights: readonly number[]): Cents[] {
  assertCents(amount);
  if (weights.length === 0 || !weights.every((w) => Number.isSafeInteger(w) && w >= 0)) {
    throw new RangeError('splitCents needs non-negative integer weights');
  }
  const total = weights.reduce((a, b) => a + BigInt(b), 0n);
  if (total === 0n) throw new RangeError('splitCents needs at least one positive weight');
  const sign = amount < 0 ? -1n : 1n;
  const magnitude = BigInt(amount) * sign;
  const shares = weights.map((w, i) => ({ i, part: (magnitude * BigInt(w)) / total, remainder: (magnitude * BigInt(w)) % total }));
  let rest = magnitude - shares.reduce((a, s) => a + s.part, 0n);
  const byRemainder = [...shares].sort((a, b) => (b.remainder > a.remainder ? 1 : b.remainder < a.remainder ? -1 : a.i - b.i));
  for (let k = 0; rest > 0n; k++, rest--) byRemainder[k % byRemainder.length]!.part += 1n;
  return shares.map((s) => Number(s.part * sign));
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
  // Intl rounds half away from zero, the same for refunds as for payments.
  return formatter(locale, whole ? 0 : 2).format(cents / 100);
}
