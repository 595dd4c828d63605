import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../../server/auth/cookie';
import { makeUser, TEST_PASSWORD } from '../../factories';
import { signedIn } from '../../setup/app';
import { expectLedgerClean, refusal } from '../marketplace/helpers';
import { everyText, issue, passOrder, passWorld, rowCount, type PassWorld } from './helpers';

/**
 * Issue 11: a funder invites a prescriber; a contact without an account gets a one-time link
 * (the platform sends no e-mail: the funder passes it on), chooses a password with it and is
 * signed in; the link then stops working. A contact who already has an account simply gains
 * the membership.
 */

let w: PassWorld;
beforeEach(async () => {
  w = await passWorld();
});
afterEach(() => expectLedgerClean(w.db));

const PASSWORD = 'un mot de passe tout neuf';
const EXPIRED_LINK = { code: 'CONFLICT', httpStatus: 409, message: 'Ce lien d’invitation n’est plus valable : demandez-en un nouveau à qui vous a invité' };

function invite(contactEmail = 'claire.legoff@ccas-quimper.test', name = 'CCAS de Quimper') {
  return w.funder.api.prescribers.invite.mutate({ organisationId: w.funder.organisationId, name, contactName: 'Claire Le Goff', contactEmail, departementCode: '29', communeCode: '29232' });
}

const tokenOf = (path: string | null) => {
  expect(path).toMatch(/^\/invitation\/[A-Za-z0-9_-]{20,}$/);
  return path!.slice('/invitation/'.length);
};

