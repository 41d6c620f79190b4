use crate::{mock::*, *};
use banktax_primitives::{
	privacy::{
		self, seal_record, Field, FieldKey, RecordHeader, SealedRecord, MAX_SEALED_RECORD_LEN,
		SCHEMA_VERSION,
	},
	EnterpriseInspect, Page, Period, Rating, RecordId, RecordInspect, RecordKind, Uscc,
};
use frame_support::{assert_noop, assert_ok, traits::ConstU32, BoundedVec};
use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};
use sp_runtime::{BuildStorage, DispatchError};

const CODE: &[u8; 18] = b"91350100M000100Y43";
const OTHER_CODE: &[u8; 18] = b"91110000600037341L";
/// `CODE` with its check character changed: a typo.
const TYPO: &[u8; 18] = b"91350100M000100Y44";

/// Figures no test data would contain by chance.
const REVENUE: u128 = 7_314_159_265;
const TAX_PAID: u128 = 271_828_182;

fn enterprise() -> Uscc {
	Uscc::parse(CODE).expect("a real code")
}

fn signed(who: AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

fn register(code: &[u8; 18], controllers: Vec<AccountId>) {
	assert_ok!(TaxRecords::register_enterprise(signed(TAX_AUTHORITY), *code, controllers));
}

fn rating_for(kind: RecordKind) -> Option<Rating> {
	kind.carries_rating().then_some(Rating::A)
}

/// A record sealed with the privacy codec, as the tax authority would submit it.
fn sealed(period: Period, kind: RecordKind, seed: u8) -> SealedRecord {
	let header = RecordHeader {
		schema_version: SCHEMA_VERSION,
		enterprise: enterprise(),
		period,
		kind,
		rating: rating_for(kind),
	};
	let fields = FieldKey::catalogue(kind).iter().map(|&key| {
		let value = match key {
			FieldKey::TaxPaid => TAX_PAID + seed as u128,
			FieldKey::Revenue => REVENUE,
			_ => 0,
		};
		Field { key, value }
	});
	let record =
		banktax_primitives::privacy::TaxRecord::new(header, fields.collect()).expect("canonical");
	seal_record(record, &mut ChaCha20Rng::from_seed([seed; 32])).expect("seals")
}

fn attestation(sealed: &SealedRecord) -> Attestation {
	Attestation {
		schema_version: SCHEMA_VERSION,
		rating: sealed.header.rating,
		commitment: sealed.commitment,
		ciphertext: sealed.ciphertext.clone(),
	}
}

fn summary(year: u16, seed: u8) -> (Period, RecordKind, Attestation) {
	let period = Period::Year(year);
	(
		period,
		RecordKind::AnnualSummary,
		attestation(&sealed(period, RecordKind::AnnualSummary, seed)),
	)
}

fn vat(month: u8, seed: u8) -> (Period, RecordKind, Attestation) {
	let period = Period::Month { year: 2025, month };
	(period, RecordKind::VatReturn, attestation(&sealed(period, RecordKind::VatReturn, seed)))
}

fn attest((period, kind, attestation): (Period, RecordKind, Attestation)) -> RecordId {
	let id = NextRecordId::<Test>::get();
	assert_ok!(TaxRecords::attest_record(signed(TAX_AUTHORITY), *CODE, period, kind, attestation));
	assert_eq!(TaxRecords::do_try_state(), Ok(()));
	id
}

fn last_event() -> Event<Test> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::TaxRecords(event) => Some(event),
			_ => None,
		})
		.next_back()
		.expect("an event")
}

fn status(id: RecordId) -> RecordStatus<AccountId, u64> {
	Records::<Test>::get(id).expect("stored").status
}

// ---- enterprises -------------------------------------------------------------------------

#[test]
fn a_tax_authority_registers_an_enterprise_with_its_controllers() {
	new_test_ext().execute_with(|| {
		register(CODE, vec![ALICE_CO, BOB_CO]);
		let entry = Enterprises::<Test>::get(enterprise()).expect("registered");
		assert_eq!(entry.controllers.to_vec(), vec![ALICE_CO, BOB_CO]);
		assert_eq!(entry.registered_by, TAX_AUTHORITY);
		assert_eq!(entry.status, EnterpriseStatus::Registered);
		assert_eq!(TaxRecords::enterprise_of(&ALICE_CO), Some(enterprise()));
		assert!(TaxRecords::is_registered(&enterprise()));
		assert!(
			TaxRecords::enterprise_of(&BOB_CO).is_some(),
			"controllers pass the membership check"
		);
		assert!(System::account_exists(&ALICE_CO), "a controller's account exists, to transact");
		assert!(TaxRecords::enterprise_of(&CAROL_CO).is_none());
		assert_eq!(
			last_event(),
			Event::EnterpriseRegistered { enterprise: enterprise(), by: TAX_AUTHORITY }
		);
	});
}

