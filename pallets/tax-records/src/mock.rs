//! A test runtime: the tax-records pallet, with institutions as a fixed table.

use crate as pallet_tax_records;
use banktax_primitives::{InstitutionInspect, Role};
use frame_support::{derive_impl, traits::ConstU32};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;

/// An active tax authority.
pub const TAX_AUTHORITY: AccountId = 1;
/// A second active tax authority (another province's bureau).
pub const OTHER_TAX_AUTHORITY: AccountId = 2;
/// An active bank: not allowed to attest.
pub const BANK: AccountId = 10;
/// A suspended tax authority: no longer active.
pub const SUSPENDED_TAX_AUTHORITY: AccountId = 3;
/// Controllers of enterprises in the tests.
pub const ALICE_CO: AccountId = 100;
pub const BOB_CO: AccountId = 101;
pub const CAROL_CO: AccountId = 102;

/// Most controllers of one enterprise here.
pub const MAX_CONTROLLERS: u32 = 3;
/// Most records of one enterprise here.
pub const MAX_RECORDS: u32 = 5;
/// Most records in one batch here.
pub const MAX_BATCH: u32 = 4;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		TaxRecords: pallet_tax_records,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

pub struct TestInstitutions;
impl InstitutionInspect<AccountId> for TestInstitutions {
	fn active_role(who: &AccountId) -> Option<Role> {
		match *who {
			TAX_AUTHORITY | OTHER_TAX_AUTHORITY => Some(Role::TaxAuthority),
			BANK => Some(Role::Bank),
			_ => None,
		}
	}

	fn encryption_key(_: &AccountId) -> Option<banktax_primitives::privacy::EncryptionPublicKey> {
		None
	}

	fn is_institution_account(who: &AccountId) -> bool {
		matches!(*who, TAX_AUTHORITY | OTHER_TAX_AUTHORITY | BANK)
	}
}

thread_local! {
	/// The enterprises whose consents deregistration ended, and by whom.
	pub static ENDED: core::cell::RefCell<Vec<(banktax_primitives::Uscc, AccountId)>> =
		const { core::cell::RefCell::new(Vec::new()) };
}

/// Records what the register asks the consent pallet to end.
pub struct TestConsents;
impl banktax_primitives::EndConsents<AccountId> for TestConsents {
	fn end_consents_of(enterprise: &banktax_primitives::Uscc, by: &AccountId) -> u32 {
		ENDED.with_borrow_mut(|ended| ended.push((*enterprise, *by)));
		1
	}
	fn max_weight() -> frame_support::weights::Weight {
		frame_support::weights::Weight::from_parts(1_000, 0)
	}
}

impl pallet_tax_records::Config for Test {
	type Institutions = TestInstitutions;
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
	type Consents = TestConsents;
	type MaxControllers = ConstU32<MAX_CONTROLLERS>;
	type MaxRecordsPerEnterprise = ConstU32<MAX_RECORDS>;
	type MaxRecordsPerBatch = ConstU32<MAX_BATCH>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = TestBenchmarkHelper;
}

#[cfg(feature = "runtime-benchmarks")]
pub struct TestBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_tax_records::BenchmarkHelper<AccountId> for TestBenchmarkHelper {
	fn tax_authority() -> AccountId {
		TAX_AUTHORITY
	}
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	ENDED.with_borrow_mut(Vec::clear);
	let storage = RuntimeGenesisConfig::default().build_storage().expect("genesis builds");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
