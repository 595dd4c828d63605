import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { ScenarioResult } from './scenario';

const number = (value: number) => {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString('fr-FR', { minimumFractionDigits: digits, maximumFractionDigits: digits });
};

/** The table `npm run bench` prints, and the README's "Performance" section shows: one block per scenario. */
export function formatTable(results: ScenarioResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push('', `${r.id}. ${r.title}`);
    for (const m of r.measures) lines.push(`   ${m.baseline ? '[baseline] ' : ''}${m.label}: ${number(m.value)} ${m.unit}`);
    for (const t of r.targets) {
      lines.push(`   ${t.met ? 'MET   ' : 'MISSED'} ${t.label}: ${number(t.measured)} ${t.unit} (target ${t.comparison} ${number(t.limit)} ${t.unit})`);
    }
    for (const n of r.notes ?? []) lines.push(`   · ${n}`);
  }
  const targets = results.flatMap((r) => r.targets);
  lines.push('', `Targets: ${targets.filter((t) => t.met).length} met, ${targets.filter((t) => !t.met).length} missed, of ${targets.length}`);
  return lines.join('\n');
}

/** Saves the run as JSON under test/bench/results/ (one file per run, plus latest.json). */
export function saveResults(root: string, results: ScenarioResult[], context: Record<string, unknown>): string {
  const folder = join(root, 'test/bench/results');
  mkdirSync(folder, { recursive: true });
  const run = {
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryMiB: Math.round(totalmem() / 1_048_576), node: process.version, loadAverage: loadavg() },
    ...context,
    results,
  };
  const file = join(folder, `${run.at.slice(0, 19).replaceAll(':', '-')}.json`);
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
  writeFileSync(join(folder, 'latest.json'), `${JSON.stringify(run, null, 2)}\n`);
  writeFileSync(join(folder, 'latest.md'), `${formatMarkdown(results)}\n`);
  return file;
}

/** The targets of a run as a Markdown table (the README's "Performance" section shows the latest). */
export function formatMarkdown(results: ScenarioResult[]): string {
  const rows = ['| | target | measured | limit | |', '| --- | --- | ---: | ---: | --- |'];
  for (const r of results) {
    r.targets.forEach((t, i) => {
      const scenario = i === 0 ? `**${r.id}**` : '';
      rows.push(`| ${scenario} | ${t.label} | ${number(t.measured)} ${t.unit} | ${t.comparison} ${number(t.limit)} ${t.unit} | ${t.met ? 'met' : '**missed**'} |`);
    });
  }
  return rows.join('\n');
}
