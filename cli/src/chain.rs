//! Talking to a node over JSON-RPC (WebSocket): reading through `BankTaxApi` and `banktax_*`,
//! and signing, submitting and following transactions.
//!
//! Transactions are built with the runtime's own types (this command line is built from the
//! same source as the runtime), signed with sr25519, and refused before signing if the node runs
//! a runtime whose transaction format differs. Progress goes to stderr; the result to stdout.

use crate::{to_hex, CliResult};
use banktax_runtime::{
	AccountId, Hash, RuntimeCall, RuntimeError, RuntimeEvent, UncheckedExtrinsic, VERSION,
};
use clap::{Args, ValueEnum};
use codec::{Decode, Encode};
use frame_system::{EventRecord, Phase};
use jsonrpsee::{
	core::{
		client::{ClientT, Subscription, SubscriptionClientT},
		params::ArrayParams,
		ClientError,
	},
	rpc_params,
	ws_client::{WsClient, WsClientBuilder},
};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use sp_core::{crypto::Ss58Codec, sr25519, Pair};
use sp_crypto_hashing::twox_128;
use sp_runtime::{
	generic::Era, traits::IdentifyAccount, DispatchError, MultiAddress, MultiSignature, MultiSigner,
};
use std::{
	path::{Path, PathBuf},
	time::Duration,
};

/// Which head of the chain to read at.
#[derive(Clone, Copy)]
pub(crate) enum Head {
	Best,
	Finalized,
}

/// Blocks a signed transaction stays valid for after the block its era counts from.
pub(crate) const MORTALITY: u64 = 64;

/// Which node to talk to.
#[derive(Args, Clone)]
pub struct Connection {
	/// The node's WebSocket JSON-RPC address.
	#[arg(long, default_value = "ws://127.0.0.1:9944", global = true)]
	pub url: String,
}

/// Who signs, and how long to wait.
#[derive(Args, Clone)]
pub struct Signing {
	/// The signing key as a secret URI on the command line, where other users of the machine
	/// can see it: for development keys such as `//Alice` only. Use `--key-file` otherwise.
	#[arg(long, conflicts_with = "key_file")]
	pub suri: Option<String>,
	/// A file holding the signing key's secret URI (a mnemonic or a 0x seed), readable by its
	/// owner only; `-` reads it from standard input.
	#[arg(long)]
	pub key_file: Option<PathBuf>,
	/// Report once the transaction is in a block, or once that block is final.
	#[arg(long, value_enum, default_value_t = Wait::Finalized)]
	pub wait: Wait,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Wait {
	/// In a block of the best chain.
	InBlock,
	/// In a finalised block: it will not be reverted.
	Finalized,
}

/// A signing key.
#[derive(Clone)]
pub struct Signer {
	pair: sr25519::Pair,
}

impl Signer {
	pub fn load(signing: &Signing) -> CliResult<Self> {
		Self::from_either(signing.suri.as_deref(), signing.key_file.as_deref())
	}

	/// The key given on the command line (`suri`) or in a file (`key_file`, `-`: standard input).
	pub fn from_either(suri: Option<&str>, key_file: Option<&Path>) -> CliResult<Self> {
		match (suri, key_file) {
			(Some(suri), _) => Self::from_suri(suri),
			(None, Some(path)) => Self::from_suri(&crate::secrets::read_secret(path)?),
			(None, None) => {
				Err("say who signs: --key-file (or --suri for a development key)".into())
			}
		}
	}

	pub fn from_suri(suri: &str) -> CliResult<Self> {
		let pair = sr25519::Pair::from_string(suri, None)
			.map_err(|e| format!("not a usable secret URI: {e:?}"))?;
		Ok(Self { pair })
	}

	pub fn account(&self) -> AccountId {
		MultiSigner::Sr25519(self.pair.public()).into_account()
	}
}

/// An account from its SS58 address.
pub fn parse_account(text: &str) -> CliResult<AccountId> {
	AccountId::from_ss58check(text).map_err(|e| format!("{text} is not an SS58 address: {e:?}"))
}

/// A transaction in a block, and what it did.
pub struct Included {
	pub block_hash: Hash,
	pub block_number: u32,
	pub events: Vec<RuntimeEvent>,
}

impl Included {
	/// The common part of every transaction command's output.
	pub fn report(&self, extra: Value) -> Value {
		let mut out = json!({
			"block": self.block_number,
			"blockHash": format!("{:?}", self.block_hash),
			"events": self.events.iter().map(|e| format!("{e:?}")).collect::<Vec<_>>(),
		});
		if let (Some(out), Value::Object(extra)) = (out.as_object_mut(), extra) {
			out.extend(extra);
		}
		out
	}

