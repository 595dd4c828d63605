import type { Db } from '../../../db/client';
import { preparedFor } from '../../../db/prepared';
import type { OrderStatus } from '../../../shared/domain/enums';
import { formatPassCode, generatePassCode } from '../../../shared/domain/pass-codes';
import { bookletStatus, fundedQuantity, issuable, passesExpired, type PassCounts } from '../../../shared/domain/passes';
import { todayIso } from '../../../shared/domain/orders';
import type { IssueBookletsInput } from '../../../shared/schemas/passes';
import { DEFAULT_BOOKLET_SIZE } from '../../../shared/schemas/passes';
import { conflict, fieldError, forbidden } from '../../errors';
import { assertOrgRole, isOperator } from '../../permissions';
import type { SessionUser } from '../auth';
import { audit } from '../audit';
import { netFunding } from '../orders';
import { passKeys } from './secret';

export interface PassOrder {
  id: number;
  title: string;
  status: OrderStatus;
  services: string;
  quantity: number;
  unitPriceCents: number;
  deliveryStartsOn: string;
  deliveryEndsOn: string;
  graceEndsOn: string;
  passRequired: number;
  funderOrganisationId: number;
}

const statements = preparedFor((db) => ({
  order: db.$client.prepare<[number], PassOrder>(
    `select id, title, status, services, quantity, unit_price_cents as unitPriceCents, delivery_starts_on as deliveryStartsOn,
       delivery_ends_on as deliveryEndsOn, grace_ends_on as graceEndsOn, pass_required as passRequired,
       funder_organisation_id as funderOrganisationId from service_orders where id = ?`,
  ),
  funders: db.$client.prepare<[number], { organisationId: number; name: string }>(
    `select f.funder_organisation_id as organisationId, o.name from order_fundings f join organisations o on o.id = f.funder_organisation_id
       where f.order_id = ? order by f.created_at`,
  ),
  issued: db.$client.prepare<[number], { passes: number; booklets: number; lastNumber: number }>(
    `select coalesce(sum(size), 0) as passes, count(*) as booklets, coalesce(max(number), 0) as lastNumber from pass_booklets where order_id = ?`,
  ),
  prescribers: db.$client.prepare<[number], { id: number }>(
    'select distinct prescriber_organisation_id as id from pass_booklets where order_id = ? and prescriber_organisation_id is not null',
  ),
  hashTaken: db.$client.prepare<[string], { id: number }>('select id from passes where code_hash = ?'),
  insertBooklet: db.$client.prepare<[number, number, number, number, string]>(
    'insert into pass_booklets (order_id, number, size, created_by_user_id, created_at) values (?, ?, ?, ?, ?)',
  ),
  insertPass: db.$client.prepare<[number, number, string, string]>('insert into passes (booklet_id, order_id, code_hash, code_sealed) values (?, ?, ?, ?)'),
  // One row per booklet with its redeemed count: what every count of the funder's view derives from.
  bookletRows: db.$client.prepare<[number], BookletRow>(
    `select b.id, b.number, b.size, b.prescriber_organisation_id as prescriberOrganisationId, o.name as prescriberName,
       b.assigned_at as assignedAt, b.handed_out_on as handedOutOn, b.handed_out_category as handedOutCategory,
       (select count(*) from passes p where p.booklet_id = b.id and p.delivery_id is not null) as redeemed
     from pass_booklets b left join organisations o on o.id = b.prescriber_organisation_id
     where b.order_id = ? order by b.number`,
  ),
  booklet: db.$client.prepare<[number], { id: number; orderId: number; number: number; size: number; prescriberOrganisationId: number | null; handedOutOn: string | null }>(
    `select id, order_id as orderId, number, size, prescriber_organisation_id as prescriberOrganisationId, handed_out_on as handedOutOn
       from pass_booklets where id = ?`,
  ),
  passesOfBooklet: db.$client.prepare<[number], { id: number; codeSealed: string; redeemedAt: string | null }>(
    'select id, code_sealed as codeSealed, redeemed_at as redeemedAt from passes where booklet_id = ? order by id',
  ),
}));

