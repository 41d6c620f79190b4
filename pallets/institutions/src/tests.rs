//! Every call, every error, and what the registry keeps in step: council, validators, nodes.

use crate::{mock::*, *};
use banktax_primitives::{BudgetHolder, InstitutionInspect, Role};
use frame_support::{assert_noop, assert_ok};
use pallet_session::SessionManager;
use sp_runtime::{
	traits::{DispatchTransaction, TransactionExtension},
	transaction_validity::{InvalidTransaction, TransactionSource},
	DispatchError,
};

fn council_members() -> Vec<AccountId> {
	pallet_collective::Members::<Test, pallet_collective::Instance1>::get()
}

fn status(id: InstitutionId) -> Status {
	Registry::<Test>::get(id).expect("institution exists").status
}

fn node(n: u64) -> banktax_primitives::NodeId {
	vec![n as u8; 38].try_into().unwrap()
}

/// Admits institution `n`, whose validator then sets its session keys.
fn admit(n: u64, role: Role) -> InstitutionId {
	let id = NextInstitutionId::<Test>::get();
	assert_ok!(Institutions::admit(council(3, 4), Box::new(application(n, role))));
	give_keys(10 * n);
	assert_eq!(Institutions::do_try_state(), Ok(()));
	id
}

/// A change that spoils an application, for tables of bad applications.
type ApplicationChange = Box<dyn Fn(&mut Application<AccountId>)>;

#[test]
fn genesis_seeds_the_founders_the_council_and_their_nodes() {
	new_test_ext().execute_with(|| {
		assert_eq!(Registry::<Test>::count(), 4);
		assert_eq!(council_members(), vec![1, 2, 3, 4]);
		assert_eq!(authorized_nodes().len(), 4);
		assert_eq!(authorized_nodes().get(&node(2)), Some(&2));
		let bank = Registry::<Test>::get(1).unwrap();
		assert_eq!(bank.role, Role::Bank);
		assert_eq!(bank.uscc.as_bytes(), &uscc(2));
		assert_eq!(bank.validator, 20);
		assert_eq!(SessionLength::<Test>::get(), 5);
		// The registry provides for its accounts, so they can sign transactions.
		assert!(frame_system::Pallet::<Test>::providers(&1) > 0);
		assert!(frame_system::Pallet::<Test>::providers(&10) > 0);
	});
}

#[test]
fn the_council_admits_a_bank_which_joins_council_network_and_validators() {
	new_test_ext().execute_with(|| {
		let id = admit(5, Role::Bank);
		assert_eq!(id, 4);
		System::assert_last_event(Event::Admitted { id, role: Role::Bank, governance: 5 }.into());
		let bank = Registry::<Test>::get(id).unwrap();
		assert_eq!((bank.status, bank.admitted_at, bank.governance), (Status::Active, 1, 5));
		assert_eq!(council_members(), vec![1, 2, 3, 4, 5]);
		assert_eq!(authorized_nodes().get(&node(5)), Some(&5));
		assert_eq!(Institutions::new_session(1), Some(vec![10, 20, 30, 40, 50]));
		assert!(Institutions::signer(&5).is_some() && Institutions::signer(&50).is_some());
		assert_eq!(Institutions::active_role(&5), Some(Role::Bank));
	});
}

#[test]
fn only_a_two_thirds_council_motion_admits() {
	new_test_ext().execute_with(|| {
		for origin in [council(2, 4), RuntimeOrigin::signed(1), RuntimeOrigin::root()] {
			assert_noop!(
				Institutions::admit(origin, Box::new(application(5, Role::Bank))),
				DispatchError::BadOrigin
			);
		}
	});
}

