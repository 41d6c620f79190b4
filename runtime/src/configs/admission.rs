//! Who may sign what, and how much of the chain each member may use: the call sets and budgets
//! that `pallet_institutions::CheckMembership` enforces. `docs/security.md` gives the reasons
//! for each figure.
//!
//! There is no fee, so these are what keep block space, pool space and state for honest users.
//! The least protected key on the chain is an enterprise's controller (an SME's own computer),
//! so an enterprise gets a budget that its real use (a few consents and loan steps a day) never
//! comes near, and the lowest priority. Institutions are few, admitted by vote, suspendable,
//! and their bulk work is what the chain is for: a tax authority's uploads and a bank's access
//! records each fill the normal share of a block at full speed, so their budgets are that share,
//! and the operational quarter stays for the council, which can suspend an institution that
//! abuses it.

use super::{MAX_BLOCK_LENGTH, NORMAL_DISPATCH_RATIO};
use crate::{Runtime, RuntimeCall};
use banktax_primitives::{SignedBy, Signers};
use frame_support::parameter_types;
use pallet_institutions::Budget;
use sp_runtime::Perbill;

/// Pool priority of the council's business: above everything else, so that a flood cannot
/// delay a vote.
pub const GOVERNANCE_PRIORITY: u64 = 1_000_000_000;
/// Pool priority of institutions' transactions: attestations, envelopes, access records, loan
/// decisions.
pub const INSTITUTION_PRIORITY: u64 = 1_000_000;
/// Pool priority of enterprises' transactions.
pub const ENTERPRISE_PRIORITY: u64 = 1_000;

/// Transactions one institution may have in a block: more than a block's weight holds of its
/// lightest call, so that weight and bytes are what bound it.
const INSTITUTION_TRANSACTIONS_PER_BLOCK: u32 = 4096;

parameter_types! {
	/// An enterprise, all its controllers together: transactions of at most 6 KiB (its largest
	/// call, an application carrying the largest rule proof, is about 4.8 KiB signed); in one
	/// block at most 8 of them (a consent and a few loan steps), 8 KiB and 25 % of the block's
	/// compute: enough for its heaviest call (that application, about 37 ms, most of it
	/// verifying a proof of 32 claims) on the shortest block the calendar allows (tested below).
	pub const EnterpriseBudget: Budget = Budget {
		max_transaction_len: 6 * 1024,
		transactions_per_block: 8,
		bytes_per_block: 8 * 1024,
		weight_per_block: Perbill::from_percent(25),
		priority: ENTERPRISE_PRIORITY,
	};
	/// A tax authority: transactions up to 512 KiB (a batch of 256 sealed records is about
	/// 280 KiB); the normal share of a block, which its bulk uploads fill at full speed.
	pub TaxAuthorityBudget: Budget = Budget {
		max_transaction_len: 512 * 1024,
		transactions_per_block: INSTITUTION_TRANSACTIONS_PER_BLOCK,
		bytes_per_block: NORMAL_DISPATCH_RATIO * MAX_BLOCK_LENGTH,
		weight_per_block: NORMAL_DISPATCH_RATIO,
		priority: INSTITUTION_PRIORITY,
	};
	/// A bank: transactions up to 64 KiB (its calls carry ids, amounts and envelopes of a few
	/// hundred bytes); the normal share of a block, which its access records and repayments
	/// fill at full speed.
	pub BankBudget: Budget = Budget {
		max_transaction_len: 64 * 1024,
		transactions_per_block: INSTITUTION_TRANSACTIONS_PER_BLOCK,
		bytes_per_block: NORMAL_DISPATCH_RATIO * MAX_BLOCK_LENGTH,
		weight_per_block: NORMAL_DISPATCH_RATIO,
		priority: INSTITUTION_PRIORITY,
	};
	/// The regulator supervises and votes; it does no bulk work: 64 KiB a transaction, 1 MiB
	/// and 10 % of the compute a block.
	pub const RegulatorBudget: Budget = Budget {
		max_transaction_len: 64 * 1024,
		transactions_per_block: INSTITUTION_TRANSACTIONS_PER_BLOCK,
		bytes_per_block: 1024 * 1024,
		weight_per_block: Perbill::from_percent(10),
		priority: INSTITUTION_PRIORITY,
	};
}

/// An enterprise's transaction that has not made it into a block in two minutes is dropped
/// from the pool (its sender sees it dropped and may send it again).
pub type EnterpriseLongevity = pallet_calendar::Minutes<Runtime, 2>;
/// An institution's waits up to ten.
pub type InstitutionLongevity = pallet_calendar::Minutes<Runtime, 10>;

