//! Watching a workspace from outside the thread that queries it: stopping its work, and
//! noticing when another process has committed to it.

use super::{StoreError, Waiting, Workspace};
use rusqlite::InterruptHandle;

/// Stops what a workspace's connection is doing, from any thread.
pub struct Interrupt {
    handle: InterruptHandle,
    waiting: Waiting,
}

impl Interrupt {
    /// Stops the query running now: it fails with an "interrupted" error; later ones run.
    pub fn query(&self) {
        self.handle.interrupt();
    }

    /// Stops for good: the running query, and any wait (now or later) for another process's lock.
    pub fn all(&self) {
        self.waiting.cancel();
        self.handle.interrupt();
    }
}

impl Workspace {
    /// A handle that stops this workspace's work from another thread.
    pub fn interrupter(&self) -> Interrupt {
        Interrupt {
            handle: self.conn.get_interrupt_handle(),
            waiting: self.waiting.clone(),
        }
    }

    /// A number that changes when another connection (another process's import) commits to
    /// the workspace: SQLite's `PRAGMA data_version`.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        let version = self
            .conn
            .pragma_query_value(None, "data_version", |r| r.get(0))?;
        Ok(version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Origin;
    use std::error::Error;

    #[test]
    fn data_version_moves_when_another_connection_commits() -> Result<(), Box<dyn Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("w.db");
        let ws = Workspace::open(&path)?;
        let before = ws.data_version()?;
        assert_eq!(ws.data_version()?, before, "no commit, no change");
        let other = Workspace::open(&path)?;
        other
            .conn()
            .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")?;
        assert_ne!(ws.data_version()?, before);
        Ok(())
    }

    #[test]
    fn an_interrupted_query_fails_and_the_next_one_runs() -> Result<(), Box<dyn Error>> {
        let ws = Workspace::in_memory(Origin::Sample)?;
        let stop = ws.interrupter();
        let endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) \
                       SELECT count(*) FROM n";
        let stopper = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            stop.query();
        });
        let interrupted = ws.conn().query_row(endless, [], |r| r.get::<_, i64>(0));
        assert!(stopper.join().is_ok());
        assert!(interrupted.is_err());
        assert!(ws.data_version().is_ok(), "the connection is usable again");
        Ok(())
    }
}
