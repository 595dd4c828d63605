import { describe, it, expect } from 'vitest';
import { z } from 'zod';
import { DepartementCode, Email, Id, IdInput, OrganisationIdInput, ShortText, Siret, Year } from '../../shared/schemas/common';
import { SetLocaleInput, SignInInput } from '../../shared/schemas/auth';

/** The field errors a form would show next to each input; the parse must have failed. */
function fieldErrors(result: { success: boolean; error?: z.ZodError }): Record<string, string[] | undefined> {
  expect(result.success).toBe(false);
  return z.flattenError(result.error!).fieldErrors;
}

describe('SignInInput', () => {
  it('trims and lowercases the e-mail', () => {
    expect(SignInInput.parse({ email: '  Alice.Martin@Example.FR ', password: 'secret' })).toEqual({
      email: 'alice.martin@example.fr',
      password: 'secret',
    });
  });

  it('keeps the password exactly as typed, spaces included', () => {
    expect(SignInInput.parse({ email: 'a@b.fr', password: ' Secret ' }).password).toBe(' Secret ');
  });

  it('refuses a malformed e-mail and an empty password with one French error per field', () => {
    const result = SignInInput.safeParse({ email: 'pas-un-email', password: '' });
    expect(fieldErrors(result)).toEqual({
      email: ['Adresse e-mail invalide'],
      password: ['Mot de passe requis'],
    });
  });

  it('refuses an e-mail without a domain', () => {
    expect(fieldErrors(SignInInput.safeParse({ email: 'alice@', password: 'x' })).email).toEqual([
      'Adresse e-mail invalide',
    ]);
  });

  it('refuses an e-mail made of spaces', () => {
    expect(fieldErrors(SignInInput.safeParse({ email: '   ', password: 'x' })).email).toEqual([
      'Adresse e-mail invalide',
    ]);
  });

  it('refuses a missing password', () => {
    expect(Object.keys(fieldErrors(SignInInput.safeParse({ email: 'a@b.fr' })))).toEqual(['password']);
  });

  it('refuses a password longer than 200 characters', () => {
    expect(SignInInput.safeParse({ email: 'a@b.fr', password: 'x'.repeat(200) }).success).toBe(true);
    expect(Object.keys(fieldErrors(SignInInput.safeParse({ email: 'a@b.fr', password: 'x'.repeat(201) })))).toEqual([
      'password',
    ]);
  });

  it('refuses an extra key', () => {
    const result = SignInInput.safeParse({ email: 'a@b.fr', password: 'x', admin: true });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toMatchObject([{ code: 'unrecognized_keys', keys: ['admin'] }]);
  });
});

describe('Email', () => {
  it('refuses an address longer than 254 characters', () => {
    expect(Email.safeParse(`${'a'.repeat(245)}@example.fr`).success).toBe(false);
    expect(Email.parse(`${'a'.repeat(60)}@example.fr`)).toBe(`${'a'.repeat(60)}@example.fr`);
  });
});

describe('Siret', () => {
  it('normalises the spaces of a valid SIRET', () => {
    expect(Siret.parse('732 829 320 00074')).toBe('73282932000074');
  });

  it('accepts a La Poste establishment under its exception', () => {
    expect(Siret.parse('356 000 000 00001')).toBe('35600000000001');
  });

  it('refuses a wrong key with a French message', () => {
    const result = Siret.safeParse('73282932000075');
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toEqual([
      'SIRET invalide : 14 chiffres avec une clé de contrôle correcte',
    ]);
  });

  it('refuses more than 32 characters before looking at the digits', () => {
    const result = Siret.safeParse(`${' '.repeat(19)}73282932000074`);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.code)).toEqual(['too_big']);
  });
});

describe('identifiers and small fields', () => {
  it('an id is a positive safe integer', () => {
    expect(Id.parse(1)).toBe(1);
    expect(Id.parse(Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
    expect(Id.safeParse(0).success).toBe(false);
    expect(Id.safeParse(-1).success).toBe(false);
    expect(Id.safeParse(1.5).success).toBe(false);
    expect(Id.safeParse(Number.MAX_SAFE_INTEGER + 1).success).toBe(false);
    expect(Id.safeParse('1').success).toBe(false);
  });

  it('IdInput reports a bad id on its field', () => {
    expect(Object.keys(fieldErrors(IdInput.safeParse({ id: 0 })))).toEqual(['id']);
  });

  it('IdInput and OrganisationIdInput refuse extra keys', () => {
    expect(IdInput.safeParse({ id: 3, organisationId: 4 }).success).toBe(false);
    expect(OrganisationIdInput.safeParse({ organisationId: 4, id: 3 }).success).toBe(false);
    expect(OrganisationIdInput.parse({ organisationId: 4 })).toEqual({ organisationId: 4 });
  });

  it('a département code must be a known INSEE code', () => {
    expect(DepartementCode.parse('2A')).toBe('2A');
    expect(DepartementCode.parse('971')).toBe('971');
    const result = DepartementCode.safeParse('00');
    expect(result.error?.issues.map((i) => i.message)).toEqual(['Code de département INSEE inconnu']);
  });

  it('a year runs from 2000 to 2100', () => {
    expect(Year.parse(2000)).toBe(2000);
    expect(Year.parse(2100)).toBe(2100);
    expect(Year.safeParse(1999).success).toBe(false);
    expect(Year.safeParse(2101).success).toBe(false);
    expect(Year.safeParse(2025.5).success).toBe(false);
  });

  it('short text is trimmed and must keep at least one character', () => {
    expect(ShortText(5).parse('  abc  ')).toBe('abc');
    expect(ShortText(5).safeParse('   ').success).toBe(false);
    expect(ShortText(5).safeParse('abcdef').success).toBe(false);
  });

  it('the locale is French or English only', () => {
    expect(SetLocaleInput.parse({ locale: 'en' })).toEqual({ locale: 'en' });
    expect(Object.keys(fieldErrors(SetLocaleInput.safeParse({ locale: 'de' })))).toEqual(['locale']);
  });
});