#[test]
fn only_an_active_tax_authority_registers() {
	new_test_ext().execute_with(|| {
		for who in [BANK, SUSPENDED_TAX_AUTHORITY, ALICE_CO] {
			assert_noop!(
				TaxRecords::register_enterprise(signed(who), *CODE, vec![ALICE_CO]),
				Error::<Test>::NotTaxAuthority
			);
		}
		assert_noop!(
			TaxRecords::register_enterprise(RuntimeOrigin::none(), *CODE, vec![ALICE_CO]),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn registration_refuses_bad_codes_and_controller_lists() {
	new_test_ext().execute_with(|| {
		let try_register = |code: &[u8; 18], controllers: Vec<AccountId>| {
			TaxRecords::register_enterprise(signed(TAX_AUTHORITY), *code, controllers)
		};
		assert_noop!(try_register(TYPO, vec![ALICE_CO]), Error::<Test>::InvalidUscc);
		assert_noop!(
			try_register(b"91350100m000100y43", vec![ALICE_CO]),
			Error::<Test>::InvalidUscc
		);
		assert_noop!(try_register(CODE, vec![]), Error::<Test>::NoControllers);
		assert_noop!(
			try_register(CODE, vec![1000, 1001, 1002, 1003]),
			Error::<Test>::TooManyControllers
		);
		assert_noop!(
			try_register(CODE, vec![ALICE_CO, ALICE_CO]),
			Error::<Test>::DuplicateController
		);
		register(CODE, vec![ALICE_CO]);
		assert_noop!(try_register(CODE, vec![BOB_CO]), Error::<Test>::AlreadyRegistered);
		assert_noop!(try_register(OTHER_CODE, vec![ALICE_CO]), Error::<Test>::ControllerInUse);
	});
}

#[test]
fn controllers_can_be_replaced() {
	new_test_ext().execute_with(|| {
		register(CODE, vec![ALICE_CO, BOB_CO]);
		assert_ok!(TaxRecords::set_controllers(
			signed(TAX_AUTHORITY),
			*CODE,
			vec![BOB_CO, CAROL_CO]
		));
		assert_eq!(
			Enterprises::<Test>::get(enterprise()).map(|e| e.controllers.to_vec()),
			Some(vec![BOB_CO, CAROL_CO])
		);
		assert!(TaxRecords::enterprise_of(&ALICE_CO).is_none(), "the old representative is out");
		assert_eq!(System::providers(&ALICE_CO), 1, "the old account stays, with its nonce");
		assert_eq!(System::providers(&BOB_CO), 1, "a kept controller is provided for once");
		assert_eq!(System::providers(&CAROL_CO), 1);
		assert_eq!(TaxRecords::enterprise_of(&CAROL_CO), Some(enterprise()));
		assert_eq!(last_event(), Event::ControllersChanged { enterprise: enterprise() });
	});
}

#[test]
fn a_controller_taken_out_and_put_back_keeps_its_nonce() {
	new_test_ext().execute_with(|| {
		register(CODE, vec![ALICE_CO, BOB_CO]);
		System::inc_account_nonce(ALICE_CO);
		assert_ok!(TaxRecords::set_controllers(signed(TAX_AUTHORITY), *CODE, vec![BOB_CO]));
		assert_ok!(TaxRecords::set_controllers(
			signed(TAX_AUTHORITY),
			*CODE,
			vec![BOB_CO, ALICE_CO]
		));
		assert_eq!(System::account_nonce(ALICE_CO), 1, "a replayed nonce 0 is stale");
		assert_eq!(System::providers(&ALICE_CO), 1, "provided for once");
	});
}

#[test]
fn controller_changes_refuse_bad_input() {
	new_test_ext().execute_with(|| {
		let set = |who, code: &[u8; 18], controllers: Vec<AccountId>| {
			TaxRecords::set_controllers(signed(who), *code, controllers)
		};
		assert_noop!(set(TAX_AUTHORITY, CODE, vec![ALICE_CO]), Error::<Test>::UnknownEnterprise);
		register(CODE, vec![ALICE_CO]);
		register(OTHER_CODE, vec![BOB_CO]);
		assert_noop!(set(BANK, CODE, vec![CAROL_CO]), Error::<Test>::NotTaxAuthority);
		assert_noop!(set(TAX_AUTHORITY, TYPO, vec![CAROL_CO]), Error::<Test>::InvalidUscc);
		assert_noop!(set(TAX_AUTHORITY, CODE, vec![]), Error::<Test>::NoControllers);
		assert_noop!(set(TAX_AUTHORITY, CODE, vec![BOB_CO]), Error::<Test>::ControllerInUse);
		assert_noop!(
			set(TAX_AUTHORITY, CODE, vec![CAROL_CO, CAROL_CO]),
			Error::<Test>::DuplicateController
		);
		assert_ok!(TaxRecords::deregister_enterprise(signed(TAX_AUTHORITY), *CODE));
		assert_noop!(
			set(TAX_AUTHORITY, CODE, vec![CAROL_CO]),
			Error::<Test>::EnterpriseDeregistered
		);
	});
}

#[test]
fn deregistering_keeps_the_history_and_registering_again_restores_it() {
	new_test_ext().execute_with(|| {
		register(CODE, vec![ALICE_CO]);
		let record = attest(vat(1, 1));
		System::set_block_number(7);
		assert_ok!(TaxRecords::deregister_enterprise(signed(TAX_AUTHORITY), *CODE));
		assert_eq!(last_event(), Event::EnterpriseDeregistered { enterprise: enterprise() });
		let entry = Enterprises::<Test>::get(enterprise()).expect("kept");
		assert_eq!(entry.status, EnterpriseStatus::Deregistered { at: 7 });
		assert!(entry.controllers.is_empty());
		assert!(
			TaxRecords::enterprise_of(&ALICE_CO).is_none()
				&& !TaxRecords::is_registered(&enterprise())
		);
		assert_eq!(System::providers(&ALICE_CO), 1, "the account stays, with its nonce");
		assert_eq!(status(record), RecordStatus::Current, "records stay");
		assert_eq!(
			ENDED.with_borrow(|ended| ended.clone()),
			vec![(enterprise(), TAX_AUTHORITY)],
			"its consents end"
		);

		let (period, kind, attestation) = vat(2, 2);
		assert_noop!(
			TaxRecords::attest_record(signed(TAX_AUTHORITY), *CODE, period, kind, attestation),
			Error::<Test>::EnterpriseDeregistered
		);
		assert_noop!(
			TaxRecords::deregister_enterprise(signed(TAX_AUTHORITY), *CODE),
			Error::<Test>::EnterpriseDeregistered
		);
		assert_noop!(
			TaxRecords::deregister_enterprise(signed(TAX_AUTHORITY), *OTHER_CODE),
			Error::<Test>::UnknownEnterprise
		);

		register(CODE, vec![BOB_CO]);
		let entry = Enterprises::<Test>::get(enterprise()).expect("registered");
		assert_eq!((entry.status, entry.record_count), (EnterpriseStatus::Registered, 1));
		assert!(TaxRecords::enterprise_of(&BOB_CO).is_some());
	});
}

// ---- records -----------------------------------------------------------------------------

#[test]
fn a_tax_authority_attests_a_sealed_record() {
	new_test_ext().execute_with(|| {
		register(CODE, vec![ALICE_CO]);
		let (period, kind, attestation) = summary(2025, 1);
		let id = attest((period, kind, attestation.clone()));
		assert_eq!(
			last_event(),
			Event::RecordAttested { record: id, enterprise: enterprise(), period, kind }
		);

		let record = Records::<Test>::get(id).expect("stored");
		assert_eq!(record.commitment, attestation.commitment);
		assert_eq!(record.ciphertext.to_vec(), attestation.ciphertext);
		assert_eq!((record.version, record.previous, record.rating), (1, None, Some(Rating::A)));
		assert_eq!((record.attested_by, record.attested_at), (TAX_AUTHORITY, 1));
		assert_eq!(CurrentRecords::<Test>::get(enterprise(), (period, kind)), Some(id));
		assert_eq!(TaxRecords::latest_rating(&enterprise()), Some((2025, Rating::A, id)));
		assert_eq!(Enterprises::<Test>::get(enterprise()).map(|e| e.record_count), Some(1));

		let info = TaxRecords::record(id).expect("inspectable");
		assert_eq!(
			(info.enterprise, info.period, info.kind, info.current),
			(enterprise(), period, kind, true)
		);
		assert_eq!(TaxRecords::current_record(&enterprise(), &period, kind), Some(id));
	});
}

/// Every storage entry, as (key, value).
fn storage_entries() -> Vec<(Vec<u8>, Vec<u8>)> {
	let mut entries = Vec::new();
	let mut key = Vec::new();
	while let Some(next) = sp_io::storage::next_key(&key) {
		let value = sp_io::storage::get(&next).map(|v| v.to_vec()).unwrap_or_default();
		entries.push((next.clone(), value));
		key = next;
	}
	entries
}

/// Every storage key and value, concatenated: what any node can read.
fn all_state() -> Vec<u8> {
	storage_entries().into_iter().flat_map(|(key, value)| [value, key]).flatten().collect()
}

#[test]
fn no_figure_of_an_attested_record_is_in_state_or_events() {
	new_test_ext().execute_with(|| {
		register(CODE, vec![ALICE_CO]);
		attest(summary(2025, 1));
		let mut visible = all_state();
		for event in System::events() {
			visible.extend(codec::Encode::encode(&event));
		}
		for figure in [REVENUE, TAX_PAID + 1] {
			let le = &figure.to_le_bytes()[..5];
			let compact = codec::Encode::encode(&codec::Compact(figure));
			let decimal = figure.to_string();
			for needle in [le, &compact[..], decimal.as_bytes()] {
				assert!(!visible.windows(needle.len()).any(|w| w == needle), "{figure} is visible");
			}
		}
	});
}

#[test]
fn attestation_refuses_bad_input_without_changing_state() {
	new_test_ext().execute_with(|| {
		register(CODE, vec![ALICE_CO]);
		let try_attest = |who, code: &[u8; 18], (period, kind, attestation)| {
			TaxRecords::attest_record(signed(who), *code, period, kind, attestation)
		};
		assert_noop!(try_attest(BANK, CODE, vat(1, 1)), Error::<Test>::NotTaxAuthority);
		assert_noop!(try_attest(TAX_AUTHORITY, TYPO, vat(1, 1)), Error::<Test>::InvalidUscc);
		assert_noop!(
			try_attest(TAX_AUTHORITY, OTHER_CODE, vat(1, 1)),
			Error::<Test>::UnknownEnterprise
		);

		let with = |change: fn(&mut Attestation)| {
			let (period, kind, mut attestation) = vat(1, 1);
			change(&mut attestation);
			(period, kind, attestation)
		};
		let too_long = with(|a| a.ciphertext.resize(MAX_SEALED_RECORD_LEN as usize + 1, 0));
		assert_noop!(try_attest(TAX_AUTHORITY, CODE, too_long), Error::<Test>::CiphertextTooLong);
		let short = with(|a| {
			a.ciphertext.truncate(banktax_primitives::privacy::MIN_SEALED_RECORD_LEN as usize - 1)
		});
		assert_noop!(try_attest(TAX_AUTHORITY, CODE, short), Error::<Test>::MalformedCiphertext);
		let unknown_format = with(|a| a.ciphertext[0] = SCHEMA_VERSION as u8 + 1);
		assert_noop!(
			try_attest(TAX_AUTHORITY, CODE, unknown_format),
			Error::<Test>::MalformedCiphertext
		);
		let first_format = with(|a| a.ciphertext[0] = privacy::FORMAT_V1);
		assert_noop!(
			try_attest(TAX_AUTHORITY, CODE, first_format),
			Error::<Test>::MalformedCiphertext
		);
		// Every sealed record of a kind has one length: a padded or cut one is refused.
		let longer = with(|a| a.ciphertext.push(0));
		assert_noop!(
			try_attest(TAX_AUTHORITY, CODE, longer),
			Error::<Test>::CiphertextLengthNotOfKind
		);
		let (_, _, mut of_a_summary) = summary(2025, 1);
		of_a_summary.rating = None;
		let (period, kind, _) = vat(1, 1);
		assert_noop!(
			try_attest(TAX_AUTHORITY, CODE, (period, kind, of_a_summary)),
			Error::<Test>::CiphertextLengthNotOfKind
		);
		// The first format is read still, but no longer attested.
		let first_schema = with(|a| {
			a.schema_version = privacy::SCHEMA_V1;
			a.ciphertext = privacy::unopenable_v1(300, &[]);
		});
		assert_noop!(
			try_attest(TAX_AUTHORITY, CODE, first_schema),
			Error::<Test>::UnsupportedSchemaVersion
		);
		let future_schema = with(|a| a.schema_version = SCHEMA_VERSION + 1);
		assert_noop!(
			try_attest(TAX_AUTHORITY, CODE, future_schema),
			Error::<Test>::UnsupportedSchemaVersion
		);
		let rated_vat = with(|a| a.rating = Some(Rating::B));
		assert_noop!(try_attest(TAX_AUTHORITY, CODE, rated_vat), Error::<Test>::RatingNotAllowed);

		let (period, kind, mut unrated) = summary(2025, 1);
		unrated.rating = None;
		assert_noop!(
			try_attest(TAX_AUTHORITY, CODE, (period, kind, unrated)),
			Error::<Test>::RatingRequired
		);
		let (_, _, attestation) = vat(1, 1);
		let month_13 = Period::Month { year: 2025, month: 13 };
		assert_noop!(
			try_attest(TAX_AUTHORITY, CODE, (month_13, RecordKind::VatReturn, attestation.clone())),
			Error::<Test>::InvalidPeriod
		);
		assert_noop!(
			try_attest(
				TAX_AUTHORITY,
				CODE,
				(Period::Year(2025), RecordKind::VatReturn, attestation)
			),
			Error::<Test>::PeriodNotCovered
		);
	});
}

#[test]
fn the_same_record_twice_is_refused_and_records_per_enterprise_are_capped() {
	new_test_ext().execute_with(|| {
		register(CODE, vec![ALICE_CO]);
		attest(vat(1, 1));
		let (period, kind, attestation) = vat(1, 2);
		assert_noop!(
			TaxRecords::attest_record(signed(TAX_AUTHORITY), *CODE, period, kind, attestation),
			Error::<Test>::RecordExists
		);
		for month in 2..=MAX_RECORDS as u8 {
			attest(vat(month, month));
		}
		let (period, kind, attestation) = vat(12, 12);
		assert_noop!(
			TaxRecords::attest_record(signed(TAX_AUTHORITY), *CODE, period, kind, attestation),
			Error::<Test>::TooManyRecords
		);
	});
}

/// Records attested before record format 2 stay as they were: no migration touches them, other
/// pallets learn their format, and a correction is attested in format 2.
#[test]
fn a_record_of_the_first_format_is_kept_as_it_is_and_corrected_in_the_second() {
	new_test_ext().execute_with(|| {
		register(CODE, vec![ALICE_CO]);
		let first = attest(summary(2024, 1));
		// As a record attested before format 2 is stored: its bytes are any length in bounds.
		let old_ciphertext = privacy::unopenable_v1(300, &[0x5a]);
		Records::<Test>::mutate(first, |record| {
			if let Some(record) = record {
				record.schema_version = privacy::SCHEMA_V1;
				record.ciphertext = BoundedVec::truncate_from(old_ciphertext.clone());
			}
		});
		assert_eq!(TaxRecords::do_try_state(), Ok(()));
		let info = TaxRecords::record(first).expect("kept");
		assert_eq!((info.schema_version, info.current), (privacy::SCHEMA_V1, true));
		assert_eq!(
			Records::<Test>::get(first).map(|r| r.ciphertext.to_vec()),
			Some(old_ciphertext)
		);

		let (_, _, correction) = summary(2024, 2);
		assert_ok!(TaxRecords::amend_record(signed(TAX_AUTHORITY), first, correction));
		let second = TaxRecords::current_version(first).expect("amended");
		let info = TaxRecords::record(second).expect("stored");
		assert_eq!((info.schema_version, info.current), (SCHEMA_VERSION, true));
		assert_eq!(TaxRecords::do_try_state(), Ok(()));
	});
}

#[test]
fn amending_adds_a_version_and_supersedes_the_old_one() {
	new_test_ext().execute_with(|| {
		register(CODE, vec![ALICE_CO]);
		let (period, kind, _) = summary(2024, 1);
		let first = attest(summary(2024, 1));
		System::set_block_number(5);
		let (_, _, mut correction) = summary(2024, 2);
		correction.rating = Some(Rating::B);
		assert_ok!(TaxRecords::amend_record(signed(TAX_AUTHORITY), first, correction.clone()));
		let second = first + 1;
		assert_eq!(
			last_event(),
			Event::RecordAmended {
				record: second,
				supersedes: first,
				enterprise: enterprise(),
				period,
				kind,
				version: 2
			}
		);
		assert_eq!(status(first), RecordStatus::Superseded { by: second, at: 5 });
		let new = Records::<Test>::get(second).expect("stored");
		assert_eq!((new.version, new.previous, new.attested_by), (2, Some(first), TAX_AUTHORITY));
		assert_eq!(new.commitment, correction.commitment);
		assert_eq!(CurrentRecords::<Test>::get(enterprise(), (period, kind)), Some(second));
		assert_eq!(TaxRecords::latest_rating(&enterprise()), Some((2024, Rating::B, second)));
		assert_eq!(TaxRecords::current_version(first), Some(second));
		assert!(!TaxRecords::record(first).expect("kept").current);
		assert_eq!(
			TaxRecords::records_of(&enterprise(), &Page::default()).0.len(),
			2,
			"history stays"
		);

		let (_, _, again) = summary(2024, 3);
		assert_noop!(
			TaxRecords::amend_record(signed(TAX_AUTHORITY), first, again),
			Error::<Test>::RecordSuperseded
		);
	});
}

#[test]
fn amendments_refuse_bad_input_without_changing_state() {
	new_test_ext().execute_with(|| {
		register(CODE, vec![ALICE_CO]);
		let first = attest(vat(3, 1));
		let (_, _, correction) = vat(3, 2);
		assert_noop!(
			TaxRecords::amend_record(signed(BANK), first, correction.clone()),
			Error::<Test>::NotTaxAuthority
		);
		assert_noop!(
			TaxRecords::amend_record(signed(TAX_AUTHORITY), first + 9, correction.clone()),
			Error::<Test>::UnknownRecord
		);
		let mut oversized = correction.clone();
		oversized.ciphertext.resize(MAX_SEALED_RECORD_LEN as usize + 1, 7);
		assert_noop!(
			TaxRecords::amend_record(signed(TAX_AUTHORITY), first, oversized),
			Error::<Test>::CiphertextTooLong
		);
		let mut rated = correction.clone();
		rated.rating = Some(Rating::A);
		assert_noop!(
			TaxRecords::amend_record(signed(TAX_AUTHORITY), first, rated),
			Error::<Test>::RatingNotAllowed
		);
		assert_ok!(TaxRecords::revoke_record(
			signed(TAX_AUTHORITY),
			first,
			RevocationReason::Duplicate
		));
		assert_noop!(
			TaxRecords::amend_record(signed(TAX_AUTHORITY), first, correction),
			Error::<Test>::RecordRevoked
		);
	});
}

#[test]
fn amending_a_deregistered_enterprise_record_is_refused() {
	new_test_ext().execute_with(|| {
		register(CODE, vec![ALICE_CO]);
		let first = attest(vat(3, 1));
		assert_ok!(TaxRecords::deregister_enterprise(signed(TAX_AUTHORITY), *CODE));
		let (_, _, correction) = vat(3, 2);
		assert_noop!(
			TaxRecords::amend_record(signed(TAX_AUTHORITY), first, correction),
			Error::<Test>::EnterpriseDeregistered
		);
	});
}

#[test]
fn revoking_needs_a_reason_and_leaves_the_record_marked() {
	new_test_ext().execute_with(|| {
		register(CODE, vec![ALICE_CO]);
		let (period, kind, _) = summary(2023, 1);
		let id = attest(summary(2023, 1));
		System::set_block_number(9);
		assert_ok!(TaxRecords::revoke_record(
			signed(TAX_AUTHORITY),
			id,
			RevocationReason::WrongEnterprise
		));
		assert_eq!(
			last_event(),
			Event::RecordRevoked { record: id, reason: RevocationReason::WrongEnterprise }
		);
		assert_eq!(
			status(id),
			RecordStatus::Revoked {
				reason: RevocationReason::WrongEnterprise,
				by: TAX_AUTHORITY,
				at: 9
			}
		);
		assert_eq!(CurrentRecords::<Test>::get(enterprise(), (period, kind)), None);
		assert_eq!(TaxRecords::latest_rating(&enterprise()), None, "a revoked rating is no rating");
		assert_eq!(TaxRecords::current_version(id), None);
		assert_eq!(
			TaxRecords::records_of(&enterprise(), &Page::default()).0.len(),
			1,
			"still on chain"
		);

		assert_noop!(
			TaxRecords::revoke_record(signed(TAX_AUTHORITY), id, RevocationReason::Duplicate),
			Error::<Test>::RecordRevoked
		);
		// The slot is free again for a correct attestation.
		let again = attest(summary(2023, 2));
		assert_eq!(CurrentRecords::<Test>::get(enterprise(), (period, kind)), Some(again));
	});
}

#[test]
fn revocation_refuses_bad_input() {
	new_test_ext().execute_with(|| {
		register(CODE, vec![ALICE_CO]);
		let first = attest(vat(4, 1));
		let (_, _, correction) = vat(4, 2);
		assert_noop!(
			TaxRecords::revoke_record(signed(BANK), first, RevocationReason::Ordered),
			Error::<Test>::NotTaxAuthority
		);
		assert_noop!(
			TaxRecords::revoke_record(signed(TAX_AUTHORITY), 77, RevocationReason::Ordered),
			Error::<Test>::UnknownRecord
		);
		assert_ok!(TaxRecords::amend_record(signed(TAX_AUTHORITY), first, correction));
		assert_noop!(
			TaxRecords::revoke_record(signed(TAX_AUTHORITY), first, RevocationReason::Ordered),
			Error::<Test>::RecordSuperseded
		);
	});
}

#[test]
fn records_read_a_page_at_a_time_and_the_latest_rating_is_found() {
	new_test_ext().execute_with(|| {
		register(CODE, vec![ALICE_CO]);
		let y2023 = attest(summary(2023, 1));
		let y2024 = attest(summary(2024, 2));
		let march = attest(vat(3, 3));
		assert_eq!(
			TaxRecords::latest_rating(&enterprise()).map(|(year, _, id)| (year, id)),
			Some((2024, y2024))
		);
		let ids = |from, limit| -> (Vec<RecordId>, Option<u64>) {
			let (records, next) = TaxRecords::records_of(&enterprise(), &Page { from, limit });
			(records.into_iter().map(|(id, _)| id).collect(), next)
		};
		assert_eq!(ids(0, 100), (vec![y2023, y2024, march], None));
		assert_eq!(ids(0, 2), (vec![y2023, y2024], Some(march)));
		assert_eq!(ids(march, 2), (vec![march], None));
		assert!(TaxRecords::records_of(&Uscc::parse(OTHER_CODE).expect("code"), &Page::default())
			.0
			.is_empty());
	});
}

/// Bytes of every storage key and value.
fn state_bytes() -> usize {
	storage_entries().iter().map(|(key, value)| key.len() + value.len()).sum()
}

#[test]
fn a_record_adds_its_ciphertext_and_a_fixed_overhead_to_the_state() {
	new_test_ext().execute_with(|| {
		register(CODE, vec![ALICE_CO]);
		// Events are not state: they go with the block.
		let measure = |attestation: (Period, RecordKind, Attestation)| {
			let length = attestation.2.ciphertext.len();
			System::reset_events();
			let before = state_bytes();
			attest(attestation);
			System::reset_events();
			(length, state_bytes() - before)
		};
		// The first record also creates the record counter; measure the ones after it.
		attest(vat(1, 1));
		let (vat_len, vat_added) = measure(vat(2, 2));
		let (summary_len, summary_added) = measure(summary(2025, 3));
		let vat_overhead = vat_added - vat_len;
		let summary_overhead = summary_added - summary_len;
		println!("state added: VAT return {vat_added} bytes for a {vat_len}-byte ciphertext (overhead {vat_overhead}); annual summary {summary_added} bytes for {summary_len} (overhead {summary_overhead})");
		// The record itself besides its ciphertext, and its index entries (current version,
		// history); an annual summary also enters the rating index.
		assert!((200..=400).contains(&vat_overhead), "overhead {vat_overhead}");
		assert!(summary_overhead > vat_overhead, "the rating index costs something");
	});
}

// ---- batches -----------------------------------------------------------------------------

fn batched(
	code: &[u8; 18],
	(period, kind, attestation): (Period, RecordKind, Attestation),
) -> BatchedRecord {
	BatchedRecord { uscc: *code, period, kind, attestation }
}

fn batch(records: Vec<BatchedRecord>) -> BoundedVec<BatchedRecord, ConstU32<MAX_BATCH>> {
	records.try_into().expect("within the batch bound")
}

fn attest_batch(records: Vec<BatchedRecord>) -> frame_support::dispatch::DispatchResult {
	TaxRecords::attest_records(signed(TAX_AUTHORITY), batch(records))
}

/// A mixed batch: two enterprises, interleaved, one annual summary.
fn mixed_batch() -> Vec<BatchedRecord> {
	vec![
		batched(CODE, vat(1, 1)),
		batched(CODE, vat(2, 2)),
		batched(OTHER_CODE, summary(2024, 3)),
		batched(CODE, vat(3, 4)),
	]
}

#[test]
fn a_batch_leaves_the_state_that_attesting_one_by_one_leaves() {
	let one_by_one = new_test_ext().execute_with(|| {
		register(CODE, vec![ALICE_CO]);
		register(OTHER_CODE, vec![BOB_CO]);
		for record in mixed_batch() {
			let BatchedRecord { uscc, period, kind, attestation } = record;
			assert_ok!(TaxRecords::attest_record(
				signed(TAX_AUTHORITY),
				uscc,
				period,
				kind,
				attestation
			));
		}
		(storage_entries(), System::events().len())
	});
	let batched = new_test_ext().execute_with(|| {
		register(CODE, vec![ALICE_CO]);
		register(OTHER_CODE, vec![BOB_CO]);
		let before = System::events().len();
		assert_ok!(attest_batch(mixed_batch()));
		assert_eq!(System::events().len() - before, 4, "one event per record");
		assert_eq!(
			last_event(),
			Event::RecordAttested {
				record: 3,
				enterprise: enterprise(),
				period: Period::Month { year: 2025, month: 3 },
				kind: RecordKind::VatReturn,
			}
		);
		assert_eq!(Enterprises::<Test>::get(enterprise()).expect("registered").record_count, 3);
		let other = Uscc::parse(OTHER_CODE).expect("a real code");
		assert_eq!(TaxRecords::latest_rating(&other), Some((2024, Rating::A, 2)));
		(storage_entries(), System::events().len())
	});
	assert_eq!(one_by_one, batched);
}

#[test]
fn a_batch_is_all_or_nothing() {
	new_test_ext().execute_with(|| {
		register(CODE, vec![ALICE_CO]);
		register(OTHER_CODE, vec![BOB_CO]);
		let twice = vec![
			batched(CODE, vat(1, 1)),
			batched(OTHER_CODE, vat(1, 2)),
			batched(CODE, vat(1, 3)),
		];
		assert_noop!(attest_batch(twice), Error::<Test>::RecordExists);
		let unknown = vec![batched(CODE, vat(1, 1)), batched(b"91440300708461136T", vat(1, 2))];
		assert_noop!(attest_batch(unknown), Error::<Test>::UnknownEnterprise);
		let typo = vec![batched(CODE, vat(1, 1)), batched(TYPO, vat(2, 2))];
		assert_noop!(attest_batch(typo), Error::<Test>::InvalidUscc);
		let (period, kind, mut broken) = vat(2, 2);
		broken.ciphertext.truncate(banktax_primitives::privacy::MIN_SEALED_RECORD_LEN as usize - 1);
		let malformed = vec![batched(CODE, vat(1, 1)), batched(CODE, (period, kind, broken))];
		assert_noop!(attest_batch(malformed), Error::<Test>::MalformedCiphertext);
		assert_noop!(attest_batch(vec![]), Error::<Test>::EmptyBatch);
		assert_noop!(
			TaxRecords::attest_records(signed(BANK), batch(vec![batched(CODE, vat(1, 1))])),
			Error::<Test>::NotTaxAuthority
		);
		assert_eq!(NextRecordId::<Test>::get(), 0);
	});
}

#[test]
fn a_batch_counts_towards_the_records_an_enterprise_may_have() {
	new_test_ext().execute_with(|| {
		register(CODE, vec![ALICE_CO]);
		for month in 1..=2 {
			attest(vat(month, month));
		}
		let fits: Vec<_> = (3..=MAX_RECORDS as u8).map(|m| batched(CODE, vat(m, m))).collect();
		let too_many = [fits.clone(), vec![batched(CODE, vat(12, 12))]].concat();
		assert_noop!(attest_batch(too_many), Error::<Test>::TooManyRecords);
		assert_ok!(attest_batch(fits));
		assert_eq!(
			Enterprises::<Test>::get(enterprise()).expect("registered").record_count,
			MAX_RECORDS
		);
	});
}

#[test]
fn a_batch_is_charged_by_its_records_runs_and_ratings() {
	let weight = |records: &[BatchedRecord]| {
		let (runs, continuing, rated) = TaxRecords::batch_shape(records);
		(runs, continuing, rated, <() as WeightInfo>::attest_records(runs, continuing, rated))
	};
	let sorted =
		[batched(CODE, vat(1, 1)), batched(CODE, vat(2, 2)), batched(OTHER_CODE, vat(1, 3))];
	let interleaved =
		[batched(CODE, vat(1, 1)), batched(OTHER_CODE, vat(1, 3)), batched(CODE, vat(2, 2))];
	let (runs, continuing, rated, sorted_weight) = weight(&sorted);
	assert_eq!((runs, continuing, rated), (2, 1, 0));
	let (runs, continuing, rated, interleaved_weight) = weight(&interleaved);
	assert_eq!((runs, continuing, rated), (3, 0, 0));
	assert!(interleaved_weight.ref_time() > sorted_weight.ref_time());
	assert_eq!(TaxRecords::batch_shape(&mixed_batch()), (3, 1, 1));
	assert_eq!(TaxRecords::batch_shape(&[]), (0, 0, 0));
}

// ---- generated register ------------------------------------------------------------------

#[test]
fn genesis_can_fill_the_register_with_generated_enterprises() {
	let records_each = MAX_RECORDS + 2;
	let storage = RuntimeGenesisConfig {
		tax_records: GenesisConfig {
			synthetic: Some(SyntheticRegister {
				enterprises: 3,
				records_each,
				registered_by: TAX_AUTHORITY,
			}),
		},
		..Default::default()
	}
	.build_storage()
	.expect("genesis builds");
	sp_io::TestExternalities::new(storage).execute_with(|| {
		let codes: Vec<Uscc> = (0..3).map(|i| synthetic_uscc(i).expect("a code")).collect();
		assert_eq!(
			codes[2].to_string(),
			format!("91200000000000002{}", codes[2].as_bytes()[17] as char)
		);
		assert_eq!(Enterprises::<Test>::iter().count(), 3);
		for (i, code) in codes.iter().enumerate() {
			let entry = Enterprises::<Test>::get(code).expect("registered");
			let controller = synthetic_controller::<Test>(i as u32).expect("an account");
			assert_eq!(entry.controllers.to_vec(), vec![controller]);
			assert_eq!(entry.registered_by, TAX_AUTHORITY);
			assert!(TaxRecords::enterprise_of(&controller).is_some(), "its controller is a member");
			assert_eq!(
				entry.record_count, MAX_RECORDS,
				"capped at the records an enterprise may have"
			);
			let records = TaxRecords::records_of(code, &Page::default()).0;
			assert_eq!(records.len(), MAX_RECORDS as usize);
			let (_, first) = &records[0];
			assert_eq!(first.period, Period::Month { year: 2015, month: 1 });
			assert_eq!(first.ciphertext.len(), privacy::sealed_record_len(RecordKind::VatReturn));
			assert_eq!(first.ciphertext[0], banktax_primitives::privacy::FORMAT_VERSION);
		}
		assert_eq!(NextRecordId::<Test>::get(), 3 * RecordId::from(MAX_RECORDS));
		let (_, a) = &TaxRecords::records_of(&codes[0], &Page::default()).0[0];
		let (_, b) = &TaxRecords::records_of(&codes[1], &Page::default()).0[0];
		assert_ne!(a.ciphertext, b.ciphertext, "every record's bytes differ");
	});
}

#[test]
fn only_the_bureau_in_charge_acts_on_an_enterprise_until_the_council_moves_it() {
	new_test_ext().execute_with(|| {
		register(CODE, vec![ALICE_CO]);
		let record = attest(vat(1, 1));
		let other = signed(OTHER_TAX_AUTHORITY);
		assert_noop!(
			TaxRecords::set_controllers(other.clone(), *CODE, vec![BOB_CO]),
			Error::<Test>::NotBureauInCharge
		);
		let (period, kind, attestation) = vat(2, 2);
		assert_noop!(
			TaxRecords::attest_record(other.clone(), *CODE, period, kind, attestation.clone()),
			Error::<Test>::NotBureauInCharge
		);
		let batch = BoundedVec::truncate_from(vec![BatchedRecord {
			uscc: *CODE,
			period,
			kind,
			attestation: attestation.clone(),
		}]);
		assert_noop!(
			TaxRecords::attest_records(other.clone(), batch),
			Error::<Test>::NotBureauInCharge
		);
		let (_, _, correction) = vat(1, 3);
		assert_noop!(
			TaxRecords::amend_record(other.clone(), record, correction),
			Error::<Test>::NotBureauInCharge
		);
		assert_noop!(
			TaxRecords::revoke_record(other.clone(), record, RevocationReason::WrongPeriodOrKind),
			Error::<Test>::NotBureauInCharge
		);
		assert_noop!(
			TaxRecords::deregister_enterprise(other.clone(), *CODE),
			Error::<Test>::NotBureauInCharge
		);

		// Only the council moves it, and only to an active tax authority.
		assert_noop!(
			TaxRecords::transfer_enterprise(other.clone(), *CODE, OTHER_TAX_AUTHORITY),
			DispatchError::BadOrigin
		);
		assert_noop!(
			TaxRecords::transfer_enterprise(RuntimeOrigin::root(), *CODE, BANK),
			Error::<Test>::NotTaxAuthority
		);
		assert_noop!(
			TaxRecords::transfer_enterprise(RuntimeOrigin::root(), *CODE, TAX_AUTHORITY),
			Error::<Test>::AlreadyInCharge
		);
		assert_ok!(TaxRecords::transfer_enterprise(
			RuntimeOrigin::root(),
			*CODE,
			OTHER_TAX_AUTHORITY
		));
		assert_eq!(
			last_event(),
			Event::EnterpriseTransferred { enterprise: enterprise(), to: OTHER_TAX_AUTHORITY }
		);
		assert_ok!(TaxRecords::attest_record(other, *CODE, period, kind, attestation));
		assert_noop!(
			TaxRecords::set_controllers(signed(TAX_AUTHORITY), *CODE, vec![BOB_CO]),
			Error::<Test>::NotBureauInCharge
		);
	});
}

#[test]
fn an_institution_account_is_refused_as_a_controller() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			TaxRecords::register_enterprise(signed(TAX_AUTHORITY), *CODE, vec![ALICE_CO, BANK]),
			Error::<Test>::ControllerIsInstitution
		);
		register(CODE, vec![ALICE_CO]);
		assert_noop!(
			TaxRecords::set_controllers(signed(TAX_AUTHORITY), *CODE, vec![BANK]),
			Error::<Test>::ControllerIsInstitution
		);
	});
}

