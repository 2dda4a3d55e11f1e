//! A memory sink steers the read: when it stops (a search that has found
//! enough) or fails (an output that closed), nothing more is decompressed,
//! and the binary ends quietly when its output closes.

mod common;
#[path = "common/synth.rs"]
mod synth;

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use ckpt::memory::search::{MemorySearch, Pattern};
use ckpt::memory::{MemoryChunk, MemoryFilter, MemorySink};
use ckpt::{Error, Options, Source, Want};
use synth::Compress;

/// 16 MiB of pages, zstd: compressed to about 7 MiB.
const PAGES: u64 = 16 << 20;

/// A stream that counts what is read from it.
struct Counting<'a> {
    inner: &'a [u8],
    read: Arc<AtomicU64>,
}

impl Read for Counting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Takes `chunks` chunks, then stops (`Ok(false)`) or fails.
struct Stop {
    chunks: usize,
    fail: bool,
    seen: usize,
}

impl MemorySink for Stop {
    fn wants(&self, _pid: u32) -> bool {
        true
    }

    fn chunk(&mut self, _chunk: &MemoryChunk<'_>) -> io::Result<bool> {
        self.seen += 1;
        if self.seen < self.chunks {
            return Ok(true);
        }
        if self.fail {
            return Err(io::ErrorKind::BrokenPipe.into());
        }
        Ok(false)
    }
}

/// Reads the synthetic archive through a counting stream with `sink`:
/// the result and the compressed bytes read.
fn read(bytes: &[u8], sink: &mut dyn MemorySink) -> (ckpt::Result<ckpt::Checkpoint>, u64) {
    let read = Arc::new(AtomicU64::new(0));
    let source = Source::from_reader(
        Counting {
            inner: bytes,
            read: read.clone(),
        },
        "synth.tar.zst",
    );
    let result = ckpt::read_with(source, &Options::new(Want::none()), sink);
    (result, read.load(Ordering::Relaxed))
}

#[test]
fn a_sink_that_stops_stops_the_decompression() {
    let bytes = synth::write_checkpoint(Vec::new(), PAGES, Compress::Zstd).unwrap();
    // The whole memory, for comparison: every chunk, every byte read.
    let mut all = Stop {
        chunks: usize::MAX,
        fail: false,
        seen: 0,
    };
    let (c, whole) = read(&bytes, &mut all);
    assert!(c.unwrap().complete);
    assert_eq!(whole, bytes.len() as u64);
    assert!(all.seen >= 16, "{} chunks", all.seen);

    let mut stop = Stop {
        chunks: 1,
        fail: false,
        seen: 0,
    };
    let (c, read_bytes) = read(&bytes, &mut stop);
    let c = c.unwrap();
    assert!(!c.complete);
    assert_eq!(stop.seen, 1);
    // One chunk of the pages (1 MiB of a 16 MiB pages file), and what the
    // decoder had buffered: far from all of it.
    assert!(
        read_bytes < bytes.len() as u64 / 4,
        "{read_bytes} of {}",
        bytes.len()
    );
}

#[test]
fn a_sink_that_fails_fails_the_read_at_once_naming_the_entry() {
    let bytes = synth::write_checkpoint(Vec::new(), PAGES, Compress::Zstd).unwrap();
    let mut fail = Stop {
        chunks: 2,
        fail: true,
        seen: 0,
    };
    let (result, read_bytes) = read(&bytes, &mut fail);
    match result {
        Err(e @ Error::Sink { .. }) => {
            assert_eq!(e.archive(), Some("synth.tar.zst"));
            assert_eq!(e.entry(), Some("checkpoint/pages-1.img"));
            let Error::Sink { source, .. } = e else {
                unreachable!()
            };
            assert_eq!(source.kind(), io::ErrorKind::BrokenPipe);
        }
        other => panic!("{:?}", other.map(|_| ())),
    }
    assert_eq!(fail.seen, 2);
    assert!(
        read_bytes < bytes.len() as u64 / 4,
        "{read_bytes} of {}",
        bytes.len()
    );
}

#[test]
fn a_search_stops_at_its_most_hits() {
    let bytes = synth::write_checkpoint(Vec::new(), PAGES, Compress::Zstd).unwrap();
    // The markers found whole in memory (one straddles a gap).
    let in_memory: Vec<u64> = synth::secrets(PAGES)
        .iter()
        .filter_map(|s| s.vaddr)
        .collect();
    assert!(in_memory.len() >= 2, "{in_memory:?}");
    let pattern = Pattern::literal(synth::SECRET_PREFIX).unwrap();
    let mut search = MemorySearch::new(&pattern, 0, MemoryFilter::default(), 1);
    let (c, _) = read(&bytes, &mut search);
    assert!(!c.unwrap().complete);
    let results = search.finish();
    assert!(results.stopped);
    assert_eq!(results.hits.len(), 1);
    // The first marker in memory.
    assert_eq!(
        Some(results.hits[0].hit.vaddr),
        in_memory.iter().min().copied()
    );

    // With room for all of them, the search does not stop.
    let mut search = MemorySearch::new(&pattern, 0, MemoryFilter::default(), 1000);
    let (c, _) = read(&bytes, &mut search);
    assert!(c.unwrap().complete);
    let results = search.finish();
    assert!(!results.stopped);
    assert_eq!(results.hits.len(), in_memory.len());
}

/// `ckpt memparse -p 1 ARCHIVE | head -1`: the binary ends quietly, with
/// status 0, when its output closes.
#[cfg(all(feature = "cli", unix))]
#[test]
fn the_binary_ends_quietly_when_its_output_closes() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("synth.tar.zst");
    std::fs::write(
        &path,
        synth::write_checkpoint(Vec::new(), PAGES, Compress::Zstd).unwrap(),
    )
    .unwrap();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("ckpt"))
        .args(["memparse", "-p", "1"])
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    drop(out);
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!((status.code(), err.as_str()), (Some(0), ""));
}
