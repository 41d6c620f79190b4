//! The privacy codec: how a tax record is written, committed to, sealed and handed to a reader.
//!
//! Everything on the chain is visible to every node, so a tax record's figures never go there
//! in clear, and nothing the chain holds may depend on them, not even a length. The tax
//! authority, holding a record:
//!
//! 1. writes it in the canonical schema ([`TaxRecord`], [`SCHEMA_VERSION`]): every figure of
//!    its kind ([`FieldKey::catalogue`]) below 2^64;
//! 2. commits to each figure as a Pedersen point on Ristretto255 ([`pedersen`]), blinded from
//!    one secret seed, and to the record as a Merkle root over the points, bound to the public
//!    header ([`point_commitment`]): the chain keeps only that root, and a figure is later
//!    disclosed by its opening, checked against its point and the point against the chain;
//! 3. seals the record with its seed under a fresh data key ([`seal_record`],
//!    XChaCha20-Poly1305), padded to its kind's one length, and puts the commitment and
//!    ciphertext on chain;
//! 4. for each reader with consent, wraps the data key, or chosen figures with their openings,
//!    in an envelope for the reader's registered X25519 key ([`seal_envelope`]), padded too.
//!
//! The reader opens its envelope with its secret key ([`open_envelope`]), then the record
//! ([`open_record`]), which checks the opened record against the on-chain commitment.
//!
//! Records of the first format (salted hashes, lengths that follow the figures) stay readable
//! and verifiable; the chain takes no new ones.
//!
//! Cryptography comes from RustCrypto and dalek: `chacha20poly1305`, `x25519-dalek`, `hkdf` with
//! `sha2`, `blake2`, `curve25519-dalek` with `bulletproofs`' generators. Randomness is passed
//! in, so the same code runs in `no_std` and test vectors are reproducible. `docs/record-format.md`
//! specifies both formats byte by byte; the vectors in `vectors/privacy-v1.txt` and
//! `vectors/privacy-v2.txt` pin them.

pub mod claims;
mod commitment;
#[cfg(feature = "files")]
pub mod files;
pub mod host;
pub mod pedersen;
pub mod rules;
mod schema;
pub mod seal;

pub use commitment::{
	commitment, disclose, leaf, point_commitment, point_leaf, verify_disclosure, DisclosureProof,
	Hash, ProofPath, Salt, MAX_PROOF_DEPTH,
};
pub use pedersen::{Blinding, Point, RecordSeed};
pub use schema::{
	Field, FieldKey, RecordHeader, SchemaError, TaxRecord, FIGURE_BITS, MAX_FIELDS, MAX_SCORE,
	SCHEMA_V1, SCHEMA_VERSION,
};
pub use seal::{
	check_disclosed, check_envelope_form, check_sealed_record_form, envelope_content_len,
	envelope_len, open_envelope, open_record, opening_len, seal_envelope, seal_record,
	sealed_record_len, unopenable_envelope, unopenable_sealed_record, unopenable_v1, DataKey,
	DisclosedField, Disclosure, EncryptionPublicKey, EncryptionSecret, Envelope, EnvelopeContent,
	FieldOpening, FormError, Opening, PrivacyError, RecordSecret, SealedRecord, FORMAT_V1,
	FORMAT_VERSION, MAX_ENVELOPE_LEN, MAX_SEALED_RECORD_LEN, MIN_ENVELOPE_LEN,
	MIN_SEALED_RECORD_LEN,
};

use blake2::{digest::consts::U32, Blake2b, Digest};

/// BLAKE2b-256 of the concatenated `parts`.
fn blake2_256(parts: &[&[u8]]) -> [u8; 32] {
	let mut hasher = Blake2b::<U32>::new();
	for part in parts {
		hasher.update(part);
	}
	hasher.finalize().into()
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_rules;
#[cfg(test)]
mod tests_v2;
#[cfg(test)]
mod vectors;
