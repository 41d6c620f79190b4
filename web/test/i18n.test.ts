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

/** The keys the portal asks for literally: t('…') and translate(…, '…'). */
function keysUsed(): Set<string> {
  const keys = new Set<string>();
  for (const file of sources(join(__dirname, '..', 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+)'/g)) keys.add(match[1]);
  }
  return keys;
}

describe('the dictionaries', () => {
  test('Chinese and English hold the same keys', () => {
    expect(Object.keys(dictionaries.en).sort()).toEqual(Object.keys(dictionaries.zh).sort());
  });

  test('every key the portal asks for is in both', () => {
    const used = keysUsed();
    expect(used.size).toBeGreaterThan(10);
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
