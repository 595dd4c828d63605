import { batch, createEffect, createResource, createSignal } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import type { RoundActivity } from '../../shared/events';
import {
  fetchNationalDashboard,
  fetchPublicNationalDashboard,
  fetchPublicRoundDashboard,
  fetchRoundActivity,
  fetchRoundDashboard,
  type NationalDashboard,
  type RoundDashboard,
} from './api/dashboards';
import { useRoom } from './realtime';
import { valueOf } from './resource';

/** Who is looking: a signed-in participant (full dashboard) or anyone (whitelisted aggregates). */
export type Audience = 'member' | 'public';

const FEED_LENGTH = 30;

/**
 * A refetch answer may leave the server before a message that arrives first: once a message was
 * applied after the refetch began, the (older) answer is dropped — messages carry whole states.
 */
function newerThanFetch() {
  let since = false;
  return {
    fetching: () => (since = false),
    message: () => (since = true),
    messageSinceFetch: () => since,
  };
}

/** The feed after one new line: the server keeps one line per order and kind, newest first. */
export function mergeActivity(feed: readonly RoundActivity[], item: RoundActivity): RoundActivity[] {
  return [item, ...feed.filter((f) => !(f.orderId === item.orderId && f.kind === item.kind))].slice(0, FEED_LENGTH);
}

/**
 * A round's dashboard and activity feed, live. Each `round.updated` message carries the whole new
 * state (the server coalesces bursts), so it is applied as is; a gap in the room's sequence or a
 * reconnect refetches both. The dashboard lives in a store merged with `reconcile`, so the
 * elements on screen (a focused département of the map) survive an update.
 */
export function useLiveRound(roundId: number, audience: Audience) {
  const [resource, { refetch }] = createResource(() => roundId, audience === 'public' ? fetchPublicRoundDashboard : fetchRoundDashboard);
  const [feedResource, { refetch: refetchFeed }] = createResource(() => roundId, fetchRoundActivity);
  const [state, setState] = createStore<{ dashboard?: RoundDashboard }>({});
  const [feed, setFeed] = createSignal<RoundActivity[]>([]);
  const apply = (dashboard: RoundDashboard) => setState('dashboard', reconcile(dashboard, { key: 'code' }));
  const fresher = newerThanFetch();

  createEffect(() => {
    const fresh = valueOf(resource);
    if (fresh && !fresher.messageSinceFetch()) apply(fresh);
  });
  createEffect(() => {
    const fresh = valueOf(feedResource);
    if (fresh) setFeed(fresh);
  });

  const room = audience === 'public' ? `public:round:${roundId}` : `round:${roundId}`;
  const reload = () => {
    fresher.fetching();
    void refetch();
    void refetchFeed();
  };
  useRoom(
    room,
    'round.updated',
    (message) => {
      // The payload is the server's dashboard (whitelisted in the public room): the same shape,
      // and the feed lines changed since the previous message, applied in the same update.
      if (message.payload.roundId !== roundId) return;
      fresher.message();
      batch(() => {
        apply(message.payload.dashboard as unknown as RoundDashboard);
        if (message.payload.activity.length) setFeed((list) => message.payload.activity.reduce(mergeActivity, list));
      });
    },
    reload,
  );

  return {
    dashboard: () => state.dashboard,
    error: () => resource.error as unknown,
    feed,
  };
}

/** The national dashboard, live on the operator's `national` room or the public `public` room. */
export function useLiveNational(audience: Audience) {
  // The public copy has the same aggregates, picked field by field from a whitelist.
  const fetchPublic = () => fetchPublicNationalDashboard() as unknown as Promise<NationalDashboard>;
  const [resource, { refetch }] = createResource(audience === 'public' ? fetchPublic : fetchNationalDashboard);
  const [state, setState] = createStore<{ dashboard?: NationalDashboard }>({});
  const apply = (dashboard: NationalDashboard) => setState('dashboard', reconcile(dashboard, { key: 'code' }));
  const fresher = newerThanFetch();
  createEffect(() => {
    const fresh = valueOf(resource);
    if (fresh && !fresher.messageSinceFetch()) apply(fresh);
  });
  useRoom(
    audience === 'public' ? 'public' : 'national',
    'national.updated',
    (message) => {
      // Only the year on screen: another year's update would replace it.
      if (message.payload.year !== state.dashboard?.year) return;
      fresher.message();
      apply(message.payload.dashboard as unknown as NationalDashboard);
    },
    () => {
      fresher.fetching();
      void refetch();
    },
  );
  return {
    dashboard: () => state.dashboard,
    error: () => resource.error as unknown,
  };
}
