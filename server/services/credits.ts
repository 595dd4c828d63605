import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { awards, bids, creditNotes, ledgerTransactions, orderFundings, serviceOrders } from '../../db/schema';
import { closability, CLOSABLE_STATUSES, commitmentYear, orderDepartements, todayIso } from '../../shared/domain/orders';
import { lineAmount, splitCents } from '../../shared/money';
import { conflict, fieldError } from '../errors';
import { audit } from './audit';
import { bumpPlaceFigures, moveOrderFunding } from './figures';
import { balanceOf, postTransaction } from './ledger';
import { getOrderRow, netFunding, orderFunders, type Order } from './orders';

/** Next credit-note number of the year: `AV-2027-00012`, inside the caller's transaction. */
function nextNumber(db: Db, year: string): string {
  const count = db
    .select({ n: sql<number>`count(*)` })
    .from(creditNotes)
    .where(sql`${creditNotes.number} like ${`AV-${year}-%`}`)
    .get()!.n;
  return `AV-${year}-${String(count + 1).padStart(5, '0')}`;
}

/**
 * Returns everything still on the order's ring-fenced account to its funders, in proportion to
 * what each paid in and was not yet credited: one credit note (ledger movement + document) per
 * funder, onto the funder's credit account. Runs inside the caller's transaction.
 */
export function creditBackRingFence(db: Db, order: Order, reason: string, userId: number | null): number[] {
  const balance = balanceOf(db, { kind: 'order_ringfence', orderId: order.id });
  if (balance === 0) return [];
  const funders = orderFunders(db, order.id).filter((f) => f.paidCents - f.creditedCents > 0);
  const parts = splitCents(
    balance,
    funders.map((f) => f.paidCents - f.creditedCents),
  );
  const ids: number[] = [];
  const year = todayIso().slice(0, 4);
  funders.forEach((funder, i) => {
    const amount = parts[i]!;
    if (amount === 0) return;
    const number = nextNumber(db, year);
    const transactionId = postTransaction(db, {
      kind: 'credit_note',
      orderId: order.id,
      reference: number,
      memo: reason,
      userId,
      postings: [
        { owner: { kind: 'order_ringfence', orderId: order.id }, amountCents: -amount },
        { owner: { kind: 'funder_credit', organisationId: funder.organisationId }, amountCents: amount },
      ],
    });
    db.update(orderFundings)
      .set({ creditedCents: sql`${orderFundings.creditedCents} + ${amount}` })
      .where(and(eq(orderFundings.orderId, order.id), eq(orderFundings.funderOrganisationId, funder.organisationId)))
      .run();
    const net = netFunding(db, order.id);
    moveOrderFunding(db, orderDepartements(order), commitmentYear(order), net + amount, net);
    const id = db
      .insert(creditNotes)
      .values({ number, funderOrganisationId: funder.organisationId, orderId: order.id, amountCents: amount, reason, transactionId, createdByUserId: userId })
      .returning({ id: creditNotes.id })
      .get().id;
    audit(db, {
      userId,
      action: 'credit_note.issued',
      subjectType: 'credit_note',
      subjectId: id,
      reason,
      detail: { number, orderId: order.id, amountCents: amount },
      parties: [funder.organisationId],
    });
    ids.push(id);
  });
  return ids;
}

export interface CloseResult {
  orderId: number;
  releasedServices: number;
  creditNoteIds: number[];
  /** Places whose committed figures moved: their gauges are published again. */
  placeIds: number[];
}

/**
 * Closes an order whose delivery window is over: awards keep what was delivered and release
 * the rest (the places' committed figures drop), standing bids are rejected, and the money
 * left on the ring-fenced account goes back to the funders as credit notes. After this, no
 * delivery can be recorded on it.
 */
