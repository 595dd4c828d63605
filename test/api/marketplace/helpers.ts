import { randomUUID } from 'node:crypto';
import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { TRPCClientError } from '@trpc/client';
import { expect } from 'vitest';
import type { Db } from '../../../db/client';
import { SESSION_COOKIE } from '../../../server/auth/cookie';
import type { RowError } from '../../../server/errors';
import { createSession } from '../../../server/services/auth';
import { checkLedger } from '../../../server/services/ledger-check';
import type { CreateOrderInput } from '../../../shared/schemas/orders';
import { makeMember, type OrgOptions } from '../../factories';
import { createTestApp, type TestApp } from '../../setup/app';

/**
 * Shared set-up of the marketplace API tests: a fresh app per scenario with signed-in clients
 * for every role, a snapshot of every marketplace table for "nothing changed" assertions, and
 * the ledger check each scenario ends with.
 */

/** Every table a marketplace write may touch (users and sessions excepted). */
const MARKETPLACE_TABLES = [
  'organisations',
  'places',
  'place_communes',
  'place_status_events',
  'partnerships',
  'partnership_members',
  'service_orders',
  'order_fundings',
  'bids',
  'bid_lines',
  'awards',
  'deliveries',
  'ledger_accounts',
  'ledger_transactions',
  'ledger_entries',
  'place_year_figures',
  'place_year_beneficiaries',
  'departement_year_figures',
] as const;

/** Every row of every marketplace table: equal snapshots mean nothing at all was written. */
export function snapshot(db: Db): Record<string, unknown[]> {
  return Object.fromEntries(MARKETPLACE_TABLES.map((table) => [table, db.$client.prepare(`select * from ${table} order by rowid`).all()]));
}

export function countRows(db: Db, table: (typeof MARKETPLACE_TABLES)[number]): number {
  return (db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
}

/** The scenario left the ledger and every maintained figure consistent. */
export function expectLedgerClean(db: Db): void {
  expect(checkLedger(db)).toMatchObject({ ok: true, differences: [] });
}

export interface Refusal {
  code: string;
  httpStatus: number;
  message: string;
  fieldErrors?: Record<string, string[]>;
  rowErrors?: RowError[];
}

/** The refusal of a tRPC call: code, HTTP status, message, field errors and batch row errors. */
export async function refusal(promise: Promise<unknown>): Promise<Refusal> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) {
      const data = error.data as { code: string; httpStatus: number; fieldErrors?: Record<string, string[]>; rowErrors?: RowError[] } | undefined;
      return { code: data?.code ?? '', httpStatus: data?.httpStatus ?? 0, message: error.message, fieldErrors: data?.fieldErrors, rowErrors: data?.rowErrors };
    }
    throw error;
  }
  throw new Error('Expected the call to be refused, but it succeeded');
}

/** The messages reported for a field by its full dotted path (`lines.1.placeId`). */
export function messagesAt(fieldErrors: Record<string, string[]> | undefined, path: string): string[] | undefined {
  return fieldErrors?.[path];
}

export const key = () => randomUUID();

export const isoDaysFromToday = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
export const today = () => new Date().toISOString().slice(0, 10);
export const thisYear = () => new Date().getUTCFullYear();

type Api = ReturnType<TestApp['client']>['api'];

/**
 * A client carrying a real session cookie for the user. The session is created directly (the
 * sign-in, with its deliberately slow scrypt, is covered by test/api/auth.test.ts): every call
 * still resolves the cookie through the Hono app like a browser's.
 */
export function sessionFor(testApp: TestApp, userId: number) {
  const session = testApp.client();
  session.jar.set(SESSION_COOKIE, createSession(testApp.db, userId, 1).token);
  return session;
}

async function member(testApp: TestApp, kind: 'funder' | 'actor' | 'operator', options: OrgOptions = {}) {
  const m = await makeMember(testApp.db, kind, options);
  return { ...m, session: sessionFor(testApp, m.user.id) };
}

/**
 * A fresh app with, each with a session: the funder, a second funder (co-funder or intruder),
 * the actor, a rival actor and the operator.
 */
export async function marketplace() {
  const testApp = createTestApp();
  const members = {
    funder: await member(testApp, 'funder', { name: 'Département du Finistère' }),
    otherFunder: await member(testApp, 'funder', { name: 'CAF du Finistère', funderKind: 'caf' }),
    actor: await member(testApp, 'actor', { name: 'Association Ty Numérik' }),
    rival: await member(testApp, 'actor', { name: 'Coopérative Les Liens' }),
    operator: await member(testApp, 'operator', { name: 'Réseau #APTIC' }),
  };
  const as = {
    funder: members.funder.session.api,
    otherFunder: members.otherFunder.session.api,
    actor: members.actor.session.api,
    rival: members.rival.session.api,
    operator: members.operator.session.api,
  };
  return { testApp, db: testApp.db, ...members, as };
}

export type Marketplace = Awaited<ReturnType<typeof marketplace>>;

/** The last day of the delivery window the tests use: the end of this year, or later near December. */
export function windowEnd(): string {
  const endOfYear = `${thisYear()}-12-31`;
  const later = isoDaysFromToday(60);
  return later > endOfYear ? later : endOfYear;
}

/** A complete, valid order form; fields can be overridden one by one. */
export function orderForm(organisationId: number, overrides: Partial<CreateOrderInput> = {}): CreateOrderInput {
  return {
    organisationId,
    title: 'Accompagnement aux démarches en ligne',
    description: 'Aide aux démarches administratives pour les allocataires.',
    services: [Service.AideAuxDemarchesAdministratives],
    departementCodes: ['29'],
    communeCodes: [],
    quantity: 100,
    unitPriceCents: 1_000,
    targetPeople: 20,
    bidDeadline: isoDaysFromToday(14),
    deliveryStartsOn: `${thisYear()}-01-01`,
    deliveryEndsOn: windowEnd(),
    // Self-declared unless a test asks for pass: the pass tests set it (test/api/passes).
    passRequired: false,
    ...overrides,
  };
}

/** Through the API: the funder creates, publishes and pays an order (all of it unless told). */
export async function fundedOrder(api: Api, organisationId: number, overrides: Partial<CreateOrderInput> = {}, paidCents?: number) {
  const form = orderForm(organisationId, overrides);
  const { orderId } = await api.orders.create.mutate(form);
  await api.orders.publish.mutate({ orderId });
  const amount = paidCents ?? form.quantity * (form.unitPriceCents ?? 1_000);
  if (amount > 0) await api.orders.recordPayment.mutate({ orderId, organisationId, amountCents: amount, reference: `VIR-${orderId}`, idempotencyKey: key() });
  return orderId;
}
