// The local consortium: four institutions' validators take turns authoring, GRANDPA finalises
// with one of them down, and a restarted validator resumes from its own database.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { stringToHex } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { waitFor, workDir } from './lib/nodes.js';
import { blockAuthor, bestNumber, connect, disconnectAll, finalizedNumber } from './lib/chain.js';
import { INSTITUTIONS, consortium } from './lib/consortium.js';

describe('local consortium of four validators', () => {
  let nodes;
  let apis;
  let stoppedAt;

  before(async () => {
    ({ nodes } = await consortium(workDir('local')));
    nodes.forEach((n) => n.start());
    apis = await Promise.all(nodes.map((n) => connect(n)));
  });

  after(async () => {
    await disconnectAll();
    await Promise.all((nodes ?? []).map((n) => n.stop()));
  });

  test('the nodes find each other through the chain spec boot nodes', async () => {
    await waitFor(
      'every node to have 3 peers',
      async () => {
        const peers = await Promise.all(apis.map(async (api) => (await api.rpc.system.health()).peers.toNumber()));
        return peers.every((p) => p === 3);
      },
      { timeoutMs: 60_000, nodes },
    );
    const names = await Promise.all(apis.map(async (api) => (await api.rpc.system.chain()).toString()));
    assert.deepEqual(new Set(names), new Set(['BankTax Local Consortium']));
  });

  test('every validator authors blocks', async () => {
    const api = apis[0];
    const authorities = (await api.query.aura.authorities()).map((a) => a.toHex());
    assert.equal(authorities.length, 4, 'four Aura authorities at genesis');
    const validators = await api.query.session.validators();
    assert.equal(validators.length, 4, 'four session validators at genesis');

    const authors = new Map();
    const failures = [];
    const unsubscribe = await api.rpc.chain.subscribeNewHeads((header) => {
      if (header.number.toNumber() === 0) return; // genesis has no author
      blockAuthor(api, header)
        .then((author) => authors.set(author, (authors.get(author) ?? 0) + 1))
        .catch((e) => failures.push(`#${header.number}: ${e.message}`));
    });
    try {
      await waitFor('a block from each of the four validators', () => failures.length > 0 || authors.size === 4, {
        timeoutMs: 90_000,
        nodes,
      });
    } finally {
      unsubscribe();
    }
    assert.deepEqual(failures, [], 'reading block authors failed');
    for (const author of authors.keys()) {
      assert.ok(authorities.includes(author), `${author} is not an Aura authority`);
    }
  });

  test('a transaction sent to one validator is finalised, as another one sees it', async () => {
    await cryptoWaitReady();
    // A validator's account exists from genesis (it holds session keys), so it can transact.
    const sender = new Keyring({ type: 'sr25519' }).addFromUri(`//${INSTITUTIONS[0]}`);
    const remark = stringToHex(`consortium e2e ${Date.now()}`);
    const submitted = Date.now();
    const { hash, inBlockMs } = await new Promise((ok, fail) => {
      let inBlockMs;
      const timer = setTimeout(() => fail(new Error('remark not in a block within 60s')), 60_000);
      apis[0].tx.system
        .remark(remark)
        .signAndSend(sender, ({ status, dispatchError }) => {
          if (dispatchError) fail(new Error(dispatchError.toString()));
          if (status.isInBlock) {
            inBlockMs = Date.now() - submitted;
            clearTimeout(timer);
            ok({ hash: status.asInBlock, inBlockMs });
          }
          if (status.isInvalid || status.isDropped) fail(new Error(status.type));
        })
        .catch(fail);
    });
    const observer = apis[2];
    const number = await waitFor(
      `${INSTITUTIONS[2]} to finalise the block with the remark`,
      async () => {
        const header = await observer.rpc.chain.getHeader(hash);
        const final = await finalizedNumber(observer);
        const canonical = await observer.rpc.chain.getBlockHash(header.number);
        return final >= header.number.toNumber() && canonical.eq(hash) ? header.number.toNumber() : 0;
      },
      { timeoutMs: 60_000, everyMs: 200, nodes },
    );
    const finalMs = Date.now() - submitted;
    console.log(`local remark: in block #${number} after ${inBlockMs} ms, final on another node after ${finalMs} ms`);
    const block = await observer.rpc.chain.getBlock(hash);
    assert.ok(
      block.block.extrinsics.some((xt) => xt.method.method === 'remark' && xt.method.args[0].toHex() === remark),
      'the finalised block lacks the remark',
    );
  });

  test('finality advances with all four, and with one validator stopped', async () => {
    const api = apis[0];
    const start = await finalizedNumber(api);
    await waitFor('finality to advance by 3 with four validators', async () => (await finalizedNumber(api)) >= start + 3, {
      timeoutMs: 60_000,
      nodes,
    });

    const stopped = nodes[3];
    stoppedAt = await bestNumber(apis[3]);
    await stopped.stop();
    assert.equal(stopped.alive, false, `${stopped.name} did not stop`);
    const afterStop = await finalizedNumber(api);
    await waitFor(
      `finality to advance by 5 without ${stopped.name} (3 of 4 votes)`,
      async () => (await finalizedNumber(api)) >= afterStop + 5,
      { timeoutMs: 90_000, nodes: nodes.slice(0, 3) },
    );
  });

  test('a restarted validator resumes from its own database and catches up', async () => {
    const restarted = nodes[3];
    assert.equal(restarted.alive, false, 'the previous test leaves the regulator stopped');
    const networkBest = await bestNumber(apis[0]);
    const logFrom = restarted.logSize();

    restarted.start();
    // A node that opens an existing database reports the highest block it already holds; a
    // node starting from nothing initialises genesis instead.
    const resumed = await waitFor(
      `${restarted.name} to open its database`,
      () => restarted.findInLog(/Highest known block at #(\d+)/, logFrom),
      { timeoutMs: 30_000, nodes: [restarted] },
    );
    const resumedAt = Number(resumed[1]);
    console.log(`${restarted.name} stopped at #${stoppedAt}, resumed at #${resumedAt}; network at #${networkBest}`);
    assert.ok(resumedAt >= stoppedAt, `resumed at #${resumedAt}, below the #${stoppedAt} it stopped at`);
    assert.equal(restarted.findInLog(/Initializing Genesis block/, logFrom), null, 'it rebuilt genesis');

    const api = await connect(restarted);
    await waitFor(
      `${restarted.name} to reach the network's head`,
      async () => (await bestNumber(api)) >= networkBest + 2,
      { timeoutMs: 90_000, nodes: [restarted] },
    );
    const networkFinal = await finalizedNumber(apis[0]);
    await waitFor(
      `${restarted.name} to follow finality`,
      async () => (await finalizedNumber(api)) >= networkFinal,
      { timeoutMs: 60_000, nodes: [restarted] },
    );
    assert.equal(INSTITUTIONS[3], restarted.name);
  });
});
