//! `banktax enterprise`: what an enterprise's controller does: grant and revoke consents, apply
//! for loans and answer offers.

use crate::{
	chain::{parse_account, Chain, Connection, Signing},
	parse_name,
	prove::EvidenceFile,
	units, CliResult,
};
use banktax_primitives::{
	privacy::FieldKey, ConsentId, DataScope, DisclosureLevel, Purpose, RecordId, RecordKind,
};
use banktax_runtime::{BlockNumber, RuntimeCall, RuntimeEvent};
use clap::{Args, Subcommand};
use pallet_loans::{LoanId, ProductId};
use serde_json::{json, Value};

#[derive(Subcommand)]
pub enum EnterpriseCommand {
	/// Grants a bank consent to read some records, for one purpose, for a time.
	Grant(GrantArgs),
	/// Revokes (withdraws) a consent: from its block on, no new envelopes and no further use.
	Revoke {
		#[arg(long)]
		consent: ConsentId,
		#[command(flatten)]
		signing: Signing,
	},
	/// Applies for a loan under a bank's product, on an annual summary the bank may read.
	Apply {
		#[arg(long)]
		product: ProductId,
		/// In yuan.
		#[arg(long)]
		amount: String,
		#[arg(long)]
		months: u16,
		/// The annual summary record the application rests on.
		#[arg(long)]
		summary: RecordId,
		/// What `enterprise prove` wrote, for a product that states rules.
		#[arg(long)]
		evidence: Option<std::path::PathBuf>,
		#[command(flatten)]
		signing: Signing,
	},
	/// Registers the enterprise's encryption key (X25519, from `--secret-file` or `--dev`): the
	/// tax authority seals the enterprise's own records to it, so that it proves lending rules
	/// by itself.
	RegisterKey {
		#[command(flatten)]
		secret: crate::keys::SecretSource,
		#[command(flatten)]
		signing: Signing,
	},
	/// Proves a product's rules on the enterprise's sealed records, locally, and writes the
	/// evidence `apply --evidence` sends. A rule that does not hold is named; nothing is sent.
	Prove(crate::prove::ProveArgs),
	/// Accepts a bank's offer.
	Accept {
		#[arg(long)]
		loan: LoanId,
		#[command(flatten)]
		signing: Signing,
	},
	/// Withdraws an application, or declines an offer.
	Decline {
		#[arg(long)]
		loan: LoanId,
		#[command(flatten)]
		signing: Signing,
	},
}

#[derive(Args)]
pub struct GrantArgs {
	/// The bank's account (SS58).
	#[arg(long)]
	bank: String,
	/// `creditAssessment` or `postLoanMonitoring`.
	#[arg(long, default_value = "creditAssessment")]
	purpose: String,
	/// Kinds of record covered, comma-separated: annualSummary, vatReturn, incomeTaxReturn, ...
	#[arg(long, value_delimiter = ',', required = true)]
	kinds: Vec<String>,
	/// The years covered, as `2024-2025` or `2025`.
	#[arg(long)]
	years: String,
	/// Only these fields (comma-separated, e.g. `taxPaid,revenue`); without it, whole records.
	#[arg(long, value_delimiter = ',', conflicts_with = "rule_answers_only")]
	fields: Option<Vec<String>>,
	/// No figures at all: only answers to rules over committed values.
	#[arg(long)]
	rule_answers_only: bool,
	/// How long it lasts, in days (counted in the chain's blocks).
	#[arg(long)]
	valid_days: Option<u32>,
	/// How long it lasts, in blocks.
	#[arg(long)]
	valid_blocks: Option<BlockNumber>,
	/// The notice text the enterprise agreed to; the chain keeps its BLAKE2b-256 hash.
	#[arg(long, default_value = "")]
	notice: String,
	#[command(flatten)]
	signing: Signing,
}

