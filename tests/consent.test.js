// Consent on a development node, end to end: an enterprise grants Bob (a bank) consent to its
// annual summaries; the tax authority (Alice) delivers a key envelope sealed with the `banktax`
// command line; Bob opens the envelope and the record and checks them against the on-chain
// commitment, and records his use; the enterprise withdraws, and from that block nothing more
// is delivered or used. Charlie, another bank, holds no consent and gets nothing; under a
// consent to chosen fields he gets only those; a consent that runs out stops by itself.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cryptoWaitReady, blake2AsHex } from '@polkadot/util-crypto';
import { banktax, startDevNode, waitFor, workDir } from './lib/nodes.js';
import { bestNumber, connect, disconnectAll } from './lib/chain.js';
import { attestSealed } from './lib/records.js';
import { devKey, findEvent, send } from './lib/tx.js';

const CODE = '91440300708461136T';
const NOTICE = blake2AsHex('I agree that my tax records go to the named bank for credit assessment only.');
const FIGURES = {
  2024: { taxPayable: 20480000000, taxPaid: 20480000000, revenue: 512000000000, invoicesIssued: 880, arrears: 0, penalties: 0, creditScore: 91 },
  2025: { taxPayable: 25600000001, taxPaid: 25600000000, revenue: 640000000000, invoicesIssued: 1024, arrears: 0, penalties: 0, creditScore: 94 },
};
const SUMMARIES = { kinds: ['AnnualSummary'], firstYear: 2024, lastYear: 2025 };

/** `banktax` expected to fail: its error message. */
function banktaxFails(args) {
  try {
    banktax(args);
  } catch (e) {
    assert.equal(e.status, 1, 'banktax did not exit with status 1');
    return e.stderr.toString();
  }
  throw new Error(`banktax ${args.join(' ')} succeeded`);
}

