// A development node (`--dev`): it starts, authors and finalises blocks, serves its runtime's
// version and metadata, includes a signed transaction in a finalised block, and, restarted on
// its database, takes its own chain in another form but refuses another chain's spec.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { u8aToHex, stringToHex } from '@polkadot/util';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Node, freePort, startDevNode, waitFor, workDir } from './lib/nodes.js';
import { bestNumber, connect, disconnectAll, finalizedNumber, rpc } from './lib/chain.js';

describe('development chain', () => {
  let node;
  let api;

  before(async () => {
    node = await startDevNode('dev', workDir('dev'));
    api = await connect(node);
    await cryptoWaitReady();
  });

  after(async () => {
    await disconnectAll();
    await node?.stop();
  });

  test('stores the chain in ParityDB and speaks libp2p', () => {
    assert.match(node.findInLog(/Database: (\S+)/)?.[1] ?? 'no database line', /^ParityDb$/);
    assert.ok(node.findInLog(/Running libp2p network backend/), 'the node did not start libp2p');
  });

  test('serves the BankTax runtime version and metadata', async () => {
    const version = api.runtimeVersion;
    assert.equal(version.specName.toString(), 'banktax');
    assert.ok(version.specVersion.toNumber() >= 100, `spec version ${version.specVersion}`);

    const metadata = await api.rpc.state.getMetadata();
    const pallets = metadata.asLatest.pallets.map((p) => p.name.toString());
    const expected = ['System', 'Timestamp', 'Council', 'NodeAuthorization', 'Institutions'];
    for (const pallet of [...expected, 'Aura', 'Grandpa', 'Session', 'Governance']) {
      assert.ok(pallets.includes(pallet), `metadata lacks ${pallet}: ${pallets}`);
    }
    assert.equal(pallets.includes('Balances'), false, 'there is no token on this chain');
    assert.equal(pallets.includes('Sudo'), false, 'there is no sudo key on this chain');

    const chain = await api.rpc.system.chain();
    assert.equal(chain.toString(), 'BankTax Development');
  });

  test('authors new blocks and finalises them', async () => {
    const startBest = await bestNumber(api);
    const startFinal = await finalizedNumber(api);
    const seen = new Set();
    const unsubscribe = await api.rpc.chain.subscribeNewHeads((h) => seen.add(h.number.toNumber()));
    try {
      await waitFor('3 new blocks', () => [...seen].filter((n) => n > startBest).length >= 3, {
        timeoutMs: 30_000,
        nodes: [node],
      });
    } finally {
      unsubscribe();
    }
    const final = await waitFor(
      'the finalised head to advance by 2',
      async () => {
        const n = await finalizedNumber(api);
        return n >= startFinal + 2 ? n : 0;
      },
      { timeoutMs: 30_000, nodes: [node] },
    );
    assert.ok(final >= startFinal + 2);
  });

  test('includes a signed system.remark in a finalised block', async () => {
    const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
    const remark = stringToHex(`banktax e2e ${Date.now()}`);
    const submitted = Date.now();
    const timings = {};

    const { blockHash, events } = await new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error('remark not finalised within 60s')), 60_000);
      api.tx.system
        .remark(remark)
        .signAndSend(alice, (result) => {
          if (result.dispatchError) {
            clearTimeout(timer);
            fail(new Error(`remark failed: ${result.dispatchError.toString()}`));
          }
          if (result.status.isInBlock && !timings.inBlock) timings.inBlock = Date.now() - submitted;
          if (result.status.isFinalized) {
            clearTimeout(timer);
            timings.finalized = Date.now() - submitted;
            ok({ blockHash: result.status.asFinalized, events: result.events });
          }
          if (result.status.isDropped || result.status.isInvalid || result.status.isUsurped) {
            clearTimeout(timer);
            fail(new Error(`remark ${result.status.type}`));
          }
        })
        .catch((e) => {
          clearTimeout(timer);
          fail(e);
        });
    });
    console.log(`remark: in block after ${timings.inBlock} ms, finalised after ${timings.finalized} ms`);

    const block = await api.rpc.chain.getBlock(blockHash);
    const ours = block.block.extrinsics.find(
      (xt) =>
        xt.isSigned &&
        xt.method.section === 'system' &&
        xt.method.method === 'remark' &&
        xt.method.args[0].toHex() === remark,
    );
    assert.ok(ours, 'the finalised block does not contain the remark');
    assert.equal(ours.signer.toString(), alice.address);
    assert.ok(
      events.some(({ event }) => api.events.system.ExtrinsicSuccess.is(event)),
      'no ExtrinsicSuccess event',
    );

    const finalizedHead = await api.rpc.chain.getFinalizedHead();
    const finalizedHeader = await api.rpc.chain.getHeader(finalizedHead);
    const blockNumber = block.block.header.number.toNumber();
    assert.ok(finalizedHeader.number.toNumber() >= blockNumber, 'the block is not final');
    assert.equal(u8aToHex((await api.rpc.chain.getBlockHash(blockNumber)).toU8a()), blockHash.toHex());
  });

  test('restarted on its database, it takes its own chain in another form and refuses another chain', async () => {
    const arg = (flag) => node.args[node.args.indexOf(flag) + 1];
    const [specPath, basePath] = [arg('--chain'), arg('--base-path')];
    const dir = join(basePath, '..');
    const genesis = api.genesisHash.toHex();
    await disconnectAll();
    await node.stop();
    const spec = JSON.parse(readFileSync(specPath, 'utf8'));
    const recordPath = join(basePath, 'chains', spec.id, 'genesis.json');
    const first = JSON.parse(readFileSync(recordPath, 'utf8'));
    assert.equal(first.genesisHash, genesis, 'the database\'s genesis is recorded beside it');

    const restart = async (name, changed) => {
      const path = join(dir, `${name}-spec.json`);
      writeFileSync(path, JSON.stringify(changed));
      const args = node.args.map((a) => (a === specPath ? path : a));
      const rpcPort = await freePort();
      args[args.indexOf('--rpc-port') + 1] = `${rpcPort}`;
      return new Node({ name, dir, rpcPort, args }).start();
    };

    // The same chain under another name: its spec's JSON differs, its genesis does not.
    const renamed = await restart('dev-renamed', { ...spec, name: 'BankTax Development, renamed' });
    try {
      const head = await waitFor('the renamed spec to serve its chain', () => rpc(renamed.url, 'chain_getBlockHash', [0]).catch(() => null), { nodes: [renamed] });
      assert.equal(head, genesis);
    } finally {
      await renamed.stop();
    }
    const second = JSON.parse(readFileSync(recordPath, 'utf8'));
    assert.equal(second.genesisHash, genesis);
    assert.notEqual(second.specFingerprint, first.specFingerprint, 'the new form of the spec is recorded');

    // Another chain's genesis (another session length) with the same chain id.
    const other = structuredClone(spec);
    other.genesis.runtimeGenesis.patch.institutions.sessionLength += 1;
    const refused = await restart('dev-other', other);
    const { code } = await refused.exited;
    assert.notEqual(code, 0, 'the node started on another chain\'s database');
    assert.ok(refused.findInLog(/start with the spec the database was made from/), refused.lastLines());
    assert.deepEqual(JSON.parse(readFileSync(recordPath, 'utf8')), second, 'the record is left as it was');
  });
});
