// Components as a person sees them: a product's terms and rules in words, in Chinese and in
// English, each rule marked proven where an application proved it.

import { beforeAll, describe, expect, test } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeRules, initSync } from '../src/wasm/banktax_wasm';
import { I18nProvider } from '../src/i18n';
import { ProductTerms } from '../src/components/Product';
import { RuleList } from '../src/components/Rules';
import type { ProductView } from '../src/chain/products';

const RULES = readFileSync(join(__dirname, '..', '..', 'docs', 'examples', 'rules.json'), 'utf8');

describe('product components', () => {
  let rules: string;
  beforeAll(() => {
    // The page loads the codec on first use; here it is loaded from the file the build made.
    initSync({ module: readFileSync(join(__dirname, '..', 'src', 'wasm', 'banktax_wasm_bg.wasm')) });
    rules = encodeRules(RULES);
  });

  test('rules read as sentences, amounts in yuan, each marked proven', async () => {
    render(
      <I18nProvider language="zh">
        <RuleList rules={rules} proven testId="rules" />
      </I18nProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('rules').querySelectorAll('li')).toHaveLength(4));
    const text = screen.getByTestId('rules').textContent ?? '';
    expect(text).toContain('最新一期年度汇总的营业收入不低于 ¥5,000,000.00');
    expect(text).toContain('最近 12 个月完税证明的已缴税额每月不低于 ¥0.01');
    expect(text).toContain('申请金额不超过最新一期年度汇总已缴税额的 3 倍');
    expect(text).toContain('评分 1000 × 纳税信用评分 − 1 × 欠税 − 1 × 罚款 不低于 80000');
    expect(screen.getByTestId('rules').querySelectorAll('.verified')).toHaveLength(4);
  });

  test('a product states its terms, who decides, and no rules when it has none', async () => {
    const product: ProductView = {
      id: 7, bank: '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty', retired: false, ratings: ['A', 'B'],
      maxAmount: '100000000', maxTermMonths: 12, minRateBps: 350, maxRateBps: 800, style: 'EqualInstalments',
      exposureCap: '300000000', defaultAfterDays: 90, rules: '0x00', ruleCount: 0, automatic: { rateBps: 435, validDays: 7 },
    };
    render(
      <I18nProvider language="en">
        <ProductTerms product={product} bankName="Development Bank (Bob)" />
      </I18nProvider>,
    );
    const card = screen.getByTestId('product-7');
    expect(card.textContent).toContain('Product #7 Development Bank (Bob)');
    expect(card.textContent).toContain('up to ¥1,000,000.00');
    expect(card.textContent).toContain('rate 3.50%–8.00%');
    expect(card.textContent).toContain('Equal instalments');
    expect(screen.getByTestId('product-7-decides').textContent).toContain('rate 4.35%, offer open 7 days');
    await waitFor(() => expect(screen.getByTestId('product-7-rules').textContent).toContain('No rules to prove'));
  });
});
