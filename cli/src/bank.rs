//! `banktax bank`: what a bank does: open and verify what it was delivered, record its use,
//! publish loan products, decide applications and book disbursements and repayments.

use crate::{
	chain::{Chain, Connection, Signing},
	envelope::{calls_for_envelope, header_of, open_checked},
	keys::SecretSource,
	parse_name, units, CliResult,
};
use banktax_primitives::{
	privacy::rules::{Rule, MAX_RULES},
	ConsentId, Purpose, Rating, RecordId,
};
use banktax_runtime::{AccountId, BlockNumber, RuntimeCall, RuntimeEvent};
use banktax_runtime_api::{ConsentDetail, LoanDetail, SealedRecord};
use clap::{Args, Subcommand};
use pallet_consent::Delivery;
use pallet_loans::{
	LoanId, ProductRules, ProductTerms, RejectionReason, RepaymentStyle, StandardOffer,
};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

#[derive(Subcommand)]
pub enum BankCommand {
	/// Fetches the envelope for a record under a consent and the sealed record, opens them with
	/// the bank's secret key, and checks every figure against the record's commitment on chain.
	Open {
		#[arg(long)]
		consent: ConsentId,
		#[arg(long)]
		record: RecordId,
		#[command(flatten)]
		secret: SecretSource,
		/// Seconds to wait for the tax bureau's delivery service when the consent calls for
		/// an envelope not delivered yet (e.g. right after the grant).
		#[arg(long, default_value_t = 30)]
		wait_seconds: u64,
	},
	/// Publishes a new encryption key for the bank (e.g. from `keys generate --out`): envelopes
	/// are sealed to it from then on, and the tax bureau's delivery service seals again to it
	/// what the bank holds under its consents in force.
	RotateKey {
		#[command(flatten)]
		secret: SecretSource,
		#[command(flatten)]
		signing: Signing,
	},
	/// Records a use of consented data in the consent's access log.
	RecordAccess {
		#[arg(long)]
		consent: ConsentId,
		#[arg(long)]
		record: RecordId,
		/// `creditAssessment` or `postLoanMonitoring`.
		#[arg(long, default_value = "creditAssessment")]
		purpose: String,
		#[command(flatten)]
		signing: Signing,
	},
	/// Publishes a loan product.
	PublishProduct(ProductArgs),
	/// Approves an application: the offer, and the records the decision rests on.
	Approve {
		#[arg(long)]
		loan: LoanId,
		/// In yuan.
		#[arg(long)]
		amount: String,
		/// Annual rate in basis points (435 = 4.35 %).
		#[arg(long)]
		rate_bps: u32,
		#[arg(long)]
		months: u16,
		/// How long the offer stays open, in days.
		#[arg(long)]
		offer_days: Option<u32>,
		/// How long the offer stays open, in blocks.
		#[arg(long)]
		offer_blocks: Option<BlockNumber>,
		/// The records the decision rests on, comma-separated.
		#[arg(long, value_delimiter = ',', required = true)]
		records: Vec<RecordId>,
		#[command(flatten)]
		signing: Signing,
	},
	/// Rejects an application with a reason code.
	Reject {
		#[arg(long)]
		loan: LoanId,
		/// insufficientTaxBase, complianceRecord, excessiveExposure, shortHistory,
		/// incompleteData or outsidePolicy.
		#[arg(long)]
		reason: String,
		#[command(flatten)]
		signing: Signing,
	},
	/// Records that the accepted loan was paid out.
	Disburse {
		#[arg(long)]
		loan: LoanId,
		#[command(flatten)]
		signing: Signing,
	},
	/// Records a repayment: amounts given, or the next instalments as the schedule says.
	Repay {
		#[arg(long)]
		loan: LoanId,
		/// Principal repaid, in yuan.
		#[arg(long, requires = "interest", conflicts_with = "instalments")]
		principal: Option<String>,
		/// Interest paid, in yuan.
		#[arg(long)]
		interest: Option<String>,
		/// Pays what is left of the next this many instalments.
		#[arg(long)]
		instalments: Option<u32>,
		#[command(flatten)]
		signing: Signing,
	},
	/// Declares an overdue loan defaulted.
	DeclareDefault {
		#[arg(long)]
		loan: LoanId,
		#[command(flatten)]
		signing: Signing,
	},
	/// Writes a defaulted loan off.
	WriteOff {
		#[arg(long)]
		loan: LoanId,
		#[command(flatten)]
		signing: Signing,
	},
}

