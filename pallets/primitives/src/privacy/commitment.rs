//! The commitment to a record and per-field disclosure proofs.
//!
//! Each field becomes a leaf; the leaves, in the record's canonical field order, form a binary
//! Merkle tree; the commitment hashes the public header, the number of leaves and the tree's
//! root. An odd node at the end of a level is carried up unchanged.
//!
//! - **Version 1**: a leaf hashes the field with its own random 32-byte salt. Anyone holding one
//!   field, its salt and the sibling hashes on its path can show that the field is part of the
//!   committed record without learning any other field: the salts keep the other leaves from
//!   being guessed by trying likely figures.
//! - **Version 2**: a leaf hashes the field's id with its Pedersen commitment ([`super::pedersen`]),
//!   which hides the figure by itself. The leaves are public to whoever holds the points; a
//!   figure is disclosed by its opening (value and blinding), checked against its point.
//!
//! Hashes are BLAKE2b-256 with a distinct domain tag per version for leaves, inner nodes and the
//! commitment, so no value of one kind or version can pass for another.

use super::{
	blake2_256,
	pedersen::Point,
	schema::{Field, FieldKey, RecordHeader, TaxRecord},
};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::{traits::ConstU32, BoundedVec};

/// A 32-byte hash.
pub type Hash = [u8; 32];

/// A field's salt: fresh randomness for every field of every record.
pub type Salt = [u8; 32];

/// The domain tags of one format version's tree.
struct Tags {
	leaf: &'static [u8],
	node: &'static [u8],
	record: &'static [u8],
}

const V1: Tags =
	Tags { leaf: b"banktax:leaf:v1", node: b"banktax:node:v1", record: b"banktax:record:v1" };
const V2: Tags =
	Tags { leaf: b"banktax:leaf:v2", node: b"banktax:node:v2", record: b"banktax:record:v2" };

/// The proof that one field is part of a committed record.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct DisclosureProof {
	/// The field's position in the record's canonical order.
	pub index: u8,
	/// How many fields the record has.
	pub leaf_count: u8,
	/// The field's salt.
	pub salt: Salt,
	/// Sibling hashes from the leaf up to the root; levels where the node had no sibling are
	/// skipped.
	pub siblings: ProofPath,
}

/// Longest sibling path: a tree of [`super::MAX_FIELDS`] leaves is this many levels deep.
pub const MAX_PROOF_DEPTH: u32 = 4;

/// The sibling hashes of a [`DisclosureProof`].
pub type ProofPath = BoundedVec<Hash, ConstU32<MAX_PROOF_DEPTH>>;

/// The version-1 leaf of `field` under `salt`.
pub fn leaf(field: &Field, salt: &Salt) -> Hash {
	blake2_256(&[V1.leaf, salt, &field.encode()])
}

/// The version-2 leaf of field `key` committed as `point`.
pub fn point_leaf(key: FieldKey, point: &Point) -> Hash {
	blake2_256(&[V2.leaf, &[key as u8], point])
}

impl Tags {
	fn node(&self, left: &Hash, right: &Hash) -> Hash {
		blake2_256(&[self.node, left, right])
	}

	/// The level above `level`: each pair hashed into its parent, an odd last node carried up.
	fn next_level(&self, level: &[Hash]) -> Vec<Hash> {
		let pairs = level.chunks_exact(2);
		let carried = pairs.remainder().first().copied();
		pairs
			.filter_map(|pair| match pair {
				[left, right] => Some(self.node(left, right)),
				_ => None,
			})
			.chain(carried)
			.collect()
	}

	/// The commitment to the tree over `leaves` under `header`; `None` when there are none.
	fn commit(&self, header: &RecordHeader, leaves: &[Hash]) -> Option<Hash> {
		let mut level = leaves.to_vec();
		while level.len() > 1 {
			level = self.next_level(&level);
		}
		Some(self.commit_root(header, leaves.len(), level.first()?))
	}

	fn commit_root(&self, header: &RecordHeader, leaf_count: usize, root: &Hash) -> Hash {
		blake2_256(&[self.record, &header.encode(), &(leaf_count as u32).to_le_bytes(), root])
	}
}

/// The leaves of `record`'s fields, each under its salt.
fn leaves(record: &TaxRecord, salts: &[Salt]) -> Vec<Hash> {
	record.fields.iter().zip(salts).map(|(field, salt)| leaf(field, salt)).collect()
}

/// The commitment to `record` with one salt per field; `None` if the counts differ or the
/// record has no fields.
pub fn commitment(record: &TaxRecord, salts: &[Salt]) -> Option<Hash> {
	if record.fields.len() != salts.len() {
		return None;
	}
	V1.commit(&record.header, &leaves(record, salts))
}

/// The version-2 commitment to the record with `header` whose fields, in catalogue order, are
/// committed as `points`; `None` if the points are not one per field of the header's kind.
pub fn point_commitment(header: &RecordHeader, points: &[Point]) -> Option<Hash> {
	let catalogue = FieldKey::catalogue(header.kind);
	if points.len() != catalogue.len() {
		return None;
	}
	let leaves: Vec<Hash> =
		catalogue.iter().zip(points).map(|(key, point)| point_leaf(*key, point)).collect();
	V2.commit(header, &leaves)
}

/// The proof for the field at `index` of `record`, salted with `salts`.
pub fn disclose(record: &TaxRecord, salts: &[Salt], index: usize) -> Option<DisclosureProof> {
	if record.fields.len() != salts.len() || index >= salts.len() {
		return None;
	}
	let mut level = leaves(record, salts);
	let mut position = index;
	let mut siblings = Vec::new();
	while level.len() > 1 {
		let sibling = position ^ 1;
		if let Some(hash) = level.get(sibling) {
			siblings.push(*hash);
		}
		level = V1.next_level(&level);
		position /= 2;
	}
	Some(DisclosureProof {
		index: index.try_into().ok()?,
		leaf_count: salts.len().try_into().ok()?,
		salt: *salts.get(index)?,
		siblings: siblings.try_into().ok()?,
	})
}

/// Whether `field`, with `proof`, is part of the record committed to by `commitment` under
/// `header`.
pub fn verify_disclosure(
	commitment: &Hash,
	header: &RecordHeader,
	field: &Field,
	proof: &DisclosureProof,
) -> bool {
	let (mut position, mut width) = (proof.index as usize, proof.leaf_count as usize);
	if position >= width {
		return false;
	}
	let mut hash = leaf(field, &proof.salt);
	let mut siblings = proof.siblings.iter();
	while width > 1 {
		let has_sibling = position ^ 1 < width;
		if has_sibling {
			let Some(sibling) = siblings.next() else { return false };
			hash =
				if position % 2 == 0 { V1.node(&hash, sibling) } else { V1.node(sibling, &hash) };
		}
		position /= 2;
		width = width.div_ceil(2);
	}
	siblings.next().is_none()
		&& V1.commit_root(header, proof.leaf_count as usize, &hash) == *commitment
}
