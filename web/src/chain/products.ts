// Loan products are read from storage (`loans.products`): the node's `banktax_*` reads cover
// enterprises, consents and loans, and products are few (each bank keeps a bounded number in
// force). Amounts stay decimal text in fen; the rules stay as the chain encodes them, for the
// wasm codec to read.

import type { ApiPromise } from '@polkadot/api';
import type { Codec } from '@polkadot/types/types';

export interface ProductView {
  id: number;
  bank: string;
  retired: boolean;
  ratings: string[];
  /** In fen. */
  maxAmount: string;
  maxTermMonths: number;
  minRateBps: number;
  maxRateBps: number;
  style: string;
  /** In fen. */
  exposureCap: string;
  defaultAfterDays: number;
  /** The rules, SCALE-encoded (hex): `decodedRules` reads them. */
  rules: string;
  ruleCount: number;
  automatic: { rateBps: number; validDays: number } | null;
}

type Field = Codec & { toNumber?: () => number };
type Stored = { bank: Codec; retired: Codec; terms: Record<string, Field> };

function view(id: number, product: Stored): ProductView {
  const { terms } = product;
  const number = (name: string) => Number(terms[name].toString());
  const automatic = terms.automatic.toJSON() as { rateBps: number; validDays: number } | null;
  return {
    id,
    bank: product.bank.toString(),
    retired: product.retired.toString() === 'true',
    ratings: (terms.ratings.toJSON() as string[]).map(String),
    maxAmount: terms.maxAmount.toString(),
    maxTermMonths: number('maxTermMonths'),
    minRateBps: number('minRateBps'),
    maxRateBps: number('maxRateBps'),
    style: String(terms.style.toJSON()),
    exposureCap: terms.exposureCap.toString(),
    defaultAfterDays: number('defaultAfterDays'),
    rules: terms.rules.toHex(),
    ruleCount: (terms.rules as unknown as unknown[]).length,
    automatic,
  };
}

/** Every product, oldest first; `bank` keeps one bank's. */
export async function products(api: ApiPromise, bank?: string): Promise<ProductView[]> {
  const entries = await api.query.loans.products.entries();
  return entries
    .flatMap(([key, stored]) => {
      const value = stored as unknown as { isSome: boolean; unwrap: () => Stored };
      return value.isSome ? [view(Number(key.args[0].toString()), value.unwrap())] : [];
    })
    .filter((p) => bank === undefined || p.bank === bank)
    .sort((a, b) => a.id - b.id);
}
