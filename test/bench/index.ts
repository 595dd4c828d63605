import { benchAllocation } from './allocation.bench';
import { benchDashboards } from './dashboards.bench';
import { benchDeliveries } from './deliveries.bench';
import { benchSettlement } from './settlement.bench';

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

const dashboards = await benchDashboards(Number(process.env.BENCH_PLACES ?? 3_000));
console.log(`Dashboards over ${fmt(dashboards.placeCount)} qualified places`);
console.log(`  raw count(*) over the figures table: ${dashboards.baselineMs.toFixed(3)} ms (baseline)`);
console.log(`  round dashboard (6 départements):    ${dashboards.roundMs.toFixed(2)} ms — ${(dashboards.roundMs / dashboards.baselineMs).toFixed(0)}× baseline`);
console.log(`  national dashboard:                  ${dashboards.nationalMs.toFixed(2)} ms — ${(dashboards.nationalMs / dashboards.baselineMs).toFixed(0)}× baseline`);

const allocation = await benchAllocation();
console.log(`Consolidating allocation: ${allocation.lines} bid lines recommended in ${allocation.ms.toFixed(2)} ms (target: well under 100 ms)`);

const settlement = await benchSettlement(Number(process.env.BENCH_SETTLEMENT_PLACES ?? 200), 100);
console.log(`Monthly settlement: ${fmt(settlement.deliveries)} deliveries of ${fmt(settlement.payouts)} places`);
console.log(`  raw group by place over the unsettled rows: ${settlement.baselineMs.toFixed(2)} ms (baseline)`);
console.log(`  runSettlement (payouts, deliveries marked, figures, audit): ${settlement.settleMs.toFixed(1)} ms — ${(settlement.settleMs / settlement.baselineMs).toFixed(0)}× baseline`);
