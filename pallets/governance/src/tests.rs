//! The council reaches root for the calls the runtime allows, nobody else does, a failing inner
//! call is reported, and one member cannot hold more than its share of open motions.

use crate::{mock::*, Error, Event, ProposalSlot};
use frame_support::{assert_noop, assert_ok, traits::Consideration};
use sp_runtime::DispatchError;

/// A call only `Root` may make: it sets a storage item the test can read back.
fn root_only_call(value: &[u8]) -> Box<RuntimeCall> {
	Box::new(RuntimeCall::System(frame_system::Call::set_storage {
		items: vec![(b"governance-test".to_vec(), value.to_vec())],
	}))
}

#[test]
fn the_council_dispatches_as_root() {
	new_test_ext().execute_with(|| {
		assert_ok!(Governance::dispatch_as_root(RuntimeOrigin::signed(1), root_only_call(b"yes")));
		assert_eq!(sp_io::storage::get(b"governance-test").as_deref(), Some(&b"yes"[..]));
		System::assert_last_event(Event::DispatchedAsRoot { result: Ok(()) }.into());
	});
}

#[test]
fn nobody_else_does() {
	new_test_ext().execute_with(|| {
		for origin in [RuntimeOrigin::signed(2), RuntimeOrigin::none()] {
			assert_noop!(
				Governance::dispatch_as_root(origin, root_only_call(b"no")),
				DispatchError::BadOrigin
			);
		}
		assert_eq!(sp_io::storage::get(b"governance-test"), None);
	});
}

#[test]
fn a_failing_inner_call_is_reported_and_the_motion_stands() {
	new_test_ext().execute_with(|| {
		// `remark_with_event` needs a signed origin, which Root is not.
		let needs_signed = Box::new(RuntimeCall::System(frame_system::Call::remark_with_event {
			remark: vec![1],
		}));
		assert_ok!(Governance::dispatch_as_root(RuntimeOrigin::signed(1), needs_signed));
		System::assert_last_event(
			Event::DispatchedAsRoot { result: Err(DispatchError::BadOrigin) }.into(),
		);
	});
}

#[test]
fn a_call_not_listed_for_root_is_refused() {
	new_test_ext().execute_with(|| {
		let not_listed = Box::new(RuntimeCall::System(frame_system::Call::kill_storage {
			keys: vec![b"governance-test".to_vec()],
		}));
		sp_io::storage::set(b"governance-test", b"kept");
		assert_noop!(
			Governance::dispatch_as_root(RuntimeOrigin::signed(1), not_listed),
			Error::<Test>::CallNotForRoot
		);
		assert_eq!(sp_io::storage::get(b"governance-test").as_deref(), Some(&b"kept"[..]));
	});
}

/// Proposes a motion for `who` as the council pallet would: the slot first, then the motion.
fn propose(who: u64) -> Result<(), sp_runtime::DispatchError> {
	let slot = <ProposalSlot<Test> as Consideration<u64, u32>>::new(&who, 0)?;
	MOTIONS.with_borrow_mut(|motions| motions.push((who, true)));
	let _ = slot;
	Ok(())
}

#[test]
fn a_member_holds_at_most_its_share_of_open_motions() {
	new_test_ext().execute_with(|| {
		assert_ok!(propose(7));
		assert_ok!(propose(7));
		assert_eq!(propose(7), Err(Error::<Test>::TooManyOpenMotions.into()));
		assert_ok!(propose(8)); // other members still may
						  // Closing one of 7's motions frees its slot, and the closed one is forgotten.
		MOTIONS.with_borrow_mut(|motions| motions[0].1 = false);
		assert_ok!(propose(7));
		assert_eq!(MOTIONS.with_borrow(|motions| motions.len()), 3, "the closed one is forgotten");
	});
}
