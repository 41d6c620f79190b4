//! `banktax authority serve`: the tax bureau's delivery service.
//!
//! It follows the chain's blocks and delivers, without anyone acting:
//!
//! - to a bank, under each consent in force to whole records or chosen fields, an envelope for
//!   every current record in the consent's scope that the bank lacks, or holds sealed to a key
//!   it has since replaced: when the consent is granted, when a record in its scope is attested
//!   or amended, and when the bank rotates its key. Rule-answers-only consents get nothing;
//! - to an enterprise that registered a key, each of its current records sealed to that key,
//!   in one transaction (`taxRecords.deliverOpenings`).
//!
//! What to deliver is read from the chain each time (the stored deliveries name the key they
//! were sealed to), so acting twice on a block sends nothing twice. The service acts on a block
//! as soon as it is in the best chain, which is what keeps a bank's wait to about a block, and
//! acts again on a block a reorganisation replaced; its store records progress only as blocks
//! become final. The one window is a batch sent and not yet final when the service stops:
//! before sending, it writes the batch's nonces to its store, and after a restart it waits until
//! the finalised chain has taken them (or the pool has dropped them) before it looks again. The
//! store is a file readable by the service's user only.

use crate::{
	chain::{Chain, Head, Signer, Signing},
	envelope::{calls_for_envelope, read_kept, seal_for},
	record::KeptRecord,
	secrets::write_private,
	CliResult,
};
use banktax_primitives::{privacy::FieldKey, ConsentId, DisclosureLevel, Page, RecordId, Uscc};
use banktax_runtime::{AccountId, BlockNumber, Hash, Runtime, RuntimeCall, RuntimeEvent};
use banktax_runtime_api::{ConsentDetail, ConsentView, InstitutionView, Paged, RecordMeta};
use clap::Args;
use codec::{Decode, Encode};
use jsonrpsee::core::{
	client::{Subscription, SubscriptionClientT},
	rpc_params,
};
use pallet_consent::{ConsentState, Delivery};
use pallet_tax_records::{OwnEnvelope, RecordStatus};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sp_runtime::{generic::Era, traits::Get};
use std::{
	collections::{BTreeMap, BTreeSet},
	path::{Path, PathBuf},
	time::Duration,
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
	/// On a first start, the first block to act on; later starts go on from the store.
	#[arg(long, default_value_t = 1)]
	from_block: BlockNumber,
	/// Serve Prometheus metrics on this loopback port (`/metrics`).
	#[arg(long)]
	metrics_port: Option<u16>,
	#[command(flatten)]
	signing: Signing,
}

/// What the service keeps between runs.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct State {
	/// The chain the store belongs to: a store follows one chain only.
	genesis: Hash,
	/// The first block not final when last looked at: a restart acts on it and those after.
	next_block: BlockNumber,
	/// The batches sent whose transactions may not be final yet (consecutive nonces).
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

impl State {
	/// Records `batch` as sent: batches in the best chain and not yet final stay pending with
	/// it, as one range of nonces.
	fn sending(&mut self, batch: Pending) {
		self.pending = Some(match self.pending {
			Some(earlier) => Pending {
				first_nonce: earlier.first_nonce,
				count: batch.end().saturating_sub(earlier.first_nonce),
			},
			None => batch,
		});
	}
}

impl Pending {
	/// The nonce after the batch's last transaction.
	fn end(&self) -> u32 {
		self.first_nonce.saturating_add(self.count)
	}
}

/// The store: its file, and what it holds.
struct Store {
	path: PathBuf,
	state: State,
}

