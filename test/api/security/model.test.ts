import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closeExpiredOrders } from '../../../server/services/credits';
import { commitmentYear, placeCoversOrder } from '../../../shared/domain/orders';
import type { RecordDeliveryInput } from '../../../shared/schemas/deliveries';
import { beneficiaryRef } from '../../factories/marketplace';
import { makePlace } from '../../factories';
import { fundedOrder, isoDaysFromToday, marketplace, refusal, thisYear, today } from '../marketplace/helpers';
import { addDays, dayIn, deliveryOf, monthsAgo } from '../money/helpers';
import {
  allAwards,
  allPayouts,
  attempt,
  attemptService,
  balanceOfKey,
  bidLinesOf,
  bidOf,
  bidsOf,
  createWorld,
  deliveryByKey,
  expectInvariants,
  expectOutcome,
  fundingOf,
  memberStatus,
  openPartnershipAwards,
  orderMoney,
  orderRow,
  placeCommunesOf,
  placeLoad,
  placeRow,
  oldestUnsettledMonth,
  settledMonths,
  type Model,
  type Outcome,
  type OrderRow,
  type World,
  type WorldShape,
} from './model-world';

/**
 * Model-based invariants (issue 8): random sequences of marketplace operations run through the
 * real API, each by the client of the user who would do it. The model predicts, from the
 * database before the call, whether the server must accept or refuse; refusals are valid
 * answers, a 500 never is. After every step the invariants of model-world.ts are checked:
 * Σ awarded ≤ ordered, Σ delivered ≤ awarded, balanced transactions, ledger check and
 * safeguarding clean, no delivery twice. A failure prints the seed, the path and the steps.
 */

/** How many steps of each kind were accepted or refused, over the whole run: the test must reach deep states. */
const tally = new Map<string, { accepted: number; refused: number }>();
function note(kind: string, outcome: Outcome<unknown>) {
  const entry = tally.get(kind) ?? { accepted: 0, refused: 0 };
  if (outcome.ok) entry.accepted++;
  else entry.refused++;
  tally.set(kind, entry);
}

const pick = <T>(list: readonly T[], n: number): T | undefined => (list.length ? list[n % list.length] : undefined);

const LIVE = ['open', 'awarding', 'in_delivery'];
const MAIN_SERVICE = Service.AideAuxDemarchesAdministratives;
const OTHER_SERVICE = Service.MaitriseDesOutilsNumeriquesDuQuotidien;

/** Delivery windows start three months back, or in December of last year (commitments of last year). */
const windowStart = (start: 'recent' | 'lastYear') => (start === 'recent' ? dayIn(monthsAgo(3), 1) : `${thisYear() - 1}-12-01`);
const deliveryDay = (slot: number) => [today(), dayIn(monthsAgo(1), 15), dayIn(monthsAgo(2), 15), `${thisYear() - 1}-12-15`][slot % 4]!;
/** Finished months the operator may settle, oldest first. */
const settleableMonths = () => [...new Set([`${thisYear() - 1}-12`, monthsAgo(3), monthsAgo(2), monthsAgo(1)])].sort();

const territoryOf = (order: OrderRow) => ({ departementCodes: JSON.parse(order.departementCodes) as string[], communeCodes: JSON.parse(order.communeCodes) as string[] });
const creatorOf = (w: World, order: OrderRow) => w.funders.findIndex((f) => f.organisationId === order.funderOrganisationId);
const actorOf = (w: World, organisationId: number) => w.actors.findIndex((a) => a.organisationId === organisationId);
const allPlaces = (w: World) => w.actors.flatMap((a) => a.places);

abstract class Step<P> implements fc.AsyncCommand<Model, World> {
  abstract readonly label: string;
  constructor(readonly p: P) {}
  check(_m: Readonly<Model>): boolean {
    return true;
  }
  protected abstract act(m: Model, w: World): Promise<void>;
  async run(m: Model, w: World): Promise<void> {
    await this.act(m, w);
    expectInvariants(w.db, m);
  }
  toString(): string {
    return `${this.label} ${JSON.stringify(this.p)}`;
  }
}

/** A payment into an order's ring-fence by one funder, predicted from its share and credit. */
async function pay(m: Model, w: World, funderIndex: number, orderId: number, amountCents: number, source: 'transfer' | 'credit') {
  const funder = w.funders[funderIndex]!;
  const order = orderRow(w.db, orderId);
  const share = fundingOf(w.db, orderId, funder.organisationId);
  const credit = balanceOfKey(w.db, `funder_credit:${funder.organisationId}`);
  const expected = !!share && LIVE.includes(order.status) && amountCents <= share.committed - share.paid && (source === 'transfer' || amountCents <= credit);
  m.serial++;
  const input = { orderId, organisationId: funder.organisationId, amountCents, reference: `VIR-${m.serial}`, idempotencyKey: `versement-${m.serial}`, source };
  const outcome = await attempt(funder.api.orders.recordPayment.mutate(input));
  note(source === 'credit' ? 'payment from credit' : 'payment', outcome);
  expectOutcome(`payment of ${amountCents} (${source}) by funder ${funderIndex} on order ${orderId}`, expected, outcome);
  if (outcome.ok) {
    expect(outcome.value.replayed).toBe(false);
    m.fundingCount++;
    m.payments.push({ funder: funderIndex, input });
  }
}

interface PublishParams {
  funder: number;
  quantity: number;
  price: number;
  sharePct: number;
  pay: 'none' | 'half' | 'full';
  deadline: number;
  windowDays: number;
  start: 'recent' | 'lastYear';
  territory: 'finistere' | 'brest' | 'bretagne';
}

