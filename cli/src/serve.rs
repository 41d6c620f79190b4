//! `banktax authority serve`: the tax bureau's delivery service.
//!
//! It follows finalised blocks and delivers, without anyone acting:
//!
//! - to a bank, under each consent in force to whole records or chosen fields, an envelope for
//!   every current record in the consent's scope that the bank lacks, or holds sealed to a key
//!   it has since replaced: when the consent is granted, when a record in its scope is attested
//!   or amended, and when the bank rotates its key. Rule-answers-only consents get nothing;
//! - to an enterprise that registered a key, each of its current records sealed to that key,
//!   in one transaction (`taxRecords.deliverOpenings`).
//!
//! What to deliver is read from the chain each time (the stored deliveries name the key they
//! were sealed to), so a restart neither misses nor repeats a delivery. The one window is a
//! batch sent and not yet final when the service stops: before sending, it writes the batch's
//! nonces to its store, and after a restart it waits until the chain has taken them (or the
//! pool has dropped them) before it looks again. The store holds the next block to process and
//! that batch, in a file readable by the service's user only.

use crate::{
	authority::bank_key,
	chain::{storage_prefix, Chain, Signer, Signing},
	envelope::{read_sealed, SealedFile},
	secrets::write_private,
	CliResult,
};
use banktax_primitives::{ConsentId, DisclosureLevel, Page, RecordId, Uscc};
use banktax_runtime::{AccountId, BlockNumber, Hash, Runtime, RuntimeCall, RuntimeEvent};
use banktax_runtime_api::{ConsentDetail, ConsentView, InstitutionView, Paged, RecordMeta};
use clap::Args;
use codec::{Decode, Encode};
use jsonrpsee::core::rpc_params;
use pallet_consent::{ConsentState, Delivery};
use pallet_tax_records::{OwnEnvelope, RecordStatus};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sp_runtime::generic::Era;
use std::{
	collections::{BTreeMap, BTreeSet},
	path::{Path, PathBuf},
	time::{Duration, Instant},
};

#[derive(Args)]
pub struct ServeArgs {
	/// Where the records' kept openings are: the files `attest --keep` and `attest-batch
	/// --keep-dir` wrote, in this directory or below it.
	#[arg(long)]
	keep_dir: PathBuf,
	/// The service's store: the next block to process and the batch being sent. Created
	/// readable by the service's user only.
	#[arg(long)]
	state_dir: PathBuf,
	/// On a first start, the first block to process; later starts go on from the store.
	#[arg(long, default_value_t = 1)]
	from_block: BlockNumber,
	/// Serve Prometheus metrics on this loopback port (`/metrics`).
	#[arg(long)]
	metrics_port: Option<u16>,
	#[command(flatten)]
	signing: Signing,
}

/// What the service keeps between runs.
#[derive(Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct State {
	/// The next finalised block whose events to act on.
	next_block: BlockNumber,
	/// A batch sent whose transactions may not be final yet.
	pending: Option<Pending>,
}

#[derive(Serialize, Deserialize, Clone, Copy)]
#[serde(rename_all = "camelCase")]
struct Pending {
	/// The nonce of the batch's first transaction.
	first_nonce: u32,
	/// How many transactions, with consecutive nonces.
	count: u32,
}

/// The store's file.
struct Store(PathBuf);

impl Store {
	fn open(dir: &Path) -> CliResult<Self> {
		std::fs::create_dir_all(dir)
			.map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
		set_private(dir, 0o700)?;
		Ok(Self(dir.join("state.json")))
	}

	fn load(&self) -> CliResult<Option<State>> {
		match std::fs::read_to_string(&self.0) {
			Ok(text) => serde_json::from_str(&text)
				.map(Some)
				.map_err(|e| format!("{} is not the service's store: {e}", self.0.display())),
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
			Err(e) => Err(format!("cannot read {}: {e}", self.0.display())),
		}
	}

	/// Replaces the file whole: a crash leaves the old state or the new one, never half.
	fn save(&self, state: &State) -> CliResult<()> {
		let text = serde_json::to_string(state).map_err(|e| e.to_string())?;
		let fresh = self.0.with_extension("json.new");
		let _ = std::fs::remove_file(&fresh);
		write_private(&fresh, &text)?;
		std::fs::rename(&fresh, &self.0)
			.map_err(|e| format!("cannot replace {}: {e}", self.0.display()))
	}
}

