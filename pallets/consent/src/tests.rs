//! Every rule and every error of the consent pallet. Errors are checked with `assert_noop!`,
//! which also proves that storage is unchanged.

use crate::{
	mock::*, Access, BankTallies, BankTally, ConsentOf, ConsentState, Consents, Envelopes, Error,
	Event, ExpiringAt, ExpiryCursor, InForce, InForceWithBank, NextConsentId, NoticeHash, Party,
	Withdrawal,
};
use banktax_primitives::{
	privacy::{self, FieldKey, FORMAT_VERSION, MAX_ENVELOPE_LEN, MIN_ENVELOPE_LEN},
	ConsentCheck, ConsentId, DataScope, DisclosureLevel, Page, Period, Purpose, RecordId,
	RecordKind,
};
use frame_support::{assert_noop, assert_ok};

const EXPIRES: u64 = 101;
const NOTICE: NoticeHash = [0x5e; 32];

fn scope(kinds: &[RecordKind], first_year: u16, last_year: u16) -> DataScope {
	DataScope { kinds: kinds.to_vec().try_into().expect("at most five"), first_year, last_year }
}

/// Annual summaries and VAT returns of 2023 to 2025.
fn usual_scope() -> DataScope {
	scope(&[RecordKind::AnnualSummary, RecordKind::VatReturn], 2023, 2025)
}

fn chosen(fields: &[FieldKey]) -> DisclosureLevel {
	DisclosureLevel::ChosenFields(fields.to_vec().try_into().expect("at most sixteen"))
}

fn grant_with(
	by: AccountId,
	bank: AccountId,
	purpose: Purpose,
	disclosure: DisclosureLevel,
	expires_at: u64,
) -> ConsentId {
	let id = NextConsentId::<Test>::get();
	assert_ok!(Consent::grant_consent(
		RuntimeOrigin::signed(by),
		bank,
		purpose,
		usual_scope(),
		disclosure,
		expires_at,
		NOTICE,
	));
	id
}

/// ACME grants BANK a credit-assessment consent to whole records, until block 101.
fn grant() -> ConsentId {
	grant_with(ACME_CO, BANK, Purpose::CreditAssessment, DisclosureLevel::WholeRecords, EXPIRES)
}

/// An envelope of the one length the chain takes for `record` (format version 2).
fn envelope_for(record: RecordId) -> Vec<u8> {
	let kind = <TestRecords as banktax_primitives::RecordInspect>::record(record)
		.map_or(RecordKind::AnnualSummary, |info| info.kind);
	privacy::unopenable_envelope(kind, &[])
}

/// An envelope of `len` bytes in the first format, for records attested before version 2.
fn v1_envelope(len: usize) -> Vec<u8> {
	privacy::unopenable_v1(len, &[])
}

fn summary(year: u16) -> RecordId {
	add_record(acme(), Period::Year(year), RecordKind::AnnualSummary)
}

fn deliver(consent: ConsentId, record: RecordId) {
	assert_ok!(Consent::deliver_envelope(
		RuntimeOrigin::signed(TAX_AUTHORITY),
		consent,
		BANK,
		record,
		envelope_for(record),
	));
}

fn use_record(consent: ConsentId, record: RecordId) {
	assert_ok!(Consent::record_access(
		RuntimeOrigin::signed(BANK),
		consent,
		record,
		Purpose::CreditAssessment
	));
}

fn state(id: ConsentId) -> ConsentState<u64> {
	Consent::consent(id).expect("the consent exists").1
}

fn active_for(record: RecordId) -> Option<ConsentId> {
	<Consent as ConsentCheck<AccountId>>::active_consent(
		&acme(),
		&BANK,
		Purpose::CreditAssessment,
		record,
	)
}

#[test]
fn an_enterprise_grants_a_bank_a_consent() {
	new_test_ext().execute_with(|| {
		let id = grant();
		assert_eq!(id, 0);
		System::assert_last_event(
			Event::ConsentGranted {
				consent: 0,
				enterprise: acme(),
				bank: BANK,
				purpose: Purpose::CreditAssessment,
				expires_at: EXPIRES,
			}
			.into(),
		);
		let consent = Consents::<Test>::get(0).unwrap();
		assert_eq!(consent.enterprise, acme());
		assert_eq!(consent.granted_by, ACME_CO);
		assert_eq!(consent.bank, BANK);
		assert_eq!(consent.scope, usual_scope());
		assert_eq!(consent.disclosure, DisclosureLevel::WholeRecords);
		assert_eq!(consent.notice, NOTICE);
		assert_eq!((consent.granted_at, consent.expires_at), (1, EXPIRES));
		assert_eq!(consent.withdrawal, None);
		assert_eq!(state(0), ConsentState::Active);
		assert_eq!(NextConsentId::<Test>::get(), 1);
		// Each grant gets its own number, also from another controller of the same enterprise.
		assert_eq!(
			grant_with(
				ACME_CFO,
				OTHER_BANK,
				Purpose::PostLoanMonitoring,
				chosen(&[FieldKey::TaxPaid]),
				50
			),
			1
		);
		assert_eq!(
			Consent::consents_of(&acme(), &Page::default())
				.0
				.iter()
				.map(|(id, ..)| *id)
				.collect::<Vec<_>>(),
			vec![0, 1]
		);
		assert_eq!(Consent::consents_held(&BANK, &Page::default()).0.len(), 1);
		assert_eq!(Consent::consents_held(&OTHER_BANK, &Page::default()).0[0].0, 1);
		assert!(Consent::consents_of(&beta(), &Page::default()).0.is_empty());
	});
}

