import { randomUUID } from 'node:crypto';
import { io as connect, type Socket } from 'socket.io-client';
import { expect } from 'vitest';
import type { Db } from '../../db/client';
import { SESSION_COOKIE } from '../../server/auth/cookie';
import type { EventBus } from '../../server/realtime/bus';
import { createSession } from '../../server/services/auth';
import type { ClientToServerEvents, EventType, JoinResult, RoomMessage, ServerToClientEvents } from '../../shared/events';

/**
 * Small helpers of the pass realtime tests: browsers as a session cookie and a real socket.io
 * client that keeps everything it receives (the tRPC client over HTTP is the soak's, test/soak/load.ts).
 */

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Every wait of these tests is bounded by this (a loaded CI machine included). */
export const WAIT_MS = 5_000;

/** A browser's session cookie for the user (the slow scrypt sign-in is covered elsewhere). */
export const sessionCookie = (db: Db, userId: number) => `${SESSION_COOKIE}=${createSession(db, userId, 1).token}`;

export interface LiveClient {
  socket: ClientSocket;
  /** Every message received since the socket connected, in arrival order. */
  inbox: RoomMessage[];
  join(room: string): Promise<JoinResult>;
  /** The messages of one type received in one room, in arrival order. */
  of<T extends EventType>(room: string, type: T): RoomMessage<T>[];
  /** Waits (bounded) for a message of `type` in `room` that satisfies `match`, and returns the first such. */
  waitFor<T extends EventType>(room: string, type: T, match?: (m: RoomMessage<T>) => boolean): Promise<RoomMessage<T>>;
}

/** A connected socket.io client (WebSocket only, no reconnection), signed in when given a cookie. */
export async function openLive(url: string, cookie: string | undefined, opened: ClientSocket[]): Promise<LiveClient> {
  const socket: ClientSocket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: cookie ? { cookie } : {} });
  opened.push(socket);
  const inbox: RoomMessage[] = [];
  socket.on('event', (m) => inbox.push(m));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('socket did not connect in time')), WAIT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  const of = <T extends EventType>(room: string, type: T) => inbox.filter((m): m is RoomMessage<T> => m.room === room && m.type === type);
  return {
    socket,
    inbox,
    of,
    join: (room) =>
      new Promise<JoinResult>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer to join ${room}`)), WAIT_MS);
        socket.emit('join', room, (result) => {
          clearTimeout(timer);
          resolve(result);
        });
      }),
    async waitFor(room, type, match = () => true) {
      try {
        await expect.poll(() => of(room, type).some(match), { timeout: WAIT_MS, interval: 20 }).toBe(true);
      } catch {
        const seen = inbox.filter((m) => m.room === room).map((m) => ({ seq: m.seq, type: m.type, payload: m.payload }));
        throw new Error(`No matching ${type} in ${room} within ${WAIT_MS} ms; received there: ${JSON.stringify(seen)}`);
      }
      return of(room, type).find(match)!;
    },
  };
}

/**
 * A fence instead of a fixed sleep. Everything already published goes out first (the bus holds a
 * busy room's messages for its window), then a notice to `room`: once every client has it,
 * whatever a write published before — to this room or any other — has been sent too. Returns
 * each client's copy (its `seq` tells whether anything came in between in that room).
 */
export async function fence(bus: EventBus, room: string, clients: LiveClient[]): Promise<RoomMessage<'notice'>[]> {
  bus.flushAll();
  const message = `fence ${randomUUID()}`;
  bus.publish(room, 'notice', { message });
  return Promise.all(clients.map((c) => c.waitFor(room, 'notice', (m) => m.payload.message === message)));
}
