//! `banktax keys`: X25519 encryption keys.

use crate::{hex32, to_hex, CliResult};
use banktax_primitives::privacy::EncryptionSecret;
use clap::{Args, Subcommand};
use rand_core::OsRng;
use serde_json::{json, Value};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum KeysCommand {
	/// Generates a new key pair. Keep the secret; register the public key on the chain.
	Generate,
	/// Shows the public key of a secret key.
	Public(SecretSource),
	/// Shows the account (SS58 address) of a signing key.
	Account {
		/// The signing key as a secret URI (e.g. `//Bob` on a development chain).
		#[arg(long)]
		suri: String,
	},
}

/// Where a secret encryption key comes from.
#[derive(Args)]
#[group(required = true, multiple = false)]
pub struct SecretSource {
	/// A file holding the secret key as hex (as `keys generate` prints it, or just the hex).
	#[arg(long)]
	pub secret_file: Option<PathBuf>,
	/// A well-known development key, by suri (e.g. `//Bob`). Development chains only.
	#[arg(long)]
	pub dev: Option<String>,
}

impl SecretSource {
	/// Loads the secret key.
	pub fn load(&self) -> CliResult<EncryptionSecret> {
		if let Some(suri) = &self.dev {
			return Ok(EncryptionSecret::development(suri));
		}
		let path = self.secret_file.as_ref().ok_or("give --secret-file or --dev")?;
		let text = std::fs::read_to_string(path)
			.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
		// Either a bare hex key or the JSON `keys generate` printed.
		let hex = match serde_json::from_str::<Value>(&text) {
			Ok(value) => value
				.get("secret")
				.and_then(Value::as_str)
				.ok_or(format!("{} has no \"secret\"", path.display()))?
				.to_owned(),
			Err(_) => text,
		};
		Ok(EncryptionSecret::from_bytes(hex32(&hex, "the secret key")?))
	}
}

pub fn run(command: KeysCommand) -> CliResult<Value> {
	match command {
		KeysCommand::Generate => {
			let secret = EncryptionSecret::generate(&mut OsRng);
			Ok(json!({ "secret": to_hex(&secret.to_bytes()), "public": to_hex(&secret.public()) }))
		}
		KeysCommand::Public(source) => Ok(json!({ "public": to_hex(&source.load()?.public()) })),
		KeysCommand::Account { suri } => {
			let account = crate::chain::Signer::from_suri(&suri)?.account();
			Ok(json!({ "account": sp_core::crypto::Ss58Codec::to_ss58check(&account) }))
		}
	}
}
