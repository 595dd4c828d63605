import { memoPerState } from './state-memo';
import { and, desc, eq, inArray, ne, or, sql, type SQLWrapper } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { preparedFor } from '../../db/prepared';
import { awards, bids, fundingRounds, ledgerAccounts, ledgerEntries, ledgerTransactions, orderFundings, organisations, placeCommunes, places, serviceOrders } from '../../db/schema';
import { isCommuneCode } from '../../shared/domain/communes';
import { commitmentYear, DEFAULT_GRACE_MONTHS, graceEndsOn, isCancellable, isEditable, orderDepartements, placeCoversOrder, todayIso } from '../../shared/domain/orders';
import { lineAmount } from '../../shared/money';
import type { CoFundInput, CreateOrderInput, OpenOrdersInput, RecordPaymentInput } from '../../shared/schemas/orders';
import { conflict, fieldError, forbidden, notFound } from '../errors';
import type { SessionUser } from './auth';
import { audit } from './audit';
import { creditBackRingFence } from './credits';
import { moveOrderFunding } from './figures';
import { balanceOf, postTransaction } from './ledger';

export type Order = typeof serviceOrders.$inferSelect;
type OrderFields = Omit<Required<CreateOrderInput>, 'organisationId' | 'shareCents'> & { shareCents?: number };

export function getOrderRow(db: Db, orderId: number): Order {
  const order = db.select().from(serviceOrders).where(eq(serviceOrders.id, orderId)).get();
  if (!order) throw notFound('Commande');
  return order;
}

/** What an order's funders paid in and did not get back: the funding its départements count. */
export function netFunding(db: Db, orderId: number): number {
  return orderFunders(db, orderId).reduce((sum, f) => sum + f.paidCents - f.creditedCents, 0);
}

/** What an order's funder line shows: who, and what it committed, paid in and got back. */
const FUNDER_COLUMNS = {
  organisationId: orderFundings.funderOrganisationId,
  name: organisations.name,
  committedCents: orderFundings.committedCents,
  paidCents: orderFundings.paidCents,
  creditedCents: orderFundings.creditedCents,
};

/** Organisations funding an order: its creator first, then co-funders. */
export function orderFunders(db: Db, orderId: number) {
  return db
    .select(FUNDER_COLUMNS)
    .from(orderFundings)
    .innerJoin(organisations, eq(organisations.id, orderFundings.funderOrganisationId))
    .where(eq(orderFundings.orderId, orderId))
    .orderBy(orderFundings.createdAt)
    .all();
}

/** Checks that need the database or the INSEE data; the schema checked the rest. */
function checkOrderFields(db: Db, fields: OrderFields) {
  fields.communeCodes.forEach((code, index) => {
    if (!isCommuneCode(code)) throw fieldError(['communeCodes', index], `Commune inconnue : ${code}`);
  });
  if (fields.roundId !== null) {
    const round = db.select().from(fundingRounds).where(eq(fundingRounds.id, fields.roundId)).get();
    if (!round) throw fieldError('roundId', 'Campagne inconnue');
    if (round.status !== 'open') throw fieldError('roundId', 'Cette campagne n’est pas ouverte');
    const departements = orderDepartements(fields);
    if (!departements.some((code) => round.departementCodes.includes(code))) {
      throw fieldError('roundId', 'Le territoire de la commande est hors de celui de la campagne');
    }
  }
}

function orderValues(fields: OrderFields, graceMonths: number) {
  return {
    graceEndsOn: graceEndsOn(fields.deliveryEndsOn, graceMonths),
    title: fields.title,
    description: fields.description,
    services: [...new Set(fields.services)],
    departementCodes: [...new Set(fields.departementCodes)].sort(),
    communeCodes: [...new Set(fields.communeCodes)].sort(),
    quantity: fields.quantity,
    unitPriceCents: fields.unitPriceCents,
    targetPeople: fields.targetPeople,
    bidDeadline: fields.bidDeadline,
    deliveryStartsOn: fields.deliveryStartsOn,
    deliveryEndsOn: fields.deliveryEndsOn,
    roundId: fields.roundId,
    passRequired: fields.passRequired,
  };
}

