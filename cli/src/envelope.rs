//! `banktax envelope`: key envelopes, sealed by the tax authority for one bank and opened by it.
//!
//! The tax authority seals from what `banktax record seal` printed (kept as a file): the data
//! key, for a consent to whole records, or chosen fields with what proves them, for a consent
//! to those fields only. The bank opens an envelope with its secret key, checking everything
//! against the record as the chain holds it, given as JSON:
//!
//! ```json
//! { "enterprise": "91350100M000100Y43", "period": { "year": 2025 }, "kind": "annualSummary",
//!   "rating": "A", "schemaVersion": 2, "commitment": "0x…", "ciphertext": "0x…" }
//! ```
//!
//! (`schemaVersion` may be left out: the ciphertext's first byte says it.)

use crate::{
	from_hex, hex32,
	keys::SecretSource,
	record::{json_name, KeptRecord, RecordFile},
	to_hex, CliResult,
};
use banktax_primitives::{
	privacy::{
		files::kept_records, open_envelope, open_record, seal_envelope, DataKey, EnvelopeContent,
		FieldKey, RecordHeader, SCHEMA_V1,
	},
	Period, Rating, RecordKind,
};
use banktax_runtime::{AccountId, BlockNumber};
use clap::{Args, Subcommand};
use rand_core::OsRng;
use serde::Deserialize;
use serde_json::{json, Value};
use std::{
	collections::BTreeMap,
	path::{Path, PathBuf},
};

#[derive(Subcommand)]
pub enum EnvelopeCommand {
	/// Seals a record's data key, or chosen fields with their proofs, for one bank.
	Seal(SealArgs),
	/// Opens an envelope with the bank's secret key and checks what it holds against the record
	/// on chain; with a data key, also opens the record.
	Open(OpenArgs),
}

#[derive(Args)]
pub struct SealArgs {
	/// What `banktax record seal` printed for the record (JSON file).
	#[arg(long)]
	sealed: PathBuf,
	/// The bank's registered encryption key (hex).
	#[arg(long)]
	to: String,
	/// Only these fields (comma-separated, e.g. `taxPaid,creditScore`), for a consent to chosen
	/// fields; without it, the data key to the whole record.
	#[arg(long, value_delimiter = ',')]
	fields: Option<Vec<String>>,
}

#[derive(Args)]
pub struct OpenArgs {
	#[command(flatten)]
	secret: SecretSource,
	/// The envelope as delivered on chain (hex).
	#[arg(long)]
	envelope: String,
	/// The record as the chain holds it (JSON file; see `banktax envelope --help`).
	#[arg(long)]
	record: PathBuf,
}

/// A record as the chain holds it: its public header, commitment and ciphertext.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ChainRecord {
	enterprise: String,
	period: Period,
	kind: RecordKind,
	#[serde(default)]
	rating: Option<Rating>,
	#[serde(default)]
	schema_version: Option<u16>,
	commitment: String,
	ciphertext: String,
}

pub fn run(command: EnvelopeCommand) -> CliResult<Value> {
	match command {
		EnvelopeCommand::Seal(args) => seal(&args),
		EnvelopeCommand::Open(args) => open(&args),
	}
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path, what: &str) -> CliResult<T> {
	let text = std::fs::read_to_string(path)
		.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
	serde_json::from_str(&text).map_err(|e| format!("{} is not {what}: {e}", path.display()))
}

/// Reads the one record a kept file holds (what `banktax record seal` printed and the tax
/// authority kept).
pub fn read_sealed(path: &Path) -> CliResult<KeptRecord> {
	let mut kept = read_kept(path)?;
	match (kept.pop(), kept.is_empty()) {
		(Some(one), true) => Ok(one),
		_ => Err(format!("{} holds more than one record: give one record's file", path.display())),
	}
}

/// Every record a kept file holds: one, or a list (what the portal saves for a batch).
pub fn read_kept(path: &Path) -> CliResult<Vec<KeptRecord>> {
	let text = std::fs::read_to_string(path)
		.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
	kept_records(&text)
		.map_err(|e| format!("{} is not what `banktax record seal` printed: {e}", path.display()))
}

/// The enterprise a kept record is about.
pub fn enterprise_of(kept: &KeptRecord) -> CliResult<banktax_primitives::Uscc> {
	Ok(kept.record.clone().into_record(kept.schema_version)?.header.enterprise)
}