/// Who may sign the calls of the FRAME pallets; the chain's own pallets say it of theirs.
///
/// Remarks are for institutions (an enterprise's key must not be a free data store). No
/// `NodeAuthorization` call is signed by anyone: nodes are authorised through `Institutions`,
/// by council motion. The runtime code of an authorised upgrade goes unsigned
/// (`System::apply_authorized_upgrade` is valid unsigned once authorised), so no signer needs a
/// megabyte-long transaction.
impl SignedBy for RuntimeCall {
	fn signers(&self) -> Signers {
		use frame_system::Call as System;
		use pallet_collective::Call as Council;
		use pallet_session::Call as Session;
		match self {
			RuntimeCall::System(System::remark { .. } | System::remark_with_event { .. }) => {
				Signers::AnyInstitution
			}
			RuntimeCall::Council(
				Council::propose { .. } | Council::vote { .. } | Council::close { .. },
			) => Signers::CouncilMember,
			// Keys are changed, never purged: purging could take the validator set below its
			// floor (`Institutions`).
			RuntimeCall::Session(Session::set_keys { .. }) => Signers::Validator,
			RuntimeCall::Institutions(call) => call.signers(),
			RuntimeCall::TaxRecords(call) => call.signers(),
			RuntimeCall::Consent(call) => call.signers(),
			RuntimeCall::Loans(call) => call.signers(),
			RuntimeCall::System(_)
			| RuntimeCall::Timestamp(_)
			| RuntimeCall::Council(_)
			| RuntimeCall::NodeAuthorization(_)
			| RuntimeCall::Grandpa(_)
			| RuntimeCall::Session(_)
			| RuntimeCall::Governance(_) => Signers::Nobody,
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use banktax_primitives::{DataScope, DisclosureLevel, Purpose, RecordKind};
	use frame_support::{dispatch::GetDispatchInfo, traits::Get};
	use sp_runtime::traits::TransactionExtension;

	/// Every call an enterprise may sign, with the arguments that make it heaviest.
	fn enterprise_calls() -> alloc::vec::Vec<RuntimeCall> {
		let scope = DataScope {
			kinds: alloc::vec![RecordKind::AnnualSummary; 5].try_into().expect("five kinds"),
			first_year: 2000,
			last_year: 2099,
		};
		alloc::vec![
			RuntimeCall::Consent(pallet_consent::Call::grant_consent {
				bank: crate::AccountId::new([1; 32]),
				purpose: Purpose::CreditAssessment,
				scope,
				disclosure: DisclosureLevel::WholeRecords,
				expires_at: u32::MAX,
				notice: [0xff; 32],
			}),
			RuntimeCall::Consent(pallet_consent::Call::withdraw_consent { consent: u64::MAX }),
			RuntimeCall::Loans(pallet_loans::Call::apply_for_loan {
				product: u32::MAX,
				amount: u128::MAX,
				term_months: u16::MAX,
				summary: u64::MAX,
				evidence: None,
			}),
			// The largest proof an application may carry: every record and point it may name,
			// and an aggregate of the most claims.
			RuntimeCall::Loans(pallet_loans::Call::apply_for_loan {
				product: u32::MAX,
				amount: u128::MAX,
				term_months: u16::MAX,
				summary: u64::MAX,
				evidence: Some(pallet_loans::RuleEvidence {
					records: alloc::vec![u64::MAX; pallet_loans::MAX_EVIDENCE_RECORDS as usize]
						.try_into()
						.expect("the most records"),
					points: alloc::vec![[0xff; 32]; pallet_loans::MAX_EVIDENCE_POINTS as usize]
						.try_into()
						.expect("the most points"),
					nonce: u32::MAX,
					proof: alloc::vec![0xff; banktax_primitives::privacy::claims::proof_len(32)]
						.try_into()
						.expect("the longest proof"),
				}),
			}),
			RuntimeCall::Loans(pallet_loans::Call::withdraw_application { loan: u64::MAX }),
			RuntimeCall::Loans(pallet_loans::Call::accept_offer { loan: u64::MAX }),
		]
	}

	/// The weight the membership check counts for `call`: the call's and its extensions'.
	fn counted_weight(call: &RuntimeCall) -> u64 {
		let genesis = crate::Hash::default();
		let payload = crate::signed_payload(
			call.clone(),
			0,
			sp_runtime::generic::Era::Immortal,
			crate::VERSION.spec_version,
			genesis,
			genesis,
		);
		let (call, extension, _) = payload.deconstruct();
		call.get_dispatch_info().call_weight.saturating_add(extension.weight(&call)).ref_time()
	}

	#[test]
	fn an_enterprise_can_sign_each_of_its_calls_on_the_shortest_blocks() {
		let mut ext = sp_io::TestExternalities::default();
		ext.execute_with(|| {
			pallet_calendar::MillisecsPerBlock::<Runtime>::put(
				pallet_calendar::MIN_MILLISECS_PER_BLOCK,
			);
			let max_block = super::super::RuntimeBlockWeights::get().max_block.ref_time();
			let budget = EnterpriseBudget::get();
			let per_block = budget.per_block(max_block);
			for call in enterprise_calls() {
				assert_eq!(call.signers(), Signers::Enterprise, "{call:?}");
				let weight = counted_weight(&call);
				assert!(
					weight <= per_block.ref_time,
					"{call:?} weighs {weight}, more than {per_block:?}"
				);
				let len = codec::Encode::encoded_size(&call) + 150;
				assert!(
					len <= budget.max_transaction_len as usize,
					"{call:?} is {len} bytes signed"
				);
			}
		});
	}

	#[test]
	fn nobody_signs_a_node_authorisation_call_a_key_purge_or_for_the_council() {
		let peer = sp_core::OpaquePeerId(alloc::vec![1; 38]);
		let calls = [
			RuntimeCall::NodeAuthorization(pallet_node_authorization::Call::claim_node {
				node: peer.clone(),
			}),
			RuntimeCall::NodeAuthorization(pallet_node_authorization::Call::add_connections {
				node: peer.clone(),
				connections: alloc::vec![peer.clone()],
			}),
			RuntimeCall::System(frame_system::Call::apply_authorized_upgrade {
				code: alloc::vec![],
			}),
			RuntimeCall::System(frame_system::Call::set_code { code: alloc::vec![] }),
			RuntimeCall::Session(pallet_session::Call::purge_keys {}),
			RuntimeCall::TaxRecords(pallet_tax_records::Call::transfer_enterprise {
				uscc: [b'0'; 18],
				to: crate::AccountId::new([1; 32]),
			}),
		];
		for call in calls {
			assert_eq!(call.signers(), Signers::Nobody, "{call:?}");
		}
	}
}
