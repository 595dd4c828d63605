import { AwardIdInput, RecordDeliveryBatchInput, RecordDeliveryInput } from '../../shared/schemas/deliveries';
import { assertCanReadOwned, assertMemberOfOwner } from '../permissions';
import { publishOrder, publishPlaceFigures } from '../realtime/publish';
import { recordDeliveryGrouped } from '../services/delivery-commits';
import { awardOwner, deliveriesOfAward, recordDeliveryBatch, type DeliveryResult } from '../services/deliveries';
import { dashboardContext, type DashboardContext } from '../realtime/dashboards';
import { authedProcedure, costly, router } from '../trpc';

/** After commit: each place's figures, then each order once with its activity line (services, amount). */
export function publishDeliveries(ctx: DashboardContext, results: DeliveryResult[]) {
  const orders = new Map<number, { count: number; amountCents: number }>();
  const places = new Set<number>();
  for (const result of results) {
    if (result.replayed) continue;
    // The rows of one place carry the same figures (after the whole write): published once.
    if (!places.has(result.placeId)) publishPlaceFigures(ctx.bus, result.placeId, result.figures);
    places.add(result.placeId);
    const total = orders.get(result.orderId) ?? { count: 0, amountCents: 0 };
    orders.set(result.orderId, { count: total.count + result.delivery.quantity, amountCents: total.amountCents + result.delivery.amountCents });
  }
  for (const [orderId, total] of orders) publishOrder(ctx, orderId, { kind: 'deliveries', ...total });
}

const summary = (r: DeliveryResult) => ({ delivery: r.delivery, replayed: r.replayed, figures: r.figures });

export const deliveriesRouter = router({
  /** One delivery; replaying the same idempotency key returns the first result and counts once. */
  record: authedProcedure.input(RecordDeliveryInput).mutation(async ({ ctx, input }) => {
    assertMemberOfOwner(ctx.user, awardOwner(ctx.db, input.awardId));
    // Committed with the other single deliveries of this turn of the event loop (decision 0019).
    const result = await recordDeliveryGrouped(ctx.db, ctx.user, input);
    publishDeliveries(dashboardContext(ctx), [result]);
    return summary(result);
  }),

  /** Up to 1 000 deliveries, all or nothing, with the errors of every refused row. */
  recordBatch: authedProcedure.use(costly).input(RecordDeliveryBatchInput).mutation(({ ctx, input }) => {
    const results = recordDeliveryBatch(ctx.db, ctx.user, input.rows);
    publishDeliveries(dashboardContext(ctx), results);
    return { recorded: results.filter((r) => !r.replayed).length, replayed: results.filter((r) => r.replayed).length };
  }),

  ofAward: authedProcedure.input(AwardIdInput).query(({ ctx, input }) => {
    assertCanReadOwned(ctx.user, awardOwner(ctx.db, input.awardId), 'Attribution');
    return deliveriesOfAward(ctx.db, input.awardId);
  }),
});
