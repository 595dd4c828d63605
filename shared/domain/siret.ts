/** SIREN of La Poste: its establishments' SIRET do not follow the Luhn key. */
export const LA_POSTE_SIREN = '356000000';

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Appends the Luhn key to 13 digits: makes valid SIRETs for demo data and tests. */
export function withLuhnKey(first13: string): string {
  if (!/^\d{13}$/.test(first13)) throw new RangeError('withLuhnKey needs 13 digits');
  for (let key = 0; key <= 9; key++) if (luhnValid(first13 + key)) return first13 + key;
  throw new Error('unreachable: one Luhn key always exists');
}

/** Spaces are common when people copy a SIRET from a Kbis: « 123 456 789 00012 ». */
export function normaliseSiret(input: string): string {
  return input.replace(/[\s.]/g, '');
}

/**
 * A SIRET is 14 digits with a Luhn key. La Poste's establishments (SIREN 356000000) are the
 * known exception: their digits add up to a multiple of 5 instead.
 */
export function isValidSiret(input: string): boolean {
  const siret = normaliseSiret(input);
  if (!/^\d{14}$/.test(siret)) return false;
  if (luhnValid(siret)) return true;
  if (siret.startsWith(LA_POSTE_SIREN)) {
    const digitSum = [...siret].reduce((s, c) => s + Number(c), 0);
    return digitSum % 5 === 0;
  }
  return false;
}

export function sirenOf(siret: string): string {
  return normaliseSiret(siret).slice(0, 9);
}
