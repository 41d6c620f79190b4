//! `banktax_*`: BankTax Chain's reads over JSON-RPC, served from the runtime's `BankTaxApi` at
//! the best block or at any block the caller names. Every method and error is listed, with
//! examples, in `docs/rpc.md`.
//!
//! Each read runs the runtime on a blocking thread, never on the RPC server's async executor,
//! and at most [`CONCURRENT_READS`] at once: a flood of reads waits its turn instead of
//! starving the node's other work.

use std::sync::Arc;

use banktax_primitives::{ConsentId, Page, RecordId, Uscc, MAX_PAGE_LIMIT};
use banktax_runtime::{opaque::Block, AccountId, BlockNumber, Hash};
use banktax_runtime_api::{
	BankTaxApi as BankTaxRuntimeApi, ConsentDetail, ConsentView, EnterpriseProfile,
	InstitutionView, LoanDetail, LoanView, Overview, Paged, RecordMeta, SealedRecord,
};
use jsonrpsee::{
	core::RpcResult,
	proc_macros::rpc,
	types::{ErrorObject, ErrorObjectOwned},
};
use pallet_consent::Delivery;
use pallet_loans::LoanId;
use sp_api::{ApiError, ApiExt, ProvideRuntimeApi};
use sp_blockchain::HeaderBackend;
use sp_core::crypto::Ss58Codec;
use tokio::sync::Semaphore;

/// The error codes of `banktax_*` methods (JSON-RPC leaves codes from -32000 up to servers).
pub mod code {
	/// The block asked about is not known to this node.
	pub const UNKNOWN_BLOCK: i32 = 8000;
	/// The enterprise code is not a unified social credit code.
	pub const MALFORMED_USCC: i32 = 8001;
	/// The account is not an SS58 address.
	pub const MALFORMED_ACCOUNT: i32 = 8002;
	/// The page's `limit` is 0 or above `MAX_PAGE_LIMIT`.
	pub const INVALID_PAGE: i32 = 8003;
	/// No enterprise with this code was ever registered.
	pub const UNKNOWN_ENTERPRISE: i32 = 8010;
	/// No consent has this number.
	pub const UNKNOWN_CONSENT: i32 = 8011;
	/// No loan has this number.
	pub const UNKNOWN_LOAN: i32 = 8012;
	/// No record has this number.
	pub const UNKNOWN_RECORD: i32 = 8013;
	/// No envelope for this record under this consent (never delivered, or the consent no
	/// longer active).
	pub const NO_ENVELOPE: i32 = 8014;
	/// The runtime could not answer (e.g. the block's state was pruned, or its runtime
	/// predates this method).
	pub const RUNTIME: i32 = 8020;
}

/// Most `banktax_*` reads running at once; more wait for a turn.
pub const CONCURRENT_READS: usize = 4;

/// The `BankTaxApi` version these methods speak: blocks whose runtime has an older one (before
/// lists were paged) are refused with [`code::RUNTIME`].
const API_VERSION: u32 = 2;

type Profile = EnterpriseProfile<AccountId, BlockNumber>;

/// BankTax Chain's reads. `at` is a block hash; without it, the best block. `page` is
/// `{"from": n, "limit": k}` (both optional; `limit` at most `MAX_PAGE_LIMIT`); without it, the
/// first page.
#[rpc(server, namespace = "banktax")]
pub trait BankTaxApi {
	/// An enterprise: registration, rating history, exposure across banks, and the first page
	/// of its records (without ciphertexts), consents and loans.
	#[method(name = "enterpriseProfile")]
	async fn enterprise_profile(&self, uscc: String, at: Option<Hash>) -> RpcResult<Profile>;

	/// A page of an enterprise's records, every version, in order of attestation.
	#[method(name = "recordsOf")]
	async fn records_of(
		&self,
		uscc: String,
		page: Option<Page>,
		at: Option<Hash>,
	) -> RpcResult<Paged<RecordMeta<AccountId, BlockNumber>>>;

	/// A page of the consents an enterprise has granted, in order of grant.
	#[method(name = "consentsOf")]
	async fn consents_of(
		&self,
		uscc: String,
		page: Option<Page>,
		at: Option<Hash>,
	) -> RpcResult<Paged<ConsentView<AccountId, BlockNumber>>>;

	/// A page of an enterprise's loans with every bank, in order of application.
	#[method(name = "loansOf")]
	async fn loans_of(
		&self,
		uscc: String,
		page: Option<Page>,
		at: Option<Hash>,
	) -> RpcResult<Paged<LoanView<AccountId, BlockNumber>>>;

	/// A page of the consents a bank holds (every state), in order of grant.
	#[method(name = "consentsHeld")]
	async fn consents_held(
		&self,
		bank: String,
		page: Option<Page>,
		at: Option<Hash>,
	) -> RpcResult<Paged<ConsentView<AccountId, BlockNumber>>>;

