import { lineAmount } from '../../shared/money';
import { OrganisationIdInput } from '../../shared/schemas/common';
import { CoFundInput, CreateOrderInput, OpenOrdersInput, OrderIdInput, RecordPaymentInput, UpdateOrderInput } from '../../shared/schemas/orders';
import { forbidden } from '../errors';
import { publishClosed, publishOrder } from '../realtime/publish';
import { closeOrder } from '../services/credits';
import { CloseOrderInput } from '../../shared/schemas/money';
import { awardsVisibleTo } from '../services/awards';
import { getOrganisation } from '../services/organisations';
import {
  assertCanSeeOrder,
  assertOrderCreator,
  cancelOrder,
  coFund,
  coFundableOrders,
  createOrder,
  getOrderRow,
  openOrdersForActor,
  ordersOfFunder,
  orderTotals,
  publishOrder as publish,
  recordPayment,
  spendingOfFunder,
  updateOrder,
} from '../services/orders';
import { dashboardContext } from '../realtime/dashboards';
import { authedProcedure, organisationProcedure, router } from '../trpc';
import { passCountsOfOrder } from '../services/passes/booklets';

export const ordersRouter = router({
  ofFunder: organisationProcedure({ operatorMayRead: true })
    .input(OrganisationIdInput)
    .query(({ ctx, input }) => {
      if (getOrganisation(ctx.db, input.organisationId).kind !== 'funder') throw forbidden('Cette organisation n’est pas un commanditaire');
      // Orders that require pass carry their counts: the funder follows them all from its space.
      return ordersOfFunder(ctx.db, input.organisationId).map((order) => ({ ...order, passes: order.passRequired ? passCountsOfOrder(ctx.db, order.id) : null }));
    }),

  /** Open orders one of the actor's qualified places could answer. */
  open: organisationProcedure().input(OpenOrdersInput).query(({ ctx, input }) => openOrdersForActor(ctx.db, input)),

  /** Published orders still short of their amount, that this funder could co-fund. */
  coFundable: organisationProcedure()
    .input(OrganisationIdInput)
    .query(({ ctx, input }) => {
      if (getOrganisation(ctx.db, input.organisationId).kind !== 'funder') throw forbidden('Cette organisation n’est pas un commanditaire');
      return coFundableOrders(ctx.db, input.organisationId);
    }),

  get: authedProcedure.input(OrderIdInput).query(({ ctx, input }) => {
    const { order, isFunder, isCreator } = assertCanSeeOrder(ctx.db, ctx.user, input.orderId);
    return { order, totals: orderTotals(ctx.db, order), awards: awardsVisibleTo(ctx.db, ctx.user, order, isFunder), viewer: { isFunder, isCreator } };
  }),

  create: organisationProcedure()
    .input(CreateOrderInput)
    .mutation(({ ctx, input }) => {
      const { organisationId, ...fields } = input;
      return { orderId: createOrder(ctx.db, organisationId, fields, ctx.user.id, ctx.config.DELIVERY_GRACE_MONTHS) };
    }),

  update: authedProcedure.input(UpdateOrderInput).mutation(({ ctx, input }) => {
    const { orderId, ...fields } = input;
    assertOrderCreator(ctx.db, ctx.user, orderId);
    updateOrder(ctx.db, orderId, fields, ctx.config.DELIVERY_GRACE_MONTHS);
    return getOrderRow(ctx.db, orderId);
  }),

  publish: authedProcedure.input(OrderIdInput).mutation(({ ctx, input }) => {
    assertOrderCreator(ctx.db, ctx.user, input.orderId);
    publish(ctx.db, input.orderId, undefined, ctx.user.id);
    const order = getOrderRow(ctx.db, input.orderId);
    publishOrder(dashboardContext(ctx), input.orderId, { kind: 'order_published', count: order.quantity, amountCents: lineAmount(order.quantity, order.unitPriceCents) });
    return getOrderRow(ctx.db, input.orderId);
  }),

  cancel: authedProcedure.input(OrderIdInput).mutation(({ ctx, input }) => {
    assertOrderCreator(ctx.db, ctx.user, input.orderId);
    cancelOrder(ctx.db, input.orderId, ctx.user.id);
    publishOrder(dashboardContext(ctx), input.orderId);
    return getOrderRow(ctx.db, input.orderId);
  }),

  /** Another funder joins a published order with a share of its budget. */
  coFund: organisationProcedure()
    .input(CoFundInput)
    .mutation(({ ctx, input }) => {
      assertCanSeeOrder(ctx.db, ctx.user, input.orderId);
      coFund(ctx.db, input);
      publishOrder(dashboardContext(ctx), input.orderId);
      return orderTotals(ctx.db, getOrderRow(ctx.db, input.orderId));
    }),

  /** A funder records the payment of (part of) its share into the ring-fenced account. */
  recordPayment: organisationProcedure()
    .input(RecordPaymentInput)
    .mutation(({ ctx, input }) => {
      assertCanSeeOrder(ctx.db, ctx.user, input.orderId);
      const result = recordPayment(ctx.db, input, ctx.user.id);
      if (!result.replayed) publishOrder(dashboardContext(ctx), input.orderId);
      return { ...result, totals: orderTotals(ctx.db, getOrderRow(ctx.db, input.orderId)) };
    }),

  /**
   * The funder closes an order once its delivery window is over (the system does it after the
   * grace period): undelivered awards are released and what is left returns as credit notes.
   */
  close: authedProcedure.input(CloseOrderInput).mutation(({ ctx, input }) => {
    assertOrderCreator(ctx.db, ctx.user, input.orderId);
    const result = closeOrder(ctx.db, input.orderId, { userId: ctx.user.id, reason: input.reason || 'Clôture par le commanditaire après la période de réalisation' });
    publishClosed(dashboardContext(ctx), result);
    return { ...result, order: getOrderRow(ctx.db, input.orderId) };
  }),

  spending: organisationProcedure({ operatorMayRead: true })
    .input(OrganisationIdInput)
    .query(({ ctx, input }) => spendingOfFunder(ctx.db, input.organisationId)),
});
