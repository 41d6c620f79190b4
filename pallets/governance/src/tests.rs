//! The council reaches root, nobody else does, and a failing inner call is reported.

use crate::{mock::*, Event};
use frame_support::{assert_noop, assert_ok};
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
