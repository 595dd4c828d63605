import { createSignal, onCleanup } from 'solid-js';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, EventType, RoomMessage, ServerToClientEvents } from '../../shared/events';

/** One socket for the whole page, on the same origin as the app (the session cookie goes with it). */
const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({ autoConnect: true, transports: ['websocket', 'polling'] });

const [connected, setConnected] = createSignal(false);
export { connected };

const joined = new Set<string>();
const lastSeq = new Map<string, number>();
const gapListeners = new Map<string, Set<() => void>>();

let connectedBefore = false;

socket.on('connect', () => {
  setConnected(true);
  // After a reconnect, rejoin and let every room refetch: messages may have been missed while
  // away, whatever the sequence numbers say (DESIGN §4).
  for (const room of joined) join(room, connectedBefore);
  connectedBefore = true;
});
socket.on('disconnect', () => setConnected(false));

socket.on('event', (message) => {
  const previous = lastSeq.get(message.room);
  lastSeq.set(message.room, message.seq);
  if (previous !== undefined && message.seq !== previous + 1) for (const refetch of gapListeners.get(message.room) ?? []) refetch();
});

function join(room: string, afterReconnect = false) {
  socket.emit('join', room, (result) => {
    if (!result.ok) return;
    const previous = lastSeq.get(room);
    lastSeq.set(room, result.seq);
    const missed = previous !== undefined && previous !== result.seq;
    if (missed || afterReconnect) for (const refetch of gapListeners.get(room) ?? []) refetch();
  });
}

export function reconnectRealtime() {
  socket.disconnect();
  socket.connect();
}

/**
 * Follows a room while the calling component lives: `onEvent` for each message, `refetch` when
 * a gap in the sequence shows that messages were missed (reconnect, sleep…).
 */
export function useRoom<T extends EventType>(
  room: string,
  type: T,
  onEvent: (message: RoomMessage<T>) => void,
  refetch: () => void,
) {
  joined.add(room);
  let listeners = gapListeners.get(room);
  if (!listeners) gapListeners.set(room, (listeners = new Set()));
  listeners.add(refetch);
  if (socket.connected) join(room);
  const handler = (message: RoomMessage) => {
    if (message.room === room && message.type === type) onEvent(message as RoomMessage<T>);
  };
  socket.on('event', handler);
  onCleanup(() => {
    socket.off('event', handler);
    listeners.delete(refetch);
    if (listeners.size === 0) {
      joined.delete(room);
      socket.emit('leave', room);
    }
  });
}
