//! The synthetic checkpoint of the benchmarks (`tests/common/synth.rs`)
//! is what it claims to be: `ckpt inspect --all` finds its process, command
//! line, environment, open files and statistics without a warning, whatever
//! the compression and however the archive is read.

#![cfg(feature = "views")]

mod common;
#[path = "common/synth.rs"]
mod synth;

use std::collections::BTreeMap;
use std::io::Cursor;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use ckpt::views::{InspectOptions, Inspection};
use ckpt::{Archive, Checkpoint, Options, Source};
use common::CountingSeek;
use synth::Compress;

/// 2 MiB of pages: two runs of heap pages and the stack.
const PAGES: u64 = 2 << 20;

fn options() -> Options {
    Options::new(InspectOptions::all().want())
}

fn archive(pages: u64, compress: Compress) -> Vec<u8> {
    synth::write_checkpoint(Vec::new(), pages, compress).unwrap()
}

fn file_name(compress: Compress) -> &'static str {
    match compress {
        Compress::None => "synth.tar",
        Compress::Gzip => "synth.tar.gz",
        Compress::Zstd => "synth.tar.zst",
    }
}

/// Checks the inspection of a synthetic checkpoint of `pages` bytes.
fn check(c: &Checkpoint, pages: u64) {
    let i = Inspection::new(c, &InspectOptions::all()).unwrap();
    assert!(i.warnings.is_empty(), "{:#?}", i.warnings);
    assert_eq!(i.header.container_name, synth::NAME);
    assert_eq!(i.header.ip, synth::IP);
    assert_eq!(i.header.checkpoint_size.memory_pages_size, pages);

    let p = i.process_tree.as_ref().expect("a process tree");
    assert_eq!((p.pid, p.ppid), (synth::PID, 0));
    assert_eq!(p.command, synth::COMM);
    assert_eq!(p.task_state.name(), "Alive");
    assert!(p.children.is_empty());
    // checkpointctl's form: the arguments joined by spaces, with a trailing
    // space (from the NUL after the last one).
    let cmdline = format!("{} ", synth::ARGS.join(" "));
    assert_eq!(p.cmdline.as_deref(), Some(cmdline.as_str()));
    let env: BTreeMap<String, String> = synth::env()
        .iter()
        .map(|v| {
            let (k, v) = v.split_once('=').unwrap();
            (k.to_owned(), v.to_owned())
        })
        .collect();
    assert_eq!(p.environment_variables.as_ref(), Some(&env));

    let fds = i.file_descriptors.as_ref().expect("open files");
    assert_eq!(fds.len(), 1);
    assert_eq!(fds[0].pid, synth::PID);
    let got: Vec<(String, String, Option<u64>)> = fds[0]
        .open_files
        .iter()
        .map(|f| (f.fd.clone(), f.path.clone(), f.pos))
        .collect();
    let mut want: Vec<(String, String, Option<u64>)> = synth::FDS
        .iter()
        .map(|&(fd, path, pos)| (format!("REG {fd}"), path.to_owned(), Some(pos)))
        .collect();
    want.push(("cwd".to_owned(), synth::CWD.to_owned(), None));
    want.push(("root".to_owned(), synth::ROOT.to_owned(), None));
    assert_eq!(got, want);
    assert_eq!(i.sockets.as_deref(), Some(&[][..]));

    let stats = i.statistics.as_ref().expect("dump statistics");
    assert_eq!(stats.pages_written, pages / 4096);

    // Every image was decoded; the pagemap covers the pages file exactly.
    let images = c.images.as_ref().expect("CRIU images");
    assert!(images.inventory.is_some());
    assert_eq!(images.pagemap[&synth::PID].pages_id, 1);
    assert_eq!(images.pagemap[&synth::PID].present_bytes, pages);
}

#[test]
fn inspect_all_by_path() {
    let dir = tempfile::tempdir().unwrap();
    for compress in [Compress::None, Compress::Gzip, Compress::Zstd] {
        let path = dir.path().join(file_name(compress));
        std::fs::write(&path, archive(PAGES, compress)).unwrap();
        let c = ckpt::read_path(&path, &options()).unwrap();
        assert!(c.complete);
        check(&c, PAGES);
    }
}

