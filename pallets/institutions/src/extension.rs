//! Admission of signed transactions by membership, role and budget.

use crate::{Budget, Config, SpentInBlock, Usage, WeightInfo};
use banktax_primitives::{SignedBy, Signer, Signers};
use codec::{Decode, DecodeWithMemTracking, Encode};
use core::marker::PhantomData;
use frame_support::{
	dispatch::{DispatchClass, DispatchInfo, PostDispatchInfo},
	pallet_prelude::TransactionSource,
	traits::{Get, OriginTrait},
	DefaultNoBound,
};
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;
use sp_runtime::{
	traits::{
		DispatchInfoOf, Dispatchable, PostDispatchInfoOf, TransactionExtension,
		UniqueSaturatedInto, ValidateResult,
	},
	transaction_validity::{InvalidTransaction, TransactionValidityError, ValidTransaction},
	DispatchResult, Weight,
};

/// Why [`CheckMembership`] refused a member's transaction for good: the code of the
/// `InvalidTransaction::Custom` error that clients see (polkadot.js: "Custom error: 1").
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub enum Refusal {
	/// The signer's role may not sign this call (e.g. an enterprise's `system.remark`, anyone's
	/// `nodeAuthorization` call).
	CallNotForSigner = 1,
	/// The transaction is longer than the signer's budget allows one transaction to be.
	TransactionTooLong = 2,
	/// The transaction alone weighs more than the signer's budget allows a whole block.
	TransactionTooHeavy = 3,
}

impl Refusal {
	/// The refusal a client was given as `InvalidTransaction::Custom(code)`.
	pub fn from_code(code: u8) -> Option<Self> {
		[Self::CallNotForSigner, Self::TransactionTooLong, Self::TransactionTooHeavy]
			.into_iter()
			.find(|refusal| *refusal as u8 == code)
	}

	/// What it means, in words for the people who sent the transaction.
	pub fn meaning(self) -> &'static str {
		match self {
			Self::CallNotForSigner => "the signer's role may not sign this call",
			Self::TransactionTooLong => {
				"the transaction is longer than the signer's budget allows one transaction to be"
			}
			Self::TransactionTooHeavy => {
				"the transaction alone weighs more than the signer's budget allows a whole block"
			}
		}
	}
}

impl From<Refusal> for TransactionValidityError {
	fn from(refusal: Refusal) -> Self {
		InvalidTransaction::Custom(refusal as u8).into()
	}
}

/// Lets a signed transaction through only if its signer is a member who may sign its call, and
/// only while the signer's institution or enterprise stays within its budget for the block.
///
/// There is no fee on this chain, so membership, call sets and budgets are what keep block
/// space, pool space and state for its users. The checks run when the transaction pool
/// validates a transaction, before it takes any block space, and again when a block applies it:
///
/// - a signer that is not a member: [`InvalidTransaction::BadSigner`], and the pool drops it;
/// - a call the signer's role may not sign (see [`banktax_primitives::Signers`]), a
///   transaction longer than its budget's [`Budget::max_transaction_len`] or heavier than its
///   whole per-block budget: [`InvalidTransaction::Custom`] with a [`Refusal`] code, dropped;
/// - a transaction that would take its institution or enterprise (all its accounts together)
///   over its budget for the block being built (transactions, bytes, weight: [`Budget`]): [`InvalidTransaction::ExhaustsResources`], and it waits for a later block. The
///   pool sees only chain state, not the other pooled transactions, so this is counted when a
///   block applies them ([`SpentInBlock`]).
///
/// A transaction that passes gets its budget's priority (council business:
/// [`Config::GovernancePriority`]) and its role's longevity, so that the pool orders and drops
/// by role.
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

/// What `validate` hands to `prepare`: the budget to charge, what it will have spent, and
/// whether it had spent anything in this block before.
pub enum Charge<BlockNumber> {
	Signed {
		holder: banktax_primitives::BudgetHolder,
		block: BlockNumber,
		spent: Usage,
		first_in_block: bool,
	},
	NotSigned,
}