export interface BookletRow {
  id: number;
  number: number;
  size: number;
  prescriberOrganisationId: number | null;
  prescriberName: string | null;
  assignedAt: string | null;
  handedOutOn: string | null;
  handedOutCategory: string | null;
  redeemed: number;
}

export function passOrder(db: Db, orderId: number): PassOrder | undefined {
  return statements(db).order.get(orderId);
}

export function fundersOfOrder(db: Db, orderId: number) {
  return statements(db).funders.all(orderId);
}

/** The prescriber organisations holding booklets of an order. */
export function prescribersOfOrder(db: Db, orderId: number): number[] {
  return statements(db).prescribers.all(orderId).map((p) => p.id);
}

/**
 * The caller acts for `organisationId`, a funder (creator or co-funder) of the order. Anyone
 * else, and an unknown order, gets the same refusal: order ids cannot be probed.
 */
export function assertFunderOfOrder(db: Db, user: SessionUser, orderId: number, organisationId: number): PassOrder {
  assertOrgRole(user, organisationId);
  const order = passOrder(db, orderId);
  if (!order || !fundersOfOrder(db, orderId).some((f) => f.organisationId === organisationId)) throw forbidden();
  return order;
}

/** Whether the caller may see an order's booklets: one of its funders' members, or the operator. */
export function assertCanFollowPasses(db: Db, user: SessionUser, orderId: number): PassOrder {
  const order = passOrder(db, orderId);
  if (!order) throw forbidden();
  if (isOperator(user)) return order;
  const funders = fundersOfOrder(db, orderId);
  if (!funders.some((f) => user.memberships.some((m) => m.organisationId === f.organisationId))) throw forbidden();
  return order;
}

/**
 * Issues `booklets` booklets of `size` pass for a funded order that asks for pass. The total
 * issued never exceeds what its funders paid in (the funded quantity). Each code is drawn until
 * unique across the system (a clash is about one in 10¹⁰ at national scale) and stored as a
 * keyed hash plus a sealed copy, never in clear.
 */
export function issueBooklets(db: Db, user: SessionUser, input: IssueBookletsInput, now = new Date()) {
  const today = todayIso(now);
  const size = input.size ?? DEFAULT_BOOKLET_SIZE;
  const keys = passKeys(db);
  return db.transaction(() => {
    const q = statements(db);
    const order = assertFunderOfOrder(db, user, input.orderId, input.organisationId);
    if (!order.passRequired) throw conflict('Cette commande fonctionne sans pass : ses prestations sont déclaratives');
    if (!issuable(order, today)) throw conflict(`Plus de pass à émettre pour cette commande (statut « ${order.status} », validité jusqu’au ${order.graceEndsOn})`);
    const funded = fundedQuantity(order, netFunding(db, order.id));
    const issued = q.issued.get(order.id)!;
    const wanted = input.booklets * size;
    if (issued.passes + wanted > funded) {
      const left = Math.max(0, funded - issued.passes);
      throw fieldError('booklets', `Dépasse la quantité financée : ${left} pass au plus peuvent encore être émis (${funded} financés, ${issued.passes} déjà émis)`);
    }
    const createdAt = now.toISOString();
    const bookletIds: number[] = [];
    for (let b = 1; b <= input.booklets; b++) {
      const bookletId = Number(q.insertBooklet.run(order.id, issued.lastNumber + b, size, user.id, createdAt).lastInsertRowid);
      bookletIds.push(bookletId);
      for (let p = 0; p < size; p++) {
        let code = generatePassCode();
        while (q.hashTaken.get(keys.hash(code))) code = generatePassCode();
        q.insertPass.run(bookletId, order.id, keys.hash(code), keys.seal(code));
      }
    }
    audit(db, {
      userId: user.id,
      action: 'passes.issued',
      subjectType: 'order',
      subjectId: order.id,
      reason: `${input.booklets} carnet(s) de ${size} pass`,
      detail: { booklets: input.booklets, size, firstNumber: issued.lastNumber + 1 },
      parties: fundersOfOrder(db, order.id).map((f) => f.organisationId),
    });
    return { orderId: order.id, bookletIds, issued: wanted };
  });
}

