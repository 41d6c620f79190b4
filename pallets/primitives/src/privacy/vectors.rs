//! Test vector files: `name: hex` lines under a `#` comment head, reproduced by the codec's
//! tests and rewritten only on purpose (`BANKTAX_WRITE_VECTORS=1`).

use alloc::{format, string::String, vec::Vec};
use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};

/// The generator the tests draw from: ChaCha20 seeded with 32 bytes of `seed`.
pub fn rng(seed: u8) -> ChaCha20Rng {
	ChaCha20Rng::from_seed([seed; 32])
}

pub fn hex(text: &str) -> Vec<u8> {
	(0..text.len())
		.step_by(2)
		.map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
		.collect()
}

pub fn to_hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One checked-in vector file.
pub struct VectorFile {
	/// Its text, as compiled in.
	pub text: &'static str,
	/// Its path, for rewriting it.
	pub path: &'static str,
}

impl VectorFile {
	/// The bytes of vector `name`.
	pub fn get(&self, name: &str) -> Vec<u8> {
		self.text
			.lines()
			.find_map(|line| line.strip_prefix(name).and_then(|rest| rest.strip_prefix(": ")))
			.map(hex)
			.unwrap_or_else(|| panic!("vector {name} missing"))
	}

	/// The 32 bytes of vector `name`.
	pub fn get32(&self, name: &str) -> [u8; 32] {
		self.get(name).try_into().expect("32 bytes")
	}

	/// Checks that `made` is what the file holds; with `BANKTAX_WRITE_VECTORS` set, writes it
	/// under `head` (comment lines) instead.
	pub fn check_or_write(&self, head: &str, made: &[(&str, Vec<u8>)]) {
		if std::env::var_os("BANKTAX_WRITE_VECTORS").is_some() {
			let mut text = String::from(head);
			for (name, bytes) in made {
				text.push_str(&format!("{name}: {}\n", to_hex(bytes)));
			}
			std::fs::write(self.path, text).expect("vectors written");
			return;
		}
		for (name, bytes) in made {
			assert_eq!(to_hex(&self.get(name)), to_hex(bytes), "vector {name}");
		}
	}
}