	/// One consent, its state and its access log.
	#[method(name = "consent")]
	async fn consent(
		&self,
		id: ConsentId,
		at: Option<Hash>,
	) -> RpcResult<ConsentDetail<AccountId, BlockNumber>>;

	/// A page of the loans a bank has been asked for, in order of application.
	#[method(name = "loansOfBank")]
	async fn loans_of_bank(
		&self,
		bank: String,
		page: Option<Page>,
		at: Option<Hash>,
	) -> RpcResult<Paged<LoanView<AccountId, BlockNumber>>>;

	/// One loan, its state, days past due and repayment schedule.
	#[method(name = "loan")]
	async fn loan(
		&self,
		id: LoanId,
		at: Option<Hash>,
	) -> RpcResult<LoanDetail<AccountId, BlockNumber>>;

	/// Every institution the registry has known (at most `MaxInstitutions`).
	#[method(name = "institutions")]
	async fn institutions(
		&self,
		at: Option<Hash>,
	) -> RpcResult<Vec<InstitutionView<AccountId, BlockNumber>>>;

	/// One record with its ciphertext.
	#[method(name = "sealedRecord")]
	async fn sealed_record(
		&self,
		id: RecordId,
		at: Option<Hash>,
	) -> RpcResult<SealedRecord<AccountId, BlockNumber>>;

	/// The envelope delivered for a record under a consent, while the consent is active.
	#[method(name = "envelope")]
	async fn envelope(
		&self,
		consent: ConsentId,
		record: RecordId,
		at: Option<Hash>,
	) -> RpcResult<Delivery<AccountId, BlockNumber>>;

	/// The regulator's overview: loans by rating and stage, each bank's book and exposure,
	/// defaults, consents in force and uses of data, from tallies the chain keeps.
	#[method(name = "overview")]
	async fn overview(&self, at: Option<Hash>) -> RpcResult<Overview<AccountId>>;
}

/// Serves `banktax_*` from a client's runtime API.
pub struct BankTax<C> {
	client: Arc<C>,
	turns: Arc<Semaphore>,
}

impl<C> BankTax<C> {
	pub fn new(client: Arc<C>) -> Self {
		Self { client, turns: Arc::new(Semaphore::new(CONCURRENT_READS)) }
	}
}

fn error(code: i32, message: impl Into<String>) -> ErrorObjectOwned {
	ErrorObject::owned(code, message.into(), None::<()>)
}

fn parse_uscc(text: &str) -> RpcResult<Uscc> {
	Uscc::parse(text.as_bytes())
		.map_err(|e| error(code::MALFORMED_USCC, format!("malformed USCC {text:?}: {e}")))
}

fn parse_account(text: &str) -> RpcResult<AccountId> {
	AccountId::from_ss58check(text)
		.map_err(|e| error(code::MALFORMED_ACCOUNT, format!("malformed account {text:?}: {e}")))
}

fn checked_page(page: Option<Page>) -> RpcResult<Page> {
	let page = page.unwrap_or_default();
	if page.limit == 0 || page.limit > MAX_PAGE_LIMIT {
		return Err(error(
			code::INVALID_PAGE,
			format!("a page's limit is 1 to {MAX_PAGE_LIMIT}, not {}", page.limit),
		));
	}
	Ok(page)
}

fn found<T>(value: Option<T>, code: i32, what: impl FnOnce() -> String) -> RpcResult<T> {
	value.ok_or_else(|| error(code, what()))
}

impl<C> BankTax<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: BankTaxRuntimeApi<Block, AccountId, BlockNumber>,
{
	/// Calls the runtime API at `at` (the best block by default), once the block is known, on
	/// a blocking thread when a turn is free.
	async fn query<T: Send + 'static>(
		&self,
		at: Option<Hash>,
		call: impl FnOnce(&C::Api, Hash) -> Result<T, ApiError> + Send + 'static,
	) -> RpcResult<T> {
		let _turn = self
			.turns
			.acquire()
			.await
			.map_err(|e| error(code::RUNTIME, format!("the node is shutting down: {e}")))?;
		let client = self.client.clone();
		tokio::task::spawn_blocking(move || Self::query_now(&client, at, call))
			.await
			.map_err(|e| error(code::RUNTIME, format!("the read failed: {e}")))?
	}

	fn query_now<T>(
		client: &C,
		at: Option<Hash>,
		call: impl FnOnce(&C::Api, Hash) -> Result<T, ApiError>,
	) -> RpcResult<T> {
		let hash = at.unwrap_or_else(|| client.info().best_hash);
		match client.header(hash) {
			Ok(Some(_)) => {}
			Ok(None) => return Err(error(code::UNKNOWN_BLOCK, format!("unknown block {hash:?}"))),
			Err(e) => return Err(error(code::UNKNOWN_BLOCK, format!("block {hash:?}: {e}"))),
		}
		let api = client.runtime_api();
		let runtime_error = |e| error(code::RUNTIME, format!("the runtime could not answer: {e}"));
		let version = api
			.api_version::<dyn BankTaxRuntimeApi<Block, AccountId, BlockNumber>>(hash)
			.map_err(runtime_error)?;
		match version {
			Some(v) if v >= API_VERSION => call(&api, hash).map_err(runtime_error),
			_ => Err(error(
				code::RUNTIME,
				format!(
					"the runtime at block {hash:?} does not answer paged reads (BankTaxApi \
					 version {}); ask at a later block",
					version.unwrap_or_default()
				),
			)),
		}
	}
}

