//! `banktax`: the command line of BankTax Chain's institutions and enterprises.
//!
//! Everything secret stays on the operator's machine: encryption keys are generated here, tax
//! records are sealed here, and only commitments and ciphertexts go to the chain.
//!
//! ```text
//! banktax keys generate                     a new X25519 encryption key pair
//! banktax keys public --dev //Bob           the public key of a secret (file or development suri)
//! banktax record seal record.json           seal a tax record: commitment, ciphertext, data key
//! banktax record open --ciphertext .. --commitment .. --data-key ..
//! banktax envelope seal --sealed sealed.json --to <bank key> [--fields taxPaid,..]
//! banktax envelope open --dev //Bob --envelope .. --record on-chain-record.json
//! ```
//!
//! Output is JSON on stdout; failures print `error: ...` on stderr and exit with status 1.

mod envelope;
mod keys;
mod record;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
	name = "banktax",
	version,
	about = "BankTax Chain: keys, sealed tax records and key envelopes"
)]
struct Cli {
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Encryption keys (X25519): what banks register so that data keys can be sealed to them.
	#[command(subcommand)]
	Keys(keys::KeysCommand),
	/// Tax records: seal one for the chain, open one with its data key.
	#[command(subcommand)]
	Record(record::RecordCommand),
	/// Key envelopes: seal a record's data key or chosen fields for a bank, open one.
	#[command(subcommand)]
	Envelope(envelope::EnvelopeCommand),
}

/// A failure, as the user reads it.
pub type CliResult<T> = Result<T, String>;

fn main() -> ExitCode {
	let outcome = match Cli::parse().command {
		Command::Keys(command) => keys::run(command),
		Command::Record(command) => record::run(command),
		Command::Envelope(command) => envelope::run(command),
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
