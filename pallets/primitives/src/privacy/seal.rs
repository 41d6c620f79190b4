//! Sealing records under a data key, and key envelopes for their readers.
//!
//! Two format versions; the first byte of every sealed record and envelope is the version, the
//! same number as the record's schema version. `docs/record-format.md` is the normative
//! description of both, byte by byte.
//!
//! - **Sealed record**: `version (1) ‖ nonce (24) ‖ XChaCha20-Poly1305(data key, nonce,
//!   opening, aad = tag ‖ commitment)`, the data key fresh for every record. Binding the
//!   commitment as associated data means a ciphertext cannot be passed off under another
//!   record's commitment.
//!   - v1 opening: SCALE of the canonical record and its field salts (its length follows the
//!     figures: the reason for v2).
//!   - v2 opening: `SCALE(header) ‖ seed (32) ‖ each figure as u64 LE, in catalogue order`,
//!     zero-padded to [`opening_len`] of the kind: every record of a kind seals to
//!     [`sealed_record_len`] bytes, whatever its figures.
//! - **Envelope**: `version (1) ‖ ephemeral X25519 public key (32) ‖ XChaCha20-Poly1305(k, n,
//!   content, aad = commitment)`, where `k ‖ n` = HKDF-SHA256(salt = ephemeral public key ‖
//!   recipient public key, ikm = X25519(ephemeral secret, recipient public key), info = tag ‖
//!   commitment), split as the first 32 bytes and the next 24. The key and nonce are used once,
//!   with a fresh ephemeral key. The content is either the record's data key or chosen fields:
//!   - v1: SCALE of [`EnvelopeContent`] with v1 disclosures (salt and Merkle path per field);
//!   - v2: `0x00 ‖ data key (32)` or `0x01 ‖ count (1) ‖ every point of the record (32 each)
//!     ‖ count × (field id (1) ‖ value u64 LE (8) ‖ blinding (32))`, zero-padded to
//!     [`envelope_content_len`] of the kind: every envelope of a kind is [`envelope_len`] bytes.

use super::{
	blake2_256,
	commitment::{
		commitment, disclose, point_commitment, verify_disclosure, DisclosureProof, Hash, Salt,
	},
	pedersen::{self, Blinding, Point, RecordSeed},
	schema::{
		Field, FieldKey, RecordHeader, SchemaError, TaxRecord, MAX_FIELDS, SCHEMA_V1,
		SCHEMA_VERSION,
	},
};
use crate::RecordKind;
use alloc::vec::Vec;
use chacha20poly1305::{
	aead::{Aead, KeyInit, Payload},
	XChaCha20Poly1305, XNonce,
};
use codec::{Decode, DecodeAll, Encode, MaxEncodedLen};
use hkdf::Hkdf;
use rand_core::{CryptoRng, RngCore};
use sha2::Sha256;
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroize;

/// The format version byte of newly sealed records and their envelopes: the schema version.
pub const FORMAT_VERSION: u8 = SCHEMA_VERSION as u8;
/// The format version byte of version-1 records and their envelopes.
pub const FORMAT_V1: u8 = SCHEMA_V1 as u8;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const EPHEMERAL_KEY_LEN: usize = 32;
const KEY_LEN: usize = 32;
const SEED_LEN: usize = 32;
const FIGURE_LEN: usize = 8;
/// A disclosed v2 field: id, value, blinding.
const FIELD_OPENING_LEN: usize = 1 + FIGURE_LEN + 32;
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

/// Shortest version-1 sealed record: the version, the nonce, one byte of sealed opening and
/// the authentication tag.
pub const MIN_SEALED_RECORD_LEN: u32 = (1 + NONCE_LEN + 1 + TAG_LEN) as u32;

/// Shortest version-1 envelope: the version, the ephemeral public key, one byte of sealed
/// content and the authentication tag.
pub const MIN_ENVELOPE_LEN: u32 = (1 + EPHEMERAL_KEY_LEN + 1 + TAG_LEN) as u32;

/// The length of a v2 record's opening of `kind`: the longest header, the seed and every
/// figure of the kind.
pub fn opening_len(kind: RecordKind) -> usize {
	RecordHeader::max_encoded_len() + SEED_LEN + FIGURE_LEN * FieldKey::catalogue(kind).len()
}

