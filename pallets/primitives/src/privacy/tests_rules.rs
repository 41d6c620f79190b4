//! Rule proofs: true statements prove and verify, false ones cannot be proven, and a proof
//! holds for its own binding, claims and points only.

use super::{
	claims::{self, proof_len, Claim, ClaimProof, ProveError, Term, VerifyError},
	rules::{
		claims_for, claims_of, last_months, named_records, prove_rules, records_for, NamedRecord,
		Rule, RuleError, RuleProofError, Weighted,
	},
	tests_v2::header,
	vectors::{rng, VectorFile},
	*,
};
use crate::{Period, RecordKind};
use codec::{Decode, Encode};

/// A sealed record of `kind` for `period` whose figures are `figure(key)`.
fn sealed(kind: RecordKind, period: Period, figure: impl Fn(FieldKey) -> u64, seed: u8) -> Opening {
	let fields = FieldKey::catalogue(kind)
		.iter()
		.map(|&key| Field { key, value: u128::from(figure(key)) })
		.collect();
	let record = TaxRecord::new(RecordHeader { period, ..header(kind) }, fields).expect("complete");
	seal_record(record, &mut rng(seed)).expect("seals").opening
}

/// What the prover holds and the verifier is given: every record's points, in order, with
/// their openings.
struct Holding {
	named: Vec<NamedRecord>,
	points: Vec<Point>,
	openings: Vec<(u64, Blinding)>,
}

fn holding(records: &[Opening]) -> Holding {
	let mut holding = Holding { named: Vec::new(), points: Vec::new(), openings: Vec::new() };
	for opening in records {
		let header = opening.record.header;
		holding.named.push(NamedRecord {
			kind: header.kind,
			period: header.period,
			first_point: holding.points.len() as u8,
		});
		let Ok(Disclosure::V2 { points, fields }) =
			opening.disclose(FieldKey::catalogue(header.kind))
		else {
			panic!("a version-2 record")
		};
		holding.points.extend(points);
		holding.openings.extend(fields.iter().map(|f| (f.value, f.blinding)));
	}
	holding
}

/// An SME: 2025 revenue 6 M CNY, tax paid 240 000 CNY, score 88; tax paid every month of 2025
/// but `gap` (a month with nothing paid, if any).
fn sme(gap: Option<u8>) -> (Opening, Vec<Opening>) {
	sme_sealed(gap, 1)
}

/// [`sme`], its records sealed from generators seeded from `seed` on.
fn sme_sealed(gap: Option<u8>, seed: u8) -> (Opening, Vec<Opening>) {
	let summary = sealed(
		RecordKind::AnnualSummary,
		Period::Year(2025),
		|key| match key {
			FieldKey::Revenue => 600_000_000,
			FieldKey::TaxPaid | FieldKey::TaxPayable => 24_000_000,
			FieldKey::InvoicesIssued => 1_200,
			FieldKey::CreditScore => 88,
			_ => 0,
		},
		seed,
	);
	let months = (1..=12)
		.map(|month| {
			let paid = if Some(month) == gap { 0 } else { 2_000_000 };
			sealed(
				RecordKind::PaymentCertificate,
				Period::Month { year: 2025, month },
				|_| paid,
				seed + 10 + month,
			)
		})
		.collect();
	(summary, months)
}

/// The example product of `docs/examples/rules.json`.
fn product() -> Vec<Rule> {
	serde_json::from_str(include_str!("../../../../docs/examples/rules.json")).expect("rules")
}

/// The claims of `rules` over the SME's records, each rule reading the summary or the months.
fn product_claims(rules: &[Rule], held: &Holding, amount: u64) -> Result<Vec<Claim>, RuleError> {
	let summary = held.named[0];
	let months = held.named[1..].to_vec();
	let records: Vec<Vec<NamedRecord>> = rules
		.iter()
		.map(|rule| if rule.months().is_some() { months.clone() } else { vec![summary] })
		.collect();
	claims_of(rules, &records, amount)
}

fn all_records((summary, months): (Opening, Vec<Opening>)) -> Holding {
	holding(&[vec![summary], months].concat())
}

const BINDING: &[u8] =
	b"genesis 0x.. / rule set 1 v1 / enterprise / bank / product 7 / records / nonce";