fn set_private(path: &Path, mode: u32) -> CliResult<()> {
	use std::os::unix::fs::PermissionsExt;
	std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
		.map_err(|e| format!("cannot restrict {}: {e}", path.display()))
}

/// The kept files under the keep directory, by the commitment of their record.
struct Kept {
	dir: PathBuf,
	by_commitment: BTreeMap<[u8; 32], PathBuf>,
}

impl Kept {
	/// The kept file of the record attested with `commitment`, looking for new files when it
	/// is not known yet.
	fn find(&mut self, commitment: &[u8; 32]) -> Option<SealedFile> {
		if !self.by_commitment.contains_key(commitment) {
			self.scan(&self.dir.clone());
		}
		self.by_commitment.get(commitment).and_then(|path| read_sealed(path).ok())
	}

	fn scan(&mut self, dir: &Path) {
		let Ok(entries) = std::fs::read_dir(dir) else { return };
		for path in entries.filter_map(|entry| entry.ok().map(|entry| entry.path())) {
			if path.is_dir() {
				self.scan(&path);
			} else if path.extension().is_some_and(|ext| ext == "json") {
				if let Some(commitment) = read_sealed(&path).ok().and_then(|k| k.commitment().ok())
				{
					self.by_commitment.insert(commitment, path);
				}
			}
		}
	}
}

/// What a block's events ask for.
#[derive(Default)]
struct Work {
	consents: BTreeSet<ConsentId>,
	enterprises: BTreeSet<Uscc>,
	banks: BTreeSet<u32>,
}

impl Work {
	fn of(events: &[RuntimeEvent]) -> Self {
		use pallet_tax_records::Event as Records;
		let mut work = Work::default();
		for event in events {
			match event {
				RuntimeEvent::Consent(pallet_consent::Event::ConsentGranted {
					consent, ..
				}) => {
					work.consents.insert(*consent);
				}
				RuntimeEvent::TaxRecords(
					Records::RecordAttested { enterprise, .. }
					| Records::RecordAmended { enterprise, .. }
					| Records::EnterpriseKeyRegistered { enterprise, .. },
				) => {
					work.enterprises.insert(*enterprise);
				}
				RuntimeEvent::Institutions(pallet_institutions::Event::EncryptionKeyRotated {
					id,
					..
				}) => {
					work.banks.insert(*id);
				}
				_ => {}
			}
		}
		work
	}

	fn is_empty(&self) -> bool {
		self.consents.is_empty() && self.enterprises.is_empty() && self.banks.is_empty()
	}
}

/// What the service reports to Prometheus.
#[derive(Default)]
struct Metrics {
	/// The next block to process, and the chain's finalised head when last looked at.
	next_block: BlockNumber,
	finalized: BlockNumber,
	transactions: u64,
	refused: u64,
	lag_blocks: u32,
	lag_seconds: f64,
}

impl Metrics {
	fn text(&self) -> String {
		let behind = self.finalized.saturating_add(1).saturating_sub(self.next_block);
		[
			("banktax_delivery_blocks_behind", "Finalised blocks not yet processed.", "gauge", f64::from(behind)),
			("banktax_delivery_transactions_total", "Delivery transactions sent.", "counter", self.transactions as f64),
			("banktax_delivery_refused_total", "Deliveries refused, with the reason in the log.", "counter", self.refused as f64),
			("banktax_delivery_lag_blocks", "Blocks from the block calling for the last deliveries to the finalised block holding them.", "gauge", f64::from(self.lag_blocks)),
			("banktax_delivery_lag_seconds", "Seconds from sending the last deliveries to their finality.", "gauge", self.lag_seconds),
		]
		.iter()
		.map(|(name, help, kind, value)| format!("# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n"))
		.collect()
	}
}

type Shared = std::sync::Arc<std::sync::Mutex<Metrics>>;

fn update(metrics: &Shared, change: impl FnOnce(&mut Metrics)) {
	if let Ok(mut metrics) = metrics.lock() {
		change(&mut metrics);
	}
}

