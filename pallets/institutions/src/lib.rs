//! # Institutions
//!
//! Who is who on BankTax Chain, and who decides it.
//!
//! The chain is run by institutions: tax authorities, banks and the financial regulator. This
//! pallet keeps their registry, and everything that follows from membership follows from it:
//!
//! - **The council.** The governance accounts of the active institutions are the members of the
//!   council (a `pallet-collective` instance), kept in step by this pallet whenever an
//!   institution comes, goes, is suspended or reinstated. There is no other way onto it.
//! - **Admission and discipline.** Admitting, suspending, reinstating and removing an
//!   institution, and changing its validator or node, are decisions of the council
//!   ([`Config::GovernanceOrigin`]: a two-thirds motion in the runtime). "Governance votes add new
//!   banks."
//! - **The validator set.** This pallet is `pallet-session`'s session manager: each new session's
//!   validators are the validator accounts of the active institutions (those that have set
//!   session keys). A decision takes effect two sessions later. The session length is set in
//!   genesis ([`SessionLength`]).
//! - **The network.** Each institution names its node (libp2p peer id); the registry authorises
//!   active institutions' nodes to connect ([`Config::Nodes`]) and revokes the others.
//! - **Who may transact, what, and how much.** [`CheckMembership`] is a transaction extension
//!   that refuses, when the transaction pool validates it, a signed transaction from an account
//!   that is not a member or whose role may not sign its call (call sets by role,
//!   `banktax_primitives::Signers`), and keeps each institution and each enterprise within a
//!   budget of bytes, weight and transactions per block ([`Config::EnterpriseBudget`] and the
//!   institutions' budgets beside it), at a pool
//!   priority by role. Members' accounts are never reaped, so a nonce is never reused.
//!
//! Two invariants hold at all times: at least one active tax authority, and at least
//! [`Config::MinValidators`] active institutions whose validators have session keys (a
//! validator without keys cannot author or vote). Any decision that would break them fails with
//! [`Error::LastTaxAuthority`] or [`Error::TooFewValidators`]. Nobody signs
//! `Session::purge_keys`; a validator changes its keys with `Session::set_keys`. And should the
//! validators with keys ever be fewer than the floor and fewer than the current set (say, a
//! changed validator account has not set its keys yet), [`new_session`] keeps the current set
//! until enough of them have: the set never empties and never shrinks below the floor.
//!
//! [`new_session`]: pallet_session::SessionManager::new_session
//!
//! ## Calls
//!
//! | call | who may call | emits |
//! | --- | --- | --- |
//! | [`admit`](Pallet::admit) | council | [`Event::Admitted`] |
//! | [`suspend`](Pallet::suspend) | council | [`Event::Suspended`] |
//! | [`reinstate`](Pallet::reinstate) | council | [`Event::Reinstated`] |
//! | [`remove`](Pallet::remove) | council | [`Event::Removed`] |
//! | [`set_validator`](Pallet::set_validator) | council | [`Event::ValidatorChanged`] |
//! | [`set_node`](Pallet::set_node) | council | [`Event::NodeChanged`] |
//! | [`rotate_encryption_key`](Pallet::rotate_encryption_key) | the institution's governance account | [`Event::EncryptionKeyRotated`] |
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod extension;
#[cfg(any(test, feature = "try-runtime"))]
mod invariants;
pub mod migrations;
mod no_deposit;
mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use extension::{CheckMembership, Refusal};
pub use no_deposit::NoDeposit;
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::{boxed::Box, vec::Vec};
	use banktax_primitives::{
		BudgetHolder, EnterpriseInspect, InstitutionInspect, NodeAuthorization, NodeId, Role,
		Signer, Signers, Uscc,
	};
	use frame_support::{
		pallet_prelude::*,
		traits::{ChangeMembers, InitializeMembers},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::Zero;

	/// Version 1: budgets per institution and enterprise ([`SpentInBlock`]) replace counts
	/// per account; node claims and connections no vote made are gone ([`migrations`]).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// An institution as this runtime's registry stores it.
	pub type InstitutionOf<T> =
		Institution<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// Who decides on admissions, suspensions, removals, validators and nodes: in the
		/// runtime, a two-thirds motion of the council.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The council whose members are the active institutions' governance accounts.
		type Council: ChangeMembers<Self::AccountId> + InitializeMembers<Self::AccountId>;

		/// The council's members as it has them, sorted: what the invariants (`try_state`)
		/// compare with the active institutions.
		type CouncilMembers: Get<Vec<Self::AccountId>>;

		/// The network's list of authorised nodes.
		type Nodes: NodeAuthorization<Self::AccountId>;

		/// The registered enterprises, whose controllers may sign their enterprise's calls.
		type Enterprises: EnterpriseInspect<Self::AccountId>;

		/// Which validator accounts have session keys.
		type SessionKeys: HasSessionKeys<Self::AccountId>;

		/// What an enterprise, all its controllers together, may put into a block
		/// ([`CheckMembership`]).
		#[pallet::constant]
		type EnterpriseBudget: Get<Budget>;

		/// What a tax authority, all its accounts together, may put into a block.
		#[pallet::constant]
		type TaxAuthorityBudget: Get<Budget>;

		/// What a bank, all its accounts together, may put into a block.
		#[pallet::constant]
		type BankBudget: Get<Budget>;

		/// What the regulator, all its accounts together, may put into a block.
		#[pallet::constant]
		type RegulatorBudget: Get<Budget>;

		/// How many blocks an enterprise's transaction may wait in the pool.
		#[pallet::constant]
		type EnterpriseLongevity: Get<BlockNumberFor<Self>>;

		/// How many blocks an institution's transaction may wait in the pool.
		#[pallet::constant]
		type InstitutionLongevity: Get<BlockNumberFor<Self>>;

		/// The pool priority of council business (proposals, votes), above every budget's: a
		/// flood cannot delay a vote.
		#[pallet::constant]
		type GovernancePriority: Get<u64>;

		/// How many spent budgets of past blocks one block clears ([`SpentInBlock`]); at most
		/// [`MAX_BUDGETS_CLEARED_PER_BLOCK`], the most its weight is measured for.
		#[pallet::constant]
		type MaxBudgetsClearedPerBlock: Get<u32>;

		/// How many institutions the registry holds, removed ones included.
		#[pallet::constant]
		type MaxInstitutions: Get<u32>;

		/// The fewest active institutions (and so validators) the chain may be left with.
		#[pallet::constant]
		type MinValidators: Get<u32>;

		/// Makes the enterprise controller whose transactions the benchmarks check.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<
			Self::AccountId,
			<Self as frame_system::Config>::RuntimeCall,
		>;

		/// Session length when genesis does not set one.
		#[pallet::constant]
		type DefaultSessionLength: Get<BlockNumberFor<Self>>;

		type WeightInfo: WeightInfo;
	}

	/// The registry, by institution number. Removed institutions stay, with status `Removed`.
	#[pallet::storage]
	pub type Registry<T: Config> = CountedStorageMap<
		_,
		Twox64Concat,
		InstitutionId,
		Institution<T::AccountId, BlockNumberFor<T>>,
	>;

	/// The number the next admitted institution gets.
	#[pallet::storage]
	pub type NextInstitutionId<T> = StorageValue<_, InstitutionId, ValueQuery>;

	/// Institution by governance account (institutions not removed).
	#[pallet::storage]
	pub type ByGovernance<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, InstitutionId>;

	/// Institution by validator account (institutions not removed).
	#[pallet::storage]
	pub type ByValidator<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, InstitutionId>;

	/// Institution by unified social credit code (institutions not removed).
	#[pallet::storage]
	pub type ByUscc<T> = StorageMap<_, Blake2_128Concat, Uscc, InstitutionId>;

	/// Institution by node (institutions not removed).
	#[pallet::storage]
	pub type ByNode<T> = StorageMap<_, Blake2_128Concat, NodeId, InstitutionId>;

	/// Blocks per session: how often the validator set can change.
	#[pallet::storage]
	pub type SessionLength<T: Config> =
		StorageValue<_, BlockNumberFor<T>, ValueQuery, T::DefaultSessionLength>;

	/// What each institution and enterprise has spent of a block's budget: `(block, usage)`.
	/// Entries of past blocks count for nothing; each block clears up to
	/// [`Config::MaxBudgetsClearedPerBlock`] of them, so the map holds about one block's
	/// signers. See [`CheckMembership`].
	#[pallet::storage]
	pub type SpentInBlock<T: Config> =
		StorageMap<_, Blake2_128Concat, BudgetHolder, (BlockNumberFor<T>, Usage)>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The founding institutions, admitted at genesis in this order.
		pub institutions: Vec<GenesisInstitution<T::AccountId>>,
		/// Blocks per session; zero means [`Config::DefaultSessionLength`].
		pub session_length: BlockNumberFor<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if !self.session_length.is_zero() {
				SessionLength::<T>::put(self.session_length);
			}
			assert!(!SessionLength::<T>::get().is_zero(), "the session length must not be zero");
			for founder in self.institutions.iter().cloned() {
				let name = founder.legal_name.clone();
				let application = founder
					.application()
					.unwrap_or_else(|| panic!("genesis institution {name}: bad USCC or key size"));
				if let Err(e) = Pallet::<T>::register(application) {
					panic!("genesis institution {name}: {e:?}");
				}
			}
			T::Council::initialize_members(&Pallet::<T>::active_governance());
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// The council admitted an institution; it is active from now on.
		Admitted { id: InstitutionId, role: Role, governance: T::AccountId },
		/// The council suspended an institution.
		Suspended { id: InstitutionId },
		/// The council reinstated a suspended institution.
		Reinstated { id: InstitutionId },
		/// The council removed an institution for good.
		Removed { id: InstitutionId },
		/// An institution's validator account changed.
		ValidatorChanged { id: InstitutionId, validator: T::AccountId },
		/// An institution's node changed.
		NodeChanged { id: InstitutionId, node: NodeId },
		/// An institution published a new encryption key.
		EncryptionKeyRotated { id: InstitutionId, key: EncryptionKey },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No institution has this number.
		UnknownInstitution,
		/// The unified social credit code is malformed or its check character is wrong.
		InvalidUscc,
		/// The legal name is empty.
		LegalNameEmpty,
		/// The legal name is longer than `MAX_LEGAL_NAME_LEN` bytes.
		LegalNameTooLong,
		/// The legal name is not UTF-8 text.
		LegalNameNotUtf8,
		/// The node id is empty.
		NodeIdEmpty,
		/// The node id is longer than `MAX_NODE_ID_LEN` bytes.
		NodeIdTooLong,
		/// Another institution has this unified social credit code.
		UsccInUse,
		/// Another institution uses this account (as governance or validator account), or an
		/// enterprise (as a controller).
		AccountInUse,
		/// Another institution runs this node.
		NodeInUse,
		/// The registry is full (`MaxInstitutions`).
		TooManyInstitutions,
		/// The institution is not active.
		NotActive,
		/// The institution is not suspended.
		NotSuspended,
		/// The institution has been removed; nothing about it can change any more.
		AlreadyRemoved,
		/// This would leave the chain without an active tax authority.
		LastTaxAuthority,
		/// This would leave fewer than `MinValidators` active institutions whose validators have
		/// session keys.
		TooFewValidators,
		/// The caller is not the governance account of an institution.
		NotAnInstitution,
		/// The new value is the one the institution already has.
		Unchanged,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(
				T::MaxBudgetsClearedPerBlock::get() <= MAX_BUDGETS_CLEARED_PER_BLOCK,
				"MaxBudgetsClearedPerBlock is beyond what clear_spent_budgets is measured for"
			);
		}

		/// Clears budgets spent in past blocks: they count for nothing now.
		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}

		fn on_initialize(_: BlockNumberFor<T>) -> Weight {
			let limit = T::MaxBudgetsClearedPerBlock::get();
			let removed = SpentInBlock::<T>::clear(limit, None).backend;
			T::WeightInfo::clear_spent_budgets(removed)
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Admits an institution: it joins the council, its node may connect, and its
		/// validator takes part from two sessions after it has set session keys.
		///
		/// Origin: [`Config::GovernanceOrigin`] (the council). Emits [`Event::Admitted`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::admit())]
		pub fn admit(
			origin: OriginFor<T>,
			application: Box<Application<T::AccountId>>,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			let before = Self::active_governance();
			let id = Self::register(*application)?;
			Self::update_council(&before);
			let institution = Registry::<T>::get(id).ok_or(Error::<T>::UnknownInstitution)?;
			Self::deposit_event(Event::Admitted {
				id,
				role: institution.role,
				governance: institution.governance,
			});
			Ok(())
		}

		/// Suspends an active institution: it leaves the council, its node is disconnected and
		/// its validator stops from two sessions on. Its records stay.
		///
		/// Origin: the council. Emits [`Event::Suspended`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::suspend())]
		pub fn suspend(origin: OriginFor<T>, id: InstitutionId) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			let mut institution = Self::institution(id)?;
			ensure!(institution.status == Status::Active, Error::<T>::NotActive);
			Self::ensure_can_lose(id, &institution)?;
			let before = Self::active_governance();
			T::Nodes::revoke(&institution.node)?;
			institution.status = Status::Suspended;
			Registry::<T>::insert(id, institution);
			Self::update_council(&before);
			Self::deposit_event(Event::Suspended { id });
			Ok(())
		}

		/// Reinstates a suspended institution.
		///
		/// Origin: the council. Emits [`Event::Reinstated`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::reinstate())]
		pub fn reinstate(origin: OriginFor<T>, id: InstitutionId) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			let mut institution = Self::institution(id)?;
			ensure!(institution.status == Status::Suspended, Error::<T>::NotSuspended);
			let before = Self::active_governance();
			T::Nodes::authorize(&institution.node, &institution.governance)?;
			institution.status = Status::Active;
			Registry::<T>::insert(id, institution);
			Self::update_council(&before);
			Self::deposit_event(Event::Reinstated { id });
			Ok(())
		}

		/// Removes an institution for good. Its record stays, marked removed; its code,
		/// accounts and node are released.
		///
		/// Origin: the council. Emits [`Event::Removed`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::remove())]
		pub fn remove(origin: OriginFor<T>, id: InstitutionId) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			let mut institution = Self::institution(id)?;
			ensure!(institution.status != Status::Removed, Error::<T>::AlreadyRemoved);
			let before = Self::active_governance();
			if institution.status == Status::Active {
				Self::ensure_can_lose(id, &institution)?;
				T::Nodes::revoke(&institution.node)?;
			}
			ByGovernance::<T>::remove(&institution.governance);
			ByValidator::<T>::remove(&institution.validator);
			ByUscc::<T>::remove(institution.uscc);
			ByNode::<T>::remove(&institution.node);
			institution.status = Status::Removed;
			Registry::<T>::insert(id, institution);
			Self::update_council(&before);
			Self::deposit_event(Event::Removed { id });
			Ok(())
		}

		/// Changes the account that runs an institution's validator. The new account must set
		/// session keys; the change takes effect two sessions later.
		///
		/// Origin: the council. Emits [`Event::ValidatorChanged`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::set_validator())]
		pub fn set_validator(
			origin: OriginFor<T>,
			id: InstitutionId,
			validator: T::AccountId,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			let mut institution = Self::institution(id)?;
			ensure!(institution.status != Status::Removed, Error::<T>::AlreadyRemoved);
			ensure!(institution.validator != validator, Error::<T>::Unchanged);
			Self::ensure_account_free(&validator, Some(id))?;
			ByValidator::<T>::remove(&institution.validator);
			ByValidator::<T>::insert(&validator, id);
			Self::keep_signing(&validator);
			institution.validator = validator.clone();
			Registry::<T>::insert(id, institution);
			Self::deposit_event(Event::ValidatorChanged { id, validator });
			Ok(())
		}

		/// Changes an institution's node (e.g. after a new node key). An active institution's
		/// old node loses its authorisation and the new one gains it.
		///
		/// Origin: the council. Emits [`Event::NodeChanged`].
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::set_node())]
		pub fn set_node(origin: OriginFor<T>, id: InstitutionId, node: Vec<u8>) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			let node = Self::node_id(node)?;
			let mut institution = Self::institution(id)?;
			ensure!(institution.status != Status::Removed, Error::<T>::AlreadyRemoved);
			ensure!(institution.node != node, Error::<T>::Unchanged);
			ensure!(!ByNode::<T>::contains_key(&node), Error::<T>::NodeInUse);
			if institution.status == Status::Active {
				T::Nodes::revoke(&institution.node)?;
				T::Nodes::authorize(&node, &institution.governance)?;
			}
			ByNode::<T>::remove(&institution.node);
			ByNode::<T>::insert(&node, id);
			institution.node = node.clone();
			Registry::<T>::insert(id, institution);
			Self::deposit_event(Event::NodeChanged { id, node });
			Ok(())
		}

		/// Publishes a new X25519 encryption key for the caller's institution. Data keys sealed
		/// to the institution from now on use it.
		///
		/// Origin: signed by the governance account of an active institution. Emits
		/// [`Event::EncryptionKeyRotated`].
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::rotate_encryption_key())]
		pub fn rotate_encryption_key(origin: OriginFor<T>, key: EncryptionKey) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let id = ByGovernance::<T>::get(&who).ok_or(Error::<T>::NotAnInstitution)?;
			let mut institution = Self::institution(id)?;
			ensure!(institution.status == Status::Active, Error::<T>::NotActive);
			ensure!(institution.encryption_key != key, Error::<T>::Unchanged);
			institution.encryption_key = key;
			Registry::<T>::insert(id, institution);
			Self::deposit_event(Event::EncryptionKeyRotated { id, key });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// The institution numbered `id`.
		pub fn institution(id: InstitutionId) -> Result<InstitutionOf<T>, DispatchError> {
			Registry::<T>::get(id).ok_or_else(|| Error::<T>::UnknownInstitution.into())
		}

		/// Every institution the registry has known, in order of admission, whatever its status.
		pub fn institutions() -> Vec<(InstitutionId, InstitutionOf<T>)> {
			let mut all: Vec<_> = Registry::<T>::iter().collect();
			all.sort_by_key(|(id, _)| *id);
			all
		}

		/// The active institutions' governance accounts, sorted: the council.
		pub fn active_governance() -> Vec<T::AccountId> {
			let mut members: Vec<T::AccountId> = Registry::<T>::iter_values()
				.filter(|i| i.status == Status::Active)
				.map(|i| i.governance)
				.collect();
			members.sort();
			members.dedup();
			members
		}

		/// The active institutions' validator accounts, sorted: the next validator set.
		pub fn active_validators() -> Vec<T::AccountId> {
			let mut validators: Vec<T::AccountId> = Registry::<T>::iter_values()
				.filter(|i| i.status == Status::Active)
				.map(|i| i.validator)
				.collect();
			validators.sort();
			validators.dedup();
			validators
		}

		/// The budget of whoever `signer` acts for, and how long its transactions may wait in
		/// the pool.
		pub fn budget(signer: &Signer) -> (Budget, BlockNumberFor<T>) {
			match signer.role() {
				None => (T::EnterpriseBudget::get(), T::EnterpriseLongevity::get()),
				Some(role) => {
					let budget = match role {
						Role::TaxAuthority => T::TaxAuthorityBudget::get(),
						Role::Bank => T::BankBudget::get(),
						Role::Regulator => T::RegulatorBudget::get(),
					};
					(budget, T::InstitutionLongevity::get())
				}
			}
		}

		/// Who `who` signs for, asked on behalf of a call that `signers` may sign: the register
		/// is asked first for an enterprise's call, which only a controller may sign, so that
		/// the common case costs one lookup.
		pub fn signer_for(who: &T::AccountId, signers: Signers) -> Option<Signer> {
			if signers == Signers::Enterprise {
				if let Some(code) = T::Enterprises::enterprise_of(who) {
					return Some(Signer::Enterprise(code));
				}
			}
			Self::signer(who)
		}

		/// Who `who` signs for: an active institution (by its governance or validator
		/// account) or a registered enterprise (by a controller). `None`: not a member.
		pub fn signer(who: &T::AccountId) -> Option<Signer> {
			let active = |id: Option<InstitutionId>| {
				let id = id?;
				let institution = Registry::<T>::get(id)?;
				(institution.status == Status::Active).then_some((id, institution.role))
			};
			if let Some((id, role)) = active(ByGovernance::<T>::get(who)) {
				return Some(Signer::Institution { id, role });
			}
			if let Some((id, role)) = active(ByValidator::<T>::get(who)) {
				return Some(Signer::Validator { id, role });
			}
			T::Enterprises::enterprise_of(who).map(Signer::Enterprise)
		}

		/// Checks and records a new institution; the caller updates the council.
		pub(crate) fn register(
			application: Application<T::AccountId>,
		) -> Result<InstitutionId, DispatchError> {
			let Application { role, legal_name, uscc, governance, validator, node, encryption_key } =
				application;
			ensure!(!legal_name.is_empty(), Error::<T>::LegalNameEmpty);
			let legal_name: LegalName =
				legal_name.try_into().map_err(|_| Error::<T>::LegalNameTooLong)?;
			ensure!(core::str::from_utf8(&legal_name).is_ok(), Error::<T>::LegalNameNotUtf8);
			let uscc = Uscc::parse(&uscc).map_err(|_| Error::<T>::InvalidUscc)?;
			let node = Self::node_id(node)?;
			ensure!(!ByUscc::<T>::contains_key(uscc), Error::<T>::UsccInUse);
			Self::ensure_account_free(&governance, None)?;
			Self::ensure_account_free(&validator, None)?;
			ensure!(!ByNode::<T>::contains_key(&node), Error::<T>::NodeInUse);
			let id = NextInstitutionId::<T>::get();
			ensure!(id < T::MaxInstitutions::get(), Error::<T>::TooManyInstitutions);
			let next = id.checked_add(1).ok_or(Error::<T>::TooManyInstitutions)?;

			T::Nodes::authorize(&node, &governance)?;
			Self::keep_signing(&governance);
			Self::keep_signing(&validator);
			ByGovernance::<T>::insert(&governance, id);
			ByValidator::<T>::insert(&validator, id);
			ByUscc::<T>::insert(uscc, id);
			ByNode::<T>::insert(&node, id);
			NextInstitutionId::<T>::put(next);
			Registry::<T>::insert(
				id,
				Institution {
					role,
					legal_name,
					uscc,
					governance,
					validator,
					node,
					encryption_key,
					status: Status::Active,
					admitted_at: frame_system::Pallet::<T>::block_number(),
				},
			);
			Ok(id)
		}

		/// Makes `who`'s account exist for good. Its transactions must pass the nonce check, and
		/// there is no balance to keep an account alive, so the registry provides for it; it
		/// never withdraws the provision, so the account keeps its nonce after the institution
		/// goes, and its old transactions cannot be replayed if the account ever signs again.
		fn keep_signing(who: &T::AccountId) {
			if !frame_system::Pallet::<T>::account_exists(who) {
				frame_system::Pallet::<T>::inc_providers(who);
			}
		}

		fn node_id(node: Vec<u8>) -> Result<NodeId, DispatchError> {
			ensure!(!node.is_empty(), Error::<T>::NodeIdEmpty);
			node.try_into().map_err(|_| Error::<T>::NodeIdTooLong.into())
		}

		/// `who` is not an account of any institution but (if given) `except`.
		fn ensure_account_free(
			who: &T::AccountId,
			except: Option<InstitutionId>,
		) -> DispatchResult {
			let free = |id: Option<InstitutionId>| id.is_none() || id == except;
			ensure!(
				free(ByGovernance::<T>::get(who)) && free(ByValidator::<T>::get(who)),
				Error::<T>::AccountInUse
			);
			// An enterprise's controller acts for the enterprise, never for an institution.
			ensure!(T::Enterprises::enterprise_of(who).is_none(), Error::<T>::AccountInUse);
			Ok(())
		}

		/// The active institutions' validators that have set session keys: the next
		/// validator set. A validator without keys could not author or vote anyway.
		pub fn validators_with_keys() -> Vec<T::AccountId> {
			let mut validators = Self::active_validators();
			validators.retain(T::SessionKeys::has_session_keys);
			validators
		}

		/// The invariants still hold once the active institution `id` is no longer active.
		fn ensure_can_lose(
			id: InstitutionId,
			institution: &Institution<T::AccountId, BlockNumberFor<T>>,
		) -> DispatchResult {
			let others: Vec<_> = Registry::<T>::iter()
				.filter(|(other, i)| *other != id && i.status == Status::Active)
				.map(|(_, i)| (i.role, T::SessionKeys::has_session_keys(&i.validator)))
				.collect();
			if institution.role == Role::TaxAuthority {
				ensure!(
					others.iter().any(|(role, _)| *role == Role::TaxAuthority),
					Error::<T>::LastTaxAuthority
				);
			}
			let keyed = others.iter().filter(|(_, keyed)| *keyed).count();
			ensure!(keyed as u32 >= T::MinValidators::get(), Error::<T>::TooFewValidators);
			Ok(())
		}

		/// Brings the council in line with the registry, given the members it had before.
		pub(crate) fn update_council(before: &[T::AccountId]) {
			let after = Self::active_governance();
			if after != before {
				T::Council::set_members_sorted(&after, before);
			}
		}
	}

	impl<T: Config> InstitutionInspect<T::AccountId> for Pallet<T> {
		fn active_role(who: &T::AccountId) -> Option<Role> {
			Self::active_institution(who).map(|institution| institution.role)
		}

		fn encryption_key(who: &T::AccountId) -> Option<EncryptionKey> {
			Self::active_institution(who).map(|institution| institution.encryption_key)
		}

		fn is_institution_account(who: &T::AccountId) -> bool {
			ByGovernance::<T>::contains_key(who) || ByValidator::<T>::contains_key(who)
		}
	}

	impl<T: Config> Pallet<T> {
		/// The active institution whose governance account is `who`.
		fn active_institution(
			who: &T::AccountId,
		) -> Option<Institution<T::AccountId, BlockNumberFor<T>>> {
			let institution = Registry::<T>::get(ByGovernance::<T>::get(who)?)?;
			(institution.status == Status::Active).then_some(institution)
		}
	}

	/// The validator set follows the registry: every session, the validators of the active
	/// institutions that have set session keys.
	impl<T> pallet_session::SessionManager<T::AccountId> for Pallet<T>
	where
		T: Config + pallet_session::Config<ValidatorId = <T as frame_system::Config>::AccountId>,
	{
		fn new_session(_: u32) -> Option<Vec<T::AccountId>> {
			let next = Self::validators_with_keys();
			let current = pallet_session::Validators::<T>::decode_len().unwrap_or(0);
			let too_few = next.is_empty()
				|| ((next.len() as u32) < T::MinValidators::get() && next.len() < current);
			// The current validators carry on until enough of the next have set keys.
			(!too_few).then_some(next)
		}
		fn new_session_genesis(_: u32) -> Option<Vec<T::AccountId>> {
			Some(Self::validators_with_keys())
		}
		fn end_session(_: u32) {}
		fn start_session(_: u32) {}
	}

	/// The session length from storage, for `pallet_session::PeriodicSessions`.
	pub struct SessionLengthOf<T>(PhantomData<T>);
	impl<T: Config> Get<BlockNumberFor<T>> for SessionLengthOf<T> {
		fn get() -> BlockNumberFor<T> {
			SessionLength::<T>::get()
		}
	}
}

