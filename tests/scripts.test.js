// The README's scripts: dev.sh serves a development chain on the port it is given, with the tax
// bureau's delivery service and the portal beside it, and testnet.sh starts four validators
// (here on the test local chain, lib/specs.js), prints their endpoints and stops them all on
// SIGTERM.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO, freePort, freePorts, nodeBinary, waitFor, workDir } from './lib/nodes.js';
import { rpc } from './lib/chain.js';
import { testSpec } from './lib/specs.js';

const children = new Set();
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));

/** Runs a script in its own process group, collecting its output. */
function runScript(script, env) {
  const child = spawn(join(REPO, 'scripts', script), [], {
    env: { ...process.env, BANKTAX_NODE: nodeBinary(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.add(child);
  const run = { child, output: '' };
  child.stdout.on('data', (d) => (run.output += d));
  child.stderr.on('data', (d) => (run.output += d));
  run.exited = new Promise((ok) => child.on('exit', (code, signal) => ok({ code, signal })));
  return run;
}

async function bestNumber(port) {
  return parseInt((await rpc(`ws://127.0.0.1:${port}`, 'chain_getHeader')).number, 16);
}

function answers(port) {
  return rpc(`ws://127.0.0.1:${port}`, 'system_health').then(
    () => true,
    () => false,
  );
}

/** Sends SIGTERM to the script alone and waits for it, killing the group if it hangs. */
async function terminate(run, timeoutMs = 30_000) {
  run.child.kill('SIGTERM');
  const timer = setTimeout(() => process.kill(-run.child.pid, 'SIGKILL'), timeoutMs);
  const exit = await run.exited;
  clearTimeout(timer);
  children.delete(run.child);
  return exit;
}

describe('scripts', () => {
  after(() =>
    children.forEach((c) => {
      try {
        process.kill(-c.pid, 'SIGKILL');
      } catch {
        // the group is gone already
      }
    }),
  );

  test('dev.sh runs a development chain on DEV_RPC_PORT', async () => {
    const [port, portalPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
    const run = runScript('dev.sh', { DEV_RPC_PORT: `${port}`, DEV_PORTAL_PORT: `${portalPort}`, DEV_DELIVERY_METRICS_PORT: `${metricsPort}` });
    await waitFor('dev.sh to serve RPC and author 2 blocks', async () => (await bestNumber(port)) >= 2, {
      timeoutMs: 60_000,
    }).catch((e) => {
      throw new Error(`${e.message}\n${run.output.slice(-2000)}`);
    });
    assert.match(run.output, new RegExp(`ws://127\\.0\\.0\\.1:${port}`));
    await waitFor('the delivery service to start beside the node', () => /delivery: \{.*"event":"started"/.test(run.output), {
      timeoutMs: 30_000,
    }).catch((e) => {
      throw new Error(`${e.message}\n${run.output.slice(-2000)}`);
    });
    // The portal: its address printed, pointing at this node, and served.
    const portal = run.output.match(/portal: (http:\/\/127\.0\.0\.1:\d+\/\S*)/)?.[1];
    assert.ok(portal?.includes(`127.0.0.1%3A${port}`), `the portal's address, for this node: ${portal}`);
    assert.match(await (await fetch(portal)).text(), /<div id="root">/);
    assert.match(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text(), /banktax_delivery_blocks_behind/);
    await terminate(run);
    assert.equal(await answers(port), false, 'the node still answers after dev.sh was stopped');
  });

  test('testnet.sh starts four validators, prints their endpoints and stops them all', async () => {
    const firstRpc = await freePorts(4);
    const dir = workDir('testnet');
    const run = runScript('testnet.sh', {
      TESTNET_DIR: dir,
      TESTNET_FIRST_RPC_PORT: `${firstRpc}`,
      // The local chain with one-second blocks, its boot nodes on testnet.sh's fixed ports.
      TESTNET_CHAIN: testSpec('local', dir),
    });
    const ports = [0, 1, 2, 3].map((i) => firstRpc + i);
    await waitFor('testnet.sh to report the consortium running', () => run.output.includes('running'), {
      timeoutMs: 60_000,
    }).catch((e) => {
      throw new Error(`${e.message}\n${run.output}`);
    });
    for (const [i, name] of ['tax-authority', 'bank-a', 'bank-b', 'regulator'].entries()) {
      assert.match(run.output, new RegExp(`${name}\\s+ws://127\\.0\\.0\\.1:${ports[i]}`));
    }
    await waitFor(
      'all four nodes to reach block #3',
      async () => (await Promise.all(ports.map(bestNumber))).every((n) => n >= 3),
      { timeoutMs: 90_000 },
    ).catch((e) => {
      throw new Error(`${e.message}\n${run.output}`);
    });

    const exit = await terminate(run);
    assert.equal(exit.code, 0, `testnet.sh exited with ${JSON.stringify(exit)}\n${run.output}`);
    assert.match(run.output, /stopping 4 nodes/);
    const stillUp = [];
    for (const port of ports) if (await answers(port)) stillUp.push(port);
    assert.deepEqual(stillUp, [], 'nodes left running after SIGTERM');
  });
});
