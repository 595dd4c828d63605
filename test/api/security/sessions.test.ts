import { createHash } from 'node:crypto';
import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { sessions, users } from '../../../db/schema';
import { makeMember, makePlace } from '../../factories';
import { beneficiaryRef, makeAwards, makeBid, makeOrder } from '../../factories/marketplace';
import { createTestApp, errorOf, signedIn, TEST_ORIGIN, type TestApp } from '../../setup/app';

/**
 * Sessions and accounts (issue 8, item 6): rotation on sign-in, password change ending every
 * other session, limits on costly procedures, security headers. Expiry, sign-out, the sign-in
 * limits and the generic sign-in error are covered in test/api/auth.test.ts.
 */
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const sessionIds = (testApp: TestApp) => testApp.db.select({ id: sessions.id }).from(sessions).all().map((s) => s.id);
const NEW_PASSWORD = 'un mot de passe bien plus long';

describe('rotation on sign-in', () => {
  it('ends the session the browser came with and issues a new token', async () => {
    const testApp = createTestApp();
    const { user } = await makeMember(testApp.db, 'actor');
    const browser = await signedIn(testApp, user.email, user.password);
    const before = browser.jar.get('aptic_session')!;

    await browser.api.auth.signIn.mutate({ email: user.email, password: user.password });

    const after = browser.jar.get('aptic_session')!;
    expect(after).not.toBe(before);
    expect(sessionIds(testApp)).toEqual([sha256(after)]);
    const replay = testApp.client({ headers: { cookie: `aptic_session=${before}` } });
    expect(await replay.api.auth.me.query()).toBeNull();
  });

  it('signing in as someone else from a browser ends the previous person’s session there', async () => {
    const testApp = createTestApp();
    const { user: first } = await makeMember(testApp.db, 'actor');
    const { user: second } = await makeMember(testApp.db, 'funder');
    const shared = await signedIn(testApp, first.email, first.password);
    const firstToken = shared.jar.get('aptic_session')!;

    await shared.api.auth.signIn.mutate({ email: second.email, password: second.password });

    expect((await shared.api.auth.me.query())?.id).toBe(second.id);
    expect(sessionIds(testApp)).not.toContain(sha256(firstToken));
  });
});

describe('changing one’s password', () => {
  it('checks the current password, ends every other session, and keeps this browser signed in with a new token', async () => {
    const testApp = createTestApp();
    const { user } = await makeMember(testApp.db, 'actor');
    const laptop = await signedIn(testApp, user.email, user.password);
    const phone = await signedIn(testApp, user.email, user.password);
    const laptopToken = laptop.jar.get('aptic_session')!;

    expect(await laptop.api.auth.changePassword.mutate({ currentPassword: user.password, newPassword: NEW_PASSWORD })).toEqual({ ok: true });

    // The other browser (perhaps a stolen session) is signed out; this one carries on, rotated.
    expect(await phone.api.auth.me.query()).toBeNull();
    expect((await laptop.api.auth.me.query())?.id).toBe(user.id);
    expect(laptop.jar.get('aptic_session')).not.toBe(laptopToken);
    expect(sessionIds(testApp)).toEqual([sha256(laptop.jar.get('aptic_session')!)]);
    // Only the new password opens the account now.
    expect((await errorOf(testApp.client().api.auth.signIn.mutate({ email: user.email, password: user.password }))).code).toBe('UNAUTHORIZED');
    await signedIn(testApp, user.email, NEW_PASSWORD);
  });

  it('refuses a wrong current password on its field, a short or unchanged new one on its field, and changes nothing', async () => {
    const testApp = createTestApp();
    const { user } = await makeMember(testApp.db, 'actor');
    const browser = await signedIn(testApp, user.email, user.password);
    const hash = () => testApp.db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, user.id)).get()!.hash;
    const before = { hash: hash(), sessions: sessionIds(testApp) };

    expect((await errorOf(browser.api.auth.changePassword.mutate({ currentPassword: 'pas le bon mot de passe', newPassword: NEW_PASSWORD }))).fieldErrors).toEqual({
      currentPassword: ['Mot de passe actuel incorrect'],
    });
    expect((await errorOf(browser.api.auth.changePassword.mutate({ currentPassword: user.password, newPassword: 'court' }))).fieldErrors).toEqual({
      newPassword: ['Au moins 12 caractères'],
    });
    expect((await errorOf(browser.api.auth.changePassword.mutate({ currentPassword: NEW_PASSWORD, newPassword: NEW_PASSWORD }))).fieldErrors).toEqual({
      newPassword: ['Le nouveau mot de passe doit différer de l’actuel'],
    });
    expect({ hash: hash(), sessions: sessionIds(testApp) }).toEqual(before);
  });

  it('counts wrong current passwords like failed sign-ins: guessing is stopped by the same limit', async () => {
    const testApp = createTestApp({ env: { SIGNIN_MAX_FAILURES_PER_EMAIL: '2' } });
    const { user } = await makeMember(testApp.db, 'actor');
    const browser = await signedIn(testApp, user.email, user.password);
    for (let i = 0; i < 2; i++) await errorOf(browser.api.auth.changePassword.mutate({ currentPassword: `essai ${i}`, newPassword: NEW_PASSWORD }));

    expect((await errorOf(browser.api.auth.changePassword.mutate({ currentPassword: user.password, newPassword: NEW_PASSWORD }))).code).toBe('TOO_MANY_REQUESTS');
  });

  it('is refused signed out', async () => {
    const testApp = createTestApp();
    expect((await errorOf(testApp.client().api.auth.changePassword.mutate({ currentPassword: 'x', newPassword: NEW_PASSWORD }))).code).toBe('UNAUTHORIZED');
  });
});

