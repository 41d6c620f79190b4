//! The rule vocabulary lending products state, and what each rule claims about the figures.
//!
//! A product's rules are fixed when it is published and are public. Each rule reads figures of
//! records of one kind: the latest record, or one record per month for the last N months. An
//! application names the records (the chain checks they are the enterprise's current records
//! of the right kind and periods, and that the points it carries make their commitments), and
//! each rule becomes [`Claim`]s over the points (see [`super::claims`]):
//!
//! | rule | claims |
//! | --- | --- |
//! | [`Rule::AtLeast`]: figure ≥ T | `v − T` |
//! | [`Rule::AtMost`]: figure ≤ T | `T − v` |
//! | [`Rule::EachMonthAtLeast`]: in each of the last N months, figure ≥ T | N claims `v_m − T` |
//! | [`Rule::SumAtLeast`]: the sum over the last N months ≥ T | `Σ v_m − T` |
//! | [`Rule::LoanAtMostMultiple`]: requested amount L ≤ k × figure | `k·v − L` |
//! | [`Rule::Scorecard`]: Σ wᵢ·figureᵢ ≥ T | `Σ wᵢ·vᵢ − T` |
//!
//! Bounds keep every claim within [`super::claims`]' limits, so no derived value wraps: at most
//! [`MAX_MONTHS`] months, multiples up to [`MAX_MULTIPLE`], scorecard weights up to
//! [`MAX_SCORE_WEIGHT`] in size over at most [`MAX_SCORE_TERMS`] figures, thresholds and loan
//! amounts below 2^64 (a loan's amount is in fen).

use super::{
	claims::{self, Claim, ClaimProof, ProveError, Term, MAX_CLAIMS},
	pedersen::{Blinding, Point},
	schema::FieldKey,
	seal::{Disclosure, Opening},
};
use crate::{Period, RecordKind};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use rand_core::{CryptoRng, RngCore};
use scale_info::TypeInfo;
use sp_runtime::{traits::ConstU32, BoundedVec};

/// The version of this vocabulary; proofs bind it.
pub const RULES_VERSION: u16 = 1;

/// Most months a rule may look back.
pub const MAX_MONTHS: u8 = 12;

/// Largest multiple of a figure a loan may be capped at.
pub const MAX_MULTIPLE: u16 = 100;

/// Largest scorecard weight, in size.
pub const MAX_SCORE_WEIGHT: i32 = 10_000;

/// Most figures a scorecard weighs.
pub const MAX_SCORE_TERMS: u32 = 8;

/// Most rules a product states.
pub const MAX_RULES: u32 = 8;

/// One figure and its weight in a scorecard.
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
pub struct Weighted {
	pub field: FieldKey,
	pub weight: i32,
}

/// A lending rule over committed figures. `kind` names the records it reads: the latest one,
/// or, for the monthly rules, one per month.
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
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Rule {
	/// The latest record's `field` is at least `threshold`.
	AtLeast { kind: RecordKind, field: FieldKey, threshold: u64 },
	/// The latest record's `field` is at most `threshold`.
	AtMost { kind: RecordKind, field: FieldKey, threshold: u64 },
	/// In each of the last `months` monthly records, `field` is at least `threshold`.
	EachMonthAtLeast { kind: RecordKind, field: FieldKey, months: u8, threshold: u64 },
	/// Over the last `months` monthly records, `field` sums to at least `threshold`.
	SumAtLeast { kind: RecordKind, field: FieldKey, months: u8, threshold: u64 },
	/// The amount applied for is at most `multiple` times the latest record's `field`.
	LoanAtMostMultiple { kind: RecordKind, field: FieldKey, multiple: u16 },
	/// Σ weight × field of the latest record is at least `threshold`.
	Scorecard {
		kind: RecordKind,
		weights: BoundedVec<Weighted, ConstU32<MAX_SCORE_TERMS>>,
		threshold: i64,
	},
}

/// Why rules or the records named for them do not fit.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum RuleError {
	/// A rule names a figure its kind does not carry.
	FieldNotInKind,
	/// Months, multiple, weights or threshold out of their bounds.
	OutOfBounds,
	/// The records named for a rule are not of its kind, or not the months it needs.
	WrongRecords,
	/// More claims than one proof carries.
	TooManyClaims,
}

