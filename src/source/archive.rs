//! [`Archive`]: one walk over a [`Source`], tar or directory alike.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::dir::{DirEntries, DirWalk, FileEntry, open_regular};
use super::input::State;
use super::tar::{Context, TarEntries, TarEntry, TarWalk};
use super::{Input, Progress, ReadAt, Source};
use crate::compression::Compression;
use crate::error::{Error, Result};
use crate::layout::EntryKind;
use crate::warning::Warning;

/// A checkpoint opened for one pass over its entries: a tar (plain or
/// compressed) or an extracted checkpoint directory.
///
/// ```no_run
/// use std::io::Read;
/// let mut archive = ckpt::Archive::open("checkpoint.tar.zst")?;
/// for entry in archive.entries()? {
///     let mut entry = entry?;
///     if entry.kind() == ckpt::EntryKind::ConfigDump {
///         let mut json = String::new();
///         entry.read_to_string(&mut json)?;
///         println!("{json}");
///         break;
///     }
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Archive<'r> {
    walk: Walk<'r>,
    state: Arc<State>,
}

// One walk per archive: not worth a box.
#[allow(clippy::large_enum_variant)]
enum Walk<'r> {
    Tar(TarWalk<'r>),
    Dir(DirWalk),
}

impl std::fmt::Debug for Archive<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Archive")
            .field("name", &self.name())
            .field("compression", &self.compression())
            .finish_non_exhaustive()
    }
}

impl Archive<'static> {
    /// Opens a path as [`Source::open`] does.
    pub fn open(path: impl AsRef<Path>) -> Result<Archive<'static>> {
        Archive::new(Source::open(path)?)
    }
}

impl<'r> Archive<'r> {
    /// Opens a source: recognises the compression of a tar from its first
    /// bytes, or lists a directory.
    pub fn new(source: Source<'r>) -> Result<Archive<'r>> {
        let Source { name, input, state } = source;
        let walk = match input {
            Input::Directory(root) => Walk::Dir(DirWalk::new(name, root)?),
            input => Walk::Tar(TarWalk::new(name, input, state.clone())?),
        };
        Ok(Archive { walk, state })
    }

    /// The name errors and warnings use.
    pub fn name(&self) -> &str {
        match &self.walk {
            Walk::Tar(t) => &t.walk.ctx.name,
            Walk::Dir(d) => &d.name,
        }
    }

    /// The compression recognised from the first bytes; `None` for a
    /// directory.
    pub fn compression(&self) -> Option<Compression> {
        match &self.walk {
            Walk::Tar(t) => Some(t.walk.ctx.compression),
            Walk::Dir(_) => None,
        }
    }

    /// The size of the input in bytes, when it is known before reading.
    pub fn input_len(&self) -> Option<u64> {
        match &self.walk {
            Walk::Tar(t) => t.walk.input_len,
            Walk::Dir(_) => None,
        }
    }

    /// Whether entries' data can be read again after the walk, by offset or
    /// by path (a plain tar read with positioned reads, a directory).
    pub fn can_reread(&self) -> bool {
        match &self.walk {
            Walk::Tar(t) => t.walk.seekable,
            Walk::Dir(_) => true,
        }
    }

    /// A handle that reports how far the walk has got.
    pub fn progress(&self) -> Progress {
        Progress {
            state: self.state.clone(),
            total: self.input_len(),
        }
    }

    /// Problems found while walking that do not stop it (a missing
    /// end-of-archive marker, entry names that leave the archive root).
    pub fn warnings(&self) -> &[Warning] {
        match &self.walk {
            Walk::Tar(t) => &t.walk.warnings,
            Walk::Dir(_) => &[],
        }
    }

    /// Takes the warnings collected so far.
    pub fn take_warnings(&mut self) -> Vec<Warning> {
        match &mut self.walk {
            Walk::Tar(t) => std::mem::take(&mut t.walk.warnings),
            Walk::Dir(_) => Vec::new(),
        }
    }

    /// The entries, in archive order (a directory's in name order). Can be
    /// called once per archive.
    ///
    /// Entries must be handled in order: moving to the next one skips what
    /// is left of the current one. The iterator ends after the first error.
    pub fn entries(&mut self) -> Result<Entries<'_, 'r>> {
        Ok(Entries {
            inner: match &mut self.walk {
                Walk::Tar(t) => EntriesInner::Tar(t.entries()?),
                Walk::Dir(d) => EntriesInner::Dir(d.entries()),
            },
        })
    }

    /// Reads what follows the tar's end-of-archive marker to the end of the
    /// input, so that a compressed stream's trailer (gzip CRC and length,
    /// zstd checksum) is checked, and returns the sizes of the whole stream.
    /// Call it after [`Archive::entries`] has ended.
    pub fn finish(self) -> Result<StreamEnd> {
        match self.walk {
            Walk::Tar(t) => {
                let (input_size, tar_size) = t.finish()?;
                Ok(StreamEnd {
                    input_size,
                    tar_size,
                })
            }
            Walk::Dir(_) => Ok(StreamEnd::default()),
        }
    }

    /// Reads entries' data again after the walk (see [`Entry::location`]).
    pub(crate) fn reread(&self) -> Reread<'r> {
        match &self.walk {
            Walk::Tar(t) => Reread {
                random: t.random.clone().filter(|_| t.walk.seekable),
                archive: t.walk.ctx.name.clone(),
                ctx: Some(t.walk.ctx.clone()),
                open: None,
            },
            Walk::Dir(d) => Reread {
                random: None,
                archive: d.name.clone(),
                ctx: None,
                open: None,
            },
        }
    }

