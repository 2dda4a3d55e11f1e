//! The tar walk: one pass over a (compressed) tar stream with the `tar`
//! crate, entries classified by name, errors classified by the layer that
//! raised them.

use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::input::{Counting, Cursor, State, read_prefix};
use super::{Input, ReadAt};
use crate::compression::{self, Compression, InputError, StreamError};
use crate::error::{Error, Result};
use crate::layout::{EntryKind, classify, normalize};
use crate::warning::{Warning, WarningKind};

/// Read buffer over the input stream (what a decoder reads from).
const INPUT_BUFFER: usize = 128 << 10;

/// Read buffer over a plain tar read with seeks: refilled after every
/// skip, so kept small (headers and small entries only go through it).
const SEEKABLE_BUFFER: usize = 32 << 10;

/// The uncompressed tar stream, as the `tar` crate reads it.
enum Inner<'r> {
    /// A plain tar read with seeks: skipped data is never read.
    Seekable(BufReader<Cursor<'r>>),
    /// Anything else: skipped data is read and dropped.
    Stream(Box<dyn BufRead + Send + 'r>),
}

/// `Seek` supports only forward moves from the current position, which is
/// all `tar` asks.
pub(crate) struct TarInput<'r> {
    inner: Inner<'r>,
    state: Arc<State>,
}

impl Read for TarInput<'_> {
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

impl Seek for TarInput<'_> {
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
                return Ok(self.state.tar_pos());
            }
        }
        Ok(self.state.tar_pos.fetch_add(left, Ordering::Relaxed) + left)
    }
}

/// What an error needs to name: the archive, its compression, and how far
/// the stream got.
#[derive(Clone)]
pub(crate) struct Context {
    pub(crate) name: Arc<str>,
    pub(crate) compression: Compression,
    pub(crate) state: Arc<State>,
}

impl Context {
    /// Classifies an I/O error that the reader layers raised: the input's or
    /// the decoder's. Gives back any other error (the tar parser's own, or
    /// the end of the input).
    pub(crate) fn classify(
        &self,
        e: io::Error,
        entry: Option<&str>,
    ) -> std::result::Result<Error, io::Error> {
        let archive = self.name.to_string();
        let entry = entry.map(str::to_owned);
        let offset = Some(self.state.tar_pos());
        if e.get_ref().is_some_and(|i| i.is::<InputError>()) {
            return Ok(Error::Io {
                archive,
                entry,
                offset,
                source: unwrap_input_error(e),
            });
        }
        if e.get_ref().is_some_and(|i| i.is::<StreamError>()) {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                return Ok(Error::Truncated {
                    archive,
                    compression: self.compression,
                    entry,
                    offset,
                });
            }
            return Ok(Error::Decompress {
                archive,
                compression: self.compression,
                entry,
                offset,
                source: e,
            });
        }
        Err(e)
    }

    /// Whether the uncompressed stream has ended (or an error says so).
    pub(crate) fn ended(&self, e: &io::Error) -> bool {
        e.kind() == io::ErrorKind::UnexpectedEof || self.state.ended()
    }

    pub(crate) fn truncated(&self, entry: Option<&str>) -> Error {
        Error::Truncated {
            archive: self.name.to_string(),
            compression: self.compression,
            entry: entry.map(str::to_owned),
            offset: Some(self.state.tar_pos()),
        }
    }

    /// An error from reading `entry`'s data, named.
    pub(crate) fn entry_error(&self, e: io::Error, entry: &str) -> Error {
        match self.classify(e, Some(entry)) {
            Ok(error) => error,
            Err(e) if self.ended(&e) => self.truncated(Some(entry)),
            Err(source) => Error::Io {
                archive: self.name.to_string(),
                entry: Some(entry.to_owned()),
                offset: Some(self.state.tar_pos()),
                source,
            },
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

/// An error of the input before the walk began, named.
pub(crate) fn input_error(name: &str, e: io::Error) -> Error {
    Error::Io {
        archive: name.to_owned(),
        entry: None,
        offset: None,
        source: unwrap_input_error(e),
    }
}

/// Where a walk is: what errors and warnings need to name.
pub(crate) struct Walk {
    pub(crate) ctx: Context,
    /// Length of the input when known (a file, positioned reads).
    pub(crate) input_len: Option<u64>,
    /// Whether the input is a plain tar read with seeks.
    pub(crate) seekable: bool,
    /// Offset of the next tar header.
    next_header: u64,
    /// Name of the last entry handed out.
    last_entry: Option<String>,
    /// Entries handed out so far.
    count: u64,
    pub(crate) warnings: Vec<Warning>,
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
        if !self.ctx.state.ended() {
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
                WarningKind::NoEndMarker,
                None,
                "the tar has no end-of-archive marker: the archive may be truncated",
            ));
        }
        Ok(())
    }
}

/// A tar archive (compressed or not) over a stream or positioned reads.
pub(crate) struct TarWalk<'r> {
    tar: tar::Archive<TarInput<'r>>,
    pub(crate) walk: Walk,
    /// The positioned reads it was opened on, to read again.
    pub(crate) random: Option<(Arc<dyn ReadAt + 'r>, u64)>,
}

