//! The privacy codec: how a tax record is written, committed to, sealed and handed to a reader.
//!
//! Everything on the chain is visible to every node, so a tax record's figures never go there
//! in clear. The tax authority, holding a record:
//!
//! 1. writes it in the canonical schema ([`TaxRecord`], [`SCHEMA_VERSION`]);
//! 2. salts every field and commits to the record ([`commitment`]): a Merkle root over salted
//!    per-field hashes, bound to the public header, so one field can later be disclosed with a
//!    proof ([`DisclosureProof`]) and checked against the chain;
//! 3. seals the record with its salts under a fresh data key ([`seal_record`], XChaCha20-Poly1305)
//!    and puts the commitment and ciphertext on chain;
//! 4. for each reader with consent, wraps the data key, or chosen fields with their proofs, in
//!    an envelope for the reader's registered X25519 key ([`seal_envelope`]).
//!
//! The reader opens its envelope with its secret key ([`open_envelope`]), then the record
//! ([`open_record`]), which checks the opened record against the on-chain commitment.
//!
//! Cryptography comes from RustCrypto and dalek: `chacha20poly1305`, `x25519-dalek`, `hkdf` with
//! `sha2`, `blake2`. Randomness is passed in, so the same code runs in `no_std` and test
//! vectors are reproducible. Formats are described in [`seal`]; the vectors in
//! `vectors/privacy-v1.txt` pin them.

mod commitment;
pub mod pedersen;
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
	DisclosedField, Disclosure, EncryptionPublicKey, EncryptionSecret, EnvelopeContent,
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
mod tests_v2;
