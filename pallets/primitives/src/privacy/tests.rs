use super::vectors::{hex, rng, VectorFile};
use super::*;
use crate::{Period, Rating, RecordKind, Uscc};
use codec::{Decode, Encode};

fn enterprise() -> Uscc {
	Uscc::parse(b"91350100M000100Y43").expect("a real code")
}

/// Version-1 records: what the chain holds from before version 2, still to be read.
fn summary_header() -> RecordHeader {
	RecordHeader {
		schema_version: SCHEMA_V1,
		enterprise: enterprise(),
		period: Period::Year(2025),
		kind: RecordKind::AnnualSummary,
		rating: Some(Rating::A),
	}
}

/// An annual summary with figures nobody would guess: 12,345,678.91 CNY revenue and so on.
fn summary() -> TaxRecord {
	let fields = vec![
		Field { key: FieldKey::Revenue, value: 1_234_567_891 },
		Field { key: FieldKey::TaxPaid, value: 98_765_432 },
		Field { key: FieldKey::TaxPayable, value: 98_765_433 },
		Field { key: FieldKey::InvoicesIssued, value: 4_321 },
		Field { key: FieldKey::Arrears, value: 0 },
		Field { key: FieldKey::CreditScore, value: 93 },
	];
	TaxRecord::new(summary_header(), fields).expect("canonical")
}

/// A VAT return with `count` figures (1 to 6), for trees of every shape.
fn vat_return(count: usize) -> TaxRecord {
	let keys = [
		FieldKey::TaxableSales,
		FieldKey::OutputTax,
		FieldKey::InputTax,
		FieldKey::TaxPayable,
		FieldKey::TaxPaid,
		FieldKey::InvoicesIssued,
	];
	let header = RecordHeader {
		kind: RecordKind::VatReturn,
		period: Period::Month { year: 2025, month: 3 },
		rating: None,
		..summary_header()
	};
	let fields = keys.iter().take(count).zip(1u128..).map(|(&key, value)| Field { key, value });
	TaxRecord::new(header, fields.collect()).expect("canonical")
}

/// The version-1 disclosure of one field.
fn v1_field(opening: &Opening, key: FieldKey) -> DisclosedField {
	match opening.disclose(&[key]) {
		Ok(Disclosure::V1(mut fields)) if fields.len() == 1 => fields.remove(0),
		other => panic!("one version-1 field, not {other:?}"),
	}
}

fn bob() -> EncryptionSecret {
	EncryptionSecret::development("//Bob")
}

#[test]
fn a_sealed_record_opens_with_its_key_and_matches_its_commitment() {
	let sealed = seal_record(summary(), &mut rng(1)).expect("seals");
	assert_eq!(sealed.header, summary_header());
	let opened =
		open_record(&sealed.ciphertext, &sealed.data_key, &sealed.commitment).expect("opens");
	assert_eq!(opened.record, summary());
	assert_eq!(opened.commitment(), Ok(sealed.commitment));
}

#[test]
fn sealing_twice_gives_unrelated_bytes() {
	let one = seal_record(summary(), &mut rng(1)).expect("seals");
	let two = seal_record(summary(), &mut rng(2)).expect("seals");
	assert_ne!(one.commitment, two.commitment, "fresh salts, fresh commitment");
	assert_ne!(one.ciphertext, two.ciphertext);
	assert_ne!(one.data_key, two.data_key);
}

#[test]
fn no_figure_appears_in_the_ciphertext_or_commitment() {
	let sealed = seal_record(summary(), &mut rng(3)).expect("seals");
	let public = [&sealed.ciphertext[..], &sealed.commitment].concat();
	for field in summary().fields.iter().filter(|field| field.value > 0xffff) {
		let low_bytes = &field.value.to_le_bytes()[..4];
		assert!(!public.windows(4).any(|window| window == low_bytes), "{field:?} shows");
		let decimal = field.value.to_string();
		assert!(!public.windows(decimal.len()).any(|w| w == decimal.as_bytes()), "{field:?} shows");
	}
}

