//! `banktax`: see the library's documentation (`banktax --help` for the commands).

use banktax_cli::{
	authority, bank, chain, council, enterprise, envelope, keys, on_chain, record, report, show,
	validator,
};
use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
	name = "banktax",
	version,
	about = "BankTax Chain: keys, sealed tax records, envelopes, and the chain's transactions and reads"
)]
struct Cli {
	#[command(flatten)]
	connection: chain::Connection,
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Keys: X25519 encryption keys banks register, and signing keys' accounts.
	#[command(subcommand)]
	Keys(keys::KeysCommand),
	/// Tax records, offline: seal one for the chain, open one with its data key.
	#[command(subcommand)]
	Record(record::RecordCommand),
	/// Key envelopes, offline: seal a record's data key or chosen fields for a bank, open one.
	#[command(subcommand)]
	Envelope(envelope::EnvelopeCommand),
	/// The tax authority: register enterprises, attest records, deliver envelopes.
	#[command(subcommand)]
	Authority(authority::AuthorityCommand),
	/// An enterprise's controller: consents, loan applications, offers.
	#[command(subcommand)]
	Enterprise(enterprise::EnterpriseCommand),
	/// A bank: open delivered records, record use, products, decisions, payments.
	#[command(subcommand)]
	Bank(bank::BankCommand),
	/// The institutions' council: propose a decision, vote, close, list open motions.
	#[command(subcommand)]
	Council(council::CouncilCommand),
	/// An institution's validator: its session keys.
	#[command(subcommand)]
	Validator(validator::ValidatorCommand),
	/// Reads over the node's `banktax_*` RPC.
	#[command(subcommand)]
	Show(show::ShowCommand),
}

fn main() -> ExitCode {
	let cli = Cli::parse();
	let connection = &cli.connection;
	let outcome = match cli.command {
		Command::Keys(command) => keys::run(command),
		Command::Record(command) => record::run(command),
		Command::Envelope(command) => envelope::run(command),
		Command::Authority(command) => on_chain(authority::run(connection, command)),
		Command::Enterprise(command) => on_chain(enterprise::run(connection, command)),
		Command::Bank(command) => on_chain(bank::run(connection, command)),
		Command::Council(command) => on_chain(council::run(connection, command)),
		Command::Validator(command) => on_chain(validator::run(connection, command)),
		Command::Show(command) => on_chain(show::run(connection, command)),
	};
	report(outcome)
}
