import type { EventPayloads, EventType, RoomMessage, RoomName } from '../../shared/events';

type Listener = (message: RoomMessage) => void;

/**
 * The one event bus (DESIGN §4). Services return what changed; routers publish here *after*
 * the transaction has committed. Each room numbers its messages so a client can see a gap.
 */
export class EventBus {
  private readonly seqByRoom = new Map<RoomName, number>();
  private readonly listeners = new Set<Listener>();

  publish<T extends EventType>(room: RoomName, type: T, payload: EventPayloads[T]): RoomMessage<T> {
    const seq = (this.seqByRoom.get(room) ?? 0) + 1;
    this.seqByRoom.set(room, seq);
    const message: RoomMessage<T> = { room, seq, type, payload, at: new Date().toISOString() };
    for (const listener of this.listeners) listener(message as RoomMessage);
    return message;
  }

  /** The last sequence number sent to a room: a client joining starts from it. */
  currentSeq(room: RoomName): number {
    return this.seqByRoom.get(room) ?? 0;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
