// Enterprises and sealed tax records on a development node: the tax authority (Alice) registers
// an enterprise, whose controller may then transact, and attests a record sealed with the
// `banktax` command line (record format 2). No figure of the record shows anywhere on chain: not
// in the block, not in its events, not in any storage value; not even its length differs from
// that of a record with other figures.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import { banktax, startDevNode, workDir } from './lib/nodes.js';
import { connect, disconnectAll } from './lib/chain.js';
import { allStorage, contains, encodings } from './lib/figures.js';
import { devKey, findEvent, send } from './lib/tx.js';

const CODE = '91350100M000100Y43';

// Figures in fen, large enough that finding their bytes by chance is out of the question.
const FIGURES = {
  taxPayable: 27182818285n, taxPaid: 27182818284n, revenue: 731415926535n,
  invoicesIssued: 16180339n, arrears: 1414213562n, penalties: 1732050807n,
};

describe('enterprises and sealed tax records', () => {
  let node;
  let api;
  let dir;
  let alice;
  let controller;

  before(async () => {
    dir = workDir('tax-records');
    node = await startDevNode('tax-records', dir);
    api = await connect(node);
    await cryptoWaitReady();
    alice = devKey('//Alice');
    controller = devKey('//enterprise-controller');
  });

  after(async () => {
    await disconnectAll();
    await node?.stop();
  });

  test('the tax authority registers an enterprise, and then its controller may transact', async () => {
    await assert.rejects(
      api.tx.system.remark('0x01').signAndSend(controller),
      (e) => /signing address|BadSigner/i.test(e.message),
      'an unregistered account got into the pool',
    );
    const { events } = await send(
      api,
      api.tx.taxRecords.registerEnterprise(CODE, [controller.address]),
      alice,
    );
    const registered = findEvent(api, events, 'taxRecords', 'EnterpriseRegistered');
    assert.ok(registered, 'no EnterpriseRegistered event');
    assert.equal(registered.data.by.toString(), alice.address);
    const controllerOf = await api.query.taxRecords.controllerOf(controller.address);
    assert.equal(Buffer.from(controllerOf.unwrap().toU8a()).toString(), CODE);

    // Its transactions now pass the membership check and reach the chain: a loan step of its
    // own enterprise is included, and fails there only because no such loan exists.
    await assert.rejects(send(api, api.tx.loans.withdrawApplication(999), controller), /loans\.UnknownLoan/);
    // Remarks are for institutions, not for an enterprise's key.
    await assert.rejects(api.tx.system.remark('0x02').signAndSend(controller), /Custom error: 1$/);
  });

  test('a bank cannot attest, and a mistyped code is refused by name', async () => {
    const bob = devKey('//Bob');
    await assert.rejects(
      send(api, api.tx.taxRecords.registerEnterprise('91110000600037341L', [devKey('//x').address]), bob),
      /Custom error: 1$/,
    );
    await assert.rejects(
      send(api, api.tx.taxRecords.registerEnterprise('91350100M000100Y44', [devKey('//y').address]), alice),
      /taxRecords\.InvalidUscc/,
    );
  });

  test('a sealed record is attested, and none of its figures is in the block, events or state', async () => {
    const file = join(dir, 'annual-summary-2025.json');
    const fields = { ...FIGURES, creditScore: 93 };
    const record = { enterprise: CODE, period: { year: 2025 }, kind: 'annualSummary', rating: 'A', fields };
    writeFileSync(file, JSON.stringify(record, (_, v) => (typeof v === 'bigint' ? Number(v) : v)));
    const sealed = banktax(['record', 'seal', file]);
    assert.equal(sealed.schemaVersion, 2);
    // A summary of a small firm with no arrears seals to exactly as many bytes.
    const small = join(dir, 'small-summary.json');
    const smallFields = { taxPayable: 100, taxPaid: 100, revenue: 2500, invoicesIssued: 1, arrears: 0, penalties: 0, creditScore: 71 };
    writeFileSync(small, JSON.stringify({ ...record, rating: 'B', fields: smallFields }));
    assert.equal(banktax(['record', 'seal', small]).ciphertext.length, sealed.ciphertext.length, 'lengths tell the figures apart');

    const attestation = {
      schemaVersion: sealed.schemaVersion,
      rating: 'A',
      commitment: sealed.commitment,
      ciphertext: sealed.ciphertext,
    };
    const tx = api.tx.taxRecords.attestRecord(CODE, { Year: 2025 }, 'AnnualSummary', attestation);
    const { blockHash, events } = await send(api, tx, alice, { finalized: true });
    const attested = findEvent(api, events, 'taxRecords', 'RecordAttested');
    assert.ok(attested, 'no RecordAttested event');
    const id = attested.data.record.toNumber();

    const stored = (await api.query.taxRecords.records.at(blockHash, id)).unwrap();
    assert.equal(stored.commitment.toHex(), sealed.commitment);
    assert.equal(stored.ciphertext.toHex(), sealed.ciphertext);
    assert.equal(stored.rating.unwrap().toString(), 'A', 'the rating is public');
    assert.equal(stored.attestedBy.toString(), alice.address);
    assert.equal(stored.status.toString(), 'Current');

    // The figures are there, sealed: the data key opens the on-chain bytes to them.
    const opened = banktax([
      'record', 'open',
      '--ciphertext', stored.ciphertext.toHex(),
      '--commitment', stored.commitment.toHex(),
      '--data-key', sealed.dataKey,
    ]);
    for (const [key, value] of Object.entries(FIGURES)) assert.equal(BigInt(opened.fields[key]), value, key);

    // ...and nowhere in clear.
    const block = (await api.rpc.chain.getBlock(blockHash)).block.toU8a();
    const eventBytes = (await api.rpc.state.getStorage(api.query.system.events.key(), blockHash)).toU8a(true);
    const state = await allStorage(api, blockHash);
    assert.ok(state.length > 100, `only ${state.length / 2} storage entries read`);
    assert.ok(contains(block, stored.commitment.toU8a()), 'the search does not see into the block');
    for (const [key, value] of Object.entries(FIGURES)) {
      for (const needle of encodings(value)) {
        const shown = u8aToHex(needle);
        assert.ok(!contains(block, needle), `${key} (${shown}) is in the block`);
        assert.ok(!contains(eventBytes, needle), `${key} (${shown}) is in the events`);
        assert.ok(!state.some((bytes) => contains(bytes, needle)), `${key} (${shown}) is in the state`);
      }
    }
  });
});
