//! Writing a file the user names (an export, a saved scenario) so that it is either whole or
//! untouched: a regular file is written into a uniquely named temporary file beside it, synced
//! and renamed over it; a FIFO or character device (`/dev/stdout`, a named pipe) is written
//! through; a symbolic link is followed and its target written the same way.

use std::fs::{self, File, Permissions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Why a file was not written.
#[derive(Debug, thiserror::Error)]
pub enum OutfileError {
    /// A regular file is there and overwriting was not asked for (the TUI words it its own way).
    #[error("'{0}' exists; pass --force to overwrite it")]
    Exists(PathBuf),
    #[error("'{0}' is a directory; name a file")]
    Directory(PathBuf),
    #[error("'{0}' is neither a regular file, a FIFO nor a character device; name a file")]
    Unsupported(PathBuf),
    // The cause is shown in the message, not chained as a source, so that "{:#}" prints it once.
    #[error("cannot write '{path}': {reason}")]
    Io { path: PathBuf, reason: io::Error },
    #[error("cannot write '{path}': {reason:#}")]
    Body {
        path: PathBuf,
        reason: anyhow::Error,
    },
}

/// Writes what `body` writes to `path`.
///
/// - Nothing there: a new file (missing parent directories are created). A symbolic link whose
///   target does not exist creates the target.
/// - A regular file, or a link to one: an error unless `overwrite`; else replaced whole, keeping
///   its permissions (a new inode: hard links to the old file keep the old content).
/// - A FIFO or character device: written through, whether or not `overwrite`.
///
/// A regular file is written into `.NAME.XXXXXX.tmp` in the target's directory, synced, renamed
/// over the target and the directory synced; on any failure the temporary file is removed and
/// the target is as it was. Other files in the directory (`NAME.partial` …) are never touched.
pub fn write(
    path: &Path,
    overwrite: bool,
    body: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> Result<(), OutfileError> {
    let io_error = |reason| OutfileError::Io {
        path: path.to_path_buf(),
        reason,
    };
    match fs::metadata(path) {
        Ok(m) if m.is_file() && !overwrite => Err(OutfileError::Exists(path.to_path_buf())),
        Ok(m) if m.is_file() => {
            let target = fs::canonicalize(path).map_err(io_error)?;
            replace(&target, Some(m.permissions()), body)
        }
        Ok(m) if m.is_dir() => Err(OutfileError::Directory(path.to_path_buf())),
        Ok(m) if is_stream(&m) => write_through(path, body),
        Ok(_) => Err(OutfileError::Unsupported(path.to_path_buf())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let target = link_target(path).map_err(io_error)?;
            replace(&target, None, body)
        }
        Err(e) => Err(io_error(e)),
    }
}

/// True when `path` is (or links to) a FIFO or character device, which [`write`] writes through.
pub fn is_stream_path(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|m| is_stream(&m))
}

#[cfg(unix)]
fn is_stream(m: &fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    m.file_type().is_fifo() || m.file_type().is_char_device()
}

#[cfg(not(unix))]
fn is_stream(_: &fs::Metadata) -> bool {
    false
}

/// Where a chain of symbolic links ends (the path itself when it is not a link), for a link
/// whose target does not exist yet.
fn link_target(path: &Path) -> io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = fs::read_link(&p)?;
                p = p.parent().map_or(target.clone(), |dir| dir.join(&target));
            }
            _ => return Ok(p),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// Writes `target` whole through a temporary file beside it: the existing file's permissions
/// when it replaces one (`permissions`), else a new file's (umask applies); a new file never
/// replaces one that appeared meanwhile.
fn replace(
    target: &Path,
    permissions: Option<Permissions>,
    body: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> Result<(), OutfileError> {
    let io_error = |reason| OutfileError::Io {
        path: target.to_path_buf(),
        reason,
    };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir).map_err(io_error)?;
    let mut tmp = temp_beside(target, dir).map_err(io_error)?;
    if let Some(p) = &permissions {
        tmp.as_file().set_permissions(p.clone()).map_err(io_error)?;
    }
    fill(tmp.as_file_mut(), target, body)?;
    tmp.as_file().sync_all().map_err(io_error)?;
    let persisted = match permissions {
        Some(_) => tmp.persist(target).map(drop),
        None => tmp.persist_noclobber(target).map(drop),
    };
    // On failure the error owns the temporary file, and dropping it removes the file.
    persisted.map_err(|e| match e.error.kind() {
        io::ErrorKind::AlreadyExists => OutfileError::Exists(target.to_path_buf()),
        _ => io_error(e.error),
    })?;
    sync_dir(dir);
    Ok(())
}

fn temp_beside(target: &Path, dir: &Path) -> io::Result<tempfile::NamedTempFile> {
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(Permissions::from_mode(0o666));
    }
    builder.tempfile_in(dir)
}

/// Runs `body` on a buffered writer over `file` and flushes it.
fn fill(
    file: &mut File,
    path: &Path,
    body: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> Result<(), OutfileError> {
    let mut w = BufWriter::new(file);
    body(&mut w).map_err(|reason| OutfileError::Body {
        path: path.to_path_buf(),
        reason,
    })?;
    w.flush().map_err(|reason| OutfileError::Io {
        path: path.to_path_buf(),
        reason,
    })
}

/// A FIFO or device: opened for writing as it is (no create, no truncate, no rename).
fn write_through(
    path: &Path,
    body: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> Result<(), OutfileError> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|reason| OutfileError::Io {
            path: path.to_path_buf(),
            reason,
        })?;
    fill(&mut file, path, body)
}

/// Makes the rename durable where the platform allows; the file's content is already synced,
/// and some file systems refuse to sync a directory, which is no reason to fail the write.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    let _ = File::open(dir).and_then(|d| d.sync_all());
    #[cfg(not(unix))]
    let _ = dir;
}
