import { trpc } from './client';

export const fetchPlacesOfOrganisation = (organisationId: number) => trpc.places.ofOrganisation.query({ organisationId });

export type PlaceSummary = Awaited<ReturnType<typeof fetchPlacesOfOrganisation>>[number];
export const fetchPlacesOfPartnership = (organisationId: number) => trpc.places.ofPartnership.query({ organisationId });
