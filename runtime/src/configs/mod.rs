//! How each pallet is configured for BankTax Chain.

pub mod admission;
pub mod council;

use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::{ConstBool, ConstU128, ConstU32, ConstU64, Get},
	weights::{
		constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		Weight,
	},
};
use frame_system::limits::{BlockLength, BlockWeights};
use frame_system::EnsureRoot;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::{
	traits::{ConvertInto, StaticLookup},
	DispatchResult, Perbill,
};
use sp_version::RuntimeVersion;

use super::{
	weights, AccountId, Aura, Block, BlockNumber, Consent, Council, Hash, Institutions, Nonce,
	PalletInfo, Runtime, RuntimeCall, RuntimeEvent, RuntimeHoldReason, RuntimeOrigin, RuntimeTask,
	SessionKeys, TaxRecords, DEFAULT_MILLISECS_PER_BLOCK, VERSION,
};

/// Share of a block that ordinary transactions may fill; the rest is kept for operational ones
/// (council business, `admission`).
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

/// The longest block, in bytes.
const MAX_BLOCK_LENGTH: u32 = 5 * 1024 * 1024;

/// Share of a block's weight that `on_initialize` hooks are expected to use.
const AVERAGE_ON_INITIALIZE_RATIO: Perbill = Perbill::from_percent(10);

/// A block may hold a third of its slot in compute: one second of a 3-second block. The author
/// needs time to build the block inside its proposal window (two thirds of the slot), and every
/// other validator to import it before the next slot.
fn maximum_block_weight(millisecs_per_block: u64) -> Weight {
	let per_milli = WEIGHT_REF_TIME_PER_SECOND / 1000;
	Weight::from_parts(millisecs_per_block.saturating_mul(per_milli) / 3, u64::MAX)
}

/// Days, in blocks of this chain's block time.
pub type Days<const N: u32> = pallet_calendar::Days<Runtime, N>;

/// How long a session lasts unless genesis says otherwise (`Institutions::SessionLength`).
/// Validator-set changes take effect at session boundaries.
pub type DefaultSessionLength = pallet_calendar::Minutes<Runtime, 10>;

/// The most institutions the registry holds, removed ones included; also the most validators,
/// council members and authorised nodes.
pub const MAX_INSTITUTIONS: u32 = 128;

/// The council of institutions.
pub type CouncilCollective = pallet_collective::Instance1;

/// A motion of the council passed by at least two thirds of its members.
pub type TwoThirdsOfCouncil =
	pallet_collective::EnsureProportionAtLeast<AccountId, CouncilCollective, 2, 3>;

parameter_types! {
	pub const BlockHashCount: BlockNumber = 2400;
	pub const Version: RuntimeVersion = VERSION;
	pub RuntimeBlockLength: BlockLength = BlockLength::builder()
		.max_length(MAX_BLOCK_LENGTH)
		.modify_max_length_for_class(DispatchClass::Normal, |max| {
			*max = NORMAL_DISPATCH_RATIO * *max
		})
		.build();
	/// The generic Substrate address format, which polkadot.js shows by default.
	pub const SS58Prefix: u8 = 42;

	/// A motion may take up to half a block's weight to execute.
	pub MaxProposalWeight: Weight = Perbill::from_percent(50) * RuntimeBlockWeights::get().max_block;
}

/// The weight a block may hold, scaled with the chain's block time ([`maximum_block_weight`]).
pub struct RuntimeBlockWeights;
impl Get<BlockWeights> for RuntimeBlockWeights {
	fn get() -> BlockWeights {
		block_weights(pallet_calendar::Pallet::<Runtime>::millisecs_per_block())
	}
}

/// The block weights of a chain whose blocks last `millisecs_per_block`. The calendar keeps the
/// block time within its supported range, for every value of which the limits are consistent
/// (tested at both ends), so building them cannot fail.
pub fn block_weights(millisecs_per_block: u64) -> BlockWeights {
	let maximum = maximum_block_weight(millisecs_per_block);
	BlockWeights::builder()
		.base_block(weights::BlockExecutionWeight::get())
		.for_class(DispatchClass::all(), |class| {
			class.base_extrinsic = weights::ExtrinsicBaseWeight::get();
		})
		.for_class(DispatchClass::Normal, |class| {
			class.max_total = Some(NORMAL_DISPATCH_RATIO * maximum);
		})
		.for_class(DispatchClass::Operational, |class| {
			class.max_total = Some(maximum);
			// Operational transactions (e.g. governance) still fit when normal ones fill
			// their share of the block.
			class.reserved = Some(maximum.saturating_sub(NORMAL_DISPATCH_RATIO * maximum));
		})
		.avg_block_initialization(AVERAGE_ON_INITIALIZE_RATIO)
		.build_or_panic()
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = BlockHashCount;
	/// The node stores its state in ParityDB.
	type DbWeight = ParityDbWeight;
	type SystemWeightInfo = weights::frame_system::WeightInfo<Runtime>;
	type ExtensionsWeightInfo = weights::frame_system_extensions::WeightInfo<Runtime>;
	type Version = Version;
	/// No token: an account holds no balance.
	type AccountData = ();
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
}

