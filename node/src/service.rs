//! Assembles the node: client and database, transaction pool, import queue, networking, RPC,
//! Aura block authoring and the GRANDPA finality voter.

use std::{
	sync::{
		atomic::{AtomicBool, Ordering},
		Arc,
	},
	time::Duration,
};

use crate::genesis_check;
use banktax_runtime::{opaque::Block, RuntimeApi};
use futures::FutureExt;
use sc_client_api::{Backend, BlockBackend};
use sc_consensus_aura::{ImportQueueParams, SlotProportion, StartAuraParams};
use sc_consensus_grandpa::SharedVoterState;
use sc_service::{error::Error as ServiceError, Configuration, TaskManager, WarpSyncConfig};
use sc_telemetry::{Telemetry, TelemetryWorker};
use sc_transaction_pool_api::OffchainTransactionPoolFactory;
use sp_consensus_aura::sr25519::AuthorityPair as AuraPair;

/// What the runtime may call in the node: Substrate's host functions and the rule-proof
/// verifier (`banktax_primitives::privacy::host`). Every executor that runs the runtime carries
/// them.
pub type HostFunctions =
	(sp_io::SubstrateHostFunctions, banktax_primitives::privacy::host::rule_proofs::HostFunctions);

pub(crate) type FullClient =
	sc_service::TFullClient<Block, RuntimeApi, sc_executor::WasmExecutor<HostFunctions>>;
type FullBackend = sc_service::TFullBackend<Block>;
type FullSelectChain = sc_consensus::LongestChain<FullBackend, Block>;
type GrandpaBlockImport =
	sc_consensus_grandpa::GrandpaBlockImport<FullBackend, Block, FullClient, FullSelectChain>;
type GrandpaLinkHalf = sc_consensus_grandpa::LinkHalf<Block, FullClient, FullSelectChain>;

/// Blocks between two GRANDPA justifications the node keeps and serves. A node that syncs
/// from scratch checks finality proofs at these points.
const GRANDPA_JUSTIFICATION_PERIOD: u32 = 512;

/// The parts of a node that the offline subcommands (import, export, revert, …) need as well.
pub type Service = sc_service::PartialComponents<
	FullClient,
	FullBackend,
	FullSelectChain,
	sc_consensus::DefaultImportQueue<Block>,
	sc_transaction_pool::TransactionPoolHandle<Block, FullClient>,
	(GrandpaBlockImport, GrandpaLinkHalf, Option<Telemetry>),
>;

/// Builds the genesis block from the chain spec only when the client asks for it: when the
/// database has none yet. (Substrate's own builder computes the whole genesis storage as it is
/// made, at every start; a large genesis, such as the generated enterprises of
/// `scripts/bench.sh`, then costs a minute and gigabytes of memory at each restart.)
struct GenesisOnFirstStart<E> {
	chain_spec: Box<dyn sc_service::ChainSpec>,
	commit_genesis_state: bool,
	backend: Arc<FullBackend>,
	executor: E,
	/// Set once the genesis is built: this start created the database.
	built: Arc<AtomicBool>,
}

impl<E> sc_chain_spec::BuildGenesisBlock<Block> for GenesisOnFirstStart<E>
where
	E: sc_executor::RuntimeVersionOf + sp_core::traits::CodeExecutor,
{
	type BlockImportOperation = <FullBackend as Backend<Block>>::BlockImportOperation;

	fn build_genesis_block(self) -> sp_blockchain::Result<(Block, Self::BlockImportOperation)> {
		self.built.store(true, Ordering::SeqCst);
		sc_chain_spec::GenesisBlockBuilder::new(
			self.chain_spec.as_storage_builder(),
			self.commit_genesis_state,
			self.backend,
			self.executor,
		)?
		.build_genesis_block()
	}
}

