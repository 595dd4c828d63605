import { z } from 'zod';
import { PLACE_MODES } from '../domain/enums';
import { ELIGIBILITY_CRITERIA, QUALIFICATION_DECISIONS } from '../domain/qualification';
import { CommuneCode, Id, ServiceField, ShortText, Siret } from './common';
import { StandardFormat } from './places';

const EligibilityAnswers = z.object(
  Object.fromEntries(ELIGIBILITY_CRITERIA.map((c) => [c, z.boolean({ error: 'Réponse oui/non requise' })])) as Record<
    (typeof ELIGIBILITY_CRITERIA)[number],
    z.ZodBoolean
  >,
);

/** An actor's application for one place (lieu). Server-side checks (communes exist, SIRET matches) come on top. */
export const ApplyPlaceInput = z
  .object({
    organisationId: Id,
    siret: Siret,
    name: ShortText(120),
    mode: z.enum(PLACE_MODES),
    mainCommuneCode: CommuneCode,
    /** Other points of presence: the communes an itinerant place visits or a home service covers. */
    communeCodes: z.array(CommuneCode).max(60).default([]),
    address: z.string().trim().max(200).optional(),
    services: z.array(ServiceField).min(1, { error: 'Au moins un service' }).max(20),
    yearlyCapacity: z.number().int().min(1).max(100_000),
    legalRepresentative: ShortText(120),
    eligibility: EligibilityAnswers.strict(),
  })
  .strict()
  .superRefine((input, ctx) => {
    if (input.mode === 'itinerant' && new Set([input.mainCommuneCode, ...input.communeCodes]).size < 2) {
      ctx.addIssue({ code: 'custom', path: ['communeCodes'], message: 'Un lieu itinérant dessert au moins deux communes' });
    }
    if (input.mode === 'fixed' && !input.address) {
      ctx.addIssue({ code: 'custom', path: ['address'], message: 'Adresse requise pour un lieu fixe' });
    }
  });
export type ApplyPlaceInput = z.input<typeof ApplyPlaceInput>;

export const QualificationDecisionInput = z
  .object({
    placeId: Id,
    decision: z.enum(QUALIFICATION_DECISIONS),
    reason: z.string().trim().min(3, { error: 'Motif requis (3 caractères au moins)' }).max(500),
  })
  .strict();
export type QualificationDecisionInput = z.infer<typeof QualificationDecisionInput>;

/** Characters of an imported file: the request body is limited to 1 MB as a whole anyway. */
export const MAX_IMPORT_CHARS = 1_000_000;

/**
 * A file of places in the national standard, applied for at once (decision 0014). The file
 * describes the places; what the standard has no field for — the legal representative, the
 * eligibility answers, and a capacity for rows without `x_aptic_capacite_annuelle` — is declared
 * once for the whole file, as in the one-place form.
 */
export const ImportPlacesInput = z
  .object({
    organisationId: Id,
    format: StandardFormat,
    content: z
      .string()
      .min(1, { error: 'Fichier vide' })
      .max(MAX_IMPORT_CHARS, { error: 'Fichier trop volumineux : 1 Mo au plus' }),
    legalRepresentative: ShortText(120),
    eligibility: EligibilityAnswers.strict(),
    yearlyCapacity: z.number().int().min(1).max(100_000).optional(),
  })
  .strict();
export type ImportPlacesInput = z.infer<typeof ImportPlacesInput>;
