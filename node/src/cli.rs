//! The node's command line.

use sc_cli::RunCmd;

#[derive(Debug, clap::Parser)]
pub struct Cli {
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	#[clap(flatten)]
	pub run: RunCmd,

	/// Let this node validate with keys anyone can derive: the development keys (`//Alice`, …)
	/// and the local consortium's (`//tax-authority//aura`, …). Without it, a validator whose
	/// keystore holds one of them refuses to start (`--dev` allows them). Never on a chain that
	/// matters.
	#[arg(long)]
	pub allow_public_keys: bool,
}

#[derive(Debug, clap::Subcommand)]
// `Benchmark` is much larger than the other variants; the enum is built once per process.
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management: generate, inspect and insert keys into a node's keystore.
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Build a chain specification.
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Measure the cost of calls, blocks, storage and the machine (in a node built with
	/// `--features runtime-benchmarks`, as `scripts/weights.sh` builds it).
	#[cfg(feature = "runtime-benchmarks")]
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),

	/// Show the database's meta columns.
	ChainInfo(sc_cli::ChainInfoCmd),

	/// Run a new runtime's migrations and every invariant check on a copy of a running chain's
	/// state, before proposing the upgrade (docs/operations.md).
	CheckUpgrade(crate::check_upgrade::CheckUpgradeCmd),
}
