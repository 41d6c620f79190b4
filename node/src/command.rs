//! Parses the command line and runs the chosen subcommand, or the node itself.

use banktax_runtime::opaque::Block;
use sc_cli::SubstrateCli;
use sc_network::config::NetworkBackendType;
use sc_service::PartialComponents;

use crate::{
	chain_spec,
	cli::{Cli, Subcommand},
	service,
};

impl SubstrateCli for Cli {
	fn impl_name() -> String {
		"BankTax Chain node".into()
	}

	fn impl_version() -> String {
		env!("SUBSTRATE_CLI_IMPL_VERSION").into()
	}

	fn description() -> String {
		env!("CARGO_PKG_DESCRIPTION").into()
	}

	fn author() -> String {
		env!("CARGO_PKG_AUTHORS").into()
	}

	fn support_url() -> String {
		"https://github.com/banktax/banktax-chain/issues".into()
	}

	fn copyright_start_year() -> i32 {
		2026
	}

	fn load_spec(&self, id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
		chain_spec::load(id)
	}
}

/// Whether the command line sets `flag` itself (`--flag value` or `--flag=value`).
fn flag_given(args: &[std::ffi::OsString], flag: &str) -> bool {
	args.iter().any(|arg| {
		arg.to_str()
			.is_some_and(|a| a == flag || a.strip_prefix(flag).is_some_and(|r| r.starts_with('=')))
	})
}

/// The libp2p port when `--port` does not say (Substrate's).
const DEFAULT_P2P_PORT: u16 = 30333;

/// The address a node listens on for peers unless `--listen-addr` says otherwise.
fn loopback(port: u16) -> sc_network::Multiaddr {
	use sc_network::multiaddr::Protocol;
	sc_network::Multiaddr::empty()
		.with(Protocol::Ip4(std::net::Ipv4Addr::LOCALHOST))
		.with(Protocol::Tcp(port))
}

/// Parses and runs the command line.
pub fn run() -> sc_cli::Result<()> {
	let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
	let mut cli = Cli::from_iter(args.iter().cloned());
	// Substrate's own default is litep2p; BankTax Chain speaks libp2p unless told otherwise.
	if !flag_given(&args, "--network-backend") {
		cli.run.network_params.network_backend = sc_cli::NetworkBackendType::Libp2p;
	}
	// Every node, not only validators, runs the offchain worker that limits its peers to the
	// authorised nodes; otherwise an unauthorised node could sync through a non-validator.
	if !flag_given(&args, "--offchain-worker") {
		cli.run.offchain_worker_params.enabled = sc_cli::OffchainWorkerEnabled::Always;
	}

	// Substrate's default fork-aware pool drops part of a long run of one account's
	// transactions (a bureau's upload of thousands of records: docs/performance.md); the
	// single-state pool keeps them all, and a chain of a few Aura validators has few forks
	// for the fork-aware pool to follow.
	if !flag_given(&args, "--pool-type") {
		cli.run.pool_config.pool_type = sc_cli::TransactionPoolType::SingleState;
	}
	// Peers reach a node where its operator says (`--listen-addr`), and nowhere else: by
	// default it listens on loopback only, as RPC and metrics do.
	let network = &mut cli.run.network_params;
	if network.listen_addr.is_empty() {
		network.listen_addr = vec![loopback(network.port.unwrap_or(DEFAULT_P2P_PORT))];
	}

	match &cli.subcommand {
		Some(Subcommand::Key(cmd)) => cmd.run(&cli),
		Some(Subcommand::BuildSpec(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(config.chain_spec, config.network))
		}
		Some(Subcommand::CheckBlock(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, .. } =
					service::new_partial(&config)?;
				Ok((cmd.run(client, import_queue), task_manager))
			})
		}
		Some(Subcommand::ExportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, .. } = service::new_partial(&config)?;
				Ok((cmd.run(client, config.database), task_manager))
			})
		}
		Some(Subcommand::ExportState(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, .. } = service::new_partial(&config)?;
				Ok((cmd.run(client, config.chain_spec), task_manager))
			})
		}
		Some(Subcommand::ImportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, .. } =
					service::new_partial(&config)?;
				Ok((cmd.run(client, import_queue), task_manager))
			})
		}
		Some(Subcommand::PurgeChain(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(config.database))
		}
		Some(Subcommand::Revert(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, backend, .. } =
					service::new_partial(&config)?;
				let aux_revert = Box::new(|client, _, blocks| {
					sc_consensus_grandpa::revert(client, blocks)?;
					Ok(())
				});
				Ok((cmd.run(client, backend, Some(aux_revert)), task_manager))
			})
		}
		#[cfg(feature = "runtime-benchmarks")]
		Some(Subcommand::Benchmark(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| run_benchmark(cmd, config))
		}
		Some(Subcommand::CheckUpgrade(cmd)) => cmd.run().map_err(sc_cli::Error::Input),
		Some(Subcommand::ChainInfo(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run::<Block>(&config))
		}
		None => {
			// The local consortium's keys are public: a node joins it only when told to.
			if cli.run.shared_params.chain.is_none() && !cli.run.shared_params.is_dev() {
				return Err(
					"say which chain: --chain <your consortium's spec.json>, --chain local \
				            (a test consortium whose keys are public) or --dev"
						.into(),
				);
			}
			let runner = cli.create_runner(&cli.run)?;
			let allow_public_keys = cli.allow_public_keys || cli.run.shared_params.is_dev();
			runner.run_node_until_exit(|config| async move {
				if !allow_public_keys {
					crate::public_keys::refuse(&config)?;
				}
				match config.network.network_backend {
					NetworkBackendType::Libp2p => service::new_full::<
						sc_network::NetworkWorker<
							Block,
							<Block as sp_runtime::traits::Block>::Hash,
						>,
					>(config)
					.map_err(sc_cli::Error::Service),
					NetworkBackendType::Litep2p => {
						service::new_full::<sc_network::Litep2pNetworkBackend>(config)
							.map_err(sc_cli::Error::Service)
					}
				}
			})
		}
	}
}

