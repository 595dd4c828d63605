import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { sessions, users } from '../../db/schema';
import { makeMember } from '../factories';
import { createTestApp, errorOf, signedIn, TEST_ORIGIN, type TestApp } from '../setup/app';

// Mutations must come from our own pages (CSRF defence, server/app.ts): the Origin header decides.
const REFUSED = { code: 'FORBIDDEN', httpStatus: 403, message: 'Origine de la requête refusée', fieldErrors: undefined };

const sessionCount = (testApp: TestApp) => testApp.db.select().from(sessions).all().length;
const localeOf = (testApp: TestApp, userId: number) => testApp.db.select({ locale: users.locale }).from(users).where(eq(users.id, userId)).get()?.locale;

describe('the Origin check on mutations', () => {
  it('refuses a sign-in without Origin with HTTP 403 and creates no session', async () => {
    const testApp = createTestApp();
    const { user } = await makeMember(testApp.db, 'actor');
    const { api, jar } = testApp.client({ origin: null });

    expect(await errorOf(api.auth.signIn.mutate({ email: user.email, password: user.password }))).toEqual(REFUSED);

    expect(sessionCount(testApp)).toBe(0);
    expect(jar.size).toBe(0);
  });

  it('refuses a sign-in from a foreign site with HTTP 403 and creates no session', async () => {
    const testApp = createTestApp();
    const { user } = await makeMember(testApp.db, 'actor');
    const { api } = testApp.client({ origin: 'https://evil.example' });

    expect(await errorOf(api.auth.signIn.mutate({ email: user.email, password: user.password }))).toEqual(REFUSED);

    expect(sessionCount(testApp)).toBe(0);
  });

  it('refuses a mutation carrying a valid session cookie when it comes from a foreign site, and changes nothing', async () => {
    const testApp = createTestApp();
    const { user } = await makeMember(testApp.db, 'actor');
    const victim = await signedIn(testApp, user.email, user.password);
    const cookie = `aptic_session=${victim.jar.get('aptic_session')!}`;
    const forged = testApp.client({ origin: 'https://evil.example', headers: { cookie } });

    expect(await errorOf(forged.api.auth.setLocale.mutate({ locale: 'en' }))).toEqual(REFUSED);
    expect(await errorOf(forged.api.auth.signOut.mutate())).toEqual(REFUSED);

    expect(localeOf(testApp, user.id)).toBe('fr');
    expect(sessionCount(testApp)).toBe(1);
    expect((await victim.api.auth.me.query())?.id).toBe(user.id);
  });

  it.each([
    ['the same host over another scheme', 'https://localhost'],
    ['the same host on another port', 'http://localhost:8080'],
    ['a host that only starts like ours', 'http://localhost.evil.example'],
    ['the opaque origin of a sandboxed page', 'null'],
  ])('refuses an Origin that is %s (%s)', async (_label, origin) => {
    const testApp = createTestApp();
    const { user } = await makeMember(testApp.db, 'actor');
    const { api } = testApp.client({ origin });

    expect(await errorOf(api.auth.signIn.mutate({ email: user.email, password: user.password }))).toEqual(REFUSED);
    expect(sessionCount(testApp)).toBe(0);
  });

  it('accepts a mutation from the app’s own origin', async () => {
    const testApp = createTestApp();
    const { user } = await makeMember(testApp.db, 'actor');
    const { api, jar } = testApp.client({ origin: TEST_ORIGIN });

    expect((await api.auth.signIn.mutate({ email: user.email, password: user.password })).id).toBe(user.id);
    expect(jar.has('aptic_session')).toBe(true);
    expect(sessionCount(testApp)).toBe(1);
  });

  it('accepts a mutation from an origin listed in ALLOWED_ORIGINS and refuses one that is not', async () => {
    const testApp = createTestApp({ env: { ALLOWED_ORIGINS: 'https://aptic.example.fr, https://admin.aptic.example.fr' } });
    const { user } = await makeMember(testApp.db, 'actor');

    const listed = testApp.client({ origin: 'https://admin.aptic.example.fr' });
    expect((await listed.api.auth.signIn.mutate({ email: user.email, password: user.password })).id).toBe(user.id);

    const unlisted = testApp.client({ origin: 'https://autre.example.fr' });
    expect(await errorOf(unlisted.api.auth.signIn.mutate({ email: user.email, password: user.password }))).toEqual(REFUSED);
    expect(sessionCount(testApp)).toBe(1);
  });

  it('refuses a raw POST without Origin with 403 before its body is even parsed', async () => {
    const testApp = createTestApp();

    // Malformed JSON would be a 400 if the body were read first.
    const response = await testApp.app.request(`${TEST_ORIGIN}/trpc/auth.signIn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email": ',
    });

    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: { message: 'Origine de la requête refusée', code: -32003, data: { code: 'FORBIDDEN', httpStatus: 403 } } });
  });
});

describe('mutations sent as GET', () => {
  it('are refused with 405, so a link or an image cannot sign a user out past the Origin check', async () => {
    const testApp = createTestApp();
    const { user } = await makeMember(testApp.db, 'actor');
    const session = await signedIn(testApp, user.email, user.password);

    const response = await testApp.app.request(`${TEST_ORIGIN}/trpc/auth.signOut`, {
      headers: { cookie: `aptic_session=${session.jar.get('aptic_session')!}` },
    });

    expect(response.status).toBe(405);
    expect(sessionCount(testApp)).toBe(1);
    expect((await session.api.auth.me.query())?.id).toBe(user.id);
  });
});

describe('queries (GET) without Origin', () => {
  it('answers the public configuration', async () => {
    const testApp = createTestApp();
    const { api } = testApp.client({ origin: null });

    const config = await api.config.get.query();

    expect(config.demoLogins).toEqual([]);
    expect(config.ratio.floorCents).toBe(1_500_000);
  });

  it('answers a signed-in user’s queries', async () => {
    const testApp = createTestApp();
    const { user, organisationId } = await makeMember(testApp.db, 'actor', { name: 'Association Pixel Solidaire' });
    const session = await signedIn(testApp, user.email, user.password);
    const cookie = `aptic_session=${session.jar.get('aptic_session')!}`;
    const { api } = testApp.client({ origin: null, headers: { cookie } });

    expect((await api.auth.me.query())?.id).toBe(user.id);
    expect((await api.organisations.get.query({ organisationId })).name).toBe('Association Pixel Solidaire');
  });
});
