import { nationalSummary } from '../services/national';
import { operatorProcedure, router } from '../trpc';

export const nationalRouter = router({
  summary: operatorProcedure.query(({ ctx }) => nationalSummary(ctx.db, ctx.config.ratio)),
});
