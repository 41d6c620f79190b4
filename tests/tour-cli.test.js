// The README's tour, steps 5 to 7, exactly as written there: every `$banktax` command of its
// shell blocks runs, in order, against a fresh development node with the delivery service beside
// it, as scripts/dev.sh starts them; then what the tour promises is checked.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, banktaxAsync, banktaxService, startDevNode, waitFor, workDir } from './lib/nodes.js';
import { connect, disconnectAll, finalizedNumber, rpc } from './lib/chain.js';

/** The `$banktax` commands of the tour's shell blocks, continuation lines joined, variables set. */
function tourCommands() {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const tour = readme.slice(readme.indexOf('5. **The whole story'), readme.indexOf('8. **Run a consortium'));
  const variables = {};
  const commands = [];
  for (const block of tour.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const lines = block[1].replace(/\\\n\s*/g, '').split('\n').map((l) => l.trim());
    for (const line of lines) {
      const assignment = line.match(/^(\w+)=(\S+)$/);
      if (assignment) variables[assignment[1]] = assignment[2];
      if (!line.startsWith('$banktax ')) continue;
      const words = line.replace(/\s+#.*$/, '').split(/\s+/).slice(1);
      commands.push(words.map((w) => w.replace(/^\$(\w+)$/, (_, name) => variables[name] ?? w)));
    }
  }
  return commands;
}

describe('the README tour with the command line', () => {
  let node;
  let service;
  const outputs = [];

  before(async () => {
    const dir = workDir('tour-cli');
    node = await startDevNode('tour', dir);
    const api = await connect(node);
    await waitFor('a finalised block', async () => (await finalizedNumber(api)) >= 1, { nodes: [node] });
    // Where the tour keeps its records, as dev.sh's service reads them (DEV_KEEP_DIR).
    service = banktaxService(['authority', 'serve', '--keep-dir', '/tmp/banktax-dev/kept', '--state-dir', join(dir, 'delivery'), '--suri', '//Alice', '--url', node.url]);
  });

  after(async () => {
    service?.kill('SIGKILL');
    await disconnectAll();
    await node?.stop();
  });

  test('every command of steps 5 to 7 runs as written', async () => {
    const commands = tourCommands();
    assert.ok(commands.length >= 12, `only ${commands.length} commands found in the tour`);
    for (const words of commands) {
      // A tour command talks to the default ws://127.0.0.1:9944; here, to this test's node.
      const args = ['keys', 'record', 'envelope'].includes(words[0]) ? words : [...words, '--url', node.url];
      // From the repository's root, as the README's commands are run.
      outputs.push({ command: words.slice(0, 2).join(' '), output: await banktaxAsync(args, { cwd: REPO }) });
    }
  });

  test('the tour did what it says', async () => {
    const opened = outputs.find((o) => o.command === 'bank open').output;
    assert.equal(opened.verified, true);
    assert.equal(opened.record.fields.taxPaid, 27182818284);
    const profile = await rpc(node.url, 'banktax_enterpriseProfile', ['91350100M000100Y43']);
    assert.equal(profile.exposure, 0);
    assert.ok(typeof profile.loans.items[0].state === 'object' && 'closed' in profile.loans.items[0].state, `the loan is ${JSON.stringify(profile.loans.items[0].state)}`);
    assert.equal(profile.consents.items[0].consent.uses, 1);

    const charlie = await banktaxAsync(['bank', 'open', '--consent', '0', '--record', '0', '--dev', '//Charlie', '--url', node.url]).catch((e) => e);
    assert.match(charlie.stderr, /cannot open the envelope/);

    await banktaxAsync(['enterprise', 'revoke', '--consent', '0', '--suri', '//Eve', '--url', node.url]);
    const bob = await banktaxAsync(['bank', 'open', '--consent', '0', '--record', '0', '--dev', '//Bob', '--url', node.url]).catch((e) => e);
    assert.equal(bob.exitCode, 1);
    assert.match(bob.stderr, /no envelope/);
  });
});
