//! `banktax show`: reads over the node's `banktax_*` JSON-RPC methods, printed as they come.

use crate::{
	chain::{Chain, Connection},
	CliResult,
};
use banktax_primitives::{ConsentId, RecordId};
use clap::{Args, Subcommand};
use jsonrpsee::core::params::ArrayParams;
use pallet_loans::LoanId;
use serde_json::Value;

#[derive(Subcommand)]
pub enum ShowCommand {
	/// An enterprise: registration, ratings, records, consents, loans, exposure.
	Profile {
		uscc: String,
		#[command(flatten)]
		at: At,
	},
	/// The consents a bank holds.
	ConsentsHeld {
		/// The bank's account (SS58).
		bank: String,
		#[command(flatten)]
		at: At,
	},
	/// A consent, its state and its access log.
	Consent {
		id: ConsentId,
		#[command(flatten)]
		at: At,
	},
	/// The loans a bank has been asked for.
	LoansOfBank {
		bank: String,
		#[command(flatten)]
		at: At,
	},
	/// A loan, its state and its schedule.
	Loan {
		id: LoanId,
		#[command(flatten)]
		at: At,
	},
	/// The institutions.
	Institutions {
		#[command(flatten)]
		at: At,
	},
	/// A record with its ciphertext.
	Record {
		id: RecordId,
		#[command(flatten)]
		at: At,
	},
}

/// Which block to read at.
#[derive(Args)]
pub struct At {
	/// A block hash; the best block if not given.
	#[arg(long)]
	at: Option<String>,
}

pub async fn run(connection: &Connection, command: ShowCommand) -> CliResult<Value> {
	let chain = Chain::connect(connection).await?;
	let (method, mut params, at) = match command {
		ShowCommand::Profile { uscc, at } => ("banktax_enterpriseProfile", params(uscc)?, at),
		ShowCommand::ConsentsHeld { bank, at } => ("banktax_consentsHeld", params(bank)?, at),
		ShowCommand::Consent { id, at } => ("banktax_consent", params(id)?, at),
		ShowCommand::LoansOfBank { bank, at } => ("banktax_loansOfBank", params(bank)?, at),
		ShowCommand::Loan { id, at } => ("banktax_loan", params(id)?, at),
		ShowCommand::Institutions { at } => ("banktax_institutions", ArrayParams::new(), at),
		ShowCommand::Record { id, at } => ("banktax_sealedRecord", params(id)?, at),
	};
	params.insert(at.at).map_err(|e| e.to_string())?;
	chain.rpc(method, params).await
}

fn params(first: impl serde::Serialize) -> CliResult<ArrayParams> {
	let mut params = ArrayParams::new();
	params.insert(first).map_err(|e| e.to_string())?;
	Ok(params)
}
