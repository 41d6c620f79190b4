// The performance harness cannot rot: a short run of scripts/bench.sh (BENCH_SMOKE=1) loads one
// development node, whose genesis holds generated enterprises, with each workload in turn, and
// every transaction it sends must be counted in a block and final, with its latencies; its
// reads of the generated enterprises must be answered, idle and under load, and the node's
// memory and database size reported; and the tax bureau's delivery service beside it must
// deliver an envelope under every consent the grant load makes.

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
  const { commit, machine, runs, reads, states } = JSON.parse(readFileSync(out, 'utf8'));
  assert.match(commit, /^[0-9a-f]{7,}$|^unknown$/);
  assert.match(machine, /cores/);
  assert.deepEqual(
    runs.map((r) => [r.workload, r.recordsPerTransaction]),
    [['remark', 0], ['attest', 1], ['attest', 16], ['attest', 16], ['grant', 0], ['access', 0], ['grant', 0]],
  );
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
  assert.deepEqual(runs.map((r) => r.runsOf), [0, 1, 1, 12, 0, 0, 0]);
  // (f): the delivery service beside the node delivered an envelope under every consent granted.
  const { delivery, targetRate } = runs[6];
  assert.equal(targetRate, 5);
  assert.ok(delivery.consents > 0 && delivery.delivered === delivery.consents, JSON.stringify(delivery));
  assert.ok(delivery.lagBlocks.p50 >= 1 && delivery.lagBlocks.max >= delivery.lagBlocks.p50, JSON.stringify(delivery));
  const batched = runs[2];
  assert.ok(
    Math.abs(batched.recordsPerSecond - 16 * batched.includedPerSecond) <= 1,
    `records/s ${batched.recordsPerSecond} is 16 × ${batched.includedPerSecond} transactions/s`,
  );

  assert.deepEqual(
    reads.map((r) => [r.label, r.enterprises, r.generated]),
    [['reads-50-idle', 50, true], ['reads-50-under-load', 50, true]],
  );
  for (const r of reads) {
    assert.equal(r.errors, 0, `${r.label}: errors`);
    for (const read of [r.enterpriseProfile, r.stateGetStorage]) {
      assert.ok(read.requests > 0 && read.perSecond > 0, `${r.label}: no reads`);
      assert.ok(read.p99Ms >= read.p50Ms && read.p50Ms > 0);
    }
  }
  assert.equal(states.length, 1);
  const [state] = states;
  assert.deepEqual([state.enterprises, state.recordsEach], [50, 2]);
  assert.ok(state.rssKiB > 10_000 && state.peakRssKiB >= state.rssKiB, `resident memory ${state.rssKiB} KiB`);
  assert.ok(state.anonymousKiB > 0 && state.anonymousKiB + state.mappedFilesKiB <= state.rssKiB, JSON.stringify(state));
  assert.ok(state.databaseBytes > 100_000, `database ${state.databaseBytes} bytes`);
});
