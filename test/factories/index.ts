import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { fundingRounds, partnershipMembers, partnerships, placeCommunes, places } from '../../db/schema';
import type { FunderKind, MembershipRole, PartnershipKind, PlaceMode, QualificationStatus } from '../../shared/domain/enums';
import { findCommune } from '../../shared/domain/communes';
import type { ServiceName } from '../../shared/domain/services';
import { SERVICES } from '../../shared/domain/services';
import { withLuhnKey } from '../../shared/domain/siret';
import { ELIGIBILITY_CRITERIA, type EligibilityAnswers } from '../../shared/domain/qualification';
import { hashPassword } from '../../server/auth/password';
import { createOrganisation } from '../../server/services/organisations';
import { addMembership, createUser } from '../../server/services/users';

/**
 * Factories shared by the tests and the demo seed, so both speak the same language.
 * They go through the domain services where those exist; rows are written directly only for
 * objects whose service arrives in a later capability (places, partnerships, rounds).
 */

let sequence = 0;
const next = () => ++sequence;

/** A valid SIRET made from a number: 9-digit SIREN, 4-digit establishment, Luhn key. */
export function makeSiret(n: number): string {
  return withLuhnKey(String(100_000_000 + (n % 800_000_000)).padStart(9, '0') + String(n % 10_000).padStart(4, '0'));
}

const hashes = new Map<string, Promise<string>>();
/** scrypt is slow on purpose: hash each distinct password once per process. */
export function cachedHash(password: string): Promise<string> {
  let hash = hashes.get(password);
  if (!hash) {
    hash = hashPassword(password);
    hashes.set(password, hash);
  }
  return hash;
}

export const TEST_PASSWORD = 'mot-de-passe-test';

export async function makeUser(db: Db, overrides: { email?: string; name?: string; password?: string; locale?: 'fr' | 'en' } = {}) {
  const n = next();
  const password = overrides.password ?? TEST_PASSWORD;
  const email = overrides.email ?? `utilisateur${n}@exemple.test`;
  const id = createUser(db, {
    email,
    name: overrides.name ?? `Utilisateur ${n}`,
    passwordHash: await cachedHash(password),
    locale: overrides.locale ?? 'fr',
  });
  return { id, email: email.toLowerCase(), password };
}

export interface OrgOptions {
  name?: string;
  siret?: string | null;
  departementCode?: string;
  communeCode?: string;
  funderKind?: FunderKind;
}

export function makeOrganisation(db: Db, kind: 'funder' | 'actor' | 'operator' | 'partnership', options: OrgOptions = {}) {
  const n = next();
  const needsSiret = kind === 'funder' || kind === 'actor';
  return createOrganisation(db, {
    kind,
    name: options.name ?? `${kind} ${n}`,
    siret: options.siret === undefined ? (needsSiret ? makeSiret(n * 7919) : null) : options.siret,
    funderKind: kind === 'funder' ? (options.funderKind ?? 'departement') : null,
    departementCode: options.departementCode ?? '29',
    communeCode: options.communeCode ?? null,
  });
}

/** An organisation with one user in it: what most tests need as "a funder", "an actor"… */
export async function makeMember(
  db: Db,
  kind: 'funder' | 'actor' | 'operator',
  options: OrgOptions & { role?: MembershipRole; email?: string; password?: string } = {},
) {
  const organisationId = makeOrganisation(db, kind, options);
  const user = await makeUser(db, { email: options.email, password: options.password });
  addMembership(db, user.id, organisationId, options.role ?? 'admin');
  return { organisationId, user };
}

export interface PlaceOptions {
  organisationId: number;
  name?: string;
  mode?: PlaceMode;
  mainCommuneCode?: string;
  /** Points of presence besides the main commune (itinerant and home places). */
  communeCodes?: string[];
  yearlyCapacity?: number;
  services?: ServiceName[];
  status?: QualificationStatus;
  appliedAt?: string;
  qualifiedAt?: string | null;
  suspendedAt?: string | null;
  statusReason?: string | null;
  qualityScore?: number;
  address?: string | null;
  legalRepresentative?: string;
}

