//! Digests (`Options::digest`) checked against independent tools: the
//! archive's against `sha256sum` of the file, each entry's against
//! `sha256sum` of what GNU `tar -x` extracts.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use ckpt::digest::Digests;
use ckpt::{FileType, Options, Source, Want};
use common::{Item, Style, file, fixture};

fn options() -> Options {
    Options {
        digest: true,
        ..Options::new(Want::none())
    }
}

fn digests(source: Source<'_>) -> Digests {
    ckpt::read(source, &options()).unwrap().digests.unwrap()
}

/// `sha256sum` of each path (relative to `dir`), by path.
fn sha256sum(dir: &Path, paths: &[&str]) -> BTreeMap<String, String> {
    if paths.is_empty() {
        return BTreeMap::new();
    }
    let out = Command::new("sha256sum")
        .arg("--")
        .args(paths)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let (sum, path) = l.split_once("  ").unwrap();
            (path.to_owned(), sum.to_owned())
        })
        .collect()
}

/// Extracts `archive` with GNU tar into a new directory.
fn extract(archive: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new("tar")
        .arg("-xf")
        .arg(archive)
        .arg("-C")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

/// Every regular file under `root`, by path relative to it.
fn regular_files(root: &Path, under: &Path, out: &mut Vec<String>) {
    for item in std::fs::read_dir(under).unwrap() {
        let item = item.unwrap();
        let meta = std::fs::symlink_metadata(item.path()).unwrap();
        if meta.is_dir() {
            regular_files(root, &item.path(), out);
        } else if meta.is_file() {
            let rel = item
                .path()
                .strip_prefix(root)
                .unwrap()
                .display()
                .to_string();
            out.push(rel);
        }
    }
}

/// The archive's digest is `sha256sum` of the file; every regular file's
/// is `sha256sum` of what `tar -x` made of it, and nothing else is a
/// regular file; directories and links are what tar made.
fn check_against_tools(name: &str) {
    let path = fixture(name);
    let d = digests(Source::open(&path).unwrap());
    assert_eq!(d.algorithm, "sha256");
    let whole = sha256sum(path.parent().unwrap(), &[name]);
    let archive = d.archive.unwrap();
    assert_eq!(archive.sha256.to_string(), whole[name], "{name}");
    assert_eq!(archive.size, std::fs::metadata(&path).unwrap().len());

    let dir = extract(&path);
    let mut on_disk = Vec::new();
    regular_files(dir.path(), dir.path(), &mut on_disk);
    on_disk.sort();
    let files: Vec<&ckpt::digest::EntryDigest> = d
        .entries
        .iter()
        .filter(|e| e.file_type == FileType::File && !e.replaced)
        .collect();
    let mut listed: Vec<String> = files.iter().map(|e| e.name.clone()).collect();
    listed.sort();
    assert_eq!(listed, on_disk, "{name}: the regular files");
    let paths: Vec<&str> = on_disk.iter().map(String::as_str).collect();
    let sums = sha256sum(dir.path(), &paths);
    for e in files {
        let sum = e.sha256.map(|s| s.to_string());
        assert_eq!(sum.as_ref(), Some(&sums[&e.name]), "{name}: {}", e.name);
        let len = std::fs::metadata(dir.path().join(&e.name)).unwrap().len();
        assert_eq!(e.size, len, "{name}: {}", e.name);
    }
    for e in &d.entries {
        let on_disk = std::fs::symlink_metadata(dir.path().join(&e.name)).unwrap();
        match e.file_type {
            FileType::Directory => assert!(on_disk.is_dir(), "{}", e.name),
            FileType::Symlink => {
                let target = std::fs::read_link(dir.path().join(&e.name)).unwrap();
                assert_eq!(Some(target.display().to_string()), e.link);
            }
            FileType::File => assert!(e.sha256.is_some() && !e.sparse),
            _ => assert!(e.sha256.is_none()),
        }
    }
}

#[test]
fn podman_archives_in_each_compression_match_sha256sum_and_tar() {
    for name in [
        "mini-sleep.none.tar",
        "mini-sleep.gzip.tar.gz",
        "mini-sleep.zstd.tar.zst",
        "multi-proc.none.tar",
        "threads-memfd.tar.zst",
    ] {
        check_against_tools(name);
    }
}

#[test]
fn gnu_tar_and_cri_o_archives_match_sha256sum_and_tar() {
    // `./` prefixes and GNU headers; CRI-O's entry order.
    check_against_tools("piggie-imgs.gnutar.tar.zst");
    check_against_tools("crio-counter.assembled.tar");
}

#[test]
fn a_file_a_stream_and_positioned_reads_give_the_same_digests() {
    for name in ["mini-sleep.none.tar", "mini-sleep.gzip.tar.gz"] {
        let path = fixture(name);
        let bytes = std::fs::read(&path).unwrap();
        let from_file = digests(Source::open(&path).unwrap());
        let from_stream = digests(Source::from_reader(
            common::ShortReads::new(&bytes[..], 7, 1000),
            "stream",
        ));
        let in_memory = digests(Source::from_read_at(bytes.clone(), "memory").unwrap());
        assert_eq!(from_file, from_stream, "{name}");
        assert_eq!(from_file, in_memory, "{name}");
        // And the rest of the read is what it is without digests.
        let plain = ckpt::read_path(&path, &Options::new(Want::all())).unwrap();
        let hashed = ckpt::read_path(
            &path,
            &Options {
                digest: true,
                ..Options::new(Want::all())
            },
        )
        .unwrap();
        assert_eq!(plain.sizes, hashed.sizes);
        assert_eq!(plain.processes().count(), hashed.processes().count());
        assert!(plain.digests.is_none());
    }
}

#[test]
fn multi_member_gzip_and_multi_frame_zstd_are_digested_whole() {
    let tar = common::tar(&common::podman_items(), &Style::default());
    let plain = digests(Source::from_read_at(tar.clone(), "plain").unwrap());
    for packed in [common::gzip_members(&tar, 3), common::zstd_frames(&tar, 4)] {
        let d = digests(Source::from_read_at(packed.clone(), "packed").unwrap());
        let archive = d.archive.unwrap();
        assert_eq!(archive.sha256, ckpt::digest::Sha256::of(&packed));
        assert_eq!(archive.size, packed.len() as u64);
        assert_eq!(d.entries, plain.entries);
    }
    // Bytes after the end-of-archive marker are the file's too.
    let mut padded = tar.clone();
    padded.extend_from_slice(&[0u8; 10_000]);
    let d = digests(Source::from_read_at(padded.clone(), "padded").unwrap());
    assert_eq!(d.archive.unwrap().sha256, ckpt::digest::Sha256::of(&padded));
}

#[test]
fn a_name_given_twice_is_listed_twice_and_the_copy_tar_keeps_is_the_last() {
    let mut items = common::podman_items();
    items.push(file(
        "config.dump",
        common::config_dump("second", common::ID),
    ));
    items.push(Item::Symlink("current".into(), "config.dump".into()));
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("twice.tar");
    std::fs::write(&path, common::tar(&items, &Style::default())).unwrap();
    let d = digests(Source::open(&path).unwrap());
    let copies: Vec<_> = d
        .entries
        .iter()
        .filter(|e| e.name == "config.dump")
        .collect();
    assert_eq!(copies.len(), 2);
    assert!(copies[0].replaced && !copies[1].replaced);
    assert_ne!(copies[0].sha256, copies[1].sha256);
    let link = d.entries.iter().find(|e| e.name == "current").unwrap();
    assert_eq!(
        (link.file_type, link.link.as_deref(), link.sha256),
        (FileType::Symlink, Some("config.dump"), None)
    );
    let dir = extract(&path);
    let sums = sha256sum(dir.path(), &["config.dump"]);
    assert_eq!(copies[1].sha256.unwrap().to_string(), sums["config.dump"]);
}

#[test]
fn a_damaged_archive_keeps_the_digest_of_the_file_and_of_entries_before_the_damage() {
    let whole = std::fs::read(fixture("mini-sleep.none.tar")).unwrap();
    let complete = digests(Source::from_read_at(whole.clone(), "whole").unwrap());
    let cut = &whole[..whole.len() / 2];
    let options = Options {
        keep_partial: true,
        ..options()
    };
    let c = ckpt::read(Source::from_read_at(cut.to_vec(), "cut").unwrap(), &options).unwrap();
    assert!(c.damage.is_some());
    let d = c.digests.unwrap();
    assert_eq!(d.archive.unwrap().sha256, ckpt::digest::Sha256::of(cut));
    assert!(!d.entries.is_empty() && d.entries.len() < complete.entries.len());
    // Those listed were read whole: each is as in the complete archive.
    for (partial, full) in d.entries.iter().zip(&complete.entries) {
        assert_eq!(partial, full);
    }
    // Without keep_partial the read fails, as any read of it does.
    assert!(
        ckpt::read(
            Source::from_read_at(cut.to_vec(), "cut").unwrap(),
            &self::options()
        )
        .is_err()
    );
}

#[test]
fn a_directory_is_refused_and_the_list_is_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let err = ckpt::read_path(dir.path(), &options()).unwrap_err();
    assert!(
        err.to_string().contains("failed to compute digests"),
        "{err}"
    );
    let small = Options {
        limits: ckpt::Limits {
            max_total_size: 1000,
            ..ckpt::Limits::DEFAULT
        },
        ..options()
    };
    let err = ckpt::read_path(fixture("mini-sleep.none.tar"), &small).unwrap_err();
    assert!(
        matches!(
            err,
            ckpt::Error::LimitExceeded {
                limit: ckpt::LimitKind::TotalSize,
                max: 1000,
                ..
            }
        ),
        "{err}"
    );
}
