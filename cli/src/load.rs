//! `banktax-load`: the load generator of the performance harness (`scripts/bench.sh`,
//! `docs/performance.md`).
//!
//! It works as peers measure chains (Hyperledger Caliper, Parity's sTPS): real signed
//! transactions from many registered accounts, signed ahead of time, sent over several
//! WebSocket connections, and followed in the chain itself. One connection watches new best
//! and finalised blocks and finds each transaction in them by its hash, so every transaction
//! gets a submit → in block and a submit → finalised latency.
//!
//! Two ways to load:
//! - `--rate 0` (the default): as fast as the node takes them, keeping at most `--in-flight`
//!   transactions sent and not yet in a block. This finds the sustained included rate.
//! - `--rate R`: R transactions a second, whatever happens, for latency at a given load.
//!
//! Before loading, the workload's enterprise accounts are made members through the chain: the
//! tax authority registers enterprises whose controllers are the load's signers
//! (`//load//…` under the development phrase). Remarks, which only institutions may send, come
//! from the tax authority and the banks.

use crate::{
	chain::{block_number, storage_prefix, Chain, Connection, Signer, Signing, Wait},
	to_hex, CliResult,
};
use banktax_primitives::{
	privacy, ConsentId, DataScope, DisclosureLevel, Period, Purpose, Rating, RecordId, RecordKind,
	Uscc,
};
use banktax_runtime::{AccountId, Hash, RuntimeCall, RuntimeEvent};
use banktax_runtime_api::EnterpriseProfile;
use clap::{Parser, ValueEnum};
use codec::Encode;
use jsonrpsee::{
	core::client::{ClientT, Subscription, SubscriptionClientT},
	rpc_params,
};
use pallet_loans::{LoanId, ProductTerms, RepaymentStyle};
use serde_json::{json, Value};
use sp_runtime::generic::Era;
use std::{
	collections::HashMap,
	sync::{Arc, Mutex},
	time::{Duration, Instant},
};
use tokio::sync::Semaphore;

/// Enterprises whose records the attest workload files, a month of returns at a time.
const ATTEST_ENTERPRISES: u32 = 256;
/// Enterprises under whose consents and loans the access and repay workloads run.
const BANK_CUSTOMERS: u32 = 16;

/// The limits the runtime's configuration sets, which the workloads fill but must not pass.
mod limits {
	use banktax_runtime::Runtime;
	use sp_runtime::traits::Get;

	/// Records one attestation may carry.
	pub fn records_per_batch() -> u32 {
		<Runtime as pallet_tax_records::Config>::MaxRecordsPerBatch::get()
	}

	/// Controllers an enterprise may have.
	pub fn controllers_per_enterprise() -> u32 {
		<Runtime as pallet_tax_records::Config>::MaxControllers::get()
	}

	/// Records one enterprise may hold.
	pub fn records_per_enterprise() -> u32 {
		<Runtime as pallet_tax_records::Config>::MaxRecordsPerEnterprise::get()
	}

	/// Consents one enterprise may hold with one bank at a time.
	pub fn consents_per_bank() -> u32 {
		<Runtime as pallet_consent::Config>::MaxActiveConsents::get()
	}
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, ValueEnum)]
pub enum Workload {
	/// `system.remark` of 32 bytes from the tax authority and the `--bank`s: the baseline.
	Remark,
	/// Sealed monthly VAT returns (format version 2), from the tax authority: `taxRecords.attestRecord`, or
	/// `taxRecords.attestRecords` of `--batch` records (a month's returns of that many
	/// enterprises) per transaction.
	Attest,
	/// `consent.grantConsent` from `--accounts` enterprises' controllers to the `--bank`s.
	Grant,
	/// `consent.recordAccess` by the first `--bank`, under consents of 16 enterprises.
	Access,
	/// `loans.recordRepayment` by the first `--bank`, on loans to 16 enterprises.
	Repay,
	/// No transactions: `banktax_enterpriseProfile` of `--enterprises` enterprises and
	/// `state_getStorage` of their controllers' accounts, as fast as the node answers. Reads
	/// the genesis's generated enterprises if it has them (`SyntheticRegister`), else
	/// registers enterprises first.
	Reads,
}

#[derive(Parser, Clone)]
#[command(name = "banktax-load", about = "Loads a BankTax Chain node and measures it")]
pub struct LoadArgs {
	/// A node to send transactions to; repeat to spread them over several nodes.
	#[arg(long = "url", required = true)]
	pub urls: Vec<String>,
	/// WebSocket connections per node for sending.
	#[arg(long, default_value_t = 4)]
	pub connections: usize,
	#[arg(long, value_enum)]
	pub workload: Workload,
	/// Enterprises' controllers for the grant workload.
	#[arg(long, default_value_t = 512)]
	pub accounts: u32,
	/// Transactions a second; 0 for as fast as the node takes them.
	#[arg(long, default_value_t = 0)]
	pub rate: u32,
	/// Seconds of sending.
	#[arg(long, default_value_t = 30)]
	pub seconds: u64,
	/// Most seconds to wait after sending for the last transactions to be in blocks and final.
	#[arg(long, default_value_t = 30)]
	pub settle: u64,
	/// Most transactions sent and not yet in a block, with `--rate 0`.
	#[arg(long, default_value_t = 4_096)]
	pub in_flight: usize,
	/// Most transactions signed ahead (the run stops sending when they are used up).
	#[arg(long, default_value_t = 60_000)]
	pub max_transactions: u32,
	/// Enterprises registered for the reads workload (only registered if not there yet).
	#[arg(long, default_value_t = 10_000)]
	pub enterprises: u32,
	/// The tax authority's signing key.
	#[arg(long, default_value = "//Alice")]
	pub authority: String,
	/// A bank's signing key, for the workloads that involve banks; repeat for several.
	#[arg(long = "bank", default_values_t = ["//Bob".to_string(), "//Charlie".to_string()])]
	pub banks: Vec<String>,
	/// A node process on this machine whose CPU use to report while the load is sent; repeat
	/// for several.
	#[arg(long = "node-pid")]
	pub node_pids: Vec<u32>,
	/// Records per transaction in the attest workload.
	#[arg(long, default_value_t = 1)]
	pub batch: u32,
	/// Consecutive records of one enterprise in the attest workload: 1 for a month's returns
	/// of many enterprises, 12 for each enterprise's year of them.
	#[arg(long, default_value_t = 1)]
	pub runs_of: u32,
	/// For the grant workload: before it, attest a sealed 2024 annual summary of each
	/// enterprise, kept in this directory as `authority attest --keep` keeps it, so that the
	/// tax bureau's delivery service (`authority serve --keep-dir`) has an envelope to deliver
	/// under each consent.
	#[arg(long)]
	pub keep_dir: Option<std::path::PathBuf>,
}