impl pallet_calendar::Config for Runtime {
	type DefaultMillisecsPerBlock = ConstU64<DEFAULT_MILLISECS_PER_BLOCK>;
}

impl pallet_timestamp::Config for Runtime {
	/// Milliseconds since the Unix epoch.
	type Moment = u64;
	type OnTimestampSet = Aura;
	type MinimumPeriod = pallet_calendar::MinimumPeriod<Runtime>;
	type WeightInfo = weights::pallet_timestamp::WeightInfo<Runtime>;
}

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	type DisabledValidators = ();
	type MaxAuthorities = ConstU32<MAX_INSTITUTIONS>;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_calendar::SlotDuration<Runtime>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// Upstream's measured weights (see `weights`).
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<MAX_INSTITUTIONS>;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	// Equivocation reports need key-ownership proofs (pallet-session's historical module) and
	// a slashing system; validators here are accountable institutions, handled by governance.
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = AccountId;
	type ValidatorIdOf = ConvertInto;
	type ShouldEndSession = pallet_session::PeriodicSessions<SessionLength, ConstU32<0>>;
	type NextSessionRotation = pallet_session::PeriodicSessions<SessionLength, ConstU32<0>>;
	/// Each session's validators are the active institutions' validators.
	type SessionManager = Institutions;
	type SessionHandler = <SessionKeys as sp_runtime::traits::OpaqueKeys>::KeyTypeIdProviders;
	type Keys = SessionKeys;
	type DisablingStrategy = ();
	/// Upstream's measured weights (see `weights`).
	type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
	/// No token, so no deposit for keys: membership decides who may set them.
	type Currency = pallet_institutions::NoDeposit<RuntimeHoldReason>;
	type KeyDeposit = ();
}

impl pallet_collective::Config<CouncilCollective> for Runtime {
	type RuntimeOrigin = RuntimeOrigin;
	type Proposal = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	/// Institutions have two days to vote; a motion that reaches its threshold closes at once.
	type MotionDuration = Days<2>;
	type MaxProposals = ConstU32<{ council::MAX_MOTIONS }>;
	type MaxMembers = ConstU32<MAX_INSTITUTIONS>;
	/// An institution that does not vote counts as voting no.
	type DefaultVote = pallet_collective::PrimeDefaultVote;
	type WeightInfo = council::CouncilWeights;
	/// Members change only through `Institutions`, never directly.
	#[cfg(not(feature = "runtime-benchmarks"))]
	type SetMembersOrigin = frame_system::EnsureNever<()>;
	/// The collective's benchmarks build their councils with `set_members`; only benchmark
	/// builds let `Root` call it.
	#[cfg(feature = "runtime-benchmarks")]
	type SetMembersOrigin = EnsureRoot<AccountId>;
	type MaxProposalWeight = MaxProposalWeight;
	type DisapproveOrigin = TwoThirdsOfCouncil;
	type KillOrigin = TwoThirdsOfCouncil;
	/// Institutions are accountable by name; proposals need no deposit, but a member may have
	/// only a few open at once.
	type Consideration = pallet_governance::ProposalSlot<Runtime>;
}

/// The network's authorised nodes, as `Institutions` maintains them in `NodeAuthorization`.
/// Nodes are added and removed as `Root`, which outside this glue only a council motion reaches;
/// nobody may sign a `NodeAuthorization` call (`admission`), so claims on nodes and extra
/// connections exist only as the council's votes leave them.
pub struct NetworkNodes;
impl banktax_primitives::NodeAuthorization<AccountId> for NetworkNodes {
	fn authorize(node: &banktax_primitives::NodeId, owner: &AccountId) -> DispatchResult {
		// Whatever anyone claimed of the node, or let connect to it, before the vote does not
		// outlive it.
		let peer = sp_core::OpaquePeerId(node.to_vec());
		pallet_node_authorization::Owners::<Runtime>::remove(&peer);
		pallet_node_authorization::AdditionalConnections::<Runtime>::remove(&peer);
		pallet_node_authorization::Pallet::<Runtime>::add_well_known_node(
			frame_system::RawOrigin::Root.into(),
			sp_core::OpaquePeerId(node.to_vec()),
			<Runtime as frame_system::Config>::Lookup::unlookup(owner.clone()),
		)
	}

