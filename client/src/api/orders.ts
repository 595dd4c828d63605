import type { CoFundInput, CreateOrderInput, OpenOrdersInput, RecordPaymentInput } from '../../../shared/schemas/orders';
import { trpc } from './client';

export const fetchOrdersOfFunder = (organisationId: number) => trpc.orders.ofFunder.query({ organisationId });
export const fetchOpenOrders = (input: OpenOrdersInput) => trpc.orders.open.query(input);
export const fetchOrder = (orderId: number) => trpc.orders.get.query({ orderId });
export const createOrder = (input: CreateOrderInput) => trpc.orders.create.mutate(input);
export const publishOrder = (orderId: number) => trpc.orders.publish.mutate({ orderId });
export const cancelOrder = (orderId: number) => trpc.orders.cancel.mutate({ orderId });
export const coFund = (input: CoFundInput) => trpc.orders.coFund.mutate(input);
export const recordPayment = (input: RecordPaymentInput) => trpc.orders.recordPayment.mutate(input);
export const fetchSpending = (organisationId: number) => trpc.orders.spending.query({ organisationId });

export type FunderOrder = Awaited<ReturnType<typeof fetchOrdersOfFunder>>[number];
export type OpenOrder = Awaited<ReturnType<typeof fetchOpenOrders>>[number];
export type OrderView = Awaited<ReturnType<typeof fetchOrder>>;
export type Order = OrderView['order'];
export type OrderTotals = OrderView['totals'];
export type Spending = Awaited<ReturnType<typeof fetchSpending>>;
