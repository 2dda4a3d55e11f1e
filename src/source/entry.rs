//! [`Entry`]: one member of a tar or one file of a directory, readable
//! with [`Read`], and where its data can be read again.

use std::io::{self, Read};
use std::path::PathBuf;

use super::dir::FileEntry;
use super::file_type::FileType;
use super::tar::TarEntry;
use crate::error::{Error, Result};
use crate::layout::EntryKind;

/// One entry of an archive, or one file of a directory. Its data is read
/// with [`Read`]; reading past the end of a truncated archive is an
/// [`io::ErrorKind::UnexpectedEof`] error.
pub struct Entry<'a, 'r> {
    inner: EntryInner<'a, 'r>,
    /// The name and kind within a pod's container directory, when the
    /// entry is read as one of that container's (see [`Entry::within`]).
    within: Option<Box<(String, EntryKind)>>,
}

// One entry at a time, handed out by value: a box would be an allocation
// per entry.
#[allow(clippy::large_enum_variant)]
enum EntryInner<'a, 'r> {
    Tar(TarEntry<'a, 'r>),
    File(FileEntry<'a>),
}

impl std::fmt::Debug for Entry<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("name", &self.name())
            .field("kind", &self.kind())
            .field("size", &self.size())
            .finish_non_exhaustive()
    }
}

/// Where an entry's data can be read again after the walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Location {
    /// At this offset of a plain tar read with positioned reads.
    Offset(u64),
    /// In this file of a directory.
    Path(PathBuf),
    /// Nowhere: only while it streams by.
    Stream,
}

impl<'a, 'r> Entry<'a, 'r> {
    pub(super) fn tar(entry: TarEntry<'a, 'r>) -> Entry<'a, 'r> {
        Entry {
            inner: EntryInner::Tar(entry),
            within: None,
        }
    }

    pub(super) fn file(entry: FileEntry<'a>) -> Entry<'a, 'r> {
        Entry {
            inner: EntryInner::File(entry),
            within: None,
        }
    }

    /// The entry's name, normalised (no `./` prefix, no trailing `/`); a
    /// directory's file is named by its path below the directory. A name
    /// that cannot be normalised (it has `..`) is given as it is.
    pub fn name(&self) -> &str {
        if let Some(within) = &self.within {
            return &within.0;
        }
        match &self.inner {
            EntryInner::Tar(t) => &t.name,
            EntryInner::File(f) => &f.item.name,
        }
    }

    /// What the entry is.
    pub fn kind(&self) -> EntryKind {
        if let Some(within) = &self.within {
            return within.1;
        }
        match &self.inner {
            EntryInner::Tar(t) => t.kind,
            EntryInner::File(f) => f.item.kind,
        }
    }

    /// Size of the entry's data in bytes, as the headers (or the file
    /// system) declare it.
    pub fn size(&self) -> u64 {
        match &self.inner {
            EntryInner::Tar(t) => t.size,
            EntryInner::File(f) => f.item.size,
        }
    }

    /// The mode: permission bits (and, from a directory, the file type's).
    pub fn mode(&self) -> u32 {
        match &self.inner {
            EntryInner::Tar(t) => t.mode,
            EntryInner::File(f) => f.item.mode,
        }
    }

    /// Modification time, seconds since the Unix epoch (as the header,
    /// or the file system, says).
    pub fn mtime(&self) -> i64 {
        match &self.inner {
            EntryInner::Tar(t) => t.mtime,
            EntryInner::File(f) => f.item.mtime,
        }
    }

    /// Whether it is a regular file (the only entries whose data is read).
    pub fn is_file(&self) -> bool {
        match &self.inner {
            EntryInner::Tar(t) => t.is_file(),
            EntryInner::File(f) => f.item.is_file,
        }
    }

    /// Whether it is a directory.
    pub fn is_dir(&self) -> bool {
        match &self.inner {
            EntryInner::Tar(t) => t.is_dir(),
            EntryInner::File(f) => f.item.is_dir,
        }
    }

    /// What kind of file it is.
    pub fn file_type(&self) -> FileType {
        match &self.inner {
            EntryInner::Tar(t) => t.file_type(),
            EntryInner::File(f) => f.item.file_type,
        }
    }