export function makePlace(db: Db, options: PlaceOptions): number {
  const n = next();
  const mainCommuneCode = options.mainCommuneCode ?? '29019'; // Brest
  const commune = findCommune(mainCommuneCode);
  if (!commune) throw new Error(`Unknown commune ${mainCommuneCode}`);
  const status = options.status ?? 'qualified';
  const appliedAt = options.appliedAt ?? '2024-01-15T09:00:00.000Z';
  const qualifiedAt =
    options.qualifiedAt !== undefined ? options.qualifiedAt : status === 'qualified' || status === 'suspended' ? '2024-03-01T09:00:00.000Z' : null;
  return db.transaction((tx) => {
    const placeId = tx
      .insert(places)
      .values({
        organisationId: options.organisationId,
        name: options.name ?? `Lieu ${n}`,
        mode: options.mode ?? 'fixed',
        mainCommuneCode,
        departementCode: commune.departement,
        address: options.address ?? null,
        yearlyCapacity: options.yearlyCapacity ?? 2_000,
        services: options.services ?? SERVICES.slice(1, 3),
        legalRepresentative: options.legalRepresentative ?? 'Représentant légal',
        eligibility: Object.fromEntries(ELIGIBILITY_CRITERIA.map((c) => [c, true])) as EligibilityAnswers,
        status,
        statusReason: options.statusReason ?? null,
        appliedAt,
        qualifiedAt,
        suspendedAt: options.suspendedAt ?? (status === 'suspended' ? '2026-06-01T09:00:00.000Z' : null),
        qualityScore: options.qualityScore ?? 60,
      })
      .returning({ id: places.id })
      .get().id;
    const communes = new Set([mainCommuneCode, ...(options.communeCodes ?? [])]);
    for (const communeCode of communes) tx.insert(placeCommunes).values({ placeId, communeCode }).run();
    return placeId;
  });
}

export interface PartnershipOptions {
  name: string;
  kind: PartnershipKind;
  leadOrganisationId: number;
  poolingFeeBps?: number;
  departementCodes: string[];
  charter?: string;
  /** Places that are active members. */
  placeIds: number[];
  joinedAt?: string;
}

/** A partnership is an organisation of its own; its lead's members administer it. */
export function makePartnership(db: Db, options: PartnershipOptions) {
  const organisationId = createOrganisation(db, {
    kind: 'partnership',
    name: options.name,
    siret: null,
    departementCode: options.departementCodes[0] ?? null,
  });
  const joinedAt = options.joinedAt ?? '2025-09-01T09:00:00.000Z';
  const partnershipId = db.transaction((tx) => {
    const id = tx
      .insert(partnerships)
      .values({
        organisationId,
        kind: options.kind,
        leadOrganisationId: options.leadOrganisationId,
        poolingFeeBps: options.poolingFeeBps ?? 500,
        departementCodes: options.departementCodes,
        charter: options.charter ?? '',
      })
      .returning({ id: partnerships.id })
      .get().id;
    for (const placeId of options.placeIds) {
      tx.insert(partnershipMembers).values({ partnershipId: id, placeId, status: 'active', invitedAt: joinedAt, joinedAt }).run();
    }
    return id;
  });
  return { partnershipId, organisationId };
}

export function makeRound(
  db: Db,
  options: { operatorOrganisationId: number; name?: string; departementCodes?: string[]; opensOn?: string; closesOn?: string; targetCents?: number; status?: 'draft' | 'open' | 'closed' },
): number {
  return db
    .insert(fundingRounds)
    .values({
      operatorOrganisationId: options.operatorOrganisationId,
      name: options.name ?? 'Campagne de test',
      departementCodes: options.departementCodes ?? ['29'],
      opensOn: options.opensOn ?? '2026-11-01',
      closesOn: options.closesOn ?? '2027-01-31',
      targetCents: options.targetCents ?? 100_000_000,
      status: options.status ?? 'open',
    })
    .returning({ id: fundingRounds.id })
    .get().id;
}

export function placeById(db: Db, placeId: number) {
  return db.select().from(places).where(eq(places.id, placeId)).get();
}
