import { eq } from 'drizzle-orm';
import { awardLines, closeBidding } from '../../../server/services/awards';
import type { SessionUser } from '../../../server/services/auth';
import { submitBid } from '../../../server/services/bids';
import { confirmDraftLine, editDraftLine, editDraftTerms, openDraft, submitDraft } from '../../../server/services/drafts';
import { coFund, createOrder, publishOrder, recordPayment } from '../../../server/services/orders';
import { AwardInput, SubmitBidInput } from '../../../shared/schemas/bids';
import { CoFundInput, CreateOrderInput, RecordPaymentInput } from '../../../shared/schemas/orders';
import { lineAmount } from '../../../shared/money';
import type { Db } from '../../client';
import { bids } from '../../schema';
import type { Random } from '../random';
import type { Calendar } from './calendar';
import type { Member } from './organisations';
import { generationDates, type PlannedOrder, type RoundKey } from './order-plan';
import type { FormedPartnership } from './partnerships';

/**
 * Orders made the way funders and places make them, through the domain services with inputs
 * checked by the API's own schemas: the funder creates and publishes, a co-funder joins, each
 * pays its share into the ring-fenced account; actors bid for their places and partnerships
 * through joint drafts (every member edits and confirms its line, the lead submits); the funder
 * closes bidding and awards every line.
 */

const UNIT_PRICE_CENTS = 1_000;

const BID_NOTES = [
  'Permanences hebdomadaires et rendez-vous individuels, médiateurs formés.',
  'Nous intervenons sur rendez-vous et en accueil libre, y compris le samedi matin.',
  'Accompagnement individuel et ateliers collectifs, en lien avec les travailleurs sociaux du territoire.',
  'Tournées dans les communes rurales et permanences au siège.',
];

export interface MarketContext {
  calendar: Calendar;
  funders: Member[];
  actors: Member[];
  /** Session of each actor's user, with its memberships (partnerships included). */
  actorUsers: SessionUser[];
  placeIds: number[];
  placeActor: number[];
  /** Active partnership of each place (its index), or -1. */
  placePartnership: number[];
  partnerships: FormedPartnership[];
  partnershipUsers: SessionUser[];
  roundIds: Map<RoundKey, number>;
}

function bidVersion(db: Db, bidId: number): number {
  return db.select({ version: bids.version }).from(bids).where(eq(bids.id, bidId)).get()!.version;
}