#[derive(Args)]
pub struct ProductArgs {
	/// Ratings it lends to, comma-separated (e.g. A,B,M).
	#[arg(long, value_delimiter = ',', required = true)]
	ratings: Vec<String>,
	/// Largest loan, in yuan.
	#[arg(long)]
	max_amount: String,
	/// Longest term, in months.
	#[arg(long)]
	max_months: u16,
	/// Lowest annual rate, basis points.
	#[arg(long)]
	min_rate_bps: u32,
	/// Highest annual rate, basis points.
	#[arg(long)]
	max_rate_bps: u32,
	/// `equalInstalments` or `interestOnlyThenBullet`.
	#[arg(long, default_value = "equalInstalments")]
	style: String,
	/// Most an enterprise may owe across banks, this loan included, in yuan.
	#[arg(long)]
	exposure_cap: String,
	/// Days past due after which a loan may be declared defaulted.
	#[arg(long, default_value_t = 90)]
	default_after_days: u32,
	/// What an application must prove on the enterprise's sealed figures: a JSON file with a
	/// list of rules (docs/privacy.md lists the vocabulary), amounts in fen.
	#[arg(long)]
	rules: Option<std::path::PathBuf>,
	/// Approve by itself, at this annual rate (basis points), every application that proves
	/// the rules, if the enterprise's exposure across banks leaves room.
	#[arg(long, requires = "rules")]
	standard_rate_bps: Option<u32>,
	/// How long such an offer stays open, in days.
	#[arg(long, default_value_t = 7)]
	offer_days: u32,
	#[command(flatten)]
	signing: Signing,
}

pub async fn run(connection: &Connection, command: BankCommand) -> CliResult<Value> {
	let chain = Chain::connect(connection).await?;
	let (signing, call, extract): (Signing, RuntimeCall, Extract) = match command {
		BankCommand::Open { consent, record, secret, wait_seconds } => {
			return open(&chain, consent, record, &secret, wait_seconds).await
		}
		BankCommand::RotateKey { secret, signing } => {
			let key = secret.load()?.public();
			let call = pallet_institutions::Call::rotate_encryption_key { key };
			(signing, RuntimeCall::Institutions(call), rotated_key)
		}
		BankCommand::RecordAccess { consent, record, purpose, signing } => {
			let purpose: Purpose = parse_name(&purpose, "purpose")?;
			let call = pallet_consent::Call::record_access { consent, record, purpose };
			(signing, RuntimeCall::Consent(call), access_number)
		}
		BankCommand::PublishProduct(args) => {
			let call = pallet_loans::Call::publish_product { terms: terms(&args)? };
			(args.signing, RuntimeCall::Loans(call), product_id)
		}
		BankCommand::Approve {
			loan,
			amount,
			rate_bps,
			months,
			offer_days,
			offer_blocks,
			records,
			signing,
		} => {
			let offer_expires_at = chain.end_of_span(offer_days, offer_blocks, "offer").await?;
			let call = pallet_loans::Call::approve_loan {
				loan,
				amount: units::fen(&amount)?,
				rate_bps,
				term_months: months,
				offer_expires_at,
				records,
			};
			(signing, RuntimeCall::Loans(call), nothing)
		}
		BankCommand::Reject { loan, reason, signing } => {
			let reason: RejectionReason = parse_name(&reason, "rejection reason")?;
			(signing, RuntimeCall::Loans(pallet_loans::Call::reject_loan { loan, reason }), nothing)
		}
		BankCommand::Disburse { loan, signing } => {
			(signing, RuntimeCall::Loans(pallet_loans::Call::record_disbursement { loan }), nothing)
		}
		BankCommand::Repay { loan, principal, interest, instalments, signing } => {
			let (principal, interest) = match (principal, interest, instalments) {
				(Some(p), Some(i), None) => (units::fen(&p)?, units::fen(&i)?),
				(None, None, Some(n)) => next_instalments(&chain, loan, n).await?,
				_ => return Err("give --principal and --interest, or --instalments".into()),
			};
			let call = pallet_loans::Call::record_repayment { loan, principal, interest };
			(signing, RuntimeCall::Loans(call), repayment)
		}
		BankCommand::DeclareDefault { loan, signing } => {
			(signing, RuntimeCall::Loans(pallet_loans::Call::declare_default { loan }), nothing)
		}
		BankCommand::WriteOff { loan, signing } => {
			(signing, RuntimeCall::Loans(pallet_loans::Call::write_off { loan }), nothing)
		}
	};
	let included = chain.submit(&signing, call).await?;
	let extra = included.events.iter().find_map(extract).unwrap_or(json!({}));
	Ok(included.report(extra))
}

/// Picks the figures a command reports out of its events.
type Extract = fn(&RuntimeEvent) -> Option<Value>;

fn nothing(_: &RuntimeEvent) -> Option<Value> {
	None
}

fn rotated_key(event: &RuntimeEvent) -> Option<Value> {
	match event {
		RuntimeEvent::Institutions(pallet_institutions::Event::EncryptionKeyRotated {
			key,
			..
		}) => Some(json!({ "key": crate::to_hex(key) })),
		_ => None,
	}
}

fn access_number(event: &RuntimeEvent) -> Option<Value> {
	match event {
		RuntimeEvent::Consent(pallet_consent::Event::AccessRecorded { number, .. }) => {
			Some(json!({ "access": number }))
		}
		_ => None,
	}
}

/// A repayment in yuan, and whether it closed the loan.
fn repayment(event: &RuntimeEvent) -> Option<Value> {
	match event {
		RuntimeEvent::Loans(pallet_loans::Event::RepaymentRecorded {
			principal, interest, ..
		}) => Some(
			json!({ "principal": units::yuan(*principal), "interest": units::yuan(*interest) }),
		),
		_ => None,
	}
}

