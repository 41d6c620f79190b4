//! Products that state rules, and applications that prove them on sealed figures: approved in
//! their block when every rule holds, refused by name when the proof was made for anything
//! else.

use crate::{
	mock::*, Answers, ApplicationBinding, Error, Event, LoanState, Loans as LoanStore, NextLoanId,
	NextProductId, ProductRules, ProductTerms, ProofNonces, RepaymentStyle, RuleEvidence,
	StandardOffer,
};
use banktax_primitives::{
	privacy::{
		rules::{prove_rules, Rule, RuleProofError},
		seal_record, Field, FieldKey, Opening, RecordHeader, TaxRecord, SCHEMA_VERSION,
	},
	Period, Rating, RecordId, RecordKind, Uscc,
};
use frame_support::{assert_noop, assert_ok};
use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};

const AMOUNT: u128 = 50_000_000; // 500 000.00 CNY: under 3 × 240 000 CNY of tax paid
const TERM: u16 = 12;
const STANDARD_RATE: u32 = 435;

/// The example product of `docs/examples/rules.json`: revenue ≥ 5 M CNY, tax paid in each of
/// the last 12 months, a loan at most 3 × the year's tax paid, a score of at least 80 less
/// arrears and penalties.
fn rules() -> ProductRules {
	let rules: Vec<Rule> =
		serde_json::from_str(include_str!("../../../docs/examples/rules.json")).expect("rules");
	rules.try_into().expect("four rules")
}

fn terms(automatic: bool) -> ProductTerms {
	ProductTerms {
		ratings: vec![Rating::A, Rating::B].try_into().expect("two"),
		max_amount: 100_000_000,
		max_term_months: 12,
		min_rate_bps: 300,
		max_rate_bps: 800,
		style: RepaymentStyle::EqualInstalments,
		exposure_cap: 150_000_000,
		default_after_days: 90,
		rules: rules(),
		automatic: automatic.then_some(StandardOffer { rate_bps: STANDARD_RATE, valid_days: 10 }),
	}
}

fn publish(bank: AccountId, terms: ProductTerms) -> u32 {
	let id = NextProductId::<Test>::get();
	assert_ok!(Loans::publish_product(RuntimeOrigin::signed(bank), terms));
	id
}

fn sealed(
	enterprise: Uscc,
	kind: RecordKind,
	period: Period,
	figure: impl Fn(FieldKey) -> u64,
	seed: u64,
) -> Opening {
	let fields =
		FieldKey::catalogue(kind).iter().map(|&key| Field { key, value: figure(key).into() });
	let rating = (kind == RecordKind::AnnualSummary).then_some(Rating::A);
	let header = RecordHeader { schema_version: SCHEMA_VERSION, enterprise, period, kind, rating };
	let record = TaxRecord::new(header, fields.collect()).expect("complete");
	seal_record(record, &mut ChaCha20Rng::seed_from_u64(seed)).expect("seals").opening
}

/// An enterprise's 2025: revenue 6 M CNY, tax paid 240 000 CNY, score 88, tax paid every month
/// but `gap`; its records attested and under consent to BANK. The records as an application
/// lists them (the months, then the summary) with their openings.
fn enterprise_of_2025(enterprise: Uscc, gap: Option<u8>) -> (Vec<RecordId>, Vec<Opening>) {
	let mut openings: Vec<Opening> = (1..=12)
		.map(|month| {
			let paid = if Some(month) == gap { 0 } else { 2_000_000 };
			let period = Period::Month { year: 2025, month };
			sealed(enterprise, RecordKind::PaymentCertificate, period, |_| paid, month.into())
		})
		.collect();
	openings.push(sealed(
		enterprise,
		RecordKind::AnnualSummary,
		Period::Year(2025),
		|key| match key {
			FieldKey::Revenue => 600_000_000,
			FieldKey::TaxPaid | FieldKey::TaxPayable => 24_000_000,
			FieldKey::CreditScore => 88,
			_ => 0,
		},
		100,
	));
	let ids: Vec<RecordId> = openings.iter().map(attest).collect();
	for id in &ids {
		consent(enterprise, BANK, *id, 3);
	}
	(ids, openings)
}

/// What binds a proof: the application as the chain will see it.
struct Application<'a> {
	product: u32,
	bank: AccountId,
	enterprise: Uscc,
	records: &'a [RecordId],
	nonce: u32,
	amount: u128,
}

