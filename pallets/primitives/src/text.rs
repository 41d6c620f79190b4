//! How byte fields read in JSON (the node's `banktax_*` RPC, the `banktax` command line):
//! hashes, keys and ciphertexts as `0x` hex, names as text. Use with
//! `#[serde(serialize_with = "banktax_primitives::text::hex")]`.

use core::fmt;
use serde::Serializer;

/// Bytes as `0x`-prefixed lower-case hex.
pub fn hex<B: AsRef<[u8]>, S: Serializer>(bytes: &B, serializer: S) -> Result<S::Ok, S::Error> {
	serializer.collect_str(&Hex(bytes.as_ref()))
}

/// UTF-8 bytes as text; bytes that are not UTF-8 as hex, so that nothing is lost.
pub fn utf8<B: AsRef<[u8]>, S: Serializer>(bytes: &B, serializer: S) -> Result<S::Ok, S::Error> {
	match core::str::from_utf8(bytes.as_ref()) {
		Ok(text) => serializer.serialize_str(text),
		Err(_) => hex(bytes, serializer),
	}
}

/// Displays bytes as `0x` hex without allocating.
pub struct Hex<'a>(pub &'a [u8]);

impl fmt::Display for Hex<'_> {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str("0x")?;
		self.0.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[derive(serde::Serialize)]
	struct Sample {
		#[serde(serialize_with = "hex")]
		key: [u8; 3],
		#[serde(serialize_with = "utf8")]
		name: alloc::vec::Vec<u8>,
		#[serde(serialize_with = "utf8")]
		garbled: alloc::vec::Vec<u8>,
	}

	#[test]
	fn bytes_read_as_hex_and_names_as_text() {
		let sample =
			Sample { key: [0, 0xab, 0x10], name: "银税互动".into(), garbled: vec![0xff, 1] };
		assert_eq!(
			serde_json::to_string(&sample).unwrap(),
			r#"{"key":"0x00ab10","name":"银税互动","garbled":"0xff01"}"#
		);
	}
}
