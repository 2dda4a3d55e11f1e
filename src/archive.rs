//! The archive walk: one streaming pass over a (compressed) tar.
//!
//! [`Archive`] recognises the compression, and [`Archive::entries`] hands out
//! the entries in archive order, each classified by name ([`EntryKind`]) and
//! readable with [`std::io::Read`]. Data nobody reads is skipped: by seeking
//! for a plain tar opened by path, by decompressing into the void otherwise.
//! Nothing is written anywhere.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::compression::{self, Compression, InputError, StreamError};
use crate::error::{Error, Result, Warning};
use crate::layout::{EntryKind, classify, normalize};

/// Read buffer over the input stream (what a decoder reads from).
const INPUT_BUFFER: usize = 128 << 10;

/// Read buffer over a plain tar read with seeks: refilled after every
/// skip, so kept small (headers and small entries only go through it).
const SEEKABLE_BUFFER: usize = 32 << 10;

/// Counters shared between the reader layers and [`Progress`] handles.
#[derive(Debug, Default)]
struct State {
    /// Bytes of the input consumed (compressed bytes, or file position).
    input_pos: AtomicU64,
    /// Position in the uncompressed tar stream.
    tar_pos: AtomicU64,
    /// The uncompressed stream has ended.
    eof: AtomicBool,
}

/// Counts what is read from the input and marks its errors.
struct Counting<R> {
    inner: R,
    state: Arc<State>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self
            .inner
            .read(buf)
            .map_err(|e| io::Error::new(e.kind(), InputError(e)))?;
        self.state.input_pos.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl<R: Seek> Seek for Counting<R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let at = self
            .inner
            .seek(pos)
            .map_err(|e| io::Error::new(e.kind(), InputError(e)))?;
        self.state.input_pos.store(at, Ordering::Relaxed);
        Ok(at)
    }
}

trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

enum Inner<'r> {
    /// A plain tar that can seek: skipped data is never read.
    Seekable(BufReader<Box<dyn ReadSeek + Send + 'r>>),
    /// Anything else: skipped data is read and dropped.
    Stream(Box<dyn BufRead + Send + 'r>),
}

/// The uncompressed tar stream, as the `tar` crate reads it. `Seek` supports
/// only forward moves from the current position, which is all `tar` asks.
struct Source<'r> {
    inner: Inner<'r>,
    state: Arc<State>,
}

impl Read for Source<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = match &mut self.inner {
            Inner::Seekable(r) => r.read(buf)?,
            Inner::Stream(r) => r.read(buf)?,
        };
        if n == 0 && !buf.is_empty() {
            self.state.eof.store(true, Ordering::Relaxed);
        }
        self.state.tar_pos.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl Seek for Source<'_> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let SeekFrom::Current(delta) = pos else {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "only relative seeks are supported",
            ));
        };
        let Ok(mut left) = u64::try_from(delta) else {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "cannot seek backwards in a stream",
            ));
        };
        match &mut self.inner {
            Inner::Seekable(r) => r.seek_relative(delta)?,
            Inner::Stream(r) => {
                while left > 0 {
                    let available = r.fill_buf()?.len();
                    if available == 0 {
                        self.state.eof.store(true, Ordering::Relaxed);
                        return Err(io::ErrorKind::UnexpectedEof.into());
                    }
                    let step = available.min(usize::try_from(left).unwrap_or(usize::MAX));
                    r.consume(step);
                    self.state.tar_pos.fetch_add(step as u64, Ordering::Relaxed);
                    left -= step as u64;
                }
                return Ok(self.state.tar_pos.load(Ordering::Relaxed));
            }
        }
        Ok(self.state.tar_pos.fetch_add(left, Ordering::Relaxed) + left)
    }
}

/// What an error needs to name: the archive, its compression, and whether
/// the input has ended.
#[derive(Clone)]
struct Context {
    name: Arc<str>,
    compression: Compression,
    state: Arc<State>,
}