/// The months a monthly rule reads: `months` consecutive months ending with `last`.
pub fn last_months(last: Period, months: u8) -> Option<Vec<Period>> {
	let Period::Month { year, month } = last else { return None };
	let last_index = u32::from(year).checked_mul(12)?.checked_add(u32::from(month))?;
	let first_index = last_index.checked_sub(u32::from(months))?.checked_add(1)?;
	(first_index..=last_index)
		.map(|index| {
			let year = u16::try_from((index - 1) / 12).ok()?;
			let month = u8::try_from((index - 1) % 12 + 1).ok()?;
			Some(Period::Month { year, month })
		})
		.collect()
}

/// A record named for a rule, as the verifier knows it: its kind and period from the chain,
/// and where its points begin among the points the proof is about.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct NamedRecord {
	pub kind: RecordKind,
	pub period: Period,
	/// The index of its first point; its points follow in catalogue order.
	pub first_point: u8,
}

impl NamedRecord {
	fn point(&self, field: FieldKey) -> Result<u8, RuleError> {
		let index = FieldKey::catalogue(self.kind)
			.iter()
			.position(|key| *key == field)
			.ok_or(RuleError::FieldNotInKind)?;
		self.first_point.checked_add(index as u8).ok_or(RuleError::OutOfBounds)
	}
}

fn term(point: u8, weight: i32) -> Term {
	Term { point, weight }
}

fn claim(terms: Vec<Term>, constant: i128) -> Result<Claim, RuleError> {
	let terms = terms.try_into().map_err(|_| RuleError::OutOfBounds)?;
	Ok(Claim { terms, constant })
}

impl Rule {
	/// The kind of records the rule reads.
	pub fn kind(&self) -> RecordKind {
		match self {
			Rule::AtLeast { kind, .. }
			| Rule::AtMost { kind, .. }
			| Rule::EachMonthAtLeast { kind, .. }
			| Rule::SumAtLeast { kind, .. }
			| Rule::LoanAtMostMultiple { kind, .. }
			| Rule::Scorecard { kind, .. } => *kind,
		}
	}

	/// How many monthly records the rule reads, or `None` for the latest record alone.
	pub fn months(&self) -> Option<u8> {
		match self {
			Rule::EachMonthAtLeast { months, .. } | Rule::SumAtLeast { months, .. } => {
				Some(*months)
			}
			_ => None,
		}
	}

	/// How many records the rule reads: the months it looks back over, or the latest record.
	pub fn records_read(&self) -> usize {
		usize::from(self.months().unwrap_or(1))
	}

	/// How many claims the rule makes: one per month for [`Rule::EachMonthAtLeast`], one for
	/// every other rule (a sum over months is one claim).
	pub fn claim_count(&self) -> u32 {
		match self {
			Rule::EachMonthAtLeast { months, .. } => u32::from(*months),
			_ => 1,
		}
	}

	/// Checks the rule on its own: figures of its kind, bounds kept. What a product's
	/// publication is refused for.
	pub fn check(&self) -> Result<(), RuleError> {
		let kind = self.kind();
		let fields: Vec<FieldKey> = match self {
			Rule::AtLeast { field, .. }
			| Rule::AtMost { field, .. }
			| Rule::EachMonthAtLeast { field, .. }
			| Rule::SumAtLeast { field, .. }
			| Rule::LoanAtMostMultiple { field, .. } => alloc::vec![*field],
			Rule::Scorecard { weights, .. } => weights.iter().map(|w| w.field).collect(),
		};
		if fields.iter().any(|field| !field.belongs_to(kind)) {
			return Err(RuleError::FieldNotInKind);
		}
		let in_bounds = match self {
			Rule::EachMonthAtLeast { months, .. } | Rule::SumAtLeast { months, .. } => {
				(1..=MAX_MONTHS).contains(months)
			}
			Rule::LoanAtMostMultiple { multiple, .. } => (1..=MAX_MULTIPLE).contains(multiple),
			Rule::Scorecard { weights, .. } => {
				!weights.is_empty()
					&& weights.iter().all(|w| w.weight != 0 && w.weight.abs() <= MAX_SCORE_WEIGHT)
			}
			Rule::AtLeast { .. } | Rule::AtMost { .. } => true,
		};
		in_bounds.then_some(()).ok_or(RuleError::OutOfBounds)
	}

