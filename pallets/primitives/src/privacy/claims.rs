//! Proofs that committed figures meet public thresholds, without opening them.
//!
//! Every rule a lending product may state reduces to *claims* of one shape: a linear form over
//! committed figures plus a public constant lies in `[0, 2^64)`,
//!
//! ```text
//! Σ wᵢ·vᵢ + c ∈ [0, 2^64)        wᵢ, c public integers, vᵢ committed as Cᵢ = vᵢ·B + rᵢ·B̃
//! ```
//!
//! The verifier derives the claim's commitment from the points it was given and checked,
//! `D = Σ wᵢ·Cᵢ + c·B`, which commits to the claimed value under the blinding `Σ wᵢ·rᵢ`; one
//! aggregated Bulletproofs range proof shows every derived commitment holds a value of 64 bits.
//! A figure at least a threshold T is `v − T`; at most T is `T − v`; a loan L at most k times a
//! figure is `k·v − L`; a scorecard is `Σ wᵢ·vᵢ − T`.
//!
//! **No wrap.** Figures are below 2^64, a claim has at most [`MAX_TERMS`] terms with weights of
//! at most 2^16 in size and a constant below 2^80 in size, so `|Σ wᵢ·vᵢ + c| < 2^85`, far below
//! the group order (about 2^252): a derived commitment never commits to a negative value that
//! looks positive modulo the order. A true claim whose value is 2^64 or more cannot be proven
//! (the prover says so); with amounts in fen that is a margin of 1.8·10^17 CNY.
//!
//! **Binding.** The proof's transcript starts with a domain tag and the caller's binding bytes
//! (which chain, which rule set, which enterprise, bank, product, records, nonce), then every
//! claim: a proof made for one binding or one set of claims fails for any other.
//!
//! **Deterministic verification.** The verifier draws its batching scalar from a generator
//! seeded by a hash of the binding and the proof, so every validator computes the same; a valid
//! proof verifies for any seed.

use super::pedersen::{self, Blinding, Point};
use alloc::vec::Vec;
use blake2::{digest::consts::U32, Blake2b, Digest};
use bulletproofs::{BulletproofGens, PedersenGens, RangeProof};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use curve25519_dalek::{
	ristretto::{CompressedRistretto, RistrettoPoint},
	scalar::Scalar,
	traits::Identity,
};
use merlin::Transcript;
use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};
use rand_core::{CryptoRng, RngCore};
use scale_info::TypeInfo;
use sp_runtime::{traits::ConstU32, BoundedVec};

/// Bits every derived value is proven to fit in.
pub const CLAIM_BITS: usize = 64;

/// Most terms one claim may have.
pub const MAX_TERMS: u32 = 16;

/// Most claims one proof may carry (the aggregation size, a power of two).
pub const MAX_CLAIMS: u32 = 32;

/// Largest weight, in size, a term may have.
pub const MAX_WEIGHT: u32 = 1 << 16;

/// A claim's constant is below this in size.
pub const MAX_CONSTANT: u128 = 1 << 80;

const TRANSCRIPT_LABEL: &[u8] = b"banktax:claims:v1";
const VERIFIER_SEED_TAG: &[u8] = b"banktax:verifier-seed:v1";

/// One term of a claim: the figure committed as point number `point` of the proof's points,
/// times `weight`.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct Term {
	/// Which of the points the verifier was given.
	pub point: u8,
	/// Its public integer weight, at most [`MAX_WEIGHT`] in size.
	pub weight: i32,
}

/// That `Σ weight·figure + constant` is in `[0, 2^64)`.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Claim {
	/// The terms, at most [`MAX_TERMS`].
	pub terms: BoundedVec<Term, ConstU32<MAX_TERMS>>,
	/// The public constant, below [`MAX_CONSTANT`] in size.
	pub constant: i128,
}

/// Why a set of claims cannot be proven.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ProveError {
	/// Claim number `index` does not hold for these figures (its value is negative).
	Fails(usize),
	/// Claim number `index` holds, but its value is 2^64 or more: too large to prove.
	TooLarge(usize),
	/// The claims are malformed ([`ClaimError`]).
	Claims(ClaimError),
	/// An opening does not open its point.
	WrongOpening(usize),
}

/// Why claims are not well formed: what a verifier refuses before any curve arithmetic.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ClaimError {
	/// No claims, or more than [`MAX_CLAIMS`].
	Count,
	/// A term names a point that was not given.
	UnknownPoint,
	/// A weight or constant out of its bounds, or a claim without terms.
	OutOfBounds,
	/// A point is not a valid Ristretto255 encoding.
	NotAPoint,
}

