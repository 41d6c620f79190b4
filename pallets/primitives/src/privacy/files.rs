//! The files a tax bureau works with, one home for their formats (feature `files`): the record
//! as people write it (JSON, or a CSV sheet of many), and the kept record, what sealing leaves
//! with the bureau beside what goes to the chain (the data key, the seed or salts, the figures),
//! which delivering envelopes later needs. The command line and the portal both read and write
//! them through this module; `docs/record-format.md` describes them.

use super::{
	Field, FieldKey, Opening, RecordHeader, RecordSecret, RecordSeed, SchemaError, SealedRecord,
	TaxRecord,
};
use crate::{Period, Rating, RecordKind, Uscc};
use alloc::{
	collections::BTreeMap,
	format,
	string::{String, ToString},
	vec::Vec,
};
use serde::{Deserialize, Serialize};

/// A tax record as people write it: figures by name, amounts in fen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordFile {
	pub enterprise: String,
	pub period: Period,
	pub kind: RecordKind,
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub rating: Option<Rating>,
	pub fields: BTreeMap<FieldKey, u128>,
}

impl RecordFile {
	/// The record in format `format` (a schema version), or what is wrong with it, in the
	/// file's own words.
	pub fn into_record(self, format: u16) -> Result<TaxRecord, String> {
		let enterprise = Uscc::parse(self.enterprise.as_bytes())
			.map_err(|e| format!("{} is not a unified social credit code: {e}", self.enterprise))?;
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
			"not a valid record: it lacks {}; records of kind {kind_name} carry every one of {} \
			 (0 where there is none)",
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
	serde_json::to_value(value)
		.ok()
		.and_then(|v| v.as_str().map(ToString::to_string))
		.unwrap_or_default()
}

/// A value by its name as record files spell it (`annualSummary`, `taxPaid`, `A`).
pub fn by_json_name<T: serde::de::DeserializeOwned>(name: &str) -> Option<T> {
	serde_json::from_value(serde_json::Value::String(name.into())).ok()
}

/// Record files from a CSV sheet, one record a row. The header row names the columns:
/// `enterprise`, `kind`, `year`, `month` or `quarter` (empty for a year), `rating` (annual
/// summaries), then a column per figure by its JSON name (`taxPaid`); an empty cell is a figure
/// the row's record does not carry. Cells hold no commas or quotes: codes, names and whole
/// numbers never need them.
pub fn records_from_csv(text: &str) -> Result<Vec<RecordFile>, String> {
	let mut lines = text.lines().map(str::trim).enumerate().filter(|(_, line)| !line.is_empty());
	let (_, header) = lines.next().ok_or("the sheet is empty")?;
	let columns: Vec<&str> = header.split(',').map(str::trim).collect();
	for required in ["enterprise", "kind", "year"] {
		if !columns.contains(&required) {
			return Err(format!("the header row lacks the column {required}"));
		}
	}
	let mut figures = Vec::new();
	for (index, name) in columns.iter().enumerate() {
		if !["enterprise", "kind", "year", "month", "quarter", "rating"].contains(name) {
			let key: FieldKey =
				by_json_name(name).ok_or(format!("{name} is neither a column nor a figure"))?;
			figures.push((index, key));
		}
	}
	lines
		.map(|(number, line)| {
			let cells: Vec<&str> = line.split(',').map(str::trim).collect();
			row(&columns, &figures, &cells).map_err(|e| format!("line {}: {e}", number + 1))
		})
		.collect()
}

fn row(
	columns: &[&str],
	figures: &[(usize, FieldKey)],
	cells: &[&str],
) -> Result<RecordFile, String> {
	if cells.len() != columns.len() {
		return Err(format!("{} cells where the header names {}", cells.len(), columns.len()));
	}
	let cell = |name: &str| {
		columns
			.iter()
			.position(|column| *column == name)
			.and_then(|index| cells.get(index).copied())
			.filter(|cell| !cell.is_empty())
	};
	let number = |name: &str| -> Result<Option<u16>, String> {
		cell(name)
			.map(|text| text.parse().map_err(|_| format!("{name} {text} is not a number")))
			.transpose()
	};
	let year = number("year")?.ok_or("no year")?;
	let part = |value: u16, name: &str| {
		u8::try_from(value).map_err(|_| format!("{name} {value} is out of range"))
	};
	let period = match (number("month")?, number("quarter")?) {
		(None, None) => Period::Year(year),
		(Some(month), None) => Period::Month { year, month: part(month, "month")? },
		(None, Some(quarter)) => Period::Quarter { year, quarter: part(quarter, "quarter")? },
		(Some(_), Some(_)) => return Err("a month and a quarter: a record covers one".into()),
	};
	let kind_name = cell("kind").ok_or("no kind")?;
	let kind = by_json_name(kind_name).ok_or(format!("{kind_name} is not a kind of record"))?;
	let rating = match cell("rating") {
		None => None,
		Some(name) => Some(by_json_name(name).ok_or(format!("{name} is not a rating"))?),
	};
	let mut fields = BTreeMap::new();
	for (index, key) in figures {
		if let Some(text) = cells.get(*index).filter(|cell| !cell.is_empty()) {
			let value = text.parse().map_err(|_| {
				format!("{} {text} is not a whole number of its unit", json_name(key))
			})?;
			fields.insert(*key, value);
		}
	}
	Ok(RecordFile {
		enterprise: cell("enterprise").ok_or("no enterprise")?.into(),
		period,
		kind,
		rating,
		fields,
	})
}

/// A sealed record as the tax bureau keeps it: what went to the chain (header, commitment,
/// ciphertext), and the data key, seed (format 2) or salts (format 1) and figures that stay with
/// the bureau. Hex strings throughout.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeptRecord {
	pub enterprise: String,
	pub period: Period,
	pub kind: RecordKind,
	pub schema_version: u16,
	pub rating: Option<Rating>,
	pub commitment: String,
	pub ciphertext: String,
	pub data_key: String,
	pub record: RecordFile,
	/// Format 2.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub seed: Option<String>,
	/// Format 1.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub salts: Option<Vec<String>>,
}

