import { FunderStatementInput, PlaceStatementInput } from '../../shared/schemas/money';
import { assertCanReadOwned } from '../permissions';
import { placeOwner } from '../services/places';
import { funderStatement, funderStatementCsv, placeStatement, placeStatementCsv } from '../services/statements';
import { authedProcedure, costly, organisationProcedure, router } from '../trpc';

/** Statements as data (printable pages) and as French CSV (issue 7). */
export const statementsRouter = router({
  place: authedProcedure.input(PlaceStatementInput).query(({ ctx, input }) => {
    assertCanReadOwned(ctx.user, placeOwner(ctx.db, input.placeId), 'Lieu');
    return placeStatement(ctx.db, input.placeId, input.month);
  }),

  placeCsv: authedProcedure.use(costly).input(PlaceStatementInput).query(({ ctx, input }) => {
    assertCanReadOwned(ctx.user, placeOwner(ctx.db, input.placeId), 'Lieu');
    return placeStatementCsv(placeStatement(ctx.db, input.placeId, input.month));
  }),

  funder: organisationProcedure({ operatorMayRead: true })
    .input(FunderStatementInput)
    .query(({ ctx, input }) => funderStatement(ctx.db, input.organisationId, input.year)),

  funderCsv: organisationProcedure({ operatorMayRead: true })
    .use(costly)
    .input(FunderStatementInput)
    .query(({ ctx, input }) => funderStatementCsv(funderStatement(ctx.db, input.organisationId, input.year))),
});
