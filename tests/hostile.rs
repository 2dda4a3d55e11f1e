//! Every real fixture, cut short at many offsets (each entry boundary,
//! inside each header, inside each entry's data) and with bits flipped at
//! fixed seeds, read the way `inspect --all` and `memparse --search` read:
//! through the library (streamed and seekable), and a sample through the
//! CLI under an address-space limit and a timeout. Each run must end with a
//! result, an error naming the archive, or warnings: never a panic, a
//! signal, a hang or a memory spike.

#![cfg(feature = "views")]

mod common;

use std::io::Cursor;
use std::time::Duration;

use assert_cmd::Command;
use ckpt::memory::MemoryFilter;
use ckpt::memory::search::{MemorySearch, Pattern};
use ckpt::views::{InspectOptions, Inspection, Overview};
use ckpt::{Options, Source};
use common::*;

/// The fixtures as tars (decompressed where they are compressed).
fn tars() -> Vec<(&'static str, Vec<u8>)> {
    let mut out = Vec::new();
    for name in [
        "mini-sleep.none.tar",
        "multi-proc.none.tar",
        "crio-counter.assembled.tar",
        "piggie-imgs.gnutar.tar.zst",
        "piggie-diff-a.gnutar.tar.zst",
        // Memory pages compressed with LZ4 (criu-dev), cut and flipped
        // inside their blocks and the sizes in their pagemaps.
        "mini-sleep.lz4-page.tar.zst",
        "threads-memfd.lz4-region.tar.zst",
    ] {
        let bytes = std::fs::read(fixture(name)).unwrap();
        let tar = if name.ends_with(".zst") {
            zstd::decode_all(&bytes[..]).unwrap()
        } else {
            bytes
        };
        out.push((name, tar));
    }
    out
}

/// Offsets worth cutting a tar at: every header's start, a few places
/// inside it (name, size, checksum, magic, prefix), the start of its data,
/// a few places inside the data, and its end.
fn cut_points(tar: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut archive = tar::Archive::new(tar);
    for entry in archive.entries().unwrap() {
        let entry = entry.unwrap();
        let header = entry.raw_header_position() as usize;
        let data = entry.raw_file_position() as usize;
        let size = entry.size() as usize;
        out.extend([
            header,
            header + 1,
            header + 100,
            header + 124,
            header + 148,
            header + 257,
            header + 345,
        ]);
        out.extend([
            data,
            data + 1,
            data + 4,
            data + 8,
            data + size / 2,
            data + size.saturating_sub(1),
        ]);
        out.push(data + size);
    }
    out.push(tar.len().saturating_sub(512));
    out.push(tar.len().saturating_sub(1));
    out.retain(|&o| o < tar.len());
    out.sort_unstable();
    out.dedup();
    out
}

/// Reads `bytes` as `inspect --all` and `memparse --search` do; returns
/// whether it read (with or without warnings).
fn exercise(bytes: &[u8], name: &str, seekable: bool) -> bool {
    let all = InspectOptions::all();
    let options = Options::new(all.want());
    let pattern = Pattern::literal("SECRET").unwrap();
    let mut sink = MemorySearch::new(&pattern, 16, MemoryFilter::default(), 64);
    let archive = if seekable {
        Source::from_seekable(Cursor::new(bytes.to_vec()), name)
    } else {
        Ok(Source::from_reader(bytes, name))
    };
    let result = archive.and_then(|a| ckpt::read_with(a, &options, &mut sink));
    let _ = sink.finish();
    match result {
        Ok(c) => {
            // Whatever was read renders.
            let _ = Overview::new(&c);
            if let Ok(i) = Inspection::new(&c, &all) {
                serde_json::to_string(&i).unwrap();
            }
            true
        }
        Err(e) => {
            assert!(e.to_string().contains(name), "{e}");
            false
        }
    }
}

#[test]
fn fixtures_cut_short_anywhere_end_in_an_error_or_warnings() {
    for (name, tar) in tars() {
        let points = cut_points(&tar);
        assert!(points.len() > 50, "{name}: {}", points.len());
        let mut errors = 0;
        for &at in &points {
            let label = format!("{name}@{at}");
            for seekable in [false, true] {
                if !exercise(&tar[..at], &label, seekable) {
                    errors += 1;
                }
            }
        }
        // A tar cut inside an entry is truncated: most cuts are errors.
        assert!(
            errors > points.len(),
            "{name}: {errors} errors of {}",
            2 * points.len()
        );
    }
}

