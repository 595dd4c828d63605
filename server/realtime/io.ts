import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { RoomName, type ClientToServerEvents, type JoinResult, type ServerToClientEvents } from '../../shared/events';
import { readSessionToken } from '../auth/cookie';
import { isAllowedOrigin } from '../auth/origin';
import type { AppDeps } from '../context';
import { resolveSession, type SessionUser } from '../services/auth';
import { canJoinRoom } from './rooms';

interface SocketData {
  user: SessionUser | undefined;
  token: string | undefined;
}

/** Every socket's session and rooms are checked again this often, besides the targeted checks. */
const RECHECK_MS = 30_000;

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/**
 * socket.io on the same HTTP server as Hono. The handshake reads the session cookie; a socket
 * without one is still accepted but may only join the public, aggregate-only rooms.
 */
export function attachRealtime(httpServer: HttpServer, deps: AppDeps): RealtimeServer {
  const io: RealtimeServer = new Server(httpServer, {
    serveClient: false,
    // Cross-site WebSocket hijacking defence: the same Origin rule as tRPC mutations.
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      const secure = deps.config.TRUST_PROXY && req.headers['x-forwarded-proto'] === 'https';
      const ok = !origin || isAllowedOrigin(origin, { host: req.headers.host, protocol: secure ? 'https:' : 'http:' }, deps.config.ALLOWED_ORIGINS);
      callback(ok ? null : 'origin not allowed', ok);
    },
  });

  io.use((socket, next) => {
    const token = readSessionToken(socket.handshake.headers.cookie);
    socket.data.token = token;
    socket.data.user = resolveSession(deps.db, token);
    next();
  });

  io.on('connection', (socket) => {
    socket.on('join', (room, ack) => {
      if (typeof ack !== 'function') return;
      const parsed = RoomName.safeParse(room);
      let result: JoinResult;
      if (!parsed.success) result = { ok: false, room: String(room).slice(0, 40), error: 'invalid_room' };
      else if (!canJoinRoom(deps.db, socket.data.user, parsed.data)) result = { ok: false, room: parsed.data, error: 'forbidden' };
      else {
        void socket.join(parsed.data);
        result = { ok: true, room: parsed.data, seq: deps.bus.currentSeq(parsed.data) };
      }
      ack(result);
      if (result.ok) announcePresence(result.room);
    });

    socket.on('leave', (room, ack) => {
      const parsed = RoomName.safeParse(room);
      if (parsed.success) void socket.leave(parsed.data);
      if (typeof ack === 'function') ack({ ok: parsed.success });
      if (parsed.success) announcePresence(parsed.data);
    });

    // Once the socket has left its rooms, tell the drafts it had open who is still there.
    socket.on('disconnecting', () => {
      const rooms = [...socket.rooms].filter((room) => room.startsWith('draft:'));
      setImmediate(() => rooms.forEach(announcePresence));
    });
  });

  /** Presence in a draft room: the distinct signed-in users whose sockets are in it. */
  function announcePresence(room: string) {
    if (!room.startsWith('draft:')) return;
    const viewers = new Map<number, { userId: number; name: string }>();
    for (const socketId of io.sockets.adapter.rooms.get(room) ?? []) {
      const user = io.sockets.sockets.get(socketId)?.data.user;
      if (user) viewers.set(user.id, { userId: user.id, name: user.name });
    }
    deps.bus.publish(room, 'draft.presence', { bidId: Number(room.slice('draft:'.length)), viewers: [...viewers.values()] });
  }

  /**
   * Rights are read at join, and read again when they may have changed: a socket whose session
   * ended is disconnected (the client reconnects signed out), and leaves every room it may no
   * longer join (a place that left a partnership stops receiving its drafts).
   */
  function recheck(socket: (typeof io.sockets.sockets extends Map<string, infer S> ? S : never)) {
    const user = resolveSession(deps.db, socket.data.token);
    if (socket.data.user && !user) {
      socket.disconnect(true);
      return;
    }
    socket.data.user = user;
    for (const room of socket.rooms) {
      if (room !== socket.id && !canJoinRoom(deps.db, user, room)) {
        void socket.leave(room);
        announcePresence(room);
      }
    }
  }
  const unsubscribeRights = deps.bus.onRightsChanged((scope) => {
    for (const socket of io.sockets.sockets.values()) {
      const user = socket.data.user;
      if (!user) continue;
      const inScope = user.id === scope.userId || user.memberships.some((m) => scope.organisationIds?.includes(m.organisationId));
      if (inScope) recheck(socket);
    }
  });
  const timer = setInterval(() => {
    for (const socket of io.sockets.sockets.values()) if (socket.data.user) recheck(socket);
  }, RECHECK_MS);
  timer.unref();

  deps.bus.setAudience((room) => (io.sockets.adapter.rooms.get(room)?.size ?? 0) > 0);
  const unsubscribe = deps.bus.subscribe((message) => io.to(message.room).emit('event', message));
  httpServer.on('close', () => {
    unsubscribe();
    unsubscribeRights();
    clearInterval(timer);
  });
  return io;
}
