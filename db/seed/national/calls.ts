import { submitBid } from '../../../server/services/bids';
import { createOrder, publishOrder, recordPayment } from '../../../server/services/orders';
import { SubmitBidInput } from '../../../shared/schemas/bids';
import { CreateOrderInput, RecordPaymentInput } from '../../../shared/schemas/orders';
import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { findRegion } from '../../../shared/domain/territory';
import type { Db } from '../../client';
import type { Random } from '../random';
import { addDays, type Calendar } from './calendar';
import type { PlannedFunder } from './funders';
import { ofRegion } from './names';
import type { Member } from './organisations';
import type { PlannedPlace } from './places';

/**
 * Next year's calls, open today in each regional round: the région (or the State's agency)
 * orders 400 services per place of the région, has paid 40 % in, and the actors' sealed bids
 * (300 to 900 services a place) stand — more than the order, so that the consolidating
 * allocation has something to decide.
 */
export function openNextYearCalls(
  db: Db,
  random: Random,
  ctx: {
    calendar: Calendar;
    regions: string[];
    roundIds: Map<string, number>;
    places: PlannedPlace[];
    placeIds: number[];
    funders: PlannedFunder[];
    funderMembers: Member[];
    actors: Member[];
    /** Active partnership of each place, or -1: member places answer with their partnership, not here. */
    placePartnership: number[];
  },
): number[] {
  const { calendar } = ctx;
  const next = calendar.year + 1;
  return db.transaction(() =>
    ctx.regions.map((code) => {
      const region = findRegion(code)!;
      const inRegion = ctx.places.filter((p) => p.regionCode === code);
      const departementCodes = [...new Set(inRegion.map((p) => p.departementCode))].sort();
      const funder = ctx.funders.find((f) => f.family === 'region' && f.departementCodes.includes(departementCodes[0]!)) ?? ctx.funders[0]!;
      const member = ctx.funderMembers[funder.index]!;
      const quantity = Math.max(100, Math.round((inRegion.length * 400) / 100) * 100);
      const { organisationId, ...fields } = CreateOrderInput.parse({
        organisationId: member.organisationId,
        title: `Appel à projets ${next} — médiation numérique ${ofRegion(code, region.nom)}`,
        description: 'Premier semestre : consolider les lieux qualifiés de la région plutôt que disperser les financements.',
        services: [Service.AideAuxDemarchesAdministratives, Service.MaitriseDesOutilsNumeriquesDuQuotidien],
        departementCodes,
        communeCodes: [],
        quantity,
        unitPriceCents: 1_000,
        targetPeople: Math.round(quantity / 3),
        bidDeadline: addDays(calendar.today, 21),
        deliveryStartsOn: `${next}-01-05`,
        deliveryEndsOn: `${next}-06-30`,
        roundId: ctx.roundIds.get(`region:${code}`) ?? null,
      });
      const orderId = createOrder(db, organisationId, fields, member.userId);
      publishOrder(db, orderId, calendar.today, member.userId);
      const paid = Math.round((quantity * 1_000 * 0.4) / 100) * 100;
      recordPayment(
        db,
        RecordPaymentInput.parse({ orderId, organisationId, amountCents: paid, reference: `VIR-${next}-AAP-${code}`, idempotencyKey: `national-call-${orderId}-1` }),
        member.userId,
      );
      const byActor = new Map<number, { placeId: number; quantity: number }[]>();
      inRegion.forEach((p) => {
        if (ctx.placePartnership[p.index] !== -1) return;
        byActor.set(p.actorIndex, [...(byActor.get(p.actorIndex) ?? []), { placeId: ctx.placeIds[p.index]!, quantity: Math.min(quantity, random.int(3, 9) * 100) }]);
      });
      for (const [actorIndex, lines] of byActor) {
        const input = SubmitBidInput.parse({
          orderId,
          organisationId: ctx.actors[actorIndex]!.organisationId,
          unitPriceCents: 1_000,
          note: 'Nous pouvons assurer ces services au premier semestre.',
          lines,
        });
        submitBid(db, input, calendar.today);
      }
      return orderId;
    }),
  );
}