#[test]
fn only_a_controller_grants_and_only_to_an_active_bank() {
	new_test_ext().execute_with(|| {
		let grant_by = |who: AccountId, bank: AccountId| {
			Consent::grant_consent(
				RuntimeOrigin::signed(who),
				bank,
				Purpose::CreditAssessment,
				usual_scope(),
				DisclosureLevel::WholeRecords,
				EXPIRES,
				NOTICE,
			)
		};
		assert_noop!(grant_by(STRANGER, BANK), Error::<Test>::NotAController);
		assert_noop!(grant_by(BANK, BANK), Error::<Test>::NotAController);
		assert_noop!(grant_by(ACME_CO, TAX_AUTHORITY), Error::<Test>::NotABank);
		assert_noop!(grant_by(ACME_CO, REGULATOR), Error::<Test>::NotABank);
		assert_noop!(grant_by(ACME_CO, STRANGER), Error::<Test>::NotABank);
		suspend(OTHER_BANK);
		assert_noop!(grant_by(ACME_CO, OTHER_BANK), Error::<Test>::NotABank);
	});
}

#[test]
fn a_grant_needs_a_valid_scope_and_disclosure() {
	new_test_ext().execute_with(|| {
		let grant_of = |scope: DataScope, disclosure: DisclosureLevel| {
			Consent::grant_consent(
				RuntimeOrigin::signed(ACME_CO),
				BANK,
				Purpose::CreditAssessment,
				scope,
				disclosure,
				EXPIRES,
				NOTICE,
			)
		};
		assert_noop!(
			grant_of(scope(&[], 2023, 2024), DisclosureLevel::WholeRecords),
			Error::<Test>::InvalidScope
		);
		assert_noop!(
			grant_of(scope(&[RecordKind::VatReturn], 2025, 2023), DisclosureLevel::WholeRecords),
			Error::<Test>::InvalidScope
		);
		assert_noop!(grant_of(usual_scope(), chosen(&[])), Error::<Test>::InvalidDisclosure);
		assert_noop!(
			grant_of(usual_scope(), chosen(&[FieldKey::TaxPaid, FieldKey::TaxPaid])),
			Error::<Test>::InvalidDisclosure
		);
		// Filings due are a filing-compliance figure, and filing compliance is not in scope.
		assert_noop!(
			grant_of(usual_scope(), chosen(&[FieldKey::TaxPaid, FieldKey::FilingsDue])),
			Error::<Test>::InvalidDisclosure
		);
		assert_ok!(grant_of(usual_scope(), chosen(&[FieldKey::TaxPaid, FieldKey::CreditScore])));
		assert_ok!(grant_of(usual_scope(), DisclosureLevel::RuleAnswersOnly));
	});
}

#[test]
fn validity_ends_after_the_grant_and_within_the_maximum() {
	new_test_ext().execute_with(|| {
		run_to_block(10);
		let grant_until = |expires_at: u64| {
			Consent::grant_consent(
				RuntimeOrigin::signed(ACME_CO),
				BANK,
				Purpose::CreditAssessment,
				usual_scope(),
				DisclosureLevel::WholeRecords,
				expires_at,
				NOTICE,
			)
		};
		assert_noop!(grant_until(9), Error::<Test>::ExpiryNotInFuture);
		assert_noop!(grant_until(10), Error::<Test>::ExpiryNotInFuture);
		assert_noop!(grant_until(10 + MAX_VALIDITY + 1), Error::<Test>::ValidityTooLong);
		assert_ok!(grant_until(10 + MAX_VALIDITY));
		assert_ok!(grant_until(11));
	});
}

#[test]
fn active_consents_between_an_enterprise_and_a_bank_are_capped() {
	new_test_ext().execute_with(|| {
		for _ in 0..MAX_ACTIVE {
			grant();
		}
		let another = || {
			Consent::grant_consent(
				RuntimeOrigin::signed(ACME_CFO),
				BANK,
				Purpose::PostLoanMonitoring,
				usual_scope(),
				DisclosureLevel::WholeRecords,
				EXPIRES,
				NOTICE,
			)
		};
		assert_noop!(another(), Error::<Test>::TooManyActiveConsents);
		// Another bank, or another enterprise, is another pair.
		grant_with(
			ACME_CO,
			OTHER_BANK,
			Purpose::CreditAssessment,
			DisclosureLevel::WholeRecords,
			EXPIRES,
		);
		grant_with(
			BETA_CO,
			BANK,
			Purpose::CreditAssessment,
			DisclosureLevel::WholeRecords,
			EXPIRES,
		);
		// A withdrawn consent no longer counts.
		assert_ok!(Consent::withdraw_consent(RuntimeOrigin::signed(ACME_CO), 0));
		assert_ok!(another());
	});
}

#[test]
fn the_enterprise_withdraws_at_once_and_its_envelopes_leave_state() {
	new_test_ext().execute_with(|| {
		let id = grant();
		let (a, b) = (summary(2023), summary(2024));
		deliver(id, a);
		deliver(id, b);
		assert_eq!(Consents::<Test>::get(id).unwrap().envelopes, 2);
		assert_eq!(active_for(a), Some(id));
		run_to_block(5);
		// Any controller of the enterprise may withdraw, not only the one that granted.
		assert_ok!(Consent::withdraw_consent(RuntimeOrigin::signed(ACME_CFO), id));
		System::assert_last_event(
			Event::ConsentWithdrawn { consent: id, party: Party::Enterprise, envelopes_removed: 2 }
				.into(),
		);
		assert_eq!(state(id), ConsentState::Withdrawn { party: Party::Enterprise, at: 5 });
		let consent = Consents::<Test>::get(id).unwrap();
		assert_eq!(
			consent.withdrawal,
			Some(Withdrawal { party: Party::Enterprise, by: ACME_CFO, at: 5 })
		);
		assert_eq!(consent.envelopes, 0);
		assert_eq!(Envelopes::<Test>::iter_prefix(id).count(), 0);
		assert!(!InForceWithBank::<Test>::get((acme(), BANK)).contains(&id));
		assert!(!ExpiringAt::<Test>::contains_key(EXPIRES, id));
		assert_eq!(active_for(a), None);
		assert_eq!(Consent::envelope(id, a), None);
		// The consent itself stays, for the audit trail.
		assert_eq!(Consent::consents_of(&acme(), &Page::default()).0.len(), 1);
	});
}