impl<T: Config + Send + Sync> CheckMembership<T>
where
	T::RuntimeCall: SignedBy,
{
	/// What `holder` has spent of the block being built or applied; `None`: nothing yet.
	fn spent(holder: &banktax_primitives::BudgetHolder) -> (BlockNumberFor<T>, Option<Usage>) {
		let now = frame_system::Pallet::<T>::block_number();
		match SpentInBlock::<T>::get(holder) {
			Some((block, spent)) if block == now => (now, Some(spent)),
			_ => (now, None),
		}
	}

	/// The admission rules, in the order a refused signer is told about them.
	fn admit(
		signer: &Signer,
		signers: Signers,
		class: DispatchClass,
		len: usize,
		ref_time: u64,
	) -> Result<(Budget, u64, Usage), TransactionValidityError> {
		if !signer.may_sign(signers) {
			return Err(Refusal::CallNotForSigner.into());
		}
		// The operational share of a block is kept for governance.
		if class == DispatchClass::Operational && signers != Signers::CouncilMember {
			return Err(Refusal::CallNotForSigner.into());
		}
		let (budget, longevity) = crate::Pallet::<T>::budget(signer);
		if len > budget.max_transaction_len as usize {
			return Err(Refusal::TransactionTooLong.into());
		}
		let max_block = T::BlockWeights::get().max_block.ref_time();
		let per_block = budget.per_block(max_block);
		if ref_time > per_block.ref_time {
			return Err(Refusal::TransactionTooHeavy.into());
		}
		Ok((budget, longevity.unique_saturated_into(), per_block))
	}
}

impl<T: Config + Send + Sync> TransactionExtension<T::RuntimeCall> for CheckMembership<T>
where
	T::RuntimeCall: SignedBy + Dispatchable<Info = DispatchInfo, PostInfo = PostDispatchInfo>,
{
	const IDENTIFIER: &'static str = "CheckMembership";
	type Implicit = ();
	type Val = Charge<BlockNumberFor<T>>;
	/// The weight to give back after dispatch: see `prepare`.
	type Pre = Weight;

	/// The call says who may sign it, and so which path the check takes: an enterprise's call
	/// looks the controller up first; a call only governance accounts sign finds its signer by
	/// the first lookup; a call a validator account may sign may need the second.
	fn weight(&self, call: &T::RuntimeCall) -> Weight {
		match call.signers() {
			Signers::Enterprise => T::WeightInfo::check_enterprise_membership(),
			Signers::Institution(_) | Signers::AnyInstitution | Signers::CouncilMember => {
				T::WeightInfo::check_institution_membership()
			}
			Signers::Validator | Signers::Nobody => T::WeightInfo::check_validator_membership(),
		}
	}

	fn validate(
		&self,
		origin: T::RuntimeOrigin,
		call: &T::RuntimeCall,
		info: &DispatchInfoOf<T::RuntimeCall>,
		len: usize,
		_self_implicit: Self::Implicit,
		_inherited_implication: &impl Encode,
		_source: TransactionSource,
	) -> ValidateResult<Self::Val, T::RuntimeCall> {
		let Some(who) = origin.as_signer() else {
			return Ok((ValidTransaction::default(), Charge::NotSigned, origin));
		};
		let signers = call.signers();
		let signer =
			crate::Pallet::<T>::signer_for(who, signers).ok_or(InvalidTransaction::BadSigner)?;
		let ref_time = info.total_weight().ref_time();
		let (budget, longevity, per_block) =
			Self::admit(&signer, signers, info.class, len, ref_time)?;
		let holder = signer.budget_holder();
		let (block, spent) = Self::spent(&holder);
		let first_in_block = spent.is_none();
		let bytes = u32::try_from(len).map_err(|_| Refusal::TransactionTooLong)?;
		let spent = spent
			.unwrap_or_default()
			.with(bytes, ref_time)
			.filter(|after| after.within(&per_block))
			.ok_or(InvalidTransaction::ExhaustsResources)?;
		let priority = match signers {
			Signers::CouncilMember => T::GovernancePriority::get(),
			_ => budget.priority,
		};
		let valid = ValidTransaction { priority, longevity, ..Default::default() };
		Ok((valid, Charge::Signed { holder, block, spent, first_in_block }, origin))
	}

	/// Records what the budget has spent. The weight charged for it is a database write, which
	/// a block pays once for each key it changes: the first of a holder's transactions in a
	/// block pays it, and the others get it back after dispatch, so that an institution's bulk
	/// work pays for the block's budget entry once, not once a transaction.
	fn prepare(
		self,
		val: Self::Val,
		_origin: &T::RuntimeOrigin,
		_call: &T::RuntimeCall,
		_info: &DispatchInfoOf<T::RuntimeCall>,
		_len: usize,
	) -> Result<Self::Pre, TransactionValidityError> {
		let Charge::Signed { holder, block, spent, first_in_block } = val else {
			return Ok(Weight::zero());
		};
		SpentInBlock::<T>::insert(holder, (block, spent));
		Ok(if first_in_block { Weight::zero() } else { T::DbWeight::get().writes(1) })
	}

	fn post_dispatch_details(
		refund: Self::Pre,
		_info: &DispatchInfoOf<T::RuntimeCall>,
		_post_info: &PostDispatchInfoOf<T::RuntimeCall>,
		_len: usize,
		_result: &DispatchResult,
	) -> Result<Weight, TransactionValidityError> {
		Ok(refund)
	}
}
