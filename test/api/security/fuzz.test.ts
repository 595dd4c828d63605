import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { TRPCClientError } from '@trpc/client';
import type { AnyTRPCProcedure } from '@trpc/server';
import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { Db } from '../../../db/client';
import { bids, organisations, payouts } from '../../../db/schema';
import { CLIENT_DIST } from '../../../server/app';
import { appRouter } from '../../../server/routers';
import { closeOrder } from '../../../server/services/credits';
import { importDeliveriesCsv } from '../../../server/services/imports';
import { runSettlement } from '../../../server/services/settlement';
import { makePlace, makeRound, makeUser, TEST_PASSWORD } from '../../factories';
import { beneficiaryRef, makeAwards, makeBid, makeDelivery, makeOrder, sessionUserOf } from '../../factories/marketplace';
import { TEST_ORIGIN, type TestApp } from '../../setup/app';
import { fundedOrder, isoDaysFromToday, key, orderForm, sessionFor, thisYear, today } from '../marketplace/helpers';
import { dayIn, monthsAgo } from '../money/helpers';
import { createPartnership, formedPartnership, openOrder, partnershipWorld } from '../partnerships/helpers';

/**
 * Hostile input on every procedure that takes one: each is called over HTTP through the real
 * tRPC client, by a caller allowed to call it, with its valid input bent by fast-check (wrong
 * types, huge strings, extreme numbers, unicode, SQL and HTML payloads, missing and unknown
 * fields). Whatever comes in, the answer is never a 500, a refusal writes nothing, and a
 * BAD_REQUEST names the fields to fix.
 */

type Api = ReturnType<TestApp['client']>['api'];
type Callable = { query: (input?: unknown) => Promise<unknown>; mutate: (input?: unknown) => Promise<unknown> };
type Json = Record<string, unknown>;

const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, AnyTRPCProcedure>).map(([path, procedure]) => ({
  path,
  type: procedure._def.type,
  inputs: procedure._def.inputs as z.ZodType[],
}));
const withInput = procedures.filter((p) => p.inputs.length > 0);

function call(api: Api, path: string, type: string, input: unknown) {
  const [namespace, name] = path.split('.') as [string, string];
  const procedure = (api as unknown as Record<string, Record<string, Callable>>)[namespace]![name]!;
  return type === 'mutation' ? procedure.mutate(input) : procedure.query(input);
}

// ——— The database as a whole ———

/** Per table, read through sqlite_master: its row count and a checksum of every row. */
function fingerprint(db: Db): Record<string, { rows: number; checksum: string }> {
  const tables = db.$client.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").pluck().all() as string[];
  return Object.fromEntries(
    tables.map((table) => {
      const rows = (db.$client.prepare(`select count(*) from "${table}"`).pluck().get() as number) ?? 0;
      const hash = createHash('sha256');
      for (const row of db.$client.prepare(`select * from "${table}" order by rowid`).raw().iterate()) hash.update(JSON.stringify(row));
      return [table, { rows, checksum: hash.digest('hex') }];
    }),
  );
}

// ——— What an answer amounts to ———

interface Answer {
  ok: boolean;
  status: number;
  code?: string;
  message?: string;
  fieldErrors?: Record<string, string[]>;
  formErrors?: string[];
  rowErrors?: { row: number; field: string | null; message: string }[];
}

async function answerOf(promise: Promise<unknown>): Promise<Answer> {
  try {
    await promise;
    return { ok: true, status: 200 };
  } catch (error) {
    if (!(error instanceof TRPCClientError)) throw error;
    const data = error.data as Omit<Answer, 'ok' | 'status' | 'message'> & { httpStatus?: number } | undefined;
    // Answers from outside tRPC (the body limit) carry no `data`: their status is the response's.
    const status = data?.httpStatus ?? (error.meta?.response as Response | undefined)?.status ?? 0;
    return { ok: false, status, code: data?.code, message: error.message, fieldErrors: data?.fieldErrors, formErrors: data?.formErrors, rowErrors: data?.rowErrors };
  }
}

// ——— Paths of an input ———

type Path = (string | number)[];
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every node of a value but the root, as paths. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const children: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : isObject(value) ? Object.entries(value) : [];
  return children.flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
}

/** The dotted paths of a value, as they are and with array indices as `*` (`lines.*.placeId`). */
const shapeOf = (value: unknown) =>
  new Set(pathsOf(value).flatMap((path) => [path.join('.'), path.map((k) => (typeof k === 'number' ? '*' : k)).join('.')]));
/** Whether a dotted key names a path of the shapes, taken as it is or with its numbers as indices. */
const names = (shapes: Set<string>, key: string) => shapes.has(key) || shapes.has(key.split('.').map((k) => (/^\d+$/.test(k) ? '*' : k)).join('.'));

// ——— Hostile values ———

const HUGE = 'x'.repeat(100_000);
const HUGE_UNICODE = 'é🙂\u202eש'.repeat(20_000);
const SQL = ["'; drop table users; --", "1' or '1'='1", '" or ""="', '1; delete from organisations', "robert'); drop table service_orders;--"];
const HTML = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '"><svg onload=alert(1)>', "javascript:alert('x')", '{{constructor.constructor("alert(1)")()}}'];
const UNICODE = ['\u0000', 'a\u0000b', '\ud800', 'x\udfffy', '\u202eالعربية\u202c', 'עברית', '👩🏽‍💻🏳️‍🌈', 'Ω≈ç√∫', '\ufeff', 'e\u0301', '\u200b'];
const LOOKALIKES = ['', ' ', '   ', 'NaN', 'Infinity', '-Infinity', '-1', '0', '1e308', '0x10', '1.5', 'true', 'null', 'undefined', '{}', '[]', '2026-02-30', '2026-13', '9999-12-31', '0000-00-00', '__proto__', 'constructor'];
// NaN and ±Infinity are not JSON: the client sends them as null, which is what the server sees.
const NUMBERS = [-1, 0, -0, 1, 0.5, 1.5, -1.5, 2 ** 31, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), Number.MAX_SAFE_INTEGER, 1e21, 1e308, -1e308, Number.MIN_VALUE, NaN, Infinity, -Infinity];
const SHAPES: unknown[] = [true, false, null, [], {}, [1], [null], ['x'], [[[]]], { a: 1 }, { '<b>': '<i>' }, [HTML[1]]];

