//! Benchmarks, each in its worst case: the most products, the most records cited, the longest
//! schedule, the most loans falling due in one block.

use super::*;
use alloc::{vec, vec::Vec};
use banktax_primitives::{
	privacy::{
		claims::{self, Claim, ClaimProof},
		host::rule_proofs,
		pedersen, point_commitment,
		rules::{Rule, Weighted, MAX_MONTHS, MAX_RULES, MAX_SCORE_TERMS},
		FieldKey, Point, RecordHeader, RecordSeed, SCHEMA_VERSION,
	},
	Period, Rating, RecordId, RecordInfo, RecordKind, Uscc,
};
use codec::Decode;
use frame_benchmarking::v2::*;
use frame_support::traits::{Get, Hooks};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_runtime::traits::Saturating;

const RATE: u32 = 435;

fn terms<T: Config>() -> ProductTerms {
	ProductTerms {
		ratings: vec![Rating::A, Rating::B, Rating::M].try_into().unwrap_or_default(),
		max_amount: T::MaxAmount::get(),
		max_term_months: T::MaxTermMonths::get().try_into().unwrap_or(u16::MAX),
		min_rate_bps: 0,
		max_rate_bps: 10_000,
		style: RepaymentStyle::EqualInstalments,
		// Room for every loan the benchmarks pay out.
		exposure_cap: Amount::MAX,
		default_after_days: 90,
		rules: Default::default(),
		automatic: None,
	}
}

/// The most a product may state: `MAX_RULES` rules, the largest scorecards, and monthly rules
/// up to the most claims a proof carries.
fn largest_rules() -> ProductRules {
	let weights = FieldKey::catalogue(RecordKind::AnnualSummary)
		.iter()
		.cycle()
		.take(MAX_SCORE_TERMS as usize)
		.map(|field| Weighted { field: *field, weight: -10_000 })
		.collect::<Vec<_>>();
	let scorecard = Rule::Scorecard {
		kind: RecordKind::AnnualSummary,
		weights: weights.try_into().unwrap_or_default(),
		threshold: i64::MIN,
	};
	let monthly = Rule::EachMonthAtLeast {
		kind: RecordKind::VatReturn,
		field: FieldKey::TaxPaid,
		months: MAX_MONTHS,
		threshold: u64::MAX,
	};
	let mut rules = vec![monthly.clone(), monthly];
	rules.resize(MAX_RULES as usize, scorecard);
	rules.try_into().unwrap_or_default()
}

/// `records` annual summaries of one enterprise, as the chain knows them, with their points.
fn summaries_with_points(records: u32) -> Result<(Vec<RecordInfo>, Vec<Point>), BenchmarkError> {
	let enterprise =
		Uscc::parse(b"91350100M000100Y43").map_err(|_| BenchmarkError::Stop("a valid code"))?;
	let mut infos = Vec::new();
	let mut all = Vec::new();
	for n in 0..records {
		let seed = RecordSeed([n as u8; 32]);
		let points = FieldKey::catalogue(RecordKind::AnnualSummary)
			.iter()
			.map(|key| pedersen::commit(u64::MAX - u64::from(n), &seed.blinding(*key)))
			.collect::<Option<Vec<_>>>()
			.ok_or(BenchmarkError::Stop("figures commit"))?;
		let header = RecordHeader {
			schema_version: SCHEMA_VERSION,
			enterprise,
			period: Period::Year(2015 + n as u16),
			kind: RecordKind::AnnualSummary,
			rating: Some(Rating::A),
		};
		let commitment =
			point_commitment(&header, &points).ok_or(BenchmarkError::Stop("a commitment"))?;
		infos.push(RecordInfo {
			enterprise,
			period: header.period,
			kind: header.kind,
			rating: header.rating,
			schema_version: SCHEMA_VERSION,
			commitment,
			current: true,
		});
		all.extend(points);
	}
	Ok((infos, all))
}

/// The bank's product, published.
fn product<T: Config>(bank: &T::AccountId) -> Result<ProductId, BenchmarkError> {
	let id = NextProductId::<T>::get();
	Pallet::<T>::publish_product(RawOrigin::Signed(bank.clone()).into(), terms::<T>())?;
	Ok(id)
}

/// The `n`th enterprise applies to `product` for the largest amount over `months`; returns the
/// loan, its controller and the records its consent covers.
fn applied<T: Config>(
	n: u32,
	bank: &T::AccountId,
	product: ProductId,
	months: u16,
	records: u32,
) -> Result<(LoanId, T::AccountId, Vec<RecordId>), BenchmarkError> {
	let controller: T::AccountId = account("controller", n, 0);
	let records = T::BenchmarkHelper::consenting_enterprise(&controller, bank, records)?;
	let summary = *records.first().ok_or(BenchmarkError::Stop("no summary"))?;
	let id = NextLoanId::<T>::get();
	Pallet::<T>::apply_for_loan(
		RawOrigin::Signed(controller.clone()).into(),
		product,
		T::MaxAmount::get(),
		months,
		summary,
		None,
	)?;
	Ok((id, controller, records))
}

