//! `banktax enterprise prove`: proves a product's rules on the enterprise's sealed records,
//! locally, and writes the evidence an application carries. A rule that does not hold cannot be
//! proven: the command names it and sends nothing.
//!
//! The openings come from the enterprise's own envelopes, which the tax authority seals to the
//! key the enterprise registered (`--records` with the enterprise's secret key), or from the
//! files `banktax authority attest --keep` writes (`--sealed`: the tax bureau proves at the
//! enterprise's request). The evidence file holds nothing secret: the points commit to the
//! figures without showing them, and the proof shows only that the rules hold.

use crate::{
	authority::current_record,
	chain::Chain,
	envelope::{header_of, read_sealed},
	from_hex, hex32,
	keys::SecretSource,
	to_hex, units, CliResult,
};
use banktax_primitives::loan::{ApplicationBinding, ProductId};
use banktax_primitives::{
	privacy::{
		open_envelope, open_record,
		rules::{prove_rules, Rule, RuleProofError, RULES_VERSION},
		EncryptionSecret, EnvelopeContent, Opening,
	},
	RecordId, Uscc,
};
use banktax_runtime::{AccountId, BlockNumber, Runtime};
use banktax_runtime_api::SealedRecord;
use clap::Args;
use pallet_loans::{ProductOf, RuleEvidence};
use pallet_tax_records::{OwnEnvelope, RecordStatus};
use rand_core::OsRng;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct ProveArgs {
	/// The product whose rules to prove.
	#[arg(long)]
	product: ProductId,
	/// The amount to apply for, in yuan.
	#[arg(long)]
	amount: String,
	/// The term to apply for, in months.
	#[arg(long)]
	months: u16,
	/// A record of the enterprise delivered to it (`authority deliver-openings`), opened with
	/// the enterprise's key (`--secret-file` or `--dev`); repeat for every record the rules
	/// read: the latest of each kind, and every month a monthly rule looks back over.
	#[arg(long = "record", requires = "key")]
	records: Vec<RecordId>,
	/// The enterprise's secret key for `--record`: a file as `keys generate --out` wrote it.
	#[arg(long, group = "key")]
	secret_file: Option<PathBuf>,
	/// The enterprise's secret key for `--record`: a development key by suri.
	#[arg(long, group = "key")]
	dev: Option<String>,
	/// Instead of `--record`: a record's kept file (what `authority attest --keep` wrote), for
	/// the tax bureau proving at the enterprise's request.
	#[arg(long = "sealed")]
	sealed: Vec<PathBuf>,
	/// Where to write the evidence for `enterprise apply --evidence`.
	#[arg(long)]
	out: PathBuf,
}

/// What `prove` writes and `apply --evidence` reads.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EvidenceFile {
	pub product: ProductId,
	/// In fen.
	pub amount: String,
	pub term_months: u16,
	pub enterprise: String,
	pub nonce: u32,
	pub records: Vec<RecordId>,
	pub points: Vec<String>,
	pub proof: String,
}

impl EvidenceFile {
	/// Reads the file at `path`.
	pub fn read(path: &Path) -> CliResult<Self> {
		let text = std::fs::read_to_string(path)
			.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
		serde_json::from_str(&text)
			.map_err(|e| format!("{} is not what `enterprise prove` writes: {e}", path.display()))
	}

	/// The evidence, checked to be for this `product`, `amount` (fen) and `term_months`.
	pub fn for_application(
		&self,
		product: ProductId,
		amount: u128,
		term_months: u16,
	) -> CliResult<RuleEvidence> {
		if (self.product, self.amount.as_str(), self.term_months)
			!= (product, amount.to_string().as_str(), term_months)
		{
			return Err(format!(
				"the proof was made for product {}, {} fen over {} months: prove again for this \
				 application",
				self.product, self.amount, self.term_months
			));
		}
		let points = self
			.points
			.iter()
			.map(|point| hex32(point, "a point"))
			.collect::<CliResult<Vec<_>>>()?;
		Ok(RuleEvidence {
			records: self.records.clone().try_into().map_err(|_| "too many records")?,
			points: points.try_into().map_err(|_| "too many points")?,
			nonce: self.nonce,
			proof: from_hex(&self.proof, "the proof")?
				.try_into()
				.map_err(|_| "too long a proof")?,
		})
	}
}

