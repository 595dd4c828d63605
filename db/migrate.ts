import { openMigratedDatabase } from './client';

// `npm run db:migrate`: applies the committed migrations to DATABASE_PATH.
const path = process.env.DATABASE_PATH ?? './data/aptic.db';
const db = openMigratedDatabase(path);
db.$client.close();
console.log(`Migrations applied to ${path}`);