describe('consent: grant, delivery, use, withdrawal, expiry', () => {
  let node;
  let api;
  let dir;
  let alice;
  let bob;
  let charlie;
  let controller;
  const records = {}; // year -> { id, sealedFile }
  let consent;

  /** The consent number in `events`' ConsentGranted. */
  const grantedId = (events) => findEvent(api, events, 'consent', 'ConsentGranted').data.consent.toNumber();

  const grant = async (bank, disclosure, expiresAt, purpose = 'CreditAssessment') => {
    const tx = api.tx.consent.grantConsent(bank.address, purpose, SUMMARIES, disclosure, expiresAt, NOTICE);
    return grantedId((await send(api, tx, controller)).events);
  };

  /** A bank's registered encryption key, as the institutions registry holds it. */
  const encryptionKey = async (who) => {
    const id = (await api.query.institutions.byGovernance(who.address)).unwrap();
    return (await api.query.institutions.registry(id)).unwrap().encryptionKey.toHex();
  };

  /** The record `id` as the chain holds it, written where `banktax envelope open` reads it. */
  const chainRecord = async (id) => {
    const stored = (await api.query.taxRecords.records(id)).unwrap();
    const kind = stored.kind.toString();
    const file = join(dir, `chain-record-${id}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        enterprise: Buffer.from(stored.enterprise.toU8a()).toString(),
        period: stored.period.toJSON(),
        kind: kind[0].toLowerCase() + kind.slice(1),
        rating: stored.rating.isSome ? stored.rating.unwrap().toString() : null,
        commitment: stored.commitment.toHex(),
        ciphertext: stored.ciphertext.toHex(),
      }),
    );
    return file;
  };

  const deliver = (id, bank, record, envelope) =>
    send(api, api.tx.consent.deliverEnvelope(id, bank.address, record, envelope), alice);

  before(async () => {
    dir = workDir('consent');
    node = await startDevNode('consent', dir);
    api = await connect(node);
    await cryptoWaitReady();
    [alice, bob, charlie] = ['//Alice', '//Bob', '//Charlie'].map(devKey);
    controller = devKey('//consent-controller');

    await send(api, api.tx.taxRecords.registerEnterprise(CODE, [controller.address]), alice);
    for (const year of [2024, 2025]) {
      const record = { enterprise: CODE, period: { year }, kind: 'annualSummary', rating: 'A', fields: FIGURES[year] };
      records[year] = await attestSealed(api, alice, dir, `summary-${year}`, record);
    }
  });

  after(async () => {
    await disconnectAll();
    await node?.stop();
  });

  test('the enterprise grants Bob a consent; only a bank may receive one', async () => {
    const expiresAt = (await bestNumber(api)) + 2000;
    await assert.rejects(grant(alice, 'WholeRecords', expiresAt), /consent\.NotABank/);
    // A bank's key may not sign an enterprise's call: the pool refuses it before it takes any
    // block space (docs/security.md).
    await assert.rejects(
      send(api, api.tx.consent.grantConsent(bob.address, 'CreditAssessment', SUMMARIES, 'WholeRecords', expiresAt, NOTICE), bob),
      /Custom error: 1$/,
    );
    consent = await grant(bob, 'WholeRecords', expiresAt);

    const stored = (await api.query.consent.consents(consent)).unwrap();
    assert.equal(Buffer.from(stored.enterprise.toU8a()).toString(), CODE);
    assert.equal(stored.bank.toString(), bob.address);
    assert.equal(stored.purpose.toString(), 'CreditAssessment');
    assert.equal(stored.notice.toHex(), NOTICE);
    assert.equal(stored.expiresAt.toNumber(), expiresAt);
    assert.ok(stored.withdrawal.isNone);
    const held = await api.query.consent.consentsHeld.keys(bob.address);
    // Indexes keep numbers big-endian, so that they page in order.
    assert.ok(held.some((key) => Buffer.from(key.args[1].toU8a()).readBigUInt64BE() === BigInt(consent)), 'not among the consents Bob holds');
  });

  test('the tax authority delivers an envelope only to the consented bank and records in scope', async () => {
    const record = records[2025].id;
    const bobKey = await encryptionKey(bob);
    const { envelope } = banktax(['envelope', 'seal', '--sealed', records[2025].sealedFile, '--to', bobKey]);

    await assert.rejects(
      send(api, api.tx.consent.deliverEnvelope(consent, bob.address, record, envelope), bob),
      /Custom error: 1$/,
    );
    await assert.rejects(deliver(consent, charlie, record, envelope), /consent\.BankNotConsented/);
    const vat = { enterprise: CODE, period: { year: 2025, quarter: 1 }, kind: 'vatReturn', fields: { taxableSales: 9230769, outputTax: 1200000, inputTax: 0, taxPayable: 1200000, taxPaid: 1200000, invoicesIssued: 31 } };
    const { id: vatRecord } = await attestSealed(api, alice, dir, 'vat-2025-q1', vat);
    await assert.rejects(deliver(consent, bob, vatRecord, envelope), /consent\.RecordOutOfScope/);

    const { events } = await deliver(consent, bob, record, envelope);
    const delivered = findEvent(api, events, 'consent', 'EnvelopeDelivered');
    assert.equal(delivered.data.bank.toString(), bob.address);
    const stored = (await api.query.consent.envelopes(consent, record)).unwrap();
    assert.equal(stored.envelope.toHex(), envelope);
    assert.equal(stored.recipientKey.toHex(), bobKey);
  });

  test('Bob opens the envelope and the record, checked against the commitment; Charlie cannot', async () => {
    const record = records[2025].id;
    const envelope = (await api.query.consent.envelopes(consent, record)).unwrap().envelope.toHex();
    const file = await chainRecord(record);

    const opened = banktax(['envelope', 'open', '--dev', '//Bob', '--envelope', envelope, '--record', file]);
    assert.equal(opened.content, 'dataKey');
    assert.equal(opened.verified, true);
    for (const [key, value] of Object.entries(FIGURES[2025])) assert.equal(opened.record.fields[key], value, key);

    assert.match(
      banktaxFails(['envelope', 'open', '--dev', '//Charlie', '--envelope', envelope, '--record', file]),
      /error: cannot open the envelope/,
    );
    // The same envelope does not pass for the other year's record.
    assert.match(
      banktaxFails(['envelope', 'open', '--dev', '//Bob', '--envelope', envelope, '--record', await chainRecord(records[2024].id)]),
      /error: cannot open/,
    );
  });

  test('Bob records his use; uses outside the consent are refused', async () => {
    const record = records[2025].id;
    const { events } = await send(api, api.tx.consent.recordAccess(consent, record, 'CreditAssessment'), bob);
    const recorded = findEvent(api, events, 'consent', 'AccessRecorded');
    assert.equal(recorded.data.number.toNumber(), 1);
    await assert.rejects(
      send(api, api.tx.consent.recordAccess(consent, record, 'PostLoanMonitoring'), bob),
      /consent\.PurposeNotConsented/,
    );
    await assert.rejects(
      send(api, api.tx.consent.recordAccess(consent, record, 'CreditAssessment'), charlie),
      /consent\.NotConsentHolder/,
    );
    const log = await api.query.consent.accessLog(consent);
    assert.equal(log.length, 1);
    assert.equal(log[0].record.toNumber(), record);
    assert.equal(log[0].purpose.toString(), 'CreditAssessment');
    assert.equal((await api.query.consent.consents(consent)).unwrap().uses.toNumber(), 1);
  });

  test('the enterprise withdraws: the envelope leaves state, delivery and use are refused', async () => {
    const record = records[2025].id;
    const { events, blockHash } = await send(api, api.tx.consent.withdrawConsent(consent), controller);
    const withdrawn = findEvent(api, events, 'consent', 'ConsentWithdrawn');
    assert.equal(withdrawn.data.party.toString(), 'Enterprise');
    assert.equal(withdrawn.data.envelopesRemoved.toNumber(), 1);
    const at = (await api.rpc.chain.getHeader(blockHash)).number.toNumber();
    const stored = (await api.query.consent.consents(consent)).unwrap();
    assert.equal(stored.withdrawal.unwrap().at.toNumber(), at, 'not effective in the including block');
    assert.ok((await api.query.consent.envelopes(consent, record)).isNone, 'the envelope is still in state');

    const { envelope } = banktax(['envelope', 'seal', '--sealed', records[2024].sealedFile, '--to', await encryptionKey(bob)]);
    await assert.rejects(deliver(consent, bob, records[2024].id, envelope), /consent\.ConsentWithdrawn/);
    await assert.rejects(
      send(api, api.tx.consent.recordAccess(consent, record, 'CreditAssessment'), bob),
      /consent\.ConsentWithdrawn/,
    );
    // Use before the withdrawal stays on the record.
    assert.equal((await api.query.consent.accessLog(consent)).length, 1);
  });

  test('under a consent to chosen fields, Charlie receives and opens only those fields', async () => {
    const expiresAt = (await bestNumber(api)) + 2000;
    const id = await grant(charlie, { ChosenFields: ['TaxPaid'] }, expiresAt);
    const record = records[2024].id;
    const { envelope } = banktax([
      'envelope', 'seal', '--sealed', records[2024].sealedFile, '--to', await encryptionKey(charlie), '--fields', 'taxPaid',
    ]);
    await deliver(id, charlie, record, envelope);
    const stored = (await api.query.consent.envelopes(id, record)).unwrap().envelope.toHex();
    const opened = banktax(['envelope', 'open', '--dev', '//Charlie', '--envelope', stored, '--record', await chainRecord(record)]);
    assert.equal(opened.content, 'fields');
    assert.deepEqual(opened.fields, { taxPaid: FIGURES[2024].taxPaid });
  });

  test('a consent stops at its end without any call, and its envelopes leave state', async () => {
    const expiresAt = (await bestNumber(api)) + 4;
    const id = await grant(bob, 'WholeRecords', expiresAt, 'PostLoanMonitoring');
    const record = records[2024].id;
    const { envelope } = banktax(['envelope', 'seal', '--sealed', records[2024].sealedFile, '--to', await encryptionKey(bob)]);
    await deliver(id, bob, record, envelope);
    assert.ok((await api.query.consent.envelopes(id, record)).isSome);

    await waitFor(`block #${expiresAt}`, async () => (await bestNumber(api)) >= expiresAt, { nodes: [node] });
    assert.ok((await api.query.consent.envelopes(id, record)).isNone, 'the envelope outlived the consent');
    assert.ok(!(await api.query.consent.expiringAt.keys(expiresAt)).length, 'the expiry is still queued');
    await assert.rejects(
      send(api, api.tx.consent.recordAccess(id, record, 'PostLoanMonitoring'), bob),
      /consent\.ConsentExpired/,
    );
    await assert.rejects(deliver(id, bob, record, envelope), /consent\.ConsentExpired/);
  });
});
