// The JSON of the node's `banktax_*` answers (docs/rpc.md), as far as the portal reads it.

export type Period = { year: number; month?: number; quarter?: number };

export interface RecordMeta {
  id: number;
  period: Period;
  kind: string;
  schemaVersion: number;
  version: number;
  rating: string | null;
  commitment: string;
  attestedAt: number;
  status: string;
}

export type Disclosure = 'wholeRecords' | 'ruleAnswersOnly' | { chosenFields: string[] };

export type ConsentState = 'active' | 'expired' | { withdrawn: { party: string; at: number } };

export interface ConsentView {
  id: number;
  state: ConsentState;
  consent: {
    enterprise: string;
    bank: string;
    purpose: string;
    scope: { kinds: string[]; firstYear: number; lastYear: number };
    disclosure: Disclosure;
    grantedAt: number;
    expiresAt: number;
    envelopes: number;
    uses: number;
  };
}

export interface Access {
  number: number;
  record: number;
  purpose: string;
  at: number;
}

export interface ConsentDetail {
  view: ConsentView;
  accessLog: Access[];
}

export interface LoanView {
  id: number;
  state: string | Record<string, unknown>;
  daysPastDue: number;
  outstanding: number;
  loan: {
    enterprise: string;
    bank: string;
    product: number;
    requestedAmount: number;
    requestedTermMonths: number;
    rating: string | null;
    appliedAt: number;
    offer: { amount: number; rateBps: number; termMonths: number; expiresAt: number } | null;
    principalPaid: number;
    interestPaid: number;
  };
}

export interface Instalment {
  due: number;
  principal: number;
  interest: number;
  principalPaid: number;
  interestPaid: number;
}

export interface LoanDetail {
  view: LoanView;
  schedule: Instalment[];
}

export interface InstitutionView {
  id: number;
  role: string;
  legalName: string;
  uscc: string;
  governance: string;
  status: string;
  encryptionKey: string;
}

/** The name of an enum value as the node writes it: `"active"` or `{ withdrawn: … }`. */
export function variant(value: string | Record<string, unknown>): string {
  return typeof value === 'string' ? value : Object.keys(value)[0] ?? '';
}

/** A JSON enum name (`creditAssessment`) as the metadata names the variant (`CreditAssessment`),
 * for building a transaction. */
export function variantOf(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

export function periodText(period: Period): string {
  if (period.month) return `${period.year}-${String(period.month).padStart(2, '0')}`;
  if (period.quarter) return `${period.year} Q${period.quarter}`;
  return `${period.year}`;
}

/** A storage `Option` as @polkadot/api gives it. */
export type Maybe<T> = { isSome: boolean; unwrap: () => T };