export function closeOrder(db: Db, orderId: number, options: { userId: number | null; reason: string; automatic?: boolean; today?: string }): CloseResult {
  return db.transaction(
    () => {
      const order = getOrderRow(db, orderId);
      const when = closability(order, options.today ?? todayIso());
      if (!CLOSABLE_STATUSES.includes(order.status)) throw conflict(`Cette commande ne peut pas être clôturée (statut « ${order.status} »)`);
      if (!(options.automatic ? when.automatic : when.byFunder)) {
        throw conflict(`La période de réalisation court jusqu’au ${order.deliveryEndsOn} : la commande ne peut être clôturée qu’ensuite`);
      }
      let releasedServices = 0;
      const placeIds = new Set<number>();
      for (const award of db.select().from(awards).where(eq(awards.orderId, orderId)).all()) {
        const left = award.quantity - award.deliveredQuantity;
        if (left === 0) continue;
        db.update(awards)
          .set({ quantity: award.deliveredQuantity, releasedQuantity: award.releasedQuantity + left })
          .where(eq(awards.id, award.id))
          .run();
        bumpPlaceFigures(db, award.placeId, award.year, { servicesCommitted: -left, revenueCommittedCents: -lineAmount(left, award.unitPriceCents) });
        releasedServices += left;
        placeIds.add(award.placeId);
      }
      // Submitted bids get an answer; a joint draft never submitted is set aside, still unseen by funders.
      db.update(bids).set({ status: 'rejected' }).where(and(eq(bids.orderId, orderId), eq(bids.status, 'submitted'))).run();
      db.update(bids).set({ status: 'withdrawn' }).where(and(eq(bids.orderId, orderId), eq(bids.status, 'draft'))).run();
      db.update(serviceOrders).set({ status: 'closed', closedAt: new Date().toISOString() }).where(eq(serviceOrders.id, orderId)).run();
      // Unused pass expire with the order: their value is part of what goes back (decision 0021).
      const expiredPasses = (db.$client.prepare('select count(*) as n from passes where order_id = ? and delivery_id is null').get(orderId) as { n: number }).n;
      const reason = expiredPasses > 0 ? `${options.reason} — dont ${expiredPasses} pass non utilisé(s), expiré(s)` : options.reason;
      const creditNoteIds = creditBackRingFence(db, order, reason, options.userId);
      audit(db, {
        userId: options.userId,
        action: options.automatic ? 'order.closed_automatically' : 'order.closed',
        subjectType: 'order',
        subjectId: orderId,
        reason: options.reason,
        detail: { from: order.status, releasedServices, creditNotes: creditNoteIds.length, expiredPasses },
        parties: orderFunders(db, orderId).map((f) => f.organisationId),
      });
      return { orderId, releasedServices, creditNoteIds, placeIds: [...placeIds] };
    },
    { behavior: 'immediate' },
  );
}

/**
 * Every order past its grace period, closed by the system (run at start and every hour). Each
 * close is its own transaction: one refused is reported in `failed` and the others go on.
 */
export function closeExpiredOrders(db: Db, today = todayIso()): CloseResult[] & { failed?: { orderId: number; error: unknown }[] } {
  const due = db
    .select({ id: serviceOrders.id })
    .from(serviceOrders)
    .where(and(inArray(serviceOrders.status, [...CLOSABLE_STATUSES]), sql`${serviceOrders.graceEndsOn} < ${today}`))
    .all();
  const closed: CloseResult[] & { failed?: { orderId: number; error: unknown }[] } = [];
  for (const { id } of due) {
    try {
      closed.push(closeOrder(db, id, { userId: null, automatic: true, today, reason: 'Clôture automatique : période de réalisation et mois de grâce écoulés' }));
    } catch (error) {
      (closed.failed ??= []).push({ orderId: id, error });
    }
  }
  return closed;
}

