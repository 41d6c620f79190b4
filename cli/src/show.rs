//! `banktax show`: reads over the node's `banktax_*` JSON-RPC methods, printed as they come.

use crate::{
	chain::{Chain, Connection},
	CliResult,
};
use banktax_primitives::{ConsentId, Page, RecordId, MAX_PAGE_LIMIT};
use clap::{Args, Subcommand};
use jsonrpsee::core::params::ArrayParams;
use pallet_loans::LoanId;
use serde_json::Value;

#[derive(Subcommand)]
pub enum ShowCommand {
	/// An enterprise: registration, ratings, exposure, and the first page of its records,
	/// consents and loans.
	Profile {
		uscc: String,
		#[command(flatten)]
		at: At,
	},
	/// A page of an enterprise's records, every version.
	Records {
		uscc: String,
		#[command(flatten)]
		page: PageArgs,
		#[command(flatten)]
		at: At,
	},
	/// A page of the consents an enterprise has granted.
	Consents {
		uscc: String,
		#[command(flatten)]
		page: PageArgs,
		#[command(flatten)]
		at: At,
	},
	/// A page of an enterprise's loans with every bank.
	Loans {
		uscc: String,
		#[command(flatten)]
		page: PageArgs,
		#[command(flatten)]
		at: At,
	},
	/// A page of the consents a bank holds.
	ConsentsHeld {
		/// The bank's account (SS58).
		bank: String,
		#[command(flatten)]
		page: PageArgs,
		#[command(flatten)]
		at: At,
	},
	/// A consent, its state and its access log.
	Consent {
		id: ConsentId,
		#[command(flatten)]
		at: At,
	},
	/// A page of the loans a bank has been asked for.
	LoansOfBank {
		bank: String,
		#[command(flatten)]
		page: PageArgs,
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
	/// The regulator's overview: loans by rating and stage, each bank's book, exposure,
	/// defaults, consents in force and uses of data.
	Overview {
		#[command(flatten)]
		at: At,
	},
}

/// Which page of a list to read; the answer's `next` is where the next page starts.
#[derive(Args)]
pub struct PageArgs {
	/// The first number (of a record, consent or loan) to read.
	#[arg(long, default_value_t = 0)]
	from: u64,
	/// How many to read, 1 to 100.
	#[arg(long, default_value_t = MAX_PAGE_LIMIT, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_PAGE_LIMIT)))]
	limit: u32,
}

impl PageArgs {
	fn page(&self) -> Page {
		Page { from: self.from, limit: self.limit }
	}
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
		ShowCommand::Records { uscc, page, at } => ("banktax_recordsOf", paged(uscc, page)?, at),
		ShowCommand::Consents { uscc, page, at } => ("banktax_consentsOf", paged(uscc, page)?, at),
		ShowCommand::Loans { uscc, page, at } => ("banktax_loansOf", paged(uscc, page)?, at),
		ShowCommand::ConsentsHeld { bank, page, at } => {
			("banktax_consentsHeld", paged(bank, page)?, at)
		}
		ShowCommand::Consent { id, at } => ("banktax_consent", params(id)?, at),
		ShowCommand::LoansOfBank { bank, page, at } => {
			("banktax_loansOfBank", paged(bank, page)?, at)
		}
		ShowCommand::Loan { id, at } => ("banktax_loan", params(id)?, at),
		ShowCommand::Institutions { at } => ("banktax_institutions", ArrayParams::new(), at),
		ShowCommand::Record { id, at } => ("banktax_sealedRecord", params(id)?, at),
		ShowCommand::Overview { at } => ("banktax_overview", ArrayParams::new(), at),
	};
	params.insert(at.at).map_err(|e| e.to_string())?;
	chain.rpc(method, params).await
}

fn params(first: impl serde::Serialize) -> CliResult<ArrayParams> {
	let mut params = ArrayParams::new();
	params.insert(first).map_err(|e| e.to_string())?;
	Ok(params)
}

fn paged(first: impl serde::Serialize, page: PageArgs) -> CliResult<ArrayParams> {
	let mut params = params(first)?;
	params.insert(page.page()).map_err(|e| e.to_string())?;
	Ok(params)
}
