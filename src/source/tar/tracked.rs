//! A reader that counts where it is, and skips forward; with a tap, it
//! hashes the content of the entry being read, skipped bytes included.

use std::io::{self, Read, Seek, SeekFrom};

use crate::source::taps::EntryTap;

/// A reader that counts where it is.
pub(super) struct Tracked<R> {
    pub(super) inner: R,
    pub(super) pos: u64,
    /// Hashes entries' content, when digests are wanted.
    pub(super) tap: Option<EntryTap>,
}

impl<R: Read> Read for Tracked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(tap) = &mut self.tap {
            tap.saw(self.pos, buf.get(..n).unwrap_or_default())?;
        }
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: Read + Seek> Tracked<R> {
    /// Fills as much of `buf` as the input has; how much.
    pub(super) fn fill(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut n = 0;
        while n < buf.len() {
            match self.read(&mut buf[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(n)
    }

    pub(super) fn skip(&mut self, mut n: u64) -> io::Result<()> {
        // What is skipped of an entry being hashed is read and hashed.
        if let Some(end) = self.tap.as_ref().and_then(EntryTap::end)
            && self.pos < end
        {
            let through = n.min(end - self.pos);
            self.read_through(through)?;
            n -= through;
        }
        if n == 0 {
            return Ok(());
        }
        let delta = i64::try_from(n).map_err(|_| io::Error::from(io::ErrorKind::UnexpectedEof))?;
        self.inner.seek(SeekFrom::Current(delta))?;
        self.pos += n;
        Ok(())
    }
}

impl<R: Read> Tracked<R> {
    /// Reads `n` bytes and drops them (the tap sees them).
    fn read_through(&mut self, mut n: u64) -> io::Result<()> {
        let mut buf = [0u8; 16 << 10];
        while n > 0 {
            let want = usize::try_from(n).unwrap_or(usize::MAX).min(buf.len());
            match self.read(&mut buf[..want]) {
                Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
                Ok(k) => n -= k as u64,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Reads what is left of the entry being hashed and ends its digest.
    pub(super) fn close_entry(&mut self) -> io::Result<()> {
        let Some(end) = self.tap.as_ref().and_then(EntryTap::end) else {
            return Ok(());
        };
        if self.pos < end {
            self.read_through(end - self.pos)?;
        }
        match &mut self.tap {
            Some(tap) => tap.close(),
            None => Ok(()),
        }
    }
}