	/// The first event `pick` recognises.
	pub fn find<T>(&self, pick: impl Fn(&RuntimeEvent) -> Option<T>) -> CliResult<T> {
		self.events.iter().find_map(pick).ok_or_else(|| "the expected event is missing".into())
	}
}

/// A connected node.
pub struct Chain {
	client: WsClient,
	url: String,
	genesis: Hash,
	spec_version: u32,
	transaction_version: u32,
}

impl Chain {
	pub async fn connect(connection: &Connection) -> CliResult<Self> {
		let url = connection.url.clone();
		let client = WsClientBuilder::default()
			.request_timeout(Duration::from_secs(60))
			.build(&url)
			.await
			.map_err(|e| format!("cannot reach a node at {url}: {e}"))?;
		let mut chain =
			Self { client, url, genesis: Hash::zero(), spec_version: 0, transaction_version: 0 };
		chain.genesis = chain.rpc("chain_getBlockHash", rpc_params![0]).await?;
		let version: Value = chain.rpc("state_getRuntimeVersion", rpc_params![]).await?;
		let number = |key: &str| {
			version[key]
				.as_u64()
				.and_then(|v| u32::try_from(v).ok())
				.ok_or(format!("the node at {} does not report its runtime's {key}", chain.url))
		};
		chain.spec_version = number("specVersion")?;
		chain.transaction_version = number("transactionVersion")?;
		Ok(chain)
	}

	/// The chain's genesis hash.
	pub fn genesis(&self) -> Hash {
		self.genesis
	}

	/// The connection, for subscriptions of one's own.
	pub fn client(&self) -> &WsClient {
		&self.client
	}

	/// Calls a JSON-RPC method.
	pub async fn rpc<T: DeserializeOwned>(
		&self,
		method: &str,
		params: ArrayParams,
	) -> CliResult<T> {
		self.client.request(method, params).await.map_err(|e| rpc_error(method, e))
	}

	/// The value stored under `key` at the best block, decoded; `None` if there is none.
	pub async fn storage<T: Decode>(&self, key: Vec<u8>) -> CliResult<Option<T>> {
		self.storage_at(key, None).await
	}

	/// The value stored under `key` at block `at` (the best block if `None`), decoded.
	pub async fn storage_at<T: Decode>(
		&self,
		key: Vec<u8>,
		at: Option<Hash>,
	) -> CliResult<Option<T>> {
		let raw: Option<String> =
			self.rpc("state_getStorage", rpc_params![to_hex(&key), at]).await?;
		raw.map(|raw| {
			let bytes = crate::from_hex(&raw, "a stored value")?;
			T::decode(&mut &bytes[..]).map_err(|e| format!("cannot read a stored value: {e}"))
		})
		.transpose()
	}

	/// Calls the runtime API function `function` (e.g. `BankTaxApi_consent`) at the best block.
	pub async fn runtime_call<R: Decode>(&self, function: &str, args: impl Encode) -> CliResult<R> {
		let bytes: String =
			self.rpc("state_call", rpc_params![function, to_hex(&args.encode())]).await?;
		let bytes = crate::from_hex(&bytes, "the runtime's answer")?;
		R::decode(&mut &bytes[..])
			.map_err(|e| format!("cannot read the runtime's answer to {function}: {e}"))
	}

	/// When block `hash` was made, in milliseconds since the epoch (its timestamp).
	pub async fn moment(&self, hash: Hash) -> CliResult<u64> {
		let key = pallet_timestamp::Now::<banktax_runtime::Runtime>::hashed_key().to_vec();
		Ok(self.storage_at(key, Some(hash)).await?.unwrap_or_default())
	}

	/// The number of the best block.
	pub async fn best_number(&self) -> CliResult<u32> {
		let header: Value = self.rpc("chain_getHeader", rpc_params![]).await?;
		block_number(&header)
	}

	/// Blocks in a day on this chain, from the block time it reports (Aura's slot duration).
	pub async fn blocks_per_day(&self) -> CliResult<u32> {
		let millis: u64 = self.runtime_call("AuraApi_slot_duration", ()).await?;
		crate::units::blocks_per_day(millis)
	}

