//! What the pallet keeps about consents, their envelopes and their use.

pub use banktax_primitives::privacy::Envelope;
use banktax_primitives::{
	privacy::EncryptionPublicKey, DataScope, DisclosureLevel, Purpose, RecordId, Uscc,
};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// BLAKE2b-256 of the notice text the enterprise agreed to when it granted a consent.
pub type NoticeHash = [u8; 32];

/// A party to a consent.
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
pub enum Party {
	/// The enterprise that granted it, through one of its controllers.
	Enterprise,
	/// The bank that holds it.
	Bank,
	/// Neither: the tax authority deregistered the enterprise, which ended its consents.
	Deregistration,
}

/// Who withdrew a consent, and when.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo, serde::Serialize,
)]
#[serde(rename_all = "camelCase")]
pub struct Withdrawal<AccountId, BlockNumber> {
	/// The enterprise withdrew it, or the bank gave it up.
	pub party: Party,
	/// The account that signed the withdrawal.
	pub by: AccountId,
	/// The block that included it; the consent stopped working in that block.
	pub at: BlockNumber,
}

/// A consent's state as every read and check sees it at a given block.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo, serde::Serialize,
)]
#[serde(rename_all = "camelCase")]
pub enum ConsentState<BlockNumber> {
	/// In force: the bank may receive envelopes and use data in scope.
	Active,
	/// Withdrawn by the enterprise or given up by the bank, at this block.
	Withdrawn { party: Party, at: BlockNumber },
	/// Ran out at this block.
	Expired { at: BlockNumber },
}

/// A consent: one enterprise lets one bank read some of its records, for one purpose, until a
/// block.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo, serde::Serialize,
)]
#[serde(rename_all = "camelCase")]
pub struct Consent<AccountId, BlockNumber> {
	/// The enterprise whose records it covers.
	pub enterprise: Uscc,
	/// The controller account that granted it for the enterprise.
	pub granted_by: AccountId,
	/// The bank that may read.
	pub bank: AccountId,
	/// What for, and nothing beyond it.
	pub purpose: Purpose,
	/// Which records.
	pub scope: DataScope,
	/// How much of each record.
	pub disclosure: DisclosureLevel,
	/// The notice text the enterprise agreed to, hashed.
	#[serde(serialize_with = "banktax_primitives::text::hex")]
	pub notice: NoticeHash,
	/// The block that included the grant.
	pub granted_at: BlockNumber,
	/// The first block in which the consent no longer works.
	pub expires_at: BlockNumber,
	/// Set once the enterprise withdraws it or the bank gives it up.
	pub withdrawal: Option<Withdrawal<AccountId, BlockNumber>>,
	/// Envelopes for it still in state.
	pub envelopes: u32,
	/// Uses the bank has recorded under it, over its whole life.
	pub uses: u32,
}

impl<AccountId, BlockNumber: Copy + PartialOrd> Consent<AccountId, BlockNumber> {
	/// The consent's state at block `now`. Expiry needs no transaction: a consent is expired
	/// from its `expires_at` on, whether or not the chain has cleaned up after it.
	pub fn state(&self, now: BlockNumber) -> ConsentState<BlockNumber> {
		match &self.withdrawal {
			Some(withdrawal) => {
				ConsentState::Withdrawn { party: withdrawal.party, at: withdrawal.at }
			}
			None if now >= self.expires_at => ConsentState::Expired { at: self.expires_at },
			None => ConsentState::Active,
		}
	}

	/// Whether the consent is in force at block `now`.
	pub fn is_active(&self, now: BlockNumber) -> bool {
		self.state(now) == ConsentState::Active
	}
}

/// An envelope delivered under a consent: a record's data key, or chosen fields with their
/// proofs, sealed to the bank's encryption key.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo, serde::Serialize,
)]
#[serde(rename_all = "camelCase")]
pub struct Delivery<AccountId, BlockNumber> {
	/// The sealed envelope (`banktax_primitives::privacy::seal_envelope`).
	#[serde(serialize_with = "banktax_primitives::text::hex")]
	pub envelope: Envelope,
	/// The bank's registered encryption key when it was delivered: the key that opens it.
	#[serde(serialize_with = "banktax_primitives::text::hex")]
	pub recipient_key: EncryptionPublicKey,
	/// The tax authority that delivered it.
	pub delivered_by: AccountId,
	/// When.
	pub delivered_at: BlockNumber,
}

/// One use of consented data, as the bank recorded it.
#[derive(
	Clone,
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
pub struct Access<BlockNumber> {
	/// Its number among the consent's uses, from 1.
	pub number: u32,
	/// The record used.
	pub record: RecordId,
	/// What for.
	pub purpose: Purpose,
	/// When it was recorded.
	pub at: BlockNumber,
}

/// What a bank's consents come to: kept as they change, read by the regulator's overview.
#[derive(
	Clone,
	Copy,
	Default,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	MaxEncodedLen,
	TypeInfo,
	serde::Serialize,
)]
#[serde(rename_all = "camelCase")]
pub struct BankTally {
	/// Its consents in force: granted, and neither withdrawn nor closed after expiry.
	pub consents_in_force: u32,
	/// The uses of consented data it has recorded, under all its consents ever.
	pub uses: u64,
}
