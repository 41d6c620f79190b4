// The bank's loan products: those it publishes, each with its rules in words, and a form to
// publish another. Rules are written as the JSON list the command line reads
// (`docs/examples/rules.json`), checked by the chain's own code in the page before signing.

import { useState } from 'react';
import { useChain } from '../chain/ChainProvider';
import { fenOf } from '../chain/format';
import type { ProductView } from '../chain/products';
import { variantOf } from '../chain/types';
import { Choices } from '../components/Choices';
import { ProductTerms } from '../components/Product';
import { TxButton } from '../components/TxButton';
import { useI18n } from '../i18n';
import { encodedRules } from '../privacy';

const RATINGS = ['A', 'B', 'M', 'C', 'D'];

export function Products({ products }: { products: ProductView[] }) {
  const { t } = useI18n();
  return (
    <section>
      <h3>{t('bank.products')}</h3>
      {products.length === 0 && <p>{t('common.none')}</p>}
      {products.map((p) => (
        <ProductTerms key={p.id} product={p} />
      ))}
      <PublishForm />
    </section>
  );
}

function PublishForm() {
  const { t } = useI18n();
  const { api } = useChain();
  const [ratings, setRatings] = useState(['A', 'B', 'M']);
  const [maxAmount, setMaxAmount] = useState('1000000');
  const [months, setMonths] = useState(12);
  const [minRate, setMinRate] = useState(350);
  const [maxRate, setMaxRate] = useState(800);
  const [style, setStyle] = useState('equalInstalments');
  const [cap, setCap] = useState('3000000');
  const [defaultDays, setDefaultDays] = useState(90);
  const [rules, setRules] = useState('[]');
  const [automatic, setAutomatic] = useState(false);
  const [standardRate, setStandardRate] = useState(435);
  const [offerDays, setOfferDays] = useState(30);
  const build = async () => {
    const [amount, exposure] = [fenOf(maxAmount), fenOf(cap)];
    if (amount === null || exposure === null) return t('bank.badAmount');
    let encoded: string;
    try {
      encoded = await encodedRules(rules.trim() || '[]');
    } catch (error) {
      return t('product.badRules', { why: error instanceof Error ? error.message : String(error) });
    }
    return api.tx.loans.publishProduct({
      ratings: ratings.map(variantOf),
      maxAmount: amount,
      maxTermMonths: months,
      minRateBps: minRate,
      maxRateBps: maxRate,
      style: variantOf(style),
      exposureCap: exposure,
      defaultAfterDays: defaultDays,
      rules: encoded,
      automatic: automatic ? { rateBps: standardRate, validDays: offerDays } : null,
    });
  };
  const number = (set: (n: number) => void) => (e: React.ChangeEvent<HTMLInputElement>) => set(Number(e.target.value));
  return (
    <form className="publish" onSubmit={(e) => e.preventDefault()} data-testid="publish-form">
      <h4>{t('product.publish')}</h4>
      <fieldset>
        <legend>{t('product.ratings')}</legend>
        <Choices options={RATINGS} chosen={ratings} onChange={setRatings} />
      </fieldset>
      <label>
        {t('product.maxAmount')} <input value={maxAmount} onChange={(e) => setMaxAmount(e.target.value)} data-testid="publish-max-amount" />
      </label>
      <label>
        {t('product.maxMonths')} <input type="number" value={months} onChange={number(setMonths)} />
      </label>
      <label>
        {t('product.rateRange')} <input type="number" value={minRate} onChange={number(setMinRate)} /> – <input type="number" value={maxRate} onChange={number(setMaxRate)} />
      </label>
      <label>
        {t('product.style')}
        <select value={style} onChange={(e) => setStyle(e.target.value)}>
          <option value="equalInstalments">{t('style.equalInstalments')}</option>
          <option value="interestOnlyThenBullet">{t('style.interestOnlyThenBullet')}</option>
        </select>
      </label>
      <label>
        {t('product.cap')} <input value={cap} onChange={(e) => setCap(e.target.value)} />
      </label>
      <label>
        {t('product.defaultDays')} <input type="number" value={defaultDays} onChange={number(setDefaultDays)} />
      </label>
      <label className="wide">
        {t('product.rules')}
        <textarea value={rules} onChange={(e) => setRules(e.target.value)} rows={6} data-testid="publish-rules" />
      </label>
      <label>
        {t('product.rulesFile')} <input type="file" accept=".json,application/json" onChange={(e) => void e.target.files?.[0]?.text().then(setRules)} />
      </label>
      <label>
        <input type="checkbox" checked={automatic} onChange={(e) => setAutomatic(e.target.checked)} data-testid="publish-automatic" />
        {t('product.decidesItself')}
      </label>
      {automatic && (
        <>
          <label>
            {t('bank.rateBps')} <input type="number" value={standardRate} onChange={number(setStandardRate)} data-testid="publish-standard-rate" />
          </label>
          <label>
            {t('bank.offerDays')} <input type="number" value={offerDays} onChange={number(setOfferDays)} data-testid="publish-offer-days" />
          </label>
        </>
      )}
      <TxButton label={t('product.publish')} testId="publish" build={build} />
    </form>
  );
}