/** Unknown keys a client could add. */
const extraKey = fc
  .oneof(
    fc.constantFrom('admin', 'isOperator', 'role', 'status', 'id', 'userId', 'prototype', 'constructor', '__proto__', 'toString', '0', HTML[0]!, SQL[0]!, 'a.b', ''),
    fc.string({ minLength: 1, maxLength: 12 }),
  );

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<unknown>(HUGE, HUGE_UNICODE, ...SQL, ...HTML, ...UNICODE, ...LOOKALIKES, ...NUMBERS, ...SHAPES) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.maxSafeInteger()) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

type Mutation =
  | { kind: 'replace'; at: Path; value: unknown }
  | { kind: 'remove'; at: Path }
  | { kind: 'extra'; at: Path; key: string; value: unknown }
  | { kind: 'whole'; value: unknown };

function variants(sample: Json): fc.Arbitrary<Mutation[]> {
  const paths = pathsOf(sample);
  const objects: Path[] = [[], ...paths.filter((p) => isObject(p.reduce<unknown>((v, k) => (v as Json)[k as string], sample)))];
  const mutation = fc.oneof<fc.MaybeWeightedArbitrary<Mutation>[]>(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.constantFrom(...paths), value: hostileValue }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), at: fc.constantFrom(...paths) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('extra' as const), at: fc.constantFrom(...objects), key: extraKey, value: hostileValue }) },
  );
  // Also one text or number alone, bent within its type: such inputs often pass the schema and
  // reach the services and the database.
  const valueAt = (path: Path) => path.reduce<unknown>((v, k) => (v as Json)[k as string], sample);
  const texts = paths.filter((p) => typeof valueAt(p) === 'string');
  const numbers = paths.filter((p) => typeof valueAt(p) === 'number');
  const alone = (at: Path[], values: unknown[]) =>
    fc.record({ kind: fc.constant('replace' as const), at: fc.constantFrom(...at), value: fc.constantFrom(...values) }).map((m) => [m]);
  return fc.oneof<fc.MaybeWeightedArbitrary<Mutation[]>[]>(
    { weight: 6, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) },
    ...(texts.length ? [{ weight: 3, arbitrary: alone(texts, [...SQL, ...HTML, ...UNICODE]) }] : []),
    ...(numbers.length ? [{ weight: 1, arbitrary: alone(numbers, NUMBERS) }] : []),
    { weight: 1, arbitrary: hostileValue.map((value) => [{ kind: 'whole' as const, value }]) },
  );
}

/** The sample bent by the mutations (a mutation whose target a previous one removed is skipped). */
function apply(sample: Json, mutations: Mutation[]): unknown {
  let input: unknown = structuredClone(sample);
  for (const mutation of mutations) {
    if (mutation.kind === 'whole') {
      input = mutation.value;
      continue;
    }
    const parentPath = mutation.kind === 'extra' ? mutation.at : mutation.at.slice(0, -1);
    const parent = parentPath.reduce<unknown>((node, k) => (node !== null && typeof node === 'object' ? (node as Json)[k as string] : undefined), input);
    if (parent === null || typeof parent !== 'object') continue;
    if (mutation.kind === 'extra') {
      // An own enumerable key whatever its name, as JSON will send it.
      Object.defineProperty(parent, mutation.key, { value: mutation.value, enumerable: true, configurable: true, writable: true });
      continue;
    }
    const last = mutation.at.at(-1)!;
    if (mutation.kind === 'replace') (parent as Json)[last as string] = mutation.value;
    else if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
    else delete (parent as Json)[last as string];
  }
  return input;
}

// ——— The world: one object of each kind, and who may act on it ———

