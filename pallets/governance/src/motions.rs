//! One member cannot fill the council's proposal slots.

use crate::{Config, Error};
use codec::{Decode, Encode, MaxEncodedLen};
use core::marker::PhantomData;
use frame_support::{
	traits::{Consideration, Get, MaybeConsideration},
	CloneNoBound, DebugNoBound, DefaultNoBound, EqNoBound, PartialEqNoBound,
};
use scale_info::TypeInfo;
use sp_runtime::DispatchError;

/// What the governance pallet needs to know of the council's motions (in the runtime:
/// `pallet-collective`'s record of who proposed what, which it keeps by [`ProposalSlot`]).
pub trait CouncilMotions<AccountId> {
	/// The most motions the council can have open at once.
	fn most() -> u32;
	/// Forgets who proposed motions that are no longer open; how many it forgot. What is left
	/// is the open motions, at most [`most`](Self::most).
	fn forget_closed() -> u32;
	/// How many of the open motions `who` proposed.
	fn open_by(who: &AccountId) -> u32;
	/// Forgets `who`'s motions, so that it may propose again (the council's benchmarks propose
	/// the most motions there can be, all from one member).
	#[cfg(feature = "runtime-benchmarks")]
	fn make_room(who: &AccountId);
	/// Records `open` open motions proposed by `who`, and `closed` closed ones not yet
	/// forgotten.
	#[cfg(feature = "runtime-benchmarks")]
	fn add_motions(who: &AccountId, open: u32, closed: u32);
}

/// A council motion's proposer, as `pallet-collective` keeps it with the motion: it holds
/// nothing (there is no token), and cannot be had by a member with
/// [`Config::MaxOpenMotionsPerMember`] motions open. Making one by other means than
/// [`Consideration::new`] gives no right to propose: the council asks for it with each motion.
#[derive(
	Encode,
	Decode,
	MaxEncodedLen,
	TypeInfo,
	CloneNoBound,
	DefaultNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
pub struct ProposalSlot<T>(PhantomData<fn() -> T>);

impl<T: Config> Consideration<T::AccountId, u32> for ProposalSlot<T> {
	fn new(who: &T::AccountId, _: u32) -> Result<Self, DispatchError> {
		T::Motions::forget_closed();
		if T::Motions::open_by(who) >= T::MaxOpenMotionsPerMember::get() {
			return Err(Error::<T>::TooManyOpenMotions.into());
		}
		Ok(Self(PhantomData))
	}

	fn update(self, _: &T::AccountId, _: u32) -> Result<Self, DispatchError> {
		Ok(self)
	}

	fn drop(self, _: &T::AccountId) -> Result<(), DispatchError> {
		Ok(())
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn ensure_successful(who: &T::AccountId, _: u32) {
		T::Motions::make_room(who);
	}
}

impl<T: Config> MaybeConsideration<T::AccountId, u32> for ProposalSlot<T> {
	/// Never: the council must keep the slot, which is how it knows who proposed what.
	fn is_none(&self) -> bool {
		false
	}
}
