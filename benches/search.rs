//! What `ckpt memparse --search` costs: searching all of a process's
//! memory for a literal or a regular expression while the pages stream by,
//! against reading (or decompressing) the same bytes alone.
//!
//! At start, synthetic Podman-shaped checkpoints (`tests/common/synth.rs`:
//! one process with valid CRIU images, a few `SECRET_xxxxxxxx` markers in
//! its pages) are written to a temporary directory: 256 MiB of memory pages
//! as a plain tar, gzip (level 6) and zstd (level 3), and 1 GiB as a plain
//! tar. `CKPT_BENCH_PAGES_MIB` changes the 256, `CKPT_BENCH_BIG_PAGES_MIB`
//! the 1024 (0 leaves the big tar out). Before measuring, each search is
//! checked: it finds every marker [`synth::secrets`] puts in memory, at its
//! address and pages-file offset, and not the one that straddles a gap
//! between two runs.
//!
//! * `search_literal`: what `ckpt memparse --search SECRET_ FILE` does
//!   before printing: [`ckpt::read_with`] with the default options and
//!   a [`MemorySearch`] sink for [`Pattern::literal`] (no context, no
//!   filter, at most 100,000 hits), then [`MemorySearch::finish`].
//! * `search_regex`: the same with `Pattern::regex("SECRET_[0-9a-f]{8}")`
//!   (`memparse --search-regex`).
//! * `gzip/decompress`, `zstd/decompress`: decompression alone of the same
//!   file into [`io::sink`], with the decoder `ckpt` uses (flate2
//!   `MultiGzDecoder` on zlib-rs, libzstd), through [`io::copy`] (8 KiB);
//!   `decompress_256KiB` the same through a 256 KiB buffer, the size of
//!   `ckpt`'s buffer after the decoder: the baselines of `benches/show.rs`.
//! * `sink_only`: [`ckpt::read_with`] as above with a [`MemorySink`]
//!   that takes every chunk of memory and does nothing with it: what
//!   reading (or decompressing) and streaming the pages costs without a
//!   search. `sink_memmem`: the same sink running `memchr::memmem` over
//!   each chunk where it lies, carrying nothing from one chunk to the next
//!   (so it would miss a match across chunks): the fastest a literal
//!   search through the library's stream can be.
//! * `tar/read_pages/*`: the floor for a plain tar: `pread` of
//!   `pages-1.img` in 1 MiB pieces (the size `ckpt` reads) into one buffer,
//!   nothing else; `tar/read_pages_memmem/*` the same plus
//!   `memchr::memmem` over each piece, the fastest a literal search of
//!   those bytes can be.
//!
//! Throughput is in bytes of memory pages (`pages-1.img`), for every bench.
//!
//! ```text
//! cargo bench --bench search
//! ```

mod common;

use std::fs::File;
use std::hint::black_box;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ckpt::memory::search::{MemorySearch, Pattern, SearchResults};
use ckpt::memory::{MemoryChunk, MemoryFilter, MemorySink};
use ckpt::{Options, Source};
use common::synth::{self, Compress};
use common::{MIB, decompress, env_or, write_archive};
use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};

/// Bytes `ckpt` reads from a pages file at a time (`CHUNK` in
/// `src/memory/scan.rs`).
const CHUNK: usize = 1 << 20;

/// One generated archive.
struct Fixture {
    path: PathBuf,
    /// Size of `pages-1.img`.
    pages: u64,
    /// Offset of `pages-1.img`'s data in a plain tar.
    pages_offset: Option<u64>,
}

struct Fixtures {
    _dir: tempfile::TempDir,
    tar: Fixture,
    tar_big: Option<Fixture>,
    gzip: Fixture,
    zstd: Fixture,
}

fn write(dir: &Path, name: &str, pages: u64, compress: Compress) -> Fixture {
    let path = dir.join(name);
    let start = Instant::now();
    write_archive(&path, pages, compress);
    let size = std::fs::metadata(&path).expect("stat fixture").len();
    let pages_offset = (compress == Compress::None).then(|| pages_offset(&path));
    eprintln!(
        "fixture {name}: {:.1} MiB on disk, {:.1} MiB of pages, written in {:.1?}",
        size as f64 / MIB as f64,
        pages as f64 / MIB as f64,
        start.elapsed()
    );
    Fixture {
        path,
        pages,
        pages_offset,
    }
}

