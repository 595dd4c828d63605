import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { bids, fundingRounds, orderFundings, partnershipMembers, partnerships, places, serviceOrders } from '../../db/schema';
import { parseRoom } from '../../shared/events';
import { isOperator } from '../permissions';
import { importAudience } from '../services/imports';
import { participantOrganisations } from '../services/partnerships';
import type { SessionUser } from '../services/auth';

/**
 * Who may listen to which room. The server decides; a client only asks (DESIGN §4).
 * An unknown object answers like a forbidden one, so rooms do not reveal what exists.
 */
export function canJoinRoom(db: Db, user: SessionUser | undefined, room: string): boolean {
  const parsed = parseRoom(room);
  if (!parsed) return false;
  if (parsed.kind === 'public' || parsed.kind === 'public-round') return true;
  if (!user) return false;
  if (isOperator(user)) return true;

  const orgIds = user.memberships.map((m) => m.organisationId);
  const id = parsed.id!;
  switch (parsed.kind) {
    case 'national':
      return false;
    case 'org':
      return orgIds.includes(id);
    case 'place': {
      const place = db.select({ organisationId: places.organisationId }).from(places).where(eq(places.id, id)).get();
      if (!place) return false;
      if (orgIds.includes(place.organisationId)) return true;
      // The partnerships a place actively works in follow its figures too.
      const viaPartnership = db
        .select({ id: partnerships.id })
        .from(partnershipMembers)
        .innerJoin(partnerships, eq(partnerships.id, partnershipMembers.partnershipId))
        .where(
          and(
            eq(partnershipMembers.placeId, id),
            eq(partnershipMembers.status, 'active'),
            inArray(partnerships.organisationId, orgIds),
          ),
        )
        .get();
      return !!viaPartnership;
    }
    case 'partnership': {
      const partnership = db.select().from(partnerships).where(eq(partnerships.id, id)).get();
      if (!partnership) return false;
      if (orgIds.includes(partnership.organisationId) || orgIds.includes(partnership.leadOrganisationId)) return true;
      const memberPlace = db
        .select({ placeId: partnershipMembers.placeId })
        .from(partnershipMembers)
        .innerJoin(places, eq(places.id, partnershipMembers.placeId))
        .where(
          and(
            eq(partnershipMembers.partnershipId, id),
            inArray(partnershipMembers.status, ['invited', 'active']),
            inArray(places.organisationId, orgIds),
          ),
        )
        .get();
      return !!memberPlace;
    }
    case 'order': {
      const order = db
        .select({ funder: serviceOrders.funderOrganisationId, status: serviceOrders.status })
        .from(serviceOrders)
        .where(eq(serviceOrders.id, id))
        .get();
      if (!order) return false;
      if (orgIds.includes(order.funder)) return true;
      const coFunder = db
        .select({ orderId: orderFundings.orderId })
        .from(orderFundings)
        .where(and(eq(orderFundings.orderId, id), inArray(orderFundings.funderOrganisationId, orgIds)))
        .get();
      if (coFunder) return true;
      // A published order is followed by whoever may read it (orders.get): the actors and
      // partnerships that may bid on it, and the funders that may co-fund it.
      const reader = user.memberships.some((m) => m.organisationKind === 'actor' || m.organisationKind === 'partnership' || m.organisationKind === 'funder');
      return order.status !== 'draft' && reader;
    }
    case 'draft': {
      // A partnership's draft: its participants only (lead, partnership members, active member places).
      const bid = db.select({ partnershipId: bids.partnershipId }).from(bids).where(eq(bids.id, id)).get();
      if (!bid?.partnershipId) return false;
      return participantOrganisations(db, bid.partnershipId).some((orgId) => orgIds.includes(orgId));
    }
    case 'round':
      return !!db.select({ id: fundingRounds.id }).from(fundingRounds).where(eq(fundingRounds.id, id)).get();
    case 'import': {
      // A delivery import's progress: the person who uploaded it and their organisation.
      const audience = importAudience(db, id);
      return !!audience && (audience.userId === user.id || orgIds.includes(audience.organisationId));
    }
    default:
      return false;
  }
}
