// The node's subcommands an operator relies on: key generation, chain-spec building, exporting
// a chain to a file and importing it into another node's database, and purging a database.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Node, freePort, runNode, waitFor, workDir } from './lib/nodes.js';
import { bestNumber, connect, disconnectAll } from './lib/chain.js';
import { testSpec } from './lib/specs.js';
import { INSTITUTIONS, insertKeys } from './lib/consortium.js';

describe('banktax-node subcommands', () => {
  let dir;

  before(() => {
    dir = workDir('cli');
  });

  after(disconnectAll);

  test('key generate prints a new sr25519 key as JSON', () => {
    const one = JSON.parse(runNode(['key', 'generate', '--scheme', 'sr25519', '--output-type', 'json']));
    const two = JSON.parse(runNode(['key', 'generate', '--scheme', 'sr25519', '--output-type', 'json']));
    assert.equal(one.secretPhrase.split(' ').length, 12);
    assert.match(one.ss58Address, /^5[1-9A-HJ-NP-Za-km-z]{47}$/);
    assert.notEqual(one.ss58Address, two.ss58Address, 'two generated keys are the same');
  });

  test('a validator refuses keys anyone can derive unless allowed, and --chain must be named', () => {
    const spec = testSpec('local', dir);
    const basePath = join(dir, 'public-keys');
    insertKeys(spec, INSTITUTIONS[0], basePath);
    const refused = () => runNode(['--chain', spec, '--validator', '--base-path', basePath, '--port', '0', '--rpc-port', '0',
      '--node-key', '0000000000000000000000000000000000000000000000000000000000000007']);
    assert.throws(refused, (e) => {
      assert.notEqual(e.status, 0);
      assert.match(e.stderr, new RegExp(`well-known key //${INSTITUTIONS[0]}//aura`));
      assert.match(e.stderr, /--allow-public-keys/);
      return true;
    });
    assert.throws(() => runNode(['--validator', '--tmp']), (e) => {
      assert.match(e.stderr, /say which chain/);
      return true;
    });
  });

  test('build-spec --raw writes the local chain as genesis storage', () => {
    const spec = JSON.parse(runNode(['build-spec', '--chain', 'local', '--raw', '--disable-default-bootnode']));
    assert.equal(spec.id, 'banktax_local');
    assert.equal(spec.bootNodes.length, 4);
    const top = spec.genesis.raw.top;
    assert.ok(top['0x3a636f6465'].length > 1000, 'no runtime code (:code) in genesis storage');
  });

  test('export-blocks and import-blocks move a chain into another database; purge-chain removes it', async () => {
    const source = join(dir, 'source');
    const copy = join(dir, 'copy');
    const spec = testSpec('dev', dir);
    const rpcPort = await freePort();
    const node = new Node({
      name: 'exporter',
      dir,
      rpcPort,
      args: ['--dev', '--chain', spec, '--base-path', source, '--rpc-port', `${rpcPort}`, '--port', `${await freePort()}`],
    }).start();
    const api = await connect(node);
    await waitFor('block #5', async () => (await bestNumber(api)) >= 5, { timeoutMs: 60_000, nodes: [node] });
    const hash5 = (await api.rpc.chain.getBlockHash(5)).toHex();
    await api.disconnect();
    await node.stop();

    const file = join(dir, 'blocks.bin');
    const common = ['--chain', spec];
    runNode(['export-blocks', ...common, '--base-path', source, '--from', '1', '--to', '5', '--binary', file]);
    assert.ok(existsSync(file), 'export-blocks wrote no file');
    runNode(['import-blocks', ...common, '--base-path', copy, '--binary', file]);

    // Open the imported database and ask it for block #5.
    const checkPort = await freePort();
    const reader = new Node({
      name: 'importer',
      dir,
      rpcPort: checkPort,
      args: [...common, '--base-path', copy, '--rpc-port', `${checkPort}`, '--port', `${await freePort()}`],
    }).start();
    const imported = await connect(reader);
    assert.ok((await bestNumber(imported)) >= 5, 'the imported chain is shorter than 5 blocks');
    assert.equal((await imported.rpc.chain.getBlockHash(5)).toHex(), hash5, 'block #5 differs');
    await imported.disconnect();
    await reader.stop();

    const db = join(copy, 'chains', 'banktax_dev', 'paritydb');
    assert.ok(existsSync(db), `no ParityDB database at ${db}`);
    runNode(['purge-chain', ...common, '--base-path', copy, '-y']);
    assert.equal(existsSync(join(db, 'full')), false, 'purge-chain left the database');
  });

  test('an unknown chain spec path fails with a message naming it', () => {
    assert.throws(
      () => runNode(['build-spec', '--chain', '/no/such/spec.json']),
      (e) => e.status !== 0 && /\/no\/such\/spec\.json/.test(e.stderr),
    );
  });
});
