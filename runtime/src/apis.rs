//! The runtime APIs the node and clients call: block execution, transaction validation,
//! consensus, session keys, account nonces, genesis presets, BankTax Chain's own reads
//! (`BankTaxApi`, see the `queries` module) and, when built for it, benchmarks.

use alloc::vec::Vec;
use frame_support::genesis_builder_helper::{build_state, get_preset};
use pallet_grandpa::AuthorityId as GrandpaId;
use sp_api::impl_runtime_apis;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_core::{crypto::KeyTypeId, OpaqueMetadata};
use sp_runtime::{
	traits::{Block as BlockT, NumberFor},
	transaction_validity::{TransactionSource, TransactionValidity},
	ApplyExtrinsicResult,
};
use sp_version::RuntimeVersion;

use banktax_primitives::{Page, Uscc};
use banktax_runtime_api::{ConsentView, LoanView, Paged, RecordMeta};

use super::{
	queries, AccountId, Aura, Block, BlockNumber, Executive, Grandpa, InherentDataExt, Nonce,
	Runtime, RuntimeGenesisConfig, SessionKeys, System, VERSION,
};

impl_runtime_apis! {
	impl sp_api::Core<Block> for Runtime {
		fn version() -> RuntimeVersion {
			VERSION
		}

		fn execute_block(block: <Block as BlockT>::LazyBlock) {
			Executive::execute_block(block);
		}

		fn initialize_block(header: &<Block as BlockT>::Header) -> sp_runtime::ExtrinsicInclusionMode {
			Executive::initialize_block(header)
		}
	}

	impl sp_api::Metadata<Block> for Runtime {
		fn metadata() -> OpaqueMetadata {
			OpaqueMetadata::new(Runtime::metadata().into())
		}

		fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
			Runtime::metadata_at_version(version)
		}

		fn metadata_versions() -> Vec<u32> {
			Runtime::metadata_versions()
		}
	}

	impl frame_support::view_functions::runtime_api::RuntimeViewFunction<Block> for Runtime {
		fn execute_view_function(
			id: frame_support::view_functions::ViewFunctionId,
			input: Vec<u8>,
		) -> Result<Vec<u8>, frame_support::view_functions::ViewFunctionDispatchError> {
			Runtime::execute_view_function(id, input)
		}
	}

	impl sp_block_builder::BlockBuilder<Block> for Runtime {
		fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
			Executive::apply_extrinsic(extrinsic)
		}

		fn finalize_block() -> <Block as BlockT>::Header {
			Executive::finalize_block()
		}

		fn inherent_extrinsics(data: sp_inherents::InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
			data.create_extrinsics()
		}

		fn check_inherents(
			block: <Block as BlockT>::LazyBlock,
			data: sp_inherents::InherentData,
		) -> sp_inherents::CheckInherentsResult {
			data.check_extrinsics(&block)
		}
	}

	impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
		fn validate_transaction(
			source: TransactionSource,
			tx: <Block as BlockT>::Extrinsic,
			block_hash: <Block as BlockT>::Hash,
		) -> TransactionValidity {
			Executive::validate_transaction(source, tx, block_hash)
		}
	}

	impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
		fn offchain_worker(header: &<Block as BlockT>::Header) {
			Executive::offchain_worker(header)
		}
	}

	impl sp_consensus_aura::AuraApi<Block, AuraId> for Runtime {
		fn slot_duration() -> sp_consensus_aura::SlotDuration {
			sp_consensus_aura::SlotDuration::from_millis(Aura::slot_duration())
		}

		fn authorities() -> Vec<AuraId> {
			pallet_aura::Authorities::<Runtime>::get().into_inner()
		}
	}

	impl sp_session::SessionKeys<Block> for Runtime {
		fn generate_session_keys(
			owner: Vec<u8>,
			seed: Option<Vec<u8>>,
		) -> sp_session::OpaqueGeneratedSessionKeys {
			SessionKeys::generate(&owner, seed).into()
		}

		fn decode_session_keys(encoded: Vec<u8>) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
			SessionKeys::decode_into_raw_public_keys(&encoded)
		}
	}

	impl sp_consensus_grandpa::GrandpaApi<Block> for Runtime {
		fn grandpa_authorities() -> sp_consensus_grandpa::AuthorityList {
			Grandpa::grandpa_authorities()
		}

		fn current_set_id() -> sp_consensus_grandpa::SetId {
			pallet_grandpa::CurrentSetId::<Runtime>::get()
		}

		fn submit_report_equivocation_unsigned_extrinsic(
			_equivocation_proof: sp_consensus_grandpa::EquivocationProof<
				<Block as BlockT>::Hash,
				NumberFor<Block>,
			>,
			_key_owner_proof: sp_consensus_grandpa::OpaqueKeyOwnershipProof,
		) -> Option<()> {
			None
		}

		fn generate_key_ownership_proof(
			_set_id: sp_consensus_grandpa::SetId,
			_authority_id: GrandpaId,
		) -> Option<sp_consensus_grandpa::OpaqueKeyOwnershipProof> {
			// The key-owner proof type is uninhabited (see `configs`), so there is never a proof.
			None
		}
	}

	impl banktax_runtime_api::BankTaxApi<Block, AccountId, BlockNumber> for Runtime {
		fn enterprise_profile(
			uscc: banktax_primitives::Uscc,
		) -> Option<banktax_runtime_api::EnterpriseProfile<AccountId, BlockNumber>> {
			queries::enterprise_profile(uscc)
		}

		fn records_of(uscc: Uscc, page: Page) -> Paged<RecordMeta<AccountId, BlockNumber>> {
			queries::records_of(uscc, page)
		}

		fn consents_of(uscc: Uscc, page: Page) -> Paged<ConsentView<AccountId, BlockNumber>> {
			queries::consents_of(uscc, page)
		}

		fn loans_of(uscc: Uscc, page: Page) -> Paged<LoanView<AccountId, BlockNumber>> {
			queries::loans_of(uscc, page)
		}

		fn consents_held(bank: AccountId, page: Page) -> Paged<ConsentView<AccountId, BlockNumber>> {
			queries::consents_held(bank, page)
		}

		fn consent(
			id: banktax_primitives::ConsentId,
		) -> Option<banktax_runtime_api::ConsentDetail<AccountId, BlockNumber>> {
			queries::consent(id)
		}

		fn loans_of_bank(bank: AccountId, page: Page) -> Paged<LoanView<AccountId, BlockNumber>> {
			queries::loans_of_bank(bank, page)
		}

		fn loan(id: pallet_loans::LoanId) -> Option<banktax_runtime_api::LoanDetail<AccountId, BlockNumber>> {
			queries::loan(id)
		}

		fn institutions() -> Vec<banktax_runtime_api::InstitutionView<AccountId, BlockNumber>> {
			queries::institutions()
		}

		fn sealed_record(
			id: banktax_primitives::RecordId,
		) -> Option<banktax_runtime_api::SealedRecord<AccountId, BlockNumber>> {
			queries::sealed_record(id)
		}

		fn envelope(
			consent: banktax_primitives::ConsentId,
			record: banktax_primitives::RecordId,
		) -> Option<pallet_consent::Delivery<AccountId, BlockNumber>> {
			queries::envelope(consent, record)
		}

		fn overview() -> banktax_runtime_api::Overview<AccountId> {
			queries::overview()
		}
	}

	impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
		fn account_nonce(account: AccountId) -> Nonce {
			System::account_nonce(account)
		}
	}

	// Offline checks only (a runtime built with `try-runtime` is never a chain's runtime): a
	// failed check is reported to the checking tool by a panic, which is how it learns of it.
	#[cfg(feature = "try-runtime")]
	impl frame_try_runtime::TryRuntime<Block> for Runtime {
		fn on_runtime_upgrade(
			checks: frame_try_runtime::UpgradeCheckSelect,
		) -> (frame_support::weights::Weight, frame_support::weights::Weight) {
			let weight = Executive::try_runtime_upgrade(checks)
				.unwrap_or_else(|e| panic!("the runtime upgrade's checks failed: {e:?}"));
			let block = <super::configs::RuntimeBlockWeights as frame_support::traits::Get<_>>::get();
			(weight, block.max_block)
		}

		fn execute_block(
			block: <Block as BlockT>::LazyBlock,
			state_root_check: bool,
			signature_check: bool,
			select: frame_try_runtime::TryStateSelect,
		) -> frame_support::weights::Weight {
			Executive::try_execute_block(block, state_root_check, signature_check, select)
				.unwrap_or_else(|e| panic!("the block's checks failed: {e:?}"))
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	impl frame_benchmarking::Benchmark<Block> for Runtime {
		fn benchmark_metadata(extra: bool) -> (
			Vec<frame_benchmarking::BenchmarkList>,
			Vec<frame_support::traits::StorageInfo>,
		) {
			crate::benchmarks::metadata(extra)
		}

		fn dispatch_benchmark(
			config: frame_benchmarking::BenchmarkConfig
		) -> Result<Vec<frame_benchmarking::BenchmarkBatch>, alloc::string::String> {
			crate::benchmarks::dispatch(config)
		}
	}

	impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
		fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
			build_state::<RuntimeGenesisConfig>(config)
		}

		fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
			get_preset::<RuntimeGenesisConfig>(id, crate::genesis_config_presets::get_preset)
		}

		fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
			crate::genesis_config_presets::preset_names()
		}
	}
}
