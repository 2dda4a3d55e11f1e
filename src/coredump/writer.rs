//! Core files written on a thread of their own, so that writing them
//! overlaps reading the archive (decompressing it, walking it), and
//! opened only while written, so that a checkpoint of thousands of
//! processes does not need thousands of open files.
//!
//! Each [`CoreWriter::output`] gathers what it is given into buffers of
//! up to 1 MiB and queues them, with the offset they go to, to the one
//! writing thread; the queue holds a few buffers at most, so memory stays
//! flat when the disk is slower than the read. The thread writes each
//! buffer by position (`pwrite`), in the order queued, and keeps at most
//! [`MAX_OPEN`] files open, closing the one used least recently.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::FileExt;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use super::output::CoreOutput;

/// Most core files open at once.
pub const MAX_OPEN: usize = 64;
/// Bytes gathered before they are queued.
const BUFFER: usize = 1 << 20;
/// Buffers queued at most.
const QUEUED: usize = 8;

/// What the writing thread does.
enum Job {
    /// Writes `data` at `offset` of core `id`.
    Write {
        id: usize,
        offset: u64,
        data: Vec<u8>,
    },
    /// Sets the length of core `id` (a hole at the end is no length).
    SetLen { id: usize, len: u64 },
}

/// The first error of the writing thread, for the outputs that find it
/// stopped.
type Failure = Arc<Mutex<Option<io::Error>>>;

/// Writes core files on a thread of its own. Each file must exist (the
/// caller creates it, e.g. under a temporary name); [`finish`](Self::finish)
/// waits until everything queued is written.
#[derive(Debug)]
pub struct CoreWriter {
    jobs: Option<SyncSender<Job>>,
    paths: Arc<Mutex<Vec<PathBuf>>>,
    failure: Failure,
    thread: Option<JoinHandle<io::Result<()>>>,
}

impl Default for CoreWriter {
    fn default() -> CoreWriter {
        CoreWriter::new()
    }
}

impl CoreWriter {
    /// Starts the writing thread.
    pub fn new() -> CoreWriter {
        let (jobs, queue) = sync_channel(QUEUED);
        let paths = Arc::new(Mutex::new(Vec::new()));
        let failure = Failure::default();
        let thread = {
            let (paths, failure) = (Arc::clone(&paths), Arc::clone(&failure));
            std::thread::spawn(move || {
                let written = write_jobs(&queue, &paths);
                if let Err(e) = &written {
                    // The outputs find the queue closed: they say why.
                    let mut slot = failure.lock().unwrap_or_else(PoisonError::into_inner);
                    *slot = Some(io::Error::new(e.kind(), e.to_string()));
                }
                written
            })
        };
        CoreWriter {
            jobs: Some(jobs),
            paths,
            failure,
            thread: Some(thread),
        }
    }

    /// An output writing the existing file at `path`, from its start.
    pub fn output(&self, path: impl Into<PathBuf>) -> Box<dyn CoreOutput + Send + 'static> {
        let mut paths = self.paths.lock().unwrap_or_else(PoisonError::into_inner);
        paths.push(path.into());
        Box::new(Queued {
            id: paths.len() - 1,
            jobs: self.jobs.clone(),
            failure: Arc::clone(&self.failure),
            buffer: Vec::new(),
            buffer_at: 0,
            pos: 0,
        })
    }

    /// Waits until everything queued is written: the first error of the
    /// writing thread, if one failed.
    pub fn finish(mut self) -> io::Result<()> {
        self.stop()
    }

    fn stop(&mut self) -> io::Result<()> {
        self.jobs = None;
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(written)) => written,
            Some(Err(_)) => Err(io::Error::other("the core writing thread panicked")),
            None => Ok(()),
        }
    }
}

impl Drop for CoreWriter {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

/// The writing thread: the jobs in the order queued, until every output
/// and the writer are gone.
fn write_jobs(queue: &Receiver<Job>, paths: &Mutex<Vec<PathBuf>>) -> io::Result<()> {
    let mut files = Files::default();
    for job in queue {
        match job {
            Job::Write { id, offset, data } => {
                files.get(id, paths)?.write_all_at(&data, offset)?;
            }
            Job::SetLen { id, len } => files.get(id, paths)?.set_len(len)?,
        }
    }
    Ok(())
}

/// The files open, with when each was last used.
#[derive(Default)]
struct Files {
    open: HashMap<usize, (File, u64)>,
    clock: u64,
}

impl Files {
    /// Core `id`'s file, opened if it is not (closing the one used least
    /// recently when [`MAX_OPEN`] are).
    fn get(&mut self, id: usize, paths: &Mutex<Vec<PathBuf>>) -> io::Result<&File> {
        self.clock += 1;
        if !self.open.contains_key(&id) {
            if self.open.len() >= MAX_OPEN
                && let Some(oldest) = self.open.iter().min_by_key(|(_, f)| f.1).map(|(&i, _)| i)
            {
                self.open.remove(&oldest);
            }
            let path = paths
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get(id)
                .cloned()
                .ok_or_else(|| io::Error::other("a core the writer was not given"))?;
            let file = OpenOptions::new()
                .write(true)
                .open(&path)
                .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
            self.open.insert(id, (file, 0));
        }
        let clock = self.clock;
        match self.open.get_mut(&id) {
            Some((file, used)) => {
                *used = clock;
                Ok(file)
            }
            None => Err(io::Error::other("a core file closed while written")),
        }
    }
}

/// One core's output: what it is given, gathered and queued.
struct Queued {
    id: usize,
    jobs: Option<SyncSender<Job>>,
    failure: Failure,
    /// Bytes gathered, to go at `buffer_at`.
    buffer: Vec<u8>,
    buffer_at: u64,
    /// Where the next sequential byte goes.
    pos: u64,
}

impl Queued {
    fn send(&mut self, job: Job) -> io::Result<()> {
        let sent = match &self.jobs {
            Some(jobs) => jobs.send(job).is_ok(),
            None => false,
        };
        if sent {
            return Ok(());
        }
        self.jobs = None;
        let first = self
            .failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .map(|e| io::Error::new(e.kind(), e.to_string()));
        Err(first.unwrap_or_else(|| io::Error::other("the core writing thread stopped")))
    }

