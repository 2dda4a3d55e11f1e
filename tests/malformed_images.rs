//! Malformed CRIU images inside otherwise good archives, built in code:
//! each is a warning naming the image (or a clear error where the user
//! asked for that image), the rest of the checkpoint is still shown, and
//! nothing is allocated by a size the input declares.

#![cfg(feature = "views")]

mod common;

use ckpt::criu::proto::*;
use ckpt::views::{InspectOptions, Inspection};
use ckpt::{Options, Source};
use common::images::*;
use prost::Message;

fn inspect(bytes: &[u8]) -> Inspection {
    let o = InspectOptions::all();
    let options = Options::new(o.want());
    let c = ckpt::read(Source::from_reader(bytes, "test.tar"), &options).unwrap();
    Inspection::new(&c, &o).unwrap()
}

fn warnings_about<'a>(i: &'a Inspection, entry: &str) -> Vec<&'a str> {
    i.warnings
        .iter()
        .filter(|w| w.entry.as_deref() == Some(entry))
        .map(|w| w.message.as_str())
        .collect()
}

#[test]
fn bad_magic_is_a_warning_and_the_rest_is_shown() {
    let mut bad = core("x");
    bad[4] ^= 0xff;
    let i = inspect(&archive(vec![
        ("core-1.img", bad),
        ("pstree.img", pstree(&[(1, 0)])),
    ]));
    let w = warnings_about(&i, "checkpoint/core-1.img");
    assert!(
        w.iter()
            .any(|m| m.starts_with("invalid CRIU image, ignored: image magic")),
        "{w:?}"
    );
    // The process is still there, without its name.
    let tree = i.process_tree.as_ref().unwrap();
    assert_eq!((tree.pid, tree.command.as_str()), (1, ""));

    let mut garbage = core("x");
    garbage[0] = 0;
    let i = inspect(&archive(vec![
        ("core-1.img", garbage),
        ("pstree.img", pstree(&[(1, 0)])),
    ]));
    let w = warnings_about(&i, "checkpoint/core-1.img");
    assert!(w.iter().any(|m| m.contains("unknown magic")), "{w:?}");
}

#[test]
fn truncated_record_is_a_warning() {
    let mut cut = core("a-long-enough-command-name");
    cut.truncate(cut.len() - 5);
    let i = inspect(&archive(vec![
        ("core-1.img", cut),
        ("pstree.img", pstree(&[(1, 0)])),
    ]));
    let w = warnings_about(&i, "checkpoint/core-1.img");
    assert!(
        w.iter()
            .any(|m| m.contains("declares") && m.contains("left")),
        "{w:?}"
    );
}

#[test]
fn length_prefix_larger_than_the_image() {
    let mut bytes = pstree(&[(1, 0)]);
    bytes.extend(u32::MAX.to_le_bytes());
    bytes.extend(b"tiny");
    let i = inspect(&archive(vec![
        ("core-1.img", core("init")),
        ("pstree.img", bytes),
    ]));
    let w = warnings_about(&i, "checkpoint/pstree.img");
    assert!(
        w.iter()
            .any(|m| m.contains("declares 4294967295 bytes, only 4 left")),
        "{w:?}"
    );
    assert!(i.process_tree.is_none());
}

#[test]
fn packed_field_longer_than_its_record() {
    // pstree_entry with field 5 (threads) packed, claiming 2^31 bytes.
    let mut record = PstreeEntry {
        pid: 1,
        ppid: 0,
        pgid: 1,
        sid: 1,
        threads: vec![],
    }
    .encode_to_vec();
    record.extend([0x2a, 0x80, 0x80, 0x80, 0x80, 0x08, 1, 2, 3]);
    let i = inspect(&archive(vec![("pstree.img", image("PSTREE", &[record]))]));
    let w = warnings_about(&i, "checkpoint/pstree.img");
    assert!(
        w.iter().any(|m| m.contains("is not a valid PstreeEntry")),
        "{w:?}"
    );
}