describe('a contact without an account', () => {
  it('gets a link that shows who is invited, chooses a password with it, is signed in and lists the prescriber’s booklets', async () => {
    const { organisationId, invitationPath } = await invite();
    const token = tokenOf(invitationPath);
    const orderId = await passOrder(w);
    const [bookletId] = await issue(w, orderId, 1);
    await w.funder.api.passes.assign.mutate({ organisationId: w.funder.organisationId, bookletIds: [bookletId!], prescriberOrganisationId: organisationId });
    const browser = w.testApp.client();

    expect(await browser.api.auth.invitation.query({ token })).toEqual({ email: 'claire.legoff@ccas-quimper.test', name: 'Claire Le Goff', organisationName: 'CCAS de Quimper' });
    expect(await w.funder.api.prescribers.ofFunder.query({ organisationId: w.funder.organisationId })).toEqual([expect.objectContaining({ organisationId, invitationPending: true })]);

    const me = await browser.api.auth.acceptInvitation.mutate({ token, password: PASSWORD });

    expect(me).toMatchObject({ email: 'claire.legoff@ccas-quimper.test', memberships: [{ organisationId, organisationKind: 'prescriber', organisationName: 'CCAS de Quimper', role: 'admin' }] });
    expect(browser.jar.get(SESSION_COOKIE)).toBeTruthy();
    expect((await browser.api.auth.me.query())?.id).toBe(me.id);
    expect((await browser.api.prescribers.booklets.query({ organisationId })).map((b) => b.id)).toEqual([bookletId]);
    expect((await browser.api.passes.printBooklet.mutate({ bookletId: bookletId! })).passes).toHaveLength(10);
    expect(await w.funder.api.prescribers.ofFunder.query({ organisationId: w.funder.organisationId })).toEqual([expect.objectContaining({ organisationId, invitationPending: false })]);
    // The password chosen is the account's from now on.
    expect((await (await signedIn(w.testApp, 'claire.legoff@ccas-quimper.test', PASSWORD)).api.auth.me.query())?.id).toBe(me.id);
  });

  it('cannot use the link a second time, nor read it, and the password stays the first one chosen', async () => {
    const token = tokenOf((await invite()).invitationPath);
    await w.testApp.client().api.auth.acceptInvitation.mutate({ token, password: PASSWORD });
    const users = rowCount(w.db, 'users');

    expect(await refusal(w.testApp.client().api.auth.acceptInvitation.mutate({ token, password: 'un autre mot de passe encore' }))).toMatchObject(EXPIRED_LINK);
    expect(await refusal(w.testApp.client().api.auth.invitation.query({ token }))).toMatchObject(EXPIRED_LINK);
    expect(rowCount(w.db, 'users')).toBe(users);
    expect(await refusal(w.testApp.client().api.auth.signIn.mutate({ email: 'claire.legoff@ccas-quimper.test', password: 'un autre mot de passe encore' }))).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('used twice at once, sets one password: one browser is signed in, the other refused', async () => {
    const token = tokenOf((await invite()).invitationPath);
    const passwords = ['premier mot de passe choisi', 'second mot de passe choisi'];

    const outcomes = await Promise.allSettled(passwords.map((password) => w.testApp.client().api.auth.acceptInvitation.mutate({ token, password })));

    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const winner = passwords[outcomes.findIndex((o) => o.status === 'fulfilled')]!;
    const loser = passwords.find((p) => p !== winner)!;
    expect(await refusal(Promise.reject(outcomes.find((o) => o.status === 'rejected')!.reason))).toMatchObject(EXPIRED_LINK);
    expect((await signedIn(w.testApp, 'claire.legoff@ccas-quimper.test', winner)).jar.get(SESSION_COOKIE)).toBeTruthy();
    expect(await refusal(w.testApp.client().api.auth.signIn.mutate({ email: 'claire.legoff@ccas-quimper.test', password: loser }))).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('cannot sign in before choosing a password', async () => {
    await invite();

    expect(await refusal(w.testApp.client().api.auth.signIn.mutate({ email: 'claire.legoff@ccas-quimper.test', password: TEST_PASSWORD }))).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('refuses a password too short on its field, and the link keeps working', async () => {
    const token = tokenOf((await invite()).invitationPath);

    expect(await refusal(w.testApp.client().api.auth.acceptInvitation.mutate({ token, password: 'court' }))).toMatchObject({
      code: 'BAD_REQUEST',
      fieldErrors: { password: ['Au moins 12 caractères'] },
    });
    expect((await w.testApp.client().api.auth.invitation.query({ token })).email).toBe('claire.legoff@ccas-quimper.test');
  });

  it('refuses a link past its fourteen days, and a token that was never issued, with the same answer', async () => {
    const token = tokenOf((await invite()).invitationPath);
    w.db.$client.prepare("update account_invitations set expires_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 minute')").run();

    expect(await refusal(w.testApp.client().api.auth.invitation.query({ token }))).toMatchObject(EXPIRED_LINK);
    expect(await refusal(w.testApp.client().api.auth.acceptInvitation.mutate({ token, password: PASSWORD }))).toMatchObject(EXPIRED_LINK);
    expect(await refusal(w.testApp.client().api.auth.invitation.query({ token: 'x'.repeat(32) }))).toMatchObject(EXPIRED_LINK);
  });

  it('is kept as a hash: the token is in no table', async () => {
    const token = tokenOf((await invite()).invitationPath);

    expect(rowCount(w.db, 'account_invitations')).toBe(1);
    expect(everyText(w.db).filter(({ value }) => value.includes(token))).toEqual([]);
  });
});

describe('a contact whose link was never used', () => {
  // A contact made by an earlier invitation, who never chose a password, is not "an account":
  // invited again, it gets a new link (the earlier ones stop working).
  it('gets a new link when invited again after the first one expired, and can then choose a password', async () => {
    await invite();
    w.db.$client.prepare("update account_invitations set expires_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 minute')").run();

    const again = await invite('claire.legoff@ccas-quimper.test', 'CCAS de Quimper, antenne de Kerfeunteun');

    const token = tokenOf(again.invitationPath);
    expect((await w.testApp.client().api.auth.acceptInvitation.mutate({ token, password: PASSWORD })).email).toBe('claire.legoff@ccas-quimper.test');
  });

  it('is shown as expired to the funder, who sends a new link; the old one stops working; once used, no more renewals', async () => {
    const { organisationId, invitationPath } = await invite();
    const first = tokenOf(invitationPath);
    w.db.$client.prepare("update account_invitations set expires_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 minute')").run();
    const listed = () => w.funder.api.prescribers.ofFunder.query({ organisationId: w.funder.organisationId });
    expect(await listed()).toEqual([expect.objectContaining({ organisationId, invitationPending: false, invitationExpired: true })]);

    const renew = () => w.funder.api.prescribers.renewInvitation.mutate({ organisationId: w.funder.organisationId, prescriberOrganisationId: organisationId });
    const second = tokenOf((await renew()).invitationPath);
    expect(await listed()).toEqual([expect.objectContaining({ organisationId, invitationPending: true, invitationExpired: false })]);
    // Renewing again ends the second link too: only the newest works.
    const third = tokenOf((await renew()).invitationPath);
    expect(await refusal(w.testApp.client().api.auth.invitation.query({ token: second }))).toMatchObject(EXPIRED_LINK);
    expect(await refusal(w.testApp.client().api.auth.invitation.query({ token: first }))).toMatchObject(EXPIRED_LINK);

    await w.testApp.client().api.auth.acceptInvitation.mutate({ token: third, password: PASSWORD });
    expect(await refusal(renew())).toMatchObject({ code: 'CONFLICT', message: 'Ce contact a déjà choisi son mot de passe : il se connecte avec son adresse e-mail' });
    // Another funder cannot renew it.
    expect(await refusal(w.otherFunder.api.prescribers.renewInvitation.mutate({ organisationId: w.otherFunder.organisationId, prescriberOrganisationId: organisationId }))).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('a contact who already has an account', () => {
  it('gets no link but the membership, whatever the capitals of the e-mail typed; the password does not change', async () => {
    const contact = await makeUser(w.db, { email: 'yann.kerherve@mairie-brest.test' });
    const session = await signedIn(w.testApp, contact.email, contact.password);

    const { organisationId, invitationPath } = await invite('Yann.Kerherve@Mairie-Brest.test', 'Mairie de Brest');

    expect(invitationPath).toBeNull();
    expect(rowCount(w.db, 'account_invitations')).toBe(0);
    expect((await session.api.auth.me.query())?.memberships).toEqual([{ organisationId, organisationKind: 'prescriber', organisationName: 'Mairie de Brest', role: 'admin' }]);
    expect(await session.api.prescribers.booklets.query({ organisationId })).toEqual([]);
    expect((await (await signedIn(w.testApp, contact.email, contact.password)).api.auth.me.query())?.id).toBe(contact.id);
    expect(await w.funder.api.prescribers.ofFunder.query({ organisationId: w.funder.organisationId })).toEqual([expect.objectContaining({ organisationId, invitationPending: false })]);
  });
});
