//! Every transition and error of the loans pallet, and random call sequences that must never
//! reach an illegal state. Errors are checked with `assert_noop!` (storage unchanged).

use crate::{
	mock::*, schedule, DueChecks, Error, Event, Exposure, LoanId, LoanState, Loans as LoanStore,
	NextLoanId, NextProductId, ProductTerms, Products, RejectionReason, RepaymentStyle, Schedules,
	Stage, Tally,
};
use banktax_primitives::{Page, Rating, RecordId, RecordKind};
use frame_support::{assert_noop, assert_ok};

const AMOUNT: u128 = 50_000_000; // 500 000.00 CNY
const RATE: u32 = 500;
const TERM: u16 = 12;

fn terms() -> ProductTerms {
	ProductTerms {
		ratings: vec![Rating::A, Rating::B, Rating::M].try_into().unwrap(),
		max_amount: 100_000_000,
		max_term_months: 12,
		min_rate_bps: 300,
		max_rate_bps: 800,
		style: RepaymentStyle::EqualInstalments,
		exposure_cap: 150_000_000,
		default_after_days: 90,
		rules: Default::default(),
		automatic: None,
	}
}

fn publish_with(bank: AccountId, terms: ProductTerms) -> u32 {
	let id = NextProductId::<Test>::get();
	assert_ok!(Loans::publish_product(RuntimeOrigin::signed(bank), terms));
	id
}

/// ACME, rated A and consenting to BANK, applies to BANK's product; returns (loan, summary).
fn applied() -> (LoanId, RecordId) {
	let product = publish_with(BANK, terms());
	let summary = summary(acme(), Rating::A);
	consent(acme(), BANK, summary, 7);
	let loan = NextLoanId::<Test>::get();
	assert_ok!(Loans::apply_for_loan(
		RuntimeOrigin::signed(ACME_CO),
		product,
		AMOUNT,
		TERM,
		summary,
		None
	));
	(loan, summary)
}

fn approve(loan: LoanId, summary: RecordId) {
	let expires = System::block_number() + 50;
	assert_ok!(Loans::approve_loan(
		RuntimeOrigin::signed(BANK),
		loan,
		AMOUNT,
		RATE,
		TERM,
		expires,
		vec![summary]
	));
}

/// A loan applied for, approved, accepted and paid out.
fn disbursed() -> LoanId {
	let (loan, summary) = applied();
	approve(loan, summary);
	assert_ok!(Loans::accept_offer(RuntimeOrigin::signed(ACME_CO), loan));
	assert_ok!(Loans::record_disbursement(RuntimeOrigin::signed(BANK), loan));
	loan
}

fn state(loan: LoanId) -> LoanState<u64> {
	Loans::loan(loan).expect("the loan exists").1
}

/// What the schedule still asks for: (principal, interest).
fn owed(loan: LoanId) -> (u128, u128) {
	Schedules::<Test>::get(loan).unwrap().iter().fold((0, 0), |(p, i), s| {
		(p + s.principal - s.principal_paid, i + s.interest - s.interest_paid)
	})
}

fn repay(loan: LoanId, principal: u128, interest: u128) {
	assert_ok!(Loans::record_repayment(RuntimeOrigin::signed(BANK), loan, principal, interest));
}

/// Pays the next unpaid instalment in full.
fn pay_next(loan: LoanId) {
	let plan = Schedules::<Test>::get(loan).unwrap();
	let next = plan.iter().find(|i| !i.is_paid()).unwrap();
	repay(loan, next.principal - next.principal_paid, next.interest - next.interest_paid);
}

#[test]
fn a_bank_publishes_and_retires_products() {
	new_test_ext().execute_with(|| {
		let id = publish_with(BANK, terms());
		System::assert_last_event(Event::ProductPublished { product: id, bank: BANK }.into());
		assert_eq!(Products::<Test>::get(id).unwrap().terms, terms());
		assert_noop!(
			Loans::retire_product(RuntimeOrigin::signed(OTHER_BANK), id),
			Error::<Test>::NotProductBank
		);
		assert_ok!(Loans::retire_product(RuntimeOrigin::signed(BANK), id));
		assert!(Products::<Test>::get(id).unwrap().retired);
		assert_noop!(
			Loans::retire_product(RuntimeOrigin::signed(BANK), id),
			Error::<Test>::ProductRetired
		);
		assert_noop!(
			Loans::retire_product(RuntimeOrigin::signed(BANK), 99),
			Error::<Test>::UnknownProduct
		);
	});
}

