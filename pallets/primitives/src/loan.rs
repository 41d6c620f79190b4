//! What a loan application's rule proof is bound to. The runtime verifies under these bytes and
//! every prover (the command line, the portal's wasm codec) proves under them, so they have one
//! home, here, where both reach it.

use crate::{
	privacy::{rules::Rule, Hash},
	RecordId, Uscc,
};
use codec::Encode;

/// An amount of money in fen (0.01 CNY). The chain records loans; money moves in the banks'
/// own systems.
pub type Amount = u128;

/// A loan product's number.
pub type ProductId = u32;

/// Everything a rule proof is bound to, SCALE-encoded into its transcript: a proof made for one
/// chain, product, bank, enterprise, record set, nonce or loan fails for any other.
#[derive(Encode)]
pub struct ApplicationBinding<'a, AccountId, Genesis> {
	/// The chain's genesis hash.
	pub genesis: Genesis,
	pub rules_version: u16,
	pub product: ProductId,
	pub rules: &'a [Rule],
	pub enterprise: Uscc,
	pub bank: &'a AccountId,
	/// Each record with its commitment.
	pub records: &'a [(RecordId, Hash)],
	pub nonce: u32,
	pub amount: Amount,
	pub term_months: u16,
}

impl<AccountId: Encode, Genesis: Encode> ApplicationBinding<'_, AccountId, Genesis> {
	/// The domain every application binding starts with.
	pub const DOMAIN: [u8; 22] = *b"banktax:application:v1";

	/// The bytes a proof is bound to: the domain, then the binding.
	pub fn bytes(&self) -> alloc::vec::Vec<u8> {
		(Self::DOMAIN, self).encode()
	}
}
