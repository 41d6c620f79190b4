// A button that sends one transaction and shows where it is, beside it and in the session's
// tray: signing, waiting for a block, in a block, final; or the failure by the pallet's error
// name, in the person's language.

import { useState } from 'react';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import { useChain } from '../chain/ChainProvider';
import { send, type Included, type Progress } from '../chain/tx';
import { useAccount } from '../keys/AccountProvider';
import { useStageText, useTrack } from './TxTray';

export function TxButton({
  label,
  build,
  onDone,
  disabled,
  testId,
}: {
  label: string;
  /** The transaction, or a message why it cannot be built from what was typed. */
  build: () => SubmittableExtrinsic<'promise'> | string;
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
    let tx: ReturnType<typeof build>;
    try {
      tx = build();
    } catch (error) {
      tx = error instanceof Error ? error.message : String(error);
    }
    if (typeof tx === 'string') {
      setProgress({ stage: 'failed', error: tx });
      return;
    }
    send(api, tx, account, setProgress).then(onDone, () => undefined);
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
