// Prints the harness's runs as a table, each throughput also as a ratio to the system.remark
// baseline of the same invocation, then the calls' benchmarked weights against remark's, and
// writes it all with the machine and commit as JSON.
//   node scripts/bench-table.mjs <out.json> <run.json>...

import { readFileSync, writeFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { basename } from 'node:path';
import { cpus, totalmem } from 'node:os';
import { weights } from './weights-table.mjs';

const [out, ...files] = process.argv.slice(2);
const all = files.map((f) => ({ label: basename(f, '.json'), ...JSON.parse(readFileSync(f, 'utf8')) }));
const runs = all.filter((r) => r.includedPerSecond !== undefined && r.label !== 'writer');
const reads = all.filter((r) => r.workload === 'reads');
const states = all.filter((r) => r.rssKiB !== undefined);
const baseline = runs.find((r) => r.workload === 'remark')?.includedPerSecond;
for (const run of runs) {
  run.ratioToRemark = baseline ? Math.round((run.includedPerSecond / baseline) * 100) / 100 : null;
}

const commit = (() => {
  try {
    return execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();
const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB`;
const weightTable = weights();
writeFileSync(out, JSON.stringify({ commit, machine, at: new Date().toISOString(), runs, reads, states, weights: weightTable }, null, 2));

const row = (cells) => `| ${cells.join(' | ')} |`;
console.log(`commit ${commit}; ${machine}`);
console.log(row(['workload', 'nodes', 'sent', 'included/s', 'vs remark', 'records/s', 'in block p50 / p99 ms', 'final p50 / p99 ms', 'rejected', 'CPU cores: nodes / load']));
console.log(row(Array(10).fill('---')));
for (const r of runs) {
  console.log(row([
    r.workload +
      (r.recordsPerTransaction > 1 ? ` (${r.recordsPerTransaction} a transaction${r.runsOf > 1 ? `, ${r.runsOf} an enterprise` : ''})` : '') +
      (r.targetRate ? ` @ ${r.targetRate}/s` : ''),
    r.nodes,
    r.submitted,
    r.includedPerSecond,
    r.ratioToRemark ?? '',
    r.recordsPerTransaction ? r.recordsPerSecond : '',
    `${r.submitToBlockMs.p50} / ${r.submitToBlockMs.p99}`,
    `${r.submitToFinalMs.p50} / ${r.submitToFinalMs.p99}`,
    r.rejected,
    `${r.cpuCores?.nodes ?? '?'} / ${r.cpuCores?.load ?? '?'}`,
  ]));
}
const deliveries = runs.filter((r) => r.delivery);
if (deliveries.length) {
  console.log('');
  console.log(row(['delivery service: grants/s', 'consents', 'delivered', 'lag blocks p50 / p95 / max', 'lag s p50 / p95 / max', 'kept up']));
  console.log(row(Array(6).fill('---')));
  for (const r of deliveries) {
    const d = r.delivery;
    console.log(row([
      r.targetRate || 'as fast as taken',
      d.consents,
      d.delivered,
      `${d.lagBlocks.p50} / ${d.lagBlocks.p95} / ${d.lagBlocks.max}`,
      `${d.lagSeconds.p50} / ${d.lagSeconds.p95} / ${d.lagSeconds.max}`,
      d.keptUp ? 'yes' : 'no',
    ]));
  }
}
console.log('');
console.log(row(['reads', 'enterprises', 'profile p50 / p99 ms', 'profile req/s', 'storage p50 / p99 ms', 'storage req/s', 'errors']));
console.log(row(Array(7).fill('---')));
for (const r of reads) {
  const p = r.enterpriseProfile;
  const s = r.stateGetStorage;
  const when = r.label.endsWith('under-load') ? 'under remark load' : 'idle';
  console.log(row([when, r.enterprises, `${p.p50Ms} / ${p.p99Ms}`, p.perSecond, `${s.p50Ms} / ${s.p99Ms}`, s.perSecond, r.errors]));
}
console.log('');
console.log(row(['enterprises', 'records each', 'genesis built in s', 'resident MiB', "of it the node's own", 'of it mapped database files', 'peak resident MiB', 'database MiB']));
console.log(row(Array(8).fill('---')));
for (const st of states) {
  const mib = (kib) => (kib / 1024).toFixed(0);
  console.log(row([
    st.enterprises, st.recordsEach, st.genesisSeconds, mib(st.rssKiB), mib(st.anonymousKiB), mib(st.mappedFilesKiB), mib(st.peakRssKiB),
    (st.databaseBytes / 2 ** 20).toFixed(1),
  ]));
}
console.log('');
console.log(`weights (benchmark pallet, ParityDB costs), each call against frame_system::remark; extrinsic base ${weightTable.extrinsicBaseUs} µs`);
console.log(row(['call', 'compute µs', 'reads', 'writes', 'total µs', '× remark', '× remark with base']));
console.log(row(Array(7).fill('---')));
for (const w of weightTable.rows) {
  console.log(row([w.call, w.computeUs, w.reads, w.writes, w.totalUs, w.vsRemark, w.withBaseVsRemark]));
}
console.log(`written to ${out}`);