/// The length of every v2 sealed record of `kind`.
pub fn sealed_record_len(kind: RecordKind) -> usize {
	1 + NONCE_LEN + opening_len(kind) + TAG_LEN
}

/// The length of a v2 envelope's content for a record of `kind`: enough for every figure
/// disclosed with every point, or the data key, whichever is longer.
pub fn envelope_content_len(kind: RecordKind) -> usize {
	let fields = FieldKey::catalogue(kind).len();
	(1 + KEY_LEN).max(2 + fields * (32 + FIELD_OPENING_LEN))
}

/// The length of every v2 envelope for a record of `kind`.
pub fn envelope_len(kind: RecordKind) -> usize {
	1 + EPHEMERAL_KEY_LEN + envelope_content_len(kind) + TAG_LEN
}

/// How bytes fail to have the form of a sealed record or an envelope: what anyone can check
/// without a key.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FormError {
	/// Shorter than the format's framing.
	TooShort,
	/// Longer than the chain stores.
	TooLong,
	/// The first byte is not the format version of the record's schema.
	UnknownVersion,
	/// A version-2 sealed record or envelope not of the one length of its record's kind.
	LengthNotOfKind,
}

/// Checks that `bytes` have the form of a sealed record of `kind` under schema
/// `schema_version`: format version and length.
pub fn check_sealed_record_form(
	bytes: &[u8],
	schema_version: u16,
	kind: RecordKind,
) -> Result<(), FormError> {
	let bounds = (MIN_SEALED_RECORD_LEN, MAX_SEALED_RECORD_LEN);
	check_form(bytes, schema_version, bounds, sealed_record_len(kind))
}

/// Checks that `bytes` have the form of an envelope for a record of `kind` under schema
/// `schema_version`: format version and length.
pub fn check_envelope_form(
	bytes: &[u8],
	schema_version: u16,
	kind: RecordKind,
) -> Result<(), FormError> {
	check_form(bytes, schema_version, (MIN_ENVELOPE_LEN, MAX_ENVELOPE_LEN), envelope_len(kind))
}

/// Version 1: within `(min, max)`; version 2: exactly `v2_len`.
fn check_form(
	bytes: &[u8],
	schema_version: u16,
	(min, max): (u32, u32),
	v2_len: usize,
) -> Result<(), FormError> {
	let version = bytes.first().map(|byte| u16::from(*byte));
	match version {
		_ if bytes.len() > max as usize => Err(FormError::TooLong),
		_ if bytes.len() < min as usize => Err(FormError::TooShort),
		Some(version) if version != schema_version => Err(FormError::UnknownVersion),
		Some(SCHEMA_V1) => Ok(()),
		Some(SCHEMA_VERSION) if bytes.len() == v2_len => Ok(()),
		Some(SCHEMA_VERSION) => Err(FormError::LengthNotOfKind),
		_ => Err(FormError::UnknownVersion),
	}
}

/// A v2 sealed record of `kind` that no data key opens: the format version, then `body`
/// repeated. For generated state, benchmarks and tests, which need the chain to take a record
/// but never open it.
pub fn unopenable_sealed_record(kind: RecordKind, body: &[u8]) -> Vec<u8> {
	filler(FORMAT_VERSION, sealed_record_len(kind), body)
}

/// A v2 envelope for a record of `kind` that no key opens. For benchmarks and tests.
pub fn unopenable_envelope(kind: RecordKind, body: &[u8]) -> Vec<u8> {
	filler(FORMAT_VERSION, envelope_len(kind), body)
}

/// `len` bytes of a version-1 sealed record's or envelope's form that nothing opens: what
/// the chain holds of records attested before version 2. For tests.
pub fn unopenable_v1(len: usize, body: &[u8]) -> Vec<u8> {
	filler(FORMAT_V1, len, body)
}

fn filler(version: u8, len: usize, body: &[u8]) -> Vec<u8> {
	let body = if body.is_empty() { &[0xab][..] } else { body };
	core::iter::once(version).chain(body.iter().copied().cycle()).take(len).collect()
}