/// The record's data key, or only `fields` with what proves them, sealed to `recipient`:
/// what the envelope holds (`dataKey` or `fields`) and the envelope.
pub fn seal_for(
	kept: &KeptRecord,
	recipient: &[u8; 32],
	fields: Option<&[FieldKey]>,
) -> CliResult<(&'static str, Vec<u8>)> {
	let commitment = kept.commitment()?;
	let opening = kept.opening()?;
	let (content, kind) = match fields {
		None => (EnvelopeContent::DataKey(DataKey(kept.data_key()?)), "dataKey"),
		Some(keys) => {
			if let Some(absent) = keys.iter().find(|key| opening.record.value(**key).is_none()) {
				return Err(format!("the record has no {}", json_name(absent)));
			}
			let disclosure =
				opening.disclose(keys).map_err(|e| format!("cannot disclose {keys:?}: {e:?}"))?;
			(EnvelopeContent::Fields(disclosure), "fields")
		}
	};
	let header = &opening.record.header;
	let envelope = seal_envelope(recipient, header, &commitment, &content, &mut OsRng)
		.map_err(|e| format!("cannot seal the envelope: {e:?}"))?;
	Ok((kind, envelope))
}

fn seal(args: &SealArgs) -> CliResult<Value> {
	let sealed = read_sealed(&args.sealed)?;
	let recipient = hex32(&args.to, "the bank's encryption key")?;
	let fields = match &args.fields {
		None => None,
		Some(names) => Some(
			names
				.iter()
				.map(|name| {
					serde_json::from_value::<FieldKey>(Value::String(name.clone()))
						.map_err(|_| format!("{name} is not a field of the record schema"))
				})
				.collect::<CliResult<Vec<_>>>()?,
		),
	};
	let (kind, envelope) = seal_for(&sealed, &recipient, fields.as_deref())?;
	Ok(json!({ "content": kind, "envelope": to_hex(&envelope) }))
}

fn open(args: &OpenArgs) -> CliResult<Value> {
	let secret = args.secret.load()?;
	let envelope = from_hex(&args.envelope, "the envelope")?;
	let chain: ChainRecord = read_json(&args.record, "a record as the chain holds it")?;
	let enterprise = crate::parse_uscc(&chain.enterprise)?;
	let commitment = hex32(&chain.commitment, "the commitment")?;
	let ciphertext = from_hex(&chain.ciphertext, "the ciphertext")?;
	let from_ciphertext = ciphertext.first().map_or(SCHEMA_V1, |version| u16::from(*version));
	let header = RecordHeader {
		schema_version: chain.schema_version.unwrap_or(from_ciphertext),
		enterprise,
		period: chain.period,
		kind: chain.kind,
		rating: chain.rating,
	};
	open_checked(&secret, &envelope, &header, &commitment, &ciphertext)
}

/// The public part of a record as the chain serves it sealed: what its envelopes and
/// commitment are bound to.
pub fn header_of<A, B>(sealed: &banktax_runtime_api::SealedRecord<A, B>) -> RecordHeader {
	RecordHeader {
		schema_version: sealed.meta.schema_version,
		enterprise: sealed.enterprise,
		period: sealed.meta.period,
		kind: sealed.meta.kind,
		rating: sealed.meta.rating,
	}
}

/// Whether consent `view` calls for an envelope of `record`: in force, to figures, over the
/// record's kind and period, and the record current (what `consent.deliverEnvelope` takes).
pub fn calls_for_envelope(
	view: &banktax_runtime_api::ConsentView<AccountId, BlockNumber>,
	record: &banktax_runtime_api::RecordMeta<AccountId, BlockNumber>,
) -> bool {
	view.state == pallet_consent::ConsentState::Active
		&& view.consent.disclosure != banktax_primitives::DisclosureLevel::RuleAnswersOnly
		&& view.consent.scope.covers(record.kind, &record.period)
		&& record.status == pallet_tax_records::RecordStatus::Current
}

