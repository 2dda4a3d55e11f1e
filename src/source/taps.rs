//! The taps that feed the hashing threads ([`super::hashing`]): the raw
//! input's bytes ([`RawTap`]) and each entry's content ([`EntryTap`]),
//! gathered into batches.

use std::io::{self, Read};
use std::mem;
use std::sync::{Arc, Mutex, PoisonError};

use super::hashing::{BATCH, Hasher, Msg};

/// Bytes gathered into batches for one kind of message.
struct Batch {
    hasher: Hasher,
    bytes: Vec<u8>,
}

impl Batch {
    fn new(hasher: Hasher) -> Batch {
        Batch {
            hasher,
            bytes: Vec::new(),
        }
    }

    fn add(&mut self, bytes: &[u8], wrap: fn(Vec<u8>) -> Msg) -> io::Result<()> {
        if self.bytes.capacity() == 0 {
            self.bytes.reserve_exact(BATCH);
        }
        self.bytes.extend_from_slice(bytes);
        if self.bytes.len() >= BATCH {
            self.flush(wrap)?;
        }
        Ok(())
    }

    fn flush(&mut self, wrap: fn(Vec<u8>) -> Msg) -> io::Result<()> {
        if self.bytes.is_empty() {
            return Ok(());
        }
        self.hasher.send(wrap(mem::take(&mut self.bytes)))
    }
}

/// The raw input with every byte read from it hashed. Shared, so that
/// the walk can read what the decoder left (a trailer, trailing bytes) to
/// the end of the input once the tar is walked.
#[derive(Clone)]
pub(crate) struct RawTap<'r> {
    shared: Arc<Mutex<RawInner<'r>>>,
}

struct RawInner<'r> {
    reader: Box<dyn Read + Send + 'r>,
    batch: Batch,
    /// Reading failed: the digest would not be the input's.
    failed: bool,
}

impl<'r> RawTap<'r> {
    pub(crate) fn new(reader: Box<dyn Read + Send + 'r>, hasher: Hasher) -> RawTap<'r> {
        RawTap {
            shared: Arc::new(Mutex::new(RawInner {
                reader,
                batch: Batch::new(hasher),
                failed: false,
            })),
        }
    }

    /// Reads what is left of the input, hashing it, and sends what is
    /// gathered; whether every byte of the input was hashed.
    pub(crate) fn read_to_end(&self) -> bool {
        let mut inner = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        let mut buf = vec![0u8; 64 << 10];
        loop {
            if inner.failed {
                return false;
            }
            match inner.reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    let read = buf.get(..n).unwrap_or_default();
                    if inner.batch.add(read, Msg::Raw).is_err() {
                        inner.failed = true;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => inner.failed = true,
            }
        }
        if inner.batch.flush(Msg::Raw).is_err() {
            inner.failed = true;
        }
        !inner.failed
    }
}

impl Read for RawTap<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut inner = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        let n = match inner.reader.read(buf) {
            Ok(n) => n,
            Err(e) => {
                if e.kind() != io::ErrorKind::Interrupted {
                    inner.failed = true;
                }
                return Err(e);
            }
        };
        inner
            .batch
            .add(buf.get(..n).unwrap_or_default(), Msg::Raw)?;
        Ok(n)
    }
}

/// Hashes the content of the current entry as the tar walk reads it,
/// between the entry's data offset and the end of its data.
pub(crate) struct EntryTap {
    batch: Batch,
    /// Where the current entry's data starts.
    start: u64,
    /// Where the current entry's data ends, while one is open.
    end: Option<u64>,
}

impl EntryTap {
    pub(crate) fn new(hasher: Hasher) -> EntryTap {
        EntryTap {
            batch: Batch::new(hasher),
            start: 0,
            end: None,
        }
    }

    /// Starts hashing an entry whose data is at `start..end` of the tar
    /// stream.
    pub(crate) fn open(&mut self, start: u64, end: u64) {
        self.start = start;
        self.end = Some(end);
    }

    /// Where the open entry's data ends.
    pub(crate) fn end(&self) -> Option<u64> {
        self.end
    }

    /// Takes in `bytes`, read at `pos` of the tar stream: the part inside
    /// the open entry's data.
    pub(crate) fn saw(&mut self, pos: u64, bytes: &[u8]) -> io::Result<()> {
        let Some(end) = self.end else {
            return Ok(());
        };
        let from = usize::try_from(self.start.saturating_sub(pos)).unwrap_or(usize::MAX);
        let to = usize::try_from(end.saturating_sub(pos)).unwrap_or(usize::MAX);
        match bytes.get(from.min(bytes.len())..to.min(bytes.len())) {
            Some(part) if !part.is_empty() => self.batch.add(part, Msg::Entry),
            _ => Ok(()),
        }
    }

    /// Ends the open entry, whose content has all been seen.
    pub(crate) fn close(&mut self) -> io::Result<()> {
        if self.end.take().is_none() {
            return Ok(());
        }
        self.batch.flush(Msg::Entry)?;
        self.batch.hasher.send(Msg::EndEntry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::digests::Sha256;
    use crate::source::hashing::Hashing;

    #[test]
    fn raw_and_entries_are_hashed_in_order_across_batches() {
        let data: Vec<u8> = (0..(3 * BATCH + 17)).map(|i| (i % 251) as u8).collect();
        let hashing = Hashing::start();
        let mut raw = RawTap::new(Box::new(&data[..]), hashing.hasher());
        let mut tap = EntryTap::new(hashing.hasher());
        let mut buf = vec![0u8; 10_000];
        let mut pos = 0u64;
        tap.open(0, 100_000);
        loop {
            let n = raw.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            tap.saw(pos, &buf[..n]).unwrap();
            pos += n as u64;
        }
        tap.close().unwrap();
        tap.open(pos, pos);
        tap.close().unwrap();
        assert!(raw.read_to_end());
        let (archive, entries) = hashing.finish().unwrap();
        assert_eq!(archive.sha256, Sha256::of(&data));
        assert_eq!(archive.size, data.len() as u64);
        assert_eq!(entries, [Sha256::of(&data[..100_000]), Sha256::of(b"")]);
    }
}
