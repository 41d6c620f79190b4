// The local test consortium: four validators on loopback, one per founding institution, started
// the way scripts/testnet.sh starts them, on the test local chain (one-second blocks,
// `./specs.js`) with libp2p ports of its own, so that it can run beside other networks.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Node, REPO, freePort, runNode } from './nodes.js';
import { testSpec } from './specs.js';

const SPEC_DIR = join(REPO, 'chain-spec', 'local');

/** The founding institutions, in genesis order. */
export const INSTITUTIONS = readFileSync(join(SPEC_DIR, 'institutions'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter(Boolean);

export function insertKeys(spec, name, basePath) {
  const common = ['key', 'insert', '--chain', spec, '--base-path', basePath];
  runNode([...common, '--scheme', 'Sr25519', '--key-type', 'aura', '--suri', `//${name}//aura`]);
  runNode([...common, '--scheme', 'Ed25519', '--key-type', 'gran', '--suri', `//${name}//grandpa`]);
}

/**
 * Creates (but does not start) the four validators, their keys in their keystores; returns
 * them with the path of their chain spec, which other nodes joining the network need.
 */
export async function consortium(dir) {
  const p2pPorts = [];
  for (let i = 0; i < INSTITUTIONS.length; i += 1) p2pPorts.push(await freePort());
  const spec = testSpec('local', dir, { p2pPorts });
  const nodes = [];
  for (const [i, name] of INSTITUTIONS.entries()) {
    const basePath = join(dir, name);
    insertKeys(spec, name, basePath);
    const rpcPort = await freePort();
    nodes.push(
      new Node({
        name,
        dir,
        rpcPort,
        args: [
          '--chain', spec,
          '--validator',
          // The test consortium's keys are derived from the public development phrase.
          '--allow-public-keys',
          '--name', name,
          '--base-path', basePath,
          '--port', `${p2pPorts[i]}`,
          '--rpc-port', `${rpcPort}`,
          '--node-key-file', join(SPEC_DIR, 'node-keys', name),
        ],
      }),
    );
  }
  return { nodes, spec };
}
