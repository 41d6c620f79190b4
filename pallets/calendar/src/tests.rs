//! Spans keep their wall-clock meaning whatever a chain's block time, and genesis refuses block
//! times the chain cannot run on.

use crate::{
	blocks_in, mock::*, Days, MillisecsPerBlock, MinimumPeriod, Minutes, SlotDuration,
	MAX_MILLISECS_PER_BLOCK, MIN_MILLISECS_PER_BLOCK,
};
use frame_support::traits::{Get, Hooks};
use sp_runtime::BuildStorage;

#[test]
fn a_chain_whose_genesis_is_silent_has_three_second_blocks() {
	chain(None).execute_with(|| {
		assert_eq!(SlotDuration::<Test>::get(), 3_000);
		assert_eq!(MinimumPeriod::<Test>::get(), 1_500);
		assert_eq!(Minutes::<Test, 1>::get(), 20);
		assert_eq!(Days::<Test, 1>::get(), 28_800);
		assert_eq!(Days::<Test, 366>::get(), 366 * 28_800);
	});
}

#[test]
fn shorter_blocks_keep_the_same_days() {
	for (millis, per_day) in [(1_000, 86_400), (1_500, 57_600), (3_000, 28_800), (6_000, 14_400)] {
		chain(Some(millis)).execute_with(|| {
			assert_eq!(MillisecsPerBlock::<Test>::get(), millis);
			assert_eq!(SlotDuration::<Test>::get(), millis);
			assert_eq!(2 * MinimumPeriod::<Test>::get(), millis);
			assert_eq!(Days::<Test, 1>::get(), per_day, "{millis} ms");
			// Two days of blocks last two days, to the block.
			assert_eq!(Days::<Test, 2>::get() * millis, 2 * 24 * 3_600 * 1_000);
			assert_eq!(Minutes::<Test, 10>::get() * millis, 600_000);
		});
	}
}

#[test]
fn no_span_vanishes_and_none_overflows() {
	assert_eq!(blocks_in(0, 3_000), 1);
	assert_eq!(blocks_in(2_999, 3_000), 1);
	assert_eq!(blocks_in(5_999, 3_000), 1);
	assert_eq!(blocks_in(6_000, 3_000), 2);
	assert_eq!(blocks_in(1_000, 0), 1_000);
	chain(Some(MIN_MILLISECS_PER_BLOCK)).execute_with(|| {
		// The longest span the runtime configures, at the shortest block, fits a block number.
		assert_eq!(Days::<Test, 366>::get(), 366 * 172_800);
		assert_eq!(Days::<Test, { u32::MAX }>::get(), crate::DAY_MS * u64::from(u32::MAX) / 500);
	});
}

#[test]
fn genesis_refuses_block_times_the_chain_cannot_run_on() {
	for millis in [0, MIN_MILLISECS_PER_BLOCK - 1, MAX_MILLISECS_PER_BLOCK + 1, u64::MAX] {
		let built = std::panic::catch_unwind(|| {
			RuntimeGenesisConfig {
				calendar: crate::GenesisConfig {
					millisecs_per_block: Some(millis),
					..Default::default()
				},
				..Default::default()
			}
			.build_storage()
		});
		assert!(built.is_err(), "{millis} ms accepted");
	}
	for millis in [MIN_MILLISECS_PER_BLOCK, MAX_MILLISECS_PER_BLOCK] {
		chain(Some(millis)).execute_with(|| assert_eq!(SlotDuration::<Test>::get(), millis));
	}
}

#[test]
fn a_stored_block_time_out_of_range_is_read_at_the_nearest_bound() {
	chain(None).execute_with(|| {
		MillisecsPerBlock::<Test>::put(0);
		assert_eq!(SlotDuration::<Test>::get(), MIN_MILLISECS_PER_BLOCK);
		MillisecsPerBlock::<Test>::put(u64::MAX);
		assert_eq!(SlotDuration::<Test>::get(), MAX_MILLISECS_PER_BLOCK);
		assert_eq!(Days::<Test, 1>::get(), 1_440);
	});
}

#[test]
fn genesis_reads_its_json_form() {
	let config: crate::GenesisConfig<Test> =
		serde_json::from_str(r#"{ "millisecsPerBlock": 1000 }"#).unwrap();
	assert_eq!(config.millisecs_per_block, Some(1_000));
	let silent: crate::GenesisConfig<Test> = serde_json::from_str("{}").unwrap();
	assert_eq!(silent.millisecs_per_block, None);
	assert!(serde_json::from_str::<crate::GenesisConfig<Test>>(r#"{ "blockTime": 1 }"#).is_err());
}

#[test]
fn the_default_is_a_supported_block_time() {
	chain(None).execute_with(<crate::Pallet<Test> as Hooks<u64>>::integrity_test);
}
