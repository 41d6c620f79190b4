//! Work queued by block number, done by a block-start hook a bounded amount at a time.

use sp_runtime::traits::Saturating;

/// Most block numbers a hook walks past in one block. It walks one a block unless work piles
/// up beyond its budget, and then catches up this many at a time.
pub const MAX_SWEEP_STEPS: u32 = 8;

/// Walks a queue keyed by block number, from `cursor` up to `now`, and returns how many block
/// numbers it walked past.
///
/// `next_at(block)` gives an entry queued at `block`, if any. `take(block, entry)` does that
/// entry's work and removes it from the queue, returning `true`; or returns `false` when the
/// hook's budget is spent, leaving the entry, and the walk stops there. The cursor moves past a
/// block number only once nothing is queued at it, so nothing is skipped.
pub fn sweep<B, I>(
	cursor: &mut B,
	now: B,
	mut next_at: impl FnMut(B) -> Option<I>,
	mut take: impl FnMut(B, I) -> bool,
) -> u32
where
	B: Copy + PartialOrd + Saturating + From<u8>,
{
	let mut steps = 0u32;
	while *cursor <= now && steps < MAX_SWEEP_STEPS {
		match next_at(*cursor) {
			Some(entry) => {
				if !take(*cursor, entry) {
					break;
				}
			}
			None => {
				*cursor = cursor.saturating_add(B::from(1));
				steps.saturating_inc();
			}
		}
	}
	steps
}

#[cfg(test)]
mod tests {
	use super::*;
	use alloc::{collections::BTreeMap, vec, vec::Vec};
	use core::cell::RefCell;

	/// A queue of entries by block, and a hook that takes at most `budget` of them a run.
	struct Hook {
		queue: RefCell<BTreeMap<u32, Vec<u32>>>,
		taken: RefCell<Vec<u32>>,
		cursor: u32,
	}

	impl Hook {
		fn run(&mut self, now: u32, budget: u32) -> u32 {
			let left = RefCell::new(budget);
			sweep(
				&mut self.cursor,
				now,
				|block| self.queue.borrow().get(&block).and_then(|e| e.first().copied()),
				|block, entry| {
					if *left.borrow() == 0 {
						return false;
					}
					*left.borrow_mut() -= 1;
					self.taken.borrow_mut().push(entry);
					let mut queue = self.queue.borrow_mut();
					if let Some(entries) = queue.get_mut(&block) {
						entries.retain(|x| *x != entry);
					}
					queue.retain(|_, e| !e.is_empty());
					true
				},
			)
		}
	}

	#[test]
	fn it_takes_what_is_due_in_order_within_the_budget_and_catches_up() {
		let queue = [(2, vec![20, 21]), (3, vec![30]), (9, vec![90])].into_iter().collect();
		let mut hook =
			Hook { queue: RefCell::new(queue), taken: RefCell::new(Vec::new()), cursor: 1 };
		// Up to block 5 with a budget of two: block 2's two entries; the cursor waits at block
		// 3, whose entry is left for the next run.
		assert_eq!(hook.run(5, 2), 2, "blocks 1 and 2 walked past");
		assert_eq!((hook.taken.borrow().clone(), hook.cursor), (vec![20, 21], 3));
		let steps = hook.run(5, 2);
		assert_eq!((hook.taken.borrow().clone(), hook.cursor), (vec![20, 21, 30], 6));
		assert_eq!(steps, 3, "blocks 3, 4 and 5 walked past");
		// A long gap is walked at most MAX_SWEEP_STEPS block numbers at a time.
		let steps = hook.run(100, 2);
		assert_eq!((steps, hook.cursor), (MAX_SWEEP_STEPS, 6 + MAX_SWEEP_STEPS));
		assert_eq!(*hook.taken.borrow(), vec![20, 21, 30, 90]);
		// Nothing due: the cursor passes `now` and stops.
		hook.cursor = 50;
		assert_eq!(hook.run(51, 2), 2);
		assert_eq!(hook.cursor, 52);
	}
}
