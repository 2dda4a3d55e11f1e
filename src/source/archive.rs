//! [`Archive`]: one walk over a [`Source`], tar or directory alike, and
//! its [`Entries`].

use std::path::Path;
use std::sync::Arc;

use super::digests::Digests;
use super::dir::{DirEntries, DirWalk};
use super::entry::Entry;
use super::input::State;
use super::reread::Reread;
use super::tar::{TarEntries, TarWalk};
use super::{Input, Progress, ReadAt, Source};
use crate::compression::Compression;
use crate::error::{Error, Result};
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
        Archive::open_with(source, None)
    }

    /// Opens a source to be read whole, in order, every byte of it hashed
    /// as it goes by: the input as read and each entry's content (see
    /// [`Archive::take_digests`]). The list of entries may hold at most
    /// `limit` bytes. An extracted directory has no bytes of its own to
    /// digest: it is refused.
    pub(crate) fn digesting(source: Source<'r>, limit: u64) -> Result<Archive<'r>> {
        if source.is_directory() {
            return Err(Error::Unavailable {
                archive: source.name().to_owned(),
                what: "compute digests".into(),
                reason: "an extracted checkpoint directory is no archive file; digest the \
                         archive it was packed into, or was extracted from"
                    .into(),
            });
        }
        Archive::open_with(source, Some(limit))
    }

    fn open_with(source: Source<'r>, digest: Option<u64>) -> Result<Archive<'r>> {
        let Source { name, input, state } = source;
        let walk = match input {
            Input::Directory(root) => Walk::Dir(DirWalk::new(name, root)?),
            input => Walk::Tar(TarWalk::new(name, input, state.clone(), digest)?),
        };
        Ok(Archive { walk, state })
    }

    /// The digests of an archive opened with [`Archive::digesting`], once
    /// the walk is over (or failed): the input is read to its end first.
    pub(crate) fn take_digests(&mut self) -> Option<Digests> {
        match &mut self.walk {
            Walk::Tar(t) => t.take_digests(),
            Walk::Dir(_) => None,
        }
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

    /// Whether the input can be walked again from the start (positioned
    /// reads; a stream cannot).
    pub(crate) fn can_restart(&self) -> bool {
        matches!(&self.walk, Walk::Tar(t) if t.random.is_some())
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
            Walk::Tar(t) => t.walk.warnings.as_slice(),
            Walk::Dir(_) => &[],
        }
    }

    /// Takes the warnings collected so far.
    pub fn take_warnings(&mut self) -> Vec<Warning> {
        match &mut self.walk {
            Walk::Tar(t) => t.walk.warnings.finish(),
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
    pub fn finish(&mut self) -> Result<StreamEnd> {
        match &mut self.walk {
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
            Walk::Tar(t) => Reread::new(
                t.random.clone().filter(|_| t.walk.seekable),
                t.walk.ctx.name.clone(),
                Some(t.walk.ctx.clone()),
            ),
            Walk::Dir(d) => Reread::new(None, d.name.clone(), None),
        }
    }

    /// The positioned reads a plain tar is walked with: a member can be
    /// read as an input of its own (see [`Window`](super::Window)).
    pub(crate) fn positioned(&self) -> Option<Arc<dyn ReadAt + 'r>> {
        match &self.walk {
            Walk::Tar(t) if t.walk.seekable => t.random.clone().map(|(r, _)| r),
            _ => None,
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
            TarWalk::new(name, Input::Random(random, len), state.clone(), None).map(|t| Archive {
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
            EntriesInner::Tar(t) => Some(t.next()?.map(Entry::tar)),
            EntriesInner::Dir(d) => Some(Ok(Entry::file(d.next()?))),
        }
    }
}
