//! Genesis presets: the starting state of the chains the node knows by name.
//!
//! - `development` (`--dev`): one validator, Alice, who also holds the sudo key. Starts at once.
//! - `local_testnet` (`--chain local`): the four founding institutions of a test consortium (a
//!   tax authority, two banks, a regulator), each running one validator. No sudo key.
//!
//! The local institutions' keys are derived from the well-known development phrase with the
//! paths listed in [`LOCAL_INSTITUTIONS`], so test networks can put them into node keystores.
//! They are public knowledge: a real consortium generates its own (see `docs/chain-spec.md`).

use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use hex_literal::hex;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_core::crypto::UncheckedFrom;
use sp_genesis_builder::PresetId;
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use crate::{AccountId, RuntimeGenesisConfig, SessionConfig, SessionKeys, SudoConfig};

/// A validator known at genesis: its account and the session keys it starts with.
#[derive(Clone)]
pub struct GenesisValidator {
	pub account: AccountId,
	pub aura: AuraId,
	pub grandpa: GrandpaId,
}

/// A founding institution of the local test consortium, with the derivation path (below the
/// development phrase) of each of its keys and the public key it yields.
pub struct LocalInstitution {
	/// Short name, also used in node names and base paths by `scripts/testnet.sh`.
	pub name: &'static str,
	/// sr25519 account key: `<dev phrase>//<name>`.
	pub account_path: &'static str,
	pub account: [u8; 32],
	/// sr25519 Aura key: `<dev phrase>//<name>//aura`.
	pub aura_path: &'static str,
	pub aura: [u8; 32],
	/// ed25519 GRANDPA key: `<dev phrase>//<name>//grandpa`.
	pub grandpa_path: &'static str,
	pub grandpa: [u8; 32],
}

impl LocalInstitution {
	fn validator(&self) -> GenesisValidator {
		GenesisValidator {
			account: AccountId::new(self.account),
			aura: AuraId::unchecked_from(self.aura),
			grandpa: GrandpaId::unchecked_from(self.grandpa),
		}
	}
}

/// The founding institutions of the local test consortium, in genesis order: the tax authority,
/// two banks and the regulator.
pub const LOCAL_INSTITUTIONS: [LocalInstitution; 4] = [
	LocalInstitution {
		name: "tax-authority",
		account_path: "//tax-authority",
		account: hex!("fead75f8e1043ef9e6f26ad18e879bf2d2fa65746a5fec4fe27cd3ea7d1c8819"),
		aura_path: "//tax-authority//aura",
		aura: hex!("5e1cff9defda0de3af45f91149515129ac96d6b7e5aecb24d2eb8ce14a9e116a"),
		grandpa_path: "//tax-authority//grandpa",
		grandpa: hex!("758cf939edd19351380a64f2b09d246d3ca143cbacec459b88908769be28aaa5"),
	},
	LocalInstitution {
		name: "bank-a",
		account_path: "//bank-a",
		account: hex!("865a4ffd14f506686cef193fec6ed912723756e334dbd0545515e556ba2b366b"),
		aura_path: "//bank-a//aura",
		aura: hex!("58420c95fbdb6053676ce650e2be3956e4161850c2f91861f248742778b9d009"),
		grandpa_path: "//bank-a//grandpa",
		grandpa: hex!("f6321a1cb13b3ded1c0cb545b21fcb7aac7e61932d968ba6ce70be7d232d85dd"),
	},
	LocalInstitution {
		name: "bank-b",
		account_path: "//bank-b",
		account: hex!("745e25b6319144fdbc1f833708c23a5d5553c28d4bbf692d7a7343998386f339"),
		aura_path: "//bank-b//aura",
		aura: hex!("d42e458345780fb5c33b5b44b663764df55f56326a3e7c7549b7f320b6998d0e"),
		grandpa_path: "//bank-b//grandpa",
		grandpa: hex!("d226119e29bf24c9659d4e8f6588922e362e3c5c74fa0ce047d8a7f2f420917d"),
	},
	LocalInstitution {
		name: "regulator",
		account_path: "//regulator",
		account: hex!("90e072d574a4b4946f8fa6e71c04811caa1d85339282c48bfe57cb130ede687e"),
		aura_path: "//regulator//aura",
		aura: hex!("1a6cf494cc309b25945f336e384af6ae9ccbb52c382732936c4d73d68cca9e71"),
		grandpa_path: "//regulator//grandpa",
		grandpa: hex!("a81321b0a877bd0dea3f67b302a92e2e28cf580b72730191d65679b19adeb2a3"),
	},
];

