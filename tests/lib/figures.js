// Looking for figures in clear: every way a figure could show in the chain's bytes, and the
// bytes to look in.

import { bnToU8a, compactToU8a, stringToU8a } from '@polkadot/util';

/** Every way a figure could show in clear: SCALE (fixed and compact), decimal, hex. */
export function encodings(value) {
  const le = bnToU8a(value, { bitLength: 128, isLe: true });
  const significant = le.subarray(0, le.findLastIndex((b) => b !== 0) + 1);
  const hex = value.toString(16);
  return [significant, compactToU8a(value), stringToU8a(value.toString()), stringToU8a(hex)];
}

/** Whether `needle` occurs in `haystack` (byte arrays). */
export function contains(haystack, needle) {
  outer: for (let i = 0; i + needle.length <= haystack.length; i += 1) {
    for (let j = 0; j < needle.length; j += 1) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** Every storage key and value at `blockHash`, as one byte array per entry. */
export async function allStorage(api, blockHash) {
  const entries = [];
  let start;
  for (;;) {
    const keys = await api.rpc.state.getKeysPaged('0x', 1000, start, blockHash);
    if (keys.length === 0) return entries;
    const values = await api.rpc.state.queryStorageAt(keys, blockHash);
    keys.forEach((key, i) => entries.push(key.toU8a(true), values[i].toU8a(true)));
    start = keys[keys.length - 1];
  }
}