#[test]
fn a_changed_byte_anywhere_in_a_sealed_record_is_detected() {
	let sealed = seal_record(summary(), &mut rng(4)).expect("seals");
	for position in 0..sealed.ciphertext.len() {
		let mut changed = sealed.ciphertext.clone();
		changed[position] ^= 0x01;
		assert!(
			open_record(&changed, &sealed.data_key, &sealed.commitment).is_err(),
			"byte {position} changed unnoticed"
		);
	}
	for position in 0..32 {
		let mut commitment = sealed.commitment;
		commitment[position] ^= 0x80;
		assert_eq!(
			open_record(&sealed.ciphertext, &sealed.data_key, &commitment),
			Err(PrivacyError::Tampered)
		);
	}
	let wrong_key = DataKey([7; 32]);
	assert_eq!(
		open_record(&sealed.ciphertext, &wrong_key, &sealed.commitment),
		Err(PrivacyError::Tampered)
	);
	assert_eq!(
		open_record(&sealed.ciphertext[..20], &sealed.data_key, &sealed.commitment),
		Err(PrivacyError::Malformed)
	);
}

#[test]
fn every_field_of_every_tree_shape_discloses_and_verifies() {
	for count in 1..=6 {
		let record = vat_return(count);
		let sealed = seal_record(record.clone(), &mut rng(count as u8)).expect("seals");
		for (index, field) in record.fields.iter().enumerate() {
			let disclosed = v1_field(&sealed.opening, field.key);
			assert_eq!(disclosed.proof.index as usize, index);
			assert!(verify_disclosure(&sealed.commitment, &record.header, field, &disclosed.proof));

			let forged = Field { value: field.value + 1, ..*field };
			assert!(!verify_disclosure(
				&sealed.commitment,
				&record.header,
				&forged,
				&disclosed.proof
			));
			let mut moved = disclosed.proof.clone();
			moved.index = ((index + 1) % count) as u8;
			if count > 1 {
				assert!(!verify_disclosure(&sealed.commitment, &record.header, field, &moved));
			}
			let other_period =
				RecordHeader { period: Period::Month { year: 2025, month: 4 }, ..record.header };
			assert!(!verify_disclosure(&sealed.commitment, &other_period, field, &disclosed.proof));
		}
	}
}

#[test]
fn the_largest_record_fits_the_chain_bounds() {
	let keys = [
		FieldKey::Revenue,
		FieldKey::TaxPaid,
		FieldKey::TaxPayable,
		FieldKey::InvoicesIssued,
		FieldKey::Arrears,
		FieldKey::Penalties,
	];
	let mut fields: Vec<Field> = keys.iter().map(|&key| Field { key, value: u128::MAX }).collect();
	fields.push(Field { key: FieldKey::CreditScore, value: MAX_SCORE });
	let record = TaxRecord::new(summary_header(), fields).expect("canonical");
	let sealed = seal_record(record, &mut rng(5)).expect("seals");
	assert!(sealed.ciphertext.len() <= MAX_SEALED_RECORD_LEN as usize);

	// Sixteen fields, as many as any schema-1 record may have, with their proofs.
	let widest: Vec<DisclosedField> = (0..MAX_FIELDS)
		.map(|_| DisclosedField {
			field: Field { key: FieldKey::Revenue, value: u128::MAX },
			proof: DisclosureProof {
				index: 0,
				leaf_count: MAX_FIELDS as u8,
				salt: [0; 32],
				siblings: vec![[0; 32]; MAX_PROOF_DEPTH as usize].try_into().expect("depth"),
			},
		})
		.collect();
	let envelope = seal_envelope(
		&bob().public(),
		&sealed.header,
		&sealed.commitment,
		&EnvelopeContent::Fields(Disclosure::V1(widest)),
		&mut rng(6),
	)
	.expect("fits");
	assert!(envelope.len() <= MAX_ENVELOPE_LEN as usize);
}

