// A bureau's bulk upload from the command line: `banktax authority attest-batch` seals many
// record files and attests them in one transaction (`taxRecords.attestRecords`), keeping each
// record's secret part; a batch with one bad record attests none of them.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { banktaxAsync, startDevNode, waitFor, workDir } from './lib/nodes.js';
import { connect, disconnectAll, finalizedNumber } from './lib/chain.js';

const A = '91350100M000100Y43';
const B = '91110000600037341L';
const EVE = '5HGjWAeFDfFCWPsjFQdVV2Msvz2XtMktvgocEZcCj68kUMaw';
const FERDIE = '5CiPPseXPECbkjWCa6MnjNokrgYjMqmKndv2rSnekmSK2DjL';

describe('bulk attestation with the command line', () => {
  let node;
  let dir;
  const cli = (args) => banktaxAsync([...args, '--url', node.url]);

  /** An annual summary record file of `enterprise` for `year`, rated `rating`. */
  function summary(name, enterprise, year, rating, taxPaid) {
    const file = join(dir, name);
    const fields = { revenue: taxPaid * 20, taxPaid, taxPayable: taxPaid, invoicesIssued: 0, arrears: 0, penalties: 0, creditScore: 91 };
    writeFileSync(file, JSON.stringify({ enterprise, period: { year }, kind: 'annualSummary', rating, fields }));
    return file;
  }

  before(async () => {
    node = await startDevNode('batch', workDir('attest-batch'));
    dir = join(workDir('attest-batch-files'), 'records');
    mkdirSync(dir);
    const api = await connect(node);
    await waitFor('a finalised block', async () => (await finalizedNumber(api)) >= 1, { nodes: [node] });
    await cli(['authority', 'register-enterprise', '--uscc', A, '--controller', EVE, '--suri', '//Alice']);
    await cli(['authority', 'register-enterprise', '--uscc', B, '--controller', FERDIE, '--suri', '//Alice']);
  });

  after(async () => {
    await disconnectAll();
    await node?.stop();
  });

  test('records of two enterprises are attested in one transaction, each one kept', async () => {
    const files = [
      summary('a-2023.json', A, 2023, 'B', 1_200_000),
      summary('a-2024.json', A, 2024, 'A', 1_500_000),
      summary('b-2025.json', B, 2025, 'M', 90_000),
    ];
    const keepDir = join(dir, 'kept');
    const out = await cli(['authority', 'attest-batch', ...files, '--keep-dir', keepDir, '--suri', '//Alice']);
    assert.deepEqual(out.records.map((r) => [r.record, r.enterprise]), [[0, A], [1, A], [2, B]]);
    for (const record of out.records) {
      assert.equal(statSync(record.kept).mode & 0o777, 0o600, `${record.kept} readable by its owner only`);
    }

    const profile = await cli(['show', 'profile', A]);
    assert.deepEqual(
      profile.records.items.map((r) => [r.id, r.period.year, r.commitment]),
      [[0, 2023, out.records[0].commitment], [1, 2024, out.records[1].commitment]],
    );
    assert.deepEqual(profile.ratings.map((r) => [r.year, r.rating]), [[2023, 'B'], [2024, 'A']]);
    const other = await cli(['show', 'profile', B]);
    assert.deepEqual(other.records.items.map((r) => r.id), [2]);
  });

  test('a batch with one record already on chain attests none of it', async () => {
    const files = [summary('a-2022.json', A, 2022, 'B', 1_000_000), summary('a-2024-again.json', A, 2024, 'A', 1)];
    await assert.rejects(
      cli(['authority', 'attest-batch', ...files, '--keep-dir', join(dir, 'kept-2'), '--suri', '//Alice']),
      (error) => error.exitCode === 1 && /TaxRecords\.RecordExists/.test(error.message),
    );
    const profile = await cli(['show', 'profile', A]);
    assert.deepEqual(profile.records.items.map((r) => r.period.year), [2023, 2024], 'the good record was not attested either');
  });

  test('a batch names its records by file, and two files of one name are refused', async () => {
    const again = join(dir, 'again');
    mkdirSync(again);
    const first = summary('a-2021.json', A, 2021, 'B', 1);
    const second = join(again, 'a-2021.json');
    writeFileSync(second, JSON.stringify({ enterprise: B, period: { year: 2021 }, kind: 'annualSummary', rating: 'B', fields: { revenue: 1, taxPaid: 1, taxPayable: 1, invoicesIssued: 0, arrears: 0, penalties: 0, creditScore: 80 } }));
    await assert.rejects(
      cli(['authority', 'attest-batch', first, second, '--keep-dir', join(dir, 'kept-3'), '--suri', '//Alice']),
      /two record files are named a-2021\.json/,
    );
  });
});