class PublishOrder extends Step<PublishParams> {
  readonly label = 'publish order';
  protected async act(m: Model, w: World) {
    const p = this.p;
    const funder = w.funders[p.funder]!;
    const amount = p.quantity * p.price;
    const shareCents = p.sharePct === 100 ? undefined : Math.max(1, Math.floor((amount * p.sharePct) / 100));
    const created = await attempt(
      funder.api.orders.create.mutate({
        organisationId: funder.organisationId,
        title: `Commande ${m.orders.length + 1}`,
        services: [MAIN_SERVICE],
        departementCodes: p.territory === 'brest' ? [] : p.territory === 'finistere' ? ['29'] : ['29', '56'],
        communeCodes: p.territory === 'brest' ? ['29019'] : [],
        quantity: p.quantity,
        unitPriceCents: p.price,
        bidDeadline: isoDaysFromToday(p.deadline),
        deliveryStartsOn: windowStart(p.start),
        deliveryEndsOn: isoDaysFromToday(p.deadline + p.windowDays),
        shareCents,
        // Self-declared deliveries, as the model records them (pass are tested in test/api/passes).
        passRequired: false,
      }),
    );
    expectOutcome('creating a valid order', true, created);
    if (!created.ok) return;
    const { orderId } = created.value;
    const published = await attempt(funder.api.orders.publish.mutate({ orderId }));
    expectOutcome('publishing a new order', true, published);
    note('publish order', published);
    m.orders.push(orderId);
    const share = shareCents ?? amount;
    if (p.pay !== 'none') await pay(m, w, p.funder, orderId, p.pay === 'full' ? share : Math.max(1, Math.floor(share / 2)), 'transfer');
  }
}

interface PaymentParams {
  order: number;
  /** Any order, rather than one where this funder still has part of its share to pay. */
  anyOrder: boolean;
  funder: number;
  amount: 'rest' | 'half' | 'one' | 'over';
  source: 'transfer' | 'credit';
}

class RecordPayment extends Step<PaymentParams> {
  readonly label = 'record payment';
  override check(m: Readonly<Model>) {
    return m.orders.length > 0;
  }
  protected async act(m: Model, w: World) {
    // From credit: the funder holding credit notes, if one does.
    const credit = (i: number) => balanceOfKey(w.db, `funder_credit:${w.funders[i]!.organisationId}`);
    const funderIndex = this.p.source === 'credit' && credit(this.p.funder) === 0 && credit(1 - this.p.funder) > 0 ? 1 - this.p.funder : this.p.funder;
    const funder = w.funders[funderIndex]!;
    const owing = m.orders.filter((id) => {
      const share = fundingOf(w.db, id, funder.organisationId);
      return !!share && share.paid < share.committed && LIVE.includes(orderRow(w.db, id).status);
    });
    const orderId = pick(this.p.anyOrder || owing.length === 0 ? m.orders : owing, this.p.order)!;
    const share = fundingOf(w.db, orderId, funder.organisationId);
    let rest = share ? share.committed - share.paid : 1_000;
    if (this.p.source === 'credit' && this.p.amount === 'rest') rest = Math.min(rest, credit(funderIndex));
    const amount = { rest, half: Math.floor(rest / 2), one: 1, over: rest + 1 }[this.p.amount];
    await pay(m, w, funderIndex, orderId, Math.max(1, amount), this.p.source);
  }
}

class ReplayPayment extends Step<{ payment: number; tamper: boolean }> {
  readonly label = 'replay payment';
  override check(m: Readonly<Model>) {
    return m.payments.length > 0;
  }
  protected async act(m: Model, w: World) {
    const { funder, input } = pick(m.payments, this.p.payment)!;
    const replay = this.p.tamper ? { ...input, amountCents: input.amountCents + 1 } : input;
    const outcome = await attempt(w.funders[funder]!.api.orders.recordPayment.mutate(replay));
    note('payment replay', outcome);
    if (this.p.tamper) {
      expect(outcome, 'the same key for another amount').toMatchObject({ ok: false, code: 'CONFLICT' });
    } else {
      expectOutcome('replaying a payment', true, outcome);
      if (outcome.ok) expect(outcome.value.replayed, 'a replayed payment moves nothing').toBe(true);
    }
  }
}

class CoFund extends Step<{ order: number; anyOrder: boolean; creator: boolean; share: 'room' | 'half' | 'over' }> {
  readonly label = 'co-fund';
  override check(m: Readonly<Model>) {
    return m.orders.length > 0;
  }
  protected async act(m: Model, w: World) {
    const short = m.orders.filter((id) => {
      const o = orderRow(w.db, id);
      return LIVE.includes(o.status) && orderMoney(w.db, id).committed < o.quantity * o.unitPriceCents;
    });
    const orderId = pick(this.p.anyOrder || short.length === 0 ? m.orders : short, this.p.order)!;
    const order = orderRow(w.db, orderId);
    const funderIndex = this.p.creator ? creatorOf(w, order) : 1 - creatorOf(w, order);
    const funder = w.funders[funderIndex]!;
    const room = order.quantity * order.unitPriceCents - orderMoney(w.db, orderId).committed;
    const shareCents = Math.max(1, { room, half: Math.floor(room / 2), over: room + 1 }[this.p.share]);
    const expected = LIVE.includes(order.status) && !fundingOf(w.db, orderId, funder.organisationId) && shareCents <= room;
    const outcome = await attempt(funder.api.orders.coFund.mutate({ orderId, organisationId: funder.organisationId, shareCents }));
    note('co-fund', outcome);
    expectOutcome(`co-funding ${shareCents} of order ${orderId} by funder ${funderIndex}`, expected, outcome);
  }
}

/** Orders open to bids now, or any order when asked (to see the refusals). */
function biddableOrder(m: Model, w: World, n: number, anyOrder: boolean) {
  const open = m.orders.filter((id) => {
    const order = orderRow(w.db, id);
    return order.status === 'open' && today() <= order.bidDeadline;
  });
  return pick(anyOrder || open.length === 0 ? m.orders : open, n);
}

interface BidParams {
  order: number;
  anyOrder: boolean;
  actor: number;
  /** Slots of the actor's places; `[0, 0]` names a place twice (refused). */
  slots: readonly number[];
  pcts: number[];
  price: 'same' | 'lower' | 'higher';
}

