//! Genesis presets: the starting state of the chains the node knows by name.
//!
//! - `development` (`--dev`): the well-known development accounts play the founding
//!   institutions (Alice the tax authority, Bob and Charlie banks, Dave the regulator), so
//!   polkadot.js tools work out of the box. Only Alice's validator runs, so the chain starts at
//!   once. Sessions last a minute.
//! - `local_testnet` (`--chain local`): a test consortium of four institutions, each running one
//!   validator on the same machine. Sessions last 30 seconds, so validator changes show quickly.
//!
//! No chain has a sudo key: the council of institutions governs, and reaches `Root` only by
//! motion (see `pallet_governance`).
//!
//! All keys here are derived from the well-known development phrase and are public knowledge:
//! a real consortium generates its own (see `docs/chain-spec.md`). An institution's X25519
//! encryption key is the X25519 public key of `blake2b-256("banktax-encryption-key:" ++ suri)`
//! for the institution's suri (e.g. `//Alice`, `//bank-a`).

use alloc::{string::String, vec, vec::Vec};
use banktax_primitives::{Role, Uscc};
use frame_support::build_struct_json_patch;
use hex_literal::hex;
use pallet_institutions::GenesisInstitution;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_core::crypto::UncheckedFrom;
use sp_genesis_builder::PresetId;
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use crate::{
	AccountId, BlockNumber, InstitutionsConfig, LoansConfig, RuntimeGenesisConfig, SessionConfig,
	SessionKeys,
};

/// A founding institution of a genesis: its registry entry and its validator's session keys,
/// if its validator runs from the first block.
pub struct Founder {
	pub institution: GenesisInstitution<AccountId>,
	pub session_keys: Option<(AuraId, GrandpaId)>,
}

/// A founding institution of the local test consortium, with the derivation path (below the
/// development phrase) of each of its keys and the public key it yields.
pub struct LocalInstitution {
	/// Short name, also used in node names and base paths by `scripts/testnet.sh`.
	pub name: &'static str,
	pub role: Role,
	pub legal_name: &'static str,
	/// The first 17 characters of its (made-up) unified social credit code.
	pub uscc: &'static [u8; 17],
	/// sr25519 governance account: `<dev phrase>//<name>`.
	pub account_path: &'static str,
	pub account: [u8; 32],
	/// sr25519 validator account: `<dev phrase>//<name>//validator`.
	pub validator_path: &'static str,
	pub validator: [u8; 32],
	/// sr25519 Aura key: `<dev phrase>//<name>//aura`.
	pub aura_path: &'static str,
	pub aura: [u8; 32],
	/// ed25519 GRANDPA key: `<dev phrase>//<name>//grandpa`.
	pub grandpa_path: &'static str,
	pub grandpa: [u8; 32],
	/// Public key of its libp2p node key (`chain-spec/local/node-keys/<name>`).
	pub node: [u8; 32],
	/// Its X25519 encryption key (see the module documentation).
	pub encryption_key: [u8; 32],
}

