// Reading the chain through @polkadot/api: connections, heads, block authors.

import { ApiPromise, WsProvider } from '@polkadot/api';
import { waitFor } from './nodes.js';

const open = new Set();

/** Connects to a node's RPC, retrying until it answers. */
export async function connect(node, { timeoutMs = 60_000 } = {}) {
  await waitFor(
    `${node.name} to answer RPC on ${node.url}`,
    async () => {
      await rpc(node.url, 'system_health');
      return true;
    },
    { timeoutMs, nodes: [node] },
  );
  const provider = new WsProvider(node.url, false);
  await provider.connect();
  const api = await ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: true });
  open.add(api);
  return api;
}

/** Calls JSON-RPC `method` on `node` over HTTP; resolves with its result, rejects with its error. */
export async function rpc(url, method, params = []) {
  const body = await rpcResponse(url, method, params);
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/** Calls JSON-RPC `method`; resolves with the whole response, `{ result }` or `{ error }`. */
export async function rpcResponse(url, method, params = []) {
  const res = await fetch(url.replace('ws://', 'http://'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: 1, jsonrpc: '2.0', method, params }),
  });
  return res.json();
}

/** Closes every API connection opened by `connect`. */
export async function disconnectAll() {
  await Promise.all([...open].map((api) => api.disconnect().catch(() => {})));
  open.clear();
}

export async function bestNumber(api) {
  return (await api.rpc.chain.getHeader()).number.toNumber();
}

export async function finalizedNumber(api) {
  const hash = await api.rpc.chain.getFinalizedHead();
  return (await api.rpc.chain.getHeader(hash)).number.toNumber();
}

/** The Aura slot a block was authored in, from its pre-runtime digest. */
export function auraSlot(api, header) {
  for (const log of header.digest.logs) {
    if (log.isPreRuntime) {
      const [engine, data] = log.asPreRuntime;
      if (engine.toString() === 'aura') return api.createType('u64', data).toBigInt();
    }
  }
  return null;
}

/**
 * The Aura authority (public key, hex) that authored `header`: the one whose turn the slot in
 * the block's digest is, among the authorities of the block's parent state.
 */
export async function blockAuthor(api, header) {
  const slot = auraSlot(api, header);
  if (slot === null) throw new Error(`block #${header.number} has no Aura digest`);
  const authorities = await (await api.at(header.parentHash)).query.aura.authorities();
  const index = Number(slot % BigInt(authorities.length));
  return authorities[index].toHex();
}