#[test]
fn the_bank_gives_a_consent_up() {
	new_test_ext().execute_with(|| {
		let id = grant();
		deliver(id, summary(2023));
		assert_noop!(
			Consent::give_up_consent(RuntimeOrigin::signed(OTHER_BANK), id),
			Error::<Test>::NotConsentHolder
		);
		assert_noop!(
			Consent::give_up_consent(RuntimeOrigin::signed(ACME_CO), id),
			Error::<Test>::NotConsentHolder
		);
		assert_ok!(Consent::give_up_consent(RuntimeOrigin::signed(BANK), id));
		System::assert_last_event(
			Event::ConsentWithdrawn { consent: id, party: Party::Bank, envelopes_removed: 1 }
				.into(),
		);
		assert_eq!(state(id), ConsentState::Withdrawn { party: Party::Bank, at: 1 });
		assert_eq!(Envelopes::<Test>::iter_prefix(id).count(), 0);
	});
}

#[test]
fn withdrawal_is_refused_to_others_and_once_ended() {
	new_test_ext().execute_with(|| {
		let id = grant();
		let expiring = grant_with(
			ACME_CO,
			OTHER_BANK,
			Purpose::CreditAssessment,
			DisclosureLevel::WholeRecords,
			3,
		);
		assert_noop!(
			Consent::withdraw_consent(RuntimeOrigin::signed(ACME_CO), 99),
			Error::<Test>::UnknownConsent
		);
		assert_noop!(
			Consent::withdraw_consent(RuntimeOrigin::signed(BETA_CO), id),
			Error::<Test>::NotConsentingEnterprise
		);
		assert_noop!(
			Consent::withdraw_consent(RuntimeOrigin::signed(BANK), id),
			Error::<Test>::NotConsentingEnterprise
		);
		assert_ok!(Consent::withdraw_consent(RuntimeOrigin::signed(ACME_CO), id));
		assert_noop!(
			Consent::withdraw_consent(RuntimeOrigin::signed(ACME_CO), id),
			Error::<Test>::ConsentWithdrawn
		);
		assert_noop!(
			Consent::give_up_consent(RuntimeOrigin::signed(BANK), id),
			Error::<Test>::ConsentWithdrawn
		);
		run_to_block(3);
		assert_noop!(
			Consent::withdraw_consent(RuntimeOrigin::signed(ACME_CO), expiring),
			Error::<Test>::ConsentExpired
		);
		assert_noop!(
			Consent::give_up_consent(RuntimeOrigin::signed(OTHER_BANK), expiring),
			Error::<Test>::ConsentExpired
		);
	});
}

#[test]
fn the_tax_authority_delivers_envelopes_under_an_active_consent() {
	new_test_ext().execute_with(|| {
		let id = grant();
		let record = summary(2024);
		deliver(id, record);
		System::assert_last_event(
			Event::EnvelopeDelivered { consent: id, bank: BANK, record }.into(),
		);
		let delivery = Consent::envelope(id, record).expect("delivered");
		assert_eq!(delivery.envelope.to_vec(), envelope_for(record));
		assert_eq!(delivery.recipient_key, key_of(BANK));
		assert_eq!((delivery.delivered_by, delivery.delivered_at), (TAX_AUTHORITY, 1));
		assert_eq!(Consents::<Test>::get(id).unwrap().envelopes, 1);

		// After the bank rotates its key, delivering again replaces the envelope.
		set_key(BANK, [0x42; 32]);
		run_to_block(2);
		assert_ok!(Consent::deliver_envelope(
			RuntimeOrigin::signed(TAX_AUTHORITY),
			id,
			BANK,
			record,
			privacy::unopenable_envelope(RecordKind::AnnualSummary, &[0x42]),
		));
		let delivery = Consent::envelope(id, record).unwrap();
		assert_eq!(delivery.recipient_key, [0x42; 32]);
		assert_eq!(delivery.envelope[1], 0x42, "the new envelope");
		assert_eq!(Consents::<Test>::get(id).unwrap().envelopes, 1);
	});
}

#[test]
fn delivery_is_refused_outside_an_active_consent() {
	new_test_ext().execute_with(|| {
		let id = grant();
		let record = summary(2024);
		let deliver_as = |who: AccountId, consent: ConsentId, bank: AccountId| {
			Consent::deliver_envelope(
				RuntimeOrigin::signed(who),
				consent,
				bank,
				record,
				envelope_for(record),
			)
		};
		assert_noop!(deliver_as(BANK, id, BANK), Error::<Test>::NotTaxAuthority);
		assert_noop!(deliver_as(REGULATOR, id, BANK), Error::<Test>::NotTaxAuthority);
		assert_noop!(deliver_as(TAX_AUTHORITY, 99, BANK), Error::<Test>::UnknownConsent);
		// A bank without consent gets nothing, whatever consent number is named.
		assert_noop!(deliver_as(TAX_AUTHORITY, id, OTHER_BANK), Error::<Test>::BankNotConsented);

		let rules_only = grant_with(
			ACME_CO,
			BANK,
			Purpose::CreditAssessment,
			DisclosureLevel::RuleAnswersOnly,
			EXPIRES,
		);
		assert_noop!(
			deliver_as(TAX_AUTHORITY, rules_only, BANK),
			Error::<Test>::NoFiguresUnderConsent
		);

		let short = grant_with(
			ACME_CO,
			OTHER_BANK,
			Purpose::CreditAssessment,
			DisclosureLevel::WholeRecords,
			4,
		);
		run_to_block(4);
		assert_noop!(deliver_as(TAX_AUTHORITY, short, OTHER_BANK), Error::<Test>::ConsentExpired);

		suspend(BANK);
		assert_noop!(deliver_as(TAX_AUTHORITY, id, BANK), Error::<Test>::BankNotActive);
	});
}