/// The founding institutions of the local test consortium, in genesis order.
pub const LOCAL_INSTITUTIONS: [LocalInstitution; 4] = [
	LocalInstitution {
		name: "tax-authority",
		role: Role::TaxAuthority,
		legal_name: "Local Test Tax Bureau",
		uscc: b"11100000000000001",
		account_path: "//tax-authority",
		account: hex!("fead75f8e1043ef9e6f26ad18e879bf2d2fa65746a5fec4fe27cd3ea7d1c8819"),
		validator_path: "//tax-authority//validator",
		validator: hex!("7e4a6bf8dff2b39f4a1a5d7b895e46cf7f899415ba1ecd3a8f681bd48ff71627"),
		aura_path: "//tax-authority//aura",
		aura: hex!("5e1cff9defda0de3af45f91149515129ac96d6b7e5aecb24d2eb8ce14a9e116a"),
		grandpa_path: "//tax-authority//grandpa",
		grandpa: hex!("758cf939edd19351380a64f2b09d246d3ca143cbacec459b88908769be28aaa5"),
		node: hex!("94586526a0a7366f7038b4b474ee8b2cce457edf74e890a31fbbc9f0c27219ec"),
		encryption_key: hex!("8f16dc9209f0b76f637cb45c7e72e16950ccad7d6ffd9ce9602989e396bef168"),
	},
	LocalInstitution {
		name: "bank-a",
		role: Role::Bank,
		legal_name: "Local Test Bank A",
		uscc: b"91100000000000002",
		account_path: "//bank-a",
		account: hex!("865a4ffd14f506686cef193fec6ed912723756e334dbd0545515e556ba2b366b"),
		validator_path: "//bank-a//validator",
		validator: hex!("dc6e0d0f59e8557c3c77c748c0ce814bcafa875d0fa0ec2a5780c0ed40944c18"),
		aura_path: "//bank-a//aura",
		aura: hex!("58420c95fbdb6053676ce650e2be3956e4161850c2f91861f248742778b9d009"),
		grandpa_path: "//bank-a//grandpa",
		grandpa: hex!("f6321a1cb13b3ded1c0cb545b21fcb7aac7e61932d968ba6ce70be7d232d85dd"),
		node: hex!("fb2c4c4ee814b5b85cd527fe175c2ac48bd62fd01607b20ed53093142a32fac7"),
		encryption_key: hex!("3295467115bb51cc5b23f6c007bc572c77f5dd78be85350a16d4c824c230bf3b"),
	},
	LocalInstitution {
		name: "bank-b",
		role: Role::Bank,
		legal_name: "Local Test Bank B",
		uscc: b"91100000000000003",
		account_path: "//bank-b",
		account: hex!("745e25b6319144fdbc1f833708c23a5d5553c28d4bbf692d7a7343998386f339"),
		validator_path: "//bank-b//validator",
		validator: hex!("386ba096a1fa260b6f1da41a671b07d8939d3cbe9e6d8981b96ca43b713cc716"),
		aura_path: "//bank-b//aura",
		aura: hex!("d42e458345780fb5c33b5b44b663764df55f56326a3e7c7549b7f320b6998d0e"),
		grandpa_path: "//bank-b//grandpa",
		grandpa: hex!("d226119e29bf24c9659d4e8f6588922e362e3c5c74fa0ce047d8a7f2f420917d"),
		node: hex!("306d0bac96448721953283ebb9c997999a949c2766d0003c04ca50a0069527f0"),
		encryption_key: hex!("e21920b6dc9a8585c1cef25ec5e6b206d78de7b94649e5da32863c8f2ade1675"),
	},
	LocalInstitution {
		name: "regulator",
		role: Role::Regulator,
		legal_name: "Local Test Financial Regulator",
		uscc: b"11100000000000004",
		account_path: "//regulator",
		account: hex!("90e072d574a4b4946f8fa6e71c04811caa1d85339282c48bfe57cb130ede687e"),
		validator_path: "//regulator//validator",
		validator: hex!("028cbc9d9881e82f469bcece574daf8ad57cb3f8d6f7993d49ebf0264fa94917"),
		aura_path: "//regulator//aura",
		aura: hex!("1a6cf494cc309b25945f336e384af6ae9ccbb52c382732936c4d73d68cca9e71"),
		grandpa_path: "//regulator//grandpa",
		grandpa: hex!("a81321b0a877bd0dea3f67b302a92e2e28cf580b72730191d65679b19adeb2a3"),
		node: hex!("0975cbd3ffd0ac902ae95849c81ee69c1258a8fe9e87fa648ab743b4b8be2af3"),
		encryption_key: hex!("f06d5c736182769edaa4bd4c43fb7929ab7cdc24db88afc89384253d7c956841"),
	},
];

/// The libp2p peer id (as bytes) of the node whose Ed25519 public key is `public`: an identity
/// multihash of the protobuf-encoded key.
pub fn peer_id_of_ed25519(public: &[u8; 32]) -> Vec<u8> {
	let mut id = vec![0x00, 0x24, 0x08, 0x01, 0x12, 0x20];
	id.extend_from_slice(public);
	id
}

/// A code completed with its check character, as text.
fn uscc(first: &[u8; 17]) -> String {
	let code = Uscc::complete(first).map(|c| *c.as_bytes()).unwrap_or([b'?'; 18]);
	String::from_utf8_lossy(&code).into()
}