describe('limits on costly procedures', () => {
  it('refuses a user’s batch of deliveries past COSTLY_MAX_PER_MINUTE, while another user and other procedures go on', async () => {
    const testApp = createTestApp({ env: { COSTLY_MAX_PER_MINUTE: '3' } });
    const { db } = testApp;
    const funder = await makeMember(db, 'funder');
    const actor = await makeMember(db, 'actor');
    const other = await makeMember(db, 'actor');
    const placeId = makePlace(db, { organisationId: actor.organisationId });
    const orderId = makeOrder(db, { funderOrganisationId: funder.organisationId, userId: funder.user.id, quantity: 50 });
    const bidId = makeBid(db, { orderId, organisationId: actor.organisationId, lines: [{ placeId, quantity: 50 }] });
    const [awardId] = makeAwards(db, { orderId, userId: funder.user.id, lines: [{ bidId, placeId, quantity: 50 }] }) as [number];
    const browser = await signedIn(testApp, actor.user.email, actor.user.password);
    const row = (k: number) => ({
      awardId,
      quantity: 1,
      deliveredOn: new Date().toISOString().slice(0, 10),
      service: Service.AideAuxDemarchesAdministratives,
      beneficiaryRef: beneficiaryRef(`p${k}`),
      idempotencyKey: `cout-${k}-abcdef`,
    });

    for (let k = 0; k < 3; k++) await browser.api.deliveries.recordBatch.mutate({ rows: [row(k)] });
    const refused = await errorOf(browser.api.deliveries.recordBatch.mutate({ rows: [row(3)] }));

    expect(refused.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.message).toMatch(/^Trop de demandes coûteuses en peu de temps\. Réessayez dans \d+ s\.$/);
    // Nothing of the refused batch was written; a single delivery (not costly) still goes through.
    await browser.api.deliveries.record.mutate(row(4));
    expect(db.$client.prepare('select count(*) as n from deliveries').get()).toEqual({ n: 4 });
    // The limit is per user: another user is not held back by this one (its row is refused for
    // what it is, someone else's award, not for the limit).
    const otherBrowser = await signedIn(testApp, other.user.email, other.user.password);
    expect((await errorOf(otherBrowser.api.deliveries.recordBatch.mutate({ rows: [row(5)] }))).code).toBe('BAD_REQUEST');
  });
});

describe('security headers on every answer', () => {
  it.each(['/', '/connexion', '/une/page/inconnue', '/api/health', '/trpc/auth.me'])('%s carries CSP with frame-ancestors none, nosniff, a referrer policy and frame denial', async (path) => {
    const testApp = createTestApp();
    const response = await testApp.app.request(`${TEST_ORIGIN}${path}`);
    const csp = response.headers.get('content-security-policy') ?? '';

    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });
});
