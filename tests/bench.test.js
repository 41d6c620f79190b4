// The performance harness cannot rot: a short run of scripts/bench.sh (BENCH_SMOKE=1) loads a
// development node and the four-node local network, and every transaction it sends must be
// counted in a block and final, with its latencies; its reads must be answered, idle and under
// load, and the node's memory and database size reported.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, workDir } from './lib/nodes.js';

test('scripts/bench.sh runs every measurement and writes its table as JSON', () => {
  const out = join(workDir('bench'), 'bench.json');
  const printed = execFileSync(join(REPO, 'scripts', 'bench.sh'), {
    env: { ...process.env, BENCH_SMOKE: '1', BENCH_SKIP_BUILD: '1', BENCH_OUT: out },
    encoding: 'utf8',
    timeout: 300_000,
  });
  assert.match(printed, /\| workload \| nodes \| sent \| included\/s \|/);
  const { commit, machine, runs, reads, state } = JSON.parse(readFileSync(out, 'utf8'));
  assert.match(commit, /^[0-9a-f]{7,}$|^unknown$/);
  assert.match(machine, /cores/);
  assert.deepEqual(runs.map((r) => [r.workload, r.nodes]), [['remark', 1], ['attest', 1], ['remark', 4]]);
  for (const run of runs) {
    assert.ok(run.submitted > 0, `${run.workload}: nothing sent`);
    assert.equal(run.rejected, 0, `${run.workload}: ${JSON.stringify(run.rejectedBy)}`);
    assert.equal(run.included, run.submitted, `${run.workload}: not all in blocks`);
    assert.equal(run.finalized, run.submitted, `${run.workload}: not all final`);
    assert.ok(run.includedPerSecond > 0);
    assert.ok(run.submitToBlockMs.p50 > 0 && run.submitToBlockMs.p99 >= run.submitToBlockMs.p50);
    assert.ok(run.submitToFinalMs.p50 >= run.submitToBlockMs.p50, `${run.workload}: final before in block`);
  }
  assert.equal(runs[0].ratioToRemark, 1);

  assert.deepEqual(reads.map((r) => [r.label, r.enterprises]), [['reads-idle', 50], ['reads-under-load', 50]]);
  for (const r of reads) {
    assert.equal(r.errors, 0, `${r.label}: errors`);
    for (const read of [r.enterpriseProfile, r.stateGetStorage]) {
      assert.ok(read.requests > 0 && read.perSecond > 0, `${r.label}: no reads`);
      assert.ok(read.p99Ms >= read.p50Ms && read.p50Ms > 0);
    }
  }
  assert.equal(state.enterprises, 50);
  assert.ok(state.rssKiB > 10_000, `resident memory ${state.rssKiB} KiB`);
  assert.ok(state.databaseBytes > 100_000, `database ${state.databaseBytes} bytes`);
});