async function fuzzWorld() {
  const w = await partnershipWorld();
  const { db, testApp } = w;
  const anonymous = testApp.client().api;
  const funderApi = w.funder.api;
  const funderOrg = w.funder.organisationId;

  const partnership = await formedPartnership(w);
  await w.lead.api.partnerships.invite.mutate({ partnershipId: partnership.partnershipId, placeId: w.places.third });
  const consortium = await createPartnership(w, { name: 'Consortium du Léon', kind: 'consortium', departementCodes: ['29'] });
  await w.lead.api.partnerships.invite.mutate({ partnershipId: consortium.partnershipId, placeId: w.places.outsider });
  await w.outsider.api.partnerships.respond.mutate({ partnershipId: consortium.partnershipId, placeId: w.places.outsider, accept: true });
  await w.lead.api.partnerships.invite.mutate({ partnershipId: consortium.partnershipId, placeId: w.places.partner });
  await w.partner.api.partnerships.respond.mutate({ partnershipId: consortium.partnershipId, placeId: w.places.partner, accept: true });
  const appliedPlace = makePlace(db, { organisationId: w.outsider.organisationId, name: 'Bus numérique du Léon', status: 'applied' });

  const open = await openOrder(w);
  // Half of it the funder's share, a tenth paid: room for payments and for a co-funder.
  const toFund = await fundedOrder(funderApi, funderOrg, { shareCents: 50_000 }, 10_000);
  const forDraft = await openOrder(w);
  const draft = await w.lead.api.drafts.open.mutate({ partnershipId: partnership.partnershipId, orderId: open });
  const outsiderBid = await w.outsider.api.bids.submit.mutate({ orderId: open, organisationId: w.outsider.organisationId, unitPriceCents: 900, lines: [{ placeId: w.places.outsider, quantity: 10 }] });

  // An order in awarding: the third actor's place holds an award it delivers on.
  const awarding = await openOrder(w);
  const thirdBid = await w.third.api.bids.submit.mutate({ orderId: awarding, organisationId: w.third.organisationId, unitPriceCents: 1_000, lines: [{ placeId: w.places.third, quantity: 50 }] });
  const rivalBid = await w.outsider.api.bids.submit.mutate({ orderId: awarding, organisationId: w.outsider.organisationId, unitPriceCents: 950, lines: [{ placeId: w.places.outsider, quantity: 30 }] });
  await funderApi.awards.closeBidding.mutate({ orderId: awarding });
  const { awardIds } = await funderApi.awards.create.mutate({ orderId: awarding, lines: [{ bidId: thirdBid.id, placeId: w.places.third, quantity: 20 }] });
  const award = awardIds[0]!;

  const toFinish = await openOrder(w);
  const toFinishBid = await w.third.api.bids.submit.mutate({ orderId: toFinish, organisationId: w.third.organisationId, unitPriceCents: 1_000, lines: [{ placeId: w.places.third, quantity: 5 }] });
  await funderApi.awards.closeBidding.mutate({ orderId: toFinish });
  await funderApi.awards.create.mutate({ orderId: toFinish, lines: [{ bidId: toFinishBid.id, placeId: w.places.third, quantity: 5 }] });

  const toClose = await openOrder(w);
  const toCancel = await openOrder(w);
  const draftToUpdate = (await funderApi.orders.create.mutate(orderForm(funderOrg))).orderId;
  const draftToPublish = (await funderApi.orders.create.mutate(orderForm(funderOrg))).orderId;

  // Past orders, made by the factories since the API only accepts dates ahead: one delivered on
  // last month and settled, one closed with its money credited back to the funder.
  const past = { bidDeadline: isoDaysFromToday(-80), deliveryStartsOn: isoDaysFromToday(-90), deliveryEndsOn: isoDaysFromToday(-1), today: isoDaysFromToday(-90) };
  const windowEnded = makeOrder(db, { funderOrganisationId: funderOrg, userId: w.funder.userId, quantity: 20, ...past });
  const pastBid = makeBid(db, { orderId: windowEnded, organisationId: w.third.organisationId, lines: [{ placeId: w.places.third, quantity: 20 }], today: isoDaysFromToday(-85) });
  const [pastAward] = makeAwards(db, { orderId: windowEnded, userId: w.funder.userId, lines: [{ bidId: pastBid, placeId: w.places.third, quantity: 10 }] });
  const lastMonth = monthsAgo(1);
  makeDelivery(db, sessionUserOf(db, w.third.userId), { awardId: pastAward!, quantity: 3, deliveredOn: dayIn(lastMonth, 10) });
  const settlement = runSettlement(db, lastMonth, w.operator.userId);
  const payout = db.select({ id: payouts.id }).from(payouts).where(eq(payouts.settlementId, settlement.settlementId)).get()!.id;
  const credited = makeOrder(db, { funderOrganisationId: funderOrg, userId: w.funder.userId, quantity: 20, ...past });
  const [creditNote] = closeOrder(db, credited, { userId: w.funder.userId, reason: 'Clôture pour les essais' }).creditNoteIds;

  // A delivery import of the third actor (one line, on its award).
  const deliveryImport = await importDeliveriesCsv(db, sessionUserOf(db, w.third.userId), w.third.organisationId, 'prestations.csv', `attribution;date;service;quantite;empreinte_personne\n${award};${today()};${Service.AideAuxDemarchesAdministratives};1;${beneficiaryRef('import')}\n`);

  const round = makeRound(db, { operatorOrganisationId: w.operator.organisationId, name: 'Campagne du Finistère', status: 'open' });
  const roundToOpen = makeRound(db, { operatorOrganisationId: w.operator.organisationId, name: 'Campagne à ouvrir', status: 'draft' });
  const roundToClose = makeRound(db, { operatorOrganisationId: w.operator.organisationId, name: 'Campagne à clore', status: 'open' });

  // Its own user: a changed password ends every session of the user who changed it.
  const passwordChanger = sessionFor(testApp, (await makeUser(db)).id).api;

  // Pass (issue 11): an order that requires them, awarded to the third actor's place, booklets
  // held by a prescriber whose contact had an account, and a link for a contact who had none.
  const passOrder = await openOrder(w, { passRequired: true });
  const passBid = await w.third.api.bids.submit.mutate({ orderId: passOrder, organisationId: w.third.organisationId, unitPriceCents: 1_000, lines: [{ placeId: w.places.third, quantity: 40 }] });
  await funderApi.awards.closeBidding.mutate({ orderId: passOrder });
  await funderApi.awards.create.mutate({ orderId: passOrder, lines: [{ bidId: passBid.id, placeId: w.places.third, quantity: 40 }] });
  const contact = await makeUser(db);
  const prescriber = await funderApi.prescribers.invite.mutate({ organisationId: funderOrg, name: 'CCAS de Landerneau', contactName: 'Contact du CCAS', contactEmail: contact.email, departementCode: '29' });
  const prescriberApi = sessionFor(testApp, contact.id).api;
  const { bookletIds } = await funderApi.passes.issue.mutate({ orderId: passOrder, organisationId: funderOrg, booklets: 3, size: 5 });
  const [heldBooklet, toHandOut] = bookletIds as [number, number];
  await funderApi.passes.assign.mutate({ organisationId: funderOrg, bookletIds: [heldBooklet, toHandOut], prescriberOrganisationId: prescriber.organisationId });
  const passCodes = (await funderApi.passes.printBooklet.mutate({ bookletId: heldBooklet })).passes.map((p) => p.code);
  const invited = await funderApi.prescribers.invite.mutate({ organisationId: funderOrg, name: 'Mairie de Landivisiau', contactName: 'Contact invité', contactEmail: 'contact-invite@mairie-landivisiau.test', departementCode: '29' });
  const invitationToken = invited.invitationPath!.slice('/invitation/'.length);
  // A second contact who never uses its link: the fuzz renews it (renewing ends the link above).
  const neverAccepted = await funderApi.prescribers.invite.mutate({ organisationId: funderOrg, name: 'Mission locale de Carhaix', contactName: 'Contact jamais venu', contactEmail: 'contact-jamais-venu@mission-locale.test', departementCode: '29' });

  const leadSiret = db.select({ siret: organisations.siret }).from(organisations).where(eq(organisations.id, w.lead.organisationId)).get()!.siret!;
  const draftVersion = () => db.select({ version: bids.version }).from(bids).where(eq(bids.id, draft.bid.id)).get()!.version;

  return {
    ...w,
    anonymous,
    passwordChanger,
    ids: {
      partnership: partnership.partnershipId,
      partnershipOrg: partnership.organisationId,
      consortium: consortium.partnershipId,
      appliedPlace,
      open,
      toFund,
      forDraft,
      draftBid: draft.bid.id,
      outsiderBid: outsiderBid.id,
      awarding,
      rivalBid: rivalBid.id,
      award,
      toFinish,
      toClose,
      toCancel,
      draftToUpdate,
      draftToPublish,
      windowEnded,
      settlement: settlement.settlementId,
      payout,
      creditNote: creditNote!,
      deliveryImport,
      round,
      roundToOpen,
      roundToClose,
      leadSiret,
      lastMonth,
      passOrder,
      prescriberOrg: prescriber.organisationId,
      heldBooklet,
      toHandOut,
      passCodes,
      invitationToken,
      invitedPrescriber: neverAccepted.organisationId,
    },
    prescriberApi,
    draftVersion,
  };
}

