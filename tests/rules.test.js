// Privacy computing on the four-institution local network: a bank learns that an enterprise
// meets its lending rules, proven on the figures the tax authority sealed, and the loan is
// approved in the block of the application; no envelope ever reaches the bank, and no figure
// shows in clear anywhere on chain.
//
// The tax authority attests, for two enterprises, twelve monthly payment certificates and the
// annual summary of 2025. Each grants bank A a rules-answers-only consent. The first registers
// its own encryption key and the bureau delivers it its records, which it opens to prove by
// itself; for the second, the bureau proves from what it kept. Bank A publishes a
// product: revenue ≥ 5 000 000 CNY, tax paid in each of the last 12 months, a loan at most three
// times the year's tax paid, a score of at least 80 less arrears and penalties; it approves by
// itself. The enterprise that meets every rule proves it and is approved in its application's
// block; the one whose revenue falls one fen short cannot prove it, and the command line says
// which rule fails without sending anything.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { u8aToHex } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { REPO, banktaxAsync, waitFor, workDir } from './lib/nodes.js';
import { connect, disconnectAll, finalizedNumber, rpc, rpcResponse } from './lib/chain.js';
import { consortium } from './lib/consortium.js';
import { allStorage, contains, encodings } from './lib/figures.js';
import { devKey } from './lib/tx.js';

const AUTHORITY = '//tax-authority';
const BANK_A = '//bank-a';
const MEETS = { uscc: '91110000600037341L', controller: '//meets-controller', revenue: 731415926535n };
const MISSES = { uscc: '91440300708461136T', controller: '//misses-controller', revenue: 499999999n };
// Figures in fen, large enough that finding their bytes by chance is out of the question.
const TAX_PAID = 27182818284n;
const monthlyPaid = (month) => 4294967296n + BigInt(month) * 1000003n;

const RULES = join(REPO, 'docs', 'examples', 'rules.json');

