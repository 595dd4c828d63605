import { benchDeliveries } from './deliveries.bench';

// `npm run bench`: figures of the hot paths, each against a raw baseline measured in the same run.
// Machines are shared and noisy: read the ratios, not the absolute numbers.
const fmt = (n: number) => Math.round(n).toLocaleString('fr-FR');
const result = await benchDeliveries(Number(process.env.BENCH_DELIVERIES ?? 5_000));
console.log(`Deliveries (${fmt(result.count)} each way)`);
console.log(`  raw better-sqlite3 insert + counter, 1 per transaction: ${fmt(result.rawPerSecond)} /s (baseline)`);
console.log(
  `  recordDelivery, 1 per transaction (checks, ledger, figures): ${fmt(result.singlePerSecond)} /s — ${(result.singlePerSecond / result.rawPerSecond).toFixed(2)}× raw`,
);
console.log(
  `  recordDeliveryBatch, 1 000 per transaction:                ${fmt(result.batchPerSecond)} /s — ${(result.batchPerSecond / result.rawPerSecond).toFixed(2)}× raw`,
);
console.log(`Round dashboard computation (one coalesced flush): ${result.dashboardMs.toFixed(2)} ms`);
