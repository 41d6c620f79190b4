//! The points an application carries, checked against the record commitments on chain.
//!
//! A rule proof is about Pedersen points, and the chain keeps only each record's commitment, a
//! Merkle root over its points bound to its public header. The application carries every point
//! of every record it names; recomputing each root from them proves that the points are the
//! record's, figure by figure. A record's unused points are the siblings its used points need.

use alloc::vec::Vec;
use banktax_primitives::{
	privacy::{
		point_commitment,
		rules::{named_records, NamedRecord},
		FieldKey, Point, RecordHeader,
	},
	RecordInfo,
};

/// The records `infos` as the rules name them, if `points` holds exactly their points, record
/// by record in catalogue order, and they make each record's commitment.
pub fn check_points(infos: &[RecordInfo], points: &[Point]) -> Option<Vec<NamedRecord>> {
	let mut rest = points;
	for info in infos {
		let (own, tail) = rest.split_at_checked(FieldKey::catalogue(info.kind).len())?;
		rest = tail;
		let header = RecordHeader {
			schema_version: info.schema_version,
			enterprise: info.enterprise,
			period: info.period,
			kind: info.kind,
			rating: info.rating,
		};
		if point_commitment(&header, own) != Some(info.commitment) {
			return None;
		}
	}
	if !rest.is_empty() {
		return None;
	}
	named_records(infos.iter().map(|info| (info.kind, info.period))).ok()
}
