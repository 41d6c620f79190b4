//! # Governance
//!
//! How the institutions' council does what only `Root` may do.
//!
//! FRAME reserves some operations for the `Root` origin: replacing the runtime
//! (`System::authorize_upgrade`, `System::set_code`), telling GRANDPA that finality has stalled
//! (`Grandpa::note_stalled`), and a few more. On BankTax Chain no key is `Root`. Instead, a
//! council motion that passes with [`Config::CouncilOrigin`] (two thirds of the institutions, in
//! the runtime) may dispatch a call as `Root` with [`Pallet::dispatch_as_root`].
//!
//! A runtime upgrade therefore takes a motion to run
//! `Governance::dispatch_as_root(System::authorize_upgrade(hash of the new code))`, after which
//! anyone may submit the code itself with `System::apply_authorized_upgrade`: the motion carries a
//! 32-byte hash, not a megabyte of wasm.
//!
//! **What a motion may do as `Root`.** Only the calls the runtime lists ([`Config::RootCalls`]):
//! the runtime upgrade and GRANDPA's stall note. Everything else the council decides
//! (institutions, validators, nodes) goes through the pallets that keep their invariants, so no
//! motion can, say, write storage directly and leave the chain without a tax authority or
//! validators. The runtime upgrade is the one override: a new runtime may change anything, which
//! is why it takes the same two-thirds motion.
//!
//! **Open motions per member.** Without a deposit, one member could fill every proposal slot
//! the council has and leave none for a motion to suspend it. [`ProposalSlot`] is the council's
//! proposal "consideration": it holds nothing, but refuses a proposal from a member who already
//! has [`Config::MaxOpenMotionsPerMember`] motions open, with [`Error::TooManyOpenMotions`].
//!
//! ## Calls
//!
//! | call | who may call | emits |
//! | --- | --- | --- |
//! | [`dispatch_as_root`](Pallet::dispatch_as_root) | the council, by motion | [`Event::DispatchedAsRoot`] |
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod motions;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use motions::{CouncilMotions, ProposalSlot};
pub use pallet::*;
pub use weights::WeightInfo;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::boxed::Box;
	use frame_support::{
		dispatch::{GetDispatchInfo, PostDispatchInfo},
		pallet_prelude::*,
		traits::{Contains, UnfilteredDispatchable},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::Dispatchable;

	/// Version 0: the pallet keeps nothing of its own (the council's motions are in
	/// `pallet_collective`); declared so that a first storage item comes with a migration.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// A call this pallet can dispatch.
		type RuntimeCall: Parameter
			+ Dispatchable<RuntimeOrigin = Self::RuntimeOrigin, PostInfo = PostDispatchInfo>
			+ GetDispatchInfo
			+ UnfilteredDispatchable<RuntimeOrigin = Self::RuntimeOrigin>;

		/// The council deciding by motion: two thirds of the institutions, in the runtime.
		type CouncilOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The calls a motion may dispatch as `Root`: those FRAME keeps for `Root` and no pallet
		/// offers the council otherwise.
		type RootCalls: Contains<<Self as Config>::RuntimeCall>;

		/// The council's motions, as far as this pallet needs to know them.
		type Motions: CouncilMotions<Self::AccountId>;

		/// How many open motions one council member may have proposed.
		#[pallet::constant]
		type MaxOpenMotionsPerMember: Get<u32>;

		type WeightInfo: WeightInfo;
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			let per_member = T::MaxOpenMotionsPerMember::get();
			assert!(per_member > 0, "a member must be able to propose");
			assert!(
				per_member < T::Motions::most(),
				"one member must not fill the council's slots"
			);
		}
	}

	#[pallet::error]
	pub enum Error<T> {
		/// A motion may not dispatch this call as `Root`: it goes through the pallet that keeps
		/// its rules (e.g. `Institutions`), or nowhere.
		CallNotForRoot,
		/// The member already has `MaxOpenMotionsPerMember` motions open: close one first.
		TooManyOpenMotions,
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// The council dispatched a call as `Root`, with this outcome.
		DispatchedAsRoot { result: DispatchResult },
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Dispatches `call` with the `Root` origin.
		///
		/// Origin: [`Config::CouncilOrigin`]; `call` must be one of [`Config::RootCalls`]
		/// ([`Error::CallNotForRoot`]). Emits [`Event::DispatchedAsRoot`] with the inner call's
		/// result; the motion itself succeeds either way, so the record of what the council
		/// decided stays on chain even when the call fails.
		#[pallet::call_index(0)]
		#[pallet::weight({
			let inner = call.get_dispatch_info();
			(T::WeightInfo::dispatch_as_root().saturating_add(inner.call_weight), inner.class)
		})]
		pub fn dispatch_as_root(
			origin: OriginFor<T>,
			call: Box<<T as Config>::RuntimeCall>,
		) -> DispatchResultWithPostInfo {
			T::CouncilOrigin::ensure_origin(origin)?;
			ensure!(T::RootCalls::contains(&call), Error::<T>::CallNotForRoot);
			let outcome = call.dispatch_bypass_filter(frame_system::RawOrigin::Root.into());
			let actual = outcome
				.map(|post| post.actual_weight)
				.unwrap_or_else(|failure| failure.post_info.actual_weight);
			Self::deposit_event(Event::DispatchedAsRoot {
				result: outcome.map(|_| ()).map_err(|failure| failure.error),
			});
			Ok(actual.map(|w| w.saturating_add(T::WeightInfo::dispatch_as_root())).into())
		}
	}
}
