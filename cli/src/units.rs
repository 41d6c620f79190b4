//! Money and time as people write them, and as the chain counts them: yuan to fen, days to
//! blocks.

use crate::CliResult;
use banktax_runtime::BlockNumber;

/// An amount in yuan (`250000`, `8606.64`) as fen.
pub fn fen(text: &str) -> CliResult<u128> {
	let bad = || format!("{text} is not an amount in yuan (e.g. 250000 or 8606.64)");
	let (whole, cents) = match text.split_once('.') {
		Some((whole, cents)) if (1..=2).contains(&cents.len()) => (whole, cents),
		Some(_) => return Err(bad()),
		None => (text, ""),
	};
	let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
	if !digits(whole) || !(cents.is_empty() || digits(cents)) {
		return Err(bad());
	}
	let whole: u128 = whole.parse().map_err(|_| bad())?;
	let cents: u128 = format!("{cents:0<2}").parse().map_err(|_| bad())?;
	whole.checked_mul(100).and_then(|f| f.checked_add(cents)).ok_or_else(bad)
}

/// Fen as yuan with two decimals.
pub fn yuan(fen: u128) -> String {
	format!("{}.{:02}", fen / 100, fen % 100)
}

/// Blocks in a day on a chain whose blocks last `millisecs_per_block`.
pub fn blocks_per_day(millisecs_per_block: u64) -> CliResult<BlockNumber> {
	BlockNumber::try_from(pallet_calendar::blocks_in(pallet_calendar::DAY_MS, millisecs_per_block))
		.map_err(|_| {
			format!("a day of {millisecs_per_block} ms blocks is more than the chain can count")
		})
}

/// A span given in days or in blocks, as blocks of a chain with `blocks_per_day`.
pub fn span(
	days: Option<u32>,
	blocks: Option<BlockNumber>,
	blocks_per_day: BlockNumber,
) -> CliResult<BlockNumber> {
	match (days, blocks) {
		(Some(days), None) => days
			.checked_mul(blocks_per_day)
			.ok_or_else(|| format!("{days} days is more than the chain can count")),
		(None, Some(blocks)) => Ok(blocks),
		_ => Err("give the time in days or in blocks, one of the two".into()),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn yuan_become_fen_exactly() {
		assert_eq!(fen("250000"), Ok(25_000_000));
		assert_eq!(fen("8606.64"), Ok(860_664));
		assert_eq!(fen("0.5"), Ok(50));
		assert_eq!(yuan(860_664), "8606.64");
		for bad in ["", "1.234", "-5", "1e6", "12,000", ".5", "5."] {
			assert!(fen(bad).is_err(), "{bad:?}");
		}
		assert!(fen("9999999999999999999999999999999999999999").is_err());
	}

	#[test]
	fn days_are_counted_in_the_chains_blocks() {
		assert_eq!(blocks_per_day(3_000), Ok(28_800));
		assert_eq!(blocks_per_day(1_000), Ok(86_400));
		assert_eq!(span(Some(1), None, 28_800), Ok(28_800));
		assert_eq!(span(Some(30), None, 86_400), Ok(30 * 86_400));
		assert_eq!(span(None, Some(7), 28_800), Ok(7));
		assert!(span(None, None, 28_800).is_err());
		assert!(span(Some(1), Some(1), 28_800).is_err());
		assert!(span(Some(u32::MAX), None, 28_800).is_err());
	}
}