class SubmitBid extends Step<BidParams> {
  readonly label = 'submit bid';
  override check(m: Readonly<Model>) {
    return m.orders.length > 0;
  }
  protected async act(m: Model, w: World) {
    const orderId = biddableOrder(m, w, this.p.order, this.p.anyOrder)!;
    const order = orderRow(w.db, orderId);
    const actor = w.actors[this.p.actor]!;
    const duplicate = this.p.slots.length > 1 && this.p.slots.every((slot) => slot === this.p.slots[0]);
    const placeIds = this.p.slots.map((slot) => actor.places[slot % actor.places.length]!);
    const lines = (duplicate ? placeIds : [...new Set(placeIds)]).map((placeId, i) => ({
      placeId,
      quantity: Math.max(1, Math.ceil((order.quantity * (this.p.pcts[i] ?? 50)) / 100)),
    }));
    const unitPriceCents = { same: order.unitPriceCents, lower: Math.max(1, order.unitPriceCents - 100), higher: order.unitPriceCents + 1 }[this.p.price];
    const existing = bidOf(w.db, orderId, actor.organisationId);
    const expected =
      order.status === 'open' &&
      today() <= order.bidDeadline &&
      unitPriceCents <= order.unitPriceCents &&
      new Set(lines.map((l) => l.placeId)).size === lines.length &&
      lines.every((l) => placeRow(w.db, l.placeId).status === 'qualified' && placeCoversOrder(placeCommunesOf(w.db, l.placeId), territoryOf(order)) && l.quantity <= order.quantity) &&
      !(existing && ['awarded', 'rejected'].includes(existing.status));
    const outcome = await attempt(actor.api.bids.submit.mutate({ orderId, organisationId: actor.organisationId, unitPriceCents, lines }));
    note('bid', outcome);
    expectOutcome(`bid of actor ${this.p.actor} on order ${orderId}`, expected, outcome);
  }
}

class WithdrawBid extends Step<{ bid: number }> {
  readonly label = 'withdraw bid';
  protected async act(_m: Model, w: World) {
    const bid = pick(bidsOf(w.db, w.actors.map((a) => a.organisationId)), this.p.bid);
    if (!bid) return;
    const order = orderRow(w.db, bid.orderId);
    const expected = bid.status === 'submitted' && order.status === 'open' && today() <= order.bidDeadline;
    const outcome = await attempt(w.actors[actorOf(w, bid.bidder)]!.api.bids.withdraw.mutate({ bidId: bid.id }));
    note('withdraw bid', outcome);
    expectOutcome(`withdrawing bid ${bid.id} (${bid.status})`, expected, outcome);
  }
}

/**
 * The partnership's joint bid through its live draft: the lead opens it, each member place's
 * actor sets and confirms its line, the lead submits. Any step may be refused (no member place
 * covers the order, a line left unconfirmed, bidding over…).
 */
class JointBid extends Step<{ order: number; pcts: number[]; confirmAll: boolean; lower: boolean }> {
  readonly label = 'joint bid';
  override check(m: Readonly<Model>) {
    return m.orders.length > 0;
  }
  protected async act(m: Model, w: World) {
    const orderId = biddableOrder(m, w, this.p.order, false)!;
    const order = orderRow(w.db, orderId);
    const lead = w.actors[0]!;
    const opened = await attempt(lead.api.drafts.open.mutate({ partnershipId: w.partnership.id, orderId }));
    note('draft open', opened);
    if (!opened.ok) return;
    let view = opened.value;
    const bidId = view.bid.id;
    for (const [i, line] of view.lines.entries()) {
      const owner = w.actors[actorOf(w, line.organisationId)];
      if (!owner) continue;
      const quantity = Math.floor((order.quantity * (this.p.pcts[i % this.p.pcts.length] ?? 50)) / 100);
      const edited = await attempt(owner.api.drafts.editLine.mutate({ bidId, version: view.bid.version, placeId: line.placeId, quantity }));
      if (!edited.ok) continue;
      view = edited.value;
      if (!this.p.confirmAll && i > 0) continue;
      const confirmed = await attempt(owner.api.drafts.confirmLine.mutate({ bidId, version: view.bid.version, placeId: line.placeId, confirmed: true }));
      if (confirmed.ok) view = confirmed.value;
    }
    if (this.p.lower) {
      const terms = await attempt(lead.api.drafts.editTerms.mutate({ bidId, version: view.bid.version, note: 'Offre commune', unitPriceCents: Math.max(1, order.unitPriceCents - 50) }));
      if (terms.ok) view = terms.value;
    }
    const submitted = await attempt(lead.api.drafts.submit.mutate({ bidId, version: view.bid.version }));
    note('joint bid', submitted);
  }
}

class CloseBidding extends Step<{ order: number; intruder: boolean }> {
  readonly label = 'close bidding';
  override check(m: Readonly<Model>) {
    return m.orders.length > 0;
  }
  protected async act(m: Model, w: World) {
    const order = orderRow(w.db, pick(m.orders, this.p.order)!);
    const creator = creatorOf(w, order);
    const caller = w.funders[this.p.intruder ? 1 - creator : creator]!;
    const outcome = await attempt(caller.api.awards.closeBidding.mutate({ orderId: order.id }));
    note('close bidding', outcome);
    expectOutcome(`closing bidding on order ${order.id} (${order.status})`, !this.p.intruder && order.status === 'open', outcome);
  }
}

