//! Who may sign which call: the chain's call sets by role.
//!
//! There is no fee on this chain, so a call that fails at dispatch still costs every node its
//! block space for free. The membership check (`pallet_institutions::CheckMembership`) therefore
//! refuses, when the pool first sees it, a call that its signer has no business signing. Each
//! pallet says who may sign its calls ([`SignedBy`] on its `Call`), the runtime says it of the
//! FRAME pallets' calls, and [`Signer::may_sign`] is the one rule that matches the two.

use crate::{institution::Role, Uscc};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Who may sign a call.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Signers {
	/// A controller of a registered enterprise. The call's pallet acts for the controller's own
	/// enterprise and no other.
	Enterprise,
	/// The governance account of an active institution of this role.
	Institution(Role),
	/// The governance account of an active institution of any role.
	AnyInstitution,
	/// A council member (an active institution's governance account), on the council's own
	/// business: proposing, voting, closing a motion. The only signed calls that may use the
	/// operational share of a block, which is kept for governance.
	CouncilMember,
	/// An active institution's validator account, or its governance account: session keys.
	Validator,
	/// No signer: the call is for `Root` (which only a council motion reaches), for inherents or
	/// for unsigned transactions.
	Nobody,
}

/// Who may sign this call.
pub trait SignedBy {
	fn signers(&self) -> Signers;
}

/// A signer as the membership check sees it: which institution or enterprise it acts for.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum Signer {
	/// The governance account of the active institution numbered `id`.
	Institution { id: u32, role: Role },
	/// The validator account (and not the governance account) of the active institution `id`.
	Validator { id: u32, role: Role },
	/// A controller of this registered enterprise.
	Enterprise(Uscc),
}

impl Signer {
	/// Whether this signer may sign a call that `signers` may sign.
	pub fn may_sign(&self, signers: Signers) -> bool {
		match (self, signers) {
			(_, Signers::Nobody) => false,
			(Signer::Enterprise(_), Signers::Enterprise) => true,
			(Signer::Institution { role, .. }, Signers::Institution(wanted)) => *role == wanted,
			(
				Signer::Institution { .. },
				Signers::AnyInstitution | Signers::CouncilMember | Signers::Validator,
			) => true,
			(Signer::Validator { .. }, Signers::Validator) => true,
			_ => false,
		}
	}

	/// Whose budget this signer's transactions count against: an institution's for all its
	/// accounts, an enterprise's for all its controllers together.
	pub fn budget_holder(&self) -> BudgetHolder {
		match self {
			Signer::Institution { id, .. } | Signer::Validator { id, .. } => {
				BudgetHolder::Institution(*id)
			}
			Signer::Enterprise(code) => BudgetHolder::Enterprise(*code),
		}
	}

	/// The role of the institution this signer acts for; `None` for an enterprise.
	pub fn role(&self) -> Option<Role> {
		match self {
			Signer::Institution { role, .. } | Signer::Validator { role, .. } => Some(*role),
			Signer::Enterprise(_) => None,
		}
	}
}

/// Who a block's budget is kept for.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum BudgetHolder {
	/// The institution numbered so, with all its accounts.
	Institution(u32),
	/// The enterprise with this code, with all its controllers.
	Enterprise(Uscc),
}

#[cfg(test)]
mod tests {
	use super::*;

	fn enterprise() -> Signer {
		let code = Uscc::parse(b"91350100M000100Y43").expect("a valid code");
		Signer::Enterprise(code)
	}

	#[test]
	fn an_enterprise_signs_only_enterprise_calls() {
		let e = enterprise();
		assert!(e.may_sign(Signers::Enterprise));
		for other in [
			Signers::Institution(Role::Bank),
			Signers::AnyInstitution,
			Signers::CouncilMember,
			Signers::Validator,
			Signers::Nobody,
		] {
			assert!(!e.may_sign(other), "{other:?}");
		}
	}

	#[test]
	fn an_institution_signs_its_role_and_the_council_calls() {
		let bank = Signer::Institution { id: 1, role: Role::Bank };
		assert!(bank.may_sign(Signers::Institution(Role::Bank)));
		assert!(!bank.may_sign(Signers::Institution(Role::TaxAuthority)));
		assert!(bank.may_sign(Signers::AnyInstitution));
		assert!(bank.may_sign(Signers::CouncilMember));
		assert!(bank.may_sign(Signers::Validator));
		assert!(!bank.may_sign(Signers::Enterprise));
		assert!(!bank.may_sign(Signers::Nobody));
	}

	#[test]
	fn a_validator_account_only_sets_keys() {
		let validator = Signer::Validator { id: 1, role: Role::TaxAuthority };
		assert!(validator.may_sign(Signers::Validator));
		for other in [
			Signers::Institution(Role::TaxAuthority),
			Signers::AnyInstitution,
			Signers::CouncilMember,
			Signers::Enterprise,
		] {
			assert!(!validator.may_sign(other), "{other:?}");
		}
	}

	#[test]
	fn budgets_are_per_institution_and_per_enterprise() {
		assert_eq!(
			Signer::Validator { id: 3, role: Role::Bank }.budget_holder(),
			Signer::Institution { id: 3, role: Role::Bank }.budget_holder()
		);
		assert!(matches!(enterprise().budget_holder(), BudgetHolder::Enterprise(_)));
	}
}
