//! What the rest of the chain may know about institutions.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::{traits::ConstU32, BoundedVec, DispatchResult};

/// The role an institution plays on the chain.
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
	serde::Deserialize,
)]
pub enum Role {
	/// A tax bureau: registers enterprises, attests their tax records, assigns ratings.
	TaxAuthority,
	/// A licensed lender: asks for consent, reads consented data, decides and books loans.
	Bank,
	/// The financial regulator: supervises, votes in governance.
	Regulator,
}

/// Longest libp2p peer id the chain stores, in bytes. An Ed25519 peer id is 38 bytes; the bound
/// leaves room for other key types.
pub const MAX_NODE_ID_LEN: u32 = 128;

/// A node's libp2p peer id, as bytes (the multihash, not its base58 text).
pub type NodeId = BoundedVec<u8, ConstU32<MAX_NODE_ID_LEN>>;

/// What other pallets may ask about institutions.
pub trait InstitutionInspect<AccountId> {
	/// The role of the active institution whose governance account is `who`, if any.
	fn active_role(who: &AccountId) -> Option<Role>;

	/// The registered X25519 encryption key of the active institution whose governance account
	/// is `who`: what envelopes for it are sealed to.
	fn encryption_key(who: &AccountId) -> Option<crate::privacy::EncryptionPublicKey>;

	/// Whether `who` is the governance or validator account of an institution that has not
	/// been removed (active or suspended).
	fn is_institution_account(who: &AccountId) -> bool;
}

/// The network's list of nodes allowed to connect, as the institutions registry maintains it.
pub trait NodeAuthorization<AccountId> {
	/// Lets `node`, run by `owner`, join the network.
	fn authorize(node: &NodeId, owner: &AccountId) -> DispatchResult;
	/// Stops `node` from joining the network.
	fn revoke(node: &NodeId) -> DispatchResult;
	/// Forgets every claim on a node and every extra connection that no council vote made;
	/// returns how many entries it removed.
	fn forget_unvoted() -> u32;
}
