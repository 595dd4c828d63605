import { createServer } from 'node:http';
import { Server } from 'socket.io';
import type { JoinResult } from '../../shared/events';

/**
 * The baseline of bench scenario (d), as a child process of the bench (`node --import tsx
 * test/bench/raw-socket-server.ts`, with an IPC channel): a bare socket.io server of the same
 * version and options as the real one (server/realtime/io.ts), with nothing behind it — no
 * database, no bus, no session. Sockets join rooms with the same `join` acknowledgement; on
 * request it sends messages to one room on a given schedule — the bench replays what a client of
 * the real server received: same times, same kinds, same sizes — each stamped with the wall-clock
 * time of its emit (`sentAt`, ms with a fraction, comparable across processes on one machine), so
 * the clients measure emit-to-receipt.
 */

interface ReplayCommand {
  type: 'replay';
  room: string;
  /** The kinds of message, with their payloads: `seq`, `at` and `sentAt` are set here. */
  kinds: { type: string; payload: unknown }[];
  /** When to send which kind: ms after the start, index into `kinds`; equal times go out back to back. */
  schedule: [offsetMs: number, kind: number][];
}

const now = () => performance.timeOrigin + performance.now();
const seqByRoom = new Map<string, number>();

const httpServer = createServer((_req, res) => {
  res.statusCode = 404;
  res.end();
});
const io = new Server(httpServer, { serveClient: false });

io.on('connection', (socket) => {
  socket.on('join', (room: unknown, ack: unknown) => {
    if (typeof ack !== 'function' || typeof room !== 'string') return;
    void socket.join(room);
    (ack as (result: JoinResult) => void)({ ok: true, room, seq: seqByRoom.get(room) ?? 0 });
  });
});

/** Sends on the given schedule (open loop: a late message does not delay the next ones' due times). */
async function replay(command: ReplayCommand) {
  const started = now();
  for (const [offset, kind] of command.schedule) {
    const wait = started + offset - now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const { type, payload } = command.kinds[kind]!;
    const seq = (seqByRoom.get(command.room) ?? 0) + 1;
    seqByRoom.set(command.room, seq);
    const sentAt = now();
    io.to(command.room).emit('event', { room: command.room, seq, type, payload, at: new Date(sentAt).toISOString(), sentAt });
  }
  return { sent: command.schedule.length, ms: now() - started };
}

process.on('message', (message: ReplayCommand | { type: 'stop' }) => {
  if (message.type === 'replay') {
    void replay(message).then(
      (result) => process.send?.({ type: 'emitted', ...result }),
      (error: unknown) => process.send?.({ type: 'error', error: String(error) }),
    );
  } else if (message.type === 'stop') {
    void io.close();
    process.exit(0);
  }
});
// A bench that died must not leave this server running.
process.once('disconnect', () => process.exit(0));

httpServer.listen(0, '127.0.0.1', () => {
  const address = httpServer.address();
  process.send?.({ type: 'listening', port: typeof address === 'object' && address ? address.port : 0 });
});
