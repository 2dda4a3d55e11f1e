//! Hashing as the walk reads: the raw input (every byte, compressed as it
//! is) and each entry's content, on a second thread so that SHA-256 runs
//! beside decompression and the tar walk rather than after them.
//!
//! Both taps copy what passes by into batches and send them, in order,
//! over one bounded channel: the reader waits when the hashing thread is
//! [`IN_FLIGHT`] batches behind, so memory stays flat whatever the size of
//! the archive. Where no thread can be started, the same work is done in
//! line.

use std::io::{self, Read};
use std::mem;
use std::sync::mpsc::{SyncSender, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use sha2::Digest as _;

use super::digests::{ArchiveDigest, Sha256};

/// Bytes gathered before they are sent to be hashed.
const BATCH: usize = 256 << 10;
/// Batches sent and not yet hashed before the reader waits.
const IN_FLIGHT: usize = 4;

enum Msg {
    /// Bytes of the raw input, in order.
    Raw(Vec<u8>),
    /// Bytes of the current entry's content, in order.
    Entry(Vec<u8>),
    /// The current entry's content is complete.
    EndEntry,
    /// Nothing more comes: give the results back.
    Finish,
}

/// What the hashing has reached.
struct State {
    raw: sha2::Sha256,
    raw_bytes: u64,
    entry: sha2::Sha256,
    /// The digest of each entry ended so far, in order.
    done: Vec<Sha256>,
}

impl State {
    fn new() -> State {
        State {
            raw: sha2::Sha256::new(),
            raw_bytes: 0,
            entry: sha2::Sha256::new(),
            done: Vec::new(),
        }
    }

    fn apply(&mut self, msg: Msg) {
        match msg {
            Msg::Raw(bytes) => {
                self.raw.update(&bytes);
                self.raw_bytes += bytes.len() as u64;
            }
            Msg::Entry(bytes) => self.entry.update(&bytes),
            Msg::EndEntry => {
                let entry = mem::replace(&mut self.entry, sha2::Sha256::new());
                self.done.push(Sha256(entry.finalize().into()));
            }
            Msg::Finish => {}
        }
    }
}

/// Where hashing work goes: the hashing thread, or a state hashed in line.
#[derive(Clone)]
pub(crate) struct Hasher {
    route: Route,
}

#[derive(Clone)]
enum Route {
    Thread(SyncSender<Msg>),
    Inline(Arc<Mutex<State>>),
}

impl Hasher {
    fn send(&self, msg: Msg) -> io::Result<()> {
        match &self.route {
            Route::Thread(to) => to
                .send(msg)
                .map_err(|_| io::Error::other("the hashing thread stopped")),
            Route::Inline(state) => {
                state.lock().unwrap_or_else(PoisonError::into_inner).apply(msg);
                Ok(())
            }
        }
    }
}

/// The hashing of one walk: started before the first byte is read,
/// finished after the last.
pub(crate) struct Hashing {
    hasher: Hasher,
    thread: Option<JoinHandle<State>>,
}

impl Hashing {
    /// Starts the hashing thread (or, if none can be started, hashes in
    /// line).
    pub(crate) fn start() -> Hashing {
        let (to, from) = sync_channel::<Msg>(IN_FLIGHT);
        let spawned = std::thread::Builder::new()
            .name("ckpt-sha256".into())
            .spawn(move || {
                let mut state = State::new();
                // Ends at `Finish`, or when every sender is gone (the walk
                // was dropped).
                while let Ok(msg) = from.recv() {
                    if matches!(msg, Msg::Finish) {
                        break;
                    }
                    state.apply(msg);
                }
                state
            });
        match spawned {
            Ok(thread) => Hashing {
                hasher: Hasher {
                    route: Route::Thread(to),
                },
                thread: Some(thread),
            },
            Err(_) => Hashing {
                hasher: Hasher {
                    route: Route::Inline(Arc::new(Mutex::new(State::new()))),
                },
                thread: None,
            },
        }
    }

    /// A handle that sends work to this hashing.
    pub(crate) fn hasher(&self) -> Hasher {
        self.hasher.clone()
    }

    /// Waits for everything sent to be hashed: the digest of the raw bytes
    /// and of each entry ended, in order.
    pub(crate) fn finish(self) -> io::Result<(ArchiveDigest, Vec<Sha256>)> {
        let state = match (self.thread, self.hasher.route) {
            (Some(thread), Route::Thread(to)) => {
                // A thread already gone says so when joined.
                let _ = to.send(Msg::Finish);
                drop(to);
                thread
                    .join()
                    .map_err(|_| io::Error::other("the hashing thread panicked"))?
            }
            (_, Route::Inline(state)) => {
                mem::replace(&mut *state.lock().unwrap_or_else(PoisonError::into_inner), State::new())
            }
            (None, Route::Thread(_)) => return Err(io::Error::other("no hashing thread")),
        };
        let archive = ArchiveDigest {
            sha256: Sha256(state.raw.finalize().into()),
            size: state.raw_bytes,
        };
        Ok((archive, state.done))
    }
}

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
