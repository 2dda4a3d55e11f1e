//! Hashing as the walk reads: the raw input (every byte, compressed as it
//! is) and each entry's content, each on a thread of its own so that
//! SHA-256 runs beside decompression and the tar walk rather than after
//! them.
//!
//! Both taps (`taps.rs`) copy what passes by into batches and send them, in order,
//! over a bounded channel: the reader waits when a hashing thread is
//! [`IN_FLIGHT`] batches behind, so memory stays flat whatever the size of
//! the archive. Where no thread can be started, the same work is done in
//! line.

use std::io;
use std::mem;
use std::sync::mpsc::{SyncSender, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use sha2::Digest as _;

use super::digests::{ArchiveDigest, Sha256};

/// Bytes gathered before they are sent to be hashed.
pub(super) const BATCH: usize = 256 << 10;
/// Batches sent and not yet hashed before the reader waits.
const IN_FLIGHT: usize = 4;

pub(super) enum Msg {
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

/// Where hashing work goes: the raw bytes to one thread and entries'
/// content to another (so that an uncompressed archive, hashed twice, is
/// hashed on two cores), or a state hashed in line.
#[derive(Clone)]
pub(crate) struct Hasher {
    raw: Route,
    entries: Route,
}

#[derive(Clone)]
enum Route {
    Thread(SyncSender<Msg>),
    Inline(Arc<Mutex<State>>),
}

impl Route {
    fn send(&self, msg: Msg) -> io::Result<()> {
        match self {
            Route::Thread(to) => to
                .send(msg)
                .map_err(|_| io::Error::other("a hashing thread stopped")),
            Route::Inline(state) => {
                state
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .apply(msg);
                Ok(())
            }
        }
    }
}

impl Hasher {
    pub(super) fn send(&self, msg: Msg) -> io::Result<()> {
        match msg {
            Msg::Raw(_) => self.raw.send(msg),
            _ => self.entries.send(msg),
        }
    }
}

/// One hashing thread: what it is sent, and its state when it is done.
struct Worker {
    route: Route,
    thread: Option<JoinHandle<State>>,
}

impl Worker {
    fn spawn() -> Option<Worker> {
        let (to, from) = sync_channel::<Msg>(IN_FLIGHT);
        let thread = std::thread::Builder::new()
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
            })
            .ok()?;
        Some(Worker {
            route: Route::Thread(to),
            thread: Some(thread),
        })
    }

    fn inline(state: &Arc<Mutex<State>>) -> Worker {
        Worker {
            route: Route::Inline(state.clone()),
            thread: None,
        }
    }

    /// Waits for what was sent to be hashed.
    fn finish(self) -> io::Result<State> {
        match (self.thread, self.route) {
            (Some(thread), Route::Thread(to)) => {
                // A thread already gone says so when joined.
                let _ = to.send(Msg::Finish);
                drop(to);
                thread
                    .join()
                    .map_err(|_| io::Error::other("a hashing thread panicked"))
            }
            (_, Route::Inline(state)) => Ok(mem::replace(
                &mut *state.lock().unwrap_or_else(PoisonError::into_inner),
                State::new(),
            )),
            (None, Route::Thread(_)) => Err(io::Error::other("no hashing thread")),
        }
    }
}

/// The hashing of one walk: started before the first byte is read,
/// finished after the last.
pub(crate) struct Hashing {
    raw: Worker,
    entries: Worker,
}

impl Hashing {
    /// Starts the hashing threads (or, if they cannot be started, hashes
    /// in line).
    pub(crate) fn start() -> Hashing {
        match (Worker::spawn(), Worker::spawn()) {
            (Some(raw), Some(entries)) => Hashing { raw, entries },
            // A thread started alone ends when its sender is dropped.
            _ => {
                let state = Arc::new(Mutex::new(State::new()));
                Hashing {
                    raw: Worker::inline(&state),
                    entries: Worker::inline(&state),
                }
            }
        }
    }

    /// A handle that sends work to this hashing.
    pub(crate) fn hasher(&self) -> Hasher {
        Hasher {
            raw: self.raw.route.clone(),
            entries: self.entries.route.clone(),
        }
    }

    /// Waits for everything sent to be hashed: the digest of the raw bytes
    /// and of each entry ended, in order.
    pub(crate) fn finish(self) -> io::Result<(ArchiveDigest, Vec<Sha256>)> {
        let inline = matches!(self.raw.route, Route::Inline(_));
        let raw = self.raw.finish()?;
        // In line, both are one state, taken whole above.
        let done = if inline {
            raw.done.clone()
        } else {
            self.entries.finish()?.done
        };
        let archive = ArchiveDigest {
            sha256: Sha256(raw.raw.finalize().into()),
            size: raw.raw_bytes,
        };
        Ok((archive, done))
    }
}
