import { writeFileSync } from 'node:fs';
import { generateNational } from './generate';
import { parseOptions } from './options';
import { reportLines } from './report';

// `npm run seed:national [--out=… --places=… --services=… --funders=… --seed=… --today=…]`:
// builds the national dataset in a fresh SQLite file, checks its ledger, prints a short report
// and writes it as JSON beside the database (data/national.db → data/national.json).
const options = parseOptions(process.argv.slice(2));
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1_000).toFixed(1).padStart(6)} s`;
console.log(
  `Jeu de données national → ${options.out} : ${options.places.toLocaleString('fr-FR')} lieux, ${options.services.toLocaleString('fr-FR')} services, ` +
    `${options.funders} commanditaires, graine ${options.seed}, au ${options.today}`,
);

const report = await generateNational(options, (line) => console.log(`[${elapsed()}] ${line}`));
for (const line of reportLines({ ...report, ledgerOk: report.ledger.ok })) console.log(line);
if (!report.ledger.ok) {
  console.log(`ledger:check — ${report.ledger.differences.length} écart(s) (50 au plus listés) :`);
  for (const line of report.ledger.differences) console.log(`  ${line}`);
  process.exitCode = 1;
}
const json = `${options.out.replace(/\.db$/, '')}.json`;
writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
console.log(`Comptes : mot de passe « ${report.password} » — ${Object.values(report.logins).join(', ')}`);
console.log(`Rapport JSON : ${json}`);
