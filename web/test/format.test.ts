import { describe, expect, test } from 'vitest';
import { blockTime, blocksOfDays, fenOf, yuan } from '../src/chain/format';

describe('amounts and times as people read them', () => {
  test('fen read as yuan with separators, in both languages', () => {
    expect(yuan(123456789n, 'zh')).toBe('¥1,234,567.89');
    expect(yuan(5, 'en')).toBe('¥0.05');
    expect(yuan('100000000', 'zh')).toBe('¥1,000,000.00');
    expect(yuan(-250n, 'en')).toBe('-¥2.50');
    // Beyond 2^53 fen, exactly.
    expect(yuan(9007199254740993n, 'en')).toBe('¥90,071,992,547,409.93');
  });

  test('yuan as typed read as fen, or refused', () => {
    expect(fenOf('300,000')).toBe(30000000n);
    expect(fenOf('1000.5')).toBe(100050n);
    expect(fenOf('¥ 12.34')).toBe(1234n);
    expect(fenOf('12.345')).toBeNull();
    expect(fenOf('-1')).toBeNull();
    expect(fenOf('')).toBeNull();
  });

  test('block numbers read as dates from the block time', () => {
    const best = { number: 100, at: Date.UTC(2026, 0, 1) };
    expect(blockTime(100 + 28_800, best, 3_000).toISOString()).toBe('2026-01-02T00:00:00.000Z');
    expect(blockTime(90, best, 3_000).getTime()).toBe(best.at - 30_000);
    expect(blocksOfDays(30, 3_000)).toBe(864_000);
  });
});