/** The funder ends awarding: the order goes into delivery, or is completed if all is delivered already. */
class FinishAwarding extends Step<{ order: number; intruder: boolean }> {
  readonly label = 'finish awarding';
  override check(m: Readonly<Model>) {
    return m.orders.length > 0;
  }
  protected async act(m: Model, w: World) {
    const awarding = m.orders.filter((id) => orderRow(w.db, id).status === 'awarding');
    const order = orderRow(w.db, pick(awarding.length ? awarding : m.orders, this.p.order)!);
    const creator = creatorOf(w, order);
    const money = orderMoney(w.db, order.id);
    const outcome = await attempt(w.funders[this.p.intruder ? 1 - creator : creator]!.api.awards.finish.mutate({ orderId: order.id }));
    note('finish awarding', outcome);
    expectOutcome(`finishing awarding of order ${order.id} (${order.status})`, !this.p.intruder && order.status === 'awarding' && money.awarded > 0, outcome);
    if (outcome.ok) expect(orderRow(w.db, order.id).status).toBe(money.delivered === money.awarded ? 'completed' : 'in_delivery');
  }
}

interface AwardParams {
  order: number;
  /** Any line of the order's bids (withdrawn, rejected, awarded already…), not only standing ones. */
  anyLine: boolean;
  closeFirst: boolean;
  intruder: boolean;
  duplicate: boolean;
  lines: { line: number; quantity: 'all' | 'half' | 'rest' | 'over' }[];
}

/**
 * The creator funder awards lines of the bids on an order. The model predicts every limit the
 * server must enforce: standing bid, line not yet awarded, offered quantity, ordered quantity,
 * money paid in, place qualified and within its yearly capacity.
 */
class Award extends Step<AwardParams> {
  readonly label = 'award';
  protected async act(m: Model, w: World) {
    const standing = (id: number) => bidLinesOf(w.db, id).filter((l) => ['submitted', 'awarded'].includes(l.bidStatus) && !l.awarded);
    const withLines = m.orders.filter((id) => bidLinesOf(w.db, id).length > 0);
    const open = withLines.filter((id) => standing(id).length > 0 && ['open', 'awarding', 'in_delivery'].includes(orderRow(w.db, id).status));
    const orderId = pick(this.p.anyLine ? withLines : open, this.p.order);
    if (orderId === undefined) return;
    let order = orderRow(w.db, orderId);
    const creator = w.funders[creatorOf(w, order)]!;
    if (this.p.closeFirst && order.status === 'open') {
      const closed = await attempt(creator.api.awards.closeBidding.mutate({ orderId }));
      expectOutcome('closing bidding before awarding', true, closed);
      order = orderRow(w.db, orderId);
    }
    const candidates = this.p.anyLine || standing(orderId).length === 0 ? bidLinesOf(w.db, orderId) : standing(orderId);
    const money = orderMoney(w.db, orderId);
    const picked = this.p.lines.map((l) => ({ line: pick(candidates, l.line)!, quantity: l.quantity }));
    // Distinct lines, unless the step means to name one twice (refused by the schema).
    const lines = this.p.duplicate ? picked : picked.filter((l, i) => picked.findIndex((o) => o.line === l.line) === i);
    const year = commitmentYear(order);
    const perPlace = new Map<number, number>();
    let services = money.awarded;
    let cents = money.awardedCents;
    const chosen = lines.map(({ line, quantity: kind }) => {
      // `rest`: the most the server should accept for this line, after the lines before it.
      const room = Math.min(
        line.offered,
        order.quantity - services,
        Math.floor((money.funded - cents) / line.unitPriceCents),
        placeRow(w.db, line.placeId).yearlyCapacity - placeLoad(w.db, line.placeId, year) - (perPlace.get(line.placeId) ?? 0),
      );
      const quantity = { all: line.offered, half: Math.ceil(line.offered / 2), rest: Math.max(1, room), over: line.offered + 1 }[kind];
      perPlace.set(line.placeId, (perPlace.get(line.placeId) ?? 0) + quantity);
      services += quantity;
      cents += quantity * line.unitPriceCents;
      return { ...line, quantity };
    });
    const expected =
      !this.p.intruder &&
      (order.status === 'awarding' || order.status === 'in_delivery' || (order.status === 'open' && today() > order.bidDeadline)) &&
      new Set(chosen.map((l) => `${l.bidId}:${l.placeId}`)).size === chosen.length &&
      chosen.every((l) => ['submitted', 'awarded'].includes(l.bidStatus) && !l.awarded && l.quantity <= l.offered && placeRow(w.db, l.placeId).status === 'qualified') &&
      money.awarded + chosen.reduce((sum, l) => sum + l.quantity, 0) <= order.quantity &&
      money.awardedCents + chosen.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0) <= money.funded &&
      [...perPlace].every(([placeId, extra]) => placeLoad(w.db, placeId, year) + extra <= placeRow(w.db, placeId).yearlyCapacity);
    const caller = this.p.intruder ? w.funders[1 - creatorOf(w, order)]! : creator;
    const outcome = await attempt(
      caller.api.awards.create.mutate({ orderId, lines: chosen.map(({ bidId, placeId, quantity }) => ({ bidId, placeId, quantity })) }),
    );
    note('award', outcome);
    expectOutcome(`award on order ${orderId} (${order.status}) of ${JSON.stringify(chosen)}`, expected, outcome);
  }
}

interface DeliverParams {
  award: number;
  /** Any award, finished or not, rather than one with services left to deliver. */
  anyAward: boolean;
  quantity: 'one' | 'half' | 'rest' | 'over';
  day: number;
  person: number;
  otherService: boolean;
  intruder: boolean;
}

