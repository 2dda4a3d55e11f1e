//! xz and bzip2 archives (what checkpointctl also reads, through
//! containers/storage): the mini-sleep checkpoint compressed in code, one
//! stream and several concatenated, read from a stream and from a file to
//! the same result as the plain tar; cut short, corrupt, or declaring more
//! memory than allowed, an error naming the archive.

#![cfg(all(feature = "xz", feature = "bzip2"))]

mod common;

use std::io::Write;

use ckpt::views::{InspectOptions, Inspection};
use ckpt::{Compression, Error, Options, Source};
use common::*;

fn plain_tar() -> Vec<u8> {
    std::fs::read(fixture("mini-sleep.none.tar")).unwrap()
}

fn xz(data: &[u8]) -> Vec<u8> {
    let mut e = liblzma::write::XzEncoder::new(Vec::new(), 6);
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn bzip2(data: &[u8]) -> Vec<u8> {
    let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::best());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// `data` compressed in `parts` streams, one after the other.
fn streams(data: &[u8], parts: usize, compress: fn(&[u8]) -> Vec<u8>) -> Vec<u8> {
    let size = data.len().div_ceil(parts);
    data.chunks(size).flat_map(compress).collect()
}

/// `inspect --all` JSON, without what depends on the compression.
fn inspected(c: &ckpt::Checkpoint) -> serde_json::Value {
    let all = InspectOptions::all();
    let mut v = serde_json::to_value(Inspection::new(c, &all).unwrap()).unwrap();
    let o = v.as_object_mut().unwrap();
    o.remove("archive");
    v
}

fn read(bytes: &[u8], options: &Options) -> ckpt::Result<ckpt::Checkpoint> {
    ckpt::read(Source::from_reader(bytes, "test.tar.x"), options)
}

fn all() -> Options {
    Options::new(InspectOptions::all().want())
}

#[test]
fn xz_and_bzip2_read_as_the_plain_tar_does() {
    let tar = plain_tar();
    let expected = inspected(&read(&tar, &all()).unwrap());
    let dir = tempfile::tempdir().unwrap();
    for (kind, compress) in [
        (Compression::Xz, xz as fn(&[u8]) -> Vec<u8>),
        (Compression::Bzip2, bzip2),
    ] {
        for parts in [1, 3] {
            let bytes = streams(&tar, parts, compress);
            let c = read(&bytes, &all()).unwrap();
            assert_eq!(c.compression, Some(kind));
            assert!(c.warnings.is_empty(), "{kind} {parts}: {:?}", c.warnings);
            assert_eq!(c.sizes.tar, Some(tar.len() as u64), "{kind} {parts}");
            assert_eq!(c.sizes.archive, Some(bytes.len() as u64));
            assert_eq!(inspected(&c), expected, "{kind} {parts}");
            // From a file, with the CLI: the same table as the plain tar.
            let path = dir.path().join(format!("ms-{kind}-{parts}.tar.{kind}"));
            std::fs::write(&path, &bytes).unwrap();
            let (out, err, code) = run_ckpt(&["show", &path.to_string_lossy()]);
            assert_eq!((code, err.as_str()), (0, ""));
            let (plain, _, _) = run_ckpt(&["show", "tests/fixtures/mini-sleep.none.tar"]);
            let table = |s: &str| s.lines().skip(3).collect::<Vec<_>>().join("\n");
            assert_eq!(table(&out), table(&plain));
        }
    }
}

#[test]
fn cut_short_or_corrupt_is_an_error_naming_the_archive() {
    let tar = plain_tar();
    for (name, bytes) in [("xz", xz(&tar)), ("bzip2", bzip2(&tar))] {
        for at in [bytes.len() / 3, bytes.len() - 1] {
            match read(&bytes[..at], &all()) {
                Err(e @ Error::Truncated { .. }) => {
                    assert!(e.to_string().starts_with("test.tar.x: "), "{e}");
                    assert!(
                        e.to_string().contains(&format!("truncated {name} stream")),
                        "{e}"
                    );
                }
                other => panic!("{name} cut at {at}: {:?}", other.map(|_| ())),
            }
        }
        let mut flipped = bytes.clone();
        let middle = flipped.len() / 2;
        flipped[middle] ^= 0x55;
        match read(&flipped, &all()) {
            Err(e @ (Error::Decompress { .. } | Error::Truncated { .. })) => {
                assert!(e.to_string().starts_with("test.tar.x: "), "{e}")
            }
            other => panic!("{name} corrupt: {:?}", other.map(|_| ())),
        }
    }
}

/// An xz stream whose LZMA2 dictionary is declared as `dict` (the props
/// byte of the block header), with the header's CRC32 made right again.
fn xz_declaring_dictionary(data: &[u8], dict: u8) -> Vec<u8> {
    let mut bytes = xz(data);
    // Stream header (12 bytes), then the block header: its size byte,
    // flags, filter id 0x21 (LZMA2), props size 1, the props byte.
    let block = 12;
    let header_len = (usize::from(bytes[block]) + 1) * 4;
    assert_eq!(&bytes[block + 2..block + 4], &[0x21, 0x01]);
    bytes[block + 4] = dict;
    let mut crc = flate2::Crc::new();
    crc.update(&bytes[block..block + header_len - 4]);
    let at = block + header_len - 4;
    bytes[at..at + 4].copy_from_slice(&crc.sum().to_le_bytes());
    bytes
}

#[test]
fn an_xz_dictionary_over_the_memory_limit_is_refused_unallocated() {
    let tar = plain_tar();
    // 40 is the largest dictionary, 4 GiB − 1; 36 is 1 GiB, 26 is 32 MiB.
    for (dict, refused) in [(40, true), (36, true), (26, false)] {
        let bytes = xz_declaring_dictionary(&tar, dict);
        match read(&bytes, &all()) {
            Err(Error::Decompress { source, .. }) if refused => {
                assert!(
                    source.to_string().contains("memory limit reached"),
                    "{source}"
                );
            }
            Ok(c) if !refused => assert_eq!(c.compression, Some(Compression::Xz)),
            other => panic!("dict {dict}: {:?}", other.map(|_| ())),
        }
    }
    assert_eq!(ckpt::Compression::XZ_MEMORY_LIMIT, 256 << 20);
}
