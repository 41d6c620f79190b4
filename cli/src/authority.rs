//! `banktax authority`: what a tax authority does on the chain: register enterprises, attest
//! sealed records, and deliver key envelopes to the banks enterprises consent to.

use crate::{
	chain::{parse_account, Chain, Connection, Signing},
	envelope::{enterprise_of, read_sealed, seal_for},
	record::FormatArg,
	to_hex, CliResult,
};
use banktax_primitives::privacy::SealedRecord;
use banktax_primitives::{privacy::FieldKey, ConsentId, DisclosureLevel, Page, Uscc};
use banktax_runtime::{AccountId, BlockNumber, Runtime, RuntimeCall, RuntimeEvent};
use banktax_runtime_api::{ConsentDetail, InstitutionView, Paged, RecordMeta};
use clap::Subcommand;
use pallet_consent::ConsentState;
use pallet_tax_records::{Attestation, BatchedRecord, RecordStatus};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum AuthorityCommand {
	/// Registers an enterprise and the accounts that act for it.
	RegisterEnterprise {
		/// Its unified social credit code.
		#[arg(long)]
		uscc: String,
		/// An account that may act for it (SS58); repeat for more.
		#[arg(long = "controller", required = true)]
		controllers: Vec<String>,
		#[command(flatten)]
		signing: Signing,
	},
	/// Seals a record file, keeps the secret part in `--keep`, and attests the record on chain.
	Attest {
		/// The record, as JSON (see `banktax record --help`).
		file: PathBuf,
		/// Where to keep the data key, seed and figures: needed to deliver envelopes later.
		#[arg(long)]
		keep: PathBuf,
		#[command(flatten)]
		format: FormatArg,
		#[command(flatten)]
		signing: Signing,
	},
	/// Seals many record files and attests them in one transaction (`attestRecords`): a
	/// bureau's bulk upload. All are attested or none. Each record's secret part is kept in
	/// `--keep-dir`, as `<file name>.sealed.json`.
	AttestBatch {
		/// The records, as JSON (see `banktax record --help`); sorted by enterprise, a batch
		/// costs less.
		#[arg(required = true)]
		files: Vec<PathBuf>,
		/// The directory for what `attest --keep` would keep of each record.
		#[arg(long)]
		keep_dir: PathBuf,
		#[command(flatten)]
		format: FormatArg,
		#[command(flatten)]
		signing: Signing,
	},
	/// Runs the tax bureau's delivery service: follows new blocks and delivers what
	/// consents and enterprises' keys call for, from the kept records, until stopped.
	Serve(crate::serve::ServeArgs),
	/// Delivers kept records to their enterprises, in one transaction: each record's data key
	/// sealed to the key its enterprise registered (`enterprise register-key`).
	DeliverOpenings {
		/// What `attest --keep` kept for a record; repeat for more records.
		#[arg(long = "sealed", required = true)]
		sealed: Vec<PathBuf>,
		#[command(flatten)]
		signing: Signing,
	},
	/// Delivers, for each kept record, an envelope to the consent's bank: the data key for a
	/// consent to whole records, the chosen fields for a consent to fields.
	Deliver {
		#[arg(long)]
		consent: ConsentId,
		/// What `attest --keep` kept for a record; repeat for more records.
		#[arg(long = "sealed", required = true)]
		sealed: Vec<PathBuf>,
		#[command(flatten)]
		signing: Signing,
	},
}

pub async fn run(connection: &Connection, command: AuthorityCommand) -> CliResult<Value> {
	let chain = Chain::connect(connection).await?;
	match command {
		AuthorityCommand::RegisterEnterprise { uscc, controllers, signing } => {
			let uscc = crate::parse_uscc(&uscc)?;
			let controllers =
				controllers.iter().map(|c| parse_account(c)).collect::<CliResult<Vec<_>>>()?;
			let call = RuntimeCall::TaxRecords(pallet_tax_records::Call::register_enterprise {
				uscc: *uscc.as_bytes(),
				controllers,
			});
			let included = chain.submit(&signing, call).await?;
			Ok(included.report(json!({ "enterprise": uscc })))
		}
		AuthorityCommand::Attest { file, keep, format, signing } => {
			attest(&chain, &file, &keep, format, &signing).await
		}
		AuthorityCommand::AttestBatch { files, keep_dir, format, signing } => {
			attest_batch(&chain, &files, &keep_dir, format, &signing).await
		}
		AuthorityCommand::Deliver { consent, sealed, signing } => {
			deliver(&chain, consent, &sealed, &signing).await
		}
		AuthorityCommand::Serve(args) => crate::serve::serve(&chain, args).await,
		AuthorityCommand::DeliverOpenings { sealed, signing } => {
			deliver_openings(&chain, &sealed, &signing).await
		}
	}
}