pub async fn run(connection: &Connection, command: EnterpriseCommand) -> CliResult<Value> {
	let chain = Chain::connect(connection).await?;
	match command {
		EnterpriseCommand::Grant(args) => grant(&chain, args).await,
		EnterpriseCommand::Revoke { consent, signing } => {
			let call = RuntimeCall::Consent(pallet_consent::Call::withdraw_consent { consent });
			let included = chain.submit(&signing, call).await?;
			Ok(included.report(json!({ "consent": consent })))
		}
		EnterpriseCommand::Apply { product, amount, months, summary, evidence, signing } => {
			let amount = units::fen(&amount)?;
			let evidence = evidence
				.map(|path| EvidenceFile::read(&path)?.for_application(product, amount, months))
				.transpose()?;
			let call = RuntimeCall::Loans(pallet_loans::Call::apply_for_loan {
				product,
				amount,
				term_months: months,
				summary,
				evidence,
			});
			let included = chain.submit(&signing, call).await?;
			let loan = included.find(|event| match event {
				RuntimeEvent::Loans(pallet_loans::Event::LoanApplied { loan, .. }) => Some(*loan),
				_ => None,
			})?;
			let approved = included.events.iter().any(|event| {
				matches!(event, RuntimeEvent::Loans(pallet_loans::Event::LoanApproved { .. }))
			});
			Ok(included.report(json!({ "loan": loan, "approved": approved })))
		}
		EnterpriseCommand::Prove(args) => crate::prove::prove(&chain, args).await,
		EnterpriseCommand::RegisterKey { secret, signing } => {
			let key = secret.load()?.public();
			let call = RuntimeCall::TaxRecords(pallet_tax_records::Call::register_key { key });
			let included = chain.submit(&signing, call).await?;
			Ok(included.report(json!({ "key": crate::to_hex(&key) })))
		}
		EnterpriseCommand::Accept { loan, signing } => {
			let call = RuntimeCall::Loans(pallet_loans::Call::accept_offer { loan });
			Ok(chain.submit(&signing, call).await?.report(json!({ "loan": loan })))
		}
		EnterpriseCommand::Decline { loan, signing } => {
			let call = RuntimeCall::Loans(pallet_loans::Call::withdraw_application { loan });
			Ok(chain.submit(&signing, call).await?.report(json!({ "loan": loan })))
		}
	}
}

async fn grant(chain: &Chain, args: GrantArgs) -> CliResult<Value> {
	let bank = parse_account(&args.bank)?;
	let purpose: Purpose = parse_name(&args.purpose, "purpose")?;
	let kinds = args
		.kinds
		.iter()
		.map(|k| parse_name::<RecordKind>(k, "kind of record"))
		.collect::<CliResult<Vec<_>>>()?;
	let (first_year, last_year) = years(&args.years)?;
	let scope = DataScope {
		kinds: kinds.try_into().map_err(|_| "at most five kinds of record")?,
		first_year,
		last_year,
	};
	let disclosure = match (&args.fields, args.rule_answers_only) {
		(_, true) => DisclosureLevel::RuleAnswersOnly,
		(None, false) => DisclosureLevel::WholeRecords,
		(Some(fields), false) => DisclosureLevel::ChosenFields(
			fields
				.iter()
				.map(|f| parse_name::<FieldKey>(f, "field"))
				.collect::<CliResult<Vec<_>>>()?
				.try_into()
				.map_err(|_| "too many fields")?,
		),
	};
	let expires_at = chain.end_of_span(args.valid_days, args.valid_blocks, "consent").await?;
	let call = RuntimeCall::Consent(pallet_consent::Call::grant_consent {
		bank,
		purpose,
		scope,
		disclosure,
		expires_at,
		notice: sp_crypto_hashing::blake2_256(args.notice.as_bytes()),
	});
	let included = chain.submit(&args.signing, call).await?;
	let consent = included.find(|event| match event {
		RuntimeEvent::Consent(pallet_consent::Event::ConsentGranted { consent, .. }) => {
			Some(*consent)
		}
		_ => None,
	})?;
	Ok(included.report(json!({ "consent": consent, "expiresAt": expires_at })))
}

/// `2024-2025` or `2025`.
fn years(text: &str) -> CliResult<(u16, u16)> {
	let year = |y: &str| y.trim().parse::<u16>().map_err(|_| format!("{y} is not a year"));
	match text.split_once('-') {
		Some((first, last)) => Ok((year(first)?, year(last)?)),
		None => year(text).map(|y| (y, y)),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn years_are_a_range_or_one() {
		assert_eq!(years("2024-2025"), Ok((2024, 2025)));
		assert_eq!(years("2025"), Ok((2025, 2025)));
		assert!(years("last year").is_err());
	}
}