/// Answers every HTTP request on `port` (loopback) with the metrics.
async fn serve_metrics(port: u16, metrics: Shared) -> CliResult<()> {
	use tokio::io::{AsyncReadExt, AsyncWriteExt};
	let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
		.await
		.map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
	tokio::spawn(async move {
		while let Ok((mut socket, _)) = listener.accept().await {
			let mut request = [0u8; 1024];
			let _ = socket.read(&mut request).await;
			let body = metrics.lock().map(|m| m.text()).unwrap_or_default();
			let response = format!(
				"HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
				body.len()
			);
			let _ = socket.write_all(response.as_bytes()).await;
		}
	});
	Ok(())
}

/// Runs the service until it fails; a stopped service resumes from its store.
pub async fn serve(chain: &Chain, args: ServeArgs) -> CliResult<Value> {
	let metrics = Shared::default();
	if let Some(port) = args.metrics_port {
		serve_metrics(port, metrics.clone()).await?;
	}
	let signer = Signer::load(&args.signing)?;
	let store = Store::open(&args.state_dir)?;
	let mut state = store.load()?.unwrap_or(State { next_block: args.from_block, pending: None });
	let mut kept = Kept { dir: args.keep_dir.clone(), by_commitment: BTreeMap::new() };
	log(
		json!({ "event": "started", "nextBlock": state.next_block, "account": signer.account().to_string() }),
	);
	if let Some(pending) = state.pending {
		settle(chain, &signer, pending).await?;
		state.pending = None;
		store.save(&state)?;
	}
	loop {
		let (finalized, _) = finalized_head(chain).await?;
		update(&metrics, |m| (m.finalized, m.next_block) = (finalized, state.next_block));
		while state.next_block <= finalized {
			let number = state.next_block;
			let hash: Hash = chain.rpc("chain_getBlockHash", rpc_params![number]).await?;
			let events: Vec<RuntimeEvent> =
				chain.events(hash).await?.into_iter().map(|record| record.event).collect();
			let work = Work::of(&events);
			if !work.is_empty() {
				let (calls, refused) = plan(chain, &work, &mut kept).await?;
				update(&metrics, |m| m.refused = m.refused.saturating_add(refused));
				if !calls.is_empty() {
					let started = Instant::now();
					let pending = send(chain, &signer, &store, &mut state, calls).await?;
					let (final_at, _) = settle(chain, &signer, pending).await?;
					state.pending = None;
					update(&metrics, |m| {
						m.transactions = m.transactions.saturating_add(pending.count.into());
						m.lag_blocks = final_at.saturating_sub(number);
						m.lag_seconds = started.elapsed().as_secs_f64();
					});
					log(json!({
						"event": "delivered",
						"block": number,
						"transactions": pending.count,
						"finalisedBy": final_at,
						"lagBlocks": final_at.saturating_sub(number),
						"secondsToFinal": started.elapsed().as_secs_f64(),
					}));
				}
			}
			state.next_block = number.saturating_add(1);
			store.save(&state)?;
			update(&metrics, |m| m.next_block = state.next_block);
		}
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
}

fn log(line: Value) {
	eprintln!("{line}");
}

/// Logs a delivery refused, and counts it.
fn refuse(refused: &mut u64, line: Value) {
	*refused = refused.saturating_add(1);
	log(line);
}

async fn finalized_head(chain: &Chain) -> CliResult<(BlockNumber, Hash)> {
	let hash: Hash = chain.rpc("chain_getFinalizedHead", rpc_params![]).await?;
	let header: Value = chain.rpc("chain_getHeader", rpc_params![hash]).await?;
	Ok((crate::chain::block_number(&header)?, hash))
}

/// Every transaction `work` calls for, as the chain stands now, and how many deliveries were
/// refused.
async fn plan(chain: &Chain, work: &Work, kept: &mut Kept) -> CliResult<(Vec<RuntimeCall>, u64)> {
	let mut refused = 0;
	let mut consents = work.consents.clone();
	let mut own = Vec::new();
	for enterprise in &work.enterprises {
		consents.extend(
			paged::<ConsentView<AccountId, BlockNumber>>(
				chain,
				"BankTaxApi_consents_of",
				*enterprise,
			)
			.await?
			.into_iter()
			.map(|c| c.id),
		);
		own.extend(own_deliveries(chain, *enterprise, kept, &mut refused).await?);
	}
	if !work.banks.is_empty() {
		let institutions: Vec<InstitutionView<AccountId, BlockNumber>> =
			chain.runtime_call("BankTaxApi_institutions", ()).await?;
		for bank in institutions.iter().filter(|i| work.banks.contains(&i.id)) {
			let held = paged::<ConsentView<AccountId, BlockNumber>>(
				chain,
				"BankTaxApi_consents_held",
				bank.institution.governance.clone(),
			)
			.await?;
			consents.extend(held.into_iter().map(|c| c.id));
		}
	}
	let mut calls = Vec::new();
	for consent in consents {
		calls.extend(bank_deliveries(chain, consent, kept, &mut refused).await?);
	}
	for chunk in own.chunks(256) {
		let deliveries = chunk.to_vec().try_into().map_err(|_| "too many deliveries")?;
		calls.push(RuntimeCall::TaxRecords(pallet_tax_records::Call::deliver_openings {
			deliveries,
		}));
	}
	Ok((calls, refused))
}

/// Every page of a `BankTaxApi` list keyed by `first`.
async fn paged<T: Decode>(
	chain: &Chain,
	function: &str,
	first: impl Encode + Clone,
) -> CliResult<Vec<T>> {
	let mut page = Page::default();
	let mut all = Vec::new();
	loop {
		let answer: Paged<T> = chain.runtime_call(function, (first.clone(), page)).await?;
		all.extend(answer.items);
		match answer.next {
			Some(next) => page.from = next,
			None => return Ok(all),
		}
	}
}

/// The current records of `enterprise`.
async fn current_records(
	chain: &Chain,
	enterprise: Uscc,
) -> CliResult<Vec<RecordMeta<AccountId, BlockNumber>>> {
	let records =
		paged::<RecordMeta<AccountId, BlockNumber>>(chain, "BankTaxApi_records_of", enterprise)
			.await?;
	Ok(records.into_iter().filter(|r| r.status == RecordStatus::Current).collect())
}

/// The envelope deliveries consent `id` lacks.
async fn bank_deliveries(
	chain: &Chain,
	id: ConsentId,
	kept: &mut Kept,
	refused: &mut u64,
) -> CliResult<Vec<RuntimeCall>> {
	let detail: Option<ConsentDetail<AccountId, BlockNumber>> =
		chain.runtime_call("BankTaxApi_consent", id).await?;
	let Some(detail) = detail.filter(|d| d.view.state == ConsentState::Active) else {
		return Ok(Vec::new());
	};
	let consent = detail.view.consent;
	let fields = match &consent.disclosure {
		DisclosureLevel::WholeRecords => None,
		DisclosureLevel::ChosenFields(keys) => Some(keys.to_vec()),
		DisclosureLevel::RuleAnswersOnly => {
			refuse(
				refused,
				json!({ "event": "refused", "consent": id, "why": "rule answers only: no figures to deliver" }),
			);
			return Ok(Vec::new());
		}
	};
	let key = bank_key(chain, &consent.bank).await?;
	let mut calls = Vec::new();
	for record in current_records(chain, consent.enterprise).await? {
		if !consent.scope.covers(record.kind, &record.period) {
			continue;
		}
		let held: Option<Delivery<AccountId, BlockNumber>> =
			chain.runtime_call("BankTaxApi_envelope", (id, record.id)).await?;
		if held.is_some_and(|d| d.recipient_key == key) {
			continue;
		}
		let Some(file) = kept.find(&record.commitment) else {
			refuse(
				refused,
				json!({ "event": "refused", "consent": id, "record": record.id, "why": "no kept opening for the record" }),
			);
			continue;
		};
		let (_, envelope) = file.seal_for(&key, fields.as_deref())?;
		calls.push(RuntimeCall::Consent(pallet_consent::Call::deliver_envelope {
			consent: id,
			bank: consent.bank.clone(),
			record: record.id,
			envelope,
		}));
	}
	Ok(calls)
}

/// The own-record deliveries `enterprise` lacks, if it registered a key.
async fn own_deliveries(
	chain: &Chain,
	enterprise: Uscc,
	kept: &mut Kept,
	refused: &mut u64,
) -> CliResult<Vec<(RecordId, banktax_primitives::privacy::Envelope)>> {
	let key: Option<[u8; 32]> = chain
		.storage(pallet_tax_records::EnterpriseKeys::<Runtime>::hashed_key_for(enterprise))
		.await?;
	let Some(key) = key else { return Ok(Vec::new()) };
	let mut deliveries = Vec::new();
	for record in current_records(chain, enterprise).await? {
		if record.schema_version != banktax_primitives::privacy::SCHEMA_VERSION {
			continue;
		}
		let held: Option<OwnEnvelope> = chain
			.storage(pallet_tax_records::OwnEnvelopes::<Runtime>::hashed_key_for(record.id))
			.await?;
		if held.is_some_and(|own| own.key == key) {
			continue;
		}
		let Some(file) = kept.find(&record.commitment) else {
			refuse(
				refused,
				json!({ "event": "refused", "record": record.id, "why": "no kept opening for the record" }),
			);
			continue;
		};
		let (_, envelope) = file.seal_for(&key, None)?;
		let envelope = envelope.try_into().map_err(|_| "the envelope is too long")?;
		deliveries.push((record.id, envelope));
	}
	Ok(deliveries)
}

/// Signs `calls` with consecutive nonces, writes them to the store as pending, and sends them.
async fn send(
	chain: &Chain,
	signer: &Signer,
	store: &Store,
	state: &mut State,
	calls: Vec<RuntimeCall>,
) -> CliResult<Pending> {
	let first_nonce = chain.next_nonce(&signer.account()).await?;
	let count = u32::try_from(calls.len()).map_err(|_| "too many transactions")?;
	let pending = Pending { first_nonce, count };
	state.pending = Some(pending);
	store.save(state)?;
	let (era_start, number) = chain.era_anchor().await?;
	let era = Era::mortal(crate::chain::MORTALITY, number.into());
	log(json!({ "event": "sending", "transactions": count, "firstNonce": first_nonce }));
	for (nonce, call) in (first_nonce..).zip(calls) {
		let extrinsic = chain.sign_with(signer, call, nonce, era, era_start)?;
		let sent: CliResult<Hash> = chain
			.rpc("author_submitExtrinsic", rpc_params![crate::to_hex(&extrinsic.encode())])
			.await;
		if let Err(e) = sent {
			log(json!({ "event": "refused", "nonce": nonce, "why": e }));
		}
	}
	Ok(pending)
}

/// Waits until the chain has taken the nonces of `pending` in a finalised block, or nothing of
/// ours is left in the pool or in blocks not yet final (what was never sent, or was dropped,
/// never comes); the finalised block then.
async fn settle(
	chain: &Chain,
	signer: &Signer,
	pending: Pending,
) -> CliResult<(BlockNumber, Hash)> {
	let end = pending.first_nonce.saturating_add(pending.count);
	let account = signer.account();
	let key = [
		storage_prefix(b"System", b"Account"),
		sp_crypto_hashing::blake2_128(&account.encode()).to_vec(),
		account.encode(),
	]
	.concat();
	loop {
		let (number, hash) = finalized_head(chain).await?;
		let raw: Option<String> =
			chain.rpc("state_getStorage", rpc_params![crate::to_hex(&key), hash]).await?;
		let nonce = raw
			.map(|raw| crate::from_hex(&raw, "an account"))
			.transpose()?
			.and_then(|bytes| u32::decode(&mut &bytes[..]).ok())
			.unwrap_or_default();
		if nonce >= end {
			return Ok((number, hash));
		}
		// The pool's next nonce counts the best chain and the pool: no higher, nothing is coming.
		if chain.next_nonce(&account).await? <= nonce {
			log(
				json!({ "event": "refused", "why": "transactions not in the pool", "firstNonce": nonce }),
			);
			return Ok((number, hash));
		}
		tokio::time::sleep(Duration::from_millis(250)).await;
	}
}
