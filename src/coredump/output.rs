//! Where a core goes: a stream, which gets the zeros of memory never
//! touched as bytes, or a file, which gets them as a hole (the kernel
//! writes cores sparse too), so that a large untouched area costs no disk.

use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};

/// The output of one core.
pub trait CoreOutput: Write {
    /// `n` zero bytes.
    fn zeros(&mut self, n: u64) -> io::Result<()>;
    /// Whether it can go back ([`write_at`](Self::write_at) and
    /// [`append_notes`](Self::append_notes) work): a core for an output
    /// that cannot has its program headers and notes after the memory and
    /// no shared memory.
    fn can_go_back(&self) -> bool {
        false
    }
    /// Called once everything was written.
    fn finish(&mut self) -> io::Result<()> {
        self.flush()
    }
    /// Writes `bytes` at byte `offset`, then goes on where it was: for the
    /// pages of shared memory, which come in no order of the core's. Only
    /// an output that can go back can.
    fn write_at(&mut self, offset: u64, bytes: &[u8]) -> io::Result<()> {
        let _ = (offset, bytes);
        Err(cannot_go_back())
    }
    /// Writes `notes` at byte `notes_at` and `headers` at byte
    /// `headers_at`: for a core read in one pass, whose notes are known only
    /// at the end. Only an output that can go back can.
    fn append_notes(
        &mut self,
        notes: &[u8],
        notes_at: u64,
        headers: &[u8],
        headers_at: u64,
    ) -> io::Result<()> {
        let _ = (notes, notes_at, headers, headers_at);
        Err(cannot_go_back())
    }
}

fn cannot_go_back() -> io::Error {
    io::Error::new(io::ErrorKind::Unsupported, "a stream cannot go back")
}

/// A stream (a pipe, a `Vec`): zeros are written.
#[derive(Debug)]
pub struct Stream<W: Write>(pub W);

impl<W: Write> Write for Stream<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl<W: Write> CoreOutput for Stream<W> {
    fn zeros(&mut self, mut n: u64) -> io::Result<()> {
        static ZEROS: [u8; 1 << 16] = [0; 1 << 16];
        while n > 0 {
            let step = n.min(ZEROS.len() as u64) as usize;
            self.0.write_all(&ZEROS[..step])?;
            n -= step as u64;
        }
        Ok(())
    }
}

/// A file: zeros are a hole.
#[derive(Debug)]
pub struct Sparse(BufWriter<File>);

impl Sparse {
    /// Writes into `file`, from its start.
    pub fn new(file: File) -> Sparse {
        // Small: every core of a checkpoint is open at once, and the pages
        // come in larger chunks, which go to the file directly.
        Sparse(BufWriter::with_capacity(64 << 10, file))
    }
}

impl Write for Sparse {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl CoreOutput for Sparse {
    fn can_go_back(&self) -> bool {
        true
    }
    fn zeros(&mut self, n: u64) -> io::Result<()> {
        let n =
            i64::try_from(n).map_err(|_| io::Error::other("a hole larger than a file holds"))?;
        self.0.seek(SeekFrom::Current(n)).map(|_| ())
    }
    fn write_at(&mut self, offset: u64, bytes: &[u8]) -> io::Result<()> {
        let here = self.0.stream_position()?;
        self.0.seek(SeekFrom::Start(offset))?;
        self.0.write_all(bytes)?;
        self.0.seek(SeekFrom::Start(here)).map(|_| ())
    }
    fn append_notes(
        &mut self,
        notes: &[u8],
        notes_at: u64,
        headers: &[u8],
        headers_at: u64,
    ) -> io::Result<()> {
        self.0.seek(SeekFrom::Start(headers_at))?;
        self.0.write_all(headers)?;
        self.0.seek(SeekFrom::Start(notes_at))?;
        self.0.write_all(notes)
    }
    fn finish(&mut self) -> io::Result<()> {
        // A hole at the end is no length: set it.
        let end = self.0.stream_position()?;
        self.0.flush()?;
        self.0.get_ref().set_len(end)
    }
}
