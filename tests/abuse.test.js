// A fee-less chain against hostile members, on a development node. Every attack is tried as a
// member would try it, and every refusal is asserted by the code the node gives: an enterprise's
// key cannot store data, propose to the council or touch the node list; no signed call changes
// the node list; an institution's transaction has a length limit; a controller taken out and put
// back cannot have its old transactions replayed. Then two enterprises flood the chain for two
// minutes from all their controllers, past what the pool holds: every block stays within the
// enterprise budget, the database grows by no more than the budget's bytes, and an attestation,
// a bank's access record and a council vote sent meanwhile are in a block within three blocks.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { cryptoWaitReady, blake2AsHex } from '@polkadot/util-crypto';
import { startDevNode, waitFor, workDir } from './lib/nodes.js';
import { bestNumber, connect, disconnectAll, finalizedNumber, rpcResponse } from './lib/chain.js';
import { attestedId, attestSealed, sealRecord } from './lib/records.js';
import { devKey, findEvent, send } from './lib/tx.js';

// The membership check's refusals (`pallet_institutions::Refusal`), as clients see them.
const CALL_NOT_FOR_SIGNER = 'Custom error: 1';
const TRANSACTION_TOO_LONG = 'Custom error: 2';
const STALE = 'Transaction is outdated';

const FLOODERS = ['91350100M000100Y43', '91110000600037341L'];
const HONEST = '91440300708461136T';
const CONTROLLERS = 8;
const FLOOD_MS = 120_000;
// Transactions each flooding controller keeps sent and not yet in a block: together more than
// the node's pool holds (8 192), so that it is full throughout.
const WINDOW = 520;
const NOTICE = blake2AsHex('I agree that my tax records go to the named bank for credit assessment only.');
// A libp2p peer id (Ed25519) as the node list stores it.
const PEER = `0x0024080112${'ab'.repeat(32)}`;

