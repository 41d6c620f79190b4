// The privacy codec, in this page: the chain's own Rust code compiled to wasm
// (web/wasm, built by scripts/build-wasm.sh into src/wasm). Loaded the first time it is needed.

import init, { developmentSecret, encryptionPublic, openDelivered } from './wasm/banktax_wasm';

let ready: Promise<unknown> | undefined;

async function codec() {
  ready ??= init();
  await ready;
  return { developmentSecret, encryptionPublic, openDelivered };
}

export interface Opened {
  content: 'dataKey' | 'fields';
  verified: true;
  /** Each figure by field name, as decimal text. */
  fields: Record<string, string>;
}

/** Opens a delivered envelope with `secret` and checks it against the record on chain. */
export async function openEnvelope(secret: string, envelope: string, sealedRecord: unknown): Promise<Opened> {
  const { openDelivered } = await codec();
  return JSON.parse(openDelivered(secret, envelope, JSON.stringify(sealedRecord))) as Opened;
}

/** The public key of an encryption secret. */
export async function publicKeyOf(secret: string): Promise<string> {
  return (await codec()).encryptionPublic(secret);
}

/** A development chain's encryption secret of `suri` (e.g. `//Bob`). */
export async function developmentKey(suri: string): Promise<string> {
  return (await codec()).developmentSecret(suri);
}

/**
 * The secret in a key file `banktax keys generate --out` wrote (`{"secret": "0x…"}`) or a bare
 * hex key; it stays in this page's memory.
 */
export function secretOfKeyFile(text: string): string {
  const trimmed = text.trim();
  try {
    const parsed = JSON.parse(trimmed) as { secret?: unknown };
    if (typeof parsed.secret === 'string') return parsed.secret;
  } catch {
    // not JSON: a bare hex key
  }
  if (/^(0x)?[0-9a-fA-F]{64}$/.test(trimmed)) return trimmed.startsWith('0x') ? trimmed : `0x${trimmed}`;
  throw new Error('not an encryption key file');
}
