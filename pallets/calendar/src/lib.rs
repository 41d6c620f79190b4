//! # Calendar
//!
//! How long a block lasts on this chain, and what wall-clock spans are in blocks.
//!
//! Aura authors one block per slot, and the slot's length is part of a chain's identity: it is
//! set once, in genesis ([`GenesisConfig::millisecs_per_block`]), and nothing changes it
//! afterwards, because validators find the current slot from the wall clock and a chain whose
//! slot length moved would disagree with its own past.
//!
//! Everything the runtime means in wall-clock time is counted in blocks through this pallet: how
//! long a council motion stays open, how long a consent or a loan offer may last, a day of the
//! loan calendar, and how much compute a block may hold. A chain with shorter blocks (the test
//! chains run one-second blocks) keeps the same days as a production chain (three-second blocks),
//! and its blocks hold proportionally less work.
//!
//! | item | what it is |
//! | --- | --- |
//! | [`MillisecsPerBlock`] | the slot length; [`Config::DefaultMillisecsPerBlock`] where genesis is silent |
//! | [`SlotDuration`], [`MinimumPeriod`] | the slot length as Aura and `pallet_timestamp` take it |
//! | [`Minutes`], [`Days`] | spans in blocks, as `Get` values for other pallets' configurations |
//! | [`Pallet::blocks_in`] | any span in blocks |
//!
//! The pallet has no calls and emits no events.
#![cfg_attr(not(feature = "std"), no_std)]

#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

use core::marker::PhantomData;
use frame_support::traits::Get;
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::SaturatedConversion;

pub use pallet::*;

/// The shortest block the chain supports: below half a second a block cannot be built, gossiped
/// and imported by validators in different data centres before the next slot.
pub const MIN_MILLISECS_PER_BLOCK: u64 = 500;
/// The longest block the chain supports: beyond a minute a loan decision waits minutes for its
/// block alone.
pub const MAX_MILLISECS_PER_BLOCK: u64 = 60_000;

/// A minute, in milliseconds.
pub const MINUTE_MS: u64 = 60_000;
/// A day, in milliseconds.
pub const DAY_MS: u64 = 24 * 60 * MINUTE_MS;

/// Whole blocks of `block_ms` milliseconds in `span_ms`, and at least one, so that no span
/// configured in time vanishes.
pub const fn blocks_in(span_ms: u64, block_ms: u64) -> u64 {
	let block_ms = if block_ms == 0 { 1 } else { block_ms };
	let blocks = span_ms / block_ms;
	if blocks == 0 {
		1
	} else {
		blocks
	}
}

/// Whether a chain may be started with blocks of `millis` milliseconds.
pub const fn is_supported(millis: u64) -> bool {
	millis >= MIN_MILLISECS_PER_BLOCK && millis <= MAX_MILLISECS_PER_BLOCK
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;

	/// The storage layout's version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// How long a block lasts, in milliseconds, on a chain whose genesis does not say.
		#[pallet::constant]
		type DefaultMillisecsPerBlock: Get<u64>;
	}

	#[pallet::type_value]
	pub fn DefaultBlockTime<T: Config>() -> u64 {
		T::DefaultMillisecsPerBlock::get()
	}

	/// How long a block lasts, in milliseconds: Aura's slot length. Set in genesis only.
	#[pallet::storage]
	pub type MillisecsPerBlock<T: Config> = StorageValue<_, u64, ValueQuery, DefaultBlockTime<T>>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// How long a block lasts, in milliseconds, from [`MIN_MILLISECS_PER_BLOCK`] to
		/// [`MAX_MILLISECS_PER_BLOCK`]; `None` keeps [`Config::DefaultMillisecsPerBlock`].
		pub millisecs_per_block: Option<u64>,
		#[serde(skip)]
		pub _config: PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(millis) = self.millisecs_per_block {
				assert!(
					is_supported(millis),
					"a block must last from {MIN_MILLISECS_PER_BLOCK} to {MAX_MILLISECS_PER_BLOCK} ms, not {millis}"
				);
				MillisecsPerBlock::<T>::put(millis);
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(
				is_supported(T::DefaultMillisecsPerBlock::get()),
				"DefaultMillisecsPerBlock is outside the supported range"
			);
		}
	}
}

impl<T: Config> Pallet<T> {
	/// How long a block lasts, in milliseconds. Genesis refuses a value outside the supported
	/// range; were one stored by other means, the nearest bound is taken, so that no span or
	/// block budget derived from it can be zero or absurd.
	pub fn millisecs_per_block() -> u64 {
		MillisecsPerBlock::<T>::get().clamp(MIN_MILLISECS_PER_BLOCK, MAX_MILLISECS_PER_BLOCK)
	}

	/// A wall-clock span of `span_ms` milliseconds, in blocks (at least one).
	pub fn blocks_in(span_ms: u64) -> BlockNumberFor<T> {
		blocks_in(span_ms, Self::millisecs_per_block()).saturated_into()
	}
}

/// Aura's slot length, in milliseconds.
pub struct SlotDuration<T>(PhantomData<T>);
impl<T: Config> Get<u64> for SlotDuration<T> {
	fn get() -> u64 {
		Pallet::<T>::millisecs_per_block()
	}
}

/// `pallet_timestamp`'s minimum period: half a slot, as Aura expects.
pub struct MinimumPeriod<T>(PhantomData<T>);
impl<T: Config> Get<u64> for MinimumPeriod<T> {
	fn get() -> u64 {
		Pallet::<T>::millisecs_per_block() / 2
	}
}

/// `N` minutes, in blocks.
pub struct Minutes<T, const N: u32>(PhantomData<T>);
impl<T: Config, const N: u32> Get<BlockNumberFor<T>> for Minutes<T, N> {
	fn get() -> BlockNumberFor<T> {
		Pallet::<T>::blocks_in(MINUTE_MS.saturating_mul(N.into()))
	}
}

/// `N` days, in blocks.
pub struct Days<T, const N: u32>(PhantomData<T>);
impl<T: Config, const N: u32> Get<BlockNumberFor<T>> for Days<T, N> {
	fn get() -> BlockNumberFor<T> {
		Pallet::<T>::blocks_in(DAY_MS.saturating_mul(N.into()))
	}
}