/// What happened to one transaction.
#[derive(Default, Clone, Copy)]
struct Fate {
	sent: Option<Instant>,
	in_block: Option<Instant>,
	finalized: Option<Instant>,
}

/// Every transaction of the run, by hash.
type Ledger = Arc<Mutex<HashMap<Hash, Fate>>>;

pub async fn run(args: LoadArgs) -> CliResult<Value> {
	let first = Connection { url: args.urls[0].clone() };
	let chain = Chain::connect(&first).await?;
	let authority = Signer::from_suri(&args.authority)?;
	if args.workload == Workload::Reads {
		return reads(&chain, &args, &authority).await;
	}
	let transactions = signed_load(&chain, &args, &authority).await?;
	eprintln!("… {} transactions signed", transactions.len());

	let ledger: Ledger = Arc::new(Mutex::new(
		transactions.iter().map(|(hash, _)| (*hash, Fate::default())).collect(),
	));
	let permits = Arc::new(Semaphore::new(args.in_flight.max(1)));
	let watcher =
		tokio::spawn(watch(first.clone(), ledger.clone(), permits.clone(), args.rate == 0));

	let first_block = chain.best_number().await?;
	let cpu_before = CpuTimes::now(&args.node_pids);
	let started = Instant::now();
	let rejected = send(&args, transactions, ledger.clone(), permits).await?;
	let sending = started.elapsed();
	let cpu = CpuTimes::now(&args.node_pids).cores_since(&cpu_before, sending);
	eprintln!("… sent for {:.1} s; waiting for blocks and finality", sending.as_secs_f64());
	let settled = Instant::now() + Duration::from_secs(args.settle);
	while Instant::now() < settled && !all_final(&ledger) {
		tokio::time::sleep(Duration::from_millis(250)).await;
	}
	watcher.abort();

	let mut report = report(&args, &ledger, started, sending, rejected);
	report["cpuCores"] = cpu;
	if args.workload == Workload::Grant && args.keep_dir.is_some() {
		report["delivery"] = delivery_lag(&chain, first_block, args.settle).await?;
	}
	Ok(report)
}

/// How long the consents granted from block `from` on waited for their envelopes, which the tax
/// bureau's delivery service beside the load delivers: in blocks, and in seconds by the blocks'
/// timestamps, from the grant's block to the first delivery's. Waits up to `settle` seconds for
/// the last envelopes. The service kept up if every consent got its envelope and 95 % of them
/// within 2 blocks.
async fn delivery_lag(chain: &Chain, from: u32, settle: u64) -> CliResult<Value> {
	let deadline = Instant::now() + Duration::from_secs(settle);
	let mut granted: HashMap<ConsentId, (u32, u64)> = HashMap::new();
	let mut delivered: HashMap<ConsentId, (u32, u64)> = HashMap::new();
	let mut next = from;
	loop {
		let best = chain.best_number().await?;
		while next <= best {
			let hash: Hash = chain.rpc("chain_getBlockHash", rpc_params![next]).await?;
			let moment = chain.moment(hash).await?;
			for record in chain.events(hash).await? {
				match record.event {
					RuntimeEvent::Consent(pallet_consent::Event::ConsentGranted {
						consent,
						..
					}) => {
						granted.insert(consent, (next, moment));
					}
					RuntimeEvent::Consent(pallet_consent::Event::EnvelopeDelivered {
						consent,
						..
					}) => {
						delivered.entry(consent).or_insert((next, moment));
					}
					_ => {}
				}
			}
			next = next.saturating_add(1);
		}
		let all = granted.keys().all(|consent| delivered.contains_key(consent));
		if (all && !granted.is_empty()) || Instant::now() >= deadline {
			break;
		}
		tokio::time::sleep(Duration::from_secs(1)).await;
	}
	let (mut blocks, mut seconds) = (Vec::new(), Vec::new());
	for (consent, (block, moment)) in &granted {
		if let Some((at, when)) = delivered.get(consent) {
			blocks.push(f64::from(at.saturating_sub(*block)));
			seconds.push(when.saturating_sub(*moment) as f64 / 1000.0);
		}
	}
	blocks.sort_by(f64::total_cmp);
	seconds.sort_by(f64::total_cmp);
	let spread = |values: &[f64]| {
		json!({
			"p50": percentile(values, 50.0),
			"p95": percentile(values, 95.0),
			"max": percentile(values, 100.0),
		})
	};
	let kept_up = blocks.len() == granted.len() && percentile(&blocks, 95.0) <= 2.0;
	Ok(json!({
		"consents": granted.len(),
		"delivered": blocks.len(),
		"lagBlocks": spread(&blocks),
		"lagSeconds": spread(&seconds),
		"keptUp": kept_up,
	}))
}

/// Whether every transaction sent is in a finalised block.
fn all_final(ledger: &Ledger) -> bool {
	ledger
		.lock()
		.map(|l| l.values().all(|f| f.sent.is_none() || f.finalized.is_some()))
		.unwrap_or(true)
}