#[test]
fn pagemap_that_overflows_the_address_space() {
    let bad = pagemap(1, &[(u64::MAX - 4095, 1 << 40)]);
    let i = inspect(&archive(vec![
        ("core-1.img", core("init")),
        ("mm-1.img", mm((0x1000, 0x1010), (0x1010, 0x1020))),
        ("pagemap-1.img", bad),
        ("pstree.img", pstree(&[(1, 0)])),
    ]));
    let w = warnings_about(&i, "checkpoint/pagemap-1.img");
    assert!(
        w.iter().any(|m| m.contains("overflow the address space")),
        "{w:?}"
    );
    assert!(
        i.warnings
            .iter()
            .any(|w| w.message.contains("pid 1: command line unavailable"))
    );
}

#[test]
fn argv_range_over_the_limit_and_pages_shorter_than_the_pagemap() {
    let pages = vec![b'a'; 4096];
    let i = inspect(&archive(vec![
        ("core-1.img", core("init")),
        // argv: 1 GiB; env: in the second page, which pages-1.img lacks.
        ("mm-1.img", mm((0x10000, 0x4001_0000), (0x11000, 0x11010))),
        ("pagemap-1.img", pagemap(1, &[(0x10000, 2)])),
        ("pages-1.img", pages),
        ("pstree.img", pstree(&[(1, 0)])),
    ]));
    let messages: Vec<&str> = i.warnings.iter().map(|w| w.message.as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("command line unavailable") && m.contains("limit")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("environment unavailable")
                && m.contains("pages-1.img holds 4096 bytes")),
        "{messages:?}"
    );
}

#[test]
fn fdinfo_pointing_to_a_missing_file_id() {
    let fdinfo = FdinfoEntry {
        id: 77,
        flags: 0,
        r#type: 1,
        fd: 3,
        xattr_security_selinux: None,
    };
    let i = inspect(&archive(vec![
        ("core-1.img", core("init")),
        ("fdinfo-2.img", image("FDINFO", &[fdinfo.encode_to_vec()])),
        ("files.img", image("FILES", &[])),
        ("ids-1.img", ids(2)),
        ("pstree.img", pstree(&[(1, 0)])),
    ]));
    let w = warnings_about(&i, "checkpoint/files.img");
    assert_eq!(w, ["pid 1: fd 3 refers to file id 77, which is not there"]);
    let fds = &i.file_descriptors.as_ref().unwrap()[0].open_files;
    assert_eq!(
        (fds[0].fd.as_str(), fds[0].path.as_str()),
        ("REG 3", "unknown")
    );
}

#[test]
fn process_tree_with_a_cycle_and_a_chain_too_deep() {
    // 2 and 3 are each other's parent; 4.. form a chain 300 deep under 1.
    let mut entries = vec![(1, 0), (2, 3), (3, 2)];
    entries.extend((4..304).map(|pid| (pid, if pid == 4 { 1 } else { pid - 1 })));
    let mut images = vec![("pstree.img", pstree(&entries))];
    let cores: Vec<(String, Vec<u8>)> = entries
        .iter()
        .map(|(p, _)| (format!("core-{p}.img"), core("t")))
        .collect();
    for (n, c) in &cores {
        images.push((n.as_str(), c.clone()));
    }
    let i = inspect(&archive(images));
    let pstree_warnings = warnings_about(&i, "checkpoint/pstree.img");
    assert!(
        pstree_warnings.iter().any(|m| m.contains("cycle")),
        "{pstree_warnings:?}"
    );
    assert!(
        pstree_warnings
            .iter()
            .any(|m| m.contains("deeper than 256")),
        "{pstree_warnings:?}"
    );
    assert_eq!(i.process_tree.as_ref().unwrap().pid, 1);
    // JSON serialises without blowing the stack.
    assert!(serde_json::to_string(&i).unwrap().len() > 1000);
}

#[test]
fn decoding_a_missing_or_raw_image_is_an_error() {
    let bytes = archive(vec![("pstree.img", pstree(&[(1, 0)]))]);
    let err = ckpt::criu::decode::to_json(&bytes).unwrap_err();
    assert!(err.to_string().contains("unknown magic"), "{err}");
    let json = ckpt::criu::decode::to_json(&pstree(&[(1, 0)])).unwrap();
    assert_eq!(json["magic"], "PSTREE");
    assert_eq!(json["entries"][0]["pid"], 1);
}