impl Application<'_> {
	fn prove(&self, openings: &[Opening]) -> Result<RuleEvidence, RuleProofError> {
		let committed: Vec<(RecordId, [u8; 32])> = self
			.records
			.iter()
			.zip(openings)
			.map(|(id, opening)| (*id, opening.commitment().expect("sound")))
			.collect();
		let binding = ApplicationBinding {
			genesis: System::block_hash(0),
			rules_version: banktax_primitives::privacy::rules::RULES_VERSION,
			product: self.product,
			rules: &rules(),
			enterprise: self.enterprise,
			bank: &self.bank,
			records: &committed,
			nonce: self.nonce,
			amount: self.amount,
			term_months: TERM,
		};
		let amount = u64::try_from(self.amount).expect("small");
		let made = prove_rules(
			&binding.bytes(),
			&rules(),
			openings,
			amount,
			&mut ChaCha20Rng::seed_from_u64(7),
		)?;
		Ok(RuleEvidence {
			records: self.records.to_vec().try_into().expect("thirteen"),
			points: made.points.try_into().expect("19 points"),
			nonce: self.nonce,
			proof: made.proof.0.try_into().expect("928 bytes"),
		})
	}
}

fn apply(
	who: AccountId,
	product: u32,
	summary: RecordId,
	evidence: RuleEvidence,
) -> Result<(), sp_runtime::DispatchError> {
	Loans::apply_for_loan(
		RuntimeOrigin::signed(who),
		product,
		AMOUNT,
		TERM,
		summary,
		Some(evidence),
	)
}

#[test]
fn an_application_that_proves_every_rule_is_approved_in_its_block() {
	new_test_ext().execute_with(|| {
		let product = publish(BANK, terms(true));
		let (records, openings) = enterprise_of_2025(acme(), None);
		let summary = records[12];
		let application = Application {
			product,
			bank: BANK,
			enterprise: acme(),
			records: &records,
			nonce: 0,
			amount: AMOUNT,
		};
		let evidence = application.prove(&openings).expect("every rule holds");
		let loan = NextLoanId::<Test>::get();
		let block = System::block_number();
		assert_ok!(apply(ACME_CO, product, summary, evidence));

		let stored = LoanStore::<Test>::get(loan).expect("applied");
		assert_eq!(stored.state, LoanState::Approved, "decided in the application's block");
		let offer = stored.offer.expect("an offer");
		assert_eq!(
			(offer.amount, offer.rate_bps, offer.term_months),
			(AMOUNT, STANDARD_RATE, TERM)
		);
		assert_eq!(offer.expires_at, block + 10 * BLOCKS_PER_DAY);
		let decision = stored.decision.expect("a decision");
		assert_eq!((decision.consent, decision.at), (3, block));
		let answers = Answers::<Test>::get(loan).expect("answers kept");
		assert_eq!(answers.records.to_vec(), records);
		assert_eq!(answers.nonce, 0);
		assert_eq!(ProofNonces::<Test>::get(acme()), 1);
		System::assert_has_event(Event::RulesHeld { loan, records: answers.records }.into());
		assert_eq!(Loans::do_try_state(), Ok(()));
		System::assert_has_event(
			Event::LoanApproved {
				loan,
				amount: AMOUNT,
				rate_bps: STANDARD_RATE,
				term_months: TERM,
				consent: 3,
			}
			.into(),
		);
	});
}

#[test]
fn a_product_without_a_standard_offer_or_room_under_its_cap_leaves_the_decision_to_the_bank() {
	new_test_ext().execute_with(|| {
		let manual = publish(BANK, terms(false));
		let tight = publish(
			BANK,
			ProductTerms { exposure_cap: AMOUNT - 1, max_amount: AMOUNT - 1, ..terms(true) },
		);
		let (records, openings) = enterprise_of_2025(acme(), None);
		let summary = records[12];
		// A fen owed elsewhere leaves no room under the tight product's cap.
		crate::Exposure::<Test>::insert(acme(), 1);
		for (nonce, product) in [manual, tight].into_iter().enumerate() {
			let amount = if product == tight { AMOUNT - 1 } else { AMOUNT };
			let application = Application {
				product,
				bank: BANK,
				enterprise: acme(),
				records: &records,
				nonce: nonce as u32,
				amount,
			};
			let evidence = application.prove(&openings).expect("every rule holds");
			let loan = NextLoanId::<Test>::get();
			assert_ok!(Loans::apply_for_loan(
				RuntimeOrigin::signed(ACME_CO),
				product,
				amount,
				TERM,
				summary,
				Some(evidence)
			));
			let stored = LoanStore::<Test>::get(loan).expect("applied");
			assert_eq!(stored.state, LoanState::Applied, "product {product}");
			assert!(Answers::<Test>::contains_key(loan));
		}
	});
}

#[test]
fn a_rule_that_does_not_hold_cannot_be_proven() {
	new_test_ext().execute_with(|| {
		let product = publish(BANK, terms(true));
		let (records, openings) = enterprise_of_2025(acme(), Some(7));
		let application = Application {
			product,
			bank: BANK,
			enterprise: acme(),
			records: &records,
			nonce: 0,
			amount: AMOUNT,
		};
		assert_eq!(application.prove(&openings), Err(RuleProofError::Fails { rule: 1 }), "July");
	});
}

