import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createTRPCClient, httpLink } from '@trpc/client';
import { openDatabase, type Db } from '../../db/client';
import { SESSION_COOKIE } from '../../server/auth/cookie';
import type { AppRouter } from '../../server/routers';

/**
 * `server/main.ts` run as `npm start` runs it, in a child process of its own, so a test can
 * SIGKILL it (no shutdown handler runs, the database is left as a crash leaves it), restart it
 * on the same file, or run two of them side by side on one database.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LOOPBACK = '127.0.0.1';

/** A free TCP port of the loopback, asked of the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, LOOPBACK, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface ChildServer {
  url: string;
  port: number;
  pid: number;
  /** Everything the process wrote on stdout and stderr, for failure messages. */
  output(): string;
  /** Whether the process is still running. */
  alive(): boolean;
  /** Sends the signal (SIGKILL by default) and resolves once the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartOptions {
  databasePath: string;
  /** Reuse a port (a restart answers where the clients already point); a free one otherwise. */
  port?: number;
  env?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * Keeps every child it started so `stopAll` (in afterAll/afterEach) leaves none behind, whatever
 * the test did before failing.
 */
export function childServers() {
  const running = new Set<ChildProcess>();

  async function start(options: StartOptions): Promise<ChildServer> {
    const port = options.port ?? (await freePort());
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DATABASE_PATH: options.databasePath,
        PORT: String(port),
        HOST: LOOPBACK,
        SEED_DEMO: 'false',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let output = '';
    let exited = false;
    const gone = new Promise<void>((resolve) =>
      child.once('exit', (code, signal) => {
        exited = true;
        running.delete(child);
        output += `\n[exited: code ${code}, signal ${signal}]`;
        resolve();
      }),
    );
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const url = `http://${LOOPBACK}:${port}`;

    const deadline = Date.now() + (options.timeoutMs ?? 20_000);
    for (;;) {
      if (exited) throw new Error(`The server on ${url} exited before answering:\n${output}`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`The server on ${url} did not answer /api/health in time:\n${output}`);
      }
      try {
        const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(1_000) });
        if (response.ok) break;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    return {
      url,
      port,
      pid: child.pid!,
      output: () => output,
      alive: () => !exited,
      async kill(signal: NodeJS.Signals = 'SIGKILL') {
        if (!exited) child.kill(signal);
        await gone;
      },
    };
  }

  /** Kills every child still running and waits for each to exit. */
  async function stopAll(): Promise<void> {
    await Promise.all(
      [...running].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
  }

  return { start, stopAll };
}

/**
 * A tRPC client of a live server, as one browser: its own cookie jar (the session survives a
 * restart, since sessions live in the database), the Origin the CSRF check expects, and a count
 * of the HTTP statuses it received (a 500 must never reach a client).
 */
export function childClient(url: string) {
  let cookie: string | undefined;
  const statuses = new Map<number, number>();
  const api = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${url}/trpc`,
        headers: () => ({ origin: url, ...(cookie ? { cookie: `${SESSION_COOKIE}=${cookie}` } : {}) }),
        fetch: async (input, init) => {
          const response = await fetch(input, init as RequestInit);
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          for (const header of response.headers.getSetCookie()) {
            const [pair] = header.split(';');
            const [name, value] = pair!.split('=') as [string, string];
            if (name === SESSION_COOKIE) cookie = value || undefined;
          }
          return response;
        },
      }),
    ],
  });
  return {
    api,
    statuses,
    /** Signs in through `auth.signIn` and keeps the session cookie. */
    async signIn(email: string, password: string) {
      await api.auth.signIn.mutate({ email, password });
      if (!cookie) throw new Error(`No session cookie after signing in ${email}`);
    },
  };
}

export type ChildClient = ReturnType<typeof childClient>;

/**
 * Opens the database file a child writes, runs `read` and closes it again: a connection of the
 * test process, as `npm run ledger:check` would open one beside the server.
 */
export function withDatabase<T>(databasePath: string, read: (db: Db) => T): T {
  const db = openDatabase(databasePath);
  try {
    return read(db);
  } finally {
    db.$client.close();
  }
}
