import { realpathSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { trpcServer } from '@hono/trpc-server';
import { Hono } from 'hono';
import { z } from 'zod';
import { requestContext } from '../../server/app';
import type { AppDeps } from '../../server/context';
import { startServer, type FetchHandler } from '../../server/main';
import { authedProcedure, publicProcedure, router } from '../../server/trpc';

/**
 * The HTTP bench's server (scenario a of `npm run bench`): `server/main.ts`'s own `startServer` —
 * the same database opening, app, tRPC router, socket.io and jobs as `npm start` — plus, under
 * `/bench-trpc/*` and in the same process, a minimal tRPC router for the baseline: one mutation
 * that validates a small zod input and does one raw prepared insert into a scratch table. It is
 * built from the same procedure builders (`authedProcedure`: busy retry, signed-in user) and the
 * same request context (session cookie resolved as for `/trpc`), so the two measurements differ
 * by what the procedure does, not by how it is reached. Never part of the product router.
 *
 * Run by test/bench/http.bench.ts through the soak's `startServer` (entry option).
 */

const BENCH_ENDPOINT = '/bench-trpc';
const SCRATCH_TABLE = 'bench_http_scratch';
/** The event-loop histogram reads its sampling period into every value: taken off, as in the soak. */
const LOOP_RESOLUTION_MS = 2;

const BenchInsertInput = z.object({ key: z.string().min(8).max(100), value: z.number().int().min(0).max(1_000_000) }).strict();

function benchRouter(deps: AppDeps) {
  const sqlite = deps.db.$client;
  // A fresh scratch table each start: the dataset copy is the run's own, and a development
  // database does not keep growing.
  sqlite.exec(`drop table if exists ${SCRATCH_TABLE};
    create table ${SCRATCH_TABLE} (id integer primary key, key text not null unique, value integer not null, user_id integer not null, created_at text not null)`);
  const insert = sqlite.prepare<[string, number, number, string]>(`insert into ${SCRATCH_TABLE} (key, value, user_id, created_at) values (?, ?, ?, ?)`);

  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  const ms = (ns: number) => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS);

  return router({
    insert: authedProcedure.input(BenchInsertInput).mutation(({ ctx, input }) => {
      const { lastInsertRowid } = insert.run(input.key, input.value, ctx.user.id, new Date().toISOString());
      return { id: Number(lastInsertRowid) };
    }),
    /** The server's event-loop delay since the last reset (ms), then reset if asked: read around a timed run. */
    eventLoop: publicProcedure.input(z.object({ reset: z.boolean() }).strict()).mutation(({ input }) => {
      const delay = { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max), samples: loop.count };
      if (input.reset) loop.reset();
      return delay;
    }),
  });
}

export type BenchRouter = ReturnType<typeof benchRouter>;

/** Requests under /bench-trpc/ go to the baseline router; everything else to the real app, untouched. */
function withBenchRouter(appFetch: FetchHandler, deps: AppDeps): FetchHandler {
  const bench = new Hono();
  bench.use(
    `${BENCH_ENDPOINT}/*`,
    trpcServer({
      router: benchRouter(deps),
      endpoint: BENCH_ENDPOINT,
      createContext: (opts, c) => requestContext(deps, opts, c),
      onError: ({ error, path }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`bench tRPC ${path ?? '?'} failed`, error);
      },
    }),
  );
  const prefix = `${BENCH_ENDPOINT}/`;
  return (request, env, executionCtx) => {
    const { url } = request;
    // Path of an absolute URL: after "http://host". Cheaper than new URL() on every request of both runs.
    const path = url.slice(url.indexOf('/', url.indexOf('//') + 2));
    return path.startsWith(prefix) ? bench.fetch(request, env, executionCtx) : appFetch(request, env, executionCtx);
  };
}

function isEntryPoint(): boolean {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) await startServer(undefined, { wrapFetch: withBenchRouter });
