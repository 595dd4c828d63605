import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { openMigratedDatabase } from '../../db/client';
import { benchAllocation } from './allocation.bench';
import { benchBatch } from './batch.bench';
import { benchClient } from './client.bench';
import { benchFanout } from './fanout.bench';
import { benchPasses } from './passes.bench';
import { benchHttp } from './http.bench';
import { benchReads } from './reads.bench';
import { formatTable, saveResults } from './report';
import type { BenchContext, ScenarioResult } from './scenario';
import { benchSettlement } from './settlement.bench';

/**
 * `npm run bench` (issue 10): each scenario against the national dataset, beside a raw baseline
 * measured in the same run, printed as one table with each target met or missed and saved as
 * JSON under test/bench/results/. Machines are shared and noisy: read the ratios.
 *
 * Builds what it needs: the national dataset (`npm run seed:national`) and the 100 000-delivery
 * dataset over the same places, when missing, and the client. Scenarios run on throwaway copies,
 * so the datasets stay as seeded and a run can be repeated. BENCH_ONLY=a,b,… runs some of them.
 */
const root = resolve(import.meta.dirname, '../..');
const nationalDb = resolve(root, process.env.BENCH_NATIONAL_DB ?? 'data/national.db');
const smallDb = resolve(root, process.env.BENCH_SMALL_DB ?? 'data/national-100k.db');
const only = new Set((process.env.BENCH_ONLY ?? '').split(',').filter(Boolean));
const wanted = (id: string) => only.size === 0 || only.has(id);

function seed(out: string, extra: string[]) {
  console.log(`Building ${out} (npm run seed:national ${extra.join(' ')})…`);
  execFileSync(process.execPath, ['--import', 'tsx', 'db/seed/national/index.ts', `--out=${out}`, ...extra], { cwd: root, stdio: 'inherit' });
}

/**
 * A private copy of a dataset, checkpointed first so the copy is the whole database, then brought
 * to the current schema (a dataset seeded by an earlier checkout lacks the later migrations).
 */
function copyOf(path: string, folder: string): string {
  const db = new Database(path);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const copy = join(folder, path.split('/').pop()!);
  copyFileSync(path, copy);
  openMigratedDatabase(copy).$client.close();
  return copy;
}

const started = performance.now();
if (!existsSync(nationalDb)) seed(nationalDb, []);
if (!existsSync(smallDb)) seed(smallDb, ['--services=100000']);
const manifest = JSON.parse(readFileSync(nationalDb.replace(/\.db$/, '.json'), 'utf8')) as { password: string } & Record<string, unknown>;

const work = mkdtempSync(join(tmpdir(), 'aptic-bench-'));
const results: ScenarioResult[] = [];
try {
  const ctx: BenchContext = {
    root,
    nationalDb: copyOf(nationalDb, work),
    smallDb: copyOf(smallDb, work),
    seconds: Number(process.env.BENCH_SECONDS ?? 10),
    password: manifest.password,
  };
  const scenarios: [string, () => Promise<ScenarioResult>][] = [
    ['b', () => benchBatch(ctx)],
    ['c', () => benchReads(ctx)],
    ['e', () => benchAllocation()],
    ['a', () => benchHttp(ctx)],
    ['d', () => benchFanout(ctx)],
    ['f', () => benchClient(ctx)],
    ['settlement', () => benchSettlement()],
    ['passes', () => benchPasses()],
  ];
  for (const [id, run] of scenarios) {
    if (!wanted(id)) continue;
    const t = performance.now();
    console.log(`Scenario ${id}…`);
    try {
      const result = await run();
      results.push(result);
      console.log(formatTable([result]).split('\n').slice(0, -2).join('\n'));
    } catch (error) {
      // A scenario that cannot run is reported as such; the others still run.
      results.push({ id, title: 'failed to run', measures: [], targets: [{ label: 'scenario ran', measured: 0, comparison: '>=', limit: 1, unit: '', met: false }], notes: [String((error as Error).stack ?? error)] });
      console.error(`Scenario ${id} failed:`, error);
    }
    console.log(`  (${((performance.now() - t) / 1000).toFixed(0)} s)`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const dataset = { ...manifest, bytes: statSync(nationalDb).size };
const file = saveResults(root, results, { dataset, seconds: Math.round((performance.now() - started) / 1000) });
console.log(`\n=== npm run bench: national dataset, ${((performance.now() - started) / 60_000).toFixed(1)} min ===`);
console.log(formatTable(results));
console.log(`\nSaved to ${file.slice(root.length + 1)}`);
process.exitCode = results.some((r) => r.title === 'failed to run') ? 1 : 0;
