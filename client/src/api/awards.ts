import type { AwardInput } from '../../../shared/schemas/bids';
import { trpc } from './client';

export const createAwards = (input: AwardInput) => trpc.awards.create.mutate(input);
export const rejectBids = (orderId: number, bidIds: number[]) => trpc.awards.rejectBids.mutate({ orderId, bidIds });
export const closeBidding = (orderId: number) => trpc.awards.closeBidding.mutate({ orderId });
export const finishAwarding = (orderId: number) => trpc.awards.finish.mutate({ orderId });
export const fetchAwardsOfPlace = (placeId: number) => trpc.awards.ofPlace.query({ placeId });

export type PlaceAward = Awaited<ReturnType<typeof fetchAwardsOfPlace>>[number];
export const fetchAllocation = (orderId: number) => trpc.awards.recommend.query({ orderId });

export type AllocationProposal = Awaited<ReturnType<typeof fetchAllocation>>;