#[test]
fn delivery_is_refused_after_withdrawal() {
	new_test_ext().execute_with(|| {
		let id = grant();
		let record = summary(2024);
		assert_ok!(Consent::withdraw_consent(RuntimeOrigin::signed(ACME_CO), id));
		assert_noop!(
			Consent::deliver_envelope(
				RuntimeOrigin::signed(TAX_AUTHORITY),
				id,
				BANK,
				record,
				envelope_for(record)
			),
			Error::<Test>::ConsentWithdrawn
		);
	});
}

#[test]
fn delivery_is_only_for_current_records_in_scope() {
	new_test_ext().execute_with(|| {
		let id = grant();
		let deliver_for = |record: RecordId| {
			Consent::deliver_envelope(
				RuntimeOrigin::signed(TAX_AUTHORITY),
				id,
				BANK,
				record,
				envelope_for(record),
			)
		};
		assert_noop!(deliver_for(99), Error::<Test>::UnknownRecord);
		let betas = add_record(beta(), Period::Year(2024), RecordKind::AnnualSummary);
		assert_noop!(deliver_for(betas), Error::<Test>::RecordOfAnotherEnterprise);
		let too_old = summary(2022);
		assert_noop!(deliver_for(too_old), Error::<Test>::RecordOutOfScope);
		let other_kind = add_record(acme(), Period::Year(2024), RecordKind::FilingCompliance);
		assert_noop!(deliver_for(other_kind), Error::<Test>::RecordOutOfScope);
		let amended = summary(2024);
		supersede(amended);
		assert_noop!(deliver_for(amended), Error::<Test>::RecordNotCurrent);
		let quarter =
			add_record(acme(), Period::Quarter { year: 2025, quarter: 4 }, RecordKind::VatReturn);
		assert_ok!(deliver_for(quarter));
	});
}

#[test]
fn envelopes_are_checked_for_form_and_counted() {
	new_test_ext().execute_with(|| {
		let id = grant();
		let deliver_bytes = |record: RecordId, bytes: Vec<u8>| {
			Consent::deliver_envelope(RuntimeOrigin::signed(TAX_AUTHORITY), id, BANK, record, bytes)
		};
		// A record of the first format takes envelopes of that format, of any length in bounds.
		let old = add_v1_record(acme(), Period::Year(2025), RecordKind::AnnualSummary);
		assert_noop!(deliver_bytes(old, vec![]), Error::<Test>::MalformedEnvelope);
		assert_noop!(
			deliver_bytes(old, v1_envelope(MIN_ENVELOPE_LEN as usize - 1)),
			Error::<Test>::MalformedEnvelope
		);
		assert_noop!(
			deliver_bytes(old, v1_envelope(MAX_ENVELOPE_LEN as usize + 1)),
			Error::<Test>::EnvelopeTooLong
		);
		assert_noop!(deliver_bytes(old, envelope_for(old)), Error::<Test>::MalformedEnvelope);
		assert_ok!(deliver_bytes(old, v1_envelope(MIN_ENVELOPE_LEN as usize)));
		assert_ok!(deliver_bytes(old, v1_envelope(MAX_ENVELOPE_LEN as usize)));

		// A record of format version 2 takes its own version, at the one length of its kind.
		let record = summary(2023);
		let mut wrong_version = envelope_for(record);
		wrong_version[0] = FORMAT_VERSION + 1;
		assert_noop!(deliver_bytes(record, wrong_version), Error::<Test>::MalformedEnvelope);
		assert_noop!(deliver_bytes(record, v1_envelope(120)), Error::<Test>::MalformedEnvelope);
		let mut longer = envelope_for(record);
		longer.push(0);
		assert_noop!(deliver_bytes(record, longer), Error::<Test>::EnvelopeLengthNotOfKind);
		let vat = privacy::unopenable_envelope(RecordKind::VatReturn, &[]);
		assert_noop!(deliver_bytes(record, vat), Error::<Test>::EnvelopeLengthNotOfKind);
		assert_ok!(deliver_bytes(record, envelope_for(record)));

		let more: Vec<RecordId> = (1..=12)
			.map(|month| {
				add_record(acme(), Period::Month { year: 2024, month }, RecordKind::VatReturn)
			})
			.collect();
		for record in &more[..(MAX_ENVELOPES - 2) as usize] {
			deliver(id, *record);
		}
		let last = more[(MAX_ENVELOPES - 2) as usize];
		assert_noop!(deliver_bytes(last, envelope_for(last)), Error::<Test>::TooManyEnvelopes);
		// Replacing one already delivered is still allowed.
		assert_ok!(deliver_bytes(more[0], envelope_for(more[0])));
	});
}

#[test]
fn the_bank_records_each_use_and_the_log_keeps_the_latest() {
	new_test_ext().execute_with(|| {
		let id = grant();
		let (a, b) = (summary(2023), summary(2024));
		use_record(id, a);
		System::assert_last_event(
			Event::AccessRecorded {
				consent: id,
				bank: BANK,
				record: a,
				purpose: Purpose::CreditAssessment,
				number: 1,
			}
			.into(),
		);
		run_to_block(2);
		use_record(id, b);
		let (consent, _, log) = Consent::consent(id).unwrap();
		assert_eq!(consent.uses, 2);
		assert_eq!(
			log.to_vec(),
			vec![
				Access { number: 1, record: a, purpose: Purpose::CreditAssessment, at: 1 },
				Access { number: 2, record: b, purpose: Purpose::CreditAssessment, at: 2 },
			]
		);
		// Past the cap, the oldest use leaves the log; the count keeps counting.
		for _ in 0..MAX_LOG {
			use_record(id, a);
		}
		let (consent, _, log) = Consent::consent(id).unwrap();
		assert_eq!(consent.uses, 2 + MAX_LOG);
		assert_eq!(log.len(), MAX_LOG as usize);
		assert_eq!(log.iter().map(|a| a.number).collect::<Vec<_>>(), vec![3, 4, 5]);
	});
}

