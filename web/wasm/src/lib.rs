//! The privacy codec in the browser: the portal opens what the tax bureau delivered and checks
//! every figure against the chain, checks and encodes a product's rules, proves them on an
//! enterprise's own sealed records, seals the records a bureau uploads, and asks whether a
//! consent covers a record, with the same Rust code the chain and the command line run
//! (`banktax_primitives::privacy`, `banktax_primitives::loan`), compiled to wasm with
//! wasm-bindgen. Nothing here is a second implementation: each function decodes its input,
//! calls the codec and encodes the answer as JSON.
//!
//! Keys and figures stay in the page that calls these functions: nothing is sent anywhere.

use banktax_primitives::{
	loan::{ApplicationBinding, ProductId},
	privacy::{
		files::{from_hex, hex32, records_from_csv, to_hex, KeptRecord, RecordFile},
		open_envelope, open_record,
		rules::{check_rule_set, prove_rules, Rule, RuleProofError, RULES_VERSION},
		seal_record, EncryptionSecret, EnvelopeContent, Field, FieldKey, Opening, RecordHeader,
		SCHEMA_VERSION,
	},
	DataScope, Period, Rating, RecordId, RecordKind, Uscc,
};
use codec::{Decode, Encode};
use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};
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

impl ChainRecord {
	fn header(&self) -> RecordHeader {
		RecordHeader {
			schema_version: self.schema_version,
			enterprise: self.enterprise,
			period: self.period,
			kind: self.kind,
			rating: self.rating,
		}
	}
}

fn bytes(text: &str, what: &str) -> Result<Vec<u8>, JsError> {
	from_hex(text, what).map_err(|e| JsError::new(&e))
}

fn bytes32(text: &str, what: &str) -> Result<[u8; 32], JsError> {
	hex32(text, what).map_err(|e| JsError::new(&e))
}

fn secret(secret_hex: &str) -> Result<EncryptionSecret, JsError> {
	Ok(EncryptionSecret::from_bytes(bytes32(secret_hex, "the secret key")?))
}

/// The public encryption key (hex) of a secret one (hex), as `banktax keys public` prints it.
#[wasm_bindgen(js_name = encryptionPublic)]
pub fn encryption_public(secret_hex: &str) -> Result<String, JsError> {
	Ok(to_hex(&secret(secret_hex)?.public()))
}

/// The development encryption secret (hex) of `suri` (`//Bob`), as `--dev //Bob` uses it: for
/// development chains only, whose institutions registered these keys.
#[wasm_bindgen(js_name = developmentSecret)]
pub fn development_secret(suri: &str) -> String {
	to_hex(&EncryptionSecret::development(suri).to_bytes())
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
	let header = record.header();
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

/// The figures that are amounts of money in fen, by name; the others are counts and the score.
#[wasm_bindgen(js_name = amountFields)]
pub fn amount_fields() -> String {
	let all = (1..=u8::MAX).map_while(|n| FieldKey::decode(&mut &[n][..]).ok());
	let names: Vec<Value> = all.filter(FieldKey::is_amount).map(|key| json!(key)).collect();
	Value::Array(names).to_string()
}

/// A product's rules written as JSON (the list `banktax bank publish-product --rules` reads,
/// `docs/examples/rules.json`), checked as the chain checks them and SCALE-encoded (hex) for
/// `loans.publishProduct`.
#[wasm_bindgen(js_name = encodeRules)]
pub fn encode_rules(rules_json: &str) -> Result<String, JsError> {
	let rules: Vec<Rule> = serde_json::from_str(rules_json)
		.map_err(|e| JsError::new(&format!("not a list of rules: {e}")))?;
	check_rule_set(&rules)
		.map_err(|e| JsError::new(&format!("the rules are outside the vocabulary: {e:?}")))?;
	Ok(to_hex(&rules.encode()))
}

/// A product's rules as the chain keeps them (SCALE, hex), as JSON to show.
#[wasm_bindgen(js_name = rulesOf)]
pub fn rules_of(rules_hex: &str) -> Result<String, JsError> {
	Ok(Value::Array(decode_rules(rules_hex)?.iter().map(|rule| json!(rule)).collect()).to_string())
}

fn decode_rules(rules_hex: &str) -> Result<Vec<Rule>, JsError> {
	Vec::<Rule>::decode(&mut &bytes(rules_hex, "the rules")?[..])
		.map_err(|_| JsError::new("the rules do not decode"))
}

/// What `proveApplication` is given: the application, and the enterprise's current records with
/// the envelopes the tax bureau delivered to the enterprise's key.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Application {
	genesis: String,
	product: ProductId,
	/// The product's rules, SCALE (hex).
	rules: String,
	/// The bank's account, 32 bytes (hex).
	bank: String,
	nonce: u32,
	/// In fen, as decimal text.
	amount: String,
	term_months: u16,
	/// The enterprise's encryption secret (hex).
	secret: String,
	/// 32 random bytes (hex) from the page's cryptographic generator.
	seed: String,
	records: Vec<OwnRecord>,
}

