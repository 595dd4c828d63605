import type { Db } from '../../db/client';
import { preparedFor } from '../../db/prepared';

/**
 * Reads computed once per state of the database (decision 0018). A national or round dashboard
 * sums 3 000 places' figures: cheap once, costly when a thousand watchers refetch it after the
 * same change. The state is SQLite's own: `total_changes()` moves with every row this connection
 * writes, and `data_version` with every commit of another connection (a second process, a CLI).
 * While neither moves, the same arguments answer the same value — nothing is ever stale.
 */
const stamps = preparedFor((db) => ({
  changes: db.$client.prepare<[], number>('select total_changes()').pluck(),
}));

function stateOf(db: Db): string {
  return `${stamps(db).changes.get()}:${db.$client.pragma('data_version', { simple: true })}:${new Date().toISOString().slice(0, 10)}`;
}

/** Values kept per connection; each read keeps its latest few argument sets. */
const MAX_KEYS = 256;

export function memoPerState<A extends unknown[], R>(compute: (db: Db, ...args: A) => R, keyOf: (...args: A) => string): (db: Db, ...args: A) => R {
  const caches = new WeakMap<Db, Map<string, { state: string; value: R }>>();
  return (db, ...args) => {
    let cache = caches.get(db);
    if (!cache) caches.set(db, (cache = new Map()));
    const key = keyOf(...args);
    const state = stateOf(db);
    const hit = cache.get(key);
    if (hit && hit.state === state) return hit.value;
    const value = compute(db, ...args);
    cache.delete(key);
    cache.set(key, { state, value });
    if (cache.size > MAX_KEYS) cache.delete(cache.keys().next().value!);
    return value;
  };
}