#[test]
fn a_product_whose_every_rule_holds_is_proven_without_the_figures() {
	let held = all_records(sme(None));
	let claims = product_claims(&product(), &held, 50_000_000).expect("fit");
	assert_eq!(claims.len(), 15, "1 + 12 months + 1 + 1");
	let counted: u32 = product().iter().map(Rule::claim_count).sum();
	assert_eq!(counted, 15, "what a product's publication counts");
	let sum = Rule::SumAtLeast {
		kind: RecordKind::PaymentCertificate,
		field: FieldKey::TaxPaid,
		months: 12,
		threshold: 1,
	};
	assert_eq!((sum.records_read(), sum.claim_count()), (12, 1), "a sum is one claim");
	let proof = claims::prove(BINDING, &claims, &held.points, &held.openings, &mut rng(2))
		.expect("provable");
	assert_eq!(proof.0.len(), proof_len(15));
	assert_eq!(proof.0.len(), 928, "16 aggregated 64-bit values");
	assert_eq!(claims::verify(BINDING, &claims, &held.points, &proof), Ok(()));
}

/// The SME's records as an application lists them: ascending by kind, then period.
fn listed((summary, months): (Opening, Vec<Opening>)) -> Vec<Opening> {
	let mut records = [months, vec![summary]].concat();
	records.sort_by_key(|opening| (opening.record.header.kind, opening.record.header.period));
	records
}

#[test]
fn an_application_proves_its_product_on_the_records_it_lists_and_the_verifier_agrees() {
	let records = listed(sme(None));
	let rules = product();
	let made = prove_rules(BINDING, &rules, &records, 50_000_000, &mut rng(5)).expect("provable");
	assert_eq!(made.points.len(), 12 + 7, "twelve certificates and a summary");
	// The verifier knows the records from the chain, not from the prover.
	let named = named_records(
		records.iter().map(|opening| (opening.record.header.kind, opening.record.header.period)),
	)
	.expect("fit");
	let (claims, counts) = claims_for(&rules, &named, 50_000_000).expect("fit");
	assert_eq!(counts, vec![1, 12, 1, 1]);
	assert_eq!(claims::verify(BINDING, &claims, &made.points, &made.proof), Ok(()));
	// The summary is the last record listed; the months come before it.
	let picked = records_for(&rules, &named).expect("fit");
	assert_eq!(picked[0], vec![named[12]]);
	assert_eq!(picked[1], named[..12].to_vec());
}

#[test]
fn the_prover_names_the_rule_that_does_not_hold() {
	let rules = product();
	let gap = listed(sme(Some(7)));
	assert_eq!(
		prove_rules(BINDING, &rules, &gap, 50_000_000, &mut rng(6)),
		Err(RuleProofError::Fails { rule: 1 }),
		"July paid nothing"
	);
	let records = listed(sme(None));
	assert_eq!(
		prove_rules(BINDING, &rules, &records, 72_000_001, &mut rng(6)),
		Err(RuleProofError::Fails { rule: 2 }),
		"more than three times the tax paid"
	);
	// Eleven months do not make the last twelve; unordered records are not a listing.
	assert_eq!(
		prove_rules(BINDING, &rules, &records[1..], 50_000_000, &mut rng(6)),
		Err(RuleProofError::Rules(RuleError::WrongRecords))
	);
	let mut unordered = records.clone();
	unordered.swap(0, 1);
	assert_eq!(
		prove_rules(BINDING, &rules, &unordered, 50_000_000, &mut rng(6)),
		Err(RuleProofError::Rules(RuleError::WrongRecords))
	);
}

#[test]
fn each_rule_shape_proves_when_true_and_cannot_be_proven_when_false() {
	let held = all_records(sme(Some(7)));
	let rules = product();
	let cases: Vec<(Rule, u64, Result<(), usize>)> = vec![
		(rules[0].clone(), 0, Ok(())),
		(
			Rule::AtLeast {
				kind: RecordKind::AnnualSummary,
				field: FieldKey::Revenue,
				threshold: 600_000_001,
			},
			0,
			Err(0),
		),
		(
			Rule::AtMost {
				kind: RecordKind::AnnualSummary,
				field: FieldKey::Arrears,
				threshold: 0,
			},
			0,
			Ok(()),
		),
		(
			Rule::AtMost {
				kind: RecordKind::AnnualSummary,
				field: FieldKey::TaxPaid,
				threshold: 23_999_999,
			},
			0,
			Err(0),
		),
		// July paid nothing: the seventh monthly claim fails.
		(rules[1].clone(), 0, Err(6)),
		(
			Rule::SumAtLeast {
				kind: RecordKind::PaymentCertificate,
				field: FieldKey::TaxPaid,
				months: 12,
				threshold: 22_000_000,
			},
			0,
			Ok(()),
		),
		(
			Rule::SumAtLeast {
				kind: RecordKind::PaymentCertificate,
				field: FieldKey::TaxPaid,
				months: 12,
				threshold: 22_000_001,
			},
			0,
			Err(0),
		),
		(rules[2].clone(), 72_000_000, Ok(())),
		(rules[2].clone(), 72_000_001, Err(0)),
		(rules[3].clone(), 0, Ok(())),
		(
			Rule::Scorecard {
				kind: RecordKind::AnnualSummary,
				weights: vec![Weighted { field: FieldKey::CreditScore, weight: 1_000 }]
					.try_into()
					.expect("one"),
				threshold: 88_001,
			},
			0,
			Err(0),
		),
	];
	for (rule, amount, expected) in cases {
		let claims = product_claims(core::slice::from_ref(&rule), &held, amount).expect("fit");
		let proved = claims::prove(BINDING, &claims, &held.points, &held.openings, &mut rng(3));
		match expected {
			Ok(()) => {
				let proof = proved.unwrap_or_else(|e| panic!("{rule:?}: {e:?}"));
				assert_eq!(claims::verify(BINDING, &claims, &held.points, &proof), Ok(()));
			}
			Err(index) => assert_eq!(proved, Err(ProveError::Fails(index)), "{rule:?}"),
		}
	}
}

