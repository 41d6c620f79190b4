// Test chains: the node's own development and local chain specs, with one-second blocks and
// ten-block sessions. The block time is a genesis setting of the one runtime
// (`calendar.millisecsPerBlock`): days, offer validity and motion durations are counted in the
// chain's own blocks, so they keep their wall-clock length while tests wait a third as long as
// on the three-second chains.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runNode } from './nodes.js';

/** How long a block lasts on the test chains, in milliseconds. */
export const BLOCK_MS = 1000;
/** Blocks per session on the test chains: ten seconds. */
export const SESSION_BLOCKS = 10;

const built = new Map();
let made = 0;

/** The node's built-in spec of `chain`, as JSON (built once per process). */
function builtIn(chain) {
  if (!built.has(chain)) {
    built.set(chain, runNode(['build-spec', '--chain', chain, '--disable-default-bootnode']));
  }
  return JSON.parse(built.get(chain));
}

/**
 * Writes the test spec of `chain` ('dev' or 'local') into `dir` and returns its path. With
 * `p2pPorts`, the local chain's boot nodes listen there instead of on the fixed ports of
 * `--chain local`, so that several test networks can run side by side. Each spec has a fork id
 * of its own: the networks of two tests share a genesis and node keys, and must never mistake
 * each other's nodes for their own.
 */
export function testSpec(chain, dir, { p2pPorts } = {}) {
  const spec = builtIn(chain);
  made += 1;
  spec.forkId = `test-${process.pid}-${made}`;
  const genesis = spec.genesis.runtimeGenesis.patch;
  genesis.calendar = { millisecsPerBlock: BLOCK_MS };
  genesis.institutions.sessionLength = SESSION_BLOCKS;
  if (p2pPorts) {
    spec.bootNodes = spec.bootNodes.map((address, i) => address.replace(/\/tcp\/\d+\//, `/tcp/${p2pPorts[i]}/`));
  }
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${chain}-test-spec.json`);
  writeFileSync(path, JSON.stringify(spec));
  return path;
}
