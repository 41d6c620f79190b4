//! `banktax`: the command line of BankTax Chain's institutions and enterprises.
//!
//! Everything secret stays on the operator's machine: encryption and signing keys are read
//! here, tax records are sealed here, and only commitments, ciphertexts and envelopes go to the
//! chain. Commands that touch the chain talk to any node over WebSocket JSON-RPC (`--url`).
//!
//! ```text
//! banktax keys generate | public | account          encryption keys; a signing key's account
//! banktax record seal | open                        seal a tax record offline, open one
//! banktax envelope seal | open                      key envelopes, offline
//! banktax authority register-enterprise | attest | deliver
//! banktax enterprise grant | revoke | apply | accept | decline
//! banktax bank open | record-access | publish-product | approve | reject | disburse | repay
//!              | declare-default | write-off
//! banktax show profile | consents-held | consent | loans-of-bank | loan | institutions | record
//! ```
//!
//! Transactions are signed with `--suri` (e.g. `//Alice` on a development chain) or
//! `--key-file`, and followed to a block or to finality (`--wait in-block|finalized`), with
//! progress on stderr. Output is JSON on stdout; failures print `error: ...` on stderr and exit
//! with status 1.

mod authority;
mod bank;
mod chain;
mod enterprise;
mod envelope;
mod keys;
mod record;
mod show;
mod units;

use banktax_primitives::Uscc;
use clap::{Parser, Subcommand};
use std::{future::Future, process::ExitCode};

#[derive(Parser)]
#[command(
	name = "banktax",
	version,
	about = "BankTax Chain: keys, sealed tax records, envelopes, and the chain's transactions and reads"
)]
struct Cli {
	#[command(flatten)]
	connection: chain::Connection,
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Keys: X25519 encryption keys banks register, and signing keys' accounts.
	#[command(subcommand)]
	Keys(keys::KeysCommand),
	/// Tax records, offline: seal one for the chain, open one with its data key.
	#[command(subcommand)]
	Record(record::RecordCommand),
	/// Key envelopes, offline: seal a record's data key or chosen fields for a bank, open one.
	#[command(subcommand)]
	Envelope(envelope::EnvelopeCommand),
	/// The tax authority: register enterprises, attest records, deliver envelopes.
	#[command(subcommand)]
	Authority(authority::AuthorityCommand),
	/// An enterprise's controller: consents, loan applications, offers.
	#[command(subcommand)]
	Enterprise(enterprise::EnterpriseCommand),
	/// A bank: open delivered records, record use, products, decisions, payments.
	#[command(subcommand)]
	Bank(bank::BankCommand),
	/// Reads over the node's `banktax_*` RPC.
	#[command(subcommand)]
	Show(show::ShowCommand),
}

/// A failure, as the user reads it.
pub type CliResult<T> = Result<T, String>;

fn main() -> ExitCode {
	let cli = Cli::parse();
	let connection = &cli.connection;
	let outcome = match cli.command {
		Command::Keys(command) => keys::run(command),
		Command::Record(command) => record::run(command),
		Command::Envelope(command) => envelope::run(command),
		Command::Authority(command) => on_chain(authority::run(connection, command)),
		Command::Enterprise(command) => on_chain(enterprise::run(connection, command)),
		Command::Bank(command) => on_chain(bank::run(connection, command)),
		Command::Show(command) => on_chain(show::run(connection, command)),
	};
	match outcome.and_then(|value| serde_json::to_string_pretty(&value).map_err(|e| e.to_string()))
	{
		Ok(json) => {
			println!("{json}");
			ExitCode::SUCCESS
		}
		Err(message) => {
			eprintln!("error: {message}");
			ExitCode::FAILURE
		}
	}
}

/// Runs a command that talks to a node.
fn on_chain<T>(command: impl Future<Output = CliResult<T>>) -> CliResult<T> {
	tokio::runtime::Builder::new_current_thread()
		.enable_all()
		.build()
		.map_err(|e| format!("cannot start the network runtime: {e}"))?
		.block_on(command)
}

/// `0x`-prefixed lower-case hex.
pub fn to_hex(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

/// Bytes from hex, with or without `0x`; `what` names the value in the error.
pub fn from_hex(text: &str, what: &str) -> CliResult<Vec<u8>> {
	hex::decode(text.trim().trim_start_matches("0x")).map_err(|e| format!("{what} is not hex: {e}"))
}

/// Exactly 32 bytes from hex.
pub fn hex32(text: &str, what: &str) -> CliResult<[u8; 32]> {
	from_hex(text, what)?
		.try_into()
		.map_err(|bytes: Vec<u8>| format!("{what} must be 32 bytes, not {}", bytes.len()))
}

/// A unified social credit code, checked.
pub fn parse_uscc(text: &str) -> CliResult<Uscc> {
	Uscc::parse(text.as_bytes())
		.map_err(|e| format!("{text} is not a unified social credit code: {e}"))
}

/// A value by its JSON name (`creditAssessment`, `annualSummary`, `A`, ...).
pub fn parse_name<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> CliResult<T> {
	serde_json::from_value(serde_json::Value::String(text.to_owned()))
		.map_err(|e| format!("{text} is not a {what}: {e}"))
}