#[test]
fn a_use_outside_an_active_consent_is_refused() {
	new_test_ext().execute_with(|| {
		let id = grant();
		let record = summary(2024);
		let use_as = |who: AccountId, consent: ConsentId, record: RecordId, purpose: Purpose| {
			Consent::record_access(RuntimeOrigin::signed(who), consent, record, purpose)
		};
		let credit = Purpose::CreditAssessment;
		assert_noop!(use_as(BANK, 99, record, credit), Error::<Test>::UnknownConsent);
		assert_noop!(use_as(OTHER_BANK, id, record, credit), Error::<Test>::NotConsentHolder);
		assert_noop!(use_as(ACME_CO, id, record, credit), Error::<Test>::NotConsentHolder);
		assert_noop!(
			use_as(BANK, id, record, Purpose::PostLoanMonitoring),
			Error::<Test>::PurposeNotConsented
		);
		assert_noop!(use_as(BANK, id, 99, credit), Error::<Test>::UnknownRecord);
		let betas = add_record(beta(), Period::Year(2024), RecordKind::AnnualSummary);
		assert_noop!(use_as(BANK, id, betas, credit), Error::<Test>::RecordOfAnotherEnterprise);
		let out = add_record(acme(), Period::Year(2024), RecordKind::IncomeTaxReturn);
		assert_noop!(use_as(BANK, id, out, credit), Error::<Test>::RecordOutOfScope);

		assert_ok!(Consent::withdraw_consent(RuntimeOrigin::signed(ACME_CO), id));
		assert_noop!(use_as(BANK, id, record, credit), Error::<Test>::ConsentWithdrawn);

		let short = grant_with(ACME_CO, BANK, credit, DisclosureLevel::WholeRecords, 3);
		use_record(short, record);
		run_to_block(3);
		assert_noop!(use_as(BANK, short, record, credit), Error::<Test>::ConsentExpired);
		// Withdrawal does not undo lawful use before it: the log stays.
		assert_eq!(Consent::consent(short).unwrap().2.len(), 1);
	});
}

#[test]
fn a_consent_expires_at_its_end_without_any_call() {
	new_test_ext().execute_with(|| {
		let id =
			grant_with(ACME_CO, BANK, Purpose::CreditAssessment, DisclosureLevel::WholeRecords, 20);
		let record = summary(2024);
		deliver(id, record);
		// Before its end it works; the state is read from the block number alone.
		System::set_block_number(19);
		assert_eq!(state(id), ConsentState::Active);
		assert_eq!(active_for(record), Some(id));
		System::set_block_number(20);
		assert_eq!(state(id), ConsentState::Expired { at: 20 });
		assert_eq!(active_for(record), None);
		assert_eq!(Consent::envelope(id, record), None);
		assert_eq!(
			Consent::consents_held(&BANK, &Page::default()).0[0].2,
			ConsentState::Expired { at: 20 }
		);
		// The envelope is still in state until the block-start hook of block 20 runs.
		assert!(Envelopes::<Test>::contains_key(id, record));
		System::set_block_number(1);
		run_to_block(20);
		assert!(!Envelopes::<Test>::contains_key(id, record));
		assert!(!InForceWithBank::<Test>::get((acme(), BANK)).contains(&id));
		assert!(!ExpiringAt::<Test>::contains_key(20, id));
		assert_eq!(Consents::<Test>::get(id).unwrap().envelopes, 0);
		System::assert_has_event(Event::ConsentExpired { consent: id }.into());
		assert_eq!(ExpiryCursor::<Test>::get(), 21);
	});
}

#[test]
fn the_expiry_hook_keeps_to_its_budget_and_catches_up() {
	new_test_ext().execute_with(|| {
		// Three consents ending together, with 3, 2 and 0 envelopes: 5 to purge, 3 per block.
		let ids: Vec<ConsentId> = [ACME_CO, BETA_CO, ACME_CFO]
			.iter()
			.zip([BANK, BANK, OTHER_BANK])
			.map(|(by, bank)| {
				grant_with(*by, bank, Purpose::CreditAssessment, DisclosureLevel::WholeRecords, 10)
			})
			.collect();
		for year in 2023..=2025 {
			deliver(ids[0], summary(year));
		}
		for year in 2023..=2024 {
			let record = add_record(beta(), Period::Year(year), RecordKind::AnnualSummary);
			assert_ok!(Consent::deliver_envelope(
				RuntimeOrigin::signed(TAX_AUTHORITY),
				ids[1],
				BANK,
				record,
				envelope_for(record),
			));
		}
		let in_state = || Envelopes::<Test>::iter().count();
		let closed = || ids.iter().filter(|id| !ExpiringAt::<Test>::contains_key(10, **id)).count();
		assert_eq!(in_state(), 5);
		run_to_block(10);
		// Which consent goes first depends on storage order; the bounds hold for any.
		assert!(5 - in_state() <= MAX_PURGE as usize, "at most MaxPurgePerBlock envelopes a block");
		assert!(in_state() < 5);
		assert!(closed() <= MAX_EXPIRIES as usize, "at most MaxExpiriesPerBlock consents a block");
		assert_eq!(ExpiryCursor::<Test>::get(), 10, "the cursor waits for block 10's expiries");
		run_to_block(11);
		assert_eq!(in_state(), 0);
		assert_eq!(closed(), 3);
		assert_eq!(ExpiryCursor::<Test>::get(), 12);
		for id in &ids {
			System::assert_has_event(Event::ConsentExpired { consent: *id }.into());
			assert_eq!(Consents::<Test>::get(id).unwrap().envelopes, 0);
		}
	});
}

