//! Sealing records under a data key, and key envelopes for their readers.
//!
//! - **Sealed record**: `version (1) ‖ nonce (24) ‖ XChaCha20-Poly1305(data key, nonce,
//!   SCALE(opening), aad = tag ‖ commitment)`. The opening is the canonical record with its
//!   field salts; the data key is fresh for every record. Binding the commitment as associated
//!   data means a ciphertext cannot be passed off under another record's commitment.
//! - **Envelope**: `version (1) ‖ ephemeral X25519 public key (32) ‖ XChaCha20-Poly1305(k, n,
//!   SCALE(content), aad = commitment)`, where `k ‖ n` = HKDF-SHA256(salt = ephemeral public
//!   key ‖ recipient public key, ikm = X25519(ephemeral secret, recipient public key), info =
//!   tag ‖ commitment). The key and nonce are used once, with a fresh ephemeral key. The
//!   content is either the record's data key or chosen fields with their disclosure proofs.

use super::{
	blake2_256,
	commitment::{commitment, disclose, verify_disclosure, DisclosureProof, Hash, Salt},
	schema::{Field, FieldKey, RecordHeader, SchemaError, TaxRecord, MAX_FIELDS},
};
use alloc::vec::Vec;
use chacha20poly1305::{
	aead::{Aead, KeyInit, Payload},
	XChaCha20Poly1305, XNonce,
};
use codec::{Decode, DecodeAll, Encode};
use hkdf::Hkdf;
use rand_core::{CryptoRng, RngCore};
use sha2::Sha256;
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroize;

/// The format version byte of sealed records and envelopes.
pub const FORMAT_VERSION: u8 = 1;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const EPHEMERAL_KEY_LEN: usize = 32;
const SEAL_TAG: &[u8] = b"banktax:seal:v1";
const ENVELOPE_TAG: &[u8] = b"banktax:envelope:v1";
const DEV_KEY_TAG: &[u8] = b"banktax-encryption-key:";

/// Longest sealed record the chain stores, in bytes.
///
/// The largest schema-1 record (16 figures of the largest value, each with its 32-byte salt)
/// seals to under 900 bytes; 1 KiB holds it. Every node keeps every record for good, so the
/// bound is kept tight: it is what a record may cost the state.
pub const MAX_SEALED_RECORD_LEN: u32 = 1024;

/// Longest envelope the chain stores, in bytes: enough for all [`MAX_FIELDS`] fields with
/// their proofs.
pub const MAX_ENVELOPE_LEN: u32 = 4096;

/// Shortest sealed record of this format: the version, the nonce, one byte of sealed opening and
/// the authentication tag.
pub const MIN_SEALED_RECORD_LEN: u32 = (1 + NONCE_LEN + 1 + TAG_LEN) as u32;

/// Shortest envelope of this format: the version, the ephemeral public key, one byte of sealed
/// content and the authentication tag.
pub const MIN_ENVELOPE_LEN: u32 = (1 + EPHEMERAL_KEY_LEN + 1 + TAG_LEN) as u32;

/// How bytes fail to have the form of a sealed record or an envelope: what anyone can check
/// without a key.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FormError {
	/// Shorter than the format's framing.
	TooShort,
	/// Longer than the chain stores.
	TooLong,
	/// The first byte is not [`FORMAT_VERSION`].
	UnknownVersion,
}

/// Checks that `bytes` have the form of a sealed record: format version and length.
pub fn check_sealed_record_form(bytes: &[u8]) -> Result<(), FormError> {
	check_form(bytes, MIN_SEALED_RECORD_LEN, MAX_SEALED_RECORD_LEN)
}

/// Checks that `bytes` have the form of an envelope: format version and length.
pub fn check_envelope_form(bytes: &[u8]) -> Result<(), FormError> {
	check_form(bytes, MIN_ENVELOPE_LEN, MAX_ENVELOPE_LEN)
}

fn check_form(bytes: &[u8], min: u32, max: u32) -> Result<(), FormError> {
	match bytes.first() {
		_ if bytes.len() > max as usize => Err(FormError::TooLong),
		_ if bytes.len() < min as usize => Err(FormError::TooShort),
		Some(&FORMAT_VERSION) => Ok(()),
		_ => Err(FormError::UnknownVersion),
	}
}