fn offer_expiry<T: Config>() -> BlockNumberFor<T> {
	frame_system::Pallet::<T>::block_number().saturating_add(T::MaxOfferValidity::get())
}

/// The `n`th enterprise's loan over `months`, approved and accepted.
fn accepted<T: Config>(
	n: u32,
	bank: &T::AccountId,
	product: ProductId,
	months: u16,
) -> Result<LoanId, BenchmarkError> {
	let (loan, controller, records) = applied::<T>(n, bank, product, months, 1)?;
	Pallet::<T>::approve_loan(
		RawOrigin::Signed(bank.clone()).into(),
		loan,
		T::MaxAmount::get(),
		RATE,
		months,
		offer_expiry::<T>(),
		records,
	)?;
	Pallet::<T>::accept_offer(RawOrigin::Signed(controller).into(), loan)?;
	Ok(loan)
}

/// The `n`th enterprise's loan over `months`, paid out.
fn disbursed<T: Config>(
	n: u32,
	bank: &T::AccountId,
	product: ProductId,
	months: u16,
) -> Result<LoanId, BenchmarkError> {
	let loan = accepted::<T>(n, bank, product, months)?;
	Pallet::<T>::record_disbursement(RawOrigin::Signed(bank.clone()).into(), loan)?;
	Ok(loan)
}

fn set_state<T: Config>(loan: LoanId, state: LoanStateOf<T>) {
	Loans::<T>::mutate(loan, |entry| {
		if let Some(entry) = entry {
			entry.state = state;
		}
	});
}

