import { AwardIdInput, RecordDeliveryBatchInput, RecordDeliveryInput } from '../../shared/schemas/deliveries';
import { assertCanReadOwned, assertMemberOfOwner } from '../permissions';
import { publishOrder, publishPlaceFigures } from '../realtime/publish';
import { awardOwner, deliveriesOfAward, recordDelivery, recordDeliveryBatch, type DeliveryResult } from '../services/deliveries';
import type { EventBus } from '../realtime/bus';
import type { Db } from '../../db/client';
import { authedProcedure, router } from '../trpc';

function publishDeliveries(bus: EventBus, db: Db, results: DeliveryResult[]) {
  const orders = new Set<number>();
  for (const result of results) {
    if (result.replayed) continue;
    publishPlaceFigures(bus, result.placeId, result.figures);
    orders.add(result.orderId);
  }
  for (const orderId of orders) publishOrder(bus, db, orderId);
}

const summary = (r: DeliveryResult) => ({ delivery: r.delivery, replayed: r.replayed, figures: r.figures });

export const deliveriesRouter = router({
  /** One delivery; replaying the same idempotency key returns the first result and counts once. */
  record: authedProcedure.input(RecordDeliveryInput).mutation(({ ctx, input }) => {
    assertMemberOfOwner(ctx.user, awardOwner(ctx.db, input.awardId));
    const result = recordDelivery(ctx.db, ctx.user, input);
    publishDeliveries(ctx.bus, ctx.db, [result]);
    return summary(result);
  }),

  /** Up to 1 000 deliveries, all or nothing, with the errors of every refused row. */
  recordBatch: authedProcedure.input(RecordDeliveryBatchInput).mutation(({ ctx, input }) => {
    const results = recordDeliveryBatch(ctx.db, ctx.user, input.rows);
    publishDeliveries(ctx.bus, ctx.db, results);
    return { recorded: results.filter((r) => !r.replayed).length, replayed: results.filter((r) => r.replayed).length };
  }),

  ofAward: authedProcedure.input(AwardIdInput).query(({ ctx, input }) => {
    assertCanReadOwned(ctx.user, awardOwner(ctx.db, input.awardId), 'Attribution');
    return deliveriesOfAward(ctx.db, input.awardId);
  }),
});
