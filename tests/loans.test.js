// Loans on a development node, end to end: an enterprise rated A consents to Bob (a bank) reading
// its annual summary; Bob publishes a product; one loan runs from application through approval,
// acceptance, disbursement and three repayments to closure, and another falls overdue on its own
// (the development chain's loan calendar makes a day one block) and is declared defaulted and
// written off. Charlie, another bank, holds no consent, and the application to his product fails.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cryptoWaitReady, blake2AsHex } from '@polkadot/util-crypto';
import { startDevNode, waitFor, workDir } from './lib/nodes.js';
import { bestNumber, connect, disconnectAll } from './lib/chain.js';
import { attestSealed } from './lib/records.js';
import { devKey, findEvent, send } from './lib/tx.js';

const CODE = '91440300708461136T';
const AMOUNT = 30_000_000; // 300 000.00 CNY, in fen

const productTerms = (defaultAfterDays) => ({
  ratings: ['A', 'B', 'M'],
  maxAmount: 100_000_000,
  maxTermMonths: 12,
  minRateBps: 300,
  maxRateBps: 800,
  style: 'EqualInstalments',
  exposureCap: 150_000_000,
  defaultAfterDays,
});

describe('loans: from application to closure, and to default', () => {
  let node;
  let api;
  let dir;
  let alice;
  let bob;
  let charlie;
  let controller;
  let summary;

  const event = (events, method) => findEvent(api, events, 'loans', method);
  const publish = async (bank, defaultAfterDays) =>
    event((await send(api, api.tx.loans.publishProduct(productTerms(defaultAfterDays)), bank)).events, 'ProductPublished')
      .data.product.toNumber();
  const loanOf = async (id) => (await api.query.loans.loans(id)).unwrap();
  const stateOf = async (id) => (await loanOf(id)).state;
  const exposure = async () => (await api.query.loans.exposure(CODE)).toBigInt();

  /** Applies, approves, accepts: the loan's number and the block the application was in. */
  async function approvedAndAccepted(product, months) {
    const applied = await send(api, api.tx.loans.applyForLoan(product, AMOUNT, months, summary, null), controller);
    const loan = event(applied.events, 'LoanApplied').data.loan.toNumber();
    const expires = (await bestNumber(api)) + 100;
    await send(api, api.tx.loans.approveLoan(loan, AMOUNT, 435, months, expires, [summary]), bob);
    await send(api, api.tx.loans.acceptOffer(loan), controller);
    return { loan, appliedIn: applied.blockHash };
  }

  before(async () => {
    dir = workDir('loans');
    node = await startDevNode('loans', dir);
    api = await connect(node);
    await cryptoWaitReady();
    [alice, bob, charlie] = ['//Alice', '//Bob', '//Charlie'].map(devKey);
    controller = devKey('//loans-controller');

    await send(api, api.tx.taxRecords.registerEnterprise(CODE, [controller.address]), alice);
    const record = {
      enterprise: CODE, period: { year: 2025 }, kind: 'annualSummary', rating: 'A',
      fields: { taxPayable: 32000000000, taxPaid: 32000000000, revenue: 800000000000, invoicesIssued: 0, arrears: 0, penalties: 0, creditScore: 95 },
    };
    ({ id: summary } = await attestSealed(api, alice, dir, 'summary-2025', record));
    const scope = { kinds: ['AnnualSummary'], firstYear: 2025, lastYear: 2025 };
    const notice = blake2AsHex('Tax records to Bob for credit assessment.');
    await send(
      api,
      api.tx.consent.grantConsent(bob.address, 'CreditAssessment', scope, 'WholeRecords', (await bestNumber(api)) + 5000, notice),
      controller,
    );
  });

  after(async () => {
    await disconnectAll();
    await node?.stop();
  });

  test('without consent to its bank, an application fails', async () => {
    const product = await publish(charlie, 90);
    await assert.rejects(
      send(api, api.tx.loans.applyForLoan(product, AMOUNT, 3, summary, null), controller),
      /loans\.NoConsent/,
    );
  });

  test('a loan runs from application to closure, its schedule computed on chain', async () => {
    const product = await publish(bob, 90);
    const started = Date.now();
    const { loan, appliedIn } = await approvedAndAccepted(product, 3);
    const disbursed = await send(api, api.tx.loans.recordDisbursement(loan), bob, { finalized: true });
    const seconds = (Date.now() - started) / 1000;
    const from = (await api.rpc.chain.getHeader(appliedIn)).number.toNumber();
    const to = (await api.rpc.chain.getHeader(disbursed.blockHash)).number.toNumber();
    console.log(`loan: application in #${from}, disbursement finalised in #${to} (${to - from} blocks, ${seconds.toFixed(1)} s from submitting the application)`);
    assert.equal(event(disbursed.events, 'LoanDisbursed').data.instalments.toNumber(), 3);

    const entry = await loanOf(loan);
    assert.equal(entry.state.toString(), 'Repaying');
    assert.equal(entry.decision.unwrap().records[0].toNumber(), summary, 'the decision does not cite the summary');
    assert.equal(await exposure(), BigInt(AMOUNT));
    const plan = (await api.query.loans.schedules(loan)).unwrap();
    assert.equal(plan.length, 3);
    const principal = plan.reduce((sum, i) => sum + i.principal.toBigInt(), 0n);
    assert.equal(principal, BigInt(AMOUNT), 'the schedule does not repay the amount');
    assert.ok(plan.every((i) => i.interest.toBigInt() > 0n));

    for (const instalment of plan) {
      await send(api, api.tx.loans.recordRepayment(loan, instalment.principal, instalment.interest), bob);
    }
    const closed = await loanOf(loan);
    assert.ok(closed.state.isClosed, `not closed: ${closed.state.toString()}`);
    assert.equal(closed.principalPaid.toBigInt(), BigInt(AMOUNT));
    assert.equal(await exposure(), 0n);
    await assert.rejects(
      send(api, api.tx.loans.recordRepayment(loan, 1, 0), bob),
      /loans\.InvalidTransition/,
    );
    const history = await api.query.loans.loansOf.keys(CODE);
    assert.ok(history.some((key) => Buffer.from(key.args[1].toU8a()).readBigUInt64BE() === BigInt(loan)), 'not in the enterprise\'s history');
  });

  test('an unpaid instalment makes a loan overdue by itself; it is declared defaulted and written off', async () => {
    const product = await publish(bob, 5);
    const { loan } = await approvedAndAccepted(product, 1);
    await send(api, api.tx.loans.recordDisbursement(loan), bob);
    const due = (await api.query.loans.schedules(loan)).unwrap()[0].due.toNumber();

    await waitFor(`loan ${loan} overdue`, async () => (await stateOf(loan)).isOverdue, { timeoutMs: 150_000, nodes: [node] });
    assert.equal((await stateOf(loan)).asOverdue.since.toNumber(), due);
    assert.ok((await bestNumber(api)) >= due);
    await assert.rejects(send(api, api.tx.loans.declareDefault(loan), bob), /loans\.NotPastDueLongEnough/);

    await waitFor('five days past due', async () => (await bestNumber(api)) >= due + 5, { nodes: [node] });
    const { events } = await send(api, api.tx.loans.declareDefault(loan), bob);
    assert.ok(event(events, 'LoanDefaulted').data.daysPastDue.toNumber() >= 5);
    assert.equal(await exposure(), BigInt(AMOUNT));
    const written = await send(api, api.tx.loans.writeOff(loan), bob);
    assert.equal(event(written.events, 'LoanWrittenOff').data.principal.toBigInt(), BigInt(AMOUNT));
    assert.ok((await stateOf(loan)).isWrittenOff);
    assert.equal(await exposure(), 0n);
  });
});