#[test]
fn an_envelope_opens_for_its_recipient_only() {
	let sealed = seal_record(summary(), &mut rng(7)).expect("seals");
	let content = EnvelopeContent::DataKey(sealed.data_key.clone());
	let envelope =
		seal_envelope(&bob().public(), &sealed.header, &sealed.commitment, &content, &mut rng(8))
			.expect("seals");
	let opened =
		open_envelope(&bob(), &sealed.commitment, &sealed.header, &envelope).expect("opens");
	assert_eq!(opened, content);
	let EnvelopeContent::DataKey(key) = opened else { panic!("a data key") };
	assert_eq!(
		open_record(&sealed.ciphertext, &key, &sealed.commitment).map(|o| o.record),
		Ok(summary())
	);

	let charlie = EncryptionSecret::development("//Charlie");
	assert_eq!(
		open_envelope(&charlie, &sealed.commitment, &sealed.header, &envelope),
		Err(PrivacyError::Tampered)
	);
	let other_commitment = [9; 32];
	assert_eq!(
		open_envelope(&bob(), &other_commitment, &sealed.header, &envelope),
		Err(PrivacyError::Tampered)
	);
	for position in 0..envelope.len() {
		let mut changed = envelope.clone();
		changed[position] ^= 0x01;
		assert!(
			open_envelope(&bob(), &sealed.commitment, &sealed.header, &changed).is_err(),
			"byte {position} changed unnoticed"
		);
	}
}

#[test]
fn a_fields_envelope_carries_only_the_chosen_fields_and_they_verify() {
	let sealed = seal_record(summary(), &mut rng(9)).expect("seals");
	let chosen =
		sealed.opening.disclose(&[FieldKey::TaxPaid, FieldKey::CreditScore]).expect("present");
	let content = EnvelopeContent::Fields(chosen.clone());
	let envelope =
		seal_envelope(&bob().public(), &sealed.header, &sealed.commitment, &content, &mut rng(10))
			.expect("seals");
	let EnvelopeContent::Fields(fields) =
		open_envelope(&bob(), &sealed.commitment, &sealed.header, &envelope).expect("opens")
	else {
		panic!("fields")
	};
	let fields = fields.fields();
	assert_eq!(
		fields.iter().map(|f| f.key).collect::<Vec<_>>(),
		[FieldKey::TaxPaid, FieldKey::CreditScore]
	);
	assert_eq!(fields.first().map(|f| f.value), Some(98_765_432));

	// A field the sealer changed before wrapping does not verify, even in a valid envelope.
	let Disclosure::V1(mut forged) = chosen else { panic!("a version-1 disclosure") };
	if let Some(first) = forged.first_mut() {
		first.field.value += 1;
	}
	let envelope = seal_envelope(
		&bob().public(),
		&sealed.header,
		&sealed.commitment,
		&EnvelopeContent::Fields(Disclosure::V1(forged)),
		&mut rng(11),
	)
	.expect("seals");
	assert_eq!(
		open_envelope(&bob(), &sealed.commitment, &sealed.header, &envelope),
		Err(PrivacyError::CommitmentMismatch)
	);
}

#[test]
fn no_envelope_for_a_low_order_key() {
	let sealed = seal_record(summary(), &mut rng(12)).expect("seals");
	let content = EnvelopeContent::DataKey(sealed.data_key.clone());
	assert_eq!(
		seal_envelope(&[0; 32], &sealed.header, &sealed.commitment, &content, &mut rng(13)),
		Err(PrivacyError::WeakKey)
	);
}

#[test]
fn non_canonical_records_are_not_sealed() {
	let mut record = summary();
	record.fields.reverse();
	assert_eq!(
		seal_record(record, &mut rng(14)).map(|s| s.commitment),
		Err(PrivacyError::Schema(SchemaError::FieldOrder))
	);
}

