//! The raw input: positioned reads ([`ReadAt`]), the cursor that walks them,
//! and the counters that progress reports and errors read.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::compression::InputError;

/// Positioned reads of an input whose bytes can be read in any order: a
/// file, a buffer in memory, a ranged remote object.
///
/// A plain tar read through it is walked with seeks, so that data nobody
/// reads is never read, and any entry can be read again by offset (pages
/// that came before the pagemap saying which of them are wanted). A
/// compressed archive is read from the start, and can be read again from
/// the start.
///
/// ```
/// use ckpt::source::ReadAt;
/// let bytes: Vec<u8> = b"hello".to_vec();
/// let mut buf = [0u8; 3];
/// assert_eq!(bytes.read_at(1, &mut buf).unwrap(), 3);
/// assert_eq!(&buf, b"ell");
/// assert_eq!(bytes.size().unwrap(), 5);
/// ```
pub trait ReadAt: Send + Sync {
    /// Reads up to `buf.len()` bytes from `offset`; fewer only at the end
    /// of the input (0 past it).
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize>;

    /// The input's size in bytes.
    fn size(&self) -> io::Result<u64>;

    /// Fills `buf` from `offset`, or fails with
    /// [`io::ErrorKind::UnexpectedEof`].
    fn read_exact_at(&self, mut offset: u64, mut buf: &mut [u8]) -> io::Result<()> {
        while !buf.is_empty() {
            match self.read_at(offset, buf) {
                Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
                Ok(n) => {
                    buf = &mut buf[n..];
                    offset += n as u64;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

impl ReadAt for File {
    #[cfg(unix)]
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        std::os::unix::fs::FileExt::read_at(self, buf, offset)
    }

    #[cfg(windows)]
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        std::os::windows::fs::FileExt::seek_read(self, buf, offset)
    }

    #[cfg(not(any(unix, windows)))]
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        let mut file = self;
        file.seek(SeekFrom::Start(offset))?;
        file.read(buf)
    }

    fn size(&self) -> io::Result<u64> {
        Ok(self.metadata()?.len())
    }
}

impl ReadAt for [u8] {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.len());
        let n = buf.len().min(self.len() - start);
        buf[..n].copy_from_slice(&self[start..start + n]);
        Ok(n)
    }

    fn size(&self) -> io::Result<u64> {
        Ok(self.len() as u64)
    }
}

impl ReadAt for Vec<u8> {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        self.as_slice().read_at(offset, buf)
    }

    fn size(&self) -> io::Result<u64> {
        Ok(self.len() as u64)
    }
}

impl<T: ReadAt + ?Sized> ReadAt for &T {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        (**self).read_at(offset, buf)
    }

    fn size(&self) -> io::Result<u64> {
        (**self).size()
    }
}

/// `len` bytes of `inner` from `start`: a member of a plain tar read as
/// an input of its own (a pod's container archive).
pub(crate) struct Window<'r> {
    pub(crate) inner: Arc<dyn ReadAt + 'r>,
    pub(crate) start: u64,
    pub(crate) len: u64,
}

impl ReadAt for Window<'_> {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.len.saturating_sub(offset);
        let n = usize::try_from(left).unwrap_or(usize::MAX).min(buf.len());
        match (self.start.checked_add(offset), buf.get_mut(..n)) {
            (Some(at), Some(buf)) if n > 0 => self.inner.read_at(at, buf),
            _ => Ok(0),
        }
    }

    fn size(&self) -> io::Result<u64> {
        Ok(self.len)
    }
}

impl<T: ReadAt + ?Sized> ReadAt for Arc<T> {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        (**self).read_at(offset, buf)
    }

    fn size(&self) -> io::Result<u64> {
        (**self).size()
    }
}

/// Positioned reads over a reader that seeks, from the position it had
/// when it was given (what [`Source::from_seekable`] wraps).
///
/// [`Source::from_seekable`]: super::Source::from_seekable
pub(crate) struct SeekReadAt<R> {
    inner: Mutex<R>,
    start: u64,
    len: u64,
}

impl<R: Read + Seek> SeekReadAt<R> {
    pub(crate) fn new(mut inner: R) -> io::Result<SeekReadAt<R>> {
        let start = inner.stream_position()?;
        let end = inner.seek(SeekFrom::End(0))?;
        inner.seek(SeekFrom::Start(start))?;
        Ok(SeekReadAt {
            inner: Mutex::new(inner),
            start,
            len: end.saturating_sub(start),
        })
    }
}

impl<R: Read + Seek + Send> ReadAt for SeekReadAt<R> {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        if offset >= self.len {
            return Ok(0);
        }
        let mut inner = self
            .inner
            .lock()
            .map_err(|_| io::Error::other("a reader panicked"))?;
        inner.seek(SeekFrom::Start(self.start + offset))?;
        let n = usize::try_from(self.len - offset).unwrap_or(usize::MAX);
        let n = buf.len().min(n);
        inner.read(&mut buf[..n])
    }

    fn size(&self) -> io::Result<u64> {
        Ok(self.len)
    }
}

/// Counters shared between the reader layers and
/// [`Progress`](super::Progress) handles.
#[derive(Debug, Default)]
pub(crate) struct State {
    /// Bytes of the input consumed (compressed bytes, or file position).
    pub(crate) input_pos: AtomicU64,
    /// Position in the uncompressed tar stream.
    pub(crate) tar_pos: AtomicU64,
    /// The uncompressed stream has ended.
    pub(crate) eof: AtomicBool,
}

impl State {
    pub(crate) fn tar_pos(&self) -> u64 {
        self.tar_pos.load(Ordering::Relaxed)
    }

    pub(crate) fn ended(&self) -> bool {
        self.eof.load(Ordering::Relaxed)
    }
}

/// Marks an error of the input as the input's (see [`InputError`]).
fn input_error(e: io::Error) -> io::Error {
    io::Error::new(e.kind(), InputError(e))
}

/// A stream read once, counting what is read and marking its errors.
pub(crate) struct Counting<R> {
    pub(crate) inner: R,
    pub(crate) state: Arc<State>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf).map_err(input_error)?;
        self.state.input_pos.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// A cursor over positioned reads: `Read` and `Seek` for the tar walk and
/// the decoders, counting what is read and marking its errors.
pub(crate) struct Cursor<'r> {
    inner: Arc<dyn ReadAt + 'r>,
    pos: u64,
    len: u64,
    state: Arc<State>,
}

impl<'r> Cursor<'r> {
    pub(crate) fn new(inner: Arc<dyn ReadAt + 'r>, len: u64, state: Arc<State>) -> Cursor<'r> {
        Cursor {
            inner,
            pos: 0,
            len,
            state,
        }
    }
}

impl Read for Cursor<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.len || buf.is_empty() {
            return Ok(0);
        }
        let n = self.inner.read_at(self.pos, buf).map_err(input_error)?;
        self.pos += n as u64;
        self.state.input_pos.store(self.pos, Ordering::Relaxed);
        Ok(n)
    }
}

impl Seek for Cursor<'_> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
        };
        let Some(target) = target else {
            return Err(input_error(io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek out of range",
            )));
        };
        self.pos = target;
        self.state.input_pos.store(target, Ordering::Relaxed);
        Ok(target)
    }
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
