// The privacy codec, in this page: the chain's own Rust code compiled to wasm
// (web/wasm, built by scripts/build-wasm.sh into src/wasm). Loaded the first time it is needed.

import init, { amountFields, developmentSecret, encodeRules, encryptionPublic, inScope, openDelivered, proveApplication, rulesOf, sealRecords } from './wasm/banktax_wasm';

let ready: Promise<unknown> | undefined;

async function codec() {
  ready ??= init();
  await ready;
  return { amountFields, developmentSecret, encodeRules, encryptionPublic, inScope, openDelivered, proveApplication, rulesOf, sealRecords };
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

/** A rule of a product, as the chain's JSON names it (docs/privacy.md lists the vocabulary). */
export type Rule = Record<string, { kind: string; field?: string; threshold?: number | string; months?: number; multiple?: number; weights?: { field: string; weight: number }[] }>;

/** Rules written as JSON, checked as the chain checks them, SCALE-encoded (hex) for the call. */
export async function encodedRules(json: string): Promise<string> {
  return (await codec()).encodeRules(json);
}

/** A product's rules as the chain keeps them (SCALE hex), to show. */
export async function decodedRules(hex: string): Promise<Rule[]> {
  return JSON.parse((await codec()).rulesOf(hex)) as Rule[];
}

/** The figures that are amounts in fen, by name (the others are counts and the score). */
export async function amountFieldNames(): Promise<Set<string>> {
  return new Set(JSON.parse((await codec()).amountFields()) as string[]);
}

/** 32 random bytes from the page's cryptographic generator, as hex. */
function randomSeed(): string {
  const seed = new Uint8Array(32);
  crypto.getRandomValues(seed);
  return `0x${Array.from(seed, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** What the tax bureau keeps of a sealed record (`docs/record-format.md`). */
export interface KeptRecord {
  enterprise: string;
  period: { year: number; month?: number; quarter?: number };
  kind: string;
  schemaVersion: number;
  rating: string | null;
  commitment: string;
  ciphertext: string;
}

/** Seals the records of an uploaded file (JSON record files, or a CSV sheet) in this page. */
export async function sealedRecords(text: string, csv: boolean): Promise<KeptRecord[]> {
  return JSON.parse((await codec()).sealRecords(text, csv, randomSeed())) as KeptRecord[];
}

export interface Evidence {
  records: number[];
  points: string[];
  nonce: number;
  proof: string;
}

export interface OwnRecord {
  id: number;
  /** As `banktax_sealedRecord` answers it. */
  record: unknown;
  /** The envelope the tax bureau delivered to the enterprise's key. */
  envelope: string;
}

export type Proven = { evidence: Evidence } | { fails: number } | { tooLarge: number };

/**
 * Proves a product's rules on the enterprise's own records, in this page: the figures never
 * leave it, only the points (which hide them) and the proof.
 */
export async function proveRules(application: {
  genesis: string;
  product: number;
  rules: string;
  bank: string;
  nonce: number;
  amount: string;
  termMonths: number;
  secret: string;
  records: OwnRecord[];
}): Promise<Proven> {
  return JSON.parse((await codec()).proveApplication(JSON.stringify({ ...application, seed: randomSeed() }))) as Proven;
}

/** Of `records`, those a consent's `scope` covers, by the runtime's rule (`DataScope::covers`). */
export async function coveredBy<R extends { kind: string; period: unknown }>(scope: unknown, records: R[]): Promise<R[]> {
  const { inScope } = await codec();
  const text = JSON.stringify(scope);
  return records.filter((r) => inScope(text, JSON.stringify(r.kind), JSON.stringify(r.period)));
}
