import { ORDER_STATUSES } from '../../../shared/domain/enums';
import { PUBLIC_PROOF_FIELDS, PUBLIC_ROUND_FIELDS } from '../../../shared/domain/dashboards';

/**
 * The public aggregate whitelist as a tree, to walk whatever a signed-out viewer receives
 * (tRPC answers and socket messages alike): `true` is a primitive leaf, `[shape]` an array of
 * items of that shape, an object the only keys allowed at that level.
 */
export type Shape = true | readonly [Shape] | { readonly [key: string]: Shape };

const leaves = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, true as const]));
const STATUS_COUNTS = leaves(['fragile', 'consolidated', 'saturated']);
const RANGE = leaves(['below', 'within', 'above']);

export const PUBLIC_DASHBOARD_SHAPE: Shape = {
  round: { ...leaves(PUBLIC_ROUND_FIELDS.round), departementCodes: [true] },
  year: true,
  money: leaves(PUBLIC_ROUND_FIELDS.money),
  /** Delivered services and those self-declared (no pass): two counts. */
  proof: leaves(PUBLIC_PROOF_FIELDS),
  ordersByStatus: leaves(ORDER_STATUSES),
  places: {
    ...leaves(PUBLIC_ROUND_FIELDS.places),
    byStatus: STATUS_COUNTS,
    byProjectedStatus: STATUS_COUNTS,
    histogram: [leaves(['fromCents', 'toCents', 'count', 'status'])],
    servicesRange: RANGE,
    peopleRange: RANGE,
  },
  departements: [leaves(PUBLIC_ROUND_FIELDS.departement)],
};

/** The fields of one line of a round's live feed: order title and amounts, never a person. */
export const ACTIVITY_FIELDS = ['roundId', 'orderId', 'kind', 'orderTitle', 'count', 'amountCents', 'at'] as const;

export const PUBLIC_MESSAGE_SHAPES: Record<string, Shape> = {
  'round.updated': { roundId: true, dashboard: PUBLIC_DASHBOARD_SHAPE, activity: [leaves(ACTIVITY_FIELDS)] },
  notice: { message: true },
};

/** Every path of `value` that the shape does not allow (an empty list means: only whitelisted fields). */
export function fieldsOutside(value: unknown, shape: Shape, path = '$'): string[] {
  if (shape === true) {
    return value === null || ['string', 'number', 'boolean'].includes(typeof value) ? [] : [`${path} (not a plain value)`];
  }
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return [`${path} (not a list)`];
    return value.flatMap((item, i) => fieldsOutside(item, shape[0] as Shape, `${path}[${i}]`));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path} (not an object)`];
  const allowed = shape as Record<string, Shape>;
  return Object.entries(value).flatMap(([key, v]) => (key in allowed ? fieldsOutside(v, allowed[key]!, `${path}.${key}`) : [`${path}.${key}`]));
}
