//! `banktax-node`: the BankTax Chain client.
//!
//! It authors blocks with Aura, finalises them with GRANDPA, keeps the chain in ParityDB, talks
//! to peers over libp2p and to clients over JSON-RPC. `banktax-node --help` lists what it does.

// `sc_cli::Error` is large, and it is the error type Substrate's runner and command APIs take
// and return; the node cannot box it without wrapping every one of those APIs.
#![allow(clippy::result_large_err)]

mod banktax_rpc;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod chain_spec;
mod check_upgrade;
mod cli;
mod command;
mod genesis_check;
mod public_keys;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