	/// The claims that hold exactly when the rule holds for `records` (the latest record, or
	/// the months in order) and a loan of `amount`.
	pub fn claims(&self, records: &[NamedRecord], amount: u64) -> Result<Vec<Claim>, RuleError> {
		self.check()?;
		if records.iter().any(|record| record.kind != self.kind())
			|| records.len() != self.records_read()
		{
			return Err(RuleError::WrongRecords);
		}
		let latest = records.last().ok_or(RuleError::WrongRecords)?;
		if let Some(months) = self.months() {
			let periods: Vec<Period> = records.iter().map(|record| record.period).collect();
			if last_months(latest.period, months).as_ref() != Some(&periods) {
				return Err(RuleError::WrongRecords);
			}
		}
		let one = |field: FieldKey, weight: i32, constant: i128| {
			claim(alloc::vec![term(latest.point(field)?, weight)], constant)
		};
		Ok(match self {
			Rule::AtLeast { field, threshold, .. } => {
				alloc::vec![one(*field, 1, -i128::from(*threshold))?]
			}
			Rule::AtMost { field, threshold, .. } => {
				alloc::vec![one(*field, -1, i128::from(*threshold))?]
			}
			Rule::EachMonthAtLeast { field, threshold, .. } => records
				.iter()
				.map(|record| {
					claim(alloc::vec![term(record.point(*field)?, 1)], -i128::from(*threshold))
				})
				.collect::<Result<_, _>>()?,
			Rule::SumAtLeast { field, threshold, .. } => {
				let terms = records
					.iter()
					.map(|record| Ok(term(record.point(*field)?, 1)))
					.collect::<Result<Vec<_>, RuleError>>()?;
				alloc::vec![claim(terms, -i128::from(*threshold))?]
			}
			Rule::LoanAtMostMultiple { field, multiple, .. } => {
				alloc::vec![one(*field, i32::from(*multiple), -i128::from(amount))?]
			}
			Rule::Scorecard { weights, threshold, .. } => {
				let terms = weights
					.iter()
					.map(|w| Ok(term(latest.point(w.field)?, w.weight)))
					.collect::<Result<Vec<_>, RuleError>>()?;
				alloc::vec![claim(terms, -i128::from(*threshold))?]
			}
		})
	}
}

/// Checks a product's rules as a whole: at most [`MAX_RULES`], each within the vocabulary's
/// bounds, making at most [`MAX_CLAIMS`] claims in all, which it returns.
pub fn check_rule_set(rules: &[Rule]) -> Result<u32, RuleError> {
	if rules.len() > MAX_RULES as usize {
		return Err(RuleError::OutOfBounds);
	}
	let mut claims = 0u32;
	for rule in rules {
		rule.check()?;
		claims = claims.checked_add(rule.claim_count()).ok_or(RuleError::TooManyClaims)?;
	}
	if claims > MAX_CLAIMS {
		return Err(RuleError::TooManyClaims);
	}
	Ok(claims)
}

/// The claims of every rule of a product, in order, each over its own records: what one proof
/// answers. `records[i]` are the records named for `rules[i]`.
pub fn claims_of(
	rules: &[Rule],
	records: &[Vec<NamedRecord>],
	amount: u64,
) -> Result<Vec<Claim>, RuleError> {
	if rules.len() != records.len() {
		return Err(RuleError::WrongRecords);
	}
	let mut claims = Vec::new();
	for (rule, named) in rules.iter().zip(records) {
		claims.extend(rule.claims(named, amount)?);
	}
	if claims.len() > MAX_CLAIMS as usize {
		return Err(RuleError::TooManyClaims);
	}
	Ok(claims)
}

/// For each of `rules`, the records it reads among `named`: those of its kind, the last one or
/// the last `months`. `named` must run in ascending order of kind and period, each record once,
/// which is how an application lists them.
pub fn records_for(
	rules: &[Rule],
	named: &[NamedRecord],
) -> Result<Vec<Vec<NamedRecord>>, RuleError> {
	let ascending = named
		.iter()
		.zip(named.iter().skip(1))
		.all(|(a, b)| (a.kind, a.period) < (b.kind, b.period));
	if !ascending {
		return Err(RuleError::WrongRecords);
	}
	rules
		.iter()
		.map(|rule| {
			let of_kind: Vec<NamedRecord> =
				named.iter().filter(|record| record.kind == rule.kind()).copied().collect();
			let wanted = rule.records_read();
			let first = of_kind.len().checked_sub(wanted).ok_or(RuleError::WrongRecords)?;
			Ok(of_kind.get(first..).unwrap_or_default().to_vec())
		})
		.collect()
}

