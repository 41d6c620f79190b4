//! A test runtime: the consent pallet, with institutions, enterprises and records as tables the
//! tests fill in.

use crate as pallet_consent;
use banktax_primitives::{
	privacy::EncryptionPublicKey, EnterpriseInspect, InstitutionInspect, Period, RecordId,
	RecordInfo, RecordInspect, RecordKind, Role, Uscc,
};
use core::cell::RefCell;
use frame_support::{
	derive_impl,
	traits::{ConstU32, ConstU64, Hooks},
};
use sp_runtime::BuildStorage;
use std::collections::{BTreeMap, BTreeSet};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;

/// An active tax authority.
pub const TAX_AUTHORITY: AccountId = 1;
/// The regulator: active, but neither a bank nor a tax authority.
pub const REGULATOR: AccountId = 4;
/// Active banks.
pub const BANK: AccountId = 10;
pub const OTHER_BANK: AccountId = 11;
/// Controllers: two of ACME's, one of BETA's, and an account that controls nothing.
pub const ACME_CO: AccountId = 100;
pub const ACME_CFO: AccountId = 101;
pub const BETA_CO: AccountId = 102;
pub const STRANGER: AccountId = 999;

/// Limits of the test runtime, small enough to reach.
pub const MAX_VALIDITY: u64 = 1_000;
pub const MAX_ACTIVE: u32 = 3;
/// Consents one enterprise may have in force with all banks.
pub const MAX_IN_FORCE: u32 = 4;
pub const MAX_ENVELOPES: u32 = 4;
pub const MAX_LOG: u32 = 3;
pub const MAX_EXPIRIES: u32 = 2;
pub const MAX_PURGE: u32 = 3;

pub fn acme() -> Uscc {
	Uscc::parse(b"91350100M000100Y43").expect("a valid code")
}

pub fn beta() -> Uscc {
	Uscc::parse(b"91110000600037341L").expect("a valid code")
}

/// The encryption key the tables give an active institution.
pub fn key_of(who: AccountId) -> EncryptionPublicKey {
	[who as u8; 32]
}

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Consent: pallet_consent,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

thread_local! {
	static SUSPENDED: RefCell<BTreeSet<AccountId>> = const { RefCell::new(BTreeSet::new()) };
	static CONTROLLERS: RefCell<BTreeMap<AccountId, Uscc>> = const { RefCell::new(BTreeMap::new()) };
	static RECORDS: RefCell<BTreeMap<RecordId, RecordInfo>> = const { RefCell::new(BTreeMap::new()) };
	static KEYS: RefCell<BTreeMap<AccountId, EncryptionPublicKey>> = const { RefCell::new(BTreeMap::new()) };
}

/// Suspends an institution: it is no longer active.
pub fn suspend(who: AccountId) {
	SUSPENDED.with(|s| s.borrow_mut().insert(who));
}

/// Gives an institution another encryption key.
pub fn set_key(who: AccountId, key: EncryptionPublicKey) {
	KEYS.with(|k| k.borrow_mut().insert(who, key));
}

/// Makes `who` a controller of `enterprise`.
pub fn control(who: AccountId, enterprise: Uscc) {
	CONTROLLERS.with(|c| c.borrow_mut().insert(who, enterprise));
}

/// Adds a record and returns its number.
pub fn add_record(enterprise: Uscc, period: Period, kind: RecordKind) -> RecordId {
	add_record_with(enterprise, period, kind, [7; 32])
}

/// Adds a record of the first format, as attested before format version 2, and returns its
/// number.
pub fn add_v1_record(enterprise: Uscc, period: Period, kind: RecordKind) -> RecordId {
	let id = add_record(enterprise, period, kind);
	RECORDS.with(|r| {
		if let Some(record) = r.borrow_mut().get_mut(&id) {
			record.schema_version = banktax_primitives::privacy::SCHEMA_V1;
		}
	});
	id
}

/// Adds a record with this commitment and returns its number.
pub fn add_record_with(
	enterprise: Uscc,
	period: Period,
	kind: RecordKind,
	commitment: [u8; 32],
) -> RecordId {
	RECORDS.with(|r| {
		let mut records = r.borrow_mut();
		let id = records.len() as RecordId;
		let rating = kind.carries_rating().then_some(banktax_primitives::Rating::A);
		let schema_version = banktax_primitives::privacy::SCHEMA_VERSION;
		let info = RecordInfo {
			enterprise,
			period,
			kind,
			rating,
			schema_version,
			commitment,
			current: true,
		};
		records.insert(id, info);
		id
	})
}