export function createOrder(db: Db, organisationId: number, fields: OrderFields, userId: number, graceMonths = DEFAULT_GRACE_MONTHS): number {
  checkOrderFields(db, fields);
  const funder = db.select({ kind: organisations.kind }).from(organisations).where(eq(organisations.id, organisationId)).get();
  if (funder?.kind !== 'funder') throw forbidden('Seul un commanditaire publie des commandes');
  return db.transaction(() => {
    const orderId = db
      .insert(serviceOrders)
      .values({ ...orderValues(fields, graceMonths), funderOrganisationId: organisationId, status: 'draft', createdByUserId: userId })
      .returning({ id: serviceOrders.id })
      .get().id;
    const share = fields.shareCents ?? lineAmount(fields.quantity, fields.unitPriceCents);
    db.insert(orderFundings).values({ orderId, funderOrganisationId: organisationId, committedCents: share }).run();
    return orderId;
  });
}

/** A draft can be edited freely; the creator's share follows unless it was set. */
export function updateOrder(db: Db, orderId: number, fields: OrderFields, graceMonths = DEFAULT_GRACE_MONTHS): void {
  // Read and checked inside the transaction: another process may publish it meanwhile.
  db.transaction(() => {
    const order = getOrderRow(db, orderId);
    if (!isEditable(order.status)) throw conflict('Seule une commande en brouillon peut être modifiée');
    checkOrderFields(db, fields);
    db.update(serviceOrders).set(orderValues(fields, graceMonths)).where(eq(serviceOrders.id, orderId)).run();
    const share = fields.shareCents ?? lineAmount(fields.quantity, fields.unitPriceCents);
    const paid = orderFunders(db, orderId).find((f) => f.organisationId === order.funderOrganisationId)?.paidCents ?? 0;
    if (share < paid) throw fieldError('shareCents', 'La part ne peut pas descendre sous ce qui est déjà versé');
    db.update(orderFundings)
      .set({ committedCents: share })
      .where(and(eq(orderFundings.orderId, orderId), eq(orderFundings.funderOrganisationId, order.funderOrganisationId)))
      .run();
  });
}

export function publishOrder(db: Db, orderId: number, today = todayIso(), userId: number | null = null): void {
  db.transaction(() => {
    const order = getOrderRow(db, orderId);
    if (order.status !== 'draft') throw conflict('Seule une commande en brouillon peut être publiée');
    if (order.bidDeadline < today) throw fieldError('bidDeadline', 'La date limite des offres est déjà passée');
    if (order.roundId !== null) {
      const round = db.select({ status: fundingRounds.status }).from(fundingRounds).where(eq(fundingRounds.id, order.roundId)).get();
      if (round?.status !== 'open') throw fieldError('roundId', 'Cette campagne n’est pas ouverte');
    }
    db.update(serviceOrders).set({ status: 'open', publishedAt: new Date().toISOString() }).where(eq(serviceOrders.id, orderId)).run();
    audit(db, { userId, action: 'order.published', subjectType: 'order', subjectId: orderId, parties: [order.funderOrganisationId] });
  });
}

/**
 * Cancelling before any award (draft, open, or bidding closed without award): the bids are
 * rejected and whatever was paid in goes back to each funder as a credit note (ring-fenced
 * money only ever returns to its funder).
 */
export function cancelOrder(db: Db, orderId: number, userId: number | null = null): void {
  db.transaction(() => {
    const order = getOrderRow(db, orderId);
    const awarded = db.select({ id: awards.id }).from(awards).where(eq(awards.orderId, orderId)).get();
    if (!isCancellable(order.status) || awarded) throw conflict('Une commande déjà attribuée ne peut plus être annulée');
    db.update(serviceOrders).set({ status: 'cancelled', closedAt: new Date().toISOString() }).where(eq(serviceOrders.id, orderId)).run();
    // Submitted bids get an answer; a joint draft never submitted is set aside, still unseen by funders.
    db.update(bids).set({ status: 'rejected' }).where(and(eq(bids.orderId, orderId), eq(bids.status, 'submitted'))).run();
    db.update(bids).set({ status: 'withdrawn' }).where(and(eq(bids.orderId, orderId), eq(bids.status, 'draft'))).run();
    const reason = 'Annulation de la commande : remboursement de la part versée';
    creditBackRingFence(db, order, reason, userId);
    audit(db, {
      userId,
      action: 'order.cancelled',
      subjectType: 'order',
      subjectId: orderId,
      reason,
      detail: { from: order.status },
      parties: orderFunders(db, orderId).map((f) => f.organisationId),
    });
  });
}