#[derive(Deserialize)]
struct OwnRecord {
	id: RecordId,
	/// As `banktax_sealedRecord` answers it.
	record: ChainRecord,
	/// The envelope delivered to the enterprise (hex).
	envelope: String,
}

/// Proves a product's rules on the enterprise's own records, in this page, for an application
/// of `amount` over `termMonths` months: opens each record with the enterprise's secret, takes
/// those the rules read (the latest of each kind, or the last months a monthly rule reads) and
/// proves under the binding the runtime verifies. Answers `{"evidence": {records, points,
/// nonce, proof}}` for `loans.applyForLoan`, or `{"fails": i}` / `{"tooLarge": i}` naming the
/// rule (from 0) that does not hold or cannot be proven; nothing about the figures leaves.
#[wasm_bindgen(js_name = proveApplication)]
pub fn prove_application(application: &str) -> Result<String, JsError> {
	let app: Application = serde_json::from_str(application)
		.map_err(|e| JsError::new(&format!("not an application: {e}")))?;
	let rules = decode_rules(&app.rules)?;
	let secret = secret(&app.secret)?;
	let mut opened = Vec::new();
	for own in &app.records {
		if rules.iter().any(|rule| rule.kind() == own.record.kind) {
			opened.push((own_opening(&secret, own)?, own.id));
		}
	}
	opened.sort_by_key(|((opening, _), _)| {
		(opening.record.header.kind, opening.record.header.period)
	});
	let opened = read_by_rules(&rules, opened);
	let enterprise = opened
		.first()
		.map(|(opening, ..)| opening.record.header.enterprise)
		.ok_or_else(|| JsError::new("no records of the kinds the rules read"))?;
	let records: Vec<(RecordId, [u8; 32])> =
		opened.iter().map(|(_, id, commitment)| (*id, *commitment)).collect();
	let amount: u128 =
		app.amount.parse().map_err(|_| JsError::new("the amount is not a number of fen"))?;
	let bank = bytes32(&app.bank, "the bank's account")?;
	let binding = ApplicationBinding {
		genesis: bytes32(&app.genesis, "the genesis hash")?,
		rules_version: RULES_VERSION,
		product: app.product,
		rules: &rules,
		enterprise,
		bank: &bank,
		records: &records,
		nonce: app.nonce,
		amount,
		term_months: app.term_months,
	};
	let openings: Vec<Opening> = opened.into_iter().map(|(opening, ..)| opening).collect();
	let figure = u64::try_from(amount).map_err(|_| JsError::new("the amount is too large"))?;
	let mut rng = ChaCha20Rng::from_seed(bytes32(&app.seed, "the seed")?);
	let answer = match prove_rules(&binding.bytes(), &rules, &openings, figure, &mut rng) {
		Ok(made) => json!({ "evidence": {
			"records": records.iter().map(|(id, _)| id).collect::<Vec<_>>(),
			"points": made.points.iter().map(|p| to_hex(p)).collect::<Vec<_>>(),
			"nonce": app.nonce,
			"proof": to_hex(&made.proof.0),
		}}),
		Err(RuleProofError::Fails { rule }) => json!({ "fails": rule }),
		Err(RuleProofError::TooLarge { rule }) => json!({ "tooLarge": rule }),
		Err(RuleProofError::Rules(error)) => {
			return Err(JsError::new(&format!(
				"the records held are not those the rules read ({error:?}): each monthly rule \
				 needs its months without a gap"
			)))
		}
		Err(RuleProofError::Records) => {
			return Err(JsError::new("a record is of format 1 and cannot be proven on"))
		}
	};
	Ok(answer.to_string())
}

