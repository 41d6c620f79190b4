//! The chains the node knows by name. Anything else passed to `--chain` is read as a path to a
//! chain-spec JSON file (see `chain-spec/` and `docs/chain-spec.md`).

use banktax_runtime::{genesis_config_presets::LOCAL_INSTITUTIONS, WASM_BINARY};
use sc_chain_spec::{ChainSpecBuilder, NoExtension};
use sc_service::ChainType;
use sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};

/// A chain specification for BankTax Chain. Building its genesis runs the runtime, which
/// imports the rule-proof host function.
pub type ChainSpec = sc_service::GenericChainSpec<NoExtension, RuleProofs>;

type RuleProofs = banktax_primitives::privacy::host::rule_proofs::HostFunctions;

/// The first libp2p port of the local test consortium; institution `i` listens on `+ i`.
pub const LOCAL_FIRST_P2P_PORT: u16 = 30333;

/// The libp2p identities of the local consortium's nodes, in `LOCAL_INSTITUTIONS` order. Their
/// secret keys are in `chain-spec/local/node-keys/`; they exist for tests on one machine only.
pub const LOCAL_PEER_IDS: [&str; 4] = [
	"12D3KooWKoSghAuPLE3NJyHFkMsjF2uKAfg1Mg4WQpiJnt8Spcx3",
	"12D3KooWSiqgJNUrTE7hNiXmQFvW96yDjrpToCKjZbHB5zpfDQjg",
	"12D3KooWD5QBKh1LvPckaEkfGcrgY6AVccWxBjFjZ4UigqAjRx8X",
	"12D3KooWATJ1ydMBnCJV6JtguUn54nNaADoqhT9Vkqo5YV29U4WW",
];

fn wasm() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| "the runtime's wasm was not built (was SKIP_WASM_BUILD set?)".into())
}

/// Chain properties clients read: the address format (generic Substrate, 42). There is no token,
/// so no token symbol or decimals.
fn properties() -> sc_service::Properties {
	let mut properties = sc_service::Properties::new();
	properties.insert("ss58Format".into(), 42.into());
	properties
}

/// A spec for the runtime's genesis preset `preset`. The protocol id keeps the networks of
/// different chains apart even where their nodes can reach each other.
fn spec_from_preset(
	name: &str,
	id: &str,
	chain_type: ChainType,
	preset: &str,
) -> Result<ChainSpecBuilder<NoExtension, RuleProofs>, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name(name)
		.with_id(id)
		.with_protocol_id(&id.replace('_', "-"))
		.with_chain_type(chain_type)
		.with_genesis_config_preset_name(preset)
		.with_properties(properties()))
}

/// `--dev`: one validator (Alice), sudo for Alice, starts at once.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	let spec = spec_from_preset(
		"BankTax Development",
		"banktax_dev",
		ChainType::Development,
		DEV_RUNTIME_PRESET,
	)?;
	Ok(spec.build())
}

/// `--chain local`: the four founding institutions of a test consortium on one machine.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	let spec = spec_from_preset(
		"BankTax Local Consortium",
		"banktax_local",
		ChainType::Local,
		LOCAL_TESTNET_RUNTIME_PRESET,
	)?;
	Ok(spec.with_boot_nodes(local_boot_nodes()?).build())
}

fn local_boot_nodes() -> Result<Vec<sc_network::config::MultiaddrWithPeerId>, String> {
	LOCAL_PEER_IDS
		.iter()
		.zip(LOCAL_INSTITUTIONS.iter())
		.enumerate()
		.map(|(i, (peer, _))| {
			let port = LOCAL_FIRST_P2P_PORT + i as u16;
			format!("/ip4/127.0.0.1/tcp/{port}/p2p/{peer}")
				.parse()
				.map_err(|e| format!("local boot node {i}: {e}"))
		})
		.collect()
}

