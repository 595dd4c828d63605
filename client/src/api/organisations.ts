import { trpc } from './client';

export const fetchOrganisation = (organisationId: number) => trpc.organisations.get.query({ organisationId });
export const fetchNationalSummary = () => trpc.national.summary.query();
export const fetchConfig = () => trpc.config.get.query();

export type Organisation = Awaited<ReturnType<typeof fetchOrganisation>>;
export type NationalSummary = Awaited<ReturnType<typeof fetchNationalSummary>>;
