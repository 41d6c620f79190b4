//! `banktax council`: the institutions' council from an operator's terminal: propose a
//! decision, vote on it, close it once it has the votes, and list what is open.
//!
//! A motion passes with two thirds of the council (`docs/governance.md`). The command works
//! out what polkadot.js Apps leaves to the user: the threshold from the council's size, and, to
//! close, the motion's weight and length bounds from the motion itself.

use crate::{
	chain::{parse_account, storage_prefix, Chain, Connection, Signer, Signing},
	hex32, to_hex, CliResult,
};
use banktax_primitives::Role;
use banktax_runtime::{AccountId, BlockNumber, Hash, RuntimeCall, RuntimeEvent};
use clap::Subcommand;
use codec::{Decode, Encode};
use pallet_institutions::{Application, InstitutionId};
use serde_json::{json, Value};
use sp_core::crypto::Ss58Codec;
use sp_runtime::traits::{BlakeTwo256, Hash as _};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum CouncilCommand {
	/// Proposes a decision to the council; the proposer still votes for it with `vote`.
	Propose {
		#[command(subcommand)]
		decision: Decision,
	},
	/// Votes on an open motion: aye, or nay with `--nay`.
	Vote {
		/// The motion's hash, as `propose` or `motions` print it.
		#[arg(long)]
		motion: String,
		/// Vote against it.
		#[arg(long)]
		nay: bool,
		#[command(flatten)]
		signing: Signing,
	},
	/// Closes a motion that has its votes (it then takes effect), or whose time is up.
	Close {
		#[arg(long)]
		motion: String,
		#[command(flatten)]
		signing: Signing,
	},
	/// The open motions: what each decides, its votes and its threshold.
	Motions,
}

/// A decision the council takes by motion.
#[derive(Subcommand)]
pub enum Decision {
	/// Admits an institution.
	Admit {
		/// `taxAuthority`, `bank` or `regulator`.
		#[arg(long)]
		role: String,
		#[arg(long)]
		legal_name: String,
		/// Its unified social credit code.
		#[arg(long)]
		uscc: String,
		/// Its governance account (SS58): its council seat, and what signs its business.
		#[arg(long)]
		governance: String,
		/// The account its validator's session keys are registered by (SS58).
		#[arg(long)]
		validator: String,
		/// Its node's peer id (base58, as `banktax-node key inspect-node-key` prints it).
		#[arg(long)]
		node: String,
		/// Its X25519 encryption key (hex), as `banktax keys generate` prints it.
		#[arg(long)]
		encryption_key: String,
		#[command(flatten)]
		signing: Signing,
	},
	/// Suspends an active institution.
	Suspend {
		#[arg(long)]
		institution: InstitutionId,
		#[command(flatten)]
		signing: Signing,
	},
	/// Reinstates a suspended institution.
	Reinstate {
		#[arg(long)]
		institution: InstitutionId,
		#[command(flatten)]
		signing: Signing,
	},
	/// Removes an institution for good.
	Remove {
		#[arg(long)]
		institution: InstitutionId,
		#[command(flatten)]
		signing: Signing,
	},
	/// Changes an institution's validator account.
	SetValidator {
		#[arg(long)]
		institution: InstitutionId,
		#[arg(long)]
		validator: String,
		#[command(flatten)]
		signing: Signing,
	},
	/// Changes an institution's node.
	SetNode {
		#[arg(long)]
		institution: InstitutionId,
		/// The new node's peer id (base58).
		#[arg(long)]
		node: String,
		#[command(flatten)]
		signing: Signing,
	},
	/// Puts an enterprise in the care of another tax bureau.
	TransferEnterprise {
		#[arg(long)]
		uscc: String,
		/// The bureau's governance account (SS58).
		#[arg(long)]
		to: String,
		#[command(flatten)]
		signing: Signing,
	},
	/// Authorises a runtime upgrade to this code; once passed, anyone submits the code with
	/// `system.applyAuthorizedUpgrade`.
	Upgrade {
		/// The runtime's compressed wasm.
		#[arg(long)]
		wasm: PathBuf,
		#[command(flatten)]
		signing: Signing,
	},
}

