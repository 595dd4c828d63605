import type { EventPayloads, EventType, RoomMessage, RoomName } from '../../shared/events';

type Listener = (message: RoomMessage) => void;

interface Pending {
  type: EventType;
  make: () => unknown;
}

interface RoomState {
  lastFlushAt: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Keyed by `type:key`: a newer message of the same key replaces the older one. */
  pending: Map<string, Pending>;
}

let uniqueKey = 0;

/** What makes two messages "the same thing, newer": one place-year's figures, one order, one draft… */
function defaultKey<T extends EventType>(type: T, payload: EventPayloads[T]): string {
  const p = payload as Record<string, unknown>;
  switch (type) {
    case 'place.figures':
      return `${p.placeId}:${p.year}`;
    case 'place.status':
      return String(p.placeId);
    case 'order.updated':
      return String(p.orderId);
    case 'draft.updated':
    case 'draft.presence':
      return String(p.bidId);
    case 'national.updated':
      return String(p.year);
    case 'round.updated':
      return String(p.roundId);
    default:
      return `unique:${++uniqueKey}`; // steps that each matter (a membership change, a notice)
  }
}

/**
 * The one event bus (DESIGN §4). Routers publish here *after* the transaction has committed.
 * Each room numbers its messages so a client can see a gap and refetch.
 *
 * Bursts are coalesced per room: the first message of a quiet room goes out at once, then a room
 * flushes at most once per window, sending only the latest message of each key (one place's
 * figures, one order…). A bulk import of thousands of deliveries thus reaches a dashboard as a
 * few messages per second whose last state is the current one. Lazy payloads are computed once
 * per flush, not once per write.
 */
/** Whose sockets to check again: a user's, or the members of some organisations. */
export interface RightsScope {
  userId?: number;
  organisationIds?: number[];
}

export class EventBus {
  private readonly seqByRoom = new Map<RoomName, number>();
  private readonly rooms = new Map<RoomName, RoomState>();
  private readonly listeners = new Set<Listener>();

  /** Tells whether anyone listens to a room: lazy payloads of empty rooms are not computed. */
  private hasAudience: (room: RoomName) => boolean = () => true;

  constructor(private readonly windowMs = 250) {}

  setAudience(hasAudience: (room: RoomName) => boolean): void {
    this.hasAudience = hasAudience;
  }

  publish<T extends EventType>(room: RoomName, type: T, payload: EventPayloads[T], key = defaultKey(type, payload)): void {
    this.enqueue(room, type, key, () => payload);
  }

  /** A message whose payload is computed when the room flushes (dashboard aggregates). */
  publishLazy<T extends EventType>(room: RoomName, type: T, key: string, make: () => EventPayloads[T]): void {
    if (!this.hasAudience(room)) {
      // Nobody would read it, so it is not computed — but it still counts: a client that was
      // away and joins again sees from the sequence number that the room moved, and refetches.
      this.seqByRoom.set(room, (this.seqByRoom.get(room) ?? 0) + 1);
      return;
    }
    this.enqueue(room, type, key, make);
  }

  /** The last sequence number sent to a room: a client joining starts from it. */
  currentSeq(room: RoomName): number {
    return this.seqByRoom.get(room) ?? 0;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private readonly rightsListeners = new Set<(scope: RightsScope) => void>();

  /**
   * Someone's rights changed (a session ended, a place left a partnership): sockets in scope
   * have their session and rooms checked again now, before any later message is sent.
   */
  rightsChanged(scope: RightsScope): void {
    for (const listener of this.rightsListeners) listener(scope);
  }

  onRightsChanged(listener: (scope: RightsScope) => void): () => void {
    this.rightsListeners.add(listener);
    return () => this.rightsListeners.delete(listener);
  }

  /** Sends everything pending now (tests, shutdown). */
  flushAll(): void {
    for (const room of this.rooms.keys()) this.flush(room);
  }

  private enqueue(room: RoomName, type: EventType, key: string, make: () => unknown): void {
    let state = this.rooms.get(room);
    if (!state) this.rooms.set(room, (state = { lastFlushAt: 0, timer: undefined, pending: new Map() }));
    const id = `${type}:${key}`;
    state.pending.delete(id); // re-inserted last: messages keep the order of their latest change
    state.pending.set(id, { type, make });
    if (state.timer) return;
    const wait = state.lastFlushAt + this.windowMs - Date.now();
    if (wait <= 0) this.flush(room);
    else state.timer = setTimeout(() => this.flush(room), wait);
  }

  private flush(room: RoomName): void {
    const state = this.rooms.get(room);
    if (!state) return;
    if (state.timer) clearTimeout(state.timer);
    state.timer = undefined;
    state.lastFlushAt = Date.now();
    const pending = [...state.pending.values()];
    state.pending.clear();
    for (const { type, make } of pending) {
      const seq = (this.seqByRoom.get(room) ?? 0) + 1;
      this.seqByRoom.set(room, seq);
      const message = { room, seq, type, payload: make(), at: new Date().toISOString() } as RoomMessage;
      for (const listener of this.listeners) listener(message);
    }
    // A quiet room is forgotten (its sequence number stays): memory follows the active rooms.
    if (state.pending.size === 0) setTimeout(() => this.forgetIfQuiet(room), this.windowMs * 4).unref?.();
  }

  private forgetIfQuiet(room: RoomName): void {
    const state = this.rooms.get(room);
    if (state && !state.timer && state.pending.size === 0 && Date.now() - state.lastFlushAt >= this.windowMs * 4) this.rooms.delete(room);
  }
}
