// One connection to a node for the whole portal, with what every page needs to read the chain
// as people read it: the best and finalised blocks as they come (subscriptions, not polling),
// the block time (to turn block numbers into dates) and whether this is a development chain
// (the only kind on which development accounts are offered).

import { ApiPromise, WsProvider } from '@polkadot/api';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { remember } from './reads';

export interface Chain {
  api: ApiPromise;
  url: string;
  name: string;
  development: boolean;
  blockMs: number;
  best: { number: number; at: number };
  finalized: number;
}

type State = { status: 'connecting'; url: string } | { status: 'ready'; chain: Chain } | { status: 'failed'; url: string; error: string };

const Context = createContext<State>({ status: 'connecting', url: '' });

/** The node to talk to: `?rpc=` in the address, else the build's VITE_RPC, else the development node. */
export function rpcUrl(): string {
  const asked = new URLSearchParams(window.location.search).get('rpc');
  return asked ?? import.meta.env.VITE_RPC ?? 'ws://127.0.0.1:9944';
}

export function ChainProvider({ children, url = rpcUrl() }: { children: ReactNode; url?: string }) {
  const [state, setState] = useState<State>({ status: 'connecting', url });
  useEffect(() => {
    let api: ApiPromise | undefined;
    const unsubscribe: Array<() => void> = [];
    let stopped = false;
    (async () => {
      const provider = new WsProvider(url, 2_000);
      api = await ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: false });
      remember(api, provider);
      const [name, type, slot, header, finalizedHash] = await Promise.all([
        api.rpc.system.chain(),
        api.rpc.system.chainType(),
        api.call.auraApi.slotDuration(),
        api.rpc.chain.getHeader(),
        api.rpc.chain.getFinalizedHead(),
      ]);
      const finalizedHeader = await api.rpc.chain.getHeader(finalizedHash);
      if (stopped) return;
      let chain: Chain = {
        api,
        url,
        name: name.toString(),
        development: type.isDevelopment || type.isLocal,
        blockMs: Number(slot.toString()),
        best: { number: header.number.toNumber(), at: Date.now() },
        finalized: finalizedHeader.number.toNumber(),
      };
      setState({ status: 'ready', chain });
      unsubscribe.push(
        await api.rpc.chain.subscribeNewHeads((head) => {
          chain = { ...chain, best: { number: head.number.toNumber(), at: Date.now() } };
          setState({ status: 'ready', chain });
        }),
      );
      unsubscribe.push(
        await api.rpc.chain.subscribeFinalizedHeads((head) => {
          chain = { ...chain, finalized: head.number.toNumber() };
          setState({ status: 'ready', chain });
        }),
      );
    })().catch((error: unknown) => {
      if (!stopped) setState({ status: 'failed', url, error: String(error) });
    });
    return () => {
      stopped = true;
      unsubscribe.forEach((u) => u());
      void api?.disconnect();
    };
  }, [url]);
  return <Context.Provider value={state}>{children}</Context.Provider>;
}

export function useChainState(): State {
  return useContext(Context);
}

/** The connected chain; only under a page shown once it is ready. */
export function useChain(): Chain {
  const state = useContext(Context);
  if (state.status !== 'ready') throw new Error('the chain is not connected');
  return state.chain;
}
