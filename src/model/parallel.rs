//! Work over many cells on every core: threads take the next few cells until none are left,
//! and the results come back in input order, so the output does not depend on the threads.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Cells a thread takes at a time: enough to make taking them cheap, few enough that the
/// threads finish together.
const BATCH: usize = 8;

/// `f(index, item)` for every item, on up to as many threads as the machine has cores;
/// results in input order.
pub fn map_cells<T: Sync, R: Send>(items: &[T], f: impl Fn(usize, &T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len().div_ceil(BATCH));
    if threads <= 1 {
        return items.iter().enumerate().map(|(i, t)| f(i, t)).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let start = next.fetch_add(BATCH, Ordering::Relaxed);
            if start >= items.len() {
                return done;
            }
            let end = (start + BATCH).min(items.len());
            done.extend((start..end).map(|i| (i, f(i, &items[i]))));
        }
    };
    let mut results: Vec<(usize, R)> = std::thread::scope(|s| {
        let helpers: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
        let mut all = work();
        for h in helpers {
            all.extend(h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        }
        all
    });
    results.sort_unstable_by_key(|r| r.0);
    results.into_iter().map(|r| r.1).collect()
}

#[cfg(test)]
mod tests {
    use super::map_cells;

    #[test]
    fn results_come_back_in_input_order() {
        let items: Vec<u64> = (0..1000).collect();
        let got = map_cells(&items, |i, x| (i as u64) * 1000 + x * x);
        let want: Vec<u64> = (0..1000).map(|i| i * 1000 + i * i).collect();
        assert_eq!(got, want);
        assert_eq!(map_cells(&[] as &[u64], |_, x| *x), Vec::<u64>::new());
    }
}