type FuzzWorld = Awaited<ReturnType<typeof fuzzWorld>>;

const delivery = (awardId: number) => ({
  awardId,
  quantity: 1,
  deliveredOn: today(),
  service: Service.AideAuxDemarchesAdministratives,
  beneficiaryRef: beneficiaryRef(key()),
  idempotencyKey: key(),
});

const orderFields = (w: FuzzWorld) => {
  const { organisationId: _organisationId, ...fields } = orderForm(w.funder.organisationId);
  return { ...fields, roundId: null, shareCents: 50_000 };
};

/**
 * For every procedure that takes an input: who calls it and a complete valid input, computed
 * afresh for each run (a draft's version moves, idempotency keys must be new).
 */
const CASES: Record<string, (w: FuzzWorld) => { as: Api; input: Json }> = {
  'auth.signIn': (w) => ({ as: w.anonymous, input: { email: 'personne@exemple.test', password: 'mot-de-passe' } }),
  'auth.changePassword': (w) => ({ as: w.passwordChanger, input: { currentPassword: TEST_PASSWORD, newPassword: 'un long mot de passe tout neuf' } }),
  'auth.setLocale': (w) => ({ as: w.third.api, input: { locale: 'en' } }),
  'organisations.get': (w) => ({ as: w.operator.api, input: { organisationId: w.funder.organisationId } }),
  'places.ofOrganisation': (w) => ({ as: w.operator.api, input: { organisationId: w.lead.organisationId, year: thisYear() } }),
  'places.ofPartnership': (w) => ({ as: w.operator.api, input: { organisationId: w.ids.partnershipOrg, year: thisYear() } }),
  'places.get': (w) => ({ as: w.operator.api, input: { placeId: w.places.lead, year: thisYear() } }),
  'orders.ofFunder': (w) => ({ as: w.operator.api, input: { organisationId: w.funder.organisationId } }),
  'orders.open': (w) => ({
    as: w.third.api,
    input: { organisationId: w.third.organisationId, departementCode: '29', service: Service.AideAuxDemarchesAdministratives, deadlineBefore: isoDaysFromToday(60) },
  }),
  'orders.coFundable': (w) => ({ as: w.rivalFunder.api, input: { organisationId: w.rivalFunder.organisationId } }),
  'orders.get': (w) => ({ as: w.operator.api, input: { orderId: w.ids.open } }),
  'orders.create': (w) => ({ as: w.funder.api, input: { organisationId: w.funder.organisationId, ...orderFields(w) } }),
  'orders.update': (w) => ({ as: w.funder.api, input: { orderId: w.ids.draftToUpdate, ...orderFields(w) } }),
  'orders.publish': (w) => ({ as: w.funder.api, input: { orderId: w.ids.draftToPublish } }),
  'orders.cancel': (w) => ({ as: w.funder.api, input: { orderId: w.ids.toCancel } }),
  'orders.coFund': (w) => ({ as: w.rivalFunder.api, input: { orderId: w.ids.toFund, organisationId: w.rivalFunder.organisationId, shareCents: 1_000 } }),
  'orders.recordPayment': (w) => ({
    as: w.funder.api,
    input: { orderId: w.ids.toFund, organisationId: w.funder.organisationId, amountCents: 100, reference: 'VIR-2026-001', idempotencyKey: key(), source: 'transfer' },
  }),
  'orders.spending': (w) => ({ as: w.funder.api, input: { organisationId: w.funder.organisationId } }),
  'orders.close': (w) => ({ as: w.funder.api, input: { orderId: w.ids.windowEnded, reason: 'Fin de la période de réalisation' } }),
  'qualification.submitApplication': (w) => ({
    as: w.lead.api,
    input: {
      organisationId: w.lead.organisationId,
      siret: w.ids.leadSiret,
      name: 'Tiers-lieu de Quimperlé',
      mode: 'fixed',
      mainCommuneCode: '29233',
      communeCodes: ['29232'],
      address: '1 rue de la Gare',
      services: [Service.AideAuxDemarchesAdministratives],
      yearlyCapacity: 1_500,
      legalRepresentative: 'Présidente',
      eligibility: { publicAccess: true, trainedMediators: true, freeForBeneficiaries: true, anonymousByDefault: true, qualityCharter: true },
    },
  }),
  'qualification.queue': (w) => ({ as: w.operator.api, input: { status: 'applied', year: thisYear() } }),
  'qualification.balance': (w) => ({ as: w.operator.api, input: { departementCode: '29', year: thisYear() } }),
  'qualification.decide': (w) => ({ as: w.operator.api, input: { placeId: w.ids.appliedPlace, decision: 'qualify', reason: 'Dossier complet et visite faite' } }),
  'qualification.history': (w) => ({ as: w.operator.api, input: { placeId: w.places.lead } }),
  'bids.submit': (w) => ({
    as: w.third.api,
    input: { orderId: w.ids.open, organisationId: w.third.organisationId, unitPriceCents: 1_000, note: 'Notre offre', lines: [{ placeId: w.places.third, quantity: 5 }] },
  }),
  'bids.withdraw': (w) => ({ as: w.outsider.api, input: { bidId: w.ids.outsiderBid } }),
  'bids.ofOrder': (w) => ({ as: w.operator.api, input: { orderId: w.ids.open } }),
  'bids.mine': (w) => ({ as: w.third.api, input: { organisationId: w.third.organisationId } }),
  'awards.create': (w) => ({ as: w.funder.api, input: { orderId: w.ids.awarding, lines: [{ bidId: w.ids.rivalBid, placeId: w.places.outsider, quantity: 1 }] } }),
  'awards.recommend': (w) => ({ as: w.funder.api, input: { orderId: w.ids.awarding } }),
  'awards.rejectBids': (w) => ({ as: w.funder.api, input: { orderId: w.ids.awarding, bidIds: [w.ids.rivalBid] } }),
  'awards.closeBidding': (w) => ({ as: w.funder.api, input: { orderId: w.ids.toClose } }),
  'awards.finish': (w) => ({ as: w.funder.api, input: { orderId: w.ids.toFinish } }),
  'awards.ofPlace': (w) => ({ as: w.operator.api, input: { placeId: w.places.third } }),
  'deliveries.record': (w) => ({ as: w.third.api, input: delivery(w.ids.award) }),
  'deliveries.recordBatch': (w) => ({ as: w.third.api, input: { rows: [delivery(w.ids.award), delivery(w.ids.award)] } }),
  'deliveries.ofAward': (w) => ({ as: w.operator.api, input: { awardId: w.ids.award } }),
  'partnerships.create': (w) => ({
    as: w.lead.api,
    input: { organisationId: w.lead.organisationId, kind: 'cae', name: 'CAE du Cornouaille', departementCodes: ['29'], poolingFeeBps: 500, charter: 'Nous mutualisons.' },
  }),
  'partnerships.get': (w) => ({ as: w.operator.api, input: { partnershipId: w.ids.partnership } }),
  'partnerships.invitations': (w) => ({ as: w.third.api, input: { organisationId: w.third.organisationId } }),
  'partnerships.invitable': (w) => ({ as: w.lead.api, input: { partnershipId: w.ids.partnership } }),
  'partnerships.invite': (w) => ({ as: w.lead.api, input: { partnershipId: w.ids.partnership, placeId: w.places.outsider } }),
  'partnerships.respond': (w) => ({ as: w.third.api, input: { partnershipId: w.ids.partnership, placeId: w.places.third, accept: true } }),
  'partnerships.leave': (w) => ({ as: w.outsider.api, input: { partnershipId: w.ids.consortium, placeId: w.places.outsider } }),
  'partnerships.handOverLead': (w) => ({ as: w.lead.api, input: { partnershipId: w.ids.consortium, organisationId: w.partner.organisationId } }),
  'drafts.open': (w) => ({ as: w.lead.api, input: { partnershipId: w.ids.partnership, orderId: w.ids.forDraft } }),
  'drafts.get': (w) => ({ as: w.partner.api, input: { bidId: w.ids.draftBid } }),
  'drafts.recommend': (w) => ({ as: w.lead.api, input: { bidId: w.ids.draftBid } }),
  'drafts.editLine': (w) => ({ as: w.lead.api, input: { bidId: w.ids.draftBid, version: w.draftVersion(), placeId: w.places.lead, quantity: 5 } }),
  'drafts.confirmLine': (w) => ({ as: w.lead.api, input: { bidId: w.ids.draftBid, version: w.draftVersion(), placeId: w.places.lead, confirmed: true } }),
  'drafts.editTerms': (w) => ({ as: w.lead.api, input: { bidId: w.ids.draftBid, version: w.draftVersion(), note: 'Offre commune', unitPriceCents: 1_000 } }),
  'drafts.submit': (w) => ({ as: w.lead.api, input: { bidId: w.ids.draftBid, version: w.draftVersion() } }),
  'rounds.get': (w) => ({ as: w.funder.api, input: { roundId: w.ids.round } }),
  'rounds.create': (w) => ({
    as: w.operator.api,
    input: { name: 'Campagne 2030', departementCodes: ['29', '56'], opensOn: '2030-01-01', closesOn: '2030-03-01', targetCents: 100_000 },
  }),
  'rounds.open': (w) => ({ as: w.operator.api, input: { roundId: w.ids.roundToOpen } }),
  'rounds.close': (w) => ({ as: w.operator.api, input: { roundId: w.ids.roundToClose } }),
  'rounds.attachOrder': (w) => ({ as: w.funder.api, input: { roundId: w.ids.round, orderId: w.ids.open } }),
  'dashboards.round': (w) => ({ as: w.operator.api, input: { roundId: w.ids.round } }),
  'dashboards.publicRound': (w) => ({ as: w.anonymous, input: { roundId: w.ids.round } }),
  'dashboards.roundActivity': (w) => ({ as: w.anonymous, input: { roundId: w.ids.round } }),
  'dashboards.national': (w) => ({ as: w.operator.api, input: { year: thisYear() } }),
  'dashboards.publicNational': (w) => ({ as: w.anonymous, input: { year: thisYear() } }),
  'settlements.run': (w) => ({ as: w.operator.api, input: { month: w.ids.lastMonth } }),
  'settlements.payouts': (w) => ({ as: w.operator.api, input: { settlementId: w.ids.settlement } }),
  'settlements.markPaid': (w) => ({ as: w.operator.api, input: { payoutId: w.ids.payout, reference: 'VIR-CONTREPARTIE-1', paidOn: today() } }),
  'settlements.ofPlace': (w) => ({ as: w.third.api, input: { placeId: w.places.third } }),
  'statements.place': (w) => ({ as: w.operator.api, input: { placeId: w.places.third, month: w.ids.lastMonth } }),
  'statements.placeCsv': (w) => ({ as: w.third.api, input: { placeId: w.places.third, month: w.ids.lastMonth } }),
  'statements.funder': (w) => ({ as: w.operator.api, input: { organisationId: w.funder.organisationId, year: thisYear() } }),
  'statements.funderCsv': (w) => ({ as: w.funder.api, input: { organisationId: w.funder.organisationId, year: thisYear() } }),
  'credits.ofFunder': (w) => ({ as: w.operator.api, input: { organisationId: w.funder.organisationId } }),
  'credits.note': (w) => ({ as: w.funder.api, input: { creditNoteId: w.ids.creditNote } }),
  'credits.refund': (w) => ({ as: w.funder.api, input: { organisationId: w.funder.organisationId, amountCents: 100, reference: 'VIR-REMB-1', idempotencyKey: key() } }),
  'audit.list': (w) => ({ as: w.operator.api, input: { organisationId: w.funder.organisationId, before: 1_000_000, limit: 50 } }),
  'imports.get': (w) => ({ as: w.third.api, input: { importId: w.ids.deliveryImport } }),
  'imports.report': (w) => ({ as: w.third.api, input: { importId: w.ids.deliveryImport } }),
  'imports.reportCsv': (w) => ({ as: w.third.api, input: { importId: w.ids.deliveryImport } }),
  'lieux.operatorExport': (w) => ({ as: w.operator.api, input: { format: 'csv' } }),
  'lieux.importFile': (w) => ({
    as: w.lead.api,
    input: {
      organisationId: w.lead.organisationId,
      format: 'csv',
      content: `id,pivot,nom,commune,code_postal,code_insee,adresse,date_maj,services,itinerance\r\nl1,${w.ids.leadSiret},Tiers-lieu de Concarneau,Concarneau,29900,29039,1 quai Carnot,2026-01-15,${Service.AideAuxDemarchesAdministratives},Fixe\r\n`,
      legalRepresentative: 'Présidente',
      eligibility: { publicAccess: true, trainedMediators: true, freeForBeneficiaries: true, anonymousByDefault: true, qualityCharter: true },
      yearlyCapacity: 1_500,
    },
  }),
  'ocds.releasePackage': (w) => ({ as: w.anonymous, input: { orderId: w.ids.open } }),
  // The link's holder has no session: a browser of its own each time, so the shared anonymous one stays signed out.
  'auth.invitation': (w) => ({ as: w.anonymous, input: { token: w.ids.invitationToken } }),
  'auth.acceptInvitation': (w) => ({ as: w.testApp.client().api, input: { token: w.ids.invitationToken, password: 'un mot de passe pour le lien' } }),
  'passes.issue': (w) => ({ as: w.funder.api, input: { orderId: w.ids.passOrder, organisationId: w.funder.organisationId, booklets: 1, size: 1 } }),
  'passes.ofOrder': (w) => ({ as: w.operator.api, input: { orderId: w.ids.passOrder } }),
  'passes.printBooklet': (w) => ({ as: w.prescriberApi, input: { bookletId: w.ids.heldBooklet } }),
  'passes.exportCsv': (w) => ({ as: w.funder.api, input: { orderId: w.ids.passOrder, organisationId: w.funder.organisationId, bookletIds: [w.ids.heldBooklet] } }),
  'passes.assign': (w) => ({ as: w.funder.api, input: { organisationId: w.funder.organisationId, bookletIds: [w.ids.heldBooklet], prescriberOrganisationId: w.ids.prescriberOrg } }),
  'passes.handOut': (w) => ({ as: w.prescriberApi, input: { organisationId: w.ids.prescriberOrg, bookletId: w.ids.toHandOut, handedOutOn: today(), category: 'age_60_plus' } }),
  'passes.check': (w) => ({ as: w.third.api, input: { placeId: w.places.third, code: w.ids.passCodes[0]! } }),
  'passes.redeem': (w) => ({ as: w.third.api, input: { placeId: w.places.third, code: w.ids.passCodes[1]!, service: Service.AideAuxDemarchesAdministratives, deliveredOn: today() } }),
  'prescribers.invite': (w) => ({
    as: w.funder.api,
    input: { organisationId: w.funder.organisationId, name: `Mission locale ${key().slice(0, 8)}`, contactName: 'Contact', contactEmail: `contact-${key().slice(0, 8)}@exemple.test`, departementCode: '29', communeCode: '29103' },
  }),
  'prescribers.ofFunder': (w) => ({ as: w.operator.api, input: { organisationId: w.funder.organisationId } }),
  'prescribers.renewInvitation': (w) => ({ as: w.funder.api, input: { organisationId: w.funder.organisationId, prescriberOrganisationId: w.ids.invitedPrescriber } }),
  'prescribers.booklets': (w) => ({ as: w.prescriberApi, input: { organisationId: w.ids.prescriberOrg } }),
};

