// The portal's codec is the chain's Rust code compiled to wasm: what the command line seals, the
// browser opens and checks against the commitment; a tampered envelope does not open.

import { beforeAll, describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { developmentSecret, encryptionPublic, initSync, inScope, openDelivered, sealRecords } from '../src/wasm/banktax_wasm';

const REPO = join(__dirname, '..', '..');
const CLI = process.env.BANKTAX_CLI ?? join(process.env.CARGO_TARGET_DIR ?? join(homedir(), '.cache', 'banktax', 'target'), 'release', 'banktax');
const banktax = (args: string[]) => JSON.parse(execFileSync(CLI, args, { encoding: 'utf8' }));

describe('the privacy codec in the browser', () => {
  let sealedFile: string;
  let sealed: Record<string, unknown>;
  let bob: string;
  let dir: string;
  const example = JSON.parse(readFileSync(join(REPO, 'docs', 'examples', 'annual-summary-2025.json'), 'utf8'));

  beforeAll(() => {
    initSync({ module: readFileSync(join(__dirname, '..', 'src', 'wasm', 'banktax_wasm_bg.wasm')) });
    dir = mkdtempSync(join(tmpdir(), 'banktax-wasm-'));
    sealed = banktax(['record', 'seal', join(REPO, 'docs', 'examples', 'annual-summary-2025.json')]);
    sealedFile = join(dir, 'sealed.json');
    writeFileSync(sealedFile, JSON.stringify(sealed));
    bob = developmentSecret('//Bob');
  });

  test('development keys are the command line\'s', () => {
    expect(encryptionPublic(bob)).toBe(banktax(['keys', 'public', '--dev', '//Bob']).public);
  });

  test('a whole record opens, every figure checked against the commitment', () => {
    const { envelope } = banktax(['envelope', 'seal', '--sealed', sealedFile, '--to', encryptionPublic(bob)]);
    const opened = JSON.parse(openDelivered(bob, envelope, JSON.stringify(sealed)));
    expect(opened.content).toBe('dataKey');
    expect(opened.verified).toBe(true);
    for (const [name, value] of Object.entries(example.fields)) expect(opened.fields[name]).toBe(String(value));
  });

  test('chosen fields open alone', () => {
    const { envelope } = banktax(['envelope', 'seal', '--sealed', sealedFile, '--to', encryptionPublic(bob), '--fields', 'taxPaid']);
    const opened = JSON.parse(openDelivered(bob, envelope, JSON.stringify(sealed)));
    expect(opened).toEqual({ content: 'fields', verified: true, fields: { taxPaid: String(example.fields.taxPaid) } });
  });

  test('a tampered envelope, another bank\'s key or another record does not open', () => {
    const { envelope } = banktax(['envelope', 'seal', '--sealed', sealedFile, '--to', encryptionPublic(bob)]);
    const flipped = envelope.slice(0, 100) + (envelope[100] === '0' ? '1' : '0') + envelope.slice(101);
    expect(() => openDelivered(bob, flipped, JSON.stringify(sealed))).toThrow(/does not open/);
    expect(() => openDelivered(developmentSecret('//Charlie'), envelope, JSON.stringify(sealed))).toThrow(/does not open/);
    const other = { ...sealed, commitment: `0x${'11'.repeat(32)}` };
    expect(() => openDelivered(bob, envelope, JSON.stringify(other))).toThrow();
  });

  test('records sealed in the page from a sheet are kept as the command line keeps them', () => {
    const names = Object.keys(example.fields);
    const sheet = `enterprise,kind,year,rating,${names.join(',')}\n${example.enterprise},annualSummary,2025,A,${names.map((n) => example.fields[n]).join(',')}\n`;
    const kept = JSON.parse(sealRecords(sheet, true, `0x${'05'.repeat(32)}`));
    expect(kept).toHaveLength(1);
    expect(kept[0].record).toEqual(example);
    // The command line delivers from the page's kept file, and the delivery opens to the figures.
    const file = join(dir, 'from-page.json');
    writeFileSync(file, JSON.stringify(kept));
    const { envelope } = banktax(['envelope', 'seal', '--sealed', file, '--to', encryptionPublic(bob)]);
    const opened = JSON.parse(openDelivered(bob, envelope, JSON.stringify(kept[0])));
    expect(opened.fields.taxPaid).toBe(String(example.fields.taxPaid));
    expect(() => sealRecords(sheet.replace(',A,', ',Z,'), true, `0x${'05'.repeat(32)}`)).toThrow(/Z is not a rating/);
    expect(() => sealRecords('{"enterprise": "x"}', false, `0x${'05'.repeat(32)}`)).toThrow(/not a record file/);
  });

  test('a consent covers the records the runtime says it covers', () => {
    const scope = JSON.stringify({ kinds: ['annualSummary', 'vatReturn'], firstYear: 2024, lastYear: 2025 });
    const covers = (kind: string, period: object) => inScope(scope, JSON.stringify(kind), JSON.stringify(period));
    expect(covers('annualSummary', { year: 2025 })).toBe(true);
    expect(covers('vatReturn', { year: 2024, month: 1 })).toBe(true);
    expect(covers('annualSummary', { year: 2026 })).toBe(false);
    expect(covers('paymentCertificate', { year: 2025, month: 3 })).toBe(false);
    expect(() => covers('salesLedger', { year: 2025 })).toThrow(/not a kind/);
  });
});
