import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { and, eq } from 'drizzle-orm';
import { isSettleable, monthEnd, nextMonth } from '../../shared/domain/months';
import { todayIso } from '../../shared/domain/orders';
import { lineAmount } from '../../shared/money';
import { awardLines } from '../../server/services/awards';
import { submitBid } from '../../server/services/bids';
import { closeExpiredOrders } from '../../server/services/credits';
import { recordDeliveryBatch } from '../../server/services/deliveries';
import { createOrder, publishOrder, recordPayment } from '../../server/services/orders';
import { markPayoutPaid, payoutsOfSettlement, runSettlement } from '../../server/services/settlement';
import { beneficiaryRef, sessionUserOf } from '../../test/factories/marketplace';
import type { Db } from '../client';
import { organisations, places } from '../schema';

/**
 * The money side of the demo (issue 7), through the domain services: last year's order that
 * expired with services undelivered (closed, a credit note back to its funder), and this year's
 * counter-payments settled month by month and paid — all but the last finished month, left for
 * the operator to run from the « Règlements » page.
 */
export function seedMoney(db: Db, ctx: { operatorId: number; userOf: Map<number, number> }, today = todayIso()): void {
  seedExpiredOrder(db, ctx.userOf, today);
  closeExpiredOrders(db, today);
  seedSettledMonths(db, ctx.operatorId, today);
}

function seedExpiredOrder(db: Db, userOf: Map<number, number>, today: string) {
  const last = Number(today.slice(0, 4)) - 1;
  const caf = db.select({ id: organisations.id }).from(organisations).where(eq(organisations.name, 'CAF du Finistère')).get();
  const chosen = db
    .select()
    .from(places)
    .where(and(eq(places.status, 'qualified'), eq(places.departementCode, '29')))
    .orderBy(places.id)
    .all()
    // Two places of two organisations: each answers with its own bid.
    .filter((place, i, all) => all.findIndex((p) => p.organisationId === place.organisationId) === i)
    .slice(0, 2);
  if (!caf || chosen.length < 2) return;
  const funderUser = userOf.get(caf.id)!;
  const quantity = 400;
  const orderId = createOrder(
    db,
    caf.id,
    {
      title: `Ateliers numériques des allocataires seniors ${last}`,
      description: 'Ateliers collectifs et rendez-vous individuels ; la période de réalisation est terminée.',
      services: [Service.MaitriseDesOutilsNumeriquesDuQuotidien],
      departementCodes: ['29'],
      communeCodes: [],
      quantity,
      unitPriceCents: 1_000,
      targetPeople: 80,
      bidDeadline: `${last}-02-15`,
      deliveryStartsOn: `${last}-03-01`,
      deliveryEndsOn: `${last}-09-30`,
      roundId: null,
      passRequired: false,
    },
    funderUser,
  );
  publishOrder(db, orderId, `${last}-02-01`, funderUser);
  recordPayment(db, { orderId, organisationId: caf.id, amountCents: lineAmount(quantity, 1_000), reference: `VIR-CAF29-${last}`, idempotencyKey: `demo-payment-expired-${orderId}` }, funderUser);
  const lines: { bidId: number; placeId: number; quantity: number }[] = [];
  for (const place of chosen) {
    const bidId = submitBid(db, { orderId, organisationId: place.organisationId, unitPriceCents: 1_000, note: 'Ateliers hebdomadaires.', lines: [{ placeId: place.id, quantity: 200 }] }, `${last}-02-10`);
    lines.push({ bidId, placeId: place.id, quantity: 200 });
  }
  const { awardIds } = awardLines(db, { orderId, lines }, funderUser, `${last}-02-20`);
  // 130 and 120 of 200 delivered: 150 services funded and never delivered come back as credit.
  awardIds.forEach((awardId, i) => {
    const place = chosen[i]!;
    const total = i === 0 ? 130 : 120;
    const rows = Array.from({ length: total / 10 }, (_, k) => ({
      awardId,
      quantity: 10,
      deliveredOn: `${last}-${String(3 + Math.floor(k / 2)).padStart(2, '0')}-${k % 2 === 0 ? '08' : '22'}`,
      service: Service.MaitriseDesOutilsNumeriquesDuQuotidien,
      beneficiaryRef: beneficiaryRef(`senior:${place.id}:${k}`),
      idempotencyKey: `demo-expired-${awardId}-${k}`,
    }));
    recordDeliveryBatch(db, sessionUserOf(db, userOf.get(place.organisationId)!), rows, `${last}-10-10`);
  });
}

/** Every finished month of the year settled; paid a few days after, except the last one. */
function seedSettledMonths(db: Db, operatorId: number, today: string) {
  const months: string[] = [];
  for (let month = `${Number(today.slice(0, 4)) - 1}-01`; isSettleable(month, today); month = nextMonth(month)) months.push(month);
  // The last finished month stays unsettled: the operator runs it in the demo.
  months.pop();
  months.forEach((month, index) => {
    const { settlementId, payouts } = runSettlement(db, month, operatorId, today);
    if (payouts === 0 || index === months.length - 1) return;
    const paidOn = new Date(Date.parse(`${monthEnd(month)}T12:00:00Z`) + 5 * 86_400_000).toISOString().slice(0, 10);
    for (const payout of payoutsOfSettlement(db, settlementId)) {
      markPayoutPaid(db, { payoutId: payout.id, reference: `VIR-CP-${month}-${payout.placeId}`, paidOn }, operatorId, today);
    }
  });
}