/** One delivery on an award by the actor of its place, predicted from the award, the order and the place. */
class Deliver extends Step<DeliverParams> {
  readonly label = 'deliver';
  protected async act(m: Model, w: World) {
    const awards = allAwards(w.db);
    const open = awards.filter((a) => a.delivered < a.quantity);
    const award = pick(this.p.anyAward ? awards : open, this.p.award);
    if (!award) return;
    const owner = actorOf(w, award.ownerId);
    const caller = this.p.intruder ? (owner + 1) % w.actors.length : owner;
    const order = orderRow(w.db, award.orderId);
    const remaining = award.quantity - award.delivered;
    const quantity = { one: 1, half: Math.max(1, Math.ceil(remaining / 2)), rest: Math.max(1, remaining), over: remaining + 1 }[this.p.quantity];
    const deliveredOn = deliveryDay(this.p.day);
    const service = this.p.otherService ? OTHER_SERVICE : MAIN_SERVICE;
    const expected =
      !this.p.intruder &&
      award.placeStatus === 'qualified' &&
      (order.status === 'awarding' || order.status === 'in_delivery') &&
      today() <= order.graceEndsOn &&
      (JSON.parse(order.services) as string[]).includes(service) &&
      deliveredOn <= today() &&
      deliveredOn >= order.deliveryStartsOn &&
      deliveredOn <= order.deliveryEndsOn &&
      quantity <= remaining;
    m.serial++;
    const input: RecordDeliveryInput = {
      awardId: award.id,
      quantity,
      deliveredOn,
      service,
      beneficiaryRef: beneficiaryRef(`personne-${this.p.person}`),
      idempotencyKey: `prestation-${m.serial}`,
    };
    const outcome = await attempt(w.actors[caller]!.api.deliveries.record.mutate(input));
    note('delivery', outcome);
    expectOutcome(`delivery of ${quantity} on award ${award.id} (${remaining} left, order ${order.status}, place ${award.placeStatus}) dated ${deliveredOn}`, expected, outcome);
    if (outcome.ok) {
      expect(outcome.value.replayed).toBe(false);
      m.deliveryCount++;
      m.deliveries.push({ actor: owner, id: outcome.value.delivery.id, input });
    }
  }
}

/** The same delivery again (a retry after a lost answer): a replay that counts once; another content under its key is refused. */
class ReplayDelivery extends Step<{ delivery: number; tamper: boolean }> {
  readonly label = 'replay delivery';
  override check(m: Readonly<Model>) {
    return m.deliveries.length > 0;
  }
  protected async act(m: Model, w: World) {
    const { actor, id, input } = pick(m.deliveries, this.p.delivery)!;
    const replay = this.p.tamper ? { ...input, quantity: input.quantity + 1 } : input;
    const outcome = await attempt(w.actors[actor]!.api.deliveries.record.mutate(replay));
    note('delivery replay', outcome);
    if (this.p.tamper) {
      expect(outcome, 'the same key for another delivery').toMatchObject({ ok: false, code: 'CONFLICT' });
    } else {
      expectOutcome(`replaying delivery ${id}`, true, outcome);
      if (outcome.ok) expect(outcome.value, 'a replay answers the first delivery').toMatchObject({ replayed: true, delivery: { id } });
    }
  }
}

interface BatchParams {
  /** The batch comes from another actor than the one owning the first award (rows refused). */
  anyActor: boolean;
  actor: number;
  rows: { award: number; quantity: 'one' | 'rest' | 'over'; day: number; replay: boolean }[];
}

/**
 * A batch of deliveries by the actor of an award with services left, predicted row by row
 * (each row sees the rows before it): all recorded, or nothing at all — the count check after
 * the step sees any half-written batch.
 */
class DeliveryBatch extends Step<BatchParams> {
  readonly label = 'delivery batch';
  protected async act(m: Model, w: World) {
    const awards = allAwards(w.db);
    const open = awards.filter((a) => a.delivered < a.quantity);
    const first = pick(open, this.p.actor);
    if (!first) return;
    const caller = this.p.anyActor ? (actorOf(w, first.ownerId) + 1 + (this.p.actor % 2)) % w.actors.length : actorOf(w, first.ownerId);
    const actor = w.actors[caller]!;
    const own = open.filter((a) => a.ownerId === first.ownerId);
    const planned = new Map<number, number>();
    const rows: RecordDeliveryInput[] = [];
    // Rows already recorded are replays for the actor who recorded them; new rows must be the caller's own.
    let expected = true;
    for (const row of this.p.rows) {
      const previous = row.replay ? pick(m.deliveries, row.award) : undefined;
      if (previous) {
        expected &&= previous.actor === caller;
        rows.push(previous.input);
        continue;
      }
      const award = pick(own, row.award)!;
      const order = orderRow(w.db, award.orderId);
      const remaining = award.quantity - award.delivered - (planned.get(award.id) ?? 0);
      const quantity = { one: 1, rest: Math.max(1, remaining), over: remaining + 1 }[row.quantity];
      const deliveredOn = deliveryDay(row.day);
      expected &&=
        !this.p.anyActor &&
        award.placeStatus === 'qualified' &&
        (order.status === 'awarding' || order.status === 'in_delivery') &&
        today() <= order.graceEndsOn &&
        deliveredOn >= order.deliveryStartsOn &&
        deliveredOn <= order.deliveryEndsOn &&
        quantity <= remaining;
      planned.set(award.id, (planned.get(award.id) ?? 0) + quantity);
      m.serial++;
      rows.push({
        awardId: award.id,
        quantity,
        deliveredOn,
        service: MAIN_SERVICE,
        beneficiaryRef: beneficiaryRef(`personne-lot-${m.serial % 3}`),
        idempotencyKey: `prestation-lot-${m.serial}`,
      });
    }
    const outcome = await attempt(actor.api.deliveries.recordBatch.mutate({ rows }));
    note('delivery batch', outcome);
    expectOutcome(`batch of ${rows.length} rows by actor ${caller}`, expected, outcome);
    if (!outcome.ok) return;
    expect(outcome.value.recorded + outcome.value.replayed).toBe(rows.length);
    m.deliveryCount += outcome.value.recorded;
    for (const input of rows) {
      if (m.deliveries.some((d) => d.input.idempotencyKey === input.idempotencyKey)) continue;
      const recorded = deliveryByKey(w.db, input.idempotencyKey);
      expect(recorded, `batch row ${input.idempotencyKey} recorded`).toBeDefined();
      m.deliveries.push({ actor: caller, id: recorded!.id, input });
    }
  }
}

