//! # Loans
//!
//! Loans against tax data, from application to closure, on a ledger every bank reads.
//!
//! **Products.** A bank publishes loan products: the tax credit ratings it lends to, a maximum
//! amount and term, a range of annual rates, a repayment style, a cap on what an enterprise may
//! owe across all banks, and after how many days past due a loan may be declared defaulted. A
//! retired product takes no new applications; its loans carry on.
//!
//! **The life of a loan.** Only these transitions exist; anything else is refused with a named
//! error:
//!
//! ```text
//! Applied ─┬─ withdraw ──────────────────────────────▶ Withdrawn
//!          ├─ reject (reason code) ──────────────────▶ Rejected
//!          └─ approve (offer) ─▶ Approved ─┬─ decline ▶ Withdrawn
//!                                          ├─ offer expires ▶ Lapsed (seen by reads)
//!                                          └─ accept ─▶ Accepted ─ disburse ─▶ Repaying
//! Repaying ─┬─ instalment unpaid at its due block (hook) ─▶ Overdue ─ arrears paid ─▶ Repaying
//!           └─ repaid in full ─▶ Closed
//! Overdue ─┬─ repaid in full ─▶ Closed
//!          └─ declare default (after the product's days past due) ─▶ Defaulted ─ write off ─▶ WrittenOff
//! ```
//!
//! An application needs an active consent from the enterprise to the bank for credit assessment
//! covering a current annual summary whose rating the product accepts (`ConsentCheck`,
//! `RecordInspect`). Approval records which consent and which records the decision relied on,
//! each of them covered by that consent, so an auditor can trace it; it fails if the
//! enterprise's outstanding principal across all banks plus the loan would pass the product's
//! cap. The repayment schedule is computed on chain ([`schedule`]: fen, basis points, documented
//! rounding). The block-start hook marks a loan overdue when an instalment is unpaid at its due
//! block, at most `MaxDueChecksPerBlock` loans a block.
//!
//! **Time.** Instalments fall due every 30 days. A day is `BlocksPerDay` blocks (genesis; a
//! development chain may run a fast calendar), and days past due are counted in such days.
//!
//! **Exposure.** Every bank reads an enterprise's outstanding principal across banks
//! ([`Exposure`]) and its loan history.
//!
//! ## Calls
//!
//! | call | who may call | emits |
//! | --- | --- | --- |
//! | [`publish_product`](Pallet::publish_product) | an active bank | [`Event::ProductPublished`] |
//! | [`retire_product`](Pallet::retire_product) | the bank that published it | [`Event::ProductRetired`] |
//! | [`apply_for_loan`](Pallet::apply_for_loan) | a controller of a registered enterprise | [`Event::LoanApplied`] |
//! | [`withdraw_application`](Pallet::withdraw_application) | a controller of the enterprise | [`Event::ApplicationWithdrawn`] |
//! | [`approve_loan`](Pallet::approve_loan) | the product's bank | [`Event::LoanApproved`] |
//! | [`reject_loan`](Pallet::reject_loan) | the product's bank | [`Event::LoanRejected`] |
//! | [`accept_offer`](Pallet::accept_offer) | a controller of the enterprise | [`Event::OfferAccepted`] |
//! | [`record_disbursement`](Pallet::record_disbursement) | the product's bank | [`Event::LoanDisbursed`] |
//! | [`record_repayment`](Pallet::record_repayment) | the product's bank | [`Event::RepaymentRecorded`], and [`Event::LoanClosed`] or [`Event::ArrearsCleared`] |
//! | [`declare_default`](Pallet::declare_default) | the product's bank | [`Event::LoanDefaulted`] |
//! | [`write_off`](Pallet::write_off) | the product's bank | [`Event::LoanWrittenOff`] |
//!
//! The block-start hook emits [`Event::LoanOverdue`].
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod evidence;
#[cfg(any(test, feature = "try-runtime"))]
mod invariants;
pub mod migrations;
pub mod schedule;
mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_rules;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use banktax_primitives::{
		index_key,
		privacy::{claims, host::rule_proofs, rules, Hash, SCHEMA_VERSION},
		ConsentCheck, ConsentId, EnterpriseInspect, IndexKey, InstitutionInspect, Page, Purpose,
		Rating, RecordId, RecordInfo, RecordInspect, RecordKind, Role, Uscc,
	};
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use sp_runtime::{
		traits::{Saturating, Zero},
		SaturatedConversion,
	};

	/// Days between instalments.
	pub const DAYS_PER_MONTH: u32 = 30;

	/// The highest annual rate a product may charge: 100 %, in basis points. Far above any bank's
	/// rate, and it keeps the schedule arithmetic within bounds.
	pub const MAX_RATE_BPS: u32 = 10_000;

	/// Version 1: [`ProductsInForce`] counts each bank's products that are not retired.
	/// Version 2: loans carry their rating; [`LoansOf`] and [`LoansByBank`] keep loan numbers
	/// in order; [`RatingTallies`] and [`BankTallies`].
	/// Version 3: products state rules and may decide by themselves ([`ProductTerms::rules`],
	/// [`ProductTerms::automatic`]); [`ProofNonces`] and [`Answers`].
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(3);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// A product as this runtime stores it.
	pub type ProductOf<T> = Product<<T as frame_system::Config>::AccountId>;
	/// A loan as this runtime stores it.
	pub type LoanOf<T> = Loan<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;
	/// A loan's state as this runtime reports it.
	pub type LoanStateOf<T> = LoanState<BlockNumberFor<T>>;
	/// A loan in a list: its number, itself and its state now.
	pub type ListedLoan<T> = (LoanId, LoanOf<T>, LoanStateOf<T>);
	/// A page of loans, and the number the next page starts at.
	pub type LoanPage<T> = (Vec<ListedLoan<T>>, Option<LoanId>);
	/// One loan read in full: itself, its state now and its schedule once disbursed.
	pub type LoanWithSchedule<T> = (LoanOf<T>, LoanStateOf<T>, Option<ScheduleOf<T>>);
	/// A repayment schedule as this runtime stores it.
	pub type ScheduleOf<T> =
		BoundedVec<Instalment<BlockNumberFor<T>>, <T as Config>::MaxTermMonths>;

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// Who is an active bank.
		type Institutions: InstitutionInspect<Self::AccountId>;
		/// Which enterprise a controller account acts for.
		type Enterprises: EnterpriseInspect<Self::AccountId>;
		/// The tax records applications rest on.
		type Records: RecordInspect;
		/// Whether an enterprise has consented to a bank reading a record.
		type Consents: ConsentCheck<Self::AccountId>;

		/// The longest term any product may offer, in months.
		#[pallet::constant]
		type MaxTermMonths: Get<u32>;
		/// Most products one bank may have in force; retired ones do not count.
		#[pallet::constant]
		type MaxProductsPerBank: Get<u32>;
		/// Longest an offer may stay open, in blocks.
		#[pallet::constant]
		type MaxOfferValidity: Get<BlockNumberFor<Self>>;
		/// Largest amount any product may lend, in fen: keeps the schedule arithmetic exact.
		#[pallet::constant]
		type MaxAmount: Get<Amount>;
		/// Most loans the block-start hook checks for unpaid instalments in one block.
		#[pallet::constant]
		type MaxDueChecksPerBlock: Get<u32>;
		/// A day, in blocks, unless genesis says otherwise.
		#[pallet::constant]
		type DefaultBlocksPerDay: Get<BlockNumberFor<Self>>;

		type WeightInfo: WeightInfo;

		/// Supplies benchmarks with a bank and consenting enterprises.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// What benchmarks need from the runtime.
	#[cfg(feature = "runtime-benchmarks")]
	pub trait BenchmarkHelper<AccountId> {
		/// The account of an active bank.
		fn bank() -> AccountId;
		/// Registers an enterprise of its own controlled by `controller`, attests it `records`
		/// current records, the first an annual summary rated A, and has it consent to `bank`
		/// reading them for credit assessment; returns the records.
		fn consenting_enterprise(
			controller: &AccountId,
			bank: &AccountId,
			records: u32,
		) -> Result<Vec<RecordId>, frame_benchmarking::BenchmarkError>;
	}

	/// Every product, by number.
	#[pallet::storage]
	pub type Products<T: Config> = StorageMap<_, Twox64Concat, ProductId, ProductOf<T>>;

	/// The number the next product gets.
	#[pallet::storage]
	pub type NextProductId<T: Config> = StorageValue<_, ProductId, ValueQuery>;

	/// The products each bank has published, retired ones included.
	#[pallet::storage]
	pub type ProductsOf<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, ProductId, ()>;

	/// How many of each bank's products are in force (not retired): what its cap counts.
	#[pallet::storage]
	pub type ProductsInForce<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Every loan, by number.
	#[pallet::storage]
	pub type Loans<T: Config> = StorageMap<_, Twox64Concat, LoanId, LoanOf<T>>;

	/// The number the next loan gets.
	#[pallet::storage]
	pub type NextLoanId<T: Config> = StorageValue<_, LoanId, ValueQuery>;

	/// The loans of each enterprise, with every bank, by number in order (see
	/// `banktax_primitives::index_key`), so that they are read a page at a time.
	#[pallet::storage]
	pub type LoansOf<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, Uscc, Identity, IndexKey, ()>;

	/// The loans each bank has been asked for, by number in order.
	#[pallet::storage]
	pub type LoansByBank<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Identity, IndexKey, ()>;

	/// Every loan counted by the rating it was applied for on and its stage: the regulator's
	/// view of the market, kept as loans move so that it is read in one bounded pass.
	#[pallet::storage]
	pub type RatingTallies<T: Config> =
		StorageDoubleMap<_, Twox64Concat, Rating, Twox64Concat, Stage, Tally, ValueQuery>;

	/// Every loan counted by its bank and its stage: each bank's book and exposure.
	#[pallet::storage]
	pub type BankTallies<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, Stage, Tally, ValueQuery>;

	/// Each disbursed loan's repayment schedule and what has been paid of it.
	#[pallet::storage]
	pub type Schedules<T: Config> = StorageMap<_, Twox64Concat, LoanId, ScheduleOf<T>>;

	/// Each enterprise's outstanding principal across all banks, in fen.
	#[pallet::storage]
	pub type Exposure<T: Config> = StorageMap<_, Blake2_128Concat, Uscc, Amount, ValueQuery>;

	/// Loans to check for an unpaid instalment, by the block it falls due.
	#[pallet::storage]
	pub type DueChecks<T: Config> =
		StorageDoubleMap<_, Twox64Concat, BlockNumberFor<T>, Twox64Concat, LoanId, ()>;

	/// The first block number whose due checks the hook has not finished.
	#[pallet::storage]
	pub type DueCursor<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	#[pallet::type_value]
	pub fn CalendarDefault<T: Config>() -> BlockNumberFor<T> {
		T::DefaultBlocksPerDay::get()
	}

	/// Each enterprise's next rule-proof number: a proof is bound to it and serves once.
	#[pallet::storage]
	pub type ProofNonces<T: Config> = StorageMap<_, Blake2_128Concat, Uscc, u32, ValueQuery>;

	/// What each application to a product with rules proved, by loan.
	#[pallet::storage]
	pub type Answers<T: Config> = StorageMap<_, Twox64Concat, LoanId, RuleAnswers>;

	/// A day, in blocks: the chain's loan calendar.
	#[pallet::storage]
	pub type BlocksPerDay<T: Config> =
		StorageValue<_, BlockNumberFor<T>, ValueQuery, CalendarDefault<T>>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// A day, in blocks; `None` keeps `DefaultBlocksPerDay`. Development chains run a fast
		/// calendar so that loans fall due in minutes.
		pub blocks_per_day: Option<BlockNumberFor<T>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(blocks) = self.blocks_per_day {
				assert!(!blocks.is_zero(), "a day must last at least one block");
				BlocksPerDay::<T>::put(blocks);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A bank published a loan product.
		ProductPublished { product: ProductId, bank: T::AccountId },
		/// A bank retired a product.
		ProductRetired { product: ProductId },
		/// An enterprise applied for a loan.
		LoanApplied {
			loan: LoanId,
			enterprise: Uscc,
			bank: T::AccountId,
			product: ProductId,
			amount: Amount,
			term_months: u16,
		},
		/// The enterprise withdrew its application or declined the offer.
		ApplicationWithdrawn { loan: LoanId },
		/// The bank approved, relying on this consent.
		LoanApproved {
			loan: LoanId,
			amount: Amount,
			rate_bps: u32,
			term_months: u16,
			consent: ConsentId,
		},
		/// The bank rejected the application.
		LoanRejected { loan: LoanId, reason: RejectionReason },
		/// The enterprise accepted the offer.
		OfferAccepted { loan: LoanId },
		/// The bank paid the loan out; the schedule starts.
		LoanDisbursed { loan: LoanId, amount: Amount, instalments: u32 },
		/// The bank recorded a repayment.
		RepaymentRecorded { loan: LoanId, principal: Amount, interest: Amount },
		/// An overdue loan's arrears were paid; it is back on schedule.
		ArrearsCleared { loan: LoanId },
		/// An instalment was unpaid at its due block.
		LoanOverdue { loan: LoanId, since: BlockNumberFor<T> },
		/// The bank declared the loan defaulted.
		LoanDefaulted { loan: LoanId, days_past_due: u32 },
		/// The bank wrote the loan off; its outstanding principal leaves the exposure.
		LoanWrittenOff { loan: LoanId, principal: Amount },
		/// The loan was repaid in full.
		LoanClosed { loan: LoanId },
		/// The application proved every rule of its product on these records, without a
		/// figure leaving the seal.
		RulesHeld { loan: LoanId, records: EvidenceRecords },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// Only an active bank's account may do this.
		NotABank,
		/// A product lends to some ratings, each once.
		InvalidRatings,
		/// A product's maximum amount must be above zero and at most `MaxAmount`.
		InvalidMaxAmount,
		/// A product's maximum term must be at least a month and at most `MaxTermMonths`.
		InvalidMaxTerm,
		/// A product's rate range must run from its minimum up to its maximum, at most 100 %.
		InvalidRateRange,
		/// A product's exposure cap must be at least its maximum amount.
		InvalidExposureCap,
		/// The bank has `MaxProductsPerBank` products in force: retire one first.
		TooManyProducts,
		/// Product numbers are exhausted.
		ProductIdOverflow,
		/// No product has this number.
		UnknownProduct,
		/// Only the bank that published the product may do this.
		NotProductBank,
		/// The product is retired.
		ProductRetired,
		/// The caller is not a controller of a registered enterprise.
		NotAController,
		/// The amount is zero or above the product's maximum.
		AmountOutOfRange,
		/// The term is zero or above the product's maximum.
		TermOutOfRange,
		/// The record is not a current annual summary of the enterprise.
		NotACurrentSummary,
		/// The product does not lend to the enterprise's rating.
		RatingNotEligible,
		/// No active consent from the enterprise to the bank for credit assessment covers the
		/// record.
		NoConsent,
		/// Loan numbers are exhausted.
		LoanIdOverflow,
		/// No loan has this number.
		UnknownLoan,
		/// The caller does not act for the loan's enterprise.
		NotLoanEnterprise,
		/// The loan is not in a state that allows this.
		InvalidTransition,
		/// The offered amount is above what was asked for or the product's maximum, or zero.
		OfferAmountOutOfRange,
		/// The offered term is above what was asked for or the product's maximum, or zero.
		OfferTermOutOfRange,
		/// The rate is outside the product's range.
		RateOutOfRange,
		/// An offer must expire after this block and within `MaxOfferValidity`.
		InvalidOfferExpiry,
		/// A decision cites at least the application's summary, each record once.
		InvalidDecisionRecords,
		/// The enterprise's outstanding principal plus this loan would pass the product's cap.
		ExposureCapExceeded,
		/// The offer has expired.
		OfferExpired,
		/// More paid than is outstanding, or nothing at all.
		InvalidRepayment,
		/// The loan has not been past due long enough to be declared defaulted.
		NotPastDueLongEnough,
		/// The schedule cannot be computed for these terms.
		ScheduleOverflow,
		/// A product's rules must each be within the vocabulary's bounds, at most `MAX_RULES`
		/// of them, making at most `MAX_CLAIMS` claims in all.
		InvalidRules,
		/// A product decides by itself only if it states rules, at a rate within its range, with
		/// an offer open at least a day and at most `MaxOfferValidity`.
		InvalidStandardOffer,
		/// The product states rules: the application must carry their proof.
		RuleProofRequired,
		/// The product states no rules: an application to it carries no proof.
		NoRulesToProve,
		/// A record the proof rests on is unknown or not the enterprise's.
		EvidenceRecordNotOfEnterprise,
		/// A record the proof rests on has been amended or revoked: prove on its current version.
		EvidenceRecordNotCurrent,
		/// A record the proof rests on is of format 1, which has no points to prove on.
		EvidenceRecordWithoutPoints,
		/// A later record of the same kind exists: rules read the latest.
		EvidenceRecordNotLatest,
		/// The records are not in ascending order of kind and period, or not those the
		/// product's rules read (a kind missing, months not consecutive, too few).
		EvidenceDoesNotFitRules,
		/// The points do not make the records' commitments on chain.
		PointsDoNotMatchRecords,
		/// The proof's number was used by an earlier application: a proof serves once.
		ProofAlreadyUsed,
		/// The proof's number is ahead of the enterprise's next one.
		WrongProofNonce,
		/// The proof does not prove the product's rules for this application: it was made for
		/// another chain, product, bank, enterprise, record set, amount or term, or altered.
		RuleProofInvalid,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Marks loans overdue whose instalment fell due unpaid, at most
		/// `MaxDueChecksPerBlock` a block.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::check_dues(now)
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}

		fn integrity_test() {
			assert!(T::MaxTermMonths::get() > 0);
			assert!(T::MaxDueChecksPerBlock::get() > 0);
			assert!(!T::DefaultBlocksPerDay::get().is_zero());
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Publishes a loan product with `terms`.
		///
		/// Caller: an active bank. Emits [`Event::ProductPublished`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::publish_product())]
		pub fn publish_product(origin: OriginFor<T>, terms: ProductTerms) -> DispatchResult {
			let bank = Self::ensure_bank(origin)?;
			Self::check_terms(&terms)?;
			let in_force = ProductsInForce::<T>::get(&bank);
			ensure!(in_force < T::MaxProductsPerBank::get(), Error::<T>::TooManyProducts);
			let id = NextProductId::<T>::get();
			let next = id.checked_add(1).ok_or(Error::<T>::ProductIdOverflow)?;
			Products::<T>::insert(id, Product { bank: bank.clone(), terms, retired: false });
			ProductsOf::<T>::insert(&bank, id, ());
			ProductsInForce::<T>::insert(&bank, in_force.saturating_add(1));
			NextProductId::<T>::put(next);
			Self::deposit_event(Event::ProductPublished { product: id, bank });
			Ok(())
		}

		/// Retires the product: no new applications; its loans carry on.
		///
		/// Caller: the bank that published it. Emits [`Event::ProductRetired`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::retire_product())]
		pub fn retire_product(origin: OriginFor<T>, product: ProductId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut entry = Products::<T>::get(product).ok_or(Error::<T>::UnknownProduct)?;
			ensure!(entry.bank == who, Error::<T>::NotProductBank);
			ensure!(!entry.retired, Error::<T>::ProductRetired);
			entry.retired = true;
			ProductsInForce::<T>::mutate(&entry.bank, |n| n.saturating_dec());
			Products::<T>::insert(product, entry);
			Self::deposit_event(Event::ProductRetired { product });
			Ok(())
		}

		/// Applies to `product` for `amount` fen over `term_months`, on the enterprise's annual
		/// summary `summary`. If the product states rules, `evidence` proves them on the
		/// enterprise's sealed records; the bank learns that they hold, not the figures. A
		/// product that decides by itself then approves the loan on its standard terms in this
		/// block, if the enterprise's exposure across banks leaves room.
		///
		/// Caller: a controller of a registered enterprise. Emits [`Event::LoanApplied`], and
		/// with a proof [`Event::RulesHeld`] and perhaps [`Event::LoanApproved`].
		#[pallet::call_index(2)]
		#[pallet::weight(Pallet::<T>::application_weight(evidence.as_ref()))]
		pub fn apply_for_loan(
			origin: OriginFor<T>,
			product: ProductId,
			amount: Amount,
			term_months: u16,
			summary: RecordId,
			evidence: Option<RuleEvidence>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let enterprise =
				T::Enterprises::enterprise_of(&who).ok_or(Error::<T>::NotAController)?;
			let entry = Products::<T>::get(product).ok_or(Error::<T>::UnknownProduct)?;
			ensure!(!entry.retired, Error::<T>::ProductRetired);
			let terms = &entry.terms;
			ensure!(0 < amount && amount <= terms.max_amount, Error::<T>::AmountOutOfRange);
			ensure!(
				0 < term_months && term_months <= terms.max_term_months,
				Error::<T>::TermOutOfRange
			);
			let rating = Self::current_rating(&enterprise, summary)?;
			ensure!(terms.ratings.contains(&rating), Error::<T>::RatingNotEligible);
			let consent = Self::consent_for(&enterprise, &entry.bank, summary)?;
			let answers =
				Self::check_evidence(&enterprise, product, &entry, amount, term_months, evidence)?;

			let id = NextLoanId::<T>::get();
			let next = id.checked_add(1).ok_or(Error::<T>::LoanIdOverflow)?;
			let loan = Loan {
				enterprise,
				applicant: who,
				bank: entry.bank.clone(),
				product,
				requested_amount: amount,
				requested_term_months: term_months,
				summary,
				rating,
				applied_at: frame_system::Pallet::<T>::block_number(),
				state: LoanState::Applied,
				decision: None,
				offer: None,
				disbursed_at: None,
				principal_paid: 0,
				interest_paid: 0,
			};
			Self::save(id, None, loan.clone());
			NextLoanId::<T>::put(next);
			LoansOf::<T>::insert(enterprise, index_key(id), ());
			LoansByBank::<T>::insert(&entry.bank, index_key(id), ());
			Self::deposit_event(Event::LoanApplied {
				loan: id,
				enterprise,
				bank: entry.bank.clone(),
				product,
				amount,
				term_months,
			});
			if let Some(answers) = answers {
				Self::deposit_event(Event::RulesHeld {
					loan: id,
					records: answers.records.clone(),
				});
				Answers::<T>::insert(id, answers);
				if let Some(standard) = entry.terms.automatic {
					Self::decide(id, loan, &entry, standard, consent);
				}
			}
			Ok(())
		}

		/// Withdraws the application, or declines the bank's offer.
		///
		/// Caller: a controller of the loan's enterprise. Emits [`Event::ApplicationWithdrawn`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::withdraw_application())]
		pub fn withdraw_application(origin: OriginFor<T>, loan: LoanId) -> DispatchResult {
			let mut entry = Self::as_enterprise(origin, loan)?;
			let before = entry.standing();
			ensure!(
				matches!(entry.state, LoanState::Applied | LoanState::Approved),
				Error::<T>::InvalidTransition
			);
			entry.state = LoanState::Withdrawn { at: frame_system::Pallet::<T>::block_number() };
			Self::save(loan, Some(before), entry);
			Self::deposit_event(Event::ApplicationWithdrawn { loan });
			Ok(())
		}

		/// Approves the application with an offer of `amount` fen at `rate_bps` over
		/// `term_months`, open until block `offer_expires_at`, citing the records it relied on
		/// (`records`, the application's summary among them), each covered by the enterprise's
		/// consent.
		///
		/// Caller: the product's bank. Emits [`Event::LoanApproved`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::approve_loan(records.len() as u32))]
		pub fn approve_loan(
			origin: OriginFor<T>,
			loan: LoanId,
			amount: Amount,
			rate_bps: u32,
			term_months: u16,
			offer_expires_at: BlockNumberFor<T>,
			records: Vec<RecordId>,
		) -> DispatchResult {
			let (entry, product) = Self::as_bank(origin, loan)?;
			let before = entry.standing();
			ensure!(entry.state == LoanState::Applied, Error::<T>::InvalidTransition);
			let terms = &product.terms;
			ensure!(
				0 < amount && amount <= entry.requested_amount && amount <= terms.max_amount,
				Error::<T>::OfferAmountOutOfRange
			);
			ensure!(
				0 < term_months
					&& term_months <= entry.requested_term_months
					&& term_months <= terms.max_term_months,
				Error::<T>::OfferTermOutOfRange
			);
			ensure!(
				terms.min_rate_bps <= rate_bps && rate_bps <= terms.max_rate_bps,
				Error::<T>::RateOutOfRange
			);
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(
				offer_expires_at > now
					&& offer_expires_at.saturating_sub(now) <= T::MaxOfferValidity::get(),
				Error::<T>::InvalidOfferExpiry
			);
			let records: DecisionRecords =
				records.try_into().map_err(|_| Error::<T>::InvalidDecisionRecords)?;
			ensure!(
				records.contains(&entry.summary) && banktax_primitives::all_distinct(&records),
				Error::<T>::InvalidDecisionRecords
			);
			let consent = Self::consent_for(&entry.enterprise, &entry.bank, entry.summary)?;
			for record in records.iter().filter(|record| **record != entry.summary) {
				Self::consent_for(&entry.enterprise, &entry.bank, *record)?;
			}
			Self::check_exposure(&entry.enterprise, amount, terms.exposure_cap)?;
			let offer = Offer { amount, rate_bps, term_months, expires_at: offer_expires_at };
			Self::approve(loan, before, entry, offer, Decision { consent, records, at: now });
			Ok(())
		}

		/// Rejects the application for `reason`.
		///
		/// Caller: the product's bank. Emits [`Event::LoanRejected`].
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::reject_loan())]
		pub fn reject_loan(
			origin: OriginFor<T>,
			loan: LoanId,
			reason: RejectionReason,
		) -> DispatchResult {
			let (mut entry, _) = Self::as_bank(origin, loan)?;
			let before = entry.standing();
			ensure!(entry.state == LoanState::Applied, Error::<T>::InvalidTransition);
			entry.state =
				LoanState::Rejected { reason, at: frame_system::Pallet::<T>::block_number() };
			Self::save(loan, Some(before), entry);
			Self::deposit_event(Event::LoanRejected { loan, reason });
			Ok(())
		}

		/// Accepts the bank's offer before it expires.
		///
		/// Caller: a controller of the loan's enterprise. Emits [`Event::OfferAccepted`].
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::accept_offer())]
		pub fn accept_offer(origin: OriginFor<T>, loan: LoanId) -> DispatchResult {
			let mut entry = Self::as_enterprise(origin, loan)?;
			let before = entry.standing();
			ensure!(entry.state == LoanState::Approved, Error::<T>::InvalidTransition);
			let now = frame_system::Pallet::<T>::block_number();
			let offer = entry.offer.ok_or(Error::<T>::InvalidTransition)?;
			ensure!(now < offer.expires_at, Error::<T>::OfferExpired);
			entry.state = LoanState::Accepted { at: now };
			Self::save(loan, Some(before), entry);
			Self::deposit_event(Event::OfferAccepted { loan });
			Ok(())
		}

		/// Records that the bank paid the accepted loan out: the schedule starts, and the
		/// amount joins the enterprise's exposure.
		///
		/// Caller: the product's bank. Emits [`Event::LoanDisbursed`].
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::record_disbursement(T::MaxTermMonths::get()))]
		pub fn record_disbursement(origin: OriginFor<T>, loan: LoanId) -> DispatchResult {
			let (mut entry, product) = Self::as_bank(origin, loan)?;
			let before = entry.standing();
			ensure!(
				matches!(entry.state, LoanState::Accepted { .. }),
				Error::<T>::InvalidTransition
			);
			let offer = entry.offer.ok_or(Error::<T>::InvalidTransition)?;
			// Other banks may have paid out since the approval.
			Self::check_exposure(&entry.enterprise, offer.amount, product.terms.exposure_cap)?;
			let now = frame_system::Pallet::<T>::block_number();
			let plan = Self::plan(&offer, product.terms.style, now)?;
			let first_due = plan.first().map(|i| i.due).ok_or(Error::<T>::ScheduleOverflow)?;
			let instalments = plan.len() as u32;
			Exposure::<T>::mutate(entry.enterprise, |owed| {
				*owed = owed.saturating_add(offer.amount)
			});
			Schedules::<T>::insert(loan, plan);
			DueChecks::<T>::insert(first_due, loan, ());
			entry.state = LoanState::Repaying;
			entry.disbursed_at = Some(now);
			Self::save(loan, Some(before), entry);
			Self::deposit_event(Event::LoanDisbursed { loan, amount: offer.amount, instalments });
			Ok(())
		}

		/// Records a repayment of `principal` and `interest` fen, applied to the earliest
		/// instalments first. A loan repaid in full closes; an overdue loan whose arrears are
		/// paid is back on schedule.
		///
		/// Caller: the product's bank. Emits [`Event::RepaymentRecorded`], and
		/// [`Event::LoanClosed`] or [`Event::ArrearsCleared`].
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::record_repayment(T::MaxTermMonths::get()))]
		pub fn record_repayment(
			origin: OriginFor<T>,
			loan: LoanId,
			principal: Amount,
			interest: Amount,
		) -> DispatchResult {
			let (mut entry, _) = Self::as_bank(origin, loan)?;
			let before = entry.standing();
			ensure!(
				matches!(entry.state, LoanState::Repaying | LoanState::Overdue { .. }),
				Error::<T>::InvalidTransition
			);
			ensure!(principal > 0 || interest > 0, Error::<T>::InvalidRepayment);
			let mut plan = Schedules::<T>::get(loan).ok_or(Error::<T>::InvalidTransition)?;
			// A loan on schedule has its check queued at its first unpaid due; an overdue one none.
			let queued = match entry.state {
				LoanState::Repaying => Self::first_unpaid_due(&plan),
				_ => None,
			};
			Self::allocate(&mut plan, principal, interest)?;
			entry.principal_paid = entry.principal_paid.saturating_add(principal);
			entry.interest_paid = entry.interest_paid.saturating_add(interest);
			Exposure::<T>::mutate(entry.enterprise, |owed| *owed = owed.saturating_sub(principal));
			Self::deposit_event(Event::RepaymentRecorded { loan, principal, interest });

			let now = frame_system::Pallet::<T>::block_number();
			if let Some(old) = queued {
				DueChecks::<T>::remove(old, loan);
			}
			match Self::first_unpaid_due(&plan) {
				None => {
					entry.state = LoanState::Closed { at: now };
					Self::deposit_event(Event::LoanClosed { loan });
				}
				Some(due) if due <= now => {
					// Still in arrears: stays (or becomes) overdue from its oldest unpaid due.
					entry.state = LoanState::Overdue { since: due };
				}
				Some(due) => {
					if matches!(entry.state, LoanState::Overdue { .. }) {
						Self::deposit_event(Event::ArrearsCleared { loan });
					}
					entry.state = LoanState::Repaying;
					DueChecks::<T>::insert(due, loan, ());
				}
			}
			Schedules::<T>::insert(loan, plan);
			Self::save(loan, Some(before), entry);
			Ok(())
		}

		/// Declares the overdue loan defaulted, once it is at least the product's
		/// `default_after_days` past due.
		///
		/// Caller: the product's bank. Emits [`Event::LoanDefaulted`].
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::declare_default())]
		pub fn declare_default(origin: OriginFor<T>, loan: LoanId) -> DispatchResult {
			let (mut entry, product) = Self::as_bank(origin, loan)?;
			let before = entry.standing();
			let LoanState::Overdue { since } = entry.state else {
				return Err(Error::<T>::InvalidTransition.into());
			};
			let now = frame_system::Pallet::<T>::block_number();
			let days = Self::days_between(since, now);
			ensure!(days >= product.terms.default_after_days, Error::<T>::NotPastDueLongEnough);
			entry.state = LoanState::Defaulted { at: now };
			Self::save(loan, Some(before), entry);
			Self::deposit_event(Event::LoanDefaulted { loan, days_past_due: days });
			Ok(())
		}

		/// Writes the defaulted loan off: its outstanding principal leaves the enterprise's
		/// exposure.
		///
		/// Caller: the product's bank. Emits [`Event::LoanWrittenOff`].
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::write_off())]
		pub fn write_off(origin: OriginFor<T>, loan: LoanId) -> DispatchResult {
			let (mut entry, _) = Self::as_bank(origin, loan)?;
			let before = entry.standing();
			ensure!(
				matches!(entry.state, LoanState::Defaulted { .. }),
				Error::<T>::InvalidTransition
			);
			let outstanding = entry.outstanding();
			Exposure::<T>::mutate(entry.enterprise, |owed| {
				*owed = owed.saturating_sub(outstanding)
			});
			entry.state = LoanState::WrittenOff { at: frame_system::Pallet::<T>::block_number() };
			Self::save(loan, Some(before), entry);
			Self::deposit_event(Event::LoanWrittenOff { loan, principal: outstanding });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// What an application costs: with a proof, checking its records and points, verifying
		/// the proof (by its size, which bounds its claims) and perhaps approving.
		pub fn application_weight(evidence: Option<&RuleEvidence>) -> Weight {
			let base = T::WeightInfo::apply_for_loan();
			let Some(evidence) = evidence else { return base };
			let records = evidence.records.len() as u32;
			// Per record: itself, the next period's record and the consent; then the nonce.
			let reads = u64::from(records).saturating_mul(3).saturating_add(1);
			base.saturating_add(T::WeightInfo::check_points(records))
				.saturating_add(T::WeightInfo::verify_rule_proof_on_host(claims::claims_of_len(
					evidence.proof.len(),
				)))
				.saturating_add(T::DbWeight::get().reads_writes(reads, 2))
				.saturating_add(T::WeightInfo::approve_loan(1))
		}

		/// Approves loan `id` with `offer`, on `decision`.
		fn approve(
			id: LoanId,
			before: (Stage, Amount),
			mut loan: LoanOf<T>,
			offer: Offer<BlockNumberFor<T>>,
			decision: Decision<BlockNumberFor<T>>,
		) {
			let consent = decision.consent;
			loan.state = LoanState::Approved;
			loan.offer = Some(offer);
			loan.decision = Some(decision);
			Self::save(id, Some(before), loan);
			Self::deposit_event(Event::LoanApproved {
				loan: id,
				amount: offer.amount,
				rate_bps: offer.rate_bps,
				term_months: offer.term_months,
				consent,
			});
		}

		/// Approves the just-proven application `id` (stored as `loan`) to `product` on its
		/// standard terms, if the enterprise's exposure across banks leaves room; otherwise the
		/// bank decides.
		fn decide(
			id: LoanId,
			loan: LoanOf<T>,
			product: &ProductOf<T>,
			standard: StandardOffer,
			consent: ConsentId,
		) {
			let amount = loan.requested_amount;
			if Self::check_exposure(&loan.enterprise, amount, product.terms.exposure_cap).is_err() {
				return;
			}
			let now = frame_system::Pallet::<T>::block_number();
			let validity = BlocksPerDay::<T>::get().saturating_mul(standard.valid_days.into());
			let offer = Offer {
				amount,
				rate_bps: standard.rate_bps,
				term_months: loan.requested_term_months,
				expires_at: now.saturating_add(validity),
			};
			let records = DecisionRecords::truncate_from(alloc::vec![loan.summary]);
			let before = loan.standing();
			Self::approve(id, before, loan, offer, Decision { consent, records, at: now });
		}

		/// Checks that `evidence` proves `product`'s rules for this application, and takes the
		/// enterprise's proof number; what was proven, if the product states rules.
		fn check_evidence(
			enterprise: &Uscc,
			id: ProductId,
			product: &ProductOf<T>,
			amount: Amount,
			term_months: u16,
			evidence: Option<RuleEvidence>,
		) -> Result<Option<RuleAnswers>, DispatchError> {
			let evidence = match (product.terms.rules.is_empty(), evidence) {
				(true, None) => return Ok(None),
				(true, Some(_)) => return Err(Error::<T>::NoRulesToProve.into()),
				(false, None) => return Err(Error::<T>::RuleProofRequired.into()),
				(false, Some(evidence)) => evidence,
			};
			let nonce = ProofNonces::<T>::get(enterprise);
			ensure!(evidence.nonce >= nonce, Error::<T>::ProofAlreadyUsed);
			ensure!(evidence.nonce == nonce, Error::<T>::WrongProofNonce);
			let infos = evidence
				.records
				.iter()
				.map(|record| Self::evidence_record(enterprise, &product.bank, *record))
				.collect::<Result<Vec<_>, _>>()?;
			Self::check_latest(enterprise, &infos)?;
			let named = evidence::check_points(&infos, &evidence.points)
				.ok_or(Error::<T>::PointsDoNotMatchRecords)?;
			let figure_amount = u64::try_from(amount).map_err(|_| Error::<T>::AmountOutOfRange)?;
			let (claims, _) = rules::claims_for(&product.terms.rules, &named, figure_amount)
				.map_err(|_| Error::<T>::EvidenceDoesNotFitRules)?;
			let records: Vec<(RecordId, Hash)> = evidence
				.records
				.iter()
				.zip(&infos)
				.map(|(record, info)| (*record, info.commitment))
				.collect();
			let binding = ApplicationBinding {
				genesis: frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero()),
				rules_version: rules::RULES_VERSION,
				product: id,
				rules: &product.terms.rules,
				enterprise: *enterprise,
				bank: &product.bank,
				records: &records,
				nonce,
				amount,
				term_months,
			};
			let points: Vec<u8> = evidence.points.iter().flatten().copied().collect();
			ensure!(
				rule_proofs::verify_claims(
					&binding.bytes(),
					&claims.encode(),
					&points,
					&evidence.proof
				),
				Error::<T>::RuleProofInvalid
			);
			ProofNonces::<T>::insert(enterprise, nonce.saturating_add(1));
			Ok(Some(RuleAnswers {
				rules_version: rules::RULES_VERSION,
				records: evidence.records,
				nonce,
			}))
		}

		/// The record `id`, if a proof may rest on it: the enterprise's, current, of format 2,
		/// and under consent to `bank` (a rule-answers-only consent is enough).
		fn evidence_record(
			enterprise: &Uscc,
			bank: &T::AccountId,
			id: RecordId,
		) -> Result<RecordInfo, Error<T>> {
			let info = T::Records::record(id)
				.filter(|info| info.enterprise == *enterprise)
				.ok_or(Error::<T>::EvidenceRecordNotOfEnterprise)?;
			ensure!(info.current, Error::<T>::EvidenceRecordNotCurrent);
			ensure!(info.schema_version == SCHEMA_VERSION, Error::<T>::EvidenceRecordWithoutPoints);
			Self::consent_for(enterprise, bank, id)?;
			Ok(info)
		}

		/// Fails if a later record exists of the kind of any of `infos`' last of its kind: rules
		/// read the latest records.
		fn check_latest(enterprise: &Uscc, infos: &[RecordInfo]) -> Result<(), Error<T>> {
			let lasts = infos.iter().enumerate().filter(|(index, info)| {
				infos.get(index.saturating_add(1)).is_none_or(|next| next.kind != info.kind)
			});
			for (_, info) in lasts {
				let later = info
					.period
					.next()
					.and_then(|next| T::Records::current_record(enterprise, &next, info.kind));
				ensure!(later.is_none(), Error::<T>::EvidenceRecordNotLatest);
			}
			Ok(())
		}

		fn ensure_bank(origin: OriginFor<T>) -> Result<T::AccountId, DispatchError> {
			let who = ensure_signed(origin)?;
			ensure!(T::Institutions::active_role(&who) == Some(Role::Bank), Error::<T>::NotABank);
			Ok(who)
		}

		fn check_terms(terms: &ProductTerms) -> Result<(), Error<T>> {
			ensure!(rules::check_rule_set(&terms.rules).is_ok(), Error::<T>::InvalidRules);
			if let Some(standard) = terms.automatic {
				let validity = BlocksPerDay::<T>::get().saturating_mul(standard.valid_days.into());
				ensure!(
					!terms.rules.is_empty()
						&& terms.min_rate_bps <= standard.rate_bps
						&& standard.rate_bps <= terms.max_rate_bps
						&& standard.valid_days > 0
						&& validity <= T::MaxOfferValidity::get(),
					Error::<T>::InvalidStandardOffer
				);
			}
			ensure!(
				!terms.ratings.is_empty() && banktax_primitives::all_distinct(&terms.ratings),
				Error::<T>::InvalidRatings
			);
			ensure!(
				0 < terms.max_amount && terms.max_amount <= T::MaxAmount::get(),
				Error::<T>::InvalidMaxAmount
			);
			ensure!(
				0 < terms.max_term_months
					&& u32::from(terms.max_term_months) <= T::MaxTermMonths::get(),
				Error::<T>::InvalidMaxTerm
			);
			ensure!(
				terms.min_rate_bps <= terms.max_rate_bps && terms.max_rate_bps <= MAX_RATE_BPS,
				Error::<T>::InvalidRateRange
			);
			ensure!(terms.exposure_cap >= terms.max_amount, Error::<T>::InvalidExposureCap);
			Ok(())
		}

		/// The loan `id`, if the caller acts for its enterprise.
		fn as_enterprise(origin: OriginFor<T>, id: LoanId) -> Result<LoanOf<T>, DispatchError> {
			let who = ensure_signed(origin)?;
			let loan = Loans::<T>::get(id).ok_or(Error::<T>::UnknownLoan)?;
			ensure!(
				T::Enterprises::enterprise_of(&who) == Some(loan.enterprise),
				Error::<T>::NotLoanEnterprise
			);
			Ok(loan)
		}

		/// The loan `id` and its product, if the caller is the product's bank.
		fn as_bank(
			origin: OriginFor<T>,
			id: LoanId,
		) -> Result<(LoanOf<T>, ProductOf<T>), DispatchError> {
			let who = ensure_signed(origin)?;
			let loan = Loans::<T>::get(id).ok_or(Error::<T>::UnknownLoan)?;
			ensure!(loan.bank == who, Error::<T>::NotProductBank);
			let product = Products::<T>::get(loan.product).ok_or(Error::<T>::UnknownProduct)?;
			Ok((loan, product))
		}

		/// The rating of `summary`, if it is a current annual summary of `enterprise`.
		fn current_rating(
			enterprise: &Uscc,
			summary: RecordId,
		) -> Result<banktax_primitives::Rating, Error<T>> {
			let info = T::Records::record(summary).ok_or(Error::<T>::NotACurrentSummary)?;
			ensure!(
				info.enterprise == *enterprise
					&& info.kind == RecordKind::AnnualSummary
					&& info.current,
				Error::<T>::NotACurrentSummary
			);
			info.rating.ok_or(Error::<T>::NotACurrentSummary)
		}

		/// The active credit-assessment consent from `enterprise` to `bank` covering `record`.
		fn consent_for(
			enterprise: &Uscc,
			bank: &T::AccountId,
			record: RecordId,
		) -> Result<ConsentId, Error<T>> {
			T::Consents::active_consent(enterprise, bank, Purpose::CreditAssessment, record)
				.ok_or(Error::<T>::NoConsent)
		}

		/// Fails if `enterprise`'s outstanding principal plus `amount` would pass `cap`.
		fn check_exposure(enterprise: &Uscc, amount: Amount, cap: Amount) -> Result<(), Error<T>> {
			let total = Exposure::<T>::get(enterprise).checked_add(amount);
			ensure!(total.is_some_and(|total| total <= cap), Error::<T>::ExposureCapExceeded);
			Ok(())
		}

		/// The schedule of `offer`, disbursed at `start`, with each instalment's due block.
		fn plan(
			offer: &Offer<BlockNumberFor<T>>,
			style: RepaymentStyle,
			start: BlockNumberFor<T>,
		) -> Result<ScheduleOf<T>, Error<T>> {
			let dues = schedule::schedule(offer.amount, offer.rate_bps, offer.term_months, style)
				.map_err(|_| Error::<T>::ScheduleOverflow)?;
			let month = BlocksPerDay::<T>::get().saturating_mul(DAYS_PER_MONTH.into());
			let mut due = start;
			let plan = dues
				.into_iter()
				.map(|d| {
					due = due.saturating_add(month);
					Instalment {
						due,
						principal: d.principal,
						interest: d.interest,
						principal_paid: 0,
						interest_paid: 0,
					}
				})
				.collect::<Vec<_>>();
			plan.try_into().map_err(|_| Error::<T>::ScheduleOverflow)
		}

		/// Applies `principal` and `interest` to the earliest instalments that still owe them;
		/// fails, changing nothing, if either is more than is outstanding.
		fn allocate(
			plan: &mut ScheduleOf<T>,
			mut principal: Amount,
			mut interest: Amount,
		) -> Result<(), Error<T>> {
			let owed_principal: Amount =
				plan.iter().map(|i| i.principal.saturating_sub(i.principal_paid)).sum();
			let owed_interest: Amount =
				plan.iter().map(|i| i.interest.saturating_sub(i.interest_paid)).sum();
			ensure!(
				principal <= owed_principal && interest <= owed_interest,
				Error::<T>::InvalidRepayment
			);
			for instalment in plan.iter_mut() {
				let p =
					principal.min(instalment.principal.saturating_sub(instalment.principal_paid));
				let i = interest.min(instalment.interest.saturating_sub(instalment.interest_paid));
				instalment.principal_paid = instalment.principal_paid.saturating_add(p);
				instalment.interest_paid = instalment.interest_paid.saturating_add(i);
				principal = principal.saturating_sub(p);
				interest = interest.saturating_sub(i);
			}
			Ok(())
		}

		/// Whole days from `from` to `to` on the chain's loan calendar.
		pub fn days_between(from: BlockNumberFor<T>, to: BlockNumberFor<T>) -> u32 {
			let per_day = BlocksPerDay::<T>::get().max(1u32.into());
			(to.saturating_sub(from) / per_day).saturated_into()
		}

		/// Checks the loans whose instalments fell due at or before `now`, within the hook's
		/// budget, and returns the weight used.
		fn check_dues(now: BlockNumberFor<T>) -> Weight {
			let mut cursor = DueCursor::<T>::get();
			let mut checked = 0u32;
			let steps = banktax_primitives::sweep(
				&mut cursor,
				now,
				|block| DueChecks::<T>::iter_key_prefix(block).next(),
				|block, loan| {
					if checked >= T::MaxDueChecksPerBlock::get() {
						return false;
					}
					checked.saturating_inc();
					DueChecks::<T>::remove(block, loan);
					Self::check_due(loan, now);
					true
				},
			);
			DueCursor::<T>::put(cursor);
			let work = match checked {
				0 => T::WeightInfo::check_nothing_due(),
				_ => T::WeightInfo::check_dues(checked),
			};
			// Each block number walked past is one more look into `DueChecks`.
			work.saturating_add(T::DbWeight::get().reads(steps.into()))
		}

		/// The due block of the earliest instalment not yet paid in full.
		fn first_unpaid_due(plan: &ScheduleOf<T>) -> Option<BlockNumberFor<T>> {
			plan.iter().find(|i| !i.is_paid()).map(|i| i.due)
		}

		/// Stores loan `id` and moves it in the tallies from where it stood `before` (`None`
		/// for a new loan) to where it stands now.
		fn save(id: LoanId, before: Option<(Stage, Amount)>, loan: LoanOf<T>) {
			let after = loan.standing();
			if before != Some(after) {
				if let Some((stage, outstanding)) = before {
					Self::tally(&loan, stage, |tally| tally.remove(outstanding));
				}
				Self::tally(&loan, after.0, |tally| tally.add(after.1));
			}
			Loans::<T>::insert(id, loan);
		}

		fn tally(loan: &LoanOf<T>, stage: Stage, change: impl Fn(&mut Tally)) {
			RatingTallies::<T>::mutate(loan.rating, stage, &change);
			BankTallies::<T>::mutate(&loan.bank, stage, &change);
		}

		/// Marks loan `id` overdue if an instalment due by `now` is unpaid.
		fn check_due(id: LoanId, now: BlockNumberFor<T>) {
			let Some(mut loan) = Loans::<T>::get(id) else { return };
			let before = loan.standing();
			if loan.state != LoanState::Repaying {
				return;
			}
			let Some(plan) = Schedules::<T>::get(id) else { return };
			match Self::first_unpaid_due(&plan) {
				Some(due) if due <= now => {
					loan.state = LoanState::Overdue { since: due };
					Self::save(id, Some(before), loan);
					Self::deposit_event(Event::LoanOverdue { loan: id, since: due });
				}
				Some(due) => DueChecks::<T>::insert(due, id, ()),
				None => {}
			}
		}

		/// The loan's state as seen at block `now`: an approved offer past its expiry reads as
		/// lapsed.
		pub fn state_at(loan: &LoanOf<T>, now: BlockNumberFor<T>) -> LoanStateOf<T> {
			match (loan.state, loan.offer) {
				(LoanState::Approved, Some(offer)) if now >= offer.expires_at => {
					LoanState::Lapsed { at: offer.expires_at }
				}
				(state, _) => state,
			}
		}

		/// Days past due at `now`, for an overdue loan.
		pub fn days_past_due(loan: &LoanOf<T>, now: BlockNumberFor<T>) -> Option<u32> {
			match loan.state {
				LoanState::Overdue { since } => Some(Self::days_between(since, now)),
				_ => None,
			}
		}

		/// What `enterprise` owes across all banks: the outstanding principal of its disbursed
		/// loans, in fen.
		pub fn exposure(enterprise: &Uscc) -> Amount {
			Exposure::<T>::get(enterprise)
		}

		/// A page of the loans of `enterprise` with every bank, with their state now, in order
		/// of application, and where the next page starts.
		pub fn loans_of(enterprise: &Uscc, page: &Page) -> LoanPage<T> {
			let (ids, next) = banktax_primitives::page_of(
				page,
				|key| LoansOf::<T>::hashed_key_for(enterprise, key),
				|start| LoansOf::<T>::iter_key_prefix_from(enterprise, start),
			);
			(Self::with_state(ids), next)
		}

		/// A page of the loans `bank` has been asked for, with their state now, in order of
		/// application, and where the next page starts.
		pub fn loans_of_bank(bank: &T::AccountId, page: &Page) -> LoanPage<T> {
			let (ids, next) = banktax_primitives::page_of(
				page,
				|key| LoansByBank::<T>::hashed_key_for(bank, key),
				|start| LoansByBank::<T>::iter_key_prefix_from(bank, start),
			);
			(Self::with_state(ids), next)
		}

		/// The loans applied for on each rating, by stage: every (rating, stage) with a loan.
		pub fn tallies_by_rating() -> Vec<(Rating, Stage, Tally)> {
			let mut tallies: Vec<_> =
				RatingTallies::<T>::iter().filter(|(.., tally)| tally.loans > 0).collect();
			tallies.sort_by_key(|(rating, stage, _)| (*rating as u8, *stage));
			tallies
		}

		/// `bank`'s loans by stage: every stage with a loan.
		pub fn tallies_of_bank(bank: &T::AccountId) -> Vec<(Stage, Tally)> {
			let mut tallies: Vec<_> =
				BankTallies::<T>::iter_prefix(bank).filter(|(_, tally)| tally.loans > 0).collect();
			tallies.sort_by_key(|(stage, _)| *stage);
			tallies
		}

		/// One loan with its state now and its schedule (with what has been paid of each
		/// instalment).
		pub fn loan(id: LoanId) -> Option<LoanWithSchedule<T>> {
			let loan = Loans::<T>::get(id)?;
			let state = Self::state_at(&loan, frame_system::Pallet::<T>::block_number());
			Some((loan, state, Schedules::<T>::get(id)))
		}

		fn with_state(ids: Vec<LoanId>) -> Vec<ListedLoan<T>> {
			let now = frame_system::Pallet::<T>::block_number();
			ids.into_iter()
				.filter_map(|id| {
					let loan = Loans::<T>::get(id)?;
					let state = Self::state_at(&loan, now);
					Some((id, loan, state))
				})
				.collect()
		}
	}
}

/// Enterprises apply, withdraw and accept; banks do the rest.
impl<T: Config> banktax_primitives::SignedBy for Call<T> {
	fn signers(&self) -> banktax_primitives::Signers {
		use banktax_primitives::{Role, Signers};
		match self {
			Call::apply_for_loan { .. }
			| Call::withdraw_application { .. }
			| Call::accept_offer { .. } => Signers::Enterprise,
			Call::publish_product { .. }
			| Call::retire_product { .. }
			| Call::approve_loan { .. }
			| Call::reject_loan { .. }
			| Call::record_disbursement { .. }
			| Call::record_repayment { .. }
			| Call::declare_default { .. }
			| Call::write_off { .. } => Signers::Institution(Role::Bank),
			Call::__Ignore(..) => Signers::Nobody,
		}
	}
}
