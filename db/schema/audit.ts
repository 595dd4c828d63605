import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { createdAt, id } from './columns';
import { organisations } from './organisations';
import { users } from './users';

/**
 * The audit trail (issue 7): every status change (order, award, payout, qualification) and every
 * money movement that is not a delivery, with who (null: the system), when and why. Deliveries
 * are their own record (who, when, what) and are linked from their ledger transaction.
 */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: id(),
    userId: integer('user_id').references(() => users.id),
    /** e.g. `order.closed`, `payout.paid`, `credit_note.issued`. */
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: integer('subject_id').notNull(),
    reason: text('reason').notNull().default(''),
    detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index('audit_events_subject_idx').on(t.subjectType, t.subjectId)],
);

/** The organisations an event concerns: they (and the operator) may read it. */
export const auditParties = sqliteTable(
  'audit_parties',
  {
    eventId: integer('event_id')
      .notNull()
      .references(() => auditEvents.id),
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.organisationId] }), index('audit_parties_organisation_idx').on(t.organisationId, t.eventId)],
);