#[test]
fn products_are_checked() {
	new_test_ext().execute_with(|| {
		let publish = |who: AccountId, terms: ProductTerms| {
			Loans::publish_product(RuntimeOrigin::signed(who), terms)
		};
		assert_noop!(publish(TAX_AUTHORITY, terms()), Error::<Test>::NotABank);
		assert_noop!(publish(ACME_CO, terms()), Error::<Test>::NotABank);
		let with = |change: &dyn Fn(&mut ProductTerms)| {
			let mut t = terms();
			change(&mut t);
			t
		};
		assert_noop!(
			publish(BANK, with(&|t| t.ratings = Default::default())),
			Error::<Test>::InvalidRatings
		);
		assert_noop!(
			publish(BANK, with(&|t| t.ratings = vec![Rating::A, Rating::A].try_into().unwrap())),
			Error::<Test>::InvalidRatings
		);
		assert_noop!(publish(BANK, with(&|t| t.max_amount = 0)), Error::<Test>::InvalidMaxAmount);
		assert_noop!(
			publish(
				BANK,
				with(&|t| {
					t.max_amount = MAX_AMOUNT + 1;
					t.exposure_cap = MAX_AMOUNT + 1;
				})
			),
			Error::<Test>::InvalidMaxAmount
		);
		assert_noop!(
			publish(BANK, with(&|t| t.max_term_months = 0)),
			Error::<Test>::InvalidMaxTerm
		);
		assert_noop!(
			publish(BANK, with(&|t| t.max_term_months = MAX_TERM as u16 + 1)),
			Error::<Test>::InvalidMaxTerm
		);
		assert_noop!(
			publish(BANK, with(&|t| t.min_rate_bps = 900)),
			Error::<Test>::InvalidRateRange
		);
		assert_noop!(
			publish(BANK, with(&|t| t.exposure_cap = 1)),
			Error::<Test>::InvalidExposureCap
		);
		let first = NextProductId::<Test>::get();
		for _ in 0..MAX_PRODUCTS {
			publish_with(BANK, terms());
		}
		assert_noop!(publish(BANK, terms()), Error::<Test>::TooManyProducts);
		// A retired product frees its place and stays on record.
		assert_ok!(Loans::retire_product(RuntimeOrigin::signed(BANK), first));
		let again = publish_with(BANK, terms());
		assert!(Products::<Test>::get(first).is_some_and(|p| p.retired));
		assert_eq!(
			crate::ProductsOf::<Test>::iter_key_prefix(BANK).count() as u32,
			MAX_PRODUCTS + 1
		);
		assert_noop!(publish(BANK, terms()), Error::<Test>::TooManyProducts);
		assert_eq!(crate::ProductsInForce::<Test>::get(BANK), MAX_PRODUCTS);
		assert!(again > first);
		publish_with(OTHER_BANK, terms());
		suspend(OTHER_BANK);
		assert_noop!(publish(OTHER_BANK, terms()), Error::<Test>::NotABank);
	});
}

#[test]
fn an_enterprise_applies_with_consent_and_an_eligible_rating() {
	new_test_ext().execute_with(|| {
		let (loan, summary) = applied();
		System::assert_last_event(
			Event::LoanApplied {
				loan,
				enterprise: acme(),
				bank: BANK,
				product: 0,
				amount: AMOUNT,
				term_months: TERM,
			}
			.into(),
		);
		let entry = LoanStore::<Test>::get(loan).unwrap();
		assert_eq!((entry.applicant, entry.bank, entry.summary), (ACME_CO, BANK, summary));
		assert_eq!(state(loan), LoanState::Applied);
		assert_eq!(entry.rating, Rating::A);
		assert_eq!(Loans::loans_of(&acme(), &Page::default()).0[0].0, loan);
		assert_eq!(Loans::loans_of_bank(&BANK, &Page::default()).0[0].0, loan);
	});
}

#[test]
fn applications_are_refused_by_name() {
	new_test_ext().execute_with(|| {
		let product = publish_with(BANK, terms());
		let good = summary(acme(), Rating::A);
		consent(acme(), BANK, good, 1);
		let apply = |who: AccountId, product: u32, amount: u128, term: u16, record: RecordId| {
			Loans::apply_for_loan(RuntimeOrigin::signed(who), product, amount, term, record, None)
		};
		assert_noop!(apply(STRANGER, product, AMOUNT, TERM, good), Error::<Test>::NotAController);
		assert_noop!(apply(ACME_CO, 9, AMOUNT, TERM, good), Error::<Test>::UnknownProduct);
		assert_noop!(apply(ACME_CO, product, 0, TERM, good), Error::<Test>::AmountOutOfRange);
		assert_noop!(
			apply(ACME_CO, product, 100_000_001, TERM, good),
			Error::<Test>::AmountOutOfRange
		);
		assert_noop!(apply(ACME_CO, product, AMOUNT, 0, good), Error::<Test>::TermOutOfRange);
		assert_noop!(apply(ACME_CO, product, AMOUNT, 13, good), Error::<Test>::TermOutOfRange);
		assert_noop!(apply(ACME_CO, product, AMOUNT, TERM, 99), Error::<Test>::NotACurrentSummary);
		let betas = summary(beta(), Rating::A);
		assert_noop!(
			apply(ACME_CO, product, AMOUNT, TERM, betas),
			Error::<Test>::NotACurrentSummary
		);
		let vat = add_record(acme(), RecordKind::VatReturn, None);
		assert_noop!(apply(ACME_CO, product, AMOUNT, TERM, vat), Error::<Test>::NotACurrentSummary);
		let old = summary(acme(), Rating::A);
		supersede(old);
		assert_noop!(apply(ACME_CO, product, AMOUNT, TERM, old), Error::<Test>::NotACurrentSummary);
		let rated_c = summary(acme(), Rating::C);
		consent(acme(), BANK, rated_c, 2);
		assert_noop!(
			apply(ACME_CO, product, AMOUNT, TERM, rated_c),
			Error::<Test>::RatingNotEligible
		);
		let unconsented = summary(acme(), Rating::B);
		assert_noop!(apply(ACME_CO, product, AMOUNT, TERM, unconsented), Error::<Test>::NoConsent);
		// Consent to another bank is no consent to this one.
		consent(acme(), OTHER_BANK, unconsented, 3);
		assert_noop!(apply(ACME_CO, product, AMOUNT, TERM, unconsented), Error::<Test>::NoConsent);
		assert_ok!(Loans::retire_product(RuntimeOrigin::signed(BANK), product));
		assert_noop!(apply(ACME_CO, product, AMOUNT, TERM, good), Error::<Test>::ProductRetired);
	});
}