describe('abuse: call sets by role, budgets, priorities, no replay', () => {
  let node;
  let api;
  let dir;
  let alice;
  let bob;
  let charlie;
  let honest;
  let spare;
  let flooders; // [[pair, …] per enterprise]
  let consent;
  let summary;

  /**
   * Signs `tx` as `signer` and submits it; resolves with the node's reason for refusing it
   * ("Custom error: 1", …). Fails if the node takes it.
   */
  const refusal = async (tx, signer, options = {}) => {
    await tx.signAsync(signer, options);
    const { error } = await rpcResponse(node.url, 'author_submitExtrinsic', [tx.toHex()]);
    assert.ok(error, `${tx.method.section}.${tx.method.method} was taken into the pool`);
    return error.data ?? error.message;
  };

  before(async () => {
    dir = workDir('abuse');
    node = await startDevNode('abuse', dir);
    api = await connect(node);
    await cryptoWaitReady();
    alice = devKey('//Alice');
    bob = devKey('//Bob');
    charlie = devKey('//Charlie');
    honest = devKey('//abuse//honest');
    spare = devKey('//abuse//spare');
    flooders = FLOODERS.map((_, e) => Array.from({ length: CONTROLLERS }, (__, c) => devKey(`//abuse//flood//${e}//${c}`)));
    for (const [e, code] of FLOODERS.entries()) {
      await send(api, api.tx.taxRecords.registerEnterprise(code, flooders[e].map((p) => p.address)), alice);
    }
    await send(api, api.tx.taxRecords.registerEnterprise(HONEST, [honest.address, spare.address]), alice);
    const record = { enterprise: HONEST, period: { year: 2024 }, kind: 'annualSummary', rating: 'A', fields: { taxPayable: 20480000000, taxPaid: 20480000000, revenue: 512000000000, invoicesIssued: 0, arrears: 0, penalties: 0, creditScore: 92 } };
    summary = (await attestSealed(api, alice, dir, 'summary-2024', record)).id;
    const scope = { kinds: ['AnnualSummary'], firstYear: 2024, lastYear: 2025 };
    const expiresAt = (await bestNumber(api)) + 100_000;
    const granted = await send(api, api.tx.consent.grantConsent(bob.address, 'CreditAssessment', scope, 'WholeRecords', expiresAt, NOTICE), honest);
    consent = findEvent(api, granted.events, 'consent', 'ConsentGranted').data.consent.toNumber();
  });

  after(async () => {
    await disconnectAll();
    await node?.stop();
  });

  test('an enterprise key cannot store data, go to the council or touch the node list', async () => {
    const controller = flooders[0][0];
    // The remark that was once included, free: 3.5 MB.
    const huge = `0x${'ee'.repeat(3_500_000)}`;
    assert.equal(await refusal(api.tx.system.remark(huge), controller), CALL_NOT_FOR_SIGNER);
    assert.equal(await refusal(api.tx.system.remarkWithEvent('0x01'), controller), CALL_NOT_FOR_SIGNER);
    const motion = api.tx.governance.dispatchAsRoot(api.tx.system.remark('0x01'));
    assert.equal(await refusal(api.tx.council.propose(3, motion, 100), controller), CALL_NOT_FOR_SIGNER);
    assert.equal(await refusal(api.tx.nodeAuthorization.claimNode(PEER), controller), CALL_NOT_FOR_SIGNER);
    assert.equal(await refusal(api.tx.nodeAuthorization.addConnections(PEER, [PEER]), controller), CALL_NOT_FOR_SIGNER);
    // Its own enterprise's business still goes through.
    await assert.rejects(send(api, api.tx.loans.withdrawApplication(999), controller), /loans\.UnknownLoan/);
  });

  test('no signed call changes the node list, and an institution has a length limit', async () => {
    assert.equal(await refusal(api.tx.nodeAuthorization.addWellKnownNode(PEER, alice.address), alice), CALL_NOT_FOR_SIGNER);
    assert.equal(await refusal(api.tx.nodeAuthorization.claimNode(PEER), alice), CALL_NOT_FOR_SIGNER);
    assert.equal(await refusal(api.tx.nodeAuthorization.transferNode(PEER, bob.address), alice), CALL_NOT_FOR_SIGNER);
    assert.equal(await refusal(api.tx.nodeAuthorization.addConnections(PEER, [PEER]), bob), CALL_NOT_FOR_SIGNER);
    // A bank's transactions are at most 64 KiB: a remark of 100 KiB is refused, a small one taken.
    const { maxTransactionLen } = api.consts.institutions.bankBudget;
    assert.equal(await refusal(api.tx.system.remark(`0x${'ee'.repeat(maxTransactionLen.toNumber() + 1)}`), bob), TRANSACTION_TOO_LONG);
    await send(api, api.tx.system.remark('0x02'), bob);
    assert.deepEqual((await api.query.nodeAuthorization.owners(PEER)).toJSON(), null, 'nobody owns the peer');
  });

  test('a controller taken out and put back cannot have its old transactions replayed', async () => {
    // An immortal transaction at nonce 0, as a careless client signs it.
    const tx = api.tx.loans.withdrawApplication(998);
    await tx.signAsync(spare, { era: 0 });
    const signed = tx.toHex();
    await api.rpc.author.submitExtrinsic(signed);
    const nonce = async () => (await api.query.system.account(spare.address)).nonce.toNumber();
    await waitFor('the spare controller\'s transaction in a block', async () => (await nonce()) === 1, { nodes: [node] });
    await send(api, api.tx.taxRecords.setControllers(HONEST, [honest.address]), alice);
    await send(api, api.tx.taxRecords.setControllers(HONEST, [honest.address, spare.address]), alice);
    assert.equal(await nonce(), 1, 'the account kept its nonce');
    const { error } = await rpcResponse(node.url, 'author_submitExtrinsic', [signed]);
    assert.equal(error?.data, STALE);
  });

  test('two enterprises flood for two minutes: blocks stay within budget, institutions go first', async () => {
    const budget = api.consts.institutions.enterpriseBudget;
    const perBlock = { transactions: budget.transactionsPerBlock.toNumber(), bytes: budget.bytesPerBlock.toNumber() };
    const owner = new Map();
    flooders.forEach((pairs, e) => pairs.forEach((p) => owner.set(p.address, e)));

    // Before: a council motion to vote on, and a record to attest, sealed.
    const motion = api.tx.governance.dispatchAsRoot(api.tx.system.remark('0xab'));
    const proposed = await send(api, api.tx.council.propose(3, motion, motion.encodedLength + 16), alice);
    const [, index, hash] = findEvent(api, proposed.events, 'council', 'Proposed').data;
    const record = { enterprise: HONEST, period: { year: 2025 }, kind: 'annualSummary', rating: 'A', fields: { taxPayable: 25600000000, taxPaid: 25600000000, revenue: 640000000000, invoicesIssued: 0, arrears: 0, penalties: 0, creditScore: 93 } };
    const { tx: attestation } = sealRecord(api, dir, 'summary-2025', record);

    const database = join(dir, 'abuse', 'chains');
    const size = () => Number(execFileSync('du', ['-sb', database], { encoding: 'utf8' }).split('\t')[0]);
    const sizeBefore = size();
    const firstBlock = (await bestNumber(api)) + 1;

    // Every block while the flood lasts, with what each flooding enterprise has in it.
    const blocks = [];
    const reading = new Set(); // blocks being read
    const unreadable = [];
    const read = async (header) => {
      const { block } = await api.rpc.chain.getBlock(header.hash);
      const used = FLOODERS.map(() => ({ transactions: 0, bytes: 0 }));
      for (const xt of block.extrinsics) {
        const e = xt.isSigned ? owner.get(xt.signer.toString()) : undefined;
        if (e === undefined) continue;
        used[e].transactions += 1;
        used[e].bytes += xt.encodedLength;
      }
      blocks.push({ number: header.number.toNumber(), length: block.encodedLength, used });
    };
    const unsubscribe = await api.rpc.chain.subscribeNewHeads((header) => {
      const done = read(header).catch((e) => unreadable.push(`#${header.number}: ${e.message}`));
      reading.add(done);
      done.finally(() => reading.delete(done));
    });

    const end = Date.now() + FLOOD_MS;
    let stopped = false;
    let filled = 0; // controllers that have had their whole window in the pool
    const flood = async (pair) => {
      let nonce = (await api.rpc.system.accountNextIndex(pair.address)).toNumber();
      let chainNonce = nonce;
      let n = 0;
      let full = false;
      while (Date.now() < end && !stopped) {
        if (nonce - chainNonce >= WINDOW) {
          if (!full) filled += 1;
          full = true;
          await new Promise((r) => setTimeout(r, 500));
          chainNonce = (await api.query.system.account(pair.address)).nonce.toNumber();
          continue;
        }
        const tx = api.tx.loans.withdrawApplication(1_000_000 + n);
        n += 1;
        await tx.signAsync(pair, { nonce, era: 0 });
        nonce += 1;
        // A full pool drops what it cannot hold: that is the flood's business, not this test's.
        api.rpc.author.submitExtrinsic(tx.toHex()).catch(() => {});
      }
    };
    const floods = flooders.flat().map(flood);
    try {
      // Once the pool is full of the flood: the tax authority attests, a bank records a use, and
      // a council member votes, at the same moment. They are signed first, so that what is
      // timed is the chain, not this process signing.
      await waitFor('the flood to fill the pool', () => filled === CONTROLLERS * FLOODERS.length, { timeoutMs: 90_000, nodes: [node] });
      const business = [
        ['attestation', attestation, alice],
        ['recordAccess', api.tx.consent.recordAccess(consent, summary, 'CreditAssessment'), bob],
        ['council vote', api.tx.council.vote(hash, index, true), charlie],
      ];
      for (const [, tx, signer] of business) await tx.signAsync(signer);
      const sentAt = await bestNumber(api);
      const started = Date.now();
      const timed = async ([what, tx]) => {
        const { blockHash, events } = await send(api, tx, null, { finalized: true, timeoutMs: 60_000 });
        const number = (await api.rpc.chain.getHeader(blockHash)).number.toNumber();
        return { what, blocks: number - sentAt, ms: Date.now() - started, events };
      };
      const honestOnes = await Promise.all(business.map(timed));
      assert.ok(attestedId(api, honestOnes[0].events) > summary, 'the record was attested');
      for (const { what, blocks: waited, ms } of honestOnes) {
        console.log(`during the flood: ${what} in a block ${waited} block(s) after it was sent, final after ${ms} ms`);
        assert.ok(waited <= 3, `${what} waited ${waited} blocks`);
      }
    } catch (e) {
      // The flood ends before the test does, whatever happened.
      stopped = true;
      await Promise.allSettled(floods);
      throw e;
    }
    await Promise.all(floods);
    await waitFor('the flood\'s last block', async () => (await finalizedNumber(api)) >= (await bestNumber(api)) - 1, { nodes: [node] });
    unsubscribe();
    await Promise.all(reading);
    assert.deepEqual(unreadable, [], 'blocks the test could not read');
    const flooded = blocks.filter((b) => b.number >= firstBlock);
    const growth = size() - sizeBefore;

    let full = 0;
    for (const { number, used } of flooded) {
      for (const [e, u] of used.entries()) {
        assert.ok(u.transactions <= perBlock.transactions, `block ${number}: enterprise ${e} has ${u.transactions} transactions`);
        assert.ok(u.bytes <= perBlock.bytes, `block ${number}: enterprise ${e} has ${u.bytes} bytes`);
        if (u.transactions === perBlock.transactions) full += 1;
      }
    }
    // The flood was real: the enterprises used their whole budget in most blocks.
    assert.ok(full >= flooded.length, `only ${full} of ${2 * flooded.length} enterprise-blocks at full budget`);
    const largest = Math.max(...flooded.map((b) => b.length));
    const enterpriseMost = Math.max(...flooded.flatMap((b) => b.used.map((u) => u.bytes)));
    // The database: the two enterprises' budget in every block, and for each block its header,
    // inherents, finality proof and state changes (which a quiet development chain also writes).
    const allowed = flooded.length * (2 * perBlock.bytes + 16 * 1024);
    console.log(
      `flood: ${flooded.length} blocks, largest ${largest} bytes, an enterprise's most ${enterpriseMost} bytes a block; ` +
        `database +${growth} bytes (allowed ${allowed})`,
    );
    assert.ok(growth <= allowed, `the database grew by ${growth} bytes, more than ${allowed}`);
  });
});