    /// A new walk from the first byte, when the input can be read again
    /// (positioned reads; a stream cannot).
    pub(crate) fn restart(&self) -> Option<Result<Archive<'r>>> {
        let Walk::Tar(t) = &self.walk else {
            return None;
        };
        let (random, len) = t.random.clone()?;
        let state = Arc::new(State::default());
        let name = t.walk.ctx.name.clone();
        Some(
            TarWalk::new(name, Input::Random(random, len), state.clone()).map(|t| Archive {
                walk: Walk::Tar(t),
                state,
            }),
        )
    }
}

/// Sizes of a whole archive stream, from [`Archive::finish`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct StreamEnd {
    /// Bytes of input: the (compressed) archive's size.
    pub input_size: u64,
    /// Bytes of the uncompressed tar stream, padding included.
    pub tar_size: u64,
}

/// The entries of an [`Archive`]; see [`Archive::entries`].
pub struct Entries<'a, 'r> {
    inner: EntriesInner<'a, 'r>,
}

enum EntriesInner<'a, 'r> {
    Tar(TarEntries<'a, 'r>),
    Dir(DirEntries<'a>),
}

impl<'a, 'r> Iterator for Entries<'a, 'r> {
    type Item = Result<Entry<'a, 'r>>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.inner {
            EntriesInner::Tar(t) => Some(t.next()?.map(|e| Entry {
                inner: EntryInner::Tar(e),
            })),
            EntriesInner::Dir(d) => Some(Ok(Entry {
                inner: EntryInner::File(d.next()?),
            })),
        }
    }
}

/// One entry of an archive, or one file of a directory. Its data is read
/// with [`Read`]; reading past the end of a truncated archive is an
/// [`io::ErrorKind::UnexpectedEof`] error.
pub struct Entry<'a, 'r> {
    inner: EntryInner<'a, 'r>,
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

impl Entry<'_, '_> {
    /// The entry's name, normalised (no `./` prefix, no trailing `/`); a
    /// directory's file is named by its path below the directory. A name
    /// that cannot be normalised (it has `..`) is given as it is.
    pub fn name(&self) -> &str {
        match &self.inner {
            EntryInner::Tar(t) => &t.name,
            EntryInner::File(f) => &f.item.name,
        }
    }

    /// What the entry is.
    pub fn kind(&self) -> EntryKind {
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

    /// Whether the data is stored in one piece (everything but GNU sparse
    /// files).
    pub fn is_contiguous(&self) -> bool {
        match &self.inner {
            EntryInner::Tar(t) => t.is_contiguous(),
            EntryInner::File(_) => true,
        }
    }

    /// Where the data can be read again after the walk.
    pub(crate) fn location(&self) -> Location {
        match &self.inner {
            EntryInner::Tar(t) if t.seekable && t.is_contiguous() => {
                Location::Offset(t.data_offset)
            }
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

/// Reads entries' data again after the walk: by offset in a plain tar, by
/// path in a directory.
pub(crate) struct Reread<'r> {
    random: Option<(Arc<dyn ReadAt + 'r>, u64)>,
    archive: Arc<str>,
    ctx: Option<Context>,
    /// The directory file read last.
    open: Option<(PathBuf, File)>,
}

impl Reread<'_> {
    /// Fills `buf` from `offset` of the data at `location`.
    pub(crate) fn read_exact_at(
        &mut self,
        location: &Location,
        offset: u64,
        buf: &mut [u8],
    ) -> io::Result<()> {
        match location {
            Location::Offset(base) => {
                let Some((random, len)) = &self.random else {
                    return Err(io::Error::other("the archive cannot be read again"));
                };
                let start = base.checked_add(offset);
                let end = start.and_then(|s| s.checked_add(buf.len() as u64));
                match (start, end) {
                    (Some(start), Some(end)) if end <= *len => random.read_exact_at(start, buf),
                    _ => Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        format!(
                            "bytes {base}+{offset}..+{} are past the end of the archive ({len} bytes)",
                            buf.len()
                        ),
                    )),
                }
            }
            Location::Path(path) => {
                let file = match &mut self.open {
                    Some((p, f)) if p == path => f,
                    _ => &mut self.open.insert((path.clone(), open_regular(path)?)).1,
                };
                file.read_exact_at(offset, buf)
            }
            Location::Stream => Err(io::Error::other("the entry cannot be read again")),
        }
    }

    /// An error of [`Reread::read_exact_at`] as an [`Error`] naming the
    /// archive and `entry`.
    pub(crate) fn error(&self, e: io::Error, location: &Location, entry: &str) -> Error {
        match (location, &self.ctx) {
            (Location::Path(path), _) => Error::Open {
                path: path.clone(),
                source: e,
            },
            (_, Some(ctx)) => match ctx.classify(e, Some(entry)) {
                Ok(error) => error,
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => ctx.truncated(Some(entry)),
                Err(source) => Error::Io {
                    archive: ctx.name.to_string(),
                    entry: Some(entry.to_owned()),
                    offset: None,
                    source,
                },
            },
            (_, None) => Error::Io {
                archive: self.archive.to_string(),
                entry: Some(entry.to_owned()),
                offset: None,
                source: e,
            },
        }
    }
}
