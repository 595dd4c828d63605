import { build } from 'vite';

/** The e2e layer drives the built client, as `npm start` serves it: build it once per run. */
export default async function setup() {
  await build({ configFile: 'vite.config.ts', logLevel: 'warn' });
}
