//! A "currency" that holds nothing, for `pallet-session`, which asks for one.
//!
//! `pallet-session` takes a deposit when an account first registers session keys, to make key
//! spam cost something on chains with a token. On BankTax Chain there is no token: who may
//! register keys is decided by membership in this registry, not by money. [`NoDeposit`] gives
//! `pallet-session` a fungible in which every balance and every hold is zero; with the key
//! deposit set to zero, the pallet never asks it to move anything.

use core::marker::PhantomData;
use frame_support::{
	pallet_prelude::DispatchResult,
	traits::tokens::{
		fungible::{self, Dust},
		DepositConsequence, Fortitude, Preservation, Provenance, WithdrawConsequence,
	},
};
use sp_runtime::DispatchError;

/// A fungible with no supply: every balance and every hold is zero, writes are ignored.
/// `Reason` is the runtime's hold reason.
pub struct NoDeposit<Reason>(PhantomData<Reason>);

impl<AccountId, Reason> fungible::Inspect<AccountId> for NoDeposit<Reason> {
	type Balance = u128;

	fn total_issuance() -> u128 {
		0
	}
	fn minimum_balance() -> u128 {
		0
	}
	fn total_balance(_: &AccountId) -> u128 {
		0
	}
	fn balance(_: &AccountId) -> u128 {
		0
	}
	fn reducible_balance(_: &AccountId, _: Preservation, _: Fortitude) -> u128 {
		0
	}
	fn can_deposit(_: &AccountId, _: u128, _: Provenance) -> DepositConsequence {
		DepositConsequence::Success
	}
	fn can_withdraw(_: &AccountId, amount: u128) -> WithdrawConsequence<u128> {
		if amount == 0 {
			WithdrawConsequence::Success
		} else {
			WithdrawConsequence::BalanceLow
		}
	}
}

impl<AccountId, Reason> fungible::Unbalanced<AccountId> for NoDeposit<Reason> {
	fn handle_dust(_: Dust<AccountId, Self>) {}
	fn write_balance(_: &AccountId, _: u128) -> Result<Option<u128>, DispatchError> {
		Ok(None)
	}
	fn set_total_issuance(_: u128) {}
}

impl<AccountId: Eq, Reason> fungible::Mutate<AccountId> for NoDeposit<Reason> {}

impl<AccountId, Reason> fungible::hold::Inspect<AccountId> for NoDeposit<Reason>
where
	Reason: codec::Encode + scale_info::TypeInfo + 'static,
{
	type Reason = Reason;

	fn total_balance_on_hold(_: &AccountId) -> u128 {
		0
	}
	fn balance_on_hold(_: &Reason, _: &AccountId) -> u128 {
		0
	}
}

impl<AccountId, Reason> fungible::hold::Unbalanced<AccountId> for NoDeposit<Reason>
where
	Reason: codec::Encode + scale_info::TypeInfo + 'static,
{
	fn set_balance_on_hold(_: &Reason, _: &AccountId, amount: u128) -> DispatchResult {
		if amount == 0 {
			Ok(())
		} else {
			Err(DispatchError::Token(sp_runtime::TokenError::FundsUnavailable))
		}
	}
}

impl<AccountId: Eq, Reason> fungible::hold::Mutate<AccountId> for NoDeposit<Reason> where
	Reason: codec::Encode + scale_info::TypeInfo + 'static
{
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::mock::RuntimeHoldReason;
	use frame_support::traits::tokens::Precision;
	use fungible::hold::Mutate as _;

	type Held = NoDeposit<RuntimeHoldReason>;
	const WHO: u64 = 7;

	fn reason() -> RuntimeHoldReason {
		pallet_session::HoldReason::Keys.into()
	}

	#[test]
	fn a_zero_hold_succeeds_and_leaves_nothing_held() {
		assert_eq!(Held::hold(&reason(), &WHO, 0), Ok(()));
		assert_eq!(<Held as fungible::hold::Inspect<u64>>::balance_on_hold(&reason(), &WHO), 0);
		assert_eq!(Held::release_all(&reason(), &WHO, Precision::BestEffort), Ok(0));
	}

	#[test]
	fn a_non_zero_hold_is_refused_because_nobody_has_funds() {
		assert!(Held::hold(&reason(), &WHO, 1).is_err());
		assert_eq!(<Held as fungible::Inspect<u64>>::balance(&WHO), 0);
	}
}
