//! A test runtime: the loans pallet, with institutions, enterprises, records and consents as
//! tables the tests fill in.

use crate as pallet_loans;
use banktax_primitives::{
	privacy::EncryptionPublicKey, ConsentCheck, ConsentId, EnterpriseInspect, InstitutionInspect,
	Period, Purpose, Rating, RecordId, RecordInfo, RecordInspect, RecordKind, Role, Uscc,
};
use core::cell::RefCell;
use frame_support::{
	derive_impl,
	traits::{ConstU128, ConstU32, ConstU64, Hooks},
};
use sp_runtime::BuildStorage;
use std::collections::{BTreeMap, BTreeSet};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;

pub const TAX_AUTHORITY: AccountId = 1;
pub const BANK: AccountId = 10;
pub const OTHER_BANK: AccountId = 11;
pub const ACME_CO: AccountId = 100;
pub const BETA_CO: AccountId = 102;
pub const STRANGER: AccountId = 999;

pub const MAX_TERM: u32 = 24;
pub const MAX_PRODUCTS: u32 = 3;
pub const MAX_OFFER_VALIDITY: u64 = 100;
pub const MAX_AMOUNT: u128 = 1_000_000_000_000;
pub const MAX_DUE_CHECKS: u32 = 2;
/// Two blocks a day: a month is 60 blocks.
pub const BLOCKS_PER_DAY: u64 = 2;
pub const MONTH: u64 = 30 * BLOCKS_PER_DAY;

pub fn acme() -> Uscc {
	Uscc::parse(b"91350100M000100Y43").expect("a valid code")
}

pub fn beta() -> Uscc {
	Uscc::parse(b"91110000600037341L").expect("a valid code")
}

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Loans: pallet_loans,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

thread_local! {
	static RECORDS: RefCell<BTreeMap<RecordId, RecordInfo>> = const { RefCell::new(BTreeMap::new()) };
	/// (enterprise, bank, record) pairs under an active credit-assessment consent, with its number.
	static CONSENTS: RefCell<BTreeMap<(Uscc, AccountId, RecordId), ConsentId>> = const { RefCell::new(BTreeMap::new()) };
	static SUSPENDED: RefCell<BTreeSet<AccountId>> = const { RefCell::new(BTreeSet::new()) };
	static CONTROLLERS: RefCell<BTreeMap<AccountId, Uscc>> = const { RefCell::new(BTreeMap::new()) };
}

/// Adds a current record and returns its number.
pub fn add_record(enterprise: Uscc, kind: RecordKind, rating: Option<Rating>) -> RecordId {
	RECORDS.with(|r| {
		let mut records = r.borrow_mut();
		let id = records.len() as RecordId;
		let period = if kind == RecordKind::AnnualSummary {
			Period::Year(2025)
		} else {
			Period::Quarter { year: 2025, quarter: 1 }
		};
		records.insert(
			id,
			RecordInfo {
				enterprise,
				period,
				kind,
				rating,
				schema_version: banktax_primitives::privacy::SCHEMA_VERSION,
				commitment: [id as u8; 32],
				current: true,
			},
		);
		id
	})
}

/// Puts the record `opening` opens on the chain, current; returns its number.
pub fn attest(opening: &banktax_primitives::privacy::Opening) -> RecordId {
	let header = opening.record.header;
	let commitment = opening.commitment().expect("a sound opening");
	RECORDS.with(|r| {
		let mut records = r.borrow_mut();
		let id = records.len() as RecordId;
		records.insert(
			id,
			RecordInfo {
				enterprise: header.enterprise,
				period: header.period,
				kind: header.kind,
				rating: header.rating,
				schema_version: header.schema_version,
				commitment,
				current: true,
			},
		);
		id
	})
}

/// An annual summary of `enterprise` rated `rating`.
pub fn summary(enterprise: Uscc, rating: Rating) -> RecordId {
	add_record(enterprise, RecordKind::AnnualSummary, Some(rating))
}

pub fn supersede(id: RecordId) {
	RECORDS.with(|r| {
		if let Some(record) = r.borrow_mut().get_mut(&id) {
			record.current = false;
		}
	});
}

/// `enterprise` consents to `bank` reading `record` for credit assessment, under consent `id`.
pub fn consent(enterprise: Uscc, bank: AccountId, record: RecordId, id: ConsentId) {
	CONSENTS.with(|c| c.borrow_mut().insert((enterprise, bank, record), id));
}