// Sign-ins hash a password each (slow on purpose): fewer of them.
const RUNS: Record<string, number> = { 'auth.signIn': 12, 'auth.changePassword': 12, 'auth.acceptInvitation': 12, 'prescribers.invite': 12 };

/** Queries that write: none (an export that audits itself is a mutation, under the Origin check). */
const QUERY_WRITES: Record<string, readonly string[]> = {};
const without = (print: ReturnType<typeof fingerprint>, tables: readonly string[] = []) => Object.fromEntries(Object.entries(print).filter(([table]) => !tables.includes(table)));
const DEFAULT_RUNS = 30;

/** A BAD_REQUEST says what to fix: each named field is a path of what was sent or of the input's shape. */
function expectFieldsNamed(answer: Answer, sent: unknown, sample: Json) {
  const known = new Set([...shapeOf(sample), ...shapeOf(sent)]);
  const fields = Object.keys(answer.fieldErrors ?? {});
  for (const field of fields) expect(names(known, field), `field error on « ${field} »`).toBe(true);
  for (const field of fields) expect(answer.fieldErrors![field]!.every((m) => m.length > 0)).toBe(true);
  if (answer.rowErrors?.length) {
    const rowFields = new Set([...shapeOf((sample.rows as unknown[])[0]), ...(Array.isArray((sent as Json).rows) ? ((sent as Json).rows as unknown[]).flatMap((r) => [...shapeOf(r)]) : [])]);
    for (const { field } of answer.rowErrors) if (field !== null) expect(names(rowFields, field), `row error on « ${field} »`).toBe(true);
    return;
  }
  if (answer.message === 'Données invalides') {
    // A zod refusal of an object names at least one field; of anything else, says what was expected.
    if (isObject(sent)) expect(fields.length, `no field named for ${JSON.stringify(answer)}`).toBeGreaterThan(0);
    else expect(fields.length + (answer.formErrors?.length ?? 0)).toBeGreaterThan(0);
  } else {
    expect(answer.message?.trim().length).toBeGreaterThan(0);
  }
}

