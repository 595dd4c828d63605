import type { Db } from '../../../db/client';
import { preparedFor } from '../../../db/prepared';
import { acceptsDeliveries, todayIso } from '../../../shared/domain/orders';
import type { RedeemPassInput } from '../../../shared/schemas/passes';
import type { RateLimiter } from '../../auth/rate-limit';
import { conflict, fieldError, forbidden, tooManyWrongCodes } from '../../errors';
import type { SessionUser } from '../auth';
import { deliveryByKey, recordDelivery, type DeliveryResult } from '../deliveries';
import { passOrder } from './booklets';
import { passKeys } from './secret';

/**
 * The one answer for a code that is not a live pass of an order awarded to this place, whether
 * it exists elsewhere or nowhere: a place learns nothing about other places' pass.
 */
export const UNKNOWN_PASS_MESSAGE = 'Ce code ne correspond à aucun pass valable dans ce lieu : vérifiez-le avec la personne, ou orientez-la vers son prescripteur';

const statements = preparedFor((db) => ({
  place: db.$client.prepare<[number], { organisationId: number }>('select organisation_id as organisationId from places where id = ?'),
  pass: db.$client.prepare<[string], { id: number; bookletId: number; orderId: number; deliveryId: number | null }>(
    'select id, booklet_id as bookletId, order_id as orderId, delivery_id as deliveryId from passes where code_hash = ?',
  ),
  awardsHere: db.$client.prepare<[number, number], { id: number; remaining: number }>(
    `select id, quantity - delivered_quantity as remaining from awards where order_id = ? and place_id = ?
       order by quantity - delivered_quantity desc, id`,
  ),
  deliveryPlace: db.$client.prepare<[number], { placeId: number; organisationId: number; deliveredOn: string }>(
    `select d.place_id as placeId, p.organisation_id as organisationId, d.delivered_on as deliveredOn
       from deliveries d join places p on p.id = d.place_id where d.id = ?`,
  ),
  redeemed: db.$client.prepare<[number, string, number]>('update passes set delivery_id = ?, redeemed_at = ? where id = ? and delivery_id is null'),
}));


export interface RedeemResult extends DeliveryResult {
  bookletId: number;
}

type Located = {
  pass: { id: number; bookletId: number; orderId: number; deliveryId: number | null };
  awards: { id: number; remaining: number }[];
};

/**
 * The caller's place and the limit first, then the pass: a code that is no pass of an order
 * awarded to this place is `undefined`, whatever the reason. Inside the caller's transaction.
 */
function locate(db: Db, codeHash: string, placeId: number): Located | undefined {
  const q = statements(db);
  const pass = q.pass.get(codeHash);
  const awards = pass ? q.awardsHere.all(pass.orderId, placeId) : [];
  return pass && awards.length ? { pass, awards } : undefined;
}

/** Who calls for which place, under which limit: refuses a stranger, then a caller over the limit. */
function guard(db: Db, user: SessionUser, placeId: number, wrongCodes: RateLimiter) {
  const place = statements(db).place.get(placeId);
  if (!place || !user.memberships.some((m) => m.organisationId === place.organisationId)) throw forbidden();
  const limitKey = `user:${user.id}`;
  const wait = wrongCodes.retryAfter(limitKey);
  if (wait > 0) throw tooManyWrongCodes(wait);
  return {
    place,
    /** A wrong code: counted, then the one message. */
    wrong() {
      wrongCodes.hit(limitKey);
      return fieldError('code', UNKNOWN_PASS_MESSAGE);
    },
  };
}

