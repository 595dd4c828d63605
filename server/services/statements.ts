import { and, eq, inArray, ne } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { organisations, payouts, places, serviceOrders } from '../../db/schema';
import { toFrenchCsv } from '../../shared/csv';
import { monthEnd } from '../../shared/domain/months';
import { orderTotals } from './orders';
import { notFound } from '../errors';

/**
 * Statements (issue 7): what a place was paid for a month, what a funder spent per order.
 * Every figure comes from the ledger's own rows (deliveries with their ledger transactions,
 * order fundings maintained with each movement), so the totals equal the ledger to the cent.
 */

interface StatementLine {
  orderId: number;
  orderTitle: string;
  service: string;
  services: number;
  grossCents: number;
  feesCents: number;
  netCents: number;
}

/**
 * A place's counter-payment statement for a month: the payout of that month's settlement if
 * it ran (its deliveries, whatever their date), otherwise the deliveries dated in the month
 * not yet settled, marked estimated.
 */
export function placeStatement(db: Db, placeId: number, month: string) {
  const place = db
    .select({ id: places.id, name: places.name, organisationId: places.organisationId, organisationName: organisations.name })
    .from(places)
    .innerJoin(organisations, eq(organisations.id, places.organisationId))
    .where(eq(places.id, placeId))
    .get();
  if (!place) throw notFound('Lieu');
  const payout = db.select().from(payouts).where(and(eq(payouts.placeId, placeId), eq(payouts.month, month))).get();
  const where = payout ? 'd.payout_id = ?' : "d.place_id = ? and d.payout_id is null and d.delivered_on between ? and ?";
  const params = payout ? [payout.id] : [placeId, `${month}-01`, monthEnd(month)];
  const lines = db.$client
    .prepare(
      `select d.order_id as orderId, o.title as orderTitle, d.service, sum(d.quantity) as services, sum(d.amount_cents) as grossCents,
         sum(d.pooling_fee_cents) as feesCents, sum(case when d.proof = 'declared' then d.quantity else 0 end) as declaredServices
       from deliveries d join service_orders o on o.id = d.order_id
       where ${where} group by d.order_id, d.service order by d.order_id, d.service`,
    )
    .all(...params) as (Omit<StatementLine, 'netCents'> & { declaredServices: number })[];
  const withNet: StatementLine[] = lines.map(({ declaredServices: _declared, ...l }) => ({ ...l, netCents: l.grossCents - l.feesCents }));
  // Self-declared services (no pass) are labelled as such (issue 11); an order's deliveries are all
  // of one kind, since whether it requires a pass is fixed when it is created.
  const declared = lines.filter((l) => l.declaredServices > 0);
  const totals = withNet.reduce(
    (t, l) => ({ services: t.services + l.services, grossCents: t.grossCents + l.grossCents, feesCents: t.feesCents + l.feesCents, netCents: t.netCents + l.netCents }),
    { services: 0, grossCents: 0, feesCents: 0, netCents: 0 },
  );
  return {
    place,
    month,
    status: payout ? payout.status : ('estimated' as const),
    payout: payout ? { id: payout.id, paymentReference: payout.paymentReference, paidOn: payout.paidOn, createdAt: payout.createdAt } : null,
    lines: withNet,
    totals,
    proof: { declaredOrderIds: [...new Set(declared.map((l) => l.orderId))], declaredServices: declared.reduce((sum, l) => sum + l.declaredServices, 0) },
  };
}

