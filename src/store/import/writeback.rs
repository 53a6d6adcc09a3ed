//! Background writeback for long imports. SQLite writes the new pages of a large import into
//! the operating system's cache and makes them durable only at commit, with one `fsync` that
//! then waits for the whole file to reach the disk (0.8 s for a 10M-line import on the
//! reference machine). A helper thread asks for the file's data to be written out every
//! quarter second while the import works, so the disk writes overlap the parsing and the
//! commit finds little left to do.
//!
//! This changes nothing about durability or atomicity: SQLite still syncs its journal and the
//! file at commit as before, and any page SQLite has handed to the operating system may reach
//! the disk at any time anyway (a rolled-back or crashed import is undone from the journal).
//!
//! The one danger is the descriptor itself. SQLite locks the workspace with POSIX advisory
//! locks, and on Linux closing *any* descriptor of a file drops *all* of the process's locks
//! on it: closed mid-transaction, it would let another process roll back the live journal or
//! read half-written pages (SQLite's "How To Corrupt", 2.2). So the descriptor is opened
//! before the import's transaction begins and closed only when the [`Writeback`] is dropped,
//! which the import does after the transaction has ended (it is declared first, so it is
//! dropped last on every path, errors included); [`Writeback::stop`] ends the syncing but
//! keeps the file open. The sync thread holds a shared handle, so however late it ends, the
//! descriptor closes when the last handle goes, never before the `Writeback` is dropped.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

const INTERVAL: Duration = Duration::from_millis(250);

/// A descriptor of the workspace file and the thread that syncs it.
pub struct Writeback {
    /// Keeps the descriptor open until the `Writeback` is dropped.
    _file: Arc<File>,
    thread: Option<(mpsc::Sender<()>, JoinHandle<()>)>,
}

impl Writeback {
    /// Starts syncing the workspace file at `path` (nothing for an in-memory workspace, or if
    /// the file cannot be opened: this only saves time). Call before the transaction begins.
    pub fn start(path: Option<&str>) -> Option<Writeback> {
        let path = Path::new(path.filter(|p| !p.is_empty())?);
        let file = Arc::new(File::open(path).ok()?);
        let synced = Arc::clone(&file);
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("writeback".into())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(INTERVAL) {
                    if synced.sync_data().is_err() {
                        break;
                    }
                }
            })
            .ok();
        Some(Writeback {
            _file: file,
            thread: thread.map(|t| (stop, t)),
        })
    }

    /// Ends the syncing, after the sync it may be in the middle of; the file stays open.
    pub fn stop(&mut self) {
        if let Some((stop, thread)) = self.thread.take() {
            let _ = stop.send(());
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Writeback;

    #[test]
    fn nothing_to_sync_for_an_in_memory_or_missing_workspace() {
        assert!(Writeback::start(None).is_none());
        assert!(Writeback::start(Some("")).is_none());
        assert!(Writeback::start(Some("/nonexistent/dir/pricebench.db")).is_none());
    }

    #[test]
    fn syncs_a_file_being_written_and_stops_when_asked() -> std::io::Result<()> {
        let dir = std::env::temp_dir().join(format!("pricebench-writeback-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("w.db");
        std::fs::write(&path, vec![7u8; 1 << 20])?;
        let path_text = path.to_string_lossy().into_owned();
        let Some(mut w) = Writeback::start(Some(&path_text)) else {
            panic!("a file on disk gets a writeback thread");
        };
        // Long enough for a sync or two, while the file keeps growing.
        for _ in 0..3 {
            std::thread::sleep(super::INTERVAL);
            let mut bytes = std::fs::read(&path)?;
            bytes.extend_from_slice(&[1u8; 4096]);
            std::fs::write(&path, &bytes)?;
        }
        w.stop();
        assert_eq!(std::fs::metadata(&path)?.len(), (1 << 20) + 3 * 4096);
        std::fs::remove_dir_all(&dir)
    }
}
