// The README's tour: connect to a running node with @polkadot/api, look around, send a
// transaction and watch it become final.
//
//   node tests/tour.js [ws://127.0.0.1:9944]

import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

const url = process.argv[2] ?? 'ws://127.0.0.1:9944';
const provider = new WsProvider(url, false);
try {
  await provider.connect();
} catch (e) {
  console.error(`cannot reach ${url}: is the node running? (./scripts/dev.sh)`);
  process.exit(1);
}
const api = await ApiPromise.create({ provider, noInitWarn: true });
await cryptoWaitReady();

const [chain, nodeName, nodeVersion] = await Promise.all([
  api.rpc.system.chain(),
  api.rpc.system.name(),
  api.rpc.system.version(),
]);
console.log(`connected to ${chain} via ${nodeName} ${nodeVersion}`);
console.log(`runtime ${api.runtimeVersion.specName} v${api.runtimeVersion.specVersion}`);
const institutions = await api.query.institutions.registry.entries();
console.log('institutions:');
for (const [key, value] of institutions.sort((a, b) => a[0].args[0] - b[0].args[0])) {
  const i = value.unwrap();
  const name = Buffer.from(i.legalName.toU8a(true)).toString('utf8');
  console.log(`  #${key.args[0]} ${i.role.type.padEnd(12)} ${name} (${i.status.type})`);
}
const council = await api.query.council.members();
console.log(`council: ${council.length} members; validators: ${(await api.query.session.validators()).length}`);

const alice = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Alice');
const started = Date.now();
console.log(`sending system.remark("hello BankTax") from Alice (${alice.address})`);
await new Promise((resolve, reject) => {
  api.tx.system
    .remark('hello BankTax')
    .signAndSend(alice, ({ status, dispatchError }) => {
      if (dispatchError) reject(new Error(dispatchError.toString()));
      const ms = Date.now() - started;
      if (status.isInBlock) console.log(`  in block ${status.asInBlock.toHex()} after ${ms} ms`);
      if (status.isFinalized) {
        console.log(`  finalised in ${status.asFinalized.toHex()} after ${ms} ms`);
        resolve();
      }
      if (status.isDropped || status.isInvalid) reject(new Error(status.type));
    })
    .catch(reject);
});
await api.disconnect();