impl Context {
    /// Classifies an I/O error that the reader layers raised: the input's or
    /// the decoder's. Gives back any other error (the tar parser's own, or
    /// the end of the input).
    fn classify(&self, e: io::Error, entry: Option<&str>) -> std::result::Result<Error, io::Error> {
        let archive = self.name.to_string();
        let entry = entry.map(str::to_owned);
        if e.get_ref().is_some_and(|i| i.is::<InputError>()) {
            return Ok(Error::Io {
                archive,
                entry,
                source: unwrap_input_error(e),
            });
        }
        if e.get_ref().is_some_and(|i| i.is::<StreamError>()) {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                return Ok(Error::Truncated {
                    archive,
                    compression: self.compression,
                    entry,
                });
            }
            return Ok(Error::Decompress {
                archive,
                compression: self.compression,
                entry,
                source: e,
            });
        }
        Err(e)
    }

    /// Whether the uncompressed stream has ended (or an error says so).
    fn ended(&self, e: &io::Error) -> bool {
        e.kind() == io::ErrorKind::UnexpectedEof || self.state.eof.load(Ordering::Relaxed)
    }

    fn truncated(&self, entry: Option<&str>) -> Error {
        Error::Truncated {
            archive: self.name.to_string(),
            compression: self.compression,
            entry: entry.map(str::to_owned),
        }
    }
}

/// The inner error of an [`InputError`], or the error itself.
fn unwrap_input_error(e: io::Error) -> io::Error {
    if !e.get_ref().is_some_and(|i| i.is::<InputError>()) {
        return e;
    }
    match e.into_inner().map(|i| i.downcast::<InputError>()) {
        Some(Ok(input)) => input.0,
        Some(Err(other)) => io::Error::other(other),
        None => io::Error::other("read error"),
    }
}

/// Where a walk is: what errors and warnings need to name.
struct Walk {
    ctx: Context,
    /// Length of the input when known (a file, a seekable reader).
    input_len: Option<u64>,
    /// Whether the input is a plain tar read with seeks.
    seekable: bool,
    /// The file it was opened from, which can be read again.
    path: Option<PathBuf>,
    /// Offset of the next tar header.
    next_header: u64,
    /// Name of the last entry handed out.
    last_entry: Option<String>,
    /// Entries handed out so far.
    count: u64,
    warnings: Vec<Warning>,
}

impl Walk {
    /// Turns an I/O error from the tar walk into an [`Error`] that names the
    /// archive and the entry.
    fn error(&self, e: io::Error, entry: Option<&str>) -> Error {
        match self.ctx.classify(e, entry) {
            Ok(error) => error,
            // Not even one header: whatever this is, it is not a tar.
            Err(e) if self.count == 0 => Error::NotATar {
                archive: self.ctx.name.to_string(),
                source: e,
            },
            Err(e) if self.ctx.ended(&e) => self.ctx.truncated(entry),
            Err(e) => Error::Tar {
                archive: self.ctx.name.to_string(),
                offset: self.next_header,
                previous: self.last_entry.clone(),
                source: e,
            },
        }
    }

    /// Called when the tar walk stops without an error: tells a complete
    /// archive from a truncated one.
    fn check_end(&mut self) -> Result<()> {
        if !self.ctx.state.eof.load(Ordering::Relaxed) {
            return Ok(());
        }
        // The input ended where a header should be. For a plain tar read with
        // seeks, the data of the last entry may have been skipped past the end.
        if let Some(len) = self.input_len.filter(|_| self.seekable)
            && self.next_header > len
        {
            return Err(self.ctx.truncated(self.last_entry.as_deref()));
        }
        if self.count > 0 {
            self.warnings.push(Warning::new(
                None,
                "the tar has no end-of-archive marker: the archive may be truncated",
            ));
        }
        Ok(())
    }
}

/// A checkpoint archive opened for one streaming pass.
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
    tar: tar::Archive<Source<'r>>,
    walk: Walk,
}

impl std::fmt::Debug for Archive<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Archive")
            .field("name", &self.walk.ctx.name)
            .field("compression", &self.walk.ctx.compression)
            .finish_non_exhaustive()
    }
}