	/// The block `days` days or `blocks` blocks (one of the two) after the best one: when
	/// something granted now, `what`, ends.
	pub async fn end_of_span(
		&self,
		days: Option<u32>,
		blocks: Option<u32>,
		what: &str,
	) -> CliResult<u32> {
		let length = crate::units::span(days, blocks, self.blocks_per_day().await?)?;
		self.blocks_from_now(length, what).await
	}

	/// The block `length` blocks after the best one: when something granted now, `what`, ends.
	pub async fn blocks_from_now(&self, length: u32, what: &str) -> CliResult<u32> {
		self.best_number()
			.await?
			.checked_add(length)
			.ok_or_else(|| format!("the {what} would end beyond the chain's last block"))
	}

	/// Signs `call`, submits it and follows it to a block, or to finality, as `signing` asks.
	/// A dispatch error is an error here, named after the pallet and the error.
	pub async fn submit(&self, signing: &Signing, call: RuntimeCall) -> CliResult<Included> {
		let signer = Signer::load(signing)?;
		let extrinsic = self.sign(&signer, call).await?;
		let encoded = to_hex(&extrinsic.encode());
		let mut progress: Subscription<Value> = self
			.client
			.subscribe(
				"author_submitAndWatchExtrinsic",
				rpc_params![encoded.clone()],
				"author_unwatchExtrinsic",
			)
			.await
			.map_err(|e| refusal(&signer, e))?;
		eprintln!("… submitted to {} by {}", self.url, signer.account().to_ss58check());
		// What the transaction did in the block it is in, kept for when that block is final.
		let mut in_block: Option<Included> = None;
		while let Some(status) = progress.next().await {
			let status = status.map_err(|e| format!("lost track of the transaction: {e}"))?;
			match status_of(&status) {
				("ready", _) => eprintln!("… in the transaction pool"),
				("future", _) => eprintln!("… waiting in the pool for an earlier nonce"),
				("inBlock", Some(hash)) => {
					let included = self.outcome(hash, &encoded).await?;
					eprintln!("… in block #{} ({hash:?})", included.block_number);
					if signing.wait == Wait::InBlock {
						return Ok(included);
					}
					eprintln!("… waiting for finality");
					in_block = Some(included);
				}
				("finalized", Some(hash)) => {
					let included = match in_block.take() {
						Some(seen) if seen.block_hash == hash => seen,
						_ => self.outcome(hash, &encoded).await?,
					};
					eprintln!("… finalised in block #{}", included.block_number);
					return Ok(included);
				}
				("retracted", _) => eprintln!("… its block left the best chain; waiting again"),
				("broadcast", _) => {}
				(other, _) => return Err(format!("the transaction was {other}")),
			}
		}
		Err("the node stopped reporting on the transaction".into())
	}

	async fn sign(&self, signer: &Signer, call: RuntimeCall) -> CliResult<UncheckedExtrinsic> {
		let nonce = self.next_nonce(&signer.account()).await?;
		let (era_start, number) = self.era_anchor().await?;
		let era = Era::mortal(MORTALITY, number.into());
		self.sign_with(signer, call, nonce, era, era_start)
	}

	/// The block a new transaction's era counts from: the finalised head, which no reorg can
	/// take away (a transaction whose era starts in a block that is reorganised out of the chain
	/// becomes invalid), unless finality lags so far that the era would be half spent; then the
	/// best block.
	pub(crate) async fn era_anchor(&self) -> CliResult<(Hash, u32)> {
		let (finalized_number, finalized_hash) = self.head(Head::Finalized).await?;
		let (best_number, best_hash) = self.head(Head::Best).await?;
		if u64::from(best_number.saturating_sub(finalized_number)) < MORTALITY / 2 {
			return Ok((finalized_hash, finalized_number));
		}
		Ok((best_hash, best_number))
	}

	/// The number and hash of the chain's best or finalised head.
	pub(crate) async fn head(&self, which: Head) -> CliResult<(u32, Hash)> {
		let hash: Hash = match which {
			Head::Best => self.rpc("chain_getBlockHash", rpc_params![]).await?,
			Head::Finalized => self.rpc("chain_getFinalizedHead", rpc_params![]).await?,
		};
		let header: Value = self.rpc("chain_getHeader", rpc_params![hash]).await?;
		Ok((block_number(&header)?, hash))
	}

