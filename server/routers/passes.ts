import {
  AssignBookletsInput,
  BookletIdInput,
  CheckPassInput,
  ExportPassesInput,
  HandOutBookletInput,
  IssueBookletsInput,
  OrderPassesInput,
  RedeemPassInput,
} from '../../shared/schemas/passes';
import { dashboardContext } from '../realtime/dashboards';
import { publishPasses } from '../realtime/publish';
import { assertBookletsExport, passesCsv } from '../services/passes/export';
import { assertCanFollowPasses, bookletsOfOrder, issueBooklets, passCountsOfOrder, printBooklet } from '../services/passes/booklets';
import { assignBooklets, handOutBooklet } from '../services/passes/prescribers';
import { checkPass, redeemPass } from '../services/passes/redeem';
import { authedProcedure, costly, router } from '../trpc';
import { publishDeliveries } from './deliveries';

/**
 * Proof of delivery with pass (issue 11): funders issue booklets and give them to prescribers,
 * prescribers hand them to people, places redeem them as they deliver.
 */
export const passesRouter = router({
  /** A funder of the order issues booklets, never beyond the funded quantity. */
  issue: authedProcedure.input(IssueBookletsInput).mutation(({ ctx, input }) => {
    const issued = issueBooklets(ctx.db, ctx.user, input);
    publishPasses(ctx.bus, ctx.db, issued.orderId);
    return issued;
  }),

  /** An order's counts and booklets, for its funders (and the operator). */
  ofOrder: authedProcedure.input(OrderPassesInput).query(({ ctx, input }) => {
    const order = assertCanFollowPasses(ctx.db, ctx.user, input.orderId);
    return { passRequired: !!order.passRequired, counts: passCountsOfOrder(ctx.db, input.orderId), booklets: bookletsOfOrder(ctx.db, input.orderId) };
  }),

  /**
   * One booklet with its codes, to print: its order's funders and the prescriber holding it. A
   * mutation: every opening of codes (each worth a service) is written in the audit trail.
   */
  printBooklet: authedProcedure.input(BookletIdInput).mutation(({ ctx, input }) => printBooklet(ctx.db, ctx.user, input.bookletId)),

  /**
   * The codes of an order's booklets as a French CSV (for a print shop or a mail merge). A
   * mutation: it writes the export in the audit trail, so it goes under the Origin check.
   */
  exportCsv: authedProcedure
    .use(costly)
    .input(ExportPassesInput)
    .mutation(({ ctx, input }) => {
      assertBookletsExport(ctx.db, ctx.user, input);
      return passesCsv(ctx.db, ctx.user, input);
    }),

  /** Gives booklets to one of the funder's prescribers (or takes them back with null). */
  assign: authedProcedure.input(AssignBookletsInput).mutation(({ ctx, input }) => {
    const { orders, previousHolders } = assignBooklets(ctx.db, ctx.user, input);
    for (const orderId of orders) publishPasses(ctx.bus, ctx.db, orderId, previousHolders);
    return { assigned: input.bookletIds.length };
  }),

  /** A prescriber notes that a booklet went to a person: a date and an optional anonymous category. */
  handOut: authedProcedure.input(HandOutBookletInput).mutation(({ ctx, input }) => {
    const orderId = handOutBooklet(ctx.db, ctx.user, input);
    publishPasses(ctx.bus, ctx.db, orderId);
    return { ok: true as const };
  }),

  /** What a typed code would pay for at this place, before confirming; wrong codes count against the limit. */
  check: authedProcedure.input(CheckPassInput).mutation(({ ctx, input }) => checkPass(ctx.db, ctx.user, input, ctx.limits.wrongPassCodes)),

  /** Redeems a pass and records its delivery, in one transaction; again with the same code, the first result. */
  redeem: authedProcedure.input(RedeemPassInput).mutation(({ ctx, input }) => {
    const result = redeemPass(ctx.db, ctx.user, input, ctx.limits.wrongPassCodes);
    if (!result.replayed) {
      publishDeliveries(dashboardContext(ctx), [result]);
      publishPasses(ctx.bus, ctx.db, result.orderId);
    }
    return { delivery: result.delivery, replayed: result.replayed, figures: result.figures };
  }),
});