/// Why a proof does not verify.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum VerifyError {
	/// The claims are malformed.
	Claims(ClaimError),
	/// The proof's bytes are not a range proof of the claims' size.
	Malformed,
	/// The proof is not a proof of these claims under this binding.
	Invalid,
}

/// A proof of claims: an aggregated 64-bit range proof over their derived commitments.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ClaimProof(pub Vec<u8>);

/// The size in bytes of a proof of `claims` claims: `(2·log2(64·m) + 9) · 32`, m being
/// `claims` rounded up to a power of two.
pub fn proof_len(claims: usize) -> usize {
	let m = aggregation(claims);
	let rounds = (CLAIM_BITS * m).trailing_zeros() as usize;
	(2 * rounds + 9) * 32
}

/// The most claims a proof of `len` bytes can be about, or [`MAX_CLAIMS`] if no proof has
/// that length: what a proof costs to verify before it is read.
pub fn claims_of_len(len: usize) -> u32 {
	let sizes = (0..=MAX_CLAIMS.trailing_zeros()).map(|power| 1u32 << power);
	sizes.into_iter().find(|m| proof_len(*m as usize) == len).unwrap_or(MAX_CLAIMS)
}

/// The aggregation size for `claims` claims: the next power of two.
fn aggregation(claims: usize) -> usize {
	claims.max(1).next_power_of_two()
}

fn check_claims(claims: &[Claim], points: usize) -> Result<(), ClaimError> {
	if claims.is_empty() || claims.len() > MAX_CLAIMS as usize {
		return Err(ClaimError::Count);
	}
	for claim in claims {
		if claim.terms.is_empty() || claim.constant.unsigned_abs() >= MAX_CONSTANT {
			return Err(ClaimError::OutOfBounds);
		}
		for term in claim.terms.iter() {
			if term.weight.unsigned_abs() > MAX_WEIGHT {
				return Err(ClaimError::OutOfBounds);
			}
			if usize::from(term.point) >= points {
				return Err(ClaimError::UnknownPoint);
			}
		}
	}
	Ok(())
}

fn scalar_of(value: i128) -> Scalar {
	let magnitude = Scalar::from(value.unsigned_abs());
	if value < 0 {
		-magnitude
	} else {
		magnitude
	}
}

/// The commitment claim `claim` is about, derived from the given points.
fn derive_point(claim: &Claim, points: &[RistrettoPoint]) -> Option<RistrettoPoint> {
	let base = PedersenGens::default().B;
	let mut sum = scalar_of(claim.constant) * base;
	for term in claim.terms.iter() {
		let point = points.get(usize::from(term.point))?;
		sum += scalar_of(i128::from(term.weight)) * point;
	}
	Some(sum)
}

fn decompress(points: &[Point]) -> Result<Vec<RistrettoPoint>, ClaimError> {
	points
		.iter()
		.map(|point| CompressedRistretto(*point).decompress().ok_or(ClaimError::NotAPoint))
		.collect()
}

/// The transcript every proof of `claims` under `binding` is made and checked in.
fn transcript(binding: &[u8], claims: &[Claim]) -> Transcript {
	let mut transcript = Transcript::new(TRANSCRIPT_LABEL);
	transcript.append_message(b"binding", binding);
	transcript.append_message(b"claims", &claims.encode());
	transcript
}

/// Commitments to zero with no blinding, which pad an aggregation to a power of two.
fn padding(claims: usize) -> usize {
	aggregation(claims) - claims
}

