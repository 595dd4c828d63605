import { rmSync } from 'node:fs';
import { openMigratedDatabase } from '../client';
import { DEMO_LOGINS, DEMO_PASSWORD } from './demo-logins';
import { seedDemo } from './demo';

// `npm run seed`: rebuilds the demo database from scratch (DATABASE_PATH, default ./data/aptic.db).
const path = process.env.DATABASE_PATH ?? './data/aptic.db';
if (path !== ':memory:') for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
const db = openMigratedDatabase(path);
const started = performance.now();
await seedDemo(db);
db.$client.close();
console.log(`Demo seeded into ${path} in ${Math.round(performance.now() - started)} ms`);
console.log(`Demo logins (password « ${DEMO_PASSWORD} »):`);
for (const login of DEMO_LOGINS) console.log(`  ${login.role.padEnd(18)} ${login.email}`);
