//! What must hold of the registry after every block: checked by `try-runtime` on live state
//! (`try_state`) and by the unit tests.

use crate::{ByGovernance, ByNode, ByUscc, ByValidator, Config, Pallet, Registry, Status};
use banktax_primitives::Role;
use frame_support::{ensure, traits::Get};
use sp_runtime::TryRuntimeError;

impl<T: Config> Pallet<T> {
	/// Each lookup (by governance account, validator account, code and node) names an
	/// institution not removed that has that account, code or node, and every institution not
	/// removed is found by each; an active tax authority remains; the council is the active
	/// institutions.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let mut listed = 0usize;
		let mut tax_authorities = 0usize;
		for (id, institution) in Registry::<T>::iter() {
			if institution.status == Status::Removed {
				continue;
			}
			listed += 1;
			ensure!(
				ByGovernance::<T>::get(&institution.governance) == Some(id)
					&& ByValidator::<T>::get(&institution.validator) == Some(id)
					&& ByUscc::<T>::get(institution.uscc) == Some(id)
					&& ByNode::<T>::get(&institution.node) == Some(id),
				"an institution is not found by its accounts, code or node"
			);
			if institution.status == Status::Active && institution.role == Role::TaxAuthority {
				tax_authorities += 1;
			}
		}
		ensure!(
			ByGovernance::<T>::iter().count() == listed
				&& ByValidator::<T>::iter().count() == listed
				&& ByUscc::<T>::iter().count() == listed
				&& ByNode::<T>::iter().count() == listed,
			"a lookup names an institution that is removed or does not exist"
		);
		ensure!(
			listed == 0 || tax_authorities > 0,
			"no active tax authority is left to attest records"
		);
		ensure!(
			T::CouncilMembers::get() == Self::active_governance(),
			"the council is not the active institutions' governance accounts"
		);
		Ok(())
	}
}