#[test]
fn a_proof_holds_for_its_own_binding_claims_and_points_only() {
	let held = all_records(sme(None));
	let claims = product_claims(&product(), &held, 50_000_000).expect("fit");
	let proof = claims::prove(BINDING, &claims, &held.points, &held.openings, &mut rng(4))
		.expect("provable");
	// Another bank, product, enterprise, record set or nonce is another binding.
	assert_eq!(
		claims::verify(b"another binding", &claims, &held.points, &proof),
		Err(VerifyError::Invalid)
	);
	// A larger loan, or another threshold, is another set of claims.
	let larger = product_claims(&product(), &held, 60_000_000).expect("fit");
	assert_eq!(claims::verify(BINDING, &larger, &held.points, &proof), Err(VerifyError::Invalid));
	// Another record's points (a superseded version, another enterprise's) do not fit.
	let other = all_records(sme_sealed(None, 100));
	assert_eq!(claims::verify(BINDING, &claims, &other.points, &proof), Err(VerifyError::Invalid));
	for position in [0, 100, 500, proof.0.len() - 1] {
		let mut tampered = proof.clone();
		tampered.0[position] ^= 1;
		assert!(claims::verify(BINDING, &claims, &held.points, &tampered).is_err(), "{position}");
	}
	let short = ClaimProof(proof.0[..proof.0.len() - 32].to_vec());
	assert_eq!(claims::verify(BINDING, &claims, &held.points, &short), Err(VerifyError::Malformed));
}

#[test]
fn rules_outside_the_vocabulary_bounds_are_refused() {
	let held = all_records(sme(None));
	let summary = vec![held.named[0]];
	let wrong_field =
		Rule::AtLeast { kind: RecordKind::AnnualSummary, field: FieldKey::OutputTax, threshold: 1 };
	assert_eq!(wrong_field.check(), Err(RuleError::FieldNotInKind));
	let months = Rule::SumAtLeast {
		kind: RecordKind::PaymentCertificate,
		field: FieldKey::TaxPaid,
		months: 13,
		threshold: 1,
	};
	assert_eq!(months.check(), Err(RuleError::OutOfBounds));
	let multiple = Rule::LoanAtMostMultiple {
		kind: RecordKind::AnnualSummary,
		field: FieldKey::TaxPaid,
		multiple: 101,
	};
	assert_eq!(multiple.check(), Err(RuleError::OutOfBounds));
	// A monthly rule needs its months, consecutive and ending with the latest.
	let mut skipping = held.named[1..].to_vec();
	skipping.swap(3, 4);
	assert_eq!(product()[1].claims(&skipping, 0), Err(RuleError::WrongRecords));
	assert_eq!(product()[1].claims(&summary, 0), Err(RuleError::WrongRecords));
	assert_eq!(product()[0].claims(&held.named[1..2], 0), Err(RuleError::WrongRecords));
	assert_eq!(
		last_months(Period::Month { year: 2025, month: 2 }, 3),
		Some(vec![
			Period::Month { year: 2024, month: 12 },
			Period::Month { year: 2025, month: 1 },
			Period::Month { year: 2025, month: 2 },
		])
	);
}

#[test]
fn proofs_have_the_published_sizes() {
	assert_eq!([1, 4, 16, 32].map(proof_len), [672, 800, 928, 992]);
	assert_eq!(proof_len(15), proof_len(16));
	// What a proof's length says it may cost to verify, before it is read.
	assert_eq!([672, 800, 928, 992].map(claims::claims_of_len), [1, 4, 16, 32]);
	assert_eq!(claims::claims_of_len(5), claims::MAX_CLAIMS);
}

// ---- test vectors ------------------------------------------------------------------------