impl LocalInstitution {
	fn founder(&self) -> Founder {
		Founder {
			institution: GenesisInstitution {
				role: self.role,
				legal_name: self.legal_name.into(),
				uscc: uscc(self.uscc),
				governance: AccountId::new(self.account),
				validator: AccountId::new(self.validator),
				node: peer_id_of_ed25519(&self.node),
				encryption_key: self.encryption_key.to_vec(),
			},
			session_keys: Some((
				AuraId::unchecked_from(self.aura),
				GrandpaId::unchecked_from(self.grandpa),
			)),
		}
	}
}

/// The development chain's founders: the well-known accounts, validators at their `//stash`
/// accounts, nodes named by their ed25519 development keys. Only Alice's validator has keys.
fn development_founders() -> Vec<Founder> {
	let founder = |who: Sr25519Keyring,
	               stash: Sr25519Keyring,
	               ed: Ed25519Keyring,
	               role: Role,
	               legal_name: &str,
	               code: &[u8; 17],
	               encryption_key: [u8; 32]| Founder {
		institution: GenesisInstitution {
			role,
			legal_name: legal_name.into(),
			uscc: uscc(code),
			governance: who.to_account_id(),
			validator: stash.to_account_id(),
			node: peer_id_of_ed25519(&ed.public().0),
			encryption_key: encryption_key.to_vec(),
		},
		session_keys: None,
	};
	let mut founders = vec![
		founder(
			Sr25519Keyring::Alice,
			Sr25519Keyring::AliceStash,
			Ed25519Keyring::Alice,
			Role::TaxAuthority,
			"Development Tax Bureau (Alice)",
			b"11100000000000011",
			hex!("3ee06db66ac43b7c769a79df3a0b163d6634d7c975eb4a31e4ead23347eb9a5e"),
		),
		founder(
			Sr25519Keyring::Bob,
			Sr25519Keyring::BobStash,
			Ed25519Keyring::Bob,
			Role::Bank,
			"Development Bank (Bob)",
			b"91100000000000012",
			hex!("71232d6aac11470d49691539c1a724b345f46f300d5d4781d4c3b06e35475e7d"),
		),
		founder(
			Sr25519Keyring::Charlie,
			Sr25519Keyring::CharlieStash,
			Ed25519Keyring::Charlie,
			Role::Bank,
			"Development Bank (Charlie)",
			b"91100000000000013",
			hex!("ce5117bd0ec2f2434cf86910ef7491043b197bf6ed2ce9eeb1bd0aee6f96cd2b"),
		),
		founder(
			Sr25519Keyring::Dave,
			Sr25519Keyring::DaveStash,
			Ed25519Keyring::Dave,
			Role::Regulator,
			"Development Financial Regulator (Dave)",
			b"11100000000000014",
			hex!("81de8c98daa3b5c140289615dee928066f047a560946349d025a6e78d6ac9b6d"),
		),
	];
	// `--dev` puts Alice's development keys into the node's keystore.
	founders[0].session_keys =
		Some((Sr25519Keyring::Alice.public().into(), Ed25519Keyring::Alice.public().into()));
	founders
}

/// The genesis patch for `founders`, with sessions of `session_length` blocks.
pub fn genesis(
	founders: Vec<Founder>,
	session_length: BlockNumber,
	blocks_per_day: Option<BlockNumber>,
) -> Value {
	let keys: Vec<(AccountId, AccountId, SessionKeys)> = founders
		.iter()
		.filter_map(|f| {
			let (aura, grandpa) = f.session_keys.clone()?;
			let validator = f.institution.validator.clone();
			Some((validator.clone(), validator, SessionKeys { aura, grandpa }))
		})
		.collect();
	let institutions = founders.into_iter().map(|f| f.institution).collect::<Vec<_>>();
	build_struct_json_patch!(RuntimeGenesisConfig {
		institutions: InstitutionsConfig { institutions, session_length },
		session: SessionConfig { keys },
		loans: LoansConfig { blocks_per_day },
	})
}

/// The development chain: four institutions, Alice's validator alone, one-minute sessions, and
/// a fast loan calendar (a day is one block, so instalments fall due every 30 blocks).
pub fn development_genesis() -> Value {
	genesis(development_founders(), 20, Some(1))
}

