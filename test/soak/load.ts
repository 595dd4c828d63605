import { SESSION_COOKIE } from '../../server/auth/cookie';
import { randomBytes, randomUUID } from 'node:crypto';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import Database from 'better-sqlite3';
import { and, asc, count, eq, inArray, like } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import * as schema from '../../db/schema';
import { DEMO_PASSWORD } from '../../db/seed/demo-logins';
import type { AppRouter } from '../../server/routers';
import { acceptsDeliveries, orderDepartements, todayIso, withinWindow } from '../../shared/domain/orders';
import type { ServiceName } from '../../shared/domain/services';

export type Api = ReturnType<typeof createTRPCClient<AppRouter>>;

export const api = (url: string, cookie?: string): Api =>
  createTRPCClient<AppRouter>({
    // Mutations must carry our own Origin (CSRF check), as a browser on the app's page would.
    links: [httpLink({ url: `${url}/trpc`, headers: { origin: url, ...(cookie ? { cookie } : {}) } })],
  });

interface Target {
  awardId: number;
  service: ServiceName;
  /** Deliveries this run may still record on the award (one short of its end, so no order completes mid-run). */
  budget: number;
}

export interface LoadPlan {
  roundId: number;
  actors: { email: string; targets: Target[] }[];
  budget: number;
}

/**
 * What the demo offers to record on, read from the database file before the load starts: the open
 * round, and the awards of demo actors' qualified places in its départements, on orders that touch
 * it and accept deliveries today. Each delivery there moves the round's public dashboard by one
 * service, which is what the clients check at the end. Actors are taken largest budget first,
 * at least `min` of them (several sessions write at once) and more until the run is covered,
 * up to `max` (under the sign-in limit per address).
 */
export function planLoad(databasePath: string, needed: number, actorsRange: { min: number; max: number }): LoadPlan {
  const { min: minActors, max: maxActors } = actorsRange;
  const sqlite = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    const db = drizzle(sqlite, { schema });
    const { fundingRounds, awards, places, memberships, users, serviceOrders } = schema;
    const round = db.select().from(fundingRounds).where(eq(fundingRounds.status, 'open')).orderBy(asc(fundingRounds.id)).get();
    if (!round) throw new Error('the demo has no open round');
    const today = todayIso();
    const rows = db
      .select({ email: users.email, award: awards, order: serviceOrders })
      .from(users)
      .innerJoin(memberships, eq(memberships.userId, users.id))
      .innerJoin(places, eq(places.organisationId, memberships.organisationId))
      .innerJoin(awards, eq(awards.placeId, places.id))
      .innerJoin(serviceOrders, eq(serviceOrders.id, awards.orderId))
      .where(and(like(users.email, '%@aptic.demo'), eq(places.status, 'qualified'), inArray(places.departementCode, round.departementCodes)))
      .orderBy(asc(awards.id))
      .all();
    const byActor = new Map<string, Target[]>();
    const seen = new Set<number>();
    for (const { email, award, order } of rows) {
      const budget = award.quantity - award.deliveredQuantity - 1;
      const touchesRound = order.roundId === round.id || orderDepartements(order).some((code) => round.departementCodes.includes(code));
      const open = acceptsDeliveries(order.status) && withinWindow(today, order) && today <= order.graceEndsOn;
      if (budget <= 0 || !touchesRound || !open || seen.has(award.id) || order.services.length === 0) continue;
      seen.add(award.id);
      byActor.set(email, [...(byActor.get(email) ?? []), { awardId: award.id, service: order.services[0]!, budget }]);
    }
    const total = (targets: Target[]) => targets.reduce((sum, t) => sum + t.budget, 0);
    const ranked = [...byActor].map(([email, targets]) => ({ email, targets })).sort((a, b) => total(b.targets) - total(a.targets));
    const actors: LoadPlan['actors'] = [];
    let budget = 0;
    for (const actor of ranked) {
      if ((budget >= needed && actors.length >= minActors) || actors.length >= maxActors) break;
      actors.push(actor);
      budget += total(actor.targets);
    }
    return { roundId: round.id, actors, budget };
  } finally {
    sqlite.close();
  }
}

const KEY_PREFIX = 'soak-';

/** Deliveries this run wrote, as the database has them: the truth when an answer timed out. */
export function countRecorded(databasePath: string): number {
  const sqlite = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    const { deliveries } = schema;
    return drizzle(sqlite, { schema }).select({ n: count() }).from(deliveries).where(like(deliveries.idempotencyKey, `${KEY_PREFIX}%`)).get()!.n;
  } finally {
    sqlite.close();
  }
}

/** Signs in over HTTP like the login form and returns the session cookie (`name=value`). */
export async function signIn(url: string, email: string, password = DEMO_PASSWORD): Promise<string> {
  const response = await fetch(`${url}/trpc/auth.signIn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ email, password }),
    signal: AbortSignal.timeout(15_000),
  });
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (!response.ok || !cookie) throw new Error(`sign-in of ${email} failed: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
  return cookie.split(';')[0]!;
}

export interface MutationRecord {
  /** Wall-clock time (ms) of the answer. */
  answeredAt: number;
  /** The server's stamp on the delivery row, written in the transaction: messages computed later include it. */
  committedAt: number | undefined;
  latencyMs: number;
  ok: boolean;
}

/**
 * Hands out one delivery at a time over the actors' awards in turn, each as its actor through
 * `deliveries.record`, with a fresh idempotency key and a fresh pseudonymous beneficiary.
 */
export function deliveryRecorder(url: string, plan: LoadPlan, cookies: Map<string, string>) {
  // Awards taken in turn across actors, so consecutive deliveries come from different sessions.
  const perActor = plan.actors.map((actor) => {
    const client = api(url, cookies.get(actor.email));
    return actor.targets.map((target) => ({ client, target }));
  });
  const longest = Math.max(0, ...perActor.map((entries) => entries.length));
  const queue = Array.from({ length: longest }, (_, i) => perActor.flatMap((entries) => entries[i] ?? [])).flat();
  const records: MutationRecord[] = [];
  const errors = new Map<string, number>();
  let turn = 0;
  const today = todayIso();

  function next() {
    for (let tried = 0; tried < queue.length; tried++) {
      const entry = queue[turn++ % queue.length]!;
      if (entry.target.budget > 0) {
        entry.target.budget--;
        return entry;
      }
    }
    return undefined;
  }

  return {
    records,
    errors,
    exhausted: () => queue.every((entry) => entry.target.budget <= 0),
    async recordOne(): Promise<void> {
      const entry = next();
      if (!entry) return;
      const started = performance.now();
      let committedAt: number | undefined;
      try {
        const answer = await entry.client.deliveries.record.mutate(
          {
            awardId: entry.target.awardId,
            quantity: 1,
            deliveredOn: today,
            service: entry.target.service,
            beneficiaryRef: randomBytes(16).toString('hex'),
            idempotencyKey: `${KEY_PREFIX}${randomUUID()}`,
          },
          { signal: AbortSignal.timeout(15_000) },
        );
        committedAt = Date.parse(answer.delivery.createdAt);
      } catch (error) {
        const key = error instanceof TRPCClientError ? `${error.data?.code ?? 'TRPC'}: ${error.message}` : String(error);
        errors.set(key, (errors.get(key) ?? 0) + 1);
      }
      records.push({ answeredAt: Date.now(), committedAt, latencyMs: performance.now() - started, ok: committedAt !== undefined });
    },
  };
}