/** What a funder holds as credit, and its credit notes (newest first). */
export function creditsOfFunder(db: Db, organisationId: number) {
  const notes = db
    .select({
      id: creditNotes.id,
      number: creditNotes.number,
      orderId: creditNotes.orderId,
      orderTitle: serviceOrders.title,
      amountCents: creditNotes.amountCents,
      reason: creditNotes.reason,
      createdAt: creditNotes.createdAt,
    })
    .from(creditNotes)
    .innerJoin(serviceOrders, eq(serviceOrders.id, creditNotes.orderId))
    .where(eq(creditNotes.funderOrganisationId, organisationId))
    .orderBy(desc(creditNotes.id))
    .all();
  const refunds = db.$client
    .prepare(
      `select t.id, t.reference, t.created_at as createdAt, e.amount_cents as amountCents
       from ledger_transactions t join ledger_entries e on e.transaction_id = t.id join ledger_accounts a on a.id = e.account_id
       where t.kind = 'credit_refund' and a.key = ? order by t.id desc`,
    )
    .all(`funder:${organisationId}`) as { id: number; reference: string | null; createdAt: string; amountCents: number }[];
  return { balanceCents: balanceOf(db, { kind: 'funder_credit', organisationId }), notes, refunds };
}

/** One credit note, for its printable document (the router checks who may read it). */
export function creditNote(db: Db, id: number) {
  return db
    .select({
      id: creditNotes.id,
      number: creditNotes.number,
      funderOrganisationId: creditNotes.funderOrganisationId,
      orderId: creditNotes.orderId,
      orderTitle: serviceOrders.title,
      amountCents: creditNotes.amountCents,
      reason: creditNotes.reason,
      createdAt: creditNotes.createdAt,
    })
    .from(creditNotes)
    .innerJoin(serviceOrders, eq(serviceOrders.id, creditNotes.orderId))
    .where(eq(creditNotes.id, id))
    .get();
}

/**
 * The funder asks for (part of) its credit back: money leaves its credit account to its own
 * bank account. Idempotent on the key.
 */
export function refundCredit(db: Db, input: { organisationId: number; amountCents: number; reference: string; idempotencyKey: string }, userId: number) {
  return db.transaction(
    () => {
      const key = `refund:${input.organisationId}:${input.idempotencyKey}`;
      const previous = db.select().from(ledgerTransactions).where(eq(ledgerTransactions.idempotencyKey, key)).get();
      if (previous) {
        // A replay is the same refund: same reference and amount (the funder leg of the transaction).
        const amount = db.$client
          .prepare(
            `select e.amount_cents as amount from ledger_entries e join ledger_accounts a on a.id = e.account_id
             where e.transaction_id = ? and a.key = ?`,
          )
          .get(previous.id, `funder:${input.organisationId}`) as { amount: number } | undefined;
        if (previous.reference !== input.reference || amount?.amount !== input.amountCents) {
          throw conflict('Cette clé d’idempotence a déjà servi pour un autre remboursement');
        }
        return { transactionId: previous.id, replayed: true };
      }
      const balance = balanceOf(db, { kind: 'funder_credit', organisationId: input.organisationId });
      if (input.amountCents > balance) throw fieldError('amountCents', `Le remboursement dépasse votre avoir disponible (${balance} centimes)`);
      const transactionId = postTransaction(db, {
        kind: 'credit_refund',
        reference: input.reference,
        memo: 'Remboursement d’avoir',
        idempotencyKey: key,
        userId,
        postings: [
          { owner: { kind: 'funder_credit', organisationId: input.organisationId }, amountCents: -input.amountCents },
          { owner: { kind: 'funder', organisationId: input.organisationId }, amountCents: input.amountCents },
        ],
      });
      audit(db, {
        userId,
        action: 'credit.refunded',
        subjectType: 'credit_refund',
        subjectId: transactionId,
        reason: input.reference,
        detail: { amountCents: input.amountCents },
        parties: [input.organisationId],
      });
      return { transactionId, replayed: false };
    },
    { behavior: 'immediate' },
  );
}