/// Where `checkpoint/pages-1.img`'s data starts in a plain tar.
fn pages_offset(path: &Path) -> u64 {
    let file = File::open(path).expect("open fixture");
    let mut archive = tar::Archive::new(file);
    for entry in archive.entries_with_seek().expect("tar entries") {
        let entry = entry.expect("tar entry");
        if entry.path().expect("entry name").as_os_str() == "checkpoint/pages-1.img" {
            return entry.raw_file_position();
        }
    }
    panic!("no checkpoint/pages-1.img in {}", path.display());
}

impl Fixtures {
    fn new() -> Fixtures {
        let pages = env_or("CKPT_BENCH_PAGES_MIB", 256) * MIB;
        let big = env_or("CKPT_BENCH_BIG_PAGES_MIB", 1024) * MIB;
        let dir = tempfile::tempdir().expect("temporary directory");
        let d = dir.path();
        // Two cores: compress both streams at once.
        let (gzip, zstd) = std::thread::scope(|s| {
            let gzip = s.spawn(|| write(d, "ckpt.tar.gz", pages, Compress::Gzip));
            let zstd = write(d, "ckpt.tar.zst", pages, Compress::Zstd);
            (gzip.join().expect("gzip fixture"), zstd)
        });
        Fixtures {
            tar: write(d, "ckpt.tar", pages, Compress::None),
            tar_big: (big > 0).then(|| write(d, "big.tar", big, Compress::None)),
            gzip,
            zstd,
            _dir: dir,
        }
    }
}

/// The literal searched for: the start of every marker.
fn literal() -> Pattern {
    Pattern::literal(synth::SECRET_PREFIX).expect("a literal")
}

/// The regular expression searched for: every marker, whole.
fn regex() -> Pattern {
    Pattern::regex(synth::SECRET_REGEX).expect("a regular expression")
}

/// What `ckpt memparse --search` does before printing: the hits, and
/// whether the search stopped at its most hits.
fn search(path: &Path, pattern: &Pattern) -> SearchResults {
    let mut sink = MemorySearch::new(pattern, 0, MemoryFilter::default(), 100_000);
    let source = Source::open(path).expect("open checkpoint");
    let checkpoint =
        ckpt::read_with(source, &Options::default(), &mut sink).expect("read checkpoint");
    assert!(checkpoint.warnings.is_empty(), "{:?}", checkpoint.warnings);
    sink.finish()
}

/// A sink that takes all memory and runs `finder`, if any, over each chunk
/// where it lies; counts matches (or bytes, without a finder).
struct Floor<'f> {
    finder: Option<&'f memchr::memmem::Finder<'f>>,
    count: usize,
}

impl MemorySink for Floor<'_> {
    fn wants(&self, _pid: u32) -> bool {
        true
    }

    fn chunk(&mut self, chunk: &MemoryChunk<'_>) -> std::io::Result<bool> {
        self.count += match self.finder {
            Some(f) => f.find_iter(chunk.data).count(),
            None => chunk.data.len(),
        };
        Ok(true)
    }
}

/// [`ckpt::read_with`] with a [`Floor`] sink: the count.
fn floor(path: &Path, finder: Option<&memchr::memmem::Finder<'_>>) -> usize {
    let mut sink = Floor { finder, count: 0 };
    let source = Source::open(path).expect("open checkpoint");
    let checkpoint =
        ckpt::read_with(source, &Options::default(), &mut sink).expect("read checkpoint");
    black_box(&checkpoint);
    sink.count
}

/// `pages-1.img` of a plain tar read with `pread` in [`CHUNK`] pieces;
/// `f` sees each piece. Returns what `f` adds up.
fn read_pages(f: &Fixture, mut each: impl FnMut(&[u8]) -> usize) -> usize {
    let base = f.pages_offset.expect("a plain tar");
    let file = File::open(&f.path).expect("open");
    let mut buf = vec![0u8; CHUNK];
    let mut at = 0;
    let mut total = 0;
    while at < f.pages {
        let n = (f.pages - at).min(CHUNK as u64) as usize;
        file.read_exact_at(&mut buf[..n], base + at)
            .expect("read pages");
        total += each(&buf[..n]);
        at += n as u64;
    }
    total
}

