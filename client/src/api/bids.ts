import type { SubmitBidInput } from '../../../shared/schemas/bids';
import { trpc } from './client';

export const fetchBidsOfOrder = (orderId: number) => trpc.bids.ofOrder.query({ orderId });
export const submitBid = (input: SubmitBidInput) => trpc.bids.submit.mutate(input);
export const withdrawBid = (bidId: number) => trpc.bids.withdraw.mutate({ bidId });

export type BidsOfOrder = Awaited<ReturnType<typeof fetchBidsOfOrder>>;
export type Bid = BidsOfOrder['bids'][number];
export type BidLine = Bid['lines'][number];