/// Registers what the workload needs and signs its transactions: `(hash, encoded)` in the order
/// they are to be sent.
async fn signed_load(
	chain: &Chain,
	args: &LoadArgs,
	authority: &Signer,
) -> CliResult<Vec<(Hash, String)>> {
	let count = match args.rate {
		0 => args.max_transactions,
		rate => rate.saturating_mul(args.seconds as u32).min(args.max_transactions),
	};
	let mut load = Presigned::new(chain);
	match args.workload {
		Workload::Remark => {
			// Remarks are for institutions only: the tax authority and the banks send them.
			let mut signers = vec![authority.clone()];
			for bank in &args.banks {
				signers.push(Signer::from_suri(bank)?);
			}
			for n in 0..count as usize {
				let call = RuntimeCall::System(frame_system::Call::remark {
					remark: (n as u64).to_le_bytes().repeat(4),
				});
				load.sign(&signers[n % signers.len()], call).await?;
			}
		}
		Workload::Attest => {
			// One throwaway controller per enterprise: the records need registered enterprises.
			let holders = load_signers("//load//holder", ATTEST_ENTERPRISES)?;
			let usccs =
				register(chain, authority, &accounts_of(&holders), 1, Series::Attest).await?;
			let batch = args.batch.max(1);
			let records = count
				.saturating_mul(batch)
				.min(ATTEST_ENTERPRISES * limits::records_per_enterprise());
			let runs_of = args.runs_of.max(1);
			let records: Vec<_> = (0..records).map(|n| load_record(&usccs, runs_of, n)).collect();
			for chunk in records.chunks(batch as usize) {
				let call = match chunk {
					[one] => RuntimeCall::TaxRecords(pallet_tax_records::Call::attest_record {
						uscc: one.uscc,
						period: one.period,
						kind: one.kind,
						attestation: one.attestation.clone(),
					}),
					many => RuntimeCall::TaxRecords(pallet_tax_records::Call::attest_records {
						records: many
							.to_vec()
							.try_into()
							.map_err(|_| "--batch is larger than the chain allows")?,
					}),
				};
				load.sign(authority, call).await?;
			}
		}
		Workload::Grant => {
			let signers = load_signers("//load//grant", args.accounts)?;
			let usccs =
				register(chain, authority, &accounts_of(&signers), 1, Series::Grant).await?;
			if let Some(dir) = &args.keep_dir {
				attest_kept_summaries(chain, authority, &usccs, dir).await?;
			}
			let banks = bank_accounts(args)?;
			let expires_at = chain.end_of_span(Some(30), None, "consent").await?;
			let most = (signers.len() * banks.len()) as u32 * limits::consents_per_bank();
			for n in 0..count.min(most) as usize {
				let bank = banks[(n / signers.len()) % banks.len()].clone();
				let call = RuntimeCall::Consent(pallet_consent::Call::grant_consent {
					bank,
					purpose: Purpose::CreditAssessment,
					scope: summaries_scope()?,
					disclosure: DisclosureLevel::WholeRecords,
					expires_at,
					notice: sp_crypto_hashing::blake2_256(&n.to_le_bytes()),
				});
				load.sign(&signers[n % signers.len()], call).await?;
			}
		}
		Workload::Access | Workload::Repay => {
			let with_loans = args.workload == Workload::Repay;
			let bank_suri = first_bank(args)?;
			let bank = Signer::from_suri(bank_suri)?;
			let customers = customers(chain, authority, bank_suri, with_loans).await?;
			for n in 0..count as usize {
				let customer = &customers[n % customers.len()];
				let call = if with_loans {
					// One fen at a time: every repayment is one of the loan's many.
					RuntimeCall::Loans(pallet_loans::Call::record_repayment {
						loan: customer.loan.ok_or("a customer has no loan")?,
						principal: 1,
						interest: 0,
					})
				} else {
					RuntimeCall::Consent(pallet_consent::Call::record_access {
						consent: customer.consent,
						record: customer.summary,
						purpose: Purpose::CreditAssessment,
					})
				};
				load.sign(&bank, call).await?;
			}
		}
		Workload::Reads => return Err("the reads workload signs nothing".into()),
	}
	Ok(load.signed)
}

/// Transactions signed ahead, each signer's with consecutive nonces from its next one.
struct Presigned<'a> {
	chain: &'a Chain,
	nonces: HashMap<AccountId, u32>,
	signed: Vec<(Hash, String)>,
}

impl<'a> Presigned<'a> {
	fn new(chain: &'a Chain) -> Self {
		Self { chain, nonces: HashMap::new(), signed: Vec::new() }
	}

	async fn sign(&mut self, signer: &Signer, call: RuntimeCall) -> CliResult<()> {
		let who = signer.account();
		let nonce = match self.nonces.get(&who) {
			Some(nonce) => *nonce,
			None => self.chain.next_nonce(&who).await?,
		};
		let tx = self.chain.sign_with(signer, call, nonce, Era::Immortal, self.chain.genesis())?;
		self.nonces.insert(who, nonce.saturating_add(1));
		self.signed.push(encode(&tx));
		Ok(())
	}

	/// Sends everything signed so far and waits until it is all in blocks (each signer's
	/// nonce on chain has moved past it).
	async fn send_and_wait(&mut self) -> CliResult<()> {
		for (_, hex) in self.signed.drain(..) {
			let _: Hash = self.chain.rpc("author_submitExtrinsic", rpc_params![hex]).await?;
		}
		let deadline = Instant::now() + Duration::from_secs(300);
		for (who, next) in &self.nonces {
			loop {
				let on_chain: u32 =
					self.chain.runtime_call("AccountNonceApi_account_nonce", who.clone()).await?;
				if on_chain >= *next {
					break;
				}
				if Instant::now() > deadline {
					return Err("the load's set-up transactions were not in blocks in time".into());
				}
				tokio::time::sleep(Duration::from_millis(500)).await;
			}
		}
		Ok(())
	}
}

/// `count` signers `<prefix>//<i>` under the development phrase.
fn load_signers(prefix: &str, count: u32) -> CliResult<Vec<Signer>> {
	(0..count).map(|i| Signer::from_suri(&format!("{prefix}//{i}"))).collect()
}

fn accounts_of(signers: &[Signer]) -> Vec<AccountId> {
	signers.iter().map(Signer::account).collect()
}

