//! # BankTax Chain runtime
//!
//! The state transition function of BankTax Chain, a permissioned chain for Bank–Tax Interaction
//! lending. It is compiled twice: natively (feature `std`) for tests and tooling, and to WebAssembly
//! (by `substrate-wasm-builder`), which is what every node executes and what governance upgrades.
//!
//! Composition:
//! - `System`, `Timestamp`: the FRAME basics.
//! - `Calendar`: how long a block lasts (a genesis setting), and wall-clock spans in blocks.
//! - `Institutions`: the registry of tax authorities, banks and regulators. It decides the
//!   council's members, the validator set (it is `Session`'s session manager), which nodes may
//!   connect (through `NodeAuthorization`, which nobody calls directly) and which accounts may
//!   transact, what and how much (`pallet_institutions::CheckMembership`, with the call sets
//!   and budgets of `configs::admission`).
//! - `Council`: the institutions' council (`pallet-collective`). Admissions and the like pass by a
//!   two-thirds motion; `Governance` lets such a motion act as `Root` (runtime upgrades).
//! - `TaxRecords`: enterprises, registered by the tax authority with the accounts that act for
//!   them (which may then transact), and their attested tax records: commitments and sealed
//!   ciphertexts, never figures in clear.
//! - `Consent`: enterprises' consents to banks reading their records, the key envelopes the tax
//!   authority delivers under them, and the banks' log of use. Other pallets ask it through
//!   `banktax_primitives::ConsentCheck`.
//! - `Loans`: banks' loan products, and loans from application (under consent, on an eligible
//!   rating) through decision, disbursement and repayment to closure or default, with every
//!   enterprise's exposure across banks.
//! - `Aura` (block authoring in fixed slots) and `Grandpa` (finality), whose authority sets
//!   `Session` hands them at each session boundary.
//!
//! There is no token and no sudo key: accounts carry no balance, transactions pay no fee, session
//! keys need no deposit (see `pallet_institutions::NoDeposit`). Who may transact is a question of
//! membership, and the council of institutions governs.
#![cfg_attr(not(feature = "std"), no_std)]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

pub mod apis;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
pub mod configs;
pub mod genesis_config_presets;
mod queries;
pub mod weights;

extern crate alloc;

use alloc::vec::Vec;

use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};
use sp_version::RuntimeVersion;

pub use apis::RuntimeApi;
pub use configs::CouncilCollective;
pub use frame_system::Call as SystemCall;
#[cfg(any(feature = "std", test))]
pub use sp_runtime::BuildStorage;

/// Types the node needs without knowing the runtime's own extrinsic format, so that it keeps
/// syncing across runtime upgrades that change it.
pub mod opaque {
	use super::*;
	use sp_runtime::traits::Hash as HashT;

	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block hash type.
	pub type Hash = <BlakeTwo256 as HashT>::Output;
}

impl_opaque_keys! {
	/// The keys a validator registers for a session: one for authoring, one for finality.
	pub struct SessionKeys {
		pub aura: Aura,
		pub grandpa: Grandpa,
	}
}

/// The runtime's identity. `spec_version` must rise with every change to the runtime's logic,
/// otherwise nodes will not switch to an upgraded runtime. A released runtime is kept in
/// `runtime/releases`, which the upgrade test upgrades from.
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("banktax"),
	impl_name: alloc::borrow::Cow::Borrowed("banktax-node"),
	authoring_version: 1,
	spec_version: 105,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 1,
	system_version: 1,
};

/// How long a block lasts on a chain whose genesis does not say: 3 seconds, one Aura slot.
///
/// A loan decision waits for a transaction to land in a block and for that block to be final
/// (GRANDPA finalises about one block behind the head on a healthy network), so the slot length
/// sets the chain's share of a bank's time-to-decision: on the four-node local network at half
/// load, 4.4 s from sending to finality at the median and 9.2 s at the 99th percentile
/// (`docs/performance.md`).
/// Shorter slots buy little more: validators are institutions' data centres, and a block must be
/// built, gossiped and imported by all of them inside the slot. 3 s leaves a 2 s proposal window
/// (see the node's `SlotProportion`) and a 1 s compute budget per block (a third of the slot, see
/// `configs::RuntimeBlockWeights`), which is ample for the chain's load.
///
/// A chain may set another block time in its genesis (`Calendar`); the test chains run 1-second
/// blocks. Days, motion durations and validity limits are counted in blocks from the block time,
/// so they keep their wall-clock meaning. The block time cannot change once the chain has started.
pub const DEFAULT_MILLISECS_PER_BLOCK: u64 = 3000;

