//! Rule proofs checked by the node, natively: a host function the runtime calls.
//!
//! Verifying an aggregated range proof costs the runtime, in wasm, about 9.6 ms per claim
//! (`pallet_loans::verify_rule_proof`), some 170 ms for the 16 claims of a typical product:
//! more than a block can spend per application. The node runs the same [`claims::verify`]
//! natively (`pallet_loans::verify_rule_proof_on_host`), with the generators made once. Every
//! executor that runs the runtime must carry [`rule_proofs::HostFunctions`] beside
//! `sp_io::SubstrateHostFunctions`: the node's client, its chain specs' genesis builder, its
//! upgrade check and its benchmark command do (`banktax-node`'s `service::HostFunctions`). A
//! tool that executes the runtime without it cannot instantiate it.

use super::claims::{self, Claim, ClaimProof};
use super::pedersen::Point;
use alloc::vec::Vec;
use codec::Decode;
use sp_runtime_interface::{pass_by::PassFatPointerAndRead, runtime_interface};

/// The host's side of rule proofs.
#[runtime_interface]
pub trait RuleProofs {
	/// Whether `proof` proves the claims (SCALE of `Vec<Claim>`) about `points` (32 bytes
	/// each) under `binding`: [`claims::verify`], run natively.
	fn verify_claims(
		binding: PassFatPointerAndRead<&[u8]>,
		claims: PassFatPointerAndRead<&[u8]>,
		points: PassFatPointerAndRead<&[u8]>,
		proof: PassFatPointerAndRead<&[u8]>,
	) -> bool {
		verify_encoded(binding, claims, points, proof)
	}
}

/// [`claims::verify`] on encoded claims and points: false for anything that does not decode.
pub fn verify_encoded(binding: &[u8], claims: &[u8], points: &[u8], proof: &[u8]) -> bool {
	let Ok(claims) = Vec::<Claim>::decode(&mut &claims[..]) else { return false };
	if !points.len().is_multiple_of(32) {
		return false;
	}
	let points: Vec<Point> =
		points.chunks_exact(32).filter_map(|point| point.try_into().ok()).collect();
	claims::verify(binding, &claims, &points, &ClaimProof(proof.to_vec())).is_ok()
}