impl Archive<'static> {
    /// Opens an archive file. A plain tar is read with seeks, so entries
    /// nobody reads cost nothing.
    ///
    /// A named pipe or character device (`/dev/stdin`, `<(zcat …)`) is read
    /// as a stream. Directories are refused here; see
    /// [`read_dir`](crate::read_dir).
    pub fn open(path: impl AsRef<Path>) -> Result<Archive<'static>> {
        let path = path.as_ref();
        let open_error = |source| Error::Open {
            path: path.to_owned(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(open_error)?;
        let name = path.display().to_string();
        if meta.is_file() {
            if meta.len() == 0 {
                return Err(Error::Empty { archive: name });
            }
            let file = File::open(path).map_err(open_error)?;
            let mut archive = Archive::from_seekable(file, name)?;
            archive.walk.path = Some(path.to_owned());
            return Ok(archive);
        }
        if is_stream(&meta) {
            // A pipe cannot be opened again: no path to read it from twice.
            let file = File::open(path).map_err(open_error)?;
            return Archive::from_reader(file, name);
        }
        Err(Error::NotAFile {
            path: path.to_owned(),
        })
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

/// Reads up to `buf.len()` bytes, fewer only at the end of the input.
pub(crate) fn read_prefix(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

impl<'r> Archive<'r> {
    /// Reads an archive from any stream (standard input, a socket, a slice).
    /// Data nobody reads is read and dropped. `name` is what errors and
    /// warnings call the archive.
    pub fn from_reader<R: Read + Send + 'r>(
        reader: R,
        name: impl Into<String>,
    ) -> Result<Archive<'r>> {
        let state = Arc::new(State::default());
        let name: Arc<str> = Arc::from(name.into());
        let mut raw = BufReader::with_capacity(
            INPUT_BUFFER,
            Counting {
                inner: reader,
                state: state.clone(),
            },
        );
        let mut magic = [0u8; Compression::MAGIC_LEN];
        let n = read_prefix(&mut raw, &mut magic).map_err(|e| input_error(&name, e))?;
        if n == 0 {
            return Err(Error::Empty {
                archive: name.to_string(),
            });
        }
        let compression = Compression::detect(&magic[..n]);
        let prefixed = io::Cursor::new(magic[..n].to_vec()).chain(raw);
        let stream: Box<dyn BufRead + Send + 'r> = match compression {
            Compression::None => Box::new(prefixed),
            c if c.is_supported() => {
                compression::decoder(c, prefixed).map_err(|e| input_error(&name, e))?
            }
            c => {
                return Err(Error::UnsupportedCompression {
                    archive: name.to_string(),
                    compression: c,
                });
            }
        };
        Ok(Archive::new(
            Inner::Stream(stream),
            state,
            name,
            compression,
            None,
        ))
    }

    /// Reads an archive from a reader that can seek (a file, a cursor). A
    /// plain tar is read with seeks; a compressed one as a stream. `name` is
    /// what errors and warnings call the archive.
    pub fn from_seekable<R: Read + Seek + Send + 'r>(
        mut reader: R,
        name: impl Into<String>,
    ) -> Result<Archive<'r>> {
        let name: Arc<str> = Arc::from(name.into());
        let io = |e| input_error(&name, e);
        let start = reader.stream_position().map_err(io)?;
        let end = reader.seek(SeekFrom::End(0)).map_err(io)?;
        reader.seek(SeekFrom::Start(start)).map_err(io)?;
        let mut magic = [0u8; Compression::MAGIC_LEN];
        let n = read_prefix(&mut reader, &mut magic).map_err(io)?;
        reader.seek(SeekFrom::Start(start)).map_err(io)?;
        if n == 0 {
            return Err(Error::Empty {
                archive: name.to_string(),
            });
        }
        let compression = Compression::detect(&magic[..n]);
        let input_len = Some(end.saturating_sub(start));
        let state = Arc::new(State::default());
        let counting = Counting {
            inner: reader,
            state: state.clone(),
        };
        match compression {
            Compression::None => {
                let boxed: Box<dyn ReadSeek + Send + 'r> = Box::new(counting);
                Ok(Archive::new(
                    Inner::Seekable(BufReader::with_capacity(SEEKABLE_BUFFER, boxed)),
                    state,
                    name,
                    compression,
                    input_len,
                ))
            }
            c if c.is_supported() => {
                let raw = BufReader::with_capacity(INPUT_BUFFER, counting);
                let decoded = compression::decoder(c, raw).map_err(io)?;
                Ok(Archive::new(
                    Inner::Stream(decoded),
                    state,
                    name,
                    compression,
                    input_len,
                ))
            }
            c => Err(Error::UnsupportedCompression {
                archive: name.to_string(),
                compression: c,
            }),
        }
    }

    fn new(
        inner: Inner<'r>,
        state: Arc<State>,
        name: Arc<str>,
        compression: Compression,
        input_len: Option<u64>,
    ) -> Archive<'r> {
        let seekable = matches!(inner, Inner::Seekable(_));
        let source = Source {
            inner,
            state: state.clone(),
        };
        Archive {
            tar: tar::Archive::new(source),
            walk: Walk {
                ctx: Context {
                    name,
                    compression,
                    state,
                },
                input_len,
                seekable,
                path: None,
                next_header: 0,
                last_entry: None,
                count: 0,
                warnings: Vec::new(),
            },
        }
    }

    /// The name errors and warnings use for this archive.
    pub fn name(&self) -> &str {
        &self.walk.ctx.name
    }

    /// The compression recognised from the first bytes.
    pub fn compression(&self) -> Compression {
        self.walk.ctx.compression
    }

    /// The size of the input in bytes, when it is known before reading (a
    /// file, a seekable reader).
    pub fn input_len(&self) -> Option<u64> {
        self.walk.input_len
    }

    /// The regular file the archive was opened from
    /// ([`Archive::open`]), which a second pass can read again.
    pub fn path(&self) -> Option<&Path> {
        self.walk.path.as_deref()
    }

    /// Whether the archive is a plain tar read with seeks (see
    /// [`Archive::into_random_access`]).
    pub fn is_seekable(&self) -> bool {
        self.walk.seekable
    }

    /// For a plain tar read with seeks, a handle to read any entry's data
    /// again by offset (after the walk), e.g. pages found before the
    /// pagemap that says which of them are wanted.
    pub fn into_random_access(self) -> Option<RandomAccess<'r>> {
        let Archive { tar, walk } = self;
        match tar.into_inner().inner {
            Inner::Seekable(inner) => Some(RandomAccess {
                // Whatever was buffered is dropped: every read seeks first.
                inner: inner.into_inner(),
                len: walk.input_len,
                ctx: walk.ctx,
            }),
            Inner::Stream(_) => None,
        }
    }

    /// A handle that reports how far the walk has got, usable from another
    /// thread (for a progress bar).
    pub fn progress(&self) -> Progress {
        Progress {
            state: self.walk.ctx.state.clone(),
            total: self.walk.input_len,
        }
    }

    /// Problems found while walking that do not stop it (for now: a missing
    /// end-of-archive marker, entry names that leave the archive root).
    pub fn warnings(&self) -> &[Warning] {
        &self.walk.warnings
    }

    /// Takes the warnings collected so far.
    pub fn take_warnings(&mut self) -> Vec<Warning> {
        std::mem::take(&mut self.walk.warnings)
    }

    /// The entries, in archive order. Can be called once per archive.
    ///
    /// Entries must be handled in order: moving to the next one skips what is
    /// left of the current one. The iterator ends after the first error.
    pub fn entries(&mut self) -> Result<Entries<'_, 'r>> {
        let inner = self
            .tar
            .entries_with_seek()
            .map_err(|e| self.walk.error(e, None))?;
        Ok(Entries {
            inner,
            walk: &mut self.walk,
            done: false,
        })
    }

    /// Reads what follows the tar's end-of-archive marker to the end of the
    /// input, so that a compressed stream's trailer (gzip CRC and length,
    /// zstd checksum) is checked, and returns the sizes of the whole stream.
    ///
    /// Call it after [`Archive::entries`] has ended.
    pub fn finish(self) -> Result<StreamEnd> {
        let Archive { tar, walk } = self;
        let mut source = tar.into_inner();
        if walk.seekable {
            let len = walk.input_len.unwrap_or(0);
            return Ok(StreamEnd {
                input_size: len,
                tar_size: len,
            });
        }
        let Inner::Stream(stream) = &mut source.inner else {
            return Ok(StreamEnd::default());
        };
        loop {
            let n = match stream.fill_buf() {
                Ok(b) => b.len(),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(walk.error(e, None)),
            };
            if n == 0 {
                break;
            }
            stream.consume(n);
            walk.ctx
                .state
                .tar_pos
                .fetch_add(n as u64, Ordering::Relaxed);
        }
        Ok(StreamEnd {
            input_size: walk.ctx.state.input_pos.load(Ordering::Relaxed),
            tar_size: walk.ctx.state.tar_pos.load(Ordering::Relaxed),
        })
    }
}

