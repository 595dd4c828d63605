import { z } from 'zod';
import { Id } from '../../shared/schemas/common';
import { MarkPayoutPaidInput, SettlementIdInput, SettlementMonthInput } from '../../shared/schemas/money';
import { assertCanReadOwned } from '../permissions';
import { publishPlaceFigures } from '../realtime/publish';
import { placeOwner } from '../services/places';
import { listSettlements, markPayoutPaid, payoutsOfPlace, payoutsOfSettlement, runSettlement } from '../services/settlement';
import { authedProcedure, costly, operatorProcedure, router } from '../trpc';

/** Monthly counter-payment settlement (issue 7): run and paid by the operator, read by each place. */
export const settlementsRouter = router({
  list: operatorProcedure.query(({ ctx }) => listSettlements(ctx.db)),

  /** Runs a finished month; the same month again returns the first run. */
  run: operatorProcedure.use(costly).input(SettlementMonthInput).mutation(({ ctx, input }) => {
    const result = runSettlement(ctx.db, input.month, ctx.user.id);
    for (const { placeId, figures } of result.figures) publishPlaceFigures(ctx.bus, placeId, [figures]);
    return { settlementId: result.settlementId, month: result.month, replayed: result.replayed, payouts: result.payouts };
  }),

  payouts: operatorProcedure.input(SettlementIdInput).query(({ ctx, input }) => payoutsOfSettlement(ctx.db, input.settlementId)),

  /** Records the bank transfer of a payout: the place's estimated money becomes paid, live. */
  markPaid: operatorProcedure.input(MarkPayoutPaidInput).mutation(({ ctx, input }) => {
    const result = markPayoutPaid(ctx.db, input, ctx.user.id);
    if (!result.replayed) publishPlaceFigures(ctx.bus, result.placeId, result.figures);
    return { payoutId: result.payoutId, replayed: result.replayed };
  }),

  /** A place's payouts, for its organisation and the operator. */
  ofPlace: authedProcedure.input(z.object({ placeId: Id }).strict()).query(({ ctx, input }) => {
    assertCanReadOwned(ctx.user, placeOwner(ctx.db, input.placeId), 'Lieu');
    return payoutsOfPlace(ctx.db, input.placeId);
  }),
});
