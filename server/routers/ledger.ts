import { checkLedger } from '../services/ledger-check';
import { safeguardingReport } from '../services/safeguarding';
import { costly, operatorProcedure, router } from '../trpc';

export const ledgerRouter = router({
  /** Recomputes every figure from the ledger entries and lists any difference. */
  check: operatorProcedure.use(costly).query(({ ctx }) => checkLedger(ctx.db)),
  /** What the ring-fenced accounts hold against outstanding commitments, reconciled with the entries. */
  safeguarding: operatorProcedure.use(costly).query(({ ctx }) => safeguardingReport(ctx.db)),
});
