//! Repayment schedules: integer minor units (fen), rates in basis points, no floats.
//!
//! Rounding, as every bank integrating with the chain must reproduce it:
//!
//! - **Monthly interest** on the principal outstanding at the start of a month is
//!   `outstanding × annual rate (bps) / 120 000`, rounded half up to the fen.
//! - **Equal instalments** (an annuity): the level monthly payment is
//!   `P · i / (1 − (1 + i)^−n)` with `i = rate / 120 000`, computed in 18-decimal fixed point and
//!   rounded half up to the fen. Each month repays `payment − interest` of principal; the last
//!   month repays whatever principal is left, so the principal parts add up to `P` exactly.
//!   At a rate of zero, each month repays `⌊P / n⌋` and the last month the remainder.
//! - **Interest only, then bullet**: each month pays its interest; the last month also repays
//!   the whole principal.
//!
//! A loan's total due is the sum of its schedule; a closed loan has been paid exactly that.

use crate::types::{Amount, RepaymentStyle};
use alloc::vec::Vec;
use sp_runtime::{
	traits::{CheckedAdd, CheckedDiv, CheckedMul, CheckedSub, One, Saturating},
	FixedPointNumber, FixedU128,
};

/// Basis points in 100 %, times the 12 months of a year.
pub const MONTHLY_RATE_DIVISOR: u128 = 120_000;

/// Why a schedule cannot be computed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ScheduleError {
	/// A loan needs a term of at least one month and an amount above zero.
	Empty,
	/// The amount is too large for the arithmetic.
	Overflow,
}

/// One month's due: principal and interest, in fen.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Due {
	pub principal: Amount,
	pub interest: Amount,
}

/// `numerator / denominator`, rounded half up.
fn div_half_up(numerator: u128, denominator: u128) -> Option<u128> {
	numerator.checked_add(denominator / 2)?.checked_div(denominator)
}

/// One month's interest on `outstanding` at `rate_bps` a year.
pub fn monthly_interest(outstanding: Amount, rate_bps: u32) -> Option<Amount> {
	div_half_up(outstanding.checked_mul(u128::from(rate_bps))?, MONTHLY_RATE_DIVISOR)
}

/// The level monthly payment of an annuity of `amount` over `months` at `rate_bps` (> 0).
fn level_payment(amount: Amount, rate_bps: u32, months: u16) -> Option<Amount> {
	let i = FixedU128::checked_from_rational(rate_bps, MONTHLY_RATE_DIVISOR)?;
	let growth = FixedU128::one().checked_add(&i)?.saturating_pow(usize::from(months));
	// P · i · g / (g − 1), the same as P · i / (1 − g⁻¹) without a reciprocal's rounding.
	let numerator =
		FixedU128::checked_from_integer(amount)?.checked_mul(&i)?.checked_mul(&growth)?;
	let payment = numerator.checked_div(&growth.checked_sub(&FixedU128::one())?)?;
	div_half_up(payment.into_inner(), FixedU128::DIV)
}

/// The month-by-month dues of a loan of `amount` fen at `rate_bps` a year over `months`.
pub fn schedule(
	amount: Amount,
	rate_bps: u32,
	months: u16,
	style: RepaymentStyle,
) -> Result<Vec<Due>, ScheduleError> {
	if amount == 0 || months == 0 {
		return Err(ScheduleError::Empty);
	}
	let level = match (style, rate_bps) {
		(RepaymentStyle::EqualInstalments, 0) => None,
		(RepaymentStyle::EqualInstalments, _) => {
			Some(level_payment(amount, rate_bps, months).ok_or(ScheduleError::Overflow)?)
		}
		(RepaymentStyle::InterestOnlyThenBullet, _) => None,
	};
	let mut outstanding = amount;
	let mut dues = Vec::with_capacity(usize::from(months));
	for month in 1..=months {
		let interest = monthly_interest(outstanding, rate_bps).ok_or(ScheduleError::Overflow)?;
		let principal = if month == months {
			outstanding
		} else {
			match (style, level) {
				(RepaymentStyle::InterestOnlyThenBullet, _) => 0,
				(RepaymentStyle::EqualInstalments, Some(payment)) => {
					payment.saturating_sub(interest).min(outstanding)
				}
				(RepaymentStyle::EqualInstalments, None) => amount / u128::from(months),
			}
		};
		outstanding = outstanding.saturating_sub(principal);
		dues.push(Due { principal, interest });
	}
	Ok(dues)
}

#[cfg(test)]
mod tests {
	use super::*;

	fn total(dues: &[Due]) -> (Amount, Amount) {
		dues.iter().fold((0, 0), |(p, i), d| (p + d.principal, i + d.interest))
	}

	#[test]
	fn an_annuity_matches_the_textbook_figures() {
		// 100 000.00 CNY at 6 % over 12 months: a level payment of 8 606.64 CNY.
		let dues = schedule(10_000_000, 600, 12, RepaymentStyle::EqualInstalments).unwrap();
		assert_eq!(dues.len(), 12);
		assert_eq!(dues[0], Due { principal: 810_664, interest: 50_000 });
		assert_eq!(dues[0].principal + dues[0].interest, 860_664);
		for due in &dues[..11] {
			assert_eq!(due.principal + due.interest, 860_664, "{due:?}");
		}
		let (principal, interest) = total(&dues);
		assert_eq!(principal, 10_000_000);
		// The last month takes the rounding: within a few fen of the level payment.
		assert!((dues[11].principal + dues[11].interest).abs_diff(860_664) <= 12);
		// Textbook total interest: 3 279.7 CNY.
		assert!((327_960..=327_980).contains(&interest), "{interest}");
	}

	#[test]
	fn interest_only_repays_the_principal_at_the_end() {
		let dues = schedule(100_000_000, 390, 12, RepaymentStyle::InterestOnlyThenBullet).unwrap();
		// 1 M CNY at 3.9 %: 3 250.00 CNY of interest a month.
		assert!(dues.iter().all(|d| d.interest == 325_000));
		assert!(dues[..11].iter().all(|d| d.principal == 0));
		assert_eq!(dues[11].principal, 100_000_000);
	}

	#[test]
	fn at_zero_rate_the_principal_is_spread_with_the_remainder_last() {
		let dues = schedule(1_000, 0, 3, RepaymentStyle::EqualInstalments).unwrap();
		assert_eq!(
			dues.iter().map(|d| (d.principal, d.interest)).collect::<Vec<_>>(),
			vec![(333, 0), (333, 0), (334, 0)]
		);
	}

	#[test]
	fn interest_rounds_half_up() {
		// 1 fen at 6000 bps: 0.05 fen a month rounds to 0; 10 fen: 0.5 rounds to 1.
		assert_eq!(monthly_interest(1, 6000), Some(0));
		assert_eq!(monthly_interest(10, 6000), Some(1));
		assert_eq!(monthly_interest(29, 6000), Some(1));
		assert_eq!(monthly_interest(30, 6000), Some(2));
	}

	#[test]
	fn empty_and_huge_loans_are_refused() {
		assert_eq!(
			schedule(0, 500, 12, RepaymentStyle::EqualInstalments),
			Err(ScheduleError::Empty)
		);
		assert_eq!(
			schedule(1, 500, 0, RepaymentStyle::EqualInstalments),
			Err(ScheduleError::Empty)
		);
		assert_eq!(
			schedule(u128::MAX / 2, 500, 12, RepaymentStyle::EqualInstalments),
			Err(ScheduleError::Overflow)
		);
	}
}
