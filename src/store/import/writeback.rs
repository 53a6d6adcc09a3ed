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

use std::fs::File;
use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

const INTERVAL: Duration = Duration::from_millis(250);

/// A running writeback thread; [`Writeback::stop`] ends it.
pub struct Writeback {
    stop: mpsc::Sender<()>,
    thread: JoinHandle<()>,
}

impl Writeback {
    /// Starts syncing the workspace file at `path` (nothing for an in-memory workspace, or if
    /// the file cannot be opened: this only saves time).
    pub fn start(path: Option<&str>) -> Option<Writeback> {
        let path = Path::new(path.filter(|p| !p.is_empty())?);
        let file = File::open(path).ok()?;
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("writeback".into())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(INTERVAL) {
                    if file.sync_data().is_err() {
                        break;
                    }
                }
            })
            .ok()?;
        Some(Writeback { stop, thread })
    }

    /// Ends the thread, after the sync it may be in the middle of.
    pub fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.thread.join();
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
        let Some(w) = Writeback::start(Some(&path_text)) else {
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
