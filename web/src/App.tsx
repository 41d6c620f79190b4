// The portal: one page per role (enterprise, bank, regulator, tax bureau), the account the
// person acts as, the chain's state, and a switch between Simplified Chinese and English.

import { useState } from 'react';
import { ChainProvider, useChainState } from './chain/ChainProvider';
import { I18nProvider, useI18n } from './i18n';
import { AccountProvider } from './keys/AccountProvider';
import { TxTrayProvider } from './components/TxTray';
import { AccountPicker } from './keys/AccountPicker';
import { EnterprisePage } from './pages/Enterprise';
import { BankPage } from './pages/Bank';
import { RegulatorPage } from './pages/Regulator';
import { BureauPage } from './pages/Bureau';

const PAGES = {
  enterprise: EnterprisePage,
  bank: BankPage,
  regulator: RegulatorPage,
  bureau: BureauPage,
} as const;

type PageName = keyof typeof PAGES;

function Shell() {
  const { t, language, setLanguage } = useI18n();
  const state = useChainState();
  const initial = (new URLSearchParams(window.location.search).get('role') ?? 'enterprise') as PageName;
  const [page, setPage] = useState<PageName>(initial in PAGES ? initial : 'enterprise');
  const Page = PAGES[page];
  return (
    <div className="app">
      <header>
        <h1>
          {t('app.title')} <small>{t('app.subtitle')}</small>
        </h1>
        <button type="button" className="language" onClick={() => setLanguage(language === 'zh' ? 'en' : 'zh')} data-testid="language">
          {t('app.language')}
        </button>
      </header>
      {state.status === 'connecting' && <p className="status">{t('chain.connecting', { url: state.url })}</p>}
      {state.status === 'failed' && <p className="status error">{t('chain.failed', { url: state.url, error: state.error })}</p>}
      {state.status === 'ready' && (
        <AccountProvider>
          <TxTrayProvider>
          <p className="status" data-testid="chain-status">
            {t('chain.status', { name: state.chain.name, best: state.chain.best.number, finalized: state.chain.finalized })}
          </p>
          <nav>
            {(Object.keys(PAGES) as PageName[]).map((name) => (
              <button type="button" key={name} className={name === page ? 'active' : ''} onClick={() => setPage(name)} data-testid={`nav-${name}`}>
                {t(`role.${name}`)}
              </button>
            ))}
          </nav>
          <AccountPicker />
          <main>
            <Page />
          </main>
          </TxTrayProvider>
        </AccountProvider>
      )}
    </div>
  );
}

export function App() {
  return (
    <I18nProvider>
      <ChainProvider>
        <Shell />
      </ChainProvider>
    </I18nProvider>
  );
}