/** fast-check's report, with the 100 000-character values cut down so the failure stays readable. */
function shortReport(details: fc.RunDetails<[Mutation[]]>) {
  if (!details.failed) return;
  const message = fc.defaultReportMessage(details) ?? 'Property failed';
  throw new Error(message.replace(/(.)\1{99,}/gsu, (run, char: string) => `${char}…(×${[...run].length})`).slice(0, 4_000));
}

let w: FuzzWorld;
let tablesAtStart: string[];
beforeAll(async () => {
  w = await fuzzWorld();
  tablesAtStart = Object.keys(fingerprint(w.db));
});

describe('the fuzzed procedures', () => {
  it('are exactly the procedures that take an input', () => {
    expect(Object.keys(CASES).sort()).toEqual(withInput.map((p) => p.path).sort());
  });

  it('each start from an input their own schemas accept', () => {
    const refused = withInput.filter(({ path, inputs }) => {
      const { input } = CASES[path]!(w);
      return inputs.some((schema) => !schema.safeParse(input).success);
    });
    expect(refused.map((p) => p.path)).toEqual([]);
  });
});

describe('hostile variants of each input', () => {
  it.each(withInput.map((p) => [p.path, p.type] as const))('%s (%s): never a 500, nothing written on refusal, the fields named', async (path, type) => {
    const build = CASES[path]!;
    const shape = build(w).input;
    const seen = new Map<string, number>();

    await fc.assert(
      fc.asyncProperty(variants(shape), async (mutations) => {
        const { as, input: sample } = build(w);
        const sent = apply(sample, mutations);
        const before = fingerprint(w.db);

        const answer = await answerOf(call(as, path, type, sent));

        const label = answer.ok ? 'ok' : `${answer.status} ${answer.code ?? ''}`;
        seen.set(label, (seen.get(label) ?? 0) + 1);
        expect(answer.status, `${path} answered ${JSON.stringify(answer).slice(0, 500)}`).toBeLessThan(500);
        expect(answer.code).not.toBe('INTERNAL_SERVER_ERROR');
        if (!answer.ok) expect(fingerprint(w.db)).toEqual(before);
        else if (type === 'query') expect(without(fingerprint(w.db), QUERY_WRITES[path])).toEqual(without(before, QUERY_WRITES[path]));
        if (answer.code === 'BAD_REQUEST') expectFieldsNamed(answer, sent, sample);
      }),
      { numRuns: RUNS[path] ?? DEFAULT_RUNS, reporter: shortReport },
    );

    // Most variants are refused at the door: the fuzz exercised the validation, at least.
    expect(seen.get('400 BAD_REQUEST') ?? 0, JSON.stringify(Object.fromEntries(seen))).toBeGreaterThan(0);
  });

  it('after every hostile call, every table is still there', () => {
    expect(Object.keys(fingerprint(w.db))).toEqual(tablesAtStart);
  });
});