	fn revoke(node: &banktax_primitives::NodeId) -> DispatchResult {
		let peer = sp_core::OpaquePeerId(node.to_vec());
		// Already gone (e.g. removed by a council motion directly): nothing to revoke.
		if !pallet_node_authorization::WellKnownNodes::<Runtime>::get().contains(&peer) {
			return Ok(());
		}
		pallet_node_authorization::Pallet::<Runtime>::remove_well_known_node(
			frame_system::RawOrigin::Root.into(),
			peer,
		)
	}

	fn forget_unvoted() -> u32 {
		let known = pallet_node_authorization::WellKnownNodes::<Runtime>::get();
		let claims: alloc::vec::Vec<_> = pallet_node_authorization::Owners::<Runtime>::iter_keys()
			.filter(|peer| !known.contains(peer))
			.collect();
		for peer in &claims {
			pallet_node_authorization::Owners::<Runtime>::remove(peer);
		}
		let connections =
			pallet_node_authorization::AdditionalConnections::<Runtime>::clear(u32::MAX, None)
				.backend;
		u32::try_from(claims.len()).unwrap_or(u32::MAX).saturating_add(connections)
	}
}

impl pallet_node_authorization::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// Every institution's node, and room for as many more (e.g. regulators' archive nodes).
	type MaxWellKnownNodes = ConstU32<{ 2 * MAX_INSTITUTIONS }>;
	/// The pallet refuses ids of this length or more; the registry allows up to `MAX_NODE_ID_LEN`.
	type MaxPeerIdLength = ConstU32<{ banktax_primitives::MAX_NODE_ID_LEN + 1 }>;
	type AddOrigin = EnsureRoot<AccountId>;
	type RemoveOrigin = EnsureRoot<AccountId>;
	type SwapOrigin = EnsureRoot<AccountId>;
	type ResetOrigin = EnsureRoot<AccountId>;
	/// Upstream's weights; the pallet has no benchmarks.
	type WeightInfo = ();
}

impl pallet_institutions::Config for Runtime {
	type GovernanceOrigin = TwoThirdsOfCouncil;
	type Council = Council;
	type CouncilMembers = council::Members;
	type Nodes = NetworkNodes;
	type Enterprises = TaxRecords;
	type SessionKeys = pallet_institutions::SessionKeysOf<Runtime>;
	type EnterpriseBudget = admission::EnterpriseBudget;
	type TaxAuthorityBudget = admission::TaxAuthorityBudget;
	type BankBudget = admission::BankBudget;
	type RegulatorBudget = admission::RegulatorBudget;
	type EnterpriseLongevity = admission::EnterpriseLongevity;
	type InstitutionLongevity = admission::InstitutionLongevity;
	type GovernancePriority = ConstU64<{ admission::GOVERNANCE_PRIORITY }>;
	/// Clearing 256 spent budgets costs about 15 ms, 1.5 % of a 3-second block.
	type MaxBudgetsClearedPerBlock =
		ConstU32<{ pallet_institutions::MAX_BUDGETS_CLEARED_PER_BLOCK }>;
	type MaxInstitutions = ConstU32<MAX_INSTITUTIONS>;
	/// GRANDPA finalises with more than two thirds of the validators: four is the smallest set
	/// that keeps finalising with one of them down.
	type MinValidators = ConstU32<4>;
	type DefaultSessionLength = DefaultSessionLength;
	type WeightInfo = pallet_institutions::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = InstitutionBenchmarks;
}

impl pallet_governance::Config for Runtime {
	type RuntimeCall = RuntimeCall;
	type CouncilOrigin = TwoThirdsOfCouncil;
	type RootCalls = council::RootCalls;
	type Motions = council::CouncilMotions;
	type MaxOpenMotionsPerMember = ConstU32<{ council::MAX_OPEN_MOTIONS_PER_MEMBER }>;
	type WeightInfo = pallet_governance::weights::SubstrateWeight<Runtime>;
}

impl pallet_tax_records::Config for Runtime {
	type Institutions = Institutions;
	type GovernanceOrigin = TwoThirdsOfCouncil;
	type Consents = Consent;
	/// A legal representative and a few finance staff.
	type MaxControllers = ConstU32<8>;
	/// Current records: ten years of monthly returns of every kind is 600; amended and revoked
	/// versions do not count.
	type MaxRecordsPerEnterprise = ConstU32<1024>;
	/// A bureau's bulk upload comes in batches of up to 256 records, about 280 KiB.
	type MaxRecordsPerBatch = ConstU32<256>;
	type WeightInfo = pallet_tax_records::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = FirstTaxAuthority;
}

