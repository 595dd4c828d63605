import { hashPassword } from '../../../server/auth/password';
import { createOrganisation } from '../../../server/services/organisations';
import { addMembership, createUser } from '../../../server/services/users';
import { makeSiret } from '../../../test/factories';
import type { Db } from '../../client';
import type { PlannedFunder } from './funders';
import type { PlannedActor } from './places';

/**
 * Organisations of the national dataset and one user each, with predictable e-mails
 * (`acteur-0001@national.aptic.test`…) and one password. scrypt costs about 50 ms on purpose:
 * the password is hashed once and that hash is stored for every account.
 */
export const NATIONAL_PASSWORD = 'aptic-bench-2026';
export const NATIONAL_EMAIL_DOMAIN = 'national.aptic.test';

export const nationalEmail = {
  operator: `operateur@${NATIONAL_EMAIL_DOMAIN}`,
  actor: (n: number) => `acteur-${String(n).padStart(4, '0')}@${NATIONAL_EMAIL_DOMAIN}`,
  funder: (n: number) => `commanditaire-${String(n).padStart(3, '0')}@${NATIONAL_EMAIL_DOMAIN}`,
  partnership: (n: number) => `partenariat-${String(n).padStart(3, '0')}@${NATIONAL_EMAIL_DOMAIN}`,
};

export interface Member {
  organisationId: number;
  userId: number;
}

export interface NationalOrganisations {
  operator: Member;
  actors: Member[];
  funders: Member[];
  /** SIRET of each actor: its places' applications must give it. */
  actorSirets: string[];
  passwordHash: string;
}

export async function createOrganisations(db: Db, seed: number, plan: { actors: PlannedActor[]; funders: PlannedFunder[] }): Promise<NationalOrganisations> {
  const passwordHash = await hashPassword(NATIONAL_PASSWORD);
  // SIRETs from the seed: distinct within the dataset, the same on every run.
  let sirets = 0;
  const siret = () => makeSiret(seed * 1_000_003 + 7_919 * ++sirets);
  const member = (organisation: Parameters<typeof createOrganisation>[1], email: string): Member => {
    const organisationId = createOrganisation(db, organisation);
    const userId = createUser(db, { email, name: `Équipe ${organisation.name}`, passwordHash });
    addMembership(db, userId, organisationId, 'admin');
    return { organisationId, userId };
  };

  return db.transaction(() => {
    const operator = member(
      { kind: 'operator', name: 'Réseau #APTIC — opérateur national', siret: siret(), departementCode: '33', communeCode: '33063' },
      nationalEmail.operator,
    );
    const funders = plan.funders.map((f, i) =>
      member(
        { kind: 'funder', name: f.name, funderKind: f.kind, siret: siret(), departementCode: f.departementCode, communeCode: f.communeCode },
        nationalEmail.funder(i + 1),
      ),
    );
    const actorSirets: string[] = [];
    const actors = plan.actors.map((a, i) => {
      actorSirets.push(siret());
      return member(
        { kind: 'actor', name: a.name, siret: actorSirets[i]!, departementCode: a.departementCode, communeCode: a.seat.code },
        nationalEmail.actor(i + 1),
      );
    });
    return { operator, actors, funders, actorSirets, passwordHash };
  });
}
