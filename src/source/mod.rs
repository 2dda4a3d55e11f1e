//! Where a checkpoint comes from, and the walk over its entries.
//!
//! A [`Source`] is the bytes: a file opened by path (read with positioned
//! reads, so that a plain tar is walked with seeks and anything can be read
//! again), a stream read once (standard input, a pipe), any [`ReadAt`]
//! (a buffer, a ranged remote object), or an extracted checkpoint directory.
//! An [`Archive`] walks a source once: it recognises the
//! [`Compression`](crate::Compression), and hands out the [`Entry`]s in
//! order, each classified by name and readable with [`std::io::Read`],
//! whether it is a member of a tar or a file of a directory.

mod archive;
mod context;
mod digests;
mod dir;
mod entry;
mod file_type;
mod hashing;
mod input;
mod reread;
mod stream;
mod taps;
mod tar;

use std::fs::File;
use std::io::{self, Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;

pub use archive::{Archive, Entries, StreamEnd};
pub use digests::{ALGORITHM, ArchiveDigest, Digests, EntryDigest, Sha256};
pub use entry::Entry;
pub(crate) use entry::Location;
pub use file_type::FileType;
pub use input::ReadAt;
use input::Window;
#[cfg(feature = "build")]
pub(crate) use input::read_prefix;
use input::{SeekReadAt, State};
pub(crate) use reread::Reread;

use crate::error::{Error, Result};

/// The bytes of a checkpoint: a file, a stream, positioned reads, or an
/// extracted checkpoint directory.
///
/// ```
/// # fn main() -> Result<(), ckpt::Error> {
/// use ckpt::Source;
/// let file = Source::open("tests/fixtures/mini-sleep.zstd.tar.zst")?;
/// let bytes = std::fs::read("tests/fixtures/mini-sleep.none.tar").unwrap();
/// let stream = Source::from_reader(&bytes[..], "mini-sleep (stream)");
/// let memory = Source::from_read_at(bytes.clone(), "mini-sleep (in memory)")?;
/// for source in [file, stream, memory] {
///     let c = ckpt::read(source, &ckpt::Options::default())?;
///     assert_eq!(c.container.name, "mini-sleep");
/// }
/// # Ok(()) }
/// ```
pub struct Source<'r> {
    name: Arc<str>,
    input: Input<'r>,
    state: Arc<State>,
}

/// What a [`Source`] reads from.
pub(crate) enum Input<'r> {
    /// Read once, in order.
    Stream(Box<dyn Read + Send + 'r>),
    /// Positioned reads, of `len` bytes.
    Random(Arc<dyn ReadAt + 'r>, u64),
    /// An extracted checkpoint directory.
    Directory(PathBuf),
}

impl std::fmt::Debug for Source<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match &self.input {
            Input::Stream(_) => "stream",
            Input::Random(..) => "positioned reads",
            Input::Directory(_) => "directory",
        };
        f.debug_struct("Source")
            .field("name", &self.name)
            .field("input", &kind)
            .finish()
    }
}

impl Source<'static> {
    /// Opens a path: a regular file (read with positioned reads), a named
    /// pipe or character device such as `/dev/stdin` (read once, as a
    /// stream), or an extracted checkpoint directory (what Podman keeps in
    /// a container's userdata, what CRI-O and containerd build before
    /// packing; symbolic links in it are listed, never followed). The path
    /// as given names the source in errors and warnings.
    pub fn open(path: impl AsRef<Path>) -> Result<Source<'static>> {
        let path = path.as_ref();
        let open_error = |source| Error::Open {
            path: path.to_owned(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(open_error)?;
        let name = path.display().to_string();
        if meta.is_dir() {
            return Ok(Source::new(name, Input::Directory(path.to_owned())));
        }
        if meta.is_file() {
            if meta.len() == 0 {
                return Err(Error::Empty { archive: name });
            }
            let file = File::open(path).map_err(open_error)?;
            let len = file.metadata().map_err(open_error)?.len();
            return Ok(Source::new(name, Input::Random(Arc::new(file), len)));
        }
        if is_stream(&meta) {
            let file = File::open(path).map_err(open_error)?;
            return Ok(Source::from_reader(file, name));
        }
        Err(Error::NotAFile {
            path: path.to_owned(),
        })
    }

    /// Standard input, read once, named `<stdin>`.
    pub fn stdin() -> Source<'static> {
        Source::from_reader(io::stdin(), "<stdin>")
    }
}

