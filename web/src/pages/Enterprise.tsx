// The enterprise's page: its records, the consents it granted (grant in one form, revoke in
// one click), who read its data, its encryption key, the products it may apply to (a product's
// rules proven in this page on its own sealed records), and its loans with offers to accept or
// decline and schedules.

import { useState } from 'react';
import { blake2AsU8a } from '@polkadot/util-crypto';
import { useChain } from '../chain/ChainProvider';
import { blocksOfDays, blockTime, dateText, institutionName, yuan } from '../chain/format';
import { read, readAll, useLive } from '../chain/reads';
import { periodText, variant, variantOf, type Maybe, type ConsentDetail, type ConsentView, type InstitutionView, type LoanDetail, type LoanView, type RecordMeta } from '../chain/types';
import { TxButton } from '../components/TxButton';
import { Head } from '../components/Head';
import { useI18n } from '../i18n';
import { useAccount } from '../keys/AccountProvider';
import { Choices } from '../components/Choices';
import { EncryptionKey } from '../components/EncryptionKey';
import { Apply } from './EnterpriseApply';

const KINDS = ['annualSummary', 'vatReturn', 'incomeTaxReturn', 'paymentCertificate', 'filingCompliance'];

export function EnterprisePage() {
  const { t } = useI18n();
  const { account, identity } = useAccount();
  const uscc = identity.enterprise;
  if (!uscc) return <p className="hint">{t('account.notRole', { role: t('role.enterprise') })}</p>;
  return <EnterpriseDesk uscc={uscc} devName={account?.source === 'development' ? account.name : undefined} />;
}

/** The enterprise's page; the institutions are read once a block for all its sections. */
function EnterpriseDesk({ uscc, devName }: { uscc: string; devName?: string }) {
  const { t } = useI18n();
  const [secret, setSecret] = useState<string | undefined>();
  const institutions = useLive((api) => read<InstitutionView[]>(api, 'institutions'), []);
  return (
    <div className="page enterprise">
      <h2>{t('enterprise.title', { uscc })}</h2>
      <Records uscc={uscc} />
      <Consents uscc={uscc} institutions={institutions.value} />
      <OwnKey uscc={uscc} devName={devName} secret={secret} setSecret={setSecret} />
      <Apply uscc={uscc} secret={secret} institutions={institutions.value} />
      <Loans uscc={uscc} />
    </div>
  );
}

function useDate() {
  const { best, blockMs } = useChain();
  const { language } = useI18n();
  return (block: number, withTime = false) => dateText(blockTime(block, best, blockMs), language, withTime);
}

