// The whole Bank–Tax Interaction story on the four-institution local network, driven through
// the `banktax` command line and read back over `banktax_*` RPC and polkadot.js `api.call`,
// always from a different node than the one that took the transaction.
//
// The tax authority registers an enterprise and attests two years of records; the enterprise
// grants bank A consent; the tax authority delivers; bank A opens and verifies the records,
// records its use, and lends: application, approval, acceptance, disbursement, repayment to
// closure. Bank B, without consent, gets nothing it can open and can neither lend nor approve.
// The enterprise revokes, and bank A can read no new record.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hexToString } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { banktaxAsync, waitFor, workDir } from './lib/nodes.js';
import { connect, disconnectAll, finalizedNumber, rpc, rpcResponse } from './lib/chain.js';
import { consortium } from './lib/consortium.js';
import { devKey, send } from './lib/tx.js';

const USCC = '91350100M000100Y43';
const AUTHORITY = '//tax-authority';
const BANK_A = '//bank-a';
const BANK_B = '//bank-b';
const CONTROLLER = '//acme-finance';

const RECORDS = {
  2024: { rating: 'B', fields: { revenue: 512000000000, taxPaid: 18100000000, taxPayable: 18100000000, invoicesIssued: 0, arrears: 0, penalties: 0, creditScore: 86 } },
  2025: { rating: 'A', fields: { revenue: 731415926535, taxPaid: 27182818284, taxPayable: 27182818285, invoicesIssued: 0, arrears: 0, penalties: 0, creditScore: 93 } },
  2026: { rating: 'A', fields: { revenue: 802000000000, taxPaid: 30100000000, taxPayable: 30100000000, invoicesIssued: 0, arrears: 0, penalties: 0, creditScore: 95 } },
};

