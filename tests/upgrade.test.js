// A runtime upgrade with storage migrations, on a running four-node network. The network starts
// on the runtime of the previous release (`runtime/releases`) and is filled with enterprises,
// records (one amended), consents (one withdrawn), an envelope, a use, and loans in several
// states. A council motion upgrades it to this checkout's runtime, whose migrations re-key the
// history indexes, give each loan its rating, count the tallies and gather each enterprise's
// consents in force with a bank into one entry. Afterwards every value the migrations do not
// touch is byte for byte what it was, each migrated value holds what it held, the chain's own
// reads agree with the state, and blocks go on being produced and finalised. The records are of
// the first record format, which the released runtime takes: after the upgrade the bank still
// opens and verifies them, and the chain takes format 2 only for new ones.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { blake2AsHex, cryptoWaitReady, xxhashAsHex } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import { REPO, banktax, runNode, waitFor, workDir } from './lib/nodes.js';
import { bestNumber, connect, disconnectAll, finalizedNumber, rpc } from './lib/chain.js';
import { INSTITUTIONS, consortium } from './lib/consortium.js';
import { attestSealed, sealRecord } from './lib/records.js';
import { councilMotion, devKey, findEvent, send } from './lib/tx.js';

const RELEASE = 102;
const RELEASED_WASM = join(REPO, 'runtime', 'releases', `banktax-${RELEASE}.compact.compressed.wasm`);
const TRY_WASM = join(process.env.CARGO_TARGET_DIR || join(homedir(), '.cache', 'banktax', 'target'),
  'release', 'wbuild', 'banktax-runtime', 'banktax_runtime_try.compact.compressed.wasm');
const ACME = '91350100M000100Y43';
const BETA = '91440300708461136T';

/** The 32-byte prefix of a storage item. */
const prefixOf = (pallet, item) => xxhashAsHex(pallet, 128) + xxhashAsHex(item, 128).slice(2);

/**
 * What the migrations rewrite, and what every block moves on (the hooks' cursors, the budgets
 * spent in a block), by storage item; every other item of these pallets must not change.
 */
const CHANGING = {
  TaxRecords: ['RecordsOf'],
  Consent: ['ConsentsOf', 'ConsentsHeld', 'Standing', 'InForceWithBank', 'BankTallies', 'ExpiryCursor'],
  Loans: ['Products', 'Loans', 'LoansOf', 'LoansByBank', 'RatingTallies', 'BankTallies', 'DueCursor'],
  Institutions: ['SpentInBlock'],
};
const PALLETS = Object.keys(CHANGING);
const VERSION_KEY = ':__STORAGE_VERSION__:';

/** Every key and value of the four pallets at block `at` (a hash), as a Map of hex, over RPC. */
async function snapshot(url, at) {
  const state = new Map();
  for (const pallet of PALLETS) {
    const prefix = xxhashAsHex(pallet, 128);
    let start = null;
    for (;;) {
      const keys = await rpc(url, 'state_getKeysPaged', [prefix, 500, start, at]);
      if (keys.length === 0) break;
      const [changes] = await rpc(url, 'state_queryStorageAt', [keys, at]);
      for (const [key, value] of changes.changes) state.set(key, value);
      start = keys[keys.length - 1];
      if (keys.length < 500) break;
    }
  }
  return state;
}

/** The entries of one storage item among a snapshot's. */
const entriesOf = (state, pallet, item) => {
  const prefix = prefixOf(pallet, item);
  return [...state].filter(([key]) => key.startsWith(prefix));
};

/** A key's bytes after the item's prefix. */
const suffixOf = (key) => Buffer.from(key.slice(66), 'hex');

/**
 * The (first key, number) pairs of an index keyed by a number: `Twox64Concat` (hash, then the
 * number little-endian) before the upgrade, the number big-endian under `Identity` after.
 */
const indexed = (entries, ordered) =>
  entries
    .map(([key]) => {
      const rest = suffixOf(key);
      const first = rest.subarray(0, rest.length - (ordered ? 8 : 16)).toString('hex');
      const number = ordered ? rest.readBigUInt64BE(rest.length - 8) : rest.readBigUInt64LE(rest.length - 8);
      return `${first}/${number}`;
    })
    .sort();

