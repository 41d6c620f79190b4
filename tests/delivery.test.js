// The tax bureau's delivery service on the four-institution local network: `banktax authority
// serve`, beside the tax authority's node, follows the chain and delivers what consents and
// enterprises' keys call for, with nobody acting. A grant is followed by its envelope within two
// blocks; a record attested under a standing consent follows by itself; a chosen-fields consent
// gets only its fields and a rule-answers-only consent nothing; an enterprise that registers a
// key gets its own records; a bank that rotates its key gets what it holds sealed again to the
// new one; a withdrawn consent gets nothing more; killed with SIGKILL while it sends and started
// again, the service delivers each envelope exactly once.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { banktaxAsync, banktaxService, freePort, waitFor, workDir } from './lib/nodes.js';
import { connect, disconnectAll, finalizedNumber, rpcResponse } from './lib/chain.js';
import { consortium } from './lib/consortium.js';
import { devKey } from './lib/tx.js';

const USCC = '91350100M000100Y43';
const CONTROLLER = '//delivery-controller';
const AUTHORITY = '//tax-authority';
const BANK_A = '//bank-a';
const BANK_B = '//bank-b';

describe('the delivery service', () => {
  let nodes;
  let api;
  let dir;
  let keep;
  let standing;
  let first;
  let service;
  let metricsPort;
  const lines = [];
  /** The service's Prometheus metrics, by name. */
  const metrics = async () => {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    return Object.fromEntries(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(' ')).map(([k, v]) => [k, Number(v)]));
  };
  // The bureau's commands and its service go to its own node; the others' to bank A's.
  const bureau = (args) => banktaxAsync([...args, '--suri', AUTHORITY, '--url', nodes[0].url]);
  const cli = (args) => banktaxAsync([...args, '--url', nodes[1].url]);
  const serve = () => banktaxService(['authority', 'serve', '--keep-dir', keep, '--state-dir', join(dir, 'service'), '--suri', AUTHORITY, '--url', nodes[0].url, '--metrics-port', `${metricsPort}`], lines);
  const envelope = async (consent, record) => {
    const { result } = await rpcResponse(nodes[2].url, 'banktax_envelope', [consent, record]);
    return result ?? null;
  };
  const record = (name, period, kind, fields, rating) => {
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify({ enterprise: USCC, period, kind, rating, fields }));
    return file;
  };
  const summary = (year) => record(`summary-${year}`, { year }, 'annualSummary', { taxPayable: 100, taxPaid: 100 + year, revenue: 2500, invoicesIssued: 1, arrears: 0, penalties: 0, creditScore: 91 }, 'A');
  const vat = (year, month) => record(`vat-${year}-${month}`, { year, month }, 'vatReturn', { taxableSales: month, outputTax: 1, inputTax: 1, taxPayable: 1, taxPaid: 1, invoicesIssued: 1 });
  const attest = async (file) => (await bureau(['authority', 'attest', file, '--keep', join(keep, `${file.split('/').pop().replace(/\.json$/, '')}.sealed.json`)])).record;
  const currentRecords = async () => (await rpcResponse(nodes[2].url, 'banktax_recordsOf', [USCC])).result.items.filter((r) => r.status === 'Current').map((r) => r.id);
  /** How many times an envelope was delivered for (consent, record), over every block. */
  const deliveries = async (consent, recordId) => {
    const last = await finalizedNumber(api);
    let count = 0;
    for (let n = 1; n <= last; n += 1) {
      const hash = await api.rpc.chain.getBlockHash(n);
      const events = await api.query.system.events.at(hash);
      count += events.filter(({ event }) => api.events.consent.EnvelopeDelivered.is(event)
        && event.data.consent.toNumber() === consent && event.data.record.toNumber() === recordId).length;
    }
    return count;
  };

  before(async () => {
    await cryptoWaitReady();
    dir = workDir('delivery');
    keep = join(dir, 'kept');
    mkdirSync(keep);
    ({ nodes } = await consortium(dir));
    nodes.forEach((n) => n.start());
    api = await connect(nodes[3]);
    await waitFor('finality', async () => (await finalizedNumber(api)) >= 1, { timeoutMs: 120_000, nodes });
    await bureau(['authority', 'register-enterprise', '--uscc', USCC, '--controller', devKey(CONTROLLER).address]);
    metricsPort = await freePort();
    service = serve();
  });

  after(async () => {
    service?.kill('SIGKILL');
    await disconnectAll();
    await Promise.all((nodes ?? []).map((n) => n.stop()));
  });

  test('a grant is followed by its envelope within two blocks, with nobody acting', async () => {
    first = await attest(summary(2024));
    const granted = await cli(['enterprise', 'grant', '--bank', devKey(BANK_A).address, '--kinds', 'annualSummary,vatReturn', '--years', '2024-2026', '--valid-days', '30', '--suri', CONTROLLER, '--wait', 'in-block']);
    const delivered = await waitFor('the envelope', () => envelope(granted.consent, first), { nodes });
    assert.ok(delivered.deliveredAt - granted.block <= 2, `delivered in block ${delivered.deliveredAt}, granted in ${granted.block}`);
    const opened = await cli(['bank', 'open', '--consent', `${granted.consent}`, '--record', `${first}`, '--dev', BANK_A]);
    assert.deepEqual([opened.content, opened.verified], ['dataKey', true]);
    assert.equal(statSync(join(dir, 'service', 'state.json')).mode & 0o777, 0o600, 'the store is its user\'s only');
    assert.equal(statSync(join(dir, 'service')).mode & 0o777, 0o700);

    // A record attested under the standing consent follows by itself.
    const second = await attest(summary(2025));
    await waitFor('the new record\'s envelope', () => envelope(granted.consent, second), { nodes });
    standing = granted.consent;
  });

  test('chosen fields get only their fields; rule answers only get nothing', async () => {
    const bank = devKey(BANK_B).address;
    const fields = await cli(['enterprise', 'grant', '--bank', bank, '--kinds', 'annualSummary', '--years', '2024-2025', '--fields', 'taxPaid', '--valid-days', '30', '--suri', CONTROLLER]);
    const answers = await cli(['enterprise', 'grant', '--bank', bank, '--kinds', 'annualSummary', '--years', '2024-2025', '--rule-answers-only', '--valid-days', '30', '--suri', CONTROLLER]);
    for (const id of await currentRecords()) {
      await waitFor(`record ${id} under chosen fields`, () => envelope(fields.consent, id), { nodes });
      const opened = await cli(['bank', 'open', '--consent', `${fields.consent}`, '--record', `${id}`, '--dev', BANK_B]);
      assert.equal(opened.content, 'fields');
      assert.deepEqual(Object.keys(opened.fields), ['taxPaid']);
    }
    await waitFor('the service past the grants', () => lines.some((l) => l.event === 'refused' && l.consent === answers.consent), { nodes });
    for (const id of await currentRecords()) assert.equal(await envelope(answers.consent, id), null);
    const reported = await metrics();
    assert.ok(reported.banktax_delivery_transactions_total >= 4, JSON.stringify(reported));
    assert.ok(reported.banktax_delivery_refused_total >= 1, 'the rule-answers-only consent counted as refused');
    assert.ok(reported.banktax_delivery_lag_blocks <= 2, `lag ${reported.banktax_delivery_lag_blocks} blocks`);
    const lags = lines.filter((l) => l.event === 'delivered').map((l) => `${l.lagBlocks} (${l.lagSeconds} s)`);
    console.log(`delivery lags in blocks (seconds): ${lags.join(', ')}`);
  });

  test('an enterprise that registers a key gets its own records, sealed to it', async () => {
    const secret = join(dir, 'enterprise-key.json');
    const generated = await cli(['keys', 'generate', '--out', secret]);
    await cli(['enterprise', 'register-key', '--secret-file', secret, '--suri', CONTROLLER]);
    for (const id of await currentRecords()) {
      const own = await waitFor(`record ${id} to its enterprise`, async () => {
        const stored = await api.query.taxRecords.ownEnvelopes(id);
        return stored.isSome && stored.unwrap().key.toHex() === generated.public ? stored : null;
      }, { nodes });
      assert.ok(own.isSome);
    }
  });

  test('a bank that rotates its key gets what it holds sealed again to the new one', async () => {
    const secret = join(dir, 'bank-a-key.json');
    const generated = await cli(['keys', 'generate', '--out', secret]);
    await cli(['bank', 'rotate-key', '--secret-file', secret, '--suri', BANK_A]);
    await waitFor('the envelope sealed to the new key', async () => (await envelope(standing, first))?.recipientKey === generated.public, { nodes });
    const opened = await cli(['bank', 'open', '--consent', `${standing}`, '--record', `${first}`, '--secret-file', secret]);
    assert.deepEqual([opened.content, opened.verified], ['dataKey', true]);
  });

  test('a withdrawn consent gets nothing more', async () => {
    await cli(['enterprise', 'revoke', '--consent', `${standing}`, '--suri', CONTROLLER]);
    const later = await attest(vat(2025, 1));
    const best = await finalizedNumber(api);
    await waitFor('three more final blocks', async () => (await finalizedNumber(api)) >= best + 3, { nodes });
    assert.equal(await envelope(standing, later), null);
  });

  test('killed while it sends and started again, it delivers each envelope exactly once', async () => {
    const granted = await cli(['enterprise', 'grant', '--bank', devKey(BANK_B).address, '--kinds', 'vatReturn', '--years', '2026', '--valid-days', '30', '--suri', CONTROLLER]);
    const files = [];
    for (let month = 1; month <= 8; month += 1) files.push(vat(2026, month));
    const sent = lines.length;
    const attested = await bureau(['authority', 'attest-batch', ...files, '--keep-dir', keep]);
    await waitFor('the service sending', () => lines.slice(sent).some((l) => l.event === 'sending'), { everyMs: 20, nodes });
    service.kill('SIGKILL');
    service = serve();
    for (const { record: id } of attested.records) {
      await waitFor(`record ${id}`, () => envelope(granted.consent, id), { nodes });
    }
    const best = await finalizedNumber(api);
    await waitFor('the deliveries final', async () => (await finalizedNumber(api)) >= best + 2, { nodes });
    for (const { record: id } of attested.records) {
      assert.equal(await deliveries(granted.consent, id), 1, `record ${id}`);
    }
  });
});