	/// The next nonce of `account`, counting its transactions in the pool.
	pub async fn next_nonce(&self, account: &AccountId) -> CliResult<u32> {
		self.rpc("system_accountNextIndex", rpc_params![account.to_ss58check()]).await
	}

	/// Signs `call` as `signer`'s transaction number `nonce`, valid in `era` counted from the
	/// block `era_start` (the genesis hash for an immortal era). Nothing is sent: the load
	/// generator signs ahead this way.
	pub fn sign_with(
		&self,
		signer: &Signer,
		call: RuntimeCall,
		nonce: u32,
		era: Era,
		era_start: Hash,
	) -> CliResult<UncheckedExtrinsic> {
		if self.transaction_version != VERSION.transaction_version {
			return Err(format!(
				"the node runs transaction format {}, this command line writes format {}: use the banktax built with the chain's runtime",
				self.transaction_version, VERSION.transaction_version
			));
		}
		let account = signer.account();
		let payload = banktax_runtime::signed_payload(
			call,
			nonce,
			era,
			self.spec_version,
			self.genesis,
			era_start,
		);
		let signature = payload.using_encoded(|bytes| signer.pair.sign(bytes));
		let (call, extension, _) = payload.deconstruct();
		Ok(UncheckedExtrinsic::new_signed(
			call,
			MultiAddress::Id(account),
			MultiSignature::Sr25519(signature),
			extension,
		))
	}

	/// The events of block `hash`, with the phase each was deposited in.
	pub async fn events(&self, hash: Hash) -> CliResult<Vec<EventRecord<RuntimeEvent, Hash>>> {
		let key = storage_prefix(b"System", b"Events");
		Ok(self.storage_at(key, Some(hash)).await?.unwrap_or_default())
	}

	/// What the transaction `encoded` did in block `hash`.
	async fn outcome(&self, hash: Hash, encoded: &str) -> CliResult<Included> {
		let block: Value = self.rpc("chain_getBlock", rpc_params![hash]).await?;
		let block_number = block_number(&block["block"]["header"])?;
		let index = block["block"]["extrinsics"]
			.as_array()
			.and_then(|all| all.iter().position(|x| x.as_str() == Some(encoded)))
			.ok_or(format!("the transaction is not in block {hash:?}"))?;
		let records = self.events(hash).await?;
		let phase = Phase::ApplyExtrinsic(index.try_into().unwrap_or(u32::MAX));
		let events: Vec<RuntimeEvent> =
			records.into_iter().filter(|r| r.phase == phase).map(|r| r.event).collect();
		for event in &events {
			if let RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
				dispatch_error,
				..
			}) = event
			{
				return Err(format!(
					"failed in block #{block_number}: {}",
					describe(*dispatch_error)
				));
			}
		}
		Ok(Included { block_hash: hash, block_number, events })
	}
}

/// The storage key of a pallet's value, or the prefix of its map's keys.
pub fn storage_prefix(pallet: &[u8], item: &[u8]) -> Vec<u8> {
	[twox_128(pallet), twox_128(item)].concat()
}

/// A dispatch error by its name, e.g. `Consent.BankNotConsented`.
pub fn describe(error: DispatchError) -> String {
	match RuntimeError::from_dispatch_error(error) {
		// `Pallet(Error)` as `Pallet.Error`.
		Some(named) => format!("{named:?}").replacen('(', ".", 1).trim_end_matches(')').to_owned(),
		None if error == DispatchError::BadOrigin => {
			"BadOrigin: the signer may not make this call".into()
		}
		None => format!("{error:?}"),
	}
}

/// The number in a JSON block header.
pub fn block_number(header: &Value) -> CliResult<u32> {
	header["number"]
		.as_str()
		.and_then(|hex| u32::from_str_radix(hex.trim_start_matches("0x"), 16).ok())
		.ok_or_else(|| "a block header without a number".into())
}

/// A transaction status (`"ready"`, `{"inBlock": "0x…"}`, …) as its name and block hash.
fn status_of(status: &Value) -> (&str, Option<Hash>) {
	match status {
		Value::String(name) => (name.as_str(), None),
		Value::Object(map) => match map.iter().next() {
			Some((name, value)) => (name.as_str(), serde_json::from_value(value.clone()).ok()),
			None => ("unknown", None),
		},
		_ => ("unknown", None),
	}
}

