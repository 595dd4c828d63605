import type { RoundActivity } from '../../../shared/events';
import { trpc } from './client';

export const fetchRoundDashboard = (roundId: number) => trpc.dashboards.round.query({ roundId });
export const fetchRoundActivity = (roundId: number): Promise<RoundActivity[]> => trpc.dashboards.roundActivity.query({ roundId });
export const fetchNationalDashboard = () => trpc.dashboards.national.query({});
export const fetchPublicNationalDashboard = () => trpc.dashboards.publicNational.query({});

export type RoundDashboard = Awaited<ReturnType<typeof fetchRoundDashboard>>;
export type NationalDashboard = Awaited<ReturnType<typeof fetchNationalDashboard>>;
export type HistogramBin = RoundDashboard['places']['histogram'][number];
export type DepartementBalance = RoundDashboard['departements'][number];
export type PlacesPicture = RoundDashboard['places'];

/**
 * The public round dashboard: the server whitelists it field by field (`toPublicRoundDashboard`),
 * which loses the static type; every whitelisted field has the shape of the signed-in one, and the
 * public whitelist holds them all, so it is read with the same type.
 */
export const fetchPublicRoundDashboard = async (roundId: number) =>
  (await trpc.dashboards.publicRound.query({ roundId })) as unknown as RoundDashboard;
