// A product's rules in words, and figures in their units: which figures are amounts in fen is
// the codec's fact (`FieldKey::is_amount`), read from the wasm, not a list kept here.

import { useEffect, useState } from 'react';
import { yuan } from '../chain/format';
import { amountFieldNames, decodedRules, type Rule } from '../privacy';
import { useI18n, type Language, type Translate } from '../i18n';

let amounts: Set<string> | undefined;

/** The names of the figures that are amounts in fen, once the codec is loaded. */
export function useAmountFields(): Set<string> | undefined {
  const [known, setKnown] = useState(amounts);
  useEffect(() => {
    if (!known) void amountFieldNames().then((names) => setKnown((amounts = names)));
  }, [known]);
  return known;
}

/** A figure in its unit: yuan for amounts, the number for counts and the score. */
export function figureText(field: string, value: string | number, amountFields: Set<string> | undefined, language: Language): string {
  return amountFields?.has(field) ? yuan(String(value), language) : String(value);
}

/** One rule as a sentence. */
export function ruleText(rule: Rule, t: Translate, language: Language, amountFields: Set<string> | undefined): string {
  const [shape, body] = Object.entries(rule)[0] ?? ['', { kind: '' }];
  const field = body.field ? t(`field.${body.field}`) : '';
  const threshold = body.field ? figureText(body.field, body.threshold ?? 0, amountFields, language) : String(body.threshold ?? 0);
  const terms = (body.weights ?? [])
    .map((w, i) => {
      const term = `${Math.abs(w.weight)} × ${t(`field.${w.field}`)}`;
      if (i === 0) return w.weight < 0 ? `−${term}` : term;
      return `${w.weight < 0 ? ' − ' : ' + '}${term}`;
    })
    .join('');
  return t(`rule.${shape}`, { kind: t(`kind.${body.kind}`), field, threshold, months: body.months ?? 0, multiple: body.multiple ?? 0, terms });
}

/** A product's rules (SCALE hex, as the chain keeps them), each as a sentence. */
/** With `proven`, each rule is marked as proven on the enterprise's sealed figures. */
export function RuleList({ rules, testId, proven }: { rules: string; testId?: string; proven?: boolean }) {
  const { t, language } = useI18n();
  const amountFields = useAmountFields();
  const [decoded, setDecoded] = useState<Rule[] | undefined>();
  useEffect(() => {
    void decodedRules(rules).then(setDecoded, () => setDecoded([]));
  }, [rules]);
  if (!decoded || decoded.length === 0) return <p data-testid={testId}>{t('product.noRules')}</p>;
  return (
    <ol className="rules" data-testid={testId}>
      {decoded.map((rule, i) => (
        <li key={i}>
          {ruleText(rule, t, language, amountFields)}
          {proven && <span className="verified"> ✓ {t('product.ruleProven')}</span>}
        </li>
      ))}
    </ol>
  );
}
