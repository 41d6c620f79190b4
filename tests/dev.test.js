// A development node (`--dev`): it starts, authors and finalises blocks, serves its runtime's
// version and metadata, and includes a signed transaction in a finalised block.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { u8aToHex, stringToHex } from '@polkadot/util';
import { startDevNode, waitFor, workDir } from './lib/nodes.js';
import { bestNumber, connect, disconnectAll, finalizedNumber } from './lib/chain.js';

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
});