/** One order from creation to its awards; fills each commitment's award id. Returns the order id. */
export function makeOrder(db: Db, random: Random, ctx: MarketContext, order: PlannedOrder): number {
  const dates = generationDates(ctx.calendar, order.generation);
  const funder = ctx.funders[order.funderIndex]!;
  const amount = lineAmount(order.quantity, UNIT_PRICE_CENTS);
  const coShare = order.coFunding?.shareCents ?? 0;
  const { organisationId, ...fields } = CreateOrderInput.parse({
    organisationId: funder.organisationId,
    title: order.title,
    description: order.description,
    services: order.services,
    departementCodes: order.departementCodes,
    communeCodes: order.communeCodes,
    quantity: order.quantity,
    unitPriceCents: UNIT_PRICE_CENTS,
    targetPeople: Math.round(order.quantity / 3),
    bidDeadline: dates.bidDeadline,
    deliveryStartsOn: dates.deliveryStartsOn,
    deliveryEndsOn: order.deliveryEndsOn,
    roundId: order.roundKey ? (ctx.roundIds.get(order.roundKey) ?? null) : null,
    // The year of history is self-declared: pass arrive with the next calls (db/seed/national/calls.ts).
    passRequired: false,
    ...(coShare ? { shareCents: amount - coShare } : {}),
  });
  const orderId = createOrder(db, organisationId, fields, funder.userId);
  publishOrder(db, orderId, dates.publishOn, funder.userId);

  // Money first: an order is awarded only up to what was paid in.
  const pay = (who: Member, amountCents: number, n: number) =>
    recordPayment(
      db,
      RecordPaymentInput.parse({
        orderId,
        organisationId: who.organisationId,
        amountCents,
        reference: `VIR-${dates.year}-${String(orderId).padStart(5, '0')}-${n}`,
        idempotencyKey: `national-payment-${orderId}-${who.organisationId}-${n}`,
      }),
      who.userId,
    );
  const own = amount - coShare;
  if (order.instalments === 2 && own >= 200) {
    const first = Math.round((own * 0.6) / 100) * 100;
    pay(funder, first, 1);
    pay(funder, own - first, 2);
  } else pay(funder, own, 1);
  if (order.coFunding) {
    const coFunder = ctx.funders[order.coFunding.funderIndex]!;
    coFund(db, CoFundInput.parse({ orderId, organisationId: coFunder.organisationId, shareCents: coShare }));
    pay(coFunder, coShare, 1);
  }

  // Bids: an actor for its own places, a partnership for its member places.
  const byBidder = new Map<string, typeof order.commitments>();
  for (const c of order.commitments) {
    const partnership = ctx.placePartnership[c.placeIndex]!;
    const key = partnership >= 0 ? `p${partnership}` : `a${ctx.placeActor[c.placeIndex]}`;
    byBidder.set(key, [...(byBidder.get(key) ?? []), c]);
  }
  const bidOf = new Map<string, number>();
  for (const [key, commitments] of byBidder) {
    const index = Number(key.slice(1));
    bidOf.set(key, key.startsWith('p') ? jointBid(db, random, ctx, orderId, index, commitments, dates.bidsOn) : actorBid(db, random, ctx, orderId, index, commitments, dates.bidsOn));
  }

  closeBidding(db, orderId, funder.userId);
  const lines = [...byBidder].flatMap(([key, commitments]) => commitments.map((c) => ({ commitment: c, bidId: bidOf.get(key)! })));
  for (let i = 0; i < lines.length; i += 500) {
    const chunk = lines.slice(i, i + 500);
    const input = AwardInput.parse({ orderId, lines: chunk.map((l) => ({ bidId: l.bidId, placeId: ctx.placeIds[l.commitment.placeIndex]!, quantity: l.commitment.quantity })) });
    const { awardIds } = awardLines(db, input, funder.userId, dates.awardOn);
    chunk.forEach((l, k) => (l.commitment.awardId = awardIds[k]!));
  }
  return orderId;
}

function actorBid(db: Db, random: Random, ctx: MarketContext, orderId: number, actorIndex: number, commitments: PlannedOrder['commitments'], today: string): number {
  const input = SubmitBidInput.parse({
    orderId,
    organisationId: ctx.actors[actorIndex]!.organisationId,
    unitPriceCents: UNIT_PRICE_CENTS,
    note: random.pick(BID_NOTES),
    lines: commitments.map((c) => ({ placeId: ctx.placeIds[c.placeIndex]!, quantity: c.quantity })),
  });
  return submitBid(db, input, today);
}

/** The lead opens the draft, each member sets and confirms its own line, the lead submits. */
function jointBid(db: Db, random: Random, ctx: MarketContext, orderId: number, partnershipIndex: number, commitments: PlannedOrder['commitments'], today: string): number {
  const lead = ctx.partnershipUsers[partnershipIndex]!;
  const bidId = openDraft(db, lead, ctx.partnerships[partnershipIndex]!.partnershipId, orderId, today);
  for (const c of commitments) {
    const owner = ctx.actorUsers[ctx.placeActor[c.placeIndex]!]!;
    const placeId = ctx.placeIds[c.placeIndex]!;
    editDraftLine(db, owner, { bidId, version: bidVersion(db, bidId), placeId, quantity: c.quantity });
    confirmDraftLine(db, owner, { bidId, version: bidVersion(db, bidId), placeId, confirmed: true });
  }
  editDraftTerms(db, lead, { bidId, version: bidVersion(db, bidId), note: `Réponse commune du partenariat. ${random.pick(BID_NOTES)}`, unitPriceCents: UNIT_PRICE_CENTS });
  submitDraft(db, lead, { bidId, version: bidVersion(db, bidId) }, today);
  return bidId;
}
