//! `ckpt list`: a directory built from the fixtures plus broken files; the
//! good archives listed in order, the bad ones named on stderr.

#![cfg(feature = "cli")]

mod common;

use std::path::Path;

use common::run_ckpt as ckpt;
use common::*;
use serde_json::Value;

/// kubelet's directory as a test sees it: three good archives of three
/// compressions and engines, three broken ones, and a file that is not a
/// checkpoint by its name.
fn checkpoints_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let copy = |from: &str, to: &str| {
        std::fs::copy(fixture(from), dir.path().join(to)).unwrap();
    };
    copy("multi-proc.none.tar", "checkpoint-multi.tar");
    copy("crio-counter.assembled.tar", "checkpoint-crio.tar");
    copy("mini-sleep.zstd.tar.zst", "checkpoint-mini.tar.zst");
    copy("piggie-imgs.gnutar.tar.zst", "other.tar.zst");
    std::fs::write(dir.path().join("checkpoint-empty.tar"), b"").unwrap();
    std::fs::write(dir.path().join("checkpoint-text.tar"), b"hello, world\n").unwrap();
    let gz = std::fs::read(fixture("mini-sleep.gzip.tar.gz")).unwrap();
    std::fs::write(dir.path().join("checkpoint-cut.tar.gz"), &gz[..3000]).unwrap();
    dir
}

fn path(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

#[test]
fn good_archives_listed_by_time_bad_ones_named_on_stderr() {
    let dir = checkpoints_dir();
    let d = path(dir.path());
    let (out, err, code) = ckpt(&["list", &d]);
    // The archive cut short is damage: the listing fails (what is no
    // checkpoint at all, an empty or a text file, is only named).
    assert_eq!(code, 1, "{err}");
    // Podman 4.3.1 writes no checkpointedTime: the time CRIU wrote
    // stats-dump stands in, marked; then CRI-O's (config.dump of
    // crio-counter), as checkpointctl prints it.
    let expected = format!(
        "Listing checkpoints in path: {d}\n\
         NAMESPACE   POD        CONTAINER    ENGINE   TIME CHECKPOINTED      CHECKPOINT NAME\n\
         ---------   ---        ---------    ------   -----------------      ---------------\n\
         \x20                      mini-sleep   Podman   28 Nov 26 17:36 UTC*   checkpoint-mini.tar.zst\n\
         \x20                      multi-proc   Podman   28 Nov 26 17:36 UTC*   checkpoint-multi.tar\n\
         default     counters   counter      CRI-O    28 Nov 26 17:38 UTC    checkpoint-crio.tar\n\
         * config.dump has no checkpoint time: taken from the stats-dump entry time\n"
    );
    assert_eq!(out, expected);
    // In checkpointctl's words, between the path listed and the table.
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    for (line, name, reason) in [
        (lines[0], "checkpoint-cut.tar.gz", "truncated gzip"),
        (lines[1], "checkpoint-empty.tar", "(the file is empty)"),
        (
            lines[2],
            "checkpoint-text.tar",
            "unknown format (it looks like text",
        ),
    ] {
        let file = path(&dir.path().join(name));
        assert!(
            line.starts_with(&format!("Error extracting information from {file}: ")),
            "{line}"
        );
        assert!(line.contains(reason), "{line}");
    }
}

#[test]
fn json_rows_in_the_same_order() {
    let dir = checkpoints_dir();
    let (out, _, code) = ckpt(&["list", "--format", "json", &path(dir.path())]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    let rows = v.as_array().unwrap();
    let names: Vec<&str> = rows
        .iter()
        .map(|r| r["checkpoint_name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "checkpoint-mini.tar.zst",
            "checkpoint-multi.tar",
            "checkpoint-crio.tar"
        ]
    );
    let crio = &rows[2];
    assert_eq!(crio["namespace"], "default");
    assert_eq!(crio["pod"], "counters");
    assert_eq!(crio["container"], "counter");
    assert_eq!(crio["engine"], "CRI-O");
    assert_eq!(crio["time_checkpointed"], "2026-11-28T17:38:20.477511767Z");
    assert_eq!(crio["time_checkpointed_from"], "config.dump");
    assert_eq!(rows[0]["time_checkpointed_from"], "stats-dump entry time");
}

#[test]
fn no_checkpoints_and_unreadable_directories() {
    let empty = tempfile::tempdir().unwrap();
    let e = path(empty.path());
    let (out, err, code) = ckpt(&["list", &e]);
    assert_eq!(
        (out, err, code),
        (format!("No checkpoints found in [{e}]\n"), String::new(), 0)
    );

    // A directory that does not exist holds no checkpoints, as
    // checkpointctl has it.
    let missing = empty.path().join("missing");
    let m = path(&missing);
    let (out, err, code) = ckpt(&["list", &m]);
    assert_eq!(
        (out, err, code),
        (format!("No checkpoints found in [{m}]\n"), String::new(), 0)
    );
    // One that cannot be read is named; with nothing readable the status
    // is 1.
    let file = empty.path().join("a-file");
    std::fs::write(&file, b"").unwrap();
    let f = path(&file);
    let (out, err, code) = ckpt(&["list", &f]);
    assert_eq!(out, format!("No checkpoints found in [{f}]\n"));
    assert!(
        err.starts_with(&format!("Error: {f}: not a directory")),
        "{err}"
    );
    assert_eq!(code, 1);

    // One readable directory is enough for 0.
    let dir = checkpoints_dir();
    std::fs::remove_file(dir.path().join("checkpoint-cut.tar.gz")).unwrap();
    let (out, _, code) = ckpt(&["list", &m, &path(dir.path())]);
    assert_eq!(code, 0);
    assert!(out.contains("checkpoint-crio.tar"));
}