/// The local test consortium: four institutions and validators, 30-second sessions, real days.
pub fn local_testnet_genesis() -> Value {
	genesis(LOCAL_INSTITUTIONS.iter().map(LocalInstitution::founder).collect(), 10, None)
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
	use crate::{Runtime, Session};
	use sp_runtime::BuildStorage;

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

	fn build(patch: Value) -> sp_io::TestExternalities {
		let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
		json_patch(&mut config, patch);
		let config: RuntimeGenesisConfig = serde_json::from_value(config).expect("config");
		config.build_storage().expect("genesis builds").into()
	}

	#[test]
	fn both_presets_are_offered_and_build_a_genesis() {
		for name in preset_names() {
			let patch = get_preset(&name).expect("listed preset exists");
			let patch: Value = serde_json::from_slice(&patch).expect("preset is json");
			build(patch).execute_with(|| {
				assert_eq!(pallet_institutions::Registry::<Runtime>::count(), 4, "{name}");
			});
		}
		assert!(get_preset(&"no-such-chain".into()).is_none());
	}

	#[test]
	fn the_development_chain_starts_with_alice_validating_and_four_on_the_council() {
		build(development_genesis()).execute_with(|| {
			assert_eq!(Session::validators(), vec![Sr25519Keyring::AliceStash.to_account_id()]);
			let council = pallet_collective::Members::<Runtime, crate::CouncilCollective>::get();
			let mut expected: Vec<AccountId> = [
				Sr25519Keyring::Alice,
				Sr25519Keyring::Bob,
				Sr25519Keyring::Charlie,
				Sr25519Keyring::Dave,
			]
			.iter()
			.map(|k| k.to_account_id())
			.collect();
			expected.sort();
			assert_eq!(council, expected);
			assert_eq!(pallet_institutions::SessionLength::<Runtime>::get(), 20);
		});
	}

	#[test]
	fn the_local_consortium_has_four_validators_and_four_authorised_nodes() {
		build(local_testnet_genesis()).execute_with(|| {
			let mut expected: Vec<AccountId> =
				LOCAL_INSTITUTIONS.iter().map(|i| AccountId::new(i.validator)).collect();
			expected.sort();
			assert_eq!(Session::validators(), expected);
			assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 4);
			assert_eq!(pallet_grandpa::Pallet::<Runtime>::grandpa_authorities().len(), 4);
			let nodes = pallet_node_authorization::WellKnownNodes::<Runtime>::get();
			assert_eq!(nodes.len(), 4);
			for institution in LOCAL_INSTITUTIONS.iter() {
				let peer = sp_core::OpaquePeerId(peer_id_of_ed25519(&institution.node));
				assert!(nodes.contains(&peer), "{} node not authorised", institution.name);
			}
			assert_eq!(pallet_institutions::SessionLength::<Runtime>::get(), 10);
		});
	}

	#[test]
	fn genesis_codes_are_complete_codes() {
		for institution in LOCAL_INSTITUTIONS.iter() {
			assert!(Uscc::parse(uscc(institution.uscc).as_bytes()).is_ok(), "{}", institution.name);
		}
		let names: Vec<&str> = LOCAL_INSTITUTIONS.iter().map(|i| i.name).collect();
		assert_eq!(names, ["tax-authority", "bank-a", "bank-b", "regulator"]);
	}

	#[test]
	fn encryption_keys_are_the_codecs_development_keys() {
		use banktax_primitives::privacy::EncryptionSecret;
		for institution in LOCAL_INSTITUTIONS.iter() {
			let key = EncryptionSecret::development(institution.account_path).public();
			assert_eq!(key, institution.encryption_key, "{}", institution.name);
		}
		let development: Vec<(String, [u8; 32])> = development_founders()
			.into_iter()
			.map(|f| {
				let key = f.institution.encryption_key.try_into().expect("32 bytes");
				(f.institution.legal_name, key)
			})
			.collect();
		for ((name, key), suri) in
			development.iter().zip(["//Alice", "//Bob", "//Charlie", "//Dave"])
		{
			assert_eq!(EncryptionSecret::development(suri).public(), *key, "{name}");
		}
	}

	#[test]
	fn a_council_member_has_at_most_its_share_of_open_motions() {
		use crate::configs::council::MAX_OPEN_MOTIONS_PER_MEMBER;
		build(development_genesis()).execute_with(|| {
			frame_system::Pallet::<Runtime>::set_block_number(1);
			let propose = |who: Sr25519Keyring, n: u32| {
				let proposal = Box::new(crate::RuntimeCall::System(frame_system::Call::remark {
					remark: n.to_le_bytes().to_vec(),
				}));
				let len = codec::Encode::encoded_size(&proposal) as u32;
				crate::Council::propose(
					crate::RuntimeOrigin::signed(who.to_account_id()),
					3,
					proposal,
					len,
				)
				.map(|_| ())
				.map_err(|e| e.error)
			};
			for n in 0..MAX_OPEN_MOTIONS_PER_MEMBER {
				propose(Sr25519Keyring::Alice, n).expect("within the share");
			}
			let too_many = pallet_governance::Error::<Runtime>::TooManyOpenMotions.into();
			assert_eq!(propose(Sr25519Keyring::Alice, 99), Err(too_many));
			let open = pallet_collective::Proposals::<Runtime, crate::CouncilCollective>::get();
			assert_eq!(open.len() as u32, MAX_OPEN_MOTIONS_PER_MEMBER, "the refusal left nothing");
			propose(Sr25519Keyring::Bob, 99).expect("another member still may");

			// Once one of Alice's motions is closed, she may propose again.
			let motion =
				pallet_collective::RawOrigin::<AccountId, crate::CouncilCollective>::Members(4, 4);
			crate::Council::disapprove_proposal(motion.into(), open[0]).expect("disapproved");
			propose(Sr25519Keyring::Alice, 100).expect("a slot is free again");
		});
	}

	#[test]
	fn a_motion_dispatches_as_root_only_what_the_runtime_lists() {
		build(development_genesis()).execute_with(|| {
			frame_system::Pallet::<Runtime>::set_block_number(1);
			let motion = || {
				pallet_collective::RawOrigin::<AccountId, crate::CouncilCollective>::Members(4, 4)
					.into()
			};
			let authorities = pallet_institutions::Registry::<Runtime>::count();
			let wipe = crate::RuntimeCall::System(frame_system::Call::kill_prefix {
				prefix: frame_support::storage::storage_prefix(b"Institutions", b"Registry")
					.to_vec(),
				subkeys: u32::MAX,
			});
			assert_eq!(
				crate::Governance::dispatch_as_root(motion(), Box::new(wipe)).map_err(|e| e.error),
				Err(pallet_governance::Error::<Runtime>::CallNotForRoot.into())
			);
			assert_eq!(pallet_institutions::Registry::<Runtime>::count(), authorities);
			let upgrade = crate::RuntimeCall::System(frame_system::Call::authorize_upgrade {
				code_hash: Default::default(),
			});
			assert!(crate::Governance::dispatch_as_root(motion(), Box::new(upgrade)).is_ok());
			frame_system::Pallet::<Runtime>::assert_last_event(
				pallet_governance::Event::DispatchedAsRoot { result: Ok(()) }.into(),
			);
		});
	}

	#[test]
	fn the_council_admits_a_bank_whose_node_id_has_the_longest_allowed_length() {
		build(development_genesis()).execute_with(|| {
			let node = vec![7u8; banktax_primitives::MAX_NODE_ID_LEN as usize];
			let application = pallet_institutions::Application {
				role: Role::Bank,
				legal_name: b"Longest Node Id Bank".to_vec(),
				uscc: *Uscc::complete(b"91100000000000099").expect("digits").as_bytes(),
				governance: Sr25519Keyring::Eve.to_account_id(),
				validator: Sr25519Keyring::EveStash.to_account_id(),
				node: node.clone(),
				encryption_key: [9; 32],
			};
			let motion =
				pallet_collective::RawOrigin::<AccountId, crate::CouncilCollective>::Members(4, 4);
			pallet_institutions::Pallet::<Runtime>::admit(motion.into(), Box::new(application))
				.expect("the council admits it");
			let nodes = pallet_node_authorization::WellKnownNodes::<Runtime>::get();
			assert!(
				nodes.contains(&sp_core::OpaquePeerId(node)),
				"the network does not know its node"
			);
		});
	}
}