/// A transaction signature: sr25519, ed25519 or ecdsa, as polkadot.js and subxt produce.
pub type Signature = MultiSignature;

/// An account is identified by the public key that signs its transactions.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;

/// Counts the transactions an account has sent; replay protection.
pub type Nonce = u32;

/// A hash of some data used by the chain.
pub type Hash = sp_core::H256;

/// A block number.
pub type BlockNumber = u32;

/// The address format for describing accounts.
pub type Address = MultiAddress<AccountId, ()>;

/// Block header type as expected by this runtime.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;

/// Block type as expected by this runtime.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;

/// The checks every signed transaction passes before dispatch. No fee is charged: there is no
/// token on this chain. Membership, call sets by role and budgets
/// (`pallet_institutions::CheckMembership`, `configs::admission`) come before the nonce check,
/// so that an outsider hears that it is not a member rather than that its account does not
/// exist.
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	pallet_institutions::CheckMembership<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

/// What a transaction's signature covers: `call`, the extensions for the signer's `nonce` and the
/// `era` the transaction lives in, and what every node adds back when it checks the signature:
/// the runtime's versions (`spec_version` of the runtime the chain runs, which may be ahead of
/// this build's), the chain's `genesis` and the block `era_start` that the era counts from (the
/// genesis hash for an immortal era). Clients sign its encoding, then take the call and the
/// extensions back with `SignedPayload::deconstruct`.
pub fn signed_payload(
	call: RuntimeCall,
	nonce: Nonce,
	era: sp_runtime::generic::Era,
	spec_version: u32,
	genesis: Hash,
	era_start: Hash,
) -> SignedPayload {
	let extension: TxExtension = (
		frame_system::CheckNonZeroSender::new(),
		pallet_institutions::CheckMembership::new(),
		frame_system::CheckSpecVersion::new(),
		frame_system::CheckTxVersion::new(),
		frame_system::CheckGenesis::new(),
		frame_system::CheckEra::from(era),
		frame_system::CheckNonce::from(nonce),
		frame_system::CheckWeight::new(),
		frame_system::WeightReclaim::new(),
	);
	let implicit =
		((), (), spec_version, VERSION.transaction_version, genesis, era_start, (), (), ());
	SignedPayload::from_raw(call, extension, implicit)
}

/// Unchecked extrinsic type as expected by this runtime.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;

/// The payload being signed in transactions.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Migrations to run on the next runtime upgrade. Each runs once, when its pallet's storage
/// is at the version it migrates from.
type Migrations = (
	pallet_institutions::migrations::v1::MigrateToV1<Runtime>,
	pallet_tax_records::migrations::v1::MigrateToV1<Runtime>,
	pallet_loans::migrations::v1::MigrateToV1<Runtime>,
	pallet_consent::migrations::v1::MigrateToV1<Runtime>,
	pallet_tax_records::migrations::v2::MigrateToV2<Runtime>,
	pallet_loans::migrations::v2::MigrateToV2<Runtime>,
	pallet_consent::migrations::v2::MigrateToV2<Runtime>,
	pallet_consent::migrations::v3::MigrateToV3<Runtime>,
	pallet_loans::migrations::v3::MigrateToV3<Runtime>,
);

/// Executive: handles dispatch to the various pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;

	// Genesis is built in this order: the council and the node list must exist before the
	// institutions registry fills them, and the registry before `Session` asks it for validators.
	#[runtime::pallet_index(2)]
	pub type Council = pallet_collective<Instance1>;

	#[runtime::pallet_index(3)]
	pub type NodeAuthorization = pallet_node_authorization;

	#[runtime::pallet_index(4)]
	pub type Institutions = pallet_institutions;

	#[runtime::pallet_index(5)]
	pub type Aura = pallet_aura;

	#[runtime::pallet_index(6)]
	pub type Grandpa = pallet_grandpa;

	#[runtime::pallet_index(7)]
	pub type Session = pallet_session;

	#[runtime::pallet_index(8)]
	pub type Governance = pallet_governance;

	#[runtime::pallet_index(9)]
	pub type TaxRecords = pallet_tax_records;

	#[runtime::pallet_index(10)]
	pub type Consent = pallet_consent;

	#[runtime::pallet_index(11)]
	pub type Loans = pallet_loans;

	#[runtime::pallet_index(12)]
	pub type Calendar = pallet_calendar;
}