fn bank_accounts(args: &LoadArgs) -> CliResult<Vec<AccountId>> {
	let banks: Vec<AccountId> = args
		.banks
		.iter()
		.map(|b| Signer::from_suri(b).map(|s| s.account()))
		.collect::<CliResult<_>>()?;
	if banks.is_empty() {
		return Err("the workload needs a --bank".into());
	}
	Ok(banks)
}

fn first_bank(args: &LoadArgs) -> CliResult<&str> {
	args.banks.first().map(String::as_str).ok_or_else(|| "the workload needs a --bank".into())
}

/// Annual summaries of 2023 to 2025: what a credit assessment reads.
fn summaries_scope() -> CliResult<DataScope> {
	Ok(DataScope {
		kinds: vec![RecordKind::AnnualSummary].try_into().map_err(|_| "one kind fits")?,
		first_year: 2023,
		last_year: 2025,
	})
}

/// The `n`th record of the attest workload, a sealed VAT return: records come in runs of `runs_of`
/// months of one enterprise, enterprise after enterprise; a month's VAT returns if 1.
fn load_record(usccs: &[Uscc], runs_of: u32, n: u32) -> pallet_tax_records::BatchedRecord {
	let enterprises = usccs.len().max(1) as u32;
	let run = n / runs_of;
	let (e, k) = (run % enterprises, (run / enterprises) * runs_of + n % runs_of);
	let period = Period::Month { year: 2015 + (k / 12) as u16, month: (k % 12) as u8 + 1 };
	let ciphertext =
		privacy::unopenable_sealed_record(RecordKind::VatReturn, &u64::from(n).to_le_bytes());
	pallet_tax_records::BatchedRecord {
		uscc: usccs.get(e as usize).map(|u| *u.as_bytes()).unwrap_or([b'0'; 18]),
		period,
		kind: RecordKind::VatReturn,
		attestation: pallet_tax_records::Attestation {
			schema_version: banktax_primitives::privacy::SCHEMA_VERSION,
			rating: None,
			commitment: sp_crypto_hashing::blake2_256(&n.to_le_bytes()),
			ciphertext,
		},
	}
}

/// An enterprise the bank of the access and repay workloads serves.
struct Customer {
	consent: ConsentId,
	summary: RecordId,
	loan: Option<LoanId>,
}

/// Makes `BANK_CUSTOMERS` enterprises customers of `bank` through the chain, as the story
/// goes: registered, their 2024 summary attested (rated A), consent granted to the bank, and,
/// `with_loans`, a loan of 1 000 000 yuan over 12 months applied for, approved, accepted and
/// disbursed. Reads every step back.
async fn customers(
	chain: &Chain,
	authority: &Signer,
	bank_suri: &str,
	with_loans: bool,
) -> CliResult<Vec<Customer>> {
	let bank = Signer::from_suri(bank_suri)?;
	let series = if with_loans { Series::Repay } else { Series::Access };
	let prefix = format!("//load//customer//{}", series as u8);
	let controllers = load_signers(&prefix, BANK_CUSTOMERS)?;
	let usccs = register(chain, authority, &accounts_of(&controllers), 1, series).await?;
	let mut load = Presigned::new(chain);
	let summaries: Vec<_> = usccs
		.iter()
		.map(|uscc| {
			let mut record = load_record(std::slice::from_ref(uscc), 1, 0);
			record.period = Period::Year(2024);
			record.kind = RecordKind::AnnualSummary;
			record.attestation.rating = Some(Rating::A);
			record.attestation.ciphertext =
				privacy::unopenable_sealed_record(record.kind, uscc.as_bytes());
			record
		})
		.collect();
	let records = summaries.try_into().map_err(|_| "too many customers for one batch")?;
	load.sign(
		authority,
		RuntimeCall::TaxRecords(pallet_tax_records::Call::attest_records { records }),
	)
	.await?;
	let expires_at = chain.end_of_span(Some(30), None, "consent").await?;
	for controller in &controllers {
		let call = RuntimeCall::Consent(pallet_consent::Call::grant_consent {
			bank: bank.account(),
			purpose: Purpose::CreditAssessment,
			scope: summaries_scope()?,
			disclosure: DisclosureLevel::WholeRecords,
			expires_at,
			notice: [0; 32],
		});
		load.sign(controller, call).await?;
	}
	load.send_and_wait().await?;
	let mut customers = Vec::new();
	for uscc in &usccs {
		let profile = profile(chain, uscc).await?;
		let consent = profile
			.consents
			.items
			.first()
			.map(|c| c.id)
			.ok_or("a customer's consent is missing")?;
		let summary =
			profile.records.items.first().map(|r| r.id).ok_or("a customer's summary is missing")?;
		customers.push(Customer { consent, summary, loan: None });
	}
	if with_loans {
		lend(chain, bank_suri, &controllers, &usccs, &mut customers).await?;
	}
	eprintln!("… {} customers of the bank ready", customers.len());
	Ok(customers)
}