/// A public encryption key (X25519): an institution's, or an enterprise's.
pub type EncryptionPublicKey = [u8; 32];

/// An envelope as the chain stores it: at most [`MAX_ENVELOPE_LEN`] bytes.
pub type Envelope = sp_runtime::BoundedVec<u8, sp_runtime::traits::ConstU32<MAX_ENVELOPE_LEN>>;

/// Why sealing or opening failed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PrivacyError {
	/// The record is not canonical.
	Schema(SchemaError),
	/// The bytes are too short, too long, or of an unknown format version.
	Malformed,
	/// Authentication failed: the bytes were changed, or the key or commitment is not theirs.
	Tampered,
	/// The plaintext does not decode to what it should (or has bytes left over, or padding that
	/// is not zero).
	Encoding,
	/// The opened record, or a disclosed field, does not match the commitment.
	CommitmentMismatch,
	/// The recipient's public key is a low-order point; no secret can be agreed with it.
	WeakKey,
	/// Secrets or disclosures of one format version used with a record of the other.
	VersionMismatch,
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

/// What, beside the figures, opens a record's commitment.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum RecordSecret {
	/// Version 1: one salt per field, in the fields' order.
	Salts(Vec<Salt>),
	/// Version 2: the seed every field's blinding is derived from.
	Seed(RecordSeed),
}

/// A record with its secret: what a data key opens, and all one needs to recompute the
/// commitment or disclose single fields.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Opening {
	/// The record.
	pub record: TaxRecord,
	/// Its salts (v1) or seed (v2).
	pub secret: RecordSecret,
}

/// A version-1 opening as sealed.
#[derive(Encode, Decode)]
struct OpeningV1 {
	record: TaxRecord,
	salts: Vec<Salt>,
}

impl Opening {
	/// The commitment to the record.
	pub fn commitment(&self) -> Result<Hash, PrivacyError> {
		self.record.check().map_err(PrivacyError::Schema)?;
		match &self.secret {
			RecordSecret::Salts(salts) if self.version() == SCHEMA_V1 => {
				commitment(&self.record, salts).ok_or(PrivacyError::Encoding)
			}
			RecordSecret::Seed(_) if self.version() == SCHEMA_VERSION => {
				point_commitment(&self.record.header, &self.points()?).ok_or(PrivacyError::Encoding)
			}
			_ => Err(PrivacyError::VersionMismatch),
		}
	}

	fn version(&self) -> u16 {
		self.record.header.schema_version
	}

	/// Each figure of a v2 record with its blinding, in catalogue order.
	fn figure_openings(&self) -> Result<Vec<FieldOpening>, PrivacyError> {
		let RecordSecret::Seed(seed) = &self.secret else {
			return Err(PrivacyError::VersionMismatch);
		};
		let figures = self.record.figures().ok_or(PrivacyError::VersionMismatch)?;
		Ok(figures
			.into_iter()
			.map(|(key, value)| FieldOpening { key, value, blinding: seed.blinding(key) })
			.collect())
	}

	/// The Pedersen commitments to a v2 record's figures, in catalogue order.
	pub fn points(&self) -> Result<Vec<Point>, PrivacyError> {
		points_of(&self.figure_openings()?)
	}

	/// The fields `keys` with what proves them against the record's commitment.
	pub fn disclose(&self, keys: &[FieldKey]) -> Result<Disclosure, PrivacyError> {
		let mut keys = keys.to_vec();
		keys.sort();
		keys.dedup();
		if keys.is_empty() || keys.iter().any(|key| self.record.value(*key).is_none()) {
			return Err(PrivacyError::Encoding);
		}
		match &self.secret {
			RecordSecret::Salts(salts) => {
				let fields = self.record.fields.iter().enumerate();
				let chosen = fields.filter(|(_, field)| keys.contains(&field.key));
				chosen
					.map(|(index, field)| {
						let proof =
							disclose(&self.record, salts, index).ok_or(PrivacyError::Encoding)?;
						Ok(DisclosedField { field: *field, proof })
					})
					.collect::<Result<_, _>>()
					.map(Disclosure::V1)
			}
			RecordSecret::Seed(_) => {
				let openings = self.figure_openings()?;
				let points = points_of(&openings)?;
				let fields = openings.into_iter().filter(|o| keys.contains(&o.key)).collect();
				Ok(Disclosure::V2 { points, fields })
			}
		}
	}
}