impl Decision {
	/// The call the motion makes, and who proposes it.
	fn into_call(self) -> CliResult<(RuntimeCall, Signing)> {
		use pallet_institutions::Call as Institutions;
		let institutions = |call| RuntimeCall::Institutions(call);
		Ok(match self {
			Decision::Admit {
				role,
				legal_name,
				uscc,
				governance,
				validator,
				node,
				encryption_key,
				signing,
			} => {
				let application = Application {
					role: parse_role(&role)?,
					legal_name: legal_name.into_bytes(),
					uscc: *crate::parse_uscc(&uscc)?.as_bytes(),
					governance: parse_account(&governance)?,
					validator: parse_account(&validator)?,
					node: parse_peer_id(&node)?,
					encryption_key: hex32(&encryption_key, "the encryption key")?,
				};
				(institutions(Institutions::admit { application: Box::new(application) }), signing)
			}
			Decision::Suspend { institution, signing } => {
				(institutions(Institutions::suspend { id: institution }), signing)
			}
			Decision::Reinstate { institution, signing } => {
				(institutions(Institutions::reinstate { id: institution }), signing)
			}
			Decision::Remove { institution, signing } => {
				(institutions(Institutions::remove { id: institution }), signing)
			}
			Decision::SetValidator { institution, validator, signing } => {
				let validator = parse_account(&validator)?;
				(institutions(Institutions::set_validator { id: institution, validator }), signing)
			}
			Decision::SetNode { institution, node, signing } => {
				let node = parse_peer_id(&node)?;
				(institutions(Institutions::set_node { id: institution, node }), signing)
			}
			Decision::TransferEnterprise { uscc, to, signing } => {
				let call = pallet_tax_records::Call::transfer_enterprise {
					uscc: *crate::parse_uscc(&uscc)?.as_bytes(),
					to: parse_account(&to)?,
				};
				(RuntimeCall::TaxRecords(call), signing)
			}
			Decision::Upgrade { wasm, signing } => {
				let code = std::fs::read(&wasm)
					.map_err(|e| format!("cannot read {}: {e}", wasm.display()))?;
				let code_hash = BlakeTwo256::hash(&code);
				let upgrade =
					RuntimeCall::System(frame_system::Call::authorize_upgrade { code_hash });
				let call = pallet_governance::Call::dispatch_as_root { call: Box::new(upgrade) };
				(RuntimeCall::Governance(call), signing)
			}
		})
	}
}

/// An institution's role by name, in any case: `bank`, `Bank`, `tax-authority`, `TaxAuthority`.
pub fn parse_role(text: &str) -> CliResult<Role> {
	match text.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
		"taxauthority" => Ok(Role::TaxAuthority),
		"bank" => Ok(Role::Bank),
		"regulator" => Ok(Role::Regulator),
		_ => Err(format!("{text} is not a role: taxAuthority, bank or regulator")),
	}
}

/// A libp2p peer id from its base58 text, as the bytes the registry keeps.
pub fn parse_peer_id(text: &str) -> CliResult<Vec<u8>> {
	bs58::decode(text.trim())
		.into_vec()
		.map_err(|e| format!("{text} is not a peer id (base58): {e}"))
}

/// The votes on a motion as the council stores them (`pallet_collective::Votes`, whose fields
/// that pallet keeps private; the same SCALE layout).
#[derive(Decode)]
struct Votes {
	index: u32,
	threshold: u32,
	ayes: Vec<AccountId>,
	nays: Vec<AccountId>,
	end: BlockNumber,
}

/// Two thirds of `members`, rounded up: what a motion needs.
pub fn two_thirds(members: u32) -> u32 {
	members.saturating_mul(2).div_ceil(3)
}

pub async fn run(connection: &Connection, command: CouncilCommand) -> CliResult<Value> {
	let chain = Chain::connect(connection).await?;
	match command {
		CouncilCommand::Propose { decision } => propose(&chain, decision).await,
		CouncilCommand::Vote { motion, nay, signing } => {
			let motion = parse_motion(&motion)?;
			let votes = votes(&chain, motion).await?;
			let call = RuntimeCall::Council(pallet_collective::Call::vote {
				proposal: motion,
				index: votes.index,
				approve: !nay,
			});
			let included = chain.submit(&signing, call).await?;
			let after = voting(&chain, motion).await?;
			Ok(included.report(json!({ "motion": to_hex(motion.as_ref()), "votes": after })))
		}
		CouncilCommand::Close { motion, signing } => {
			let motion = parse_motion(&motion)?;
			let votes = votes(&chain, motion).await?;
			let proposal = proposal(&chain, motion).await?;
			let call = RuntimeCall::Council(pallet_collective::Call::close {
				proposal_hash: motion,
				index: votes.index,
				proposal_weight_bound: dispatch_weight(&proposal),
				length_bound: proposal.encoded_size() as u32,
			});
			let included = chain.submit(&signing, call).await?;
			let outcome = included.find(|event| match event {
				RuntimeEvent::Council(pallet_collective::Event::Executed { result, .. }) => {
					Some(match result {
						Ok(()) => json!("executed"),
						Err(error) => {
							json!(format!("failed: {}", crate::chain::describe(*error)))
						}
					})
				}
				RuntimeEvent::Council(pallet_collective::Event::Disapproved { .. }) => {
					Some(json!("disapproved"))
				}
				_ => None,
			})?;
			Ok(included.report(json!({ "motion": to_hex(motion.as_ref()), "outcome": outcome })))
		}
		CouncilCommand::Motions => motions(&chain).await,
	}
}