#[test]
fn consent_check_answers_for_purpose_bank_scope_and_time() {
	new_test_ext().execute_with(|| {
		let id = grant_with(
			ACME_CO,
			BANK,
			Purpose::CreditAssessment,
			DisclosureLevel::RuleAnswersOnly,
			30,
		);
		let record = summary(2024);
		let check = |enterprise, bank, purpose, record| {
			<Consent as ConsentCheck<AccountId>>::active_consent(
				&enterprise,
				&bank,
				purpose,
				record,
			)
		};
		assert_eq!(check(acme(), BANK, Purpose::CreditAssessment, record), Some(id));
		assert_eq!(check(acme(), OTHER_BANK, Purpose::CreditAssessment, record), None);
		assert_eq!(check(acme(), BANK, Purpose::PostLoanMonitoring, record), None);
		assert_eq!(check(beta(), BANK, Purpose::CreditAssessment, record), None);
		assert_eq!(check(acme(), BANK, Purpose::CreditAssessment, summary(2021)), None);
		assert_eq!(check(acme(), BANK, Purpose::CreditAssessment, 99), None);
		let monitoring = grant_with(
			ACME_CO,
			BANK,
			Purpose::PostLoanMonitoring,
			DisclosureLevel::WholeRecords,
			40,
		);
		assert_eq!(check(acme(), BANK, Purpose::PostLoanMonitoring, record), Some(monitoring));
		run_to_block(30);
		assert_eq!(check(acme(), BANK, Purpose::CreditAssessment, record), None);
		assert_ok!(Consent::withdraw_consent(RuntimeOrigin::signed(ACME_CO), monitoring));
		assert_eq!(check(acme(), BANK, Purpose::PostLoanMonitoring, record), None);
	});
}

#[test]
fn reads_list_consents_with_their_state() {
	new_test_ext().execute_with(|| {
		let a = grant();
		let b = grant_with(
			ACME_CO,
			OTHER_BANK,
			Purpose::CreditAssessment,
			DisclosureLevel::WholeRecords,
			5,
		);
		let c = grant_with(
			BETA_CO,
			BANK,
			Purpose::PostLoanMonitoring,
			DisclosureLevel::WholeRecords,
			EXPIRES,
		);
		assert_ok!(Consent::give_up_consent(RuntimeOrigin::signed(BANK), c));
		run_to_block(6);
		let states = |list: Vec<(ConsentId, ConsentOf<Test>, ConsentState<u64>)>| {
			list.into_iter().map(|(id, _, state)| (id, state)).collect::<Vec<_>>()
		};
		assert_eq!(
			states(Consent::consents_of(&acme(), &Page::default()).0),
			vec![(a, ConsentState::Active), (b, ConsentState::Expired { at: 5 })]
		);
		assert_eq!(
			states(Consent::consents_held(&BANK, &Page::default()).0),
			vec![
				(a, ConsentState::Active),
				(c, ConsentState::Withdrawn { party: Party::Bank, at: 1 })
			]
		);
		assert_eq!(Consent::consent(99), None);
	});
}

#[test]
fn under_chosen_fields_the_bank_opens_only_those_fields_and_checks_them() {
	use banktax_primitives::privacy::{
		open_envelope, seal_envelope, seal_record, EncryptionSecret, EnvelopeContent, Field,
		RecordHeader, TaxRecord, SCHEMA_VERSION,
	};
	use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};

	new_test_ext().execute_with(|| {
		let mut rng = ChaCha20Rng::from_seed([3; 32]);
		let bank_secret = EncryptionSecret::generate(&mut rng);
		set_key(BANK, bank_secret.public());
		let header = RecordHeader {
			schema_version: SCHEMA_VERSION,
			enterprise: acme(),
			period: Period::Year(2024),
			kind: RecordKind::AnnualSummary,
			rating: Some(banktax_primitives::Rating::A),
		};
		let fields = FieldKey::catalogue(RecordKind::AnnualSummary).iter().map(|&key| {
			let value = match key {
				FieldKey::Revenue => 1_200_000_000,
				FieldKey::TaxPaid => 48_000_000,
				FieldKey::CreditScore => 95,
				_ => 0,
			};
			Field { key, value }
		});
		let record = TaxRecord::new(header, fields.collect()).unwrap();
		let sealed = seal_record(record, &mut rng).unwrap();
		let record = add_record_with(
			acme(),
			Period::Year(2024),
			RecordKind::AnnualSummary,
			sealed.commitment,
		);
		let id = grant_with(
			ACME_CO,
			BANK,
			Purpose::CreditAssessment,
			chosen(&[FieldKey::TaxPaid]),
			EXPIRES,
		);

		// The tax authority reads the consent's level and seals only the chosen fields.
		let DisclosureLevel::ChosenFields(keys) = Consents::<Test>::get(id).unwrap().disclosure
		else {
			panic!("granted with chosen fields")
		};
		let disclosed = sealed.opening.disclose(&keys).unwrap();
		let key =
			Consent::consent(id).map(|(c, ..)| c.bank).and_then(|bank| {
				<TestInstitutions as banktax_primitives::InstitutionInspect<AccountId>>::encryption_key(&bank)
			});
		let bytes = seal_envelope(
			&key.unwrap(),
			&header,
			&sealed.commitment,
			&EnvelopeContent::Fields(disclosed),
			&mut rng,
		)
		.unwrap();
		assert_ok!(Consent::deliver_envelope(
			RuntimeOrigin::signed(TAX_AUTHORITY),
			id,
			BANK,
			record,
			bytes
		));

		// The bank takes the envelope from state and the commitment from the record.
		let delivery = Consent::envelope(id, record).unwrap();
		let commitment =
			<TestRecords as banktax_primitives::RecordInspect>::record(record).unwrap().commitment;
		let content =
			open_envelope(&bank_secret, &commitment, &header, &delivery.envelope).unwrap();
		let EnvelopeContent::Fields(fields) = content else { panic!("fields, not the data key") };
		assert_eq!(fields.fields(), [Field { key: FieldKey::TaxPaid, value: 48_000_000 }]);
		// Another bank's key opens nothing; a proof checked against another record fails.
		assert!(open_envelope(
			&EncryptionSecret::generate(&mut rng),
			&commitment,
			&header,
			&delivery.envelope
		)
		.is_err());
		assert!(open_envelope(&bank_secret, &[0; 32], &header, &delivery.envelope).is_err());
	});
}