/// Takes each customer through a loan with `bank`: product, application, approval,
/// acceptance, disbursement.
async fn lend(
	chain: &Chain,
	bank_suri: &str,
	controllers: &[Signer],
	usccs: &[Uscc],
	customers: &mut [Customer],
) -> CliResult<()> {
	const AMOUNT: u128 = 100_000_000; // 1 000 000 yuan, in fen
	let terms = ProductTerms {
		ratings: vec![Rating::A].try_into().map_err(|_| "one rating fits")?,
		max_amount: AMOUNT,
		max_term_months: 12,
		min_rate_bps: 300,
		max_rate_bps: 800,
		style: RepaymentStyle::EqualInstalments,
		exposure_cap: AMOUNT.saturating_mul(2),
		default_after_days: 90,
		rules: Default::default(),
		automatic: None,
	};
	let bank = Signer::from_suri(bank_suri)?;
	let signing = Signing { suri: Some(bank_suri.into()), key_file: None, wait: Wait::InBlock };
	let call = RuntimeCall::Loans(pallet_loans::Call::publish_product { terms });
	let product = chain.submit(&signing, call).await?.find(|event| match event {
		RuntimeEvent::Loans(pallet_loans::Event::ProductPublished { product, .. }) => {
			Some(*product)
		}
		_ => None,
	})?;
	let mut load = Presigned::new(chain);
	for (controller, customer) in controllers.iter().zip(customers.iter()) {
		let call = RuntimeCall::Loans(pallet_loans::Call::apply_for_loan {
			product,
			amount: AMOUNT,
			term_months: 12,
			summary: customer.summary,
			evidence: None,
		});
		load.sign(controller, call).await?;
	}
	load.send_and_wait().await?;
	for (uscc, customer) in usccs.iter().zip(customers.iter_mut()) {
		customer.loan = profile(chain, uscc).await?.loans.items.first().map(|l| l.id);
	}
	let offer_expires_at = chain.end_of_span(Some(1), None, "offer").await?;
	for customer in customers.iter() {
		let call = RuntimeCall::Loans(pallet_loans::Call::approve_loan {
			loan: customer.loan.ok_or("a customer's application is missing")?,
			amount: AMOUNT,
			rate_bps: 400,
			term_months: 12,
			offer_expires_at,
			records: vec![customer.summary],
		});
		load.sign(&bank, call).await?;
	}
	load.send_and_wait().await?;
	for (controller, customer) in controllers.iter().zip(customers.iter()) {
		let loan = customer.loan.ok_or("a customer's loan is missing")?;
		load.sign(controller, RuntimeCall::Loans(pallet_loans::Call::accept_offer { loan }))
			.await?;
	}
	load.send_and_wait().await?;
	for customer in customers.iter() {
		let loan = customer.loan.ok_or("a customer's loan is missing")?;
		load.sign(&bank, RuntimeCall::Loans(pallet_loans::Call::record_disbursement { loan }))
			.await?;
	}
	load.send_and_wait().await?;
	for uscc in usccs {
		let repaying = profile(chain, uscc)
			.await?
			.loans
			.items
			.first()
			.is_some_and(|l| matches!(l.state, pallet_loans::LoanState::Repaying));
		if !repaying {
			return Err(format!("the loan to {uscc} is not being repaid after set-up"));
		}
	}
	Ok(())
}

async fn profile(chain: &Chain, uscc: &Uscc) -> CliResult<EnterpriseProfile<AccountId, u32>> {
	let profile: Option<EnterpriseProfile<AccountId, u32>> =
		chain.runtime_call("BankTaxApi_enterprise_profile", *uscc).await?;
	profile.ok_or_else(|| format!("{uscc} is not registered"))
}

fn encode(tx: &banktax_runtime::UncheckedExtrinsic) -> (Hash, String) {
	let bytes = tx.encode();
	(sp_crypto_hashing::blake2_256(&bytes).into(), to_hex(&bytes))
}

/// Which workload an enterprise was registered for: each has codes of its own, so that
/// workloads can run on one chain side by side.
#[derive(Clone, Copy)]
enum Series {
	Attest = 5,
	Reads = 6,
	Grant = 7,
	Access = 8,
	Repay = 3,
}

/// The code of the `i`th enterprise of a series.
fn load_uscc(series: Series, i: usize) -> CliResult<Uscc> {
	let first: [u8; 17] = format!("914{}{:013}", series as u8, i)
		.into_bytes()
		.try_into()
		.map_err(|_| "too many enterprises for the load's codes")?;
	Uscc::complete(&first).map_err(|e| format!("load enterprise code: {e}"))
}

/// Registers enterprises holding `accounts` as controllers, eight to an enterprise (or
/// `per_enterprise` if not 0), and waits until they are on chain. Returns their codes.
async fn register(
	chain: &Chain,
	authority: &Signer,
	accounts: &[AccountId],
	per_enterprise: u32,
	series: Series,
) -> CliResult<Vec<Uscc>> {
	let per =
		if per_enterprise == 0 { limits::controllers_per_enterprise() } else { per_enterprise };
	let mut load = Presigned::new(chain);
	let mut usccs = Vec::new();
	for (i, group) in accounts.chunks(per as usize).enumerate() {
		let uscc = load_uscc(series, i)?;
		let call = RuntimeCall::TaxRecords(pallet_tax_records::Call::register_enterprise {
			uscc: *uscc.as_bytes(),
			controllers: group.to_vec(),
		});
		load.sign(authority, call).await?;
		usccs.push(uscc);
	}
	load.send_and_wait().await?;
	eprintln!("… {} enterprises registered for {} accounts", usccs.len(), accounts.len());
	Ok(usccs)
}

/// Attests a sealed 2024 annual summary of each of `usccs`, keeping each in `dir` as
/// `authority attest --keep` would.
async fn attest_kept_summaries(
	chain: &Chain,
	authority: &Signer,
	usccs: &[Uscc],
	dir: &std::path::Path,
) -> CliResult<()> {
	use privacy::{Field, FieldKey, RecordHeader, TaxRecord};
	let mut load = Presigned::new(chain);
	for batch in usccs.chunks(limits::records_per_batch() as usize) {
		let mut records = Vec::new();
		for uscc in batch {
			let kind = RecordKind::AnnualSummary;
			let header = RecordHeader {
				schema_version: privacy::SCHEMA_VERSION,
				enterprise: *uscc,
				period: Period::Year(2024),
				kind,
				rating: Some(Rating::A),
			};
			let fields = FieldKey::catalogue(kind)
				.iter()
				.map(|key| Field { key: *key, value: u128::from(key.max_value()).min(1_000_000) })
				.collect();
			let record = TaxRecord::new(header, fields)
				.map_err(|e| format!("cannot make a summary: {e:?}"))?;
			let sealed = privacy::seal_record(record, &mut rand_core::OsRng)
				.map_err(|e| format!("cannot seal: {e:?}"))?;
			let name = format!("{}-2024.sealed.json", String::from_utf8_lossy(uscc.as_bytes()));
			crate::authority::keep_secret(&dir.join(name), &crate::record::sealed_json(&sealed)?)?;
			records.push(crate::authority::batched(&sealed));
		}
		let records = records.try_into().map_err(|_| "a batch larger than the chain takes")?;
		let call = RuntimeCall::TaxRecords(pallet_tax_records::Call::attest_records { records });
		load.sign(authority, call).await?;
	}
	load.send_and_wait().await?;
	eprintln!("… {} summaries attested and kept in {}", usccs.len(), dir.display());
	Ok(())
}

