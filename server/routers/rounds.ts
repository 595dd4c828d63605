import { AttachOrderInput, CreateRoundInput, RoundIdInput } from '../../shared/schemas/rounds';
import { dashboardContext, publishDashboards, publishRounds } from '../realtime/dashboards';
import { attachOrder, createRound, getRound, listRounds, moveRound } from '../services/rounds';
import { authedProcedure, operatorProcedure, router } from '../trpc';

export const roundsRouter = router({
  list: authedProcedure.query(({ ctx }) => listRounds(ctx.db)),

  get: authedProcedure.input(RoundIdInput).query(({ ctx, input }) => getRound(ctx.db, input.roundId)),

  create: operatorProcedure.input(CreateRoundInput).mutation(({ ctx, input }) => ({
    roundId: createRound(ctx.db, ctx.operatorMembership.organisationId, input),
  })),

  open: operatorProcedure.input(RoundIdInput).mutation(({ ctx, input }) => {
    const round = moveRound(ctx.db, input.roundId, 'open');
    publishDashboards(dashboardContext(ctx), { departementCodes: round.departementCodes });
    return round;
  }),

  close: operatorProcedure.input(RoundIdInput).mutation(({ ctx, input }) => {
    const round = moveRound(ctx.db, input.roundId, 'closed');
    // Its dashboards show the closing itself; after that a closed round no longer moves live.
    publishRounds(dashboardContext(ctx), [round], round.departementCodes);
    return round;
  }),

  /** The order's funder attaches it to an open round covering its territory. */
  attachOrder: authedProcedure.input(AttachOrderInput).mutation(({ ctx, input }) => {
    attachOrder(ctx.db, ctx.user, input.roundId, input.orderId);
    publishDashboards(dashboardContext(ctx), { departementCodes: getRound(ctx.db, input.roundId).departementCodes, orderId: input.orderId });
    return { ok: true as const };
  }),
});
