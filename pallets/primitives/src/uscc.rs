//! Unified social credit codes.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// A unified social credit code has 18 characters.
pub const USCC_LEN: usize = 18;

/// The characters a code may use, in the order of their values (GB 32100-2015): digits, then
/// the Latin capitals without I, O, S, V and Z.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weight of each of the first 17 characters in the check sum: 3^i mod 31.
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// Why a string is not a unified social credit code.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum UsccError {
	/// It does not have 18 characters.
	WrongLength,
	/// The character at this position (0-based) is not in the code alphabet.
	BadCharacter(usize),
	/// Every character is valid but the check character does not match: a typo.
	WrongCheckCharacter,
}

/// A unified social credit code whose check character is right.
///
/// The only ways to make one are [`Uscc::parse`] and decoding from chain state, which holds
/// only parsed codes.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct Uscc([u8; USCC_LEN]);

impl Uscc {
	/// Checks `code` (upper case, as printed on business licences) and returns it as a `Uscc`.
	pub fn parse(code: &[u8]) -> Result<Self, UsccError> {
		let code: [u8; USCC_LEN] = code.try_into().map_err(|_| UsccError::WrongLength)?;
		let sum = weighted_sum(&code[..USCC_LEN - 1])?;
		let last = USCC_LEN - 1;
		let check_value = value_of(code[last]).ok_or(UsccError::BadCharacter(last))?;
		// The check value makes the weighted sum a multiple of 31; 31 itself is written as 0.
		let expected = (31 - sum % 31) % 31;
		if check_value != expected {
			return Err(UsccError::WrongCheckCharacter);
		}
		Ok(Self(code))
	}

	/// Completes the first 17 characters of a code with the check character they call for.
	pub fn complete(first: &[u8; USCC_LEN - 1]) -> Result<Self, UsccError> {
		let mut code = [0u8; USCC_LEN];
		code[..USCC_LEN - 1].copy_from_slice(first);
		let sum = weighted_sum(first)?;
		code[USCC_LEN - 1] = ALPHABET[((31 - sum % 31) % 31) as usize];
		Self::parse(&code)
	}

	/// The code's 18 characters.
	pub fn as_bytes(&self) -> &[u8; USCC_LEN] {
		&self.0
	}
}

/// The check sum of the first 17 characters; at most 17 × 30 × 30, far from overflowing.
fn weighted_sum(first: &[u8]) -> Result<u32, UsccError> {
	let mut sum: u32 = 0;
	for (position, (&character, weight)) in first.iter().zip(WEIGHTS).enumerate() {
		let value = value_of(character).ok_or(UsccError::BadCharacter(position))?;
		sum += value * weight;
	}
	Ok(sum)
}

fn value_of(character: u8) -> Option<u32> {
	ALPHABET.iter().position(|&c| c == character).map(|v| v as u32)
}

impl core::fmt::Debug for Uscc {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		// Every byte is from the ASCII alphabet, so this is always valid UTF-8.
		match core::str::from_utf8(&self.0) {
			Ok(code) => write!(f, "Uscc({code})"),
			Err(_) => write!(f, "Uscc({:?})", self.0),
		}
	}
}

impl core::fmt::Display for Uscc {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		match core::str::from_utf8(&self.0) {
			Ok(code) => f.write_str(code),
			Err(_) => write!(f, "{:?}", self.0),
		}
	}
}

impl core::fmt::Display for UsccError {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		match self {
			Self::WrongLength => {
				write!(f, "a unified social credit code has {USCC_LEN} characters")
			}
			Self::BadCharacter(at) => write!(
				f,
				"character {} is not one of 0-9 and A-Y without I, O, S, V, Z",
				at.saturating_add(1)
			),
			Self::WrongCheckCharacter => f.write_str("the check character does not match: a typo"),
		}
	}
}

/// In JSON a code is its 18 characters.
impl serde::Serialize for Uscc {
	fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
		serializer.collect_str(self)
	}
}

/// Only a code whose check character is right deserializes.
impl<'de> serde::Deserialize<'de> for Uscc {
	fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
		let text = <alloc::borrow::Cow<'de, str>>::deserialize(deserializer)?;
		Uscc::parse(text.as_bytes()).map_err(serde::de::Error::custom)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	/// Codes of real organisations, from public registers.
	const REAL: [&str; 4] =
		["91350100M000100Y43", "91110000600037341L", "91440300708461136T", "914403001922038216"];

	#[test]
	fn json_carries_the_code_as_text_and_refuses_typos() {
		let uscc = Uscc::parse(REAL[0].as_bytes()).unwrap();
		assert_eq!(serde_json::to_string(&uscc).unwrap(), format!("\"{}\"", REAL[0]));
		assert_eq!(serde_json::from_str::<Uscc>(&format!("\"{}\"", REAL[0])).unwrap(), uscc);
		let typo = serde_json::from_str::<Uscc>("\"91350100M000100Y44\"").unwrap_err();
		assert!(typo.to_string().contains("check character"), "{typo}");
	}

	#[test]
	fn real_codes_parse() {
		for code in REAL {
			let uscc = Uscc::parse(code.as_bytes()).unwrap_or_else(|e| panic!("{code}: {e:?}"));
			assert_eq!(uscc.as_bytes(), code.as_bytes());
		}
	}

	#[test]
	fn a_changed_check_character_is_a_typo() {
		assert_eq!(Uscc::parse(b"91350100M000100Y44"), Err(UsccError::WrongCheckCharacter));
		assert_eq!(Uscc::parse(b"91110000600037341K"), Err(UsccError::WrongCheckCharacter));
	}

	#[test]
	fn any_single_changed_character_is_caught() {
		// Each position has a weight coprime to 31, so changing one character always changes
		// the sum mod 31.
		for code in REAL {
			for position in 0..USCC_LEN {
				for &replacement in ALPHABET.iter() {
					let mut changed: [u8; USCC_LEN] = code.as_bytes().try_into().unwrap();
					if changed[position] == replacement {
						continue;
					}
					changed[position] = replacement;
					assert!(Uscc::parse(&changed).is_err(), "{code} changed at {position}");
				}
			}
		}
	}

	#[test]
	fn letters_outside_the_alphabet_and_wrong_lengths_are_refused() {
		assert_eq!(Uscc::parse(b"91350100I000100Y43"), Err(UsccError::BadCharacter(8)));
		assert_eq!(Uscc::parse(b"91350100m000100Y43"), Err(UsccError::BadCharacter(8)));
		assert_eq!(Uscc::parse(b"91350100M000100Y4Z"), Err(UsccError::BadCharacter(17)));
		assert_eq!(Uscc::parse(b"91350100M000100Y4"), Err(UsccError::WrongLength));
		assert_eq!(Uscc::parse(b""), Err(UsccError::WrongLength));
	}

	#[test]
	fn completing_a_real_code_gives_its_check_character() {
		for code in REAL {
			let first: [u8; 17] = code.as_bytes()[..17].try_into().unwrap();
			assert_eq!(Uscc::complete(&first).unwrap().as_bytes(), code.as_bytes());
		}
		assert_eq!(Uscc::complete(b"9135010OM000100Y4"), Err(UsccError::BadCharacter(7)));
	}

	#[test]
	fn it_prints_as_its_code() {
		let uscc = Uscc::parse(REAL[0].as_bytes()).unwrap();
		assert_eq!(format!("{uscc:?}"), "Uscc(91350100M000100Y43)");
	}
}
