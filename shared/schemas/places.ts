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
