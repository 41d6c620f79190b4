// The bank's page: its encryption key (from its key file, never sent anywhere), the consents it
// holds with each delivered record opened and every figure checked against the chain, the
// applications waiting for a decision with the rules proven, its portfolio with exposure and
// days past due, and alerts on the enterprises it lends to.

import { useState } from 'react';
import { useChain } from '../chain/ChainProvider';
import { blocksOfDays, fenOf, yuan } from '../chain/format';
import { read, readAll, useLive } from '../chain/reads';
import { periodText, variant, variantOf, type ConsentView, type InstitutionView, type LoanView, type RecordMeta } from '../chain/types';
import { TxButton } from '../components/TxButton';
import { Head } from '../components/Head';
import { useI18n } from '../i18n';
import { useAccount } from '../keys/AccountProvider';
import { coveredBy, openEnvelope, type Opened } from '../privacy';
import { EncryptionKey } from '../components/EncryptionKey';
import { figureText, RuleList, useAmountFields } from '../components/Rules';
import { products, type ProductView } from '../chain/products';
import { Products } from './BankProducts';

const REASONS = ['insufficientTaxBase', 'complianceRecord', 'excessiveExposure', 'shortHistory', 'incompleteData', 'outsidePolicy'];

export function BankPage() {
  const { t } = useI18n();
  const { account, identity } = useAccount();
  if (!account || identity.institution?.role !== 'Bank') return <p className="hint">{t('account.notRole', { role: t('role.bank') })}</p>;
  return <BankDesk bank={account.address} name={identity.institution.legalName} devName={account.source === 'development' ? account.name : undefined} />;
}

/** The bank's page; its consents, loans and products are read once a block and shared by its sections. */
function BankDesk({ bank, name, devName }: { bank: string; name: string; devName?: string }) {
  const [secret, setSecret] = useState<string | undefined>();
  const consents = useLive((api) => readAll<ConsentView>(api, 'consentsHeld', bank), [bank]);
  const loans = useLive((api) => readAll<LoanView>(api, 'loansOfBank', bank), [bank]);
  const mine = useLive((api) => products(api, bank), [bank]);
  return (
    <div className="page bank">
      <h2>{name}</h2>
      <BankKey bank={bank} devName={devName} secret={secret} setSecret={setSecret} />
      <HeldConsents consents={consents.value ?? []} secret={secret} />
      <Products products={mine.value ?? []} />
      <Applications loans={loans.value ?? []} products={mine.value ?? []} />
      <Portfolio loans={loans.value ?? []} consents={consents.value ?? []} />
    </div>
  );
}

function BankKey({ bank, devName, secret, setSecret }: { bank: string; devName?: string; secret?: string; setSecret: (s: string) => void }) {
  const { t } = useI18n();
  const registered = useLive(async (api) => (await read<InstitutionView[]>(api, 'institutions')).find((i) => i.governance === bank)?.encryptionKey, [bank]);
  return <EncryptionKey title={t('bank.key')} registered={registered.value} devName={devName} secret={secret} setSecret={setSecret} testId="bank-key" />;
}

function HeldConsents({ consents, secret }: { consents: ConsentView[]; secret?: string }) {
  const { t } = useI18n();
  return (
    <section>
      <h3>{t('bank.consents')}</h3>
      {consents.length === 0 && <p>{t('common.none')}</p>}
      {consents.map((c) => (
        <HeldConsent key={c.id} view={c} secret={secret} />
      ))}
    </section>
  );
}

function HeldConsent({ view, secret }: { view: ConsentView; secret?: string }) {
  const { t } = useI18n();
  const { id, state, consent } = view;
  const records = useLive(
    async (api) => (state === 'active' ? coveredBy(consent.scope, await readAll<RecordMeta>(api, 'recordsOf', consent.enterprise)) : []),
    [consent.enterprise, variant(state)],
  );
  const inScope = records.value ?? [];
  return (
    <div className="consent" data-testid={`held-${id}`}>
      <h4>
        {t('bank.consentLine', { id, uscc: consent.enterprise, level: t(`level.${variant(consent.disclosure)}`), state: t(`consentState.${variant(state)}`) })}
      </h4>
      {inScope.map((r) => (
        <DeliveredRecord key={r.id} consent={id} record={r} secret={secret} />
      ))}
    </div>
  );
}

