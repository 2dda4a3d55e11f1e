//! What `ckpt show` and `ckpt inspect --all` cost, against the cost of
//! decompression alone.
//!
//! At start, synthetic Podman-shaped checkpoints (`tests/common/synth.rs`:
//! one process with valid CRIU images, its argv and env in the last bytes
//! of `pages-1.img`) are written to a temporary directory: 256 MiB of
//! memory pages as a plain tar, gzip (level 6) and zstd (level 3), and
//! 64 MiB as a plain tar. `CKPT_BENCH_PAGES_MIB` changes the 256. Before
//! measuring, each archive is checked: `show` finds the container and the
//! sizes, `inspect --all` finds pid 1 with its command line, environment and
//! open files, and no warning.
//!
//! * `gzip/*`, `zstd/*`: `show` is what `ckpt show FILE` does
//!   ([`ckpt::read_path`] with the default options, then
//!   [`Overview::new`]); `inspect_all` what `ckpt inspect --all FILE` does
//!   ([`ckpt::read_path`] with [`InspectOptions::want`] of
//!   [`InspectOptions::all`], then [`Inspection::new`]: every CRIU image
//!   decoded, argv and env read from the pages as they stream by);
//!   `decompress` only decompresses the same file into
//!   [`io::sink`] with the same decoder (flate2 `MultiGzDecoder` on zlib-rs,
//!   libzstd) through [`io::copy`] (an 8 KiB buffer); `decompress_256KiB`
//!   the same through a 256 KiB buffer, the size of `ckpt`'s buffer after
//!   the decoder. Throughput is in bytes of the uncompressed tar.
//! * `tar/show/*`, `tar/inspect_all/*`: `show` and `inspect --all` on plain
//!   tars with 64 and 256 MiB of pages, opened by path: only headers, the
//!   small entries and (for `inspect_all`) the few KiB of argv and env are
//!   read, the rest is seeked over, so the time should not depend on the
//!   size. Throughput is in bytes of the tar.
//!
//! ```text
//! cargo bench --bench show
//! ```

mod common;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ckpt::Options;
use ckpt::views::{InspectOptions, Inspection, Overview};
use common::synth::{self, Compress};
use common::{MIB, decompress, env_or, write_archive};
use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};

/// One generated archive.
struct Fixture {
    path: PathBuf,
    pages: u64,
    /// Size of the uncompressed tar.
    tar_len: u64,
}

struct Fixtures {
    _dir: tempfile::TempDir,
    tar_small: Fixture,
    tar: Fixture,
    gzip: Fixture,
    zstd: Fixture,
}

fn write(dir: &Path, name: &str, pages: u64, compress: Compress) -> Fixture {
    let path = dir.join(name);
    let start = Instant::now();
    write_archive(&path, pages, compress);
    let size = std::fs::metadata(&path).expect("stat fixture").len();
    let tar_len = match compress {
        Compress::None => size,
        _ => decompress(&path, compress, None),
    };
    eprintln!(
        "fixture {name}: {:.1} MiB on disk, tar {:.1} MiB, written in {:.1?}",
        size as f64 / MIB as f64,
        tar_len as f64 / MIB as f64,
        start.elapsed()
    );
    Fixture {
        path,
        pages,
        tar_len,
    }
}

impl Fixtures {
    fn new() -> Fixtures {
        let pages = env_or("CKPT_BENCH_PAGES_MIB", 256) * MIB;
        let dir = tempfile::tempdir().expect("temporary directory");
        let d = dir.path();
        // Two cores: compress both streams at once.
        let (gzip, zstd) = std::thread::scope(|s| {
            let gzip = s.spawn(|| write(d, "ckpt.tar.gz", pages, Compress::Gzip));
            let zstd = write(d, "ckpt.tar.zst", pages, Compress::Zstd);
            (gzip.join().expect("gzip fixture"), zstd)
        });
        Fixtures {
            tar_small: write(d, "small.tar", pages / 4, Compress::None),
            tar: write(d, "ckpt.tar", pages, Compress::None),
            gzip,
            zstd,
            _dir: dir,
        }
    }
}

/// What `ckpt show FILE` does.
fn show(path: &Path) -> Overview {
    let checkpoint = ckpt::read_path(path, &Options::default()).expect("read checkpoint");
    Overview::new(&checkpoint).expect("overview")
}

/// What `ckpt inspect --all FILE` does.
fn inspect_all(path: &Path) -> Inspection {
    let all = InspectOptions::all();
    let options = Options::new(all.want());
    let checkpoint = ckpt::read_path(path, &options).expect("read checkpoint");
    Inspection::new(&checkpoint, &all).expect("inspection")
}

fn check(f: &Fixture) {
    let o = show(&f.path);
    assert_eq!(o.header.container_name, synth::NAME);
    assert_eq!(o.header.ip, synth::IP);
    assert_eq!(o.header.checkpoint_size.memory_pages_size, f.pages);
    assert_eq!(o.tar_size.unwrap_or(f.tar_len), f.tar_len);

    let i = inspect_all(&f.path);
    assert!(i.warnings.is_empty(), "inspect --all: {:?}", i.warnings);
    assert_eq!(i.header.checkpoint_size.memory_pages_size, f.pages);
    let p = i.process_tree.as_ref().expect("a process tree");
    assert_eq!(
        (p.pid, p.ppid, p.command.as_str()),
        (synth::PID, 0, synth::COMM)
    );
    let cmdline = format!("{} ", synth::ARGS.join(" "));
    assert_eq!(p.cmdline.as_deref(), Some(cmdline.as_str()));
    let env = p.environment_variables.as_ref().expect("an environment");
    assert_eq!(env.len(), synth::env().len());
    let fds = i.file_descriptors.as_ref().expect("open files");
    assert_eq!(fds[0].open_files.len(), synth::FDS.len() + 2);
}

fn compressed(c: &mut Criterion, name: &str, f: &Fixture, compress: Compress) {
    check(f);
    let mut g = c.benchmark_group(name);
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Bytes(f.tar_len));
    g.bench_function("show", |b| b.iter(|| black_box(show(&f.path))));
    g.bench_function("inspect_all", |b| {
        b.iter(|| black_box(inspect_all(&f.path)))
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
    let mut g = c.benchmark_group("tar");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for f in [&fixtures.tar_small, &fixtures.tar] {
        check(f);
        g.throughput(Throughput::Bytes(f.tar_len));
        let size = format!("{}MiB", f.pages / MIB);
        let id = BenchmarkId::new("show", &size);
        g.bench_with_input(id, &f.path, |b, path| b.iter(|| black_box(show(path))));
        let id = BenchmarkId::new("inspect_all", &size);
        g.bench_with_input(id, &f.path, |b, path| {
            b.iter(|| black_box(inspect_all(path)))
        });
    }
    g.finish();
}

fn main() {
    let fixtures = Fixtures::new();
    let mut c = Criterion::default().configure_from_args();
    compressed(&mut c, "gzip", &fixtures.gzip, Compress::Gzip);
    compressed(&mut c, "zstd", &fixtures.zstd, Compress::Zstd);
    plain(&mut c, &fixtures);
    c.final_summary();
}
