// The local test consortium (`--chain local`): four validators on loopback, started the way
// scripts/testnet.sh starts them.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Node, REPO, freePort, runNode } from './nodes.js';

const SPEC_DIR = join(REPO, 'chain-spec', 'local');
/** libp2p ports are fixed: the local chain spec names them as boot nodes. */
const FIRST_P2P_PORT = 30333;

/** The founding institutions, in genesis order. */
export const INSTITUTIONS = readFileSync(join(SPEC_DIR, 'institutions'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter(Boolean);

function insertKeys(name, basePath) {
  const common = ['key', 'insert', '--chain', 'local', '--base-path', basePath];
  runNode([...common, '--scheme', 'Sr25519', '--key-type', 'aura', '--suri', `//${name}//aura`]);
  runNode([...common, '--scheme', 'Ed25519', '--key-type', 'gran', '--suri', `//${name}//grandpa`]);
}

/** Creates (but does not start) the four validators, their keys in their keystores. */
export async function consortium(dir) {
  const nodes = [];
  for (const [i, name] of INSTITUTIONS.entries()) {
    const basePath = join(dir, name);
    insertKeys(name, basePath);
    const rpcPort = await freePort();
    nodes.push(
      new Node({
        name,
        dir,
        rpcPort,
        args: [
          '--chain', 'local',
          '--validator',
          '--name', name,
          '--base-path', basePath,
          '--port', `${FIRST_P2P_PORT + i}`,
          '--rpc-port', `${rpcPort}`,
          '--node-key-file', join(SPEC_DIR, 'node-keys', name),
        ],
      }),
    );
  }
  return nodes;
}
