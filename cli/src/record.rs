//! `banktax record`: sealing a tax record for the chain, and opening one.
//!
//! A record file is JSON, every figure of the kind present (0 where there is none):
//!
//! ```json
//! { "enterprise": "91350100M000100Y43", "period": { "year": 2025 }, "kind": "annualSummary",
//!   "rating": "A", "fields": { "taxPayable": 27182818300, "taxPaid": 27182818200,
//!   "revenue": 731415926500, "invoicesIssued": 1200, "arrears": 0, "penalties": 0,
//!   "creditScore": 93 } }
//! ```
//!
//! Periods are `{ "year": Y }`, `{ "year": Y, "quarter": Q }` or `{ "year": Y, "month": M }`;
//! amounts are in fen. `docs/record-format.md` lists each kind's figures and this file's form.

use crate::{from_hex, hex32, CliResult};
pub use banktax_primitives::privacy::files::{json_name, KeptRecord, RecordFile};
use banktax_primitives::privacy::{
	open_record, seal_record, DataKey, Opening, SealedRecord, SCHEMA_V1, SCHEMA_VERSION,
};
use clap::{Args, Subcommand};
use rand_core::OsRng;
use serde_json::Value;
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum RecordCommand {
	/// Seals a record file: prints its commitment and ciphertext (for the chain), and its data
	/// key, salts and figures (to keep, secret: `banktax envelope seal` delivers from them the
	/// record, or single fields, to readers).
	Seal {
		/// The record, as JSON.
		file: PathBuf,
		#[command(flatten)]
		format: FormatArg,
	},
	/// Opens a sealed record with its data key and checks it against its commitment.
	Open(OpenArgs),
}

#[derive(Args)]
pub struct OpenArgs {
	/// The sealed record as stored on chain (hex).
	#[arg(long)]
	ciphertext: String,
	/// The record's commitment as stored on chain (hex).
	#[arg(long)]
	commitment: String,
	/// The data key (hex).
	#[arg(long)]
	data_key: String,
}

/// Which record format to seal in.
#[derive(Args, Clone, Copy)]
pub struct FormatArg {
	/// The record format: 2 (fixed lengths, Pedersen commitments), or 1 for a chain whose
	/// runtime predates format 2 (it takes no other).
	#[arg(long, default_value_t = SCHEMA_VERSION, value_parser = clap::value_parser!(u16).range(i64::from(SCHEMA_V1)..=i64::from(SCHEMA_VERSION)))]
	pub format: u16,
}

impl Default for FormatArg {
	fn default() -> Self {
		Self { format: SCHEMA_VERSION }
	}
}

pub fn run(command: RecordCommand) -> CliResult<Value> {
	match command {
		RecordCommand::Seal { file, format } => seal(&file, format),
		RecordCommand::Open(args) => open(&args),
	}
}

fn seal(file: &Path, format: FormatArg) -> CliResult<Value> {
	sealed_json(&seal_file(file, format)?)
}

/// Seals the record file at `file` in `format`.
pub fn seal_file(file: &Path, format: FormatArg) -> CliResult<SealedRecord> {
	let text = std::fs::read_to_string(file)
		.map_err(|e| format!("cannot read {}: {e}", file.display()))?;
	let record_file: RecordFile = serde_json::from_str(&text)
		.map_err(|e| format!("{} is not a record file: {e}", file.display()))?;
	let record = record_file.into_record(format.format)?;
	seal_record(record, &mut OsRng).map_err(|e| format!("cannot seal: {e:?}"))
}

/// A sealed record as `record seal` prints it and the tax authority keeps it
/// ([`KeptRecord`], `docs/record-format.md`).
pub fn sealed_json(sealed: &SealedRecord) -> CliResult<Value> {
	serde_json::to_value(KeptRecord::of(sealed)).map_err(|e| format!("cannot keep the record: {e}"))
}

fn open(args: &OpenArgs) -> CliResult<Value> {
	let ciphertext = from_hex(&args.ciphertext, "the ciphertext")?;
	let commitment = hex32(&args.commitment, "the commitment")?;
	let key = DataKey(hex32(&args.data_key, "the data key")?);
	let Opening { record, .. } = open_record(&ciphertext, &key, &commitment)
		.map_err(|e| format!("cannot open the record: {e:?}"))?;
	serde_json::to_value(RecordFile::from_record(&record)).map_err(|e| e.to_string())
}
