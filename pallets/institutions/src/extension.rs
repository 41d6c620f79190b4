//! Admission of signed transactions by membership.

use crate::{Config, TransactionsInBlock, WeightInfo};
use codec::{Decode, DecodeWithMemTracking, Encode};
use core::marker::PhantomData;
use frame_support::{
	pallet_prelude::TransactionSource,
	traits::{Contains, Get, OriginTrait},
	DefaultNoBound,
};
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;
use sp_runtime::{
	traits::{DispatchInfoOf, PostDispatchInfoOf, TransactionExtension, ValidateResult},
	transaction_validity::{InvalidTransaction, TransactionValidityError, ValidTransaction},
	DispatchResult, Weight,
};

/// Lets a signed transaction through only if its signer is a member
/// ([`Config::TransactionMembers`]), and at most [`Config::MaxTransactionsPerBlock`] of one
/// signer's transactions into a block ([`Config::MaxInstitutionTransactionsPerBlock`] if the
/// signer is an active institution).
///
/// There is no fee on this chain, so membership and quotas are what keep block space for its
/// users. The checks run when the transaction pool validates a transaction, before it takes any
/// block space:
///
/// - a signer that is not a member: [`InvalidTransaction::BadSigner`], and the pool drops it;
/// - a signer over its quota in the block being built: [`InvalidTransaction::ExhaustsResources`],
///   and the transaction waits for a later block.
///
/// Unsigned transactions and inherents are not this extension's business.
#[derive(Encode, Decode, DecodeWithMemTracking, DefaultNoBound, Clone, Eq, PartialEq, TypeInfo)]
#[scale_info(skip_type_params(T))]
pub struct CheckMembership<T>(PhantomData<T>);

impl<T> CheckMembership<T> {
	pub fn new() -> Self {
		Self(PhantomData)
	}
}

impl<T> core::fmt::Debug for CheckMembership<T> {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		write!(f, "CheckMembership")
	}
}

/// What `validate` hands to `prepare`: the signer whose count to raise, and the count so far.
pub enum Counted<AccountId, BlockNumber> {
	Signed { who: AccountId, block: BlockNumber, count: u32 },
	NotSigned,
}

impl<T: Config + Send + Sync> CheckMembership<T> {
	/// How many of `who`'s transactions a block may hold.
	fn quota(who: &T::AccountId) -> u32 {
		match <crate::Pallet<T> as banktax_primitives::InstitutionInspect<_>>::active_role(who) {
			Some(_) => T::MaxInstitutionTransactionsPerBlock::get(),
			None => T::MaxTransactionsPerBlock::get(),
		}
	}

	/// The signer's transactions in the current block so far.
	fn count_in_block(who: &T::AccountId) -> (BlockNumberFor<T>, u32) {
		let now = frame_system::Pallet::<T>::block_number();
		match TransactionsInBlock::<T>::get(who) {
			Some((block, count)) if block == now => (now, count),
			_ => (now, 0),
		}
	}
}

impl<T: Config + Send + Sync> TransactionExtension<T::RuntimeCall> for CheckMembership<T> {
	const IDENTIFIER: &'static str = "CheckMembership";
	type Implicit = ();
	type Val = Counted<T::AccountId, BlockNumberFor<T>>;
	type Pre = ();

	fn weight(&self, _: &T::RuntimeCall) -> Weight {
		T::WeightInfo::check_membership()
	}

	fn validate(
		&self,
		origin: T::RuntimeOrigin,
		_call: &T::RuntimeCall,
		_info: &DispatchInfoOf<T::RuntimeCall>,
		_len: usize,
		_self_implicit: Self::Implicit,
		_inherited_implication: &impl Encode,
		_source: TransactionSource,
	) -> ValidateResult<Self::Val, T::RuntimeCall> {
		let Some(who) = origin.as_signer() else {
			return Ok((ValidTransaction::default(), Counted::NotSigned, origin));
		};
		if !T::TransactionMembers::contains(who) {
			return Err(InvalidTransaction::BadSigner.into());
		}
		let (block, count) = Self::count_in_block(who);
		if count >= Self::quota(who) {
			return Err(InvalidTransaction::ExhaustsResources.into());
		}
		let val = Counted::Signed { who: who.clone(), block, count };
		Ok((ValidTransaction::default(), val, origin))
	}

	fn prepare(
		self,
		val: Self::Val,
		_origin: &T::RuntimeOrigin,
		_call: &T::RuntimeCall,
		_info: &DispatchInfoOf<T::RuntimeCall>,
		_len: usize,
	) -> Result<Self::Pre, TransactionValidityError> {
		if let Counted::Signed { who, block, count } = val {
			// `validate` checked the count against the quota; it is below `u32::MAX`.
			TransactionsInBlock::<T>::insert(who, (block, count.saturating_add(1)));
		}
		Ok(())
	}

	fn post_dispatch_details(
		_pre: Self::Pre,
		_info: &DispatchInfoOf<T::RuntimeCall>,
		_post_info: &PostDispatchInfoOf<T::RuntimeCall>,
		_len: usize,
		_result: &DispatchResult,
	) -> Result<Weight, TransactionValidityError> {
		Ok(Weight::zero())
	}
}