/// A record delivered to its enterprise, opened: the envelope gives the data key, which opens
/// the sealed record and is checked against its commitment.
fn own_opening(secret: &EncryptionSecret, own: &OwnRecord) -> Result<(Opening, [u8; 32]), JsError> {
	let commitment = bytes32(&own.record.commitment, "the commitment")?;
	let envelope = bytes(&own.envelope, "the envelope")?;
	let content =
		open_envelope(secret, &commitment, &own.record.header(), &envelope).map_err(|e| {
			JsError::new(&format!("record {}: the envelope does not open: {e:?}", own.id))
		})?;
	let EnvelopeContent::DataKey(key) = content else {
		return Err(JsError::new(&format!("record {}: the envelope holds no data key", own.id)));
	};
	let ciphertext = bytes(&own.record.ciphertext, "the ciphertext")?;
	let opening = open_record(&ciphertext, &key, &commitment)
		.map_err(|e| JsError::new(&format!("record {}: does not open: {e:?}", own.id)))?;
	Ok((opening, commitment))
}

/// Of `opened` (ascending by kind and period), the records the rules read: for each kind, as
/// many of the latest as the rule reading most of that kind reads.
fn read_by_rules(
	rules: &[Rule],
	opened: Vec<((Opening, [u8; 32]), RecordId)>,
) -> Vec<(Opening, RecordId, [u8; 32])> {
	let wanted = |kind: RecordKind| {
		rules.iter().filter(|rule| rule.kind() == kind).map(Rule::records_read).max().unwrap_or(0)
	};
	let mut kept: Vec<(Opening, RecordId, [u8; 32])> = Vec::new();
	for ((opening, commitment), id) in opened.into_iter().rev() {
		let kind = opening.record.header.kind;
		let held = kept.iter().filter(|(o, ..)| o.record.header.kind == kind).count();
		if held < wanted(kind) {
			kept.push((opening, id, commitment));
		}
	}
	kept.reverse();
	kept
}

/// Seals the records of a file the tax bureau uploads (a record file as JSON, a list of them,
/// or, with `csv`, a sheet of one record a row; `docs/record-format.md`) in the current format,
/// with randomness from `seed` (32 bytes, hex, from the page's cryptographic generator). Answers
/// what the bureau keeps of each, as a JSON list of kept records: what goes to the chain, and the
/// data key, seed and figures that deliveries need. A record that is not valid is named by its
/// place, and nothing is sealed.
#[wasm_bindgen(js_name = sealRecords)]
pub fn seal_records(text: &str, csv: bool, seed_hex: &str) -> Result<String, JsError> {
	let files: Vec<RecordFile> = if csv {
		records_from_csv(text).map_err(|e| JsError::new(&e))?
	} else if text.trim_start().starts_with('[') {
		serde_json::from_str(text).map_err(|e| JsError::new(&format!("not record files: {e}")))?
	} else {
		vec![serde_json::from_str(text)
			.map_err(|e| JsError::new(&format!("not a record file: {e}")))?]
	};
	let mut rng = ChaCha20Rng::from_seed(bytes32(seed_hex, "the seed")?);
	let mut kept = Vec::with_capacity(files.len());
	for (index, file) in files.into_iter().enumerate() {
		let place = |e: String| JsError::new(&format!("record {}: {e}", index + 1));
		let record = file.into_record(SCHEMA_VERSION).map_err(place)?;
		let sealed = seal_record(record, &mut rng).map_err(|e| place(format!("{e:?}")))?;
		kept.push(KeptRecord::of(&sealed));
	}
	serde_json::to_string(&kept).map_err(|e| JsError::new(&e.to_string()))
}

/// Whether a consent's scope (`scope` as the chain's reads give it) covers a record of `kind`
/// for `period` (JSON names): the rule the runtime applies before any envelope or access.
#[wasm_bindgen(js_name = inScope)]
pub fn in_scope(scope: &str, kind: &str, period: &str) -> Result<bool, JsError> {
	let scope: DataScope = serde_json::from_str(scope)
		.map_err(|e| JsError::new(&format!("not a consent's scope: {e}")))?;
	let kind: RecordKind = serde_json::from_str(kind)
		.map_err(|e| JsError::new(&format!("not a kind of record: {e}")))?;
	let period: Period =
		serde_json::from_str(period).map_err(|e| JsError::new(&format!("not a period: {e}")))?;
	Ok(scope.covers(kind, &period))
}
