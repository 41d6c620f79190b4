//! The node's own JSON-RPC methods, added to the standard Substrate set (chain, state, author,
//! system, chainHead, …) that polkadot.js and subxt expect: `system_accountNextIndex`, and
//! BankTax Chain's own reads, `banktax_*` (see `banktax_rpc`).

use std::sync::Arc;

use banktax_runtime::{opaque::Block, AccountId, BlockNumber, Nonce};
use jsonrpsee::RpcModule;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};

/// What the RPC methods need from the node.
pub struct FullDeps<C, P> {
	pub client: Arc<C>,
	pub pool: Arc<P>,
}

/// All the node-specific RPC methods.
pub fn create_full<C, P>(
	deps: FullDeps<C, P>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>,
	C: HeaderBackend<Block> + HeaderMetadata<Block, Error = BlockChainError> + 'static,
	C: Send + Sync + 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>,
	C::Api: BlockBuilder<Block>,
	C::Api: banktax_runtime_api::BankTaxApi<Block, AccountId, BlockNumber>,
	P: TransactionPool + 'static,
{
	use crate::banktax_rpc::{BankTax, BankTaxApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let mut module = RpcModule::new(());
	let FullDeps { client, pool } = deps;
	// `system_accountNextIndex`: the next nonce of an account, counting its pooled transactions.
	module.merge(System::new(client.clone(), pool).into_rpc())?;
	// `banktax_*`: profiles, consents, loans, institutions, records and envelopes.
	module.merge(BankTax::new(client).into_rpc())?;
	Ok(module)
}
