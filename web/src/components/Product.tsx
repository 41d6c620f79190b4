// A loan product's terms as a bank states them and an enterprise reads them.

import { yuan } from '../chain/format';
import type { ProductView } from '../chain/products';
import { useI18n } from '../i18n';
import { RuleList } from './Rules';

export function ProductTerms({ product, bankName }: { product: ProductView; bankName?: string }) {
  const { t, language } = useI18n();
  const percent = (bps: number) => `${(bps / 100).toFixed(2)}%`;
  return (
    <div className="product" data-testid={`product-${product.id}`}>
      <h4>
        {t('product.line', { id: product.id, bank: bankName ?? '' })}
        {product.retired && ` · ${t('product.retired')}`}
      </h4>
      <p>
        {t('product.terms', {
          ratings: product.ratings.join('、'),
          amount: yuan(product.maxAmount, language),
          months: product.maxTermMonths,
          rates: `${percent(product.minRateBps)}–${percent(product.maxRateBps)}`,
          style: t(`style.${product.style.charAt(0).toLowerCase()}${product.style.slice(1)}`),
          cap: yuan(product.exposureCap, language),
        })}
      </p>
      <p data-testid={`product-${product.id}-decides`}>
        {product.automatic
          ? t('product.automatic', { rate: percent(product.automatic.rateBps), days: product.automatic.validDays })
          : t('product.bankDecides')}
      </p>
      <RuleList rules={product.rules} testId={`product-${product.id}-rules`} />
    </div>
  );
}