describe('free text that is accepted is stored as sent', () => {
  it('an order titled with SQL and HTML payloads keeps them verbatim and drops no table', async () => {
    const title = `${SQL[0]} ${HTML[1]}`;
    const { orderId } = await w.funder.api.orders.create.mutate({ ...orderForm(w.funder.organisationId), title, description: `${HTML[0]}\u202e${UNICODE[6]}` });

    const { order } = await w.funder.api.orders.get.query({ orderId });

    expect(order.title).toBe(title);
    expect(order.description).toBe(`${HTML[0]}\u202e${UNICODE[6]}`);
    expect(Object.keys(fingerprint(w.db))).toEqual(tablesAtStart);
  });
});

describe('bodies and batches are bounded for signed-in writes too', () => {
  it('an order whose description pushes the body over 1 MB answers 413 and writes nothing', async () => {
    const before = fingerprint(w.db);

    const answer = await answerOf(w.funder.api.orders.create.mutate({ ...orderForm(w.funder.organisationId), description: 'x'.repeat(1_100_000) }));

    expect(answer).toMatchObject({ ok: false, status: 413 });
    expect(fingerprint(w.db)).toEqual(before);
  });

  it('a batched POST of 21 order creations answers 400 and creates none', async () => {
    const session = sessionFor(w.testApp, w.funder.userId);
    const cookie = [...session.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const form = orderForm(w.funder.organisationId);
    const calls = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [String(i), form]));
    const before = fingerprint(w.db);

    const response = await w.testApp.app.request(`${TEST_ORIGIN}/trpc/${Array(21).fill('orders.create').join(',')}?batch=1`, {
      method: 'POST',
      headers: { origin: TEST_ORIGIN, 'content-type': 'application/json', cookie },
      body: JSON.stringify(calls),
    });

    expect(response.status).toBe(400);
    expect(fingerprint(w.db)).toEqual(before);
  });
});