describe('rule answers proven on sealed figures, and loans that decide themselves', () => {
  let nodes;
  let apis;
  let dir;
  const at = (i) => ['--url', nodes[i].url];
  const signedBy = (suri, i) => ['--suri', suri, ...at(i)];
  const cli = (args) => banktaxAsync(args);
  const kept = {};
  const records = {};
  const consents = {};
  let product;

  before(async () => {
    await cryptoWaitReady();
    dir = workDir('rules');
    ({ nodes } = await consortium(dir));
    nodes.forEach((n) => n.start());
    apis = await Promise.all(nodes.map((n) => connect(n)));
    await waitFor('finality on every node', async () => {
      const finalized = await Promise.all(apis.map(finalizedNumber));
      return finalized.every((f) => f >= 1);
    }, { timeoutMs: 120_000, nodes });
  });

  after(async () => {
    await disconnectAll();
    await Promise.all((nodes ?? []).map((n) => n.stop()));
  });

  test('the tax authority attests a year of records for each enterprise, and each consents to answers only', async () => {
    for (const enterprise of [MEETS, MISSES]) {
      const controller = devKey(enterprise.controller).address;
      await cli(['authority', 'register-enterprise', '--uscc', enterprise.uscc, '--controller', controller, ...signedBy(AUTHORITY, 0)]);
      const files = [];
      for (let month = 1; month <= 12; month += 1) {
        const file = join(dir, `${enterprise.uscc}-2025-${month}.json`);
        const fields = { taxPaid: Number(monthlyPaid(month)) };
        writeFileSync(file, JSON.stringify({ enterprise: enterprise.uscc, period: { year: 2025, month }, kind: 'paymentCertificate', fields }));
        files.push(file);
      }
      const summary = join(dir, `${enterprise.uscc}-2025.json`);
      const fields = {
        taxPayable: Number(TAX_PAID), taxPaid: Number(TAX_PAID), revenue: Number(enterprise.revenue),
        invoicesIssued: 16180339, arrears: 0, penalties: 0, creditScore: 93,
      };
      writeFileSync(summary, JSON.stringify({ enterprise: enterprise.uscc, period: { year: 2025 }, kind: 'annualSummary', rating: 'A', fields }));
      files.push(summary);
      const attested = await cli(['authority', 'attest-batch', ...files, '--keep-dir', join(dir, `kept-${enterprise.uscc}`), ...signedBy(AUTHORITY, 0)]);
      assert.equal(attested.records.length, 13);
      kept[enterprise.uscc] = attested.records.map((r) => r.kept);
      records[enterprise.uscc] = attested.records.map((r) => r.record);

      const granted = await cli(['enterprise', 'grant', '--bank', devKey(BANK_A).address, '--kinds', 'paymentCertificate,annualSummary', '--years', '2025', '--rule-answers-only', '--valid-days', '30', ...signedBy(enterprise.controller, 1)]);
      consents[enterprise.uscc] = granted.consent;
    }
  });

  test('bank A publishes a product that states its rules and decides by itself', async () => {
    const published = await cli(['bank', 'publish-product', '--ratings', 'A,B', '--max-amount', '1000000', '--max-months', '12', '--min-rate-bps', '300', '--max-rate-bps', '800', '--exposure-cap', '3000000', '--rules', RULES, '--standard-rate-bps', '435', '--offer-days', '7', ...signedBy(BANK_A, 2)]);
    product = published.product;
    const stored = (await apis[3].query.loans.products(product)).unwrap();
    assert.equal(stored.terms.rules.length, 4);
    assert.equal(stored.terms.automatic.unwrap().rateBps.toNumber(), 435);
  });

  test('an enterprise registers its key, and the tax authority delivers it its own records', async () => {
    const secret = join(dir, 'meets-key.json');
    const generated = await cli(['keys', 'generate', '--out', secret]);
    const registered = await cli(['enterprise', 'register-key', '--secret-file', secret, ...signedBy(MEETS.controller, 1)]);
    assert.equal(registered.key, generated.public);
    const delivered = await cli(['authority', 'deliver-openings', ...kept[MEETS.uscc].flatMap((f) => ['--sealed', f]), ...signedBy(AUTHORITY, 0)]);
    assert.deepEqual(delivered.delivered, records[MEETS.uscc], 'thirteen records in one transaction');
    const own = await apis[2].query.taxRecords.ownEnvelopes(records[MEETS.uscc][12]);
    assert.equal(own.unwrap().key.toHex(), generated.public);
  });

  test('an enterprise that meets every rule proves it and is approved in the block of its application', async () => {
    const evidence = join(dir, 'evidence.json');
    // The enterprise proves on what it opened itself: no kept file of the bureau's.
    const proven = await cli(['enterprise', 'prove', '--product', `${product}`, '--amount', '500000', '--months', '12', ...records[MEETS.uscc].flatMap((r) => ['--record', `${r}`]), '--secret-file', join(dir, 'meets-key.json'), '--out', evidence, ...at(1)]);
    assert.deepEqual([proven.rules, proven.nonce, proven.proofBytes], [4, 0, 928], '15 claims in one aggregate of 16');
    const summary = records[MEETS.uscc][12];
    const submitted = Date.now();
    const applied = await cli(['enterprise', 'apply', '--product', `${product}`, '--amount', '500000', '--months', '12', '--summary', `${summary}`, '--evidence', evidence, '--wait', 'in-block', ...signedBy(MEETS.controller, 1)]);
    const seconds = (Date.now() - submitted) / 1000;
    assert.equal(applied.approved, true);

    const loan = await waitFor('the loan on node 4', async () => rpc(nodes[3].url, 'banktax_loan', [applied.loan]), { nodes });
    assert.equal(loan.state, 'approved');
    assert.equal(loan.loan.appliedAt, applied.block);
    assert.equal(loan.loan.decision.at, applied.block, 'approved in the block of the application');
    assert.equal(loan.loan.offer.rateBps, 435);
    // Read where the loan was seen: another node may not have imported its block yet.
    const answers = (await apis[3].query.loans.answers(applied.loan)).unwrap();
    assert.deepEqual(answers.records.map((r) => r.toNumber()), records[MEETS.uscc]);

    // The node the application went to has its block; the others may not yet (in block, not final).
    const block = await apis[1].rpc.chain.getBlock(applied.blockHash);
    const extrinsic = block.block.extrinsics.find((x) => x.method.section === 'loans' && x.method.method === 'applyForLoan');
    console.log(`rules: application approved in its own block #${applied.block}, ${seconds.toFixed(1)} s from submission to inclusion; a proof-carrying application is ${extrinsic.encodedLength} bytes (evidence ${readFileSync(evidence).length} bytes of JSON)`);

    // The same proof again serves nothing.
    await assert.rejects(
      cli(['enterprise', 'apply', '--product', `${product}`, '--amount', '500000', '--months', '12', '--summary', `${summary}`, '--evidence', evidence, ...signedBy(MEETS.controller, 2)]),
      /Loans\.ProofAlreadyUsed/,
    );
  });

  test('an enterprise one fen short of the revenue threshold cannot prove the rules: told which, nothing sent', async () => {
    const evidence = join(dir, 'short.json');
    const refused = await cli(['enterprise', 'prove', '--product', `${product}`, '--amount', '500000', '--months', '12', ...kept[MISSES.uscc].flatMap((f) => ['--sealed', f]), '--out', evidence, ...at(1)]).catch((e) => e);
    assert.ok(refused instanceof Error, 'a false statement was proven');
    assert.match(refused.message, /rule 1 .*revenue.* does not hold .*nothing was sent/);
    const loans = await rpc(nodes[2].url, 'banktax_loansOf', [MISSES.uscc]);
    assert.equal(loans.items.length, 0);
  });

  test('no envelope reached the bank, and no figure is in clear anywhere on chain', async () => {
    const head = await apis[0].rpc.chain.getFinalizedHead();
    for (const enterprise of [MEETS, MISSES]) {
      for (const record of records[enterprise.uscc]) {
        const { error } = await rpcResponse(nodes[0].url, 'banktax_envelope', [consents[enterprise.uscc], record]);
        assert.match(error?.message ?? '', /no envelope for record/);
      }
    }
    const figures = [TAX_PAID, MEETS.revenue, MISSES.revenue, 16180339n, ...Array.from({ length: 12 }, (_, i) => monthlyPaid(i + 1))];
    const state = await allStorage(apis[0], head);
    const blocks = [];
    const last = (await apis[0].rpc.chain.getHeader(head)).number.toNumber();
    for (let n = 1; n <= last; n += 1) {
      const hash = await apis[0].rpc.chain.getBlockHash(n);
      blocks.push((await apis[0].rpc.chain.getBlock(hash)).block.toU8a());
    }
    const records2025 = await apis[0].query.taxRecords.records(records[MEETS.uscc][12]);
    assert.ok(blocks.some((b) => contains(b, records2025.unwrap().commitment.toU8a())), 'the search does not see into the blocks');
    for (const figure of figures) {
      for (const needle of encodings(figure)) {
        assert.ok(!blocks.some((b) => contains(b, needle)), `${figure} (${u8aToHex(needle)}) is in a block`);
        assert.ok(!state.some((bytes) => contains(bytes, needle)), `${figure} (${u8aToHex(needle)}) is in the state`);
      }
    }
  });
});
