import { z } from 'zod';
import { QUALIFICATION_STATUSES } from '../domain/enums';
import { Id, Year } from './common';

export const PlacesOfOrganisationInput = z
  .object({
    organisationId: Id,
    year: Year.optional(),
  })
  .strict();
export type PlacesOfOrganisationInput = z.infer<typeof PlacesOfOrganisationInput>;

export const PlaceInput = z.object({ placeId: Id, year: Year.optional() }).strict();
export type PlaceInput = z.infer<typeof PlaceInput>;

export const QualificationQueueInput = z
  .object({
    status: z.enum(QUALIFICATION_STATUSES).default('applied'),
    year: Year.optional(),
  })
  .strict();
export type QualificationQueueInput = z.input<typeof QualificationQueueInput>;

/** The two encodings of the national « lieux de médiation numérique » standard (decision 0014). */
export const STANDARD_FORMATS = ['json', 'csv'] as const;
export const StandardFormat = z.enum(STANDARD_FORMATS, { error: 'Format attendu : json ou csv' });
export type StandardFormat = z.infer<typeof StandardFormat>;

/** The operator's copy of the open-data export, with each place's revenue. */
export const PlacesExportInput = z.object({ format: StandardFormat }).strict();
export type PlacesExportInput = z.infer<typeof PlacesExportInput>;