/// Opens `envelope` with the bank's `secret` and checks what it holds against the record's
/// header and commitment as the chain holds them; with a data key, opens the record too.
pub fn open_checked(
	secret: &banktax_primitives::privacy::EncryptionSecret,
	envelope: &[u8],
	header: &RecordHeader,
	commitment: &[u8; 32],
	ciphertext: &[u8],
) -> CliResult<Value> {
	let content = open_envelope(secret, commitment, header, envelope).map_err(|e| {
		format!("cannot open the envelope: {e:?} (not sealed to this key, or not for this record)")
	})?;
	match content {
		EnvelopeContent::DataKey(key) => {
			let opening = open_record(ciphertext, &key, commitment)
				.map_err(|e| format!("cannot open the record: {e:?}"))?;
			Ok(json!({
				"content": "dataKey",
				"verified": true,
				"record": RecordFile::from_record(&opening.record),
			}))
		}
		EnvelopeContent::Fields(disclosure) => {
			let fields: BTreeMap<FieldKey, u128> =
				disclosure.fields().iter().map(|field| (field.key, field.value)).collect();
			Ok(json!({ "content": "fields", "verified": true, "fields": fields }))
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use banktax_primitives::privacy::EncryptionSecret;

	/// A scratch directory of this test's own, removed when the test is done with it.
	struct Scratch(PathBuf);
	impl std::ops::Deref for Scratch {
		type Target = std::path::Path;
		fn deref(&self) -> &std::path::Path {
			&self.0
		}
	}
	impl Drop for Scratch {
		fn drop(&mut self) {
			let _ = std::fs::remove_dir_all(&self.0);
		}
	}

	fn scratch(name: &str) -> Scratch {
		let dir = std::env::temp_dir().join(format!("banktax-cli-{name}-{}", std::process::id()));
		std::fs::create_dir_all(&dir).expect("a scratch directory");
		Scratch(dir)
	}

	fn write(dir: &std::path::Path, name: &str, value: &Value) -> PathBuf {
		let path = dir.join(name);
		std::fs::write(&path, value.to_string()).expect("writable");
		path
	}

	/// Seals the example record; returns the sealed file and the record as the chain holds it.
	fn sealed_example(dir: &std::path::Path) -> (PathBuf, PathBuf) {
		let example = PathBuf::from(concat!(
			env!("CARGO_MANIFEST_DIR"),
			"/../docs/examples/annual-summary-2025.json"
		));
		let format = crate::record::FormatArg::default();
		let sealed =
			crate::record::run(crate::record::RecordCommand::Seal { file: example, format })
				.expect("the example seals");
		let chain = json!({
			"enterprise": sealed["enterprise"],
			"period": sealed["period"],
			"kind": sealed["kind"],
			"rating": sealed["rating"],
			"commitment": sealed["commitment"],
			"ciphertext": sealed["ciphertext"],
		});
		(write(dir, "sealed.json", &sealed), write(dir, "chain.json", &chain))
	}

	fn bob() -> String {
		to_hex(&EncryptionSecret::development("//Bob").public())
	}

	fn open_as(suri: &str, envelope: &Value, record: &Path) -> CliResult<Value> {
		open(&OpenArgs {
			secret: SecretSource { secret_file: None, dev: Some(suri.into()) },
			envelope: envelope.as_str().expect("hex").into(),
			record: record.to_path_buf(),
		})
	}

	#[test]
	fn a_data_key_envelope_opens_the_whole_record_for_its_bank_only() {
		let dir = scratch("whole");
		let (sealed, chain) = sealed_example(&dir);
		let out = seal(&SealArgs { sealed, to: bob(), fields: None }).expect("seals");
		assert_eq!(out["content"], "dataKey");
		let opened = open_as("//Bob", &out["envelope"], &chain).expect("Bob opens it");
		assert_eq!(opened["content"], "dataKey");
		assert_eq!(opened["record"]["fields"]["revenue"], 731_415_926_535u64);
		assert_eq!(opened["record"]["fields"].as_object().map(|f| f.len()), Some(7));
		let charlie = open_as("//Charlie", &out["envelope"], &chain).unwrap_err();
		assert!(charlie.contains("cannot open the envelope"), "{charlie}");
	}

	#[test]
	fn a_fields_envelope_opens_only_the_chosen_fields() {
		let dir = scratch("fields");
		let (sealed, chain) = sealed_example(&dir);
		let fields = Some(vec!["taxPaid".to_string()]);
		let out = seal(&SealArgs { sealed, to: bob(), fields }).expect("seals");
		assert_eq!(out["content"], "fields");
		let opened = open_as("//Bob", &out["envelope"], &chain).expect("Bob opens it");
		assert_eq!(opened["content"], "fields");
		let fields = opened["fields"].as_object().expect("fields");
		assert_eq!(fields.keys().collect::<Vec<_>>(), vec!["taxPaid"]);
	}

	#[test]
	fn envelopes_fail_against_another_record_and_for_unknown_fields() {
		let dir = scratch("bad");
		let (sealed, chain) = sealed_example(&dir);
		let unknown = seal(&SealArgs {
			sealed: sealed.clone(),
			to: bob(),
			fields: Some(vec!["profit".into()]),
		});
		assert!(unknown.unwrap_err().contains("profit is not a field"));
		let absent = seal(&SealArgs {
			sealed: sealed.clone(),
			to: bob(),
			fields: Some(vec!["outputTax".into()]),
		});
		assert!(absent.unwrap_err().contains("the record has no outputTax"));
		let out = seal(&SealArgs { sealed, to: bob(), fields: None }).expect("seals");
		let mut other: Value =
			serde_json::from_str(&std::fs::read_to_string(&chain).expect("readable"))
				.expect("json");
		other["commitment"] = json!(to_hex(&[7; 32]));
		let other = write(&dir, "other.json", &other);
		assert!(open_as("//Bob", &out["envelope"], &other).unwrap_err().contains("cannot open"));
	}
}
