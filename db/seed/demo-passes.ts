import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { and, eq } from 'drizzle-orm';
import { memberships, organisations, places, users } from '../schema';
import { normalizePassCode } from '../../shared/domain/pass-codes';
import { placeCoversOrder } from '../../shared/domain/orders';
import { lineAmount } from '../../shared/money';
import { RateLimiter } from '../../server/auth/rate-limit';
import { awardLines } from '../../server/services/awards';
import { submitBid } from '../../server/services/bids';
import { createOrder, publishOrder, recordPayment } from '../../server/services/orders';
import { bookletWithCodes, issueBooklets } from '../../server/services/passes/booklets';
import { assignBooklets, handOutBooklet, invitePrescriber } from '../../server/services/passes/prescribers';
import { redeemPass } from '../../server/services/passes/redeem';
import { sessionUserOf } from '../../test/factories/marketplace';
import type { Db } from '../client';
import { demoEmail } from './demo-logins';

const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * Pass in the demo (issue 11): the Finistère's "pass numériques" order of the year requires a
 * pass for each service. The CCAS de Quimper (login `prescripteur`) holds booklets and has
 * handed some out; the demo actor's place has redeemed a booklet and a half; a town hall was
 * invited and has not answered yet. Everything goes through the domain services.
 */
export function seedPasses(db: Db, ctx: { userOf: Map<number, number>; today: string; year: number; unusablePasswordHash: string }): void {
  const { today, year } = ctx;
  const funderId = db.select({ id: organisations.id }).from(organisations).where(eq(organisations.name, 'Conseil départemental du Finistère')).get()!.id;
  const funderUser = sessionUserOf(db, ctx.userOf.get(funderId)!);
  const actorUserId = userIdOf(db, demoEmail('acteur'));
  const actorId = db.select({ id: memberships.organisationId }).from(memberships).where(eq(memberships.userId, actorUserId)).get()!.id;
  const order = {
    title: `Pass numériques ${year} — démarches en ligne en Finistère`,
    description: 'Chaque service est payé sur présentation d’un pass remis par un prescripteur (CCAS, mairies, travailleurs sociaux).',
    services: [Service.AideAuxDemarchesAdministratives, Service.MaitriseDesOutilsNumeriquesDuQuotidien],
    departementCodes: ['29'],
    communeCodes: [],
    quantity: 300,
    unitPriceCents: 1_000,
    targetPeople: 30,
    bidDeadline: `${year}-01-15`,
    deliveryStartsOn: `${year}-01-01`,
    deliveryEndsOn: `${year}-12-31`,
    roundId: null,
    passRequired: true,
  };
  const place = db
    .select({ id: places.id })
    .from(places)
    .where(and(eq(places.organisationId, actorId), eq(places.status, 'qualified'), eq(places.departementCode, '29')))
    .orderBy(places.id)
    .all()
    .find((p) => placeCoversOrder(placeCommuneCodes(db, p.id), order));
  if (!place) return;

  const orderId = createOrder(db, funderId, order, funderUser.id);
  publishOrder(db, orderId, `${year}-01-02`, funderUser.id);
  recordPayment(db, { orderId, organisationId: funderId, amountCents: lineAmount(order.quantity, 1_000), reference: `VIR-PASS-${year}`, idempotencyKey: `demo-payment-pass-${orderId}` }, funderUser.id);
  const bidId = submitBid(db, { orderId, organisationId: actorId, unitPriceCents: 1_000, note: 'Permanences sans rendez-vous : chaque pass est encaissé au guichet.', lines: [{ placeId: place.id, quantity: 200 }] }, `${year}-01-10`);
  awardLines(db, { orderId, lines: [{ bidId, placeId: place.id, quantity: 200 }] }, funderUser.id, `${year}-01-20`);

  const ccas = invitePrescriber(
    db,
    funderUser,
    { organisationId: funderId, name: 'CCAS de Quimper', contactName: 'Sophie Le Bihan', contactEmail: demoEmail('prescripteur'), departementCode: '29', communeCode: '29232' },
    ctx.unusablePasswordHash,
  ).organisationId;
  const townHall = invitePrescriber(
    db,
    funderUser,
    { organisationId: funderId, name: 'Mairie de Douarnenez', contactName: 'Erwan Cloarec', contactEmail: 'accueil.douarnenez@aptic.demo', departementCode: '29', communeCode: '29046' },
    ctx.unusablePasswordHash,
  ).organisationId;

  // Issued six weeks ago, before the first hand-out.
  const { bookletIds } = issueBooklets(db, funderUser, { orderId, organisationId: funderId, booklets: 8, size: 10 }, new Date(Date.parse(`${addDays(today, -45)}T09:00:00Z`)));
  assignBooklets(db, funderUser, { organisationId: funderId, bookletIds: bookletIds.slice(0, 5), prescriberOrganisationId: ccas });
  assignBooklets(db, funderUser, { organisationId: funderId, bookletIds: bookletIds.slice(5, 7), prescriberOrganisationId: townHall });
  const prescriber = sessionUserOf(db, userIdOf(db, demoEmail('prescripteur')));
  const handOuts = [
    { days: -40, category: 'age_60_plus' as const },
    { days: -21, category: 'job_seeker' as const },
    { days: -6, category: null },
  ];
  handOuts.forEach((h, i) => handOutBooklet(db, prescriber, { organisationId: ccas, bookletId: bookletIds[i]!, handedOutOn: addDays(today, h.days), category: h.category }, today));

  // The place redeems the first booklet in full and four pass of the second, as people came.
  const actor = sessionUserOf(db, actorUserId);
  const limiter = new RateLimiter(1_000, 3_600_000);
  const redeem = (bookletId: number, count: number, firstDay: number) =>
    bookletWithCodes(db, funderUser, bookletId, today)
      .passes.slice(0, count)
      .forEach((pass, i) => {
        const day = addDays(today, Math.min(0, firstDay + 3 * i));
        const deliveredOn = day < order.deliveryStartsOn ? order.deliveryStartsOn : day;
        const service = i % 3 === 2 ? Service.MaitriseDesOutilsNumeriquesDuQuotidien : Service.AideAuxDemarchesAdministratives;
        redeemPass(db, actor, { placeId: place.id, code: normalizePassCode(pass.code)!, service, deliveredOn }, limiter, today);
      });
  redeem(bookletIds[0]!, 10, -38);
  redeem(bookletIds[1]!, 4, -18);
}

function placeCommuneCodes(db: Db, placeId: number): string[] {
  return db.$client.prepare<[number], { code: string }>('select commune_code as code from place_communes where place_id = ?').all(placeId).map((r) => r.code);
}

function userIdOf(db: Db, email: string): number {
  return db.select({ id: users.id }).from(users).where(eq(users.email, email)).get()!.id;
}
