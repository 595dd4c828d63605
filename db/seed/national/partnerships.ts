import { createPartnership, invitePlace, respondToInvitation } from '../../../server/services/partnerships';
import { addMembership, createUser } from '../../../server/services/users';
import type { PartnershipKind } from '../../../shared/domain/enums';
import { CreatePartnershipInput } from '../../../shared/schemas/partnerships';
import { findDepartement, findRegion } from '../../../shared/domain/territory';
import { sessionUserOf } from '../../../test/factories/marketplace';
import type { Db } from '../../client';
import type { Random } from '../random';
import { nationalEmail, type Member, type NationalOrganisations } from './organisations';
import { ofCommune, ofRegion } from './names';
import type { PlannedActor, PlannedPlace } from './places';

/**
 * Partnerships (DESIGN §2, like the demo's CAE): about one for 40 places, each led by an actor
 * with its own places and three to six places of other actors nearby — a département for a CAE
 * or a local partnership, a région for a consortium. Everything goes through the partnership
 * service: creation, invitations, answers; one invitation in three is left waiting. Member
 * places answer orders together, through joint drafts (orders.ts), and pay the pooling fee.
 */

export interface PlannedPartnership {
  index: number;
  kind: PartnershipKind;
  name: string;
  leadActorIndex: number;
  departementCodes: string[];
  poolingFeeBps: number;
  charter: string;
  memberPlaceIndexes: number[];
  /** Invited and not answered yet: the place keeps answering orders on its own. */
  invitedPlaceIndex: number | null;
}

const CHARTERS: Record<PartnershipKind, string> = {
  cae:
    'Nos médiateurs numériques sont entrepreneurs-salariés de la coopérative : elle porte les réponses communes, ' +
    'la comptabilité et la formation, financées par la contribution de mutualisation.',
  local: 'Les lieux du territoire coordonnent leurs permanences et leurs tournées pour couvrir aussi les communes rurales.',
  consortium: 'Un consortium régional pour répondre ensemble aux commandes de grande ampleur, chaque lieu gardant son projet.',
};

export function planPartnerships(random: Random, ctx: { places: PlannedPlace[]; actors: PlannedActor[] }): PlannedPartnership[] {
  const wanted = ctx.places.length >= 12 ? Math.round(ctx.places.length / 40) : ctx.places.length >= 6 ? 1 : 0;
  const taken = new Set<number>();
  const partnerships: PlannedPartnership[] = [];
  const free = (p: PlannedPlace) => !taken.has(p.index);
  for (let attempt = 0; partnerships.length < wanted && attempt < wanted * 20; attempt++) {
    const roll = random.next();
    const kind: PartnershipKind = roll < 0.55 ? 'cae' : roll < 0.9 ? 'local' : 'consortium';
    const lead = random.pick(ctx.actors);
    const leadPlaces = lead.placeIndexes.map((i) => ctx.places[i]!);
    if (!leadPlaces.every(free)) continue;
    const area = (p: PlannedPlace) => (kind === 'consortium' ? p.regionCode === leadPlaces[0]!.regionCode : p.departementCode === lead.departementCode);
    const others = ctx.places.filter((p) => p.actorIndex !== lead.index && free(p) && area(p));
    if (others.length < 3) continue;
    const members = [...leadPlaces, ...random.sample(others, Math.min(others.length, random.int(3, 6)))];
    const rest = others.filter((p) => !members.includes(p));
    const invited = random.chance(1 / 3) && rest.length > 0 ? random.pick(rest) : null;
    for (const p of members) taken.add(p.index);
    if (invited) taken.add(invited.index);
    const departement = findDepartement(lead.departementCode)!;
    const region = findRegion(departement.region)!;
    const seat = ofCommune(lead.seat.nom);
    partnerships.push({
      index: partnerships.length,
      kind,
      name:
        kind === 'cae'
          ? `CAE Numérique Solidaire ${seat}`
          : kind === 'local'
            ? `Partenariat local du numérique ${seat}`
            : `Consortium d’inclusion numérique ${ofRegion(region.code, region.nom)} (${lead.seat.nom})`,
      leadActorIndex: lead.index,
      departementCodes: [...new Set(members.map((p) => p.departementCode))].sort(),
      poolingFeeBps: kind === 'cae' ? random.int(6, 12) * 100 : kind === 'local' ? random.int(2, 5) * 100 : random.int(3, 8) * 100,
      charter: `${CHARTERS[kind]} Territoire : ${kind === 'consortium' ? region.nom : departement.nom}.`,
      memberPlaceIndexes: members.map((p) => p.index).sort((a, b) => a - b),
      invitedPlaceIndex: invited?.index ?? null,
    });
  }
  return partnerships;
}

export interface FormedPartnership {
  partnershipId: number;
  organisationId: number;
  /** The partnership's own user: admin of it, member of the lead actor, so it leads. */
  lead: Member;
}

export function formPartnerships(
  db: Db,
  ctx: { plan: PlannedPartnership[]; organisations: NationalOrganisations; placeIds: number[]; passwordHash: string },
): FormedPartnership[] {
  const { organisations, placeIds } = ctx;
  return db.transaction(() =>
    ctx.plan.map((p, i) => {
      const leadActor = organisations.actors[p.leadActorIndex]!;
      const userId = createUser(db, { email: nationalEmail.partnership(i + 1), name: `Coordination ${p.name}`, passwordHash: ctx.passwordHash });
      addMembership(db, userId, leadActor.organisationId, 'member');
      const leadUser = sessionUserOf(db, userId);
      const input = CreatePartnershipInput.parse({
        organisationId: leadActor.organisationId,
        kind: p.kind,
        name: p.name,
        departementCodes: p.departementCodes,
        poolingFeeBps: p.poolingFeeBps,
        charter: p.charter,
      });
      const { partnershipId, organisationId } = createPartnership(db, leadUser, input);
      for (const placeIndex of [...p.memberPlaceIndexes, ...(p.invitedPlaceIndex === null ? [] : [p.invitedPlaceIndex])]) {
        const { status, organisationId: owner } = invitePlace(db, leadUser, partnershipId, placeIds[placeIndex]!);
        if (status === 'invited' && placeIndex !== p.invitedPlaceIndex) {
          const ownerUser = organisations.actors.find((a) => a.organisationId === owner)!.userId;
          respondToInvitation(db, sessionUserOf(db, ownerUser), partnershipId, placeIds[placeIndex]!, true);
        }
      }
      return { partnershipId, organisationId, lead: { organisationId, userId } };
    }),
  );
}

