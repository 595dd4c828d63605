import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { sessions, users } from '../../db/schema';
import { addMembership } from '../../server/services/users';
import { makeMember, makeOrganisation, makeUser, TEST_PASSWORD } from '../factories';
import { createTestApp, errorOf, signedIn, TEST_ORIGIN, type TestApp } from '../setup/app';

const WRONG_CREDENTIALS = 'E-mail ou mot de passe incorrect';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A sign-in sent by hand, to read the raw Set-Cookie header the browser would receive. */
function rawSignIn(testApp: TestApp, body: { email: string; password: string }, headers: Record<string, string> = {}) {
  return testApp.app.request(`${TEST_ORIGIN}/trpc/auth.signIn`, {
    method: 'POST',
    headers: { origin: TEST_ORIGIN, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** `name=value; A; B` → the cookie's name, value and its attributes (sorted). */
function parseSetCookie(header: string) {
  const [pair, ...attributes] = header.split('; ');
  const [name, value] = pair!.split('=');
  return { name, value, attributes: attributes.sort() };
}

const sessionRows = (testApp: TestApp) => testApp.db.select().from(sessions).all();

describe('signing in', () => {
  it('returns the user with every membership, ordered by organisation name', async () => {
    const testApp = createTestApp();
    const actor = await makeMember(testApp.db, 'actor', { name: 'Association Ty Numérik', email: 'nadia@exemple.test' });
    const funderId = makeOrganisation(testApp.db, 'funder', { name: 'CAF du Finistère', funderKind: 'caf' });
    addMembership(testApp.db, actor.user.id, funderId, 'member');

    const { api } = testApp.client();
    const user = await api.auth.signIn.mutate({ email: 'nadia@exemple.test', password: TEST_PASSWORD });

    expect(user).toEqual({
      id: actor.user.id,
      email: 'nadia@exemple.test',
      name: expect.stringMatching(/^Utilisateur \d+$/),
      locale: 'fr',
      memberships: [
        { organisationId: actor.organisationId, organisationKind: 'actor', organisationName: 'Association Ty Numérik', role: 'admin' },
        { organisationId: funderId, organisationKind: 'funder', organisationName: 'CAF du Finistère', role: 'member' },
      ],
    });
  });

  it('sets an HttpOnly, SameSite=Lax session cookie on path / that is not Secure over plain http', async () => {
    const testApp = createTestApp();
    const { user } = await makeMember(testApp.db, 'actor');

    const response = await rawSignIn(testApp, { email: user.email, password: user.password });

    expect(response.status).toBe(200);
    const cookies = response.headers.getSetCookie();
    expect(cookies).toHaveLength(1);
    const cookie = parseSetCookie(cookies[0]!);
    expect(cookie.name).toBe('aptic_session');
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie.attributes).toEqual(['HttpOnly', 'Max-Age=1209600', 'Path=/', 'SameSite=Lax']);
  });

  it('marks the cookie Secure behind a trusted proxy that says the request came over https', async () => {
    const testApp = createTestApp({ env: { TRUST_PROXY: 'true' } });
    const { user } = await makeMember(testApp.db, 'actor');

    const response = await rawSignIn(testApp, { email: user.email, password: user.password }, { origin: 'https://localhost', 'x-forwarded-proto': 'https' });

    expect(response.status).toBe(200);
    const cookie = parseSetCookie(response.headers.getSetCookie()[0]!);
    expect(cookie.name).toBe('aptic_session');
    expect(cookie.attributes).toEqual(['HttpOnly', 'Max-Age=1209600', 'Path=/', 'SameSite=Lax', 'Secure']);
  });

  it('ignores X-Forwarded-Proto when the proxy is not trusted, so the cookie stays without Secure', async () => {
    const testApp = createTestApp();
    const { user } = await makeMember(testApp.db, 'actor');

    const response = await rawSignIn(testApp, { email: user.email, password: user.password }, { 'x-forwarded-proto': 'https' });

    expect(response.status).toBe(200);
    expect(parseSetCookie(response.headers.getSetCookie()[0]!).attributes).toEqual(['HttpOnly', 'Max-Age=1209600', 'Path=/', 'SameSite=Lax']);
  });

  it('gives the cookie and the session row the lifetime set by SESSION_TTL_DAYS', async () => {
    const testApp = createTestApp({ env: { SESSION_TTL_DAYS: '2' } });
    const { user } = await makeMember(testApp.db, 'actor');

    const before = Date.now();
    const response = await rawSignIn(testApp, { email: user.email, password: user.password });
    const after = Date.now();

    expect(parseSetCookie(response.headers.getSetCookie()[0]!).attributes).toContain('Max-Age=172800');
    const [row] = sessionRows(testApp);
    const expiresAt = new Date(row!.expiresAt).getTime();
    expect(expiresAt).toBeGreaterThanOrEqual(before + 2 * 86_400_000);
    expect(expiresAt).toBeLessThanOrEqual(after + 2 * 86_400_000);
  });

  it('finds the account whatever the capitals and surrounding spaces of the e-mail', async () => {
    const testApp = createTestApp();
    const { user } = await makeMember(testApp.db, 'actor', { email: 'nadia.benali@exemple.test' });

    const { api } = testApp.client();
    const signed = await api.auth.signIn.mutate({ email: '  Nadia.Benali@EXEMPLE.Test  ', password: TEST_PASSWORD });

    expect(signed.id).toBe(user.id);
    expect(signed.email).toBe('nadia.benali@exemple.test');
  });

  it('signs in an account created with capitals in its e-mail, typed in lower case', async () => {
    const testApp = createTestApp();
    const { id } = await makeUser(testApp.db, { email: 'Claire.Martin@Exemple.Test' });

    expect(testApp.db.select({ email: users.email }).from(users).where(eq(users.id, id)).get()).toEqual({ email: 'claire.martin@exemple.test' });
    const { api } = testApp.client();
    expect((await api.auth.signIn.mutate({ email: 'claire.martin@exemple.test', password: TEST_PASSWORD })).id).toBe(id);
  });

  it('refuses a wrong password and an unknown e-mail with the same UNAUTHORIZED answer', async () => {
    const testApp = createTestApp();
    const { user } = await makeMember(testApp.db, 'actor');
    const { api } = testApp.client();

    const wrongPassword = await errorOf(api.auth.signIn.mutate({ email: user.email, password: 'pas-le-bon' }));
    const unknownEmail = await errorOf(api.auth.signIn.mutate({ email: 'inconnu@exemple.test', password: TEST_PASSWORD }));

    expect(wrongPassword).toEqual({ code: 'UNAUTHORIZED', httpStatus: 401, message: WRONG_CREDENTIALS, fieldErrors: undefined });
    expect(unknownEmail).toEqual(wrongPassword);
    expect(sessionRows(testApp)).toEqual([]);
  });
});

describe('the current user (auth.me)', () => {
  it('is null when signed out', async () => {
    const testApp = createTestApp();
    const { api } = testApp.client();

    expect(await api.auth.me.query()).toBeNull();
  });

  it('is the signed-in user with their memberships', async () => {
    const testApp = createTestApp();
    const { user, organisationId } = await makeMember(testApp.db, 'funder', { name: 'Région Bretagne', funderKind: 'region' });
    const { api } = testApp.client();
    const signed = await api.auth.signIn.mutate({ email: user.email, password: user.password });

    const me = await api.auth.me.query();

    expect(me).toEqual(signed);
    expect(me?.memberships).toEqual([{ organisationId, organisationKind: 'funder', organisationName: 'Région Bretagne', role: 'admin' }]);
  });

  it('follows a change of locale made with auth.setLocale', async () => {
    const testApp = createTestApp();
    const { user } = await makeMember(testApp.db, 'actor');
    const { api } = await signedIn(testApp, user.email, user.password);

    expect(await api.auth.setLocale.mutate({ locale: 'en' })).toEqual({ locale: 'en' });

    expect((await api.auth.me.query())?.locale).toBe('en');
    expect(testApp.db.select({ locale: users.locale }).from(users).where(eq(users.id, user.id)).get()).toEqual({ locale: 'en' });
  });
});

describe('sessions', () => {
  it('stores only the SHA-256 of the token, never the cookie value itself', async () => {
    const testApp = createTestApp();
    const { user } = await makeMember(testApp.db, 'actor');
    const first = await signedIn(testApp, user.email, user.password);
    const second = await signedIn(testApp, user.email, user.password);
    const tokens = [first.jar.get('aptic_session')!, second.jar.get('aptic_session')!];

    expect(tokens[0]).not.toBe(tokens[1]);
    const rows = sessionRows(testApp);
    expect(rows.map((r) => r.id).sort()).toEqual(tokens.map(sha256).sort());
    const stored = JSON.stringify(rows);
    for (const token of tokens) expect(stored.includes(token)).toBe(false);
  });

  it('signing out deletes the session row, clears the cookie and leaves the user signed out', async () => {
    const testApp = createTestApp();
    const { user } = await makeMember(testApp.db, 'actor');
    const { api, jar } = await signedIn(testApp, user.email, user.password);
    const token = jar.get('aptic_session')!;
    expect(sessionRows(testApp).map((r) => r.id)).toEqual([sha256(token)]);

    expect(await api.auth.signOut.mutate()).toEqual({ ok: true });

    expect(sessionRows(testApp)).toEqual([]);
    expect(jar.has('aptic_session')).toBe(false);
    expect(await api.auth.me.query()).toBeNull();
  });

  it('an old cookie replayed after sign-out no longer authenticates', async () => {
    const testApp = createTestApp();
    const { user } = await makeMember(testApp.db, 'actor');
    const session = await signedIn(testApp, user.email, user.password);
    const token = session.jar.get('aptic_session')!;
    await session.api.auth.signOut.mutate();

    const replay = testApp.client({ headers: { cookie: `aptic_session=${token}` } });

    expect(await replay.api.auth.me.query()).toBeNull();
    expect(await errorOf(replay.api.auth.signOut.mutate())).toEqual({ code: 'UNAUTHORIZED', httpStatus: 401, message: 'Connexion requise', fieldErrors: undefined });
  });

  it('signing out ends only this session: the same user signed in elsewhere stays signed in', async () => {
    const testApp = createTestApp();
    const { user } = await makeMember(testApp.db, 'actor');
    const laptop = await signedIn(testApp, user.email, user.password);
    const phone = await signedIn(testApp, user.email, user.password);

    await laptop.api.auth.signOut.mutate();

    expect((await phone.api.auth.me.query())?.id).toBe(user.id);
    expect(sessionRows(testApp).map((r) => r.id)).toEqual([sha256(phone.jar.get('aptic_session')!)]);
  });

  it('an expired session counts as signed out', async () => {
    const testApp = createTestApp();
    const { user } = await makeMember(testApp.db, 'actor');
    const { api } = await signedIn(testApp, user.email, user.password);

    testApp.db.update(sessions).set({ expiresAt: new Date(Date.now() - 1_000).toISOString() }).run();

    expect(await api.auth.me.query()).toBeNull();
    expect((await errorOf(api.auth.setLocale.mutate({ locale: 'en' }))).code).toBe('UNAUTHORIZED');
  });

  it('a new sign-in sweeps the user’s expired sessions from the table', async () => {
    const testApp = createTestApp();
    const { user } = await makeMember(testApp.db, 'actor');
    await signedIn(testApp, user.email, user.password);
    testApp.db.update(sessions).set({ expiresAt: '2020-01-01T00:00:00.000Z' }).run();

    const fresh = await signedIn(testApp, user.email, user.password);

    expect(sessionRows(testApp).map((r) => r.id)).toEqual([sha256(fresh.jar.get('aptic_session')!)]);
  });

  it('a forged cookie that matches no session is treated as signed out', async () => {
    const testApp = createTestApp();
    const { api } = testApp.client({ headers: { cookie: 'aptic_session=forged-token-value' } });

    expect(await api.auth.me.query()).toBeNull();
  });
});

describe('sign-in rate limits', () => {
  it('after SIGNIN_MAX_FAILURES_PER_EMAIL failures, even the right password is refused with TOO_MANY_REQUESTS', async () => {
    const testApp = createTestApp({ env: { SIGNIN_MAX_FAILURES_PER_EMAIL: '3' } });
    const { user } = await makeMember(testApp.db, 'actor');
    const { api } = testApp.client();
    for (let i = 0; i < 3; i++) {
      expect((await errorOf(api.auth.signIn.mutate({ email: user.email, password: `faux-${i}` }))).code).toBe('UNAUTHORIZED');
    }

    const blocked = await errorOf(api.auth.signIn.mutate({ email: user.email, password: user.password }));

    expect(blocked).toEqual({
      code: 'TOO_MANY_REQUESTS',
      httpStatus: 429,
      message: 'Trop de tentatives de connexion. Réessayez dans 15 min.',
      fieldErrors: undefined,
    });
    expect(sessionRows(testApp)).toEqual([]);
  });

  it('counts failures per normalised e-mail, so changing its capitals does not escape the limit', async () => {
    const testApp = createTestApp({ env: { SIGNIN_MAX_FAILURES_PER_EMAIL: '2' } });
    const { user } = await makeMember(testApp.db, 'actor', { email: 'yann@exemple.test' });
    const { api } = testApp.client();
    await errorOf(api.auth.signIn.mutate({ email: 'yann@exemple.test', password: 'faux' }));
    await errorOf(api.auth.signIn.mutate({ email: 'YANN@exemple.test', password: 'faux' }));

    expect((await errorOf(api.auth.signIn.mutate({ email: ' Yann@Exemple.Test', password: user.password }))).code).toBe('TOO_MANY_REQUESTS');
  });

  it('blocks the failures of one e-mail without blocking another account', async () => {
    const testApp = createTestApp({ env: { SIGNIN_MAX_FAILURES_PER_EMAIL: '2' } });
    const target = await makeMember(testApp.db, 'actor');
    const other = await makeMember(testApp.db, 'actor');
    const { api } = testApp.client();
    await errorOf(api.auth.signIn.mutate({ email: target.user.email, password: 'faux' }));
    await errorOf(api.auth.signIn.mutate({ email: target.user.email, password: 'faux' }));

    expect((await api.auth.signIn.mutate({ email: other.user.email, password: other.user.password })).id).toBe(other.user.id);
  });

  it('a successful sign-in resets the failure count of the e-mail', async () => {
    const testApp = createTestApp({ env: { SIGNIN_MAX_FAILURES_PER_EMAIL: '3' } });
    const { user } = await makeMember(testApp.db, 'actor');
    const { api } = testApp.client();
    const fail = () => errorOf(api.auth.signIn.mutate({ email: user.email, password: 'faux' }));

    expect((await fail()).code).toBe('UNAUTHORIZED');
    expect((await fail()).code).toBe('UNAUTHORIZED');
    await api.auth.signIn.mutate({ email: user.email, password: user.password });
    // Without the reset these two would make four failures, over the limit of three.
    expect((await fail()).code).toBe('UNAUTHORIZED');
    expect((await fail()).code).toBe('UNAUTHORIZED');

    expect((await api.auth.signIn.mutate({ email: user.email, password: user.password })).id).toBe(user.id);
  });

  it('blocks one IP that tries many e-mails while another IP still signs in', async () => {
    const testApp = createTestApp({ env: { TRUST_PROXY: 'true', SIGNIN_MAX_PER_IP: '3' } });
    const { user } = await makeMember(testApp.db, 'actor');
    const attacker = testApp.client({ headers: { 'x-forwarded-for': '203.0.113.7' } });
    for (let i = 0; i < 3; i++) {
      expect((await errorOf(attacker.api.auth.signIn.mutate({ email: `victime${i}@exemple.test`, password: 'faux' }))).code).toBe('UNAUTHORIZED');
    }

    expect((await errorOf(attacker.api.auth.signIn.mutate({ email: user.email, password: user.password }))).code).toBe('TOO_MANY_REQUESTS');

    const neighbour = testApp.client({ headers: { 'x-forwarded-for': '198.51.100.2' } });
    expect((await neighbour.api.auth.signIn.mutate({ email: user.email, password: user.password })).id).toBe(user.id);
  });

  it('counts successful sign-ins against the IP limit too', async () => {
    const testApp = createTestApp({ env: { TRUST_PROXY: 'true', SIGNIN_MAX_PER_IP: '2' } });
    const { user } = await makeMember(testApp.db, 'actor');
    const office = testApp.client({ headers: { 'x-forwarded-for': '203.0.113.9' } });
    await office.api.auth.signIn.mutate({ email: user.email, password: user.password });
    await office.api.auth.signIn.mutate({ email: user.email, password: user.password });

    expect((await errorOf(office.api.auth.signIn.mutate({ email: user.email, password: user.password }))).code).toBe('TOO_MANY_REQUESTS');
  });

  it('counts parallel attempts before the slow hash, so a burst cannot slip under the e-mail limit', async () => {
    const testApp = createTestApp({ env: { SIGNIN_MAX_FAILURES_PER_EMAIL: '5' } });
    const { user } = await makeMember(testApp.db, 'actor');
    // One batched POST of 20 sign-ins: tRPC runs them concurrently.
    const body = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [String(i), { email: user.email, password: `faux-${i}` }]));
    const response = await testApp.app.request(`${TEST_ORIGIN}/trpc/${Array(20).fill('auth.signIn').join(',')}?batch=1`, {
      method: 'POST',
      headers: { origin: TEST_ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answers = (await response.json()) as { error: { data: { code: string } } }[];
    const codes = answers.map((a) => a.error.data.code);

    expect(codes.filter((c) => c === 'UNAUTHORIZED')).toHaveLength(5);
    expect(codes.filter((c) => c === 'TOO_MANY_REQUESTS')).toHaveLength(15);
  });

  it('behind a trusted proxy, reads the client IP from the entry the proxy appended, not one the client wrote', async () => {
    const testApp = createTestApp({ env: { TRUST_PROXY: 'true', SIGNIN_MAX_PER_IP: '2' } });
    const { user } = await makeMember(testApp.db, 'actor');
    for (let i = 0; i < 2; i++) {
      const { api } = testApp.client({ headers: { 'x-forwarded-for': `10.9.9.${i}, 203.0.113.7` } });
      await errorOf(api.auth.signIn.mutate({ email: 'inconnu@exemple.test', password: 'faux' }));
    }

    const { api } = testApp.client({ headers: { 'x-forwarded-for': '10.9.9.99, 203.0.113.7' } });
    expect((await errorOf(api.auth.signIn.mutate({ email: user.email, password: user.password }))).code).toBe('TOO_MANY_REQUESTS');
  });

  it('without TRUST_PROXY a forged X-Forwarded-For does not give a fresh IP budget', async () => {
    const testApp = createTestApp({ env: { SIGNIN_MAX_PER_IP: '2' } });
    const { user } = await makeMember(testApp.db, 'actor');
    for (const ip of ['203.0.113.1', '203.0.113.2']) {
      const { api } = testApp.client({ headers: { 'x-forwarded-for': ip } });
      await errorOf(api.auth.signIn.mutate({ email: 'inconnu@exemple.test', password: 'faux' }));
    }

    const { api } = testApp.client({ headers: { 'x-forwarded-for': '203.0.113.3' } });
    expect((await errorOf(api.auth.signIn.mutate({ email: user.email, password: user.password }))).code).toBe('TOO_MANY_REQUESTS');
  });
});
