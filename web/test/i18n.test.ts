import { describe, expect, test } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dictionaries, MissingTranslation, translate } from '../src/i18n';

/** Every source file of the portal. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'wasm' ? [] : sources(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

/** The dictionaries' namespaces: `consent` of `consent.bank`. */
const NAMESPACES = new Set(Object.keys(dictionaries.zh).map((key) => key.split('.')[0]));

/**
 * The keys the portal names literally: every quoted `namespace.name` in its source whose
 * namespace is one of the dictionaries' (t('…'), column lists, …); the keys it builds from the
 * chain's names (`kind.${…}`) are checked against the chain in the browser test.
 */
function keysUsed(): Set<string> {
  const keys = new Set<string>();
  for (const file of sources(join(__dirname, '..', 'src'))) {
    if (file.includes(`${join('src', 'i18n')}`)) continue;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/'([a-z][a-zA-Z]*\.[a-zA-Z0-9_.]+)'/g)) {
      if (NAMESPACES.has(match[1].split('.')[0])) keys.add(match[1]);
    }
  }
  return keys;
}

describe('the dictionaries', () => {
  test('Chinese and English hold the same keys', () => {
    expect(Object.keys(dictionaries.en).sort()).toEqual(Object.keys(dictionaries.zh).sort());
  });

  test('every key the portal asks for is in both', () => {
    const used = keysUsed();
    expect(used.size).toBeGreaterThan(100);
    for (const key of used) {
      expect(dictionaries.zh[key], `zh: ${key}`).toBeDefined();
      expect(dictionaries.en[key], `en: ${key}`).toBeDefined();
    }
  });

  test('a missing key fails, and parameters fill in', () => {
    expect(() => translate('zh', 'no.such.key')).toThrow(MissingTranslation);
    expect(translate('en', 'stage.inBlock', { block: 12 })).toBe('In block #12, waiting for finality…');
    expect(translate('zh', 'stage.finalized', { block: 7 })).toBe('已在区块 #7 最终确认');
  });
});
