/**
 * What every `npm run bench` scenario returns: its figures, its raw baselines measured in the same
 * run, and its targets (issue 10), each marked met or missed. The runner prints them as one table
 * and saves them as JSON under test/bench/results/.
 */

export interface BenchContext {
  /** Repository root: the server and the client build are started from here. */
  root: string;
  /** A writable copy of the national dataset (`npm run seed:national`), made for this run only. */
  nationalDb: string;
  /** A writable copy of the 100 000-delivery dataset over the same 3 000 places, made for this run only. */
  smallDb: string;
  /** Length of each timed phase, in seconds (BENCH_SECONDS, default 10): every load loop is bounded by it. */
  seconds: number;
  /** Password of every account of the national datasets. */
  password: string;
}

export interface Measure {
  label: string;
  value: number;
  unit: string;
  /** True for a raw baseline measured in the same run. */
  baseline?: boolean;
}

export interface Target {
  label: string;
  measured: number;
  comparison: '<=' | '>=';
  limit: number;
  unit: string;
  met: boolean;
}

export interface ScenarioResult {
  id: string;
  title: string;
  measures: Measure[];
  targets: Target[];
  /** Context worth a line in the table: dataset sizes, what a missed target comes from. */
  notes?: string[];
}

export function target(label: string, measured: number, comparison: '<=' | '>=', limit: number, unit: string): Target {
  const met = comparison === '<=' ? measured <= limit : measured >= limit;
  return { label, measured, comparison, limit, unit, met };
}

export function measure(label: string, value: number, unit: string, baseline = false): Measure {
  return baseline ? { label, value, unit, baseline } : { label, value, unit };
}
