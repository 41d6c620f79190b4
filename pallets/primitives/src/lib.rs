//! # BankTax Chain primitives
//!
//! The vocabulary BankTax Chain's pallets share, in a `no_std` crate that the runtime, the node
//! and clients can all use:
//!
//! - [`Uscc`]: an organisation's unified social credit code (统一社会信用代码, GB 32100-2015),
//!   only ever constructed from a code whose check character is right.
//! - [`Role`]: what an institution is on the chain: tax authority, bank or regulator.
//! - [`InstitutionInspect`]: what other pallets may ask about institutions, without depending on
//!   the institutions pallet itself.
//! - [`NodeAuthorization`]: how the institutions registry tells the network layer which nodes
//!   may join.
//! - [`Period`], [`RecordKind`], [`Rating`]: what a tax record is about, in clear on the chain;
//!   [`RecordInspect`] and [`EnterpriseInspect`]: what other pallets may ask about records and
//!   enterprises.
//! - [`Purpose`], [`DataScope`], [`DisclosureLevel`]: what a consent lets a bank read;
//!   [`ConsentCheck`]: what other pallets may ask about consents.
//! - [`Page`]: how list answers are paged, and how indexes keep numbers so that pages are
//!   cheap ([`index_key`]).
//! - [`sweep`]: how block-start hooks work through queues keyed by block number, bounded.
//! - [`text`]: how byte fields read in JSON.
//! - [`loan`]: amounts, product numbers and what an application's rule proof is bound to.
//! - [`privacy`]: the privacy codec: the canonical record schema, commitments with per-field
//!   disclosure proofs, sealed records and per-recipient key envelopes.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod consent;
mod institution;
pub mod loan;
mod paging;
pub mod privacy;
mod queue;
mod signers;
mod tax;
pub mod text;
mod uscc;

pub use consent::{
	all_distinct, ConsentCheck, ConsentId, DataScope, DisclosureLevel, EndConsents, Kinds, Purpose,
};
pub use institution::{InstitutionInspect, NodeAuthorization, NodeId, Role, MAX_NODE_ID_LEN};
pub use paging::{index_key, page_of, reindex, IndexKey, Page, MAX_PAGE_LIMIT};
pub use queue::{sweep, MAX_SWEEP_STEPS};
pub use signers::{BudgetHolder, SignedBy, Signer, Signers};
pub use tax::{
	EnterpriseInspect, Period, Rating, RecordId, RecordInfo, RecordInspect, RecordKind, FIRST_YEAR,
	LAST_YEAR,
};
pub use uscc::{Uscc, UsccError, USCC_LEN};