/// Refuses a database made from another chain spec's genesis (see `genesis_check`), and keeps
/// the record of the one it was made from.
fn check_genesis<E>(
	config: &Configuration,
	client: &FullClient,
	created_now: bool,
	spec: GenesisOnFirstStart<E>,
) -> Result<(), ServiceError>
where
	E: sc_executor::RuntimeVersionOf + sp_core::traits::CodeExecutor,
{
	use sc_chain_spec::BuildGenesisBlock;
	let database = client
		.block_hash(0)
		.ok()
		.flatten()
		.ok_or_else(|| ServiceError::Other("the database has no genesis block".into()))?;
	let path = genesis_check::record_path(&config.base_path.config_dir(config.chain_spec.id()));
	let fingerprint = genesis_check::fingerprint(config.chain_spec.as_ref())?;
	let build = || {
		log::info!(
			"the chain spec changed since this database was made: building its genesis to compare"
		);
		spec.build_genesis_block()
			.map(|(block, _)| block.header.hash())
			.map_err(|e| format!("the chain spec's genesis cannot be built: {e}"))
	};
	let record =
		genesis_check::check(genesis_check::read(&path), database, fingerprint, created_now, build)
			.map_err(ServiceError::Other)?;
	genesis_check::write(&path, &record).map_err(ServiceError::Other)
}

/// Builds the client, database, transaction pool and import queue.
pub fn new_partial(config: &Configuration) -> Result<Service, ServiceError> {
	let telemetry = config
		.telemetry_endpoints
		.clone()
		.filter(|x| !x.is_empty())
		.map(|endpoints| -> Result<_, sc_telemetry::Error> {
			let worker = TelemetryWorker::new(16)?;
			let telemetry = worker.handle().new_telemetry(endpoints);
			Ok((worker, telemetry))
		})
		.transpose()?;

	let executor = sc_service::new_wasm_executor::<HostFunctions>(&config.executor);
	let mut db_config = config.db_config();
	// Keep the blocks that carry GRANDPA justifications even when pruning, so that warp sync
	// can prove finality from them.
	db_config.pruning_filters = vec![Arc::new(sc_consensus_grandpa::GrandpaPruningFilter)];
	let backend = sc_service::new_db_backend(db_config)?;
	let created_now = Arc::new(AtomicBool::new(false));
	let genesis = GenesisOnFirstStart {
		chain_spec: config.chain_spec.cloned_box(),
		commit_genesis_state: !config.no_genesis(),
		backend: backend.clone(),
		executor: executor.clone(),
		built: created_now.clone(),
	};
	let spec_genesis = GenesisOnFirstStart {
		chain_spec: config.chain_spec.cloned_box(),
		commit_genesis_state: false,
		backend: backend.clone(),
		executor: executor.clone(),
		built: Arc::new(AtomicBool::new(false)),
	};
	let (client, backend, keystore_container, task_manager) =
		sc_service::new_full_parts_with_genesis_builder::<Block, RuntimeApi, _, _>(
			config,
			telemetry.as_ref().map(|(_, telemetry)| telemetry.handle()),
			executor,
			backend,
			genesis,
			false,
		)?;
	let client = Arc::new(client);
	check_genesis(config, &client, created_now.load(Ordering::SeqCst), spec_genesis)?;

	let telemetry = telemetry.map(|(worker, telemetry)| {
		task_manager.spawn_handle().spawn("telemetry", None, worker.run());
		telemetry
	});

	let select_chain = sc_consensus::LongestChain::new(backend.clone());

	let transaction_pool = Arc::from(
		sc_transaction_pool::Builder::new(
			task_manager.spawn_essential_handle(),
			client.clone(),
			config.role.is_authority().into(),
		)
		.with_options(config.transaction_pool.clone())
		.with_prometheus(config.prometheus_registry())
		.build(),
	);

	let (grandpa_block_import, grandpa_link) = sc_consensus_grandpa::block_import(
		client.clone(),
		GRANDPA_JUSTIFICATION_PERIOD,
		&client,
		select_chain.clone(),
		telemetry.as_ref().map(|x| x.handle()),
	)?;

	let cidp_client = client.clone();
	let import_queue =
		sc_consensus_aura::import_queue::<AuraPair, _, _, _, _, _>(ImportQueueParams {
			block_import: grandpa_block_import.clone(),
			justification_import: Some(Box::new(grandpa_block_import.clone())),
			client: client.clone(),
			create_inherent_data_providers: move |parent_hash, _| {
				let cidp_client = cidp_client.clone();
				async move {
					let slot_duration = sc_consensus_aura::standalone::slot_duration_at(
						&*cidp_client,
						parent_hash,
					)?;
					let timestamp = sp_timestamp::InherentDataProvider::from_system_time();
					let slot =
						sp_consensus_aura::inherents::InherentDataProvider::from_timestamp_and_slot_duration(
							*timestamp,
							slot_duration,
						);
					Ok((slot, timestamp))
				}
			},
			spawner: &task_manager.spawn_essential_handle(),
			registry: config.prometheus_registry(),
			check_for_equivocation: Default::default(),
			telemetry: telemetry.as_ref().map(|x| x.handle()),
			compatibility_mode: Default::default(),
		})?;

	Ok(sc_service::PartialComponents {
		client,
		backend,
		task_manager,
		import_queue,
		keystore_container,
		select_chain,
		transaction_pool,
		other: (grandpa_block_import, grandpa_link, telemetry),
	})
}