fn rpc_error(method: &str, error: ClientError) -> String {
	match error {
		ClientError::Call(e) => format!("{method}: {} (code {})", e.message(), e.code()),
		other => format!("{method}: {other}"),
	}
}

/// Why the pool refused a transaction, in the words of this chain.
fn refusal(signer: &Signer, error: ClientError) -> String {
	let text = match &error {
		ClientError::Call(e) => {
			format!(
				"{}{}",
				e.message(),
				e.data().map(|d| format!(": {}", d.get())).unwrap_or_default()
			)
		}
		other => other.to_string(),
	};
	// The signature itself is always right here; a bad signer is one the chain does not admit.
	if text.contains("Invalid signing address") {
		return format!(
			"the chain does not admit {} as a signer: it must be an active institution's account or a registered enterprise's controller ({text})",
			signer.account().to_ss58check()
		);
	}
	if let Some(refusal) = membership_refusal(&text) {
		return format!(
			"the chain refused the transaction: {} (docs/security.md; {text})",
			refusal.meaning()
		);
	}
	format!("the node refused the transaction: {text}")
}

/// The membership check's refusal named in a pool error's text ("… Custom error: 1").
fn membership_refusal(text: &str) -> Option<pallet_institutions::Refusal> {
	let code = text.split("Custom error: ").nth(1)?;
	let digits: String = code.chars().take_while(char::is_ascii_digit).collect();
	pallet_institutions::Refusal::from_code(digits.parse().ok()?)
}

#[cfg(test)]
mod tests {
	use super::*;
	use banktax_runtime::Runtime;

	#[test]
	fn dispatch_errors_read_as_pallet_and_error_names() {
		let error: DispatchError = pallet_consent::Error::<Runtime>::BankNotConsented.into();
		assert_eq!(describe(error), "Consent.BankNotConsented");
		let error: DispatchError = pallet_loans::Error::<Runtime>::NoConsent.into();
		assert_eq!(describe(error), "Loans.NoConsent");
		assert!(describe(DispatchError::BadOrigin).starts_with("BadOrigin: "));
	}

	#[test]
	fn transaction_statuses_give_their_name_and_block() {
		let hash = format!("0x{}", "11".repeat(32));
		assert_eq!(status_of(&json!("ready")), ("ready", None));
		assert_eq!(
			status_of(&json!({ "inBlock": hash })),
			("inBlock", Some(Hash::repeat_byte(0x11)))
		);
		assert_eq!(status_of(&json!({ "finalized": hash })).1, Some(Hash::repeat_byte(0x11)));
		assert_eq!(status_of(&json!({ "broadcast": ["peer"] })).0, "broadcast");
		assert_eq!(status_of(&json!(7)), ("unknown", None));
	}

	#[test]
	fn the_membership_checks_refusals_read_as_words() {
		let alice = Signer::from_suri("//Alice").expect("a development key");
		let error = jsonrpsee::types::ErrorObjectOwned::owned(
			1010,
			"Invalid Transaction",
			Some("Custom error: 1"),
		);
		let text = refusal(&alice, ClientError::Call(error));
		assert!(text.contains("the signer's role may not sign this call"), "{text}");
		assert_eq!(
			membership_refusal("Invalid Transaction: \"Custom error: 3\""),
			Some(pallet_institutions::Refusal::TransactionTooHeavy)
		);
		assert_eq!(membership_refusal("Invalid Transaction: Custom error: 9"), None);
	}

	#[test]
	fn block_numbers_come_from_hex_headers() {
		assert_eq!(block_number(&json!({ "number": "0x1f" })), Ok(31));
		assert!(block_number(&json!({})).is_err());
	}

	#[test]
	fn signing_keys_come_from_a_suri_or_a_file() {
		let alice = Signer::from_suri("//Alice").expect("a development key").account();
		assert_eq!(alice.to_ss58check(), "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
		let file = std::env::temp_dir().join(format!("banktax-key-{}", std::process::id()));
		std::fs::write(&file, "//Alice\n").expect("writable");
		let signing = Signing { suri: None, key_file: Some(file.clone()), wait: Wait::InBlock };
		assert_eq!(Signer::load(&signing).expect("loads").account(), alice);
		let _ = std::fs::remove_file(&file);
		let none = Signing { suri: None, key_file: None, wait: Wait::InBlock };
		assert!(Signer::load(&none).is_err_and(|e| e.contains("--key-file")));
		assert!(Signer::from_suri("not a phrase").is_err());
	}
}