#[jsonrpsee::core::async_trait]
impl<C> BankTaxApiServer for BankTax<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: BankTaxRuntimeApi<Block, AccountId, BlockNumber>,
{
	async fn enterprise_profile(&self, uscc: String, at: Option<Hash>) -> RpcResult<Profile> {
		let code = parse_uscc(&uscc)?;
		let profile = self.query(at, move |api, hash| api.enterprise_profile(hash, code)).await?;
		found(profile, code::UNKNOWN_ENTERPRISE, || format!("no enterprise {uscc} is registered"))
	}

	async fn records_of(
		&self,
		uscc: String,
		page: Option<Page>,
		at: Option<Hash>,
	) -> RpcResult<Paged<RecordMeta<AccountId, BlockNumber>>> {
		let (code, page) = (parse_uscc(&uscc)?, checked_page(page)?);
		self.query(at, move |api, hash| api.records_of(hash, code, page)).await
	}

	async fn consents_of(
		&self,
		uscc: String,
		page: Option<Page>,
		at: Option<Hash>,
	) -> RpcResult<Paged<ConsentView<AccountId, BlockNumber>>> {
		let (code, page) = (parse_uscc(&uscc)?, checked_page(page)?);
		self.query(at, move |api, hash| api.consents_of(hash, code, page)).await
	}

	async fn loans_of(
		&self,
		uscc: String,
		page: Option<Page>,
		at: Option<Hash>,
	) -> RpcResult<Paged<LoanView<AccountId, BlockNumber>>> {
		let (code, page) = (parse_uscc(&uscc)?, checked_page(page)?);
		self.query(at, move |api, hash| api.loans_of(hash, code, page)).await
	}

	async fn consents_held(
		&self,
		bank: String,
		page: Option<Page>,
		at: Option<Hash>,
	) -> RpcResult<Paged<ConsentView<AccountId, BlockNumber>>> {
		let (bank, page) = (parse_account(&bank)?, checked_page(page)?);
		self.query(at, move |api, hash| api.consents_held(hash, bank, page)).await
	}

	async fn consent(
		&self,
		id: ConsentId,
		at: Option<Hash>,
	) -> RpcResult<ConsentDetail<AccountId, BlockNumber>> {
		let consent = self.query(at, move |api, hash| api.consent(hash, id)).await?;
		found(consent, code::UNKNOWN_CONSENT, || format!("no consent {id}"))
	}

	async fn loans_of_bank(
		&self,
		bank: String,
		page: Option<Page>,
		at: Option<Hash>,
	) -> RpcResult<Paged<LoanView<AccountId, BlockNumber>>> {
		let (bank, page) = (parse_account(&bank)?, checked_page(page)?);
		self.query(at, move |api, hash| api.loans_of_bank(hash, bank, page)).await
	}

	async fn loan(
		&self,
		id: LoanId,
		at: Option<Hash>,
	) -> RpcResult<LoanDetail<AccountId, BlockNumber>> {
		let loan = self.query(at, move |api, hash| api.loan(hash, id)).await?;
		found(loan, code::UNKNOWN_LOAN, || format!("no loan {id}"))
	}

	async fn institutions(
		&self,
		at: Option<Hash>,
	) -> RpcResult<Vec<InstitutionView<AccountId, BlockNumber>>> {
		self.query(at, |api, hash| api.institutions(hash)).await
	}

	async fn sealed_record(
		&self,
		id: RecordId,
		at: Option<Hash>,
	) -> RpcResult<SealedRecord<AccountId, BlockNumber>> {
		let record = self.query(at, move |api, hash| api.sealed_record(hash, id)).await?;
		found(record, code::UNKNOWN_RECORD, || format!("no record {id}"))
	}

	async fn envelope(
		&self,
		consent: ConsentId,
		record: RecordId,
		at: Option<Hash>,
	) -> RpcResult<Delivery<AccountId, BlockNumber>> {
		let delivery = self.query(at, move |api, hash| api.envelope(hash, consent, record)).await?;
		found(delivery, code::NO_ENVELOPE, || {
			format!("no envelope for record {record} under consent {consent} (not delivered, or the consent is not active)")
		})
	}

	async fn overview(&self, at: Option<Hash>) -> RpcResult<Overview<AccountId>> {
		self.query(at, |api, hash| api.overview(hash)).await
	}
}
