// A product's rules in the browser: written as JSON, checked and encoded by the chain's code,
// read back into sentences in both languages; and proven on an enterprise's own sealed record
// in the page, a rule that does not hold named instead of proven.

import { beforeAll, describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { amountFields, developmentSecret, encodeRules, encryptionPublic, initSync, proveApplication, rulesOf } from '../src/wasm/banktax_wasm';
import { ruleText } from '../src/components/Rules';
import { translate, type Language } from '../src/i18n';

const REPO = join(__dirname, '..', '..');
const CLI = process.env.BANKTAX_CLI ?? join(process.env.CARGO_TARGET_DIR ?? join(homedir(), '.cache', 'banktax', 'target'), 'release', 'banktax');
const banktax = (args: string[]) => JSON.parse(execFileSync(CLI, args, { encoding: 'utf8' }));
const EXAMPLE_RULES = readFileSync(join(REPO, 'docs', 'examples', 'rules.json'), 'utf8');
const SUMMARY = JSON.parse(readFileSync(join(REPO, 'docs', 'examples', 'annual-summary-2025.json'), 'utf8'));

describe('rules in the browser', () => {
  let sealed: Record<string, unknown>;
  let eve: string;
  let envelope: string;

  beforeAll(() => {
    initSync({ module: readFileSync(join(__dirname, '..', 'src', 'wasm', 'banktax_wasm_bg.wasm')) });
    const dir = mkdtempSync(join(tmpdir(), 'banktax-rules-'));
    sealed = banktax(['record', 'seal', join(REPO, 'docs', 'examples', 'annual-summary-2025.json')]);
    writeFileSync(join(dir, 'sealed.json'), JSON.stringify(sealed));
    eve = developmentSecret('//Eve');
    envelope = banktax(['envelope', 'seal', '--sealed', join(dir, 'sealed.json'), '--to', encryptionPublic(eve)]).envelope;
  });

  test('rules encode as the chain checks them and read back the same', () => {
    const encoded = encodeRules(EXAMPLE_RULES);
    expect(encoded).toMatch(/^0x[0-9a-f]+$/);
    expect(JSON.parse(rulesOf(encoded))).toEqual(JSON.parse(EXAMPLE_RULES));
    expect(() => encodeRules('[{"eachMonthAtLeast": {"kind": "paymentCertificate", "field": "taxPaid", "months": 13, "threshold": 1}}]')).toThrow(/outside the vocabulary/);
    expect(() => encodeRules('[{"atLeast": {"kind": "paymentCertificate", "field": "revenue", "threshold": 1}}]')).toThrow(/outside the vocabulary/);
    expect(() => encodeRules('{"atLeast": 1}')).toThrow(/not a list of rules/);
  });

  test('every rule of the vocabulary reads as a sentence in both languages, amounts in yuan', () => {
    const amounts = new Set(JSON.parse(amountFields()) as string[]);
    expect(amounts.has('revenue') && !amounts.has('creditScore') && !amounts.has('invoicesIssued')).toBe(true);
    const rules = JSON.parse(EXAMPLE_RULES);
    rules.push({ atMost: { kind: 'annualSummary', field: 'arrears', threshold: 0 } }, { sumAtLeast: { kind: 'paymentCertificate', field: 'taxPaid', months: 3, threshold: 100 } });
    for (const language of ['zh', 'en'] as Language[]) {
      const t = (key: string, params?: Record<string, string | number>) => translate(language, key, params);
      const texts = rules.map((rule: never) => ruleText(rule, t, language, amounts));
      expect(texts[0]).toContain(language === 'zh' ? '¥5,000,000.00' : '¥5,000,000.00');
      expect(texts[2]).toContain('3');
      for (const text of texts) expect(text).not.toMatch(/\{|undefined/);
    }
  });

  test('the enterprise proves rules on its own record in the page; a rule that fails is named', () => {
    const rules = encodeRules(JSON.stringify([
      { atLeast: { kind: 'annualSummary', field: 'revenue', threshold: SUMMARY.fields.revenue } },
      { loanAtMostMultiple: { kind: 'annualSummary', field: 'taxPaid', multiple: 3 } },
    ]));
    const application = (amount: bigint, secret = eve) => ({
      genesis: `0x${'ab'.repeat(32)}`,
      product: 0,
      rules,
      bank: `0x${'cd'.repeat(32)}`,
      nonce: 0,
      amount: amount.toString(),
      termMonths: 12,
      secret,
      seed: `0x${'07'.repeat(32)}`,
      records: [{ id: 5, record: sealed, envelope }],
    });
    const most = 3n * BigInt(SUMMARY.fields.taxPaid);
    const proven = JSON.parse(proveApplication(JSON.stringify(application(most))));
    expect(proven.evidence.records).toEqual([5]);
    expect(proven.evidence.points).toHaveLength(Object.keys(SUMMARY.fields).length);
    // Two claims, aggregated as two 64-bit values: (2·log2(128) + 9) · 32 bytes.
    expect((proven.evidence.proof.length - 2) / 2).toBe(736);
    expect(JSON.parse(proveApplication(JSON.stringify(application(most + 1n))))).toEqual({ fails: 1 });
    expect(() => proveApplication(JSON.stringify(application(most, developmentSecret('//Ferdie'))))).toThrow(/does not open/);
    const higher = encodeRules(JSON.stringify([{ atLeast: { kind: 'annualSummary', field: 'revenue', threshold: SUMMARY.fields.revenue + 1 } }]));
    expect(JSON.parse(proveApplication(JSON.stringify({ ...application(most), rules: higher })))).toEqual({ fails: 0 });
  });
});
