import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { TRPCError } from '@trpc/server';
import { TRPCClientError } from '@trpc/client';
import { expect } from 'vitest';
import type { Db } from '../../../db/client';
import { checkLedger } from '../../../server/services/ledger-check';
import { safeguardingReport } from '../../../server/services/safeguarding';
import type { OrderStatus } from '../../../shared/domain/enums';
import type { RecordDeliveryInput } from '../../../shared/schemas/deliveries';
import type { RecordPaymentInput } from '../../../shared/schemas/orders';
import { makeMember, makePlace } from '../../factories';
import { createTestApp, type TestApp } from '../../setup/app';
import { isoDaysFromToday, sessionFor } from '../marketplace/helpers';
import { dayIn, monthsAgo } from '../money/helpers';

/**
 * The small world of the model-based test (test/api/security/model.test.ts): two funders, three
 * actors with one or two qualified places each, a partnership led by the first actor, the
 * operator — every one with a signed-in client of the real app —, one order open for bids; what the model remembers
 * of the run, the refusals a call may answer, and the invariants checked after every step.
 */

type Api = ReturnType<TestApp['client']>['api'];

export interface Party {
  organisationId: number;
  userId: number;
  api: Api;
}

export interface Actor extends Party {
  places: number[];
}

export interface WorldShape {
  /** How many places each of the three actors has (1 or 2). */
  placesPerActor: number[];
  /** Yearly capacity of each place, in the order they are made. */
  capacities: number[];
  poolingFeeBps: number;
  /** The second actor's first place joins the partnership at the start. */
  partnerJoins: boolean;
  /** Services of the order the first funder has open for bids when the run starts. */
  firstOrderQuantity: number;
  /** The first funder's share of it (%): the rest is left for co-funding. */
  firstOrderSharePct: number;
  /** Per actor, the share (%) of that order it offers from each of its Finistère places; 0: no bid. */
  openingBids: number[];
}

/**
 * Points of presence of the actors' places: the Finistère (Quimper, Brest, Morlaix) and one in
 * the Morbihan (Lorient), outside an order for the Finistère alone.
 */
const COMMUNES = [
  ['29232', '56121'],
  ['29019', '29151'],
  ['29019', '29232'],
] as const;

export async function createWorld(shape: WorldShape) {
  const testApp = createTestApp();
  const { db } = testApp;
  const party = async (kind: 'funder' | 'actor' | 'operator', name: string): Promise<Party> => {
    const m = await makeMember(db, kind, { name });
    return { organisationId: m.organisationId, userId: m.user.id, api: sessionFor(testApp, m.user.id).api };
  };
  const funders = [await party('funder', 'Département du Finistère'), await party('funder', 'CAF du Finistère')];
  const operator = await party('operator', 'Réseau #APTIC');
  const actors: Actor[] = [];
  let slot = 0;
  for (const [index, name] of ['Association Ty Numérik', 'Coopérative Les Liens', 'Médiathèque du pays de Morlaix'].entries()) {
    const actor = await party('actor', name);
    const count = shape.placesPerActor[index] ?? 1;
    const places = COMMUNES[index]!.slice(0, count).map((mainCommuneCode, i) =>
      makePlace(db, { organisationId: actor.organisationId, name: `${name} — lieu ${i + 1}`, mainCommuneCode, yearlyCapacity: shape.capacities[slot++] ?? 2_000 }),
    );
    actors.push({ ...actor, places });
  }

  // The partnership is formed through the API, as its lead would: own places join at once.
  const lead = actors[0]!;
  const { partnershipId, organisationId } = await lead.api.partnerships.create.mutate({
    organisationId: lead.organisationId,
    kind: 'cae',
    name: 'CAE Finistère Numérique',
    departementCodes: ['29', '56'],
    poolingFeeBps: shape.poolingFeeBps,
    charter: 'Nous mutualisons nos compétences.',
  });
  for (const placeId of lead.places) await lead.api.partnerships.invite.mutate({ partnershipId, placeId });
  if (shape.partnerJoins) {
    const partner = actors[1]!;
    await lead.api.partnerships.invite.mutate({ partnershipId, placeId: partner.places[0]! });
    await partner.api.partnerships.respond.mutate({ partnershipId, placeId: partner.places[0]!, accept: true });
  }
  // One order open from the start, its creator's share paid, with the opening bids: short runs reach awards and deliveries.
  const funder = funders[0]!;
  const shareCents = Math.floor((shape.firstOrderQuantity * 1_000 * shape.firstOrderSharePct) / 100);
  const { orderId } = await funder.api.orders.create.mutate({
    organisationId: funder.organisationId,
    title: 'Accompagnement aux démarches en ligne',
    services: [Service.AideAuxDemarchesAdministratives],
    departementCodes: ['29'],
    quantity: shape.firstOrderQuantity,
    unitPriceCents: 1_000,
    bidDeadline: isoDaysFromToday(10),
    deliveryStartsOn: dayIn(monthsAgo(3), 1),
    deliveryEndsOn: isoDaysFromToday(40),
    shareCents,
    // The model records self-declared deliveries: its orders take them (no pass).
    passRequired: false,
  });
  await funder.api.orders.publish.mutate({ orderId });
  const payment = {
    orderId,
    organisationId: funder.organisationId,
    amountCents: shareCents,
    reference: 'VIR-OUVERTURE',
    idempotencyKey: 'versement-ouverture',
    source: 'transfer' as const,
  };
  await funder.api.orders.recordPayment.mutate(payment);
  for (const [index, actor] of actors.entries()) {
    const pct = shape.openingBids[index] ?? 0;
    const lines = actor.places
      .filter((_, i) => COMMUNES[index]![i]!.startsWith('29'))
      .map((placeId) => ({ placeId, quantity: Math.max(1, Math.ceil((shape.firstOrderQuantity * pct) / 100)) }));
    if (pct > 0 && lines.length > 0) {
      await actor.api.bids.submit.mutate({ orderId, organisationId: actor.organisationId, unitPriceCents: 1_000, lines });
    }
  }
  const model: Model = { orders: [orderId], payments: [{ funder: 0, input: payment }], deliveries: [], deliveryCount: 0, fundingCount: 1, serial: 0 };
  return { testApp, db, funders, actors, operator, partnership: { id: partnershipId, organisationId }, model };
}

