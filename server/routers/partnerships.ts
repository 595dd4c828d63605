import { OrganisationIdInput } from '../../shared/schemas/common';
import {
  CreatePartnershipInput,
  HandOverLeadInput,
  PartnershipIdInput,
  PartnershipPlaceInput,
  RespondInvitationInput,
} from '../../shared/schemas/partnerships';
import { publishDraft, publishPartnership } from '../realtime/publish';
import { draftsOfPartnership } from '../services/drafts';
import {
  assertParticipant,
  invitablePlaces,
  createPartnership,
  handOverLead,
  invitationsOf,
  invitePlace,
  leavePartnership,
  partnershipDetail,
  partnershipLedBy,
  partnershipsOfUser,
  respondToInvitation,
} from '../services/partnerships';
import { authedProcedure, organisationProcedure, router } from '../trpc';

const currentYear = () => new Date().getFullYear();

export const partnershipsRouter = router({
  /** An actor forms a partnership and becomes its lead. */
  create: organisationProcedure()
    .input(CreatePartnershipInput)
    .mutation(({ ctx, input }) => {
      const created = createPartnership(ctx.db, ctx.user, input);
      publishPartnership(ctx.bus, { partnershipId: created.partnershipId, kind: 'created' });
      return created;
    }),

  mine: authedProcedure.query(({ ctx }) => partnershipsOfUser(ctx.db, ctx.user)),

  get: authedProcedure.input(PartnershipIdInput).query(({ ctx, input }) => {
    assertParticipant(ctx.db, ctx.user, input.partnershipId);
    return { ...partnershipDetail(ctx.db, input.partnershipId, currentYear()), drafts: draftsOfPartnership(ctx.db, input.partnershipId) };
  }),

  /** Invitations waiting for the answer of one of the caller's organisations. */
  invitations: organisationProcedure()
    .input(OrganisationIdInput)
    .query(({ ctx, input }) => invitationsOf(ctx.db, [input.organisationId])),

  /** For the lead: qualified places of the partnership's territory not yet in it. */
  invitable: authedProcedure.input(PartnershipIdInput).query(({ ctx, input }) => {
    partnershipLedBy(ctx.db, ctx.user, input.partnershipId);
    return invitablePlaces(ctx.db, input.partnershipId);
  }),

  invite: authedProcedure.input(PartnershipPlaceInput).mutation(({ ctx, input }) => {
    const result = invitePlace(ctx.db, ctx.user, input.partnershipId, input.placeId);
    publishPartnership(ctx.bus, { ...input, kind: result.status === 'active' ? 'joined' : 'invited', status: result.status, organisationId: result.organisationId });
    return result;
  }),

  respond: authedProcedure.input(RespondInvitationInput).mutation(({ ctx, input }) => {
    const result = respondToInvitation(ctx.db, ctx.user, input.partnershipId, input.placeId, input.accept);
    publishPartnership(ctx.bus, { ...input, kind: input.accept ? 'joined' : 'declined', status: result.status, organisationId: result.organisationId });
    return result;
  }),

  leave: authedProcedure.input(PartnershipPlaceInput).mutation(({ ctx, input }) => {
    const result = leavePartnership(ctx.db, ctx.user, input.partnershipId, input.placeId);
    // Before the drafts move on: the leaving place's people stop receiving them.
    ctx.bus.rightsChanged({ organisationIds: [result.organisationId] });
    publishPartnership(ctx.bus, { ...input, kind: 'left', status: result.status, organisationId: result.organisationId });
    for (const bidId of result.draftIds) publishDraft(ctx.bus, ctx.db, bidId);
    return { status: result.status, organisationId: result.organisationId };
  }),

  handOverLead: authedProcedure.input(HandOverLeadInput).mutation(({ ctx, input }) => {
    handOverLead(ctx.db, ctx.user, input.partnershipId, input.organisationId);
    ctx.bus.rightsChanged({ organisationIds: ctx.user.memberships.map((m) => m.organisationId) });
    publishPartnership(ctx.bus, { partnershipId: input.partnershipId, kind: 'lead_handed_over', organisationId: input.organisationId });
    return { ok: true as const };
  }),
});