/** Another funder joins a published order with a share of its budget (Σ shares ≤ the order's amount). */
export function coFund(db: Db, input: CoFundInput): void {
  db.transaction(() => {
    const order = getOrderRow(db, input.orderId);
    if (!['open', 'awarding', 'in_delivery'].includes(order.status)) throw conflict('Seule une commande publiée et en cours peut être cofinancée');
    const funder = db.select({ kind: organisations.kind }).from(organisations).where(eq(organisations.id, input.organisationId)).get();
    if (funder?.kind !== 'funder') throw forbidden('Seul un commanditaire peut cofinancer');
    const funders = orderFunders(db, input.orderId);
    if (funders.some((f) => f.organisationId === input.organisationId)) throw conflict('Votre organisation finance déjà cette commande');
    const room = lineAmount(order.quantity, order.unitPriceCents) - funders.reduce((sum, f) => sum + f.committedCents, 0);
    if (input.shareCents > room) throw fieldError('shareCents', `La part dépasse le reste à financer (${room} centimes)`);
    db.insert(orderFundings).values({ orderId: input.orderId, funderOrganisationId: input.organisationId, committedCents: input.shareCents }).run();
  });
}

export interface PaymentResult {
  transactionId: number;
  replayed: boolean;
}

/**
 * A funder records the transfer of part of its share into the ring-fenced account.
 * Idempotent: the same key returns the first result and moves nothing more.
 */
export function recordPayment(db: Db, input: RecordPaymentInput, userId: number | null = null): PaymentResult {
  return db.transaction(() => {
    const previous = db
      .select({ id: ledgerTransactions.id, orderId: ledgerTransactions.orderId, reference: ledgerTransactions.reference })
      .from(ledgerTransactions)
      .where(eq(ledgerTransactions.idempotencyKey, `payment:${input.idempotencyKey}`))
      .get();
    const source = input.source === 'credit' ? 'funder_credit' : 'funder';
    if (previous) {
      // A replay is the same payment: same order, funder, source, amount and reference.
      const paidByFunder = db
        .select({ amount: ledgerEntries.amountCents })
        .from(ledgerEntries)
        .innerJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerEntries.accountId))
        .where(and(eq(ledgerEntries.transactionId, previous.id), eq(ledgerAccounts.key, `${source}:${input.organisationId}`)))
        .get();
      const same = previous.orderId === input.orderId && previous.reference === input.reference && paidByFunder?.amount === -input.amountCents;
      if (!same) throw conflict('Cette clé d’idempotence a déjà servi pour un autre versement');
      return { transactionId: previous.id, replayed: true };
    }
    const order = getOrderRow(db, input.orderId);
    if (order.status === 'draft') throw conflict('Publiez la commande avant d’y verser des fonds : son territoire et son montant sont alors figés');
    if (order.status === 'cancelled' || order.status === 'completed' || order.status === 'closed') throw conflict('Cette commande ne reçoit plus de versement');
    const share = orderFunders(db, input.orderId).find((f) => f.organisationId === input.organisationId);
    if (!share) throw forbidden();
    if (input.amountCents > share.committedCents - share.paidCents) {
      throw fieldError('amountCents', `Le versement dépasse le reste de votre part (${share.committedCents - share.paidCents} centimes)`);
    }
    if (source === 'funder_credit') {
      const credit = balanceOf(db, { kind: 'funder_credit', organisationId: input.organisationId });
      if (input.amountCents > credit) throw fieldError('amountCents', `Le versement dépasse votre avoir disponible (${credit} centimes)`);
    }
    const transactionId = postTransaction(db, {
      kind: 'funding',
      orderId: input.orderId,
      reference: input.reference,
      idempotencyKey: `payment:${input.idempotencyKey}`,
      memo: source === 'funder_credit' ? 'Versement depuis un avoir sur le compte cantonné de la commande' : 'Versement sur le compte cantonné de la commande',
      userId,
      postings: [
        { owner: { kind: source, organisationId: input.organisationId }, amountCents: -input.amountCents },
        { owner: { kind: 'order_ringfence', orderId: input.orderId }, amountCents: input.amountCents },
      ],
    });
    db.update(orderFundings)
      .set({ paidCents: share.paidCents + input.amountCents })
      .where(and(eq(orderFundings.orderId, input.orderId), eq(orderFundings.funderOrganisationId, input.organisationId)))
      .run();
    const net = netFunding(db, input.orderId);
    moveOrderFunding(db, orderDepartements(order), commitmentYear(order), net - input.amountCents, net);
    audit(db, {
      userId,
      action: source === 'funder_credit' ? 'funding.from_credit' : 'funding.recorded',
      subjectType: 'funding',
      subjectId: transactionId,
      reason: input.reference,
      detail: { orderId: input.orderId, amountCents: input.amountCents },
      parties: [input.organisationId, order.funderOrganisationId],
    });
    return { transactionId, replayed: false };
  });
}