function DeliveredRecord({ consent, record, secret }: { consent: number; record: RecordMeta; secret?: string }) {
  const { t, language } = useI18n();
  const { api } = useChain();
  const [opened, setOpened] = useState<Opened | undefined>();
  const [failed, setFailed] = useState('');
  const open = async () => {
    setOpened(undefined);
    setFailed('');
    try {
      const delivery = await read<{ envelope: string } | null>(api, 'envelope', [consent, record.id]);
      if (!delivery) throw new Error(t('bank.notDelivered'));
      const sealed = await read<unknown>(api, 'sealedRecord', [record.id]);
      if (!secret) throw new Error(t('bank.needKey'));
      setOpened(await openEnvelope(secret, delivery.envelope, sealed));
    } catch (error) {
      setFailed(error instanceof Error ? error.message : String(error));
    }
  };
  const amountFields = useAmountFields();
  return (
    <div className="record" data-testid={`record-${consent}-${record.id}`}>
      <span>{`${t(`kind.${record.kind}`)} ${periodText(record.period)}`}</span>{' '}
      <button type="button" onClick={() => void open()} data-testid={`open-${consent}-${record.id}`}>{t('bank.open')}</button>{' '}
      <TxButton label={t('bank.recordAccess')} build={() => api.tx.consent.recordAccess(consent, record.id, 'CreditAssessment')} />
      {failed && <p className="error not-verified" data-testid="not-verified">✗ {t('bank.notVerified', { why: failed })}</p>}
      {opened && (
        <table className="figures" data-testid="figures">
          <tbody>
            {Object.entries(opened.fields).map(([name, value]) => (
              <tr key={name}>
                <td>{t(`field.${name}`)}</td>
                <td>{figureText(name, value, amountFields, language)}</td>
                <td className="verified" data-testid="verified">✓ {t('bank.verified')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function Applications({ loans, products }: { loans: LoanView[]; products: ProductView[] }) {
  const { t, language } = useI18n();
  const waiting = loans.filter((l) => variant(l.state) === 'applied');
  return (
    <section>
      <h3>{t('bank.applications')}</h3>
      {waiting.length === 0 && <p>{t('common.none')}</p>}
      {waiting.map((l) => (
        <Application key={l.id} view={l} product={products.find((p) => p.id === l.loan.product)} language={language} />
      ))}
    </section>
  );
}

function Application({ view, product, language }: { view: LoanView; product?: ProductView; language: 'zh' | 'en' }) {
  const { t } = useI18n();
  const { api, best, blockMs } = useChain();
  const answers = useLive(async (api) => (await api.query.loans.answers(view.id)).toHuman(), [view.id]);
  const [amount, setAmount] = useState(String(view.loan.requestedAmount / 100));
  const [rate, setRate] = useState(435);
  const [days, setDays] = useState(30);
  const [reason, setReason] = useState(REASONS[0]);
  const approve = () => {
    const fen = fenOf(amount);
    if (fen === null) return t('bank.badAmount');
    return api.tx.loans.approveLoan(view.id, fen, rate, view.loan.requestedTermMonths, best.number + blocksOfDays(days, blockMs), []);
  };
  return (
    <div className="application" data-testid={`application-${view.id}`}>
      <p>
        {t('bank.applicationLine', {
          id: view.id,
          uscc: view.loan.enterprise,
          amount: yuan(view.loan.requestedAmount, language),
          months: view.loan.requestedTermMonths,
          rating: view.loan.rating ?? '—',
        })}
      </p>
      <p>{answers.value ? t('bank.rulesHeld') : t('bank.noRuleProof')}</p>
      {answers.value && product && <RuleList rules={product.rules} proven testId={`answers-${view.id}`} />}
      <label>
        {t('loan.amount')} <input value={amount} onChange={(e) => setAmount(e.target.value)} />
      </label>
      <label>
        {t('bank.rateBps')} <input type="number" value={rate} onChange={(e) => setRate(Number(e.target.value))} />
      </label>
      <label>
        {t('bank.offerDays')} <input type="number" value={days} onChange={(e) => setDays(Number(e.target.value))} />
      </label>
      <TxButton label={t('bank.approve')} testId={`approve-${view.id}`} build={approve} />
      <select value={reason} onChange={(e) => setReason(e.target.value)} data-testid={`reject-reason-${view.id}`}>
        {REASONS.map((r) => (
          <option key={r} value={r}>{t(`reason.${r}`)}</option>
        ))}
      </select>
      <TxButton label={t('bank.reject')} testId={`reject-${view.id}`} build={() => api.tx.loans.rejectLoan(view.id, variantOf(reason))} />
    </div>
  );
}

function Portfolio({ loans, consents }: { loans: LoanView[]; consents: ConsentView[] }) {
  const { t, language } = useI18n();
  const { api } = useChain();
  const booked = loans.filter((l) => ['accepted', 'disbursed', 'overdue', 'defaulted'].includes(variant(l.state)));
  const exposure = booked.reduce((sum, l) => sum + BigInt(l.outstanding), 0n);
  return (
    <section>
      <h3>{t('bank.portfolio')}</h3>
      <p data-testid="exposure">{t('bank.exposure', { amount: yuan(exposure, language) })}</p>
      <table data-testid="portfolio">
        <Head columns={['#', 'bank.enterprise', 'loan.state', 'loan.outstanding', 'bank.daysPastDue', '']} />
        <tbody>
          {booked.map((l) => (
            <tr key={l.id} data-testid={`booked-${l.id}`}>
              <td>{l.id}</td>
              <td>{l.loan.enterprise}</td>
              <td>{t(`loanState.${variant(l.state)}`)}</td>
              <td>{yuan(l.outstanding, language)}</td>
              <td className={l.daysPastDue > 0 ? 'alert' : ''}>{l.daysPastDue}</td>
              <td>
                {variant(l.state) === 'accepted' && <TxButton label={t('bank.disburse')} testId={`disburse-${l.id}`} build={() => api.tx.loans.recordDisbursement(l.id)} />}
                {['disbursed', 'overdue'].includes(variant(l.state)) && <Repay loan={l} />}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Alerts loans={loans} consents={consents} />
    </section>
  );
}

function Repay({ loan }: { loan: LoanView }) {
  const { t } = useI18n();
  const { api } = useChain();
  const [principal, setPrincipal] = useState('');
  const [interest, setInterest] = useState('0');
  const build = () => {
    const p = fenOf(principal);
    const i = fenOf(interest);
    if (p === null || i === null) return t('bank.badAmount');
    return api.tx.loans.recordRepayment(loan.id, p, i);
  };
  return (
    <span>
      <input placeholder={t('loan.principal')} value={principal} onChange={(e) => setPrincipal(e.target.value)} data-testid={`repay-principal-${loan.id}`} />
      <input placeholder={t('loan.interest')} value={interest} onChange={(e) => setInterest(e.target.value)} data-testid={`repay-interest-${loan.id}`} />
      <TxButton label={t('bank.repay')} testId={`repay-${loan.id}`} build={build} />
    </span>
  );
}

/** What a lender watches: overdue loans; a borrower's rating downgraded, or its records amended
 * or revoked; consents withdrawn. */
function Alerts({ loans, consents }: { loans: LoanView[]; consents: ConsentView[] }) {
  const { t } = useI18n();
  const lentTo = [...new Set(loans.filter((l) => ['disbursed', 'overdue', 'defaulted'].includes(variant(l.state))).map((l) => l.loan.enterprise))];
  const records = useLive((api) => Promise.all(lentTo.map((uscc) => readAll<RecordMeta>(api, 'recordsOf', uscc))), [lentTo.join(',')]);
  const profiles = useLive(
    (api) => Promise.all(lentTo.map((uscc) => read<{ uscc: string; ratings: { year: number; rating: string }[] } | null>(api, 'enterpriseProfile', [uscc]))),
    [lentTo.join(',')],
  );
  const worse = (before: string, after: string) => RATING_ORDER.indexOf(after) > RATING_ORDER.indexOf(before);
  const alerts = [
    ...loans.filter((l) => l.daysPastDue > 0).map((l) => t('alert.overdue', { id: l.id, days: l.daysPastDue })),
    ...(profiles.value ?? []).flatMap((p) => {
      const ratings = p?.ratings ?? [];
      const [before, after] = ratings.slice(-2);
      return before && after && worse(before.rating, after.rating)
        ? [t('alert.downgrade', { uscc: p?.uscc ?? '', before: before.rating, after: after.rating, year: after.year })]
        : [];
    }),
    ...(records.value ?? []).flat().filter((r) => variant(r.status) !== 'current').map((r) => t('alert.record', { kind: t(`kind.${r.kind}`), period: periodText(r.period), status: t(`recordStatus.${variant(r.status)}`) })),
    ...consents.filter((c) => variant(c.state) === 'withdrawn').map((c) => t('alert.withdrawn', { id: c.id, uscc: c.consent.enterprise })),
  ];
  return (
    <div data-testid="alerts">
      <h4>{t('bank.alerts')}</h4>
      {alerts.length === 0 ? <p>{t('common.none')}</p> : <ul>{alerts.map((a) => <li key={a}>{a}</li>)}</ul>}
    </div>
  );
}

/** Tax credit ratings, best first. */
const RATING_ORDER = ['A', 'B', 'M', 'C', 'D'];