/// The points `openings` open.
fn points_of(openings: &[FieldOpening]) -> Result<Vec<Point>, PrivacyError> {
	openings.iter().map(|opening| opening.point().ok_or(PrivacyError::Encoding)).collect()
}

/// One version-1 field handed to a reader, with the proof that it belongs to the committed
/// record.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct DisclosedField {
	/// The field.
	pub field: Field,
	/// Its proof against the record's commitment.
	pub proof: DisclosureProof,
}

/// One version-2 figure opened: its value and the blinding of its Pedersen commitment.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct FieldOpening {
	/// Which figure.
	pub key: FieldKey,
	/// Its value.
	pub value: u64,
	/// The blinding of its commitment.
	pub blinding: Blinding,
}

impl FieldOpening {
	/// The commitment this opening opens.
	pub fn point(&self) -> Option<Point> {
		pedersen::commit(self.value, &self.blinding)
	}
}

/// Chosen fields of a record, with what checks them against its commitment.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Disclosure {
	/// Version 1: each field with its salt and Merkle path.
	V1(Vec<DisclosedField>),
	/// Version 2: every point of the record (which the commitment is recomputed from) and the
	/// openings of the chosen figures.
	V2 { points: Vec<Point>, fields: Vec<FieldOpening> },
}

impl Disclosure {
	/// The disclosed fields.
	pub fn fields(&self) -> Vec<Field> {
		match self {
			Disclosure::V1(fields) => fields.iter().map(|disclosed| disclosed.field).collect(),
			Disclosure::V2 { fields, .. } => {
				fields.iter().map(|o| Field { key: o.key, value: u128::from(o.value) }).collect()
			}
		}
	}

	/// Checks every disclosed field against the record's `commitment` under `header`.
	pub fn check(&self, commitment: &Hash, header: &RecordHeader) -> Result<(), PrivacyError> {
		match self {
			Disclosure::V1(fields) if header.schema_version == SCHEMA_V1 => {
				check_disclosed(commitment, header, fields)
			}
			Disclosure::V2 { points, fields } if header.schema_version == SCHEMA_VERSION => {
				check_openings(commitment, header, points, fields)
			}
			_ => Err(PrivacyError::VersionMismatch),
		}
	}
}

/// Version 2: the points make the commitment; each opening, of a figure of the kind, in
/// ascending order and none twice, opens its point.
fn check_openings(
	commitment: &Hash,
	header: &RecordHeader,
	points: &[Point],
	fields: &[FieldOpening],
) -> Result<(), PrivacyError> {
	let catalogue = FieldKey::catalogue(header.kind);
	let ordered = fields.windows(2).all(|pair| matches!(pair, [a, b] if a.key < b.key));
	if fields.is_empty() || !ordered {
		return Err(PrivacyError::Encoding);
	}
	if point_commitment(header, points) != Some(*commitment) {
		return Err(PrivacyError::CommitmentMismatch);
	}
	let opens = |opening: &FieldOpening| {
		let index = catalogue.iter().position(|key| *key == opening.key);
		let point = index.and_then(|index| points.get(index));
		point.is_some_and(|point| pedersen::opens(point, opening.value, &opening.blinding))
			&& opening.value <= opening.key.max_value()
	};
	fields.iter().all(opens).then_some(()).ok_or(PrivacyError::CommitmentMismatch)
}

/// What an envelope carries to its recipient.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum EnvelopeContent {
	/// The record's data key: the recipient opens the whole record.
	DataKey(DataKey),
	/// Only these fields, with what proves them.
	Fields(Disclosure),
}

/// A version-1 envelope's content as sealed.
#[derive(Encode, Decode)]
enum ContentV1 {
	DataKey(DataKey),
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
	/// The record and its secret.
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

/// The domain tag of a format version's sealed records.
fn seal_tag(version: u16) -> Result<&'static [u8], PrivacyError> {
	match version {
		SCHEMA_V1 => Ok(b"banktax:seal:v1"),
		SCHEMA_VERSION => Ok(b"banktax:seal:v2"),
		_ => Err(PrivacyError::Schema(SchemaError::UnsupportedVersion)),
	}
}