#[test]
fn proofs_made_for_anything_else_are_refused_by_name() {
	new_test_ext().execute_with(|| {
		let product = publish(BANK, terms(true));
		let twin = publish(BANK, terms(true));
		let elsewhere = publish(OTHER_BANK, terms(true));
		let plain = publish(
			BANK,
			ProductTerms { rules: Default::default(), automatic: None, ..terms(false) },
		);
		let (records, openings) = enterprise_of_2025(acme(), None);
		let summary = records[12];
		let honest = Application {
			product,
			bank: BANK,
			enterprise: acme(),
			records: &records,
			nonce: 0,
			amount: AMOUNT,
		};
		let evidence = honest.prove(&openings).expect("every rule holds");

		assert_noop!(
			Loans::apply_for_loan(
				RuntimeOrigin::signed(ACME_CO),
				product,
				AMOUNT,
				TERM,
				summary,
				None
			),
			Error::<Test>::RuleProofRequired
		);
		assert_noop!(
			apply(ACME_CO, plain, summary, evidence.clone()),
			Error::<Test>::NoRulesToProve
		);
		// Another product with the same rules, another bank's: another binding.
		assert_noop!(
			apply(ACME_CO, twin, summary, evidence.clone()),
			Error::<Test>::RuleProofInvalid
		);
		for (id, _) in records.iter().zip(0..) {
			consent(acme(), OTHER_BANK, *id, 4);
		}
		assert_noop!(
			apply(ACME_CO, elsewhere, summary, evidence.clone()),
			Error::<Test>::RuleProofInvalid
		);
		// Made for another enterprise, another amount.
		let for_beta = Application { enterprise: beta(), ..honest.clone_with(&records) };
		assert_noop!(
			apply(ACME_CO, product, summary, for_beta.prove(&openings).expect("provable")),
			Error::<Test>::RuleProofInvalid
		);
		let smaller = Application { amount: AMOUNT - 1, ..honest.clone_with(&records) };
		assert_noop!(
			apply(ACME_CO, product, summary, smaller.prove(&openings).expect("provable")),
			Error::<Test>::RuleProofInvalid
		);
		// A flipped bit of the proof.
		let mut tampered = evidence.clone();
		tampered.proof[100] ^= 1;
		assert_noop!(apply(ACME_CO, product, summary, tampered), Error::<Test>::RuleProofInvalid);
		// Points that are not the records'.
		let mut swapped = evidence.clone();
		swapped.points.as_mut().swap(0, 1);
		assert_noop!(
			apply(ACME_CO, product, summary, swapped),
			Error::<Test>::PointsDoNotMatchRecords
		);
		// A nonce out of turn.
		let ahead = Application { nonce: 1, ..honest.clone_with(&records) };
		assert_noop!(
			apply(ACME_CO, product, summary, ahead.prove(&openings).expect("provable")),
			Error::<Test>::WrongProofNonce
		);

		assert_ok!(apply(ACME_CO, product, summary, evidence.clone()));
		// The same proof again: it served once.
		assert_noop!(apply(ACME_CO, product, summary, evidence), Error::<Test>::ProofAlreadyUsed);
	});
}

impl Application<'_> {
	fn clone_with<'b>(&self, records: &'b [RecordId]) -> Application<'b> {
		Application {
			product: self.product,
			bank: self.bank,
			enterprise: self.enterprise,
			records,
			nonce: self.nonce,
			amount: self.amount,
		}
	}
}

