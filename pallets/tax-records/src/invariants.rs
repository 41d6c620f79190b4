//! What must hold of the register's storage after every block: checked by `try-runtime` on
//! live state (`try_state`) and by the unit tests after their call sequences.

use crate::{
	Config, ControllerOf, CurrentRecords, Enterprises, Pallet, Ratings, RecordStatus, Records,
	RecordsOf,
};
use banktax_primitives::{
	index_key,
	privacy::{check_envelope_form, check_sealed_record_form},
};
use frame_support::{ensure, traits::Get};
use sp_runtime::TryRuntimeError;

impl<T: Config> Pallet<T> {
	/// Every record is in its enterprise's index and nothing else is, and its sealed bytes have
	/// the form (and, in format 2, the one length) of its format and kind; each enterprise's record
	/// count is its current records, within its cap; the current records and ratings name
	/// current records of their enterprise, period and kind; each controller acts for an
	/// enterprise that lists it; every envelope delivered to an enterprise is for a record and
	/// of that record's envelope form.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let mut records = 0usize;
		for (id, record) in Records::<T>::iter() {
			records += 1;
			ensure!(
				RecordsOf::<T>::contains_key(record.enterprise, index_key(id)),
				"a record is missing from its enterprise's index"
			);
			let form =
				check_sealed_record_form(&record.ciphertext, record.schema_version, record.kind);
			ensure!(form.is_ok(), "a sealed record is not of its format's form and length");
		}
		ensure!(
			RecordsOf::<T>::iter_keys().count() == records,
			"the index names a record that does not exist"
		);
		for (code, enterprise) in Enterprises::<T>::iter() {
			let current = CurrentRecords::<T>::iter_prefix(code).count();
			ensure!(
				current == enterprise.record_count as usize,
				"a record count is not the current records"
			);
			ensure!(
				enterprise.record_count <= T::MaxRecordsPerEnterprise::get(),
				"an enterprise has more current records than its cap"
			);
		}
		for (code, (period, kind), id) in CurrentRecords::<T>::iter() {
			ensure!(
				Records::<T>::get(id)
					.is_some_and(|r| r.enterprise == code
						&& r.period == period
						&& r.kind == kind && r.status == RecordStatus::Current),
				"a current record is not a current record of its enterprise, period and kind"
			);
		}
		for (code, year, (rating, id)) in Ratings::<T>::iter() {
			ensure!(
				Records::<T>::get(id).is_some_and(|r| r.enterprise == code
					&& r.period.year() == year
					&& r.rating == Some(rating)
					&& r.status == RecordStatus::Current),
				"a rating is not that of a current annual summary"
			);
		}
		for (controller, code) in ControllerOf::<T>::iter() {
			ensure!(
				Enterprises::<T>::get(code).is_some_and(|e| e.controllers.contains(&controller)),
				"a controller acts for an enterprise that does not list it"
			);
		}
		for (id, own) in crate::OwnEnvelopes::<T>::iter() {
			let record = Records::<T>::get(id).ok_or("an own envelope is kept for no record")?;
			ensure!(
				check_envelope_form(&own.envelope, record.schema_version, record.kind).is_ok(),
				"an own envelope is not of the form of its record's envelopes"
			);
		}
		Ok(())
	}
}
