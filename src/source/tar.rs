//! The tar walk: one pass over the uncompressed tar stream with the `tar`
//! crate, entries classified by name, errors named.

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::context::Context;
use super::input::State;
use super::stream::TarInput;
use super::{Input, ReadAt};
use crate::compression::Compression;
use crate::error::{Error, Result};
use crate::layout::{EntryKind, classify, normalize};
use crate::warning::{Warning, WarningKind};

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
        let random = match &input {
            Input::Random(random, len) => Some((random.clone(), *len)),
            _ => None,
        };
        let (stream, compression) = TarInput::open(&name, input, state.clone())?;
        Ok(TarWalk::with(
            stream,
            state,
            name,
            compression,
            random.as_ref().map(|r| r.1),
            random,
        ))
    }

    fn with(
        stream: TarInput<'r>,
        state: Arc<State>,
        name: Arc<str>,
        compression: Compression,
        input_len: Option<u64>,
        random: Option<(Arc<dyn ReadAt + 'r>, u64)>,
    ) -> TarWalk<'r> {
        let seekable = stream.is_seekable();
        TarWalk {
            tar: tar::Archive::new(stream),
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
        if walk.seekable {
            let len = walk.input_len.unwrap_or(0);
            return Ok((len, len));
        }
        tar.into_inner().drain().map_err(|e| walk.error(e, None))?;
        let state = &walk.ctx.state;
        Ok((state.input_pos.load(Ordering::Relaxed), state.tar_pos()))
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
