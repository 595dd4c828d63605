import { z } from 'zod';
import { AwardInput, RejectBidsInput } from '../../shared/schemas/bids';
import { OrderIdInput } from '../../shared/schemas/orders';
import { Id } from '../../shared/schemas/common';
import { assertCanReadOwned } from '../permissions';
import { publishOrder, publishPlaceFigures } from '../realtime/publish';
import { allocationProposal } from '../services/allocation';
import { awardLines, awardsOfPlace, closeBidding, finishAwarding, rejectBids } from '../services/awards';
import { assertOrderCreator } from '../services/orders';
import { placeOwner } from '../services/places';
import { dashboardContext } from '../realtime/dashboards';
import { authedProcedure, costly, router } from '../trpc';

export const awardsRouter = router({
  /** The creating funder awards lines of standing bids (all checks in one transaction). */
  create: authedProcedure.input(AwardInput).mutation(({ ctx, input }) => {
    assertOrderCreator(ctx.db, ctx.user, input.orderId);
    const result = awardLines(ctx.db, input, ctx.user.id);
    for (const { placeId, figures } of result.figures) publishPlaceFigures(ctx.bus, placeId, [figures]);
    const awarded = input.lines.reduce((sum, l) => sum + l.quantity, 0);
    publishOrder(dashboardContext(ctx), input.orderId, { kind: 'award_made', count: awarded, amountCents: result.amountCents });
    return result;
  }),

  /** The consolidating proposal and, for comparison, the naive pro-rata split (the creator funder only). */
  recommend: authedProcedure.use(costly).input(OrderIdInput).query(({ ctx, input }) => {
    assertOrderCreator(ctx.db, ctx.user, input.orderId);
    return allocationProposal(ctx.db, input.orderId, ctx.config.ratio);
  }),

  rejectBids: authedProcedure.input(RejectBidsInput).mutation(({ ctx, input }) => {
    assertOrderCreator(ctx.db, ctx.user, input.orderId);
    rejectBids(ctx.db, input.orderId, input.bidIds);
    publishOrder(dashboardContext(ctx), input.orderId);
    return { ok: true as const };
  }),

  closeBidding: authedProcedure.input(OrderIdInput).mutation(({ ctx, input }) => {
    assertOrderCreator(ctx.db, ctx.user, input.orderId);
    closeBidding(ctx.db, input.orderId, ctx.user.id);
    publishOrder(dashboardContext(ctx), input.orderId);
    return { ok: true as const };
  }),

  finish: authedProcedure.input(OrderIdInput).mutation(({ ctx, input }) => {
    assertOrderCreator(ctx.db, ctx.user, input.orderId);
    finishAwarding(ctx.db, input.orderId);
    publishOrder(dashboardContext(ctx), input.orderId);
    return { ok: true as const };
  }),

  ofPlace: authedProcedure.input(z.object({ placeId: Id }).strict()).query(({ ctx, input }) => {
    assertCanReadOwned(ctx.user, placeOwner(ctx.db, input.placeId), 'Lieu');
    return awardsOfPlace(ctx.db, input.placeId);
  }),
});