/// `len` bytes of a sealed record's form that no data key opens: the format version, then
/// `body` repeated. For generated state, benchmarks and tests, which need the chain to take a
/// record but never open it.
pub fn unopenable_sealed_record(len: usize, body: &[u8]) -> Vec<u8> {
	versioned_filler(len, body)
}

/// `len` bytes of an envelope's form that no key opens: the format version, then `body`
/// repeated. For benchmarks and tests.
pub fn unopenable_envelope(len: usize, body: &[u8]) -> Vec<u8> {
	versioned_filler(len, body)
}

fn versioned_filler(len: usize, body: &[u8]) -> Vec<u8> {
	let body = if body.is_empty() { &[0xab][..] } else { body };
	core::iter::once(FORMAT_VERSION).chain(body.iter().copied().cycle()).take(len).collect()
}

/// An institution's public encryption key (X25519).
pub type EncryptionPublicKey = [u8; 32];

/// Why sealing or opening failed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PrivacyError {
	/// The record is not canonical.
	Schema(SchemaError),
	/// The bytes are too short, too long, or of an unknown format version.
	Malformed,
	/// Authentication failed: the bytes were changed, or the key or commitment is not theirs.
	Tampered,
	/// The plaintext does not decode to what it should (or has bytes left over).
	Encoding,
	/// The opened record, or a disclosed field, does not match the commitment.
	CommitmentMismatch,
	/// The recipient's public key is a low-order point; no secret can be agreed with it.
	WeakKey,
}

/// The key a record is sealed under. Wiped from memory when dropped.
#[derive(Clone, PartialEq, Eq, Encode, Decode)]
pub struct DataKey(pub [u8; 32]);

impl Drop for DataKey {
	fn drop(&mut self) {
		self.0.zeroize();
	}
}

impl core::fmt::Debug for DataKey {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		f.write_str("DataKey(..)")
	}
}

/// A record with its field salts: what a data key opens, and all one needs to recompute the
/// commitment or disclose single fields.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct Opening {
	/// The record.
	pub record: TaxRecord,
	/// One salt per field, in the fields' order.
	pub salts: Vec<Salt>,
}

impl Opening {
	/// The commitment to the record.
	pub fn commitment(&self) -> Result<Hash, PrivacyError> {
		self.record.check().map_err(PrivacyError::Schema)?;
		commitment(&self.record, &self.salts).ok_or(PrivacyError::Encoding)
	}

	/// The field `key` with its disclosure proof, if the record carries it.
	pub fn disclose(&self, key: FieldKey) -> Option<DisclosedField> {
		let index = self.record.fields.iter().position(|field| field.key == key)?;
		let field = *self.record.fields.get(index)?;
		Some(DisclosedField { field, proof: disclose(&self.record, &self.salts, index)? })
	}
}

/// One field handed to a reader, with the proof that it belongs to the committed record.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct DisclosedField {
	/// The field.
	pub field: Field,
	/// Its proof against the record's commitment.
	pub proof: DisclosureProof,
}

/// What an envelope carries to its recipient.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub enum EnvelopeContent {
	/// The record's data key: the recipient opens the whole record.
	DataKey(DataKey),
	/// Only these fields, each with its disclosure proof.
	Fields(Vec<DisclosedField>),
}

/// A record sealed for the chain, with what its sealer keeps.
#[derive(Clone, Debug)]
pub struct SealedRecord {
	/// The public header.
	pub header: RecordHeader,
	/// The commitment to the record.
	pub commitment: Hash,
	/// The sealed record, as stored on chain.
	pub ciphertext: Vec<u8>,
	/// The key it is sealed under; goes to readers only inside envelopes.
	pub data_key: DataKey,
	/// The record and its salts.
	pub opening: Opening,
}

/// A private X25519 encryption key. Wiped from memory when dropped.
#[derive(Clone)]
pub struct EncryptionSecret(StaticSecret);

impl EncryptionSecret {
	/// The key with these secret bytes.
	pub fn from_bytes(bytes: [u8; 32]) -> Self {
		Self(StaticSecret::from(bytes))
	}