/// The domain tag of a format version's envelopes.
fn envelope_tag(version: u16) -> Result<&'static [u8], PrivacyError> {
	match version {
		SCHEMA_V1 => Ok(b"banktax:envelope:v1"),
		SCHEMA_VERSION => Ok(b"banktax:envelope:v2"),
		_ => Err(PrivacyError::Schema(SchemaError::UnsupportedVersion)),
	}
}

/// Seals `record`, in the format of its schema version, under a fresh data key with a fresh
/// secret. Randomness is drawn in this order: v1, one salt per field, then the data key, then
/// the nonce; v2, the seed, then the data key, then the nonce.
pub fn seal_record(
	record: TaxRecord,
	rng: &mut (impl RngCore + CryptoRng),
) -> Result<SealedRecord, PrivacyError> {
	record.check().map_err(PrivacyError::Schema)?;
	let version = record.header.schema_version;
	let secret = match version {
		SCHEMA_V1 => RecordSecret::Salts(record.fields.iter().map(|_| random(rng)).collect()),
		_ => RecordSecret::Seed(RecordSeed(random(rng))),
	};
	let opening = Opening { record, secret };
	let commitment = opening.commitment()?;
	let data_key = DataKey(random(rng));
	let nonce: [u8; NONCE_LEN] = random(rng);
	let plain = encode_opening(&opening)?;
	let sealed = encrypt(&data_key.0, &nonce, &plain, &[seal_tag(version)?, &commitment])?;
	let ciphertext = [&[version as u8][..], &nonce, &sealed].concat();
	if ciphertext.len() > MAX_SEALED_RECORD_LEN as usize {
		return Err(PrivacyError::Malformed);
	}
	Ok(SealedRecord { header: opening.record.header, commitment, ciphertext, data_key, opening })
}

/// The opening as sealed: SCALE (v1) or the fixed v2 layout, zero-padded.
fn encode_opening(opening: &Opening) -> Result<Vec<u8>, PrivacyError> {
	match &opening.secret {
		RecordSecret::Salts(salts) => {
			Ok(OpeningV1 { record: opening.record.clone(), salts: salts.clone() }.encode())
		}
		RecordSecret::Seed(seed) => {
			let figures = opening.record.figures().ok_or(PrivacyError::VersionMismatch)?;
			let mut plain = opening.record.header.encode();
			plain.extend_from_slice(&seed.0);
			figures.iter().for_each(|(_, value)| plain.extend_from_slice(&value.to_le_bytes()));
			padded(plain, opening_len(opening.record.header.kind))
		}
	}
}

/// Reads a v2 opening: header, seed, figures, zero padding to the kind's length.
fn decode_opening_v2(plain: &[u8]) -> Result<Opening, PrivacyError> {
	let mut input = plain;
	let header = RecordHeader::decode(&mut input).map_err(|_| PrivacyError::Encoding)?;
	if header.schema_version != SCHEMA_VERSION || plain.len() != opening_len(header.kind) {
		return Err(PrivacyError::Encoding);
	}
	let (seed, mut input) = take::<SEED_LEN>(input)?;
	let mut fields = Vec::new();
	for key in FieldKey::catalogue(header.kind) {
		let (value, rest) = take::<FIGURE_LEN>(input)?;
		fields.push(Field { key: *key, value: u128::from(u64::from_le_bytes(value)) });
		input = rest;
	}
	zero_padding(input)?;
	let record = TaxRecord { header, fields };
	record.check().map_err(PrivacyError::Schema)?;
	Ok(Opening { record, secret: RecordSecret::Seed(RecordSeed(seed)) })
}