async fn propose(chain: &Chain, decision: Decision) -> CliResult<Value> {
	let (proposal, signing) = decision.into_call()?;
	let members = members(chain).await?;
	let proposer = Signer::load(&signing)?.account();
	if !members.contains(&proposer) {
		return Err(format!("{} is not on the council", proposer.to_ss58check()));
	}
	let threshold = two_thirds(members.len() as u32);
	let motion = BlakeTwo256::hash_of(&proposal);
	let length_bound = proposal.encoded_size() as u32;
	let call = RuntimeCall::Council(pallet_collective::Call::propose {
		threshold,
		proposal: Box::new(proposal),
		length_bound,
	});
	let included = chain.submit(&signing, call).await?;
	Ok(included.report(json!({
		"motion": to_hex(motion.as_ref()),
		"threshold": threshold,
		"members": members.len(),
	})))
}

async fn motions(chain: &Chain) -> CliResult<Value> {
	let open: Vec<Hash> =
		chain.storage(storage_prefix(b"Council", b"Proposals")).await?.unwrap_or_default();
	let mut listed = Vec::new();
	for motion in open {
		let proposal = proposal(chain, motion).await?;
		listed.push(json!({
			"motion": to_hex(motion.as_ref()),
			"decides": format!("{proposal:?}"),
			"votes": voting(chain, motion).await?,
		}));
	}
	Ok(json!({ "members": members(chain).await?.len(), "motions": listed }))
}

async fn members(chain: &Chain) -> CliResult<Vec<AccountId>> {
	chain
		.storage(storage_prefix(b"Council", b"Members"))
		.await?
		.ok_or_else(|| "the chain has no council".into())
}

async fn votes(chain: &Chain, motion: Hash) -> CliResult<Votes> {
	let key = [storage_prefix(b"Council", b"Voting"), motion.encode()].concat();
	chain.storage(key).await?.ok_or_else(|| not_open(motion))
}

async fn proposal(chain: &Chain, motion: Hash) -> CliResult<RuntimeCall> {
	let key = [storage_prefix(b"Council", b"ProposalOf"), motion.encode()].concat();
	chain.storage(key).await?.ok_or_else(|| not_open(motion))
}

async fn voting(chain: &Chain, motion: Hash) -> CliResult<Value> {
	let Ok(votes) = votes(chain, motion).await else {
		return Ok(json!("closed"));
	};
	let names =
		|accounts: &[AccountId]| accounts.iter().map(|a| a.to_ss58check()).collect::<Vec<_>>();
	Ok(json!({
		"index": votes.index,
		"threshold": votes.threshold,
		"ayes": names(&votes.ayes),
		"nays": names(&votes.nays),
		"endsAt": votes.end,
	}))
}

fn not_open(motion: Hash) -> String {
	format!("no open motion {}", to_hex(motion.as_ref()))
}

fn parse_motion(text: &str) -> CliResult<Hash> {
	Ok(Hash::from(hex32(text, "the motion's hash")?))
}

/// What executing `proposal` weighs, which `close` must be allowed to spend.
fn dispatch_weight(proposal: &RuntimeCall) -> sp_runtime::Weight {
	use frame_support::dispatch::GetDispatchInfo;
	proposal.get_dispatch_info().call_weight
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_motion_needs_two_thirds_rounded_up() {
		assert_eq!([1, 2, 3, 4, 5, 6, 7].map(two_thirds), [1, 2, 2, 3, 4, 4, 5]);
	}

	#[test]
	fn a_role_is_read_by_name_in_any_case() {
		assert_eq!(parse_role("bank"), Ok(Role::Bank));
		assert_eq!(parse_role("TaxAuthority"), Ok(Role::TaxAuthority));
		assert_eq!(parse_role("tax-authority"), Ok(Role::TaxAuthority));
		assert!(parse_role("sheriff").is_err());
	}

	#[test]
	fn a_peer_id_is_read_from_base58() {
		let id = "12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp";
		let bytes = parse_peer_id(id).expect("a peer id");
		assert_eq!(bytes.len(), 38);
		assert_eq!(bs58::encode(&bytes).into_string(), id);
		assert!(parse_peer_id("not base58: 0OIl").is_err());
	}
}
