// A button that sends one transaction and shows where it is, beside it and in the session's
// tray: signing, waiting for a block, in a block, final; or the failure by the pallet's error
// name, in the person's language.

import { useState } from 'react';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import { useChain } from '../chain/ChainProvider';
import { send, type Included, type Progress } from '../chain/tx';
import { useAccount } from '../keys/AccountProvider';
import { useStageText, useTrack } from './TxTray';

type Built = SubmittableExtrinsic<'promise'> | string;

export function TxButton({
  label,
  build,
  onDone,
  disabled,
  testId,
}: {
  label: string;
  /**
   * The transaction, or a message why it cannot be built from what was typed; a promise of
   * either when building takes work (a rule proof made in the page).
   */
  build: () => Built | Promise<Built>;
  onDone?: (included: Included) => void;
  disabled?: boolean;
  testId?: string;
}) {
  const { api } = useChain();
  const { account } = useAccount();
  const track = useTrack();
  const stageText = useStageText();
  const [progress, setShown] = useState<Progress | undefined>();
  const busy = progress !== undefined && progress.stage !== 'finalized' && progress.stage !== 'failed';
  const click = () => {
    if (!account) return;
    const tracked = track(label);
    const setProgress = (next: Progress) => {
      setShown(next);
      tracked(next);
    };
    const failed = (error: unknown) => setProgress({ stage: 'failed', error: error instanceof Error ? error.message : String(error) });
    let built: Built | Promise<Built>;
    try {
      built = build();
    } catch (error) {
      failed(error);
      return;
    }
    if (built instanceof Promise) setProgress({ stage: 'preparing' });
    Promise.resolve(built).then((tx) => {
      if (typeof tx === 'string') {
        failed(tx);
        return;
      }
      send(api, tx, account, setProgress).then(onDone, () => undefined);
    }, failed);
  };
  return (
    <span className="tx">
      <button type="button" onClick={click} disabled={disabled || busy || !account} data-testid={testId}>
        {label}
      </button>
      {progress && (
        <span className={`tx-stage tx-${progress.stage}`} data-testid={testId && `${testId}-stage`} data-stage={progress.stage}>
          {stageText(progress)}
        </span>
      )}
    </span>
  );
}
