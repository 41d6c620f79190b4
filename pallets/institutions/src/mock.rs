//! A test runtime: the registry, a council, sessions, and a node list kept in memory.

use crate::{self as pallet_institutions, Application, Budget, GenesisInstitution};
use banktax_primitives::{
	EnterpriseInspect, NodeAuthorization, NodeId, Role, SignedBy, Signers, Uscc,
};
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
	BuildStorage, DispatchResult, KeyTypeId, Perbill, RuntimeAppPublic,
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
	// Database costs that are not zero, so that tests can see what a transaction is charged.
	type DbWeight = frame_support::weights::constants::RocksDbWeight;
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
	fn forget_unvoted() -> u32 {
		UNVOTED.with(|u| u.replace(0))
	}
}

thread_local! {
	/// Claims and connections no vote made, as the network would hold them.
	pub static UNVOTED: RefCell<u32> = const { RefCell::new(0) };
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

/// A controller of an enterprise (on the chain: registered by the tax authority).
pub const ENTERPRISE_CONTROLLER: AccountId = 77;
/// Another controller of the same enterprise.
pub const OTHER_CONTROLLER: AccountId = 78;

/// The code of the mock's one enterprise.
pub fn enterprise_code() -> Uscc {
	Uscc::parse(&uscc(100)).expect("a valid code")
}

pub struct TestEnterprises;
impl EnterpriseInspect<AccountId> for TestEnterprises {
	fn enterprise_of(who: &AccountId) -> Option<Uscc> {
		[ENTERPRISE_CONTROLLER, OTHER_CONTROLLER].contains(who).then(enterprise_code)
	}
	fn is_registered(enterprise: &Uscc) -> bool {
		*enterprise == enterprise_code()
	}
}

parameter_types! {
	/// Small budgets, so that tests reach them: an enterprise 3 transactions, 250 bytes and
	/// a millionth of a block's weight a block, 100 bytes a transaction; an institution 5,
	/// 5 000 bytes and a thousandth, 1 000 bytes a transaction.
	pub const EnterpriseBudget: Budget = Budget {
		max_transaction_len: 100,
		transactions_per_block: 3,
		bytes_per_block: 250,
		weight_per_block: Perbill::from_parts(1_000),
		priority: 1,
	};
	pub const InstitutionBudget: Budget = Budget {
		max_transaction_len: 1_000,
		transactions_per_block: 5,
		bytes_per_block: 5_000,
		weight_per_block: Perbill::from_parts(1_000_000),
		priority: 10,
	};
}

/// The most weight of its own an enterprise's transactions may have in a mock block.
pub fn enterprise_weight_per_block() -> u64 {
	use frame_support::traits::Get;
	let weights: frame_system::limits::BlockWeights =
		<<Test as frame_system::Config>::BlockWeights as Get<_>>::get();
	let max_block: u64 = weights.max_block.ref_time();
	EnterpriseBudget::get().per_block(max_block).ref_time
}

/// The priority of council business in the mock.
pub const GOVERNANCE_PRIORITY: u64 = 1_000;

/// The mock's call sets: remarks for institutions, `remark_with_event` for enterprises (a
/// stand-in for their consent and loan calls), council business for council members, session
/// keys for validators, nothing else signed.
impl SignedBy for RuntimeCall {
	fn signers(&self) -> Signers {
		match self {
			RuntimeCall::System(frame_system::Call::remark { .. }) => Signers::AnyInstitution,
			RuntimeCall::System(frame_system::Call::remark_with_event { .. }) => {
				Signers::Enterprise
			}
			RuntimeCall::Council(
				pallet_collective::Call::propose { .. }
				| pallet_collective::Call::vote { .. }
				| pallet_collective::Call::close { .. },
			) => Signers::CouncilMember,
			RuntimeCall::Session(pallet_session::Call::set_keys { .. }) => Signers::Validator,
			RuntimeCall::Institutions(call) => call.signers(),
			_ => Signers::Nobody,
		}
	}
}

/// The council's members, as the collective keeps them.
pub struct CouncilMembers;
impl frame_support::traits::Get<Vec<AccountId>> for CouncilMembers {
	fn get() -> Vec<AccountId> {
		pallet_collective::Members::<Test, pallet_collective::Instance1>::get()
	}
}

impl pallet_institutions::Config for Test {
	type GovernanceOrigin =
		pallet_collective::EnsureProportionAtLeast<AccountId, pallet_collective::Instance1, 2, 3>;
	type Council = Council;
	type CouncilMembers = CouncilMembers;
	type Nodes = TestNodes;
	type Enterprises = TestEnterprises;
	type SessionKeys = pallet_institutions::SessionKeysOf<Test>;
	type EnterpriseBudget = EnterpriseBudget;
	type TaxAuthorityBudget = InstitutionBudget;
	type BankBudget = InstitutionBudget;
	type RegulatorBudget = InstitutionBudget;
	type EnterpriseLongevity = ConstU64<8>;
	type InstitutionLongevity = ConstU64<16>;
	type GovernancePriority = ConstU64<GOVERNANCE_PRIORITY>;
	type MaxBudgetsClearedPerBlock = ConstU32<4>;
	type MaxInstitutions = ConstU32<8>;
	type MinValidators = ConstU32<3>;
	type DefaultSessionLength = ConstU64<10>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = TestBenchmarks;
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

#[cfg(feature = "runtime-benchmarks")]
pub struct TestBenchmarks;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId, RuntimeCall> for TestBenchmarks {
	fn enterprise_controller() -> AccountId {
		ENTERPRISE_CONTROLLER
	}
	fn enterprise_call() -> RuntimeCall {
		RuntimeCall::System(frame_system::Call::remark_with_event { remark: vec![] })
	}
	fn validator_call() -> RuntimeCall {
		RuntimeCall::Session(pallet_session::Call::set_keys {
			keys: UintAuthorityId(1),
			proof: vec![],
		})
	}
}