/** Amounts of an order, from the maintained rows (never a scan of deliveries). */
export function orderTotals(db: Db, order: Order) {
  const funders = orderFunders(db, order.id);
  const awarded = db
    .select({
      quantity: sql<number>`coalesce(sum(${awards.quantity}), 0)`,
      cents: sql<number>`coalesce(sum(${awards.quantity} * ${awards.unitPriceCents}), 0)`,
      deliveredQuantity: sql<number>`coalesce(sum(${awards.deliveredQuantity}), 0)`,
      deliveredCents: sql<number>`coalesce(sum(${awards.deliveredQuantity} * ${awards.unitPriceCents}), 0)`,
    })
    .from(awards)
    .where(eq(awards.orderId, order.id))
    .get()!;
  const bidCount = db
    .select({ n: sql<number>`count(*)` })
    .from(bids)
    .where(and(eq(bids.orderId, order.id), ne(bids.status, 'draft'), ne(bids.status, 'withdrawn')))
    .get()!.n;
  return {
    amountCents: lineAmount(order.quantity, order.unitPriceCents),
    budgetCents: funders.reduce((sum, f) => sum + f.committedCents, 0),
    /** Paid in and not credited back: what awards may use. */
    fundedCents: funders.reduce((sum, f) => sum + f.paidCents - f.creditedCents, 0),
    paidCents: funders.reduce((sum, f) => sum + f.paidCents, 0),
    creditedCents: funders.reduce((sum, f) => sum + f.creditedCents, 0),
    /** On the ring-fenced account now: paid in − delivered − credited back. */
    availableCents: balanceOf(db, { kind: 'order_ringfence', orderId: order.id }),
    awardedQuantity: awarded.quantity,
    awardedCents: awarded.cents,
    deliveredQuantity: awarded.deliveredQuantity,
    deliveredCents: awarded.deliveredCents,
    /** How its deliveries are proven, fixed per order: redeemed pass, or declared by the places (issue 11). */
    passRequired: order.passRequired,
    bidCount,
    funders,
  };
}

export function orderEventPayload(db: Db, orderId: number) {
  const order = getOrderRow(db, orderId);
  const totals = orderTotals(db, order);
  return {
    orderId,
    status: order.status,
    bidCount: totals.bidCount,
    fundedCents: totals.fundedCents,
    awardedCents: totals.awardedCents,
    deliveredCents: totals.deliveredCents,
  };
}

/** Orders a funder posted or co-funds, newest first, with their totals. */
export function ordersOfFunder(db: Db, organisationId: number) {
  const coFunded = db
    .select({ orderId: orderFundings.orderId })
    .from(orderFundings)
    .where(eq(orderFundings.funderOrganisationId, organisationId));
  const rows = db
    .select()
    .from(serviceOrders)
    .where(or(eq(serviceOrders.funderOrganisationId, organisationId), inArray(serviceOrders.id, coFunded)))
    .orderBy(desc(serviceOrders.createdAt), desc(serviceOrders.id))
    .all();
  return rows.map((order) => ({ ...order, totals: orderTotals(db, order) }));
}