/// The claims that hold exactly when every one of `rules` holds on the records `named` (see
/// [`records_for`]) for a loan of `amount`, with how many claims each rule contributes.
pub fn claims_for(
	rules: &[Rule],
	named: &[NamedRecord],
	amount: u64,
) -> Result<(Vec<Claim>, Vec<usize>), RuleError> {
	let records = records_for(rules, named)?;
	let mut counts = Vec::with_capacity(rules.len());
	for (rule, records) in rules.iter().zip(&records) {
		counts.push(rule.claims(records, amount)?.len());
	}
	Ok((claims_of(rules, &records, amount)?, counts))
}

/// The records named for a proof, in the order an application lists them, as the verifier
/// will know them: each with the index of its first point.
pub fn named_records(
	records: impl IntoIterator<Item = (RecordKind, Period)>,
) -> Result<Vec<NamedRecord>, RuleError> {
	let mut first_point = 0u8;
	let mut named = Vec::new();
	for (kind, period) in records {
		named.push(NamedRecord { kind, period, first_point });
		let points =
			u8::try_from(FieldKey::catalogue(kind).len()).map_err(|_| RuleError::OutOfBounds)?;
		first_point = first_point.checked_add(points).ok_or(RuleError::OutOfBounds)?;
	}
	Ok(named)
}

/// Why a product's rules cannot be proven on the records held.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RuleProofError {
	/// The rules do not fit the records ([`RuleError`]).
	Rules(RuleError),
	/// Rule number `rule` does not hold on these figures.
	Fails { rule: usize },
	/// Rule number `rule` holds by a margin of 2^64 or more, too large to prove.
	TooLarge { rule: usize },
	/// A record is not of format 2, or its opening does not make its points.
	Records,
}

/// What an application carries for a product's rules: every point of the named records, in
/// their order and each record's catalogue order, and the proof.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RuleProof {
	pub points: Vec<Point>,
	pub proof: ClaimProof,
}

/// Proves that every one of `rules` holds on the records `openings` (in ascending order of kind
/// and period, each once) for a loan of `amount`, under `binding`. A rule that does not hold
/// is named, and nothing is proven.
pub fn prove_rules(
	binding: &[u8],
	rules: &[Rule],
	openings: &[Opening],
	amount: u64,
	rng: &mut (impl RngCore + CryptoRng),
) -> Result<RuleProof, RuleProofError> {
	let named = named_records(
		openings.iter().map(|opening| (opening.record.header.kind, opening.record.header.period)),
	)
	.map_err(RuleProofError::Rules)?;
	let (claims, counts) = claims_for(rules, &named, amount).map_err(RuleProofError::Rules)?;
	let mut points = Vec::new();
	let mut figures: Vec<(u64, Blinding)> = Vec::new();
	for opening in openings {
		let catalogue = FieldKey::catalogue(opening.record.header.kind);
		let Ok(Disclosure::V2 { points: more, fields }) = opening.disclose(catalogue) else {
			return Err(RuleProofError::Records);
		};
		points.extend(more);
		figures.extend(fields.iter().map(|field| (field.value, field.blinding)));
	}
	let rule_of = |claim: usize| {
		let mut end = 0;
		counts.iter().position(|count| {
			end += count;
			claim < end
		})
	};
	claims::prove(binding, &claims, &points, &figures, rng)
		.map(|proof| RuleProof { points, proof })
		.map_err(|error| match error {
			ProveError::Fails(claim) => rule_of(claim)
				.map_or(RuleProofError::Records, |rule| RuleProofError::Fails { rule }),
			ProveError::TooLarge(claim) => rule_of(claim)
				.map_or(RuleProofError::Records, |rule| RuleProofError::TooLarge { rule }),
			ProveError::Claims(_) | ProveError::WrongOpening(_) => RuleProofError::Records,
		})
}