/// Proves `claims` about the figures committed as `points`, knowing each point's opening
/// (`values[i]`, `blindings[i]`). Fails, without proving anything, naming the first claim that
/// does not hold.
pub fn prove(
	binding: &[u8],
	claims: &[Claim],
	points: &[Point],
	openings: &[(u64, Blinding)],
	rng: &mut (impl RngCore + CryptoRng),
) -> Result<ClaimProof, ProveError> {
	check_claims(claims, points.len()).map_err(ProveError::Claims)?;
	if openings.len() != points.len() {
		return Err(ProveError::WrongOpening(openings.len().min(points.len())));
	}
	let mut blindings = Vec::with_capacity(openings.len());
	for (index, ((value, blinding), point)) in openings.iter().zip(points).enumerate() {
		if !pedersen::opens(point, *value, blinding) {
			return Err(ProveError::WrongOpening(index));
		}
		let blinding = Option::<Scalar>::from(Scalar::from_canonical_bytes(*blinding))
			.ok_or(ProveError::WrongOpening(index))?;
		blindings.push(blinding);
	}
	let pedersen_gens = PedersenGens::default();
	let mut values = Vec::with_capacity(aggregation(claims.len()));
	let mut derived_blindings = Vec::with_capacity(aggregation(claims.len()));
	for (index, claim) in claims.iter().enumerate() {
		let mut value = claim.constant;
		let mut blinding = Scalar::ZERO;
		for term in claim.terms.iter() {
			// Every term names a point (checked above), and every point has its opening.
			let (Some((figure, _)), Some(r)) =
				(openings.get(usize::from(term.point)), blindings.get(usize::from(term.point)))
			else {
				return Err(ProveError::Claims(ClaimError::UnknownPoint));
			};
			let weight = i128::from(term.weight);
			value = value.saturating_add(weight.saturating_mul(i128::from(*figure)));
			blinding += scalar_of(weight) * r;
		}
		let value = match u64::try_from(value) {
			Ok(value) => value,
			Err(_) if value < 0 => return Err(ProveError::Fails(index)),
			Err(_) => return Err(ProveError::TooLarge(index)),
		};
		values.push(value);
		derived_blindings.push(blinding);
	}
	values.extend(core::iter::repeat_n(0, padding(claims.len())));
	derived_blindings.extend(core::iter::repeat_n(Scalar::ZERO, padding(claims.len())));
	let (proof, _) = with_generators(values.len(), |generators| {
		RangeProof::prove_multiple_with_rng(
			generators,
			&pedersen_gens,
			&mut transcript(binding, claims),
			&values,
			&derived_blindings,
			CLAIM_BITS,
			rng,
		)
	})
	.map_err(|_| ProveError::Claims(ClaimError::Count))?;
	Ok(ClaimProof(proof.to_bytes()))
}

/// Checks that `proof` proves `claims` about the figures committed as `points` (which the
/// caller has checked against the chain), under `binding`.
pub fn verify(
	binding: &[u8],
	claims: &[Claim],
	points: &[Point],
	proof: &ClaimProof,
) -> Result<(), VerifyError> {
	check_claims(claims, points.len()).map_err(VerifyError::Claims)?;
	if proof.0.len() != proof_len(claims.len()) {
		return Err(VerifyError::Malformed);
	}
	let points = decompress(points).map_err(VerifyError::Claims)?;
	let mut derived = Vec::with_capacity(aggregation(claims.len()));
	for claim in claims {
		let point =
			derive_point(claim, &points).ok_or(VerifyError::Claims(ClaimError::UnknownPoint))?;
		derived.push(point.compress());
	}
	let identity = RistrettoPoint::identity().compress();
	derived.extend(core::iter::repeat_n(identity, padding(claims.len())));
	let range_proof = RangeProof::from_bytes(&proof.0).map_err(|_| VerifyError::Malformed)?;
	let seed: [u8; 32] = Blake2b::<U32>::new()
		.chain_update(VERIFIER_SEED_TAG)
		.chain_update(binding)
		.chain_update(&proof.0)
		.finalize()
		.into();
	with_generators(derived.len(), |generators| {
		range_proof.verify_multiple_with_rng(
			generators,
			&PedersenGens::default(),
			&mut transcript(binding, claims),
			&derived,
			CLAIM_BITS,
			&mut ChaCha20Rng::from_seed(seed),
		)
	})
	.map_err(|_| VerifyError::Invalid)
}

/// Runs `f` with generators for `parties` aggregated values. A party's generators do not depend
/// on how many parties there are, so the node makes them once for [`MAX_CLAIMS`] and keeps them:
/// making them is most of a small proof's cost. The runtime makes what it needs each time.
fn with_generators<R>(parties: usize, f: impl FnOnce(&BulletproofGens) -> R) -> R {
	#[cfg(feature = "std")]
	{
		static GENERATORS: std::sync::OnceLock<BulletproofGens> = std::sync::OnceLock::new();
		let _ = parties;
		f(GENERATORS.get_or_init(|| BulletproofGens::new(CLAIM_BITS, MAX_CLAIMS as usize)))
	}
	#[cfg(not(feature = "std"))]
	{
		f(&BulletproofGens::new(CLAIM_BITS, parties))
	}
}
