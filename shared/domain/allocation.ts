import { assertCents, lineAmount, splitCents, type Cents } from '../money';
import { DEFAULT_RATIO, placeRatioStatus, type PlaceRatioStatus, type RatioConfig } from '../ratio';

/**
 * Consolidating allocation (DESIGN §3, issue 6): for an order and its standing bid lines, the
 * award that brings the most places up to the floor, then fills places within the band.
 *
 * The rule is public, so here it is in words, in the order it is applied:
 *  1. **Floor.** For every place below the floor (projected revenue = delivered + committed), the
 *     fewest services that bring it to the floor are computed on its own lines (its dearest
 *     services first, within each line's offer and the place's capacity). Places are then
 *     served by increasing need, as long as the order's quantity allows: taking the smallest
 *     needs first is what maximises the number of places reaching the floor under one budget.
 *  2. **Band.** What is left fills places at or above the floor up to the ceiling, never beyond.
 *     Only then does it go to places that cannot reach the floor (closest to it first). A place
 *     is pushed past the ceiling only as a last resort, once no place below the floor can take
 *     any more service.
 *  3. **Ties** go to the higher quality score, then the earlier qualification, then rural places,
 *     then the lower unit price, then the lower place id (and, within a place, the lower bid id).
 *  4. **Limits.** A line never gets more than it offered, a place never more than its remaining
 *     capacity (shared by all its lines), the order never more than its quantity.
 *
 * Pure and deterministic: the order of input lines does not matter, output lines are sorted by
 * bid id. Money is integer cents throughout.
 */

export const ALLOCATION_REASONS = [
  'brings_to_floor',
  'fills_band',
  'already_consolidated',
  'capacity_reached',
  'offer_exhausted',
  'order_exhausted',
  'cannot_reach_floor',
  'would_exceed_ceiling',
  'above_ceiling_last_resort',
] as const;
export type AllocationReason = (typeof ALLOCATION_REASONS)[number];

export const ALLOCATION_REASON_LABELS: Readonly<Record<AllocationReason, string>> = Object.freeze({
  brings_to_floor: 'amène le lieu au plancher',
  fills_band: 'complète dans la bande',
  already_consolidated: 'lieu déjà consolidé',
  capacity_reached: 'capacité atteinte',
  offer_exhausted: 'offre épuisée',
  order_exhausted: 'commande entièrement répartie',
  cannot_reach_floor: 'ne peut atteindre le plancher avec cette offre',
  would_exceed_ceiling: 'dépasserait le plafond tant qu’un autre lieu est sous le plancher',
  above_ceiling_last_resort: 'dépasse le plafond faute d’autre lieu sous le plancher pouvant prendre ces services',
});

export interface AllocationBidLine {
  bidId: number;
  placeId: number;
  /** Services this line offers. */
  offered: number;
  unitPriceCents: Cents;
  /** The place's revenue this year: delivered, and committed by earlier awards. */
  deliveredCents: Cents;
  committedCents: Cents;
  /** Services the place can still take this year (shared by all its lines). */
  remainingCapacity: number;
  qualityScore: number;
  /** ISO date or date-time of the place's qualification. */
  qualifiedAt: string;
  rural: boolean;
}

export interface AllocationInput {
  /** Services still to award on the order. */
  quantity: number;
  lines: readonly AllocationBidLine[];
  /** The order's unit price, to value what is left unallocated (defaults to the unit value). */
  unitPriceCents?: Cents;
}

export interface AllocationLine {
  bidId: number;
  placeId: number;
  quantity: number;
  amountCents: Cents;
  reason: AllocationReason;
  /** The place's projected status before and after the recommended award. */
  before: PlaceRatioStatus;
  after: PlaceRatioStatus;
}

export interface AllocationSummary {
  /** Places below the floor before, at or above it after. */
  broughtToFloor: number;
  /** Places within the band after the award (including those just brought to the floor). */
  inBand: number;
  /** Places still below the floor after the award. */
  stillFragile: number;
  /** Places above the ceiling after the award. */
  saturated: number;
  /** Services of the order left unallocated, and their value at the order's unit price. */
  unallocated: number;
  unallocatedCents: Cents;
}

export interface AllocationResult {
  lines: AllocationLine[];
  summary: AllocationSummary;
}

