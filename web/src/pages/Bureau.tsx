// The tax bureau's page: register an enterprise with its controller, attest records from a JSON
// or CSV file (sealed in this page; what deliveries need is saved for the delivery service
// before anything is sent), and watch the delivery service (`banktax authority serve --metrics-port`): how far behind it is, what it delivered
// and refused, and its last lag.

import { useEffect, useState } from 'react';
import { useChain } from '../chain/ChainProvider';
import { useLive } from '../chain/reads';
import { periodText, variantOf } from '../chain/types';
import { Head } from '../components/Head';
import { sealedRecords, type KeptRecord } from '../privacy';
import { TxButton } from '../components/TxButton';
import { useI18n } from '../i18n';
import { useAccount } from '../keys/AccountProvider';

/** The delivery service's Prometheus metrics, by name. */
async function serviceMetrics(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(url)).text();
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => line.split(' '))
      .map(([name, value]) => [name, Number(value)]),
  );
}

export function BureauPage() {
  const { t } = useI18n();
  const { identity } = useAccount();
  if (identity.institution?.role !== 'TaxAuthority') return <p className="hint">{t('account.notRole', { role: t('role.bureau') })}</p>;
  return (
    <div className="page bureau">
      <h2>{identity.institution.legalName}</h2>
      <Register />
      <Attest />
      <DeliveryService />
    </div>
  );
}

function Register() {
  const { t } = useI18n();
  const { api } = useChain();
  const [uscc, setUscc] = useState('');
  const [controller, setController] = useState('');
  return (
    <section>
      <h3>{t('bureau.register')}</h3>
      <label>
        {t('bureau.uscc')} <input value={uscc} onChange={(e) => setUscc(e.target.value.trim().toUpperCase())} data-testid="register-uscc" />
      </label>
      <label>
        {t('bureau.controller')} <input value={controller} onChange={(e) => setController(e.target.value.trim())} data-testid="register-controller" />
      </label>
      <TxButton
        label={t('bureau.registerButton')}
        testId="register"
        build={() => (uscc.length === 18 ? api.tx.taxRecords.registerEnterprise(uscc, [controller]) : t('bureau.badUscc'))}
      />
    </section>
  );
}

/** A record's period as the call takes it. */
function periodArg(period: KeptRecord['period']) {
  if (period.month) return { Month: { year: period.year, month: period.month } };
  if (period.quarter) return { Quarter: { year: period.year, quarter: period.quarter } };
  return { Year: period.year };
}

function Attest() {
  const { t } = useI18n();
  const { api } = useChain();
  const most = useLive(async (api) => Number(api.consts.taxRecords.maxRecordsPerBatch.toString()), []);
  const [kept, setKept] = useState<KeptRecord[] | undefined>();
  const [problem, setProblem] = useState('');
  const [saved, setSaved] = useState(false);
  const choose = async (file: File | undefined) => {
    setKept(undefined);
    setSaved(false);
    if (!file) return;
    try {
      setKept(await sealedRecords(await file.text(), file.name.toLowerCase().endsWith('.csv')));
      setProblem('');
    } catch (error) {
      setProblem(t('bureau.badFile', { why: error instanceof Error ? error.message : String(error) }));
    }
  };
  // Saved before sending: a record on chain whose key was lost could never be delivered.
  const save = () => {
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([JSON.stringify(kept, null, 2)], { type: 'application/json' }));
    link.download = `kept-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
    link.click();
    URL.revokeObjectURL(link.href);
    setSaved(true);
  };
  const build = () => {
    if (!kept?.length) return t('bureau.noRecords');
    if (most.value !== undefined && kept.length > most.value) return t('bureau.tooMany', { count: kept.length, most: most.value });
    return api.tx.taxRecords.attestRecords(
      kept.map((k) => ({
        uscc: k.enterprise,
        period: periodArg(k.period),
        kind: variantOf(k.kind),
        attestation: { schemaVersion: k.schemaVersion, rating: k.rating, commitment: k.commitment, ciphertext: k.ciphertext },
      })),
    );
  };
  return (
    <section>
      <h3>{t('bureau.attest')}</h3>
      <label>
        {t('bureau.attestFile')} <input type="file" accept=".json,.csv,application/json,text/csv" onChange={(e) => void choose(e.target.files?.[0])} data-testid="attest-file" />
      </label>
      {problem && <p className="error" data-testid="attest-problem">{problem}</p>}
      {kept && (
        <>
          <table data-testid="attest-preview">
            <Head columns={['bureau.enterprise', 'record.kind', 'record.period', 'record.rating']} />
            <tbody>
              {kept.map((k) => (
                <tr key={k.commitment}>
                  <td>{k.enterprise}</td>
                  <td>{t(`kind.${k.kind}`)}</td>
                  <td>{periodText(k.period)}</td>
                  <td>{k.rating ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="hint">{t('bureau.keepHint')}</p>
          <button type="button" onClick={save} data-testid="attest-save">{t('bureau.save', { count: kept.length })}</button>{' '}
          <TxButton label={t('bureau.attestButton', { count: kept.length })} testId="attest" disabled={!saved} build={build} />
        </>
      )}
    </section>
  );
}

function DeliveryService() {
  const { t } = useI18n();
  const [url, setUrl] = useState(new URLSearchParams(window.location.search).get('delivery') ?? 'http://127.0.0.1:9616/metrics');
  const [metrics, setMetrics] = useState<Record<string, number> | undefined>();
  const [problem, setProblem] = useState('');
  useEffect(() => {
    let stopped = false;
    const look = () =>
      serviceMetrics(url).then(
        (m) => !stopped && (setMetrics(m), setProblem('')),
        (e: unknown) => !stopped && setProblem(String(e)),
      );
    void look();
    const timer = setInterval(look, 3_000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [url]);
  return (
    <section data-testid="delivery">
      <h3>{t('bureau.delivery')}</h3>
      <label>
        {t('bureau.metricsUrl')} <input value={url} onChange={(e) => setUrl(e.target.value)} />
      </label>
      {problem && <p className="error">{t('bureau.unreachable', { url })}</p>}
      {metrics && (
        <ul>
          <li data-testid="delivery-behind">{t('bureau.behind', { blocks: metrics.banktax_delivery_blocks_behind ?? 0 })}</li>
          <li>{t('bureau.sent', { count: metrics.banktax_delivery_transactions_total ?? 0 })}</li>
          <li>{t('bureau.refused', { count: metrics.banktax_delivery_refused_total ?? 0 })}</li>
          <li data-testid="delivery-lag">
            {t('bureau.lag', { blocks: metrics.banktax_delivery_lag_blocks ?? 0, seconds: metrics.banktax_delivery_lag_seconds ?? 0 })}
          </li>
        </ul>
      )}
    </section>
  );
}
