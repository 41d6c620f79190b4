//! `banktax-node check-upgrade`: runs a new runtime's migrations, with their pre- and
//! post-upgrade checks and every pallet's invariants (`try_state`), on a copy of a running
//! chain's state, before anyone proposes the upgrade.
//!
//! It reads the whole state of a block over a node's RPC (`state_getKeysPaged`,
//! `state_queryStorageAt`: what `frame-remote-externalities` does, whose published versions are
//! built on an older `sp-io` than this runtime), puts the new runtime's code in place, and calls
//! `TryRuntime_on_runtime_upgrade` of that code (built with `--features try-runtime`; with
//! `BANKTAX_TRY_RUNTIME=1` the build writes it beside the runtime as `banktax_runtime_try`) in
//! the node's own wasm executor. Nothing is written anywhere: the copy is in memory.

use std::{path::PathBuf, time::Instant};

use codec::{Decode, Encode};
use jsonrpsee::{
	core::client::ClientT,
	rpc_params,
	ws_client::{WsClient, WsClientBuilder},
};
use sp_core::{
	storage::{well_known_keys, Storage},
	traits::CallContext,
	Bytes,
};
use sp_runtime::traits::BlakeTwo256;
use sp_state_machine::{
	backend::{BackendRuntimeCode, TryPendingCode},
	BasicExternalities, OverlayedChanges, StateMachine, TestExternalities,
};
use sp_weights::Weight;

use banktax_runtime::Hash;
use sc_executor::RuntimeVersionOf;

/// Keys asked for in one `state_getKeysPaged` (the most a node answers at once).
const KEYS_A_PAGE: u32 = 1000;

/// The runtime API the checks are called through, and its argument: `frame_try_runtime`'s
/// `TryRuntime` (identified, as every runtime API, by the BLAKE2-64 hash of its name) and
/// `UpgradeCheckSelect::All`, the second of its cases (`None`, `All`, `PreAndPost`,
/// `TryState`). Spelt out here: the crate's types exist only with its `try-runtime` feature,
/// which must not reach the node's own build of the runtime.
const TRY_RUNTIME_API: &[u8] = b"TryRuntime";
const ALL_CHECKS: u8 = 1;

/// Check a runtime upgrade against a copy of a running chain's state.
#[derive(Debug, clap::Parser)]
pub struct CheckUpgradeCmd {
	/// The new runtime, built with `--features try-runtime`
	/// (`BANKTAX_TRY_RUNTIME=1 cargo build --release -p banktax-runtime` writes
	/// `wbuild/banktax-runtime/banktax_runtime_try.compact.compressed.wasm`).
	#[arg(long)]
	pub runtime: PathBuf,

	/// A node of the chain, over WebSocket RPC.
	#[arg(long, default_value = "ws://127.0.0.1:9944")]
	pub url: String,

	/// The block whose state to copy; the node's last finalised block if not given.
	#[arg(long)]
	pub at: Option<Hash>,
}

impl CheckUpgradeCmd {
	pub fn run(&self) -> Result<(), String> {
		// The runtime says which check failed, and why, in its log (`RUST_LOG`, info by default).
		sp_tracing::try_init_simple();
		let code = std::fs::read(&self.runtime)
			.map_err(|e| format!("cannot read {}: {e}", self.runtime.display()))?;
		let runtime = tokio::runtime::Builder::new_current_thread()
			.enable_all()
			.build()
			.map_err(|e| e.to_string())?;
		let started = Instant::now();
		let (at, mut storage) = runtime.block_on(self.download())?;
		let entries = storage.top.len();
		let downloaded = started.elapsed();
		storage.top.insert(well_known_keys::CODE.to_vec(), code.clone());
		let (weight, limit) = on_runtime_upgrade(&code, storage)?;
		println!(
			"{}",
			serde_json::json!({
				"at": at,
				"entries": entries,
				"secondsToCopy": (downloaded.as_secs_f64() * 10.0).round() / 10.0,
				"secondsToCheck": ((started.elapsed() - downloaded).as_secs_f64() * 10.0).round() / 10.0,
				"migrationWeight": { "refTime": weight.ref_time(), "proofSize": weight.proof_size() },
				"blockLimit": { "refTime": limit.ref_time(), "proofSize": limit.proof_size() },
				"fitsOneBlock": weight.all_lte(limit),
				"checks": "passed",
			})
		);
		Ok(())
	}