impl<'r> TarWalk<'r> {
    /// Opens the tar in `input` (a stream or positioned reads), recognising
    /// its compression from the first bytes.
    pub(crate) fn new(name: Arc<str>, input: Input<'r>, state: Arc<State>) -> Result<TarWalk<'r>> {
        let io = |e| input_error(&name, e);
        match input {
            Input::Stream(reader) => {
                let mut raw = BufReader::with_capacity(
                    INPUT_BUFFER,
                    Counting {
                        inner: reader,
                        state: state.clone(),
                    },
                );
                let mut magic = [0u8; Compression::MAGIC_LEN];
                let n = read_prefix(&mut raw, &mut magic).map_err(io)?;
                if n == 0 {
                    return Err(Error::Empty {
                        archive: name.to_string(),
                    });
                }
                let compression = supported(&name, Compression::detect(&magic[..n]))?;
                let prefixed = io::Cursor::new(magic[..n].to_vec()).chain(raw);
                let stream: Box<dyn BufRead + Send + 'r> = match compression {
                    Compression::None => Box::new(prefixed),
                    c => compression::decoder(c, prefixed).map_err(io)?,
                };
                Ok(TarWalk::with(
                    Inner::Stream(stream),
                    state,
                    name,
                    compression,
                    None,
                    None,
                ))
            }
            Input::Random(random, len) => {
                let mut magic = [0u8; Compression::MAGIC_LEN];
                let n = random
                    .read_at(
                        0,
                        &mut magic[..len.min(Compression::MAGIC_LEN as u64) as usize],
                    )
                    .map_err(io)?;
                if n == 0 {
                    return Err(Error::Empty {
                        archive: name.to_string(),
                    });
                }
                let compression = supported(&name, Compression::detect(&magic[..n]))?;
                let cursor = Cursor::new(random.clone(), len, state.clone());
                let inner = match compression {
                    Compression::None => {
                        Inner::Seekable(BufReader::with_capacity(SEEKABLE_BUFFER, cursor))
                    }
                    c => {
                        let raw = BufReader::with_capacity(INPUT_BUFFER, cursor);
                        Inner::Stream(compression::decoder(c, raw).map_err(io)?)
                    }
                };
                Ok(TarWalk::with(
                    inner,
                    state,
                    name,
                    compression,
                    Some(len),
                    Some((random, len)),
                ))
            }
            Input::Directory(path) => Err(Error::NotAFile { path }),
        }
    }

    fn with(
        inner: Inner<'r>,
        state: Arc<State>,
        name: Arc<str>,
        compression: Compression,
        input_len: Option<u64>,
        random: Option<(Arc<dyn ReadAt + 'r>, u64)>,
    ) -> TarWalk<'r> {
        let seekable = matches!(inner, Inner::Seekable(_));
        TarWalk {
            tar: tar::Archive::new(TarInput {
                inner,
                state: state.clone(),
            }),
            walk: Walk {
                ctx: Context {
                    name,
                    compression,
                    state,
                },
                input_len,
                seekable,
                next_header: 0,
                last_entry: None,
                count: 0,
                warnings: Vec::new(),
            },
            random,
        }
    }

    /// The entries, in archive order.
    pub(crate) fn entries(&mut self) -> Result<TarEntries<'_, 'r>> {
        let inner = self
            .tar
            .entries_with_seek()
            .map_err(|e| self.walk.error(e, None))?;
        Ok(TarEntries {
            inner,
            walk: &mut self.walk,
            done: false,
        })
    }

    /// Reads what follows the end-of-archive marker to the end of the input
    /// (checking a compressed stream's trailer); the sizes of the stream.
    pub(crate) fn finish(self) -> Result<(u64, u64)> {
        let TarWalk { tar, walk, .. } = self;
        let mut source = tar.into_inner();
        if walk.seekable {
            let len = walk.input_len.unwrap_or(0);
            return Ok((len, len));
        }
        let Inner::Stream(stream) = &mut source.inner else {
            return Ok((0, 0));
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
        let state = &walk.ctx.state;
        Ok((state.input_pos.load(Ordering::Relaxed), state.tar_pos()))
    }
}

/// The compression, if this build reads it.
fn supported(name: &str, compression: Compression) -> Result<Compression> {
    if compression.is_supported() {
        Ok(compression)
    } else {
        Err(Error::UnsupportedCompression {
            archive: name.to_owned(),
            compression,
        })
    }
}

/// The entries of a [`TarWalk`].
pub(crate) struct TarEntries<'a, 'r> {
    inner: tar::Entries<'a, TarInput<'r>>,
    walk: &'a mut Walk,
    done: bool,
}

impl<'a, 'r> Iterator for TarEntries<'a, 'r> {
    type Item = Result<TarEntry<'a, 'r>>;

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
                            WarningKind::UnsafeName,
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
            return Some(Ok(TarEntry {
                inner: entry,
                name,
                kind,
                entry_type,
                size,
                remaining: size,
                header_offset: file_pos.saturating_sub(512),
                data_offset: file_pos,
                seekable: self.walk.seekable,
                ctx: self.walk.ctx.clone(),
            }));
        }
    }
}

/// One member of a tar.
pub(crate) struct TarEntry<'a, 'r> {
    inner: tar::Entry<'a, TarInput<'r>>,
    pub(crate) name: String,
    pub(crate) kind: EntryKind,
    entry_type: tar::EntryType,
    pub(crate) size: u64,
    remaining: u64,
    pub(crate) header_offset: u64,
    pub(crate) data_offset: u64,
    /// Whether the archive is a plain tar read with seeks.
    pub(crate) seekable: bool,
    pub(crate) ctx: Context,
}

impl TarEntry<'_, '_> {
    pub(crate) fn is_file(&self) -> bool {
        matches!(
            self.entry_type,
            tar::EntryType::Regular | tar::EntryType::Continuous | tar::EntryType::GNUSparse
        )
    }

    pub(crate) fn is_dir(&self) -> bool {
        self.entry_type.is_dir()
    }

    pub(crate) fn is_link(&self) -> bool {
        self.entry_type.is_symlink() || self.entry_type.is_hard_link()
    }

    pub(crate) fn is_contiguous(&self) -> bool {
        self.entry_type != tar::EntryType::GNUSparse
    }
}

impl Read for TarEntry<'_, '_> {
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
