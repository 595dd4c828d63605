import { createHash } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { RowErrors } from '../../../server/errors';
import type { SessionUser } from '../../../server/services/auth';
import { recordDeliveryBatch } from '../../../server/services/deliveries';
import { MAX_DELIVERY_BATCH } from '../../../shared/domain/deliveries';
import type { ServiceName } from '../../../shared/domain/services';
import type { Db } from '../../client';
import type { Random } from '../random';
import type { Calendar } from './calendar';
import type { Commitment } from './commitments';
import type { DeliveryPlan } from './volumes';

/**
 * Deliveries, written only through `recordDeliveryBatch`, as places upload them: each batch is
 * one place's next 1 000 deliveries (the API's maximum) in date order. One service per row. Each
 * person is a pseudonymous reference computed as the browser does (SHA-256 of the organisation
 * and the place's own file number, client/src/pseudonym.ts); idempotency keys are UUIDs derived
 * from the seed, so that two runs write the same keys.
 */

export interface DeliveryPlace {
  placeId: number;
  organisationId: number;
  user: SessionUser;
  plan: DeliveryPlan;
  /** Services the place offers: each delivery is one of them that the order names. */
  services: readonly ServiceName[];
  commitments: Commitment[];
  /** Services named by each commitment's order. */
  orderServices: ServiceName[][];
}

/** What the browser sends for a person (client/src/pseudonym.ts). */
export const pseudonym = (organisationId: number, localReference: string) =>
  createHash('sha256').update(`aptic:${organisationId}:${localReference.trim()}`).digest('hex');

/** A version-4-shaped UUID from a name: random-looking, the same on every run. */
export function uuidFrom(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Which commitment pays each delivery: by generation, in proportion to what each still has to deliver. */
function assignCommitments(random: Random, place: DeliveryPlace): Uint8Array {
  const { plan, commitments } = place;
  const assigned = new Uint8Array(plan.days.length);
  const remaining = commitments.map((c) => c.deliveries);
  for (let row = 0; row < plan.days.length; row++) {
    const generation = row < plan.lastYearCount ? 'last' : 'this';
    const left = commitments.reduce((sum, c, i) => sum + (c.generation === generation ? remaining[i]! : 0), 0);
    let u = Math.floor(random.next() * left);
    const k = commitments.findIndex((c, i) => c.generation === generation && (u -= remaining[i]!) < 0);
    if (k === -1) throw new Error(`Plan incohérent : aucune attribution pour la prestation ${row} du lieu ${place.placeId}`);
    remaining[k]! -= 1;
    assigned[row] = k;
  }
  return assigned;
}

function describeRefusal(error: unknown): string {
  const cause = error instanceof TRPCError ? error.cause : undefined;
  if (cause instanceof RowErrors) return cause.rows.slice(0, 5).map((r) => `ligne ${r.row}${r.field ? ` (${r.field})` : ''} : ${r.message}`).join(' ; ');
  return error instanceof Error ? error.message : String(error);
}

export interface DeliveryProgress {
  done: number;
  total: number;
  perSecond: number;
}

export function recordDeliveries(
  db: Db,
  random: Random,
  ctx: { calendar: Calendar; seed: number; places: DeliveryPlace[]; onProgress: (progress: DeliveryProgress) => void },
): { rows: number; batches: number; seconds: number } {
  const { calendar } = ctx;
  const assignments = ctx.places.map((place) => assignCommitments(random, place));
  const choices = ctx.places.map((place) =>
    place.orderServices.map((named) => {
      const offered = named.filter((s) => place.services.includes(s));
      return offered.length > 0 ? offered : named;
    }),
  );
  const total = ctx.places.reduce((sum, p) => sum + p.plan.days.length, 0);
  const rounds = Math.max(0, ...ctx.places.map((p) => Math.ceil(p.plan.days.length / MAX_DELIVERY_BATCH)));
  const started = performance.now();
  const step = Math.max(1, Math.ceil(total / 20));
  let done = 0;
  let batches = 0;
  let nextReport = step;

  // Places take turns, each sending its next 1 000 deliveries: the tables fill roughly in date order.
  for (let round = 0; round < rounds; round++) {
    ctx.places.forEach((place, p) => {
      const { plan } = place;
      const rows: unknown[] = [];
      for (let row = round * MAX_DELIVERY_BATCH; row < Math.min(plan.days.length, (round + 1) * MAX_DELIVERY_BATCH); row++) {
        const commitment = assignments[p]![row]!;
        const services = choices[p]![commitment]!;
        const person = plan.persons[row]!;
        rows.push({
          awardId: place.commitments[commitment]!.awardId,
          quantity: 1,
          deliveredOn: calendar.days[plan.days[row]!],
          service: services[(person + plan.visits[row]!) % services.length],
          beneficiaryRef: pseudonym(place.organisationId, `L${place.placeId}-P${person + 1}`),
          idempotencyKey: uuidFrom(`national:${ctx.seed}:${place.placeId}:${row}`),
        });
      }
      if (rows.length === 0) return;
      try {
        recordDeliveryBatch(db, place.user, rows, calendar.today);
      } catch (error) {
        throw new Error(`Lot refusé pour le lieu ${place.placeId} : ${describeRefusal(error)}`, { cause: error });
      }
      done += rows.length;
      batches += 1;
      if (done >= nextReport || done === total) {
        nextReport += step;
        ctx.onProgress({ done, total, perSecond: done / ((performance.now() - started) / 1_000) });
      }
    });
  }
  return { rows: done, batches, seconds: (performance.now() - started) / 1_000 };
}
