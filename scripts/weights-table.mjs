// The `benchmark pallet` weights of every call of the chain's own pallets next to
// frame_system::remark, read from the generated weights.rs files: base compute, database
// reads and writes at ParityDB's costs (read 8 µs, write 50 µs; see frame_support's
// ParityDbWeight), their total, and the total with the extrinsic base weight, each as a
// multiple of remark's. Components (e.g. a list's length) at zero, and each component's cost
// per unit in a row of its own ("per e").
//   node scripts/weights-table.mjs            prints the table
//   import { weights } from './weights-table.mjs'

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const READ_US = 8;
const WRITE_US = 50;

/** `{ name: { computeUs, reads, writes } }` for the `SubstrateWeight` impl of a weights.rs. */
function parse(file) {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const start = text.indexOf('WeightInfo for SubstrateWeight<T>');
  const body = text.slice(start === -1 ? 0 : start);
  const calls = {};
  for (const match of body.matchAll(/fn (\w+)\(([^)]*)\) -> Weight \{([\s\S]*?)\n\t\}/g)) {
    const [, name, params, code] = match;
    if (calls[name]) break; // the second impl (for ()) starts
    const number = (m) => Number(m?.[1].replaceAll('_', '') ?? 0);
    const compute = number(code.match(/Weight::from_parts\(([\d_]+), 0\)\n/));
    const count = (kind) => number(code.match(new RegExp(`DbWeight::get\\(\\)\\.${kind}\\((\\d+)\\)`)));
    const per = {};
    for (const [, v] of params.matchAll(/(\w+): u32/g)) {
      const slope = number(code.match(new RegExp(`Weight::from_parts\\(([\\d_]+), 0\\)\\.saturating_mul\\(${v}\\.into`)));
      const perCount = (kind) =>
        number(code.match(new RegExp(`DbWeight::get\\(\\)\\.${kind}\\(\\(([\\d_]+)_u64\\)\\.saturating_mul\\(${v}\\.into`)));
      per[v] = { computeUs: slope / 1e6, reads: perCount('reads'), writes: perCount('writes') };
    }
    calls[name] = { computeUs: compute / 1e6, reads: count('reads'), writes: count('writes'), per };
  }
  return calls;
}

export function weights() {
  const base = readFileSync(join(ROOT, 'runtime/src/weights/extrinsic_weights.rs'), 'utf8');
  const extrinsicBaseUs = Number(base.match(/saturating_mul\(([\d_]+)\)/)[1].replaceAll('_', '')) / 1e3;
  const remark = parse('runtime/src/weights/frame_system.rs').remark;
  const total = (w) => w.computeUs + w.reads * READ_US + w.writes * WRITE_US;
  const rows = [];
  const add = (pallet, name, w) => {
    const callUs = total(w);
    rows.push({
      call: `${pallet}::${name}`,
      computeUs: Math.round(w.computeUs * 10) / 10,
      reads: w.reads,
      writes: w.writes,
      totalUs: Math.round(callUs * 10) / 10,
      vsRemark: Math.round((callUs / total(remark)) * 10) / 10,
      withBaseVsRemark: Math.round(((callUs + extrinsicBaseUs) / (total(remark) + extrinsicBaseUs)) * 10) / 10,
    });
  };
  add('frame_system', 'remark', remark);
  for (const pallet of ['institutions', 'tax-records', 'consent', 'loans', 'governance']) {
    for (const [name, w] of Object.entries(parse(`pallets/${pallet}/src/weights.rs`))) {
      add(pallet, name, w);
      // Per-byte slopes (a fraction of a µs) would only add rows of zeros.
      for (const [v, slope] of Object.entries(w.per)) if (total(slope) >= 0.1) add(pallet, `${name}, per ${v}`, slope);
    }
  }
  return { extrinsicBaseUs, rows };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { extrinsicBaseUs, rows } = weights();
  console.log(`| call | compute µs | reads | writes | total µs | × remark | × remark, with the ${extrinsicBaseUs} µs extrinsic base |`);
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(`| ${r.call} | ${r.computeUs} | ${r.reads} | ${r.writes} | ${r.totalUs} | ${r.vsRemark} | ${r.withBaseVsRemark} |`);
  }
}