impl KeptRecord {
	/// What the bureau keeps of `sealed`.
	pub fn of(sealed: &SealedRecord) -> Self {
		let header = &sealed.header;
		let (seed, salts) = match &sealed.opening.secret {
			RecordSecret::Salts(salts) => (None, Some(salts.iter().map(|s| to_hex(s)).collect())),
			RecordSecret::Seed(seed) => (Some(to_hex(&seed.0)), None),
		};
		Self {
			enterprise: String::from_utf8_lossy(header.enterprise.as_bytes()).into_owned(),
			period: header.period,
			kind: header.kind,
			schema_version: header.schema_version,
			rating: header.rating,
			commitment: to_hex(&sealed.commitment),
			ciphertext: to_hex(&sealed.ciphertext),
			data_key: to_hex(&sealed.data_key.0),
			record: RecordFile::from_record(&sealed.opening.record),
			seed,
			salts,
		}
	}

	/// The commitment the record was attested with.
	pub fn commitment(&self) -> Result<[u8; 32], String> {
		hex32(&self.commitment, "the commitment")
	}

	/// The record's data key.
	pub fn data_key(&self) -> Result<[u8; 32], String> {
		hex32(&self.data_key, "the data key")
	}

	/// The record with its seed or salts, checked against its commitment.
	pub fn opening(&self) -> Result<Opening, String> {
		let secret = match (&self.seed, &self.salts) {
			(Some(seed), None) => RecordSecret::Seed(RecordSeed(hex32(seed, "the seed")?)),
			(None, Some(salts)) => RecordSecret::Salts(
				salts.iter().map(|salt| hex32(salt, "a salt")).collect::<Result<Vec<_>, _>>()?,
			),
			_ => return Err("a kept record holds a seed (format 2) or salts (format 1)".into()),
		};
		let opening =
			Opening { record: self.record.clone().into_record(self.schema_version)?, secret };
		if opening.commitment().ok() != Some(self.commitment()?) {
			return Err("the record and its secret do not match the commitment".into());
		}
		Ok(opening)
	}
}

/// Kept records from a kept file's text: one record, or a list of them (what the portal saves
/// for a batch).
pub fn kept_records(text: &str) -> Result<Vec<KeptRecord>, String> {
	// Read by its first character rather than as an untagged enum, which would pass the figures
	// through serde's buffer and lose those past 2^64.
	if text.trim_start().starts_with('[') {
		serde_json::from_str(text).map_err(|e| e.to_string())
	} else {
		serde_json::from_str(text).map(|kept| alloc::vec![kept]).map_err(|e| e.to_string())
	}
}

/// Bytes as `0x` hex, as the files spell them.
pub fn to_hex(bytes: &[u8]) -> String {
	crate::text::Hex(bytes).to_string()
}

