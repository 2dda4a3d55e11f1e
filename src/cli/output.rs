//! Files the user asked for: written next to the target under a temporary
//! name, renamed into place once complete; an existing file is replaced
//! only when asked, a symbolic link never followed.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use ckpt::Error;

/// Creates a temporary file next to `target`, to be renamed over it once
/// complete. Refuses a target that is a symbolic link, and one that exists
/// unless `force`.
pub fn create_output(target: &Path, force: bool) -> Result<(File, PathBuf), Error> {
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
    for n in 0..100u32 {
        let temp = dir.join(format!(".{base}.ckpt-{}-{n}.tmp", std::process::id()));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(&temp) {
            Ok(f) => return Ok((f, temp)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(source) => {
                return Err(Error::Open { path: temp, source });
            }
        }
    }
    Err(refuse("no temporary file could be created next to it"))
}
