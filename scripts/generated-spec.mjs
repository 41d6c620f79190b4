// Turns the development chain's spec (on stdin) into one whose genesis also holds generated
// enterprises (pallet_tax_records::SyntheticRegister), registered by the development tax
// authority (Alice), and prints it.
//   banktax-node build-spec --chain dev | node scripts/generated-spec.mjs <enterprises> <records each>

import { readFileSync } from 'node:fs';

const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const [enterprises, recordsEach] = process.argv.slice(2).map((n) => Number.parseInt(n, 10));
if (!Number.isInteger(enterprises) || enterprises < 1 || !Number.isInteger(recordsEach) || recordsEach < 0) {
  console.error('usage: generated-spec.mjs <enterprises ≥ 1> <records each ≥ 0>');
  process.exit(2);
}
const spec = JSON.parse(readFileSync(0, 'utf8'));
const genesis = spec.genesis?.runtimeGenesis;
const config = genesis?.patch ?? genesis?.config;
if (!config) {
  console.error('the spec has no runtime genesis patch or config to extend');
  process.exit(1);
}
config.taxRecords = { synthetic: { enterprises, recordsEach, registeredBy: ALICE } };
spec.name = `${spec.name} with ${enterprises} generated enterprises`;
spec.id = `${spec.id}_generated`;
process.stdout.write(JSON.stringify(spec));