pub async fn prove(chain: &Chain, args: ProveArgs) -> CliResult<Value> {
	let amount = units::fen(&args.amount)?;
	let product: ProductOf<Runtime> = chain
		.storage(pallet_loans::Products::<Runtime>::hashed_key_for(args.product))
		.await?
		.ok_or(format!("there is no product {}", args.product))?;
	let rules = &product.terms.rules;
	if rules.is_empty() {
		return Err(format!("product {} states no rules: apply without a proof", args.product));
	}
	if args.records.is_empty() == args.sealed.is_empty() {
		return Err("give the records (--record, with the enterprise's key) or the kept files \
		            (--sealed), not both"
			.into());
	}
	let mut held: Vec<(Opening, RecordId, [u8; 32])> = Vec::new();
	if !args.records.is_empty() {
		let source = SecretSource { secret_file: args.secret_file.clone(), dev: args.dev.clone() };
		let secret = source.load()?;
		for id in &args.records {
			held.push(own_record(chain, *id, &secret).await?);
		}
	}
	for path in &args.sealed {
		let kept = read_sealed(path)?;
		let commitment = kept.commitment()?;
		let opening = kept.opening().map_err(|e| format!("{}: {e}", path.display()))?;
		let record = current_record(chain, &commitment, opening.record.header.enterprise)
			.await
			.map_err(|e| format!("{}: {e}", path.display()))?;
		held.push((opening, record.id, commitment));
	}
	held.sort_by_key(|(opening, ..)| (opening.record.header.kind, opening.record.header.period));
	let enterprise = one_enterprise(held.iter().map(|(opening, ..)| opening))?;
	let records: Vec<(RecordId, [u8; 32])> =
		held.iter().map(|(_, id, commitment)| (*id, *commitment)).collect();
	let nonce: u32 = chain
		.storage(pallet_loans::ProofNonces::<Runtime>::hashed_key_for(enterprise))
		.await?
		.unwrap_or_default();
	let binding = ApplicationBinding::<AccountId, _> {
		genesis: chain.genesis(),
		rules_version: RULES_VERSION,
		product: args.product,
		rules,
		enterprise,
		bank: &product.bank,
		records: &records,
		nonce,
		amount,
		term_months: args.months,
	};
	let openings: Vec<Opening> = held.into_iter().map(|(opening, ..)| opening).collect();
	let figure_amount = u64::try_from(amount).map_err(|_| "the amount is too large")?;
	let made = prove_rules(&binding.bytes(), rules, &openings, figure_amount, &mut OsRng)
		.map_err(|error| explain(error, rules))?;
	let file = EvidenceFile {
		product: args.product,
		amount: amount.to_string(),
		term_months: args.months,
		enterprise: enterprise.to_string(),
		nonce,
		records: records.iter().map(|(id, _)| *id).collect(),
		points: made.points.iter().map(|point| to_hex(point)).collect(),
		proof: to_hex(&made.proof.0),
	};
	let text = serde_json::to_string_pretty(&file).map_err(|e| e.to_string())?;
	std::fs::write(&args.out, text)
		.map_err(|e| format!("cannot write {}: {e}", args.out.display()))?;
	Ok(json!({
		"evidence": args.out,
		"product": args.product,
		"rules": rules.len(),
		"records": file.records,
		"nonce": nonce,
		"proofBytes": made.proof.0.len(),
	}))
}

/// Record `id` as its enterprise opens it: the envelope delivered to the enterprise, opened
/// with its `secret`, gives the data key that opens the sealed record on chain.
async fn own_record(
	chain: &Chain,
	id: RecordId,
	secret: &EncryptionSecret,
) -> CliResult<(Opening, RecordId, [u8; 32])> {
	let sealed: Option<SealedRecord<AccountId, BlockNumber>> =
		chain.runtime_call("BankTaxApi_sealed_record", id).await?;
	let sealed = sealed.ok_or(format!("there is no record {id}"))?;
	if sealed.meta.status != RecordStatus::Current {
		return Err(format!(
			"record {id} has been amended or revoked: prove on its current version"
		));
	}
	let own: OwnEnvelope = chain
		.storage(pallet_tax_records::OwnEnvelopes::<Runtime>::hashed_key_for(id))
		.await?
		.ok_or(format!("record {id} has not been delivered to its enterprise"))?;
	let header = header_of(&sealed);
	let commitment = sealed.meta.commitment;
	let content = open_envelope(secret, &commitment, &header, &own.envelope).map_err(|e| {
		format!("cannot open record {id}'s envelope: {e:?} (sealed to another key?)")
	})?;
	let EnvelopeContent::DataKey(key) = content else {
		return Err(format!("record {id}'s envelope holds no data key"));
	};
	let opening = open_record(&sealed.ciphertext, &key, &commitment)
		.map_err(|e| format!("cannot open record {id}: {e:?}"))?;
	Ok((opening, id, commitment))
}

fn one_enterprise<'a>(openings: impl Iterator<Item = &'a Opening>) -> CliResult<Uscc> {
	let mut enterprises = openings.map(|opening| opening.record.header.enterprise);
	let first = enterprises.next().ok_or("no records given")?;
	match enterprises.find(|other| *other != first) {
		Some(other) => Err(format!("the records are of two enterprises: {first} and {other}")),
		None => Ok(first),
	}
}

/// What a failed proof means to the person who asked for it.
fn explain(error: RuleProofError, rules: &[Rule]) -> String {
	let rule = |index: usize| {
		let text = rules.get(index).and_then(|rule| serde_json::to_string(rule).ok());
		format!("rule {} {}", index + 1, text.unwrap_or_default())
	};
	match error {
		RuleProofError::Fails { rule: index } => {
			format!("{} does not hold on these records; nothing was sent", rule(index))
		}
		RuleProofError::TooLarge { rule: index } => {
			format!(
				"{} holds by more than 2^64 and cannot be proven; nothing was sent",
				rule(index)
			)
		}
		RuleProofError::Rules(error) => format!(
			"the records given are not those the product's rules read ({error:?}): give the \
			 latest record of each kind and every month a monthly rule looks back over"
		),
		RuleProofError::Records => "a record is of format 1, or its kept file does not \
		                            match its commitment"
			.into(),
	}
}
