//! # Tax records
//!
//! Enterprises, and the tax records a tax authority attests about them, sealed.
//!
//! A bank lends against tax data it can trust, but may read an enterprise's figures only with
//! the enterprise's consent. So the tax authority puts each record on the chain in a form every
//! node can hold and none can read:
//!
//! - in clear: the enterprise (its unified social credit code), the period, the kind of record,
//!   the schema version, who attested it and when, and, for annual summaries only, the tax
//!   credit rating (bureaus publish ratings);
//! - a 32-byte **commitment** to the figures (a root over salted per-field hashes), against
//!   which a reader later checks whatever it is given;
//! - the **ciphertext**: the record sealed under a fresh data key, which reaches a bank only in
//!   an envelope, under consent.
//!
//! No amount is in state, events or call arguments. The codec that makes commitments and
//! ciphertexts is `banktax_primitives::privacy`; this pallet checks their form, not their
//! content, which it cannot see.
//!
//! **Enterprises.** A tax authority registers an enterprise with its controller accounts: the
//! accounts that act for it (grant consent, apply for loans). Controllers pass the chain's
//! membership check on transactions (through `EnterpriseInspect`), for their own enterprise's
//! consent and loan calls. An account controls at most one enterprise, and no institution's
//! account controls one (a bank must not grant itself consent). Deregistering keeps the
//! enterprise's history and drops its controllers; registering it again restores it.
//!
//! **One bureau in charge.** The tax authority that registers an enterprise is the one in charge
//! of it: only it sets its controllers, attests, amends and revokes its records, deregisters and
//! registers it again. Another bureau is refused with [`Error::NotBureauInCharge`]; the council
//! moves an enterprise to another bureau by motion
//! ([`transfer_enterprise`](Pallet::transfer_enterprise)), e.g. when it moves province.
//!
//! **Corrections never rewrite history.** One record is current for each (enterprise, period,
//! kind). Amending it adds a new version and marks the old one superseded; revoking an
//! erroneous one needs a reason code and leaves it on chain, marked revoked. Attesting the same
//! (enterprise, period, kind) again without amending is refused.
//!
//! **Bulk uploads.** A tax bureau files records by the thousand (every enterprise's monthly
//! returns), so [`attest_records`](Pallet::attest_records) takes up to `MaxRecordsPerBatch` of
//! them in one transaction: one signature and one membership check for the lot. A batch is all
//! or nothing. It is charged per record and per run of consecutive records of one enterprise
//! (whose register entry is then read and written once), so sorting a batch by enterprise makes
//! it cheaper.
//!
//! **Measuring at scale.** The genesis may fill the register with generated enterprises and
//! records ([`SyntheticRegister`]), so a node can be measured with a province's worth of state
//! without registering it block by block.
//!
//! **The enterprise's own records.** To prove lending rules on its figures by itself (see
//! `pallet_loans`), an enterprise needs its records' openings. Its controller registers an
//! X25519 key ([`register_key`](Pallet::register_key)), and the tax authority delivers each
//! record's data key sealed to it ([`deliver_openings`](Pallet::deliver_openings)), an envelope
//! of the same fixed length as a bank's.
//!
//! Other pallets see records through `banktax_primitives::RecordInspect` and enterprises
//! through `banktax_primitives::EnterpriseInspect`.
//!
//! ## Calls
//!
//! | call | who may call | emits |
//! | --- | --- | --- |
//! | [`register_enterprise`](Pallet::register_enterprise) | an active tax authority | [`Event::EnterpriseRegistered`] |
//! | [`set_controllers`](Pallet::set_controllers) | an active tax authority | [`Event::ControllersChanged`] |
//! | [`deregister_enterprise`](Pallet::deregister_enterprise) | an active tax authority | [`Event::EnterpriseDeregistered`] |
//! | [`attest_record`](Pallet::attest_record) | an active tax authority | [`Event::RecordAttested`] |
//! | [`attest_records`](Pallet::attest_records) | an active tax authority | [`Event::RecordAttested`] for each record |
//! | [`amend_record`](Pallet::amend_record) | an active tax authority | [`Event::RecordAmended`] |
//! | [`revoke_record`](Pallet::revoke_record) | an active tax authority | [`Event::RecordRevoked`] |
//! | [`transfer_enterprise`](Pallet::transfer_enterprise) | the council | [`Event::EnterpriseTransferred`] |
//! | [`register_key`](Pallet::register_key) | a controller of a registered enterprise | [`Event::EnterpriseKeyRegistered`] |
//! | [`deliver_openings`](Pallet::deliver_openings) | the tax authority in charge of the enterprises | [`Event::OpeningsDelivered`] for each record |
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
		index_key,
		privacy::{self, SCHEMA_VERSION},
		EndConsents, EnterpriseInspect, IndexKey, InstitutionInspect, Page, Period, RecordId,
		RecordInfo, RecordInspect, RecordKind, Role, Uscc, USCC_LEN,
	};
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	/// Version 1: an enterprise's `record_count` counts its current records only. Version 2:
	/// [`RecordsOf`] keeps record numbers in order.
	///
	/// Record format 2 (fixed lengths, Pedersen commitments) changes no stored type: a record
	/// keeps its `schema_version` and a ciphertext under the same bound, and records of format
	/// 1 are left as they are and read as format 1. So the storage version stays 2 and no
	/// migration runs; the chain only takes no new records of format 1. Enterprises' keys and
	/// own envelopes ([`EnterpriseKeys`], [`OwnEnvelopes`]) are new items: nothing stored
	/// before changes form.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// An enterprise as this runtime stores it.
	pub type EnterpriseOf<T> = Enterprise<
		<T as frame_system::Config>::AccountId,
		BlockNumberFor<T>,
		<T as Config>::MaxControllers,
	>;

	/// A record version as this runtime stores it.
	pub type RecordOf<T> = TaxRecord<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// Who is an active tax authority.
		type Institutions: InstitutionInspect<Self::AccountId>;

		/// Who moves an enterprise to another bureau: the council, in the runtime.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The consents an enterprise has granted, which its deregistration ends.
		type Consents: EndConsents<Self::AccountId>;

		/// Most controller accounts of one enterprise.
		#[pallet::constant]
		type MaxControllers: Get<u32>;

		/// Most current records of one enterprise: ten years of monthly returns of every kind.
		/// Superseded and revoked versions do not count; they stay, as history.
		#[pallet::constant]
		type MaxRecordsPerEnterprise: Get<u32>;

		/// Most records in one [`attest_records`](Pallet::attest_records) batch.
		#[pallet::constant]
		type MaxRecordsPerBatch: Get<u32>;

		type WeightInfo: WeightInfo;

		/// Supplies benchmarks with an active tax authority.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// What benchmarks need from the runtime.
	#[cfg(feature = "runtime-benchmarks")]
	pub trait BenchmarkHelper<AccountId> {
		/// The account of an active tax authority.
		fn tax_authority() -> AccountId;
	}

	/// The register of enterprises, by unified social credit code.
	#[pallet::storage]
	pub type Enterprises<T: Config> = StorageMap<_, Blake2_128Concat, Uscc, EnterpriseOf<T>>;

	/// The enterprise each controller account acts for.
	#[pallet::storage]
	pub type ControllerOf<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, Uscc>;

	/// Every record version, by number.
	#[pallet::storage]
	pub type Records<T: Config> = StorageMap<_, Twox64Concat, RecordId, RecordOf<T>>;

	/// The number the next record version gets.
	#[pallet::storage]
	pub type NextRecordId<T: Config> = StorageValue<_, RecordId, ValueQuery>;

	/// The current version of each (enterprise, period, kind), if any.
	#[pallet::storage]
	pub type CurrentRecords<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		Uscc,
		Blake2_128Concat,
		(Period, RecordKind),
		RecordId,
	>;

	/// Every record version of each enterprise, current or not, by number in order (see
	/// `banktax_primitives::index_key`), so that it is read a page at a time.
	#[pallet::storage]
	pub type RecordsOf<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, Uscc, Identity, IndexKey, ()>;

	/// Each enterprise's rating by year, from its current annual summaries.
	#[pallet::storage]
	pub type Ratings<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		Uscc,
		Twox64Concat,
		u16,
		(banktax_primitives::Rating, RecordId),
	>;

	/// The X25519 key each enterprise's controllers registered, to which the tax authority
	/// seals the enterprise's own records.
	#[pallet::storage]
	pub type EnterpriseKeys<T: Config> =
		StorageMap<_, Blake2_128Concat, Uscc, privacy::EncryptionPublicKey>;

	/// For each record delivered to its enterprise, the envelope that opens it.
	#[pallet::storage]
	pub type OwnEnvelopes<T: Config> = StorageMap<_, Twox64Concat, RecordId, OwnEnvelope>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Generated enterprises and records to start with, if any.
		pub synthetic: Option<SyntheticRegister<T::AccountId>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(register) = &self.synthetic {
				Pallet::<T>::fill_register(register);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A tax authority registered (or re-registered) an enterprise.
		EnterpriseRegistered { enterprise: Uscc, by: T::AccountId },
		/// A tax authority changed an enterprise's controller accounts.
		ControllersChanged { enterprise: Uscc },
		/// A tax authority deregistered an enterprise; its records stay.
		EnterpriseDeregistered { enterprise: Uscc },
		/// A tax authority attested a record.
		RecordAttested { record: RecordId, enterprise: Uscc, period: Period, kind: RecordKind },
		/// A tax authority amended record `supersedes` with the new version `record`.
		RecordAmended {
			record: RecordId,
			supersedes: RecordId,
			enterprise: Uscc,
			period: Period,
			kind: RecordKind,
			version: u32,
		},
		/// A tax authority revoked an erroneous record.
		RecordRevoked { record: RecordId, reason: RevocationReason },
		/// The council put the enterprise in the care of the tax authority `to`.
		EnterpriseTransferred { enterprise: Uscc, to: T::AccountId },
		/// An enterprise's controller registered its encryption key.
		EnterpriseKeyRegistered { enterprise: Uscc, key: privacy::EncryptionPublicKey },
		/// The tax authority delivered a record to its enterprise, sealed to its key.
		OpeningsDelivered { record: RecordId, enterprise: Uscc },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// Only an active tax authority's account may do this.
		NotTaxAuthority,
		/// The unified social credit code is malformed or its check character is wrong.
		InvalidUscc,
		/// The enterprise is already registered.
		AlreadyRegistered,
		/// No enterprise is registered under this code.
		UnknownEnterprise,
		/// The enterprise is deregistered.
		EnterpriseDeregistered,
		/// An enterprise needs at least one controller account.
		NoControllers,
		/// More controller accounts than `MaxControllers`.
		TooManyControllers,
		/// The same account is listed twice as a controller.
		DuplicateController,
		/// The account already controls another enterprise.
		ControllerInUse,
		/// The account is an institution's: institutions do not act for enterprises.
		ControllerIsInstitution,
		/// Another tax authority is in charge of this enterprise.
		NotBureauInCharge,
		/// The enterprise is in the care of that tax authority already.
		AlreadyInCharge,
		/// The record follows a schema version this chain does not accept.
		UnsupportedSchemaVersion,
		/// The period does not exist (year out of range, quarter or month out of bounds).
		InvalidPeriod,
		/// Records of this kind do not cover such a period (e.g. an annual summary for a month).
		PeriodNotCovered,
		/// An annual summary must carry its rating.
		RatingRequired,
		/// Only annual summaries carry a rating.
		RatingNotAllowed,
		/// The ciphertext is longer than a sealed record may be.
		CiphertextTooLong,
		/// The ciphertext is too short or of an unknown format version to be a sealed record.
		MalformedCiphertext,
		/// The enterprise already has a current record of this kind for this period: amend it.
		RecordExists,
		/// No record has this number.
		UnknownRecord,
		/// The record has been amended; only its current version can be amended or revoked.
		RecordSuperseded,
		/// The record has been revoked.
		RecordRevoked,
		/// The enterprise has `MaxRecordsPerEnterprise` current records.
		TooManyRecords,
		/// Record numbers are exhausted.
		RecordIdOverflow,
		/// A batch needs at least one record.
		EmptyBatch,
		/// A sealed record of format version 2 must be exactly as long as every record of its
		/// kind (`banktax_primitives::privacy::sealed_record_len`): a length that varied would
		/// tell the figures apart.
		CiphertextLengthNotOfKind,
		/// The caller is not a controller of a registered enterprise.
		NotAController,
		/// An encryption key of all zeros is no key.
		InvalidEncryptionKey,
		/// The enterprise has registered no encryption key to seal its records to.
		NoEnterpriseKey,
		/// The envelope is not of the form of an envelope for this record: too short or too
		/// long, or of another format version.
		MalformedEnvelope,
		/// An envelope must be exactly as long as every envelope for its record's kind
		/// (`banktax_primitives::privacy::envelope_len`).
		EnvelopeLengthNotOfKind,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers the enterprise with code `uscc` and the accounts that act for it; or
		/// registers a deregistered enterprise again, with new controllers.
		///
		/// Caller: an active tax authority. Emits [`Event::EnterpriseRegistered`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_enterprise(controllers.len() as u32))]
		pub fn register_enterprise(
			origin: OriginFor<T>,
			uscc: [u8; USCC_LEN],
			controllers: Vec<T::AccountId>,
		) -> DispatchResult {
			let who = Self::ensure_tax_authority(origin)?;
			let enterprise = Self::parse_uscc(&uscc)?;
			let previous = Enterprises::<T>::get(enterprise);
			let record_count = match &previous {
				Some(e) if e.status == EnterpriseStatus::Registered => {
					return Err(Error::<T>::AlreadyRegistered.into())
				}
				Some(e) => {
					Self::ensure_in_charge(e, &who)?;
					e.record_count
				}
				None => 0,
			};
			let controllers = Self::check_controllers(controllers, None)?;
			for controller in &controllers {
				Self::add_controller(controller, enterprise);
			}
			let registered_at = frame_system::Pallet::<T>::block_number();
			Enterprises::<T>::insert(
				enterprise,
				Enterprise {
					controllers,
					registered_by: who.clone(),
					registered_at,
					status: EnterpriseStatus::Registered,
					record_count,
				},
			);
			Self::deposit_event(Event::EnterpriseRegistered { enterprise, by: who });
			Ok(())
		}

		/// Replaces the registered enterprise's controller accounts, e.g. for a new legal
		/// representative.
		///
		/// Caller: an active tax authority. Emits [`Event::ControllersChanged`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_controllers(
			T::MaxControllers::get(),
			controllers.len() as u32,
		))]
		pub fn set_controllers(
			origin: OriginFor<T>,
			uscc: [u8; USCC_LEN],
			controllers: Vec<T::AccountId>,
		) -> DispatchResult {
			let who = Self::ensure_tax_authority(origin)?;
			let (enterprise, mut entry) = Self::registered(&uscc)?;
			Self::ensure_in_charge(&entry, &who)?;
			let controllers = Self::check_controllers(controllers, Some(enterprise))?;
			for old in entry.controllers.iter().filter(|old| !controllers.contains(old)) {
				Self::remove_controller(old);
			}
			for new in controllers.iter().filter(|new| !entry.controllers.contains(new)) {
				Self::add_controller(new, enterprise);
			}
			entry.controllers = controllers;
			Enterprises::<T>::insert(enterprise, entry);
			Self::deposit_event(Event::ControllersChanged { enterprise });
			Ok(())
		}

		/// Deregisters the enterprise: its controllers lose their standing, its consents end
		/// (recorded as ended by the deregistration; their envelopes leave state), no new
		/// records may be attested; its records stay.
		///
		/// Caller: the tax authority in charge of it. Emits [`Event::EnterpriseDeregistered`],
		/// and the consent pallet's `ConsentWithdrawn` for each consent it ends.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::deregister_enterprise(T::MaxControllers::get())
			.saturating_add(T::Consents::max_weight()))]
		pub fn deregister_enterprise(origin: OriginFor<T>, uscc: [u8; USCC_LEN]) -> DispatchResult {
			let who = Self::ensure_tax_authority(origin)?;
			let (enterprise, mut entry) = Self::registered(&uscc)?;
			Self::ensure_in_charge(&entry, &who)?;
			for controller in &entry.controllers {
				Self::remove_controller(controller);
			}
			entry.controllers = BoundedVec::new();
			entry.status =
				EnterpriseStatus::Deregistered { at: frame_system::Pallet::<T>::block_number() };
			Enterprises::<T>::insert(enterprise, entry);
			T::Consents::end_consents_of(&enterprise, &who);
			Self::deposit_event(Event::EnterpriseDeregistered { enterprise });
			Ok(())
		}

		/// Attests the registered enterprise's record of `kind` for `period`: its commitment
		/// and sealed ciphertext, and for an annual summary its rating.
		///
		/// Caller: an active tax authority. Emits [`Event::RecordAttested`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::attest_record())]
		pub fn attest_record(
			origin: OriginFor<T>,
			uscc: [u8; USCC_LEN],
			period: Period,
			kind: RecordKind,
			attestation: Attestation,
		) -> DispatchResult {
			let who = Self::ensure_tax_authority(origin)?;
			Self::attest_in_order(&who, [BatchedRecord { uscc, period, kind, attestation }])
		}

		/// Amends the current record `record` with a new version; the old one is kept, marked
		/// superseded.
		///
		/// Caller: an active tax authority. Emits [`Event::RecordAmended`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::amend_record())]
		pub fn amend_record(
			origin: OriginFor<T>,
			record: RecordId,
			attestation: Attestation,
		) -> DispatchResult {
			let who = Self::ensure_tax_authority(origin)?;
			let mut old = Self::current(record)?;
			let enterprise = old.enterprise;
			let entry = Self::registered_entry(enterprise)?;
			Self::ensure_in_charge(&entry, &who)?;
			let version = old.version.checked_add(1).ok_or(Error::<T>::RecordIdOverflow)?;
			let (period, kind) = (old.period, old.kind);
			let new = Self::new_record(
				enterprise,
				period,
				kind,
				attestation,
				who,
				Some(record),
				version,
			)?;
			let id = Self::store_replacing(entry, new)?;
			old.status =
				RecordStatus::Superseded { by: id, at: frame_system::Pallet::<T>::block_number() };
			Records::<T>::insert(record, old);
			Self::deposit_event(Event::RecordAmended {
				record: id,
				supersedes: record,
				enterprise,
				period,
				kind,
				version,
			});
			Ok(())
		}

		/// Revokes the current record `record` as erroneous, for `reason`. It stays on chain,
		/// marked revoked; the (enterprise, period, kind) has no current record until one is
		/// attested again.
		///
		/// Caller: an active tax authority. Emits [`Event::RecordRevoked`].
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::revoke_record())]
		pub fn revoke_record(
			origin: OriginFor<T>,
			record: RecordId,
			reason: RevocationReason,
		) -> DispatchResult {
			let who = Self::ensure_tax_authority(origin)?;
			let mut entry = Self::current(record)?;
			let mut enterprise =
				Enterprises::<T>::get(entry.enterprise).ok_or(Error::<T>::UnknownEnterprise)?;
			Self::ensure_in_charge(&enterprise, &who)?;
			enterprise.record_count = enterprise.record_count.saturating_sub(1);
			Enterprises::<T>::insert(entry.enterprise, enterprise);
			CurrentRecords::<T>::remove(entry.enterprise, (entry.period, entry.kind));
			if entry.rating.is_some() {
				Ratings::<T>::remove(entry.enterprise, entry.period.year());
			}
			entry.status = RecordStatus::Revoked {
				reason,
				by: who,
				at: frame_system::Pallet::<T>::block_number(),
			};
			Records::<T>::insert(record, entry);
			Self::deposit_event(Event::RecordRevoked { record, reason });
			Ok(())
		}

		/// Attests every record of `records`, in order, as [`attest_record`] would one by one;
		/// if one of them is refused, none is attested, and the error is that record's.
		///
		/// Caller: an active tax authority. Emits [`Event::RecordAttested`] for each record.
		///
		/// [`attest_record`]: Pallet::attest_record
		#[pallet::call_index(6)]
		#[pallet::weight({
			let (runs, continuing, rated) = Pallet::<T>::batch_shape(records);
			T::WeightInfo::attest_records(runs, continuing, rated)
		})]
		pub fn attest_records(
			origin: OriginFor<T>,
			records: BoundedVec<BatchedRecord, T::MaxRecordsPerBatch>,
		) -> DispatchResult {
			let who = Self::ensure_tax_authority(origin)?;
			ensure!(!records.is_empty(), Error::<T>::EmptyBatch);
			Self::attest_in_order(&who, records)
		}

		/// Puts the enterprise (registered or deregistered) in the care of the tax authority
		/// `to`, which from then on is the only one to act on it.
		///
		/// Origin: the council. Emits [`Event::EnterpriseTransferred`].
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::transfer_enterprise())]
		pub fn transfer_enterprise(
			origin: OriginFor<T>,
			uscc: [u8; USCC_LEN],
			to: T::AccountId,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			let enterprise = Self::parse_uscc(&uscc)?;
			let mut entry =
				Enterprises::<T>::get(enterprise).ok_or(Error::<T>::UnknownEnterprise)?;
			ensure!(
				T::Institutions::active_role(&to) == Some(Role::TaxAuthority),
				Error::<T>::NotTaxAuthority
			);
			ensure!(entry.registered_by != to, Error::<T>::AlreadyInCharge);
			entry.registered_by = to.clone();
			Enterprises::<T>::insert(enterprise, entry);
			Self::deposit_event(Event::EnterpriseTransferred { enterprise, to });
			Ok(())
		}

		/// Registers `key`, an X25519 public key, as the enterprise's: the tax authority seals
		/// the enterprise's own records to it, so that the enterprise proves lending rules on
		/// its figures by itself. A new key replaces the old one; the tax authority then
		/// delivers again.
		///
		/// Caller: a controller of a registered enterprise. Emits
		/// [`Event::EnterpriseKeyRegistered`].
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::register_key())]
		pub fn register_key(
			origin: OriginFor<T>,
			key: privacy::EncryptionPublicKey,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let enterprise = ControllerOf::<T>::get(&who).ok_or(Error::<T>::NotAController)?;
			Self::registered_entry(enterprise)?;
			ensure!(key != [0; 32], Error::<T>::InvalidEncryptionKey);
			EnterpriseKeys::<T>::insert(enterprise, key);
			Self::deposit_event(Event::EnterpriseKeyRegistered { enterprise, key });
			Ok(())
		}

		/// Delivers records to their enterprises: for each current record of `deliveries`, the
		/// envelope holding its data key sealed to the key its enterprise registered. It replaces
		/// any envelope delivered for the record before. All are delivered or none: the error is
		/// the first refused delivery's.
		///
		/// Caller: the tax authority in charge of the enterprises. Emits
		/// [`Event::OpeningsDelivered`] for each record.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::deliver_openings(deliveries.len() as u32))]
		pub fn deliver_openings(
			origin: OriginFor<T>,
			deliveries: BoundedVec<(RecordId, privacy::Envelope), T::MaxRecordsPerBatch>,
		) -> DispatchResult {
			let who = Self::ensure_tax_authority(origin)?;
			for (record, envelope) in deliveries {
				Self::deliver_own(&who, record, envelope)?;
			}
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// Attests `records` in order, for `who`: each must be of a registered enterprise and
		/// be the first of its (enterprise, period, kind). The record counter, and the register
		/// entry of each run of one enterprise's records, are written once.
		fn attest_in_order(
			who: &T::AccountId,
			records: impl IntoIterator<Item = BatchedRecord>,
		) -> DispatchResult {
			let mut next = NextRecordId::<T>::get();
			// The register entry of the run being filed; written back when the run ends.
			let mut open: Option<(Uscc, EnterpriseOf<T>)> = None;
			for BatchedRecord { uscc, period, kind, attestation } in records {
				let enterprise = Self::parse_uscc(&uscc)?;
				let mut entry = match open.take() {
					Some((code, entry)) if code == enterprise => entry,
					ended => {
						if let Some((code, entry)) = ended {
							Enterprises::<T>::insert(code, entry);
						}
						let entry = Self::registered_entry(enterprise)?;
						Self::ensure_in_charge(&entry, who)?;
						entry
					}
				};
				ensure!(
					!CurrentRecords::<T>::contains_key(enterprise, (period, kind)),
					Error::<T>::RecordExists
				);
				let record =
					Self::new_record(enterprise, period, kind, attestation, who.clone(), None, 1)?;
				let id = Self::file(&mut entry, record, &mut next, Replacing::Nothing)?;
				Self::deposit_event(Event::RecordAttested { record: id, enterprise, period, kind });
				open = Some((enterprise, entry));
			}
			if let Some((code, entry)) = open {
				Enterprises::<T>::insert(code, entry);
			}
			NextRecordId::<T>::put(next);
			Ok(())
		}

		/// `who` is the tax authority in charge of the enterprise `entry`.
		fn ensure_in_charge(entry: &EnterpriseOf<T>, who: &T::AccountId) -> Result<(), Error<T>> {
			ensure!(entry.registered_by == *who, Error::<T>::NotBureauInCharge);
			Ok(())
		}

		/// Keeps `envelope` as what opens the current record `record` for its enterprise.
		fn deliver_own(
			who: &T::AccountId,
			record: RecordId,
			envelope: privacy::Envelope,
		) -> DispatchResult {
			let entry = Self::current(record)?;
			let enterprise = Self::registered_entry(entry.enterprise)?;
			Self::ensure_in_charge(&enterprise, who)?;
			ensure!(entry.schema_version == SCHEMA_VERSION, Error::<T>::UnsupportedSchemaVersion);
			let key =
				EnterpriseKeys::<T>::get(entry.enterprise).ok_or(Error::<T>::NoEnterpriseKey)?;
			privacy::check_envelope_form(&envelope, entry.schema_version, entry.kind).map_err(
				|e| match e {
					privacy::FormError::LengthNotOfKind => Error::<T>::EnvelopeLengthNotOfKind,
					_ => Error::<T>::MalformedEnvelope,
				},
			)?;
			OwnEnvelopes::<T>::insert(record, OwnEnvelope { key, envelope });
			Self::deposit_event(Event::OpeningsDelivered { record, enterprise: entry.enterprise });
			Ok(())
		}

		fn ensure_tax_authority(origin: OriginFor<T>) -> Result<T::AccountId, DispatchError> {
			let who = ensure_signed(origin)?;
			ensure!(
				T::Institutions::active_role(&who) == Some(Role::TaxAuthority),
				Error::<T>::NotTaxAuthority
			);
			Ok(who)
		}

		/// Makes `who` act for `enterprise`. There is no balance to keep an account alive, so
		/// the register provides for it: its transactions then pass the nonce check. The
		/// provision is never withdrawn: an account that stops acting for its enterprise keeps
		/// its nonce, so its old transactions cannot be replayed if it ever acts again.
		fn add_controller(who: &T::AccountId, enterprise: Uscc) {
			ControllerOf::<T>::insert(who, enterprise);
			if !frame_system::Pallet::<T>::account_exists(who) {
				frame_system::Pallet::<T>::inc_providers(who);
			}
		}

		/// Stops `who` acting for its enterprise. Its account stays (see `add_controller`).
		fn remove_controller(who: &T::AccountId) {
			ControllerOf::<T>::remove(who);
		}

		fn parse_uscc(uscc: &[u8; USCC_LEN]) -> Result<Uscc, Error<T>> {
			Uscc::parse(uscc).map_err(|_| Error::<T>::InvalidUscc)
		}

		/// The registered (not deregistered) enterprise with this code.
		fn registered(uscc: &[u8; USCC_LEN]) -> Result<(Uscc, EnterpriseOf<T>), Error<T>> {
			let enterprise = Self::parse_uscc(uscc)?;
			Ok((enterprise, Self::registered_entry(enterprise)?))
		}

		/// The register's entry of `enterprise`, if it is registered (not deregistered).
		fn registered_entry(enterprise: Uscc) -> Result<EnterpriseOf<T>, Error<T>> {
			let entry = Enterprises::<T>::get(enterprise).ok_or(Error::<T>::UnknownEnterprise)?;
			ensure!(
				entry.status == EnterpriseStatus::Registered,
				Error::<T>::EnterpriseDeregistered
			);
			Ok(entry)
		}

		/// Checks a new list of controllers: non-empty, bounded, no account twice, none an
		/// institution's, none acting for an enterprise other than `keeping`.
		fn check_controllers(
			controllers: Vec<T::AccountId>,
			keeping: Option<Uscc>,
		) -> Result<BoundedVec<T::AccountId, T::MaxControllers>, Error<T>> {
			ensure!(!controllers.is_empty(), Error::<T>::NoControllers);
			let controllers: BoundedVec<_, T::MaxControllers> =
				controllers.try_into().map_err(|_| Error::<T>::TooManyControllers)?;
			for (position, controller) in controllers.iter().enumerate() {
				ensure!(
					!controllers.iter().skip(position + 1).any(|other| other == controller),
					Error::<T>::DuplicateController
				);
				ensure!(
					!T::Institutions::is_institution_account(controller),
					Error::<T>::ControllerIsInstitution
				);
				if let Some(current) = ControllerOf::<T>::get(controller) {
					ensure!(Some(current) == keeping, Error::<T>::ControllerInUse);
				}
			}
			Ok(controllers)
		}

		/// The record `id`, if it is current.
		fn current(id: RecordId) -> Result<RecordOf<T>, Error<T>> {
			let record = Records::<T>::get(id).ok_or(Error::<T>::UnknownRecord)?;
			match record.status {
				RecordStatus::Current => Ok(record),
				RecordStatus::Superseded { .. } => Err(Error::<T>::RecordSuperseded),
				RecordStatus::Revoked { .. } => Err(Error::<T>::RecordRevoked),
			}
		}

		/// Checks an attestation against the record schema and the ciphertext format, and
		/// makes the record version it describes.
		fn new_record(
			enterprise: Uscc,
			period: Period,
			kind: RecordKind,
			attestation: Attestation,
			attested_by: T::AccountId,
			previous: Option<RecordId>,
			version: u32,
		) -> Result<RecordOf<T>, Error<T>> {
			let Attestation { schema_version, rating, commitment, ciphertext } = attestation;
			ensure!(schema_version == SCHEMA_VERSION, Error::<T>::UnsupportedSchemaVersion);
			ensure!(period.is_valid(), Error::<T>::InvalidPeriod);
			ensure!(kind.covers(&period), Error::<T>::PeriodNotCovered);
			match (kind.carries_rating(), rating.is_some()) {
				(true, false) => return Err(Error::<T>::RatingRequired),
				(false, true) => return Err(Error::<T>::RatingNotAllowed),
				_ => {}
			}
			privacy::check_sealed_record_form(&ciphertext, schema_version, kind).map_err(|e| {
				match e {
					privacy::FormError::TooLong => Error::<T>::CiphertextTooLong,
					privacy::FormError::LengthNotOfKind => Error::<T>::CiphertextLengthNotOfKind,
					privacy::FormError::TooShort | privacy::FormError::UnknownVersion => {
						Error::<T>::MalformedCiphertext
					}
				}
			})?;
			let ciphertext: Ciphertext =
				ciphertext.try_into().map_err(|_| Error::<T>::CiphertextTooLong)?;
			Ok(TaxRecord {
				enterprise,
				period,
				kind,
				schema_version,
				version,
				previous,
				rating,
				commitment,
				ciphertext,
				attested_by,
				attested_at: frame_system::Pallet::<T>::block_number(),
				status: RecordStatus::Current,
			})
		}

		/// Stores `record` under a new number, which it returns, as the current version of its
		/// (enterprise, period, kind) in place of the one before (which the caller marks
		/// superseded).
		fn store_replacing(
			mut entry: EnterpriseOf<T>,
			record: RecordOf<T>,
		) -> Result<RecordId, Error<T>> {
			let enterprise = record.enterprise;
			let mut next = NextRecordId::<T>::get();
			let id = Self::file(&mut entry, record, &mut next, Replacing::Current)?;
			NextRecordId::<T>::put(next);
			Enterprises::<T>::insert(enterprise, entry);
			Ok(id)
		}

		/// Stores `record` under number `next` and moves `next` on; counts it in `entry` unless it
		/// replaces a current record. The caller writes `entry` and `next` back, once for however
		/// many records it files.
		fn file(
			entry: &mut EnterpriseOf<T>,
			record: RecordOf<T>,
			next: &mut RecordId,
			replacing: Replacing,
		) -> Result<RecordId, Error<T>> {
			let count = match replacing {
				Replacing::Current => entry.record_count,
				Replacing::Nothing => {
					entry.record_count.checked_add(1).ok_or(Error::<T>::TooManyRecords)?
				}
			};
			ensure!(count <= T::MaxRecordsPerEnterprise::get(), Error::<T>::TooManyRecords);
			let id = *next;
			*next = id.checked_add(1).ok_or(Error::<T>::RecordIdOverflow)?;
			let enterprise = record.enterprise;
			if let Some(rating) = record.rating {
				Ratings::<T>::insert(enterprise, record.period.year(), (rating, id));
			}
			CurrentRecords::<T>::insert(enterprise, (record.period, record.kind), id);
			RecordsOf::<T>::insert(enterprise, index_key(id), ());
			Records::<T>::insert(id, record);
			entry.record_count = count;
			Ok(id)
		}

		/// How a batch is charged: its runs of consecutive records of one enterprise, the
		/// records that continue a run, and the records that carry a rating (which also
		/// update the rating index).
		pub fn batch_shape(records: &[BatchedRecord]) -> (u32, u32, u32) {
			let changes = records
				.windows(2)
				.filter(|pair| matches!(pair, [a, b] if a.uscc != b.uscc))
				.count() as u32;
			let runs = if records.is_empty() { 0 } else { changes.saturating_add(1) };
			let rated = records.iter().filter(|r| r.attestation.rating.is_some()).count() as u32;
			(runs, (records.len() as u32).saturating_sub(runs), rated)
		}

		/// Fills the register with `register`'s generated enterprises and records.
		fn fill_register(register: &SyntheticRegister<T::AccountId>) {
			let mut next = NextRecordId::<T>::get();
			for i in 0..register.enterprises {
				let (Some(enterprise), Some(controller)) =
					(synthetic_uscc(i), synthetic_controller::<T>(i))
				else {
					break;
				};
				let mut entry = Enterprise {
					controllers: BoundedVec::truncate_from(alloc::vec![controller.clone()]),
					registered_by: register.registered_by.clone(),
					registered_at: sp_runtime::traits::Zero::zero(),
					status: EnterpriseStatus::Registered,
					record_count: 0,
				};
				Self::add_controller(&controller, enterprise);
				for k in 0..register.records_each {
					let record = synthetic_record::<T>(enterprise, i, k, &register.registered_by);
					if Self::file(&mut entry, record, &mut next, Replacing::Nothing).is_err() {
						break;
					}
				}
				Enterprises::<T>::insert(enterprise, entry);
			}
			NextRecordId::<T>::put(next);
		}

		/// A page of the enterprise's records, every version, in order of attestation, and
		/// where the next page starts.
		pub fn records_of(
			enterprise: &Uscc,
			page: &Page,
		) -> (Vec<(RecordId, RecordOf<T>)>, Option<u64>) {
			let (ids, next) = banktax_primitives::page_of(
				page,
				|key| RecordsOf::<T>::hashed_key_for(enterprise, key),
				|start| RecordsOf::<T>::iter_key_prefix_from(enterprise, start),
			);
			(ids.into_iter().filter_map(|id| Some((id, Records::<T>::get(id)?))).collect(), next)
		}

		/// The enterprise `uscc` as the register knows it, if it was ever registered.
		pub fn enterprise(uscc: &Uscc) -> Option<EnterpriseOf<T>> {
			Enterprises::<T>::get(uscc)
		}

		/// The enterprise's rating history, oldest year first: `(year, rating, record)`.
		pub fn ratings_of(enterprise: &Uscc) -> Vec<(u16, banktax_primitives::Rating, RecordId)> {
			let mut ratings: Vec<_> = Ratings::<T>::iter_prefix(enterprise)
				.map(|(year, (rating, record))| (year, rating, record))
				.collect();
			ratings.sort_by_key(|(year, ..)| *year);
			ratings
		}

		/// The enterprise's rating of its latest rated year: `(year, rating, record)`.
		pub fn latest_rating(
			enterprise: &Uscc,
		) -> Option<(u16, banktax_primitives::Rating, RecordId)> {
			Ratings::<T>::iter_prefix(enterprise)
				.max_by_key(|(year, _)| *year)
				.map(|(year, (rating, record))| (year, rating, record))
		}

		/// The version in force of the record `id` belongs to: `id` itself if current, its
		/// latest amendment if superseded, `None` if the line ends in a revocation.
		pub fn current_version(id: RecordId) -> Option<RecordId> {
			let mut id = id;
			// Each amendment has a higher number, so the walk ends; the record count bounds it.
			for _ in 0..=T::MaxRecordsPerEnterprise::get() {
				match Records::<T>::get(id)?.status {
					RecordStatus::Current => return Some(id),
					RecordStatus::Superseded { by, .. } => id = by,
					RecordStatus::Revoked { .. } => return None,
				}
			}
			None
		}
	}

	impl<T: Config> EnterpriseInspect<T::AccountId> for Pallet<T> {
		fn enterprise_of(who: &T::AccountId) -> Option<Uscc> {
			ControllerOf::<T>::get(who)
		}

		fn is_registered(enterprise: &Uscc) -> bool {
			Enterprises::<T>::get(enterprise)
				.is_some_and(|e| e.status == EnterpriseStatus::Registered)
		}
	}

	impl<T: Config> RecordInspect for Pallet<T> {
		fn record(id: RecordId) -> Option<RecordInfo> {
			let record = Records::<T>::get(id)?;
			Some(RecordInfo {
				enterprise: record.enterprise,
				period: record.period,
				kind: record.kind,
				rating: record.rating,
				schema_version: record.schema_version,
				commitment: record.commitment,
				current: record.status == RecordStatus::Current,
			})
		}

		fn current_record(
			enterprise: &Uscc,
			period: &Period,
			kind: RecordKind,
		) -> Option<RecordId> {
			CurrentRecords::<T>::get(enterprise, (*period, kind))
		}
	}
}

