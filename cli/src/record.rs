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

use crate::{from_hex, hex32, to_hex, CliResult};
use banktax_primitives::{
	privacy::{
		open_record, seal_record, DataKey, Field, FieldKey, Opening, RecordHeader, RecordSecret,
		SchemaError, SealedRecord, TaxRecord, SCHEMA_V1, SCHEMA_VERSION,
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
	/// The record in format `format` (a schema version).
	pub fn into_record(self, format: u16) -> CliResult<TaxRecord> {
		let enterprise = crate::parse_uscc(&self.enterprise)?;
		let header = RecordHeader {
			schema_version: format,
			enterprise,
			period: self.period,
			kind: self.kind,
			rating: self.rating,
		};
		let fields = self.fields.into_iter().map(|(key, value)| Field { key, value }).collect();
		TaxRecord::new(header, fields).map_err(|e| explain(e, self.kind))
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

/// What is wrong with a record file, in the file's own words.
fn explain(error: SchemaError, kind: RecordKind) -> String {
	let kind_name = json_name(&kind);
	match error {
		SchemaError::FieldMissing(key) => format!(
			"not a valid record: it lacks {}; records of kind {kind_name} carry every one of {} (0 where there is none)",
			json_name(&key),
			FieldKey::catalogue(kind).iter().map(json_name).collect::<Vec<_>>().join(", ")
		),
		SchemaError::ValueOutOfRange(key) => {
			format!("not a valid record: {} is 2^64 or more", json_name(&key))
		}
		SchemaError::FieldNotInKind(key) => {
			format!("not a valid record: records of kind {kind_name} carry no {}", json_name(&key))
		}
		other => format!("not a valid record: {other:?}"),
	}
}

/// A field's, kind's or other name as record files spell it.
pub fn json_name<T: Serialize>(value: &T) -> String {
	serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

pub fn run(command: RecordCommand) -> CliResult<Value> {
	match command {
		RecordCommand::Seal { file, format } => seal(&file, format),
		RecordCommand::Open(args) => open(&args),
	}
}

fn seal(file: &Path, format: FormatArg) -> CliResult<Value> {
	Ok(sealed_json(&seal_file(file, format)?))
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

/// A sealed record as `record seal` prints it and the tax authority keeps it: what goes to the
/// chain, and the data key, seed (or, in format 1, salts) and figures that stay with the
/// authority. `docs/record-format.md` describes this file.
pub fn sealed_json(sealed: &SealedRecord) -> Value {
	let header = &sealed.header;
	let mut json = json!({
		"enterprise": String::from_utf8_lossy(header.enterprise.as_bytes()),
		"period": header.period,
		"kind": header.kind,
		"schemaVersion": header.schema_version,
		"rating": header.rating,
		"commitment": to_hex(&sealed.commitment),
		"ciphertext": to_hex(&sealed.ciphertext),
		"dataKey": to_hex(&sealed.data_key.0),
		"record": RecordFile::from_record(&sealed.opening.record),
	});
	let secret = match &sealed.opening.secret {
		RecordSecret::Salts(salts) => {
			("salts", json!(salts.iter().map(|salt| to_hex(salt)).collect::<Vec<_>>()))
		}
		RecordSecret::Seed(seed) => ("seed", json!(to_hex(&seed.0))),
	};
	if let Some(object) = json.as_object_mut() {
		object.insert(secret.0.into(), secret.1);
	}
	json
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
		serde_json::from_str::<RecordFile>(json)
			.map_err(|e| e.to_string())?
			.into_record(SCHEMA_VERSION)
	}

	#[test]
	fn the_example_record_file_parses_into_a_canonical_record() {
		let text = include_str!("../../docs/examples/annual-summary-2025.json");
		let record = parse(text).expect("the example is valid");
		assert_eq!(record.header.period, Period::Year(2025));
		assert_eq!(record.header.rating, Some(Rating::A));
		assert_eq!(record.value(FieldKey::Revenue), Some(731_415_926_535));
		assert_eq!(record.fields.len(), 7);
		let back = RecordFile::from_record(&record);
		assert_eq!(
			back.into_record(SCHEMA_VERSION),
			Ok(record),
			"a record survives the file format"
		);
	}

	#[test]
	fn bad_record_files_say_what_is_wrong() {
		let typo = r#"{"enterprise":"91350100M000100Y44","period":{"year":2025},"kind":"vatReturn","fields":{"taxPaid":1}}"#;
		assert!(parse(typo).unwrap_err().contains("not a unified social credit code"));
		let yearly_vat = r#"{"enterprise":"91350100M000100Y43","period":{"year":2025},"kind":"vatReturn","fields":{"taxPaid":1}}"#;
		assert!(parse(yearly_vat).unwrap_err().contains("PeriodNotCovered"));
		let unknown_field = r#"{"enterprise":"91350100M000100Y43","period":{"year":2025},"kind":"vatReturn","fields":{"profit":1}}"#;
		assert!(parse(unknown_field).unwrap_err().contains("unknown variant"));
		let partial = r#"{"enterprise":"91350100M000100Y43","period":{"year":2025,"quarter":2},"kind":"incomeTaxReturn","fields":{"taxPaid":1}}"#;
		let error = parse(partial).unwrap_err();
		assert!(error.contains("it lacks taxPayable; records of kind incomeTaxReturn carry every one of taxPayable, taxPaid, revenue, taxableIncome"), "{error}");
		let natural_quarter = r#"{"enterprise":"91350100M000100Y43","period":{"year":2025,"quarter":2},"kind":"paymentCertificate","fields":{"taxPaid":18446744073709551616}}"#;
		assert!(parse(natural_quarter).unwrap_err().contains("taxPaid is 2^64 or more"));
		let v1 = serde_json::from_str::<RecordFile>(partial).expect("json").into_record(SCHEMA_V1);
		assert!(v1.is_ok(), "format 1 takes some of the figures");
	}
}