/** Why a located pass cannot be redeemed here today, in French; undefined when it can. */
function refusal(db: Db, found: Located, organisationId: number, today: string): string | undefined {
  const { pass, awards } = found;
  if (pass.deliveryId !== null) {
    const first = statements(db).deliveryPlace.get(pass.deliveryId)!;
    return first.organisationId === organisationId ? undefined : `Ce pass a déjà été utilisé, le ${first.deliveredOn}`;
  }
  const order = passOrder(db, pass.orderId)!;
  if (!acceptsDeliveries(order.status) || today > order.graceEndsOn) return `Ce pass a expiré : il était valable jusqu’au ${order.graceEndsOn}`;
  if (today < order.deliveryStartsOn) return `Ce pass sera valable à partir du ${order.deliveryStartsOn}`;
  if (!awards.some((a) => a.remaining > 0)) return 'Votre attribution sur cette commande est entièrement réalisée : plus de pass à encaisser ici';
  return undefined;
}

/**
 * What the counter sees after typing a code, before confirming: the order it pays for and the
 * services to choose from — or why it cannot be used. Nothing is written; a wrong code counts
 * against the limit exactly as at redemption.
 */
export function checkPass(db: Db, user: SessionUser, input: { placeId: number; code: string }, wrongCodes: RateLimiter, today = todayIso()) {
  const { place, wrong } = guard(db, user, input.placeId, wrongCodes);
  const found = locate(db, passKeys(db).hash(input.code), input.placeId);
  if (!found) throw wrong();
  const order = passOrder(db, found.pass.orderId)!;
  const problem = refusal(db, found, place.organisationId, today);
  return {
    orderId: order.id,
    orderTitle: order.title,
    services: JSON.parse(order.services) as string[],
    validUntil: order.graceEndsOn,
    /** Already redeemed by this actor: confirming again returns that first delivery. */
    alreadyRedeemed: found.pass.deliveryId !== null && !problem,
    problem: problem ?? null,
  };
}

/**
 * Redeems a pass at a place and records its delivery in the same transaction (one service, the
 * pass's order, an award of this place — its own line or its partnership's). Redeeming the same
 * code again at the same actor returns the first result and counts once. A code that is no pass
 * of an order awarded here gets one message whatever the reason, and counts against the caller's
 * wrong-code limit; past the limit every attempt is refused until the hour is over.
 */
export function redeemPass(db: Db, user: SessionUser, input: RedeemPassInput, wrongCodes: RateLimiter, today = todayIso()): RedeemResult {
  const q = statements(db);
  const { place, wrong } = guard(db, user, input.placeId, wrongCodes);
  const codeHash = passKeys(db).hash(input.code);
  // Checked and written in one transaction: two counters typing the same code at once get one
  // delivery, and the second sees the first's result.
  const outcome = db.transaction(() => {
    const found = locate(db, codeHash, input.placeId);
    if (!found) return undefined;
    const problem = refusal(db, found, place.organisationId, today);
    if (problem) throw conflict(problem);
    const { pass, awards } = found;
    if (pass.deliveryId !== null) {
      // The same pass again at this actor: the first delivery, counted once.
      const delivery = deliveryByKey(db, passKey(pass.id))!;
      return { delivery, replayed: true, orderId: delivery.orderId, placeId: delivery.placeId, figures: [], bookletId: pass.bookletId };
    }
    const order = passOrder(db, pass.orderId)!;
    const result = recordDelivery(
      db,
      user,
      {
        awardId: awards.find((a) => a.remaining > 0)!.id,
        quantity: 1,
        // At the counter the service is today's; during the grace month, the window's last day unless told.
        deliveredOn: input.deliveredOn ?? (today <= order.deliveryEndsOn ? today : order.deliveryEndsOn),
        service: input.service,
        beneficiaryRef: passKeys(db).pseudonym(pass.bookletId),
        idempotencyKey: passKey(pass.id),
      },
      today,
      'pass',
    );
    q.redeemed.run(result.delivery.id, new Date().toISOString(), pass.id);
    return { ...result, bookletId: pass.bookletId };
  });
  if (!outcome) throw wrong();
  return outcome;
}

/**
 * The idempotency key of a pass's delivery: one pass, one delivery, whatever the retries. The
 * colon is outside the keys clients may send (IDEMPOTENCY_KEY_PATTERN), so none can take it.
 */
const passKey = (passId: number) => `pass:${passId}`;