/// Marks a record superseded.
pub fn supersede(id: RecordId) {
	RECORDS.with(|r| {
		if let Some(record) = r.borrow_mut().get_mut(&id) {
			record.current = false;
		}
	});
}

pub struct TestInstitutions;
impl InstitutionInspect<AccountId> for TestInstitutions {
	fn active_role(who: &AccountId) -> Option<Role> {
		if SUSPENDED.with(|s| s.borrow().contains(who)) {
			return None;
		}
		match *who {
			TAX_AUTHORITY => Some(Role::TaxAuthority),
			BANK | OTHER_BANK => Some(Role::Bank),
			REGULATOR => Some(Role::Regulator),
			_ => None,
		}
	}

	fn encryption_key(who: &AccountId) -> Option<EncryptionPublicKey> {
		Self::active_role(who)?;
		Some(KEYS.with(|k| k.borrow().get(who).copied()).unwrap_or(key_of(*who)))
	}

	fn is_institution_account(who: &AccountId) -> bool {
		matches!(*who, TAX_AUTHORITY | BANK | OTHER_BANK | REGULATOR)
	}
}

pub struct TestEnterprises;
impl EnterpriseInspect<AccountId> for TestEnterprises {
	fn enterprise_of(who: &AccountId) -> Option<Uscc> {
		CONTROLLERS.with(|c| c.borrow().get(who).copied())
	}

	fn is_registered(enterprise: &Uscc) -> bool {
		CONTROLLERS.with(|c| c.borrow().values().any(|e| e == enterprise))
	}
}

pub struct TestRecords;
impl RecordInspect for TestRecords {
	fn record(id: RecordId) -> Option<RecordInfo> {
		RECORDS.with(|r| r.borrow().get(&id).cloned())
	}

	fn current_record(enterprise: &Uscc, period: &Period, kind: RecordKind) -> Option<RecordId> {
		RECORDS.with(|r| {
			r.borrow()
				.iter()
				.find(|(_, info)| {
					info.current
						&& info.enterprise == *enterprise
						&& info.period == *period
						&& info.kind == kind
				})
				.map(|(id, _)| *id)
		})
	}
}

impl pallet_consent::Config for Test {
	type Institutions = TestInstitutions;
	type Enterprises = TestEnterprises;
	type Records = TestRecords;
	type MaxValidity = ConstU64<MAX_VALIDITY>;
	type MaxActiveConsents = ConstU32<MAX_ACTIVE>;
	type MaxConsentsInForce = ConstU32<MAX_IN_FORCE>;
	type MaxEnvelopesPerConsent = ConstU32<MAX_ENVELOPES>;
	type MaxLogEntries = ConstU32<MAX_LOG>;
	type MaxExpiriesPerBlock = ConstU32<MAX_EXPIRIES>;
	type MaxPurgePerBlock = ConstU32<MAX_PURGE>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = TestBenchmarkHelper;
}

#[cfg(feature = "runtime-benchmarks")]
pub struct TestBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_consent::BenchmarkHelper<AccountId> for TestBenchmarkHelper {
	fn tax_authority() -> AccountId {
		TAX_AUTHORITY
	}

	fn bank() -> AccountId {
		BANK
	}

	fn enterprise(controller: &AccountId) -> Result<Uscc, frame_benchmarking::BenchmarkError> {
		control(*controller, acme());
		Ok(acme())
	}

	fn record(
		enterprise: &Uscc,
		kind: RecordKind,
		year: u16,
	) -> Result<RecordId, frame_benchmarking::BenchmarkError> {
		let period = if kind.covers(&Period::Year(year)) {
			Period::Year(year)
		} else {
			Period::Quarter { year, quarter: 1 }
		};
		Ok(add_record(*enterprise, period, kind))
	}
}

/// A fresh chain at block 1, with ACME (two controllers) and BETA (one) registered.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = RuntimeGenesisConfig { system: Default::default() }
		.build_storage()
		.expect("genesis builds");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		SUSPENDED.with(|s| s.borrow_mut().clear());
		KEYS.with(|k| k.borrow_mut().clear());
		RECORDS.with(|r| r.borrow_mut().clear());
		CONTROLLERS.with(|c| c.borrow_mut().clear());
		control(ACME_CO, acme());
		control(ACME_CFO, acme());
		control(BETA_CO, beta());
		System::set_block_number(1);
	});
	ext
}

/// Moves the chain to block `n`, running the pallet's block-start hook on every block.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Consent::on_initialize(next);
		assert_eq!(Consent::do_try_state(), Ok(()), "after block {next}");
	}
}
