//! Files the user asked for: written next to the target in a temporary
//! file created exclusively (the `tempfile` crate, mode 0600), renamed into
//! place once complete, removed (only it) on failure; an existing file is
//! replaced only when asked, a symbolic link never followed.

use std::io;
use std::path::{Path, PathBuf};

use ckpt::Error;
use tempfile::NamedTempFile;

/// Creates a temporary file next to `target`, to be persisted over it once
/// complete (dropping it removes it). Refuses a target that is a symbolic
/// link, and one that exists unless `force`.
pub fn create_output(target: &Path, force: bool) -> Result<NamedTempFile, Error> {
    let refuse = |why: &str| Error::Open {
        path: target.to_owned(),
        source: io::Error::new(io::ErrorKind::AlreadyExists, why.to_owned()),
    };
    match std::fs::symlink_metadata(target) {
        Ok(m) if m.file_type().is_symlink() => {
            return Err(refuse("is a symbolic link; not followed"));
        }
        Ok(m) if !m.is_file() => return Err(refuse("exists and is not a regular file")),
        Ok(_) if !force => return Err(refuse("exists; use --force to replace it")),
        _ => {}
    }
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let base = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "memparse".into());
    tempfile::Builder::new()
        .prefix(&format!(".{base}."))
        .suffix(".ckpt-tmp")
        .tempfile_in(&dir)
        .map_err(|source| Error::Open { path: dir, source })
}