#[test]
fn the_cap_counts_current_records_only() {
	new_test_ext().execute_with(|| {
		register(CODE, vec![ALICE_CO]);
		let first = attest(vat(1, 1));
		for month in 2..=MAX_RECORDS as u8 {
			attest(vat(month, month));
		}
		// Amending replaces a current record: the count stays, and so does the cap's room.
		let (_, _, correction) = vat(1, 50);
		assert_ok!(TaxRecords::amend_record(signed(TAX_AUTHORITY), first, correction));
		let amended = NextRecordId::<Test>::get() - 1;
		assert_eq!(
			Enterprises::<Test>::get(enterprise()).map(|e| e.record_count),
			Some(MAX_RECORDS)
		);
		let (period, kind, attestation) = vat(12, 12);
		assert_noop!(
			TaxRecords::attest_record(
				signed(TAX_AUTHORITY),
				*CODE,
				period,
				kind,
				attestation.clone()
			),
			Error::<Test>::TooManyRecords
		);
		// Revoking one frees its place; the revoked and superseded versions stay.
		assert_ok!(TaxRecords::revoke_record(
			signed(TAX_AUTHORITY),
			amended,
			RevocationReason::Duplicate
		));
		assert_ok!(TaxRecords::attest_record(
			signed(TAX_AUTHORITY),
			*CODE,
			period,
			kind,
			attestation
		));
		assert!(Records::<Test>::get(first).is_some() && Records::<Test>::get(amended).is_some());
	});
}

