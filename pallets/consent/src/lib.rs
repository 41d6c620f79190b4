//! # Consent
//!
//! An enterprise's consent to one bank reading some of its tax records, and everything the
//! chain does under it: key envelopes from the tax authority, and the bank's log of use.
//!
//! No bank reads an enterprise's tax data without the enterprise's consent (the 2019 notice on
//! Bank–Tax Interaction; PIPL; GDPR Art. 7). A consent names:
//!
//! - the **enterprise** (by its unified social credit code; one of its controller accounts
//!   signs) and the one **bank** that may read;
//! - the **purpose** (credit assessment, post-loan monitoring), and nothing beyond it;
//! - the **scope**: which kinds of record, over which years;
//! - the **disclosure level**: whole records, chosen fields only, or rule answers only (no
//!   figures at all);
//! - the **end of its validity** (at most `MaxValidity` blocks ahead) and a hash of the
//!   **notice** text the enterprise agreed to.
//!
//! A change of purpose, scope or bank is a new consent. Every consent gets a number.
//!
//! **States.** A consent is *active* from the block that grants it until it is *withdrawn*
//! (by the enterprise, at any time, or given up by the bank, or ended by the enterprise's
//! deregistration: `banktax_primitives::EndConsents`), effective in the block that includes
//! the withdrawal, or until it *expires* at its `expires_at` block, which needs no
//! transaction: every read and check computes the state from the current block. An
//! enterprise has at most `MaxConsentsInForce` consents in force, with all banks together.
//!
//! **Envelopes.** Records are sealed on chain (see `pallet_tax_records`); a bank reads one only
//! through an envelope, sealed by the tax authority to the bank's registered encryption key
//! (`banktax_primitives::privacy::seal_envelope`). The tax authority may deliver one for a
//! current record only while a consent to that bank is active and covers the record. Under
//! *chosen fields*, the envelope carries only those fields with their disclosure proofs; under
//! *rule answers only*, no envelope is delivered at all. The chain cannot read an envelope,
//! so what is inside is the tax authority's to get right and the bank's to check
//! (`open_envelope` checks every field against the on-chain commitment). When a consent is
//! withdrawn its envelopes leave state in the same block; when it expires or its enterprise is
//! deregistered, the block-start hook removes them, at most `MaxPurgePerBlock` per block. The bank cannot un-see what it
//! read, but it gets nothing new.
//!
//! **Access log.** The bank records each use of consented data (consent, record, purpose); a use
//! outside an active consent, its purpose or its scope is refused. State stays bounded: each
//! consent keeps a lifetime count of uses and its last `MaxLogEntries` uses, and every use
//! emits [`Event::AccessRecorded`], so the complete trail is in the chain's events (kept by
//! archive nodes, e.g. the regulator's).
//!
//! Other pallets ask about consents through `banktax_primitives::ConsentCheck`.
//!
//! ## Calls
//!
//! | call | who may call | emits |
//! | --- | --- | --- |
//! | [`grant_consent`](Pallet::grant_consent) | a controller of a registered enterprise | [`Event::ConsentGranted`] |
//! | [`withdraw_consent`](Pallet::withdraw_consent) | a controller of the consenting enterprise | [`Event::ConsentWithdrawn`] |
//! | [`give_up_consent`](Pallet::give_up_consent) | the bank holding the consent | [`Event::ConsentWithdrawn`] |
//! | [`deliver_envelope`](Pallet::deliver_envelope) | an active tax authority | [`Event::EnvelopeDelivered`] |
//! | [`record_access`](Pallet::record_access) | the bank holding the consent | [`Event::AccessRecorded`] |
//!
//! The block-start hook emits [`Event::ConsentExpired`] once an expired consent's envelopes
//! are gone.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(any(test, feature = "try-runtime"))]
mod invariants;
pub mod migrations;
mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use banktax_primitives::{
		index_key, privacy, ConsentCheck, ConsentId, DataScope, DisclosureLevel, EnterpriseInspect,
		IndexKey, InstitutionInspect, Page, Purpose, RecordId, RecordInfo, RecordInspect, Role,
		Uscc,
	};
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::{One, Saturating};

	/// Version 1: [`InForce`] indexes each enterprise's consents in force. Version 2:
	/// [`ConsentsOf`] and [`ConsentsHeld`] keep consent numbers in order; [`BankTallies`].
	/// Version 3: [`InForceWithBank`], one entry per (enterprise, bank), replaces `Standing`,
	/// one entry per consent.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(3);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// A consent as this runtime stores it.
	pub type ConsentOf<T> = Consent<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;
	/// A delivery as this runtime stores it.
	pub type DeliveryOf<T> = Delivery<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;
	/// A consent's recent uses, oldest first.
	pub type AccessLogOf<T> = BoundedVec<Access<BlockNumberFor<T>>, <T as Config>::MaxLogEntries>;
	/// A consent's state as this runtime reports it.
	pub type ConsentStateOf<T> = ConsentState<BlockNumberFor<T>>;
	/// A consent in a list: its number, itself and its state now.
	pub type ListedConsent<T> = (ConsentId, ConsentOf<T>, ConsentStateOf<T>);
	/// A page of consents, and the number the next page starts at.
	pub type ConsentPage<T> = (Vec<ListedConsent<T>>, Option<ConsentId>);
	/// One consent read in full: itself, its state now and its recent uses.
	pub type ConsentWithLog<T> = (ConsentOf<T>, ConsentStateOf<T>, AccessLogOf<T>);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// Who is an active bank or tax authority, and the banks' encryption keys.
		type Institutions: InstitutionInspect<Self::AccountId>;

		/// Which enterprise a controller account acts for.
		type Enterprises: EnterpriseInspect<Self::AccountId>;

		/// The tax records consents cover.
		type Records: RecordInspect;

		/// Longest a consent may run, in blocks.
		#[pallet::constant]
		type MaxValidity: Get<BlockNumberFor<Self>>;

		/// Most consents active at once between one enterprise and one bank.
		#[pallet::constant]
		type MaxActiveConsents: Get<u32>;

		/// Most consents one enterprise has in force at once, with all banks: what its
		/// deregistration ends in one transaction.
		#[pallet::constant]
		type MaxConsentsInForce: Get<u32>;

		/// Most envelopes in state under one consent.
		#[pallet::constant]
		type MaxEnvelopesPerConsent: Get<u32>;

		/// Most recent uses a consent's log keeps; older ones are in the events.
		#[pallet::constant]
		type MaxLogEntries: Get<u32>;

		/// Most expired consents the block-start hook closes in one block.
		#[pallet::constant]
		type MaxExpiriesPerBlock: Get<u32>;

		/// Most envelopes of expired consents the block-start hook removes in one block.
		#[pallet::constant]
		type MaxPurgePerBlock: Get<u32>;

		type WeightInfo: WeightInfo;

		/// Supplies benchmarks with institutions, an enterprise and its records.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// What benchmarks need from the runtime.
	#[cfg(feature = "runtime-benchmarks")]
	pub trait BenchmarkHelper<AccountId> {
		/// The account of an active tax authority.
		fn tax_authority() -> AccountId;
		/// The account of an active bank with an encryption key.
		fn bank() -> AccountId;
		/// Registers an enterprise of its own controlled by `controller`.
		fn enterprise(controller: &AccountId) -> Result<Uscc, frame_benchmarking::BenchmarkError>;
		/// Attests a current record of `enterprise` of the given kind for the given year.
		fn record(
			enterprise: &Uscc,
			kind: banktax_primitives::RecordKind,
			year: u16,
		) -> Result<RecordId, frame_benchmarking::BenchmarkError>;
	}

	/// Every consent, by number. Consents stay after they end, for the audit trail.
	#[pallet::storage]
	pub type Consents<T: Config> = StorageMap<_, Twox64Concat, ConsentId, ConsentOf<T>>;

	/// The number the next consent gets.
	#[pallet::storage]
	pub type NextConsentId<T: Config> = StorageValue<_, ConsentId, ValueQuery>;

	/// The consents each enterprise has granted, by number in order (see
	/// `banktax_primitives::index_key`), so that they are read a page at a time.
	#[pallet::storage]
	pub type ConsentsOf<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, Uscc, Identity, IndexKey, ()>;

	/// The consents each bank has been granted, by number in order.
	#[pallet::storage]
	pub type ConsentsHeld<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Identity, IndexKey, ()>;

	/// What each bank's consents come to, for the regulator's overview: how many are in force
	/// (in [`InForce`]) and how many uses it has recorded, kept as they change so that the
	/// overview reads one entry a bank.
	#[pallet::storage]
	pub type BankTallies<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, BankTally, ValueQuery>;

	/// The consents in force of each enterprise with each bank (not yet withdrawn, or closed
	/// after expiry), oldest first, at most `MaxActiveConsents`: what `ConsentCheck` looks
	/// through and the per-bank cap counts, one read for both. No entry for a pair with none.
	#[pallet::storage]
	pub type InForceWithBank<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		(Uscc, T::AccountId),
		BoundedVec<ConsentId, T::MaxActiveConsents>,
		ValueQuery,
	>;

	/// The consents not yet withdrawn or cleaned up after expiry, by enterprise: what its
	/// deregistration ends. At most `MaxConsentsInForce` per enterprise.
	#[pallet::storage]
	pub type InForce<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, Uscc, Twox64Concat, ConsentId, ()>;

	/// How many consents each enterprise has in [`InForce`]: what its cap counts, in one read.
	#[pallet::storage]
	pub type InForceCount<T: Config> = StorageMap<_, Blake2_128Concat, Uscc, u32, ValueQuery>;

	/// The envelopes delivered under each consent, by record.
	#[pallet::storage]
	pub type Envelopes<T: Config> =
		StorageDoubleMap<_, Twox64Concat, ConsentId, Twox64Concat, RecordId, DeliveryOf<T>>;

	/// Each consent's most recent uses, oldest first.
	#[pallet::storage]
	pub type AccessLog<T: Config> =
		StorageMap<_, Twox64Concat, ConsentId, AccessLogOf<T>, ValueQuery>;

	/// Consents the expiry hook has still to close, by the block they expire at.
	#[pallet::storage]
	pub type ExpiringAt<T: Config> =
		StorageDoubleMap<_, Twox64Concat, BlockNumberFor<T>, Twox64Concat, ConsentId, ()>;

	/// The first block number whose expiries the hook has not finished.
	#[pallet::storage]
	pub type ExpiryCursor<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An enterprise granted a bank a consent.
		ConsentGranted {
			consent: ConsentId,
			enterprise: Uscc,
			bank: T::AccountId,
			purpose: Purpose,
			expires_at: BlockNumberFor<T>,
		},
		/// The enterprise withdrew a consent, or the bank gave it up, or the enterprise's
		/// deregistration ended it; its envelopes were removed (on deregistration, by the
		/// block-start hook in the blocks after).
		ConsentWithdrawn { consent: ConsentId, party: Party, envelopes_removed: u32 },
		/// An expired consent's envelopes have all been removed.
		ConsentExpired { consent: ConsentId },
		/// A tax authority delivered an envelope for a record under a consent.
		EnvelopeDelivered { consent: ConsentId, bank: T::AccountId, record: RecordId },
		/// A bank used a record under a consent.
		AccessRecorded {
			consent: ConsentId,
			bank: T::AccountId,
			record: RecordId,
			purpose: Purpose,
			number: u32,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The caller is not a controller of a registered enterprise.
		NotAController,
		/// The recipient is not an active bank.
		NotABank,
		/// The scope names no kind, a kind twice, or years out of order or out of range.
		InvalidScope,
		/// Chosen fields must be some, none twice, each a figure of a kind in scope.
		InvalidDisclosure,
		/// A consent must end after the block that grants it.
		ExpiryNotInFuture,
		/// A consent may run at most `MaxValidity` blocks.
		ValidityTooLong,
		/// The enterprise already has `MaxActiveConsents` consents in force with this bank.
		TooManyActiveConsents,
		/// The enterprise already has `MaxConsentsInForce` consents in force.
		TooManyConsentsInForce,
		/// Consent numbers are exhausted.
		ConsentIdOverflow,
		/// No consent has this number.
		UnknownConsent,
		/// The caller does not act for the enterprise that granted the consent.
		NotConsentingEnterprise,
		/// The caller is not the bank that holds the consent.
		NotConsentHolder,
		/// The consent has been withdrawn.
		ConsentWithdrawn,
		/// The consent has expired.
		ConsentExpired,
		/// Only an active tax authority's account may deliver envelopes.
		NotTaxAuthority,
		/// The consent was not granted to this bank.
		BankNotConsented,
		/// The bank holding the consent is not active, so it has no key to seal to.
		BankNotActive,
		/// The consent allows rule answers only: no figures, so no envelopes.
		NoFiguresUnderConsent,
		/// No record has this number.
		UnknownRecord,
		/// The record is about another enterprise than the consent's.
		RecordOfAnotherEnterprise,
		/// The record has been amended or revoked; deliver for its current version.
		RecordNotCurrent,
		/// The consent's scope does not cover the record's kind or period.
		RecordOutOfScope,
		/// The envelope is longer than an envelope may be.
		EnvelopeTooLong,
		/// The envelope is too short or of an unknown format version.
		MalformedEnvelope,
		/// The consent has `MaxEnvelopesPerConsent` envelopes.
		TooManyEnvelopes,
		/// The consent was granted for another purpose.
		PurposeNotConsented,
		/// An envelope for a record of format version 2 must be exactly as long as every
		/// envelope for its kind (`banktax_primitives::privacy::envelope_len`): a length that
		/// varied would tell the figures or the chosen fields apart.
		EnvelopeLengthNotOfKind,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Cleans up after consents that have expired: removes their envelopes (at most
		/// `MaxPurgePerBlock` a block) and takes them off the standing index.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::sweep_expiries(now)
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}

		fn integrity_test() {
			assert!(T::MaxValidity::get() > BlockNumberFor::<T>::default());
			assert!(T::MaxActiveConsents::get() > 0);
			assert!(T::MaxConsentsInForce::get() >= T::MaxActiveConsents::get());
			assert!(T::MaxExpiriesPerBlock::get() > 0);
			assert!(T::MaxPurgePerBlock::get() > 0);
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Grants `bank` a consent to read the caller's enterprise's records in `scope`, for
		/// `purpose`, at `disclosure` level, until block `expires_at` (exclusive), under the
		/// notice text whose hash is `notice`.
		///
		/// Caller: a controller of a registered enterprise. Emits [`Event::ConsentGranted`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::grant_consent())]
		pub fn grant_consent(
			origin: OriginFor<T>,
			bank: T::AccountId,
			purpose: Purpose,
			scope: DataScope,
			disclosure: DisclosureLevel,
			expires_at: BlockNumberFor<T>,
			notice: NoticeHash,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let enterprise =
				T::Enterprises::enterprise_of(&who).ok_or(Error::<T>::NotAController)?;
			ensure!(T::Institutions::active_role(&bank) == Some(Role::Bank), Error::<T>::NotABank);
			ensure!(scope.is_valid(), Error::<T>::InvalidScope);
			ensure!(Self::disclosure_fits(&disclosure, &scope), Error::<T>::InvalidDisclosure);
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(expires_at > now, Error::<T>::ExpiryNotInFuture);
			ensure!(
				expires_at.saturating_sub(now) <= T::MaxValidity::get(),
				Error::<T>::ValidityTooLong
			);
			let pair = (enterprise, bank.clone());
			let mut with_bank = InForceWithBank::<T>::get(&pair);
			ensure!(
				with_bank.len() < T::MaxActiveConsents::get() as usize,
				Error::<T>::TooManyActiveConsents
			);
			let in_force = InForceCount::<T>::get(enterprise);
			ensure!(in_force < T::MaxConsentsInForce::get(), Error::<T>::TooManyConsentsInForce);
			let id = NextConsentId::<T>::get();
			let next = id.checked_add(1).ok_or(Error::<T>::ConsentIdOverflow)?;
			with_bank.try_push(id).map_err(|_| Error::<T>::TooManyActiveConsents)?;

			Consents::<T>::insert(
				id,
				Consent {
					enterprise,
					granted_by: who,
					bank: bank.clone(),
					purpose,
					scope,
					disclosure,
					notice,
					granted_at: now,
					expires_at,
					withdrawal: None,
					envelopes: 0,
					uses: 0,
				},
			);
			NextConsentId::<T>::put(next);
			ConsentsOf::<T>::insert(enterprise, index_key(id), ());
			ConsentsHeld::<T>::insert(&bank, index_key(id), ());
			InForceWithBank::<T>::insert(&pair, with_bank);
			InForce::<T>::insert(enterprise, id, ());
			InForceCount::<T>::insert(enterprise, in_force.saturating_add(1));
			BankTallies::<T>::mutate(&bank, |tally| tally.consents_in_force.saturating_inc());
			ExpiringAt::<T>::insert(expires_at, id, ());
			Self::deposit_event(Event::ConsentGranted {
				consent: id,
				enterprise,
				bank,
				purpose,
				expires_at,
			});
			Ok(())
		}

		/// Withdraws the consent `consent`, in this block; its envelopes leave state.
		///
		/// Caller: a controller of the enterprise that granted it. Emits
		/// [`Event::ConsentWithdrawn`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::withdraw_consent(T::MaxEnvelopesPerConsent::get()))]
		pub fn withdraw_consent(
			origin: OriginFor<T>,
			consent: ConsentId,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let entry = Self::active(consent)?;
			ensure!(
				T::Enterprises::enterprise_of(&who) == Some(entry.enterprise),
				Error::<T>::NotConsentingEnterprise
			);
			let removed =
				Self::end(consent, entry, Party::Enterprise, who, EnvelopesOfEnded::RemovedNow);
			Ok(Some(T::WeightInfo::withdraw_consent(removed)).into())
		}

		/// Gives up the consent `consent`, in this block; its envelopes leave state.
		///
		/// Caller: the bank that holds it. Emits [`Event::ConsentWithdrawn`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::give_up_consent(T::MaxEnvelopesPerConsent::get()))]
		pub fn give_up_consent(
			origin: OriginFor<T>,
			consent: ConsentId,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let entry = Self::active(consent)?;
			ensure!(entry.bank == who, Error::<T>::NotConsentHolder);
			let removed = Self::end(consent, entry, Party::Bank, who, EnvelopesOfEnded::RemovedNow);
			Ok(Some(T::WeightInfo::give_up_consent(removed)).into())
		}

		/// Delivers `envelope` for `record` to `bank` under the consent `consent`: the record's
		/// data key, or under *chosen fields* only those fields with their proofs, sealed to the
		/// bank's registered encryption key. Delivering again for the same record replaces the
		/// envelope (e.g. after the bank rotated its key).
		///
		/// Caller: an active tax authority. Emits [`Event::EnvelopeDelivered`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::deliver_envelope())]
		pub fn deliver_envelope(
			origin: OriginFor<T>,
			consent: ConsentId,
			bank: T::AccountId,
			record: RecordId,
			envelope: Vec<u8>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(
				T::Institutions::active_role(&who) == Some(Role::TaxAuthority),
				Error::<T>::NotTaxAuthority
			);
			let mut entry = Self::active(consent)?;
			ensure!(entry.bank == bank, Error::<T>::BankNotConsented);
			ensure!(
				entry.disclosure != DisclosureLevel::RuleAnswersOnly,
				Error::<T>::NoFiguresUnderConsent
			);
			let info = Self::record_in_scope(&entry, record)?;
			ensure!(info.current, Error::<T>::RecordNotCurrent);
			let recipient_key =
				T::Institutions::encryption_key(&bank).ok_or(Error::<T>::BankNotActive)?;
			let envelope = Self::check_envelope(envelope, &info)?;
			if !Envelopes::<T>::contains_key(consent, record) {
				entry.envelopes = entry.envelopes.saturating_add(1);
				ensure!(
					entry.envelopes <= T::MaxEnvelopesPerConsent::get(),
					Error::<T>::TooManyEnvelopes
				);
				Consents::<T>::insert(consent, entry);
			}
			Envelopes::<T>::insert(
				consent,
				record,
				Delivery {
					envelope,
					recipient_key,
					delivered_by: who,
					delivered_at: frame_system::Pallet::<T>::block_number(),
				},
			);
			Self::deposit_event(Event::EnvelopeDelivered { consent, bank, record });
			Ok(())
		}

		/// Records that the bank used `record` for `purpose` under the consent `consent`.
		///
		/// Caller: the bank that holds the consent. Emits [`Event::AccessRecorded`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::record_access())]
		pub fn record_access(
			origin: OriginFor<T>,
			consent: ConsentId,
			record: RecordId,
			purpose: Purpose,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut entry = Self::active(consent)?;
			ensure!(entry.bank == who, Error::<T>::NotConsentHolder);
			ensure!(entry.purpose == purpose, Error::<T>::PurposeNotConsented);
			Self::record_in_scope(&entry, record)?;
			// Four billion uses of one consent cannot happen within its validity; saturating
			// keeps the count honest up to there.
			entry.uses = entry.uses.saturating_add(1);
			let number = entry.uses;
			let at = frame_system::Pallet::<T>::block_number();
			AccessLog::<T>::mutate(consent, |log| {
				// Appends, dropping the oldest entry when full; the event keeps every use.
				let _ =
					log.force_insert_keep_right(log.len(), Access { number, record, purpose, at });
			});
			Consents::<T>::insert(consent, entry);
			BankTallies::<T>::mutate(&who, |tally| tally.uses.saturating_inc());
			Self::deposit_event(Event::AccessRecorded {
				consent,
				bank: who,
				record,
				purpose,
				number,
			});
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// The consent `id`, if it is active now.
		fn active(id: ConsentId) -> Result<ConsentOf<T>, Error<T>> {
			let consent = Consents::<T>::get(id).ok_or(Error::<T>::UnknownConsent)?;
			match consent.state(frame_system::Pallet::<T>::block_number()) {
				ConsentState::Active => Ok(consent),
				ConsentState::Withdrawn { .. } => Err(Error::<T>::ConsentWithdrawn),
				ConsentState::Expired { .. } => Err(Error::<T>::ConsentExpired),
			}
		}

		/// Whether `disclosure` makes sense for `scope`: chosen fields must be some, none
		/// twice, and each a figure that a kind in scope carries.
		fn disclosure_fits(disclosure: &DisclosureLevel, scope: &DataScope) -> bool {
			let DisclosureLevel::ChosenFields(fields) = disclosure else { return true };
			let carried =
				fields.iter().all(|field| scope.kinds.iter().any(|kind| field.belongs_to(*kind)));
			!fields.is_empty() && banktax_primitives::all_distinct(fields) && carried
		}

		/// The record `id`, if it is about the consent's enterprise and in its scope.
		fn record_in_scope(consent: &ConsentOf<T>, id: RecordId) -> Result<RecordInfo, Error<T>> {
			let info = T::Records::record(id).ok_or(Error::<T>::UnknownRecord)?;
			ensure!(info.enterprise == consent.enterprise, Error::<T>::RecordOfAnotherEnterprise);
			ensure!(consent.scope.covers(info.kind, &info.period), Error::<T>::RecordOutOfScope);
			Ok(info)
		}

		/// Checks an envelope's length and format version against its record's; its content
		/// only the bank can open.
		fn check_envelope(envelope: Vec<u8>, record: &RecordInfo) -> Result<Envelope, Error<T>> {
			let form = privacy::check_envelope_form(&envelope, record.schema_version, record.kind);
			form.map_err(|e| match e {
				privacy::FormError::TooLong => Error::<T>::EnvelopeTooLong,
				privacy::FormError::LengthNotOfKind => Error::<T>::EnvelopeLengthNotOfKind,
				privacy::FormError::TooShort | privacy::FormError::UnknownVersion => {
					Error::<T>::MalformedEnvelope
				}
			})?;
			envelope.try_into().map_err(|_| Error::<T>::EnvelopeTooLong)
		}

		/// Ends the active consent `id` as withdrawn by `party`, and removes its envelopes now
		/// or leaves them to the block-start hook; how many it removed.
		pub(crate) fn end(
			id: ConsentId,
			mut consent: ConsentOf<T>,
			party: Party,
			by: T::AccountId,
			envelopes: EnvelopesOfEnded,
		) -> u32 {
			let now = frame_system::Pallet::<T>::block_number();
			Self::leave_with_bank(&consent, id);
			ExpiringAt::<T>::remove(consent.expires_at, id);
			let removed = match envelopes {
				EnvelopesOfEnded::RemovedNow => {
					Self::leave_in_force(&consent.enterprise, id, Some(&consent.bank));
					consent.envelopes = 0;
					Self::purge(id, T::MaxEnvelopesPerConsent::get())
				}
				// The hook takes it off the consents in force once its envelopes are gone.
				EnvelopesOfEnded::LeftToTheHook => {
					ExpiringAt::<T>::insert(now.saturating_add(One::one()), id, ());
					0
				}
			};
			consent.withdrawal = Some(Withdrawal { party, by, at: now });
			Consents::<T>::insert(id, consent);
			Self::deposit_event(Event::ConsentWithdrawn {
				consent: id,
				party,
				envelopes_removed: removed,
			});
			removed
		}

		/// Takes consent `id` off its enterprise's consents in force with its bank.
		fn leave_with_bank(consent: &ConsentOf<T>, id: ConsentId) {
			InForceWithBank::<T>::mutate_exists(
				(consent.enterprise, consent.bank.clone()),
				|ids| {
					if let Some(list) = ids {
						list.retain(|other| *other != id);
						if list.is_empty() {
							*ids = None;
						}
					}
				},
			);
		}

		/// Takes consent `id` off its enterprise's consents in force, and its bank's tally, if
		/// it is there.
		pub(crate) fn leave_in_force(
			enterprise: &Uscc,
			id: ConsentId,
			bank: Option<&T::AccountId>,
		) {
			if InForce::<T>::take(enterprise, id).is_some() {
				InForceCount::<T>::mutate_exists(enterprise, |count| {
					*count = count.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0);
				});
				if let Some(bank) = bank {
					BankTallies::<T>::mutate(bank, |tally| {
						tally.consents_in_force.saturating_dec()
					});
				}
			}
		}

		/// Removes at most `limit` envelopes of consent `id`; how many it removed.
		fn purge(id: ConsentId, limit: u32) -> u32 {
			let records: Vec<RecordId> =
				Envelopes::<T>::iter_key_prefix(id).take(limit as usize).collect();
			for record in &records {
				Envelopes::<T>::remove(id, record);
			}
			records.len() as u32
		}

		/// Closes consents that expired at or before `now`, within the hook's budget, and
		/// returns the weight used.
		fn sweep_expiries(now: BlockNumberFor<T>) -> Weight {
			let mut cursor = ExpiryCursor::<T>::get();
			let mut consents = 0u32;
			let mut envelope_budget = T::MaxPurgePerBlock::get();
			let steps = banktax_primitives::sweep(
				&mut cursor,
				now,
				|block| ExpiringAt::<T>::iter_key_prefix(block).next(),
				|block, id| {
					if consents >= T::MaxExpiriesPerBlock::get() {
						return false;
					}
					consents.saturating_inc();
					let (removed, done) = Self::close_expired(id, envelope_budget);
					envelope_budget = envelope_budget.saturating_sub(removed);
					if done {
						ExpiringAt::<T>::remove(block, id);
					}
					done
				},
			);
			ExpiryCursor::<T>::put(cursor);
			let purged = T::MaxPurgePerBlock::get().saturating_sub(envelope_budget);
			let work = match consents {
				0 => T::WeightInfo::expire_nothing(),
				_ => T::WeightInfo::expire_consents(consents, purged),
			};
			// Each block number walked past is one more look into `ExpiringAt`.
			work.saturating_add(T::DbWeight::get().reads(steps.into()))
		}

		/// Removes up to `budget` envelopes of the expired (or, on deregistration, ended)
		/// consent `id` and, once none are left, takes it off the indexes of consents in force:
		/// how many it removed, and whether it is done.
		fn close_expired(id: ConsentId, budget: u32) -> (u32, bool) {
			let Some(mut consent) = Consents::<T>::get(id) else { return (0, true) };
			let removed = Self::purge(id, budget);
			consent.envelopes = consent.envelopes.saturating_sub(removed);
			let done = consent.envelopes == 0;
			if done {
				Self::leave_with_bank(&consent, id);
				Self::leave_in_force(&consent.enterprise, id, Some(&consent.bank));
				// An ended consent said so when it ended.
				if consent.withdrawal.is_none() {
					Self::deposit_event(Event::ConsentExpired { consent: id });
				}
			}
			Consents::<T>::insert(id, consent);
			(removed, done)
		}

		/// A page of the consents `enterprise` has granted, with their state now, in order of
		/// grant, and where the next page starts.
		pub fn consents_of(enterprise: &Uscc, page: &Page) -> ConsentPage<T> {
			let (ids, next) = banktax_primitives::page_of(
				page,
				|key| ConsentsOf::<T>::hashed_key_for(enterprise, key),
				|start| ConsentsOf::<T>::iter_key_prefix_from(enterprise, start),
			);
			(Self::with_state(ids), next)
		}

		/// A page of the consents `bank` has been granted, with their state now, in order of
		/// grant, and where the next page starts.
		pub fn consents_held(bank: &T::AccountId, page: &Page) -> ConsentPage<T> {
			let (ids, next) = banktax_primitives::page_of(
				page,
				|key| ConsentsHeld::<T>::hashed_key_for(bank, key),
				|start| ConsentsHeld::<T>::iter_key_prefix_from(bank, start),
			);
			(Self::with_state(ids), next)
		}

		/// How many of `bank`'s consents are in force, and how many uses it has recorded.
		pub fn bank_tally(bank: &T::AccountId) -> BankTally {
			BankTallies::<T>::get(bank)
		}

		/// The consent `id` with its state now and its recent uses.
		pub fn consent(id: ConsentId) -> Option<ConsentWithLog<T>> {
			let consent = Consents::<T>::get(id)?;
			let state = consent.state(frame_system::Pallet::<T>::block_number());
			Some((consent, state, AccessLog::<T>::get(id)))
		}

		/// The envelope for `record` under the consent `consent`, while the consent is active.
		pub fn envelope(consent: ConsentId, record: RecordId) -> Option<DeliveryOf<T>> {
			Self::active(consent).ok()?;
			Envelopes::<T>::get(consent, record)
		}

		fn with_state(ids: Vec<ConsentId>) -> Vec<ListedConsent<T>> {
			let now = frame_system::Pallet::<T>::block_number();
			ids.into_iter()
				.filter_map(|id| {
					let consent = Consents::<T>::get(id)?;
					let state = consent.state(now);
					Some((id, consent, state))
				})
				.collect()
		}
	}

	impl<T: Config> ConsentCheck<T::AccountId> for Pallet<T> {
		fn active_consent(
			enterprise: &Uscc,
			bank: &T::AccountId,
			purpose: Purpose,
			record: RecordId,
		) -> Option<ConsentId> {
			let info = T::Records::record(record)?;
			if info.enterprise != *enterprise {
				return None;
			}
			let now = frame_system::Pallet::<T>::block_number();
			InForceWithBank::<T>::get((*enterprise, bank.clone())).into_iter().find(|id| {
				Consents::<T>::get(id).is_some_and(|consent| {
					consent.is_active(now)
						&& consent.purpose == purpose
						&& consent.scope.covers(info.kind, &info.period)
				})
			})
		}
	}
}

