//! Migrations of the loans pallet's storage, one module per storage version.

/// To version 1: a bank's cap on products counts those in force, kept in [`ProductsInForce`],
/// so that retired products no longer use it up.
///
/// [`ProductsInForce`]: crate::ProductsInForce
pub mod v1 {
	use crate::{Config, Pallet, Products, ProductsInForce};
	use core::marker::PhantomData;
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
	};
	use sp_runtime::Saturating;

	/// Counts each bank's products in force.
	pub struct Inner<T>(PhantomData<T>);
	impl<T: Config> UncheckedOnRuntimeUpgrade for Inner<T> {
		fn on_runtime_upgrade() -> Weight {
			// Every product ever published, once: banks publish few.
			let mut reads = 0u64;
			let mut writes = 0u64;
			for product in Products::<T>::iter_values() {
				reads.saturating_inc();
				if !product.retired {
					ProductsInForce::<T>::mutate(&product.bank, |n| n.saturating_inc());
					reads.saturating_inc();
					writes.saturating_inc();
				}
			}
			T::DbWeight::get().reads_writes(reads, writes)
		}
	}

	/// [`Inner`], run once: when the pallet's storage is at version 0, which it leaves at 1.
	pub type MigrateToV1<T> =
		VersionedMigration<0, 1, Inner<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;
}

/// To version 2: each loan carries the rating it was applied for on; [`LoansOf`] and
/// [`LoansByBank`] keep loan numbers as ordered keys, so that they are read a page at a time;
/// [`RatingTallies`] and [`BankTallies`] count every loan by rating, bank and stage.
///
/// [`LoansOf`]: crate::LoansOf
/// [`LoansByBank`]: crate::LoansByBank
/// [`RatingTallies`]: crate::RatingTallies
/// [`BankTallies`]: crate::BankTallies
pub mod v2 {
	use crate::{
		Amount, BankTallies, Config, Decision, Loan, LoanId, LoanOf, LoanState, Loans, LoansByBank,
		LoansOf, Offer, Pallet, ProductId, RatingTallies,
	};
	use banktax_primitives::{reindex, Rating, RecordId, RecordInspect, Uscc};
	use core::marker::PhantomData;
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, storage_alias,
		traits::UncheckedOnRuntimeUpgrade,
	};
	use frame_system::pallet_prelude::BlockNumberFor;

	/// A loan as version 1 stored it: without its rating.
	#[derive(Encode, Decode)]
	pub struct LoanV1<AccountId, BlockNumber> {
		pub enterprise: Uscc,
		pub applicant: AccountId,
		pub bank: AccountId,
		pub product: ProductId,
		pub requested_amount: Amount,
		pub requested_term_months: u16,
		pub summary: RecordId,
		pub applied_at: BlockNumber,
		pub state: LoanState<BlockNumber>,
		pub decision: Option<Decision<BlockNumber>>,
		pub offer: Option<Offer<BlockNumber>>,
		pub disbursed_at: Option<BlockNumber>,
		pub principal_paid: Amount,
		pub interest_paid: Amount,
	}

	impl<AccountId, BlockNumber> LoanV1<AccountId, BlockNumber> {
		/// The loan as version 2 stores it, with `rating`.
		pub fn with_rating(self, rating: Rating) -> Loan<AccountId, BlockNumber> {
			Loan {
				enterprise: self.enterprise,
				applicant: self.applicant,
				bank: self.bank,
				product: self.product,
				requested_amount: self.requested_amount,
				requested_term_months: self.requested_term_months,
				summary: self.summary,
				rating,
				applied_at: self.applied_at,
				state: self.state,
				decision: self.decision,
				offer: self.offer,
				disbursed_at: self.disbursed_at,
				principal_paid: self.principal_paid,
				interest_paid: self.interest_paid,
			}
		}
	}

	mod v1 {
		use super::*;

		/// The indexes as version 1 kept them: numbers under a hash, in no useful order.
		#[storage_alias]
		pub type LoansOf<T: Config> =
			StorageDoubleMap<Pallet<T>, Blake2_128Concat, Uscc, Twox64Concat, LoanId, ()>;
		#[storage_alias]
		pub type LoansByBank<T: Config> = StorageDoubleMap<
			Pallet<T>,
			Blake2_128Concat,
			<T as frame_system::Config>::AccountId,
			Twox64Concat,
			LoanId,
			(),
		>;
	}

	/// The rating of the summary a loan rests on. Applications are only accepted on a rated
	/// summary and records are never deleted, so the fallback (the lowest rating, which no
	/// tally flatters) is for a register that lost data.
	fn rating_of<T: Config>(summary: RecordId) -> Rating {
		T::Records::record(summary).and_then(|info| info.rating).unwrap_or(Rating::D)
	}

	/// Adds the rating to every loan, keys both indexes again and counts the tallies.
	pub struct Inner<T>(PhantomData<T>);
	impl<T: Config> UncheckedOnRuntimeUpgrade for Inner<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut loans = 0u64;
			Loans::<T>::translate::<LoanV1<T::AccountId, BlockNumberFor<T>>, _>(|_, old| {
				loans = loans.saturating_add(1);
				let rating = rating_of::<T>(old.summary);
				let loan: LoanOf<T> = old.with_rating(rating);
				let (stage, outstanding) = loan.standing();
				RatingTallies::<T>::mutate(loan.rating, stage, |t| t.add(outstanding));
				BankTallies::<T>::mutate(&loan.bank, stage, |t| t.add(outstanding));
				Some(loan)
			});
			let of = reindex(
				v1::LoansOf::<T>::iter_keys(),
				|| drop(v1::LoansOf::<T>::clear(u32::MAX, None)),
				|enterprise, key| LoansOf::<T>::insert(enterprise, key, ()),
			);
			let by_bank = reindex(
				v1::LoansByBank::<T>::iter_keys(),
				|| drop(v1::LoansByBank::<T>::clear(u32::MAX, None)),
				|bank, key| LoansByBank::<T>::insert(bank, key, ()),
			);
			let n = of.saturating_add(by_bank);
			T::DbWeight::get().reads_writes(
				n.saturating_add(loans.saturating_mul(4)),
				n.saturating_mul(2).saturating_add(loans.saturating_mul(3)),
			)
		}
	}

	/// [`Inner`], run once: when the pallet's storage is at version 1, which it leaves at 2.
	pub type MigrateToV2<T> =
		VersionedMigration<1, 2, Inner<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;
}

