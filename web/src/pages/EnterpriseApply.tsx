// Applying for a loan. A product with rules takes a proof that they hold on the enterprise's
// sealed figures: the page opens the records the tax bureau delivered to the enterprise's key,
// proves with the chain's own code (wasm) and sends only the points, which hide the figures, and
// the proof. A rule that does not hold is named, and nothing is sent.

import { useState } from 'react';
import { decodeAddress } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import type { ApiPromise } from '@polkadot/api';
import { useChain } from '../chain/ChainProvider';
import { fenOf, institutionName } from '../chain/format';
import { products, type ProductView } from '../chain/products';
import { read, readAll, useLive } from '../chain/reads';
import { variant, type InstitutionView, type Maybe, type RecordMeta } from '../chain/types';
import { ProductTerms } from '../components/Product';
import { ruleText, useAmountFields } from '../components/Rules';
import { TxButton } from '../components/TxButton';
import { useI18n } from '../i18n';
import { decodedRules, proveRules, type OwnRecord } from '../privacy';

export function Apply({ uscc, secret, institutions }: { uscc: string; secret?: string; institutions?: InstitutionView[] }) {
  const { t } = useI18n();
  const offered = useLive(async (api) => (await products(api)).filter((p) => !p.retired), []);
  return (
    <section>
      <h3>{t('enterprise.products')}</h3>
      {(offered.value ?? []).length === 0 && <p>{t('common.none')}</p>}
      {(offered.value ?? []).map((p) => (
        <div key={p.id} className="offer">
          <ProductTerms product={p} bankName={institutionName(institutions, p.bank)} />
          <ApplyForm uscc={uscc} product={p} secret={secret} />
        </div>
      ))}
    </section>
  );
}

/** The enterprise's current records with the envelopes delivered to its own key. */
async function ownRecords(api: ApiPromise, uscc: string): Promise<{ current: RecordMeta[]; own: OwnRecord[] }> {
  const current = (await readAll<RecordMeta>(api, 'recordsOf', uscc)).filter((r) => variant(r.status) === 'current');
  const own: OwnRecord[] = [];
  for (const r of current) {
    const delivered = (await api.query.taxRecords.ownEnvelopes(r.id)) as unknown as Maybe<{ envelope: { toHex: () => string } }>;
    if (!delivered.isSome) continue;
    own.push({ id: r.id, record: await read<unknown>(api, 'sealedRecord', [r.id]), envelope: delivered.unwrap().envelope.toHex() });
  }
  return { current, own };
}

function ApplyForm({ uscc, product, secret }: { uscc: string; product: ProductView; secret?: string }) {
  const { t, language } = useI18n();
  const { api } = useChain();
  const amountFields = useAmountFields();
  const [amount, setAmount] = useState('200000');
  const [months, setMonths] = useState(Math.min(12, product.maxTermMonths));
  const build = async () => {
    const fen = fenOf(amount);
    if (fen === null) return t('bank.badAmount');
    const { current, own } = await ownRecords(api, uscc);
    const summaries = current.filter((r) => r.kind === 'annualSummary').sort((a, b) => a.period.year - b.period.year);
    const summary = summaries[summaries.length - 1];
    if (!summary) return t('apply.noSummary');
    if (product.ruleCount === 0) return api.tx.loans.applyForLoan(product.id, fen, months, summary.id, null);
    if (!secret) return t('apply.needKey');
    if (own.length === 0) return t('apply.notDelivered');
    const proven = await proveRules({
      genesis: api.genesisHash.toHex(),
      product: product.id,
      rules: product.rules,
      bank: u8aToHex(decodeAddress(product.bank)),
      nonce: Number((await api.query.loans.proofNonces(uscc)).toString()),
      amount: fen.toString(),
      termMonths: months,
      secret,
      records: own,
    });
    if ('evidence' in proven) return api.tx.loans.applyForLoan(product.id, fen, months, summary.id, proven.evidence);
    const index = 'fails' in proven ? proven.fails : proven.tooLarge;
    const rule = (await decodedRules(product.rules))[index];
    const text = rule ? ruleText(rule, t, language, amountFields) : '';
    return t('fails' in proven ? 'apply.ruleFails' : 'apply.ruleTooLarge', { n: index + 1, rule: text });
  };
  return (
    <form className="apply" onSubmit={(e) => e.preventDefault()} data-testid={`apply-form-${product.id}`}>
      <label>
        {t('loan.amount')} <input value={amount} onChange={(e) => setAmount(e.target.value)} data-testid={`apply-amount-${product.id}`} />
      </label>
      <label>
        {t('loan.term')} <input type="number" min={1} max={product.maxTermMonths} value={months} onChange={(e) => setMonths(Number(e.target.value))} data-testid={`apply-months-${product.id}`} />
      </label>
      <TxButton label={product.ruleCount ? t('apply.proveAndApply') : t('apply.apply')} testId={`apply-${product.id}`} build={build} />
      {product.ruleCount > 0 && <p className="hint">{t('apply.privacy')}</p>}
    </form>
  );
}
