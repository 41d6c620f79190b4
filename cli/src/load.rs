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
//! Before loading, the workload's accounts are made members through the chain: the tax
//! authority registers enterprises whose controllers are the load's signers
//! (`//load//<i>` under the development phrase).

use crate::{
	chain::{block_number, storage_prefix, Chain, Connection, Signer},
	to_hex, CliResult,
};
use banktax_primitives::{Period, RecordKind, Uscc};
use banktax_runtime::{AccountId, Hash, RuntimeCall};
use clap::{Parser, ValueEnum};
use codec::Encode;
use jsonrpsee::{
	core::client::{ClientT, Subscription, SubscriptionClientT},
	rpc_params,
};
use serde_json::{json, Value};
use sp_runtime::generic::Era;
use std::{
	collections::HashMap,
	sync::{Arc, Mutex},
	time::{Duration, Instant},
};
use tokio::sync::Semaphore;

/// Controllers an enterprise may have (the runtime's `MaxControllers`).
const CONTROLLERS_PER_ENTERPRISE: u32 = 8;
/// Records the attest workload files for one enterprise (the runtime allows 1 024).
const RECORDS_PER_ENTERPRISE: u32 = 1_000;
/// The sealed size of an attested record in the attest workload.
const CIPHERTEXT_LEN: usize = 1_024;

#[derive(Clone, Copy, PartialEq, Eq, Debug, ValueEnum)]
pub enum Workload {
	/// `system.remark` of 32 bytes from the load's accounts: the baseline.
	Remark,
	/// `taxRecords.attestRecord` with a 1 KiB sealed record, from the tax authority.
	Attest,
	/// No transactions: `banktax_enterpriseProfile` of `--enterprises` registered enterprises
	/// and `state_getStorage` of their controllers' accounts, as fast as the node answers.
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
	/// Signing accounts for workloads that members sign (remark).
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

	let started = Instant::now();
	let rejected = send(&args, transactions, ledger.clone(), permits).await?;
	let sending = started.elapsed();
	eprintln!("… sent for {:.1} s; waiting for blocks and finality", sending.as_secs_f64());
	let settled = Instant::now() + Duration::from_secs(args.settle);
	while Instant::now() < settled && !all_final(&ledger) {
		tokio::time::sleep(Duration::from_millis(250)).await;
	}
	watcher.abort();

	Ok(report(&args, &ledger, started, sending, rejected))
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
	let genesis = chain.genesis();
	match args.workload {
		Workload::Remark => {
			let signers: Vec<Signer> = (0..args.accounts)
				.map(|i| Signer::from_suri(&format!("//load//{i}")))
				.collect::<CliResult<_>>()?;
			let accounts: Vec<AccountId> = signers.iter().map(Signer::account).collect();
			register(chain, authority, &accounts, 0, Series::Remark).await?;
			let mut nonces = vec![0u32; signers.len()];
			let mut signed = Vec::with_capacity(count as usize);
			for n in 0..count as usize {
				let who = n % signers.len();
				let call = RuntimeCall::System(frame_system::Call::remark {
					remark: (n as u64).to_le_bytes().repeat(4),
				});
				let tx =
					chain.sign_with(&signers[who], call, nonces[who], Era::Immortal, genesis)?;
				nonces[who] = nonces[who].saturating_add(1);
				signed.push(encode(&tx));
			}
			Ok(signed)
		}
		Workload::Attest => {
			// One throwaway controller per enterprise: the records need registered enterprises.
			let enterprises = count.div_ceil(RECORDS_PER_ENTERPRISE);
			let holders: Vec<AccountId> = (0..enterprises)
				.map(|i| Signer::from_suri(&format!("//load//holder//{i}")).map(|s| s.account()))
				.collect::<CliResult<_>>()?;
			let usccs = register(chain, authority, &holders, 1, Series::Attest).await?;
			let mut nonce = chain.next_nonce(&authority.account()).await?;
			let mut signed = Vec::with_capacity(count as usize);
			for n in 0..count {
				let uscc = usccs[(n / RECORDS_PER_ENTERPRISE) as usize];
				let k = n % RECORDS_PER_ENTERPRISE;
				let period =
					Period::Month { year: 2015 + (k / 12) as u16, month: (k % 12) as u8 + 1 };
				let mut ciphertext = vec![banktax_primitives::privacy::FORMAT_VERSION];
				ciphertext.extend((n as u64).to_le_bytes().repeat(CIPHERTEXT_LEN / 8));
				ciphertext.truncate(CIPHERTEXT_LEN);
				let call = RuntimeCall::TaxRecords(pallet_tax_records::Call::attest_record {
					uscc: *uscc.as_bytes(),
					period,
					kind: RecordKind::VatReturn,
					attestation: pallet_tax_records::Attestation {
						schema_version: banktax_primitives::privacy::SCHEMA_VERSION,
						rating: None,
						commitment: sp_crypto_hashing::blake2_256(&n.to_le_bytes()),
						ciphertext,
					},
				});
				signed.push(encode(&chain.sign_with(
					authority,
					call,
					nonce,
					Era::Immortal,
					genesis,
				)?));
				nonce = nonce.saturating_add(1);
			}
			Ok(signed)
		}
		Workload::Reads => Err("the reads workload signs nothing".into()),
	}
}

fn encode(tx: &banktax_runtime::UncheckedExtrinsic) -> (Hash, String) {
	let bytes = tx.encode();
	(sp_crypto_hashing::blake2_256(&bytes).into(), to_hex(&bytes))
}