#[test]
fn approval_records_the_consent_and_records_it_relied_on() {
	new_test_ext().execute_with(|| {
		let (loan, summary) = applied();
		let filings = add_record(acme(), RecordKind::FilingCompliance, None);
		consent(acme(), BANK, filings, 7);
		assert_ok!(Loans::approve_loan(
			RuntimeOrigin::signed(BANK),
			loan,
			40_000_000,
			450,
			6,
			40,
			vec![summary, filings]
		));
		System::assert_last_event(
			Event::LoanApproved {
				loan,
				amount: 40_000_000,
				rate_bps: 450,
				term_months: 6,
				consent: 7,
			}
			.into(),
		);
		let entry = LoanStore::<Test>::get(loan).unwrap();
		let decision = entry.decision.unwrap();
		assert_eq!(
			(decision.consent, decision.records.to_vec(), decision.at),
			(7, vec![summary, filings], 1)
		);
		assert_eq!(entry.offer.unwrap().amount, 40_000_000);
		assert_eq!(state(loan), LoanState::Approved);
	});
}

#[test]
fn approvals_are_refused_by_name() {
	new_test_ext().execute_with(|| {
		let (loan, summary) = applied();
		let approve_with = |who: AccountId,
		                    amount: u128,
		                    rate: u32,
		                    term: u16,
		                    expires: u64,
		                    records: Vec<RecordId>| {
			Loans::approve_loan(
				RuntimeOrigin::signed(who),
				loan,
				amount,
				rate,
				term,
				expires,
				records,
			)
		};
		let ok_records = || vec![summary];
		assert_noop!(
			approve_with(OTHER_BANK, AMOUNT, RATE, TERM, 50, ok_records()),
			Error::<Test>::NotProductBank
		);
		assert_noop!(
			approve_with(BANK, 0, RATE, TERM, 50, ok_records()),
			Error::<Test>::OfferAmountOutOfRange
		);
		assert_noop!(
			approve_with(BANK, AMOUNT + 1, RATE, TERM, 50, ok_records()),
			Error::<Test>::OfferAmountOutOfRange
		);
		assert_noop!(
			approve_with(BANK, AMOUNT, RATE, 0, 50, ok_records()),
			Error::<Test>::OfferTermOutOfRange
		);
		assert_noop!(
			approve_with(BANK, AMOUNT, RATE, TERM + 1, 50, ok_records()),
			Error::<Test>::OfferTermOutOfRange
		);
		assert_noop!(
			approve_with(BANK, AMOUNT, 299, TERM, 50, ok_records()),
			Error::<Test>::RateOutOfRange
		);
		assert_noop!(
			approve_with(BANK, AMOUNT, 801, TERM, 50, ok_records()),
			Error::<Test>::RateOutOfRange
		);
		assert_noop!(
			approve_with(BANK, AMOUNT, RATE, TERM, 1, ok_records()),
			Error::<Test>::InvalidOfferExpiry
		);
		assert_noop!(
			approve_with(BANK, AMOUNT, RATE, TERM, 2 + MAX_OFFER_VALIDITY, ok_records()),
			Error::<Test>::InvalidOfferExpiry
		);
		let other = add_record(acme(), RecordKind::VatReturn, None);
		assert_noop!(
			approve_with(BANK, AMOUNT, RATE, TERM, 50, vec![other]),
			Error::<Test>::InvalidDecisionRecords
		);
		assert_noop!(
			approve_with(BANK, AMOUNT, RATE, TERM, 50, vec![summary, summary]),
			Error::<Test>::InvalidDecisionRecords
		);
		assert_noop!(
			approve_with(BANK, AMOUNT, RATE, TERM, 50, (0..9).collect()),
			Error::<Test>::InvalidDecisionRecords
		);
		// A record the consent does not cover.
		assert_noop!(
			approve_with(BANK, AMOUNT, RATE, TERM, 50, vec![summary, other]),
			Error::<Test>::NoConsent
		);
		// The enterprise withdrew its consent after applying.
		revoke(acme(), BANK);
		assert_noop!(
			approve_with(BANK, AMOUNT, RATE, TERM, 50, ok_records()),
			Error::<Test>::NoConsent
		);
	});
}

#[test]
fn approval_fails_past_the_exposure_cap_across_banks() {
	new_test_ext().execute_with(|| {
		// ACME owes 120 M fen to another bank; the cap is 150 M.
		Exposure::<Test>::insert(acme(), 120_000_000);
		let (loan, summary) = applied();
		assert_noop!(
			Loans::approve_loan(
				RuntimeOrigin::signed(BANK),
				loan,
				AMOUNT,
				RATE,
				TERM,
				50,
				vec![summary]
			),
			Error::<Test>::ExposureCapExceeded
		);
		assert_ok!(Loans::approve_loan(
			RuntimeOrigin::signed(BANK),
			loan,
			30_000_000,
			RATE,
			TERM,
			50,
			vec![summary]
		));
		// Another payout in between: disbursement checks again.
		assert_ok!(Loans::accept_offer(RuntimeOrigin::signed(ACME_CO), loan));
		Exposure::<Test>::insert(acme(), 120_000_001);
		assert_noop!(
			Loans::record_disbursement(RuntimeOrigin::signed(BANK), loan),
			Error::<Test>::ExposureCapExceeded
		);
	});
}