#[test]
fn version_1_counts_current_records() {
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	new_test_ext().execute_with(|| {
		register(CODE, vec![ALICE_CO]);
		let first = attest(vat(1, 1));
		attest(vat(2, 2));
		let (_, _, correction) = vat(1, 3);
		assert_ok!(TaxRecords::amend_record(signed(TAX_AUTHORITY), first, correction));
		// As version 0 counted: every version.
		Enterprises::<Test>::mutate(enterprise(), |e| {
			if let Some(e) = e {
				e.record_count = 3;
			}
		});
		StorageVersion::new(0).put::<crate::Pallet<Test>>();

		crate::migrations::v1::MigrateToV1::<Test>::on_runtime_upgrade();

		assert_eq!(Enterprises::<Test>::get(enterprise()).map(|e| e.record_count), Some(2));
		assert_eq!(crate::Pallet::<Test>::on_chain_storage_version(), StorageVersion::new(1));
	});
}

#[test]
fn version_2_keeps_every_record_in_order() {
	use codec::Encode;
	use frame_support::{
		storage::unhashed,
		traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
		Blake2_128Concat, StorageHasher, StoragePrefixedMap, Twox64Concat,
	};
	new_test_ext().execute_with(|| {
		register(CODE, vec![ALICE_CO]);
		let ids: Vec<RecordId> = (1..=3u8).map(|m| attest(vat(m, m))).collect();
		// As version 1 kept the index: each number under its hash.
		let _ = RecordsOf::<Test>::clear(u32::MAX, None);
		let prefix = RecordsOf::<Test>::final_prefix();
		for id in &ids {
			let key = [
				&prefix[..],
				&Blake2_128Concat::hash(&enterprise().encode()),
				&Twox64Concat::hash(&id.encode()),
			]
			.concat();
			unhashed::put(&key, &());
		}
		StorageVersion::new(1).put::<crate::Pallet<Test>>();

		crate::migrations::v2::MigrateToV2::<Test>::on_runtime_upgrade();

		let (records, next) = TaxRecords::records_of(&enterprise(), &Page::default());
		assert_eq!(records.into_iter().map(|(id, _)| id).collect::<Vec<_>>(), ids);
		assert_eq!(next, None);
		assert_eq!(RecordsOf::<Test>::iter_keys().count(), ids.len(), "no entry of the old layout");
		assert_eq!(crate::Pallet::<Test>::on_chain_storage_version(), StorageVersion::new(2));
	});
}