fn input_error(name: &str, e: io::Error) -> Error {
    Error::Io {
        archive: name.to_owned(),
        entry: None,
        source: unwrap_input_error(e),
    }
}

/// Reads a plain tar archive by offset; see [`Archive::into_random_access`].
pub struct RandomAccess<'r> {
    /// Unbuffered: reads are of the sizes asked for, at the offsets asked
    /// for, so a few bytes of argv cost a few bytes of I/O.
    inner: Box<dyn ReadSeek + Send + 'r>,
    len: Option<u64>,
    ctx: Context,
}

impl std::fmt::Debug for RandomAccess<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RandomAccess")
            .field("name", &self.ctx.name)
            .finish_non_exhaustive()
    }
}

impl RandomAccess<'_> {
    /// Fills `buf` from `offset` of the archive.
    pub fn read_exact_at(&mut self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let end = offset.checked_add(buf.len() as u64);
        if let (Some(len), Some(end)) = (self.len, end)
            && end > len
        {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("bytes {offset}..{end} are past the end of the archive ({len} bytes)"),
            ));
        }
        self.inner.seek(SeekFrom::Start(offset))?;
        self.inner.read_exact(buf)
    }

    /// Turns an error of [`RandomAccess::read_exact_at`] into an [`Error`]
    /// naming the archive and `entry`.
    pub fn error(&self, e: io::Error, entry: &str) -> Error {
        match self.ctx.classify(e, Some(entry)) {
            Ok(error) => error,
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => self.ctx.truncated(Some(entry)),
            Err(source) => Error::Io {
                archive: self.ctx.name.to_string(),
                entry: Some(entry.to_owned()),
                source,
            },
        }
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

/// How far a walk has got; see [`Archive::progress`].
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

/// The entries of an [`Archive`]; see [`Archive::entries`].
pub struct Entries<'a, 'r> {
    inner: tar::Entries<'a, Source<'r>>,
    walk: &'a mut Walk,
    done: bool,
}

impl<'a, 'r> Iterator for Entries<'a, 'r> {
    type Item = Result<Entry<'a, 'r>>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.done {
                return None;
            }
            let entry = match self.inner.next() {
                None => {
                    self.done = true;
                    return self.walk.check_end().err().map(Err);
                }
                Some(Err(e)) => {
                    self.done = true;
                    let last = self.walk.last_entry.clone();
                    return Some(Err(self.walk.error(e, last.as_deref())));
                }
                Some(Ok(entry)) => entry,
            };
            let header = entry.header();
            let entry_type = header.entry_type();
            if entry_type == tar::EntryType::XGlobalHeader {
                // PAX global headers describe the archive, not a member.
                continue;
            }
            let size = entry.size();
            let raw_name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let is_dir = entry_type.is_dir();
            let (name, kind) = match normalize(&raw_name) {
                Some(name) => {
                    let kind = classify(&name, is_dir);
                    (name, kind)
                }
                None => {
                    if raw_name.split('/').any(|p| p == "..") {
                        self.walk.warnings.push(Warning::new(
                            Some(&raw_name),
                            "entry name leaves the archive root (`..`); ignored",
                        ));
                    }
                    let kind = if is_dir {
                        EntryKind::Directory
                    } else {
                        EntryKind::Other
                    };
                    (raw_name, kind)
                }
            };
            let file_pos = entry.raw_file_position();
            self.walk.next_header = file_pos.saturating_add(size.saturating_add(511) & !511);
            self.walk.count += 1;
            self.walk.last_entry = Some(name.clone());
            return Some(Ok(Entry {
                inner: entry,
                name,
                kind,
                entry_type,
                size,
                remaining: size,
                header_offset: file_pos.saturating_sub(512),
                data_offset: file_pos,
                ctx: self.walk.ctx.clone(),
            }));
        }
    }
}