#[test]
fn an_application_with_bad_fields_is_refused_by_name() {
	new_test_ext().execute_with(|| {
		let cases: Vec<(ApplicationChange, Error<Test>)> = vec![
			(Box::new(|a| a.uscc[17] = b'0'), Error::InvalidUscc),
			(Box::new(|a| a.uscc[3] = b'I'), Error::InvalidUscc),
			(Box::new(|a| a.legal_name.clear()), Error::LegalNameEmpty),
			(Box::new(|a| a.legal_name = vec![b'x'; 257]), Error::LegalNameTooLong),
			(Box::new(|a| a.legal_name = vec![0xff, 0xfe]), Error::LegalNameNotUtf8),
			(Box::new(|a| a.node.clear()), Error::NodeIdEmpty),
			(Box::new(|a| a.node = vec![1; 129]), Error::NodeIdTooLong),
			(Box::new(|a| a.uscc = uscc(1)), Error::UsccInUse),
			(Box::new(|a| a.governance = 2), Error::AccountInUse),
			(Box::new(|a| a.governance = 20), Error::AccountInUse),
			(Box::new(|a| a.validator = 1), Error::AccountInUse),
			(Box::new(|a| a.node = vec![3; 38]), Error::NodeInUse),
		];
		for (change, error) in cases {
			let mut app = application(5, Role::Bank);
			change(&mut app);
			assert_noop!(Institutions::admit(council(3, 4), Box::new(app)), error);
		}
	});
}

#[test]
fn made_up_test_codes_pass_the_real_check() {
	for n in 1..=20 {
		assert!(banktax_primitives::Uscc::parse(&uscc(n)).is_ok(), "code {n}");
	}
}

#[test]
fn the_registry_is_bounded() {
	new_test_ext().execute_with(|| {
		// MaxInstitutions is 8 in the mock: four founders, four more, then no more.
		for n in 5..=8 {
			admit(n, Role::Bank);
		}
		assert_noop!(
			Institutions::admit(council(6, 8), Box::new(application(9, Role::Bank))),
			Error::<Test>::TooManyInstitutions
		);
	});
}

#[test]
fn suspension_takes_council_seat_node_and_validator_and_reinstatement_gives_them_back() {
	new_test_ext().execute_with(|| {
		admit(5, Role::Bank);
		assert_ok!(Institutions::suspend(council(4, 5), 1));
		System::assert_last_event(Event::Suspended { id: 1 }.into());
		assert_eq!(status(1), Status::Suspended);
		assert_eq!(council_members(), vec![1, 3, 4, 5]);
		assert!(!authorized_nodes().contains_key(&node(2)));
		assert_eq!(Institutions::new_session(2), Some(vec![10, 30, 40, 50]));
		assert!(Institutions::signer(&2).is_none() && Institutions::signer(&20).is_none());
		assert_eq!(Institutions::active_role(&2), None);

		assert_ok!(Institutions::reinstate(council(3, 4), 1));
		System::assert_last_event(Event::Reinstated { id: 1 }.into());
		assert_eq!(status(1), Status::Active);
		assert_eq!(council_members(), vec![1, 2, 3, 4, 5]);
		assert_eq!(authorized_nodes().get(&node(2)), Some(&2));
		assert_eq!(Institutions::new_session(3), Some(vec![10, 20, 30, 40, 50]));
	});
}