/** The order's booklets as its funders follow them: who holds each, when handed out, how used. */
export function bookletsOfOrder(db: Db, orderId: number, today = todayIso()) {
  const order = passOrder(db, orderId)!;
  const expired = passesExpired(order, today);
  return statements(db)
    .bookletRows.all(orderId)
    .map((b) => ({ ...b, status: bookletStatus(b, expired) }));
}

/** Issued / handed out / started / fully used / expired, for one order. */
export function passCountsOfOrder(db: Db, orderId: number, today = todayIso()): PassCounts {
  const order = passOrder(db, orderId)!;
  const rows = statements(db).bookletRows.all(orderId);
  const expired = passesExpired(order, today);
  const counts: PassCounts = {
    orderId,
    bookletsIssued: rows.length,
    passesIssued: 0,
    bookletsAssigned: 0,
    bookletsHandedOut: 0,
    bookletsStarted: 0,
    bookletsFullyUsed: 0,
    passesRedeemed: 0,
    passesExpired: 0,
    issuableQuantity: 0,
  };
  for (const b of rows) {
    counts.passesIssued += b.size;
    counts.passesRedeemed += b.redeemed;
    if (b.prescriberOrganisationId) counts.bookletsAssigned++;
    if (b.handedOutOn) counts.bookletsHandedOut++;
    if (b.redeemed > 0) counts.bookletsStarted++;
    if (b.redeemed === b.size) counts.bookletsFullyUsed++;
    if (expired) counts.passesExpired += b.size - b.redeemed;
  }
  counts.issuableQuantity = order.passRequired && issuable(order, today) ? Math.max(0, fundedQuantity(order, netFunding(db, orderId)) - counts.passesIssued) : 0;
  return counts;
}

/**
 * A booklet's codes opened to print: the booklet with its codes, and an audit line seen by the
 * order's funders and the prescriber holding it (who opened which booklet, when).
 */
export function printBooklet(db: Db, user: SessionUser, bookletId: number, today = todayIso()) {
  return db.transaction(() => {
    const booklet = bookletWithCodes(db, user, bookletId, today);
    const holder = statements(db).booklet.get(bookletId)!.prescriberOrganisationId;
    audit(db, {
      userId: user.id,
      action: 'booklet.printed',
      subjectType: 'order',
      subjectId: booklet.order.id,
      detail: { bookletId, number: booklet.number },
      parties: [...fundersOfOrder(db, booklet.order.id).map((f) => f.organisationId), ...(holder ? [holder] : [])],
    });
    return booklet;
  });
}

/**
 * A booklet with its codes in clear, to print or export: for the members of the order's funders
 * and of the prescriber holding it. Nobody else — not the operator, not a place — reads codes.
 */
export function bookletWithCodes(db: Db, user: SessionUser, bookletId: number, today = todayIso()) {
  const q = statements(db);
  const booklet = q.booklet.get(bookletId);
  if (!booklet) throw forbidden();
  const funders = fundersOfOrder(db, booklet.orderId);
  const mine = (organisationId: number | null) => organisationId !== null && user.memberships.some((m) => m.organisationId === organisationId);
  if (!funders.some((f) => mine(f.organisationId)) && !mine(booklet.prescriberOrganisationId)) throw forbidden();
  const order = passOrder(db, booklet.orderId)!;
  const keys = passKeys(db);
  return {
    id: booklet.id,
    number: booklet.number,
    size: booklet.size,
    handedOutOn: booklet.handedOutOn,
    expired: passesExpired(order, today),
    order: {
      id: order.id,
      title: order.title,
      services: JSON.parse(order.services) as string[],
      deliveryStartsOn: order.deliveryStartsOn,
      deliveryEndsOn: order.deliveryEndsOn,
      /** Last day a pass can be redeemed. */
      validUntil: order.graceEndsOn,
      funders: funders.map((f) => f.name),
    },
    passes: q.passesOfBooklet.all(bookletId).map((p, i) => ({ rank: i + 1, code: formatPassCode(keys.unseal(p.codeSealed)), redeemedAt: p.redeemedAt })),
  };
}
