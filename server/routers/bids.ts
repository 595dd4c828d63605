import { OrganisationIdInput } from '../../shared/schemas/common';
import { BidIdInput, SubmitBidInput } from '../../shared/schemas/bids';
import { OrderIdInput } from '../../shared/schemas/orders';
import { assertMemberOfOwner } from '../permissions';
import { publishOrder } from '../realtime/publish';
import { bidOwner, bidsOfOrganisation, bidsVisibleTo, getBid, submitBid, withdrawBid } from '../services/bids';
import { assertCanSeeOrder, orderEventPayload } from '../services/orders';
import { assertLead, getPartnership } from '../services/partnerships';
import { dashboardContext } from '../realtime/dashboards';
import { authedProcedure, organisationProcedure, router } from '../trpc';

export const bidsRouter = router({
  /** Submit or revise the organisation's sealed bid on an order. */
  submit: organisationProcedure()
    .input(SubmitBidInput)
    .mutation(({ ctx, input }) => {
      assertCanSeeOrder(ctx.db, ctx.user, input.orderId);
      const bidId = submitBid(ctx.db, input);
      publishBidCount(ctx, input.orderId);
      return getBid(ctx.db, bidId);
    }),

  withdraw: authedProcedure.input(BidIdInput).mutation(({ ctx, input }) => {
    assertMemberOfOwner(ctx.user, bidOwner(ctx.db, input.bidId));
    // A joint bid is the partnership's word: only its lead, who submitted it, takes it back.
    const { partnershipId } = getBid(ctx.db, input.bidId);
    if (partnershipId !== null) assertLead(ctx.user, getPartnership(ctx.db, partnershipId));
    const { orderId } = withdrawBid(ctx.db, input.bidId);
    publishBidCount(ctx, orderId);
    return getBid(ctx.db, input.bidId);
  }),

  /** The bids of an order as the caller may see them: all (funders), its own (bidder), or a count. */
  ofOrder: authedProcedure.input(OrderIdInput).query(({ ctx, input }) => {
    const { funderIds } = assertCanSeeOrder(ctx.db, ctx.user, input.orderId);
    return bidsVisibleTo(ctx.db, ctx.user, input.orderId, funderIds);
  }),

  mine: organisationProcedure().input(OrganisationIdInput).query(({ ctx, input }) => bidsOfOrganisation(ctx.db, input.organisationId)),
});

/** A bid came or went: the order's room and the round's feed learn the new count, never the content. */
function publishBidCount(ctx: Parameters<typeof dashboardContext>[0], orderId: number) {
  const { bidCount } = orderEventPayload(ctx.db, orderId);
  publishOrder(dashboardContext(ctx), orderId, { kind: 'bids_changed', count: bidCount, amountCents: 0 });
}