impl Store {
	/// The store in `dir` for the chain with `genesis`, made with `next_block` if there is none.
	fn open(dir: &Path, genesis: Hash, next_block: BlockNumber) -> CliResult<Self> {
		std::fs::create_dir_all(dir)
			.map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
		set_private(dir, 0o700)?;
		let path = dir.join("state.json");
		let state = match std::fs::read_to_string(&path) {
			Ok(text) => serde_json::from_str::<State>(&text)
				.map_err(|e| format!("{} is not the service's store: {e}", path.display()))?,
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
				State { genesis, next_block, pending: None }
			}
			Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
		};
		if state.genesis != genesis {
			return Err(format!(
				"the store in {} follows the chain with genesis {:?}, not this one ({genesis:?}): give a store of this chain's",
				dir.display(),
				state.genesis,
			));
		}
		Ok(Self { path, state })
	}

	/// Replaces the file whole: a crash leaves the old state or the new one, never half.
	fn save(&self) -> CliResult<()> {
		let text = serde_json::to_string(&self.state).map_err(|e| e.to_string())?;
		let fresh = self.path.with_extension("json.new");
		let _ = std::fs::remove_file(&fresh);
		write_private(&fresh, &text)?;
		std::fs::rename(&fresh, &self.path)
			.map_err(|e| format!("cannot replace {}: {e}", self.path.display()))
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
	/// Each record's file, and its place in the file (a file may hold a list).
	by_commitment: BTreeMap<[u8; 32], (PathBuf, usize)>,
	/// Every file looked at, so that a new scan reads only new files.
	seen: BTreeSet<PathBuf>,
	/// The records of the file read last: a batch's records are looked up one after another,
	/// and a file of many is read once for them, not once each.
	last: Option<(PathBuf, Vec<KeptRecord>)>,
}

impl Kept {
	fn new(dir: PathBuf) -> Self {
		Self { dir, by_commitment: BTreeMap::new(), seen: BTreeSet::new(), last: None }
	}

	/// The kept file of the record attested with `commitment`, looking for new files when it
	/// is not known yet.
	fn find(&mut self, commitment: &[u8; 32]) -> Option<KeptRecord> {
		if !self.by_commitment.contains_key(commitment) {
			self.scan(&self.dir.clone());
		}
		let (path, index) = self.by_commitment.get(commitment)?.clone();
		if !matches!(&self.last, Some((read, _)) if *read == path) {
			self.last = Some((path.clone(), read_kept(&path).ok()?));
		}
		self.last.as_ref()?.1.get(index).cloned()
	}