    /// Whether it is a symbolic or hard link.
    pub fn is_link(&self) -> bool {
        match &self.inner {
            EntryInner::Tar(t) => t.is_link(),
            EntryInner::File(f) => f.item.is_link,
        }
    }

    /// Offset of the entry's header in the uncompressed tar stream (`None`
    /// for a directory's file).
    pub fn header_offset(&self) -> Option<u64> {
        match &self.inner {
            EntryInner::Tar(t) => Some(t.header_offset),
            EntryInner::File(_) => None,
        }
    }

    /// Offset of the entry's data in the uncompressed tar stream (`None`
    /// for a directory's file).
    pub fn data_offset(&self) -> Option<u64> {
        match &self.inner {
            EntryInner::Tar(t) => Some(t.data_offset),
            EntryInner::File(_) => None,
        }
    }

    /// The target of a link (symbolic or hard), as the archive names it.
    pub fn link_target(&self) -> Option<&str> {
        match &self.inner {
            EntryInner::Tar(t) if t.is_link() => Some(&t.link_target),
            EntryInner::Tar(_) => None,
            EntryInner::File(f) => f.item.link_target.as_deref(),
        }
    }

    /// Whether it is a sparse file of a tar (GNU or PAX sparse): its
    /// stored data is not its content, and ckpt never reads it (reading
    /// fails with [`io::ErrorKind::InvalidData`]). Its [`size`](Entry::size)
    /// is the size the runtime would extract.
    pub fn is_sparse(&self) -> bool {
        match &self.inner {
            EntryInner::Tar(t) => t.is_sparse(),
            EntryInner::File(_) => false,
        }
    }

    /// Reads the entry as one of the container directory `dir` of a pod
    /// checkpoint: named and classified by its path below `dir` (errors
    /// still name the whole path). `None` when it is not below `dir`.
    pub(crate) fn within(&mut self, dir: &str) -> Option<()> {
        let below = self.name().strip_prefix(dir)?.strip_prefix('/')?.to_owned();
        if below.is_empty() {
            return None;
        }
        let kind = EntryKind::of(&below, self.is_dir());
        self.within = Some(Box::new((below, kind)));
        Some(())
    }

    /// Where the data can be read again after the walk.
    pub(crate) fn location(&self) -> Location {
        match &self.inner {
            EntryInner::Tar(t) if t.seekable && !t.is_sparse() => Location::Offset(t.data_offset),
            EntryInner::Tar(_) => Location::Stream,
            EntryInner::File(f) => Location::Path(f.item.path.clone()),
        }
    }

    /// The archive's name, as errors use it.
    pub(crate) fn archive(&self) -> &str {
        match &self.inner {
            EntryInner::Tar(t) => &t.ctx.name,
            EntryInner::File(f) => &f.archive,
        }
    }

    /// Reads the whole entry into memory, refusing an entry that declares
    /// more than `limit` bytes before allocating anything.
    pub fn read_to_vec(&mut self, limit: u64) -> Result<Vec<u8>> {
        let size = self.size();
        if size > limit {
            return Err(Error::EntryTooLarge {
                archive: self.archive().to_owned(),
                entry: self.name().to_owned(),
                offset: self.data_offset(),
                size,
                limit,
            });
        }
        if let EntryInner::File(f) = &self.inner
            && !f.item.is_file
        {
            return Err(Error::NotAFile {
                path: f.item.path.clone(),
            });
        }
        // Bounded by `limit` above, so it fits in memory as the caller allows.
        let mut buf = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        if let Err(e) = self.read_to_end(&mut buf) {
            return Err(self.error(e));
        }
        Ok(buf)
    }

    /// Turns an error from reading this entry into an [`Error`] naming it.
    pub fn error(&self, e: io::Error) -> Error {
        match &self.inner {
            EntryInner::Tar(t) => t.ctx.entry_error(e, &t.name),
            EntryInner::File(f) => f.error(e),
        }
    }
}

impl Read for Entry<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match &mut self.inner {
            EntryInner::Tar(t) => t.read(buf),
            EntryInner::File(f) => f.read(buf),
        }
    }
}