    /// Queues what is gathered.
    fn queue(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let data = std::mem::take(&mut self.buffer);
        let (id, offset) = (self.id, self.buffer_at);
        self.send(Job::Write { id, offset, data })
    }

    /// Queues `bytes` for `offset`, apart from the sequential bytes.
    fn write_apart(&mut self, offset: u64, bytes: &[u8]) -> io::Result<()> {
        self.queue()?;
        let id = self.id;
        self.send(Job::Write {
            id,
            offset,
            data: bytes.to_vec(),
        })
    }
}

impl Write for Queued {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.buffer.is_empty() {
            self.buffer_at = self.pos;
            self.buffer.reserve(BUFFER.max(buf.len()));
        }
        self.buffer.extend_from_slice(buf);
        self.pos += buf.len() as u64;
        if self.buffer.len() >= BUFFER {
            self.queue()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.queue()
    }
}

impl CoreOutput for Queued {
    fn can_go_back(&self) -> bool {
        true
    }
    fn zeros(&mut self, n: u64) -> io::Result<()> {
        // A hole: what is gathered goes, the next bytes start further on.
        self.queue()?;
        self.pos = self
            .pos
            .checked_add(n)
            .ok_or_else(|| io::Error::other("a hole larger than a file holds"))?;
        Ok(())
    }

    fn write_at(&mut self, offset: u64, bytes: &[u8]) -> io::Result<()> {
        self.write_apart(offset, bytes)
    }

    fn append_notes(
        &mut self,
        notes: &[u8],
        notes_at: u64,
        headers: &[u8],
        headers_at: u64,
    ) -> io::Result<()> {
        self.write_apart(headers_at, headers)?;
        self.write_apart(notes_at, notes)?;
        self.pos = notes_at.saturating_add(notes.len() as u64);
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        self.queue()?;
        let (id, len) = (self.id, self.pos);
        self.send(Job::SetLen { id, len })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_by_position_with_holes_and_more_files_than_stay_open() {
        let dir = tempfile::tempdir().unwrap();
        let writer = CoreWriter::new();
        let n = MAX_OPEN * 2 + 3;
        let mut outputs = Vec::new();
        for i in 0..n {
            let path = dir.path().join(format!("core.{i}"));
            File::create(&path).unwrap();
            outputs.push(writer.output(path));
        }
        // Interleaved, so that files are closed and opened again.
        for round in 0..3u8 {
            for (i, out) in outputs.iter_mut().enumerate() {
                out.write_all(&[round, i as u8]).unwrap();
                out.zeros(2).unwrap();
            }
        }
        for out in &mut outputs {
            out.write_at(1, b"X").unwrap();
            out.append_notes(b"NOTES", 20, b"H", 0).unwrap();
            out.finish().unwrap();
        }
        drop(outputs);
        writer.finish().unwrap();
        for i in 0..n {
            let got = std::fs::read(dir.path().join(format!("core.{i}"))).unwrap();
            let b = i as u8;
            let want = [
                b'H', b'X', 0, 0, 1, b, 0, 0, 2, b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, b'N', b'O', b'T',
                b'E', b'S',
            ];
            assert_eq!(got, want, "core.{i}");
        }
    }

    #[test]
    fn an_error_of_the_thread_reaches_the_outputs_and_finish() {
        let dir = tempfile::tempdir().unwrap();
        let writer = CoreWriter::new();
        // Never created: the thread cannot open it.
        let mut out = writer.output(dir.path().join("missing"));
        out.write_all(b"x").unwrap();
        out.flush().unwrap();
        let mut failed = None;
        for _ in 0..1000 {
            if let Err(e) = out.write_all(&[0; BUFFER]) {
                failed = Some(e);
                break;
            }
        }
        let failed = failed.expect("the thread's failure reaches the output");
        assert!(failed.to_string().contains("missing"), "{failed}");
        drop(out);
        let end = writer.finish().unwrap_err();
        assert_eq!(end.kind(), io::ErrorKind::NotFound);
    }
}
