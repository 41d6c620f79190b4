//! A test runtime: the registry, a council, sessions, and a node list kept in memory.

use crate::{self as pallet_institutions, Application, GenesisInstitution};
use banktax_primitives::{NodeAuthorization, NodeId, Role};
use core::cell::RefCell;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64},
	weights::Weight,
};
use frame_system::EnsureRoot;
use sp_runtime::{
	testing::UintAuthorityId,
	traits::{ConvertInto, OpaqueKeys},
	BuildStorage, DispatchResult, KeyTypeId, RuntimeAppPublic,
};
use std::collections::BTreeMap;

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Council: pallet_collective::<Instance1>,
		Institutions: pallet_institutions,
		Session: pallet_session,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

parameter_types! {
	pub MaxProposalWeight: Weight = Weight::from_parts(1_000_000_000, u64::MAX);
}

impl pallet_collective::Config<pallet_collective::Instance1> for Test {
	type RuntimeOrigin = RuntimeOrigin;
	type Proposal = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type MotionDuration = ConstU64<10>;
	type MaxProposals = ConstU32<10>;
	type MaxMembers = ConstU32<16>;
	type DefaultVote = pallet_collective::PrimeDefaultVote;
	type WeightInfo = ();
	type SetMembersOrigin = frame_system::EnsureNever<()>;
	type MaxProposalWeight = MaxProposalWeight;
	type DisapproveOrigin = EnsureRoot<AccountId>;
	type KillOrigin = EnsureRoot<AccountId>;
	type Consideration = ();
}

thread_local! {
	/// The authorised nodes and their owners, as the network would see them.
	pub static NODES: RefCell<BTreeMap<NodeId, AccountId>> = const { RefCell::new(BTreeMap::new()) };
}

/// Authorised nodes, with their owners.
pub fn authorized_nodes() -> BTreeMap<NodeId, AccountId> {
	NODES.with(|n| n.borrow().clone())
}

pub struct TestNodes;
impl NodeAuthorization<AccountId> for TestNodes {
	fn authorize(node: &NodeId, owner: &AccountId) -> DispatchResult {
		NODES.with(|n| n.borrow_mut().insert(node.clone(), *owner));
		Ok(())
	}
	fn revoke(node: &NodeId) -> DispatchResult {
		NODES.with(|n| n.borrow_mut().remove(node));
		Ok(())
	}
}

/// Session handler for the test keys; the registry does not care what keys do.
pub struct TestSessionHandler;
impl pallet_session::SessionHandler<AccountId> for TestSessionHandler {
	const KEY_TYPE_IDS: &'static [KeyTypeId] = &[UintAuthorityId::ID];
	fn on_genesis_session<K: OpaqueKeys>(_: &[(AccountId, K)]) {}
	fn on_new_session<K: OpaqueKeys>(_: bool, _: &[(AccountId, K)], _: &[(AccountId, K)]) {}
	fn on_disabled(_: u32) {}
}

impl pallet_session::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = AccountId;
	type ValidatorIdOf = ConvertInto;
	type ShouldEndSession =
		pallet_session::PeriodicSessions<pallet_institutions::SessionLengthOf<Test>, ConstU64<0>>;
	type NextSessionRotation =
		pallet_session::PeriodicSessions<pallet_institutions::SessionLengthOf<Test>, ConstU64<0>>;
	type SessionManager = Institutions;
	type SessionHandler = TestSessionHandler;
	type Keys = UintAuthorityId;
	type DisablingStrategy = ();
	type WeightInfo = ();
	type Currency = pallet_institutions::NoDeposit<RuntimeHoldReason>;
	type KeyDeposit = ();
}

/// Gives `validator` session keys, as `Session::set_keys` would.
pub fn give_keys(validator: AccountId) {
	pallet_session::NextKeys::<Test>::insert(validator, UintAuthorityId(validator));
}

frame_support::parameter_types! {
	/// A member that is not an institution (on the chain: an enterprise's controller).
	pub const EnterpriseMember: AccountId = 77;
}

impl pallet_institutions::Config for Test {
	type GovernanceOrigin =
		pallet_collective::EnsureProportionAtLeast<AccountId, pallet_collective::Instance1, 2, 3>;
	type Council = Council;
	type Nodes = TestNodes;
	type TransactionMembers = (Institutions, frame_support::traits::Equals<EnterpriseMember>);
	type MaxInstitutions = ConstU32<8>;
	type MinValidators = ConstU32<3>;
	type MaxTransactionsPerBlock = ConstU32<3>;
	type MaxInstitutionTransactionsPerBlock = ConstU32<5>;
	type DefaultSessionLength = ConstU64<10>;
	type WeightInfo = ();
}

/// Unified social credit codes of real organisations, which pass their check.
pub const USCC: [&str; 4] =
	["91350100M000100Y43", "91110000600037341L", "91440300708461136T", "914403001922038216"];

/// A code for institution `n`: a real one for the first four, then made-up ones completed with
/// the right check character.
pub fn uscc(n: u64) -> [u8; 18] {
	if let Some(code) = USCC.get((n as usize).wrapping_sub(1)) {
		return code.as_bytes().try_into().expect("18 characters");
	}
	let first = format!("911100000{n:08}");
	let first: [u8; 17] = first.as_bytes().try_into().expect("17 characters");
	*banktax_primitives::Uscc::complete(&first).expect("digits are code characters").as_bytes()
}

/// The founding institution `n` (1-based): governance account `n`, validator `10 * n`,
/// node `[n; 38]`.
pub fn founder(n: u64, role: Role) -> GenesisInstitution<AccountId> {
	GenesisInstitution {
		role,
		legal_name: format!("Institution {n}"),
		uscc: String::from_utf8(uscc(n).to_vec()).expect("ASCII"),
		governance: n,
		validator: 10 * n,
		node: vec![n as u8; 38],
		encryption_key: vec![n as u8; 32],
	}
}

/// An application for institution `n`, in the pattern of [`founder`].
pub fn application(n: u64, role: Role) -> Application<AccountId> {
	founder(n, role).application().expect("a valid test application")
}

/// A chain founded by a tax authority (1), two banks (2, 3) and a regulator (4).
pub fn new_test_ext() -> sp_io::TestExternalities {
	NODES.with(|n| n.borrow_mut().clear());
	let storage = RuntimeGenesisConfig {
		system: Default::default(),
		council: Default::default(),
		institutions: pallet_institutions::GenesisConfig {
			institutions: vec![
				founder(1, Role::TaxAuthority),
				founder(2, Role::Bank),
				founder(3, Role::Bank),
				founder(4, Role::Regulator),
			],
			session_length: 5,
		},
		// The founders' validators have keys from genesis.
		session: pallet_session::GenesisConfig {
			keys: [10, 20, 30, 40].into_iter().map(|v| (v, v, UintAuthorityId(v))).collect(),
			..Default::default()
		},
	}
	.build_storage()
	.expect("genesis builds");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// The origin of a council motion carried by `ayes` of the council's `of` members.
pub fn council(ayes: u32, of: u32) -> RuntimeOrigin {
	pallet_collective::RawOrigin::<AccountId, pallet_collective::Instance1>::Members(ayes, of)
		.into()
}