#[test]
fn the_bank_rejects_with_a_reason_and_the_enterprise_withdraws() {
	new_test_ext().execute_with(|| {
		let (loan, _) = applied();
		assert_ok!(Loans::reject_loan(
			RuntimeOrigin::signed(BANK),
			loan,
			RejectionReason::ShortHistory
		));
		System::assert_last_event(
			Event::LoanRejected { loan, reason: RejectionReason::ShortHistory }.into(),
		);
		assert_eq!(
			state(loan),
			LoanState::Rejected { reason: RejectionReason::ShortHistory, at: 1 }
		);
		assert_noop!(
			Loans::reject_loan(RuntimeOrigin::signed(BANK), loan, RejectionReason::OutsidePolicy),
			Error::<Test>::InvalidTransition
		);
		assert_noop!(
			Loans::withdraw_application(RuntimeOrigin::signed(ACME_CO), loan),
			Error::<Test>::InvalidTransition
		);

		let (second, summary) = applied();
		assert_noop!(
			Loans::withdraw_application(RuntimeOrigin::signed(BETA_CO), second),
			Error::<Test>::NotLoanEnterprise
		);
		approve(second, summary);
		// Declining the offer is withdrawing.
		assert_ok!(Loans::withdraw_application(RuntimeOrigin::signed(ACME_CO), second));
		assert_eq!(state(second), LoanState::Withdrawn { at: 1 });
		assert_noop!(
			Loans::accept_offer(RuntimeOrigin::signed(ACME_CO), second),
			Error::<Test>::InvalidTransition
		);
	});
}

#[test]
fn an_offer_lapses_at_its_expiry() {
	new_test_ext().execute_with(|| {
		let (loan, summary) = applied();
		approve(loan, summary);
		run_to_block(51);
		assert_eq!(state(loan), LoanState::Lapsed { at: 51 });
		assert_noop!(
			Loans::accept_offer(RuntimeOrigin::signed(ACME_CO), loan),
			Error::<Test>::OfferExpired
		);
		assert_noop!(
			Loans::accept_offer(RuntimeOrigin::signed(BETA_CO), loan),
			Error::<Test>::NotLoanEnterprise
		);
	});
}

#[test]
fn disbursement_starts_the_schedule_and_the_exposure() {
	new_test_ext().execute_with(|| {
		let loan = disbursed();
		System::assert_last_event(
			Event::LoanDisbursed { loan, amount: AMOUNT, instalments: 12 }.into(),
		);
		assert_eq!(state(loan), LoanState::Repaying);
		assert_eq!(Exposure::<Test>::get(acme()), AMOUNT);
		let plan = Schedules::<Test>::get(loan).unwrap();
		let expected =
			schedule::schedule(AMOUNT, RATE, TERM, RepaymentStyle::EqualInstalments).unwrap();
		assert_eq!(plan.len(), 12);
		for (k, (instalment, due)) in plan.iter().zip(expected).enumerate() {
			assert_eq!(instalment.due, 1 + (k as u64 + 1) * MONTH);
			assert_eq!((instalment.principal, instalment.interest), (due.principal, due.interest));
		}
		assert!(DueChecks::<Test>::contains_key(1 + MONTH, loan));
		assert_noop!(
			Loans::record_disbursement(RuntimeOrigin::signed(BANK), loan),
			Error::<Test>::InvalidTransition
		);
	});
}

#[test]
fn repayments_go_to_the_earliest_instalments_and_close_the_loan() {
	new_test_ext().execute_with(|| {
		let loan = disbursed();
		let (principal, interest) = owed(loan);
		assert_eq!(principal, AMOUNT);
		assert_noop!(
			Loans::record_repayment(RuntimeOrigin::signed(BANK), loan, 0, 0),
			Error::<Test>::InvalidRepayment
		);
		assert_noop!(
			Loans::record_repayment(RuntimeOrigin::signed(BANK), loan, principal + 1, 0),
			Error::<Test>::InvalidRepayment
		);
		assert_noop!(
			Loans::record_repayment(RuntimeOrigin::signed(BANK), loan, 0, interest + 1),
			Error::<Test>::InvalidRepayment
		);
		assert_noop!(
			Loans::record_repayment(RuntimeOrigin::signed(OTHER_BANK), loan, 1, 0),
			Error::<Test>::NotProductBank
		);
		pay_next(loan);
		let plan = Schedules::<Test>::get(loan).unwrap();
		assert!(plan[0].is_paid() && !plan[1].is_paid());
		assert_eq!(Exposure::<Test>::get(acme()), AMOUNT - plan[0].principal);
		// Early payment of the first instalment moves the overdue check to the second.
		assert!(DueChecks::<Test>::contains_key(plan[1].due, loan));
		assert!(!DueChecks::<Test>::contains_key(plan[0].due, loan));
		let (principal, interest) = owed(loan);
		repay(loan, principal, interest);
		System::assert_last_event(Event::LoanClosed { loan }.into());
		assert_eq!(state(loan), LoanState::Closed { at: 1 });
		assert_eq!(Exposure::<Test>::get(acme()), 0);
		assert_eq!(DueChecks::<Test>::iter().count(), 0);
		let entry = LoanStore::<Test>::get(loan).unwrap();
		let total: (u128, u128) =
			schedule::schedule(AMOUNT, RATE, TERM, RepaymentStyle::EqualInstalments)
				.unwrap()
				.iter()
				.fold((0, 0), |(p, i), d| (p + d.principal, i + d.interest));
		assert_eq!((entry.principal_paid, entry.interest_paid), total);
		assert_noop!(
			Loans::record_repayment(RuntimeOrigin::signed(BANK), loan, 1, 0),
			Error::<Test>::InvalidTransition
		);
	});
}

