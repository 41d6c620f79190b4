// Reads go through the node's `banktax_*` JSON-RPC (docs/rpc.md): one call per question, answers
// in the documented JSON (amounts in fen, times as block numbers, enums by camelCase name).

import type { ApiPromise, WsProvider } from '@polkadot/api';
import { useEffect, useRef, useState } from 'react';
import { useChain } from './ChainProvider';

/** The connection each API object was made on: `banktax_*` methods go straight to it. */
const providers = new WeakMap<ApiPromise, WsProvider>();

export function remember(api: ApiPromise, provider: WsProvider): void {
  providers.set(api, provider);
}

/** Calls `banktax_<method>` with `params`. */
export async function read<T>(api: ApiPromise, method: string, params: unknown[] = []): Promise<T> {
  const provider = providers.get(api);
  if (!provider) throw new Error('not connected');
  return (await provider.send(`banktax_${method}`, params)) as T;
}

/** Every page of a paged `banktax_*` list whose first parameter is `key`. */
export async function readAll<T>(api: ApiPromise, method: string, key: unknown): Promise<T[]> {
  const all: T[] = [];
  for (let from: number | null = 0; from !== null; ) {
    const page: { items: T[]; next: number | null } = await read(api, method, [key, { from, limit: 100 }]);
    all.push(...page.items);
    from = page.next;
  }
  return all;
}

export type Live<T> = { value?: T; error?: string; loading: boolean };

/**
 * `load`'s answer, asked again at every new best block (the node's new-heads subscription), so
 * that a page follows the chain without a reload. `deps` name what the question depends on.
 */
export function useLive<T>(load: (api: ApiPromise) => Promise<T>, deps: unknown[]): Live<T> {
  const { api, best } = useChain();
  const [live, setLive] = useState<Live<T>>({ loading: true });
  const asked = useRef(0);
  useEffect(() => {
    const question = ++asked.current;
    load(api).then(
      (value) => question === asked.current && setLive({ value, loading: false }),
      (error: unknown) => question === asked.current && setLive({ error: String(error), loading: false }),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, best.number, ...deps]);
  return live;
}