fn product_id(event: &RuntimeEvent) -> Option<Value> {
	match event {
		RuntimeEvent::Loans(pallet_loans::Event::ProductPublished { product, .. }) => {
			Some(json!({ "product": product }))
		}
		_ => None,
	}
}

fn terms(args: &ProductArgs) -> CliResult<ProductTerms> {
	let ratings = args
		.ratings
		.iter()
		.map(|r| parse_name::<Rating>(r, "rating"))
		.collect::<CliResult<Vec<_>>>()?;
	Ok(ProductTerms {
		ratings: ratings.try_into().map_err(|_| "at most five ratings")?,
		max_amount: units::fen(&args.max_amount)?,
		max_term_months: args.max_months,
		min_rate_bps: args.min_rate_bps,
		max_rate_bps: args.max_rate_bps,
		style: parse_name::<RepaymentStyle>(&args.style, "repayment style")?,
		exposure_cap: units::fen(&args.exposure_cap)?,
		default_after_days: args.default_after_days,
		rules: match &args.rules {
			Some(path) => read_rules(path)?,
			None => Default::default(),
		},
		automatic: args
			.standard_rate_bps
			.map(|rate_bps| StandardOffer { rate_bps, valid_days: args.offer_days }),
	})
}

/// A product's rules from a JSON file: a list such as
/// `[{"atLeast": {"kind": "annualSummary", "field": "revenue", "threshold": 500000000}}]`.
fn read_rules(path: &std::path::Path) -> CliResult<ProductRules> {
	let text = std::fs::read_to_string(path)
		.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
	let rules: Vec<Rule> = serde_json::from_str(&text)
		.map_err(|e| format!("{} is not a list of rules: {e}", path.display()))?;
	rules
		.try_into()
		.map_err(|_| format!("{}: a product states at most {MAX_RULES} rules", path.display()))
}

/// What is left of the loan's next `count` unpaid instalments: (principal, interest).
async fn next_instalments(chain: &Chain, loan: LoanId, count: u32) -> CliResult<(u128, u128)> {
	let detail: Option<LoanDetail<AccountId, BlockNumber>> =
		chain.runtime_call("BankTaxApi_loan", loan).await?;
	let detail = detail.ok_or(format!("there is no loan {loan}"))?;
	let unpaid = detail.schedule.iter().filter(|i| !i.is_paid()).take(count as usize);
	let due = unpaid.fold((0u128, 0u128), |(p, i), inst| {
		(
			p.saturating_add(inst.principal.saturating_sub(inst.principal_paid)),
			i.saturating_add(inst.interest.saturating_sub(inst.interest_paid)),
		)
	});
	if due == (0, 0) {
		return Err(format!("loan {loan} has nothing left to repay"));
	}
	Ok(due)
}

/// The envelope for `sealed` under `consent`, waiting up to `wait` for it while the consent
/// calls for one: in force, to figures, over the record, which is current.
async fn delivery(
	chain: &Chain,
	consent: ConsentId,
	sealed: &SealedRecord<AccountId, BlockNumber>,
	wait: Duration,
) -> CliResult<Delivery<AccountId, BlockNumber>> {
	let record = sealed.meta.id;
	let started = Instant::now();
	let mut told = false;
	loop {
		let delivery: Option<Delivery<AccountId, BlockNumber>> =
			chain.runtime_call("BankTaxApi_envelope", (consent, record)).await?;
		if let Some(delivery) = delivery {
			return Ok(delivery);
		}
		let detail: Option<ConsentDetail<AccountId, BlockNumber>> =
			chain.runtime_call("BankTaxApi_consent", consent).await?;
		let due = detail.is_some_and(|d| calls_for_envelope(&d.view, &sealed.meta));
		if !due || started.elapsed() >= wait {
			return Err(format!(
				"no envelope for record {record} under consent {consent}: not delivered, or the consent is not in force"
			));
		}
		if !told {
			eprintln!("… waiting for the tax bureau to deliver the envelope");
			told = true;
		}
		tokio::time::sleep(Duration::from_secs(1)).await;
	}
}

async fn open(
	chain: &Chain,
	consent: ConsentId,
	record: RecordId,
	secret: &SecretSource,
	wait_seconds: u64,
) -> CliResult<Value> {
	let secret = secret.load()?;
	let sealed: Option<SealedRecord<AccountId, BlockNumber>> =
		chain.runtime_call("BankTaxApi_sealed_record", record).await?;
	let sealed = sealed.ok_or(format!("there is no record {record}"))?;
	let delivery = delivery(chain, consent, &sealed, Duration::from_secs(wait_seconds)).await?;
	let header = header_of(&sealed);
	let mut opened = open_checked(
		&secret,
		&delivery.envelope,
		&header,
		&sealed.meta.commitment,
		&sealed.ciphertext,
	)?;
	if let Some(out) = opened.as_object_mut() {
		out.insert("consent".into(), json!(consent));
		out.insert("recordId".into(), json!(record));
		out.insert("deliveredAt".into(), json!(delivery.delivered_at));
	}
	Ok(opened)
}
