import { QualificationDecisionInput, ApplyPlaceInput } from '../../shared/schemas/qualification';
import { QualificationQueueInput } from '../../shared/schemas/places';
import { DepartementCode, Year } from '../../shared/schemas/common';
import { z } from 'zod';
import { applyForPlace, decide, departementBalance, qualificationQueue, statusHistory } from '../services/qualification';
import { getPlace } from '../services/places';
import { operatorProcedure, organisationProcedure, router } from '../trpc';

const currentYear = () => new Date().getFullYear();

export const qualificationRouter = router({
  /** An actor applies for a place; the operator's queue learns it at once. */
  submitApplication: organisationProcedure()
    .input(ApplyPlaceInput)
    .mutation(({ ctx, input }) => {
      const placeId = applyForPlace(ctx.db, input, ctx.user.id);
      ctx.bus.publish('national', 'qualification.queue', { placeId, status: 'applied' });
      return getPlace(ctx.db, placeId, currentYear());
    }),

  queue: operatorProcedure.input(QualificationQueueInput).query(({ ctx, input }) =>
    qualificationQueue(ctx.db, input.status, input.year ?? currentYear(), ctx.config.ratio),
  ),

  balance: operatorProcedure
    .input(z.object({ departementCode: DepartementCode, year: Year.optional() }).strict())
    .query(({ ctx, input }) => departementBalance(ctx.db, input.departementCode, input.year ?? currentYear(), ctx.config.ratio)),

  decide: operatorProcedure.input(QualificationDecisionInput).mutation(({ ctx, input }) => {
    const result = decide(ctx.db, input.placeId, input.decision, input.reason, ctx.user.id);
    ctx.bus.publish(`place:${result.placeId}`, 'place.status', { placeId: result.placeId, status: result.status });
    ctx.bus.publish(`org:${result.organisationId}`, 'place.status', { placeId: result.placeId, status: result.status });
    ctx.bus.publish('national', 'qualification.queue', { placeId: result.placeId, status: result.status });
    return result;
  }),

  history: operatorProcedure
    .input(z.object({ placeId: z.number().int().positive() }).strict())
    .query(({ ctx, input }) => statusHistory(ctx.db, [input.placeId])),
});
