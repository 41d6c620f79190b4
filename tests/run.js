// Runs the end-to-end tests: every *.test.js file here, or the files named on the command line,
// each in a process of its own, E2E_CONCURRENCY of them (3 unless set) at a time. Every file
// starts its own nodes on free ports with a chain of its own (lib/specs.js), so files do not
// interfere, and most of their time is spent waiting for blocks. The files that take longest
// start first, so that the run ends soon after its longest file does.

import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

const HERE = dirname(fileURLToPath(import.meta.url));

// Seconds each took alone, at commit 2fb3832: governance 114, loans 64, story 60, scripts 43,
// bench 41, local 39, consent 33, tour-cli 31; the others 10–18. Abuse floods for two minutes.
const LONGEST_FIRST = ['governance', 'upgrade', 'abuse', 'loans', 'story', 'scripts', 'bench', 'local', 'consent', 'tour-cli'];

function files(named) {
  if (named.length > 0) return named.map((f) => resolve(f));
  const all = readdirSync(HERE).filter((f) => f.endsWith('.test.js')).sort();
  const rank = (f) => {
    const i = LONGEST_FIRST.indexOf(f.replace(/\.test\.js$/, ''));
    return i === -1 ? LONGEST_FIRST.length : i;
  };
  return all.sort((a, b) => rank(a) - rank(b)).map((f) => join(HERE, f));
}

const concurrency = Number.parseInt(process.env.E2E_CONCURRENCY ?? '3', 10);
if (!Number.isInteger(concurrency) || concurrency < 1) {
  console.error(`E2E_CONCURRENCY must be a whole number of files at a time, not ${process.env.E2E_CONCURRENCY}`);
  process.exit(2);
}

let failed = false;
const stream = run({ files: files(process.argv.slice(2)), concurrency });
stream.on('test:fail', ({ todo, skip }) => {
  if (!todo && !skip) failed = true;
});
stream.on('end', () => {
  process.exitCode = failed ? 1 : 0;
});
stream.compose(spec).pipe(process.stdout);
