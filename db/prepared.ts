import type { Db } from './client';

/**
 * Prepared statements belong to one connection: build them once per database and reuse them.
 * Hot paths use these instead of rebuilding a query per call (docs/decisions/0004-prepared-statements.md).
 */
export function preparedFor<T>(build: (db: Db) => T): (db: Db) => T {
  const cache = new WeakMap<Db, T>();
  return (db) => {
    let statements = cache.get(db);
    if (!statements) {
      statements = build(db);
      cache.set(db, statements);
    }
    return statements;
  };
}
