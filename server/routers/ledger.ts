import { checkLedger } from '../services/ledger-check';
import { operatorProcedure, router } from '../trpc';

export const ledgerRouter = router({
  /** Recomputes every figure from the ledger entries and lists any difference. */
  check: operatorProcedure.query(({ ctx }) => checkLedger(ctx.db)),
});