/** The points of presence of an actor's qualified places, for territory matching. */
export function qualifiedPlacesWithCommunes(db: Db, organisationId: number) {
  const rows = db
    .select({ id: places.id, name: places.name, communeCode: placeCommunes.communeCode })
    .from(places)
    .innerJoin(placeCommunes, eq(placeCommunes.placeId, places.id))
    .where(and(eq(places.organisationId, organisationId), eq(places.status, 'qualified')))
    .all();
  const byPlace = new Map<number, { id: number; name: string; communeCodes: string[] }>();
  for (const row of rows) {
    const place = byPlace.get(row.id) ?? { id: row.id, name: row.name, communeCodes: [] };
    place.communeCodes.push(row.communeCode);
    byPlace.set(row.id, place);
  }
  return [...byPlace.values()];
}

/** Open orders (deadline not passed) that one of the actor's qualified places covers. */
export function openOrdersForActor(db: Db, filters: OpenOrdersInput, today = todayIso()) {
  const actorPlaces = qualifiedPlacesWithCommunes(db, filters.organisationId);
  const open = db.select().from(serviceOrders).where(eq(serviceOrders.status, 'open')).orderBy(serviceOrders.bidDeadline).all();
  return open
    .filter((order) => order.bidDeadline >= today)
    .filter((order) => !filters.deadlineBefore || order.bidDeadline <= filters.deadlineBefore)
    .filter((order) => !filters.service || order.services.includes(filters.service))
    .filter((order) => !filters.departementCode || orderDepartements(order).includes(filters.departementCode))
    .map((order) => ({
      ...order,
      eligiblePlaces: actorPlaces.filter((p) => placeCoversOrder(p.communeCodes, order)).map(({ id, name }) => ({ id, name })),
    }))
    .filter((order) => order.eligiblePlaces.length > 0)
    .map((order) => ({ ...order, totals: orderTotals(db, order) }));
}

/**
 * The funder's orders on its spending page, as a condition on `service_orders`: created or
 * co-funded by it (placeholder `funder`), drafts aside. Every spending query is restricted by it
 * in SQL, so the page costs a handful of grouped queries whatever the number of orders.
 */
function spendingOrdersCondition(db: Db) {
  const funder = sql.placeholder('funder');
  const coFunded = db.select({ orderId: orderFundings.orderId }).from(orderFundings).where(eq(orderFundings.funderOrganisationId, funder));
  return and(ne(serviceOrders.status, 'draft'), or(eq(serviceOrders.funderOrganisationId, funder), inArray(serviceOrders.id, coFunded)));
}

// One statement per kind of figure, grouped by order, from the maintained rows (order_fundings,
// awards' delivered quantities, ledger account balances): never a scan of deliveries or entries.
const spendingStatements = preparedFor((db) => {
  const mine = db.select({ id: serviceOrders.id }).from(serviceOrders).where(spendingOrdersCondition(db));
  return {
    orders: db
      .select({
        id: serviceOrders.id,
        title: serviceOrders.title,
        status: serviceOrders.status,
        roundId: serviceOrders.roundId,
        quantity: serviceOrders.quantity,
        unitPriceCents: serviceOrders.unitPriceCents,
        passRequired: serviceOrders.passRequired,
      })
      .from(serviceOrders)
      .where(spendingOrdersCondition(db))
      .orderBy(desc(serviceOrders.createdAt), desc(serviceOrders.id))
      .prepare(),
    // As orderFunders lists them: creator first (by date), ties in key order.
    funders: db
      .select({
        orderId: orderFundings.orderId,
        ...FUNDER_COLUMNS,
      })
      .from(orderFundings)
      .innerJoin(organisations, eq(organisations.id, orderFundings.funderOrganisationId))
      .where(inArray(orderFundings.orderId, mine))
      .orderBy(orderFundings.orderId, orderFundings.createdAt, orderFundings.funderOrganisationId)
      .prepare(),
    awarded: db
      .select({
        orderId: awards.orderId,
        quantity: sql<number>`sum(${awards.quantity})`,
        cents: sql<number>`sum(${awards.quantity} * ${awards.unitPriceCents})`,
        deliveredQuantity: sql<number>`sum(${awards.deliveredQuantity})`,
        deliveredCents: sql<number>`sum(${awards.deliveredQuantity} * ${awards.unitPriceCents})`,
      })
      .from(awards)
      .where(inArray(awards.orderId, mine))
      .groupBy(awards.orderId)
      .prepare(),
    bidCounts: db
      .select({ orderId: bids.orderId, n: sql<number>`count(*)` })
      .from(bids)
      .where(and(inArray(bids.orderId, mine), ne(bids.status, 'draft'), ne(bids.status, 'withdrawn')))
      .groupBy(bids.orderId)
      .prepare(),
    // The ring-fenced account of each order, by its unique key (what balanceOf reads).
    available: db
      .select({ orderId: serviceOrders.id, balanceCents: ledgerAccounts.balanceCents })
      .from(serviceOrders)
      .innerJoin(ledgerAccounts, eq(ledgerAccounts.key, sql`'order_ringfence:' || ${serviceOrders.id}`))
      .where(spendingOrdersCondition(db))
      .prepare(),
    years: db
      .select({
        year: awards.year,
        committedCents: sql<number>`sum((${awards.quantity} - ${awards.deliveredQuantity}) * ${awards.unitPriceCents})`,
        deliveredCents: sql<number>`sum(${awards.deliveredQuantity} * ${awards.unitPriceCents})`,
      })
      .from(awards)
      .where(inArray(awards.orderId, mine))
      .groupBy(awards.year)
      .orderBy(awards.year)
      .prepare(),
    places: placesReachedBy(db, mine),
  };
});

