//! What the pallet keeps about loan products, loans and their schedules.

use banktax_primitives::{
	privacy::{
		rules::{Rule, MAX_RULES},
		Point,
	},
	ConsentId, Rating, RecordId, Uscc,
};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::ConstU32, BoundedVec};
use scale_info::TypeInfo;

pub use banktax_primitives::loan::{Amount, ApplicationBinding, ProductId};

/// A loan's number.
pub type LoanId = u64;

/// Most records one credit decision may cite.
pub const MAX_DECISION_RECORDS: u32 = 8;

/// The ratings a product accepts, each at most once.
pub type Ratings = BoundedVec<Rating, ConstU32<5>>;

/// The records a credit decision relied on.
pub type DecisionRecords = BoundedVec<RecordId, ConstU32<MAX_DECISION_RECORDS>>;

/// Most records one rule proof may rest on: a year of monthly records and a few more.
pub const MAX_EVIDENCE_RECORDS: u32 = 16;

/// Most points one rule proof may carry: every figure of its records (a record has at most
/// seven).
pub const MAX_EVIDENCE_POINTS: u32 = MAX_EVIDENCE_RECORDS * 7;

/// The longest rule proof: an aggregate of `MAX_CLAIMS` (32) claims is 992 bytes.
pub const MAX_RULE_PROOF_LEN: u32 = 1024;

/// The rules a product states, fixed when it is published.
pub type ProductRules = BoundedVec<Rule, ConstU32<MAX_RULES>>;

/// The records a rule proof rests on, in ascending order of kind and period.
pub type EvidenceRecords = BoundedVec<RecordId, ConstU32<MAX_EVIDENCE_RECORDS>>;

/// The terms a product grants by itself when an application proves every rule.
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
#[serde(rename_all = "camelCase")]
pub struct StandardOffer {
	/// Annual, in basis points, within the product's range.
	pub rate_bps: u32,
	/// How long the offer stays open, in days of the loan calendar.
	pub valid_days: u32,
}

/// What an application carries to prove a product's rules on the enterprise's records without
/// showing a figure.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct RuleEvidence {
	/// The records the rules read, current, of format 2, in ascending order of kind and
	/// period, each the latest of its kind.
	pub records: EvidenceRecords,
	/// Every point of those records, record by record in catalogue order: the chain recomputes
	/// each record's commitment from them.
	pub points: BoundedVec<Point, ConstU32<MAX_EVIDENCE_POINTS>>,
	/// The enterprise's next proof number ([`crate::ProofNonces`]): a proof serves once.
	pub nonce: u32,
	/// The aggregated range proof of the rules' claims.
	pub proof: BoundedVec<u8, ConstU32<MAX_RULE_PROOF_LEN>>,
}

/// What an application proved, kept with its loan for the bank and an auditor: that the
/// product's rules (of vocabulary `rules_version`) held on these records.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo, serde::Serialize,
)]
#[serde(rename_all = "camelCase")]
pub struct RuleAnswers {
	pub rules_version: u16,
	/// The records the rules were proven on.
	pub records: EvidenceRecords,
	/// The proof's number among the enterprise's.
	pub nonce: u32,
}

/// How a loan is repaid.
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
#[serde(rename_all = "camelCase")]
pub enum RepaymentStyle {
	/// A level monthly payment of principal and interest (an annuity).
	EqualInstalments,
	/// Interest every month, the whole principal with the last month's interest.
	InterestOnlyThenBullet,
}

/// What a bank offers under a loan product.
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
pub struct ProductTerms {
	/// The tax credit ratings it lends to (e.g. A, B, M).
	pub ratings: Ratings,
	/// The largest loan, in fen.
	pub max_amount: Amount,
	/// The longest term, in months.
	pub max_term_months: u16,
	/// The lowest annual rate, in basis points.
	pub min_rate_bps: u32,
	/// The highest annual rate, in basis points.
	pub max_rate_bps: u32,
	pub style: RepaymentStyle,
	/// The most an enterprise may owe across all banks, this loan included, in fen.
	pub exposure_cap: Amount,
	/// Days past due after which the bank may declare a loan defaulted.
	pub default_after_days: u32,
	/// What an application must prove on the enterprise's sealed figures (none: the bank
	/// reviews records it reads under consent).
	pub rules: ProductRules,
	/// The terms granted in the block of an application that proves every rule, if the
	/// exposure cap allows; `None`: the bank decides.
	pub automatic: Option<StandardOffer>,
}