#[test]
fn an_unpaid_instalment_makes_the_loan_overdue_then_defaulted_and_written_off() {
	new_test_ext().execute_with(|| {
		let loan = disbursed();
		let first_due = 1 + MONTH;
		run_to_block(first_due - 1);
		assert_eq!(state(loan), LoanState::Repaying);
		assert_noop!(
			Loans::declare_default(RuntimeOrigin::signed(BANK), loan),
			Error::<Test>::InvalidTransition
		);
		run_to_block(first_due);
		assert_eq!(state(loan), LoanState::Overdue { since: first_due });
		System::assert_has_event(Event::LoanOverdue { loan, since: first_due }.into());
		run_to_block(first_due + 10 * BLOCKS_PER_DAY + 1);
		let entry = LoanStore::<Test>::get(loan).unwrap();
		assert_eq!(Loans::days_past_due(&entry, System::block_number()), Some(10));
		assert_noop!(
			Loans::declare_default(RuntimeOrigin::signed(BANK), loan),
			Error::<Test>::NotPastDueLongEnough
		);
		assert_noop!(
			Loans::write_off(RuntimeOrigin::signed(BANK), loan),
			Error::<Test>::InvalidTransition
		);
		run_to_block(first_due + 90 * BLOCKS_PER_DAY);
		assert_ok!(Loans::declare_default(RuntimeOrigin::signed(BANK), loan));
		System::assert_last_event(Event::LoanDefaulted { loan, days_past_due: 90 }.into());
		assert_noop!(
			Loans::record_repayment(RuntimeOrigin::signed(BANK), loan, 1, 0),
			Error::<Test>::InvalidTransition
		);
		assert_ok!(Loans::write_off(RuntimeOrigin::signed(BANK), loan));
		System::assert_last_event(Event::LoanWrittenOff { loan, principal: AMOUNT }.into());
		assert_eq!(Exposure::<Test>::get(acme()), 0);
		assert!(matches!(state(loan), LoanState::WrittenOff { .. }));
		assert_noop!(
			Loans::write_off(RuntimeOrigin::signed(BANK), loan),
			Error::<Test>::InvalidTransition
		);
	});
}

#[test]
fn paying_the_arrears_puts_an_overdue_loan_back_on_schedule() {
	new_test_ext().execute_with(|| {
		let loan = disbursed();
		run_to_block(1 + 2 * MONTH);
		// Two instalments unpaid: overdue from the first.
		assert_eq!(state(loan), LoanState::Overdue { since: 1 + MONTH });
		pay_next(loan);
		assert_eq!(state(loan), LoanState::Overdue { since: 1 + 2 * MONTH });
		pay_next(loan);
		assert_eq!(state(loan), LoanState::Repaying);
		System::assert_last_event(Event::ArrearsCleared { loan }.into());
		assert!(DueChecks::<Test>::contains_key(1 + 3 * MONTH, loan));
		run_to_block(1 + 3 * MONTH);
		assert_eq!(state(loan), LoanState::Overdue { since: 1 + 3 * MONTH });
	});
}

#[test]
fn the_due_check_hook_keeps_to_its_budget() {
	new_test_ext().execute_with(|| {
		let loans: Vec<LoanId> = (0..3).map(|_| disbursed()).collect();
		assert_eq!(Exposure::<Test>::get(acme()), 3 * AMOUNT);
		run_to_block(1 + MONTH);
		let overdue =
			|| loans.iter().filter(|l| matches!(state(**l), LoanState::Overdue { .. })).count();
		assert_eq!(overdue(), MAX_DUE_CHECKS as usize);
		run_to_block(2 + MONTH);
		assert_eq!(overdue(), 3);
		// Overdue from the due block, not from when the hook got to it.
		assert!(loans.iter().all(|l| state(*l) == LoanState::Overdue { since: 1 + MONTH }));
	});
}

#[test]
fn a_retired_products_loans_carry_on() {
	new_test_ext().execute_with(|| {
		let loan = disbursed();
		assert_ok!(Loans::retire_product(RuntimeOrigin::signed(BANK), 0));
		pay_next(loan);
		assert_eq!(state(loan), LoanState::Repaying);
	});
}

