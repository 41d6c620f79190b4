//! The council's glue: what a motion may do as `Root`, who proposed which motion, and what a
//! proposal costs in weight with its slot.

use super::CouncilCollective;
use crate::{weights, AccountId, Runtime, RuntimeCall};
use alloc::vec::Vec;
use frame_support::{traits::Contains, weights::Weight};
use pallet_collective::{CostOf, ProposalOf};

/// How many open motions one council member may have proposed: an institution rarely needs
/// more than a few at once (an admission, a node change, an upgrade), and with the council's
/// 64 slots a member that fills its share leaves 60 for the others.
pub const MAX_OPEN_MOTIONS_PER_MEMBER: u32 = 4;

/// The most motions the council can have open at once: sixteen members must act together to
/// fill them, more than a third of any council of up to 47 members, which can already block a
/// two-thirds motion by voting against it.
pub const MAX_MOTIONS: u32 = 64;

/// What a motion may dispatch as `Root` (`Governance::dispatch_as_root`): what FRAME keeps for
/// `Root` and the chain needs, and nothing that could go around a pallet's rules.
///
/// - a runtime upgrade, by the hash of its code (`System::authorize_upgrade`; the code itself
///   goes unsigned with `System::apply_authorized_upgrade`). A new runtime may change anything:
///   this is the one override of the chain's invariants a two-thirds motion has;
/// - `Grandpa::note_stalled`, when finality has stalled;
/// - `System::remark`: a resolution in words, on the record.
///
/// Not: storage writes and kills (`System::set_storage`, …), which could remove the last tax
/// authority or the validators; `Council::set_members`, which `Institutions` keeps; node
/// authorisations, which `Institutions` keeps by motion.
pub struct RootCalls;
impl Contains<RuntimeCall> for RootCalls {
	fn contains(call: &RuntimeCall) -> bool {
		use frame_system::Call as System;
		use pallet_grandpa::Call as Grandpa;
		matches!(
			call,
			RuntimeCall::System(
				System::authorize_upgrade { .. }
					| System::authorize_upgrade_without_checks { .. }
					| System::remark { .. }
			) | RuntimeCall::Grandpa(Grandpa::note_stalled { .. })
		)
	}
}

/// The council's motions as `pallet-collective` keeps them: it records each motion's proposer
/// with its slot (`CostOf`) until someone releases it, which nobody needs to, so closed
/// motions' entries are forgotten here, before each new motion takes its slot.
pub struct CouncilMotions;
impl pallet_governance::CouncilMotions<AccountId> for CouncilMotions {
	fn most() -> u32 {
		MAX_MOTIONS
	}

	fn forget_closed() -> u32 {
		let closed: Vec<_> = CostOf::<Runtime, CouncilCollective>::iter_keys()
			.filter(|motion| !ProposalOf::<Runtime, CouncilCollective>::contains_key(motion))
			.collect();
		for motion in &closed {
			CostOf::<Runtime, CouncilCollective>::remove(motion);
		}
		u32::try_from(closed.len()).unwrap_or(u32::MAX)
	}

	fn open_by(who: &AccountId) -> u32 {
		let open = CostOf::<Runtime, CouncilCollective>::iter()
			.filter(|(motion, (proposer, _))| {
				proposer == who && ProposalOf::<Runtime, CouncilCollective>::contains_key(motion)
			})
			.count();
		u32::try_from(open).unwrap_or(u32::MAX)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn make_room(who: &AccountId) {
		let theirs: Vec<_> = CostOf::<Runtime, CouncilCollective>::iter()
			.filter(|(_, (proposer, _))| proposer == who)
			.map(|(motion, _)| motion)
			.collect();
		for motion in theirs {
			CostOf::<Runtime, CouncilCollective>::remove(motion);
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn add_motions(who: &AccountId, open: u32, closed: u32) {
		use sp_runtime::traits::Hash;
		for n in 0..open.saturating_add(closed) {
			let proposal = RuntimeCall::System(frame_system::Call::remark {
				remark: n.to_le_bytes().to_vec(),
			});
			let motion = <Runtime as frame_system::Config>::Hashing::hash_of(&proposal);
			let slot = pallet_governance::ProposalSlot::<Runtime>::default();
			CostOf::<Runtime, CouncilCollective>::insert(motion, (who.clone(), slot));
			if n < open {
				ProposalOf::<Runtime, CouncilCollective>::insert(motion, proposal);
			}
		}
	}
}

/// The council's weights as generated, with the slot a proposal takes (`ProposalSlot`: forget
/// closed motions, count the proposer's open ones) added to the proposal that takes it.
pub struct CouncilWeights;
type Generated = weights::pallet_collective::WeightInfo<Runtime>;
impl pallet_collective::WeightInfo for CouncilWeights {
	fn set_members(m: u32, n: u32, p: u32) -> Weight {
		Generated::set_members(m, n, p)
	}
	fn execute(b: u32, m: u32) -> Weight {
		Generated::execute(b, m)
	}
	fn propose_execute(b: u32, m: u32) -> Weight {
		Generated::propose_execute(b, m)
	}
	fn propose_proposed(b: u32, m: u32, p: u32) -> Weight {
		use pallet_governance::WeightInfo;
		Generated::propose_proposed(b, m, p).saturating_add(
			pallet_governance::weights::SubstrateWeight::<Runtime>::take_proposal_slot(),
		)
	}
	fn vote(m: u32) -> Weight {
		Generated::vote(m)
	}
	fn close_early_disapproved(m: u32, p: u32) -> Weight {
		Generated::close_early_disapproved(m, p)
	}
	fn close_early_approved(b: u32, m: u32, p: u32) -> Weight {
		Generated::close_early_approved(b, m, p)
	}
	fn close_disapproved(m: u32, p: u32) -> Weight {
		Generated::close_disapproved(m, p)
	}
	fn close_approved(b: u32, m: u32, p: u32) -> Weight {
		Generated::close_approved(b, m, p)
	}
	fn disapprove_proposal(p: u32) -> Weight {
		Generated::disapprove_proposal(p)
	}
	fn kill(d: u32, p: u32) -> Weight {
		Generated::kill(d, p)
	}
	fn release_proposal_cost() -> Weight {
		Generated::release_proposal_cost()
	}
}

/// The council's members, as the collective keeps them (sorted): what the institutions'
/// invariants compare with the active institutions.
pub struct Members;
impl frame_support::traits::Get<Vec<AccountId>> for Members {
	fn get() -> Vec<AccountId> {
		pallet_collective::Members::<Runtime, CouncilCollective>::get()
	}
}