/// Which validator accounts have session keys (in the runtime: `pallet-session`'s, through
/// [`SessionKeysOf`]).
pub trait HasSessionKeys<AccountId> {
	fn has_session_keys(validator: &AccountId) -> bool;
	/// Gives `validator` session keys (made-up ones), as benchmarks need.
	#[cfg(feature = "runtime-benchmarks")]
	fn set_session_keys(validator: &AccountId);
}

/// The session keys `pallet-session` holds for the next session.
pub struct SessionKeysOf<T>(core::marker::PhantomData<T>);
impl<T> HasSessionKeys<T::AccountId> for SessionKeysOf<T>
where
	T: pallet_session::Config<ValidatorId = <T as frame_system::Config>::AccountId>,
{
	fn has_session_keys(validator: &T::AccountId) -> bool {
		pallet_session::NextKeys::<T>::contains_key(validator)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn set_session_keys(validator: &T::AccountId) {
		use codec::Decode;
		use sp_runtime::traits::TrailingZeroInput;
		if let Ok(keys) = T::Keys::decode(&mut TrailingZeroInput::zeroes()) {
			pallet_session::NextKeys::<T>::insert(validator, keys);
		}
	}
}

/// The most spent budgets one block may clear ([`Config::MaxBudgetsClearedPerBlock`]).
pub const MAX_BUDGETS_CLEARED_PER_BLOCK: u32 = 256;

/// What the benchmarks need from the rest of the runtime.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId, Call> {
	/// A controller of a registered enterprise.
	fn enterprise_controller() -> AccountId;
	/// A call that controller may sign.
	fn enterprise_call() -> Call;
	/// A call an institution's validator account may sign.
	fn validator_call() -> Call;
}

/// The council decides on institutions by motion; an institution's governance account rotates
/// its own encryption key.
impl<T: Config> banktax_primitives::SignedBy for Call<T> {
	fn signers(&self) -> banktax_primitives::Signers {
		use banktax_primitives::Signers;
		match self {
			Call::rotate_encryption_key { .. } => Signers::AnyInstitution,
			Call::admit { .. }
			| Call::suspend { .. }
			| Call::reinstate { .. }
			| Call::remove { .. }
			| Call::set_validator { .. }
			| Call::set_node { .. }
			| Call::__Ignore(..) => Signers::Nobody,
		}
	}
}
