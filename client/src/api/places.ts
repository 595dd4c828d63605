import { trpc } from './client';

export const fetchPlacesOfOrganisation = (organisationId: number) => trpc.places.ofOrganisation.query({ organisationId });
export const fetchPlacesOfPartnership = (organisationId: number) => trpc.places.ofPartnership.query({ organisationId });
export const fetchPlace = (placeId: number) => trpc.places.get.query({ placeId });

export type PlaceSummary = Awaited<ReturnType<typeof fetchPlacesOfOrganisation>>[number];

/** The open-data file of qualified places, in the national standard (decision 0014). */
export const fetchOpenDataPlaces = (format: 'json' | 'csv') => (format === 'json' ? trpc.lieux.exportJson.query() : trpc.lieux.exportCsv.query());
/** The operator's copy, with this year's revenue per place. */
export const fetchOperatorPlacesExport = (format: 'json' | 'csv') => trpc.lieux.operatorExport.query({ format });
