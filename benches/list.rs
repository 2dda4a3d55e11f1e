//! What `ckpt list` costs over a directory of many checkpoints, on one
//! thread and on all cores, against reading the first bytes of each.
//!
//! At start, 100 synthetic Podman-shaped checkpoints
//! (`tests/common/synth.rs`, `config.dump` and `spec.dump` first, then the
//! CRIU images and the pages) are written to a temporary directory, half
//! plain tars and half zstd, each with 4 MiB of memory pages
//! (`CKPT_BENCH_LIST_ARCHIVES` and `CKPT_BENCH_LIST_PAGES_MIB` change the
//! 100 and the 4). Before measuring, a listing is checked: every archive
//! listed, none failed.
//!
//! * `list/threads/N`: [`entries_on`] on `N` threads (1, 2, and the number
//!   of cores when more): each archive opened and read only as far as its
//!   `config.dump` and `spec.dump`, then the rows sorted. Throughput is in
//!   archives.
//! * `list/first_64KiB`: the floor: on one thread, each archive opened and
//!   its first 64 KiB of tar read (decompressed for zstd), a little more
//!   than the metadata `list` needs.
//!
//! ```text
//! cargo bench --bench list
//! ```

mod common;

use std::fs::File;
use std::hint::black_box;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ckpt::views::list::entries_on;
use common::synth::{self, Compress};
use common::{MIB, env_or, write_archive};
use criterion::{BenchmarkId, Criterion, Throughput};

/// The archives, half plain and half zstd, named as kubelet names them.
fn fixtures(dir: &Path) -> Vec<PathBuf> {
    let n = env_or("CKPT_BENCH_LIST_ARCHIVES", 100);
    let pages = env_or("CKPT_BENCH_LIST_PAGES_MIB", 4) * MIB;
    let start = Instant::now();
    // Each kind written once, then copied.
    let plain = dir.join("template.tar");
    let zstd = dir.join("template.tar.zst");
    write_archive(&plain, pages, Compress::None);
    write_archive(&zstd, pages, Compress::Zstd);
    let mut paths = Vec::new();
    for i in 0..n {
        let (from, ext) = if i % 2 == 0 {
            (&plain, "tar")
        } else {
            (&zstd, "tar.zst")
        };
        let to = dir.join(format!("checkpoint-synth_default-synth-{i:04}.{ext}"));
        std::fs::copy(from, &to).expect("copy fixture");
        paths.push(to);
    }
    std::fs::remove_file(plain).expect("remove template");
    std::fs::remove_file(zstd).expect("remove template");
    eprintln!(
        "{n} archives with {} MiB of pages written in {:.1?}",
        pages / MIB,
        start.elapsed()
    );
    paths
}

/// The first 64 KiB of each archive's tar.
fn first_bytes(paths: &[PathBuf]) -> u64 {
    let mut buf = vec![0u8; 64 << 10];
    let mut total = 0;
    for path in paths {
        let file = File::open(path).expect("open");
        let mut r: Box<dyn Read> = if path.extension().is_some_and(|e| e == "zst") {
            Box::new(zstd::stream::read::Decoder::new(file).expect("zstd decoder"))
        } else {
            Box::new(file)
        };
        r.read_exact(&mut buf).expect("read");
        total += buf.iter().map(|&b| u64::from(b)).sum::<u64>();
    }
    total
}

fn main() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut paths = fixtures(dir.path());
    paths.sort();
    let (rows, failed) = entries_on(&paths, 2);
    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(rows.len(), paths.len());
    assert!(rows.iter().all(|r| r.container == synth::NAME));

    let mut c = Criterion::default().configure_from_args();
    let mut g = c.benchmark_group("list");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Elements(paths.len() as u64));
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut counts = vec![1, 2];
    if cores > 2 {
        counts.push(cores);
    }
    for threads in counts {
        g.bench_with_input(BenchmarkId::new("threads", threads), &threads, |b, &t| {
            b.iter(|| black_box(entries_on(&paths, t)))
        });
    }
    g.bench_function("first_64KiB", |b| b.iter(|| black_box(first_bytes(&paths))));
    g.finish();
    c.final_summary();
}