/// The code of generated enterprise `i` (see [`SyntheticRegister`]): `9120`, `i` in 13
/// digits, and the check character.
pub fn synthetic_uscc(i: u32) -> Option<banktax_primitives::Uscc> {
	let mut first = *b"91200000000000000";
	let mut rest = i;
	for digit in first.iter_mut().rev().take(13) {
		*digit = b'0'.saturating_add((rest % 10) as u8);
		rest /= 10;
	}
	banktax_primitives::Uscc::complete(&first).ok()
}

/// The 32 bytes behind generated enterprise `i`'s controller account.
pub fn synthetic_controller_seed(i: u32) -> [u8; 32] {
	use sp_runtime::traits::Hash;
	let preimage = [b"banktax/synthetic-controller".as_slice(), &i.to_le_bytes()].concat();
	sp_runtime::traits::BlakeTwo256::hash(&preimage).0
}

/// Generated enterprise `i`'s controller account, if 32 bytes make an account.
pub fn synthetic_controller<T: frame_system::Config>(i: u32) -> Option<T::AccountId> {
	use codec::Decode;
	let seed = synthetic_controller_seed(i);
	T::AccountId::decode(&mut sp_runtime::traits::TrailingZeroInput::new(&seed)).ok()
}

/// Generated enterprise `i`'s `k`th record: the VAT return of the `k`th month from January
/// 2015, sealed in 1 KiB of bytes as random-looking as real ciphertext (so the database holds
/// what it would hold).
fn synthetic_record<T: Config>(
	enterprise: banktax_primitives::Uscc,
	i: u32,
	k: u32,
	attested_by: &T::AccountId,
) -> RecordOf<T> {
	use banktax_primitives::{privacy, Period, RecordKind, FIRST_YEAR};
	use sp_runtime::traits::{BlakeTwo256, Hash, Zero};
	let seed = |part: u32| {
		let preimage = [&i.to_le_bytes()[..], &k.to_le_bytes(), &part.to_le_bytes()].concat();
		BlakeTwo256::hash(&preimage).0
	};
	let len = privacy::sealed_record_len(RecordKind::VatReturn);
	let body: alloc::vec::Vec<u8> = (0..len.div_ceil(32) as u32).flat_map(seed).collect();
	let ciphertext = privacy::unopenable_sealed_record(RecordKind::VatReturn, &body);
	let year = FIRST_YEAR.saturating_add((k / 12).min(u32::from(u16::MAX)) as u16);
	TaxRecord {
		enterprise,
		period: Period::Month { year, month: (k % 12) as u8 + 1 },
		kind: RecordKind::VatReturn,
		schema_version: privacy::SCHEMA_VERSION,
		version: 1,
		previous: None,
		rating: None,
		commitment: seed(u32::MAX),
		ciphertext: frame_support::BoundedVec::truncate_from(ciphertext),
		attested_by: attested_by.clone(),
		attested_at: Zero::zero(),
		status: RecordStatus::Current,
	}
}

/// Only a tax authority signs the register's calls.
impl<T: Config> banktax_primitives::SignedBy for Call<T> {
	fn signers(&self) -> banktax_primitives::Signers {
		use banktax_primitives::{Role, Signers};
		match self {
			Call::register_enterprise { .. }
			| Call::set_controllers { .. }
			| Call::deregister_enterprise { .. }
			| Call::attest_record { .. }
			| Call::amend_record { .. }
			| Call::revoke_record { .. }
			| Call::attest_records { .. }
			| Call::deliver_openings { .. } => Signers::Institution(Role::TaxAuthority),
			Call::register_key { .. } => Signers::Enterprise,
			Call::transfer_enterprise { .. } | Call::__Ignore(..) => Signers::Nobody,
		}
	}
}
