//! What the pallet keeps about enterprises and their records.

use banktax_primitives::{
	privacy::MAX_SEALED_RECORD_LEN, Period, Rating, RecordId, RecordKind, Uscc,
};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	traits::{ConstU32, Get},
	BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use scale_info::TypeInfo;

/// A sealed record as stored: at most [`MAX_SEALED_RECORD_LEN`] bytes (see there for why).
pub type Ciphertext = BoundedVec<u8, ConstU32<MAX_SEALED_RECORD_LEN>>;

/// Whether an enterprise is on the register.
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
pub enum EnterpriseStatus<BlockNumber> {
	/// Registered: its controllers may act for it, and records may be attested.
	Registered,
	/// Deregistered at this block: no controllers, no new records; its records stay.
	Deregistered { at: BlockNumber },
}

/// An enterprise on the register.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(MaxControllers))]
#[codec(mel_bound(AccountId: MaxEncodedLen, BlockNumber: MaxEncodedLen))]
pub struct Enterprise<
	AccountId: Clone + PartialEq + Eq + core::fmt::Debug,
	BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug,
	MaxControllers: Get<u32>,
> {
	/// The accounts allowed to act for the enterprise (grant consent, apply for loans).
	pub controllers: BoundedVec<AccountId, MaxControllers>,
	/// The tax authority in charge of it: the one that registered it, or the one the council
	/// transferred it to. Only it acts on the enterprise.
	pub registered_by: AccountId,
	/// When it was (last) registered.
	pub registered_at: BlockNumber,
	pub status: EnterpriseStatus<BlockNumber>,
	/// How many current records it has (superseded and revoked versions not counted).
	pub record_count: u32,
}

/// Why a record was revoked. Codes, not text: free text could carry the very figures the
/// chain keeps sealed.
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
pub enum RevocationReason {
	/// Attested for the wrong enterprise.
	WrongEnterprise,
	/// Attested for the wrong period or as the wrong kind.
	WrongPeriodOrKind,
	/// A filing or payment it attests was annulled (e.g. a return withdrawn).
	FilingAnnulled,
	/// Attested twice by mistake.
	Duplicate,
	/// Revoked on a court's or an authority's order.
	Ordered,
}

/// Where a record version stands.
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
pub enum RecordStatus<AccountId, BlockNumber> {
	/// The version in force.
	Current,
	/// Replaced by the amendment `by` at block `at`.
	Superseded { by: RecordId, at: BlockNumber },
	/// Withdrawn as erroneous by `by` at block `at`, for `reason`.
	Revoked { reason: RevocationReason, by: AccountId, at: BlockNumber },
}

/// One version of an attested tax record. The figures are only in the ciphertext.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct TaxRecord<AccountId, BlockNumber> {
	pub enterprise: Uscc,
	pub period: Period,
	pub kind: RecordKind,
	/// The record schema the sealed record follows.
	pub schema_version: u16,
	/// 1 for the first attestation, one more for each amendment.
	pub version: u32,
	/// The version this one amends, if any.
	pub previous: Option<RecordId>,
	/// The tax credit rating, in clear, for annual summaries only.
	pub rating: Option<Rating>,
	/// Root over the record's salted field hashes (see `banktax_primitives::privacy`).
	pub commitment: [u8; 32],
	/// The sealed record.
	pub ciphertext: Ciphertext,
	/// The tax authority account that attested it.
	pub attested_by: AccountId,
	pub attested_at: BlockNumber,
	pub status: RecordStatus<AccountId, BlockNumber>,
}

/// A record's public content as a tax authority submits it.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct Attestation {
	/// The record schema the sealed record follows.
	pub schema_version: u16,
	/// The rating, for annual summaries; `None` for every other kind.
	pub rating: Option<Rating>,
	/// The commitment to the record's fields.
	pub commitment: [u8; 32],
	/// The sealed record (format of `banktax_primitives::privacy::seal`).
	pub ciphertext: alloc::vec::Vec<u8>,
}

/// One record of a batch ([`Pallet::attest_records`](crate::Pallet::attest_records)): the
/// arguments of a single attestation.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct BatchedRecord {
	/// The enterprise's unified social credit code, as text.
	pub uscc: [u8; banktax_primitives::USCC_LEN],
	pub period: Period,
	pub kind: RecordKind,
	pub attestation: Attestation,
}

/// A register filled at genesis with generated enterprises, for measuring the chain at the
/// size of a province (`scripts/bench.sh`). Enterprise `i` has the code [`synthetic_uscc`]
/// `(i)` and one controller, [`synthetic_controller`]`(i)`, whose key nobody holds: they are
/// state to read, not actors.
///
/// [`synthetic_uscc`]: crate::synthetic_uscc
/// [`synthetic_controller`]: crate::synthetic_controller
#[derive(Clone, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SyntheticRegister<AccountId> {
	/// How many enterprises.
	pub enterprises: u32,
	/// How many monthly VAT returns (as long as sealed records of format 2) each has, from
	/// January 2015 on.
	pub records_each: u32,
	/// The tax authority they are registered and attested by.
	pub registered_by: AccountId,
}

/// Whether a record being filed replaces the current record of its (enterprise, period, kind),
/// which then no longer counts against the enterprise's cap.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Replacing {
	Nothing,
	Current,
}

/// The envelope that gives an enterprise one of its own records: the record's data key,
/// sealed to the key the enterprise registered, which it names.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct OwnEnvelope {
	/// The enterprise's key it was sealed to: after the enterprise registers another, the tax
	/// authority delivers again.
	pub key: banktax_primitives::privacy::EncryptionPublicKey,
	pub envelope: banktax_primitives::privacy::Envelope,
}