/// A small xorshift, so that the flips are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn fixtures_with_bits_flipped_end_in_an_error_or_warnings() {
    for (name, tar) in tars() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ tar.len() as u64);
        // Flips aimed at the headers and the small entries (where the
        // decoders are), and anywhere.
        let small: Vec<(usize, usize)> = {
            let mut a = tar::Archive::new(&tar[..]);
            a.entries()
                .unwrap()
                .map(|e| e.unwrap())
                .filter(|e| e.size() < 64 << 10)
                .map(|e| (e.raw_header_position() as usize, 512 + e.size() as usize))
                .collect()
        };
        for round in 0..120 {
            let mut bytes = tar.clone();
            for _ in 0..1 + rng.below(4) {
                let at = if round % 3 == 0 {
                    rng.below(bytes.len())
                } else {
                    let (start, len) = small[rng.below(small.len())];
                    (start + rng.below(len)).min(bytes.len() - 1)
                };
                bytes[at] ^= 1 << rng.below(8);
            }
            let label = format!("{name}#{round}");
            exercise(&bytes, &label, round % 2 == 0);
        }
    }
}

#[test]
fn compressed_fixtures_cut_and_flipped() {
    for name in [
        "mini-sleep.gzip.tar.gz",
        "mini-sleep.zstd.tar.zst",
        "piggie-imgs.gnutar.tar.zst",
    ] {
        let bytes = std::fs::read(fixture(name)).unwrap();
        let mut rng = Rng(bytes.len() as u64 | 1);
        for i in 0..60 {
            let at = if i < 30 {
                bytes.len() * i / 30
            } else {
                rng.below(bytes.len())
            };
            exercise(&bytes[..at], &format!("{name}@{at}"), false);
            let mut flipped = bytes.clone();
            flipped[at] ^= 1 << rng.below(8);
            exercise(&flipped, &format!("{name}#{i}"), false);
        }
    }
}

/// Runs the CLI on `bytes` (written to a file) under a 2 GiB address-space
/// limit and a timeout; returns its exit status.
#[cfg(feature = "cli")]
fn cli(dir: &std::path::Path, bytes: &[u8], i: usize, args: &[&str]) -> i32 {
    let path = dir.join(format!("case-{i}.tar"));
    std::fs::write(&path, bytes).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("ckpt");
    let script = "ulimit -v 2097152; exec \"$0\" \"$@\"";
    let out = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(bin)
        .args(args)
        .arg(&path)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked"),
        "{args:?} {}: {stderr}",
        path.display()
    );
    let code = out.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "{args:?} {}: status {:?}\n{stderr}",
        path.display(),
        out.status
    );
    if code == Some(1) {
        // What was read before the damage may come with warnings first.
        assert!(stderr.lines().any(|l| l.starts_with("Error: ")), "{stderr}");
    }
    code.unwrap_or(-1)
}

#[test]
#[cfg(feature = "cli")]
fn cli_on_damaged_archives_exits_0_or_1_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let mut i = 0;
    for (name, tar) in tars().into_iter().take(3) {
        let points = cut_points(&tar);
        let mut rng = Rng(tar.len() as u64);
        for k in 0..12 {
            let at = points[points.len() * k / 12];
            for args in [
                &["inspect", "--all"][..],
                &["memparse", "--search", "SECRET"][..],
                &["show"][..],
            ] {
                cli(dir.path(), &tar[..at], i, args);
                i += 1;
            }
            let mut flipped = tar.clone();
            for _ in 0..3 {
                let at = rng.below(flipped.len());
                flipped[at] ^= 1 << rng.below(8);
            }
            cli(
                dir.path(),
                &flipped,
                i,
                &["inspect", "--all", "--format", "json"],
            );
            i += 1;
        }
        // The whole file reads.
        assert_eq!(cli(dir.path(), &tar, i, &["inspect", "--all"]), 0, "{name}");
        i += 1;
    }
}
