// Sending transactions and council motions through @polkadot/api.

import { Keyring } from '@polkadot/keyring';

/** An sr25519 key pair derived from the development phrase, e.g. `//bank-a`. */
export function devKey(suri) {
  return new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(suri);
}

/**
 * Signs and sends `tx` (unsigned if `signer` is null); resolves with `{ blockHash, events }` once
 * it is in a block (or, with `{ finalized: true }`, final). Rejects on a dispatch error, or if the
 * pool refuses or drops it.
 */
export function send(api, tx, signer, { finalized = false, timeoutMs = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    let unsubscribe = () => {};
    const done = (fn, value) => {
      clearTimeout(timer);
      unsubscribe();
      fn(value);
    };
    const timer = setTimeout(
      () => done(reject, new Error(`${tx.method.section}.${tx.method.method} not ${finalized ? 'final' : 'in a block'} within ${timeoutMs / 1000}s`)),
      timeoutMs,
    );
    const watch = (result) => {
      const { status, dispatchError, events } = result;
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        return done(reject, new Error(`${tx.method.section}.${tx.method.method}: ${status.type}`));
      }
      const arrived = finalized ? status.isFinalized : status.isInBlock || status.isFinalized;
      if (!arrived) return;
      if (dispatchError) {
        let message = dispatchError.toString();
        if (dispatchError.isModule) {
          const { section, name } = api.registry.findMetaError(dispatchError.asModule);
          message = `${section}.${name}`;
        }
        return done(reject, new Error(`${tx.method.section}.${tx.method.method} failed: ${message}`));
      }
      const blockHash = status.isInBlock ? status.asInBlock : status.asFinalized;
      done(resolve, { blockHash, events });
    };
    (signer ? tx.signAndSend(signer, watch) : tx.send(watch))
      .then((unsub) => {
        unsubscribe = unsub;
      })
      .catch((e) => done(reject, e));
  });
}

/** The first event `section.method` among `events`, or undefined. */
export function findEvent(api, events, section, method) {
  return events.find(({ event }) => event.section === section && event.method === method)?.event;
}

/**
 * Carries `call` through the council: `voters[0]` proposes it with a threshold of two thirds of
 * the council, as many voters as the threshold needs vote aye (the proposer among them: proposing
 * is not voting), and the proposer closes it. Resolves with the events of the
 * closing block once the motion has executed; rejects if the call itself failed.
 */
export async function councilMotion(api, call, voters) {
  const members = (await api.query.council.members()).length;
  const threshold = Math.ceil((2 * members) / 3);
  if (voters.length < threshold) throw new Error(`${voters.length} voters for a threshold of ${threshold}`);
  const lengthBound = call.encodedLength + 16;

  const proposed = await send(api, api.tx.council.propose(threshold, call, lengthBound), voters[0]);
  const event = findEvent(api, proposed.events, 'council', 'Proposed');
  if (!event) throw new Error('council.propose emitted no Proposed event');
  const [, index, hash] = event.data;

  await Promise.all(
    voters.slice(0, threshold).map((voter) => send(api, api.tx.council.vote(hash, index, true), voter)),
  );
  // The most a motion may weigh on this chain (half a block, which follows the block time).
  const weightBound = api.consts.council.maxProposalWeight;
  const closed = await send(api, api.tx.council.close(hash, index, weightBound, lengthBound), voters[0]);
  const executed = findEvent(api, closed.events, 'council', 'Executed');
  if (!executed) throw new Error('the motion did not execute: was it approved?');
  const result = executed.data[1];
  if (result.isErr) {
    const error = result.asErr;
    const name = error.isModule ? api.registry.findMetaError(error.asModule).name : error.toString();
    throw new Error(`the motion executed with an error: ${name}`);
  }
  return closed.events;
}
