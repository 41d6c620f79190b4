//! `banktax enterprise prove`: proves a product's rules on the enterprise's sealed records,
//! locally, and writes the evidence an application carries. A rule that does not hold cannot be
//! proven: the command names it and sends nothing.
//!
//! The openings come from the files `banktax authority attest --keep` writes (the tax bureau
//! proves at the enterprise's request) or that reach the enterprise in its own envelopes. The
//! evidence file holds nothing secret: the points commit to the figures without showing them,
//! and the proof shows only that the rules hold.

use crate::{
	authority::current_record, chain::Chain, envelope::read_sealed, from_hex, hex32, to_hex, units,
	CliResult,
};
use banktax_primitives::{
	privacy::{
		rules::{prove_rules, Rule, RuleProofError, RULES_VERSION},
		Opening,
	},
	RecordId, Uscc,
};
use banktax_runtime::{AccountId, Runtime};
use clap::Args;
use pallet_loans::{ApplicationBinding, ProductId, ProductOf, RuleEvidence};
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
	/// A record's kept file (what `authority attest --keep` wrote); repeat for every record the
	/// rules read: the latest of each kind, and every month a monthly rule looks back over.
	#[arg(long = "sealed", required = true)]
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
	let mut held = Vec::new();
	for path in &args.sealed {
		let kept = read_sealed(path)?;
		let commitment = kept.commitment()?;
		let opening = kept.opening(&commitment).map_err(|e| format!("{}: {e}", path.display()))?;
		held.push((opening, commitment, path));
	}
	held.sort_by_key(|(opening, ..)| (opening.record.header.kind, opening.record.header.period));
	let enterprise = one_enterprise(held.iter().map(|(opening, ..)| opening))?;
	let mut records = Vec::new();
	for (_, commitment, path) in &held {
		let record = current_record(chain, commitment, enterprise)
			.await
			.map_err(|e| format!("{}: {e}", path.display()))?;
		records.push((record.id, *commitment));
	}
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
