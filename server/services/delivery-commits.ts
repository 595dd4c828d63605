import type { Db } from '../../db/client';
import type { RecordDeliveryInput } from '../../shared/schemas/deliveries';
import type { SessionUser } from './auth';
import { recordDelivery, type DeliveryResult } from './deliveries';

/**
 * Group commit for single deliveries (decision 0019). Each commit makes SQLite write every page
 * the transaction touched — about eight tables for a delivery — so under load most of a
 * delivery's cost is its own commit. Single deliveries that arrive while the event loop is busy
 * are queued and recorded together at the next turn: one outer transaction, each delivery in its
 * own savepoint (better-sqlite3 nests `db.transaction` that way), so a refused one rolls back
 * alone and answers its own error, and the others commit together. Nobody is answered before
 * the commit, so an answered delivery is durable exactly as before.
 */
interface Waiting {
  user: SessionUser;
  input: RecordDeliveryInput;
  resolve: (result: DeliveryResult) => void;
  reject: (error: unknown) => void;
}

/** At most this many deliveries share a commit: a long queue is cut into several transactions. */
const MAX_GROUP = 200;

const queues = new WeakMap<Db, Waiting[]>();

function flush(db: Db): void {
  const waiting = queues.get(db) ?? [];
  queues.delete(db);
  for (let start = 0; start < waiting.length; start += MAX_GROUP) {
    const group = waiting.slice(start, start + MAX_GROUP);
    let outcomes: ({ result: DeliveryResult } | { error: unknown })[];
    try {
      outcomes = db.transaction(() =>
        group.map((w) => {
          try {
            return { result: recordDelivery(db, w.user, w.input) };
          } catch (error) {
            return { error };
          }
        }),
      );
    } catch (error) {
      // The commit itself failed (e.g. SQLITE_BUSY from another process): nothing was written,
      // every caller gets the error (a mutation meeting SQLITE_BUSY is run again by tRPC).
      for (const w of group) w.reject(error);
      continue;
    }
    outcomes.forEach((outcome, i) => ('result' in outcome ? group[i]!.resolve(outcome.result) : group[i]!.reject(outcome.error)));
  }
}

/** Records one delivery in the next group commit; resolves once it is committed. */
export function recordDeliveryGrouped(db: Db, user: SessionUser, input: RecordDeliveryInput): Promise<DeliveryResult> {
  return new Promise((resolve, reject) => {
    let queue = queues.get(db);
    if (!queue) {
      queues.set(db, (queue = []));
      setImmediate(() => flush(db));
    }
    queue.push({ user, input, resolve, reject });
  });
}