	/// A new random key.
	pub fn generate(rng: &mut (impl RngCore + CryptoRng)) -> Self {
		Self::from_bytes(random(rng))
	}

	/// The well-known development key of `suri` (e.g. `//Alice`): the secret is
	/// BLAKE2b-256 of `banktax-encryption-key:` ‖ `suri`. For development chains only: anyone
	/// can compute it.
	pub fn development(suri: &str) -> Self {
		Self::from_bytes(blake2_256(&[DEV_KEY_TAG, suri.as_bytes()]))
	}

	/// The public key to register on the chain.
	pub fn public(&self) -> EncryptionPublicKey {
		PublicKey::from(&self.0).to_bytes()
	}

	/// The secret bytes, to store in a key file.
	pub fn to_bytes(&self) -> [u8; 32] {
		self.0.to_bytes()
	}
}

fn random<const N: usize>(rng: &mut (impl RngCore + CryptoRng)) -> [u8; N] {
	let mut bytes = [0u8; N];
	rng.fill_bytes(&mut bytes);
	bytes
}

/// Seals `record` under a fresh data key with fresh field salts.
pub fn seal_record(
	record: TaxRecord,
	rng: &mut (impl RngCore + CryptoRng),
) -> Result<SealedRecord, PrivacyError> {
	record.check().map_err(PrivacyError::Schema)?;
	let salts = record.fields.iter().map(|_| random(rng)).collect();
	let opening = Opening { record, salts };
	let commitment = opening.commitment()?;
	let data_key = DataKey(random(rng));
	let nonce: [u8; NONCE_LEN] = random(rng);
	let sealed = encrypt(&data_key.0, &nonce, &opening.encode(), &[SEAL_TAG, &commitment])?;
	let ciphertext = [&[FORMAT_VERSION][..], &nonce, &sealed].concat();
	if ciphertext.len() > MAX_SEALED_RECORD_LEN as usize {
		return Err(PrivacyError::Malformed);
	}
	Ok(SealedRecord { header: opening.record.header, commitment, ciphertext, data_key, opening })
}

/// Opens a sealed record with its data key and checks it against the on-chain `commitment`.
pub fn open_record(
	ciphertext: &[u8],
	data_key: &DataKey,
	commitment: &Hash,
) -> Result<Opening, PrivacyError> {
	check_sealed_record_form(ciphertext).map_err(|_| PrivacyError::Malformed)?;
	let (nonce, sealed) = split_versioned::<NONCE_LEN>(ciphertext)?;
	let plain = decrypt(&data_key.0, &nonce, sealed, &[SEAL_TAG, commitment])?;
	let opening = Opening::decode_all(&mut &plain[..]).map_err(|_| PrivacyError::Encoding)?;
	if opening.commitment()? != *commitment {
		return Err(PrivacyError::CommitmentMismatch);
	}
	Ok(opening)
}

/// Seals `content` about the record committed to by `commitment` for the holder of
/// `recipient`'s secret key.
pub fn seal_envelope(
	recipient: &EncryptionPublicKey,
	commitment: &Hash,
	content: &EnvelopeContent,
	rng: &mut (impl RngCore + CryptoRng),
) -> Result<Vec<u8>, PrivacyError> {
	let ephemeral = EncryptionSecret::generate(rng);
	let ephemeral_public = ephemeral.public();
	let (mut key, nonce) =
		envelope_key(&ephemeral, recipient, &ephemeral_public, recipient, commitment)?;
	let sealed = encrypt(&key, &nonce, &content.encode(), &[commitment]);
	key.zeroize();
	let envelope = [&[FORMAT_VERSION][..], &ephemeral_public, &sealed?].concat();
	if envelope.len() > MAX_ENVELOPE_LEN as usize {
		return Err(PrivacyError::Malformed);
	}
	Ok(envelope)
}

