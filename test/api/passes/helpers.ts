import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { expect } from 'vitest';
import type { Db } from '../../../db/client';
import { formatPassCode, generatePassCode } from '../../../shared/domain/pass-codes';
import type { CreateOrderInput } from '../../../shared/schemas/orders';
import type { RedeemPassInput } from '../../../shared/schemas/passes';
import { makeMember, makePlace, makeUser, type OrgOptions } from '../../factories';
import { createTestApp, type TestApp } from '../../setup/app';
import { fundedOrder, sessionFor } from '../marketplace/helpers';

/**
 * Shared set-up of the pass tests (issue 11): a fresh app (with its environment when a test
 * needs a limit of its own), signed-in clients for every role, a qualified place in the
 * Finistère for each actor, and helpers that drive every step through the real API: a
 * pass-required order awarded to places, booklets issued, a prescriber invited and signed in.
 */

type Api = ReturnType<TestApp['client']>['api'];

/** Every table a pass step may write, besides the marketplace ones. */
export const PASS_TABLES = ['pass_booklets', 'passes', 'prescribers', 'account_invitations', 'deliveries', 'memberships', 'organisations', 'users'] as const;

export function rowCount(db: Db, table: (typeof PASS_TABLES)[number] | 'awards' | 'ledger_transactions' | 'audit_events'): number {
  return (db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
}

/** Every row of every pass table: equal snapshots mean the call wrote nothing there. */
export function passSnapshot(db: Db): Record<string, unknown[]> {
  return Object.fromEntries(PASS_TABLES.map((table) => [table, db.$client.prepare(`select * from ${table} order by rowid`).all()]));
}

/**
 * A fresh app with, each signed in: the funder, another funder (co-funder or intruder), the
 * actor and a rival actor with a qualified place each, and the operator. `env` reaches the
 * server's configuration (PASS_WRONG_CODES_PER_HOUR…).
 */
export async function passWorld(options: { env?: Record<string, string> } = {}) {
  const testApp = createTestApp({ env: options.env });
  const { db } = testApp;
  const member = async (kind: 'funder' | 'actor' | 'operator', org: OrgOptions) => {
    const m = await makeMember(db, kind, org);
    return { organisationId: m.organisationId, userId: m.user.id, email: m.user.email, api: sessionFor(testApp, m.user.id).api };
  };
  const funder = await member('funder', { name: 'Département du Finistère' });
  const otherFunder = await member('funder', { name: 'CAF du Finistère', funderKind: 'caf' });
  const actor = await member('actor', { name: 'Association Ty Numérik' });
  const rival = await member('actor', { name: 'Coopérative Les Liens' });
  const operator = await member('operator', { name: 'Réseau #APTIC' });
  const places = {
    actor: makePlace(db, { organisationId: actor.organisationId, name: 'Espace numérique de Kerfeunteun', mainCommuneCode: '29232' }),
    /** A second place of the actor, awarded nothing unless a test says so. */
    actorOther: makePlace(db, { organisationId: actor.organisationId, name: 'Médiathèque de Douarnenez', mainCommuneCode: '29046' }),
    rival: makePlace(db, { organisationId: rival.organisationId, name: 'Cyber-base de Brest', mainCommuneCode: '29019' }),
  };
  return { testApp, db, funder, otherFunder, actor, rival, operator, places };
}

export type PassWorld = Awaited<ReturnType<typeof passWorld>>;
export type Member = PassWorld['funder'];

/** Through the API: a published pass-required order of the funder, paid in full unless told. */
export function passOrder(w: PassWorld, overrides: Partial<CreateOrderInput> = {}, paidCents?: number) {
  return fundedOrder(w.funder.api, w.funder.organisationId, { quantity: 100, passRequired: true, ...overrides }, paidCents);
}

/**
 * Through the API: bids of the places' actors, bidding closed, each place awarded its quantity.
 * Returns the award of each place, in the order given.
 */
export async function award(w: PassWorld, orderId: number, lines: { who: Member; placeId: number; quantity: number }[]) {
  const bids: number[] = [];
  for (const line of lines) {
    const bid = await line.who.api.bids.submit.mutate({ orderId, organisationId: line.who.organisationId, unitPriceCents: 1_000, lines: [{ placeId: line.placeId, quantity: line.quantity }] });
    bids.push(bid.id);
  }
  await w.funder.api.awards.closeBidding.mutate({ orderId });
  const { awardIds } = await w.funder.api.awards.create.mutate({ orderId, lines: lines.map((line, i) => ({ bidId: bids[i]!, placeId: line.placeId, quantity: line.quantity })) });
  return awardIds;
}

/** A pass-required order of 100 services, paid in full, 50 of them awarded to the actor's place. */
export async function awardedPassOrder(w: PassWorld, overrides: Partial<CreateOrderInput> = {}) {
  const orderId = await passOrder(w, overrides);
  const [awardId] = await award(w, orderId, [{ who: w.actor, placeId: w.places.actor, quantity: 50 }]);
  return { orderId, awardId: awardId! };
}

/** The funder issues booklets; returns their ids. */
export async function issue(w: PassWorld, orderId: number, booklets: number, size = 10, by: Member = w.funder) {
  return (await by.api.passes.issue.mutate({ orderId, organisationId: by.organisationId, booklets, size })).bookletIds;
}

/** The codes of a booklet, as printed (`7K3M-Q9TD-2HXA`), read by one of the order's funders. */
export async function codesOf(w: PassWorld, bookletId: number, api: Api = w.funder.api) {
  return (await api.passes.printBooklet.mutate({ bookletId })).passes.map((p) => p.code);
}

/** Issues one booklet of `size` on the order and returns its codes. */
export async function freshCodes(w: PassWorld, orderId: number, size = 10) {
  const [bookletId] = await issue(w, orderId, 1, size);
  return { bookletId: bookletId!, codes: await codesOf(w, bookletId!) };
}

/** A well-formed code (its check symbol right) that is very likely no pass anywhere. */
export const unknownCode = () => formatPassCode(generatePassCode());

export function redeemInput(placeId: number, code: string, overrides: Partial<RedeemPassInput> = {}): RedeemPassInput {
  return { placeId, code, service: Service.AideAuxDemarchesAdministratives, ...overrides };
}

let prescribers = 0;

/**
 * Through the API: a funder invites a prescriber whose contact has an account already (so no
 * slow password to choose), and the contact gets a session. The invitation flow itself is
 * tested in invitations.test.ts.
 */
export async function prescriber(w: PassWorld, by: Member = w.funder, name = `CCAS numéro ${++prescribers}`) {
  const contact = await makeUser(w.db);
  const { organisationId, invitationPath } = await by.api.prescribers.invite.mutate({
    organisationId: by.organisationId,
    name,
    contactName: 'Claire Le Goff',
    contactEmail: contact.email,
    departementCode: '29',
  });
  expect(invitationPath).toBeNull();
  return { organisationId, userId: contact.id, email: contact.email, api: sessionFor(w.testApp, contact.id).api };
}

export type Prescriber = Awaited<ReturnType<typeof prescriber>>;

/** Every text value of every column of every table, for the "never in clear" searches. */
export function everyText(db: Db): { table: string; column: string; value: string }[] {
  const tables = db.$client.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'").pluck().all() as string[];
  const found: { table: string; column: string; value: string }[] = [];
  for (const table of tables) {
    const columns = (db.$client.prepare(`pragma table_info("${table}")`).all() as { name: string }[]).map((c) => c.name);
    for (const row of db.$client.prepare(`select * from "${table}"`).all() as Record<string, unknown>[]) {
      for (const column of columns) {
        const value = row[column];
        if (typeof value === 'string') found.push({ table, column, value });
      }
    }
  }
  return found;
}
