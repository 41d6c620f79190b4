//! The privacy codec in the browser: the portal opens what the tax bureau delivered, checks
//! every figure against the chain, and proves lending rules, with the same Rust code the chain
//! and the command line run (`banktax_primitives::privacy`), compiled to wasm with
//! wasm-bindgen. Nothing here is a second implementation: each function decodes its input,
//! calls the codec and encodes the answer as JSON.
//!
//! Keys and figures stay in the page that calls these functions: nothing is sent anywhere.

use banktax_primitives::{
	privacy::{open_envelope, open_record, EncryptionSecret, EnvelopeContent, Field, RecordHeader},
	Period, Rating, RecordKind, Uscc,
};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use wasm_bindgen::prelude::*;

/// A record as `banktax_sealedRecord` answers it (the fields used here).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChainRecord {
	enterprise: Uscc,
	period: Period,
	kind: RecordKind,
	schema_version: u16,
	rating: Option<Rating>,
	commitment: String,
	ciphertext: String,
}

fn bytes(text: &str, what: &str) -> Result<Vec<u8>, JsError> {
	hex::decode(text.trim_start_matches("0x"))
		.map_err(|_| JsError::new(&format!("{what} is not hex")))
}

fn bytes32(text: &str, what: &str) -> Result<[u8; 32], JsError> {
	bytes(text, what)?.try_into().map_err(|_| JsError::new(&format!("{what} is not 32 bytes")))
}

fn secret(secret_hex: &str) -> Result<EncryptionSecret, JsError> {
	Ok(EncryptionSecret::from_bytes(bytes32(secret_hex, "the secret key")?))
}

/// The public encryption key (hex) of a secret one (hex), as `banktax keys public` prints it.
#[wasm_bindgen(js_name = encryptionPublic)]
pub fn encryption_public(secret_hex: &str) -> Result<String, JsError> {
	Ok(format!("0x{}", hex::encode(secret(secret_hex)?.public())))
}

/// The development encryption secret (hex) of `suri` (`//Bob`), as `--dev //Bob` uses it: for
/// development chains only, whose institutions registered these keys.
#[wasm_bindgen(js_name = developmentSecret)]
pub fn development_secret(suri: &str) -> String {
	format!("0x{}", hex::encode(EncryptionSecret::development(suri).to_bytes()))
}

/// Opens `envelope` (hex) with `secret` (hex) for the record `record` (the JSON of
/// `banktax_sealedRecord`), and checks what it holds against the record's commitment: the
/// figures, each by its field name, as decimal text. An envelope that does not open, or whose
/// figures do not match the commitment on chain, is an error: nothing unverified is returned.
#[wasm_bindgen(js_name = openDelivered)]
pub fn open_delivered(
	secret_hex: &str,
	envelope_hex: &str,
	record: &str,
) -> Result<String, JsError> {
	let record: ChainRecord = serde_json::from_str(record)
		.map_err(|e| JsError::new(&format!("not a record as the chain gives it: {e}")))?;
	let header = RecordHeader {
		schema_version: record.schema_version,
		enterprise: record.enterprise,
		period: record.period,
		kind: record.kind,
		rating: record.rating,
	};
	let commitment = bytes32(&record.commitment, "the commitment")?;
	let envelope = bytes(envelope_hex, "the envelope")?;
	let content = open_envelope(&secret(secret_hex)?, &commitment, &header, &envelope)
		.map_err(|e| JsError::new(&format!("the envelope does not open: {e:?}")))?;
	let (kind, fields) = match content {
		EnvelopeContent::DataKey(key) => {
			let ciphertext = bytes(&record.ciphertext, "the ciphertext")?;
			let opening = open_record(&ciphertext, &key, &commitment)
				.map_err(|e| JsError::new(&format!("the record does not open: {e:?}")))?;
			("dataKey", opening.record.fields.to_vec())
		}
		EnvelopeContent::Fields(disclosure) => ("fields", disclosure.fields()),
	};
	Ok(json!({ "content": kind, "verified": true, "fields": named(&fields) }).to_string())
}

/// Figures by field name, as decimal text (a figure may pass 2^53).
fn named(fields: &[Field]) -> Value {
	let mut map = Map::new();
	for field in fields {
		let name = serde_json::to_value(field.key)
			.ok()
			.and_then(|v| v.as_str().map(str::to_owned))
			.unwrap_or_default();
		map.insert(name, Value::String(field.value.to_string()));
	}
	Value::Object(map)
}
