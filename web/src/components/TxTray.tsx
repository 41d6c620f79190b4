// The transactions of this session and where each is, in one place: a button's row may change
// (an offer accepted, a consent withdrawn) while its transaction is still on its way to
// finality, and the person should still see it arrive.

import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';
import type { Progress } from '../chain/tx';
import { has, useI18n } from '../i18n';

interface Entry {
  id: number;
  label: string;
  progress: Progress;
}

type Track = (label: string) => (progress: Progress) => void;

const Context = createContext<Track>(() => () => undefined);

/** The most transactions shown. */
const SHOWN = 5;

export function TxTrayProvider({ children }: { children: ReactNode }) {
  const [entries, setEntries] = useState<Entry[]>([]);
  const track = useCallback<Track>((label) => {
    const id = Date.now() + Math.random();
    return (progress) =>
      setEntries((all) => [{ id, label, progress }, ...all.filter((e) => e.id !== id)].slice(0, SHOWN));
  }, []);
  return (
    <Context.Provider value={track}>
      {children}
      <Tray entries={entries} />
    </Context.Provider>
  );
}

export function useTrack(): Track {
  return useContext(Context);
}

/** A transaction's stage in words, or its failure by the pallet's error name and translated. */
export function useStageText(): (progress: Progress) => string {
  const { t, language } = useI18n();
  return (progress) => {
    if (progress.stage !== 'failed') return t(`stage.${progress.stage}`, { block: progress.block ?? '' });
    const error =
      progress.errorKey && has(language, progress.errorKey) ? `${t(progress.errorKey)} (${progress.error})` : (progress.error ?? '');
    return t('stage.failed', { error });
  };
}

function Tray({ entries }: { entries: Entry[] }) {
  const { t } = useI18n();
  const text = useStageText();
  if (entries.length === 0) return null;
  return (
    <aside className="tray" data-testid="tray">
      <h4>{t('tray.title')}</h4>
      <ul>
        {entries.map((e) => (
          <li key={e.id} className={`tx-${e.progress.stage}`}>
            <strong>{e.label}</strong> {text(e.progress)}
          </li>
        ))}
      </ul>
    </aside>
  );
}