/// Runs a `benchmark` subcommand (in a node built with `--features runtime-benchmarks`).
#[cfg(feature = "runtime-benchmarks")]
fn run_benchmark(
	cmd: &frame_benchmarking_cli::BenchmarkCmd,
	config: sc_service::Configuration,
) -> sc_cli::Result<()> {
	use crate::benchmarking::{inherent_benchmark_data, RemarkBuilder};
	use frame_benchmarking_cli::{BenchmarkCmd, ExtrinsicFactory, SUBSTRATE_REFERENCE_HARDWARE};
	match cmd {
		BenchmarkCmd::Pallet(cmd) => {
			// The runtime's benchmarks call the node's rule-proof host function.
			cmd.run_with_spec::<
				sp_runtime::traits::HashingFor<Block>,
				banktax_primitives::privacy::host::rule_proofs::HostFunctions,
			>(Some(config.chain_spec))
		}
		BenchmarkCmd::Block(cmd) => {
			let PartialComponents { client, .. } = service::new_partial(&config)?;
			cmd.run(client)
		}
		BenchmarkCmd::Storage(cmd) => {
			let PartialComponents { client, backend, .. } = service::new_partial(&config)?;
			let db = backend.expose_db();
			let storage = backend.expose_storage();
			let shared_cache = backend.expose_shared_trie_cache();
			cmd.run(config, client, db, storage, shared_cache)
		}
		BenchmarkCmd::Overhead(cmd) => {
			cmd.run_with_default_builder_and_spec::<Block, ()>(Some(config.chain_spec))
		}
		BenchmarkCmd::Extrinsic(cmd) => {
			let PartialComponents { client, .. } = service::new_partial(&config)?;
			let ext_factory = ExtrinsicFactory(vec![Box::new(RemarkBuilder::new(client.clone()))]);
			cmd.run(client, inherent_benchmark_data()?, Vec::new(), &ext_factory)
		}
		BenchmarkCmd::Machine(cmd) => cmd.run(&config, SUBSTRATE_REFERENCE_HARDWARE.clone()),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn flags_given_on_the_command_line_are_recognised() {
		let given = |args: &[&str], flag| {
			flag_given(&args.iter().map(Into::into).collect::<Vec<_>>(), flag)
		};
		let backend = "--network-backend";
		assert!(!given(&["banktax-node", "--dev"], backend));
		assert!(given(&["banktax-node", "--dev", "--network-backend", "litep2p"], backend));
		assert!(given(&["banktax-node", "--network-backend=litep2p"], backend));
		assert!(!given(&["banktax-node", "--network-backend-x"], backend));
		assert!(given(&["banktax-node", "--offchain-worker", "never"], "--offchain-worker"));
	}

	#[test]
	fn peers_are_listened_for_on_loopback_unless_an_address_is_given() {
		assert_eq!(loopback(30334).to_string(), "/ip4/127.0.0.1/tcp/30334");
	}
}
