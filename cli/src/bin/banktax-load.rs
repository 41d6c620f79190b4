//! `banktax-load`: loads a BankTax Chain node with signed transactions and prints what it
//! measured as JSON (see `banktax_cli::load` and `docs/performance.md`).

use banktax_cli::{load, on_chain, report};
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
	report(on_chain(load::run(load::LoadArgs::parse())))
}