/// One entry of an archive. Its data is read with [`Read`]; reading past the
/// end of a truncated archive is an [`io::ErrorKind::UnexpectedEof`] error.
pub struct Entry<'a, 'r> {
    inner: tar::Entry<'a, Source<'r>>,
    name: String,
    kind: EntryKind,
    entry_type: tar::EntryType,
    size: u64,
    remaining: u64,
    header_offset: u64,
    data_offset: u64,
    ctx: Context,
}

impl std::fmt::Debug for Entry<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

impl Entry<'_, '_> {
    /// The entry's name, normalised (no `./` prefix, no trailing `/`). A name
    /// that cannot be normalised (it has `..`) is given as it is.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the entry is.
    pub fn kind(&self) -> EntryKind {
        self.kind
    }

    /// Size of the entry's data in bytes, as the headers declare it.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Whether it is a regular file (the only entries whose data is read).
    pub fn is_file(&self) -> bool {
        matches!(
            self.entry_type,
            tar::EntryType::Regular | tar::EntryType::Continuous | tar::EntryType::GNUSparse
        )
    }

    /// Whether it is a directory.
    pub fn is_dir(&self) -> bool {
        self.entry_type.is_dir()
    }

    /// Whether it is a symbolic or hard link.
    pub fn is_link(&self) -> bool {
        self.entry_type.is_symlink() || self.entry_type.is_hard_link()
    }

