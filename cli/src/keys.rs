//! `banktax keys`: X25519 encryption keys.

use crate::{hex32, to_hex, CliResult};
use banktax_primitives::privacy::EncryptionSecret;
use clap::{Args, Subcommand};
use rand_core::OsRng;
use serde_json::{json, Value};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum KeysCommand {
	/// Generates a new key pair and prints its public key; register it on the chain. The
	/// secret goes to `--out`, created readable by its owner only.
	Generate {
		/// Where to keep the secret (JSON with "secret" and "public").
		#[arg(long)]
		out: PathBuf,
	},
	/// Shows the public key of a secret key.
	Public(SecretSource),
	/// Shows the account (SS58 address) of a signing key.
	Account {
		/// A file holding the signing key's secret URI; `-` reads it from standard input.
		#[arg(long, required_unless_present = "suri")]
		key_file: Option<PathBuf>,
		/// The signing key as a secret URI on the command line: development keys such as
		/// `//Bob` only.
		#[arg(long, conflicts_with = "key_file")]
		suri: Option<String>,
	},
}

/// Where a secret encryption key comes from.
#[derive(Args)]
#[group(required = true, multiple = false)]
pub struct SecretSource {
	/// A file holding the secret key as hex (the file `keys generate --out` wrote, or just the
	/// hex); `-` reads it from standard input.
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
		let text = crate::secrets::read_secret(path)?;
		// Either a bare hex key or the JSON `keys generate --out` wrote.
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
		KeysCommand::Generate { out } => {
			let secret = EncryptionSecret::generate(&mut OsRng);
			let public = to_hex(&secret.public());
			let kept = json!({ "secret": to_hex(&secret.to_bytes()), "public": public });
			crate::secrets::write_private(&out, &kept.to_string())?;
			Ok(json!({ "public": public, "secret": out.display().to_string() }))
		}
		KeysCommand::Public(source) => Ok(json!({ "public": to_hex(&source.load()?.public()) })),
		KeysCommand::Account { key_file, suri } => {
			let account =
				crate::chain::Signer::from_either(suri.as_deref(), key_file.as_deref())?.account();
			Ok(json!({ "account": sp_core::crypto::Ss58Codec::to_ss58check(&account) }))
		}
	}
}