	fn scan(&mut self, dir: &Path) {
		let Ok(entries) = std::fs::read_dir(dir) else { return };
		for path in entries.filter_map(|entry| entry.ok().map(|entry| entry.path())) {
			if path.is_dir() {
				self.scan(&path);
			} else if path.extension().is_some_and(|ext| ext == "json")
				&& !self.seen.contains(&path)
			{
				// A file still being written is read again on the next scan.
				if let Ok(records) = read_kept(&path) {
					for (index, kept) in records.iter().enumerate() {
						if let Ok(commitment) = kept.commitment() {
							self.by_commitment.insert(commitment, (path.clone(), index));
						}
					}
					self.seen.insert(path);
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
	/// Adds what `events` ask for.
	fn add(&mut self, events: impl IntoIterator<Item = RuntimeEvent>) {
		use pallet_tax_records::Event as Records;
		let work = self;
		for event in events {
			match &event {
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
	}

	fn is_empty(&self) -> bool {
		self.consents.is_empty() && self.enterprises.is_empty() && self.banks.is_empty()
	}
}

/// What the service reports to Prometheus.
#[derive(Default)]
struct Metrics {
	/// The best block, and the last block acted on, when last looked at.
	best: BlockNumber,
	acted: BlockNumber,
	transactions: u64,
	refused: u64,
	lag_blocks: u32,
	lag_seconds: f64,
}

impl Metrics {
	fn text(&self) -> String {
		let behind = self.best.saturating_sub(self.acted);
		[
			("banktax_delivery_blocks_behind", "Blocks of the best chain not acted on yet.", "gauge", f64::from(behind)),
			("banktax_delivery_transactions_total", "Delivery transactions sent.", "counter", self.transactions as f64),
			("banktax_delivery_refused_total", "Deliveries refused, with the reason in the log.", "counter", self.refused as f64),
			("banktax_delivery_lag_blocks", "Blocks from the block calling for the last deliveries to the block holding them.", "gauge", f64::from(self.lag_blocks)),
			("banktax_delivery_lag_seconds", "Seconds from the block calling for the last deliveries to the block holding them, by their timestamps.", "gauge", self.lag_seconds),
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

/// Answers every HTTP request on `port` (loopback) with the metrics, to any origin: they are
/// counts, and the bureau's portal page reads them from the browser.
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
				"HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nAccess-Control-Allow-Origin: *\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
				body.len()
			);
			let _ = socket.write_all(response.as_bytes()).await;
		}
	});
	Ok(())
}

/// Runs the service until it fails; a stopped service resumes from its store.
///
/// Each round acts on the blocks of the best chain it has not acted on yet (at their hash:
/// a block replaced by a reorganisation is acted on again), reads the chain's state once for
/// all of them and sends one batch; the next round starts when the batch is in the best chain,
/// so that it sees what the batch delivered. Acting on the best block rather than the finalised
/// one saves the blocks finality takes; the store moves on only with finality.
pub async fn serve(chain: &Chain, args: ServeArgs) -> CliResult<Value> {
	let metrics = Shared::default();
	if let Some(port) = args.metrics_port {
		serve_metrics(port, metrics.clone()).await?;
	}
	let signer = Signer::load(&args.signing)?;
	let mut store = Store::open(&args.state_dir, chain.genesis(), args.from_block)?;
	let mut kept = Kept::new(args.keep_dir.clone());
	log(
		json!({ "event": "started", "nextBlock": store.state.next_block, "account": signer.account().to_string() }),
	);
	if let Some(pending) = store.state.pending {
		// What the chain took of a batch sent before the stop must be final before the chain is
		// read again, or it would be sent twice.
		settle(chain, &signer, pending, Head::Finalized).await?;
		store.state.pending = None;
		store.save()?;
	}
	let mut heads: Subscription<Value> = chain
		.client()
		.subscribe("chain_subscribeNewHeads", rpc_params![], "chain_unsubscribeNewHeads")
		.await
		.map_err(|e| format!("cannot follow the node's new blocks: {e}"))?;
	// The blocks above the finalised head acted on, by number, at the hash they were acted on.
	let mut acted: BTreeMap<BlockNumber, Hash> = BTreeMap::new();
	loop {
		let (finalized, _) = chain.head(Head::Finalized).await?;
		let (best, _) = chain.head(Head::Best).await?;
		let last = best.min(store.state.next_block.saturating_add(BLOCKS_A_ROUND - 1));
		let mut due = Vec::new();
		let mut work = Work::default();
		for number in store.state.next_block..=last {
			let hash: Hash = chain.rpc("chain_getBlockHash", rpc_params![number]).await?;
			if acted.get(&number) != Some(&hash) {
				let events = chain.events(hash).await?;
				work.add(events.into_iter().map(|record| record.event));
				due.push((number, hash));
			}
		}
		if !work.is_empty() {
			act(chain, &signer, &mut store, &mut kept, &metrics, work, due[0]).await?;
		}
		acted.extend(due);
		store.state.next_block = store.state.next_block.max(finalized.min(last).saturating_add(1));
		if let Some(pending) = store.state.pending {
			let (_, hash) = chain.head(Head::Finalized).await?;
			if nonce_at(chain, &signer.account(), hash).await? >= pending.end() {
				store.state.pending = None;
			}
		}
		store.save()?;
		acted.retain(|number, _| *number >= store.state.next_block);
		update(&metrics, |m| (m.best, m.acted) = (best, last));
		if last == best {
			match tokio::time::timeout(Duration::from_secs(2), heads.next()).await {
				Ok(Some(Ok(_))) | Err(_) => {}
				Ok(_) => return Err("the node stopped reporting new blocks".into()),
			}
		}
	}
}

/// Blocks read in one round at most, so that a service far behind saves its progress often.
const BLOCKS_A_ROUND: BlockNumber = 256;

/// Plans and sends what `work` calls for, and waits until the batch is in the best chain;
/// `first` is the earliest block that called for it.
async fn act(
	chain: &Chain,
	signer: &Signer,
	store: &mut Store,
	kept: &mut Kept,
	metrics: &Shared,
	work: Work,
	first: (BlockNumber, Hash),
) -> CliResult<()> {
	let planning = std::time::Instant::now();
	let (calls, refused) = plan(chain, &work, kept).await?;
	log(json!({
		"event": "planned",
		"from": first.0,
		"consents": work.consents.len(),
		"enterprises": work.enterprises.len(),
		"banks": work.banks.len(),
		"transactions": calls.len(),
		"refused": refused,
		"seconds": planning.elapsed().as_secs_f64(),
	}));
	update(metrics, |m| m.refused = m.refused.saturating_add(refused));
	if calls.is_empty() {
		return Ok(());
	}
	let batch = send(chain, signer, store, calls).await?;
	let (included, hash) = settle(chain, signer, batch, Head::Best).await?;
	let blocks = included.saturating_sub(first.0);
	let millis = chain.moment(hash).await?.saturating_sub(chain.moment(first.1).await?);
	let seconds = millis as f64 / 1000.0;
	update(metrics, |m| {
		m.transactions = m.transactions.saturating_add(batch.count.into());
		(m.lag_blocks, m.lag_seconds) = (blocks, seconds);
	});
	log(json!({
		"event": "delivered",
		"block": first.0,
		"transactions": batch.count,
		"inBlock": included,
		"lagBlocks": blocks,
		"lagSeconds": seconds,
	}));
	Ok(())
}

fn log(line: Value) {
	eprintln!("{line}");
}

/// Logs a delivery refused, and counts it.
fn refuse(refused: &mut u64, line: Value) {
	*refused = refused.saturating_add(1);
	log(line);
}

/// `account`'s next nonce by the chain at block `hash`, not counting the pool.
async fn nonce_at(chain: &Chain, account: &AccountId, hash: Hash) -> CliResult<u32> {
	let key = frame_system::Account::<Runtime>::hashed_key_for(account);
	type Info = frame_system::AccountInfo<
		<Runtime as frame_system::Config>::Nonce,
		<Runtime as frame_system::Config>::AccountData,
	>;
	let info: Option<Info> = chain.storage_at(key, Some(hash)).await?;
	Ok(info.map(|info| info.nonce).unwrap_or_default())
}

/// A delivery the chain calls for, found by reading it, before anything is sealed.
struct Due {
	record: RecordId,
	commitment: [u8; 32],
	/// The key to seal to.
	key: [u8; 32],
	to: Recipient,
}

enum Recipient {
	/// The bank holding `consent`: the data key, or only `fields`.
	Bank { consent: ConsentId, bank: AccountId, fields: Option<Vec<FieldKey>> },
	/// The record's own enterprise.
	Enterprise,
}

/// Every transaction `work` calls for, as the chain stands now, and how many deliveries were
/// refused.
async fn plan(chain: &Chain, work: &Work, kept: &mut Kept) -> CliResult<(Vec<RuntimeCall>, u64)> {
	let institutions: Vec<InstitutionView<AccountId, BlockNumber>> =
		chain.runtime_call("BankTaxApi_institutions", ()).await?;
	// One read at a time: the node answers runtime calls made at once more slowly than in turn.
	let mut consents = work.consents.clone();
	for enterprise in &work.enterprises {
		let granted: Vec<ConsentView<AccountId, BlockNumber>> =
			paged(chain, "BankTaxApi_consents_of", *enterprise).await?;
		consents.extend(granted.into_iter().map(|c| c.id));
	}
	for bank in institutions.iter().filter(|i| work.banks.contains(&i.id)) {
		let held: Vec<ConsentView<AccountId, BlockNumber>> =
			paged(chain, "BankTaxApi_consents_held", bank.institution.governance.clone()).await?;
		consents.extend(held.into_iter().map(|c| c.id));
	}
	let keys: BTreeMap<&AccountId, [u8; 32]> = institutions
		.iter()
		.filter(|i| i.institution.status == pallet_institutions::Status::Active)
		.map(|i| (&i.institution.governance, i.institution.encryption_key))
		.collect();
	let mut refused = 0;
	let mut dues = Vec::new();
	for consent in consents {
		dues.extend(due_to_bank(chain, consent, &keys, &mut refused).await?);
	}
	for enterprise in &work.enterprises {
		dues.extend(due_to_enterprise(chain, *enterprise).await?);
	}
	let mut calls = Vec::new();
	let mut own = Vec::new();
	for due in dues {
		let Some(file) = kept.find(&due.commitment) else {
			refuse(
				&mut refused,
				json!({ "event": "refused", "record": due.record, "why": "no kept opening for the record" }),
			);
			continue;
		};
		match due.to {
			Recipient::Bank { consent, bank, fields } => {
				let (_, envelope) = seal_for(&file, &due.key, fields.as_deref())?;
				calls.push(RuntimeCall::Consent(pallet_consent::Call::deliver_envelope {
					consent,
					bank,
					record: due.record,
					envelope,
				}));
			}
			Recipient::Enterprise => {
				let (_, envelope) = seal_for(&file, &due.key, None)?;
				let envelope = envelope.try_into().map_err(|_| "the envelope is too long")?;
				own.push((due.record, envelope));
			}
		}
	}
	let per_transaction =
		<<Runtime as pallet_tax_records::Config>::MaxRecordsPerBatch as Get<u32>>::get() as usize;
	for chunk in own.chunks(per_transaction) {
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

/// The envelopes consent `id` lacks: for every current record in its scope that its bank does
/// not hold sealed to its key now.
async fn due_to_bank(
	chain: &Chain,
	id: ConsentId,
	keys: &BTreeMap<&AccountId, [u8; 32]>,
	refused: &mut u64,
) -> CliResult<Vec<Due>> {
	let detail: Option<ConsentDetail<AccountId, BlockNumber>> =
		chain.runtime_call("BankTaxApi_consent", id).await?;
	let Some(view) = detail.map(|d| d.view).filter(|v| v.state == ConsentState::Active) else {
		return Ok(Vec::new());
	};
	let consent = &view.consent;
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
	let Some(key) = keys.get(&consent.bank).copied() else {
		refuse(
			refused,
			json!({ "event": "refused", "consent": id, "why": "the bank is not an active institution" }),
		);
		return Ok(Vec::new());
	};
	let mut dues = Vec::new();
	for record in current_records(chain, consent.enterprise).await? {
		if !calls_for_envelope(&view, &record) {
			continue;
		}
		let held: Option<Delivery<AccountId, BlockNumber>> =
			chain.runtime_call("BankTaxApi_envelope", (id, record.id)).await?;
		if held.is_some_and(|d| d.recipient_key == key) {
			continue;
		}
		dues.push(Due {
			record: record.id,
			commitment: record.commitment,
			key,
			to: Recipient::Bank { consent: id, bank: consent.bank.clone(), fields: fields.clone() },
		});
	}
	Ok(dues)
}

/// The own records `enterprise` lacks sealed to its key, if it registered one.
async fn due_to_enterprise(chain: &Chain, enterprise: Uscc) -> CliResult<Vec<Due>> {
	let key: Option<[u8; 32]> = chain
		.storage(pallet_tax_records::EnterpriseKeys::<Runtime>::hashed_key_for(enterprise))
		.await?;
	let Some(key) = key else { return Ok(Vec::new()) };
	let mut dues = Vec::new();
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
		dues.push(Due {
			record: record.id,
			commitment: record.commitment,
			key,
			to: Recipient::Enterprise,
		});
	}
	Ok(dues)
}

/// Signs `calls` with consecutive nonces, writes them to the store as pending, and sends them;
/// the batch.
async fn send(
	chain: &Chain,
	signer: &Signer,
	store: &mut Store,
	calls: Vec<RuntimeCall>,
) -> CliResult<Pending> {
	let first_nonce = chain.next_nonce(&signer.account()).await?;
	let count = u32::try_from(calls.len()).map_err(|_| "too many transactions")?;
	let batch = Pending { first_nonce, count };
	store.state.sending(batch);
	store.save()?;
	let (era_start, number) = chain.era_anchor().await?;
	let era = Era::mortal(crate::chain::MORTALITY, number.into());
	log(json!({ "event": "sending", "transactions": count, "firstNonce": first_nonce }));
	let mut signed = Vec::new();
	for (nonce, call) in (first_nonce..).zip(calls) {
		signed.push((nonce, chain.sign_with(signer, call, nonce, era, era_start)?));
	}
	// In nonce order: a transaction that comes before its predecessor waits in the pool's
	// future queue and is validated again when it is promoted.
	for (nonce, extrinsic) in signed {
		let hex = crate::to_hex(&extrinsic.encode());
		let answer: CliResult<Hash> = chain.rpc("author_submitExtrinsic", rpc_params![hex]).await;
		if let Err(e) = answer {
			log(json!({ "event": "refused", "nonce": nonce, "why": e }));
		}
	}
	Ok(batch)
}

/// Waits until the chain at `which` head has taken the nonces of `pending`, or nothing of
/// ours is left in the pool or the best chain (what was never sent, or was dropped, never
/// comes); that head's number and hash then.
async fn settle(
	chain: &Chain,
	signer: &Signer,
	pending: Pending,
	which: Head,
) -> CliResult<(BlockNumber, Hash)> {
	let account = signer.account();
	loop {
		let (number, hash) = chain.head(which).await?;
		let nonce = nonce_at(chain, &account, hash).await?;
		if nonce >= pending.end() {
			return Ok((number, hash));
		}
		// The pool's next nonce counts the best chain and the pool: no higher, nothing is coming.
		let (_, best) = chain.head(Head::Best).await?;
		if chain.next_nonce(&account).await? <= nonce_at(chain, &account, best).await? {
			log(
				json!({ "event": "refused", "why": "transactions not in the pool", "firstNonce": nonce }),
			);
			return Ok((number, hash));
		}
		tokio::time::sleep(Duration::from_millis(100)).await;
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn scratch(name: &str) -> PathBuf {
		let dir = std::env::temp_dir().join(format!("banktax-serve-{name}-{}", std::process::id()));
		let _ = std::fs::remove_dir_all(&dir);
		dir
	}

	#[test]
	fn the_store_keeps_its_state_for_its_own_user_and_its_own_chain() {
		use std::os::unix::fs::PermissionsExt;
		let dir = scratch("store");
		let genesis = Hash::repeat_byte(7);
		let mut store = Store::open(&dir, genesis, 5).expect("a new store");
		assert_eq!(store.state.next_block, 5);
		store.state.next_block = 42;
		store.state.sending(Pending { first_nonce: 10, count: 3 });
		store.save().expect("saved");
		let mode =
			|path: &Path| std::fs::metadata(path).expect("there").permissions().mode() & 0o777;
		assert_eq!(mode(&dir), 0o700);
		assert_eq!(mode(&dir.join("state.json")), 0o600);

		let again = Store::open(&dir, genesis, 1).expect("the store again");
		assert_eq!(again.state.next_block, 42, "a restart goes on from the store");
		assert_eq!(again.state.pending.map(|p| (p.first_nonce, p.end())), Some((10, 13)));
		let other = Store::open(&dir, Hash::repeat_byte(8), 1).err().expect("another chain");
		assert!(other.contains("follows the chain with genesis"), "{other}");
		let _ = std::fs::remove_dir_all(&dir);
	}

	#[test]
	fn batches_not_yet_final_stay_pending_as_one_range() {
		let mut state = State { genesis: Hash::zero(), next_block: 1, pending: None };
		state.sending(Pending { first_nonce: 4, count: 2 });
		state.sending(Pending { first_nonce: 6, count: 5 });
		assert_eq!(state.pending.map(|p| (p.first_nonce, p.end())), Some((4, 11)));
	}

	#[test]
	fn a_blocks_events_name_the_consents_enterprises_and_banks_to_look_at() {
		use pallet_tax_records::Event as Records;
		let enterprise = Uscc::parse(b"91350100M000100Y43").expect("a valid code");
		let bank = AccountId::new([2; 32]);
		let mut work = Work::default();
		assert!(work.is_empty());
		work.add([
			RuntimeEvent::Consent(pallet_consent::Event::ConsentGranted {
				consent: 3,
				enterprise,
				bank: bank.clone(),
				purpose: banktax_primitives::Purpose::CreditAssessment,
				expires_at: 100,
			}),
			RuntimeEvent::TaxRecords(Records::EnterpriseKeyRegistered { enterprise, key: [1; 32] }),
			RuntimeEvent::Institutions(pallet_institutions::Event::EncryptionKeyRotated {
				id: 1,
				key: [3; 32],
			}),
			RuntimeEvent::Consent(pallet_consent::Event::ConsentExpired { consent: 9 }),
		]);
		assert_eq!(work.consents, BTreeSet::from([3]));
		assert_eq!(work.enterprises, BTreeSet::from([enterprise]));
		assert_eq!(work.banks, BTreeSet::from([1]));
	}

	#[test]
	fn metrics_read_as_prometheus_text() {
		let metrics = Metrics {
			best: 20,
			acted: 18,
			transactions: 7,
			refused: 1,
			lag_blocks: 1,
			lag_seconds: 3.0,
		};
		let text = metrics.text();
		for line in [
			"banktax_delivery_blocks_behind 2",
			"banktax_delivery_transactions_total 7",
			"banktax_delivery_refused_total 1",
			"banktax_delivery_lag_blocks 1",
			"banktax_delivery_lag_seconds 3",
			"# TYPE banktax_delivery_transactions_total counter",
		] {
			assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
		}
	}
}
