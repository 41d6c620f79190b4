//! Pedersen commitments to a record's figures (format version 2).
//!
//! Each figure v of a version-2 record is committed as the Ristretto255 point
//! `C = v·B + r·B̃`, where `B` is the Ristretto base point and `B̃` the blinding generator of
//! dalek's Bulletproofs (`PedersenGens::default()`): the same generators its range proofs use,
//! so a rule can later be proven on `C` without opening it. The commitment hides `v`
//! perfectly; the blinding `r` does what a salt does for a hashed field.
//!
//! Blindings come from one secret seed per record: `r = BLAKE2b-512(tag ‖ seed ‖ field id)`
//! read as a little-endian integer and reduced modulo the group order. Whoever holds the seed
//! holds every blinding of the record; one blinding opens one figure and nothing else.

use super::schema::FieldKey;
use blake2::{digest::consts::U64, Blake2b, Digest};
use bulletproofs::PedersenGens;
use curve25519_dalek::{ristretto::CompressedRistretto, scalar::Scalar};
use zeroize::Zeroize;

/// A compressed Ristretto255 point: the commitment to one figure.
pub type Point = [u8; 32];

/// A blinding scalar in its canonical 32-byte little-endian form.
pub type Blinding = [u8; 32];

const BLINDING_TAG: &[u8] = b"banktax:blinding:v2";

/// The secret a version-2 record's blindings are derived from. Wiped from memory when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct RecordSeed(pub [u8; 32]);

impl Drop for RecordSeed {
	fn drop(&mut self) {
		self.0.zeroize();
	}
}

impl core::fmt::Debug for RecordSeed {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		f.write_str("RecordSeed(..)")
	}
}

impl RecordSeed {
	/// The blinding of field `key` of the record.
	pub fn blinding(&self, key: FieldKey) -> Blinding {
		let mut wide = [0u8; 64];
		let mut hasher = Blake2b::<U64>::new();
		hasher.update(BLINDING_TAG);
		hasher.update(self.0);
		hasher.update([key as u8]);
		wide.copy_from_slice(&hasher.finalize());
		let blinding = Scalar::from_bytes_mod_order_wide(&wide).to_bytes();
		wide.zeroize();
		blinding
	}
}

/// The commitment to `value` under `blinding`; `None` if the blinding is not a canonical scalar.
pub fn commit(value: u64, blinding: &Blinding) -> Option<Point> {
	let blinding = Option::<Scalar>::from(Scalar::from_canonical_bytes(*blinding))?;
	Some(PedersenGens::default().commit(Scalar::from(value), blinding).compress().to_bytes())
}

/// Whether `point` is the commitment to `value` under `blinding`.
pub fn opens(point: &Point, value: u64, blinding: &Blinding) -> bool {
	commit(value, blinding).is_some_and(|expected| expected == *point)
}

/// Whether `point` is the encoding of a Ristretto255 point at all.
pub fn is_point(point: &Point) -> bool {
	CompressedRistretto(*point).decompress().is_some()
}

/// The blinding generator `B̃`, compressed: what an implementation checks its generators by.
pub fn blinding_generator() -> Point {
	PedersenGens::default().B_blinding.compress().to_bytes()
}