/** Spending of a funder: per order, its share and payments, and the order's awards and deliveries. */
export function computeSpendingOfFunder(db: Db, organisationId: number) {
  const q = spendingStatements(db);
  const params = { funder: organisationId };
  const funders = groupByOrder(q.funders.all(params));
  const awarded = new Map(q.awarded.all(params).map((row) => [row.orderId, row]));
  const bidCounts = new Map(q.bidCounts.all(params).map((row) => [row.orderId, row.n]));
  const available = new Map(q.available.all(params).map((row) => [row.orderId, row.balanceCents]));
  const orders = q.orders.all(params).map((order) => ({
    ...order,
    totals: spendingTotals(order, funders.get(order.id) ?? [], awarded.get(order.id), bidCounts.get(order.id) ?? 0, available.get(order.id) ?? 0),
  }));
  return {
    orders: orders.map((o) => ({
      id: o.id,
      title: o.title,
      status: o.status,
      roundId: o.roundId,
      share: o.totals.funders.find((f) => f.organisationId === organisationId),
      totals: o.totals,
    })),
    years: q.years.all(params),
    rounds: spendingByRound(orders),
    places: q.places.all({ ...params, year: new Date().getUTCFullYear() }),
  };
}

type SpendingFunder = ReturnType<typeof orderFunders>[number];

function groupByOrder(rows: (SpendingFunder & { orderId: number })[]) {
  const byOrder = new Map<number, SpendingFunder[]>();
  for (const { orderId, ...funder } of rows) {
    const list = byOrder.get(orderId) ?? [];
    list.push(funder);
    byOrder.set(orderId, list);
  }
  return byOrder;
}

/** An order's totals from the grouped rows: the very figures (and shape) orderTotals reads one order at a time. */
function spendingTotals(
  order: { quantity: number; unitPriceCents: number; passRequired: boolean },
  funders: SpendingFunder[],
  awarded: { quantity: number; cents: number; deliveredQuantity: number; deliveredCents: number } | undefined,
  bidCount: number,
  availableCents: number,
): ReturnType<typeof orderTotals> {
  return {
    amountCents: lineAmount(order.quantity, order.unitPriceCents),
    budgetCents: funders.reduce((sum, f) => sum + f.committedCents, 0),
    fundedCents: funders.reduce((sum, f) => sum + f.paidCents - f.creditedCents, 0),
    paidCents: funders.reduce((sum, f) => sum + f.paidCents, 0),
    creditedCents: funders.reduce((sum, f) => sum + f.creditedCents, 0),
    availableCents,
    awardedQuantity: awarded?.quantity ?? 0,
    awardedCents: awarded?.cents ?? 0,
    deliveredQuantity: awarded?.deliveredQuantity ?? 0,
    deliveredCents: awarded?.deliveredCents ?? 0,
    passRequired: order.passRequired,
    bidCount,
    funders,
  };
}

