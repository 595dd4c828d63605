import { desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { organisations, payouts, places, settlements } from '../../db/schema';
import { isSettleable, monthEnd } from '../../shared/domain/months';
import { todayIso } from '../../shared/domain/orders';
import { conflict, fieldError, notFound } from '../errors';
import { audit } from './audit';
import { bumpSettlementFigures, placeYearFigures } from './figures';
import { postTransaction } from './ledger';
import { placeOwner, type PlaceFigures } from './places';

/**
 * Monthly counter-payment settlement (issue 7, decision 0012). A run for a month takes every
 * delivery dated up to the month's end that no payout holds yet — a delivery recorded after
 * the run, even dated in that month, lands in the next run — and turns them into one pending
 * payout per place: gross, pooling fees (under a partnership), net.
 */

interface PlaceTotal {
  placeId: number;
  year: number;
  services: number;
  gross: number;
  fees: number;
}

const UNSETTLED_BY_PLACE_YEAR = `
  select d.place_id as placeId, cast(substr(d.delivered_on, 1, 4) as integer) as year, sum(d.quantity) as services,
    sum(d.amount_cents) as gross,
    sum(d.pooling_fee_cents) as fees
  from deliveries d where d.payout_id is null and d.delivered_on <= ?
  group by d.place_id, year order by d.place_id, year`;

export interface SettlementResult {
  settlementId: number;
  month: string;
  replayed: boolean;
  payouts: number;
  /** Place-years whose settled figures moved: published to the places' rooms. */
  figures: { placeId: number; figures: PlaceFigures }[];
}

/** Runs the settlement of a finished month; running it again returns the first run and creates nothing. */
export function runSettlement(db: Db, month: string, userId: number | null, today = todayIso()): SettlementResult {
  return db.transaction(
    () => {
      const existing = db.select().from(settlements).where(eq(settlements.month, month)).get();
      if (existing) {
        const count = db.select({ n: sql<number>`count(*)` }).from(payouts).where(eq(payouts.settlementId, existing.id)).get()!.n;
        return { settlementId: existing.id, month, replayed: true, payouts: count, figures: [] };
      }
      if (!isSettleable(month, today)) throw fieldError('month', 'Ce mois n’est pas terminé : il pourra être réglé à partir du 1er du mois suivant');
      const later = db.select({ month: settlements.month }).from(settlements).where(sql`${settlements.month} > ${month}`).get();
      if (later) throw fieldError('month', `Le mois ${later.month} est déjà réglé : les prestations restantes iront dans le prochain règlement`);

      const settlementId = db.insert(settlements).values({ month, runByUserId: userId }).returning({ id: settlements.id }).get().id;
      const end = monthEnd(month);
      const rows = db.$client.prepare(UNSETTLED_BY_PLACE_YEAR).all(end) as PlaceTotal[];
      const byPlace = new Map<number, PlaceTotal[]>();
      for (const row of rows) byPlace.set(row.placeId, [...(byPlace.get(row.placeId) ?? []), row]);

      const assign = db.$client.prepare('update deliveries set payout_id = ? where place_id = ? and payout_id is null and delivered_on <= ?');
      const figures: SettlementResult['figures'] = [];
      for (const [placeId, years] of byPlace) {
        const gross = years.reduce((sum, y) => sum + y.gross, 0);
        const fees = years.reduce((sum, y) => sum + y.fees, 0);
        const payoutId = db
          .insert(payouts)
          .values({ settlementId, placeId, month, services: years.reduce((sum, y) => sum + y.services, 0), grossCents: gross, feesCents: fees, netCents: gross - fees })
          .returning({ id: payouts.id })
          .get().id;
        assign.run(payoutId, placeId, end);
        for (const y of years) {
          bumpSettlementFigures(db, placeId, y.year, { settledCents: y.gross });
          figures.push({ placeId, figures: placeYearFigures(db, placeId, y.year) });
        }
        audit(db, {
          userId,
          action: 'payout.created',
          subjectType: 'payout',
          subjectId: payoutId,
          detail: { month, grossCents: gross, feesCents: fees, netCents: gross - fees },
          parties: [placeOwner(db, placeId)!],
        });
      }
      audit(db, { userId, action: 'settlement.run', subjectType: 'settlement', subjectId: settlementId, detail: { month, payouts: byPlace.size }, parties: [] });
      return { settlementId, month, replayed: false, payouts: byPlace.size, figures };
    },
    { behavior: 'immediate' },
  );
}

/**
 * The operator records the transfer of a payout: the net leaves the place's account for the
 * payout account of the organisation running it. Idempotent: the same reference again answers
 * the first result; another one is refused.
 */
export function markPayoutPaid(db: Db, input: { payoutId: number; reference: string; paidOn: string }, userId: number, today = todayIso()) {
  return db.transaction(
    () => {
      const payout = db.select().from(payouts).where(eq(payouts.id, input.payoutId)).get();
      if (!payout) throw notFound('Versement');
      if (payout.status === 'paid') {
        if (payout.paymentReference !== input.reference) throw conflict(`Ce versement est déjà payé (référence ${payout.paymentReference})`);
        return { payoutId: payout.id, replayed: true, figures: [] as PlaceFigures[], placeId: payout.placeId };
      }
      if (input.paidOn > today) throw fieldError('paidOn', 'La date de paiement ne peut pas être dans le futur');
      if (input.paidOn < monthEnd(payout.month)) throw fieldError('paidOn', `Le paiement ne peut pas précéder la fin du mois réglé (${monthEnd(payout.month)})`);
      const organisationId = placeOwner(db, payout.placeId)!;
      const transactionId =
        payout.netCents > 0
          ? postTransaction(db, {
              kind: 'payout',
              reference: input.reference,
              memo: `Contrepartie de ${payout.month}`,
              idempotencyKey: `payout:${payout.id}`,
              userId,
              postings: [
                { owner: { kind: 'place', placeId: payout.placeId }, amountCents: -payout.netCents },
                { owner: { kind: 'payout', organisationId }, amountCents: payout.netCents },
              ],
            })
          : null;
      db.update(payouts)
        .set({ status: 'paid', paymentReference: input.reference, paidOn: input.paidOn, paidByUserId: userId, transactionId })
        .where(eq(payouts.id, payout.id))
        .run();
      const years = db.$client
        .prepare(
          `select cast(substr(delivered_on, 1, 4) as integer) as year, sum(amount_cents) as gross from deliveries
           where payout_id = ? group by year`,
        )
        .all(payout.id) as { year: number; gross: number }[];
      const figures = years.map((y) => {
        bumpSettlementFigures(db, payout.placeId, y.year, { paidCents: y.gross });
        return placeYearFigures(db, payout.placeId, y.year);
      });
      audit(db, {
        userId,
        action: 'payout.paid',
        subjectType: 'payout',
        subjectId: payout.id,
        reason: input.reference,
        detail: { month: payout.month, netCents: payout.netCents, paidOn: input.paidOn },
        parties: [organisationId],
      });
      return { payoutId: payout.id, replayed: false, figures, placeId: payout.placeId };
    },
    { behavior: 'immediate' },
  );
}

const PAYOUT_COLUMNS = {
  id: payouts.id,
  settlementId: payouts.settlementId,
  placeId: payouts.placeId,
  placeName: places.name,
  organisationId: places.organisationId,
  organisationName: organisations.name,
  month: payouts.month,
  services: payouts.services,
  grossCents: payouts.grossCents,
  feesCents: payouts.feesCents,
  netCents: payouts.netCents,
  status: payouts.status,
  paymentReference: payouts.paymentReference,
  paidOn: payouts.paidOn,
};

/** Every settlement run with its totals (operator), newest first. */
export function listSettlements(db: Db) {
  return db
    .select({
      id: settlements.id,
      month: settlements.month,
      createdAt: settlements.createdAt,
      payouts: sql<number>`count(${payouts.id})`,
      grossCents: sql<number>`coalesce(sum(${payouts.grossCents}), 0)`,
      feesCents: sql<number>`coalesce(sum(${payouts.feesCents}), 0)`,
      netCents: sql<number>`coalesce(sum(${payouts.netCents}), 0)`,
      paid: sql<number>`coalesce(sum(${payouts.status} = 'paid'), 0)`,
    })
    .from(settlements)
    .leftJoin(payouts, eq(payouts.settlementId, settlements.id))
    .groupBy(settlements.id)
    .orderBy(desc(settlements.month))
    .all();
}

export function payoutsOfSettlement(db: Db, settlementId: number) {
  return db
    .select(PAYOUT_COLUMNS)
    .from(payouts)
    .innerJoin(places, eq(places.id, payouts.placeId))
    .innerJoin(organisations, eq(organisations.id, places.organisationId))
    .where(eq(payouts.settlementId, settlementId))
    .orderBy(places.name)
    .all();
}

export function payoutsOfPlace(db: Db, placeId: number) {
  return db
    .select(PAYOUT_COLUMNS)
    .from(payouts)
    .innerJoin(places, eq(places.id, payouts.placeId))
    .innerJoin(organisations, eq(organisations.id, places.organisationId))
    .where(eq(payouts.placeId, placeId))
    .orderBy(desc(payouts.month))
    .all();
}
