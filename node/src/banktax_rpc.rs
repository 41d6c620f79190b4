//! `banktax_*`: BankTax Chain's reads over JSON-RPC, served from the runtime's `BankTaxApi` at
//! the best block or at any block the caller names. Every method and error is listed, with
//! examples, in `docs/rpc.md`.

use std::sync::Arc;

use banktax_primitives::{ConsentId, RecordId, Uscc};
use banktax_runtime::{opaque::Block, AccountId, BlockNumber, Hash};
use banktax_runtime_api::{
	BankTaxApi as BankTaxRuntimeApi, ConsentDetail, ConsentView, EnterpriseProfile,
	InstitutionView, LoanDetail, LoanView, SealedRecord,
};
use jsonrpsee::{
	core::RpcResult,
	proc_macros::rpc,
	types::{ErrorObject, ErrorObjectOwned},
};
use pallet_consent::Delivery;
use pallet_loans::LoanId;
use sp_api::{ApiError, ProvideRuntimeApi};
use sp_blockchain::HeaderBackend;
use sp_core::crypto::Ss58Codec;

/// The error codes of `banktax_*` methods (JSON-RPC leaves codes from -32000 up to servers).
pub mod code {
	/// The block asked about is not known to this node.
	pub const UNKNOWN_BLOCK: i32 = 8000;
	/// The enterprise code is not a unified social credit code.
	pub const MALFORMED_USCC: i32 = 8001;
	/// The account is not an SS58 address.
	pub const MALFORMED_ACCOUNT: i32 = 8002;
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
	/// The runtime could not answer (e.g. the block's state was pruned).
	pub const RUNTIME: i32 = 8020;
}

type Profile = EnterpriseProfile<AccountId, BlockNumber>;

/// BankTax Chain's reads. `at` is a block hash; without it, the best block.
#[rpc(server, namespace = "banktax")]
pub trait BankTaxApi {
	/// Everything about one enterprise: registration, rating history, records (without
	/// ciphertexts), consents, loans and its exposure across banks.
	#[method(name = "enterpriseProfile")]
	fn enterprise_profile(&self, uscc: String, at: Option<Hash>) -> RpcResult<Profile>;

	/// The consents a bank holds (every state), in order of grant.
	#[method(name = "consentsHeld")]
	fn consents_held(
		&self,
		bank: String,
		at: Option<Hash>,
	) -> RpcResult<Vec<ConsentView<AccountId, BlockNumber>>>;

	/// One consent, its state and its access log.
	#[method(name = "consent")]
	fn consent(
		&self,
		id: ConsentId,
		at: Option<Hash>,
	) -> RpcResult<ConsentDetail<AccountId, BlockNumber>>;

	/// The loans a bank has been asked for, in order of application.
	#[method(name = "loansOfBank")]
	fn loans_of_bank(
		&self,
		bank: String,
		at: Option<Hash>,
	) -> RpcResult<Vec<LoanView<AccountId, BlockNumber>>>;

	/// One loan, its state, days past due and repayment schedule.
	#[method(name = "loan")]
	fn loan(&self, id: LoanId, at: Option<Hash>) -> RpcResult<LoanDetail<AccountId, BlockNumber>>;

	/// Every institution the registry has known.
	#[method(name = "institutions")]
	fn institutions(
		&self,
		at: Option<Hash>,
	) -> RpcResult<Vec<InstitutionView<AccountId, BlockNumber>>>;

	/// One record with its ciphertext.
	#[method(name = "sealedRecord")]
	fn sealed_record(
		&self,
		id: RecordId,
		at: Option<Hash>,
	) -> RpcResult<SealedRecord<AccountId, BlockNumber>>;

	/// The envelope delivered for a record under a consent, while the consent is active.
	#[method(name = "envelope")]
	fn envelope(
		&self,
		consent: ConsentId,
		record: RecordId,
		at: Option<Hash>,
	) -> RpcResult<Delivery<AccountId, BlockNumber>>;
}

/// Serves `banktax_*` from a client's runtime API.
pub struct BankTax<C> {
	client: Arc<C>,
}