/// Which workload an enterprise was registered for: each has codes of its own, so that
/// workloads can run on one chain side by side.
#[derive(Clone, Copy)]
enum Series {
	Remark = 4,
	Attest = 5,
	Reads = 6,
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
	let per = if per_enterprise == 0 { CONTROLLERS_PER_ENTERPRISE } else { per_enterprise };
	let mut nonce = chain.next_nonce(&authority.account()).await?;
	let mut usccs = Vec::new();
	for (i, group) in accounts.chunks(per as usize).enumerate() {
		let uscc = load_uscc(series, i)?;
		let call = RuntimeCall::TaxRecords(pallet_tax_records::Call::register_enterprise {
			uscc: *uscc.as_bytes(),
			controllers: group.to_vec(),
		});
		let tx = chain.sign_with(authority, call, nonce, Era::Immortal, chain.genesis())?;
		let (_, hex) = encode(&tx);
		let _: Hash = chain.rpc("author_submitExtrinsic", rpc_params![hex]).await?;
		nonce = nonce.saturating_add(1);
		usccs.push(uscc);
	}
	// Registered once the tax authority's nonce on chain has moved past them all; 256 of its
	// transactions fit in a block.
	let deadline = Instant::now() + Duration::from_secs(120 + usccs.len() as u64 / 40);
	loop {
		let on_chain: u32 =
			chain.runtime_call("AccountNonceApi_account_nonce", authority.account()).await?;
		if on_chain >= nonce {
			break;
		}
		if Instant::now() > deadline {
			return Err("the load's enterprises were not registered in time".into());
		}
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
	eprintln!("… {} enterprises registered for {} accounts", usccs.len(), accounts.len());
	Ok(usccs)
}

/// The reads workload: registers the enterprises if they are not there yet, then asks for
/// profiles and account storage over every connection for `--seconds`.
async fn reads(chain: &Chain, args: &LoadArgs, authority: &Signer) -> CliResult<Value> {
	let n = args.enterprises.max(1) as usize;
	let controllers: Vec<AccountId> = (0..n)
		.map(|i| Signer::from_suri(&format!("//load//reader//{i}")).map(|s| s.account()))
		.collect::<CliResult<_>>()?;
	let last = load_uscc(Series::Reads, n - 1)?;
	let there: Result<Value, _> =
		chain.client().request("banktax_enterpriseProfile", rpc_params![last.to_string()]).await;
	let usccs = match there {
		Ok(_) => (0..n).map(|i| load_uscc(Series::Reads, i)).collect::<CliResult<Vec<_>>>()?,
		Err(_) => register(chain, authority, &controllers, 1, Series::Reads).await?,
	};
	let account_keys: Vec<String> = controllers
		.iter()
		.map(|a| {
			let raw: &[u8] = a.as_ref();
			let key = [
				storage_prefix(b"System", b"Account").as_slice(),
				&sp_crypto_hashing::blake2_128(raw),
				raw,
			]
			.concat();
			to_hex(&key)
		})
		.collect();
	let usccs: Arc<Vec<String>> = Arc::new(usccs.iter().map(Uscc::to_string).collect());
	let account_keys = Arc::new(account_keys);
	let clients = connections(args).await?;
	let started = Instant::now();
	let deadline = started + Duration::from_secs(args.seconds);
	let mut tasks = Vec::new();
	for (c, client) in clients.into_iter().enumerate() {
		let (usccs, account_keys) = (usccs.clone(), account_keys.clone());
		tasks.push(tokio::spawn(async move {
			let (mut profile, mut storage, mut errors) = (Vec::new(), Vec::new(), 0u32);
			let mut i = c.wrapping_mul(7919);
			while Instant::now() < deadline {
				i = i.wrapping_add(1);
				let t = Instant::now();
				let answer: Result<Value, _> = client
					.client()
					.request("banktax_enterpriseProfile", rpc_params![&usccs[i % usccs.len()]])
					.await;
				match answer {
					Ok(_) => profile.push(t.elapsed().as_secs_f64() * 1e3),
					Err(_) => errors += 1,
				}
				let t = Instant::now();
				let answer: Result<Option<String>, _> = client
					.client()
					.request("state_getStorage", rpc_params![&account_keys[i % account_keys.len()]])
					.await;
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
		"connections": args.urls.len() * args.connections.max(1),
		"seconds": (seconds * 10.0).round() / 10.0,
		"enterpriseProfile": summary(profile),
		"stateGetStorage": summary(storage),
		"errors": errors,
	}))
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
				} else if let Ok(permit) = permits.clone().acquire_owned().await {
					// Given back by the watcher when the transaction is in a block.
					permit.forget();
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
			Some(Ok(header)) = best.next() => {
				let number = block_number(&header)?;
				let hash: Hash = chain.rpc("chain_getBlockHash", rpc_params![number]).await?;
				let found = mark(&chain, hash, &ledger, |fate, now| {
					fate.in_block.get_or_insert(now);
				}).await?;
				if gives_back {
					permits.add_permits(found);
				}
			}
			Some(Ok(header)) = finalized.next() => {
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
			else => return Ok(()),
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
	json!({
		"workload": format!("{:?}", args.workload).to_lowercase(),
		"nodes": args.urls.len(),
		"connections": args.urls.len() * args.connections.max(1),
		"accounts": if args.workload == Workload::Remark { args.accounts } else { 1 },
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
	fn percentiles_are_nearest_rank() {
		let values: Vec<f64> = (1..=100).map(f64::from).collect();
		assert_eq!(percentile(&values, 50.0), 50.0);
		assert_eq!(percentile(&values, 99.0), 99.0);
		assert_eq!(percentile(&[7.0], 99.0), 7.0);
		assert_eq!(percentile(&[], 50.0), 0.0);
	}
}