/// Finds the chain spec named `id`, or reads it from the file at path `id`.
pub fn load(id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
	Ok(match id {
		"dev" => Box::new(development_chain_spec()?),
		// Subcommands that need a chain and were given none (a node to run must be told which,
		// `command.rs`) get the local consortium.
		"" | "local" => Box::new(local_chain_spec()?),
		path => Box::new(ChainSpec::from_json_file(std::path::PathBuf::from(path))?),
	})
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_core::{crypto::Pair, ed25519, sr25519};

	#[test]
	fn local_institution_keys_are_the_ones_their_paths_derive() {
		for institution in LOCAL_INSTITUTIONS.iter() {
			let account = sr25519::Pair::from_string(institution.account_path, None).unwrap();
			assert_eq!(account.public().0, institution.account, "{} account", institution.name);
			let validator = sr25519::Pair::from_string(institution.validator_path, None).unwrap();
			assert_eq!(
				validator.public().0,
				institution.validator,
				"{} validator",
				institution.name
			);
			let aura = sr25519::Pair::from_string(institution.aura_path, None).unwrap();
			assert_eq!(aura.public().0, institution.aura, "{} aura", institution.name);
			let grandpa = ed25519::Pair::from_string(institution.grandpa_path, None).unwrap();
			assert_eq!(grandpa.public().0, institution.grandpa, "{} grandpa", institution.name);
		}
	}

	#[test]
	fn local_peer_ids_belong_to_the_checked_in_node_keys() {
		for (institution, peer) in LOCAL_INSTITUTIONS.iter().zip(LOCAL_PEER_IDS) {
			let path = format!(
				"{}/../chain-spec/local/node-keys/{}",
				env!("CARGO_MANIFEST_DIR"),
				institution.name
			);
			let hex = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
			let secret = array_bytes::hex2bytes(hex.trim()).expect("node key is hex");
			let secret = sc_network::config::ed25519::SecretKey::try_from_bytes(secret)
				.expect("node key is an ed25519 secret");
			let public = sc_network::config::ed25519::Keypair::from(secret).public();
			assert_eq!(public.to_peer_id().to_string(), peer, "{}", institution.name);
			// The genesis registry names the same node.
			assert_eq!(public.to_bytes(), institution.node, "{} node in genesis", institution.name);
			let bytes =
				banktax_runtime::genesis_config_presets::peer_id_of_ed25519(&institution.node);
			assert_eq!(sc_network::PeerId::from_bytes(&bytes).unwrap().to_string(), peer);
		}
	}

	#[test]
	fn local_institutions_file_lists_the_genesis_order() {
		let path = format!("{}/../chain-spec/local/institutions", env!("CARGO_MANIFEST_DIR"));
		let listed = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
		let listed: Vec<&str> = listed.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
		let genesis: Vec<&str> = LOCAL_INSTITUTIONS.iter().map(|i| i.name).collect();
		assert_eq!(listed, genesis);
	}

	/// The genesis of a checked-in spec, without the runtime code: the code changes with every
	/// runtime change, the rest only when genesis itself changes.
	fn genesis_without_code(json: &str) -> serde_json::Value {
		let mut spec: serde_json::Value = serde_json::from_str(json).expect("spec is json");
		let genesis = spec["genesis"]["runtimeGenesis"].as_object_mut().expect("runtime genesis");
		assert!(genesis.remove("code").is_some(), "spec carries runtime code");
		spec
	}

	#[test]
	fn checked_in_specs_match_the_built_in_ones() {
		for (name, file) in [("dev", "dev.json"), ("local", "local.json")] {
			let path = format!("{}/../chain-spec/{file}", env!("CARGO_MANIFEST_DIR"));
			let checked_in =
				std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
			let built = load(name).unwrap().as_json(false).unwrap();
			assert_eq!(
				genesis_without_code(&checked_in),
				genesis_without_code(&built),
				"{path} is stale: run scripts/chain-specs.sh"
			);
		}
	}

	#[test]
	fn named_chains_build_and_unknown_paths_fail_with_the_path() {
		assert_eq!(load("dev").unwrap().id(), "banktax_dev");
		let local = load("local").unwrap();
		assert_eq!(local.id(), "banktax_local");
		assert_eq!(local.boot_nodes().len(), 4);
		let Err(err) = load("/no/such/spec.json") else { panic!("a missing file is an error") };
		assert!(err.contains("/no/such/spec.json"), "{err}");
	}
}