#[test]
fn deregistration_ends_every_consent_in_force_and_its_envelopes_leave_state() {
	use banktax_primitives::EndConsents;
	new_test_ext().execute_with(|| {
		let first = grant();
		let second = grant_with(
			ACME_CO,
			OTHER_BANK,
			Purpose::PostLoanMonitoring,
			DisclosureLevel::WholeRecords,
			EXPIRES,
		);
		let withdrawn = grant();
		assert_ok!(Consent::withdraw_consent(RuntimeOrigin::signed(ACME_CO), withdrawn));
		let record = summary(2024);
		deliver(first, record);
		run_to_block(5);

		assert_eq!(
			<Consent as EndConsents<AccountId>>::end_consents_of(&acme(), &TAX_AUTHORITY),
			2
		);

		for id in [first, second] {
			assert_eq!(state(id), ConsentState::Withdrawn { party: Party::Deregistration, at: 5 });
			System::assert_has_event(
				Event::ConsentWithdrawn {
					consent: id,
					party: Party::Deregistration,
					envelopes_removed: 0,
				}
				.into(),
			);
		}
		assert_eq!(
			Consents::<Test>::get(withdrawn).and_then(|c| c.withdrawal).map(|w| w.party),
			Some(Party::Enterprise),
			"an ended consent keeps how it ended"
		);
		assert_eq!(active_for(record), None);
		assert_eq!(Consent::envelope(first, record), None);
		// The next block's hook takes its envelopes out of state and the consents off the
		// indexes, without calling them expired.
		run_to_block(6);
		assert_eq!(Envelopes::<Test>::iter_prefix(first).count(), 0);
		assert_eq!(InForce::<Test>::iter_prefix(acme()).count(), 0);
		assert!(!crate::InForceCount::<Test>::contains_key(acme()), "the count leaves with them");
		assert!(!InForceWithBank::<Test>::get((acme(), BANK)).contains(&first));
		assert!(!System::events()
			.iter()
			.any(|e| matches!(e.event, RuntimeEvent::Consent(Event::ConsentExpired { .. }))));
	});
}

#[test]
fn an_enterprise_has_at_most_max_in_force_consents() {
	new_test_ext().execute_with(|| {
		for n in 0..MAX_IN_FORCE {
			let purpose =
				if n % 2 == 0 { Purpose::CreditAssessment } else { Purpose::PostLoanMonitoring };
			let bank = if n < MAX_ACTIVE { BANK } else { OTHER_BANK };
			grant_with(ACME_CO, bank, purpose, DisclosureLevel::WholeRecords, EXPIRES);
		}
		assert_noop!(
			Consent::grant_consent(
				RuntimeOrigin::signed(ACME_CO),
				OTHER_BANK,
				Purpose::CreditAssessment,
				usual_scope(),
				DisclosureLevel::WholeRecords,
				EXPIRES,
				NOTICE,
			),
			Error::<Test>::TooManyConsentsInForce
		);
	});
}

#[test]
fn version_1_indexes_the_consents_in_force_by_enterprise() {
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	new_test_ext().execute_with(|| {
		let kept = grant();
		let gone = grant();
		assert_ok!(Consent::withdraw_consent(RuntimeOrigin::signed(ACME_CO), gone));
		let _ = InForce::<Test>::clear(u32::MAX, None);
		let _ = crate::InForceCount::<Test>::clear(u32::MAX, None);
		// As version 0 kept the consents in force: by (enterprise, bank) only.
		crate::migrations::v3::v2::Standing::<Test>::insert((acme(), BANK), kept, ());
		StorageVersion::new(0).put::<crate::Pallet<Test>>();

		crate::migrations::v1::MigrateToV1::<Test>::on_runtime_upgrade();

		assert_eq!(InForce::<Test>::iter_key_prefix(acme()).collect::<Vec<_>>(), vec![kept]);
		assert_eq!(crate::InForceCount::<Test>::get(acme()), 1);
		assert_eq!(crate::Pallet::<Test>::on_chain_storage_version(), StorageVersion::new(1));
	});
}

#[test]
fn a_banks_consents_read_a_page_at_a_time_in_order_of_grant() {
	new_test_ext().execute_with(|| {
		let mut granted = Vec::new();
		for _ in 0..3 {
			let id = grant();
			assert_ok!(Consent::withdraw_consent(RuntimeOrigin::signed(ACME_CO), id));
			granted.push(id);
		}
		granted.push(grant_with(
			ACME_CO,
			OTHER_BANK,
			Purpose::CreditAssessment,
			DisclosureLevel::WholeRecords,
			EXPIRES,
		));
		granted.push(grant());
		let ids = |(page, next): crate::ConsentPage<Test>| {
			(page.into_iter().map(|(id, ..)| id).collect::<Vec<_>>(), next)
		};
		let held = |from, limit| ids(Consent::consents_held(&BANK, &Page { from, limit }));
		assert_eq!(held(0, 2), (vec![granted[0], granted[1]], Some(granted[2])));
		assert_eq!(held(granted[2], 2), (vec![granted[2], granted[4]], None));
		assert_eq!(held(granted[4] + 1, 2), (vec![], None));
		let of = ids(Consent::consents_of(&acme(), &Page { from: granted[1], limit: 3 }));
		assert_eq!(of, (granted[1..4].to_vec(), Some(granted[4])));
	});
}

#[test]
fn a_banks_tally_counts_its_consents_in_force_and_its_uses() {
	new_test_ext().execute_with(|| {
		let record = summary(2024);
		let withdrawn = grant();
		let expiring =
			grant_with(ACME_CO, BANK, Purpose::CreditAssessment, DisclosureLevel::WholeRecords, 20);
		let kept = grant();
		assert_eq!(Consent::bank_tally(&BANK), BankTally { consents_in_force: 3, uses: 0 });
		use_record(kept, record);
		use_record(kept, record);
		use_record(withdrawn, record);
		assert_ok!(Consent::withdraw_consent(RuntimeOrigin::signed(ACME_CO), withdrawn));
		assert_eq!(Consent::bank_tally(&BANK), BankTally { consents_in_force: 2, uses: 3 });
		run_to_block(21);
		assert_eq!(state(expiring), ConsentState::Expired { at: 20 });
		assert_eq!(Consent::bank_tally(&BANK), BankTally { consents_in_force: 1, uses: 3 });
		assert_eq!(Consent::bank_tally(&OTHER_BANK), BankTally::default());
	});
}