impl<'r> Source<'r> {
    fn new(name: String, input: Input<'r>) -> Source<'r> {
        Source {
            name: Arc::from(name),
            input,
            state: Arc::new(State::default()),
        }
    }

    /// A stream (standard input, a socket, a slice), read once, in order:
    /// data nobody reads is read and dropped. `name` is what errors and
    /// warnings call it.
    pub fn from_reader(reader: impl Read + Send + 'r, name: impl Into<String>) -> Source<'r> {
        Source::new(name.into(), Input::Stream(Box::new(reader)))
    }

    /// A reader that seeks (a file, a cursor), from its current position:
    /// read as [`Source::from_read_at`] reads.
    pub fn from_seekable(
        reader: impl Read + Seek + Send + 'r,
        name: impl Into<String>,
    ) -> Result<Source<'r>> {
        let name = name.into();
        match SeekReadAt::new(reader) {
            Ok(random) => Source::from_read_at(random, name),
            Err(source) => Err(Error::Io {
                archive: name,
                entry: None,
                offset: None,
                source,
            }),
        }
    }

    /// Positioned reads ([`ReadAt`]): a plain tar is walked with seeks,
    /// anything can be read again.
    pub fn from_read_at(reader: impl ReadAt + 'r, name: impl Into<String>) -> Result<Source<'r>> {
        let name = name.into();
        match reader.size() {
            Ok(len) => Ok(Source::new(name, Input::Random(Arc::new(reader), len))),
            Err(source) => Err(Error::Io {
                archive: name,
                entry: None,
                offset: None,
                source,
            }),
        }
    }

    /// An entry's data as a source of its own, named `name` (a container
    /// archive nested in a pod checkpoint): a window on the input when the
    /// archive is a plain tar read with positioned reads (`positioned`, what
    /// [`Archive::positioned`] gives; nothing is read that is not wanted),
    /// the file itself in a directory, else the entry's stream.
    pub(crate) fn of_entry<'e>(
        entry: &'e mut Entry<'_, '_>,
        positioned: Option<&Arc<dyn ReadAt + 'e>>,
        name: String,
    ) -> Result<Source<'e>> {
        match (entry.location(), positioned) {
            (Location::Offset(start), Some(inner)) => Source::from_read_at(
                Window {
                    inner: inner.clone(),
                    start,
                    len: entry.size(),
                },
                name,
            ),
            (Location::Path(path), _) => Ok(Source::open(&path)?.named(name)),
            _ => Ok(Source::from_reader(entry, name)),
        }
    }

    /// The same source under another name, as errors and warnings use it.
    pub(crate) fn named(self, name: impl Into<String>) -> Source<'r> {
        Source {
            name: Arc::from(name.into()),
            ..self
        }
    }

    /// The name errors and warnings use.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether it is an extracted checkpoint directory.
    pub fn is_directory(&self) -> bool {
        matches!(self.input, Input::Directory(_))
    }

    /// A handle that reports how far reading has got, usable from another
    /// thread (for a progress bar).
    pub fn progress(&self) -> Progress {
        Progress {
            state: self.state.clone(),
            total: match &self.input {
                Input::Random(_, len) => Some(*len),
                _ => None,
            },
        }
    }
}

#[cfg(unix)]
fn is_stream(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    t.is_fifo() || t.is_char_device()
}

#[cfg(not(unix))]
fn is_stream(_meta: &std::fs::Metadata) -> bool {
    false
}

/// How far reading a [`Source`] has got; see [`Source::progress`].
#[derive(Debug, Clone)]
pub struct Progress {
    state: Arc<State>,
    total: Option<u64>,
}

impl Progress {
    /// Bytes of input consumed so far (compressed bytes for a compressed
    /// archive).
    pub fn input_bytes(&self) -> u64 {
        self.state.input_pos.load(Ordering::Relaxed)
    }

    /// Size of the input, when known.
    pub fn total(&self) -> Option<u64> {
        self.total
    }
}