export type World = Awaited<ReturnType<typeof createWorld>>;

/** What the model remembers of a run: ids it made, inputs it may replay, and what must exist. */
export interface Model {
  orders: number[];
  payments: { funder: number; input: RecordPaymentInput }[];
  deliveries: { actor: number; id: number; input: RecordDeliveryInput }[];
  /** Deliveries recorded (replays excepted): the table must hold exactly these. */
  deliveryCount: number;
  /** Payments recorded (replays excepted): one funding transaction each. */
  fundingCount: number;
  /** Source of unique references and keys within the run. */
  serial: number;
}

/** Refusals are valid answers of a random step; anything else (a 500 above all) is a failure. */
const REFUSALS = new Set(['BAD_REQUEST', 'CONFLICT', 'FORBIDDEN', 'NOT_FOUND']);

export type Outcome<T> = { ok: true; value: T } | { ok: false; code: string; message: string; details?: unknown };

export async function attempt<T>(call: Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await call };
  } catch (error) {
    if (error instanceof TRPCClientError) {
      const code = (error.data as { code?: string } | undefined)?.code ?? 'UNKNOWN';
      const data = error.data as { fieldErrors?: Record<string, string[]>; rowErrors?: unknown[] } | undefined;
      if (REFUSALS.has(code)) return { ok: false, code, message: error.message, details: data?.rowErrors ?? data?.fieldErrors };
      throw new Error(`Unexpected answer ${code}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/** The same, for a service called directly (the system's own jobs, which take a date). */
export function attemptService<T>(call: () => T): Outcome<T> {
  try {
    return { ok: true, value: call() };
  } catch (error) {
    if (error instanceof TRPCError && REFUSALS.has(error.code)) return { ok: false, code: error.code, message: error.message };
    throw error;
  }
}

/** A predicted outcome and the real one agree; the message says what the server answered. */
export function expectOutcome(step: string, expected: boolean, outcome: Outcome<unknown>): void {
  const answered = outcome.ok ? 'accepted' : `refused (${outcome.code}: ${outcome.message} ${JSON.stringify(outcome.details ?? '')})`;
  expect(outcome.ok, `${step} was ${answered}, the model expected ${expected ? 'acceptance' : 'a refusal'}`).toBe(expected);
}

const rows = <T>(db: Db, query: string, ...params: unknown[]) => db.$client.prepare(query).all(...params) as T[];
const one = <T>(db: Db, query: string, ...params: unknown[]) => db.$client.prepare(query).get(...params) as T | undefined;

export interface OrderRow {
  id: number;
  funderOrganisationId: number;
  status: OrderStatus;
  quantity: number;
  unitPriceCents: number;
  bidDeadline: string;
  deliveryStartsOn: string;
  deliveryEndsOn: string;
  graceEndsOn: string;
  services: string;
  departementCodes: string;
  communeCodes: string;
}

export const orderRow = (db: Db, orderId: number) =>
  one<OrderRow>(
    db,
    `select id, funder_organisation_id as funderOrganisationId, status, quantity, unit_price_cents as unitPriceCents,
       bid_deadline as bidDeadline, delivery_starts_on as deliveryStartsOn, delivery_ends_on as deliveryEndsOn,
       grace_ends_on as graceEndsOn, services, departement_codes as departementCodes, commune_codes as communeCodes
     from service_orders where id = ?`,
    orderId,
  )!;

export const fundingOf = (db: Db, orderId: number, funderId: number) =>
  one<{ committed: number; paid: number; credited: number }>(
    db,
    'select committed_cents as committed, paid_cents as paid, credited_cents as credited from order_fundings where order_id = ? and funder_organisation_id = ?',
    orderId,
    funderId,
  );

export const orderMoney = (db: Db, orderId: number) =>
  one<{ committed: number; funded: number; awarded: number; delivered: number; awardedCents: number }>(
    db,
    `select coalesce((select sum(committed_cents) from order_fundings where order_id = o.id), 0) as committed,
       coalesce((select sum(delivered_quantity) from awards where order_id = o.id), 0) as delivered,
       coalesce((select sum(paid_cents - credited_cents) from order_fundings where order_id = o.id), 0) as funded,
       coalesce((select sum(quantity) from awards where order_id = o.id), 0) as awarded,
       coalesce((select sum(quantity * unit_price_cents) from awards where order_id = o.id), 0) as awardedCents
     from service_orders o where o.id = ?`,
    orderId,
  )!;

export const balanceOfKey = (db: Db, key: string) => one<{ balance: number }>(db, 'select balance_cents as balance from ledger_accounts where key = ?', key)?.balance ?? 0;

export const placeRow = (db: Db, placeId: number) =>
  one<{ id: number; organisationId: number; status: string; yearlyCapacity: number }>(
    db,
    'select id, organisation_id as organisationId, status, yearly_capacity as yearlyCapacity from places where id = ?',
    placeId,
  )!;

export const placeCommunesOf = (db: Db, placeId: number) =>
  rows<{ code: string }>(db, 'select commune_code as code from place_communes where place_id = ?', placeId).map((r) => r.code);

/** Services the place has delivered or still has to deliver in a year: what its capacity bounds. */
export const placeLoad = (db: Db, placeId: number, year: number) =>
  one<{ load: number }>(db, 'select services_delivered + services_committed as load from place_year_figures where place_id = ? and year = ?', placeId, year)?.load ?? 0;

export interface AwardRow {
  id: number;
  orderId: number;
  placeId: number;
  partnershipId: number | null;
  quantity: number;
  delivered: number;
  ownerId: number;
  placeStatus: string;
}

export const allAwards = (db: Db) =>
  rows<AwardRow>(
    db,
    `select a.id, a.order_id as orderId, a.place_id as placeId, a.partnership_id as partnershipId, a.quantity,
       a.delivered_quantity as delivered, p.organisation_id as ownerId, p.status as placeStatus
     from awards a join places p on p.id = a.place_id order by a.id`,
  );

export interface BidLineRow {
  bidId: number;
  placeId: number;
  offered: number;
  bidStatus: string;
  unitPriceCents: number;
  awarded: number;
}

/** Every line of every bid on the order, with its bid's status and whether it is awarded already. */
export const bidLinesOf = (db: Db, orderId: number) =>
  rows<BidLineRow>(
    db,
    `select l.bid_id as bidId, l.place_id as placeId, l.quantity as offered, b.status as bidStatus, b.unit_price_cents as unitPriceCents,
       exists(select 1 from awards a where a.bid_id = l.bid_id and a.place_id = l.place_id) as awarded
     from bid_lines l join bids b on b.id = l.bid_id where b.order_id = ? order by l.id`,
    orderId,
  );

export const bidsOf = (db: Db, organisationIds: number[]) =>
  rows<{ id: number; orderId: number; status: string; bidder: number }>(
    db,
    `select id, order_id as orderId, status, bidder_organisation_id as bidder from bids
     where bidder_organisation_id in (${organisationIds.map(() => '?').join(', ')}) order by id`,
    ...organisationIds,
  );

export const bidOf = (db: Db, orderId: number, bidder: number) =>
  one<{ id: number; status: string }>(db, 'select id, status from bids where order_id = ? and bidder_organisation_id = ?', orderId, bidder);

export const memberStatus = (db: Db, partnershipId: number, placeId: number) =>
  one<{ status: string }>(db, 'select status from partnership_members where partnership_id = ? and place_id = ?', partnershipId, placeId)?.status ?? 'none';

/** Undelivered awards a place still holds under the partnership: they keep it from leaving. */
export const openPartnershipAwards = (db: Db, partnershipId: number, placeId: number) =>
  one<{ n: number }>(
    db,
    `select count(*) as n from awards a join service_orders o on o.id = a.order_id
     where a.partnership_id = ? and a.place_id = ? and a.delivered_quantity < a.quantity and o.status not in ('cancelled', 'completed')`,
    partnershipId,
    placeId,
  )!.n;

/** The month of the oldest delivery no payout holds yet, if any. */
export const oldestUnsettledMonth = (db: Db) =>
  one<{ month: string | null }>(db, 'select substr(min(delivered_on), 1, 7) as month from deliveries where payout_id is null')?.month ?? undefined;

export const settledMonths = (db: Db) => rows<{ month: string }>(db, 'select month from settlements order by month').map((r) => r.month);

export const allPayouts = (db: Db) =>
  rows<{ id: number; status: string; reference: string | null; month: string }>(
    db,
    'select id, status, payment_reference as reference, month from payouts order by id',
  );

export const deliveryByKey = (db: Db, key: string) => one<{ id: number }>(db, 'select id from deliveries where idempotency_key = ?', key);

const count = (db: Db, query: string) => one<{ n: number }>(db, query)!.n;

/**
 * Checked after every step: the order, award and ledger invariants, the full recomputation of
 * the maintained figures (ledger check) and the safeguarding report, and that the model's
 * count of recorded deliveries and payments is what the database holds (no duplicate, nothing
 * half-written by a refused call).
 */
export function expectInvariants(db: Db, model: Model): void {
  expect(
    rows(db, `select o.id, o.quantity, coalesce(sum(a.quantity), 0) as awarded from service_orders o left join awards a on a.order_id = o.id group by o.id having awarded > o.quantity`),
    'Σ awarded ≤ ordered quantity',
  ).toEqual([]);
  expect(
    rows(
      db,
      `select a.id, a.quantity, a.delivered_quantity, coalesce((select sum(quantity) from deliveries d where d.award_id = a.id), 0) as delivered
       from awards a where delivered > a.quantity or a.delivered_quantity <> delivered`,
    ),
    'Σ delivered ≤ awarded, per award',
  ).toEqual([]);
  expect(
    rows(
      db,
      `select t.id, t.kind, coalesce(sum(e.amount_cents), 0) as total, count(e.id) as n
       from ledger_transactions t left join ledger_entries e on e.transaction_id = t.id group by t.id having total <> 0 or n < 2`,
    ),
    'every ledger transaction sums to zero',
  ).toEqual([]);
  expect(rows(db, 'select idempotency_key, count(*) as n from deliveries group by idempotency_key having n > 1'), 'no delivery key twice').toEqual([]);
  expect(
    rows(db, `select d.id from deliveries d left join ledger_transactions t on t.id = d.ledger_transaction_id where t.kind is not 'delivery'`),
    'each delivery moved its money exactly once',
  ).toEqual([]);
  expect(
    rows(db, `select key, balance_cents from ledger_accounts where kind in ('order_ringfence', 'place', 'funder_credit', 'partnership') and balance_cents < 0`),
    'no holding account is overdrawn',
  ).toEqual([]);
  expect(
    rows(
      db,
      `select o.id, o.status, a.balance_cents from service_orders o join ledger_accounts a on a.key = 'order_ringfence:' || o.id
       where o.status in ('cancelled', 'closed') and a.balance_cents <> 0`,
    ),
    'a cancelled or closed order keeps nothing on its ring-fence',
  ).toEqual([]);
  expect(rows(db, `select o.id from service_orders o where o.status = 'cancelled' and exists(select 1 from awards a where a.order_id = o.id)`), 'a cancelled order has no award').toEqual(
    [],
  );
  expect(
    rows(
      db,
      `select o.id, o.status from service_orders o
       where o.status in ('completed', 'closed') and exists(select 1 from awards a where a.order_id = o.id and a.delivered_quantity < a.quantity)`,
    ),
    'a completed or closed order owes no service',
  ).toEqual([]);
  expect(
    rows(db, `select o.id from service_orders o where o.status in ('in_delivery', 'completed') and not exists(select 1 from awards a where a.order_id = o.id)`),
    'an order in delivery or completed has awards',
  ).toEqual([]);
  expect(count(db, 'select count(*) as n from deliveries'), 'deliveries recorded, replays excepted').toBe(model.deliveryCount);
  expect(count(db, "select count(*) as n from ledger_transactions where kind = 'funding'"), 'payments recorded, replays excepted').toBe(model.fundingCount);
  const ledger = checkLedger(db);
  expect(ledger.differences, 'ledger check').toEqual([]);
  expect(ledger.ok).toBe(true);
  const report = safeguardingReport(db);
  expect(report.orders.filter((o) => !o.reconciled || !o.covered), 'safeguarding').toEqual([]);
  expect(report.ok, 'safeguarding report').toBe(true);
}
