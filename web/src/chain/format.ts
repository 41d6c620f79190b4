// How the chain's numbers read to a person: amounts are kept in fen (0.01 CNY) as the chain keeps
// them and shown in yuan with separators; times are kept as block numbers and shown as dates,
// from the chain's block time.

import type { Language } from '../i18n';
import type { InstitutionView } from './types';

const locales: Record<Language, string> = { zh: 'zh-CN', en: 'en-GB' };

/** `fen` as yuan with separators and two decimals, e.g. ¥1,234,567.89. */
export function yuan(fen: bigint | number | string, language: Language): string {
  const value = BigInt(fen);
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  const whole = (abs / 100n).toLocaleString(locales[language]);
  const cents = (abs % 100n).toString().padStart(2, '0');
  return `${sign}¥${whole}.${cents}`;
}

/** Yuan as a person types them ("1,000,000.50", "300000") in fen; null if it is not an amount. */
export function fenOf(text: string): bigint | null {
  const clean = text.replace(/[,\s¥，]/g, '');
  const match = clean.match(/^(\d+)(?:\.(\d{1,2}))?$/);
  if (!match) return null;
  return BigInt(match[1]) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
}

/** When block `block` was or will be made, from the best block's number and time. */
export function blockTime(block: number, best: { number: number; at: number }, blockMs: number): Date {
  return new Date(best.at + (block - best.number) * blockMs);
}

/** A date, in the language's way. */
export function dateText(date: Date, language: Language, withTime = false): string {
  return new Intl.DateTimeFormat(locales[language], {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    ...(withTime ? { hour: '2-digit', minute: '2-digit' } : {}),
  }).format(date);
}

/** Days as blocks of `blockMs`. */
export function blocksOfDays(days: number, blockMs: number): number {
  return Math.round((days * 86_400_000) / blockMs);
}

/** A short form of an SS58 address. */
export function shortAddress(address: string): string {
  return address.length > 14 ? `${address.slice(0, 6)}…${address.slice(-6)}` : address;
}

/** An institution's legal name by its governance account, or the account shortened. */
export function institutionName(institutions: InstitutionView[] | undefined, address: string): string {
  return institutions?.find((i) => i.governance === address)?.legalName ?? shortAddress(address);
}
