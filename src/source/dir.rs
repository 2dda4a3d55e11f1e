//! The walk over an extracted checkpoint directory: its files as entries,
//! named as they would be in an archive, in name order (directory order is
//! arbitrary; results must not depend on it).

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::layout::{EntryKind, classify};

/// Deepest directory level walked below the checkpoint directory.
const MAX_DEPTH: usize = 8;
/// Most directory entries looked at.
const MAX_ENTRIES: usize = 1_000_000;

/// One file, directory or link of the directory.
pub(crate) struct DirItem {
    pub(crate) path: PathBuf,
    pub(crate) name: String,
    pub(crate) kind: EntryKind,
    pub(crate) size: u64,
    pub(crate) is_file: bool,
    pub(crate) is_dir: bool,
    pub(crate) is_link: bool,
    pub(crate) mode: u32,
    pub(crate) mtime: i64,
    pub(crate) file_type: crate::source::file_type::FileType,
    /// Where a symbolic link points (never followed).
    pub(crate) link_target: Option<String>,
}

/// An extracted checkpoint directory, listed.
pub(crate) struct DirWalk {
    pub(crate) name: Arc<str>,
    items: Vec<DirItem>,
}

impl DirWalk {
    /// Lists `root` (symbolic links are listed as what they are, never
    /// followed).
    pub(crate) fn new(name: Arc<str>, root: PathBuf) -> Result<DirWalk> {
        let meta = std::fs::metadata(&root).map_err(|source| Error::Open {
            path: root.clone(),
            source,
        })?;
        if !meta.is_dir() {
            return Err(Error::NotAFile { path: root });
        }
        let mut items = Vec::new();
        walk(&root, "", 0, &mut items)?;
        items.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(DirWalk { name, items })
    }

    /// The entries, in name order.
    pub(crate) fn entries(&mut self) -> DirEntries<'_> {
        DirEntries {
            name: self.name.clone(),
            items: self.items.iter(),
        }
    }
}

fn walk(dir: &Path, prefix: &str, depth: usize, out: &mut Vec<DirItem>) -> Result<()> {
    let open = |source| Error::Open {
        path: dir.to_owned(),
        source,
    };
    for item in std::fs::read_dir(dir).map_err(open)? {
        if out.len() >= MAX_ENTRIES {
            break;
        }
        let item = item.map_err(open)?;
        let path = item.path();
        let file_name = item.file_name().to_string_lossy().into_owned();
        let name = format!("{prefix}{file_name}");
        // Not followed: a symbolic link is listed as what it is.
        let meta = std::fs::symlink_metadata(&path).map_err(|source| Error::Open {
            path: path.clone(),
            source,
        })?;
        let is_dir = meta.is_dir();
        let is_file = meta.is_file();
        let is_link = meta.file_type().is_symlink();
        let link_target = is_link
            .then(|| std::fs::read_link(&path).ok())
            .flatten()
            .map(|t| t.to_string_lossy().into_owned());
        use std::os::unix::fs::MetadataExt;
        out.push(DirItem {
            mode: meta.mode(),
            file_type: {
                use crate::source::file_type::FileType;
                use std::os::unix::fs::FileTypeExt;
                let t = meta.file_type();
                if is_file {
                    FileType::File
                } else if is_dir {
                    FileType::Directory
                } else if is_link {
                    FileType::Symlink
                } else if t.is_char_device() {
                    FileType::CharDevice
                } else if t.is_block_device() {
                    FileType::BlockDevice
                } else if t.is_fifo() {
                    FileType::Fifo
                } else {
                    FileType::Other
                }
            },
            mtime: meta.mtime(),
            kind: classify(&name, is_dir),
            size: if is_file { meta.len() } else { 0 },
            is_file,
            is_dir,
            is_link,
            link_target,
            name: name.clone(),
            path: path.clone(),
        });
        if is_dir && depth < MAX_DEPTH {
            walk(&path, &format!("{name}/"), depth + 1, out)?;
        }
    }
    Ok(())
}

/// The entries of a [`DirWalk`].
pub(crate) struct DirEntries<'a> {
    name: Arc<str>,
    items: std::slice::Iter<'a, DirItem>,
}

impl<'a> Iterator for DirEntries<'a> {
    type Item = FileEntry<'a>;

    fn next(&mut self) -> Option<FileEntry<'a>> {
        let item = self.items.next()?;
        Some(FileEntry {
            item,
            archive: self.name.clone(),
            file: None,
            read: 0,
        })
    }
}

/// One file of the directory, opened when first read.
pub(crate) struct FileEntry<'a> {
    pub(crate) item: &'a DirItem,
    pub(crate) archive: Arc<str>,
    file: Option<File>,
    /// Bytes read so far; never more than the size listed.
    read: u64,
}

impl FileEntry<'_> {
    /// An error from opening or reading the file, named.
    pub(crate) fn error(&self, source: io::Error) -> Error {
        Error::Open {
            path: self.item.path.clone(),
            source,
        }
    }
}

impl Read for FileEntry<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.item.is_file {
            return Ok(0);
        }
        let file = match &mut self.file {
            Some(f) => f,
            None => self.file.insert(open_regular(&self.item.path)?),
        };
        // The file may have grown since it was listed: read what was listed.
        let left = self.item.size - self.read;
        let n = usize::try_from(left).unwrap_or(usize::MAX).min(buf.len());
        let n = file.read(&mut buf[..n])?;
        self.read += n as u64;
        Ok(n)
    }
}

/// Opens a regular file, refusing anything else (a symbolic link put in its
/// place, a FIFO that would block).
pub(crate) fn open_regular(path: &Path) -> io::Result<File> {
    let not_regular = || io::Error::new(io::ErrorKind::InvalidInput, "not a regular file");
    if !std::fs::symlink_metadata(path)?.is_file() {
        return Err(not_regular());
    }
    // Should a FIFO be swapped in after the check, opening it must not
    // block: O_NONBLOCK (no effect on a regular file).
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(all(
        target_os = "linux",
        any(
            target_arch = "x86_64",
            target_arch = "x86",
            target_arch = "aarch64",
            target_arch = "arm",
            target_arch = "riscv64"
        )
    ))]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, 0o4000);
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(not_regular());
    }
    Ok(file)
}
