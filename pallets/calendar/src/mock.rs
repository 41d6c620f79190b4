//! A test runtime whose chains last three seconds a block unless genesis says otherwise.

use crate as pallet_calendar;
use frame_support::{derive_impl, traits::ConstU64};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Calendar: pallet_calendar,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

impl pallet_calendar::Config for Test {
	type DefaultMillisecsPerBlock = ConstU64<3_000>;
}

/// A chain started with `millisecs_per_block` in its genesis (`None`: genesis is silent).
pub fn chain(millisecs_per_block: Option<u64>) -> sp_io::TestExternalities {
	let storage = RuntimeGenesisConfig {
		calendar: pallet_calendar::GenesisConfig { millisecs_per_block, ..Default::default() },
		..Default::default()
	}
	.build_storage()
	.unwrap();
	sp_io::TestExternalities::new(storage)
}
