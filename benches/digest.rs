//! What `--digest` costs: `show --digest` against `show`, against the read
//! of every page (what `memparse --search` does) and against SHA-256 of the
//! bytes alone.
//!
//! At start, synthetic Podman-shaped checkpoints (`tests/common/synth.rs`)
//! with 256 MiB of memory pages are written to a temporary directory, as a
//! plain tar and zstd (level 3); `CKPT_BENCH_PAGES_MIB` changes the 256.
//! Before measuring, each digest is checked against the SHA-256 of the
//! file.
//!
//! * `*/show`: [`ckpt::read_path`] with the default options (a plain tar
//!   is seeked over, a compressed one decompressed whole);
//! * `*/show_digest`: the same with [`ckpt::Options::digest`]: every byte
//!   read in order, the input and each entry hashed on two threads;
//! * `*/read_pages`: a memory search for a string that is not there,
//!   which reads every page (`ckpt memparse --search`);
//! * `*/sha256_file`: SHA-256 of the file's bytes alone, one thread
//!   (`sha256sum`'s work);
//! * `zstd/sha256_tar`: decompression and SHA-256 of the tar on one thread
//!   (`zstd -dc | sha256sum` without the pipe).
//!
//! Throughput is in bytes of the uncompressed tar.
//!
//! ```text
//! cargo bench --bench digest
//! ```

mod common;

use std::hint::black_box;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ckpt::memory::MemoryFilter;
use ckpt::memory::search::{MemorySearch, Pattern};
use ckpt::{Options, Source, Want};
use common::synth::Compress;
use common::{MIB, decompress, env_or, write_archive};
use criterion::{Criterion, SamplingMode, Throughput};
use sha2::{Digest, Sha256};

fn show(path: &Path, digest: bool) -> usize {
    let options = Options {
        digest,
        ..Options::default()
    };
    let c = ckpt::read_path(path, &options).expect("read");
    c.digests.map_or(0, |d| d.entries.len())
}

fn read_pages(path: &Path) -> usize {
    let pattern = Pattern::literal("NOT-THERE-STRING").expect("pattern");
    let mut search = MemorySearch::new(&pattern, 0, MemoryFilter::default(), 10);
    let source = Source::open(path).expect("open");
    ckpt::read_with(source, &Options::new(Want::none()), &mut search).expect("read");
    search.finish().hits.len()
}

fn sha256_of(mut r: impl Read) -> [u8; 32] {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 256 << 10];
    loop {
        let n = r.read(&mut buf).expect("read");
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    h.finalize().into()
}

fn group(c: &mut Criterion, name: &str, path: &PathBuf, compress: Compress) {
    let tar_len = match compress {
        Compress::None => std::fs::metadata(path).expect("stat").len(),
        _ => decompress(path, compress, None),
    };
    let c_digest = ckpt::read_path(
        path,
        &Options {
            digest: true,
            ..Options::default()
        },
    )
    .expect("read")
    .digests
    .expect("digests");
    let file_sum = sha256_of(std::fs::File::open(path).expect("open"));
    assert_eq!(c_digest.archive.expect("archive digest").sha256.0, file_sum);
    let mut g = c.benchmark_group(name);
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Bytes(tar_len));
    g.bench_function("show", |b| b.iter(|| black_box(show(path, false))));
    g.bench_function("show_digest", |b| b.iter(|| black_box(show(path, true))));
    g.bench_function("read_pages", |b| b.iter(|| black_box(read_pages(path))));
    g.bench_function("sha256_file", |b| {
        b.iter(|| black_box(sha256_of(std::fs::File::open(path).expect("open"))))
    });
    if compress == Compress::Zstd {
        g.bench_function("sha256_tar", |b| {
            b.iter(|| {
                let file = std::fs::File::open(path).expect("open");
                black_box(sha256_of(zstd::Decoder::new(file).expect("zstd")))
            })
        });
    }
    g.finish();
}

fn main() {
    let pages = env_or("CKPT_BENCH_PAGES_MIB", 256) * MIB;
    let dir = tempfile::tempdir().expect("tempdir");
    let tar = dir.path().join("digest.tar");
    let zst = dir.path().join("digest.tar.zst");
    write_archive(&tar, pages, Compress::None);
    write_archive(&zst, pages, Compress::Zstd);
    let mut c = Criterion::default().configure_from_args();
    group(&mut c, "digest_tar", &tar, Compress::None);
    group(&mut c, "digest_zstd", &zst, Compress::Zstd);
    c.final_summary();
}