    /// Offset of the entry's header in the uncompressed tar stream.
    pub fn header_offset(&self) -> u64 {
        self.header_offset
    }

    /// Offset of the entry's data in the uncompressed tar stream.
    pub fn data_offset(&self) -> u64 {
        self.data_offset
    }

    /// Whether the data is stored in one piece from [`Entry::data_offset`]
    /// (everything but GNU sparse files).
    pub fn is_contiguous(&self) -> bool {
        self.entry_type != tar::EntryType::GNUSparse
    }

    /// Reads the whole entry into memory, refusing an entry that declares
    /// more than `limit` bytes before allocating anything.
    pub fn read_to_vec(&mut self, limit: u64) -> Result<Vec<u8>> {
        if self.size > limit {
            return Err(Error::EntryTooLarge {
                archive: self.ctx.name.to_string(),
                entry: self.name.clone(),
                size: self.size,
                limit,
            });
        }
        // Bounded by `limit` above, so it fits in memory as the caller allows.
        let mut buf = Vec::with_capacity(usize::try_from(self.size).unwrap_or(0));
        if let Err(e) = self.read_to_end(&mut buf) {
            return Err(self.error(e));
        }
        Ok(buf)
    }

    /// Turns an error from reading this entry into an [`Error`] naming it.
    pub fn error(&self, e: io::Error) -> Error {
        match self.ctx.classify(e, Some(&self.name)) {
            Ok(error) => error,
            Err(e) if self.ctx.ended(&e) => self.ctx.truncated(Some(&self.name)),
            Err(source) => Error::Io {
                archive: self.ctx.name.to_string(),
                entry: Some(self.name.clone()),
                source,
            },
        }
    }
}

impl Read for Entry<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() || self.remaining == 0 {
            return Ok(0);
        }
        let n = self.inner.read(buf)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("archive ends inside {}", self.name),
            ));
        }
        self.remaining = self.remaining.saturating_sub(n as u64);
        Ok(n)
    }
}

/// Opens `path` as an [`Archive`], or tells that it is a directory.
pub(crate) enum Opened {
    Archive(Box<Archive<'static>>),
    Directory(PathBuf),
}

pub(crate) fn open_path(path: &Path) -> Result<Opened> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Ok(Opened::Directory(path.to_owned())),
        _ => Archive::open(path).map(|a| Opened::Archive(Box::new(a))),
    }
}