/// Random call sequences: no error changes storage, every state change is a transition of the
/// state machine, exposure is always the outstanding principal of disbursed loans, and a closed
/// loan has been paid exactly its schedule.
#[test]
fn random_call_sequences_reach_no_illegal_state() {
	use rand_chacha::{
		rand_core::{RngCore, SeedableRng},
		ChaCha20Rng,
	};
	use sp_runtime::StateVersion;

	fn kind(state: &LoanState<u64>) -> &'static str {
		match state {
			LoanState::Applied => "applied",
			LoanState::Withdrawn { .. } => "withdrawn",
			LoanState::Rejected { .. } => "rejected",
			LoanState::Approved | LoanState::Lapsed { .. } => "approved",
			LoanState::Accepted { .. } => "accepted",
			LoanState::Repaying => "repaying",
			LoanState::Overdue { .. } => "overdue",
			LoanState::Defaulted { .. } => "defaulted",
			LoanState::WrittenOff { .. } => "written off",
			LoanState::Closed { .. } => "closed",
		}
	}
	const ALLOWED: &[(&str, &str)] = &[
		("applied", "withdrawn"),
		("applied", "rejected"),
		("applied", "approved"),
		("approved", "withdrawn"),
		("approved", "accepted"),
		("accepted", "repaying"),
		("repaying", "overdue"),
		("repaying", "closed"),
		("overdue", "repaying"),
		("overdue", "closed"),
		("overdue", "defaulted"),
		("defaulted", "written off"),
	];

	let mut reached = std::collections::BTreeSet::new();
	for seed in 0..40u64 {
		new_test_ext().execute_with(|| {
			let mut rng = ChaCha20Rng::seed_from_u64(seed);
			let mut pick = |n: u64| rng.next_u64() % n;
			let mut cheap = terms();
			cheap.style = terms_style(seed);
			cheap.max_term_months = 3;
			cheap.default_after_days = 5;
			publish_with(BANK, cheap);
			let summary = summary(acme(), Rating::A);
			consent(acme(), BANK, summary, 1);
			let mut seen: Vec<&'static str> = Vec::new();

			for _ in 0..150 {
				let loans = NextLoanId::<Test>::get();
				// Mostly the latest loan, so that lives get long; sometimes any, or one that
				// does not exist.
				let loan = match (loans, pick(3)) {
					(0, _) => 0,
					(_, 0) => pick(loans + 1),
					_ => loans - 1,
				};
				let asked = LoanStore::<Test>::get(loan)
					.map(|l| (l.requested_amount, l.requested_term_months))
					.unwrap_or((1, 1));
				let before = sp_io::storage::root(StateVersion::V1);
				let result = match pick(10) {
					0 => Loans::apply_for_loan(
						RuntimeOrigin::signed(ACME_CO),
						0,
						1 + u128::from(pick(60_000_000)),
						1 + pick(4) as u16,
						summary,
						None,
					),
					1 => Loans::approve_loan(
						RuntimeOrigin::signed(BANK),
						loan,
						if pick(4) == 0 {
							u128::from(pick(70_000_000))
						} else {
							asked.0 / (1 + u128::from(pick(3)))
						},
						250 + pick(600) as u32,
						1 + (pick(u64::from(asked.1) + 1) as u16),
						System::block_number() + 1 + pick(MAX_OFFER_VALIDITY),
						vec![summary],
					),
					2 => Loans::reject_loan(
						RuntimeOrigin::signed(BANK),
						loan,
						RejectionReason::IncompleteData,
					),
					3 => Loans::withdraw_application(RuntimeOrigin::signed(ACME_CO), loan),
					4 => Loans::accept_offer(RuntimeOrigin::signed(ACME_CO), loan),
					5 => Loans::record_disbursement(RuntimeOrigin::signed(BANK), loan),
					6 | 7 => {
						let (p, i) =
							Schedules::<Test>::get(loan).map(|_| owed(loan)).unwrap_or((1, 1));
						let mut part =
							|x: u128| if pick(3) == 0 { x } else { x / (1 + u128::from(pick(4))) };
						Loans::record_repayment(RuntimeOrigin::signed(BANK), loan, part(p), part(i))
					}
					8 => Loans::declare_default(RuntimeOrigin::signed(BANK), loan),
					_ => Loans::write_off(RuntimeOrigin::signed(BANK), loan),
				};
				if result.is_err() {
					assert_eq!(
						before,
						sp_io::storage::root(StateVersion::V1),
						"an error changed storage: {result:?}"
					);
				}
				check_all(seed, &mut seen, &mut reached);
				if pick(3) == 0 {
					run_to_block(System::block_number() + 1 + pick(70));
					check_all(seed, &mut seen, &mut reached);
				}
			}
		});
	}
	// The sequences are worth something only if they reach every state.
	let every: std::collections::BTreeSet<_> = ALLOWED.iter().flat_map(|(a, b)| [*a, *b]).collect();
	assert_eq!(
		reached,
		every,
		"states never reached: {:?}",
		every.difference(&reached).collect::<Vec<_>>()
	);

	/// Checks every loan after a step: a legal transition from what `seen` recorded, the
	/// schedule and queue consistent with its state, exposure equal to outstanding principal,
	/// a closed loan paid exactly its schedule, and the pallet's invariants (which recount the
	/// tallies).
	fn check_all(
		seed: u64,
		seen: &mut Vec<&'static str>,
		reached: &mut std::collections::BTreeSet<&'static str>,
	) {
		let now = System::block_number();
		let mut exposure = 0u128;
		for id in 0..NextLoanId::<Test>::get() {
			let loan = LoanStore::<Test>::get(id).unwrap();
			let now_kind = kind(&loan.state);
			let before_kind = seen.get(id as usize).copied().unwrap_or("applied");
			assert!(
				before_kind == now_kind || ALLOWED.contains(&(before_kind, now_kind)),
				"seed {seed}: loan {id} went from {before_kind} to {now_kind}"
			);
			reached.insert(now_kind);
			if (id as usize) < seen.len() {
				seen[id as usize] = now_kind;
			} else {
				seen.push(now_kind);
			}
			let lent = loan.offer.map(|o| o.amount).unwrap_or_default();
			if matches!(
				loan.state,
				LoanState::Repaying | LoanState::Overdue { .. } | LoanState::Defaulted { .. }
			) {
				exposure += lent - loan.principal_paid;
			}
			if let LoanState::Overdue { since } = loan.state {
				let plan = Schedules::<Test>::get(id).unwrap();
				assert_eq!(plan.iter().find(|i| !i.is_paid()).map(|i| i.due), Some(since));
				assert!(since <= now);
			}
			if loan.state == LoanState::Repaying {
				let plan = Schedules::<Test>::get(id).unwrap();
				let next = plan.iter().find(|i| !i.is_paid()).map(|i| i.due);
				// Exactly one check queued, at the first unpaid due.
				let queued: Vec<u64> = DueChecks::<Test>::iter()
					.filter(|(_, loan, _)| *loan == id)
					.map(|(block, ..)| block)
					.collect();
				assert_eq!(queued, vec![next.unwrap()]);
			}
			if let LoanState::Closed { .. } = loan.state {
				let offer = loan.offer.unwrap();
				let dues = schedule::schedule(
					offer.amount,
					offer.rate_bps,
					offer.term_months,
					terms_style(seed),
				)
				.unwrap();
				let total = dues.iter().fold((0, 0), |(p, i), d| (p + d.principal, i + d.interest));
				assert_eq!(
					(loan.principal_paid, loan.interest_paid),
					total,
					"seed {seed}: loan {id}"
				);
				assert_eq!(loan.principal_paid, offer.amount);
			}
		}
		assert_eq!(Exposure::<Test>::get(acme()), exposure, "seed {seed}");
		// Every invariant, the tallies' recount among them.
		assert_eq!(Loans::do_try_state(), Ok(()), "seed {seed}");
	}

	fn terms_style(seed: u64) -> RepaymentStyle {
		if seed.is_multiple_of(2) {
			RepaymentStyle::EqualInstalments
		} else {
			RepaymentStyle::InterestOnlyThenBullet
		}
	}
}