describe('the whole story on the local network', () => {
  let nodes;
  let apis;
  let dir;
  const started = Date.now();
  const at = (i) => ['--url', nodes[i].url];
  const signedBy = (suri, i) => ['--suri', suri, ...at(i)];
  const cli = (args) => banktaxAsync(args);
  /** Polls `read` on a node until `check(value)` holds, and returns the value. */
  const readBack = (what, read, check) =>
    waitFor(what, async () => {
      const value = await read();
      return check(value) ? value : null;
    }, { timeoutMs: 30_000, nodes });

  const ids = {};
  let controller;

  before(async () => {
    await cryptoWaitReady();
    dir = workDir('story');
    ({ nodes } = await consortium(dir));
    nodes.forEach((n) => n.start());
    apis = await Promise.all(nodes.map((n) => connect(n)));
    await waitFor('finality on every node', async () => {
      const finalized = await Promise.all(apis.map(finalizedNumber));
      return finalized.every((f) => f >= 1);
    }, { timeoutMs: 120_000, nodes });
    for (const [year, { rating, fields }] of Object.entries(RECORDS)) {
      writeFileSync(join(dir, `summary-${year}.json`), JSON.stringify({
        enterprise: USCC, period: { year: Number(year) }, kind: 'annualSummary', rating, fields,
      }));
    }
  });

  after(async () => {
    console.log(`story: ${((Date.now() - started) / 1000).toFixed(1)} s from starting the network to revocation and checks`);
    await disconnectAll();
    await Promise.all((nodes ?? []).map((n) => n.stop()));
  });

  test('the tax authority registers the enterprise and attests two years of records', async () => {
    const storyStarted = Date.now();
    ids.storyStarted = storyStarted;
    controller = (await cli(['keys', 'account', '--suri', CONTROLLER])).account;
    assert.equal(controller, devKey(CONTROLLER).address);

    const registered = await cli(['authority', 'register-enterprise', '--uscc', USCC, '--controller', controller, ...signedBy(AUTHORITY, 0)]);
    assert.equal(registered.enterprise, USCC);
    assert.match(registered.progress, /finalised in block #\d+/);

    for (const year of [2024, 2025]) {
      const attested = await cli(['authority', 'attest', join(dir, `summary-${year}.json`), '--keep', join(dir, `sealed-${year}.json`), ...signedBy(AUTHORITY, 0)]);
      ids[year] = attested.record;
    }

    // Over banktax_* from node 2, and through api.call from node 3.
    const profile = await readBack('the profile on node 2', () => rpc(nodes[1].url, 'banktax_enterpriseProfile', [USCC]), (p) => p.records.items.length === 2);
    assert.deepEqual(profile.controllers, [controller]);
    assert.deepEqual(profile.ratings.map((r) => [r.year, r.rating, r.record]), [[2024, 'B', ids[2024]], [2025, 'A', ids[2025]]]);
    assert.deepEqual(profile.records.items.map((r) => r.status), ['current', 'current']);
    assert.equal(profile.records.next, null, 'both records on the first page');
    assert.ok(profile.records.items.every((r) => /^0x[0-9a-f]{64}$/.test(r.commitment) && r.sealedLen > 0));
    const viaCall = (await apis[2].call.bankTaxApi.enterpriseProfile(USCC)).unwrap();
    assert.equal(hexToString(viaCall.uscc.toHex()), USCC);
    assert.deepEqual(viaCall.records.items.map((r) => r.id.toNumber()), [ids[2024], ids[2025]]);
  });

  test('the enterprise grants bank A consent, and the tax authority delivers', async () => {
    const bankA = devKey(BANK_A).address;
    const granted = await cli(['enterprise', 'grant', '--bank', bankA, '--kinds', 'annualSummary', '--years', '2024-2026', '--valid-days', '30', '--notice', 'Credit assessment by bank A', ...signedBy(CONTROLLER, 1)]);
    ids.consent = granted.consent;

    const held = await readBack('the consent on node 3', () => rpc(nodes[2].url, 'banktax_consentsHeld', [bankA]), (c) => c.items.length === 1);
    assert.equal(held.next, null);
    assert.equal(held.items[0].id, ids.consent);
    assert.equal(held.items[0].state, 'active');
    assert.equal(held.items[0].consent.enterprise, USCC);
    assert.deepEqual(held.items[0].consent.scope, { kinds: ['annualSummary'], firstYear: 2024, lastYear: 2026 });
    const heldViaCall = await apis[0].call.bankTaxApi.consentsHeld(bankA, { from: 0, limit: 10 });
    assert.deepEqual(heldViaCall.items.map((c) => [c.id.toNumber(), c.state.type]), [[ids.consent, 'Active']]);

    const delivered = await cli(['authority', 'deliver', '--consent', `${ids.consent}`, '--sealed', join(dir, 'sealed-2024.json'), '--sealed', join(dir, 'sealed-2025.json'), ...signedBy(AUTHORITY, 0)]);
    assert.deepEqual(delivered.delivered.map((d) => [d.record, d.content]), [[ids[2024], 'dataKey'], [ids[2025], 'dataKey']]);

    for (const year of [2024, 2025]) {
      const envelope = await readBack(`the ${year} envelope on node 4`, () => rpc(nodes[3].url, 'banktax_envelope', [ids.consent, ids[year]]), Boolean);
      assert.match(envelope.envelope, /^0x[0-9a-f]+$/);
      const viaCall = await apis[1].call.bankTaxApi.envelope(ids.consent, ids[year]);
      assert.equal(viaCall.unwrap().envelope.toHex(), envelope.envelope);
    }
  });

  test('bank A opens and verifies both records, and records its use', async () => {
    for (const year of [2024, 2025]) {
      const opened = await cli(['bank', 'open', '--consent', `${ids.consent}`, '--record', `${ids[year]}`, '--dev', BANK_A, ...at(3)]);
      assert.equal(opened.verified, true);
      assert.deepEqual(opened.record.fields, RECORDS[year].fields, `the ${year} figures as the tax authority sealed them`);
      assert.equal(opened.record.rating, RECORDS[year].rating);
    }
    const access = await cli(['bank', 'record-access', '--consent', `${ids.consent}`, '--record', `${ids[2025]}`, ...signedBy(BANK_A, 3)]);
    assert.equal(access.access, 1);
    const consent = await readBack('the access log on node 1', () => rpc(nodes[0].url, 'banktax_consent', [ids.consent]), (c) => c.accessLog.length === 1);
    assert.deepEqual(consent.accessLog.map((a) => [a.number, a.record, a.purpose]), [[1, ids[2025], 'creditAssessment']]);
    const viaCall = (await apis[2].call.bankTaxApi.consent(ids.consent)).unwrap();
    assert.equal(viaCall.view.consent.uses.toNumber(), 1);
  });

  test('bank B, without consent, can open nothing and can neither lend nor approve', async () => {
    const bankB = devKey(BANK_B).address;
    assert.deepEqual(await rpc(nodes[0].url, 'banktax_consentsHeld', [bankB]), { items: [], next: null }, 'bank B holds no consent');
    const opening = await cli(['bank', 'open', '--consent', `${ids.consent}`, '--record', `${ids[2025]}`, '--dev', BANK_B, ...at(2)]).catch((e) => e);
    assert.equal(opening.exitCode, 1);
    assert.match(opening.stderr, /cannot open the envelope/);
    // The tax authority cannot deliver to bank B under bank A's consent.
    const misdelivery = await send(apis[0], apis[0].tx.consent.deliverEnvelope(ids.consent, bankB, ids[2025], '0x00'), devKey(AUTHORITY)).catch((e) => e);
    assert.match(misdelivery.message, /consent\.BankNotConsented/);

    const productB = await cli(['bank', 'publish-product', '--ratings', 'A,B,M', '--max-amount', '1000000', '--max-months', '12', '--min-rate-bps', '300', '--max-rate-bps', '800', '--exposure-cap', '2000000', ...signedBy(BANK_B, 2)]);
    const refused = await cli(['enterprise', 'apply', '--product', `${productB.product}`, '--amount', '300000', '--months', '12', '--summary', `${ids[2025]}`, ...signedBy(CONTROLLER, 1)]).catch((e) => e);
    assert.equal(refused.exitCode, 1);
    assert.match(refused.stderr, /error: failed in block #\d+: Loans\.NoConsent/);
    ids.productB = productB.product;
  });

  test('bank A lends: application, approval, acceptance, disbursement, repayment to closure', async () => {
    const bankA = devKey(BANK_A).address;
    const product = await cli(['bank', 'publish-product', '--ratings', 'A,B,M', '--max-amount', '1000000', '--max-months', '12', '--min-rate-bps', '300', '--max-rate-bps', '800', '--exposure-cap', '2000000', ...signedBy(BANK_A, 3)]);
    // The time the four lending transactions take, each followed to finality by the CLI.
    let lending = 0;
    const timed = async (args) => {
      const t = Date.now();
      const out = await cli(args);
      lending += Date.now() - t;
      return out;
    };
    const applied = await timed(['enterprise', 'apply', '--product', `${product.product}`, '--amount', '500000', '--months', '12', '--summary', `${ids[2025]}`, ...signedBy(CONTROLLER, 1)]);
    const loan = applied.loan;

    // Bank B cannot decide bank A's application.
    const approvalByB = await cli(['bank', 'approve', '--loan', `${loan}`, '--amount', '500000', '--rate-bps', '435', '--months', '12', '--offer-days', '7', '--records', `${ids[2025]}`, ...signedBy(BANK_B, 2)]).catch((e) => e);
    assert.equal(approvalByB.exitCode, 1);
    assert.match(approvalByB.stderr, /Loans\.NotProductBank/);

    const asked = await readBack('the application on node 3', () => rpc(nodes[2].url, 'banktax_loansOfBank', [bankA]), (l) => l.items.length === 1);
    assert.deepEqual([asked.items[0].id, asked.items[0].state, asked.items[0].loan.requestedAmount], [loan, 'applied', 50_000_000]);

    await timed(['bank', 'approve', '--loan', `${loan}`, '--amount', '500000', '--rate-bps', '435', '--months', '12', '--offer-days', '7', '--records', `${ids[2024]},${ids[2025]}`, ...signedBy(BANK_A, 3)]);
    const approved = await readBack('the approval on node 2', () => rpc(nodes[1].url, 'banktax_loan', [loan]), (l) => l.state === 'approved');
    assert.deepEqual([approved.loan.offer.amount, approved.loan.offer.rateBps, approved.loan.offer.termMonths], [50_000_000, 435, 12]);
    assert.ok((await apis[0].call.bankTaxApi.loan(loan)).unwrap().view.state.isApproved);

    await timed(['enterprise', 'accept', '--loan', `${loan}`, ...signedBy(CONTROLLER, 1)]);
    await readBack('the acceptance on node 4', () => rpc(nodes[3].url, 'banktax_loan', [loan]), (l) => typeof l.state === 'object' && 'accepted' in l.state);
    assert.ok((await apis[2].call.bankTaxApi.loan(loan)).unwrap().view.state.isAccepted);
    const disbursed = await timed(['bank', 'disburse', '--loan', `${loan}`, ...signedBy(BANK_A, 2)]);
    console.log(`story: application, approval, acceptance and disbursement: ${(lending / 1000).toFixed(1)} s of four CLI calls, each to finality`);
    assert.ok(disbursed.events.some((e) => e.includes('LoanDisbursed')));
    assert.ok((await apis[3].call.bankTaxApi.loan(loan)).unwrap().view.state.isRepaying);

    const repaying = await readBack('the disbursed loan on node 1', () => rpc(nodes[0].url, 'banktax_loan', [loan]), (l) => l.state === 'repaying');
    assert.equal(repaying.schedule.length, 12);
    assert.equal(repaying.outstanding, 50_000_000);
    assert.deepEqual(repaying.loan.decision.records, [ids[2024], ids[2025]]);
    assert.equal(repaying.loan.decision.consent, ids.consent);
    const owed = await readBack('the exposure on node 2', () => rpc(nodes[1].url, 'banktax_enterpriseProfile', [USCC]), (p) => p.exposure === 50_000_000);
    assert.equal(owed.loans.items.length, 1);

    await cli(['bank', 'repay', '--loan', `${loan}`, '--instalments', '3', ...signedBy(BANK_A, 3)]);
    await cli(['bank', 'repay', '--loan', `${loan}`, '--instalments', '9', ...signedBy(BANK_A, 3)]);
    const closed = await readBack('the closed loan on node 3', () => rpc(nodes[2].url, 'banktax_loan', [loan]), (l) => typeof l.state === 'object' && 'closed' in l.state);
    assert.equal(closed.outstanding, 0);
    assert.ok(closed.schedule.every((i) => i.principalPaid === i.principal && i.interestPaid === i.interest));
    assert.equal(closed.loan.principalPaid, 50_000_000);
    const ofBank = await rpc(nodes[0].url, 'banktax_loansOfBank', [bankA]);
    assert.deepEqual(ofBank.items.map((l) => l.id), [loan]);
    ids.loan = loan;
    const viaCall = (await apis[1].call.bankTaxApi.enterpriseProfile(USCC)).unwrap();
    assert.equal(viaCall.exposure.toNumber(), 0);
    assert.ok(viaCall.loans.items[0].state.isClosed);
  });

  test('the enterprise revokes, and bank A can read no new record', async () => {
    const beforeRevocation = await rpc(nodes[0].url, 'chain_getFinalizedHead');
    await cli(['enterprise', 'revoke', '--consent', `${ids.consent}`, ...signedBy(CONTROLLER, 1)]);
    const withdrawn = await readBack('the withdrawal on node 4', () => rpc(nodes[3].url, 'banktax_consent', [ids.consent]), (c) => typeof c.state === 'object' && 'withdrawn' in c.state);
    assert.equal(withdrawn.state.withdrawn.party, 'enterprise');
    const viaCall = (await apis[2].call.bankTaxApi.consent(ids.consent)).unwrap();
    assert.ok(viaCall.view.state.isWithdrawn);
    assert.equal(viaCall.view.consent.envelopes.toNumber(), 0, 'the envelopes left state with the withdrawal');

    // The tax authority attests the next year's record; under the revoked consent it cannot be delivered.
    const attested = await cli(['authority', 'attest', join(dir, 'summary-2026.json'), '--keep', join(dir, 'sealed-2026.json'), ...signedBy(AUTHORITY, 0)]);
    const delivery = await cli(['authority', 'deliver', '--consent', `${ids.consent}`, '--sealed', join(dir, 'sealed-2026.json'), ...signedBy(AUTHORITY, 0)]).catch((e) => e);
    assert.equal(delivery.exitCode, 1);
    assert.match(delivery.stderr, /consent \d+ is not in force/);
    const forced = await send(apis[0], apis[0].tx.consent.deliverEnvelope(ids.consent, devKey(BANK_A).address, attested.record, '0x00'), devKey(AUTHORITY)).catch((e) => e);
    assert.match(forced.message, /consent\.ConsentWithdrawn/);

    for (const record of [ids[2024], ids[2025], attested.record]) {
      const response = await rpcResponse(nodes[2].url, 'banktax_envelope', [ids.consent, record]);
      assert.equal(response.error?.code, 8014, `no envelope for record ${record} any more`);
      const opening = await cli(['bank', 'open', '--consent', `${ids.consent}`, '--record', `${record}`, '--dev', BANK_A, ...at(3)]).catch((e) => e);
      assert.equal(opening.exitCode, 1);
      assert.match(opening.stderr, /no envelope/);
    }
    // At a block before the revocation, the consent reads as it was then.
    const then = await rpc(nodes[1].url, 'banktax_consent', [ids.consent, beforeRevocation]);
    assert.equal(then.state, 'active');
    console.log(`story: registration to revocation ${((Date.now() - ids.storyStarted) / 1000).toFixed(1)} s`);
  });

  test('a bank pages through its consents and loans, and the regulator reads the overview', async () => {
    const bankA = devKey(BANK_A).address;
    // Two more consents and one more application, so that lists take pages.
    for (const years of ['2024-2025', '2025-2026']) {
      await cli(['enterprise', 'grant', '--bank', bankA, '--kinds', 'annualSummary', '--years', years, '--valid-days', '30', '--notice', 'Post-loan monitoring by bank A', ...signedBy(CONTROLLER, 1)]);
    }
    const withdrawn = ids.consent;
    const consents = await readBack('three consents on node 2', () => rpc(nodes[1].url, 'banktax_consentsHeld', [bankA, { from: 0, limit: 2 }]), (p) => p.next !== null);
    const rest = await rpc(nodes[1].url, 'banktax_consentsHeld', [bankA, { from: consents.next, limit: 2 }]);
    const paged = [...consents.items, ...rest.items].map((c) => c.id);
    assert.equal(consents.items.length, 2);
    assert.equal(rest.next, null);
    assert.deepEqual(paged, [...paged].sort((a, b) => a - b), 'in order of grant');
    assert.equal(new Set(paged).size, 3, 'each consent on one page only');
    assert.equal(paged[0], withdrawn);
    const open = paged.slice(1);
    const shown = await cli(['show', 'consents-held', bankA, '--from', `${consents.next}`, '--limit', '2', ...at(2)]);
    assert.deepEqual([shown.items, shown.next], [rest.items, rest.next]);

    const product = (await rpc(nodes[0].url, 'banktax_loan', [ids.loan])).loan.product;
    const applied = await cli(['enterprise', 'apply', '--product', `${product}`, '--amount', '200000', '--months', '6', '--summary', `${ids[2025]}`, ...signedBy(CONTROLLER, 1)]);
    const first = await readBack('two loans on node 3', () => rpc(nodes[2].url, 'banktax_loansOfBank', [bankA, { limit: 1 }]), (p) => p.next !== null);
    const second = await rpc(nodes[2].url, 'banktax_loansOfBank', [bankA, { from: first.next, limit: 1 }]);
    assert.deepEqual([first.items[0].id, second.items[0].id, second.next], [ids.loan, applied.loan, null]);
    const ofEnterprise = await rpc(nodes[2].url, 'banktax_loansOf', [USCC, { from: applied.loan }]);
    assert.deepEqual(ofEnterprise.items.map((l) => l.id), [applied.loan]);

    const overview = await readBack('the application in the overview on node 4', () => rpc(nodes[3].url, 'banktax_overview'), (o) => o.loans.some((t) => t.stage === 'applied'));
    const bookA = overview.banks.find((b) => b.bank === bankA);
    assert.deepEqual(bookA.loans.map((t) => [t.stage, t.loans, t.outstanding]), [['applied', 1, 0], ['closed', 1, 0]]);
    assert.deepEqual([bookA.exposure, bookA.consentsInForce, bookA.uses, bookA.active], [0, open.length, 1, true]);
    const bookB = overview.banks.find((b) => b.bank === devKey(BANK_B).address);
    assert.deepEqual([bookB.loans, bookB.consentsInForce, bookB.uses], [[], 0, 0]);
    assert.deepEqual(overview.loans.map((t) => [t.rating, t.stage, t.loans]), [['A', 'applied', 1], ['A', 'closed', 1]]);
    assert.deepEqual([overview.exposure, overview.defaulted, overview.writtenOff, overview.consentsInForce], [0, { loans: 0, outstanding: 0 }, 0, open.length]);
    assert.deepEqual(await cli(['show', 'overview', ...at(0)]).then((o) => o.consentsInForce), open.length);
  });

  test('banktax_* errors say what is wrong, with their codes', async () => {
    const cases = [
      ['banktax_enterpriseProfile', ['91350100M000100Y44'], 8001, /malformed USCC.*check character/],
      ['banktax_enterpriseProfile', ['91110000600037341L'], 8010, /no enterprise 91110000600037341L/],
      ['banktax_enterpriseProfile', [USCC, `0x${'ab'.repeat(32)}`], 8000, /unknown block/],
      ['banktax_consentsHeld', ['not-an-address'], 8002, /malformed account/],
      ['banktax_loansOfBank', [devKey(BANK_A).address, { limit: 0 }], 8003, /limit is 1 to 100, not 0/],
      ['banktax_consentsOf', [USCC, { from: 0, limit: 101 }], 8003, /limit is 1 to 100, not 101/],
      ['banktax_loan', [9999], 8012, /no loan 9999/],
      ['banktax_consent', [9999], 8011, /no consent 9999/],
      ['banktax_sealedRecord', [9999], 8013, /no record 9999/],
    ];
    for (const [method, params, code, message] of cases) {
      const { error } = await rpcResponse(nodes[3].url, method, params);
      assert.equal(error?.code, code, `${method}(${params}) code`);
      assert.match(error.message, message);
    }
    const shown = await cli(['show', 'profile', '91350100M000100Y44', ...at(0)]).catch((e) => e);
    assert.equal(shown.exitCode, 1);
    assert.match(shown.stderr, /banktax_enterpriseProfile: malformed USCC/);
    // Without --listen-addr a node listens for peers on loopback only.
    const listening = await rpc(nodes[1].url, 'system_localListenAddresses');
    assert.ok(listening.length > 0 && listening.every((a) => a.startsWith('/ip4/127.0.0.1/tcp/')), `listening on ${listening}`);
    const institutions = await rpc(nodes[2].url, 'banktax_institutions');
    assert.deepEqual(institutions.map((i) => i.role), ['TaxAuthority', 'Bank', 'Bank', 'Regulator']);
  });
});