function Records({ uscc }: { uscc: string }) {
  const { t } = useI18n();
  const date = useDate();
  const records = useLive((api) => readAll<RecordMeta>(api, 'recordsOf', uscc), [uscc]);
  return (
    <section>
      <h3>{t('enterprise.records')}</h3>
      <table data-testid="records">
        <Head columns={['record.kind', 'record.period', 'record.rating', 'record.status', 'record.attestedAt']} />
        <tbody>
          {(records.value ?? []).map((r) => (
            <tr key={r.id}>
              <td>{t(`kind.${r.kind}`)}</td>
              <td>{periodText(r.period)}</td>
              <td>{r.rating ?? '—'}</td>
              <td>{t(`recordStatus.${variant(r.status)}`)}</td>
              <td>{date(r.attestedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {records.value?.length === 0 && <p>{t('common.none')}</p>}
    </section>
  );
}

function Consents({ uscc, institutions }: { uscc: string; institutions?: InstitutionView[] }) {
  const { t } = useI18n();
  const date = useDate();
  const consents = useLive((api) => readAll<ConsentView>(api, 'consentsOf', uscc), [uscc]);
  const bankName = (address: string) => institutionName(institutions, address);
  const { api } = useChain();
  return (
    <section>
      <h3>{t('enterprise.consents')}</h3>
      <GrantForm banks={(institutions ?? []).filter((b) => b.role === 'Bank' && b.status === 'active')} />
      <table data-testid="consents">
        <Head columns={['#', 'consent.bank', 'consent.purpose', 'consent.scope', 'consent.level', 'consent.until', 'consent.state', 'consent.uses', '']} />
        <tbody>
          {(consents.value ?? []).map(({ id, state, consent }) => (
            <tr key={id} data-testid={`consent-${id}`}>
              <td>{id}</td>
              <td>{bankName(consent.bank)}</td>
              <td>{t(`purpose.${consent.purpose}`)}</td>
              <td>{`${consent.scope.kinds.map((k) => t(`kind.${k}`)).join('、')} ${consent.scope.firstYear}–${consent.scope.lastYear}`}</td>
              <td>{t(`level.${variant(consent.disclosure)}`)}</td>
              <td>{date(consent.expiresAt)}</td>
              <td>{t(`consentState.${variant(state)}`)}</td>
              <td>{consent.uses}</td>
              <td>
                {/* Kept once withdrawn, greyed, so that the withdrawal's progress stays in sight. */}
                <TxButton
                  label={t('consent.revoke')}
                  testId={`revoke-${id}`}
                  disabled={state !== 'active'}
                  build={() => api.tx.consent.withdrawConsent(id)}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <AccessLog consents={consents.value ?? []} bankName={bankName} />
    </section>
  );
}

function GrantForm({ banks }: { banks: InstitutionView[] }) {
  const { t } = useI18n();
  const { api, blockMs, best } = useChain();
  const year = new Date().getFullYear();
  const [bank, setBank] = useState('');
  const [purpose, setPurpose] = useState('creditAssessment');
  const [kinds, setKinds] = useState<string[]>(['annualSummary']);
  const [firstYear, setFirstYear] = useState(year - 1);
  const [lastYear, setLastYear] = useState(year - 1);
  const [level, setLevel] = useState<'wholeRecords' | 'chosenFields' | 'ruleAnswersOnly'>('wholeRecords');
  const [fields, setFields] = useState('taxPaid');
  const [days, setDays] = useState(30);
  const build = () => {
    const chosen = bank || banks[0]?.governance;
    if (!chosen) return t('consent.noBank');
    if (kinds.length === 0) return t('consent.noKinds');
    const disclosure =
      level === 'chosenFields' ? { ChosenFields: fields.split(/[,，\s]+/).filter(Boolean).map(variantOf) } : variantOf(level);
    const notice = blake2AsU8a(t('consent.notice', { bank: chosen, days }), 256);
    return api.tx.consent.grantConsent(
      chosen,
      variantOf(purpose),
      { kinds: kinds.map(variantOf), firstYear, lastYear },
      disclosure,
      best.number + blocksOfDays(days, blockMs),
      notice,
    );
  };
  return (
    <form className="grant" onSubmit={(e) => e.preventDefault()} data-testid="grant-form">
      <label>
        {t('consent.bank')}
        <select value={bank} onChange={(e) => setBank(e.target.value)} data-testid="grant-bank">
          {banks.map((b) => (
            <option key={b.id} value={b.governance}>{b.legalName}</option>
          ))}
        </select>
      </label>
      <label>
        {t('consent.purpose')}
        <select value={purpose} onChange={(e) => setPurpose(e.target.value)}>
          <option value="creditAssessment">{t('purpose.creditAssessment')}</option>
          <option value="postLoanMonitoring">{t('purpose.postLoanMonitoring')}</option>
        </select>
      </label>
      <fieldset>
        <legend>{t('consent.scope')}</legend>
        <Choices options={KINDS} chosen={kinds} onChange={setKinds} label={(kind) => t(`kind.${kind}`)} />
        <input type="number" value={firstYear} onChange={(e) => setFirstYear(Number(e.target.value))} aria-label={t('consent.firstYear')} data-testid="grant-first-year" />
        –
        <input type="number" value={lastYear} onChange={(e) => setLastYear(Number(e.target.value))} aria-label={t('consent.lastYear')} data-testid="grant-last-year" />
      </fieldset>
      <label>
        {t('consent.level')}
        <select value={level} onChange={(e) => setLevel(e.target.value as typeof level)} data-testid="grant-level">
          <option value="wholeRecords">{t('level.wholeRecords')}</option>
          <option value="chosenFields">{t('level.chosenFields')}</option>
          <option value="ruleAnswersOnly">{t('level.ruleAnswersOnly')}</option>
        </select>
      </label>
      {level === 'chosenFields' && (
        <label>
          {t('consent.fields')}
          <input value={fields} onChange={(e) => setFields(e.target.value)} />
        </label>
      )}
      <label>
        {t('consent.days')}
        <input type="number" min={1} value={days} onChange={(e) => setDays(Number(e.target.value))} data-testid="grant-days" />
      </label>
      <TxButton label={t('consent.grant')} testId="grant" build={build} />
    </form>
  );
}

function AccessLog({ consents, bankName }: { consents: ConsentView[]; bankName: (a: string) => string }) {
  const { t } = useI18n();
  const date = useDate();
  const ids = consents.filter((c) => c.consent.uses > 0).map((c) => c.id);
  const logs = useLive((api) => Promise.all(ids.map((id) => read<ConsentDetail | null>(api, 'consent', [id]))), [ids.join(',')]);
  const rows = (logs.value ?? []).flatMap((detail) =>
    detail ? detail.accessLog.map((access) => ({ access, bank: detail.view.consent.bank, consent: detail.view.id })) : [],
  );
  return (
    <div>
      <h4>{t('enterprise.whoRead')}</h4>
      <table data-testid="access-log">
        <Head columns={['access.when', 'consent.bank', 'access.record', 'consent.purpose']} />
        <tbody>
          {rows.map(({ access, bank, consent }) => (
            <tr key={`${consent}-${access.number}`}>
              <td>{date(access.at, true)}</td>
              <td>{bankName(bank)}</td>
              <td>#{access.record}</td>
              <td>{t(`purpose.${access.purpose}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <p>{t('common.none')}</p>}
    </div>
  );
}

function Loans({ uscc }: { uscc: string }) {
  const { t, language } = useI18n();
  const { api } = useChain();
  const date = useDate();
  const loans = useLive((api) => readAll<LoanView>(api, 'loansOf', uscc), [uscc]);
  const [open, setOpen] = useState<number | undefined>();
  const detail = useLive((api) => (open === undefined ? Promise.resolve(null) : read<LoanDetail | null>(api, 'loan', [open])), [open]);
  return (
    <section>
      <h3>{t('enterprise.loans')}</h3>
      <table data-testid="loans">
        <Head columns={['#', 'loan.amount', 'loan.term', 'loan.state', 'loan.outstanding', '']} />
        <tbody>
          {(loans.value ?? []).map(({ id, state, loan, outstanding }) => (
            <tr key={id} data-testid={`loan-${id}`}>
              <td>{id}</td>
              <td>{yuan(loan.offer?.amount ?? loan.requestedAmount, language)}</td>
              <td>{t('loan.months', { months: loan.offer?.termMonths ?? loan.requestedTermMonths })}</td>
              <td>{t(`loanState.${variant(state)}`)}</td>
              <td>{yuan(outstanding, language)}</td>
              <td>
                {variant(state) === 'approved' && (
                  <>
                    <TxButton label={t('loan.accept')} testId={`accept-${id}`} build={() => api.tx.loans.acceptOffer(id)} />
                    <TxButton label={t('loan.decline')} testId={`decline-${id}`} build={() => api.tx.loans.withdrawApplication(id)} />
                  </>
                )}
                <button type="button" onClick={() => setOpen(open === id ? undefined : id)} data-testid={`schedule-${id}`}>{t('loan.schedule')}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {detail.value && (
        <table data-testid="schedule">
          <Head columns={['loan.due', 'loan.principal', 'loan.interest', 'loan.paid']} />
          <tbody>
            {detail.value.schedule.map((i) => (
              <tr key={i.due}>
                <td>{date(i.due)}</td>
                <td>{yuan(i.principal, language)}</td>
                <td>{yuan(i.interest, language)}</td>
                <td>{yuan(i.principalPaid + i.interestPaid, language)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function OwnKey({ uscc, devName, secret, setSecret }: { uscc: string; devName?: string; secret?: string; setSecret: (s: string) => void }) {
  const { t } = useI18n();
  const { api } = useChain();
  const registered = useLive(async (api) => {
    const key = (await api.query.taxRecords.enterpriseKeys(uscc)) as unknown as Maybe<{ toHex: () => string }>;
    return key.isSome ? key.unwrap().toHex() : null;
  }, [uscc]);
  return (
    <EncryptionKey
      title={t('enterprise.key')}
      registered={registered.value}
      devName={devName}
      secret={secret}
      setSecret={setSecret}
      register={(key) => api.tx.taxRecords.registerKey(key)}
      testId="enterprise-key"
    />
  );
}