const VECTORS: VectorFile = VectorFile {
	text: include_str!("../../vectors/claims-v1.txt"),
	path: concat!(env!("CARGO_MANIFEST_DIR"), "/vectors/claims-v1.txt"),
};

/// What the rule vectors bind: any bytes do; these say what they stand for.
const VECTOR_BINDING: &[u8] =
	b"banktax claims vectors: genesis, rule set, enterprise, bank, product, records, nonce";

/// The SME's records as the vectors hold them: the summary's 7 points, then the 12 months'.
fn vector_holding() -> Holding {
	all_records(sme(None))
}

/// Each rule shape over the SME's records, true, with the loan amount it is asked for.
fn shapes() -> Vec<(&'static str, Rule, u64)> {
	let rules = product();
	vec![
		("at_least", rules[0].clone(), 0),
		(
			"at_most",
			Rule::AtMost {
				kind: RecordKind::AnnualSummary,
				field: FieldKey::Arrears,
				threshold: 0,
			},
			0,
		),
		("each_month_at_least", rules[1].clone(), 0),
		(
			"sum_at_least",
			Rule::SumAtLeast {
				kind: RecordKind::PaymentCertificate,
				field: FieldKey::TaxPaid,
				months: 12,
				threshold: 24_000_000,
			},
			0,
		),
		("loan_at_most_multiple", rules[2].clone(), 72_000_000),
		("scorecard", rules[3].clone(), 0),
	]
}

/// `m` claims over the summary's revenue, each "revenue ≥ i": the aggregates the runtime's
/// verification is measured with.
fn aggregate(m: usize) -> Vec<Claim> {
	(0..m)
		.map(|i| Claim {
			terms: vec![Term { point: 2, weight: 1 }].try_into().expect("one term"),
			constant: -(i as i128),
		})
		.collect()
}

fn make_claim_vectors() -> Vec<(String, Vec<u8>)> {
	let held = vector_holding();
	let mut rng = rng(42);
	let mut made = vec![
		("binding".to_string(), VECTOR_BINDING.to_vec()),
		("points".to_string(), held.points.concat()),
	];
	for (name, rule, amount) in shapes() {
		let claims = product_claims(core::slice::from_ref(&rule), &held, amount).expect("fit");
		let proof = claims::prove(VECTOR_BINDING, &claims, &held.points, &held.openings, &mut rng)
			.expect("true");
		made.push((format!("{name}_rule"), rule.encode()));
		made.push((format!("{name}_claims"), claims.encode()));
		made.push((format!("{name}_proof"), proof.0));
	}
	for m in 1..=claims::MAX_CLAIMS as usize {
		let claims = aggregate(m);
		let proof = claims::prove(VECTOR_BINDING, &claims, &held.points, &held.openings, &mut rng)
			.expect("true");
		made.push((format!("aggregate_{m}_claims"), claims.encode()));
		made.push((format!("aggregate_{m}_proof"), proof.0));
	}
	made
}

#[test]
fn the_claims_reproduce_their_vectors_and_every_vector_verifies() {
	let made = make_claim_vectors();
	let named: Vec<(&str, Vec<u8>)> = made.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
	VECTORS.check_or_write(
		"# BankTax Chain rule proofs (claims, vocabulary version 1): test vectors (hex).\n\
		 # points: the 19 points of an SME's 2025 annual summary (7, catalogue order) and its\n\
		 # 12 monthly payment certificates of 2025; <shape>_rule, _claims: SCALE of the rule and\n\
		 # of the claims it reduces to; _proof: the aggregated range proof under `binding`.\n\
		 # aggregate_<m>: m claims \"revenue >= i\", i < m, for measuring verification by m.\n\
		 # Made from ChaCha20Rng seeded with 32 bytes of 0x2a, in file order; rewrite only when\n\
		 # the format changes on purpose: BANKTAX_WRITE_VECTORS=1 cargo test -p banktax-primitives\n",
		&named,
	);
	let binding = VECTORS.get("binding");
	let points: Vec<Point> =
		VECTORS.get("points").chunks(32).map(|p| p.try_into().expect("32 bytes")).collect();
	let names = shapes().into_iter().map(|(name, ..)| name.to_string());
	let aggregates = (1..=claims::MAX_CLAIMS).map(|m| format!("aggregate_{m}"));
	for name in names.chain(aggregates) {
		let claims =
			Vec::<Claim>::decode(&mut &VECTORS.get(&format!("{name}_claims"))[..]).expect("claims");
		let proof = ClaimProof(VECTORS.get(&format!("{name}_proof")));
		assert_eq!(claims::verify(&binding, &claims, &points, &proof), Ok(()), "{name}");
	}
}