impl<C> BankTax<C> {
	pub fn new(client: Arc<C>) -> Self {
		Self { client }
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

fn found<T>(value: Option<T>, code: i32, what: impl FnOnce() -> String) -> RpcResult<T> {
	value.ok_or_else(|| error(code, what()))
}

impl<C> BankTax<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: BankTaxRuntimeApi<Block, AccountId, BlockNumber>,
{
	/// Calls the runtime API at `at` (the best block by default), once the block is known.
	fn query<T>(
		&self,
		at: Option<Hash>,
		call: impl FnOnce(&C::Api, Hash) -> Result<T, ApiError>,
	) -> RpcResult<T> {
		let hash = at.unwrap_or_else(|| self.client.info().best_hash);
		match self.client.header(hash) {
			Ok(Some(_)) => {}
			Ok(None) => return Err(error(code::UNKNOWN_BLOCK, format!("unknown block {hash:?}"))),
			Err(e) => return Err(error(code::UNKNOWN_BLOCK, format!("block {hash:?}: {e}"))),
		}
		call(&self.client.runtime_api(), hash)
			.map_err(|e| error(code::RUNTIME, format!("the runtime could not answer: {e}")))
	}
}

impl<C> BankTaxApiServer for BankTax<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: BankTaxRuntimeApi<Block, AccountId, BlockNumber>,
{
	fn enterprise_profile(&self, uscc: String, at: Option<Hash>) -> RpcResult<Profile> {
		let code = parse_uscc(&uscc)?;
		let profile = self.query(at, |api, hash| api.enterprise_profile(hash, code))?;
		found(profile, code::UNKNOWN_ENTERPRISE, || format!("no enterprise {uscc} is registered"))
	}

	fn consents_held(
		&self,
		bank: String,
		at: Option<Hash>,
	) -> RpcResult<Vec<ConsentView<AccountId, BlockNumber>>> {
		let bank = parse_account(&bank)?;
		self.query(at, |api, hash| api.consents_held(hash, bank))
	}

	fn consent(
		&self,
		id: ConsentId,
		at: Option<Hash>,
	) -> RpcResult<ConsentDetail<AccountId, BlockNumber>> {
		let consent = self.query(at, |api, hash| api.consent(hash, id))?;
		found(consent, code::UNKNOWN_CONSENT, || format!("no consent {id}"))
	}

	fn loans_of_bank(
		&self,
		bank: String,
		at: Option<Hash>,
	) -> RpcResult<Vec<LoanView<AccountId, BlockNumber>>> {
		let bank = parse_account(&bank)?;
		self.query(at, |api, hash| api.loans_of_bank(hash, bank))
	}

	fn loan(&self, id: LoanId, at: Option<Hash>) -> RpcResult<LoanDetail<AccountId, BlockNumber>> {
		let loan = self.query(at, |api, hash| api.loan(hash, id))?;
		found(loan, code::UNKNOWN_LOAN, || format!("no loan {id}"))
	}

	fn institutions(
		&self,
		at: Option<Hash>,
	) -> RpcResult<Vec<InstitutionView<AccountId, BlockNumber>>> {
		self.query(at, |api, hash| api.institutions(hash))
	}

	fn sealed_record(
		&self,
		id: RecordId,
		at: Option<Hash>,
	) -> RpcResult<SealedRecord<AccountId, BlockNumber>> {
		let record = self.query(at, |api, hash| api.sealed_record(hash, id))?;
		found(record, code::UNKNOWN_RECORD, || format!("no record {id}"))
	}

	fn envelope(
		&self,
		consent: ConsentId,
		record: RecordId,
		at: Option<Hash>,
	) -> RpcResult<Delivery<AccountId, BlockNumber>> {
		let delivery = self.query(at, |api, hash| api.envelope(hash, consent, record))?;
		found(delivery, code::NO_ENVELOPE, || {
			format!("no envelope for record {record} under consent {consent} (not delivered, or the consent is not active)")
		})
	}
}