fn longest_term<T: Config>() -> u16 {
	T::MaxTermMonths::get().try_into().unwrap_or(u16::MAX)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn publish_product() -> Result<(), BenchmarkError> {
		let bank = T::BenchmarkHelper::bank();
		for _ in 1..T::MaxProductsPerBank::get() {
			product::<T>(&bank)?;
		}
		let id = NextProductId::<T>::get();

		let terms = ProductTerms { rules: largest_rules(), ..terms::<T>() };

		#[extrinsic_call]
		_(RawOrigin::Signed(bank), terms);

		assert!(Products::<T>::contains_key(id));
		Ok(())
	}

	#[benchmark]
	fn retire_product() -> Result<(), BenchmarkError> {
		let bank = T::BenchmarkHelper::bank();
		let id = product::<T>(&bank)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(bank), id);

		assert!(Products::<T>::get(id).is_some_and(|p| p.retired));
		Ok(())
	}

	#[benchmark]
	fn apply_for_loan() -> Result<(), BenchmarkError> {
		let bank = T::BenchmarkHelper::bank();
		let product = product::<T>(&bank)?;
		let controller: T::AccountId = account("controller", 0, 0);
		let records = T::BenchmarkHelper::consenting_enterprise(&controller, &bank, 1)?;
		let summary = *records.first().ok_or(BenchmarkError::Stop("no summary"))?;

		#[extrinsic_call]
		_(
			RawOrigin::Signed(controller),
			product,
			T::MaxAmount::get(),
			longest_term::<T>(),
			summary,
			None,
		);

		assert!(Loans::<T>::contains_key(0));
		Ok(())
	}

	#[benchmark]
	fn withdraw_application() -> Result<(), BenchmarkError> {
		let bank = T::BenchmarkHelper::bank();
		let product = product::<T>(&bank)?;
		let (loan, controller, _) = applied::<T>(0, &bank, product, longest_term::<T>(), 1)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(controller), loan);

		assert!(matches!(
			Loans::<T>::get(loan).map(|l| l.state),
			Some(LoanState::Withdrawn { .. })
		));
		Ok(())
	}

	#[benchmark]
	fn approve_loan(r: Linear<1, MAX_DECISION_RECORDS>) -> Result<(), BenchmarkError> {
		let bank = T::BenchmarkHelper::bank();
		let product = product::<T>(&bank)?;
		let months = longest_term::<T>();
		let (loan, _, records) = applied::<T>(0, &bank, product, months, r)?;

		#[extrinsic_call]
		_(
			RawOrigin::Signed(bank),
			loan,
			T::MaxAmount::get(),
			RATE,
			months,
			offer_expiry::<T>(),
			records,
		);

		assert_eq!(Loans::<T>::get(loan).map(|l| l.state), Some(LoanState::Approved));
		Ok(())
	}

	#[benchmark]
	fn reject_loan() -> Result<(), BenchmarkError> {
		let bank = T::BenchmarkHelper::bank();
		let product = product::<T>(&bank)?;
		let (loan, _, _) = applied::<T>(0, &bank, product, longest_term::<T>(), 1)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(bank), loan, RejectionReason::IncompleteData);

		assert!(matches!(Loans::<T>::get(loan).map(|l| l.state), Some(LoanState::Rejected { .. })));
		Ok(())
	}

	#[benchmark]
	fn accept_offer() -> Result<(), BenchmarkError> {
		let bank = T::BenchmarkHelper::bank();
		let product = product::<T>(&bank)?;
		let months = longest_term::<T>();
		let (loan, controller, records) = applied::<T>(0, &bank, product, months, 1)?;
		Pallet::<T>::approve_loan(
			RawOrigin::Signed(bank).into(),
			loan,
			T::MaxAmount::get(),
			RATE,
			months,
			offer_expiry::<T>(),
			records,
		)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(controller), loan);

		assert!(matches!(Loans::<T>::get(loan).map(|l| l.state), Some(LoanState::Accepted { .. })));
		Ok(())
	}

	#[benchmark]
	fn record_disbursement(
		m: Linear<1, { T::MaxTermMonths::get() }>,
	) -> Result<(), BenchmarkError> {
		let bank = T::BenchmarkHelper::bank();
		let product = product::<T>(&bank)?;
		let loan = accepted::<T>(0, &bank, product, m.try_into().unwrap_or(1))?;

		#[extrinsic_call]
		_(RawOrigin::Signed(bank), loan);

		assert_eq!(Schedules::<T>::get(loan).map(|s| s.len() as u32), Some(m));
		Ok(())
	}

	/// A repayment of everything still owed on an `m`-month loan: it walks the whole schedule
	/// and closes the loan.
	#[benchmark]
	fn record_repayment(m: Linear<1, { T::MaxTermMonths::get() }>) -> Result<(), BenchmarkError> {
		let bank = T::BenchmarkHelper::bank();
		let product = product::<T>(&bank)?;
		let loan = disbursed::<T>(0, &bank, product, m.try_into().unwrap_or(1))?;
		let (principal, interest) = Schedules::<T>::get(loan)
			.map(|plan| plan.iter().fold((0, 0), |(p, i), s| (p + s.principal, i + s.interest)))
			.unwrap_or_default();

		#[extrinsic_call]
		_(RawOrigin::Signed(bank), loan, principal, interest);

		assert!(matches!(Loans::<T>::get(loan).map(|l| l.state), Some(LoanState::Closed { .. })));
		Ok(())
	}

	#[benchmark]
	fn declare_default() -> Result<(), BenchmarkError> {
		let bank = T::BenchmarkHelper::bank();
		let product = product::<T>(&bank)?;
		let loan = disbursed::<T>(0, &bank, product, longest_term::<T>())?;
		let past_due = BlocksPerDay::<T>::get().saturating_mul(90u32.into());
		let now = frame_system::Pallet::<T>::block_number().saturating_add(past_due);
		frame_system::Pallet::<T>::set_block_number(now);
		set_state::<T>(loan, LoanState::Overdue { since: now.saturating_sub(past_due) });

		#[extrinsic_call]
		_(RawOrigin::Signed(bank), loan);

		assert!(matches!(
			Loans::<T>::get(loan).map(|l| l.state),
			Some(LoanState::Defaulted { .. })
		));
		Ok(())
	}

	#[benchmark]
	fn write_off() -> Result<(), BenchmarkError> {
		let bank = T::BenchmarkHelper::bank();
		let product = product::<T>(&bank)?;
		let loan = disbursed::<T>(0, &bank, product, longest_term::<T>())?;
		let now = frame_system::Pallet::<T>::block_number();
		set_state::<T>(loan, LoanState::Defaulted { at: now });

		#[extrinsic_call]
		_(RawOrigin::Signed(bank), loan);

		assert!(matches!(
			Loans::<T>::get(loan).map(|l| l.state),
			Some(LoanState::WrittenOff { .. })
		));
		Ok(())
	}

	/// The block-start hook finding `n` loans with an instalment unpaid at their due block.
	#[benchmark]
	fn check_dues(n: Linear<1, { T::MaxDueChecksPerBlock::get() }>) -> Result<(), BenchmarkError> {
		let bank = T::BenchmarkHelper::bank();
		let product = product::<T>(&bank)?;
		let mut loans = Vec::new();
		for i in 0..n {
			loans.push(disbursed::<T>(i, &bank, product, longest_term::<T>())?);
		}
		let due = Schedules::<T>::get(0)
			.and_then(|plan| plan.first().map(|i| i.due))
			.ok_or(BenchmarkError::Stop("no schedule"))?;
		frame_system::Pallet::<T>::set_block_number(due);
		DueCursor::<T>::put(due);

		#[block]
		{
			Pallet::<T>::on_initialize(due);
		}

		for loan in loans {
			assert!(matches!(
				Loans::<T>::get(loan).map(|l| l.state),
				Some(LoanState::Overdue { .. })
			));
		}
		Ok(())
	}

	/// The block-start hook in a block where nothing falls due.
	#[benchmark]
	fn check_nothing_due() {
		let now = frame_system::Pallet::<T>::block_number();
		DueCursor::<T>::put(now);

		#[block]
		{
			Pallet::<T>::on_initialize(now);
		}

		assert_eq!(DueCursor::<T>::get(), now.saturating_add(1u32.into()));
	}

	/// Verifying a rule proof of `m` claims (one aggregated range proof of `m` 64-bit values,
	/// from the vectors of `banktax-primitives`) in the runtime: what an application that
	/// carries a proof of `m` rule claims will cost to check.
	#[benchmark]
	fn verify_rule_proof(m: Linear<1, { claims::MAX_CLAIMS }>) -> Result<(), BenchmarkError> {
		let Aggregate { binding, claims, points, proof } = aggregate_vectors(m)?;
		let points: Vec<Point> =
			points.chunks_exact(32).filter_map(|point| point.try_into().ok()).collect();
		let claims = Vec::<Claim>::decode(&mut &claims[..])
			.map_err(|_| BenchmarkError::Stop("the vectors' claims decode"))?;
		let proof = ClaimProof(proof);
		let verified;

		#[block]
		{
			verified = claims::verify(&binding, &claims, &points, &proof);
		}

		verified.map_err(|_| BenchmarkError::Stop("the vectors' proof verifies"))
	}

	/// The same proofs checked by the node, natively, through the `rule_proofs` host function:
	/// what the runtime pays when it calls the host instead of verifying in wasm.
	#[benchmark]
	fn verify_rule_proof_on_host(
		m: Linear<1, { claims::MAX_CLAIMS }>,
	) -> Result<(), BenchmarkError> {
		let Aggregate { binding, claims, points, proof } = aggregate_vectors(m)?;
		let verified;

		#[block]
		{
			verified = rule_proofs::verify_claims(&binding, &claims, &points, &proof);
		}

		verified.then_some(()).ok_or(BenchmarkError::Stop("the vectors' proof verifies"))
	}

	/// Recomputing the commitments of `r` records (the kind with the most figures) from the
	/// points an application carries: what a proof-carrying application costs besides the
	/// proof.
	#[benchmark]
	fn check_points(r: Linear<1, MAX_EVIDENCE_RECORDS>) -> Result<(), BenchmarkError> {
		let (infos, points) = summaries_with_points(r)?;
		let named;

		#[block]
		{
			named = crate::evidence::check_points(&infos, &points);
		}

		named.map(drop).ok_or(BenchmarkError::Stop("the points make the commitments"))
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}