impl pallet_consent::Config for Runtime {
	type Institutions = Institutions;
	type Enterprises = TaxRecords;
	type Records = TaxRecords;
	/// A year, as consents for credit are usually given; a new grant renews.
	type MaxValidity = Days<366>;
	/// Room for consents of different purposes and scopes to the same bank.
	type MaxActiveConsents = ConstU32<8>;
	/// An SME works with a few banks; 32 consents in force bound what its deregistration ends
	/// in one transaction.
	type MaxConsentsInForce = ConstU32<32>;
	/// Ten years of monthly VAT returns and the rest of an enterprise's records fit.
	type MaxEnvelopesPerConsent = ConstU32<256>;
	/// The log in state; every use is also an event.
	type MaxLogEntries = ConstU32<32>;
	/// With `MaxPurgePerBlock`, bounds the expiry hook to about 2 % of a block.
	type MaxExpiriesPerBlock = ConstU32<16>;
	type MaxPurgePerBlock = ConstU32<256>;
	type WeightInfo = pallet_consent::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ConsentBenchmarks;
}

impl pallet_loans::Config for Runtime {
	type Institutions = Institutions;
	type Enterprises = TaxRecords;
	type Records = TaxRecords;
	type Consents = Consent;
	/// Five years.
	type MaxTermMonths = ConstU32<60>;
	type MaxProductsPerBank = ConstU32<64>;
	type MaxOfferValidity = Days<30>;
	/// 10¹⁴ fen, a trillion yuan: far above any SME loan, and the schedule arithmetic stays
	/// exact below it.
	type MaxAmount = ConstU128<100_000_000_000_000>;
	type MaxDueChecksPerBlock = ConstU32<64>;
	type DefaultBlocksPerDay = Days<1>;
	type WeightInfo = pallet_loans::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = LoanBenchmarks;
}

/// Benchmarks lend as the registry's first active bank, to enterprises registered, attested and
/// consenting through `TaxRecords` and `Consent`.
#[cfg(feature = "runtime-benchmarks")]
pub struct LoanBenchmarks;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_loans::BenchmarkHelper<AccountId> for LoanBenchmarks {
	fn bank() -> AccountId {
		first_active(banktax_primitives::Role::Bank)
	}

	fn consenting_enterprise(
		controller: &AccountId,
		bank: &AccountId,
		records: u32,
	) -> Result<alloc::vec::Vec<banktax_primitives::RecordId>, frame_benchmarking::BenchmarkError>
	{
		use banktax_primitives::{Period, RecordKind};
		use pallet_consent::BenchmarkHelper as _;
		let enterprise = ConsentBenchmarks::enterprise(controller)?;
		let mut ids =
			alloc::vec![attest(&enterprise, Period::Year(2025), RecordKind::AnnualSummary)?];
		for month in 1..records {
			let month = u8::try_from(month)
				.map_err(|_| frame_benchmarking::BenchmarkError::Stop("month"))?;
			ids.push(attest(
				&enterprise,
				Period::Month { year: 2025, month },
				RecordKind::VatReturn,
			)?);
		}
		let scope = banktax_primitives::DataScope {
			kinds: alloc::vec![RecordKind::AnnualSummary, RecordKind::VatReturn]
				.try_into()
				.map_err(|_| frame_benchmarking::BenchmarkError::Stop("kinds"))?,
			first_year: 2025,
			last_year: 2025,
		};
		let expires_at =
			frame_system::Pallet::<Runtime>::block_number().saturating_add(Days::<360>::get());
		pallet_consent::Pallet::<Runtime>::grant_consent(
			RuntimeOrigin::signed(controller.clone()),
			bank.clone(),
			banktax_primitives::Purpose::CreditAssessment,
			scope,
			banktax_primitives::DisclosureLevel::WholeRecords,
			expires_at,
			[0; 32],
		)?;
		Ok(ids)
	}
}

/// Benchmarks act as the registry's first active tax authority and bank, and register
/// enterprises and attest records through `TaxRecords`.
#[cfg(feature = "runtime-benchmarks")]
pub struct ConsentBenchmarks;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_consent::BenchmarkHelper<AccountId> for ConsentBenchmarks {
	fn tax_authority() -> AccountId {
		<FirstTaxAuthority as pallet_tax_records::BenchmarkHelper<AccountId>>::tax_authority()
	}

	fn bank() -> AccountId {
		first_active(banktax_primitives::Role::Bank)
	}

