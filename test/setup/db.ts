import { openMigratedDatabase, type Db } from '../../db/client';

/** A fresh database with every migration applied, in memory: tests never share state. */
export function createTestDb(): Db {
  return openMigratedDatabase(':memory:');
}