class CancelOrder extends Step<{ order: number; intruder: boolean }> {
  readonly label = 'cancel order';
  override check(m: Readonly<Model>) {
    return m.orders.length > 0;
  }
  protected async act(m: Model, w: World) {
    const order = orderRow(w.db, pick(m.orders, this.p.order)!);
    const creator = creatorOf(w, order);
    const expected = !this.p.intruder && ['draft', 'open', 'awarding'].includes(order.status) && orderMoney(w.db, order.id).awarded === 0;
    const outcome = await attempt(w.funders[this.p.intruder ? 1 - creator : creator]!.api.orders.cancel.mutate({ orderId: order.id }));
    note('cancel order', outcome);
    expectOutcome(`cancelling order ${order.id} (${order.status})`, expected, outcome);
  }
}

/** The operator suspends a qualified place or reinstates a suspended one. */
class Qualification extends Step<{ place: number; decision: 'suspend' | 'reinstate'; anyPlace: boolean }> {
  readonly label = 'qualification';
  protected async act(_m: Model, w: World) {
    const from = this.p.decision === 'suspend' ? 'qualified' : 'suspended';
    const applicable = allPlaces(w).filter((id) => placeRow(w.db, id).status === from);
    const placeId = pick(this.p.anyPlace || applicable.length === 0 ? allPlaces(w) : applicable, this.p.place)!;
    const status = placeRow(w.db, placeId).status;
    const expected = this.p.decision === 'suspend' ? status === 'qualified' : status === 'suspended';
    const outcome = await attempt(w.operator.api.qualification.decide.mutate({ placeId, decision: this.p.decision, reason: 'Contrôle qualité du réseau' }));
    note(`qualification ${this.p.decision}`, outcome);
    expectOutcome(`${this.p.decision} place ${placeId} (${status})`, expected, outcome);
  }
}

/** Invitation by the lead, answer and departure by the place's actor, as the membership table allows. */
class Membership extends Step<{ place: number; action: 'invite' | 'accept' | 'decline' | 'leave'; anyPlace: boolean }> {
  readonly label = 'membership';
  protected async act(_m: Model, w: World) {
    const partnershipId = w.partnership.id;
    const from = { invite: ['none', 'declined', 'left'], accept: ['invited'], decline: ['invited'], leave: ['active'] }[this.p.action];
    const applicable = allPlaces(w).filter((id) => from.includes(memberStatus(w.db, partnershipId, id)));
    const placeId = pick(this.p.anyPlace || applicable.length === 0 ? allPlaces(w) : applicable, this.p.place)!;
    const place = placeRow(w.db, placeId);
    const status = memberStatus(w.db, partnershipId, placeId);
    const owner = w.actors[actorOf(w, place.organisationId)]!;
    let outcome: Outcome<unknown>;
    let expected: boolean;
    if (this.p.action === 'invite') {
      expected = place.status === 'qualified' && ['none', 'declined', 'left'].includes(status);
      outcome = await attempt(w.actors[0]!.api.partnerships.invite.mutate({ partnershipId, placeId }));
    } else if (this.p.action === 'leave') {
      expected = status === 'active' && openPartnershipAwards(w.db, partnershipId, placeId) === 0;
      outcome = await attempt(owner.api.partnerships.leave.mutate({ partnershipId, placeId }));
    } else {
      expected = status === 'invited';
      outcome = await attempt(owner.api.partnerships.respond.mutate({ partnershipId, placeId, accept: this.p.action === 'accept' }));
    }
    note(`membership ${this.p.action}`, outcome);
    expectOutcome(`${this.p.action} place ${placeId} (${status}, ${place.status})`, expected, outcome);
  }
}

/**
 * Closing: the funder may not close before the window ends (refused today); the system closes
 * every order whose grace period is over, here on the day after the chosen order's grace.
 */
class CloseOrder extends Step<{ order: number; by: 'funder' | 'system' }> {
  readonly label = 'close order';
  override check(m: Readonly<Model>) {
    return m.orders.length > 0;
  }
  protected async act(m: Model, w: World) {
    const order = orderRow(w.db, pick(m.orders, this.p.order)!);
    if (this.p.by === 'funder') {
      const outcome = await attempt(w.funders[creatorOf(w, order)]!.api.orders.close.mutate({ orderId: order.id }));
      note('close by funder', outcome);
      expect(outcome, 'closing before the window ends').toMatchObject({ ok: false, code: 'CONFLICT' });
      return;
    }
    const day = addDays(order.graceEndsOn, 1);
    const due = m.orders.map((id) => orderRow(w.db, id)).filter((o) => ['open', 'awarding', 'in_delivery', 'completed'].includes(o.status) && o.graceEndsOn < day);
    const outcome = attemptService(() => closeExpiredOrders(w.db, day));
    note('close by system', outcome);
    expectOutcome(`closing expired orders on ${day}`, true, outcome);
    if (!outcome.ok) return;
    expect(outcome.value.failed, 'no expired order failed to close').toBeUndefined();
    expect(outcome.value.map((r) => r.orderId).sort((a, b) => a - b)).toEqual(due.map((o) => o.id));
    for (const o of due) expect(orderRow(w.db, o.id).status).toBe('closed');
  }
}

/**
 * The operator settles a finished month that has deliveries waiting (none settled after it),
 * mostly; any finished month now and then, which may be refused or answered as a replay.
 */
class Settle extends Step<{ month: number; anyMonth: boolean }> {
  readonly label = 'settle';
  protected async act(_m: Model, w: World) {
    const settled = settledMonths(w.db);
    const months = settleableMonths();
    const oldestWaiting = oldestUnsettledMonth(w.db);
    const useful = months.filter((month) => oldestWaiting !== undefined && month >= oldestWaiting && !settled.some((s) => s >= month));
    if (!this.p.anyMonth && useful.length === 0) return;
    const month = pick(this.p.anyMonth ? months : useful, this.p.month)!;
    const expected = settled.includes(month) || !settled.some((s) => s > month);
    const outcome = await attempt(w.operator.api.settlements.run.mutate({ month }));
    note('settlement', outcome);
    expectOutcome(`settling ${month} (settled: ${settled.join(', ') || 'none'})`, expected, outcome);
    if (outcome.ok) expect(outcome.value.replayed).toBe(settled.includes(month));
  }
}