/// Opens a sealed record with its data key and checks it against the on-chain `commitment`.
pub fn open_record(
	ciphertext: &[u8],
	data_key: &DataKey,
	commitment: &Hash,
) -> Result<Opening, PrivacyError> {
	let version = ciphertext.first().map(|byte| u16::from(*byte)).ok_or(PrivacyError::Malformed)?;
	if ciphertext.len() < MIN_SEALED_RECORD_LEN as usize
		|| ciphertext.len() > MAX_SEALED_RECORD_LEN as usize
	{
		return Err(PrivacyError::Malformed);
	}
	let (nonce, sealed) = split_versioned::<NONCE_LEN>(ciphertext)?;
	let plain = decrypt(&data_key.0, &nonce, sealed, &[seal_tag(version)?, commitment])?;
	let opening = match version {
		SCHEMA_V1 => {
			let OpeningV1 { record, salts } =
				OpeningV1::decode_all(&mut &plain[..]).map_err(|_| PrivacyError::Encoding)?;
			Opening { record, secret: RecordSecret::Salts(salts) }
		}
		_ => decode_opening_v2(&plain)?,
	};
	if opening.record.header.schema_version != version {
		return Err(PrivacyError::VersionMismatch);
	}
	if opening.commitment()? != *commitment {
		return Err(PrivacyError::CommitmentMismatch);
	}
	Ok(opening)
}

/// Seals `content` about the record with `header`, committed to by `commitment`, for the holder
/// of `recipient`'s secret key, in the format of the record's schema version. Draws one
/// 32-byte ephemeral secret.
pub fn seal_envelope(
	recipient: &EncryptionPublicKey,
	header: &RecordHeader,
	commitment: &Hash,
	content: &EnvelopeContent,
	rng: &mut (impl RngCore + CryptoRng),
) -> Result<Vec<u8>, PrivacyError> {
	let version = header.schema_version;
	let plain = encode_content(header, content)?;
	let ephemeral = EncryptionSecret::generate(rng);
	let ephemeral_public = ephemeral.public();
	let (mut key, nonce) =
		envelope_key(&ephemeral, recipient, &ephemeral_public, recipient, version, commitment)?;
	let sealed = encrypt(&key, &nonce, &plain, &[commitment]);
	key.zeroize();
	let envelope = [&[version as u8][..], &ephemeral_public, &sealed?].concat();
	if envelope.len() > MAX_ENVELOPE_LEN as usize {
		return Err(PrivacyError::Malformed);
	}
	Ok(envelope)
}

/// The content as sealed: SCALE (v1) or the fixed v2 layout, zero-padded.
fn encode_content(
	header: &RecordHeader,
	content: &EnvelopeContent,
) -> Result<Vec<u8>, PrivacyError> {
	match (header.schema_version, content) {
		(SCHEMA_V1, EnvelopeContent::DataKey(key)) => Ok(ContentV1::DataKey(key.clone()).encode()),
		(SCHEMA_V1, EnvelopeContent::Fields(Disclosure::V1(fields))) => {
			Ok(ContentV1::Fields(fields.clone()).encode())
		}
		(SCHEMA_VERSION, EnvelopeContent::DataKey(key)) => {
			padded([&[0u8][..], &key.0].concat(), envelope_content_len(header.kind))
		}
		(SCHEMA_VERSION, EnvelopeContent::Fields(Disclosure::V2 { points, fields })) => {
			let count = u8::try_from(fields.len()).map_err(|_| PrivacyError::Encoding)?;
			let mut plain = alloc::vec![1u8, count];
			points.iter().for_each(|point| plain.extend_from_slice(point));
			for opening in fields {
				plain.push(opening.key as u8);
				plain.extend_from_slice(&opening.value.to_le_bytes());
				plain.extend_from_slice(&opening.blinding);
			}
			padded(plain, envelope_content_len(header.kind))
		}
		_ => Err(PrivacyError::VersionMismatch),
	}
}