#[test]
fn version_2_keeps_every_consent_in_order_and_counts_the_banks_tallies() {
	use codec::Encode;
	use frame_support::{
		storage::unhashed,
		traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
		Blake2_128Concat, StorageHasher, StoragePrefixedMap, Twox64Concat,
	};
	new_test_ext().execute_with(|| {
		let record = summary(2024);
		let ended = grant();
		use_record(ended, record);
		assert_ok!(Consent::withdraw_consent(RuntimeOrigin::signed(ACME_CO), ended));
		let kept = grant();
		use_record(kept, record);
		let other = grant_with(
			ACME_CO,
			OTHER_BANK,
			Purpose::CreditAssessment,
			DisclosureLevel::WholeRecords,
			EXPIRES,
		);
		let tallies: Vec<_> = [BANK, OTHER_BANK].map(|b| Consent::bank_tally(&b)).to_vec();
		// As version 1 kept them: each number under its hash, and no tallies.
		let old_key = |prefix: [u8; 32], first: Vec<u8>, id: ConsentId| {
			[&prefix[..], &Blake2_128Concat::hash(&first), &Twox64Concat::hash(&id.encode())]
				.concat()
		};
		let _ = crate::ConsentsOf::<Test>::clear(u32::MAX, None);
		let _ = crate::ConsentsHeld::<Test>::clear(u32::MAX, None);
		let _ = BankTallies::<Test>::clear(u32::MAX, None);
		for (bank, id) in [(BANK, ended), (BANK, kept), (OTHER_BANK, other)] {
			let of = crate::ConsentsOf::<Test>::final_prefix();
			unhashed::put(&old_key(of, acme().encode(), id), &());
			let held = crate::ConsentsHeld::<Test>::final_prefix();
			unhashed::put(&old_key(held, bank.encode(), id), &());
		}
		StorageVersion::new(1).put::<crate::Pallet<Test>>();

		crate::migrations::v2::MigrateToV2::<Test>::on_runtime_upgrade();

		let ids = |(page, _): crate::ConsentPage<Test>| {
			page.into_iter().map(|(id, ..)| id).collect::<Vec<_>>()
		};
		assert_eq!(ids(Consent::consents_of(&acme(), &Page::default())), vec![ended, kept, other]);
		assert_eq!(ids(Consent::consents_held(&BANK, &Page::default())), vec![ended, kept]);
		assert_eq!(ids(Consent::consents_held(&OTHER_BANK, &Page::default())), vec![other]);
		assert_eq!(
			crate::ConsentsHeld::<Test>::iter_keys().count(),
			3,
			"no entry of the old layout"
		);
		assert_eq!([BANK, OTHER_BANK].map(|b| Consent::bank_tally(&b)).to_vec(), tallies);
		assert_eq!(tallies[0], BankTally { consents_in_force: 1, uses: 2 });
		assert_eq!(crate::Pallet::<Test>::on_chain_storage_version(), StorageVersion::new(2));
	});
}

#[test]
fn the_invariants_catch_state_that_went_wrong() {
	new_test_ext().execute_with(|| {
		let record = summary(2024);
		let id = grant();
		deliver(id, record);
		assert_eq!(Consent::do_try_state(), Ok(()));
		Consents::<Test>::mutate(id, |c| {
			if let Some(c) = c {
				c.envelopes = 2;
			}
		});
		assert!(Consent::do_try_state().is_err(), "an envelope count off by one");
		Consents::<Test>::mutate(id, |c| {
			if let Some(c) = c {
				c.envelopes = 1;
			}
		});
		BankTallies::<Test>::mutate(BANK, |t| t.uses += 1);
		assert!(Consent::do_try_state().is_err(), "a use the bank never recorded");
	});
}

#[test]
fn version_3_gathers_each_pairs_consents_in_force_into_one_entry() {
	use crate::migrations::v3::{in_force_with_banks, standing, v2::Standing, MigrateToV3};
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	new_test_ext().execute_with(|| {
		let first = grant();
		let withdrawn = grant();
		let third = grant();
		assert_ok!(Consent::withdraw_consent(RuntimeOrigin::signed(ACME_CO), withdrawn));
		let other = grant_with(
			ACME_CO,
			OTHER_BANK,
			Purpose::CreditAssessment,
			DisclosureLevel::WholeRecords,
			EXPIRES,
		);
		let expected = in_force_with_banks::<Test>();
		assert_eq!(
			expected.iter().map(|(_, id)| *id).collect::<Vec<_>>(),
			vec![first, third, other]
		);
		// As version 2 kept them: one entry per consent.
		let _ = InForceWithBank::<Test>::clear(u32::MAX, None);
		for ((enterprise, bank), id) in &expected {
			Standing::<Test>::insert((*enterprise, *bank), id, ());
		}
		assert_eq!(standing::<Test>(), expected);
		StorageVersion::new(2).put::<crate::Pallet<Test>>();

		MigrateToV3::<Test>::on_runtime_upgrade();

		assert_eq!(InForceWithBank::<Test>::get((acme(), BANK)).to_vec(), vec![first, third]);
		assert_eq!(InForceWithBank::<Test>::get((acme(), OTHER_BANK)).to_vec(), vec![other]);
		assert_eq!(in_force_with_banks::<Test>(), expected, "every consent in force, and no other");
		assert!(standing::<Test>().is_empty(), "no entry of the old layout");
		assert_eq!(Consent::do_try_state(), Ok(()));
		assert_eq!(crate::Pallet::<Test>::on_chain_storage_version(), StorageVersion::new(3));
		// The checks still find what they found: the consent for a record, the cap on a pair.
		let record = summary(2024);
		assert_eq!(active_for(record), Some(first));
	});
}
