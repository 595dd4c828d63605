import { eq } from 'drizzle-orm';
import { applyForPlace, decide } from '../../../server/services/qualification';
import { ELIGIBILITY_CRITERIA, type EligibilityAnswers } from '../../../shared/domain/qualification';
import { ApplyPlaceInput } from '../../../shared/schemas/qualification';
import type { Db } from '../../client';
import { places } from '../../schema';
import type { Random } from '../random';
import { addDays, atNine, type Calendar } from './calendar';
import type { NationalOrganisations } from './organisations';
import type { PlannedPlace } from './places';

/**
 * Every place applies through the qualification service and the operator qualifies it, each on
 * its own date: early adopters four to six years ago, the others later, all before the orders
 * of the period. The quality score has no service yet (the operator's assessment comes later):
 * it is written on the row, as the test factories do.
 */
const ALL_MET = Object.fromEntries(ELIGIBILITY_CRITERIA.map((c) => [c, true])) as EligibilityAnswers;

export function qualifyPlaces(
  db: Db,
  random: Random,
  ctx: { calendar: Calendar; organisations: NationalOrganisations; places: PlannedPlace[]; capacities: number[] },
): number[] {
  const { calendar, organisations } = ctx;
  const latest = addDays(calendar.periodStart, -100);
  return db.transaction(() =>
    ctx.places.map((place, i) => {
      const actor = organisations.actors[place.actorIndex]!;
      const appliedOn = random.chance(0.35) ? addDays(calendar.today, -random.int(4 * 365, 6 * 365)) : addDays(latest, -random.int(0, 3 * 365));
      const input = ApplyPlaceInput.parse({
        organisationId: actor.organisationId,
        siret: organisations.actorSirets[place.actorIndex],
        name: place.name,
        mode: place.mode,
        mainCommuneCode: place.main.code,
        communeCodes: place.others.map((c) => c.code),
        ...(place.address ? { address: place.address } : {}),
        services: place.services,
        yearlyCapacity: ctx.capacities[i],
        legalRepresentative: place.legalRepresentative,
        eligibility: ALL_MET,
      });
      const placeId = applyForPlace(db, input, actor.userId, atNine(appliedOn));
      decide(db, placeId, 'qualify', 'Critères d’éligibilité remplis, visite de qualification favorable', organisations.operator.userId, atNine(addDays(appliedOn, random.int(12, 60))));
      db.update(places).set({ qualityScore: place.qualityScore }).where(eq(places.id, placeId)).run();
      return placeId;
    }),
  );
}