export function placeStatementCsv(statement: ReturnType<typeof placeStatement>) {
  const status = { estimated: 'estimé', pending: 'réglé, à payer', paid: 'payé' }[statement.status];
  // Each line says how its services are proven: a redeemed pass, or the place's own declaration.
  const proof = (orderId: number) => (statement.proof.declaredOrderIds.includes(orderId) ? 'déclaratif' : 'pass');
  const rows = statement.lines.map((l) => [l.orderId, l.orderTitle, l.service, l.services, { cents: l.grossCents }, { cents: l.feesCents }, { cents: l.netCents }, status, proof(l.orderId)]);
  rows.push(['Total', '', '', statement.totals.services, { cents: statement.totals.grossCents }, { cents: statement.totals.feesCents }, { cents: statement.totals.netCents }, status, '']);
  return {
    filename: `releve-contreparties-lieu-${statement.place.id}-${statement.month}.csv`,
    content: toFrenchCsv(['Commande', 'Intitulé', 'Service', 'Services', 'Brut (€)', 'Frais de mutualisation (€)', 'Net (€)', 'Statut', 'Preuve'], rows),
  };
}

/** A funder's spending statement: per order it funds, its own money in and back, and the order's progress. */
export function funderStatement(db: Db, organisationId: number, year?: number) {
  const funder = db.select({ id: organisations.id, name: organisations.name }).from(organisations).where(eq(organisations.id, organisationId)).get();
  if (!funder) throw notFound('Commanditaire');
  const orderIds = db.$client
    .prepare('select order_id as id from order_fundings where funder_organisation_id = ?')
    .all(organisationId) as { id: number }[];
  const orders = orderIds.length
    ? db
        .select()
        .from(serviceOrders)
        .where(and(inArray(serviceOrders.id, orderIds.map((o) => o.id)), ne(serviceOrders.status, 'draft')))
        .orderBy(serviceOrders.id)
        .all()
        .filter((o) => year === undefined || o.deliveryStartsOn.startsWith(String(year)))
    : [];
  const lines = orders.map((order) => {
    const totals = orderTotals(db, order);
    const share = totals.funders.find((f) => f.organisationId === organisationId)!;
    return {
      orderId: order.id,
      title: order.title,
      status: order.status,
      /** Deliveries proven by pass, or declared by the places (issue 11). */
      passRequired: order.passRequired,
      /** This funder's own money. */
      paidCents: share.paidCents,
      creditedCents: share.creditedCents,
      /** The order's progress, all funders together. */
      orderPaidCents: totals.paidCents,
      deliveredCents: totals.deliveredCents,
      outstandingCents: totals.awardedCents - totals.deliveredCents,
      availableCents: totals.availableCents,
    };
  });
  const sum = (field: 'paidCents' | 'creditedCents' | 'orderPaidCents' | 'deliveredCents' | 'outstandingCents' | 'availableCents') =>
    lines.reduce((total, l) => total + l[field], 0);
  return {
    funder,
    year: year ?? null,
    lines,
    totals: {
      paidCents: sum('paidCents'),
      creditedCents: sum('creditedCents'),
      orderPaidCents: sum('orderPaidCents'),
      deliveredCents: sum('deliveredCents'),
      outstandingCents: sum('outstandingCents'),
      availableCents: sum('availableCents'),
    },
  };
}

export function funderStatementCsv(statement: ReturnType<typeof funderStatement>) {
  const money = (cents: number) => ({ cents });
  const rows = statement.lines.map((l) => [
    l.orderId,
    l.title,
    l.status,
    money(l.paidCents),
    money(l.creditedCents),
    money(l.orderPaidCents),
    money(l.deliveredCents),
    money(l.outstandingCents),
    money(l.availableCents),
    l.passRequired ? 'pass' : 'déclaratif',
  ]);
  const t = statement.totals;
  rows.push(['Total', '', '', money(t.paidCents), money(t.creditedCents), money(t.orderPaidCents), money(t.deliveredCents), money(t.outstandingCents), money(t.availableCents), '']);
  return {
    filename: `releve-depenses-${statement.funder.id}${statement.year ? `-${statement.year}` : ''}.csv`,
    content: toFrenchCsv(
      ['Commande', 'Intitulé', 'Statut', 'Versé par vous (€)', 'Avoirs reçus (€)', 'Versé, tous financeurs (€)', 'Réalisé (€)', 'Attribué à réaliser (€)', 'Disponible cantonné (€)', 'Preuve'],
      rows,
    ),
  };
}