/// A bank's loan product.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo, serde::Serialize,
)]
#[serde(rename_all = "camelCase")]
pub struct Product<AccountId> {
	/// The bank that publishes it.
	pub bank: AccountId,
	pub terms: ProductTerms,
	/// Retired products take no new applications; their loans carry on.
	pub retired: bool,
}

/// Why a bank rejected an application. Codes, not text: text could carry figures the chain keeps
/// sealed.
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
#[serde(rename_all = "camelCase")]
pub enum RejectionReason {
	/// The tax paid does not support the amount asked for.
	InsufficientTaxBase,
	/// Filing compliance, arrears or penalties fall short of the bank's policy.
	ComplianceRecord,
	/// The enterprise already owes too much across banks.
	ExcessiveExposure,
	/// Too short a tax history (e.g. less than two years of operation).
	ShortHistory,
	/// The records under consent do not cover what the bank must review.
	IncompleteData,
	/// The sector or the enterprise falls outside the bank's lending policy.
	OutsidePolicy,
}

/// The terms a bank approved, open for the enterprise to accept until `expires_at`.
#[derive(
	Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo, serde::Serialize,
)]
#[serde(rename_all = "camelCase")]
pub struct Offer<BlockNumber> {
	/// In fen; at most what was asked for and the product's maximum.
	pub amount: Amount,
	/// Annual, in basis points, within the product's range.
	pub rate_bps: u32,
	/// In months, at most what was asked for and the product's maximum.
	pub term_months: u16,
	/// The first block in which the offer can no longer be accepted.
	pub expires_at: BlockNumber,
}

/// What a credit decision relied on, for an auditor to trace.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo, serde::Serialize,
)]
#[serde(rename_all = "camelCase")]
pub struct Decision<BlockNumber> {
	/// The consent under which the bank read the enterprise's records.
	pub consent: ConsentId,
	/// The records it read.
	pub records: DecisionRecords,
	/// When it decided.
	pub at: BlockNumber,
}

/// Where a loan is in its life. Only the state machine moves it.
#[derive(
	Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo, serde::Serialize,
)]
#[serde(rename_all = "camelCase")]
pub enum LoanState<BlockNumber> {
	/// The enterprise applied; the bank has not decided.
	Applied,
	/// The enterprise withdrew its application or declined the offer.
	Withdrawn { at: BlockNumber },
	/// The bank rejected the application.
	Rejected { reason: RejectionReason, at: BlockNumber },
	/// The bank approved; the offer awaits the enterprise.
	Approved,
	/// The offer expired unaccepted (shown by reads; stored as `Approved`).
	Lapsed { at: BlockNumber },
	/// The enterprise accepted the offer; the bank has yet to pay out.
	Accepted { at: BlockNumber },
	/// Paid out; instalments are being paid on time.
	Repaying,
	/// An instalment due at `since` is unpaid.
	Overdue { since: BlockNumber },
	/// The bank declared the loan defaulted.
	Defaulted { at: BlockNumber },
	/// The bank wrote the defaulted loan off.
	WrittenOff { at: BlockNumber },
	/// Repaid in full.
	Closed { at: BlockNumber },
}

/// A loan, from application to its end.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo, serde::Serialize,
)]
#[serde(rename_all = "camelCase")]
pub struct Loan<AccountId, BlockNumber> {
	pub enterprise: Uscc,
	/// The controller account that applied.
	pub applicant: AccountId,
	pub bank: AccountId,
	pub product: ProductId,
	/// The amount asked for, in fen.
	pub requested_amount: Amount,
	/// The term asked for, in months.
	pub requested_term_months: u16,
	/// The annual summary the application rests on (its rating is the product's test).
	pub summary: RecordId,
	/// The summary's rating when the enterprise applied: what the regulator's tallies count
	/// the loan under.
	pub rating: Rating,
	pub applied_at: BlockNumber,
	pub state: LoanState<BlockNumber>,
	/// The bank's decision trail, once it has approved.
	pub decision: Option<Decision<BlockNumber>>,
	/// The approved terms.
	pub offer: Option<Offer<BlockNumber>>,
	/// When the bank recorded the payout.
	pub disbursed_at: Option<BlockNumber>,
	/// Principal repaid so far, in fen.
	pub principal_paid: Amount,
	/// Interest paid so far, in fen.
	pub interest_paid: Amount,
}