/// `enterprise`'s consent to `bank` no longer covers `record`.
pub fn revoke_record(enterprise: Uscc, bank: AccountId, record: RecordId) {
	CONSENTS.with(|c| c.borrow_mut().remove(&(enterprise, bank, record)));
}

/// Every consent of `enterprise` to `bank` ends.
pub fn revoke(enterprise: Uscc, bank: AccountId) {
	CONSENTS.with(|c| c.borrow_mut().retain(|(e, b, _), _| !(*e == enterprise && *b == bank)));
}

/// Suspends an institution: it is no longer active.
pub fn suspend(who: AccountId) {
	SUSPENDED.with(|s| s.borrow_mut().insert(who));
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
			_ => None,
		}
	}

	fn encryption_key(who: &AccountId) -> Option<EncryptionPublicKey> {
		Self::active_role(who).map(|_| [*who as u8; 32])
	}

	fn is_institution_account(who: &AccountId) -> bool {
		matches!(*who, TAX_AUTHORITY | BANK | OTHER_BANK)
	}
}

pub struct TestEnterprises;
impl EnterpriseInspect<AccountId> for TestEnterprises {
	fn enterprise_of(who: &AccountId) -> Option<Uscc> {
		match *who {
			ACME_CO => Some(acme()),
			BETA_CO => Some(beta()),
			_ => CONTROLLERS.with(|c| c.borrow().get(who).copied()),
		}
	}

	fn is_registered(enterprise: &Uscc) -> bool {
		*enterprise == acme() || *enterprise == beta()
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

pub struct TestConsents;
impl ConsentCheck<AccountId> for TestConsents {
	fn active_consent(
		enterprise: &Uscc,
		bank: &AccountId,
		purpose: Purpose,
		record: RecordId,
	) -> Option<ConsentId> {
		if purpose != Purpose::CreditAssessment {
			return None;
		}
		CONSENTS.with(|c| c.borrow().get(&(*enterprise, *bank, record)).copied())
	}
}

impl pallet_loans::Config for Test {
	type Institutions = TestInstitutions;
	type Enterprises = TestEnterprises;
	type Records = TestRecords;
	type Consents = TestConsents;
	type MaxTermMonths = ConstU32<MAX_TERM>;
	type MaxProductsPerBank = ConstU32<MAX_PRODUCTS>;
	type MaxOfferValidity = ConstU64<MAX_OFFER_VALIDITY>;
	type MaxAmount = ConstU128<MAX_AMOUNT>;
	type MaxDueChecksPerBlock = ConstU32<MAX_DUE_CHECKS>;
	type DefaultBlocksPerDay = ConstU64<BLOCKS_PER_DAY>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = TestBenchmarkHelper;
}

#[cfg(feature = "runtime-benchmarks")]
pub struct TestBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_loans::BenchmarkHelper<AccountId> for TestBenchmarkHelper {
	fn bank() -> AccountId {
		BANK
	}

	fn consenting_enterprise(
		controller: &AccountId,
		bank: &AccountId,
		records: u32,
	) -> Result<Vec<RecordId>, frame_benchmarking::BenchmarkError> {
		// An enterprise of its own: a code made from the controller's number.
		let first = format!("91350100{:09}", controller % 1_000_000_000);
		let first: [u8; 17] = first.as_bytes().try_into().expect("17 characters");
		let enterprise = Uscc::complete(&first).expect("digits only");
		CONTROLLERS.with(|c| c.borrow_mut().insert(*controller, enterprise));
		let mut ids = vec![summary(enterprise, Rating::A)];
		for _ in 1..records {
			ids.push(add_record(enterprise, RecordKind::VatReturn, None));
		}
		for id in &ids {
			consent(enterprise, *bank, *id, 1);
		}
		Ok(ids)
	}
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = RuntimeGenesisConfig { system: Default::default(), loans: Default::default() }
		.build_storage()
		.expect("genesis builds");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		RECORDS.with(|r| r.borrow_mut().clear());
		CONSENTS.with(|c| c.borrow_mut().clear());
		SUSPENDED.with(|s| s.borrow_mut().clear());
		CONTROLLERS.with(|c| c.borrow_mut().clear());
		System::set_block_number(1);
	});
	ext
}

/// Moves the chain to block `n`, running the pallet's block-start hook on every block.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Loans::on_initialize(next);
	}
}
