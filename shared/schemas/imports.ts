import { z } from 'zod';
import { Id } from './common';

export const ImportIdInput = z.object({ importId: Id }).strict();
export type ImportIdInput = z.infer<typeof ImportIdInput>;

/** The query string of `POST /api/imports/deliveries`: whose deliveries, and the file's name for the report. */
export const UploadImportQuery = z
  .object({
    organisationId: z
      .string()
      .regex(/^[1-9]\d{0,14}$/, { error: 'Identifiant d’organisation attendu' })
      .transform(Number),
    fileName: z
      .string()
      .trim()
      .max(200, { error: '200 caractères au plus' })
      .optional()
      .transform((name) => name || 'import.csv'),
  })
  .strict();
export type UploadImportQuery = z.infer<typeof UploadImportQuery>;