impl<AccountId, BlockNumber> Loan<AccountId, BlockNumber> {
	/// Where the loan stands in the tallies: its stage and its outstanding principal.
	pub fn standing(&self) -> (Stage, Amount) {
		(self.state.stage(), self.outstanding())
	}

	/// Principal paid out and not yet repaid, in fen: what the loan adds to the enterprise's
	/// exposure. Nothing before disbursement, nor once the loan is closed or written off.
	pub fn outstanding(&self) -> Amount {
		match self.state {
			LoanState::Repaying | LoanState::Overdue { .. } | LoanState::Defaulted { .. } => self
				.offer
				.as_ref()
				.map(|offer| offer.amount)
				.unwrap_or_default()
				.saturating_sub(self.principal_paid),
			_ => 0,
		}
	}
}

/// One month of a repayment schedule, and what has been paid of it.
#[derive(
	Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo, serde::Serialize,
)]
#[serde(rename_all = "camelCase")]
pub struct Instalment<BlockNumber> {
	/// The block by which it is due.
	pub due: BlockNumber,
	pub principal: Amount,
	pub interest: Amount,
	pub principal_paid: Amount,
	pub interest_paid: Amount,
}

impl<BlockNumber> Instalment<BlockNumber> {
	/// Whether it has been paid in full.
	pub fn is_paid(&self) -> bool {
		self.principal_paid >= self.principal && self.interest_paid >= self.interest
	}
}

/// A loan's stage as the regulator's tallies count it: its stored state without the state's
/// details. An offer that lapsed unaccepted counts as approved (lapsing needs no transaction).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Debug,
	Encode,
	Decode,
	MaxEncodedLen,
	TypeInfo,
	serde::Serialize,
)]
#[serde(rename_all = "camelCase")]
pub enum Stage {
	Applied,
	Withdrawn,
	Rejected,
	Approved,
	Accepted,
	Repaying,
	Overdue,
	Defaulted,
	WrittenOff,
	Closed,
}

impl Stage {
	/// Every stage, in the order of a loan's life.
	pub const ALL: [Stage; 10] = [
		Stage::Applied,
		Stage::Withdrawn,
		Stage::Rejected,
		Stage::Approved,
		Stage::Accepted,
		Stage::Repaying,
		Stage::Overdue,
		Stage::Defaulted,
		Stage::WrittenOff,
		Stage::Closed,
	];
}

impl<BlockNumber> LoanState<BlockNumber> {
	/// The stage the tallies count a loan in this state under.
	pub fn stage(&self) -> Stage {
		match self {
			LoanState::Applied => Stage::Applied,
			LoanState::Withdrawn { .. } => Stage::Withdrawn,
			LoanState::Rejected { .. } => Stage::Rejected,
			LoanState::Approved | LoanState::Lapsed { .. } => Stage::Approved,
			LoanState::Accepted { .. } => Stage::Accepted,
			LoanState::Repaying => Stage::Repaying,
			LoanState::Overdue { .. } => Stage::Overdue,
			LoanState::Defaulted { .. } => Stage::Defaulted,
			LoanState::WrittenOff { .. } => Stage::WrittenOff,
			LoanState::Closed { .. } => Stage::Closed,
		}
	}
}

/// How many loans are at a stage, and their outstanding principal in fen (zero but for
/// repaying, overdue and defaulted loans).
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
pub struct Tally {
	pub loans: u64,
	pub outstanding: Amount,
}

impl Tally {
	/// Counts a loan with `outstanding` principal in.
	pub fn add(&mut self, outstanding: Amount) {
		self.loans = self.loans.saturating_add(1);
		self.outstanding = self.outstanding.saturating_add(outstanding);
	}

	/// Counts a loan with `outstanding` principal out.
	pub fn remove(&mut self, outstanding: Amount) {
		self.loans = self.loans.saturating_sub(1);
		self.outstanding = self.outstanding.saturating_sub(outstanding);
	}
}
