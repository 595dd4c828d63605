import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { assertCents, basisPointsOf, euros, formatMoney, isCents, lineAmount, splitCents, sumCents } from '../../shared/money';

// Intl writes French thousands with a narrow no-break space and puts a no-break space before €.
const NNBSP = '\u202f';
const NBSP = '\u00a0';

const total = (parts: readonly number[]) => parts.reduce((a, b) => a + b, 0);

describe('formatMoney', () => {
  it('formats cents as French euros with the exact Intl spaces', () => {
    expect(formatMoney(1_500_000)).toBe(`15${NNBSP}000,00${NBSP}€`);
  });

  it('reads as « 15 000,00 € » once the Intl spaces are normalised', () => {
    expect(formatMoney(1_500_000).replace(/[\u202f\u00a0]/g, ' ')).toBe('15 000,00 €');
  });

  it('groups millions in threes', () => {
    expect(formatMoney(123_456_789)).toBe(`1${NNBSP}234${NNBSP}567,89${NBSP}€`);
  });

  it('shows a few cents with a leading zero', () => {
    expect(formatMoney(5)).toBe(`0,05${NBSP}€`);
    expect(formatMoney(0)).toBe(`0,00${NBSP}€`);
  });

  it('shows a negative amount with a minus sign', () => {
    expect(formatMoney(-1_234)).toBe(`-12,34${NBSP}€`);
  });

  it('drops the cents with the whole option', () => {
    expect(formatMoney(1_500_000, { whole: true })).toBe(`15${NNBSP}000${NBSP}€`);
  });

  it('rounds to the nearest euro with the whole option', () => {
    expect(formatMoney(149, { whole: true })).toBe(`1${NBSP}€`);
    expect(formatMoney(150, { whole: true })).toBe(`2${NBSP}€`);
  });

  it('formats in English when asked', () => {
    expect(formatMoney(1_500_000, { locale: 'en' })).toBe('€15,000.00');
    expect(formatMoney(1_500_000, { locale: 'en', whole: true })).toBe('€15,000');
  });

  it('keeps the cents again after a whole-euro call with the same locale', () => {
    // Formatters are cached per locale and precision: the cache must not mix them up.
    formatMoney(1_234, { whole: true });
    expect(formatMoney(1_234)).toBe(`12,34${NBSP}€`);
  });

  it('refuses an amount that is not integer cents', () => {
    expect(() => formatMoney(12.5)).toThrow(RangeError);
    expect(() => formatMoney(Number.NaN)).toThrow('amount must be an integer number of cents, got NaN');
  });
});

describe('euros', () => {
  it('turns euros into cents', () => {
    expect(euros(15_000)).toBe(1_500_000);
    expect(euros(12.34)).toBe(1_234);
  });

  it('absorbs the float error of decimal euros', () => {
    expect(euros(0.1 + 0.2)).toBe(30);
  });
});

