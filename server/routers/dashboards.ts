import { z } from 'zod';
import { toPublicNationalDashboard, toPublicRoundDashboard } from '../../shared/domain/dashboards';
import { Year } from '../../shared/schemas/common';
import { RoundIdInput } from '../../shared/schemas/rounds';
import { roundActivity } from '../realtime/dashboards';
import { nationalDashboard, roundDashboard } from '../services/dashboards';
import { authedProcedure, operatorProcedure, publicProcedure, router } from '../trpc';

const YearInput = z.object({ year: Year.optional() }).strict();
const currentYear = () => new Date().getUTCFullYear();

export const dashboardsRouter = router({
  /** A round's dashboard for signed-in participants. */
  round: authedProcedure.input(RoundIdInput).query(({ ctx, input }) => roundDashboard(ctx.db, input.roundId, ctx.config.ratio)),

  /** The public, read-only link of a round: aggregates only (whitelisted field by field). */
  publicRound: publicProcedure.input(RoundIdInput).query(({ ctx, input }) => toPublicRoundDashboard(roundDashboard(ctx.db, input.roundId, ctx.config.ratio))),

  /** The round's live feed: order titles and amounts, no person. */
  roundActivity: publicProcedure.input(RoundIdInput).query(({ ctx, input }) => roundActivity(ctx.bus, input.roundId)),

  national: operatorProcedure.input(YearInput).query(({ ctx, input }) => nationalDashboard(ctx.db, input.year ?? currentYear(), ctx.config.ratio)),

  /** The public national view: the same aggregates, nothing about any person. */
  publicNational: publicProcedure
    .input(YearInput)
    .query(({ ctx, input }) => toPublicNationalDashboard(nationalDashboard(ctx.db, input.year ?? currentYear(), ctx.config.ratio))),
});
