import type { AttachOrderInput, CreateRoundInput } from '../../../shared/schemas/rounds';
import { trpc } from './client';

export const fetchRounds = () => trpc.rounds.list.query();
export const fetchRound = (roundId: number) => trpc.rounds.get.query({ roundId });
export const createRound = (input: CreateRoundInput) => trpc.rounds.create.mutate(input);
export const openRound = (roundId: number) => trpc.rounds.open.mutate({ roundId });
export const closeRound = (roundId: number) => trpc.rounds.close.mutate({ roundId });
export const attachOrderToRound = (input: AttachOrderInput) => trpc.rounds.attachOrder.mutate(input);

export type Round = Awaited<ReturnType<typeof fetchRounds>>[number];