	fn enterprise(
		controller: &AccountId,
	) -> Result<banktax_primitives::Uscc, frame_benchmarking::BenchmarkError> {
		use codec::Encode;
		// A code of its own for each controller: nine digits from the account.
		let account = controller.encode();
		let low = account.get(..4).and_then(|b| <[u8; 4]>::try_from(b).ok()).unwrap_or_default();
		let digits = u32::from_le_bytes(low) % 1_000_000_000;
		let first = alloc::format!("91350100{digits:09}");
		let first: [u8; 17] = first
			.as_bytes()
			.try_into()
			.map_err(|_| frame_benchmarking::BenchmarkError::Stop("code length"))?;
		let uscc = banktax_primitives::Uscc::complete(&first)
			.map_err(|_| frame_benchmarking::BenchmarkError::Stop("code alphabet"))?;
		pallet_tax_records::Pallet::<Runtime>::register_enterprise(
			RuntimeOrigin::signed(Self::tax_authority()),
			*uscc.as_bytes(),
			alloc::vec![controller.clone()],
		)?;
		Ok(uscc)
	}

	fn record(
		enterprise: &banktax_primitives::Uscc,
		kind: banktax_primitives::RecordKind,
		year: u16,
	) -> Result<banktax_primitives::RecordId, frame_benchmarking::BenchmarkError> {
		attest(enterprise, banktax_primitives::Period::Year(year), kind)
	}
}

/// Attests a current record of `enterprise` for `period` as the first tax authority; returns
/// its number.
#[cfg(feature = "runtime-benchmarks")]
fn attest(
	enterprise: &banktax_primitives::Uscc,
	period: banktax_primitives::Period,
	kind: banktax_primitives::RecordKind,
) -> Result<banktax_primitives::RecordId, frame_benchmarking::BenchmarkError> {
	use banktax_primitives::privacy::{unopenable_sealed_record, SCHEMA_VERSION};
	let id = pallet_tax_records::NextRecordId::<Runtime>::get();
	let ciphertext = unopenable_sealed_record(kind, &[]);
	pallet_tax_records::Pallet::<Runtime>::attest_record(
		RuntimeOrigin::signed(first_active(banktax_primitives::Role::TaxAuthority)),
		*enterprise.as_bytes(),
		period,
		kind,
		pallet_tax_records::Attestation {
			schema_version: SCHEMA_VERSION,
			rating: kind.carries_rating().then_some(banktax_primitives::Rating::A),
			commitment: [0xcd; 32],
			ciphertext,
		},
	)?;
	Ok(id)
}

/// The governance account of the registry's first active institution of `role`.
#[cfg(feature = "runtime-benchmarks")]
fn first_active(role: banktax_primitives::Role) -> AccountId {
	pallet_institutions::Registry::<Runtime>::iter_values()
		.find(|i| i.role == role && i.status == pallet_institutions::Status::Active)
		.map(|i| i.governance)
		// None in genesis: the benchmarks fail with a named error.
		.unwrap_or_else(|| AccountId::new([0; 32]))
}

/// Benchmarks act as the registry's first active tax authority.
#[cfg(feature = "runtime-benchmarks")]
pub struct FirstTaxAuthority;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_tax_records::BenchmarkHelper<AccountId> for FirstTaxAuthority {
	fn tax_authority() -> AccountId {
		first_active(banktax_primitives::Role::TaxAuthority)
	}
}

/// The membership check's worst path is an enterprise's controller, registered through
/// `TaxRecords`.
#[cfg(feature = "runtime-benchmarks")]
pub struct InstitutionBenchmarks;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_institutions::BenchmarkHelper<AccountId, RuntimeCall> for InstitutionBenchmarks {
	fn enterprise_controller() -> AccountId {
		use pallet_consent::BenchmarkHelper as _;
		let controller = AccountId::new([0x77; 32]);
		// Registered already by an earlier run in the same state: that is all it needs.
		let _ = ConsentBenchmarks::enterprise(&controller);
		controller
	}

	fn enterprise_call() -> RuntimeCall {
		RuntimeCall::Loans(pallet_loans::Call::withdraw_application { loan: 0 })
	}

	fn validator_call() -> RuntimeCall {
		let keys = SessionKeys {
			aura: sp_core::sr25519::Public::from_raw([1; 32]).into(),
			grandpa: sp_core::ed25519::Public::from_raw([1; 32]).into(),
		};
		RuntimeCall::Session(pallet_session::Call::set_keys { keys, proof: alloc::vec![] })
	}
}

/// The session length the registry holds, for `pallet_session::PeriodicSessions`.
pub type SessionLength = pallet_institutions::SessionLengthOf<Runtime>;