describe('isCents and assertCents', () => {
  it('an integer is a number of cents, a negative one too', () => {
    expect(isCents(0)).toBe(true);
    expect(isCents(-5)).toBe(true);
    expect(assertCents(1_500_000)).toBe(1_500_000);
  });

  it('a numeric string is not a number of cents', () => {
    expect(isCents('100')).toBe(false);
  });

  it('fractions of a cent are refused with the name of the amount', () => {
    expect(() => assertCents(1.5, 'price')).toThrow('price must be an integer number of cents, got 1.5');
  });

  it('NaN is refused', () => {
    expect(isCents(Number.NaN)).toBe(false);
    expect(() => assertCents(Number.NaN)).toThrow(RangeError);
  });

  it('infinities are refused', () => {
    expect(() => assertCents(Number.POSITIVE_INFINITY)).toThrow('amount must be an integer number of cents, got Infinity');
    expect(() => assertCents(Number.NEGATIVE_INFINITY)).toThrow(RangeError);
  });

  it('integers beyond the safe range are refused', () => {
    expect(assertCents(Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => assertCents(Number.MAX_SAFE_INTEGER + 1)).toThrow(RangeError);
    expect(() => assertCents(Number.MIN_SAFE_INTEGER - 1)).toThrow(RangeError);
  });
});

describe('sumCents', () => {
  it('adds amounts', () => {
    expect(sumCents([1_500_000, 250, -50])).toBe(1_500_200);
  });

  it('the sum of nothing is zero', () => {
    expect(sumCents([])).toBe(0);
  });

  it('accepts any iterable, such as a generator', () => {
    function* amounts() {
      yield 100;
      yield 200;
    }
    expect(sumCents(amounts())).toBe(300);
  });

  it('refuses a term that is not integer cents', () => {
    expect(() => sumCents([100, 0.5])).toThrow('amount must be an integer number of cents, got 0.5');
  });

  it('refuses a sum that leaves the safe integers', () => {
    expect(() => sumCents([Number.MAX_SAFE_INTEGER, 1])).toThrow('sum must be an integer number of cents');
  });
});

describe('lineAmount', () => {
  it('multiplies a quantity by a unit price', () => {
    expect(lineAmount(3, 1_000)).toBe(3_000);
    expect(lineAmount(0, 1_000)).toBe(0);
  });

  it('refuses a unit price in fractions of a cent', () => {
    expect(() => lineAmount(2, 10.5)).toThrow('unit price must be an integer number of cents, got 10.5');
  });

  it('refuses a fractional or negative quantity of services', () => {
    expect(() => lineAmount(1.5, 1_001)).toThrow('quantity must be a non-negative integer, got 1.5');
    expect(() => lineAmount(0.5, 1_000)).toThrow('quantity must be a non-negative integer, got 0.5');
    expect(() => lineAmount(-1, 1_000)).toThrow('quantity must be a non-negative integer, got -1');
  });

  it('refuses a quantity that is NaN or infinite', () => {
    expect(() => lineAmount(Number.NaN, 1_000)).toThrow(RangeError);
    expect(() => lineAmount(Number.POSITIVE_INFINITY, 1_000)).toThrow(RangeError);
  });

  it('refuses a product beyond the safe integers', () => {
    expect(() => lineAmount(2, Number.MAX_SAFE_INTEGER)).toThrow('line amount must be an integer number of cents');
  });
});

describe('basisPointsOf', () => {
  it('takes a share in basis points', () => {
    expect(basisPointsOf(1_500_000, 250)).toBe(37_500);
    expect(basisPointsOf(1_000, 10_000)).toBe(1_000);
  });

  it('rounds down so that no cent is invented', () => {
    expect(basisPointsOf(999, 5_000)).toBe(499);
    expect(basisPointsOf(9_999, 1)).toBe(0);
    expect(basisPointsOf(10_000, 1)).toBe(1);
  });

  it('refuses an amount that is not integer cents', () => {
    expect(() => basisPointsOf(99.5, 100)).toThrow(RangeError);
  });
});

describe('splitCents', () => {
  it('splits evenly when the amount divides exactly', () => {
    expect(splitCents(1_000, [1, 3])).toEqual([250, 750]);
  });

  it('gives the leftover cent to the largest remainder', () => {
    // 33.33 and 66.67: the second part has the larger remainder.
    expect(splitCents(100, [1, 2])).toEqual([33, 67]);
  });

  it('breaks ties between equal remainders in favour of the first weights', () => {
    expect(splitCents(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(splitCents(2, [1, 1, 1])).toEqual([1, 1, 0]);
    expect(splitCents(1, [1, 1])).toEqual([1, 0]);
  });

  it('gives nothing to a zero weight', () => {
    expect(splitCents(10, [0, 1])).toEqual([0, 10]);
  });

  it('splits zero into zeros', () => {
    expect(splitCents(0, [2, 5])).toEqual([0, 0]);
  });

  it('refuses an empty list of weights', () => {
    expect(() => splitCents(100, [])).toThrow('splitCents needs non-negative integer weights');
  });

  it('refuses weights that are all zero', () => {
    expect(() => splitCents(100, [0, 0])).toThrow('splitCents needs at least one positive weight');
  });

  it('refuses decimal, negative and non-finite weights', () => {
    for (const weights of [[0.5, 1], [3, -1], [Number.NaN, 1], [Number.POSITIVE_INFINITY, 1]]) {
      expect(() => splitCents(100, weights)).toThrow('splitCents needs non-negative integer weights');
    }
  });

  it('keeps every cent of amounts close to the largest safe integer', () => {
    expect(splitCents(9_007_199_254_740_970, [9])).toEqual([9_007_199_254_740_970]);
    expect(total(splitCents(Number.MAX_SAFE_INTEGER, [3, 5, 7]))).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses an amount that is not integer cents', () => {
    expect(() => splitCents(10.5, [1])).toThrow(RangeError);
  });

  // Any safe amount: the split is computed in BigInt.
  const amounts = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
  const integerWeights = fc
    .array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 30 })
    .filter((ws) => ws.some((w) => w > 0));

  it('the parts always add up to the amount, for any amount and integer weights', () => {
    fc.assert(
      fc.property(amounts, integerWeights, (amount, weights) => {
        expect(total(splitCents(amount, weights))).toBe(amount);
      }),
      { numRuns: 2_000 },
    );
  });

  it('every part is a non-negative integer within one cent of its exact share', () => {
    fc.assert(
      fc.property(amounts, integerWeights, (amount, weights) => {
        const parts = splitCents(amount, weights);
        const weightSum = total(weights);
        expect(parts).toHaveLength(weights.length);
        parts.forEach((part, i) => {
          expect(Number.isSafeInteger(part)).toBe(true);
          expect(part).toBeGreaterThanOrEqual(0);
          // |part − amount × w / W| < 1, compared exactly in BigInt: |part × W − amount × w| < W.
          const gap = BigInt(part) * BigInt(weightSum) - BigInt(amount) * BigInt(weights[i]!);
          expect((gap < 0n ? -gap : gap) < BigInt(weightSum)).toBe(true);
        });
      }),
      { numRuns: 2_000 },
    );
  });

  it('the same amount and weights always give the same parts', () => {
    fc.assert(
      fc.property(amounts, integerWeights, (amount, weights) => {
        expect(splitCents(amount, [...weights])).toEqual(splitCents(amount, [...weights]));
      }),
      { numRuns: 500 },
    );
  });

  it('a negative amount is split into parts that add up to it', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000_000, max: 0 }), integerWeights, (amount, weights) => {
        expect(total(splitCents(amount, weights))).toBe(amount);
      }),
      { numRuns: 500 },
    );
  });
});

describe('money edge cases at the limits', () => {
  it('rounds whole euros half away from zero, for refunds as for payments', () => {
    const norm = (s: string) => s.replace(/[\u202f\u00a0]/g, ' ');
    expect(norm(formatMoney(150, { whole: true }))).toBe('2 €');
    expect(norm(formatMoney(-150, { whole: true }))).toBe('-2 €');
  });

  it('takes basis points of a negative amount toward zero, inventing no cent', () => {
    expect(basisPointsOf(-999, 5_000)).toBe(-499);
    expect(basisPointsOf(999, 5_000)).toBe(499);
  });

  it('refuses basis points outside 0–10 000 or not whole', () => {
    for (const bps of [-1, 10_001, 12.5, Number.NaN]) expect(() => basisPointsOf(1_000, bps)).toThrow(RangeError);
  });

  it('refuses a sum whose running total leaves the safe integers, even if it comes back', () => {
    expect(() => sumCents([Number.MAX_SAFE_INTEGER, 2, -2])).toThrow('sum must be an integer number of cents');
  });
});
