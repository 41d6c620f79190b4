//! A test runtime in which signed account 1 stands for the council, whose motions are a list of
//! (proposer, open) pairs.

use crate as pallet_governance;
use core::cell::RefCell;
use frame_support::{derive_impl, ord_parameter_types, traits::ConstU32};
use frame_system::EnsureSignedBy;
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Governance: pallet_governance,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

ord_parameter_types! {
	pub const CouncilAccount: u64 = 1;
}

/// Root may set storage and make remarks, nothing else.
pub struct RootCalls;
impl frame_support::traits::Contains<RuntimeCall> for RootCalls {
	fn contains(call: &RuntimeCall) -> bool {
		matches!(
			call,
			RuntimeCall::System(
				frame_system::Call::set_storage { .. }
					| frame_system::Call::remark { .. }
					| frame_system::Call::remark_with_event { .. }
			)
		)
	}
}

/// The council has room for this many motions.
pub const MOST_MOTIONS: u32 = 8;

thread_local! {
	/// The council's motions: who proposed each, and whether it is still open.
	pub static MOTIONS: RefCell<Vec<(u64, bool)>> = const { RefCell::new(Vec::new()) };
}

pub struct Motions;
impl pallet_governance::CouncilMotions<u64> for Motions {
	fn most() -> u32 {
		MOST_MOTIONS
	}
	fn forget_closed() -> u32 {
		MOTIONS.with_borrow_mut(|motions| {
			let before = motions.len();
			motions.retain(|(_, open)| *open);
			(before - motions.len()) as u32
		})
	}
	fn open_by(who: &u64) -> u32 {
		MOTIONS.with_borrow(|motions| {
			motions.iter().filter(|(proposer, open)| proposer == who && *open).count() as u32
		})
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn make_room(who: &u64) {
		MOTIONS.with_borrow_mut(|motions| motions.retain(|(proposer, _)| proposer != who));
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn add_motions(who: &u64, open: u32, closed: u32) {
		MOTIONS.with_borrow_mut(|motions| {
			motions.extend((0..open).map(|_| (*who, true)));
			motions.extend((0..closed).map(|_| (*who + 1, false)));
		});
	}
}

impl pallet_governance::Config for Test {
	type RuntimeCall = RuntimeCall;
	type CouncilOrigin = EnsureSignedBy<CouncilAccount, u64>;
	type RootCalls = RootCalls;
	type Motions = Motions;
	type MaxOpenMotionsPerMember = ConstU32<2>;
	type WeightInfo = ();
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	MOTIONS.with_borrow_mut(Vec::clear);
	let storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