/// Bytes from hex, with or without `0x`; `what` names the value in the error.
pub fn from_hex(text: &str, what: &str) -> Result<Vec<u8>, String> {
	hex::decode(text.trim().trim_start_matches("0x")).map_err(|e| format!("{what} is not hex: {e}"))
}

/// Exactly 32 bytes from hex.
pub fn hex32(text: &str, what: &str) -> Result<[u8; 32], String> {
	from_hex(text, what)?
		.try_into()
		.map_err(|bytes: Vec<u8>| format!("{what} must be 32 bytes, not {}", bytes.len()))
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::privacy::{seal_record, SCHEMA_V1, SCHEMA_VERSION};
	use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};

	const EXAMPLE: &str = include_str!("../../../../docs/examples/annual-summary-2025.json");

	fn parse(json: &str) -> Result<TaxRecord, String> {
		serde_json::from_str::<RecordFile>(json)
			.map_err(|e| e.to_string())?
			.into_record(SCHEMA_VERSION)
	}

	#[test]
	fn the_example_record_file_parses_into_a_canonical_record() {
		let record = parse(EXAMPLE).expect("the example is valid");
		assert_eq!(record.header.period, Period::Year(2025));
		assert_eq!(record.header.rating, Some(Rating::A));
		assert_eq!(record.value(FieldKey::Revenue), Some(731_415_926_535));
		assert_eq!(record.fields.len(), 7);
		let back = RecordFile::from_record(&record);
		assert_eq!(back.into_record(SCHEMA_VERSION), Ok(record), "a record survives the file");
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

	#[test]
	fn a_sheet_reads_as_the_record_files_it_lists() {
		let sheet = "enterprise,kind,year,month,quarter,rating,taxPayable,taxPaid,revenue,invoicesIssued,arrears,penalties,creditScore\n\
		             91350100M000100Y43,annualSummary,2025,,,A,27182818285,27182818284,731415926535,1204,0,0,93\n\
		             \n\
		             91350100M000100Y43,paymentCertificate,2025,3,,,,1200,,,,,\n";
		let files = records_from_csv(sheet).expect("a valid sheet");
		assert_eq!(files.len(), 2);
		let example: RecordFile = serde_json::from_str(EXAMPLE).expect("the example");
		assert_eq!(files[0], example, "the sheet's first row is the example record");
		assert_eq!(files[1].period, Period::Month { year: 2025, month: 3 });
		assert_eq!(files[1].fields.get(&FieldKey::TaxPaid), Some(&1200));
		assert!(files[1].clone().into_record(SCHEMA_VERSION).is_ok());
	}

	#[test]
	fn a_bad_sheet_names_its_line_and_cell() {
		let bad = |sheet: &str| records_from_csv(sheet).unwrap_err();
		assert!(bad("").contains("empty"));
		assert!(bad("enterprise,year,taxPaid\n").contains("lacks the column kind"));
		assert!(bad("enterprise,kind,year,profit\n").contains("profit is neither"));
		let head = "enterprise,kind,year,month,taxPaid\n";
		assert!(bad(&format!("{head}91350100M000100Y43,vatReturn,2025,1\n"))
			.contains("line 2: 4 cells"));
		assert!(bad(&format!("{head}91350100M000100Y43,vatReturn,2025,300,1\n"))
			.contains("month 300 is out of range"));
		assert!(bad(&format!("{head}91350100M000100Y43,vatReturn,2025,1,-5\n"))
			.contains("taxPaid -5 is not a whole number"));
		assert!(bad(&format!("{head}91350100M000100Y43,salesLedger,2025,1,5\n"))
			.contains("salesLedger is not a kind"));
	}

	#[test]
	fn a_kept_record_opens_to_its_commitment_one_or_many_to_a_file() {
		let record = parse(EXAMPLE).expect("valid");
		let sealed =
			seal_record(record.clone(), &mut ChaCha20Rng::from_seed([3; 32])).expect("seals");
		let kept = KeptRecord::of(&sealed);
		assert_eq!(kept.commitment(), Ok(sealed.commitment));
		assert_eq!(kept.opening().expect("opens").record, record);
		let one = serde_json::to_string(&kept).expect("json");
		let many = serde_json::to_string(&[&kept, &kept]).expect("json");
		assert_eq!(kept_records(&one).expect("one").len(), 1);
		assert_eq!(kept_records(&many).expect("many").len(), 2);
		let mut forged = kept.clone();
		forged.record.fields.insert(FieldKey::TaxPaid, 1);
		assert!(forged.opening().unwrap_err().contains("do not match the commitment"));
	}
}
