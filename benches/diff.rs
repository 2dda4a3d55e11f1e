//! What `ckpt diff` costs on two large checkpoints, against one pass over
//! each.
//!
//! At start, two synthetic Podman-shaped checkpoints
//! (`tests/common/synth.rs`) with 128 MiB of memory pages each are written
//! as plain tars and as zstd (level 3) (`CKPT_BENCH_PAGES_MIB` changes the
//! 128). Both are the same dump (the generator has one seed), so every
//! page is compared and found equal: the most work a page comparison does.
//! Before measuring, the diff is checked: pid 1 in both, every page
//! unchanged.
//!
//! * `diff/<kind>`: what `ckpt diff A B` does: A and B read at once on two
//!   threads, processes, files and sockets compared. For plain tars the
//!   pages are seeked over.
//! * `diff_memory/<kind>`: `ckpt diff --memory A B`: the same, and every
//!   page of every process hashed as it streams by, the hashes compared.
//! * `one_pass_each/<kind>`: the floor for `--memory`: A then B read whole
//!   on one thread (decompressed for zstd) into [`io::sink`]. On two
//!   cores, `diff_memory` should take about half of it, and about as long
//!   as one pass over one archive.
//!
//! Throughput is in bytes of both tars.
//!
//! ```text
//! cargo bench --bench diff
//! ```

mod common;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ckpt::diff::{Diff, DiffOptions};
use ckpt::{Options, Source};
use common::synth::{self, Compress};
use common::{MIB, decompress, env_or, write_archive};
use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};

struct Pair {
    kind: &'static str,
    a: PathBuf,
    b: PathBuf,
    /// Bytes of both tars.
    tar_len: u64,
    /// Bytes of memory pages in each.
    pages: u64,
}

fn pairs(dir: &Path) -> Vec<Pair> {
    let pages = env_or("CKPT_BENCH_PAGES_MIB", 128) * MIB;
    let start = Instant::now();
    let mut out = Vec::new();
    for (kind, compress, ext) in [
        ("tar", Compress::None, "tar"),
        ("zstd", Compress::Zstd, "tar.zst"),
    ] {
        let a = dir.join(format!("a.{ext}"));
        write_archive(&a, pages, compress);
        let b = dir.join(format!("b.{ext}"));
        std::fs::copy(&a, &b).expect("copy fixture");
        let tar_len = 2 * read_whole(&a);
        out.push(Pair {
            kind,
            a,
            b,
            tar_len,
            pages,
        });
    }
    eprintln!(
        "fixtures ({} MiB of pages) written in {:.1?}",
        pages / MIB,
        start.elapsed()
    );
    out
}

/// What `ckpt diff [--memory] A B` does, without the rendering: both
/// read at once, one pass each, and compared.
fn diff(a: &Path, b: &Path, memory: bool) -> Diff {
    let options = DiffOptions {
        memory,
        ..DiffOptions::default()
    };
    let open = |p: &Path| Source::open(p).expect("open checkpoint");
    ckpt::diff::compare(open(a), open(b), &options, &Options::default()).expect("diff")
}

/// The whole tar of `path`, decompressed if need be, into [`io::sink`].
fn read_whole(path: &Path) -> u64 {
    let compress = if path.extension().is_some_and(|e| e == "zst") {
        Compress::Zstd
    } else {
        Compress::None
    };
    decompress(path, compress, None)
}

fn main() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let pairs = pairs(dir.path());
    for p in &pairs {
        let d = diff(&p.a, &p.b, true);
        let procs = &d.memory_changes.processes;
        assert_eq!(procs.len(), 1);
        assert_eq!(procs[0].pid, synth::PID);
        assert_eq!(procs[0].counts(), (0, 0, 0));
        assert_eq!(procs[0].unchanged_pages, p.pages / ckpt::memory::PAGE_SIZE);
    }
    let mut c = Criterion::default().configure_from_args();
    for (name, memory) in [
        ("diff", Some(false)),
        ("diff_memory", Some(true)),
        ("one_pass_each", None),
    ] {
        let mut g = c.benchmark_group(name);
        g.sampling_mode(SamplingMode::Flat)
            .sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(5));
        for p in &pairs {
            g.throughput(Throughput::Bytes(p.tar_len));
            g.bench_with_input(
                BenchmarkId::from_parameter(p.kind),
                p,
                |b, p| match memory {
                    Some(m) => b.iter(|| black_box(diff(&p.a, &p.b, m))),
                    None => b.iter(|| black_box(read_whole(&p.a) + read_whole(&p.b))),
                },
            );
        }
        g.finish();
    }
    c.final_summary();
}
