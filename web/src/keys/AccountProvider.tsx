// The account the person acts as, and what the chain says it is: an institution (tax
// authority, bank, regulator: `banktax_institutions`) or an enterprise's controller
// (`taxRecords.controllerOf`). A page for a role asks for an account of that role.

import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useChain } from '../chain/ChainProvider';
import { read } from '../chain/reads';
import type { Account } from './accounts';

export type Role = 'TaxAuthority' | 'Bank' | 'Regulator';

export interface Identity {
  institution?: { id: number; role: Role; legalName: string };
  /** The USCC of the enterprise whose controller this is. */
  enterprise?: string;
}

interface Chosen {
  account?: Account;
  identity: Identity;
  choose: (account: Account | undefined) => void;
}

const Context = createContext<Chosen | null>(null);

interface InstitutionJson {
  id: number;
  role: Role;
  legalName: string;
  governance: string;
}

export function AccountProvider({ children }: { children: ReactNode }) {
  const { api, best } = useChain();
  const [account, choose] = useState<Account | undefined>();
  const [identity, setIdentity] = useState<Identity>({});
  useEffect(() => {
    if (!account) {
      setIdentity({});
      return;
    }
    let current = true;
    (async () => {
      const institutions = await read<InstitutionJson[]>(api, 'institutions');
      const mine = institutions.find((i) => i.governance === account.address);
      const controller = await api.query.taxRecords.controllerOf(account.address);
      const enterprise = controller.isEmpty ? undefined : new TextDecoder().decode(controller.toU8a(true).slice(-18));
      if (current) {
        setIdentity({
          institution: mine && { id: mine.id, role: mine.role, legalName: mine.legalName },
          enterprise,
        });
      }
    })().catch(() => current && setIdentity({}));
    return () => {
      current = false;
    };
    // Who an account is changes rarely; it is read again every few blocks.
  }, [api, account, Math.floor(best.number / 10)]);
  return <Context.Provider value={{ account, identity, choose }}>{children}</Context.Provider>;
}

export function useAccount(): Chosen {
  const chosen = useContext(Context);
  if (!chosen) throw new Error('useAccount outside AccountProvider');
  return chosen;
}