#[test]
fn unknown_loans_and_exhausted_numbers_are_named() {
	new_test_ext().execute_with(|| {
		let (_, summary) = applied();
		assert_noop!(
			Loans::approve_loan(
				RuntimeOrigin::signed(BANK),
				99,
				AMOUNT,
				RATE,
				TERM,
				50,
				vec![summary]
			),
			Error::<Test>::UnknownLoan
		);
		assert_noop!(
			Loans::accept_offer(RuntimeOrigin::signed(ACME_CO), 99),
			Error::<Test>::UnknownLoan
		);
		assert_noop!(
			Loans::record_repayment(RuntimeOrigin::signed(BANK), 99, 1, 1),
			Error::<Test>::UnknownLoan
		);
		NextLoanId::<Test>::put(LoanId::MAX);
		assert_noop!(
			Loans::apply_for_loan(RuntimeOrigin::signed(ACME_CO), 0, AMOUNT, TERM, summary, None),
			Error::<Test>::LoanIdOverflow
		);
		NextProductId::<Test>::put(u32::MAX);
		assert_noop!(
			Loans::publish_product(RuntimeOrigin::signed(OTHER_BANK), terms()),
			Error::<Test>::ProductIdOverflow
		);
	});
}

#[test]
fn the_largest_loan_at_the_highest_rate_over_the_longest_term_has_a_schedule() {
	// What the product checks allow is what the schedule arithmetic can do.
	for style in [RepaymentStyle::EqualInstalments, RepaymentStyle::InterestOnlyThenBullet] {
		let dues = schedule::schedule(MAX_AMOUNT, crate::MAX_RATE_BPS, MAX_TERM as u16, style)
			.expect("within bounds");
		assert_eq!(dues.iter().map(|d| d.principal).sum::<u128>(), MAX_AMOUNT);
		// The runtime's bounds too: 10¹⁴ fen over 60 months.
		let dues = schedule::schedule(100_000_000_000_000, crate::MAX_RATE_BPS, 60, style)
			.expect("within the runtime's bounds");
		assert_eq!(dues.len(), 60);
	}
}

#[test]
fn version_1_counts_each_banks_products_in_force() {
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	new_test_ext().execute_with(|| {
		let first = publish_with(BANK, terms());
		publish_with(BANK, terms());
		publish_with(OTHER_BANK, terms());
		assert_ok!(Loans::retire_product(RuntimeOrigin::signed(BANK), first));
		// As version 0 left it: no counts.
		let _ = crate::ProductsInForce::<Test>::clear(u32::MAX, None);
		StorageVersion::new(0).put::<crate::Pallet<Test>>();

		crate::migrations::v1::MigrateToV1::<Test>::on_runtime_upgrade();

		assert_eq!(crate::ProductsInForce::<Test>::get(BANK), 1);
		assert_eq!(crate::ProductsInForce::<Test>::get(OTHER_BANK), 1);
		assert_eq!(crate::Pallet::<Test>::on_chain_storage_version(), StorageVersion::new(1));
		// Run again, it changes nothing.
		crate::migrations::v1::MigrateToV1::<Test>::on_runtime_upgrade();
		assert_eq!(crate::ProductsInForce::<Test>::get(BANK), 1);
	});
}

#[test]
fn a_banks_loans_read_a_page_at_a_time_and_the_tallies_follow_them() {
	new_test_ext().execute_with(|| {
		let (first, summary) = applied();
		let product = 0;
		let mut ids = vec![first];
		for _ in 0..4 {
			ids.push(NextLoanId::<Test>::get());
			assert_ok!(Loans::apply_for_loan(
				RuntimeOrigin::signed(ACME_CO),
				product,
				AMOUNT,
				TERM,
				summary,
				None
			));
		}
		let page = |from, limit| {
			let (loans, next) = Loans::loans_of_bank(&BANK, &Page { from, limit });
			(loans.into_iter().map(|(id, ..)| id).collect::<Vec<_>>(), next)
		};
		assert_eq!(page(0, 3), (ids[..3].to_vec(), Some(ids[3])));
		assert_eq!(page(ids[3], 3), (ids[3..].to_vec(), None));
		assert_eq!(Loans::loans_of(&acme(), &Page { from: ids[4], limit: 1 }).1, None);

		approve(first, summary);
		assert_ok!(Loans::accept_offer(RuntimeOrigin::signed(ACME_CO), first));
		assert_ok!(Loans::record_disbursement(RuntimeOrigin::signed(BANK), first));
		assert_ok!(Loans::reject_loan(
			RuntimeOrigin::signed(BANK),
			ids[1],
			RejectionReason::IncompleteData
		));
		assert_ok!(Loans::record_repayment(RuntimeOrigin::signed(BANK), first, 1_000_000, 0));
		let owed = AMOUNT - 1_000_000;
		assert_eq!(
			Loans::tallies_of_bank(&BANK),
			vec![
				(Stage::Applied, Tally { loans: 3, outstanding: 0 }),
				(Stage::Rejected, Tally { loans: 1, outstanding: 0 }),
				(Stage::Repaying, Tally { loans: 1, outstanding: owed }),
			]
		);
		assert_eq!(Loans::tallies_by_rating().len(), 3, "all on rating A");
		assert!(Loans::tallies_of_bank(&OTHER_BANK).is_empty());
	});
}