#[test]
fn development_keys_are_the_ones_in_the_development_chain_spec() {
	// The development preset registers these for Alice (the tax authority) and Bob (a bank).
	assert_eq!(
		EncryptionSecret::development("//Alice").public(),
		hex("3ee06db66ac43b7c769a79df3a0b163d6634d7c975eb4a31e4ead23347eb9a5e").as_slice()
	);
	let secret = EncryptionSecret::from_bytes(bob().to_bytes());
	assert_eq!(secret.public(), bob().public());
}

// ---- test vectors ------------------------------------------------------------------------

const VECTORS: VectorFile = VectorFile {
	text: include_str!("../../vectors/privacy-v1.txt"),
	path: concat!(env!("CARGO_MANIFEST_DIR"), "/vectors/privacy-v1.txt"),
};

/// The vectors as this build of the codec produces them, from a fixed random seed.
fn make_vectors() -> Vec<(&'static str, Vec<u8>)> {
	let mut rng = rng(42);
	let sealed = seal_record(summary(), &mut rng).expect("seals");
	let recipient = bob().public();
	let key_envelope = seal_envelope(
		&recipient,
		&sealed.header,
		&sealed.commitment,
		&EnvelopeContent::DataKey(sealed.data_key.clone()),
		&mut rng,
	)
	.expect("seals");
	let paid = sealed.opening.disclose(&[FieldKey::TaxPaid]).expect("present");
	let fields_envelope = seal_envelope(
		&recipient,
		&sealed.header,
		&sealed.commitment,
		&EnvelopeContent::Fields(paid),
		&mut rng,
	)
	.expect("seals");
	let RecordSecret::Salts(salts) = &sealed.opening.secret else { panic!("salts") };
	vec![
		("record", sealed.opening.record.encode()),
		("salts", salts.concat()),
		("commitment", sealed.commitment.to_vec()),
		("data_key", sealed.data_key.0.to_vec()),
		("ciphertext", sealed.ciphertext),
		("recipient_suri", b"//Bob".to_vec()),
		("recipient_public", recipient.to_vec()),
		("envelope_data_key", key_envelope),
		("envelope_tax_paid", fields_envelope),
	]
}

fn vector(name: &str) -> Vec<u8> {
	VECTORS.get(name)
}

#[test]
fn the_codec_reproduces_its_test_vectors() {
	VECTORS.check_or_write(
		"# BankTax Chain privacy codec, format version 1: test vectors (hex).\n\
		 # Made by the privacy tests from ChaCha20Rng seeded with 32 bytes of 0x2a; rewrite only\n\
		 # when the format changes on purpose: BANKTAX_WRITE_VECTORS=1 cargo test -p banktax-primitives\n",
		&make_vectors(),
	);
}

#[test]
fn the_test_vectors_open_independently() {
	let record = TaxRecord::decode(&mut &vector("record")[..]).expect("a record");
	let commitment: Hash = vector("commitment").try_into().expect("32 bytes");
	let key = DataKey(vector("data_key").try_into().expect("32 bytes"));
	let opened = open_record(&vector("ciphertext"), &key, &commitment).expect("opens");
	assert_eq!(opened.record, record);
	assert_eq!(
		opened.secret,
		RecordSecret::Salts(
			vector("salts").chunks(32).map(|s| s.try_into().expect("32")).collect()
		)
	);

	let suri = String::from_utf8(vector("recipient_suri")).expect("text");
	let secret = EncryptionSecret::development(&suri);
	assert_eq!(secret.public().to_vec(), vector("recipient_public"));
	let content = open_envelope(&secret, &commitment, &record.header, &vector("envelope_data_key"))
		.expect("opens");
	assert_eq!(content, EnvelopeContent::DataKey(key));
	let content = open_envelope(&secret, &commitment, &record.header, &vector("envelope_tax_paid"))
		.expect("opens");
	let EnvelopeContent::Fields(fields) = content else { panic!("fields") };
	assert_eq!(fields.fields(), [Field { key: FieldKey::TaxPaid, value: 98_765_432 }]);
}
