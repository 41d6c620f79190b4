// An encryption key for the page: from a key file (`banktax keys generate --out`) or, on a
// development chain, a development account's key. It stays in this page's memory, is never sent,
// and is checked against the public key registered on chain.

import { useState } from 'react';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import { useChain } from '../chain/ChainProvider';
import { developmentKey, publicKeyOf, secretOfKeyFile } from '../privacy';
import { useI18n } from '../i18n';
import { TxButton } from './TxButton';

export function EncryptionKey({
  title,
  registered,
  devName,
  secret,
  setSecret,
  register,
  testId,
}: {
  title: string;
  /** The public key registered on chain, if any. */
  registered?: string | null;
  /** The development account whose key may be used, on a development chain. */
  devName?: string;
  secret?: string;
  setSecret: (secret: string) => void;
  /** Registers a public key on chain, where the holder registers its own. */
  register?: (publicKey: string) => SubmittableExtrinsic<'promise'>;
  testId: string;
}) {
  const { t } = useI18n();
  const { development } = useChain();
  const [mine, setMine] = useState<string | undefined>();
  const [problem, setProblem] = useState('');
  const take = async (next: string) => {
    setMine(await publicKeyOf(next));
    setSecret(next);
    setProblem('');
  };
  const fromFile = async (file: File | undefined) => {
    if (!file) return;
    try {
      await take(secretOfKeyFile(await file.text()));
    } catch {
      setProblem(t('key.notFile'));
    }
  };
  const matches = mine !== undefined && mine === registered;
  const state = !registered ? t('key.notRegistered') : matches ? t('key.matches') : t('key.differs');
  return (
    <section>
      <h3>{title}</h3>
      <label>
        {t('key.file')} <input type="file" onChange={(e) => void fromFile(e.target.files?.[0])} data-testid={`${testId}-file`} />
      </label>
      {development && devName && (
        <button type="button" onClick={() => void developmentKey(`//${devName}`).then(take)} data-testid={`${testId}-dev`}>
          {t('key.dev', { name: devName })}
        </button>
      )}
      {problem && <span className="error">{problem}</span>}
      {secret && <p data-testid={`${testId}-state`}>{state}</p>}
      {secret && mine && !matches && register && (
        <TxButton label={t('key.register')} testId={`${testId}-register`} build={() => register(mine)} />
      )}
    </section>
  );
}
