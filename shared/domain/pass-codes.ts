/**
 * Pass codes (issue 11): a code worth one service, handed to a person by a prescriber and typed
 * or scanned at the place. Short, human-typable and hard to guess:
 *
 * - Crockford base32 (`0-9 A-Z` without I, L, O, U): no letter mistaken for a digit; reading is
 *   forgiving — lower case, I/L for 1, O for 0, spaces and dashes are accepted.
 * - `RANDOM_LENGTH` random symbols (5 bits each, 55 bits) and one check symbol, shown as three
 *   groups of four: `7K3M-Q9TD-2HXA`.
 * - The check symbol makes the weighted sum Σ vᵢ·αⁱ over GF(32) zero (α a primitive element,
 *   every position weighted). Changing one symbol adds (v′−v)·αⁱ ≠ 0; swapping two different
 *   neighbours adds (a−b)·αⁱ·(1+α) ≠ 0: every single-symbol typo and every adjacent swap is
 *   caught, including those touching the check symbol.
 */

export const PASS_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const RANDOM_LENGTH = 11;
export const PASS_CODE_LENGTH = RANDOM_LENGTH + 1;

// GF(32) with the primitive polynomial x⁵ + x² + 1: α = 2 generates the 31 non-zero elements.
const EXP: number[] = [];
const LOG: number[] = new Array<number>(32).fill(0);
for (let i = 0, x = 1; i < 31; i++) {
  EXP[i] = x;
  LOG[x] = i;
  x <<= 1;
  if (x & 32) x ^= 0b100101;
}
const multiply = (a: number, b: number) => (a === 0 || b === 0 ? 0 : EXP[(LOG[a]! + LOG[b]!) % 31]!);
/** αⁱ */
const power = (i: number) => EXP[i % 31]!;

/** Σ vᵢ·αⁱ over GF(32) (addition is exclusive or). */
function weightedSum(values: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum ^= multiply(values[i]!, power(i));
  return sum;
}

/** The check symbol completing `RANDOM_LENGTH` symbols so that the whole code sums to zero. */
export function checkSymbol(random: string): string {
  const values: number[] = [];
  for (let i = 0; i < random.length; i++) values.push(PASS_ALPHABET.indexOf(random[i]!));
  if (values.length !== RANDOM_LENGTH || values.some((v) => v < 0)) throw new Error('checkSymbol expects the random part of a pass code');
  // s + c·αⁿ = 0  ⇔  c = s·α⁻ⁿ (in characteristic 2, −s = s).
  const sum = weightedSum(values);
  return PASS_ALPHABET[sum === 0 ? 0 : EXP[(LOG[sum]! - (RANDOM_LENGTH % 31) + 31) % 31]!]!;
}

/**
 * What someone typed, read the forgiving way: upper case, I and L as 1, O as 0, spaces and
 * dashes dropped. Undefined when a symbol is outside the alphabet (U, punctuation…).
 */
export function normalizePassCode(typed: string): string | undefined {
  const code = typed
    .toUpperCase()
    .replace(/[\s-]+/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
  return [...code].every((c) => PASS_ALPHABET.includes(c)) ? code : undefined;
}

/** Why a typed code cannot be a pass code, in French, or undefined when it is well formed. */
export function passCodeProblem(typed: string): string | undefined {
  const code = normalizePassCode(typed);
  if (code === undefined) return 'Un code de pass ne contient que des chiffres et des lettres (sans U)';
  if (code.length !== PASS_CODE_LENGTH) return `Un code de pass a ${PASS_CODE_LENGTH} caractères (trois groupes de quatre)`;
  if (weightedSum([...code].map((c) => PASS_ALPHABET.indexOf(c))) !== 0) return 'Ce code comporte une faute de frappe : vérifiez chaque caractère';
  return undefined;
}

/** `7K3MQ9TD2HXA` → `7K3M-Q9TD-2HXA`, as printed in booklets. */
export function formatPassCode(code: string): string {
  return code.match(/.{1,4}/g)!.join('-');
}

/** A new code from a source of random bytes (crypto.getRandomValues in both Node and browsers). */
export function generatePassCode(randomBytes: (n: number) => Uint8Array = (n) => globalThis.crypto.getRandomValues(new Uint8Array(n))): string {
  // 256 is a multiple of 32: the low five bits of a uniform byte are a uniform symbol.
  const bytes = randomBytes(RANDOM_LENGTH);
  let random = '';
  for (let i = 0; i < RANDOM_LENGTH; i++) random += PASS_ALPHABET[bytes[i]! & 31];
  return random + checkSymbol(random);
}

/**
 * The odds that `guesses` well-formed guesses hit at least one of `validCodes` live codes:
 * 1 − (1 − valid/space)^guesses, with space = 32^RANDOM_LENGTH (the check symbol adds no
 * secrecy, only typo detection).
 */
export function guessingOdds(validCodes: number, guesses: number): number {
  const perGuess = validCodes / 32 ** RANDOM_LENGTH;
  return -Math.expm1(guesses * Math.log1p(-perGuess));
}