#[test]
fn the_invariants_hold_through_amendment_and_revocation_and_catch_what_went_wrong() {
	new_test_ext().execute_with(|| {
		register(CODE, vec![ALICE_CO]);
		let first = attest(summary(2024, 1));
		let (_, _, correction) = summary(2024, 2);
		assert_ok!(TaxRecords::amend_record(signed(TAX_AUTHORITY), first, correction));
		assert_eq!(TaxRecords::do_try_state(), Ok(()));
		let amended = first + 1;
		assert_ok!(TaxRecords::revoke_record(
			signed(TAX_AUTHORITY),
			amended,
			RevocationReason::Duplicate
		));
		assert_eq!(TaxRecords::do_try_state(), Ok(()));
		attest(vat(1, 1));
		Enterprises::<Test>::mutate(enterprise(), |e| {
			if let Some(e) = e {
				e.record_count += 1;
			}
		});
		assert!(TaxRecords::do_try_state().is_err(), "a record count off by one");
	});
}

// ---- the enterprise's own records ----------------------------------------------------------

#[test]
fn an_enterprise_registers_its_key_and_opens_its_own_records_with_it() {
	use privacy::{open_envelope, open_record, seal_envelope, EncryptionSecret, EnvelopeContent};
	new_test_ext().execute_with(|| {
		register(CODE, vec![ALICE_CO]);
		let sealed_summary = sealed(Period::Year(2025), RecordKind::AnnualSummary, 9);
		let record =
			attest((Period::Year(2025), RecordKind::AnnualSummary, attestation(&sealed_summary)));
		let secret = EncryptionSecret::from_bytes([7; 32]);
		assert_ok!(TaxRecords::register_key(signed(ALICE_CO), secret.public()));
		assert_eq!(
			last_event(),
			Event::EnterpriseKeyRegistered { enterprise: enterprise(), key: secret.public() }
		);
		let envelope = seal_envelope(
			&secret.public(),
			&sealed_summary.header,
			&sealed_summary.commitment,
			&EnvelopeContent::DataKey(sealed_summary.data_key.clone()),
			&mut ChaCha20Rng::from_seed([3; 32]),
		)
		.expect("seals");
		let deliveries = vec![(record, envelope.try_into().expect("fits"))];
		assert_ok!(TaxRecords::deliver_openings(
			signed(TAX_AUTHORITY),
			deliveries.try_into().expect("one")
		));
		assert_eq!(last_event(), Event::OpeningsDelivered { record, enterprise: enterprise() });
		assert_eq!(TaxRecords::do_try_state(), Ok(()));

		// What the enterprise reads from the chain opens with its secret key alone.
		let own = OwnEnvelopes::<Test>::get(record).expect("delivered");
		assert_eq!(own.key, secret.public());
		let stored = Records::<Test>::get(record).expect("stored");
		let header = sealed_summary.header;
		let EnvelopeContent::DataKey(key) =
			open_envelope(&secret, &stored.commitment, &header, &own.envelope).expect("opens")
		else {
			panic!("a data key")
		};
		let opening = open_record(&stored.ciphertext, &key, &stored.commitment).expect("opens");
		assert_eq!(opening.record.value(FieldKey::Revenue), Some(REVENUE));
	});
}