#[test]
fn version_2_rates_every_loan_keeps_them_in_order_and_counts_the_tallies() {
	use crate::migrations::v2::LoanV1;
	use codec::Encode;
	use frame_support::{
		storage::unhashed,
		traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
		Blake2_128Concat, StorageHasher, StoragePrefixedMap, Twox64Concat,
	};
	new_test_ext().execute_with(|| {
		let (first, summary) = applied();
		approve(first, summary);
		assert_ok!(Loans::accept_offer(RuntimeOrigin::signed(ACME_CO), first));
		assert_ok!(Loans::record_disbursement(RuntimeOrigin::signed(BANK), first));
		let second = NextLoanId::<Test>::get();
		assert_ok!(Loans::apply_for_loan(
			RuntimeOrigin::signed(ACME_CO),
			0,
			AMOUNT,
			TERM,
			summary,
			None
		));
		let loans: Vec<_> = [first, second].map(|id| LoanStore::<Test>::get(id).unwrap()).to_vec();
		let book = Loans::tallies_of_bank(&BANK);
		// As version 1 stored them: loans without their rating, indexes under hashes, no
		// tallies.
		for (id, loan) in [first, second].iter().zip(&loans) {
			let old = LoanV1 {
				enterprise: loan.enterprise,
				applicant: loan.applicant,
				bank: loan.bank,
				product: loan.product,
				requested_amount: loan.requested_amount,
				requested_term_months: loan.requested_term_months,
				summary: loan.summary,
				applied_at: loan.applied_at,
				state: loan.state,
				decision: loan.decision.clone(),
				offer: loan.offer,
				disbursed_at: loan.disbursed_at,
				principal_paid: loan.principal_paid,
				interest_paid: loan.interest_paid,
			};
			unhashed::put(&LoanStore::<Test>::hashed_key_for(id), &old);
		}
		let old_key = |prefix: [u8; 32], first: Vec<u8>, id: LoanId| {
			[&prefix[..], &Blake2_128Concat::hash(&first), &Twox64Concat::hash(&id.encode())]
				.concat()
		};
		let _ = crate::LoansOf::<Test>::clear(u32::MAX, None);
		let _ = crate::LoansByBank::<Test>::clear(u32::MAX, None);
		let _ = crate::RatingTallies::<Test>::clear(u32::MAX, None);
		let _ = crate::BankTallies::<Test>::clear(u32::MAX, None);
		for id in [first, second] {
			let of = crate::LoansOf::<Test>::final_prefix();
			unhashed::put(&old_key(of, acme().encode(), id), &());
			let by_bank = crate::LoansByBank::<Test>::final_prefix();
			unhashed::put(&old_key(by_bank, BANK.encode(), id), &());
		}
		StorageVersion::new(1).put::<crate::Pallet<Test>>();

		crate::migrations::v2::MigrateToV2::<Test>::on_runtime_upgrade();

		assert_eq!([first, second].map(|id| LoanStore::<Test>::get(id).unwrap()).to_vec(), loans);
		let ids = |(page, _): crate::LoanPage<Test>| {
			page.into_iter().map(|(id, ..)| id).collect::<Vec<_>>()
		};
		assert_eq!(ids(Loans::loans_of(&acme(), &Page::default())), vec![first, second]);
		assert_eq!(ids(Loans::loans_of_bank(&BANK, &Page::default())), vec![first, second]);
		assert_eq!(
			crate::LoansByBank::<Test>::iter_keys().count(),
			2,
			"no entry of the old layout"
		);
		assert_eq!(Loans::tallies_of_bank(&BANK), book);
		assert_eq!(crate::Pallet::<Test>::on_chain_storage_version(), StorageVersion::new(2));
	});
}

#[test]
fn the_invariants_catch_state_that_went_wrong() {
	new_test_ext().execute_with(|| {
		let (loan, summary) = applied();
		approve(loan, summary);
		assert_ok!(Loans::accept_offer(RuntimeOrigin::signed(ACME_CO), loan));
		assert_ok!(Loans::record_disbursement(RuntimeOrigin::signed(BANK), loan));
		assert_eq!(Loans::do_try_state(), Ok(()));
		Exposure::<Test>::mutate(acme(), |owed| *owed += 1);
		assert!(Loans::do_try_state().is_err(), "an exposure off by one fen");
		Exposure::<Test>::mutate(acme(), |owed| *owed -= 1);
		crate::RatingTallies::<Test>::remove(Rating::A, Stage::Repaying);
		assert!(Loans::do_try_state().is_err(), "a tally lost");
	});
}
