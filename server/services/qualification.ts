import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { audit } from './audit';
import { departementYearFigures, organisations, placeCommunes, places, placeStatusEvents } from '../../db/schema';
import { findCommune, isCommuneCode } from '../../shared/domain/communes';
import type { QualificationStatus } from '../../shared/domain/enums';
import { decisionOutcome, unmetCriteria, type EligibilityAnswers, type QualificationDecision } from '../../shared/domain/qualification';
import { findDepartement } from '../../shared/domain/territory';
import type { RatioConfig } from '../../shared/ratio';
import { territoryBalance } from '../../shared/ratio';
import type { ApplyPlaceInput } from '../../shared/schemas/qualification';
import { conflict, fieldError, forbidden, notFound } from '../errors';
import { getPlace } from './places';

type ApplyPlace = Omit<ApplyPlaceInput, 'communeCodes'> & { communeCodes: string[] };

/**
 * An actor applies for one of its places. The schema checked the shapes; here, what needs the
 * database or the INSEE data: the organisation is an actor, the SIRET is its own, the communes exist.
 */
export function applyForPlace(db: Db, input: ApplyPlace, userId: number, now = new Date()): number {
  const organisation = db.select().from(organisations).where(eq(organisations.id, input.organisationId)).get();
  if (!organisation) throw notFound('Organisation');
  if (organisation.kind !== 'actor') throw forbidden('Seul un acteur de la médiation numérique peut candidater pour un lieu');
  if (organisation.siret && organisation.siret !== input.siret) {
    throw fieldError('siret', 'Ce SIRET n’est pas celui de votre organisation');
  }
  if (!organisation.siret) {
    const taken = db.select({ id: organisations.id }).from(organisations).where(eq(organisations.siret, input.siret)).get();
    if (taken) throw fieldError('siret', 'Ce SIRET appartient déjà à une autre organisation');
  }
  const main = findCommune(input.mainCommuneCode);
  if (!main) throw fieldError('mainCommuneCode', 'Commune inconnue du code officiel géographique');
  input.communeCodes.forEach((code, index) => {
    if (!isCommuneCode(code)) throw fieldError(['communeCodes', index], `Commune inconnue : ${code}`);
  });

  const at = now.toISOString();
  return db.transaction(() => {
    if (!organisation.siret) db.update(organisations).set({ siret: input.siret }).where(eq(organisations.id, organisation.id)).run();
    const placeId = db
      .insert(places)
      .values({
        organisationId: organisation.id,
        name: input.name,
        mode: input.mode,
        mainCommuneCode: main.code,
        departementCode: main.departement,
        address: input.address || null,
        yearlyCapacity: input.yearlyCapacity,
        services: [...new Set(input.services)],
        legalRepresentative: input.legalRepresentative,
        eligibility: input.eligibility,
        status: 'applied',
        appliedAt: at,
      })
      .returning({ id: places.id })
      .get().id;
    for (const communeCode of new Set([main.code, ...input.communeCodes])) db.insert(placeCommunes).values({ placeId, communeCode }).run();
    db.insert(placeStatusEvents).values({ placeId, fromStatus: null, toStatus: 'applied', reason: 'Candidature déposée', decidedByUserId: userId, createdAt: at }).run();
    return placeId;
  });
}

export interface DecisionResult {
  placeId: number;
  organisationId: number;
  from: QualificationStatus;
  status: QualificationStatus;
}

/** The operator's decision, with its reason; the first qualification date is kept for good. */
export function decide(db: Db, placeId: number, decision: QualificationDecision, reason: string, userId: number, now = new Date()): DecisionResult {
  return db.transaction(() => {
    const place = db.select().from(places).where(eq(places.id, placeId)).get();
    if (!place) throw notFound('Lieu');
    const status = decisionOutcome(place.status, decision);
    if (!status) throw conflict(`Décision « ${decision} » impossible pour un lieu au statut « ${place.status} »`);
    const at = now.toISOString();
    db.update(places)
      .set({
        status,
        statusReason: reason,
        qualifiedAt: status === 'qualified' ? (place.qualifiedAt ?? at) : place.qualifiedAt,
        suspendedAt: status === 'suspended' ? at : null,
      })
      .where(eq(places.id, placeId))
      .run();
    db.insert(placeStatusEvents).values({ placeId, fromStatus: place.status, toStatus: status, reason, decidedByUserId: userId, createdAt: at }).run();
    audit(db, { userId, action: `qualification.${status}`, subjectType: 'qualification', subjectId: placeId, reason, detail: { from: place.status, to: status }, parties: [place.organisationId] });
    return { placeId, organisationId: place.organisationId, from: place.status, status };
  });
}

/** F (funding mobilised this year) and N (qualified places) of a département, and its balance. */
export function departementBalance(db: Db, departementCode: string, year: number, ratio: RatioConfig) {
  const funding = db
    .select({ cents: departementYearFigures.fundingCents })
    .from(departementYearFigures)
    .where(and(eq(departementYearFigures.departementCode, departementCode), eq(departementYearFigures.year, year)))
    .get();
  const { n } = db
    .select({ n: sql<number>`count(*)` })
    .from(places)
    .where(and(eq(places.departementCode, departementCode), eq(places.status, 'qualified')))
    .get()!;
  return {
    departementCode,
    departementName: findDepartement(departementCode)?.nom ?? departementCode,
    year,
    ...territoryBalance({ fundingCents: funding?.cents ?? 0, qualifiedPlaces: n }, ratio),
  };
}

/** The operator's queue: places in a status, with their answers and their territory's balance. */
export function qualificationQueue(db: Db, status: QualificationStatus, year: number, ratio: RatioConfig) {
  const rows = db
    .select({ id: places.id, organisationName: organisations.name, siret: organisations.siret })
    .from(places)
    .innerJoin(organisations, eq(organisations.id, places.organisationId))
    .where(eq(places.status, status))
    .orderBy(asc(places.appliedAt))
    .limit(500)
    .all();
  const balances = new Map<string, ReturnType<typeof departementBalance>>();
  return rows.map((row) => {
    const place = getPlace(db, row.id, year);
    let balance = balances.get(place.departement.code);
    if (!balance) balances.set(place.departement.code, (balance = departementBalance(db, place.departement.code, year, ratio)));
    const answers = (db.select({ eligibility: places.eligibility }).from(places).where(eq(places.id, row.id)).get()?.eligibility ?? {}) as EligibilityAnswers;
    return { place, organisationName: row.organisationName, siret: row.siret, eligibility: answers, unmetCriteria: unmetCriteria(answers), balance };
  });
}

export function statusHistory(db: Db, placeIds: number[]) {
  if (placeIds.length === 0) return [];
  return db.select().from(placeStatusEvents).where(inArray(placeStatusEvents.placeId, placeIds)).orderBy(asc(placeStatusEvents.id)).all();
}
