// Turns the development chain's spec (on stdin) into one whose genesis also holds generated
// enterprises (pallet_tax_records::SyntheticRegister), registered by the development tax
// authority (Alice), and prints it. A block time in milliseconds, if given, replaces the
// chain's (calendar.millisecsPerBlock).
//   banktax-node build-spec --chain dev | node scripts/generated-spec.mjs <enterprises> <records each> [ms per block]

import { readFileSync } from 'node:fs';

const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const [enterprises, recordsEach, millisecsPerBlock] = process.argv.slice(2).map((n) => Number.parseInt(n, 10));
const blockTimeGiven = process.argv.length > 4;
if (
  !Number.isInteger(enterprises) || enterprises < 1 || !Number.isInteger(recordsEach) || recordsEach < 0
  || (blockTimeGiven && !Number.isInteger(millisecsPerBlock))
) {
  console.error('usage: generated-spec.mjs <enterprises ≥ 1> <records each ≥ 0> [ms per block]');
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
if (blockTimeGiven) config.calendar = { millisecsPerBlock };
spec.name = `${spec.name} with ${enterprises} generated enterprises`;
spec.id = `${spec.id}_generated`;
process.stdout.write(JSON.stringify(spec));