class MarkPaid extends Step<{ payout: number; sameReference: boolean }> {
  readonly label = 'mark payout paid';
  protected async act(m: Model, w: World) {
    const payout = pick(allPayouts(w.db), this.p.payout);
    if (!payout) return;
    m.serial++;
    const reference = this.p.sameReference && payout.reference ? payout.reference : `VIR-CONTREPARTIE-${m.serial}`;
    const expected = payout.status !== 'paid' || reference === payout.reference;
    const outcome = await attempt(w.operator.api.settlements.markPaid.mutate({ payoutId: payout.id, reference, paidOn: today() }));
    note('payout paid', outcome);
    expectOutcome(`paying payout ${payout.id} (${payout.status}) with ${reference}`, expected, outcome);
    if (outcome.ok) expect(outcome.value.replayed).toBe(payout.status === 'paid');
  }
}

const index = fc.nat({ max: 1_000 });
/** A flag for the odd step that aims off the productive path (to see the refusals). */
const rarely = fc.constantFrom(false, false, false, false, false, true);
const percent = fc.integer({ min: 0, max: 110 });

const publishOrder = fc
  .record({
    funder: fc.integer({ min: 0, max: 1 }),
    quantity: fc.integer({ min: 1, max: 60 }),
    price: fc.constantFrom(1_000, 500, 1_250, 999),
    sharePct: fc.constantFrom(100, 60, 30),
    pay: fc.constantFrom('full' as const, 'full' as const, 'half' as const, 'none' as const),
    deadline: fc.integer({ min: 1, max: 20 }),
    windowDays: fc.integer({ min: 0, max: 60 }),
    start: fc.constantFrom('recent' as const, 'lastYear' as const),
    territory: fc.constantFrom('finistere' as const, 'brest' as const, 'bretagne' as const),
  })
  .map((p) => new PublishOrder(p));

const submitBid = fc
  .record({
    order: index,
    anyOrder: rarely,
    actor: fc.integer({ min: 0, max: 2 }),
    slots: fc.constantFrom([0], [1], [0, 1], [0, 1], [0, 1], [1, 0], [0], [0, 0]),
    pcts: fc.array(fc.integer({ min: 1, max: 110 }), { minLength: 2, maxLength: 2 }),
    price: fc.constantFrom('same' as const, 'same' as const, 'same' as const, 'lower' as const, 'lower' as const, 'higher' as const),
  })
  .map((p) => new SubmitBid(p));

const award = fc
  .record({
    order: index,
    anyLine: rarely,
    closeFirst: fc.constantFrom(true, true, true, true, true, false),
    intruder: rarely,
    duplicate: rarely,
    lines: fc.array(
      fc.record({
        line: index,
        quantity: fc.constantFrom('all' as const, 'half' as const, 'rest' as const, 'rest' as const, 'rest' as const, 'rest' as const, 'over' as const),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  })
  .map((p) => new Award(p));

const deliver = fc
  .record({
    award: index,
    anyAward: rarely,
    quantity: fc.constantFrom('one' as const, 'half' as const, 'rest' as const, 'over' as const),
    day: fc.integer({ min: 0, max: 3 }),
    person: fc.integer({ min: 0, max: 4 }),
    otherService: rarely,
    intruder: rarely,
  })
  .map((p) => new Deliver(p));

/**
 * Every kind of step, weighted so that a run of up to 25 steps usually walks the main path
 * (bid, award, deliver, settle) and still meets every side step now and then.
 */
const STEP = fc.oneof(
  { weight: 2, arbitrary: publishOrder },
  {
    weight: 1,
    arbitrary: fc
      .record({
        order: index,
        anyOrder: rarely,
        funder: fc.integer({ min: 0, max: 1 }),
        amount: fc.constantFrom('rest' as const, 'half' as const, 'one' as const, 'over' as const),
        source: fc.constantFrom('transfer' as const, 'transfer' as const, 'credit' as const),
      })
      .map((p) => new RecordPayment(p)),
  },
  { weight: 1, arbitrary: fc.record({ payment: index, tamper: fc.boolean() }).map((p) => new ReplayPayment(p)) },
  {
    weight: 1,
    arbitrary: fc.record({ order: index, anyOrder: rarely, creator: rarely, share: fc.constantFrom('room' as const, 'half' as const, 'over' as const) }).map((p) => new CoFund(p)),
  },
  { weight: 6, arbitrary: submitBid },
  { weight: 1, arbitrary: fc.record({ bid: index }).map((p) => new WithdrawBid(p)) },
  {
    weight: 2,
    arbitrary: fc
      .record({ order: index, pcts: fc.array(percent, { minLength: 1, maxLength: 4 }), confirmAll: fc.constantFrom(true, true, false), lower: fc.boolean() })
      .map((p) => new JointBid(p)),
  },
  { weight: 1, arbitrary: fc.record({ order: index, intruder: fc.constantFrom(false, false, true) }).map((p) => new CloseBidding(p)) },
  { weight: 8, arbitrary: award },
  { weight: 1, arbitrary: fc.record({ order: index, intruder: rarely }).map((p) => new FinishAwarding(p)) },
  { weight: 12, arbitrary: deliver },
  { weight: 2, arbitrary: fc.record({ delivery: index, tamper: fc.constantFrom(false, false, true) }).map((p) => new ReplayDelivery(p)) },
  {
    weight: 3,
    arbitrary: fc
      .record({
        anyActor: rarely,
        actor: index,
        rows: fc.array(
          fc.record({
            award: index,
            quantity: fc.constantFrom('one' as const, 'one' as const, 'one' as const, 'rest' as const, 'over' as const),
            day: fc.constantFrom(0, 0, 1, 2, 3),
            replay: rarely,
          }),
          { minLength: 1, maxLength: 3 },
        ),
      })
      .map((p) => new DeliveryBatch(p)),
  },
  { weight: 1, arbitrary: fc.record({ order: index, intruder: fc.constantFrom(false, false, true) }).map((p) => new CancelOrder(p)) },
  {
    weight: 1,
    arbitrary: fc
      .record({ place: index, decision: fc.constantFrom('suspend' as const, 'reinstate' as const), anyPlace: rarely })
      .map((p) => new Qualification(p)),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ place: index, action: fc.constantFrom('invite' as const, 'accept' as const, 'decline' as const, 'leave' as const), anyPlace: rarely })
      .map((p) => new Membership(p)),
  },
  { weight: 1, arbitrary: fc.record({ order: index, by: fc.constantFrom('funder' as const, 'system' as const, 'system' as const) }).map((p) => new CloseOrder(p)) },
  { weight: 5, arbitrary: fc.record({ month: fc.integer({ min: 0, max: 3 }), anyMonth: rarely }).map((p) => new Settle(p)) },
  { weight: 5, arbitrary: fc.record({ payout: index, sameReference: fc.boolean() }).map((p) => new MarkPaid(p)) },
);

const worldShape: fc.Arbitrary<WorldShape> = fc.record({
  placesPerActor: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 3, maxLength: 3 }),
  capacities: fc.array(fc.constantFrom(15, 40, 2_000), { minLength: 6, maxLength: 6 }),
  poolingFeeBps: fc.constantFrom(0, 500, 1_234, 3_000),
  partnerJoins: fc.boolean(),
  firstOrderQuantity: fc.integer({ min: 5, max: 60 }),
  firstOrderSharePct: fc.constantFrom(100, 70, 40),
  openingBids: fc.array(fc.constantFrom(0, 20, 50, 100), { minLength: 3, maxLength: 3 }),
});

