// Governance on the local consortium: outsiders cannot transact or join the network, and the
// council admits a fifth bank whose node validates within two sessions and removes it again. (A
// council motion upgrading the runtime of a running network: upgrade.test.js.)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { base58Decode, cryptoWaitReady, decodeAddress } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import { Node, banktaxAsync, freePort, runNode, waitFor, workDir } from './lib/nodes.js';
import { blockAuthor, bestNumber, connect, disconnectAll, finalizedNumber, rpc } from './lib/chain.js';
import { INSTITUTIONS, consortium } from './lib/consortium.js';
import { BLOCK_MS, SESSION_BLOCKS as SESSION } from './lib/specs.js';
import { councilMotion, devKey, findEvent, send } from './lib/tx.js';

describe('governance of the local consortium', () => {
  let dir;
  let spec;
  let nodes;
  let apis;
  let api;
  let voters;

  before(async () => {
    await cryptoWaitReady();
    dir = workDir('governance');
    ({ nodes, spec } = await consortium(dir));
    nodes.forEach((n) => n.start());
    apis = await Promise.all(nodes.map((n) => connect(n)));
    api = apis[0];
    voters = INSTITUTIONS.map((name) => devKey(`//${name}`));
    await waitFor('block #2', async () => (await bestNumber(api)) >= 2, { nodes });
  });

  after(async () => {
    await disconnectAll();
    await Promise.all((nodes ?? []).map((n) => n.stop()));
  });

  test('the pool rejects a transaction from an account that is not a member', async () => {
    const outsider = devKey('//not-a-member');
    await assert.rejects(
      api.tx.system.remark('0x01').signAndSend(outsider),
      (e) => /Invalid Transaction/.test(e.message) && /signing address|BadSigner/i.test(e.message),
    );
    // A member's remark goes through the same node.
    await send(api, api.tx.system.remark('0x02'), voters[1]);
  });

  test('a node that is not authorised does not sync from the validators', async () => {
    const rpcPort = await freePort();
    const intruder = new Node({
      name: 'intruder',
      dir,
      rpcPort,
      args: ['--chain', spec, '--base-path', join(dir, 'intruder'), '--rpc-port', `${rpcPort}`,
        '--port', `${await freePort()}`],
    }).start();
    const intruderApi = await connect(intruder);
    const start = await bestNumber(api);
    await waitFor('the network to advance 6 blocks', async () => (await bestNumber(api)) >= start + 6, { nodes });
    const [best, health] = await Promise.all([bestNumber(intruderApi), intruderApi.rpc.system.health()]);
    console.log(`intruder: best #${best}, ${health.peers} peers; network at #${await bestNumber(api)}`);
    assert.equal(best, 0, 'an unauthorised node synced blocks');
    await intruderApi.disconnect();
    await intruder.stop();
  });

  describe('a fifth bank', () => {
    const name = 'bank-c';
    const governance = devKey(`//${name}`);
    const validator = devKey(`//${name}//validator`);
    let bankNode;
    let bankApi;
    let id;
    let auraKey;
    let grandpaKey;

    test('is admitted by a council motion, and its own node validates within two sessions', async () => {
      // Its own node key, made as an operator would.
      const keyFile = join(dir, `${name}.node-key`);
      runNode(['key', 'generate-node-key', '--file', keyFile]);
      const peerId = runNode(['key', 'inspect-node-key', '--file', keyFile]).trim();
      const node = u8aToHex(base58Decode(peerId));

      id = (await api.query.institutions.nextInstitutionId()).toNumber();
      const application = {
        role: 'Bank',
        legalName: 'Local Test Bank C',
        uscc: '91100000000000005R',
        governance: governance.address,
        validator: validator.address,
        node,
        encryptionKey: `0x${'42'.repeat(32)}`,
      };
      const admittedAt = Date.now();
      const events = await councilMotion(api, api.tx.institutions.admit(application), voters);
      const admitted = findEvent(api, events, 'institutions', 'Admitted');
      assert.ok(admitted, 'no Institutions.Admitted event');
      assert.equal(admitted.data.id.toNumber(), id);
      const admittedBlock = (await api.rpc.chain.getHeader()).number.toNumber();
      const council = (await api.query.council.members()).map((m) => m.toString());
      assert.ok(council.includes(governance.address), 'the new bank is not on the council');

      // Its freshly started node syncs now that it is authorised.
      const rpcPort = await freePort();
      bankNode = new Node({
        name,
        dir,
        rpcPort,
        args: ['--chain', spec, '--validator', '--name', name, '--base-path', join(dir, name),
          '--node-key-file', keyFile, '--rpc-port', `${rpcPort}`, '--port', `${await freePort()}`],
      }).start();
      bankApi = await connect(bankNode);
      await waitFor(`${name}'s node to sync`, async () => (await bestNumber(bankApi)) >= admittedBlock, {
        timeoutMs: 90_000,
        nodes: [bankNode],
      });

      // It makes its session keys on its own node and registers them with their proof.
      const owner = u8aToHex(decodeAddress(validator.address));
      const generated = await rpc(bankNode.url, 'author_rotateKeysWithOwner', [owner]);
      // The keys are the SCALE encoding of (aura sr25519, grandpa ed25519), 32 bytes each.
      auraKey = generated.keys.slice(0, 66);
      grandpaKey = `0x${generated.keys.slice(66, 130)}`;
      await send(api, api.tx.session.setKeys(generated.keys, generated.proof), validator);
      const keysSetBlock = (await api.rpc.chain.getHeader()).number.toNumber();

      await waitFor(
        `${name}'s Aura key among the authorities`,
        async () => (await api.query.aura.authorities()).some((a) => a.toHex() === auraKey),
        { timeoutMs: 5 * SESSION * BLOCK_MS, nodes },
      );
      const authorityBlock = (await api.rpc.chain.getHeader()).number.toNumber();
      const authored = await waitFor(
        `a block authored by ${name}`,
        async () => {
          const header = await api.rpc.chain.getHeader();
          return (await blockAuthor(api, header)) === auraKey ? header.number.toNumber() : 0;
        },
        { timeoutMs: 60_000, everyMs: 1_000, nodes },
      );
      const sessions = (authorityBlock - keysSetBlock) / SESSION;
      console.log(
        `admission: motion executed at #${admittedBlock}, keys set at #${keysSetBlock}, ` +
          `authority from #${authorityBlock} (${sessions.toFixed(1)} sessions after its keys), ` +
          `first block #${authored}, ${((Date.now() - admittedAt) / 1000).toFixed(0)} s after the proposal`,
      );
      assert.ok(authorityBlock - keysSetBlock <= 2 * SESSION + 2, 'it took more than two sessions');
    });

    test('GRANDPA finalises with its vote', async () => {
      await waitFor(
        `${name}'s GRANDPA key among the finality authorities`,
        async () => (await api.call.grandpaApi.grandpaAuthorities()).some(([key]) => key.toHex() === grandpaKey),
        { timeoutMs: 60_000, nodes },
      );
      const authorities = await api.call.grandpaApi.grandpaAuthorities();
      assert.equal(authorities.length, 5, `GRANDPA has ${authorities.length} authorities`);
      // With five validators, finality needs four votes: stop one of the founders, and the
      // chain finalises only if the new bank votes.
      const regulator = nodes[3];
      await regulator.stop();
      const start = await finalizedNumber(api);
      await waitFor('finality to advance by 3 with four of five validators', async () => (await finalizedNumber(api)) >= start + 3, {
        timeoutMs: 90_000,
        nodes: [...nodes.slice(0, 3), bankNode],
      });
      regulator.start();
      apis[3] = await connect(regulator);
    });

    test('is removed by a council motion and stops validating', async () => {
      const events = await councilMotion(api, api.tx.institutions.remove(id), voters);
      assert.ok(findEvent(api, events, 'institutions', 'Removed'), 'no Institutions.Removed event');
      const removedBlock = (await api.rpc.chain.getHeader()).number.toNumber();
      const council = (await api.query.council.members()).map((m) => m.toString());
      assert.ok(!council.includes(governance.address), 'the removed bank is still on the council');

      await waitFor(
        `${name}'s Aura key to leave the authorities`,
        async () => !(await api.query.aura.authorities()).some((a) => a.toHex() === auraKey),
        { timeoutMs: 5 * SESSION * BLOCK_MS, nodes },
      );
      const goneBlock = (await api.rpc.chain.getHeader()).number.toNumber();
      console.log(`removal: motion executed at #${removedBlock}, out of the authorities from #${goneBlock} (${((goneBlock - removedBlock) / SESSION).toFixed(1)} sessions)`);
      assert.ok(goneBlock - removedBlock <= 2 * SESSION + 2, 'it took more than two sessions');

      // The next 8 blocks come from the four founders only.
      const authors = new Set();
      let seen = 0;
      const unsubscribe = await api.rpc.chain.subscribeFinalizedHeads(async (header) => {
        if (header.number.toNumber() <= goneBlock) return;
        authors.add(await blockAuthor(api, header));
        seen += 1;
      });
      await waitFor('8 more finalised blocks', () => seen >= 8, { timeoutMs: 90_000, nodes });
      unsubscribe();
      assert.ok(!authors.has(auraKey), `${name} authored a block after its removal`);
      await bankApi.disconnect();
      await bankNode.stop();
    });
  });

  test('the council admits and removes a bank with the banktax command line alone', async () => {
    // Each institution's signing key in a file of its own, as an operator keeps it.
    const keyFile = (name) => {
      const file = join(dir, `${name}.suri`);
      writeFileSync(file, `//${name}\n`, { mode: 0o600 });
      return file;
    };
    const signers = INSTITUTIONS.map((name) => ['--key-file', keyFile(name), '--url', nodes[0].url]);
    const council = (args) => banktaxAsync(['council', ...args]);
    // Proposes, votes with as many founders as two thirds of the council needs, and closes.
    const pass = async (propose, needed) => {
      const { motion, threshold } = await council(['propose', ...propose, ...signers[0]]);
      assert.equal(threshold, needed, 'two thirds of the council, rounded up');
      for (const signer of signers.slice(0, threshold)) await council(['vote', '--motion', motion, ...signer]);
      const open = await council(['motions', '--url', nodes[0].url]);
      const listed = open.motions.find((m) => m.motion === motion);
      assert.equal(listed?.votes.ayes.length, needed, `the motion's votes: ${JSON.stringify(listed)}`);
      const closed = await council(['close', '--motion', motion, ...signers[1]]);
      assert.equal(closed.outcome, 'executed');
    };

    const nodeKey = join(dir, 'bank-d.node-key');
    runNode(['key', 'generate-node-key', '--file', nodeKey]);
    const peerId = runNode(['key', 'inspect-node-key', '--file', nodeKey]).trim();
    const secret = join(dir, 'bank-d.encryption.json');
    const { public: encryptionKey } = await banktaxAsync(['keys', 'generate', '--out', secret]);
    assert.equal(statSync(secret).mode & 0o777, 0o600, 'the secret key is readable by others');
    const governance = (await banktaxAsync(['keys', 'account', '--key-file', keyFile('bank-d')])).account;
    const validator = devKey('//bank-d//validator').address;

    await pass(['admit', '--role', 'bank', '--legal-name', 'Local Test Bank D', '--uscc', '91440300708461136T',
      '--governance', governance, '--validator', validator, '--node', peerId, '--encryption-key', encryptionKey], 3);
    const admitted = (await banktaxAsync(['show', 'institutions', '--url', nodes[0].url]))
      .find((i) => i.governance === governance);
    assert.equal(admitted?.status, 'active', `the new bank: ${JSON.stringify(admitted)}`);
    const members = (await api.query.council.members()).map((m) => m.toString());
    assert.ok(members.includes(governance), 'the new bank is not on the council');

    // Five on the council now: two thirds is four.
    await pass(['remove', '--institution', `${admitted.id}`], 4);
    const removed = (await banktaxAsync(['show', 'institutions', '--url', nodes[0].url]))
      .find((i) => i.id === admitted.id);
    assert.equal(removed?.status, 'removed');
  });
});
