//! Benchmarks of the root dispatch itself, around the cheapest call there is, and of the
//! proposal slot a motion takes.

use super::*;
use alloc::{boxed::Box, vec};
use frame_benchmarking::v2::*;
use frame_support::traits::{Consideration, EnsureOrigin, Get};

#[benchmarks(where <T as Config>::RuntimeCall: From<frame_system::Call<T>>)]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn dispatch_as_root() -> Result<(), BenchmarkError> {
		let origin =
			T::CouncilOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let call: <T as Config>::RuntimeCall =
			frame_system::Call::<T>::remark { remark: vec![] }.into();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, Box::new(call));

		Ok(())
	}

	/// A member's motion takes its slot when the council holds all the motions it can: the
	/// member's allowance but one open, every other closed and not yet forgotten.
	#[benchmark]
	fn take_proposal_slot() -> Result<(), BenchmarkError> {
		let who: T::AccountId = whitelisted_caller();
		let open = T::MaxOpenMotionsPerMember::get().saturating_sub(1);
		let closed = T::Motions::most().saturating_sub(open);
		T::Motions::add_motions(&who, open, closed);

		#[block]
		{
			<ProposalSlot<T> as Consideration<T::AccountId, u32>>::new(&who, 0)
				.map_err(|_| BenchmarkError::Stop("the member's slot was refused"))?;
		}

		assert_eq!(T::Motions::open_by(&who), open);
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
