import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { IMPORT_ROW_STATUSES, IMPORT_STATUSES } from '../../shared/domain/delivery-import';
import { createdAt, id } from './columns';
import { deliveries } from './deliveries';
import { organisations } from './organisations';
import { users } from './users';

/**
 * A CSV of deliveries uploaded by an actor (decision 0016): who, for which organisation, and the
 * counts so far, updated with each committed chunk (`updated_at` says the run is alive).
 */
export const deliveryImports = sqliteTable(
  'delivery_imports',
  {
    id: id(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id),
    fileName: text('file_name').notNull(),
    status: text('status', { enum: IMPORT_STATUSES }).notNull().default('processing'),
    /** Data rows of the file (header and empty lines aside). */
    totalRows: integer('total_rows').notNull(),
    processedRows: integer('processed_rows').notNull().default(0),
    accepted: integer('accepted').notNull().default(0),
    duplicates: integer('duplicates').notNull().default(0),
    refused: integer('refused').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: text('updated_at').notNull(),
    finishedAt: text('finished_at'),
  },
  (t) => [
    index('delivery_imports_organisation_idx').on(t.organisationId, t.id),
    check('delivery_imports_status_check', sql`${t.status} in ('processing', 'done', 'interrupted', 'failed')`),
    check('delivery_imports_counts_check', sql`${t.processedRows} = ${t.accepted} + ${t.duplicates} + ${t.refused} and ${t.processedRows} <= ${t.totalRows}`),
  ],
);

/**
 * The report of an import: one row per line of the file and outcome; a line refused for several
 * reasons has one row per reason. Never the person's empreinte.
 */
export const deliveryImportRows = sqliteTable(
  'delivery_import_rows',
  {
    id: id(),
    importId: integer('import_id')
      .notNull()
      .references(() => deliveryImports.id, { onDelete: 'cascade' }),
    line: integer('line').notNull(),
    idempotencyKey: text('idempotency_key'),
    status: text('status', { enum: IMPORT_ROW_STATUSES }).notNull(),
    field: text('field'),
    message: text('message').notNull().default(''),
    deliveryId: integer('delivery_id').references(() => deliveries.id),
  },
  (t) => [
    index('delivery_import_rows_import_idx').on(t.importId, t.line),
    check('delivery_import_rows_status_check', sql`${t.status} in ('accepted', 'duplicate', 'refused')`),
  ],
);