/// The reads workload: asks for profiles and account storage over every connection for
/// `--seconds`, each of an enterprise picked at random.
async fn reads(chain: &Chain, args: &LoadArgs, authority: &Signer) -> CliResult<Value> {
	let n = args.enterprises.max(1);
	let targets = Arc::new(read_targets(chain, authority, n).await?);
	let clients = connections(args).await?;
	let started = Instant::now();
	let deadline = started + Duration::from_secs(args.seconds);
	let mut tasks = Vec::new();
	for (c, client) in clients.into_iter().enumerate() {
		let targets = targets.clone();
		tasks.push(tokio::spawn(async move {
			let (mut profile, mut storage, mut errors) = (Vec::new(), Vec::new(), 0u32);
			// xorshift64: a cheap uniform pick, so that a large state is read all over.
			let mut state = 0x9e37_79b9_7f4a_7c15_u64 ^ (c as u64 + 1);
			while Instant::now() < deadline {
				state ^= state << 13;
				state ^= state >> 7;
				state ^= state << 17;
				let (uscc, account_key) = targets.at(state);
				let t = Instant::now();
				let answer: Result<Value, _> =
					client.client().request("banktax_enterpriseProfile", rpc_params![uscc]).await;
				match answer {
					Ok(_) => profile.push(t.elapsed().as_secs_f64() * 1e3),
					Err(_) => errors += 1,
				}
				let t = Instant::now();
				let answer: Result<Option<String>, _> =
					client.client().request("state_getStorage", rpc_params![account_key]).await;
				match answer {
					Ok(_) => storage.push(t.elapsed().as_secs_f64() * 1e3),
					Err(_) => errors += 1,
				}
			}
			(profile, storage, errors)
		}));
	}
	let (mut profile, mut storage, mut errors) = (Vec::new(), Vec::new(), 0u32);
	for task in tasks {
		let (p, s, e) = task.await.map_err(|e| format!("a reader failed: {e}"))?;
		profile.extend(p);
		storage.extend(s);
		errors = errors.saturating_add(e);
	}
	let seconds = started.elapsed().as_secs_f64();
	let summary = |mut ms: Vec<f64>| {
		ms.sort_by(f64::total_cmp);
		json!({
			"requests": ms.len(),
			"perSecond": ((ms.len() as f64 / seconds) * 10.0).round() / 10.0,
			"p50Ms": percentile(&ms, 50.0),
			"p99Ms": percentile(&ms, 99.0),
		})
	};
	Ok(json!({
		"workload": "reads",
		"enterprises": n,
		"generated": matches!(*targets, ReadTargets::Generated(_)),
		"connections": args.urls.len() * args.connections.max(1),
		"seconds": (seconds * 10.0).round() / 10.0,
		"enterpriseProfile": summary(profile),
		"stateGetStorage": summary(storage),
		"errors": errors,
	}))
}

/// The enterprises the reads workload reads.
enum ReadTargets {
	/// The genesis's generated enterprises `0..n`.
	Generated(u32),
	/// Enterprises registered for the workload: (code, controller's `System::Account` key).
	Registered(Vec<(String, String)>),
}

impl ReadTargets {
	/// The code and controller account key of the enterprise that `pick` falls on.
	fn at(&self, pick: u64) -> (String, String) {
		match self {
			ReadTargets::Generated(n) => {
				let i = (pick % u64::from((*n).max(1))) as u32;
				let uscc = pallet_tax_records::synthetic_uscc(i).map(|u| u.to_string());
				let account = AccountId::from(pallet_tax_records::synthetic_controller_seed(i));
				(uscc.unwrap_or_default(), account_key(&account))
			}
			ReadTargets::Registered(targets) => {
				let i = (pick % targets.len().max(1) as u64) as usize;
				targets.get(i).cloned().unwrap_or_default()
			}
		}
	}
}

/// The genesis's generated enterprises if there are `n` of them; else `n` enterprises
/// registered for the workload, registered now if they are not there yet.
async fn read_targets(chain: &Chain, authority: &Signer, n: u32) -> CliResult<ReadTargets> {
	let there = |uscc: Uscc| async move {
		let answer: Result<Value, _> = chain
			.client()
			.request("banktax_enterpriseProfile", rpc_params![uscc.to_string()])
			.await;
		answer.is_ok()
	};
	let last_generated = pallet_tax_records::synthetic_uscc(n - 1).ok_or("too many enterprises")?;
	if there(last_generated).await {
		eprintln!("… reading {n} generated enterprises");
		return Ok(ReadTargets::Generated(n));
	}
	let controllers = accounts_of(&load_signers("//load//reader", n)?);
	let usccs = if there(load_uscc(Series::Reads, n as usize - 1)?).await {
		(0..n as usize).map(|i| load_uscc(Series::Reads, i)).collect::<CliResult<Vec<_>>>()?
	} else {
		register(chain, authority, &controllers, 1, Series::Reads).await?
	};
	Ok(ReadTargets::Registered(
		usccs.iter().zip(&controllers).map(|(u, a)| (u.to_string(), account_key(a))).collect(),
	))
}

/// The `System::Account` storage key of `account`, as hex.
fn account_key(account: &AccountId) -> String {
	let raw: &[u8] = account.as_ref();
	let key = [
		storage_prefix(b"System", b"Account").as_slice(),
		&sp_crypto_hashing::blake2_128(raw),
		raw,
	]
	.concat();
	to_hex(&key)
}

/// `--connections` connections to each node of `--url`.
async fn connections(args: &LoadArgs) -> CliResult<Vec<Chain>> {
	let mut clients = Vec::new();
	for url in &args.urls {
		for _ in 0..args.connections.max(1) {
			clients.push(Chain::connect(&Connection { url: url.clone() }).await?);
		}
	}
	Ok(clients)
}

