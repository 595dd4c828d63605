import { trpc } from './client';

export const fetchPlacesOfOrganisation = (organisationId: number) => trpc.places.ofOrganisation.query({ organisationId });
export const fetchPlacesOfPartnership = (organisationId: number) => trpc.places.ofPartnership.query({ organisationId });
export const fetchPlace = (placeId: number) => trpc.places.get.query({ placeId });

export type PlaceSummary = Awaited<ReturnType<typeof fetchPlacesOfOrganisation>>[number];
