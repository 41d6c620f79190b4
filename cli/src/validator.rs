//! `banktax validator`: what an institution does for its validator.

use crate::{
	chain::{Chain, Connection, Signer, Signing},
	from_hex, to_hex, CliResult,
};
use banktax_runtime::{RuntimeCall, SessionKeys};
use clap::Subcommand;
use codec::{Decode, Encode};
use jsonrpsee::rpc_params;
use serde_json::{json, Value};

#[derive(Subcommand)]
pub enum ValidatorCommand {
	/// Has the institution's own node (`--url`, which must be that node: the keys are made in
	/// its keystore) make new session keys, and registers them, with the node's proof that the
	/// validator account owns them, by a `session.setKeys` signed by the validator account.
	/// They are used from the second session boundary on.
	RotateKeys {
		#[command(flatten)]
		signing: Signing,
	},
}

pub async fn run(connection: &Connection, command: ValidatorCommand) -> CliResult<Value> {
	let chain = Chain::connect(connection).await?;
	match command {
		ValidatorCommand::RotateKeys { signing } => {
			let owner = Signer::load(&signing)?.account();
			// The node signs the owner's account with each new key: the proof `setKeys` needs.
			let made: Value = chain
				.rpc("author_rotateKeysWithOwner", rpc_params![to_hex(&owner.encode())])
				.await?;
			let field = |name: &str| {
				made[name]
					.as_str()
					.ok_or(format!("the node's new keys have no \"{name}\": {made}"))
					.and_then(|hex| from_hex(hex, name))
			};
			let keys = SessionKeys::decode(&mut &field("keys")?[..])
				.map_err(|e| format!("the node's keys are not this chain's session keys: {e}"))?;
			let proof = field("proof")?;
			let (aura, grandpa) = (to_hex(keys.aura.as_ref()), to_hex(keys.grandpa.as_ref()));
			let call = RuntimeCall::Session(pallet_session::Call::set_keys { keys, proof });
			let included = chain.submit(&signing, call).await?;
			Ok(included.report(json!({ "aura": aura, "grandpa": grandpa })))
		}
	}
}