/// Opens an envelope with the recipient's secret key. The content's fields, if any, are
/// checked against `commitment` and `header`; a data key is checked when it opens the record
/// ([`open_record`]).
pub fn open_envelope(
	secret: &EncryptionSecret,
	commitment: &Hash,
	header: &RecordHeader,
	envelope: &[u8],
) -> Result<EnvelopeContent, PrivacyError> {
	check_envelope_form(envelope).map_err(|_| PrivacyError::Malformed)?;
	let (ephemeral_public, sealed) = split_versioned::<EPHEMERAL_KEY_LEN>(envelope)?;
	let (mut key, nonce) =
		envelope_key(secret, &ephemeral_public, &ephemeral_public, &secret.public(), commitment)?;
	let plain = decrypt(&key, &nonce, sealed, &[commitment]);
	key.zeroize();
	let content =
		EnvelopeContent::decode_all(&mut &plain?[..]).map_err(|_| PrivacyError::Encoding)?;
	if let EnvelopeContent::Fields(fields) = &content {
		check_disclosed(commitment, header, fields)?;
	}
	Ok(content)
}

/// Checks each disclosed field against the record's commitment.
pub fn check_disclosed(
	commitment: &Hash,
	header: &RecordHeader,
	fields: &[DisclosedField],
) -> Result<(), PrivacyError> {
	if fields.len() > MAX_FIELDS as usize {
		return Err(PrivacyError::Encoding);
	}
	let all_verify = fields
		.iter()
		.all(|disclosed| verify_disclosure(commitment, header, &disclosed.field, &disclosed.proof));
	all_verify.then_some(()).ok_or(PrivacyError::CommitmentMismatch)
}

/// The envelope's key and nonce, from either side of the key agreement: the sender holds the
/// ephemeral secret and meets the recipient's public key, the recipient holds its own secret
/// and meets the ephemeral public key.
fn envelope_key(
	own: &EncryptionSecret,
	peer: &EncryptionPublicKey,
	ephemeral_public: &EncryptionPublicKey,
	recipient: &EncryptionPublicKey,
	commitment: &Hash,
) -> Result<([u8; 32], [u8; NONCE_LEN]), PrivacyError> {
	let shared = own.0.diffie_hellman(&PublicKey::from(*peer));
	if !shared.was_contributory() {
		return Err(PrivacyError::WeakKey);
	}
	let salt = [&ephemeral_public[..], recipient].concat();
	let mut okm = [0u8; 32 + NONCE_LEN];
	Hkdf::<Sha256>::new(Some(&salt), shared.as_bytes())
		.expand_multi_info(&[ENVELOPE_TAG, commitment], &mut okm)
		.map_err(|_| PrivacyError::Malformed)?;
	let (key, nonce) = okm.split_at(32);
	let result = (
		key.try_into().map_err(|_| PrivacyError::Malformed)?,
		nonce.try_into().map_err(|_| PrivacyError::Malformed)?,
	);
	okm.zeroize();
	Ok(result)
}

/// Splits `version ‖ prefix (N bytes) ‖ rest` of bytes whose form was checked.
fn split_versioned<const N: usize>(bytes: &[u8]) -> Result<([u8; N], &[u8]), PrivacyError> {
	let rest = bytes.get(1..).ok_or(PrivacyError::Malformed)?;
	if rest.len() < N + TAG_LEN {
		return Err(PrivacyError::Malformed);
	}
	let (prefix, rest) = rest.split_at(N);
	Ok((prefix.try_into().map_err(|_| PrivacyError::Malformed)?, rest))
}

fn encrypt(
	key: &[u8; 32],
	nonce: &[u8; NONCE_LEN],
	plain: &[u8],
	aad: &[&[u8]],
) -> Result<Vec<u8>, PrivacyError> {
	let aad = aad.concat();
	XChaCha20Poly1305::new(key.into())
		.encrypt(XNonce::from_slice(nonce), Payload { msg: plain, aad: &aad })
		.map_err(|_| PrivacyError::Malformed)
}

fn decrypt(
	key: &[u8; 32],
	nonce: &[u8; NONCE_LEN],
	sealed: &[u8],
	aad: &[&[u8]],
) -> Result<Vec<u8>, PrivacyError> {
	let aad = aad.concat();
	XChaCha20Poly1305::new(key.into())
		.decrypt(XNonce::from_slice(nonce), Payload { msg: sealed, aad: &aad })
		.map_err(|_| PrivacyError::Tampered)
}
