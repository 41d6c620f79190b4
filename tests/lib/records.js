// Tax records as the tax authority puts them on chain: sealed with the `banktax` command line
// (the figures stay in the sealed file), then attested by a transaction.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { banktax } from './nodes.js';
import { findEvent, send } from './tx.js';

/** A record file's period (`{ year }`, `{ year, quarter }`, `{ year, month }`) as the chain's enum. */
function chainPeriod({ year, quarter, month }) {
  if (quarter !== undefined) return { Quarter: { year, quarter } };
  if (month !== undefined) return { Month: { year, month } };
  return { Year: year };
}

/**
 * Seals `record` (a `banktax record` file's JSON: enterprise, period, kind, rating, fields) with
 * the command line, in record format `format` (the newest by default); the record and its
 * sealed form are written into `dir` under `name`. Returns the tax authority's
 * `taxRecords.attestRecord` transaction for it, unsigned, and the sealed file's path, which
 * delivering an envelope for it needs.
 */
export function sealRecord(api, dir, name, record, { format } = {}) {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(record));
  const sealed = banktax(['record', 'seal', file, ...(format ? ['--format', `${format}`] : [])]);
  const sealedFile = join(dir, `${name}.sealed.json`);
  writeFileSync(sealedFile, JSON.stringify(sealed));
  const kind = record.kind[0].toUpperCase() + record.kind.slice(1);
  const attestation = {
    schemaVersion: sealed.schemaVersion,
    rating: record.rating ?? null,
    commitment: sealed.commitment,
    ciphertext: sealed.ciphertext,
  };
  const tx = api.tx.taxRecords.attestRecord(record.enterprise, chainPeriod(record.period), kind, attestation);
  return { tx, sealedFile };
}

/** The record number in the `RecordAttested` event among `events`. */
export function attestedId(api, events) {
  return findEvent(api, events, 'taxRecords', 'RecordAttested').data.record.toNumber();
}

/**
 * Seals `record` (see `sealRecord`, which takes `options`) and has `authority` attest it. Returns the record's number on
 * chain and the sealed file's path.
 */
export async function attestSealed(api, authority, dir, name, record, options) {
  const { tx, sealedFile } = sealRecord(api, dir, name, record, options);
  const { events } = await send(api, tx, authority);
  return { id: attestedId(api, events), sealedFile };
}