#[test]
fn inspect_all_from_a_stream() {
    for compress in [Compress::None, Compress::Gzip, Compress::Zstd] {
        let bytes = archive(PAGES, compress);
        let a = Source::from_reader(&bytes[..], file_name(compress));
        assert!(
            !Archive::new(Source::from_reader(&bytes[..], "x"))
                .unwrap()
                .can_reread()
        );
        check(&ckpt::read(a, &options()).unwrap(), PAGES);
    }
}

#[test]
fn smallest_archive() {
    let bytes = archive(synth::MIN_PAGES_SIZE, Compress::None);
    let a = Source::from_reader(&bytes[..], "small.tar");
    check(&ckpt::read(a, &options()).unwrap(), synth::MIN_PAGES_SIZE);
    for bad in [0, 4096, synth::MIN_PAGES_SIZE + 1] {
        let e = synth::write_checkpoint(Vec::new(), bad, Compress::None).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
    }
}

/// A plain tar read with seeks: argv and env are read by offset, the rest of
/// the pages is never read.
#[test]
fn a_seekable_tar_reads_only_argv_and_env_from_the_pages() {
    let pages = 16 << 20;
    let bytes = archive(pages, Compress::None);
    let read = Arc::new(AtomicU64::new(0));
    let r = CountingSeek {
        inner: Cursor::new(&bytes[..]),
        read: read.clone(),
    };
    let c = ckpt::read(Source::from_seekable(r, "synth.tar").unwrap(), &options()).unwrap();
    check(&c, pages);
    let read = read.load(Ordering::Relaxed);
    assert!(read < 1 << 20, "{read} bytes read");
}

/// Positioned reads that record what is asked for: what a ranged remote
/// object (an HTTP range request per read) would be asked for.
struct Ranged {
    bytes: Vec<u8>,
    asked: std::sync::Mutex<Vec<(u64, usize)>>,
}

impl ckpt::source::ReadAt for Ranged {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        self.asked.lock().unwrap().push((offset, buf.len()));
        self.bytes.read_at(offset, buf)
    }

    fn size(&self) -> std::io::Result<u64> {
        Ok(self.bytes.len() as u64)
    }
}

/// Through positioned reads (as a remote object would be read), a plain
/// tar costs a few requests for its headers and for argv and env, not the
/// pages.
#[test]
fn positioned_reads_ask_for_headers_and_the_bytes_wanted_only() {
    use ckpt::source::ReadAt;
    let pages = 16 << 20;
    let ranged = Arc::new(Ranged {
        bytes: archive(pages, Compress::None),
        asked: std::sync::Mutex::new(Vec::new()),
    });
    let source = Source::from_read_at(ranged.clone(), "synth.tar").unwrap();
    check(&ckpt::read(source, &options()).unwrap(), pages);
    let asked = ranged.asked.lock().unwrap();
    let bytes: usize = asked.iter().map(|(_, len)| len).sum();
    assert!(bytes < 1 << 20, "{bytes} bytes in {} requests", asked.len());
    assert!(asked.len() < 64, "{} requests: {asked:?}", asked.len());
    // The same archive through a buffer read the same way.
    let c = ckpt::read(
        Source::from_read_at(ranged.bytes.clone(), "synth.tar").unwrap(),
        &options(),
    )
    .unwrap();
    check(&c, pages);
    assert_eq!(ranged.bytes.size().unwrap(), ranged.bytes.len() as u64);
}

#[test]
fn deterministic_and_in_podmans_order() {
    let a = synth::checkpoint_tar(1 << 20);
    assert_eq!(a, synth::checkpoint_tar(1 << 20));
    let mut names = Vec::new();
    for e in tar::Archive::new(&a[..]).entries().unwrap() {
        names.push(e.unwrap().path().unwrap().display().to_string());
    }
    let images: Vec<&String> = names
        .iter()
        .filter(|n| n.starts_with("checkpoint/") && n.len() > "checkpoint/".len())
        .collect();
    let mut sorted = images.clone();
    sorted.sort();
    assert_eq!(images, sorted);
    assert_eq!(
        images,
        [
            "checkpoint/core-1.img",
            "checkpoint/fdinfo-2.img",
            "checkpoint/files.img",
            "checkpoint/fs-1.img",
            "checkpoint/ids-1.img",
            "checkpoint/inventory.img",
            "checkpoint/mm-1.img",
            "checkpoint/pagemap-1.img",
            "checkpoint/pages-1.img",
            "checkpoint/pstree.img",
        ]
    );
    assert_eq!(names.last().map(String::as_str), Some("rootfs-diff.tar"));
}
