// Choosing whom to act as: the extension's accounts, key files kept in this browser (unlocked
// with their password for this session only), or on a development chain its well-known
// accounts.

import { useEffect, useState } from 'react';
import type { KeyringPair$Json } from '@polkadot/keyring/types';
import { useChain } from '../chain/ChainProvider';
import { shortAddress } from '../chain/format';
import { useI18n } from '../i18n';
import { developmentAccounts, extensionAccounts, keepKeyFile, storedKeyFiles, unlock, type Account } from './accounts';
import { useAccount } from './AccountProvider';

export function AccountPicker() {
  const { development } = useChain();
  const { t } = useI18n();
  const { account, identity, choose } = useAccount();
  const [offered, setOffered] = useState<Account[]>([]);
  const [files, setFiles] = useState<KeyringPair$Json[]>(storedKeyFiles());
  const [locked, setLocked] = useState<KeyringPair$Json | undefined>();
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState('');
  useEffect(() => {
    void (async () => {
      const fromExtension = await extensionAccounts().catch(() => []);
      const fromDevelopment = development ? await developmentAccounts() : [];
      setOffered([...fromExtension, ...fromDevelopment]);
    })();
  }, [development]);
  const pick = (address: string) => {
    const file = files.find((f) => f.address === address);
    if (file) {
      setLocked(file);
      return;
    }
    choose(offered.find((a) => a.address === address));
  };
  const importFile = async (file: File | undefined) => {
    if (!file) return;
    try {
      const kept = await keepKeyFile(await file.text());
      setFiles(storedKeyFiles());
      setLocked(kept);
    } catch {
      setProblem(t('account.wrongPassword'));
    }
  };
  const open = async () => {
    if (!locked) return;
    try {
      choose(await unlock(locked, password));
      setLocked(undefined);
      setPassword('');
      setProblem('');
    } catch {
      setProblem(t('account.wrongPassword'));
    }
  };
  const who = identity.institution
    ? `${identity.institution.legalName} (${t(`institution.${identity.institution.role}`)})`
    : identity.enterprise
      ? t('account.enterpriseOf', { uscc: identity.enterprise })
      : '';
  return (
    <section className="accounts">
      <label>
        {t('account.choose')}{' '}
        <select value={account?.address ?? ''} onChange={(e) => pick(e.target.value)} data-testid="account">
          <option value="">{t('account.none')}</option>
          {offered.some((a) => a.source === 'extension') && (
            <optgroup label={t('account.extension')}>
              {offered.filter((a) => a.source === 'extension').map((a) => (
                <option key={a.address} value={a.address}>{`${a.name} ${shortAddress(a.address)}`}</option>
              ))}
            </optgroup>
          )}
          {files.length > 0 && (
            <optgroup label={t('account.keystore')}>
              {files.map((f) => (
                <option key={f.address} value={f.address}>{`${(f.meta?.name as string | undefined) ?? ''} ${shortAddress(f.address)}`}</option>
              ))}
            </optgroup>
          )}
          {offered.some((a) => a.source === 'development') && (
            <optgroup label={t('account.development')}>
              {offered.filter((a) => a.source === 'development').map((a) => (
                <option key={a.address} value={a.address}>{`${a.name} ${shortAddress(a.address)}`}</option>
              ))}
            </optgroup>
          )}
        </select>
      </label>{' '}
      <span className="who" data-testid="identity">{who}</span>{' '}
      <label className="import">
        {t('account.import')} <input type="file" accept=".json,application/json" onChange={(e) => void importFile(e.target.files?.[0])} />
      </label>
      {locked && (
        <span className="unlock">
          <input type="password" placeholder={t('account.password')} value={password} onChange={(e) => setPassword(e.target.value)} />
          <button type="button" onClick={() => void open()}>{t('account.unlock')}</button>
        </span>
      )}
      {problem && <span className="error">{problem}</span>}
    </section>
  );
}
