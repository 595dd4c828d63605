import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from './stats';

export interface SoakServer {
  url: string;
  pid: number;
  databasePath: string;
  /** The server process's resident memory, in MiB (undefined once it has exited). */
  rssMiB(): number | undefined;
  /** The server's memory after a full collection, asked through the probe (undefined if it does not answer). */
  memory(): Promise<ServerMemory | undefined>;
  /** CPU time the server process has used so far (user + system), in seconds, where /proc tells. */
  cpuSeconds(): number | undefined;
  /** Lines the server wrote to stderr: a healthy run writes none. */
  errorLines: string[];
  stop(): Promise<void>;
}

export interface ServerMemory {
  /** Whether a full collection ran first (the probe needs --expose-gc). */
  collected: boolean;
  usage: NodeJS.MemoryUsage;
}

const TAIL = 50;

/** VmRSS from /proc on Linux, `ps` elsewhere: read from outside, so the clients' memory is not mixed in. */
function readRssMiB(pid: number): number | undefined {
  try {
    if (existsSync(`/proc/${pid}/status`)) {
      const kb = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      return kb ? Number(kb) / 1024 : undefined;
    }
    const kb = Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim());
    return Number.isFinite(kb) && kb > 0 ? kb / 1024 : undefined;
  } catch {
    return undefined;
  }
}

let clockTicks: number | undefined;

function readCpuSeconds(pid: number): number | undefined {
  try {
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return undefined;
  }
}

export interface StartServerOptions {
  /**
   * An existing database to serve (migrated at start, never seeded, left in place at stop), such as
   * a copy of the national bench dataset. Without it, a fresh temporary database with the demo.
   */
  databasePath?: string;
  /** The entry script, relative to `root` (default `server/main.ts`; the HTTP bench has its own around it). */
  entry?: string;
  /** Extra environment for the server process. */
  env?: Record<string, string>;
}

/**
 * The real server (`server/main.ts`) as a child process on a fresh temporary database with the
 * demo seeded (or on `options.databasePath`), listening on loopback on a port the system picks;
 * resolves once /api/health answers.
 */
export async function startServer(root: string, timeoutMs: number, nodeArgs: string[] = [], options: StartServerOptions = {}): Promise<SoakServer> {
  const dir = options.databasePath ? undefined : mkdtempSync(join(tmpdir(), 'aptic-soak-'));
  const databasePath = options.databasePath ?? join(dir!, 'soak.db');
  const entry = options.entry ?? 'server/main.ts';
  const child = spawn(process.execPath, [...nodeArgs, '--expose-gc', '--import', 'tsx', '--import', './test/soak/memory-probe.ts', entry], {
    cwd: root,
    env: { ...process.env, DATABASE_PATH: databasePath, SEED_DEMO: dir ? 'true' : 'false', HOST: '127.0.0.1', PORT: '0', NODE_ENV: 'production', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const output: string[] = [];
  const errorLines: string[] = [];
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );

  let port: number | undefined;
  const keep = (lines: string[], chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      lines.push(line);
      if (lines.length > TAIL) lines.shift();
    }
  };
  child.stdout!.on('data', (chunk: Buffer) => {
    keep(output, chunk);
    port ??= Number(/on http:\/\/[^:]+:(\d+)/.exec(chunk.toString('utf8'))?.[1]) || undefined;
  });
  child.stderr!.on('data', (chunk: Buffer) => keep(errorLines, chunk));

  const memory = () =>
    new Promise<ServerMemory | undefined>((resolve) => {
      if (exited || !child.connected) return resolve(undefined);
      const timer = setTimeout(() => {
        child.off('message', onMessage);
        resolve(undefined);
      }, 5_000);
      const onMessage = (message: unknown) => {
        if ((message as { type?: unknown }).type !== 'memory') return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(message as ServerMemory);
      };
      child.on('message', onMessage);
      child.send({ type: 'memory' });
    });

  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      await Promise.race([exit, sleep(5_000)]);
      if (!exited) {
        child.kill('SIGKILL');
        await Promise.race([exit, sleep(2_000)]);
      }
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  let healthy = false;
  try {
    while (!healthy && Date.now() < deadline) {
      if (exited) throw new Error(`server exited during start:\n${[...output, ...errorLines].join('\n')}`);
      if (port) {
        healthy = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(2_000) }).then(
          (r) => r.ok,
          () => false,
        );
      }
      if (!healthy) await sleep(200);
    }
    if (!healthy) throw new Error(`server not healthy after ${timeoutMs} ms:\n${output.join('\n')}`);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    databasePath,
    rssMiB: () => (exited ? undefined : readRssMiB(child.pid!)),
    memory,
    cpuSeconds: () => (exited ? undefined : readCpuSeconds(child.pid!)),
    errorLines,
    stop,
  };
}
