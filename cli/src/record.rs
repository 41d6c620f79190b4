//! `banktax record`: sealing a tax record for the chain, and opening one.
//!
//! A record file is JSON:
//!
//! ```json
//! { "enterprise": "91350100M000100Y43", "period": { "year": 2025 }, "kind": "annualSummary",
//!   "rating": "A", "fields": { "revenue": 731415926500, "taxPaid": 27182818200 } }
//! ```
//!
//! Periods are `{ "year": Y }`, `{ "quarter": { "year": Y, "quarter": Q } }` or
//! `{ "month": { "year": Y, "month": M } }`; amounts are in fen.

use crate::{from_hex, hex32, to_hex, CliResult};
use banktax_primitives::{
	privacy::{
		open_record, seal_record, DataKey, Field, FieldKey, Opening, RecordHeader, SealedRecord,
		TaxRecord, SCHEMA_VERSION,
	},
	Period, Rating, RecordKind,
};
use clap::{Args, Subcommand};
use rand_core::OsRng;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::{
	collections::BTreeMap,
	path::{Path, PathBuf},
};

#[derive(Subcommand)]
pub enum RecordCommand {
	/// Seals a record file: prints its commitment and ciphertext (for the chain), and its data
	/// key, salts and figures (to keep, secret: `banktax envelope seal` delivers from them the
	/// record, or single fields, to readers).
	Seal {
		/// The record, as JSON.
		file: PathBuf,
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

/// A tax record as people write it.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordFile {
	enterprise: String,
	period: Period,
	kind: RecordKind,
	#[serde(default, skip_serializing_if = "Option::is_none")]
	rating: Option<Rating>,
	fields: BTreeMap<FieldKey, u128>,
}

impl RecordFile {
	pub fn into_record(self) -> CliResult<TaxRecord> {
		let enterprise = crate::parse_uscc(&self.enterprise)?;
		let header = RecordHeader {
			schema_version: SCHEMA_VERSION,
			enterprise,
			period: self.period,
			kind: self.kind,
			rating: self.rating,
		};
		let fields = self.fields.into_iter().map(|(key, value)| Field { key, value }).collect();
		TaxRecord::new(header, fields).map_err(|e| format!("not a valid record: {e:?}"))
	}

	pub fn from_record(record: &TaxRecord) -> Self {
		let header = &record.header;
		Self {
			enterprise: String::from_utf8_lossy(header.enterprise.as_bytes()).into_owned(),
			period: header.period,
			kind: header.kind,
			rating: header.rating,
			fields: record.fields.iter().map(|field| (field.key, field.value)).collect(),
		}
	}
}

pub fn run(command: RecordCommand) -> CliResult<Value> {
	match command {
		RecordCommand::Seal { file } => seal(&file),
		RecordCommand::Open(args) => open(&args),
	}
}

fn seal(file: &Path) -> CliResult<Value> {
	Ok(sealed_json(&seal_file(file)?))
}

/// Seals the record file at `file`.
pub fn seal_file(file: &Path) -> CliResult<SealedRecord> {
	let text = std::fs::read_to_string(file)
		.map_err(|e| format!("cannot read {}: {e}", file.display()))?;
	let record_file: RecordFile = serde_json::from_str(&text)
		.map_err(|e| format!("{} is not a record file: {e}", file.display()))?;
	seal_record(record_file.into_record()?, &mut OsRng).map_err(|e| format!("cannot seal: {e:?}"))
}

/// A sealed record as `record seal` prints it and the tax authority keeps it: what goes to the
/// chain, and the data key, salts and figures that stay with the authority.
pub fn sealed_json(sealed: &SealedRecord) -> Value {
	let header = &sealed.header;
	json!({
		"enterprise": String::from_utf8_lossy(header.enterprise.as_bytes()),
		"period": header.period,
		"kind": header.kind,
		"schemaVersion": header.schema_version,
		"rating": header.rating,
		"commitment": to_hex(&sealed.commitment),
		"ciphertext": to_hex(&sealed.ciphertext),
		"dataKey": to_hex(&sealed.data_key.0),
		"salts": sealed.opening.salts.iter().map(|salt| to_hex(salt)).collect::<Vec<_>>(),
		"record": RecordFile::from_record(&sealed.opening.record),
	})
}

fn open(args: &OpenArgs) -> CliResult<Value> {
	let ciphertext = from_hex(&args.ciphertext, "the ciphertext")?;
	let commitment = hex32(&args.commitment, "the commitment")?;
	let key = DataKey(hex32(&args.data_key, "the data key")?);
	let Opening { record, .. } = open_record(&ciphertext, &key, &commitment)
		.map_err(|e| format!("cannot open the record: {e:?}"))?;
	serde_json::to_value(RecordFile::from_record(&record)).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
	use super::*;

	fn parse(json: &str) -> CliResult<TaxRecord> {
		serde_json::from_str::<RecordFile>(json).map_err(|e| e.to_string())?.into_record()
	}

	#[test]
	fn the_example_record_file_parses_into_a_canonical_record() {
		let text = include_str!("../../docs/examples/annual-summary-2025.json");
		let record = parse(text).expect("the example is valid");
		assert_eq!(record.header.period, Period::Year(2025));
		assert_eq!(record.header.rating, Some(Rating::A));
		assert_eq!(record.value(FieldKey::Revenue), Some(731_415_926_535));
		assert_eq!(record.fields.len(), 4);
		let back = RecordFile::from_record(&record);
		assert_eq!(back.into_record(), Ok(record), "a record survives the file format");
	}

	#[test]
	fn bad_record_files_say_what_is_wrong() {
		let typo = r#"{"enterprise":"91350100M000100Y44","period":{"year":2025},"kind":"vatReturn","fields":{"taxPaid":1}}"#;
		assert!(parse(typo).unwrap_err().contains("not a unified social credit code"));
		let yearly_vat = r#"{"enterprise":"91350100M000100Y43","period":{"year":2025},"kind":"vatReturn","fields":{"taxPaid":1}}"#;
		assert!(parse(yearly_vat).unwrap_err().contains("PeriodNotCovered"));
		let unknown_field = r#"{"enterprise":"91350100M000100Y43","period":{"year":2025},"kind":"vatReturn","fields":{"profit":1}}"#;
		assert!(parse(unknown_field).unwrap_err().contains("unknown variant"));
	}
}