/// Checks that both searches find every marker in memory, where it is, and
/// nothing else.
fn check(f: &Fixture) {
    let secrets = synth::secrets(f.pages);
    let expected: Vec<(u64, u64, &str)> = secrets
        .iter()
        .filter_map(|s| s.vaddr.map(|v| (v, s.offset, s.text)))
        .collect();
    assert!(
        expected.len() >= 3 && expected.len() < secrets.len(),
        "markers in {} MiB: {secrets:?}",
        f.pages / MIB
    );
    for (pattern, whole) in [(literal(), false), (regex(), true)] {
        let SearchResults { hits, stopped, .. } = search(&f.path, &pattern);
        assert!(!stopped);
        let found: Vec<(u64, u64, Vec<u8>)> = hits
            .iter()
            .map(|h| {
                assert_eq!((h.pid, h.pages_id), (synth::PID, 1));
                assert!(!h.hit.truncated);
                (h.hit.vaddr, h.hit.file_offset, h.hit.matched.clone())
            })
            .collect();
        let want: Vec<(u64, u64, Vec<u8>)> = expected
            .iter()
            .map(|&(v, o, t)| {
                let m = if whole { t } else { synth::SECRET_PREFIX };
                (v, o, m.as_bytes().to_vec())
            })
            .collect();
        assert_eq!(found, want, "{}: {pattern:?}", f.path.display());
    }
    let finder = memchr::memmem::Finder::new(synth::SECRET_PREFIX);
    assert_eq!(floor(&f.path, None) as u64, f.pages);
    assert_eq!(floor(&f.path, Some(&finder)), expected.len());
    if f.pages_offset.is_some() {
        // The same markers, and no more: the straddling one is cut at the
        // end of a 1 MiB piece.
        let n = read_pages(f, |b| finder.find_iter(b).count());
        let whole = secrets
            .iter()
            .filter(|s| s.offset / CHUNK as u64 == (s.offset + 6) / CHUNK as u64)
            .count();
        assert_eq!(n, whole);
    }
    eprintln!(
        "{}: {} hits at {:x?}",
        f.path.display(),
        expected.len(),
        expected.iter().map(|e| e.0).collect::<Vec<_>>()
    );
}

fn compressed(c: &mut Criterion, name: &str, f: &Fixture, compress: Compress) {
    check(f);
    let (lit, re) = (literal(), regex());
    let finder = memchr::memmem::Finder::new(synth::SECRET_PREFIX);
    let mut g = c.benchmark_group(name);
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Bytes(f.pages));
    g.bench_function("search_literal", |b| {
        b.iter(|| black_box(search(&f.path, &lit)))
    });
    g.bench_function("search_regex", |b| {
        b.iter(|| black_box(search(&f.path, &re)))
    });
    g.bench_function("sink_only", |b| b.iter(|| black_box(floor(&f.path, None))));
    g.bench_function("sink_memmem", |b| {
        b.iter(|| black_box(floor(&f.path, Some(&finder))))
    });
    g.bench_function("decompress", |b| {
        b.iter(|| black_box(decompress(&f.path, compress, None)))
    });
    g.bench_function("decompress_256KiB", |b| {
        b.iter(|| black_box(decompress(&f.path, compress, Some(256 << 10))))
    });
    g.finish();
}

fn plain(c: &mut Criterion, fixtures: &Fixtures) {
    let (lit, re) = (literal(), regex());
    let finder = memchr::memmem::Finder::new(synth::SECRET_PREFIX);
    let mut g = c.benchmark_group("tar");
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    for f in std::iter::once(&fixtures.tar).chain(&fixtures.tar_big) {
        check(f);
        g.throughput(Throughput::Bytes(f.pages));
        let size = format!("{}MiB", f.pages / MIB);
        g.bench_with_input(BenchmarkId::new("search_literal", &size), f, |b, f| {
            b.iter(|| black_box(search(&f.path, &lit)))
        });
        g.bench_with_input(BenchmarkId::new("search_regex", &size), f, |b, f| {
            b.iter(|| black_box(search(&f.path, &re)))
        });
        g.bench_with_input(BenchmarkId::new("sink_only", &size), f, |b, f| {
            b.iter(|| black_box(floor(&f.path, None)))
        });
        g.bench_with_input(BenchmarkId::new("sink_memmem", &size), f, |b, f| {
            b.iter(|| black_box(floor(&f.path, Some(&finder))))
        });
        g.bench_with_input(BenchmarkId::new("read_pages", &size), f, |b, f| {
            b.iter(|| black_box(read_pages(f, |b| usize::from(b[0]))))
        });
        g.bench_with_input(BenchmarkId::new("read_pages_memmem", &size), f, |b, f| {
            b.iter(|| black_box(read_pages(f, |b| finder.find_iter(b).count())))
        });
    }
    g.finish();
}

fn main() {
    let fixtures = Fixtures::new();
    let mut c = Criterion::default().configure_from_args();
    plain(&mut c, &fixtures);
    compressed(&mut c, "gzip", &fixtures.gzip, Compress::Gzip);
    compressed(&mut c, "zstd", &fixtures.zstd, Compress::Zstd);
    c.final_summary();
}