/// The rule-proof vectors, made and checked by `banktax-primitives`' tests.
const CLAIM_VECTORS: &str = include_str!("../../primitives/vectors/claims-v1.txt");

/// The vectors' aggregate of `m` claims, as bytes.
struct Aggregate {
	binding: Vec<u8>,
	/// SCALE of the claims.
	claims: Vec<u8>,
	/// 32 bytes each.
	points: Vec<u8>,
	proof: Vec<u8>,
}

fn aggregate_vectors(m: u32) -> Result<Aggregate, BenchmarkError> {
	Ok(Aggregate {
		binding: claim_vector("binding")?,
		claims: claim_vector(&alloc::format!("aggregate_{m}_claims"))?,
		points: claim_vector("points")?,
		proof: claim_vector(&alloc::format!("aggregate_{m}_proof"))?,
	})
}

/// The bytes of rule-proof vector `name`.
fn claim_vector(name: &str) -> Result<Vec<u8>, BenchmarkError> {
	let line = CLAIM_VECTORS
		.lines()
		.find_map(|line| line.strip_prefix(name).and_then(|rest| rest.strip_prefix(": ")))
		.ok_or(BenchmarkError::Stop("a rule-proof vector is missing"))?;
	let digit = |c: u8| char::from(c).to_digit(16).and_then(|d| u8::try_from(d).ok());
	line.as_bytes()
		.chunks_exact(2)
		.map(|pair| match pair {
			[high, low] => Some(digit(*high)? << 4 | digit(*low)?),
			_ => None,
		})
		.collect::<Option<Vec<u8>>>()
		.ok_or(BenchmarkError::Stop("a rule-proof vector is not hex"))
}
