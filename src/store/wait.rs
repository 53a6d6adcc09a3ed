//! Waiting for another process that holds the workspace: SQLite's busy handler, with a notice
//! for whoever is looking and a way to give up.
//!
//! A workspace is a rollback-journal SQLite file: an import holds it exclusively while it
//! writes (from its first spilled page to its commit), and a commit waits for the readers in
//! flight. SQLite answers `SQLITE_BUSY` to whoever finds it held; the handler here retries
//! with a growing pause, tells the user once that it is waiting (stderr for the CLI, the status
//! line in the TUI) and gives up after a limit (`PRICEBENCH_LOCK_TIMEOUT` seconds, default
//! 600) or when cancelled (the TUI quitting, or replacing the job).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a wait lasts before the notice: short waits (a reader between two statements of
/// another process) pass unannounced.
const NOTICE_AFTER: Duration = Duration::from_millis(300);

/// The longest pause between two tries.
const MAX_PAUSE: Duration = Duration::from_millis(50);

/// The default limit of one wait.
const DEFAULT_LIMIT: Duration = Duration::from_secs(600);

type Notice = Box<dyn Fn() + Send>;

/// The shared state of one connection's waiting: a cancel flag and the notice to give.
#[derive(Clone, Default)]
pub struct Waiting {
    cancel: Arc<AtomicBool>,
    notice: Arc<Mutex<Option<Notice>>>,
}

impl Waiting {
    /// Waiting that gives `notice` once per wait that lasts long enough to be noticed.
    pub fn with_notice(notice: impl Fn() + Send + 'static) -> Waiting {
        let waiting = Waiting::default();
        waiting.on_wait(notice);
        waiting
    }

    /// Sets what to do, once per wait, when a wait lasts long enough to be noticed.
    pub fn on_wait(&self, notice: impl Fn() + Send + 'static) {
        *self.notice.lock().unwrap_or_else(|e| e.into_inner()) = Some(Box::new(notice));
    }

    /// Makes the current and every later wait give up (until [`Waiting::resume`]).
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::SeqCst);
    }

    /// Lets waits go on again after a [`Waiting::cancel`].
    pub fn resume(&self) {
        self.cancel.store(false, Ordering::SeqCst);
    }

    /// The busy handler for a connection: `count` is SQLite's number of earlier calls for the
    /// same busy event (0 starts a new wait).
    pub(crate) fn handler(&self) -> impl FnMut(i32) -> bool + Send + 'static {
        let state = self.clone();
        let limit = limit();
        let mut started = Instant::now();
        let mut noticed = false;
        move |count| {
            if count == 0 {
                started = Instant::now();
                noticed = false;
            }
            if state.cancel.load(Ordering::SeqCst) || started.elapsed() >= limit {
                return false;
            }
            if !noticed && started.elapsed() >= NOTICE_AFTER {
                noticed = true;
                if let Some(notice) = &*state.notice.lock().unwrap_or_else(|e| e.into_inner()) {
                    notice();
                }
            }
            std::thread::sleep(pause(count));
            true
        }
    }
}

/// 1, 2, 4, ... ms up to [`MAX_PAUSE`].
fn pause(count: i32) -> Duration {
    let ms = 1u64 << count.clamp(0, 16);
    Duration::from_millis(ms).min(MAX_PAUSE)
}

/// The limit of one wait: `PRICEBENCH_LOCK_TIMEOUT` seconds when set and valid.
fn limit() -> Duration {
    std::env::var("PRICEBENCH_LOCK_TIMEOUT")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0 && *s <= 1e7)
        .map_or(DEFAULT_LIMIT, Duration::from_secs_f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn pauses_grow_and_stay_bounded() {
        assert_eq!(pause(0), Duration::from_millis(1));
        assert_eq!(pause(3), Duration::from_millis(8));
        assert_eq!(pause(10), MAX_PAUSE);
        assert_eq!(pause(i32::MAX), MAX_PAUSE);
    }

    #[test]
    fn a_long_wait_notices_once_and_a_cancelled_one_gives_up() {
        let waiting = Waiting::default();
        let notices = Arc::new(AtomicUsize::new(0));
        let seen = Arc::clone(&notices);
        waiting.on_wait(move || {
            seen.fetch_add(1, Ordering::SeqCst);
        });
        let mut handler = waiting.handler();
        let started = Instant::now();
        let mut count = 0;
        while started.elapsed() < NOTICE_AFTER + Duration::from_millis(100) {
            assert!(handler(count), "waits on until cancelled");
            count += 1;
        }
        assert_eq!(notices.load(Ordering::SeqCst), 1);
        waiting.cancel();
        assert!(!handler(count));
        waiting.resume();
        assert!(handler(0), "a new wait after resume");
        assert_eq!(
            notices.load(Ordering::SeqCst),
            1,
            "no notice for a short wait"
        );
    }
}
