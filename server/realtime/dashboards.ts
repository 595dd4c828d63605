import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { preparedFor } from '../../db/prepared';
import { fundingRounds, serviceOrders } from '../../db/schema';
import { toPublicNationalDashboard, toPublicRoundDashboard } from '../../shared/domain/dashboards';
import { orderDepartements } from '../../shared/domain/orders';
import type { RoundActivity } from '../../shared/events';
import type { RatioConfig } from '../../shared/ratio';
import { nationalDashboard, roundDashboard, type RoundDashboard } from '../services/dashboards';
import type { EventBus } from './bus';

/**
 * Live dashboards: after a committed change, every open round whose territory it touches and the
 * national view are marked for an update. The payload is computed lazily, once per room flush and
 * only for rooms someone watches; the public rooms get the whitelisted aggregates.
 */
export interface DashboardContext {
  bus: EventBus;
  db: Db;
  ratio: RatioConfig;
}

const FEED_LENGTH = 30;

// Every recorded delivery publishes: prepared once per connection, not rebuilt per call.
const statements = preparedFor((db) => ({
  openRounds: db.select().from(fundingRounds).where(eq(fundingRounds.status, 'open')).prepare(),
  order: db
    .select({
      id: serviceOrders.id,
      roundId: serviceOrders.roundId,
      title: serviceOrders.title,
      departementCodes: serviceOrders.departementCodes,
      communeCodes: serviceOrders.communeCodes,
    })
    .from(serviceOrders)
    .where(eq(serviceOrders.id, sql.placeholder('id')))
    .prepare(),
}));
const feeds = new WeakMap<EventBus, Map<number, RoundActivity[]>>();

/** The latest activity lines of a round, newest first (kept in memory: a live feed of the event). */
export function roundActivity(bus: EventBus, roundId: number): RoundActivity[] {
  return [...(feeds.get(bus)?.get(roundId) ?? [])];
}

function remember(bus: EventBus, item: RoundActivity): RoundActivity {
  let byRound = feeds.get(bus);
  if (!byRound) feeds.set(bus, (byRound = new Map()));
  const feed = byRound.get(item.roundId) ?? [];
  // One line per order and kind: a burst of deliveries updates its line (running totals) instead
  // of adding lines.
  const previous = feed.find((f) => f.orderId === item.orderId && f.kind === item.kind);
  const merged = previous && item.kind === 'deliveries' ? { ...item, count: previous.count + item.count, amountCents: previous.amountCents + item.amountCents } : item;
  byRound.set(item.roundId, [merged, ...feed.filter((f) => f !== previous)].slice(0, FEED_LENGTH));
  return merged;
}

/** Per room, the feed lines changed since its last message (one per order and kind, latest state). */
const unsent = new WeakMap<EventBus, Map<string, Map<string, RoundActivity>>>();

function queueActivity(bus: EventBus, room: string, line: RoundActivity): void {
  let byRoom = unsent.get(bus);
  if (!byRoom) unsent.set(bus, (byRoom = new Map()));
  let lines = byRoom.get(room);
  if (!lines) byRoom.set(room, (lines = new Map()));
  const key = `${line.orderId}:${line.kind}`;
  lines.delete(key); // re-inserted last: lines keep the order of their latest change
  lines.set(key, line);
}

/** The lines queued for a room, taken when its message is built (at flush). */
function takeActivity(bus: EventBus, room: string): RoundActivity[] {
  const lines = unsent.get(bus)?.get(room);
  unsent.get(bus)?.delete(room);
  return lines ? [...lines.values()] : [];
}

export function publishDashboards(
  ctx: DashboardContext,
  change: { departementCodes: readonly string[]; orderId?: number; activity?: Pick<RoundActivity, 'kind' | 'count' | 'amountCents'> },
): void {
  const { bus, db, ratio } = ctx;
  const open = statements(db).openRounds.all();
  publishRounds(ctx, open, change.departementCodes, change.orderId, change.activity);
  const year = new Date().getUTCFullYear();
  bus.publishLazy('national', 'national.updated', String(year), () => ({ year, dashboard: nationalDashboard(db, year, ratio) }));
  bus.publishLazy('public', 'national.updated', String(year), () => ({ year, dashboard: toPublicNationalDashboard(nationalDashboard(db, year, ratio)) }));
}

/** Marks the given rounds' dashboards (private and public rooms) for an update, with an activity line. */
export function publishRounds(
  ctx: DashboardContext,
  rounds: (typeof fundingRounds.$inferSelect)[],
  departementCodes: readonly string[],
  orderId?: number,
  activity?: Pick<RoundActivity, 'kind' | 'count' | 'amountCents'>,
): void {
  const { bus, db, ratio } = ctx;
  const change = { departementCodes, orderId, activity };
  const open = rounds;
  const order = change.orderId ? statements(db).order.get({ id: change.orderId }) : undefined;
  for (const round of open) {
    const touched = order?.roundId === round.id || change.departementCodes.some((code) => round.departementCodes.includes(code));
    if (!touched) continue;
    const line = order && order.roundId === round.id && change.activity
      ? remember(bus, { roundId: round.id, orderId: order.id, orderTitle: order.title, at: new Date().toISOString(), ...change.activity })
      : undefined;
    const rooms = [
      [`round:${round.id}`, (dashboard: RoundDashboard): Record<string, unknown> => dashboard],
      [`public:round:${round.id}`, (dashboard: RoundDashboard): Record<string, unknown> => toPublicRoundDashboard(dashboard)],
    ] as const;
    for (const [room, shape] of rooms) {
      if (line) queueActivity(bus, room, line);
      bus.publishLazy(room, 'round.updated', String(round.id), () => ({
        roundId: round.id,
        dashboard: shape(roundDashboard(db, round.id, ratio)),
        activity: takeActivity(bus, room),
      }));
    }
  }
}

/** The départements an order touches, for the dashboards it moves. */
export function departementsOfOrder(db: Db, orderId: number): string[] {
  const order = statements(db).order.get({ id: orderId });
  return order ? orderDepartements(order) : [];
}

/** The dashboard context of a request. */
export const dashboardContext = (ctx: { bus: EventBus; db: Db; config: { ratio: RatioConfig } }): DashboardContext => ({
  bus: ctx.bus,
  db: ctx.db,
  ratio: ctx.config.ratio,
});
