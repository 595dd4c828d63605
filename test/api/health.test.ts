import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_DIST } from '../../server/app';
import { createTestApp, TEST_ORIGIN, type TestApp } from '../setup/app';

/** `a 'x'; b 'y' 'z'` → { a: "'x'", b: "'y' 'z'" } */
function directives(policy: string | null): Record<string, string> {
  return Object.fromEntries(
    (policy ?? '')
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name, ...values] = d.split(/\s+/);
        return [name!, values.join(' ')];
      }),
  );
}

let testApp: TestApp;
beforeAll(() => {
  testApp = createTestApp();
});

describe('/api/health', () => {
  it('answers 200 with status ok and the current time', async () => {
    const before = new Date().toISOString();
    const response = await testApp.app.request(`${TEST_ORIGIN}/api/health`);
    const after = new Date().toISOString();

    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; time: string };
    expect(Object.keys(body).sort()).toEqual(['status', 'time']);
    expect(body.status).toBe('ok');
    expect(body.time >= before && body.time <= after).toBe(true);
  });
});

describe('security headers', () => {
  // The built client is optional in tests: without it the app answers 503 on / and nothing else.
  const built = existsSync(CLIENT_DIST);
  const requests: [string, number, () => Response | Promise<Response>][] = [
    ['the health check', 200, () => testApp.app.request(`${TEST_ORIGIN}/api/health`)],
    ['a tRPC query', 200, () => testApp.app.request(`${TEST_ORIGIN}/trpc/config.get`)],
    ['a tRPC error', 401, () => testApp.app.request(`${TEST_ORIGIN}/trpc/places.get?input=${encodeURIComponent('{"placeId":1}')}`)],
    ['an unknown procedure', 404, () => testApp.app.request(`${TEST_ORIGIN}/trpc/nope.nothing`)],
    ['a mutation refused for its Origin', 403, () => testApp.app.request(`${TEST_ORIGIN}/trpc/auth.signOut`, { method: 'POST' })],
    [
      'a body refused for its size',
      413,
      () =>
        testApp.app.request(`${TEST_ORIGIN}/trpc/auth.signIn`, {
          method: 'POST',
          headers: { origin: TEST_ORIGIN, 'content-type': 'application/json' },
          body: 'x'.repeat(1_100_000),
        }),
    ],
    ['the client page', built ? 200 : 503, () => testApp.app.request(`${TEST_ORIGIN}/`)],
    ['a client-side route', built ? 200 : 404, () => testApp.app.request(`${TEST_ORIGIN}/commandes/12`)],
  ];

  it.each(requests)('%s (HTTP %i) carries a Content-Security-Policy with default-src self and X-Content-Type-Options nosniff', async (_label, status, send) => {
    const response = await send();

    expect(response.status).toBe(status);
    const policy = directives(response.headers.get('content-security-policy'));
    expect(policy['default-src']).toBe("'self'");
    expect(policy['object-src']).toBe("'none'");
    expect(policy['frame-ancestors']).toBe("'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