#[test]
fn proofs_rest_on_the_enterprises_current_latest_records_under_consent() {
	new_test_ext().execute_with(|| {
		let product = publish(BANK, terms(true));
		let (records, openings) = enterprise_of_2025(acme(), None);
		let summary = records[12];
		let prove = |records: &[RecordId], openings: &[Opening]| {
			Application {
				product,
				bank: BANK,
				enterprise: acme(),
				records,
				nonce: 0,
				amount: AMOUNT,
			}
			.prove(openings)
			.expect("provable")
		};
		let evidence = prove(&records, &openings);

		// Eleven months do not make the last twelve.
		let mut short = evidence.clone();
		short.records.remove(0);
		short.points = short.points[1..].to_vec().try_into().expect("fewer");
		assert_noop!(
			apply(ACME_CO, product, summary, short),
			Error::<Test>::EvidenceDoesNotFitRules
		);
		// Another enterprise's record.
		let (theirs, _) = enterprise_of_2025(beta(), None);
		let mut foreign = evidence.clone();
		foreign.records[0] = theirs[0];
		assert_noop!(
			apply(ACME_CO, product, summary, foreign),
			Error::<Test>::EvidenceRecordNotOfEnterprise
		);
		// A record without consent to the bank.
		revoke_record(acme(), BANK, records[3]);
		assert_noop!(apply(ACME_CO, product, summary, evidence.clone()), Error::<Test>::NoConsent);
		consent(acme(), BANK, records[3], 3);
		// A superseded record.
		supersede(records[5]);
		assert_noop!(
			apply(ACME_CO, product, summary, evidence.clone()),
			Error::<Test>::EvidenceRecordNotCurrent
		);
		let corrected = attest(&openings[5]);
		consent(acme(), BANK, corrected, 3);
		// January 2026 has been attested: the last twelve months end there now.
		let january = sealed(
			acme(),
			RecordKind::PaymentCertificate,
			Period::Month { year: 2026, month: 1 },
			|_| 1,
			50,
		);
		attest(&january);
		let mut current = records.clone();
		current[5] = corrected;
		let evidence = prove(&current, &openings);
		assert_noop!(
			apply(ACME_CO, product, summary, evidence),
			Error::<Test>::EvidenceRecordNotLatest
		);
	});
}

#[test]
fn products_state_rules_within_the_vocabulary_and_decide_only_on_rules() {
	new_test_ext().execute_with(|| {
		let publish = |terms| Loans::publish_product(RuntimeOrigin::signed(BANK), terms);
		let thirteen = Rule::EachMonthAtLeast {
			kind: RecordKind::PaymentCertificate,
			field: FieldKey::TaxPaid,
			months: 13,
			threshold: 1,
		};
		let wrong_field = Rule::AtLeast {
			kind: RecordKind::PaymentCertificate,
			field: FieldKey::Revenue,
			threshold: 1,
		};
		let year = Rule::EachMonthAtLeast {
			kind: RecordKind::PaymentCertificate,
			field: FieldKey::TaxPaid,
			months: 12,
			threshold: 1,
		};
		for rules in [vec![thirteen], vec![wrong_field], vec![year.clone(), year.clone(), year]] {
			let terms = ProductTerms { rules: rules.try_into().expect("few"), ..terms(false) };
			assert_noop!(publish(terms), Error::<Test>::InvalidRules);
		}
		// Three yearly sums read 36 months but make three claims.
		let sum = Rule::SumAtLeast {
			kind: RecordKind::PaymentCertificate,
			field: FieldKey::TaxPaid,
			months: 12,
			threshold: 1,
		};
		let sums = vec![sum.clone(), sum.clone(), sum].try_into().expect("three");
		assert_ok!(publish(ProductTerms { rules: sums, ..terms(false) }));
		let standard = |rate_bps, valid_days| Some(StandardOffer { rate_bps, valid_days });
		let without_rules = ProductTerms { rules: Default::default(), ..terms(true) };
		assert_noop!(publish(without_rules), Error::<Test>::InvalidStandardOffer);
		for automatic in [standard(299, 10), standard(801, 10), standard(435, 0), standard(435, 51)]
		{
			assert_noop!(
				publish(ProductTerms { automatic, ..terms(false) }),
				Error::<Test>::InvalidStandardOffer
			);
		}
		assert_ok!(publish(ProductTerms { automatic: standard(800, 50), ..terms(false) }));
	});
}

#[test]
fn version_3_gives_every_product_an_empty_rule_set() {
	use crate::migrations::v3::{ProductV2, TermsV2};
	use frame_support::{
		storage::unhashed,
		traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
	};
	new_test_ext().execute_with(|| {
		let plain = ProductTerms { rules: Default::default(), automatic: None, ..terms(false) };
		let id = publish(BANK, plain.clone());
		let old = ProductV2 {
			bank: BANK,
			terms: TermsV2 {
				ratings: plain.ratings.clone(),
				max_amount: plain.max_amount,
				max_term_months: plain.max_term_months,
				min_rate_bps: plain.min_rate_bps,
				max_rate_bps: plain.max_rate_bps,
				style: plain.style,
				exposure_cap: plain.exposure_cap,
				default_after_days: plain.default_after_days,
			},
			retired: true,
		};
		unhashed::put(&crate::Products::<Test>::hashed_key_for(id), &old);
		StorageVersion::new(2).put::<crate::Pallet<Test>>();

		crate::migrations::v3::MigrateToV3::<Test>::on_runtime_upgrade();

		let product = crate::Products::<Test>::get(id).expect("kept");
		assert_eq!(product.terms, plain);
		assert!(product.retired);
		assert_eq!(crate::Pallet::<Test>::on_chain_storage_version(), StorageVersion::new(3));
	});
}
