// The tax bureau's delivery service on a development node: `banktax authority serve` follows
// finalised blocks and delivers what consents call for, with nobody acting. A grant is followed
// by its envelopes within two blocks; a record attested under a standing consent follows by
// itself; a chosen-fields consent gets only its fields and a rule-answers-only consent nothing;
// a withdrawn consent gets nothing more; killed with SIGKILL while it sends and started again,
// the service delivers each envelope exactly once.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { banktaxAsync, banktaxService, freePort, startDevNode, waitFor, workDir } from './lib/nodes.js';
import { connect, disconnectAll, finalizedNumber, rpcResponse } from './lib/chain.js';
import { devKey } from './lib/tx.js';

const USCC = '91350100M000100Y43';
const CONTROLLER = '//delivery-controller';

describe('the delivery service', () => {
  let node;
  let api;
  let dir;
  let keep;
  let standing;
  let service;
  let metricsPort;
  const lines = [];
  /** The service's Prometheus metrics, by name. */
  const metrics = async () => {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    return Object.fromEntries(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(' ')).map(([k, v]) => [k, Number(v)]));
  };
  const cli = (args) => banktaxAsync([...args, '--url', node.url]);
  const serve = () => banktaxService(['authority', 'serve', '--keep-dir', keep, '--state-dir', join(dir, 'service'), '--suri', '//Alice', '--url', node.url, '--metrics-port', `${metricsPort}`], lines);
  const envelope = async (consent, record) => {
    const { result } = await rpcResponse(node.url, 'banktax_envelope', [consent, record]);
    return result ?? null;
  };
  const record = (name, period, kind, fields, rating) => {
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify({ enterprise: USCC, period, kind, rating, fields }));
    return file;
  };
  const summary = (year) => record(`summary-${year}`, { year }, 'annualSummary', { taxPayable: 100, taxPaid: 100 + year, revenue: 2500, invoicesIssued: 1, arrears: 0, penalties: 0, creditScore: 91 }, 'A');
  const attest = async (file) => (await cli(['authority', 'attest', file, '--keep', join(keep, `${file.split('/').pop().replace(/\.json$/, '')}.sealed.json`), '--suri', '//Alice'])).record;
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
    node = await startDevNode('delivery', dir);
    api = await connect(node);
    await cli(['authority', 'register-enterprise', '--uscc', USCC, '--controller', devKey(CONTROLLER).address, '--suri', '//Alice']);
    metricsPort = await freePort();
    service = serve();
  });

  after(async () => {
    service?.kill('SIGKILL');
    await disconnectAll();
    await node?.stop();
  });

  test('a grant is followed by its envelopes within two blocks, with nobody acting', async () => {
    const first = await attest(summary(2024));
    const granted = await cli(['enterprise', 'grant', '--bank', devKey('//Bob').address, '--kinds', 'annualSummary,vatReturn', '--years', '2024-2026', '--valid-days', '30', '--suri', CONTROLLER, '--wait', 'in-block']);
    const delivered = await waitFor('the envelope', () => envelope(granted.consent, first), { nodes: [node] });
    assert.ok(delivered.deliveredAt - granted.block <= 2, `delivered in block ${delivered.deliveredAt}, granted in ${granted.block}`);
    const opened = await cli(['bank', 'open', '--consent', `${granted.consent}`, '--record', `${first}`, '--dev', '//Bob']);
    assert.deepEqual([opened.content, opened.verified], ['dataKey', true]);
    assert.equal(statSync(join(dir, 'service', 'state.json')).mode & 0o777, 0o600, 'the store is its user\'s only');
    assert.equal(statSync(join(dir, 'service')).mode & 0o777, 0o700);

    // A record attested under the standing consent follows by itself.
    const second = await attest(summary(2025));
    await waitFor('the new record\'s envelope', () => envelope(granted.consent, second), { nodes: [node] });
    standing = granted.consent;
  });


  test('chosen fields get only their fields; rule answers only get nothing', async () => {
    const charlie = devKey('//Charlie').address;
    const fields = await cli(['enterprise', 'grant', '--bank', charlie, '--kinds', 'annualSummary', '--years', '2024-2025', '--fields', 'taxPaid', '--valid-days', '30', '--suri', CONTROLLER]);
    const answers = await cli(['enterprise', 'grant', '--bank', charlie, '--kinds', 'annualSummary', '--years', '2024-2025', '--rule-answers-only', '--valid-days', '30', '--suri', CONTROLLER]);
    const records = (await rpcResponse(node.url, 'banktax_recordsOf', [USCC])).result.items.map((r) => r.id);
    for (const id of records) {
      await waitFor(`record ${id} under chosen fields`, () => envelope(fields.consent, id), { nodes: [node] });
      const opened = await cli(['bank', 'open', '--consent', `${fields.consent}`, '--record', `${id}`, '--dev', '//Charlie']);
      assert.equal(opened.content, 'fields');
      assert.deepEqual(Object.keys(opened.fields), ['taxPaid']);
    }
    await waitFor('the service past the grants', () => lines.some((l) => l.event === 'refused' && l.consent === answers.consent), { nodes: [node] });
    for (const id of records) assert.equal(await envelope(answers.consent, id), null);
    const reported = await metrics();
    assert.ok(reported.banktax_delivery_transactions_total >= 4, JSON.stringify(reported));
    assert.ok(reported.banktax_delivery_refused_total >= 1, 'the rule-answers-only consent counted as refused');
    assert.ok(reported.banktax_delivery_lag_blocks <= 3, `lag ${reported.banktax_delivery_lag_blocks} blocks`);
    console.log(`delivery: lag ${reported.banktax_delivery_lag_blocks} blocks, ${reported.banktax_delivery_lag_seconds.toFixed(1)} s from sending to finality`);
  });

  test('a withdrawn consent gets nothing more', async () => {
    await cli(['enterprise', 'revoke', '--consent', `${standing}`, '--suri', CONTROLLER]);
    const later = await attest(record('vat-2025-01', { year: 2025, month: 1 }, 'vatReturn', { taxableSales: 1, outputTax: 1, inputTax: 1, taxPayable: 1, taxPaid: 1, invoicesIssued: 1 }));
    const best = await finalizedNumber(api);
    await waitFor('three more final blocks', async () => (await finalizedNumber(api)) >= best + 3, { nodes: [node] });
    assert.equal(await envelope(standing, later), null);
  });

  test('killed while it sends and started again, it delivers each envelope exactly once', async () => {
    const granted = await cli(['enterprise', 'grant', '--bank', devKey('//Bob').address, '--kinds', 'vatReturn', '--years', '2026', '--valid-days', '30', '--suri', CONTROLLER]);
    const files = [];
    for (let month = 1; month <= 8; month += 1) {
      files.push(record(`vat-2026-${month}`, { year: 2026, month }, 'vatReturn', { taxableSales: month, outputTax: 1, inputTax: 1, taxPayable: 1, taxPaid: 1, invoicesIssued: 1 }));
    }
    const sent = lines.length;
    const attested = await cli(['authority', 'attest-batch', ...files, '--keep-dir', keep, '--suri', '//Alice']);
    await waitFor('the service sending', () => lines.slice(sent).some((l) => l.event === 'sending'), { everyMs: 20, nodes: [node] });
    service.kill('SIGKILL');
    service = serve();
    for (const { record: id } of attested.records) {
      await waitFor(`record ${id}`, () => envelope(granted.consent, id), { nodes: [node] });
    }
    const best = await finalizedNumber(api);
    await waitFor('the deliveries final', async () => (await finalizedNumber(api)) >= best + 2, { nodes: [node] });
    for (const { record: id } of attested.records) {
      assert.equal(await deliveries(granted.consent, id), 1, `record ${id}`);
    }
  });
});