/// Builds and starts a full node over the network backend `N`.
pub fn new_full<
	N: sc_network::NetworkBackend<Block, <Block as sp_runtime::traits::Block>::Hash>,
>(
	config: Configuration,
) -> Result<TaskManager, ServiceError> {
	let sc_service::PartialComponents {
		client,
		backend,
		mut task_manager,
		import_queue,
		keystore_container,
		select_chain,
		transaction_pool,
		other: (block_import, grandpa_link, mut telemetry),
	} = new_partial(&config)?;

	let mut net_config = sc_network::config::FullNetworkConfiguration::<
		Block,
		<Block as sp_runtime::traits::Block>::Hash,
		N,
	>::new(&config.network, config.prometheus_registry().cloned());
	let metrics = N::register_notification_metrics(config.prometheus_registry());

	let genesis_hash = client
		.block_hash(0)
		.ok()
		.flatten()
		.ok_or_else(|| ServiceError::Other("the database has no genesis block".into()))?;
	let grandpa_protocol_name =
		sc_consensus_grandpa::protocol_standard_name(&genesis_hash, &config.chain_spec);
	let (grandpa_protocol_config, grandpa_notification_service) =
		sc_consensus_grandpa::grandpa_peers_set_config::<_, N>(
			grandpa_protocol_name.clone(),
			metrics.clone(),
			net_config.peer_store_handle(),
		);
	net_config.add_notification_protocol(grandpa_protocol_config);

	let warp_sync = Arc::new(sc_consensus_grandpa::warp_proof::NetworkProvider::new(
		backend.clone(),
		grandpa_link.shared_authority_set().clone(),
		Vec::default(),
	));

	let (network, system_rpc_tx, tx_handler_controller, sync_service, _bitswap) =
		sc_service::build_network(sc_service::BuildNetworkParams {
			config: &config,
			net_config,
			client: client.clone(),
			transaction_pool: transaction_pool.clone(),
			spawn_handle: task_manager.spawn_handle(),
			spawn_essential_handle: task_manager.spawn_essential_handle(),
			import_queue,
			block_announce_validator_builder: None,
			warp_sync_config: Some(WarpSyncConfig::WithProvider(warp_sync)),
			block_relay: None,
			metrics,
			gap_sync_body_policy: None,
		})?;

	// The runtime's offchain worker keeps the network's authorised nodes in step with the
	// institutions registry (pallet-node-authorization): with it, the node talks only to
	// authorised peers.
	if config.offchain_worker.enabled {
		let offchain_workers =
			sc_offchain::OffchainWorkers::new(sc_offchain::OffchainWorkerOptions {
				runtime_api_provider: client.clone(),
				is_validator: config.role.is_authority(),
				keystore: Some(keystore_container.keystore()),
				offchain_db: backend.offchain_storage(),
				transaction_pool: Some(OffchainTransactionPoolFactory::new(
					transaction_pool.clone(),
				)),
				network_provider: Arc::new(network.clone()),
				enable_http_requests: false,
				custom_extensions: |_| vec![],
			})?;
		task_manager.spawn_handle().spawn(
			"offchain-workers-runner",
			"offchain-worker",
			offchain_workers.run(client.clone(), task_manager.spawn_handle()).boxed(),
		);
	}

	let role = config.role;
	let force_authoring = config.force_authoring;
	let name = config.network.node_name.clone();
	let enable_grandpa = !config.disable_grandpa;
	let prometheus_registry = config.prometheus_registry().cloned();

	let rpc_builder = {
		let client = client.clone();
		let pool = transaction_pool.clone();
		Box::new(move |_| {
			let deps = crate::rpc::FullDeps { client: client.clone(), pool: pool.clone() };
			crate::rpc::create_full(deps).map_err(Into::into)
		})
	};

	sc_service::spawn_tasks(sc_service::SpawnTasksParams {
		network: network.clone(),
		client: client.clone(),
		keystore: keystore_container.keystore(),
		task_manager: &mut task_manager,
		transaction_pool: transaction_pool.clone(),
		rpc_builder,
		backend,
		system_rpc_tx,
		tx_handler_controller,
		sync_service: sync_service.clone(),
		config,
		telemetry: telemetry.as_mut(),
		tracing_execute_block: None,
	})?;

	if role.is_authority() {
		let proposer_factory = sc_basic_authorship::ProposerFactory::new(
			task_manager.spawn_handle(),
			client.clone(),
			transaction_pool.clone(),
			prometheus_registry.as_ref(),
			telemetry.as_ref().map(|x| x.handle()),
		);

		let slot_duration = sc_consensus_aura::slot_duration(&*client)?;
		let aura = sc_consensus_aura::start_aura::<AuraPair, _, _, _, _, _, _, _, _, _, _>(
			StartAuraParams {
				slot_duration,
				client,
				select_chain,
				block_import,
				proposer_factory,
				create_inherent_data_providers: move |_, ()| async move {
					let timestamp = sp_timestamp::InherentDataProvider::from_system_time();
					let slot =
						sp_consensus_aura::inherents::InherentDataProvider::from_timestamp_and_slot_duration(
							*timestamp,
							slot_duration,
						);
					Ok((slot, timestamp))
				},
				force_authoring,
				backoff_authoring_blocks: Option::<()>::None,
				keystore: keystore_container.keystore(),
				sync_oracle: sync_service.clone(),
				justification_sync_link: sync_service.clone(),
				// Two thirds of the 3 s slot for building; the rest to gossip and import.
				block_proposal_slot_portion: SlotProportion::new(2f32 / 3f32),
				max_block_proposal_slot_portion: None,
				telemetry: telemetry.as_ref().map(|x| x.handle()),
				compatibility_mode: Default::default(),
			},
		)?;
		// Authoring is essential: if it fails, the node stops rather than idling silently.
		task_manager.spawn_essential_handle().spawn_blocking("aura", Some("block-authoring"), aura);
	}

	if enable_grandpa {
		// Only an authority votes; other nodes follow finality without a keystore.
		let keystore = if role.is_authority() { Some(keystore_container.keystore()) } else { None };
		let grandpa_config = sc_consensus_grandpa::Config {
			gossip_duration: Duration::from_millis(333),
			justification_generation_period: GRANDPA_JUSTIFICATION_PERIOD,
			name: Some(name),
			observer_enabled: false,
			keystore,
			local_role: role,
			telemetry: telemetry.as_ref().map(|x| x.handle()),
			protocol_name: grandpa_protocol_name,
		};
		let grandpa_params = sc_consensus_grandpa::GrandpaParams {
			config: grandpa_config,
			link: grandpa_link,
			network,
			sync: sync_service,
			notification_service: grandpa_notification_service,
			// Vote for the best block, not two behind it as Substrate's default does to let BABE
			// forks settle: Aura on a few known validators rarely forks, and those two blocks
			// were six of the seconds a bank waits for finality. GRANDPA stays safe either way.
			voting_rule: sc_consensus_grandpa::VotingRulesBuilder::new()
				.add(sc_consensus_grandpa::ThreeQuartersOfTheUnfinalizedChain)
				.build(),
			prometheus_registry,
			shared_voter_state: SharedVoterState::empty(),
			telemetry: telemetry.as_ref().map(|x| x.handle()),
			offchain_tx_pool_factory: OffchainTransactionPoolFactory::new(transaction_pool),
		};
		task_manager.spawn_essential_handle().spawn_blocking(
			"grandpa-voter",
			None,
			sc_consensus_grandpa::run_grandpa_voter(grandpa_params)?,
		);
	}

	Ok(task_manager)
}
