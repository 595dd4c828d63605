import { describe, it, expect } from 'vitest';
import {
  DEPARTEMENTS,
  REGIONS,
  departementLabel,
  departementOfCommuneCode,
  findDepartement,
  findRegion,
  isDepartementCode,
} from '../../shared/domain/territory';
import {
  communePopulation,
  communesOfDepartement,
  departementPopulation,
  findCommune,
  isCommuneCode,
  isRuralCommune,
} from '../../shared/domain/communes';

// Figures below come from @etalab/decoupage-administratif 6.0.0 (INSEE), read with node.

describe('départements and régions', () => {
  it('lists the 109 départements and collectivités and the 26 régions of the INSEE data', () => {
    expect(DEPARTEMENTS).toHaveLength(109);
    expect(REGIONS).toHaveLength(26);
  });

  it('29 is Finistère, in région 53 Bretagne', () => {
    expect(findDepartement('29')).toEqual({ code: '29', nom: 'Finistère', region: '53' });
    expect(findRegion('53')).toEqual({ code: '53', nom: 'Bretagne' });
  });

  it('2A is Corse-du-Sud and 2B Haute-Corse, both in région 94 Corse', () => {
    expect(findDepartement('2A')).toEqual({ code: '2A', nom: 'Corse-du-Sud', region: '94' });
    expect(findDepartement('2B')).toEqual({ code: '2B', nom: 'Haute-Corse', region: '94' });
    expect(findRegion('94')).toEqual({ code: '94', nom: 'Corse' });
  });

  it('971 is Guadeloupe, in région 01 Guadeloupe', () => {
    expect(findDepartement('971')).toEqual({ code: '971', nom: 'Guadeloupe', region: '01' });
    expect(findRegion('01')).toEqual({ code: '01', nom: 'Guadeloupe' });
  });

  it('the unknown code 00 is neither a département nor a région', () => {
    expect(isDepartementCode('00')).toBe(false);
    expect(findDepartement('00')).toBeUndefined();
    expect(findRegion('00')).toBeUndefined();
  });

  it('the old code 20 of the united Corse is no longer a département', () => {
    expect(isDepartementCode('20')).toBe(false);
  });

  it('département codes are case-sensitive and unpadded', () => {
    expect(isDepartementCode('29')).toBe(true);
    expect(isDepartementCode('2a')).toBe(false);
    expect(isDepartementCode('029')).toBe(false);
    expect(isDepartementCode('9')).toBe(false);
  });

  it('labels a département with its name and code', () => {
    expect(departementLabel('29')).toBe('Finistère (29)');
    expect(departementLabel('971')).toBe('Guadeloupe (971)');
  });

  it('labels an unknown code with the bare code', () => {
    expect(departementLabel('00')).toBe('00');
  });

  it('every département belongs to a known région', () => {
    const orphans = DEPARTEMENTS.filter((d) => findRegion(d.region) === undefined);
    expect(orphans).toEqual([]);
  });
});

describe('departementOfCommuneCode', () => {
  it('takes two characters in metropolitan France', () => {
    expect(departementOfCommuneCode('29232')).toBe('29');
    expect(departementOfCommuneCode('2A004')).toBe('2A');
  });

  it('takes three characters overseas', () => {
    expect(departementOfCommuneCode('97105')).toBe('971');
    expect(departementOfCommuneCode('97611')).toBe('976');
  });

  it('agrees with the INSEE data for every commune of the départements and 97x collectivités', () => {
    const mismatches = DEPARTEMENTS.filter((d) => !d.code.startsWith('98'))
      .flatMap((d) => communesOfDepartement(d.code))
      .filter((c) => departementOfCommuneCode(c.code) !== c.departement)
      .map((c) => c.code);
    expect(mismatches).toEqual([]);
  });

  // Pacific collectivités (984, 986, 987, 988, 989) have 3-character codes too.
  it('takes three characters for the Pacific collectivités, Papeete being in 987', () => {
    expect(departementOfCommuneCode('98735')).toBe('987');
  });
});

describe('communes', () => {
  it('29232 is Quimper, in Finistère, with 64 385 inhabitants', () => {
    expect(findCommune('29232')).toEqual({
      code: '29232',
      nom: 'Quimper',
      departement: '29',
      region: '53',
      population: 64_385,
      codesPostaux: ['29000'],
    });
  });

  it('97105 is Basse-Terre, in Guadeloupe', () => {
    const commune = findCommune('97105');
    expect(commune?.nom).toBe('Basse-Terre');
    expect(commune?.departement).toBe('971');
    expect(commune?.region).toBe('01');
  });

  it('2A004 is Ajaccio, in Corse-du-Sud', () => {
    expect(findCommune('2A004')?.nom).toBe('Ajaccio');
    expect(findCommune('2A004')?.departement).toBe('2A');
  });

  it('an unknown code is not a commune', () => {
    expect(isCommuneCode('00000')).toBe(false);
    expect(findCommune('00000')).toBeUndefined();
    expect(communePopulation('00000')).toBeUndefined();
  });

  it('a Paris arrondissement is not a commune, Paris is', () => {
    expect(isCommuneCode('75101')).toBe(false);
    expect(isCommuneCode('75056')).toBe(true);
  });

  it('a delegated commune that lost its own code is not a current commune', () => {
    // Esquibien (29052) merged into Audierne (29003) and survives only as a delegated commune.
    expect(isCommuneCode('29052')).toBe(false);
  });

  it('a current commune sharing its code with its delegated commune keeps its population', () => {
    expect(findCommune('29003')?.nom).toBe('Audierne');
    expect(communePopulation('29003')).toBe(3_727);
  });
});

describe('isRuralCommune', () => {
  it('Quimper is not rural', () => {
    expect(communePopulation('29232')).toBeGreaterThan(2_000);
    expect(isRuralCommune('29232')).toBe(false);
  });

  it('Île-de-Sein, with 263 inhabitants, is rural', () => {
    expect(communePopulation('29083')).toBe(263);
    expect(isRuralCommune('29083')).toBe(true);
  });

  it('an unknown commune is not rural', () => {
    expect(isRuralCommune('00000')).toBe(false);
    expect(isRuralCommune('29052')).toBe(false);
  });

  it('a commune whose population equals the threshold is not rural, and becomes rural when the threshold is one higher', () => {
    expect(isRuralCommune('29083', 263)).toBe(false);
    expect(isRuralCommune('29083', 264)).toBe(true);
  });

  it('a higher threshold can make a town rural', () => {
    expect(isRuralCommune('29232', 64_385)).toBe(false);
    expect(isRuralCommune('29232', 64_386)).toBe(true);
  });
});

describe('communesOfDepartement', () => {
  it('Finistère has 277 current communes, all of them in Finistère and Bretagne', () => {
    const communes = communesOfDepartement('29');
    expect(communes).toHaveLength(277);
    expect(communes.filter((c) => c.departement !== '29' || c.region !== '53' || !c.code.startsWith('29'))).toEqual(
      [],
    );
  });

  it('Finistère includes Quimper and Île-de-Sein', () => {
    const names = communesOfDepartement('29').map((c) => c.nom);
    expect(names).toContain('Quimper');
    expect(names).toContain('Île-de-Sein');
  });

  it('Guadeloupe has 32 communes', () => {
    expect(communesOfDepartement('971')).toHaveLength(32);
  });

  it('an unknown département has no commune and no population', () => {
    expect(communesOfDepartement('00')).toEqual([]);
    expect(departementPopulation('00')).toBe(0);
  });

  it('the population of Finistère is the sum of its communes, 933 455', () => {
    expect(departementPopulation('29')).toBe(933_455);
  });
});