#[test]
fn suspension_and_reinstatement_need_the_right_status() {
	new_test_ext().execute_with(|| {
		admit(5, Role::Bank);
		assert_noop!(Institutions::reinstate(council(4, 5), 1), Error::<Test>::NotSuspended);
		assert_ok!(Institutions::suspend(council(4, 5), 1));
		assert_noop!(Institutions::suspend(council(3, 4), 1), Error::<Test>::NotActive);
		assert_noop!(Institutions::suspend(council(3, 4), 99), Error::<Test>::UnknownInstitution);
		assert_noop!(Institutions::reinstate(council(3, 4), 99), Error::<Test>::UnknownInstitution);
		assert_noop!(Institutions::suspend(council(2, 4), 0), DispatchError::BadOrigin);
		assert_noop!(
			Institutions::reinstate(RuntimeOrigin::signed(1), 1),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn the_last_tax_authority_cannot_go() {
	new_test_ext().execute_with(|| {
		admit(5, Role::Bank);
		assert_noop!(Institutions::suspend(council(4, 5), 0), Error::<Test>::LastTaxAuthority);
		assert_noop!(Institutions::remove(council(4, 5), 0), Error::<Test>::LastTaxAuthority);
		// With a second tax authority, the first may go.
		admit(6, Role::TaxAuthority);
		assert_ok!(Institutions::remove(council(4, 6), 0));
		assert_eq!(Institutions::active_role(&6), Some(Role::TaxAuthority));
	});
}

#[test]
fn the_validator_floor_holds() {
	new_test_ext().execute_with(|| {
		// MinValidators is 3 in the mock: of the four founders, one may go, not two.
		assert_ok!(Institutions::suspend(council(3, 4), 1));
		assert_noop!(Institutions::suspend(council(3, 3), 2), Error::<Test>::TooFewValidators);
		assert_noop!(Institutions::remove(council(3, 3), 2), Error::<Test>::TooFewValidators);
		// A suspended institution leaves no gap by being removed.
		assert_ok!(Institutions::remove(council(3, 3), 1));
	});
}

#[test]
fn the_floor_counts_validators_with_keys() {
	new_test_ext().execute_with(|| {
		// Four founders (ids 0 to 3, validators 10 to 40), MinValidators 3; the third
		// founder's validator (30, institution 2) has lost its keys.
		pallet_session::NextKeys::<Test>::remove(30);
		assert_noop!(Institutions::suspend(council(3, 4), 1), Error::<Test>::TooFewValidators);
		assert_noop!(Institutions::remove(council(3, 4), 1), Error::<Test>::TooFewValidators);
		// Institution 2 itself may go: the three others have keys.
		assert_ok!(Institutions::suspend(council(3, 4), 2));
	});
}

#[test]
fn the_validator_set_never_shrinks_below_the_floor_for_want_of_keys() {
	new_test_ext().execute_with(|| {
		let current = pallet_session::Validators::<Test>::get();
		assert_eq!(current, vec![10, 20, 30, 40]);
		// Two new validator accounts, neither with keys yet: two keyed validators would be
		// fewer than the floor of three, so the current four carry on.
		assert_ok!(Institutions::set_validator(council(3, 4), 1, 21));
		assert_ok!(Institutions::set_validator(council(3, 4), 2, 31));
		assert_eq!(Institutions::new_session(1), None);
		give_keys(21);
		assert_eq!(Institutions::new_session(2), Some(vec![10, 21, 40]));
	});
}

#[test]
fn nobody_purges_session_keys() {
	new_test_ext().execute_with(|| {
		let purge = RuntimeCall::Session(pallet_session::Call::purge_keys {});
		for who in [2, 20] {
			assert_eq!(
				admit_with(who, &purge, &Default::default(), 10),
				refused(Refusal::CallNotForSigner)
			);
		}
	});
}

#[test]
fn removal_is_final_and_releases_code_accounts_and_node() {
	new_test_ext().execute_with(|| {
		let id = admit(5, Role::Bank);
		assert_ok!(Institutions::remove(council(4, 5), id));
		System::assert_last_event(Event::Removed { id }.into());
		assert_eq!(status(id), Status::Removed);
		assert_eq!(council_members(), vec![1, 2, 3, 4]);
		assert!(!authorized_nodes().contains_key(&node(5)));
		assert!(Institutions::signer(&5).is_none());
		assert_noop!(Institutions::remove(council(3, 4), id), Error::<Test>::AlreadyRemoved);
		assert_noop!(Institutions::reinstate(council(3, 4), id), Error::<Test>::NotSuspended);
		assert_noop!(
			Institutions::set_validator(council(3, 4), id, 77),
			Error::<Test>::AlreadyRemoved
		);
		assert_noop!(
			Institutions::set_node(council(3, 4), id, vec![9; 38]),
			Error::<Test>::AlreadyRemoved
		);
		assert_eq!(Institutions::do_try_state(), Ok(()));
		// The record stays; the code, accounts and node can be used again.
		assert_eq!(Registry::<Test>::count(), 5);
		let again = admit(5, Role::Bank);
		assert_ne!(again, id);
		assert_eq!(status(again), Status::Active);
	});
}

#[test]
fn the_council_changes_a_validator() {
	new_test_ext().execute_with(|| {
		assert_ok!(Institutions::set_validator(council(3, 4), 1, 21));
		System::assert_last_event(Event::ValidatorChanged { id: 1, validator: 21 }.into());
		// The new validator takes part once it has set keys.
		assert_eq!(Institutions::new_session(1), Some(vec![10, 30, 40]));
		give_keys(21);
		assert_eq!(Institutions::new_session(2), Some(vec![10, 21, 30, 40]));
		assert!(Institutions::signer(&21).is_some() && Institutions::signer(&20).is_none());
		assert!(frame_system::Pallet::<Test>::providers(&21) > 0);
		assert_noop!(Institutions::set_validator(council(3, 4), 1, 21), Error::<Test>::Unchanged);
		assert_noop!(
			Institutions::set_validator(council(3, 4), 1, 30),
			Error::<Test>::AccountInUse
		);
		assert_noop!(Institutions::set_validator(council(3, 4), 1, 3), Error::<Test>::AccountInUse);
		assert_noop!(
			Institutions::set_validator(council(3, 4), 9, 99),
			Error::<Test>::UnknownInstitution
		);
		assert_noop!(Institutions::set_validator(council(2, 4), 1, 99), DispatchError::BadOrigin);
	});
}

#[test]
fn the_council_changes_a_node() {
	new_test_ext().execute_with(|| {
		assert_ok!(Institutions::set_node(council(3, 4), 1, vec![42; 38]));
		System::assert_last_event(Event::NodeChanged { id: 1, node: node(42) }.into());
		assert!(!authorized_nodes().contains_key(&node(2)));
		assert_eq!(authorized_nodes().get(&node(42)), Some(&2));
		assert_noop!(
			Institutions::set_node(council(3, 4), 1, vec![42; 38]),
			Error::<Test>::Unchanged
		);
		assert_noop!(
			Institutions::set_node(council(3, 4), 1, vec![3; 38]),
			Error::<Test>::NodeInUse
		);
		assert_noop!(Institutions::set_node(council(3, 4), 1, vec![]), Error::<Test>::NodeIdEmpty);
		assert_noop!(
			Institutions::set_node(council(3, 4), 1, vec![1; 129]),
			Error::<Test>::NodeIdTooLong
		);
		// A suspended institution's new node is not authorised until it is reinstated.
		assert_ok!(Institutions::suspend(council(3, 4), 2));
		assert_ok!(Institutions::set_node(council(3, 3), 2, vec![43; 38]));
		assert!(!authorized_nodes().contains_key(&node(43)));
		assert_ok!(Institutions::reinstate(council(3, 3), 2));
		assert_eq!(authorized_nodes().get(&node(43)), Some(&3));
	});
}

#[test]
fn an_institution_rotates_its_own_encryption_key() {
	new_test_ext().execute_with(|| {
		assert_ok!(Institutions::rotate_encryption_key(RuntimeOrigin::signed(2), [9; 32]));
		System::assert_last_event(Event::EncryptionKeyRotated { id: 1, key: [9; 32] }.into());
		assert_eq!(Registry::<Test>::get(1).unwrap().encryption_key, [9; 32]);
		assert_eq!(Institutions::encryption_key(&2), Some([9; 32]));
		assert_eq!(Institutions::encryption_key(&20), None);
		assert_noop!(
			Institutions::rotate_encryption_key(RuntimeOrigin::signed(2), [9; 32]),
			Error::<Test>::Unchanged
		);
		// Only the governance account, not the validator account or an outsider.
		assert_noop!(
			Institutions::rotate_encryption_key(RuntimeOrigin::signed(20), [8; 32]),
			Error::<Test>::NotAnInstitution
		);
		assert_noop!(
			Institutions::rotate_encryption_key(RuntimeOrigin::signed(99), [8; 32]),
			Error::<Test>::NotAnInstitution
		);
		assert_ok!(Institutions::suspend(council(3, 4), 1));
		// A suspended institution receives no envelopes.
		assert_eq!(Institutions::encryption_key(&2), None);
		assert_noop!(
			Institutions::rotate_encryption_key(RuntimeOrigin::signed(2), [8; 32]),
			Error::<Test>::NotActive
		);
	});
}

/// A call each kind of signer may sign in the mock.
fn remark() -> RuntimeCall {
	RuntimeCall::System(frame_system::Call::remark { remark: vec![] })
}
fn enterprise_call() -> RuntimeCall {
	RuntimeCall::System(frame_system::Call::remark_with_event { remark: vec![] })
}
fn set_keys(validator: AccountId) -> RuntimeCall {
	RuntimeCall::Session(pallet_session::Call::set_keys {
		keys: sp_runtime::testing::UintAuthorityId(validator),
		proof: vec![],
	})
}
fn propose() -> RuntimeCall {
	RuntimeCall::Council(pallet_collective::Call::propose {
		threshold: 3,
		proposal: Box::new(remark()),
		length_bound: 100,
	})
}

/// Dispatch information of a normal call of `ref_time` picoseconds.
fn weighing(ref_time: u64) -> frame_support::dispatch::DispatchInfo {
	frame_support::dispatch::DispatchInfo {
		call_weight: frame_support::weights::Weight::from_parts(ref_time, 0),
		..Default::default()
	}
}

/// Runs the extension on `call` signed by `who`, `len` bytes long, as the block builder would.
fn admit_with(
	who: AccountId,
	call: &RuntimeCall,
	info: &frame_support::dispatch::DispatchInfo,
	len: usize,
) -> Result<(), InvalidTransaction> {
	CheckMembership::<Test>::new()
		.validate_and_prepare(RuntimeOrigin::signed(who), call, info, len, 0)
		.map(|_| ())
		.map_err(|e| match e {
			sp_runtime::transaction_validity::TransactionValidityError::Invalid(i) => i,
			other => panic!("unexpected {other:?}"),
		})
}

/// Runs the extension on a small call that `who`'s kind of signer may sign.
fn validate(who: AccountId) -> Result<(), InvalidTransaction> {
	let call = match who {
		ENTERPRISE_CONTROLLER | OTHER_CONTROLLER => enterprise_call(),
		10 | 20 | 30 | 40 | 50 => set_keys(who),
		_ => remark(),
	};
	admit_with(who, &call, &Default::default(), 10)
}

/// What the pool hears of `call` signed by `who`: its priority and longevity.
fn pool_view(who: AccountId, call: &RuntimeCall) -> (u64, u64) {
	let valid = CheckMembership::<Test>::new()
		.validate_only(
			RuntimeOrigin::signed(who),
			call,
			&Default::default(),
			10,
			TransactionSource::External,
			0,
		)
		.expect("valid")
		.0;
	(valid.priority, valid.longevity)
}

fn refused(refusal: Refusal) -> Result<(), InvalidTransaction> {
	Err(InvalidTransaction::Custom(refusal as u8))
}

#[test]
fn only_members_transact() {
	new_test_ext().execute_with(|| {
		assert_eq!(validate(2), Ok(()));
		assert_eq!(validate(20), Ok(()));
		assert_eq!(validate(ENTERPRISE_CONTROLLER), Ok(()));
		assert_eq!(validate(99), Err(InvalidTransaction::BadSigner));
		// Unsigned transactions are not this extension's to judge: it passes them on.
		let unsigned = CheckMembership::<Test>::new().validate(
			RuntimeOrigin::none(),
			&remark(),
			&Default::default(),
			0,
			(),
			&sp_runtime::traits::TxBaseImplication(()),
			TransactionSource::External,
		);
		assert!(unsigned.is_ok());
		assert_ok!(Institutions::suspend(council(3, 4), 1));
		assert_eq!(validate(2), Err(InvalidTransaction::BadSigner));
		assert_eq!(validate(20), Err(InvalidTransaction::BadSigner));
	});
}

#[test]
fn the_pool_check_runs_before_dispatch() {
	new_test_ext().execute_with(|| {
		let outsider = CheckMembership::<Test>::new().validate_only(
			RuntimeOrigin::signed(99),
			&remark(),
			&Default::default(),
			0,
			TransactionSource::External,
			0,
		);
		assert!(outsider.is_err());
		assert_eq!(SpentInBlock::<Test>::iter().count(), 0, "a refused signer spends nothing");
	});
}

#[test]
fn each_role_signs_only_its_calls() {
	new_test_ext().execute_with(|| {
		let e = ENTERPRISE_CONTROLLER;
		let none = Default::default();
		assert_eq!(admit_with(e, &remark(), &none, 10), refused(Refusal::CallNotForSigner));
		assert_eq!(admit_with(e, &propose(), &none, 10), refused(Refusal::CallNotForSigner));
		assert_eq!(admit_with(e, &set_keys(e), &none, 10), refused(Refusal::CallNotForSigner));
		assert_eq!(
			admit_with(2, &enterprise_call(), &none, 10),
			refused(Refusal::CallNotForSigner)
		);
		// A validator account sets keys and nothing else.
		assert_eq!(admit_with(20, &remark(), &none, 10), refused(Refusal::CallNotForSigner));
		assert_eq!(admit_with(20, &propose(), &none, 10), refused(Refusal::CallNotForSigner));
		assert_eq!(admit_with(20, &set_keys(20), &none, 10), Ok(()));
		// Decisions of the council are not signed by anyone.
		let admit = RuntimeCall::Institutions(crate::Call::admit {
			application: Box::new(application(5, Role::Bank)),
		});
		assert_eq!(admit_with(2, &admit, &none, 10), refused(Refusal::CallNotForSigner));
		assert_eq!(admit_with(2, &propose(), &none, 10), Ok(()));
		let rotate = RuntimeCall::Institutions(crate::Call::rotate_encryption_key { key: [5; 32] });
		assert_eq!(admit_with(3, &rotate, &none, 10), Ok(()));
	});
}

#[test]
fn the_operational_share_is_for_council_business_only() {
	new_test_ext().execute_with(|| {
		let operational = frame_support::dispatch::DispatchInfo {
			class: frame_support::dispatch::DispatchClass::Operational,
			..Default::default()
		};
		assert_eq!(admit_with(2, &remark(), &operational, 10), refused(Refusal::CallNotForSigner));
		assert_eq!(admit_with(2, &propose(), &operational, 10), Ok(()));
	});
}

#[test]
fn an_enterprise_has_one_budget_for_all_its_controllers() {
	new_test_ext().execute_with(|| {
		// Three transactions a block for the enterprise, whichever controller signs them.
		assert_eq!(validate(ENTERPRISE_CONTROLLER), Ok(()));
		assert_eq!(validate(OTHER_CONTROLLER), Ok(()));
		assert_eq!(validate(ENTERPRISE_CONTROLLER), Ok(()));
		assert_eq!(validate(OTHER_CONTROLLER), Err(InvalidTransaction::ExhaustsResources));
		assert_eq!(validate(2), Ok(()), "an institution's budget is its own");
		System::set_block_number(2);
		assert_eq!(validate(OTHER_CONTROLLER), Ok(()), "the budget is per block");
		let spent = SpentInBlock::<Test>::get(BudgetHolder::Enterprise(enterprise_code()));
		assert_eq!(spent, Some((2, Usage { transactions: 1, bytes: 10, ref_time: 0 })));
	});
}

#[test]
fn an_enterprise_budget_counts_bytes_and_weight() {
	new_test_ext().execute_with(|| {
		let (e, call) = (ENTERPRISE_CONTROLLER, enterprise_call());
		let none = Default::default();
		// 100 bytes a transaction, 250 a block.
		assert_eq!(admit_with(e, &call, &none, 101), refused(Refusal::TransactionTooLong));
		assert_eq!(admit_with(e, &call, &none, 100), Ok(()));
		assert_eq!(admit_with(e, &call, &none, 100), Ok(()));
		assert_eq!(admit_with(e, &call, &none, 51), Err(InvalidTransaction::ExhaustsResources));
		assert_eq!(admit_with(e, &call, &none, 50), Ok(()));
		System::set_block_number(2);
		// A millionth of a block's weight a block.
		let most = enterprise_weight_per_block();
		assert!(most > 0);
		let heavy = weighing(most + 1);
		assert_eq!(admit_with(e, &call, &heavy, 10), refused(Refusal::TransactionTooHeavy));
		let (most_of_it, the_rest) = (most * 3 / 5, most - most * 3 / 5);
		assert_eq!(admit_with(e, &call, &weighing(most_of_it), 10), Ok(()));
		assert_eq!(
			admit_with(e, &call, &weighing(most_of_it), 10),
			Err(InvalidTransaction::ExhaustsResources)
		);
		assert_eq!(admit_with(e, &call, &weighing(the_rest), 10), Ok(()));
	});
}

#[test]
fn an_institution_has_one_budget_for_its_accounts() {
	new_test_ext().execute_with(|| {
		// Five a block for institution 2, by its governance account (2) or validator (20).
		for _ in 0..3 {
			assert_eq!(validate(2), Ok(()));
		}
		assert_eq!(validate(20), Ok(()));
		assert_eq!(validate(20), Ok(()));
		assert_eq!(validate(2), Err(InvalidTransaction::ExhaustsResources));
		assert_eq!(validate(3), Ok(()), "the budget is per institution");
	});
}

#[test]
fn a_call_is_charged_the_path_its_signers_take() {
	let check = CheckMembership::<Test>::new();
	assert_eq!(check.weight(&enterprise_call()), <() as WeightInfo>::check_enterprise_membership());
	assert_eq!(check.weight(&remark()), <() as WeightInfo>::check_institution_membership());
	assert_eq!(check.weight(&propose()), <() as WeightInfo>::check_institution_membership());
	assert_eq!(check.weight(&set_keys(20)), <() as WeightInfo>::check_validator_membership());
}

#[test]
fn the_budget_entry_is_charged_once_a_block() {
	use sp_runtime::traits::DispatchTransaction;
	new_test_ext().execute_with(|| {
		let call = remark();
		let check = CheckMembership::<Test>::new();
		let info = frame_support::dispatch::DispatchInfo {
			extension_weight: check.weight(&call),
			..Default::default()
		};
		let charged = |who| {
			CheckMembership::<Test>::new()
				.dispatch_transaction(RuntimeOrigin::signed(who), call.clone(), &info, 10, 0)
				.expect("admitted")
				.expect("dispatched")
				.actual_weight
				.expect("weighed")
		};
		let write = <Test as frame_system::Config>::DbWeight::get().writes(1);
		assert!(write.ref_time() > 0);
		let full = info.total_weight();
		assert_eq!(charged(2), full, "the institution's first transaction in the block");
		assert_eq!(charged(2), full - write, "its second writes the same entry");
		assert_eq!(charged(3), full, "another institution's first");
		System::set_block_number(2);
		assert_eq!(charged(2), full, "the first in the next block");
	});
}

#[test]
fn the_pool_orders_by_role() {
	new_test_ext().execute_with(|| {
		assert_eq!(pool_view(ENTERPRISE_CONTROLLER, &enterprise_call()), (1, 8));
		assert_eq!(pool_view(2, &remark()), (10, 16));
		assert_eq!(pool_view(2, &propose()), (GOVERNANCE_PRIORITY, 16));
	});
}

#[test]
fn each_block_clears_budgets_spent_before_it() {
	use frame_support::traits::Hooks;
	let mut ext = new_test_ext();
	ext.execute_with(|| {
		for id in 0..6 {
			SpentInBlock::<Test>::insert(BudgetHolder::Institution(id), (1, Usage::default()));
		}
	});
	// As on a chain: the budgets of block 1 are in the database when block 2 begins.
	ext.commit_all().expect("commits");
	ext.execute_with(|| {
		System::set_block_number(2);
		// Four a block in the mock.
		let weight = Institutions::on_initialize(2);
		assert_eq!(weight, <() as WeightInfo>::clear_spent_budgets(4));
		assert_eq!(SpentInBlock::<Test>::iter().count(), 2);
	});
	ext.commit_all().expect("commits");
	ext.execute_with(|| {
		Institutions::on_initialize(3);
		assert_eq!(SpentInBlock::<Test>::iter().count(), 0);
	});
}

#[test]
fn the_registry_never_reaps_an_account_it_provided_for() {
	new_test_ext().execute_with(|| {
		frame_system::Pallet::<Test>::inc_account_nonce(4);
		frame_system::Pallet::<Test>::inc_account_nonce(4);
		assert_ok!(Institutions::remove(council(3, 4), 3));
		assert!(frame_system::Pallet::<Test>::account_exists(&4));
		assert_eq!(frame_system::Pallet::<Test>::account_nonce(4), 2, "no nonce is reused");
		// Admitted again under a new number, the account keeps its nonce and one provider.
		let mut again = application(4, Role::Regulator);
		again.uscc = uscc(9);
		again.node = vec![9; 38];
		assert_ok!(Institutions::admit(council(3, 3), Box::new(again)));
		assert_eq!(frame_system::Pallet::<Test>::account_nonce(4), 2);
		assert_eq!(frame_system::Pallet::<Test>::providers(&4), 1);
	});
}

#[test]
fn version_1_forgets_per_account_counts_and_unvoted_nodes() {
	new_test_ext().execute_with(|| {
		use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
		StorageVersion::new(0).put::<Institutions>();
		for who in [2, 77, 99] {
			migrations::v1::TransactionsInBlock::<Test>::insert(who, (1, 5));
		}
		UNVOTED.with(|u| *u.borrow_mut() = 3);
		migrations::v1::MigrateToV1::<Test>::on_runtime_upgrade();
		assert_eq!(migrations::v1::TransactionsInBlock::<Test>::iter().count(), 0);
		assert_eq!(UNVOTED.with(|u| *u.borrow()), 0, "claims and connections forgotten");
		assert_eq!(Institutions::on_chain_storage_version(), 1);
		// Once only.
		UNVOTED.with(|u| *u.borrow_mut() = 3);
		migrations::v1::MigrateToV1::<Test>::on_runtime_upgrade();
		assert_eq!(UNVOTED.with(|u| *u.borrow()), 3);
	});
}

#[test]
fn the_session_length_comes_from_genesis() {
	new_test_ext().execute_with(|| {
		assert_eq!(<SessionLengthOf<Test> as frame_support::traits::Get<u64>>::get(), 5);
	});
}

#[test]
fn a_validator_without_keys_is_left_out() {
	new_test_ext().execute_with(|| {
		assert_ok!(Institutions::admit(council(3, 4), Box::new(application(5, Role::Bank))));
		assert_eq!(Institutions::new_session(1), Some(vec![10, 20, 30, 40]));
		give_keys(50);
		assert_eq!(Institutions::new_session(2), Some(vec![10, 20, 30, 40, 50]));
	});
}

#[test]
fn sessions_rotate_the_validator_set_two_sessions_after_a_decision() {
	new_test_ext().execute_with(|| {
		use frame_support::traits::Hooks;
		let run_to = |n: u64| {
			while System::block_number() < n {
				let next = System::block_number() + 1;
				System::set_block_number(next);
				Session::on_initialize(next);
			}
		};
		assert_eq!(Session::validators(), vec![10, 20, 30, 40]);
		admit(5, Role::Bank);
		// Sessions are 5 blocks: the decision is queued at the next boundary and active at the
		// one after.
		run_to(5);
		assert_eq!(Session::validators(), vec![10, 20, 30, 40]);
		run_to(10);
		assert_eq!(Session::validators(), vec![10, 20, 30, 40, 50]);
		assert_ok!(Institutions::remove(council(4, 5), 4));
		run_to(15);
		assert!(Session::validators().contains(&50));
		run_to(20);
		assert_eq!(Session::validators(), vec![10, 20, 30, 40]);
	});
}

#[test]
fn the_invariants_catch_a_lookup_or_a_council_that_went_wrong() {
	new_test_ext().execute_with(|| {
		let id = admit(5, Role::Bank);
		assert_ok!(Institutions::set_validator(council(3, 4), id, 177));
		assert_eq!(Institutions::do_try_state(), Ok(()));
		ByValidator::<Test>::insert(178, id);
		assert!(Institutions::do_try_state().is_err(), "a lookup of an account the bank gave up");
		ByValidator::<Test>::remove(178);
		assert_eq!(Institutions::do_try_state(), Ok(()));
		pallet_collective::Members::<Test, pallet_collective::Instance1>::mutate(|m| {
			m.retain(|a| *a != 5)
		});
		assert!(Institutions::do_try_state().is_err(), "an active bank off the council");
	});
}
