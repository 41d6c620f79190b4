// The tax bureau's page: register an enterprise with its controller, and watch the delivery
// service (`banktax authority serve --metrics-port`): how far behind it is, what it delivered
// and refused, and its last lag.

import { useEffect, useState } from 'react';
import { useChain } from '../chain/ChainProvider';
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