async fn deliver_openings(
	chain: &Chain,
	sealed: &[PathBuf],
	signing: &Signing,
) -> CliResult<Value> {
	let mut deliveries = Vec::new();
	for path in sealed {
		let kept = read_sealed(path)?;
		let commitment = kept.commitment()?;
		let enterprise = enterprise_of(&kept)?;
		let record = current_record(chain, &commitment, enterprise)
			.await
			.map_err(|e| format!("{}: {e}", path.display()))?;
		let key: [u8; 32] = chain
			.storage(pallet_tax_records::EnterpriseKeys::<Runtime>::hashed_key_for(enterprise))
			.await?
			.ok_or(format!("{enterprise} has registered no encryption key"))?;
		let (_, envelope) = seal_for(&kept, &key, None)?;
		let envelope = envelope.try_into().map_err(|_| "the envelope is too long")?;
		deliveries.push((record.id, envelope));
	}
	let records: Vec<_> = deliveries.iter().map(|(id, _)| *id).collect();
	let deliveries = deliveries.try_into().map_err(|_| "too many records for one transaction")?;
	let call = RuntimeCall::TaxRecords(pallet_tax_records::Call::deliver_openings { deliveries });
	let included = chain.submit(signing, call).await?;
	Ok(included.report(json!({ "delivered": records })))
}

async fn attest(
	chain: &Chain,
	file: &Path,
	keep: &Path,
	format: FormatArg,
	signing: &Signing,
) -> CliResult<Value> {
	let sealed = crate::record::seal_file(file, format)?;
	keep_secret(keep, &crate::record::sealed_json(&sealed)?)?;
	let record = batched(&sealed);
	let call = RuntimeCall::TaxRecords(pallet_tax_records::Call::attest_record {
		uscc: record.uscc,
		period: record.period,
		kind: record.kind,
		attestation: record.attestation,
	});
	let included = chain.submit(signing, call).await?;
	let record = included.find(attested)?;
	Ok(included.report(json!({
		"record": record,
		"enterprise": sealed.header.enterprise,
		"commitment": to_hex(&sealed.commitment),
		"kept": keep.display().to_string(),
	})))
}

async fn attest_batch(
	chain: &Chain,
	files: &[PathBuf],
	keep_dir: &Path,
	format: FormatArg,
	signing: &Signing,
) -> CliResult<Value> {
	std::fs::create_dir_all(keep_dir)
		.map_err(|e| format!("cannot make {}: {e}", keep_dir.display()))?;
	let mut kept = Vec::new();
	let mut records = Vec::new();
	for file in files {
		let sealed = crate::record::seal_file(file, format)?;
		let name = file.file_name().ok_or_else(|| format!("{} is not a file", file.display()))?;
		let keep = keep_dir.join(format!("{}.sealed.json", name.to_string_lossy()));
		if kept.iter().any(|(other, _): &(PathBuf, _)| *other == keep) {
			return Err(format!("two record files are named {}", name.to_string_lossy()));
		}
		records.push(batched(&sealed));
		kept.push((keep, sealed));
	}
	let records = records.try_into().map_err(|_| "more records than one batch may hold")?;
	// Kept before sending: a record on chain whose key was lost could never be delivered.
	for (keep, sealed) in &kept {
		keep_secret(keep, &crate::record::sealed_json(sealed)?)?;
	}
	let call = RuntimeCall::TaxRecords(pallet_tax_records::Call::attest_records { records });
	let included = chain.submit(signing, call).await?;
	let ids: Vec<_> = included.events.iter().filter_map(attested).collect();
	if ids.len() != kept.len() {
		return Err("the block does not hold an attestation for every record".into());
	}
	let attested: Vec<Value> = kept
		.iter()
		.zip(ids)
		.map(|((keep, sealed), record)| {
			json!({
				"record": record,
				"enterprise": sealed.header.enterprise,
				"commitment": to_hex(&sealed.commitment),
				"kept": keep.display().to_string(),
			})
		})
		.collect();
	Ok(included.report(json!({ "records": attested })))
}

