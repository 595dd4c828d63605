import { describe, it, expect } from 'vitest';
import { LA_POSTE_SIREN, isValidSiret, normaliseSiret, sirenOf, withLuhnKey } from '../../shared/domain/siret';

// Independent of the module under test, so that the examples below are checked, not assumed.
function luhn(digits: string): boolean {
  let sum = 0;
  [...digits].reverse().forEach((c, i) => {
    const d = Number(c) * (i % 2 === 1 ? 2 : 1);
    sum += d > 9 ? d - 9 : d;
  });
  return sum % 10 === 0;
}
const digitSum = (digits: string) => [...digits].reduce((s, c) => s + Number(c), 0);

describe('withLuhnKey', () => {
  it('appends the one key that makes 13 digits a valid SIRET', () => {
    expect(withLuhnKey('7328293200007')).toBe('73282932000074');
    expect(withLuhnKey('1234567890001')).toBe('12345678900015');
    expect(withLuhnKey('0000000000000')).toBe('00000000000000');
  });

  it('makes SIRETs that pass the Luhn check', () => {
    for (const first13 of ['7328293200007', '1234567890001', '9999999999999', '4430618410001']) {
      const siret = withLuhnKey(first13);
      expect(luhn(siret)).toBe(true);
      expect(isValidSiret(siret)).toBe(true);
    }
  });

  it('refuses anything but 13 digits', () => {
    expect(() => withLuhnKey('123456789000')).toThrow('withLuhnKey needs 13 digits');
    expect(() => withLuhnKey('12345678900012')).toThrow('withLuhnKey needs 13 digits');
    expect(() => withLuhnKey('123456789000A')).toThrow('withLuhnKey needs 13 digits');
  });
});

describe('isValidSiret', () => {
  it('accepts 14 digits with a correct Luhn key', () => {
    expect(isValidSiret('73282932000074')).toBe(true);
  });

  it('refuses 14 digits with a wrong key', () => {
    expect(isValidSiret('73282932000075')).toBe(false);
    expect(isValidSiret('12345678900010')).toBe(false);
  });

  it('refuses 13 and 15 digits even when the Luhn sum would hold', () => {
    // A leading zero leaves the Luhn sum unchanged.
    expect(luhn('0000000000000')).toBe(true);
    expect(isValidSiret('0000000000000')).toBe(false);
    expect(luhn('073282932000074')).toBe(true);
    expect(isValidSiret('073282932000074')).toBe(false);
    expect(isValidSiret('7328293200007')).toBe(false);
  });

  it('refuses letters', () => {
    expect(isValidSiret('7328293200007A')).toBe(false);
    expect(isValidSiret('ABCDEFGHIJKLMN')).toBe(false);
  });

  it('refuses the empty string', () => {
    expect(isValidSiret('')).toBe(false);
  });

  it('accepts a SIRET typed with spaces as on a Kbis', () => {
    expect(isValidSiret('732 829 320 00074')).toBe(true);
  });

  it('accepts a SIRET copied with dots or no-break spaces', () => {
    expect(isValidSiret('732.829.320.00074')).toBe(true);
    expect(isValidSiret('732\u00a0829\u202f320 00074')).toBe(true);
  });

  it('refuses a wrong key even when written with spaces', () => {
    expect(isValidSiret('732 829 320 00075')).toBe(false);
  });

  it('accepts the head office of La Poste, whose SIRET also passes the Luhn check', () => {
    // 35600000000048: Luhn-valid, digit sum 26, so it does not rely on the exception.
    expect(luhn('35600000000048')).toBe(true);
    expect(digitSum('35600000000048')).toBe(26);
    expect(isValidSiret('35600000000048')).toBe(true);
  });

  it('accepts La Poste establishments whose digit sum is a multiple of 5 although the Luhn check fails', () => {
    for (const siret of ['35600000000001', '35600000000010', '35600000000015', '35600000000042']) {
      expect(siret.startsWith(LA_POSTE_SIREN)).toBe(true);
      expect(luhn(siret)).toBe(false);
      expect(digitSum(siret) % 5).toBe(0);
      expect(isValidSiret(siret)).toBe(true);
    }
  });

  it('accepts a La Poste establishment written with spaces', () => {
    expect(isValidSiret('356 000 000 00001')).toBe(true);
  });

  it('refuses La Poste establishments that fail both the Luhn check and the multiple of 5', () => {
    for (const siret of ['35600000000000', '35600000000002', '35600000000003']) {
      expect(luhn(siret)).toBe(false);
      expect(digitSum(siret) % 5).not.toBe(0);
      expect(isValidSiret(siret)).toBe(false);
    }
  });

  it('refuses another company whose digit sum is a multiple of 5 but whose Luhn key is wrong', () => {
    expect(luhn('73282932000072')).toBe(false);
    expect(digitSum('73282932000072')).toBe(45);
    expect(isValidSiret('73282932000072')).toBe(false);
  });

  it('refuses a SIREN close to La Poste’s that does not get the exception', () => {
    // 356000001 is not La Poste: the same digit-sum rule must not apply.
    const siret = '35600000100005';
    expect(luhn(siret)).toBe(false);
    expect(digitSum(siret) % 5).toBe(0);
    expect(isValidSiret(siret)).toBe(false);
  });
});

describe('normaliseSiret and sirenOf', () => {
  it('normalising removes spaces and dots and nothing else', () => {
    expect(normaliseSiret(' 732 829.320 00074 ')).toBe('73282932000074');
    expect(normaliseSiret('7328-2932')).toBe('7328-2932');
  });

  it('the SIREN is the first nine digits of the normalised SIRET', () => {
    expect(sirenOf('732 829 320 00074')).toBe('732829320');
    expect(sirenOf('35600000000048')).toBe(LA_POSTE_SIREN);
  });
});
