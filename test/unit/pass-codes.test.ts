import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkSymbol,
  formatPassCode,
  generatePassCode,
  guessingOdds,
  normalizePassCode,
  PASS_ALPHABET,
  PASS_CODE_LENGTH,
  passCodeProblem,
  RANDOM_LENGTH,
} from '../../shared/domain/pass-codes';

const randomPart = fc.array(fc.constantFrom(...PASS_ALPHABET), { minLength: RANDOM_LENGTH, maxLength: RANDOM_LENGTH }).map((s) => s.join(''));
const code = randomPart.map((r) => r + checkSymbol(r));

describe('pass codes', () => {
  it('are 12 symbols of Crockford base32, shown as three groups of four, and well formed', () => {
    const generated = generatePassCode();
    expect(generated).toMatch(/^[0-9A-HJKMNP-TV-Z]{12}$/);
    expect(formatPassCode(generated)).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(passCodeProblem(formatPassCode(generated))).toBeUndefined();
  });

  it('are read the forgiving way: lower case, I and L as 1, O as 0, spaces and dashes', () => {
    const random = '0123456789A';
    const full = random + checkSymbol(random);
    const typed = `o${'l23 4567-89a'}${full.at(-1)!.toLowerCase()}`;
    expect(normalizePassCode(typed)).toBe(full);
    expect(passCodeProblem(typed)).toBeUndefined();
    expect(passCodeProblem(`${full.slice(0, 11)}U`)).toMatch(/sans U/);
    expect(passCodeProblem(full.slice(0, 11))).toMatch(/12 caractères/);
  });

  it('catch every single-symbol typo, at every position including the check symbol', () => {
    fc.assert(
      fc.property(code, (valid) => {
        for (let i = 0; i < PASS_CODE_LENGTH; i++) {
          for (const other of PASS_ALPHABET) {
            if (other === valid[i]) continue;
            const typo = valid.slice(0, i) + other + valid.slice(i + 1);
            expect(passCodeProblem(typo), typo).toMatch(/faute de frappe/);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('catch every swap of two different neighbours, including with the check symbol', () => {
    fc.assert(
      fc.property(code, (valid) => {
        for (let i = 0; i < PASS_CODE_LENGTH - 1; i++) {
          if (valid[i] === valid[i + 1]) continue;
          const swapped = valid.slice(0, i) + valid[i + 1] + valid[i] + valid.slice(i + 2);
          expect(passCodeProblem(swapped), swapped).toMatch(/faute de frappe/);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('do not collide: a million codes from the real generator are a million different codes', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1_000_000; i++) seen.add(generatePassCode());
    expect(seen.size).toBe(1_000_000);
  }, 120_000); // a million real codes: seconds on a loaded shared machine, never a timing assertion

  it('are hard to guess: with every pass of a national year live, a year of guesses at 20 an hour stays under 1 in 10 000', () => {
    const livePasses = 7_500_000; // a year of services nationally, all unredeemed at once: the worst case
    const guessesPerYear = 20 * 24 * 365;
    // 7.5 M / 32¹¹ ≈ 2.1 × 10⁻¹⁰ per guess.
    expect(guessingOdds(livePasses, 1)).toBeCloseTo(livePasses / 32 ** 11, 20);
    expect(guessingOdds(livePasses, guessesPerYear)).toBeLessThan(1e-4);
    expect(guessingOdds(livePasses, guessesPerYear)).toBeGreaterThan(3e-5); // ≈ 3.7 × 10⁻⁵: the bound is tight, not loose
    // A random string of the right length passes the check one time in 32: typos are caught, guesses are not.
    let wellFormed = 0;
    const trials = 32_000;
    for (let i = 0; i < trials; i++) {
      const random = Array.from({ length: PASS_CODE_LENGTH }, () => PASS_ALPHABET[Math.floor(Math.random() * 32)]).join('');
      if (!passCodeProblem(random)) wellFormed++;
    }
    expect(wellFormed / trials).toBeGreaterThan(1 / 32 / 1.3);
    expect(wellFormed / trials).toBeLessThan((1 / 32) * 1.3);
  });
});