/** Committed (awarded) and delivered amounts of the funder's orders, per funding round (null: none). */
function spendingByRound(orders: { roundId: number | null; totals: ReturnType<typeof orderTotals> }[]) {
  const byRound = new Map<number | null, { roundId: number | null; awardedCents: number; deliveredCents: number; orders: number }>();
  for (const order of orders) {
    const entry = byRound.get(order.roundId) ?? { roundId: order.roundId, awardedCents: 0, deliveredCents: 0, orders: 0 };
    entry.awardedCents += order.totals.awardedCents;
    entry.deliveredCents += order.totals.deliveredCents;
    entry.orders += 1;
    byRound.set(order.roundId, entry);
  }
  return [...byRound.values()];
}

/**
 * The places the funder's money reaches: awarded and delivered on its orders, and where each
 * place stands this year (placeholder `year`) against the band (from its maintained figures).
 */
function placesReachedBy(db: Db, mine: SQLWrapper) {
  const year = sql.placeholder('year');
  return db
    .select({
      placeId: places.id,
      name: places.name,
      departementCode: places.departementCode,
      awardedCents: sql<number>`sum(${awards.quantity} * ${awards.unitPriceCents})`,
      deliveredCents: sql<number>`sum(${awards.deliveredQuantity} * ${awards.unitPriceCents})`,
      yearDeliveredCents: sql<number>`coalesce((select revenue_delivered_cents from place_year_figures f where f.place_id = ${places.id} and f.year = ${year}), 0)`,
      yearCommittedCents: sql<number>`coalesce((select revenue_committed_cents from place_year_figures f where f.place_id = ${places.id} and f.year = ${year}), 0)`,
    })
    .from(awards)
    .innerJoin(places, eq(places.id, awards.placeId))
    .where(inArray(awards.orderId, mine))
    .groupBy(places.id)
    // Same names stay in place order, as the grouping by place left them.
    .orderBy(places.name, places.id)
    .prepare();
}

/**
 * Who may see an order: the operator, its funders, and — once published — the actors and
 * partnerships that may bid and the funders that may co-fund. Unknown and hidden orders look the
 * same (FORBIDDEN).
 */
export function assertCanSeeOrder(db: Db, user: SessionUser, orderId: number) {
  const order = db.select().from(serviceOrders).where(eq(serviceOrders.id, orderId)).get();
  const isOperator = user.memberships.some((m) => m.organisationKind === 'operator');
  if (!order) throw isOperator ? notFound('Commande') : forbidden();
  const funderIds = orderFunders(db, orderId).map((f) => f.organisationId);
  const orgIds = user.memberships.map((m) => m.organisationId);
  const isFunder = funderIds.some((id) => orgIds.includes(id));
  // Published orders are calls for services and for co-funding: actors, partnerships and funders see them.
  const participates = user.memberships.some((m) => m.organisationKind !== 'operator');
  if (!isOperator && !isFunder && !(order.status !== 'draft' && participates)) throw forbidden();
  return { order, funderIds, isFunder, isCreator: orgIds.includes(order.funderOrganisationId) };
}

/** Writes on an order (edit, publish, award…) belong to the funder that created it. */
export function assertOrderCreator(db: Db, user: SessionUser, orderId: number): Order {
  const order = db.select().from(serviceOrders).where(eq(serviceOrders.id, orderId)).get();
  if (!order || !user.memberships.some((m) => m.organisationId === order.funderOrganisationId)) throw forbidden();
  return order;
}

/** Published orders another funder could join: still short of their amount, not already funded by it. */
export function coFundableOrders(db: Db, organisationId: number) {
  const mine = db.select({ orderId: orderFundings.orderId }).from(orderFundings).where(eq(orderFundings.funderOrganisationId, organisationId));
  return db
    .select()
    .from(serviceOrders)
    .where(and(inArray(serviceOrders.status, ['open', 'awarding', 'in_delivery']), sql`${serviceOrders.id} not in ${mine}`))
    .orderBy(serviceOrders.bidDeadline)
    .limit(200)
    .all()
    .map((order) => ({ ...order, totals: orderTotals(db, order) }))
    .filter((order) => order.totals.budgetCents < order.totals.amountCents);
}

/** A funder's spending page, computed once per state of the database (decision 0018). */
export const spendingOfFunder = memoPerState(computeSpendingOfFunder, (organisationId) => String(organisationId));
