//! The genesis a node's database was made from, checked against the chain spec at every start.
//!
//! The node builds the genesis block from the chain spec only when its database has none; on an
//! existing database it would never look at the spec's genesis again, and a node started on an
//! old base path with another chain's spec would run the old chain under the new one's name. So
//! when it creates a database the node records, beside it (`chains/<id>/genesis.json`), the
//! genesis hash and a fingerprint of the spec (a hash of its JSON). At later starts an unchanged
//! fingerprint says the spec is the one the database was made from, without building its
//! genesis again (a large genesis costs a minute and gigabytes). Only when the spec's JSON
//! differs (the same chain as a raw spec, say) does the node build the spec's genesis block, and
//! it refuses to start if that is not the database's.

use std::path::{Path, PathBuf};

use banktax_runtime::Hash;
use serde::{Deserialize, Serialize};

/// What the node keeps about the database's genesis.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GenesisRecord {
	pub genesis_hash: Hash,
	pub spec_fingerprint: Hash,
}

/// The fingerprint of a chain spec: the hash of its JSON as given (not converted to raw, which
/// would build its genesis).
pub fn fingerprint(spec: &dyn sc_service::ChainSpec) -> Result<Hash, String> {
	let json = spec.as_json(false).map_err(|e| format!("the chain spec cannot be read: {e}"))?;
	Ok(sp_io::hashing::blake2_256(json.as_bytes()).into())
}

/// Where the record of a chain's database lives.
pub fn record_path(chain_dir: &Path) -> PathBuf {
	chain_dir.join("genesis.json")
}

/// Checks the database whose genesis is `database` against the spec whose fingerprint is
/// `fingerprint`, given the record kept so far and whether this start created the database;
/// `spec_genesis` builds the spec's genesis block, when nothing cheaper decides. Returns the
/// record to keep, or why the node must not start.
pub fn check(
	kept: Option<GenesisRecord>,
	database: Hash,
	fingerprint: Hash,
	created_now: bool,
	spec_genesis: impl FnOnce() -> Result<Hash, String>,
) -> Result<GenesisRecord, String> {
	let now = GenesisRecord { genesis_hash: database, spec_fingerprint: fingerprint };
	if created_now || kept == Some(now) {
		return Ok(now);
	}
	let spec = spec_genesis()?;
	if spec != database {
		return Err(format!(
			"this database holds the chain whose genesis is {database:?}, but the chain spec's \
			 genesis is {spec:?}: start with the spec the database was made from, or give \
			 another --base-path (or remove this chain's database with purge-chain)"
		));
	}
	Ok(now)
}

/// Reads the record at `path`; `None` if there is none or it cannot be read (the check then
/// builds the spec's genesis and writes it again).
pub fn read(path: &Path) -> Option<GenesisRecord> {
	let text = std::fs::read_to_string(path).ok()?;
	serde_json::from_str(&text).ok()
}

/// Writes the record at `path`, whole or not at all.
pub fn write(path: &Path, record: &GenesisRecord) -> Result<(), String> {
	let json = serde_json::to_string_pretty(record).map_err(|e| e.to_string())?;
	let partial = path.with_extension("json.partial");
	std::fs::write(&partial, json)
		.and_then(|()| std::fs::rename(&partial, path))
		.map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
	use super::*;

	const DB: Hash = Hash::repeat_byte(1);
	const OTHER: Hash = Hash::repeat_byte(2);
	const SPEC: Hash = Hash::repeat_byte(7);
	const CHANGED_SPEC: Hash = Hash::repeat_byte(8);

	fn built(hash: Hash) -> impl FnOnce() -> Result<Hash, String> {
		move || Ok(hash)
	}

	fn never() -> impl FnOnce() -> Result<Hash, String> {
		|| panic!("the spec's genesis was built although nothing required it")
	}

	#[test]
	fn a_new_database_and_an_unchanged_spec_need_no_genesis_built() {
		let record = GenesisRecord { genesis_hash: DB, spec_fingerprint: SPEC };
		assert_eq!(check(None, DB, SPEC, true, never()), Ok(record));
		assert_eq!(check(Some(record), DB, SPEC, false, never()), Ok(record));
	}

	#[test]
	fn a_changed_spec_of_the_same_genesis_is_recorded_and_another_genesis_refused() {
		let kept = GenesisRecord { genesis_hash: DB, spec_fingerprint: SPEC };
		let same = check(Some(kept), DB, CHANGED_SPEC, false, built(DB));
		assert_eq!(same, Ok(GenesisRecord { genesis_hash: DB, spec_fingerprint: CHANGED_SPEC }));
		let other = check(Some(kept), DB, CHANGED_SPEC, false, built(OTHER));
		assert!(other.is_err_and(|e| e.contains("start with the spec the database was made from")));
	}

	#[test]
	fn a_database_without_a_record_is_checked_once() {
		assert!(check(None, DB, SPEC, false, built(OTHER)).is_err());
		assert_eq!(
			check(None, DB, SPEC, false, built(DB)),
			Ok(GenesisRecord { genesis_hash: DB, spec_fingerprint: SPEC })
		);
	}

	#[test]
	fn records_are_kept_as_json_beside_the_database() {
		let dir = std::env::temp_dir().join(format!("banktax-genesis-{}", std::process::id()));
		std::fs::create_dir_all(&dir).expect("a scratch folder");
		let path = record_path(&dir);
		let record = GenesisRecord { genesis_hash: DB, spec_fingerprint: SPEC };
		write(&path, &record).expect("written");
		assert_eq!(read(&path), Some(record));
		std::fs::write(&path, "not json").expect("overwritten");
		assert_eq!(read(&path), None);
		std::fs::remove_dir_all(&dir).expect("cleaned up");
	}
}