/// The genesis patch for a chain whose validators are `validators`, with an optional sudo key.
pub fn genesis(validators: &[GenesisValidator], sudo: Option<AccountId>) -> Value {
	let keys: Vec<(AccountId, AccountId, SessionKeys)> = validators
		.iter()
		.map(|v| {
			let keys = SessionKeys { aura: v.aura.clone(), grandpa: v.grandpa.clone() };
			(v.account.clone(), v.account.clone(), keys)
		})
		.collect();
	build_struct_json_patch!(RuntimeGenesisConfig {
		session: SessionConfig { keys },
		sudo: SudoConfig { key: sudo },
	})
}

/// The development chain: Alice validates alone and holds the sudo key.
pub fn development_genesis() -> Value {
	let alice = GenesisValidator {
		account: Sr25519Keyring::Alice.to_account_id(),
		aura: Sr25519Keyring::Alice.public().into(),
		grandpa: Ed25519Keyring::Alice.public().into(),
	};
	genesis(&[alice], Some(Sr25519Keyring::Alice.to_account_id()))
}

/// The local test consortium: four institutions, four validators, no sudo key.
pub fn local_testnet_genesis() -> Value {
	let validators: Vec<GenesisValidator> =
		LOCAL_INSTITUTIONS.iter().map(LocalInstitution::validator).collect();
	genesis(&validators, None)
}

/// The JSON genesis patch of the preset `id`, if there is one.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_testnet_genesis(),
		_ => return None,
	};
	serde_json::to_vec(&patch).ok()
}

/// The presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_runtime::BuildStorage;

	fn storage_of(patch: Value) -> sp_runtime::Storage {
		let mut config = RuntimeGenesisConfig::default();
		let base = serde_json::to_value(&config).expect("default config serialises");
		let mut merged = base;
		json_patch(&mut merged, patch);
		config = serde_json::from_value(merged).expect("patched config deserialises");
		config.build_storage().expect("genesis builds")
	}

	fn json_patch(base: &mut Value, patch: Value) {
		match (base, patch) {
			(Value::Object(base), Value::Object(patch)) => {
				for (k, v) in patch {
					json_patch(base.entry(k).or_insert(Value::Null), v);
				}
			}
			(base, patch) => *base = patch,
		}
	}

	#[test]
	fn both_presets_are_offered_and_build_a_genesis() {
		for name in preset_names() {
			let patch = get_preset(&name).expect("listed preset exists");
			let patch: Value = serde_json::from_slice(&patch).expect("preset is json");
			let storage = storage_of(patch);
			assert!(!storage.top.is_empty(), "preset {name} built an empty state");
		}
		assert!(get_preset(&"no-such-chain".into()).is_none());
	}

	#[test]
	fn only_the_development_chain_has_a_sudo_key() {
		let dev = development_genesis();
		assert_eq!(
			dev["sudo"]["key"],
			serde_json::to_value(Sr25519Keyring::Alice.to_account_id()).unwrap()
		);
		let local = local_testnet_genesis();
		assert!(local.get("sudo").is_none_or(|s| s["key"].is_null()), "local has sudo: {local}");
	}

	#[test]
	fn the_local_consortium_has_four_distinct_validators() {
		let local = local_testnet_genesis();
		let keys = local["session"]["keys"].as_array().expect("session keys listed");
		assert_eq!(keys.len(), 4);
		let mut accounts: Vec<String> = keys.iter().map(|k| k[0].to_string()).collect();
		accounts.sort();
		accounts.dedup();
		assert_eq!(accounts.len(), 4, "two institutions share an account");
		let names: Vec<&str> = LOCAL_INSTITUTIONS.iter().map(|i| i.name).collect();
		assert_eq!(names, ["tax-authority", "bank-a", "bank-b", "regulator"]);
	}
}