const RUNS = 40;
/** Each run is a list of steps run in order (fast-check shrinks a failing one to its shortest). */
const steps = fc.array(STEP, { minLength: 20, maxLength: 25 });

describe('model-based invariants of the marketplace', () => {
  it('keeps awards, deliveries, the ledger and the place figures consistent through random sequences of operations', async () => {
    tally.clear();
    await fc.assert(
      fc.asyncProperty(worldShape, steps, async (shape, commands) => {
        const world = await createWorld(shape);
        expectInvariants(world.db, world.model);
        await fc.asyncModelRun(() => ({ model: world.model, real: world }), commands);
      }),
      // A failure shrinks for a while: stop in time to print the seed and the smallest case found.
      { numRuns: RUNS, interruptAfterTimeLimit: 150_000, markInterruptAsFailure: true },
    );
    // The runs reached the deep states, not only refusals of empty worlds.
    for (const kind of ['publish order', 'payment', 'bid', 'joint bid', 'award', 'delivery', 'settlement', 'close by system']) {
      expect(tally.get(kind)?.accepted ?? 0, `accepted steps of kind « ${kind} »`).toBeGreaterThan(0);
    }
  }, 180_000);
});

/** An open order for the Finistère and the Morbihan, into which its funder paid 1 cent twice. */
async function twoDepartementOrderPaidInCents(m: Awaited<ReturnType<typeof marketplace>>) {
  const orderId = await fundedOrder(m.as.funder, m.funder.organisationId, { quantity: 1, departementCodes: ['29', '56'] }, 0);
  for (const n of [1, 2]) {
    await m.as.funder.orders.recordPayment.mutate({ orderId, organisationId: m.funder.organisationId, amountCents: 1, reference: `VIR-${n}`, idempotencyKey: `versement-centime-${n}` });
  }
  return orderId;
}

describe('what the model found', () => {
  /*
   * Found by the model: an order over two départements paid in odd cents. Each département holds
   * its even share of the order's net funding, so a credit note takes back exactly what the
   * payments put there and the cancel or close goes through.
   */
  it('cancels a two-département order paid in several instalments', async () => {
    const m = await marketplace();
    const orderId = await twoDepartementOrderPaidInCents(m);
    await expect(m.as.funder.orders.cancel.mutate({ orderId })).resolves.toMatchObject({ status: 'cancelled' });
  });

  it('closes a two-département order paid in several instalments once its grace period is over', async () => {
    const m = await marketplace();
    const orderId = await twoDepartementOrderPaidInCents(m);
    const closed = closeExpiredOrders(m.db, addDays(orderRow(m.db, orderId).graceEndsOn, 1));
    expect(closed.failed).toBeUndefined();
    expect(orderRow(m.db, orderId).status).toBe('closed');
  });

  /*
   * Found by the model: a batch from an actor whose only row replays another actor's delivery.
   * Refused like the single record, so nobody learns that someone else's key was recorded.
   */
  it('refuses a batch that replays another actor’s delivery, as the single record does', async () => {
    const m = await marketplace();
    const placeId = makePlace(m.db, { organisationId: m.actor.organisationId, mainCommuneCode: '29019' });
    const orderId = await fundedOrder(m.as.funder, m.funder.organisationId, { quantity: 10 });
    const bid = await m.as.actor.bids.submit.mutate({ orderId, organisationId: m.actor.organisationId, unitPriceCents: 1_000, lines: [{ placeId, quantity: 10 }] });
    await m.as.funder.awards.closeBidding.mutate({ orderId });
    const { awardIds } = await m.as.funder.awards.create.mutate({ orderId, lines: [{ bidId: bid.id, placeId, quantity: 10 }] });
    const row = deliveryOf(awardIds[0]!, 1);
    await m.as.actor.deliveries.record.mutate(row);
    expect(await refusal(m.as.rival.deliveries.record.mutate(row))).toMatchObject({ code: 'FORBIDDEN' });

    // A batch reports refusals row by row: the row is refused for access, as the single call is.
    const batch = await attempt(m.as.rival.deliveries.recordBatch.mutate({ rows: [row] }));
    expect(batch).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    expect(JSON.stringify(batch)).toContain('Accès refusé');
  });
});