/// Sends every transaction over the connections, at the rate asked for or as permits allow.
/// Returns the refusals by reason.
async fn send(
	args: &LoadArgs,
	transactions: Vec<(Hash, String)>,
	ledger: Ledger,
	permits: Arc<Semaphore>,
) -> CliResult<HashMap<String, u32>> {
	let clients: Vec<Arc<Chain>> = connections(args).await?.into_iter().map(Arc::new).collect();
	let queue = Arc::new(Mutex::new(transactions.into_iter()));
	let rejected = Arc::new(Mutex::new(HashMap::<String, u32>::new()));
	let deadline = Instant::now() + Duration::from_secs(args.seconds);
	let per_sender = match args.rate {
		0 => None,
		rate => Some(Duration::from_secs_f64(clients.len() as f64 / f64::from(rate))),
	};
	let mut tasks = Vec::new();
	for client in clients {
		let (queue, ledger, rejected, permits) =
			(queue.clone(), ledger.clone(), rejected.clone(), permits.clone());
		tasks.push(tokio::spawn(async move {
			let mut next = Instant::now();
			while Instant::now() < deadline {
				if let Some(interval) = per_sender {
					tokio::time::sleep_until(next.into()).await;
					next += interval;
				} else {
					// Given back by the watcher when the transaction is in a block.
					match tokio::time::timeout_at(deadline.into(), permits.clone().acquire_owned())
						.await
					{
						Ok(Ok(permit)) => permit.forget(),
						_ => break,
					}
				}
				let Some((hash, hex)) = queue.lock().ok().and_then(|mut q| q.next()) else {
					break;
				};
				if let Ok(mut ledger) = ledger.lock() {
					ledger.entry(hash).or_default().sent = Some(Instant::now());
				}
				let sent: Result<Hash, _> =
					client.client().request("author_submitExtrinsic", rpc_params![hex]).await;
				if let Err(e) = sent {
					if per_sender.is_none() {
						permits.add_permits(1);
					}
					let reason = e.to_string().chars().take(120).collect::<String>();
					if let Ok(mut rejected) = rejected.lock() {
						*rejected.entry(reason).or_default() += 1;
					}
				}
			}
		}));
	}
	for task in tasks {
		task.await.map_err(|e| format!("a sender failed: {e}"))?;
	}
	let rejected = rejected.lock().map(|r| r.clone()).unwrap_or_default();
	Ok(rejected)
}

/// Follows best and finalised blocks and notes when each transaction of the ledger shows up.
async fn watch(connection: Connection, ledger: Ledger, permits: Arc<Semaphore>, gives_back: bool) {
	if let Err(e) = watch_blocks(connection, ledger, permits, gives_back).await {
		eprintln!("… the block watcher stopped: {e}");
	}
}

async fn watch_blocks(
	connection: Connection,
	ledger: Ledger,
	permits: Arc<Semaphore>,
	gives_back: bool,
) -> CliResult<()> {
	let chain = Chain::connect(&connection).await?;
	let mut best: Subscription<Value> = chain
		.client()
		.subscribe("chain_subscribeNewHeads", rpc_params![], "chain_unsubscribeNewHeads")
		.await
		.map_err(|e| e.to_string())?;
	let mut finalized: Subscription<Value> = chain
		.client()
		.subscribe(
			"chain_subscribeFinalizedHeads",
			rpc_params![],
			"chain_unsubscribeFinalizedHeads",
		)
		.await
		.map_err(|e| e.to_string())?;
	let mut last_final: Option<u32> = None;
	loop {
		tokio::select! {
			header = best.next() => {
				let header = header
					.ok_or("the node ended the new-heads subscription")?
					.map_err(|e| format!("new heads: {e}"))?;
				let number = block_number(&header)?;
				let hash: Hash = chain.rpc("chain_getBlockHash", rpc_params![number]).await?;
				let found = mark(&chain, hash, &ledger, |fate, now| {
					fate.in_block.get_or_insert(now);
				}).await?;
				if gives_back {
					permits.add_permits(found);
				}
			}
			header = finalized.next() => {
				let header = header
					.ok_or("the node ended the finalised-heads subscription")?
					.map_err(|e| format!("finalised heads: {e}"))?;
				let number = block_number(&header)?;
				let from = last_final.map_or(number, |n| n.saturating_add(1));
				for n in from..=number {
					let hash: Hash = chain.rpc("chain_getBlockHash", rpc_params![n]).await?;
					mark(&chain, hash, &ledger, |fate, now| {
						fate.finalized.get_or_insert(now);
						fate.in_block.get_or_insert(now);
					}).await?;
				}
				last_final = Some(number);
			}
		}
	}
}

/// Applies `note` to every ledger transaction in block `hash`; returns how many it found
/// there for the first time.
async fn mark(
	chain: &Chain,
	hash: Hash,
	ledger: &Ledger,
	note: impl Fn(&mut Fate, Instant),
) -> CliResult<usize> {
	let block: Value = chain.rpc("chain_getBlock", rpc_params![hash]).await?;
	let now = Instant::now();
	let mut new = 0;
	let Ok(mut ledger) = ledger.lock() else { return Ok(0) };
	for xt in block["block"]["extrinsics"].as_array().into_iter().flatten() {
		let Some(bytes) = xt.as_str().and_then(|h| crate::from_hex(h, "extrinsic").ok()) else {
			continue;
		};
		let xt_hash: Hash = sp_crypto_hashing::blake2_256(&bytes).into();
		if let Some(fate) = ledger.get_mut(&xt_hash) {
			if fate.in_block.is_none() {
				new += 1;
			}
			note(fate, now);
		}
	}
	Ok(new)
}

