import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { partnershipMembers, partnerships, placeCommunes, places, placeYearFigures } from '../../db/schema';
import { findCommune } from '../../shared/domain/communes';
import { findDepartement } from '../../shared/domain/territory';
import { notFound } from '../errors';

export interface PlaceFigures {
  year: number;
  servicesDelivered: number;
  revenueDeliveredCents: number;
  revenueCommittedCents: number;
  /** Services awarded and not yet delivered: with those delivered, checked against capacity. */
  servicesCommitted: number;
  beneficiaries: number;
  /** Delivered revenue already in a monthly payout; the rest of it is estimated (issue 7). */
  revenueSettledCents: number;
  /** Settled revenue whose payout was paid. */
  revenuePaidCents: number;
}

export const emptyFigures = (year: number): PlaceFigures => ({
  year,
  servicesDelivered: 0,
  revenueDeliveredCents: 0,
  revenueCommittedCents: 0,
  servicesCommitted: 0,
  beneficiaries: 0,
  revenueSettledCents: 0,
  revenuePaidCents: 0,
});

function communeRef(code: string) {
  const commune = findCommune(code);
  return { code, nom: commune?.nom ?? code, population: commune?.population ?? null };
}

/** Places with their points of presence and this year's figures (zero until deliveries exist). */
function placeSummaries(db: Db, where: SQL, year: number) {
  const rows = db
    .select({
      place: places,
      figures: placeYearFigures,
    })
    .from(places)
    .leftJoin(placeYearFigures, and(eq(placeYearFigures.placeId, places.id), eq(placeYearFigures.year, year)))
    .where(where)
    .orderBy(asc(places.name))
    .all();
  const ids = rows.map((r) => r.place.id);
  const communes = ids.length
    ? db.select().from(placeCommunes).where(inArray(placeCommunes.placeId, ids)).orderBy(asc(placeCommunes.communeCode)).all()
    : [];
  const communesByPlace = new Map<number, typeof communes>();
  for (const c of communes) communesByPlace.set(c.placeId, [...(communesByPlace.get(c.placeId) ?? []), c]);
  return rows.map(({ place, figures }) => ({
    id: place.id,
    organisationId: place.organisationId,
    name: place.name,
    mode: place.mode,
    mainCommune: communeRef(place.mainCommuneCode),
    departement: { code: place.departementCode, nom: findDepartement(place.departementCode)?.nom ?? place.departementCode },
    communes: (communesByPlace.get(place.id) ?? []).map((c) => communeRef(c.communeCode)),
    address: place.address,
    yearlyCapacity: place.yearlyCapacity,
    services: place.services,
    status: place.status,
    statusReason: place.statusReason,
    appliedAt: place.appliedAt,
    qualifiedAt: place.qualifiedAt,
    qualityScore: place.qualityScore,
    figures: figures
      ? {
          year,
          servicesDelivered: figures.servicesDelivered,
          revenueDeliveredCents: figures.revenueDeliveredCents,
          revenueCommittedCents: figures.revenueCommittedCents,
          servicesCommitted: figures.servicesCommitted,
          beneficiaries: figures.beneficiaries,
          revenueSettledCents: figures.revenueSettledCents,
          revenuePaidCents: figures.revenuePaidCents,
        }
      : emptyFigures(year),
  }));
}

export type PlaceSummary = ReturnType<typeof placeSummaries>[number];

export function placesOfOrganisation(db: Db, organisationId: number, year: number): PlaceSummary[] {
  return placeSummaries(db, eq(places.organisationId, organisationId), year);
}

export function getPlace(db: Db, placeId: number, year: number): PlaceSummary {
  const [place] = placeSummaries(db, eq(places.id, placeId), year);
  if (!place) throw notFound('Lieu');
  return place;
}

/** The organisation owning a place (undefined if there is none), for permission checks first. */
export function placeOwner(db: Db, placeId: number): number | undefined {
  return db.select({ organisationId: places.organisationId }).from(places).where(eq(places.id, placeId)).get()?.organisationId;
}

/** Qualification counts per département, for the operator's national view. */
export function placeCountsByDepartement(db: Db) {
  return db
    .select({
      departementCode: places.departementCode,
      qualified: sql<number>`sum(${places.status} = 'qualified')`,
      applied: sql<number>`sum(${places.status} = 'applied')`,
      suspended: sql<number>`sum(${places.status} = 'suspended')`,
    })
    .from(places)
    .groupBy(places.departementCode)
    .orderBy(places.departementCode)
    .all();
}

/** Active member places of a partnership (by the partnership's organisation id). */
export function placesOfPartnership(db: Db, partnershipOrganisationId: number, year: number): PlaceSummary[] {
  const members = db
    .select({ placeId: partnershipMembers.placeId })
    .from(partnershipMembers)
    .innerJoin(partnerships, eq(partnerships.id, partnershipMembers.partnershipId))
    .where(and(eq(partnerships.organisationId, partnershipOrganisationId), eq(partnershipMembers.status, 'active')));
  return placeSummaries(db, inArray(places.id, members), year);
}