describe('unknown keys named like the members every object inherits', () => {
  // Field errors are gathered in an object without prototype: such a key is an unknown field like any other.
  const withKey = (input: Json, key: string): Json => Object.defineProperty({ ...input }, key, { value: 1, enumerable: true, configurable: true, writable: true });

  for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    it(`a query with an unknown « ${key} » key answers BAD_REQUEST naming it, not a 500`, async () => {
      const answer = await answerOf(w.operator.api.organisations.get.query(withKey({ organisationId: w.funder.organisationId }, key) as never));

      expect(answer).toMatchObject({ ok: false, status: 400, code: 'BAD_REQUEST' });
      expect(Object.entries(answer.fieldErrors ?? {})).toEqual([[key, ['Champ inconnu']]]);
    });
  }

  it('a mutation with an unknown « constructor » key answers BAD_REQUEST naming it, and writes nothing', async () => {
    const before = fingerprint(w.db);

    const answer = await answerOf(w.funder.api.orders.create.mutate(withKey({ ...orderForm(w.funder.organisationId) }, 'constructor') as never));

    expect(fingerprint(w.db)).toEqual(before);
    expect(answer).toMatchObject({ ok: false, status: 400, code: 'BAD_REQUEST', fieldErrors: { constructor: ['Champ inconnu'] } });
  });
});

describe('security headers on every page', () => {
  const built = existsSync(CLIENT_DIST);
  const pages = ['/', '/connexion', '/une/page/qui/nexiste/pas', '/api/health', '/trpc/config.get', `/trpc/places.get?input=${encodeURIComponent('{"placeId":"<script>"}')}`];

  /** `a 'x'; b 'y' 'z'` → { a: "'x'", b: "'y' 'z'" } */
  const directives = (policy: string | null) =>
    Object.fromEntries(
      (policy ?? '')
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .filter(([name]) => name)
        .map(([name, ...values]) => [name!, values]),
    ) as Record<string, string[]>;

  it.each(pages)('%s forbids framing, inline scripts and MIME sniffing, and sends no referrer away', async (page) => {
    const response = await w.testApp.app.request(`${TEST_ORIGIN}${page}`);

    expect(response.status).toBeLessThan(500 + (built ? 0 : 4)); // without a build, / says so with a 503
    const policy = directives(response.headers.get('content-security-policy'));
    expect(policy['frame-ancestors']).toEqual(["'none'"]);
    const scripts = policy['script-src'] ?? policy['default-src'];
    expect(scripts).toEqual(["'self'"]);
    expect(scripts).not.toContain("'unsafe-inline'");
    expect(scripts).not.toContain("'unsafe-eval'");
    expect(policy['object-src']).toEqual(["'none'"]);
    expect(policy['base-uri']).toEqual(["'self'"]);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toMatch(/^(no-referrer|same-origin|strict-origin|strict-origin-when-cross-origin)$/);
    expect(['DENY', 'SAMEORIGIN']).toContain(response.headers.get('x-frame-options'));
  });

  it.skipIf(!built)('the page itself holds no inline script or event handler the policy would have to allow', async () => {
    const html = await (await w.testApp.app.request(`${TEST_ORIGIN}/connexion`)).text();

    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc=/);
      expect(body!.trim()).toBe('');
    }
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
  });
});