/// The run in figures.
fn report(
	args: &LoadArgs,
	ledger: &Ledger,
	started: Instant,
	sending: Duration,

	rejected: HashMap<String, u32>,
) -> Value {
	let fates: Vec<Fate> = ledger.lock().map(|l| l.values().copied().collect()).unwrap_or_default();
	let sent: Vec<&Fate> = fates.iter().filter(|f| f.sent.is_some()).collect();
	let latency = |pick: fn(&Fate) -> Option<Instant>| {
		let mut ms: Vec<f64> = sent
			.iter()
			.filter_map(|f| Some(pick(f)?.duration_since(f.sent?).as_secs_f64() * 1e3))
			.collect();
		ms.sort_by(f64::total_cmp);
		json!({ "p50": percentile(&ms, 50.0), "p99": percentile(&ms, 99.0), "count": ms.len() })
	};
	// As fast as the node takes them: everything that reached a block, over the time from the
	// first send to the block that took the last of it. At a set rate: over the sending time.
	let included = sent.iter().filter(|f| f.in_block.is_some()).count();
	let last_in_block = sent.iter().filter_map(|f| f.in_block).max();
	let span = match (args.rate, last_in_block) {
		(0, Some(last)) => last.duration_since(started),
		_ => sending,
	}
	.as_secs_f64();
	let records_each = if args.workload == Workload::Attest { args.batch.max(1) } else { 0 };
	json!({
		"workload": format!("{:?}", args.workload).to_lowercase(),
		"nodes": args.urls.len(),
		"connections": args.urls.len() * args.connections.max(1),
		"accounts": match args.workload {
			Workload::Remark | Workload::Grant => args.accounts,
			_ => 1,
		},
		"recordsPerTransaction": records_each,
		"runsOf": if records_each > 0 { args.runs_of.max(1) } else { 0 },
		"recordsPerSecond": ((records_each as f64 * included as f64 / span.max(1e-3)) * 10.0).round() / 10.0,
		"targetRate": args.rate,
		"seconds": (sending.as_secs_f64() * 10.0).round() / 10.0,
		"submitted": sent.len(),
		"rejected": rejected.values().sum::<u32>(),
		"rejectedBy": rejected,
		"included": included,
		"finalized": sent.iter().filter(|f| f.finalized.is_some()).count(),
		"includedPerSecond": ((included as f64 / span.max(1e-3)) * 10.0).round() / 10.0,
		"submitToBlockMs": latency(|f| f.in_block),
		"submitToFinalMs": latency(|f| f.finalized),
	})
}

/// CPU seconds used so far by the node processes and by this one (Linux `/proc`).
struct CpuTimes {
	nodes: Option<f64>,
	load: Option<f64>,
}

impl CpuTimes {
	fn now(node_pids: &[u32]) -> Self {
		let nodes = node_pids
			.iter()
			.map(|pid| cpu_seconds(&format!("/proc/{pid}/stat")))
			.sum::<Option<f64>>()
			.filter(|_| !node_pids.is_empty());
		Self { nodes, load: cpu_seconds("/proc/self/stat") }
	}

	/// Cores used on average since `before`, over `elapsed`: `{ nodes, load }`.
	fn cores_since(&self, before: &CpuTimes, elapsed: Duration) -> Value {
		let cores = |now: Option<f64>, then: Option<f64>| {
			let used = now? - then?;
			Some((used / elapsed.as_secs_f64().max(1e-3) * 100.0).round() / 100.0)
		};
		json!({ "nodes": cores(self.nodes, before.nodes), "load": cores(self.load, before.load) })
	}
}

/// User and system CPU seconds of the process whose `stat` file is `path`.
fn cpu_seconds(path: &str) -> Option<f64> {
	// Clock ticks per second of /proc's times: USER_HZ, 100 on Linux.
	const TICKS: f64 = 100.0;
	let stat = std::fs::read_to_string(path).ok()?;
	// Fields after the command name, which is in parentheses and may hold spaces.
	let rest = stat.get(stat.rfind(')')? + 2..)?;
	let fields: Vec<&str> = rest.split_whitespace().collect();
	let utime: f64 = fields.get(11)?.parse().ok()?;
	let stime: f64 = fields.get(12)?.parse().ok()?;
	Some((utime + stime) / TICKS)
}

/// The `p`th percentile of sorted `values` (nearest rank); 0 for none.
fn percentile(sorted: &[f64], p: f64) -> f64 {
	if sorted.is_empty() {
		return 0.0;
	}
	let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
	let value = sorted[rank.clamp(1, sorted.len()) - 1];
	(value * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn this_process_has_cpu_times() {
		let spent = cpu_seconds("/proc/self/stat").expect("Linux /proc");
		let busy = (0..2_000_000u64).fold(0u64, |a, b| a.wrapping_mul(31).wrapping_add(b));
		assert!(busy != 1);
		assert!(cpu_seconds("/proc/self/stat").expect("Linux /proc") >= spent);
		assert_eq!(cpu_seconds("/proc/0/stat"), None);
	}

	#[test]
	fn attest_records_are_unique_and_come_in_runs() {
		let usccs: Vec<Uscc> =
			(0..3).map(|i| load_uscc(Series::Attest, i).expect("a code")).collect();
		for runs_of in [1, 12] {
			let records: Vec<_> = (0..72).map(|n| load_record(&usccs, runs_of, n)).collect();
			let keys: std::collections::HashSet<_> =
				records.iter().map(|r| (r.uscc, r.period.encode())).collect();
			assert_eq!(keys.len(), records.len(), "no (enterprise, month) twice");
			assert!(records.iter().all(|r| r.period.is_valid()));
			let (runs, _, rated) =
				pallet_tax_records::Pallet::<banktax_runtime::Runtime>::batch_shape(&records);
			assert_eq!(runs, 72 / runs_of);
			assert_eq!(rated, 0);
		}
	}

	#[test]
	fn percentiles_are_nearest_rank() {
		let values: Vec<f64> = (1..=100).map(f64::from).collect();
		assert_eq!(percentile(&values, 50.0), 50.0);
		assert_eq!(percentile(&values, 99.0), 99.0);
		assert_eq!(percentile(&[7.0], 99.0), 7.0);
		assert_eq!(percentile(&[], 50.0), 0.0);
	}
}
