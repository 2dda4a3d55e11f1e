//! From the input to the uncompressed tar stream: the compression
//! recognised from the first bytes, the decoder, and the forward seeks the
//! `tar` crate makes (by positioned reads for a plain tar, by reading and
//! dropping otherwise).

use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::Input;
use super::context::input_error;
use super::hashing::Hasher;
use super::input::{Counting, Cursor, State, read_prefix};
use super::taps::RawTap;
use crate::compression::{self, Compression};
use crate::error::{Error, Result};

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

impl<'r> TarInput<'r> {
    /// The tar in `input` (a stream or positioned reads) and its
    /// compression. With a `hasher`, every byte of the input is read, in
    /// order, and hashed (a plain tar is then read as a stream, never
    /// seeking past a byte); the tap is given back to read the input to its
    /// end once the tar is walked.
    pub(crate) fn open(
        name: &str,
        input: Input<'r>,
        state: Arc<State>,
        hasher: Option<Hasher>,
    ) -> Result<(TarInput<'r>, Compression, Option<RawTap<'r>>)> {
        let io = |e| input_error(name, e);
        let empty = || Error::Empty {
            archive: name.to_owned(),
        };
        let mut tap = None;
        let mut tapped = |reader: Box<dyn Read + Send + 'r>| -> Box<dyn Read + Send + 'r> {
            match &hasher {
                Some(h) => {
                    let raw = RawTap::new(reader, h.clone());
                    tap = Some(raw.clone());
                    Box::new(raw)
                }
                None => reader,
            }
        };
        let (inner, compression) = match input {
            Input::Stream(reader) => {
                let counting = Counting {
                    inner: tapped(reader),
                    state: state.clone(),
                };
                streamed(name, Box::new(counting))?
            }
            Input::Random(random, len) if hasher.is_some() => {
                let cursor = Cursor::new(random, len, state.clone());
                streamed(name, tapped(Box::new(cursor)))?
            }
            Input::Random(random, len) => {
                let mut magic = [0u8; Compression::MAGIC_LEN];
                let want = len.min(Compression::MAGIC_LEN as u64) as usize;
                let n = random.read_at(0, &mut magic[..want]).map_err(io)?;
                if n == 0 {
                    return Err(empty());
                }
                let compression = supported(name, Compression::detect(&magic[..n]))?;
                let cursor = Cursor::new(random, len, state.clone());
                let inner = match compression {
                    Compression::None => {
                        Inner::Seekable(BufReader::with_capacity(SEEKABLE_BUFFER, cursor))
                    }
                    c => {
                        let raw = BufReader::with_capacity(INPUT_BUFFER, cursor);
                        Inner::Stream(compression::decoder(c, raw).map_err(io)?)
                    }
                };
                (inner, compression)
            }
            Input::Directory(path) => return Err(Error::NotAFile { path }),
        };
        Ok((TarInput { inner, state }, compression, tap))
    }

    /// Whether it is a plain tar read with seeks.
    pub(crate) fn is_seekable(&self) -> bool {
        matches!(self.inner, Inner::Seekable(_))
    }

    /// Reads to the end of the stream, so that a compressed stream's
    /// trailer (gzip CRC and length, zstd checksum) is checked.
    pub(crate) fn drain(&mut self) -> io::Result<()> {
        let Inner::Stream(stream) = &mut self.inner else {
            return Ok(());
        };
        loop {
            let n = match stream.fill_buf() {
                Ok(b) => b.len(),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if n == 0 {
                return Ok(());
            }
            stream.consume(n);
            self.state.tar_pos.fetch_add(n as u64, Ordering::Relaxed);
        }
    }
}

/// A stream read once, in order: its compression recognised from the
/// first bytes, and its decoder.
fn streamed<'r>(name: &str, reader: Box<dyn Read + Send + 'r>) -> Result<(Inner<'r>, Compression)> {
    let io = |e| input_error(name, e);
    let mut raw = BufReader::with_capacity(INPUT_BUFFER, reader);
    let mut magic = [0u8; Compression::MAGIC_LEN];
    let n = read_prefix(&mut raw, &mut magic).map_err(io)?;
    if n == 0 {
        return Err(Error::Empty {
            archive: name.to_owned(),
        });
    }
    let compression = supported(name, Compression::detect(&magic[..n]))?;
    let prefixed = io::Cursor::new(magic[..n].to_vec()).chain(raw);
    let stream: Box<dyn BufRead + Send + 'r> = match compression {
        Compression::None => Box::new(prefixed),
        c => compression::decoder(c, prefixed).map_err(io)?,
    };
    Ok((Inner::Stream(stream), compression))
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