#[test]
fn keys_and_own_envelopes_are_refused_by_name() {
	new_test_ext().execute_with(|| {
		register(CODE, vec![ALICE_CO]);
		let record = attest(summary(2025, 1));
		let envelope = |kind| -> privacy::Envelope {
			privacy::unopenable_envelope(kind, &[]).try_into().expect("fits")
		};
		let deliver = |who, record, bytes| {
			let deliveries = vec![(record, bytes)];
			TaxRecords::deliver_openings(signed(who), deliveries.try_into().expect("one"))
		};
		assert_noop!(
			TaxRecords::register_key(signed(CAROL_CO), [7; 32]),
			Error::<Test>::NotAController
		);
		assert_noop!(
			TaxRecords::register_key(signed(ALICE_CO), [0; 32]),
			Error::<Test>::InvalidEncryptionKey
		);
		assert_noop!(
			deliver(TAX_AUTHORITY, record, envelope(RecordKind::AnnualSummary)),
			Error::<Test>::NoEnterpriseKey
		);
		assert_ok!(TaxRecords::register_key(signed(ALICE_CO), [7; 32]));
		assert_noop!(
			deliver(BANK, record, envelope(RecordKind::AnnualSummary)),
			Error::<Test>::NotTaxAuthority
		);
		assert_noop!(
			deliver(OTHER_TAX_AUTHORITY, record, envelope(RecordKind::AnnualSummary)),
			Error::<Test>::NotBureauInCharge
		);
		assert_noop!(
			deliver(TAX_AUTHORITY, record, envelope(RecordKind::VatReturn)),
			Error::<Test>::EnvelopeLengthNotOfKind
		);
		let mut other_version = privacy::unopenable_envelope(RecordKind::AnnualSummary, &[]);
		other_version[0] = 9;
		assert_noop!(
			deliver(TAX_AUTHORITY, record, other_version.try_into().expect("fits")),
			Error::<Test>::MalformedEnvelope
		);
		assert_noop!(
			deliver(TAX_AUTHORITY, 99, envelope(RecordKind::AnnualSummary)),
			Error::<Test>::UnknownRecord
		);
		// All or nothing: a good delivery beside a refused one is not kept.
		let both = vec![
			(record, envelope(RecordKind::AnnualSummary)),
			(99, envelope(RecordKind::AnnualSummary)),
		];
		assert_noop!(
			TaxRecords::deliver_openings(signed(TAX_AUTHORITY), both.try_into().expect("two")),
			Error::<Test>::UnknownRecord
		);
		let (_, _, amended) = summary(2025, 2);
		assert_ok!(TaxRecords::amend_record(signed(TAX_AUTHORITY), record, amended));
		assert_noop!(
			deliver(TAX_AUTHORITY, record, envelope(RecordKind::AnnualSummary)),
			Error::<Test>::RecordSuperseded
		);
	});
}