	/// Every key and value of the block's state.
	async fn download(&self) -> Result<(Hash, Storage), String> {
		let client: WsClient = WsClientBuilder::default()
			.max_response_size(u32::MAX)
			.build(&self.url)
			.await
			.map_err(|e| format!("cannot reach {}: {e}", self.url))?;
		let rpc = |what: &'static str| move |e| format!("{what}: {e}");
		let at: Hash = match self.at {
			Some(at) => at,
			None => client
				.request("chain_getFinalizedHead", rpc_params![])
				.await
				.map_err(rpc("chain_getFinalizedHead"))?,
		};
		let mut storage = Storage::default();
		let mut start: Option<Bytes> = None;
		loop {
			let keys: Vec<Bytes> = client
				.request("state_getKeysPaged", rpc_params![Bytes(vec![]), KEYS_A_PAGE, &start, at])
				.await
				.map_err(rpc("state_getKeysPaged"))?;
			let Some(last) = keys.last().cloned() else { break };
			let changes: Vec<StorageChangeSet> = client
				.request("state_queryStorageAt", rpc_params![&keys, at])
				.await
				.map_err(rpc("state_queryStorageAt"))?;
			for set in changes {
				for (key, value) in set.changes {
					if let Some(value) = value {
						storage.top.insert(key.0, value.0);
					}
				}
			}
			if keys.len() < KEYS_A_PAGE as usize {
				break;
			}
			start = Some(last);
		}
		Ok((at, storage))
	}
}

/// What `state_queryStorageAt` answers.
#[derive(serde::Deserialize)]
struct StorageChangeSet {
	changes: Vec<(Bytes, Option<Bytes>)>,
}

/// Calls `TryRuntime_on_runtime_upgrade` of `code` on `storage`, with every check: the
/// migrations' weight and the block's limit, or the first check that failed.
fn on_runtime_upgrade(code: &[u8], storage: Storage) -> Result<(Weight, Weight), String> {
	let executor = sc_executor::WasmExecutor::<crate::service::HostFunctions>::builder()
		.with_max_runtime_instances(1)
		.build();
	let mut ext = TestExternalities::<BlakeTwo256>::new_with_code(code, storage);
	let backend = ext.as_backend();
	let runtime_code = BackendRuntimeCode::new(&backend, TryPendingCode::No);
	let runtime_code = runtime_code.runtime_code()?;
	let version = executor
		.runtime_version(&mut BasicExternalities::new_empty(), &runtime_code)
		.map_err(|e| format!("the runtime's version cannot be read: {e}"))?;
	if !version.has_api_with(&sp_crypto_hashing::blake2_64(TRY_RUNTIME_API), |_| true) {
		return Err(
			"the runtime was not built with --features try-runtime: it has no checks to run \
			 (BANKTAX_TRY_RUNTIME=1 cargo build --release -p banktax-runtime builds one)"
				.into(),
		);
	}
	let mut overlay = OverlayedChanges::default();
	let mut extensions = sp_externalities::Extensions::default();
	let answer = StateMachine::new(
		&backend,
		&mut overlay,
		&executor,
		"TryRuntime_on_runtime_upgrade",
		&ALL_CHECKS.encode(),
		&mut extensions,
		&runtime_code,
		CallContext::Offchain,
	)
	.execute()
	.map_err(|e| {
		format!("the upgrade's checks failed (the runtime's log above says which): {e}")
	})?;
	<(Weight, Weight)>::decode(&mut &answer[..])
		.map_err(|e| format!("the runtime's answer does not decode: {e}"))
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_runtime::BuildStorage;

	/// The runtime with its checks, as `scripts/env.sh`'s build writes it beside the runtime.
	fn try_runtime() -> Vec<u8> {
		let target = std::env::var("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|_| {
			PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cache/banktax/target")
		});
		let path = target
			.join("release/wbuild/banktax-runtime/banktax_runtime_try.compact.compressed.wasm");
		std::fs::read(&path).unwrap_or_else(|e| {
			panic!("{}: {e} (build with BANKTAX_TRY_RUNTIME=1)", path.display())
		})
	}

	fn genesis() -> Storage {
		crate::chain_spec::development_chain_spec()
			.expect("a spec")
			.build_storage()
			.expect("genesis")
	}

	#[test]
	fn the_checks_pass_on_sound_state_and_name_what_is_broken() {
		let code = try_runtime();
		let (weight, limit) = on_runtime_upgrade(&code, genesis()).expect("sound genesis state");
		assert!(weight.all_lte(limit));

		// A registry lookup naming an institution that does not exist.
		let mut broken = genesis();
		let key = [
			sp_crypto_hashing::twox_128(b"Institutions").as_slice(),
			&sp_crypto_hashing::twox_128(b"ByUscc"),
			&sp_crypto_hashing::blake2_128(&[b'9'; 18]),
			&[b'9'; 18],
		]
		.concat();
		broken.top.insert(key, 77u32.encode());
		let error = on_runtime_upgrade(&code, broken).expect_err("a lookup of nothing");
		assert!(error.contains("the upgrade's checks failed"), "{error}");

		let released = std::fs::read(concat!(
			env!("CARGO_MANIFEST_DIR"),
			"/../runtime/releases/banktax-102.compact.compressed.wasm"
		))
		.expect("the released runtime");
		let error = on_runtime_upgrade(&released, genesis()).expect_err("no checks in it");
		assert!(error.contains("not built with --features try-runtime"), "{error}");
	}
}
