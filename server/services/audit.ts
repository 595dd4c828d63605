import { and, desc, eq, inArray, lt } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { auditEvents, auditParties, users } from '../../db/schema';

export interface AuditRecord {
  /** null: the system (automatic close). */
  userId: number | null;
  action: string;
  subjectType: 'order' | 'award' | 'payout' | 'settlement' | 'credit_note' | 'qualification' | 'funding' | 'credit_refund' | 'prescriber';
  subjectId: number;
  reason?: string;
  detail?: Record<string, unknown>;
  /** The organisations concerned: they may read the event, as may the operator. */
  parties: number[];
}

/** Appends one event to the audit trail, inside the caller's transaction. */
export function audit(db: Db, record: AuditRecord): void {
  const eventId = db
    .insert(auditEvents)
    .values({
      userId: record.userId,
      action: record.action,
      subjectType: record.subjectType,
      subjectId: record.subjectId,
      reason: record.reason ?? '',
      detail: record.detail ?? {},
    })
    .returning({ id: auditEvents.id })
    .get().id;
  for (const organisationId of new Set(record.parties)) db.insert(auditParties).values({ eventId, organisationId }).run();
}

const COLUMNS = {
  id: auditEvents.id,
  action: auditEvents.action,
  subjectType: auditEvents.subjectType,
  subjectId: auditEvents.subjectId,
  reason: auditEvents.reason,
  detail: auditEvents.detail,
  createdAt: auditEvents.createdAt,
  userName: users.name,
};

/**
 * The trail an organisation may read (newest first, paged by id), or the whole trail for the
 * operator (`organisationId` undefined).
 */
export function auditTrail(db: Db, options: { organisationId?: number; before?: number; limit?: number; subjectType?: string; subjectId?: number }) {
  const limit = Math.min(options.limit ?? 100, 500);
  const filters = [
    options.before ? lt(auditEvents.id, options.before) : undefined,
    options.subjectType ? eq(auditEvents.subjectType, options.subjectType) : undefined,
    options.subjectId ? eq(auditEvents.subjectId, options.subjectId) : undefined,
  ];
  if (options.organisationId !== undefined) {
    const visible = db.select({ id: auditParties.eventId }).from(auditParties).where(eq(auditParties.organisationId, options.organisationId));
    filters.push(inArray(auditEvents.id, visible));
  }
  return db
    .select(COLUMNS)
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.userId))
    .where(and(...filters))
    .orderBy(desc(auditEvents.id))
    .limit(limit)
    .all();
}