interface LineState {
  input: AllocationBidLine;
  awarded: number;
  floorPart: number;
  bandPart: number;
  belowPart: number;
  abovePart: number;
}

interface PlaceState {
  placeId: number;
  startCents: Cents;
  revenueCents: Cents;
  capacityLeft: number;
  quality: number;
  qualifiedAtMs: number;
  rural: boolean;
  minPriceCents: Cents;
  /** Lines by bid id. */
  lines: LineState[];
  /** Fewest services to reach the floor (rule 1), null when the place cannot reach it. */
  need: number | null;
  plan: Map<LineState, number>;
  floorAward: boolean;
}

function assertCount(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative integer, got ${value}`);
  return value;
}

/** ⌈a / b⌉ for non-negative integers a and positive integers b. */
function ceilDiv(a: number, b: number): number {
  return Math.floor((a + b - 1) / b);
}

/** Rule 3: quality, earlier qualification, rural, lower price, lower place id. */
function comparePlaces(a: PlaceState, b: PlaceState): number {
  return (
    b.quality - a.quality ||
    a.qualifiedAtMs - b.qualifiedAtMs ||
    Number(b.rural) - Number(a.rural) ||
    a.minPriceCents - b.minPriceCents ||
    a.placeId - b.placeId
  );
}

const cheapestFirst = (a: LineState, b: LineState) => a.input.unitPriceCents - b.input.unitPriceCents || a.input.bidId - b.input.bidId;
const dearestFirst = (a: LineState, b: LineState) => b.input.unitPriceCents - a.input.unitPriceCents || a.input.bidId - b.input.bidId;

function award(place: PlaceState, line: LineState, quantity: number, part: 'floorPart' | 'bandPart' | 'belowPart' | 'abovePart') {
  if (quantity <= 0) return;
  line.awarded += quantity;
  line[part] += quantity;
  place.capacityLeft -= quantity;
  place.revenueCents = assertCents(place.revenueCents + lineAmount(quantity, line.input.unitPriceCents), 'projected revenue');
}

function validateLine(line: AllocationBidLine): number {
  if (!Number.isSafeInteger(line.bidId) || !Number.isSafeInteger(line.placeId)) throw new RangeError('bidId and placeId must be integers');
  assertCount(line.offered, `offered quantity of bid ${line.bidId}`);
  assertCount(line.remainingCapacity, `remaining capacity of bid ${line.bidId}`);
  assertCents(line.unitPriceCents, `unit price of bid ${line.bidId}`);
  if (line.unitPriceCents <= 0) throw new RangeError(`unit price of bid ${line.bidId} must be positive`);
  assertCount(line.deliveredCents, `delivered revenue of bid ${line.bidId}`);
  assertCount(line.committedCents, `committed revenue of bid ${line.bidId}`);
  if (!Number.isFinite(line.qualityScore)) throw new RangeError(`quality score of bid ${line.bidId} must be a finite number`);
  const qualifiedAtMs = Date.parse(line.qualifiedAt);
  if (Number.isNaN(qualifiedAtMs)) throw new RangeError(`qualification date of bid ${line.bidId} is not an ISO date: ${line.qualifiedAt}`);
  return qualifiedAtMs;
}

/**
 * Groups lines by place. Lines of one place should agree on its revenue, capacity, quality,
 * qualification and rurality; if they do not, the most cautious reading is kept (highest
 * revenue, lowest capacity) and the most favourable for ties, so that input order never matters.
 */
function buildPlaces(lines: readonly AllocationBidLine[]): PlaceState[] {
  // A line is one place of one bid: a bid offers several places, a place may be in several bids.
  const byBid = [...lines].sort((a, b) => a.bidId - b.bidId || a.placeId - b.placeId);
  const places = new Map<number, PlaceState>();
  let previous: AllocationBidLine | null = null;
  for (const input of byBid) {
    const qualifiedAtMs = validateLine(input);
    if (previous && input.bidId === previous.bidId && input.placeId === previous.placeId) {
      throw new RangeError(`place ${input.placeId} appears twice in bid ${input.bidId}`);
    }
    previous = input;
    const revenue = assertCents(input.deliveredCents + input.committedCents, 'projected revenue');
    const line: LineState = { input, awarded: 0, floorPart: 0, bandPart: 0, belowPart: 0, abovePart: 0 };
    const place = places.get(input.placeId);
    if (!place) {
      places.set(input.placeId, {
        placeId: input.placeId,
        startCents: revenue,
        revenueCents: revenue,
        capacityLeft: input.remainingCapacity,
        quality: input.qualityScore,
        qualifiedAtMs,
        rural: input.rural,
        minPriceCents: input.unitPriceCents,
        lines: [line],
        need: null,
        plan: new Map(),
        floorAward: false,
      });
      continue;
    }
    place.startCents = Math.max(place.startCents, revenue);
    place.revenueCents = place.startCents;
    place.capacityLeft = Math.min(place.capacityLeft, input.remainingCapacity);
    place.quality = Math.max(place.quality, input.qualityScore);
    place.qualifiedAtMs = Math.min(place.qualifiedAtMs, qualifiedAtMs);
    place.rural ||= input.rural;
    place.minPriceCents = Math.min(place.minPriceCents, input.unitPriceCents);
    place.lines.push(line);
  }
  return [...places.values()].sort((a, b) => a.placeId - b.placeId);
}

/**
 * Fewest services that bring a place to the floor: for k services the most revenue comes from
 * its k dearest units, so its lines are drawn dearest first until the gap is closed.
 */
function planToFloor(place: PlaceState, config: RatioConfig) {
  let gap = config.floorCents - place.startCents;
  if (gap <= 0) return;
  let capacity = place.capacityLeft;
  let services = 0;
  for (const line of [...place.lines].sort(dearestFirst)) {
    if (gap <= 0) break;
    const price = line.input.unitPriceCents;
    const take = Math.min(line.input.offered, capacity, ceilDiv(gap, price));
    if (take <= 0) continue;
    place.plan.set(line, take);
    services += take;
    capacity -= take;
    gap -= lineAmount(take, price);
  }
  place.need = gap <= 0 ? services : null;
}

export function recommendAllocation(input: AllocationInput, config: RatioConfig = DEFAULT_RATIO): AllocationResult {
  const quantity = assertCount(input.quantity, 'order quantity');
  const orderUnitPrice = assertCents(input.unitPriceCents ?? config.unitValueCents, 'order unit price');
  const places = buildPlaces(input.lines);
  let left = quantity;

  // Rule 1: bring to the floor as many places as possible, smallest needs first.
  for (const place of places) planToFloor(place, config);
  const candidates = places
    .filter((p) => p.need !== null)
    .sort((a, b) => (a.need as number) - (b.need as number) || comparePlaces(a, b));
  for (const place of candidates) {
    const need = place.need as number;
    // Sorted by need: once one does not fit, none of the following does.
    if (need > left) break;
    for (const [line, take] of place.plan) award(place, line, take, 'floorPart');
    place.floorAward = true;
    left -= need;
  }

  const ordered = [...places].sort(comparePlaces);

  // Rule 2a: fill places at or above the floor, up to the ceiling, cheapest services first.
  for (const place of ordered) {
    if (left === 0) break;
    if (place.revenueCents < config.floorCents) continue;
    for (const line of [...place.lines].sort(cheapestFirst)) {
      const room = config.ceilingCents - place.revenueCents;
      if (room <= 0 || left === 0 || place.capacityLeft === 0) break;
      const take = Math.min(line.input.offered - line.awarded, place.capacityLeft, left, Math.floor(room / line.input.unitPriceCents));
      award(place, line, take, 'bandPart');
      left -= Math.max(0, take);
    }
  }

  // Rule 2b: what remains goes to places still below the floor, closest to it first. None of
  // them can reach the floor with it (rule 1 would have taken it), but it is revenue they lack.
  const fragile = places
    .filter((p) => p.revenueCents < config.floorCents)
    .sort((a, b) => b.revenueCents - a.revenueCents || comparePlaces(a, b));
  for (const place of fragile) {
    if (left === 0) break;
    for (const line of [...place.lines].sort(dearestFirst)) {
      const take = Math.min(line.input.offered - line.awarded, place.capacityLeft, left);
      award(place, line, take, 'belowPart');
      left -= Math.max(0, take);
    }
  }

  // Rule 2c: every place below the floor is now full (offer or capacity): only then past the ceiling.
  for (const place of ordered) {
    if (left === 0) break;
    for (const line of [...place.lines].sort(cheapestFirst)) {
      const take = Math.min(line.input.offered - line.awarded, place.capacityLeft, left);
      award(place, line, take, 'abovePart');
      left -= Math.max(0, take);
    }
  }

  // Places below the floor that could still take a service: only they justify holding back at the ceiling.
  const fragileWithSpare = places.some(
    (p) => p.revenueCents < config.floorCents && p.capacityLeft > 0 && p.lines.some((l) => l.awarded < l.input.offered),
  );
  const lines: AllocationLine[] = [];
  const summary: AllocationSummary = { broughtToFloor: 0, inBand: 0, stillFragile: 0, saturated: 0, unallocated: left, unallocatedCents: lineAmount(left, orderUnitPrice) };
  for (const place of places) {
    const before = placeRatioStatus(place.startCents, config);
    const after = placeRatioStatus(place.revenueCents, config);
    if (before === 'fragile' && after !== 'fragile') summary.broughtToFloor++;
    if (after === 'fragile') summary.stillFragile++;
    else if (after === 'consolidated') summary.inBand++;
    else summary.saturated++;
    for (const line of place.lines) {
      lines.push({
        bidId: line.input.bidId,
        placeId: place.placeId,
        quantity: line.awarded,
        amountCents: lineAmount(line.awarded, line.input.unitPriceCents),
        reason: reasonFor(place, line, before, fragileWithSpare, config),
        before,
        after,
      });
    }
  }
  lines.sort((a, b) => a.bidId - b.bidId || a.placeId - b.placeId);
  return { lines, summary };
}

function reasonFor(place: PlaceState, line: LineState, before: PlaceRatioStatus, fragileWithSpare: boolean, config: RatioConfig): AllocationReason {
  const fragile = place.revenueCents < config.floorCents;
  if (line.floorPart > 0) return 'brings_to_floor';
  if (line.abovePart > 0) return 'above_ceiling_last_resort';
  if (line.bandPart > 0) return 'fills_band';
  if (line.belowPart > 0) return place.need === null ? 'cannot_reach_floor' : 'order_exhausted';
  // Nothing awarded: the limit that stopped it.
  if (line.input.offered === 0) return 'offer_exhausted';
  if (place.capacityLeft === 0) return 'capacity_reached';
  if (fragile) return place.need === null ? 'cannot_reach_floor' : 'order_exhausted';
  if (fragileWithSpare && place.revenueCents + line.input.unitPriceCents > config.ceilingCents) return 'would_exceed_ceiling';
  if (before !== 'fragile' || place.floorAward) return 'already_consolidated';
  return 'order_exhausted';
}

/**
 * The naive split a funder would otherwise make: the quantity shared in proportion to what each
 * line offers (capped by the offer and the place's capacity), for comparison with the
 * recommendation — how many places each brings to the floor.
 */
export function proRataAllocation(input: AllocationInput, config: RatioConfig = DEFAULT_RATIO) {
  const lines = [...input.lines].sort((a, b) => a.bidId - b.bidId || a.placeId - b.placeId);
  const offered = lines.reduce((sum, l) => sum + l.offered, 0);
  if (lines.length === 0 || offered === 0) return { lines: [], broughtToFloor: 0 };
  const shares = splitCents(Math.min(input.quantity, offered), lines.map((l) => l.offered));
  const capacityLeft = new Map(lines.map((l) => [l.placeId, l.remainingCapacity]));
  const revenue = new Map(lines.map((l) => [l.placeId, l.deliveredCents + l.committedCents]));
  const before = new Map(revenue);
  const split = lines.map((line, i) => {
    const quantity = Math.min(shares[i]!, line.offered, capacityLeft.get(line.placeId)!);
    capacityLeft.set(line.placeId, capacityLeft.get(line.placeId)! - quantity);
    revenue.set(line.placeId, revenue.get(line.placeId)! + lineAmount(quantity, line.unitPriceCents));
    return { bidId: line.bidId, placeId: line.placeId, quantity };
  });
  let broughtToFloor = 0;
  for (const [placeId, cents] of revenue) if (before.get(placeId)! < config.floorCents && cents >= config.floorCents) broughtToFloor += 1;
  return { lines: split, broughtToFloor };
}