/// Reads a v2 envelope's content for a record of `header`'s kind.
fn decode_content_v2(header: &RecordHeader, plain: &[u8]) -> Result<EnvelopeContent, PrivacyError> {
	if plain.len() != envelope_content_len(header.kind) {
		return Err(PrivacyError::Encoding);
	}
	let ([tag], rest) = take::<1>(plain)?;
	match tag {
		0 => {
			let (key, rest) = take::<KEY_LEN>(rest)?;
			zero_padding(rest)?;
			Ok(EnvelopeContent::DataKey(DataKey(key)))
		}
		1 => {
			let ([count], mut input) = take::<1>(rest)?;
			let mut points = Vec::new();
			for _ in FieldKey::catalogue(header.kind) {
				let (point, rest) = take::<32>(input)?;
				points.push(point);
				input = rest;
			}
			let mut fields = Vec::new();
			for _ in 0..count {
				let ([id], rest) = take::<1>(input)?;
				let (value, rest) = take::<FIGURE_LEN>(rest)?;
				let (blinding, rest) = take::<32>(rest)?;
				let key = FieldKey::decode(&mut &[id][..]).map_err(|_| PrivacyError::Encoding)?;
				fields.push(FieldOpening { key, value: u64::from_le_bytes(value), blinding });
				input = rest;
			}
			zero_padding(input)?;
			Ok(EnvelopeContent::Fields(Disclosure::V2 { points, fields }))
		}
		_ => Err(PrivacyError::Encoding),
	}
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
	let version = header.schema_version;
	check_envelope_form(envelope, version, header.kind).map_err(|_| PrivacyError::Malformed)?;
	let (ephemeral_public, sealed) = split_versioned::<EPHEMERAL_KEY_LEN>(envelope)?;
	let own_public = secret.public();
	let (mut key, nonce) = envelope_key(
		secret,
		&ephemeral_public,
		&ephemeral_public,
		&own_public,
		version,
		commitment,
	)?;
	let plain = decrypt(&key, &nonce, sealed, &[commitment]);
	key.zeroize();
	let plain = plain?;
	let content = match version {
		SCHEMA_V1 => match ContentV1::decode_all(&mut &plain[..]) {
			Ok(ContentV1::DataKey(key)) => EnvelopeContent::DataKey(key),
			Ok(ContentV1::Fields(fields)) => EnvelopeContent::Fields(Disclosure::V1(fields)),
			Err(_) => return Err(PrivacyError::Encoding),
		},
		_ => decode_content_v2(header, &plain)?,
	};
	if let EnvelopeContent::Fields(disclosure) = &content {
		disclosure.check(commitment, header)?;
	}
	Ok(content)
}

/// Checks each version-1 disclosed field against the record's commitment.
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
	version: u16,
	commitment: &Hash,
) -> Result<([u8; 32], [u8; NONCE_LEN]), PrivacyError> {
	let shared = own.0.diffie_hellman(&PublicKey::from(*peer));
	if !shared.was_contributory() {
		return Err(PrivacyError::WeakKey);
	}
	let salt = [&ephemeral_public[..], recipient].concat();
	let mut okm = [0u8; 32 + NONCE_LEN];
	Hkdf::<Sha256>::new(Some(&salt), shared.as_bytes())
		.expand_multi_info(&[envelope_tag(version)?, commitment], &mut okm)
		.map_err(|_| PrivacyError::Malformed)?;
	let (key, nonce) = okm.split_at(32);
	let result = (
		key.try_into().map_err(|_| PrivacyError::Malformed)?,
		nonce.try_into().map_err(|_| PrivacyError::Malformed)?,
	);
	okm.zeroize();
	Ok(result)
}

/// `plain` followed by zero bytes up to `len`.
fn padded(mut plain: Vec<u8>, len: usize) -> Result<Vec<u8>, PrivacyError> {
	if plain.len() > len {
		return Err(PrivacyError::Encoding);
	}
	plain.resize(len, 0);
	Ok(plain)
}

/// Padding must be zero: any other byte would be a channel nobody checks.
fn zero_padding(rest: &[u8]) -> Result<(), PrivacyError> {
	rest.iter().all(|byte| *byte == 0).then_some(()).ok_or(PrivacyError::Encoding)
}

/// The first `N` bytes of `bytes` and the rest.
fn take<const N: usize>(bytes: &[u8]) -> Result<([u8; N], &[u8]), PrivacyError> {
	let head = bytes.get(..N).ok_or(PrivacyError::Encoding)?;
	let rest = bytes.get(N..).ok_or(PrivacyError::Encoding)?;
	Ok((head.try_into().map_err(|_| PrivacyError::Encoding)?, rest))
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
