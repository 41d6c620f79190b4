// Who signs: the polkadot{.js} browser extension when it is there; otherwise key files in the
// polkadot.js format (encrypted JSON) kept in this browser and unlocked with their password for
// the session; and on a development chain only, the well-known development accounts.

import { Keyring } from '@polkadot/keyring';
import type { KeyringPair, KeyringPair$Json } from '@polkadot/keyring/types';
import type { Signer } from '@polkadot/api/types';
import { cryptoWaitReady } from '@polkadot/util-crypto';

export type Source = 'extension' | 'keystore' | 'development';

export interface Account {
  address: string;
  name: string;
  source: Source;
  /** A key this page holds (development, or a key file unlocked). */
  pair?: KeyringPair;
  /** The extension's signer. */
  signer?: Signer;
}

/** The development chain's accounts, by the names its genesis gives them. */
export const DEVELOPMENT = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'];

const STORE = 'banktax.keystore';

function keyring(): Keyring {
  return new Keyring({ type: 'sr25519', ss58Format: 42 });
}

export async function developmentAccounts(): Promise<Account[]> {
  await cryptoWaitReady();
  const ring = keyring();
  return DEVELOPMENT.map((name) => {
    const pair = ring.addFromUri(`//${name}`, { name });
    return { address: pair.address, name, source: 'development' as const, pair };
  });
}

/** The accounts of the polkadot{.js} extension, if it is installed and the person allows it. */
export async function extensionAccounts(): Promise<Account[]> {
  const { web3Enable, web3Accounts, web3FromAddress } = await import('@polkadot/extension-dapp');
  const extensions = await web3Enable('BankTax Chain');
  if (extensions.length === 0) return [];
  const accounts = await web3Accounts();
  return Promise.all(
    accounts.map(async (a) => ({
      address: a.address,
      name: a.meta.name ?? a.address,
      source: 'extension' as const,
      signer: (await web3FromAddress(a.address)).signer,
    })),
  );
}

/** The key files kept in this browser: still encrypted; `unlock` opens one for the session. */
export function storedKeyFiles(): KeyringPair$Json[] {
  try {
    return JSON.parse(localStorage.getItem(STORE) ?? '[]') as KeyringPair$Json[];
  } catch {
    return [];
  }
}

/** Keeps a key file (as exported by polkadot.js) in this browser, encrypted as it is. */
export async function keepKeyFile(text: string): Promise<KeyringPair$Json> {
  await cryptoWaitReady();
  const json = JSON.parse(text) as KeyringPair$Json;
  keyring().addFromJson(json); // refuses what is not a key file
  const others = storedKeyFiles().filter((k) => k.address !== json.address);
  localStorage.setItem(STORE, JSON.stringify([...others, json]));
  return json;
}

export function forgetKeyFile(address: string): void {
  localStorage.setItem(STORE, JSON.stringify(storedKeyFiles().filter((k) => k.address !== address)));
}

/** The key file of `address` opened with `password`; throws if the password is wrong. */
export async function unlock(json: KeyringPair$Json, password: string): Promise<Account> {
  await cryptoWaitReady();
  const pair = keyring().addFromJson(json);
  pair.unlock(password);
  return { address: pair.address, name: (json.meta?.name as string | undefined) ?? pair.address, source: 'keystore', pair };
}
