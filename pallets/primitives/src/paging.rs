//! Lists answered a page at a time, and the indexes that make a page cheap to read.
//!
//! An index of numbered objects (an enterprise's records, a bank's consents) grows for as long
//! as the chain runs, so no read answers it whole. A [`Page`] names where to start and how many
//! to return; the answer says where the next page starts. Indexes keep each number as an
//! [`IndexKey`] under FRAME's `Identity` hasher: the numbers are the chain's own counters, not
//! chosen by callers, and big-endian keys iterate in numeric order, so a page is one walk of at
//! most `limit + 1` keys from its start, whatever the size of the index.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode};
use scale_info::TypeInfo;

/// Most items one page of a list answer holds: a page of consents or loans stays well under a
/// megabyte of JSON, and one runtime call reads at most this many objects.
pub const MAX_PAGE_LIMIT: u32 = 100;

/// Which part of a list to answer: the items numbered `from` or higher, in ascending order, at
/// most `limit` of them (at most [`MAX_PAGE_LIMIT`]; 0 reads as 1).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Page {
	pub from: u64,
	pub limit: u32,
}

impl Default for Page {
	/// The first page, as long as pages go.
	fn default() -> Self {
		Self { from: 0, limit: MAX_PAGE_LIMIT }
	}
}

impl Page {
	/// How many items this page may hold, within `1..=MAX_PAGE_LIMIT`.
	pub fn size(&self) -> usize {
		self.limit.clamp(1, MAX_PAGE_LIMIT) as usize
	}
}

/// A number as an index keeps it: big-endian, so that keys sort as numbers do.
pub type IndexKey = [u8; 8];

/// The index key of number `id`.
pub fn index_key(id: u64) -> IndexKey {
	id.to_be_bytes()
}

/// Moves an index kept under hashed numbers to ordered keys, for a storage migration: reads
/// every entry of `old` first (both layouts share the index's prefix), then `clear`s it, then
/// `insert`s each number under its [`IndexKey`]. Returns how many entries moved.
pub fn reindex<K>(
	old: impl Iterator<Item = (K, u64)>,
	clear: impl FnOnce(),
	mut insert: impl FnMut(&K, IndexKey),
) -> u64 {
	let entries: Vec<(K, u64)> = old.collect();
	clear();
	for (first, id) in &entries {
		insert(first, index_key(*id));
	}
	entries.len() as u64
}

/// The numbers on `page` of an index, and the number the next page starts at, if there are
/// more. `key_of` gives the full storage key of an entry under the index's prefix (the index's
/// `hashed_key_for`), `keys_after` its keys in order after a storage key (its
/// `iter_key_prefix_from`).
pub fn page_of<I: Iterator<Item = IndexKey>>(
	page: &Page,
	key_of: impl Fn(IndexKey) -> Vec<u8>,
	keys_after: impl FnOnce(Vec<u8>) -> I,
) -> (Vec<u64>, Option<u64>) {
	take_page(keys_after(start_before(key_of, page.from)), page)
}

/// The storage key after which the page starting at `from` begins: the entry just before
/// `from`, or the bare prefix when `from` is 0.
fn start_before(key_of: impl Fn(IndexKey) -> Vec<u8>, from: u64) -> Vec<u8> {
	match from.checked_sub(1) {
		Some(before) => key_of(index_key(before)),
		None => {
			let mut prefix = key_of(index_key(0));
			prefix.truncate(prefix.len().saturating_sub(core::mem::size_of::<IndexKey>()));
			prefix
		}
	}
}

/// The numbers on `page` from `keys` (an index's keys in order, from the page's start), and
/// the number the next page starts at, if there are more.
fn take_page(keys: impl Iterator<Item = IndexKey>, page: &Page) -> (Vec<u64>, Option<u64>) {
	let mut ids: Vec<u64> =
		keys.take(page.size().saturating_add(1)).map(u64::from_be_bytes).collect();
	let next = if ids.len() > page.size() { ids.pop() } else { None };
	(ids, next)
}

#[cfg(test)]
mod tests {
	use super::*;
	use alloc::{collections::BTreeMap, vec};

	/// An index as storage keeps it: prefix ++ key, iterated in byte order after a start key.
	struct Index(BTreeMap<Vec<u8>, ()>);

	const PREFIX: &[u8] = b"prefix";

	impl Index {
		fn of(ids: &[u64]) -> Self {
			Self(ids.iter().map(|id| (Self::key_of(index_key(*id)), ())).collect())
		}
		fn key_of(key: IndexKey) -> Vec<u8> {
			[PREFIX, &key[..]].concat()
		}
		fn page(&self, page: Page) -> (Vec<u64>, Option<u64>) {
			page_of(&page, Self::key_of, |start| {
				self.0
					.range(start.clone()..)
					.map(|(k, _)| k.clone())
					.filter(move |k| *k != start && k.starts_with(PREFIX))
					.map(|k| k[PREFIX.len()..].try_into().expect("8 bytes"))
			})
		}
	}

	#[test]
	fn pages_walk_an_index_in_numeric_order_and_say_where_to_go_on() {
		// 255 and 256 differ in their low byte's order: little-endian keys would swap them.
		let index = Index::of(&[0, 1, 255, 256, 70_000, u64::MAX]);
		assert_eq!(index.page(Page { from: 0, limit: 2 }), (vec![0, 1], Some(255)));
		assert_eq!(index.page(Page { from: 255, limit: 2 }), (vec![255, 256], Some(70_000)));
		assert_eq!(index.page(Page { from: 257, limit: 5 }), (vec![70_000, u64::MAX], None));
		assert_eq!(index.page(Page { from: 2, limit: 1 }), (vec![255], Some(256)));
	}

	#[test]
	fn a_page_is_never_longer_than_the_maximum_nor_empty_by_request() {
		let ids: Vec<u64> = (0..250).collect();
		let index = Index::of(&ids);
		let (page, next) = index.page(Page { from: 0, limit: u32::MAX });
		assert_eq!(page.len(), MAX_PAGE_LIMIT as usize);
		assert_eq!(next, Some(u64::from(MAX_PAGE_LIMIT)));
		assert_eq!(index.page(Page { from: 3, limit: 0 }), (vec![3], Some(4)));
		assert_eq!(Index::of(&[]).page(Page::default()), (vec![], None));
	}

	#[test]
	fn pages_read_in_json_with_defaults() {
		let page: Page = serde_json::from_str(r#"{"from":5}"#).expect("a page");
		assert_eq!(page, Page { from: 5, limit: MAX_PAGE_LIMIT });
		assert!(serde_json::from_str::<Page>(r#"{"start":5}"#).is_err());
	}
}
