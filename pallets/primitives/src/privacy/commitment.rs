//! The commitment to a record and per-field disclosure proofs.
//!
//! Each field is hashed with its own random 32-byte salt into a leaf; the leaves, in the
//! record's canonical field order, form a binary Merkle tree; the commitment hashes the public
//! header, the number of leaves and the tree's root. Anyone holding one field, its salt and
//! the sibling hashes on its path can show that the field is part of the committed record,
//! without learning any other field: the salts keep the other leaves from being guessed by
//! trying likely figures.
//!
//! Hashes are BLAKE2b-256 with a distinct domain tag for leaves, inner nodes and the
//! commitment, so no value of one kind can pass for another. An odd node at the end of a
//! level is carried up unchanged.

use super::{
	blake2_256,
	schema::{Field, RecordHeader, TaxRecord},
};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::{traits::ConstU32, BoundedVec};

/// A 32-byte hash.
pub type Hash = [u8; 32];

/// A field's salt: fresh randomness for every field of every record.
pub type Salt = [u8; 32];

const LEAF_TAG: &[u8] = b"banktax:leaf:v1";
const NODE_TAG: &[u8] = b"banktax:node:v1";
const RECORD_TAG: &[u8] = b"banktax:record:v1";

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

/// The leaf of `field` under `salt`.
pub fn leaf(field: &Field, salt: &Salt) -> Hash {
	blake2_256(&[LEAF_TAG, salt, &field.encode()])
}

fn node(left: &Hash, right: &Hash) -> Hash {
	blake2_256(&[NODE_TAG, left, right])
}

/// The level above `level`: each pair hashed into its parent, an odd last node carried up.
fn next_level(level: &[Hash]) -> Vec<Hash> {
	let pairs = level.chunks_exact(2);
	let carried = pairs.remainder().first().copied();
	pairs
		.filter_map(|pair| match pair {
			[left, right] => Some(node(left, right)),
			_ => None,
		})
		.chain(carried)
		.collect()
}

/// The root of the tree over `leaves`; `None` when there are none.
fn root(leaves: &[Hash]) -> Option<Hash> {
	let mut level = leaves.to_vec();
	while level.len() > 1 {
		level = next_level(&level);
	}
	level.first().copied()
}

fn commit_root(header: &RecordHeader, leaf_count: usize, root: &Hash) -> Hash {
	blake2_256(&[RECORD_TAG, &header.encode(), &(leaf_count as u32).to_le_bytes(), root])
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
	let leaves = leaves(record, salts);
	Some(commit_root(&record.header, leaves.len(), &root(&leaves)?))
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
		level = next_level(&level);
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
			hash = if position % 2 == 0 { node(&hash, sibling) } else { node(sibling, &hash) };
		}
		position /= 2;
		width = width.div_ceil(2);
	}
	siblings.next().is_none()
		&& commit_root(header, proof.leaf_count as usize, &hash) == *commitment
}
