//! The registry's records.

use banktax_primitives::{NodeId, Role, Uscc};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::ConstU32, BoundedVec};
use scale_info::TypeInfo;

/// Longest legal name, in bytes of UTF-8: enough for the longest registered Chinese
/// organisation names (about 40 characters of 3 bytes each), with room to spare.
pub const MAX_LEGAL_NAME_LEN: u32 = 256;

/// An institution's registered legal name, UTF-8.
pub type LegalName = BoundedVec<u8, ConstU32<MAX_LEGAL_NAME_LEN>>;

/// An X25519 public key: what an institution's counterparties seal data keys to.
pub type EncryptionKey = [u8; 32];

/// An institution's number in the registry, assigned in order of admission, never reused.
pub type InstitutionId = u32;

/// Where an institution stands.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	serde::Serialize,
)]
#[serde(rename_all = "camelCase")]
pub enum Status {
	/// Takes part: sits on the council, validates, may transact.
	Active,
	/// Temporarily out: no council seat, no validating, no transactions; may be reinstated.
	Suspended,
	/// Out for good. The record stays for the history; its accounts, code and node are free.
	Removed,
}

/// An institution as the registry knows it.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo, serde::Serialize,
)]
#[serde(rename_all = "camelCase")]
pub struct Institution<AccountId, BlockNumber> {
	pub role: Role,
	#[serde(serialize_with = "banktax_primitives::text::utf8")]
	pub legal_name: LegalName,
	pub uscc: Uscc,
	/// Votes on the council and signs the institution's business transactions.
	pub governance: AccountId,
	/// Runs the institution's validator: sets its session keys.
	pub validator: AccountId,
	/// The libp2p peer id of the institution's node.
	#[serde(serialize_with = "banktax_primitives::text::hex")]
	pub node: NodeId,
	#[serde(serialize_with = "banktax_primitives::text::hex")]
	pub encryption_key: EncryptionKey,
	pub status: Status,
	pub admitted_at: BlockNumber,
}

/// What the council decides when it admits an institution.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct Application<AccountId> {
	pub role: Role,
	/// UTF-8, at most [`MAX_LEGAL_NAME_LEN`] bytes.
	pub legal_name: alloc::vec::Vec<u8>,
	/// The unified social credit code as printed, 18 characters.
	pub uscc: [u8; 18],
	pub governance: AccountId,
	pub validator: AccountId,
	/// The node's libp2p peer id as bytes.
	pub node: alloc::vec::Vec<u8>,
	pub encryption_key: EncryptionKey,
}

/// A founding institution in a chain spec's genesis, in JSON-friendly form: names and codes
/// as text, the node id and encryption key as hex.
#[derive(Clone, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GenesisInstitution<AccountId> {
	pub role: Role,
	pub legal_name: alloc::string::String,
	pub uscc: alloc::string::String,
	pub governance: AccountId,
	pub validator: AccountId,
	#[serde(with = "sp_core::bytes")]
	pub node: alloc::vec::Vec<u8>,
	#[serde(with = "sp_core::bytes")]
	pub encryption_key: alloc::vec::Vec<u8>,
}

impl<AccountId> GenesisInstitution<AccountId> {
	/// The same institution as the council would admit it; `None` if the encryption key is not
	/// 32 bytes.
	pub fn application(self) -> Option<Application<AccountId>> {
		Some(Application {
			role: self.role,
			legal_name: self.legal_name.into_bytes(),
			uscc: self.uscc.as_bytes().try_into().ok()?,
			governance: self.governance,
			validator: self.validator,
			node: self.node,
			encryption_key: self.encryption_key.as_slice().try_into().ok()?,
		})
	}
}

/// What one budget holder (an institution with all its accounts, an enterprise with all its
/// controllers) may put into the chain, per transaction and per block, and how the pool ranks
/// its transactions. See [`crate::CheckMembership`].
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct Budget {
	/// The longest transaction, encoded, in bytes.
	pub max_transaction_len: u32,
	/// Transactions in one block.
	pub transactions_per_block: u32,
	/// Bytes of transactions in one block.
	pub bytes_per_block: u32,
	/// Share of a block's weight (which follows the block time) its transactions may use.
	pub weight_per_block: sp_runtime::Perbill,
	/// How the pool orders the holder's transactions: higher goes first, and a full pool drops
	/// the lowest first. Council business goes above every budget's priority
	/// ([`crate::Config::GovernancePriority`]).
	pub priority: u64,
}

impl Budget {
	/// What the holder may use of a block whose weight is at most `max_block_ref_time`.
	pub fn per_block(&self, max_block_ref_time: u64) -> Usage {
		Usage {
			transactions: self.transactions_per_block,
			bytes: self.bytes_per_block,
			ref_time: self.weight_per_block * max_block_ref_time,
		}
	}
}

/// What transactions use of a block.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct Usage {
	pub transactions: u32,
	/// Encoded length, in bytes.
	pub bytes: u32,
	/// Weight, in picoseconds of compute (the chain does not bound proof size).
	pub ref_time: u64,
}

impl Usage {
	/// This usage with one more transaction of `bytes` and `ref_time`; `None` on overflow.
	pub fn with(&self, bytes: u32, ref_time: u64) -> Option<Usage> {
		Some(Usage {
			transactions: self.transactions.checked_add(1)?,
			bytes: self.bytes.checked_add(bytes)?,
			ref_time: self.ref_time.checked_add(ref_time)?,
		})
	}

	/// Whether this usage is within `limit` in every measure.
	pub fn within(&self, limit: &Usage) -> bool {
		self.transactions <= limit.transactions
			&& self.bytes <= limit.bytes
			&& self.ref_time <= limit.ref_time
	}
}
