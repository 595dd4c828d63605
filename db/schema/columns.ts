import { integer, text } from 'drizzle-orm/sqlite-core';

/** Shared column shapes: integer ids, ISO-8601 timestamps stored as text (sortable, readable). */
export const id = () => integer('id').primaryKey({ autoIncrement: true });
export const createdAt = () =>
  text('created_at')
    .notNull()
    .$defaultFn(() => new Date().toISOString());