/// What becomes of an ending consent's envelopes.
pub(crate) enum EnvelopesOfEnded {
	/// They leave state in the same block (a withdrawal: at most `MaxEnvelopesPerConsent`).
	RemovedNow,
	/// The block-start hook removes them from the next block on, within its budget (a
	/// deregistration, which ends many consents at once).
	LeftToTheHook,
}

impl<T: Config> banktax_primitives::EndConsents<T::AccountId> for Pallet<T> {
	/// Each consent in force ends at once, as withdrawn with [`Party::Deregistration`]; its
	/// envelopes are queued for the block-start hook, which removes them (at most
	/// `MaxPurgePerBlock` a block) from the next block on.
	fn end_consents_of(enterprise: &banktax_primitives::Uscc, by: &T::AccountId) -> u32 {
		use frame_support::traits::Get;
		use sp_runtime::traits::Saturating;
		let ids: alloc::vec::Vec<banktax_primitives::ConsentId> =
			InForce::<T>::iter_key_prefix(enterprise)
				.take(T::MaxConsentsInForce::get() as usize)
				.collect();
		let mut ended = 0u32;
		for id in ids {
			match Consents::<T>::get(id) {
				None => Pallet::<T>::leave_in_force(enterprise, id, None),
				Some(consent) if consent.withdrawal.is_none() => {
					let party = Party::Deregistration;
					let envelopes = EnvelopesOfEnded::LeftToTheHook;
					Pallet::<T>::end(id, consent, party, by.clone(), envelopes);
					ended.saturating_inc();
				}
				// Ended already; the hook is still removing its envelopes.
				Some(_) => {}
			}
		}
		ended
	}

	fn max_weight() -> frame_support::weights::Weight {
		use frame_support::traits::Get;
		T::WeightInfo::end_consents_of(T::MaxConsentsInForce::get())
	}
}

/// Enterprises consent and withdraw; banks give up and record use; the tax authority delivers.
impl<T: Config> banktax_primitives::SignedBy for Call<T> {
	fn signers(&self) -> banktax_primitives::Signers {
		use banktax_primitives::{Role, Signers};
		match self {
			Call::grant_consent { .. } | Call::withdraw_consent { .. } => Signers::Enterprise,
			Call::give_up_consent { .. } | Call::record_access { .. } => {
				Signers::Institution(Role::Bank)
			}
			Call::deliver_envelope { .. } => Signers::Institution(Role::TaxAuthority),
			Call::__Ignore(..) => Signers::Nobody,
		}
	}
}
