//! A validator does not sign with keys anyone can derive.
//!
//! The development chain's keys (`//Alice`, …) and the local consortium's
//! (`//tax-authority//aura`, …) come from a phrase every copy of Substrate knows. A validator
//! that signs with one of them lets anyone author its blocks and cast its finality votes.
//! So a validator refuses to start with any of them in its keystore, or with `--alice` and the
//! like, unless told otherwise (`--allow-public-keys`, or `--dev`).

use banktax_runtime::genesis_config_presets::LOCAL_INSTITUTIONS;
use sc_service::config::{Configuration, KeystoreConfig};
use sp_core::crypto::KeyTypeId;
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};
use sp_keystore::Keystore;

/// Every session key derivable from the development phrase that this chain's specs use: who it
/// is, its key type and its public key.
fn well_known() -> Vec<(String, KeyTypeId, Vec<u8>)> {
	let aura = sp_core::crypto::key_types::AURA;
	let grandpa = sp_core::crypto::key_types::GRANDPA;
	let mut keys = Vec::new();
	for key in Sr25519Keyring::iter() {
		keys.push((format!("//{key:?}"), aura, key.public().0.to_vec()));
	}
	for key in Ed25519Keyring::iter() {
		keys.push((format!("//{key:?}"), grandpa, key.public().0.to_vec()));
	}
	for institution in LOCAL_INSTITUTIONS.iter() {
		keys.push((institution.aura_path.into(), aura, institution.aura.to_vec()));
		keys.push((institution.grandpa_path.into(), grandpa, institution.grandpa.to_vec()));
	}
	keys
}

/// The well-known key the node was given, if any: by `--alice` and the like, or in its
/// keystore.
fn public_key_in_use(config: &Configuration) -> Result<Option<String>, String> {
	if let Some(seed) = &config.dev_key_seed {
		return Ok(Some(seed.clone()));
	}
	let KeystoreConfig::Path { path, password } = &config.keystore else { return Ok(None) };
	let keystore = sc_keystore::LocalKeystore::open(path, password.clone())
		.map_err(|e| format!("cannot open the keystore {}: {e}", path.display()))?;
	Ok(well_known()
		.into_iter()
		.find(|(_, key_type, public)| keystore.has_keys(&[(public.clone(), *key_type)]))
		.map(|(name, ..)| name))
}

/// Refuses to run a validator on a well-known key.
pub fn refuse(config: &Configuration) -> sc_cli::Result<()> {
	if !config.role.is_authority() {
		return Ok(());
	}
	match public_key_in_use(config)? {
		None => Ok(()),
		Some(name) => Err(format!(
			"refusing to validate with the well-known key {name}: anyone can derive it and sign \
			 as this validator. Insert keys of your own (`banktax-node key insert --key-type aura \
			 …`, docs/operations.md), or, on a development or test network only, start with \
			 --allow-public-keys"
		)
		.into()),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_local_consortiums_keys_are_the_ones_their_paths_derive() {
		use sp_core::{crypto::Pair, ed25519, sr25519};
		let known = well_known();
		for institution in LOCAL_INSTITUTIONS.iter() {
			let aura = sr25519::Pair::from_string(institution.aura_path, None).expect("a path");
			let grandpa =
				ed25519::Pair::from_string(institution.grandpa_path, None).expect("a path");
			assert!(known.iter().any(|(_, _, k)| *k == aura.public().0.to_vec()));
			assert!(known.iter().any(|(_, _, k)| *k == grandpa.public().0.to_vec()));
		}
		let alice = sr25519::Pair::from_string("//Alice", None).expect("a path");
		assert!(known.contains(&(
			"//Alice".into(),
			sp_core::crypto::key_types::AURA,
			alice.public().0.to_vec()
		)));
	}
}