/// A sealed record as the chain's attestation calls take it.
pub(crate) fn batched(sealed: &SealedRecord) -> BatchedRecord {
	let header = &sealed.header;
	BatchedRecord {
		uscc: *header.enterprise.as_bytes(),
		period: header.period,
		kind: header.kind,
		attestation: Attestation {
			schema_version: header.schema_version,
			rating: header.rating,
			commitment: sealed.commitment,
			ciphertext: sealed.ciphertext.clone(),
		},
	}
}

fn attested(event: &RuntimeEvent) -> Option<banktax_primitives::RecordId> {
	match event {
		RuntimeEvent::TaxRecords(pallet_tax_records::Event::RecordAttested { record, .. }) => {
			Some(*record)
		}
		_ => None,
	}
}

/// Writes what only the tax authority may hold, readable by its owner only.
pub(crate) fn keep_secret(path: &Path, sealed: &Value) -> CliResult<()> {
	let text = serde_json::to_string_pretty(sealed).map_err(|e| e.to_string())?;
	if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
		std::fs::create_dir_all(dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
	}
	crate::secrets::write_private(path, &text)
}

async fn deliver(
	chain: &Chain,
	id: ConsentId,
	sealed: &[PathBuf],
	signing: &Signing,
) -> CliResult<Value> {
	let detail: Option<ConsentDetail<AccountId, BlockNumber>> =
		chain.runtime_call("BankTaxApi_consent", id).await?;
	let consent = detail.ok_or(format!("there is no consent {id}"))?.view;
	if consent.state != ConsentState::Active {
		return Err(format!("consent {id} is not in force: {:?}", consent.state));
	}
	let consent = consent.consent;
	let fields: Option<Vec<FieldKey>> = match &consent.disclosure {
		DisclosureLevel::WholeRecords => None,
		DisclosureLevel::ChosenFields(keys) => Some(keys.to_vec()),
		DisclosureLevel::RuleAnswersOnly => {
			return Err(format!("consent {id} allows answers to rules only: no figures to deliver"))
		}
	};
	let key = bank_key(chain, &consent.bank).await?;
	let mut delivered = Vec::new();
	for path in sealed {
		let kept = read_sealed(path)?;
		let record = current_record(chain, &kept.commitment()?, consent.enterprise)
			.await
			.map_err(|e| format!("{}: {e}", path.display()))?;
		if !consent.scope.covers(record.kind, &record.period) {
			return Err(format!(
				"record {} ({}) is outside consent {id}'s scope",
				record.id,
				path.display()
			));
		}
		let (content, envelope) = seal_for(&kept, &key, fields.as_deref())?;
		let call = RuntimeCall::Consent(pallet_consent::Call::deliver_envelope {
			consent: id,
			bank: consent.bank.clone(),
			record: record.id,
			envelope,
		});
		let included = chain.submit(signing, call).await?;
		delivered.push(included.report(json!({ "record": record.id, "content": content })));
	}
	Ok(json!({ "consent": id, "delivered": delivered }))
}

/// The registered encryption key of the active institution whose account is `bank`.
async fn bank_key(chain: &Chain, bank: &AccountId) -> CliResult<[u8; 32]> {
	let institutions: Vec<InstitutionView<AccountId, BlockNumber>> =
		chain.runtime_call("BankTaxApi_institutions", ()).await?;
	institutions
		.into_iter()
		.find(|i| {
			&i.institution.governance == bank
				&& i.institution.status == pallet_institutions::Status::Active
		})
		.map(|i| i.institution.encryption_key)
		.ok_or_else(|| "the consent's bank is not an active institution".into())
}

/// The enterprise's current record attested with `commitment`, looked for a page at a time.
pub async fn current_record(
	chain: &Chain,
	commitment: &[u8; 32],
	enterprise: Uscc,
) -> CliResult<RecordMeta<AccountId, BlockNumber>> {
	let mut page = Page::default();
	loop {
		let records: Paged<RecordMeta<AccountId, BlockNumber>> =
			chain.runtime_call("BankTaxApi_records_of", (enterprise, page)).await?;
		let found = records
			.items
			.into_iter()
			.find(|r| &r.commitment == commitment && r.status == RecordStatus::Current);
		match (found, records.next) {
			(Some(record), _) => return Ok(record),
			(None, Some(next)) => page.from = next,
			(None, None) => {
				return Err(format!(
					"no current record of {enterprise} has the commitment {}",
					to_hex(commitment)
				))
			}
		}
	}
}