/** An annual summary with every figure of its kind. */
const summary = (enterprise, year, rating, revenue) => ({
  enterprise, period: { year }, kind: 'annualSummary', rating,
  fields: {
    taxPayable: revenue / 25, taxPaid: revenue / 25, revenue, invoicesIssued: 640, arrears: 0, penalties: 0,
    creditScore: rating === 'A' ? 93 : 80,
  },
});

describe(`an upgrade from the spec ${RELEASE} release, with migrations, on a running network`, () => {
  let dir;
  let nodes;
  let apis;
  let api;
  let voters;
  let upgradeTo;
  const loans = {};
  const ids = {};

  before(async () => {
    await cryptoWaitReady();
    dir = workDir('upgrade');
    let spec;
    ({ nodes, spec } = await consortium(dir));
    // The released runtime as the network's genesis code, with this checkout's genesis settings;
    // the node's own runtime (its spec's code) is what the motion upgrades to.
    const json = JSON.parse(readFileSync(spec, 'utf8'));
    upgradeTo = Buffer.from(json.genesis.runtimeGenesis.code.slice(2), 'hex');
    json.genesis.runtimeGenesis.code = u8aToHex(readFileSync(RELEASED_WASM));
    writeFileSync(spec, JSON.stringify(json));
    nodes.forEach((n) => n.start());
    apis = await Promise.all(nodes.map((n) => connect(n)));
    api = apis[0];
    voters = INSTITUTIONS.map((name) => devKey(`//${name}`));
    await waitFor('block #2', async () => (await bestNumber(api)) >= 2, { nodes });
    assert.equal((await api.rpc.state.getRuntimeVersion()).specVersion.toNumber(), RELEASE);
  });

  after(async () => {
    await disconnectAll();
    await Promise.all((nodes ?? []).map((n) => n.stop()));
  });

  test('the released runtime takes enterprises, records, consents, an envelope and loans', async () => {
    const [authority, bankA, bankB] = ['//tax-authority', '//bank-a', '//bank-b'].map(devKey);
    const [acme, beta] = ['//upgrade-acme', '//upgrade-beta'].map(devKey);
    await send(api, api.tx.taxRecords.registerEnterprise(ACME, [acme.address]), authority);
    await send(api, api.tx.taxRecords.registerEnterprise(BETA, [beta.address]), authority);
    const firstFormat = { format: 1 };
    const acme2024 = await attestSealed(api, authority, dir, 'acme-2024', summary(ACME, 2024, 'B', 500_000_000_000), firstFormat);
    const acme2025 = await attestSealed(api, authority, dir, 'acme-2025', summary(ACME, 2025, 'A', 730_000_000_000), firstFormat);
    const beta2025 = await attestSealed(api, authority, dir, 'beta-2025', summary(BETA, 2025, 'B', 90_000_000_000), firstFormat);
    ids.summaries = { acme: acme2025.id, beta: beta2025.id };
    // An amendment: the 2024 summary is superseded by a corrected version.
    const corrected = banktax(['record', 'seal', join(dir, 'acme-2024.json'), '--format', '1']);
    await send(api, api.tx.taxRecords.amendRecord(acme2024.id, {
      schemaVersion: corrected.schemaVersion, rating: 'B', commitment: corrected.commitment, ciphertext: corrected.ciphertext,
    }), authority);

    const scope = { kinds: ['AnnualSummary'], firstYear: 2024, lastYear: 2025 };
    const until = (await bestNumber(api)) + 20_000;
    const grant = async (controller, bank, notice) => {
      const { events } = await send(api, api.tx.consent.grantConsent(bank.address, 'CreditAssessment', scope, 'WholeRecords', until, blake2AsHex(notice)), controller);
      return findEvent(api, events, 'consent', 'ConsentGranted').data.consent.toNumber();
    };
    ids.acmeToA = await grant(acme, bankA, 'ACME to bank A');
    ids.acmeToB = await grant(acme, bankB, 'ACME to bank B');
    ids.withdrawn = await grant(acme, bankA, 'ACME to bank A, withdrawn');
    ids.betaToA = await grant(beta, bankA, 'Beta to bank A');
    await send(api, api.tx.consent.withdrawConsent(ids.withdrawn), acme);

    const keyOf = async (bank) => {
      const id = (await api.query.institutions.byGovernance(bank.address)).unwrap();
      return (await api.query.institutions.registry(id)).unwrap().encryptionKey.toHex();
    };
    const { envelope } = banktax(['envelope', 'seal', '--sealed', acme2025.sealedFile, '--to', await keyOf(bankA)]);
    await send(api, api.tx.consent.deliverEnvelope(ids.acmeToA, bankA.address, acme2025.id, envelope), authority);
    await send(api, api.tx.consent.recordAccess(ids.acmeToA, acme2025.id, 'CreditAssessment'), bankA);

    const terms = {
      ratings: ['A', 'B', 'M'], maxAmount: 100_000_000, maxTermMonths: 12, minRateBps: 300, maxRateBps: 800,
      style: 'EqualInstalments', exposureCap: 150_000_000, defaultAfterDays: 90,
    };
    const published = await send(api, api.tx.loans.publishProduct(terms), bankA);
    const product = findEvent(api, published.events, 'loans', 'ProductPublished').data.product.toNumber();
    const apply = async (controller, amount, record) => {
      const { events } = await send(api, api.tx.loans.applyForLoan(product, amount, 6, record), controller);
      return findEvent(api, events, 'loans', 'LoanApplied').data.loan.toNumber();
    };
    loans.repaying = await apply(acme, 40_000_000, acme2025.id);
    await send(api, api.tx.loans.approveLoan(loans.repaying, 40_000_000, 435, 6, (await bestNumber(api)) + 500, [acme2025.id]), bankA);
    await send(api, api.tx.loans.acceptOffer(loans.repaying), acme);
    await send(api, api.tx.loans.recordDisbursement(loans.repaying), bankA);
    await send(api, api.tx.loans.recordRepayment(loans.repaying, 5_000_000, 120_000), bankA);
    loans.rejected = await apply(acme, 10_000_000, acme2025.id);
    await send(api, api.tx.loans.rejectLoan(loans.rejected, 'IncompleteData'), bankA);
    loans.applied = await apply(beta, 20_000_000, beta2025.id);
    loans.ratings = { [loans.repaying]: 'A', [loans.rejected]: 'A', [loans.applied]: 'B' };
  });

  test('a council motion upgrades it; what the migrations leave alone is unchanged, what they move holds what it held', async () => {
    // Everything filled in is final before the motion.
    const filled = await bestNumber(api);
    await waitFor(`block #${filled} final`, async () => (await finalizedNumber(api)) >= filled, { nodes });
    const filledAt = (await api.rpc.chain.getFinalizedHead()).toHex();
    const before = await snapshot(nodes[0].url, filledAt);

    // Before proposing: the new runtime's migrations and every invariant, on a copy of the state.
    const checked = JSON.parse(runNode(['check-upgrade', '--runtime', TRY_WASM, '--url', nodes[0].url, '--at', filledAt]));
    assert.deepEqual([checked.at, checked.checks, checked.fitsOneBlock], [filledAt, 'passed', true]);
    console.log(`upgrade: checked on a copy of ${checked.entries} entries: ${checked.secondsToCopy} s to copy, ${checked.secondsToCheck} s to check`);
    // A runtime built without the checks cannot be checked, and says so.
    assert.throws(
      () => runNode(['check-upgrade', '--runtime', RELEASED_WASM, '--url', nodes[0].url]),
      (e) => /not built with --features try-runtime/.test(e.stderr),
    );
    const wasm = upgradeTo;
    const started = Date.now();
    const authorize = api.tx.governance.dispatchAsRoot(api.tx.system.authorizeUpgrade(blake2AsHex(wasm, 256)));
    const events = await councilMotion(api, authorize, voters);
    assert.ok(findEvent(api, events, 'governance', 'DispatchedAsRoot')?.data.result.isOk, 'authorize_upgrade as root failed');
    await send(api, api.tx.system.applyAuthorizedUpgrade(u8aToHex(wasm)), null);
    const upgraded = await waitFor('the new runtime on every node', async () => {
      const versions = await Promise.all(apis.map(async (a) => (await a.rpc.state.getRuntimeVersion()).specVersion.toNumber()));
      return versions.every((v) => v > RELEASE) ? versions[0] : null;
    }, { timeoutMs: 60_000, nodes });
    // The first block the new runtime builds runs its migrations and records the upgrade; read
    // once that block is final.
    const upgradedAt = await waitFor('the migrations in a finalised block', async () => {
      const head = await api.rpc.chain.getFinalizedHead();
      const last = await api.query.system.lastRuntimeUpgrade.at(head);
      return last.isSome && last.unwrap().specVersion.toNumber() === upgraded ? head : null;
    }, { timeoutMs: 60_000, nodes });
    console.log(`upgrade: spec ${RELEASE} -> ${upgraded}, migrations final ${((Date.now() - started) / 1000).toFixed(1)} s after the proposal`);
    const after = await snapshot(nodes[0].url, upgradedAt.toHex());

    // Untouched: every key and value of the four pallets but the migrated items and versions.
    const moved = Object.entries(CHANGING).flatMap(([pallet, items]) => [
      ...items.map((item) => prefixOf(pallet, item)),
      prefixOf(pallet, VERSION_KEY),
    ]);
    const untouched = (state) => new Map([...state].filter(([key]) => !moved.some((p) => key.startsWith(p))));
    const kept = untouched(before);
    assert.ok(kept.size > 40, `only ${kept.size} untouched entries to compare`);
    assert.deepEqual(untouched(after), kept, 'a value the migrations do not touch changed');

    // The indexes of history: the same (first key, number) pairs, now in order.
    for (const [pallet, item] of [['TaxRecords', 'RecordsOf'], ['Consent', 'ConsentsOf'], ['Consent', 'ConsentsHeld'], ['Loans', 'LoansOf'], ['Loans', 'LoansByBank']]) {
      const old = indexed(entriesOf(before, pallet, item), false);
      assert.ok(old.length > 0, `${pallet}.${item} was empty`);
      assert.deepEqual(indexed(entriesOf(after, pallet, item), true), old, `${pallet}.${item}`);
    }
    // Standing's entries, one per consent in force with a bank, are InForceWithBank's lists.
    const standing = indexed(entriesOf(before, 'Consent', 'Standing'), false);
    const lists = entriesOf(after, 'Consent', 'InForceWithBank').flatMap(([key, value]) =>
      api.createType('Vec<u64>', value).map((id) => `${suffixOf(key).toString('hex')}/${id.toString()}`)).sort();
    assert.deepEqual(lists, standing, 'the consents in force with each bank');
    assert.equal(standing.length, 3, 'three consents in force: one was withdrawn');
    assert.equal(entriesOf(after, 'Consent', 'Standing').length, 0, 'Standing is gone');

    // Loans: every byte as it was, with the rating of the summary it was applied for on
    // inserted after the summary's number (enterprise 18, two accounts 64, product 4, amount 16,
    // term 2, summary 8 bytes).
    const RATING = { A: 0, B: 1, M: 2, C: 3, D: 4 };
    const oldLoans = entriesOf(before, 'Loans', 'Loans');
    assert.equal(oldLoans.length, 3);
    for (const [key, value] of oldLoans) {
      const id = suffixOf(key).readBigUInt64LE(8).toString();
      const bytes = Buffer.from(value.slice(2), 'hex');
      const rating = Buffer.from([RATING[loans.ratings[id]]]);
      const expected = `0x${Buffer.concat([bytes.subarray(0, 112), rating, bytes.subarray(112)]).toString('hex')}`;
      assert.equal(after.get(key), expected, `loan ${id}`);
    }

    // Products: every byte as it was, with no rules and no standard offer (two empty bytes)
    // before the last byte, whether the product is retired.
    const oldProducts = entriesOf(before, 'Loans', 'Products');
    assert.equal(oldProducts.length, 1);
    for (const [key, value] of oldProducts) {
      const bytes = Buffer.from(value.slice(2), 'hex');
      const expected = Buffer.concat([bytes.subarray(0, bytes.length - 1), Buffer.from([0, 0]), bytes.subarray(bytes.length - 1)]);
      assert.equal(after.get(key), `0x${expected.toString('hex')}`, 'the product');
    }

    // The chain's own reads agree: the tallies count the loans and consents as they are.
    const overview = await rpc(nodes[1].url, 'banktax_overview', [upgradedAt.toHex()]);
    assert.deepEqual(overview.loans.map((t) => [t.rating, t.stage, t.loans]), [['A', 'rejected', 1], ['A', 'repaying', 1], ['B', 'applied', 1]]);
    assert.equal(overview.exposure, 35_000_000);
    const bankA = overview.banks.find((b) => b.bank === devKey('//bank-a').address);
    assert.deepEqual([bankA.consentsInForce, bankA.uses, bankA.exposure], [2, 1, 35_000_000]);
    const held = await rpc(nodes[2].url, 'banktax_consentsHeld', [devKey('//bank-a').address, { limit: 2 }, upgradedAt.toHex()]);
    assert.deepEqual(held.items.map((c) => c.id), [ids.acmeToA, ids.withdrawn]);
    assert.equal(held.next, ids.betaToA);
    const repaying = await rpc(nodes[3].url, 'banktax_loan', [loans.repaying, upgradedAt.toHex()]);
    assert.deepEqual([repaying.outstanding, repaying.loan.rating, repaying.schedule.length], [35_000_000, 'A', 6]);

    // And the chain goes on: blocks are produced and finalised on the new runtime.
    const final = await finalizedNumber(api);
    await waitFor('3 more finalised blocks', async () => (await finalizedNumber(api)) >= final + 3, { timeoutMs: 60_000, nodes });
    const versions = await Promise.all(INSTITUTIONS.map((_, i) => rpc(nodes[i].url, 'state_getRuntimeVersion')));
    assert.ok(versions.every((v) => v.specVersion === upgraded));
  });

  test('records of the first format still open and verify; new ones must be of format 2', async () => {
    const authority = devKey('//tax-authority');
    const opened = banktax(['bank', 'open', '--consent', `${ids.acmeToA}`, '--record', `${ids.summaries.acme}`, '--dev', '//bank-a', '--url', nodes[1].url]);
    assert.deepEqual([opened.content, opened.verified], ['dataKey', true]);
    assert.equal(opened.record.fields.revenue, 730_000_000_000);
    const meta = await rpc(nodes[0].url, 'banktax_enterpriseProfile', [ACME]);
    const v1 = meta.records.items.find((r) => r.id === ids.summaries.acme);
    assert.equal(v1.schemaVersion, 1);

    await assert.rejects(
      attestSealed(api, authority, dir, 'acme-2023', summary(ACME, 2023, 'A', 600_000_000_000), { format: 1 }),
      /taxRecords\.UnsupportedSchemaVersion/,
    );
    // A correction of a first-format record is attested in format 2.
    const { sealedFile } = sealRecord(api, dir, 'acme-2025-v2', summary(ACME, 2025, 'A', 731_000_000_000));
    const corrected = JSON.parse(readFileSync(sealedFile, 'utf8'));
    const amended = await send(api, api.tx.taxRecords.amendRecord(ids.summaries.acme, {
      schemaVersion: corrected.schemaVersion, rating: 'A', commitment: corrected.commitment, ciphertext: corrected.ciphertext,
    }), authority);
    const record = findEvent(api, amended.events, 'taxRecords', 'RecordAmended').data.record.toNumber();
    const institutions = await rpc(nodes[0].url, 'banktax_institutions', []);
    const bankKey = institutions.find((i) => i.governance === devKey('//bank-a').address).encryptionKey;
    const { envelope } = banktax(['envelope', 'seal', '--sealed', sealedFile, '--to', bankKey]);
    await send(api, api.tx.consent.deliverEnvelope(ids.acmeToA, devKey('//bank-a').address, record, envelope), authority);
    const fresh = banktax(['bank', 'open', '--consent', `${ids.acmeToA}`, '--record', `${record}`, '--dev', '//bank-a', '--url', nodes[2].url]);
    assert.deepEqual([fresh.verified, fresh.record.fields.revenue], [true, 731_000_000_000]);
  });
});
