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
//! banktax authority register-enterprise | attest | attest-batch | deliver | deliver-openings
//!                   | serve                           the delivery service, until stopped
//! banktax enterprise grant | revoke | register-key | prove | apply | accept | decline
//! banktax bank open | rotate-key | record-access | publish-product | approve | reject | disburse | repay
//!              | declare-default | write-off
//! banktax council propose <decision> | vote | close | motions
//! banktax validator rotate-keys                     new session keys, made by one's own node
//! banktax show profile | consents-held | consent | loans-of-bank | loan | institutions | record
//! ```
//!
//! Transactions are signed with `--key-file` (a file only its owner reads, or `-` for standard
//! input) or, for development keys such as `//Alice`, `--suri`; and followed to a block or to finality (`--wait in-block|finalized`), with
//! progress on stderr. Output is JSON on stdout; failures print `error: ...` on stderr and exit
//! with status 1.

pub mod authority;
pub mod bank;
pub mod chain;
pub mod council;
pub mod enterprise;
pub mod envelope;
pub mod keys;
pub mod load;
pub mod prove;
pub mod record;
pub mod secrets;
pub mod serve;
pub mod show;
pub mod units;
pub mod validator;

use banktax_primitives::Uscc;

/// A failure, as the user reads it.
pub type CliResult<T> = Result<T, String>;

/// Hex as the command line reads and prints it: the files' own helpers (`privacy::files`).
pub use banktax_primitives::privacy::files::{from_hex, hex32, to_hex};

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

/// Runs a command that talks to a node.
pub fn on_chain<T>(command: impl std::future::Future<Output = CliResult<T>>) -> CliResult<T> {
	tokio::runtime::Builder::new_multi_thread()
		.enable_all()
		.build()
		.map_err(|e| format!("cannot start the network runtime: {e}"))?
		.block_on(command)
}

/// Prints a command's outcome: its JSON on stdout and success, or `error: …` on stderr and
/// failure.
pub fn report(outcome: CliResult<serde_json::Value>) -> std::process::ExitCode {
	match outcome.and_then(|value| serde_json::to_string_pretty(&value).map_err(|e| e.to_string()))
	{
		Ok(json) => {
			println!("{json}");
			std::process::ExitCode::SUCCESS
		}
		Err(message) => {
			eprintln!("error: {message}");
			std::process::ExitCode::FAILURE
		}
	}
}
