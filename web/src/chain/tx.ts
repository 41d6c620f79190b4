// Sending a transaction and following it: signing, in a block, finalised, or failed with the
// pallet's error by name (translated by the page, `error.<pallet>.<Error>`).

import type { ApiPromise } from '@polkadot/api';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import type { DispatchError, EventRecord } from '@polkadot/types/interfaces';
import type { Account } from '../keys/accounts';

/** `preparing`: the page builds the transaction (e.g. proves a product's rules) before signing. */
export type Stage = 'preparing' | 'signing' | 'pool' | 'inBlock' | 'finalized' | 'failed';

export interface Progress {
  stage: Stage;
  /** The block the transaction is in, once it is. */
  block?: number;
  /** On failure: `pallet.Error` for a dispatch error, or the node's or signer's message. */
  error?: string;
  /** On failure: the i18n key of the error, when it is a pallet's error. */
  errorKey?: string;
}

export interface Included {
  block: number;
  events: EventRecord[];
}

/** The name of a dispatch error: `consent.BankNotConsented`, or `BadOrigin` and the like. */
export function errorName(api: ApiPromise, error: DispatchError): { name: string; key?: string } {
  if (error.isModule) {
    const { section, name } = api.registry.findMetaError(error.asModule);
    return { name: `${section}.${name}`, key: `error.${section}.${name}` };
  }
  return { name: error.type, key: `error.${error.type}` };
}

/** Signs `tx` as `account`, sends it and reports each stage; resolves once finalised. */
export async function send(
  api: ApiPromise,
  tx: SubmittableExtrinsic<'promise'>,
  account: Account,
  report: (progress: Progress) => void,
): Promise<Included> {
  report({ stage: 'signing' });
  return new Promise((resolve, reject) => {
    let included: Included | undefined;
    const fail = (error: string, errorKey?: string) => {
      report({ stage: 'failed', error, errorKey });
      reject(new Error(error));
    };
    const options = account.signer ? { signer: account.signer, nonce: -1 } : { nonce: -1 };
    tx.signAndSend(account.pair ?? account.address, options, ({ status, events, dispatchError }) => {
      if (status.isReady || status.isFuture || status.isBroadcast) report({ stage: 'pool' });
      if (dispatchError) {
        const { name, key } = errorName(api, dispatchError);
        fail(name, key);
        return;
      }
      if (status.isInBlock) {
        void api.rpc.chain.getHeader(status.asInBlock).then((header) => {
          included = { block: header.number.toNumber(), events };
          report({ stage: 'inBlock', block: included.block });
        });
      }
      if (status.isFinalized) {
        void api.rpc.chain.getHeader(status.asFinalized).then((header) => {
          const block = header.number.toNumber();
          report({ stage: 'finalized', block });
          resolve(included ?? { block, events });
        });
      }
      if (status.isDropped || status.isInvalid || status.isUsurped) fail(status.type, `error.pool.${status.type}`);
    }).catch((error: unknown) => fail(String(error instanceof Error ? error.message : error)));
  });
}
