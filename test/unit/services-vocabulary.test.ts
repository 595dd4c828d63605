import { describe, it, expect } from 'vitest';
import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { SERVICES, SERVICE_KEYS, isService } from '../../shared/domain/services';

describe('the national vocabulary of services', () => {
  it('has the nine values of the schéma des lieux de médiation numérique, in the standard’s order', () => {
    expect(SERVICES).toEqual([
      'Acquisition de matériel informatique à prix solidaire',
      'Aide aux démarches administratives',
      'Maîtrise des outils numériques du quotidien',
      'Insertion professionnelle via le numérique',
      'Utilisation sécurisée du numérique',
      'Parentalité et éducation avec le numérique',
      'Loisirs et créations numériques',
      'Compréhension du monde numérique',
      'Accès internet et matériel informatique',
    ]);
  });

  it('takes its values from the ANCT library rather than copying them', () => {
    expect(SERVICES).toContain(Service.AideAuxDemarchesAdministratives);
    expect(new Set(SERVICES)).toEqual(new Set(Object.values(Service)));
  });

  it('has no duplicate value', () => {
    expect(new Set(SERVICES).size).toBe(9);
  });
});

describe('isService', () => {
  it('accepts every value of the vocabulary', () => {
    expect(SERVICES.filter((s) => !isService(s))).toEqual([]);
  });

  it('accepts « Aide aux démarches administratives »', () => {
    expect(isService('Aide aux démarches administratives')).toBe(true);
  });

  it('refuses a value with another case, spacing or accents', () => {
    expect(isService('aide aux démarches administratives')).toBe(false);
    expect(isService('Aide aux démarches administratives ')).toBe(false);
    expect(isService('Aide aux demarches administratives')).toBe(false);
  });

  it('refuses an enum key in place of its value', () => {
    expect(isService('AideAuxDemarchesAdministratives')).toBe(false);
  });

  it('refuses the empty string and free text', () => {
    expect(isService('')).toBe(false);
    expect(isService('Réparation de vélos')).toBe(false);
  });
});

describe('SERVICE_KEYS', () => {
  it('maps each value to its enum key for translations and URLs', () => {
    expect(SERVICE_KEYS['Aide aux démarches administratives']).toBe('AideAuxDemarchesAdministratives');
    expect(SERVICE_KEYS['Accès internet et matériel informatique']).toBe('AccesInternetEtMaterielInformatique');
  });

  it('has one distinct key per value', () => {
    expect(Object.keys(SERVICE_KEYS)).toHaveLength(9);
    expect(new Set(Object.values(SERVICE_KEYS)).size).toBe(9);
  });
});