/// To version 3: products state rules and may decide by themselves. Every product published
/// before states none and leaves decisions to its bank, as it always did.
pub mod v3 {
	use crate::{Amount, Config, Pallet, Product, ProductTerms, Products, Ratings, RepaymentStyle};
	use core::marker::PhantomData;
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
	};

	/// A product's terms as version 2 stored them: without rules.
	#[derive(Encode, Decode)]
	pub struct TermsV2 {
		pub ratings: Ratings,
		pub max_amount: Amount,
		pub max_term_months: u16,
		pub min_rate_bps: u32,
		pub max_rate_bps: u32,
		pub style: RepaymentStyle,
		pub exposure_cap: Amount,
		pub default_after_days: u32,
	}

	/// A product as version 2 stored it.
	#[derive(Encode, Decode)]
	pub struct ProductV2<AccountId> {
		pub bank: AccountId,
		pub terms: TermsV2,
		pub retired: bool,
	}

	impl<AccountId> ProductV2<AccountId> {
		/// The product as version 3 stores it: no rules, decided by its bank.
		pub fn without_rules(self) -> Product<AccountId> {
			let old = self.terms;
			Product {
				bank: self.bank,
				terms: ProductTerms {
					ratings: old.ratings,
					max_amount: old.max_amount,
					max_term_months: old.max_term_months,
					min_rate_bps: old.min_rate_bps,
					max_rate_bps: old.max_rate_bps,
					style: old.style,
					exposure_cap: old.exposure_cap,
					default_after_days: old.default_after_days,
					rules: Default::default(),
					automatic: None,
				},
				retired: self.retired,
			}
		}
	}

	/// Gives every product an empty rule set.
	pub struct Inner<T>(PhantomData<T>);
	impl<T: Config> UncheckedOnRuntimeUpgrade for Inner<T> {
		fn on_runtime_upgrade() -> Weight {
			// Every product ever published, once: banks publish few.
			let mut products = 0u64;
			Products::<T>::translate::<ProductV2<T::AccountId>, _>(|_, old| {
				products = products.saturating_add(1);
				Some(old.without_rules())
			});
			T::DbWeight::get().reads_writes(products, products)
		}
	}

	/// [`Inner`], run once: when the pallet's storage is at version 2, which it leaves at 3.
	pub type MigrateToV3<T> =
		VersionedMigration<2, 3, Inner<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;
}
