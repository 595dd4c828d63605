import { z } from 'zod';
import { isValidSiret, normaliseSiret } from '../domain/siret';
import { isDepartementCode } from '../domain/territory';
import { IDEMPOTENCY_KEY_PATTERN } from '../domain/deliveries';
import { SERVICES } from '../domain/services';

// Field errors speak French by default: users read them next to the field they typed in.
// jitless: no `new Function`, which the Content-Security-Policy of every page forbids.
z.config({ ...z.locales.fr(), jitless: true });

/** Database ids: positive integers (zod's `.int()` already keeps them safe). */
export const Id = z.number().int().positive();

export const IdInput = z.object({ id: Id }).strict();
export type IdInput = z.infer<typeof IdInput>;

export const OrganisationIdInput = z.object({ organisationId: Id }).strict();
export type OrganisationIdInput = z.infer<typeof OrganisationIdInput>;

export const Email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ error: 'Adresse e-mail invalide' }))
  .transform((s) => s.toLowerCase());

export const Siret = z
  .string()
  .max(32)
  .transform(normaliseSiret)
  .refine(isValidSiret, { error: 'SIRET invalide : 14 chiffres avec une clé de contrôle correcte' });

export const DepartementCode = z
  .string()
  .max(3)
  .refine(isDepartementCode, { error: 'Code de département INSEE inconnu' });

/** Calendar year of the figures: the scheme runs on yearly revenue. */
export const Year = z.number().int().min(2000).max(2100);

/** Free text that is stored and shown again: bounded, trimmed. */
export const ShortText = (max = 200) => z.string().trim().min(1).max(max);

/** A calendar date, ISO `YYYY-MM-DD`. */
export const IsoDate = z.iso.date({ error: 'Date attendue au format AAAA-MM-JJ' });

export const CommuneCode = z
  .string()
  .max(5)
  .regex(/^(\d{5}|2[AB]\d{3})$/, { error: 'Code commune INSEE invalide' });

/** Amounts in integer cents, bounded well below the safe integers (10 million euros). */
export const AmountCents = z.number().int().min(0).max(1_000_000_000);

/** A number of services. */
export const Quantity = z.number().int().min(1, { error: 'Au moins 1' }).max(1_000_000);

export const IdempotencyKey = z.string().regex(IDEMPOTENCY_KEY_PATTERN, { error: 'Clé d’idempotence invalide (8 à 100 caractères A-Z, 0-9, - ou _)' });

export const ServiceField = z.enum(SERVICES, { error: 'Service hors du référentiel national' });
