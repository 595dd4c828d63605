import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getConnInfo } from '@hono/node-server/conninfo';
import { serveStatic } from '@hono/node-server/serve-static';
import { trpcServer } from '@hono/trpc-server';
import { Hono, type Context as HonoContext } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { readSessionToken } from './auth/cookie';
import { isAllowedOrigin } from './auth/origin';
import { createContext, type AppDeps } from './context';
import { appRouter } from './routers';
import { deliveryImportRoutes } from './routers/imports';
import { resolveSession } from './services/auth';

export const CLIENT_DIST = fileURLToPath(new URL('../dist/client', import.meta.url));
export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_BATCH_SIZE = 20;

function clientIp(c: HonoContext, trustProxy: boolean): string {
  if (trustProxy) {
    // The rightmost entry is the one our proxy appended; anything left of it the client wrote.
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // app.request() in tests has no socket
  }
}

function requestProtocol(c: HonoContext, trustProxy: boolean): 'http:' | 'https:' {
  if (trustProxy && c.req.header('x-forwarded-proto') === 'https') return 'https:';
  return new URL(c.req.url).protocol === 'https:' ? 'https:' : 'http:';
}

/** The tRPC context of one HTTP request: its session (from the cookie), address, scheme and cookie setter. */
export function requestContext(deps: AppDeps, opts: { resHeaders: Headers }, c: HonoContext) {
  const env = deps.config;
  const token = readSessionToken(c.req.header('cookie'));
  return createContext(deps, {
    user: resolveSession(deps.db, token),
    sessionToken: token,
    ip: clientIp(c, env.TRUST_PROXY),
    secure: requestProtocol(c, env.TRUST_PROXY) === 'https:',
    origin: `${requestProtocol(c, env.TRUST_PROXY)}//${new URL(c.req.url).host}`,
    setCookie: (header) => opts.resHeaders.append('set-cookie', header),
  }) as unknown as Record<string, unknown>;
}

/** The Hono app: security headers, health, tRPC and the built client. Testable with `app.request`. */
export function createApp(deps: AppDeps) {
  const app = new Hono();
  const env = deps.config;

  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
      crossOriginEmbedderPolicy: false,
    }),
  );

  app.get('/api/health', (c) => {
    deps.db.$client.prepare('select 1').get();
    return c.json({ status: 'ok', time: new Date().toISOString() });
  });

  // Bulk delivery import (decision 0016): a streamed CSV upload, outside tRPC's JSON body limit.
  app.route('/api/imports', deliveryImportRoutes(deps));

  // Mutations come as POST: refuse them unless they come from our own pages (CSRF).
  app.use('/trpc/*', async (c, next) => {
    if (c.req.method !== 'GET') {
      const origin = c.req.header('origin');
      const allowed = isAllowedOrigin(origin, { host: new URL(c.req.url).host, protocol: requestProtocol(c, env.TRUST_PROXY) }, env.ALLOWED_ORIGINS);
      if (!allowed) {
        return c.json({ error: { message: 'Origine de la requête refusée', code: -32003, data: { code: 'FORBIDDEN', httpStatus: 403 } } }, 403);
      }
    }
    await next();
  });

  app.use(
    '/trpc/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => c.json({ error: { message: 'Requête trop volumineuse', code: 'PAYLOAD_TOO_LARGE' } }, 413),
    }),
  );

  app.use(
    '/trpc/*',
    trpcServer({
      router: appRouter,
      endpoint: '/trpc',
      maxBatchSize: MAX_BATCH_SIZE,
      createContext: (opts, c) => requestContext(deps, opts, c),
      onError: ({ error, path }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`tRPC ${path ?? '?'} failed`, error);
      },
    }),
  );

  // The built client, with the SPA's index.html for every other GET (client-side routes).
  if (existsSync(CLIENT_DIST)) {
    const root = relative(process.cwd(), CLIENT_DIST) || '.';
    const indexHtml = readFileSync(`${CLIENT_DIST}/index.html`, 'utf8');
    app.use('/assets/*', serveStatic({ root }));
    app.use('*', serveStatic({ root }));
    app.get('*', (c) => c.html(indexHtml));
  } else {
    app.get('/', (c) => c.text('Client not built: run `npm run build`.', 503));
  }

  return app;
}
