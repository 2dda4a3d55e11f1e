//! Damaged archives (an upload cut short, a broken download piped in):
//! every reading command shows what it read before the damage, then the
//! error, and exits 1.

#![cfg(feature = "views")]

mod common;

use common::fixture;
use serde_json::Value;

fn ckpt(args: &[&str], stdin: Option<&[u8]>) -> (String, String, i32) {
    let mut cmd = assert_cmd::Command::cargo_bin("ckpt").unwrap();
    cmd.args(args).env_remove("COLUMNS");
    if let Some(bytes) = stdin {
        cmd.write_stdin(bytes.to_vec());
    }
    let out = cmd.output().unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap(),
    )
}

/// Each entry's name and the range of its data, as the `tar` crate reads
/// the archive.
fn layout(tar: &[u8]) -> Vec<(String, u64, u64)> {
    let mut archive = tar::Archive::new(tar);
    archive
        .entries()
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let start = e.raw_file_position();
            (
                e.path().unwrap().to_string_lossy().into_owned(),
                start,
                start + e.size(),
            )
        })
        .collect()
}

fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_owned()
}

const CUT: usize = 400_000;

#[test]
fn a_plain_tar_cut_short_shows_what_came_before() {
    let tar = std::fs::read(fixture("multi-proc.none.tar")).unwrap();
    let entries = layout(&tar);
    let (cut_in, ..) = entries
        .iter()
        .find(|(_, start, end)| *start <= CUT as u64 && (CUT as u64) < *end)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "cut.tar", &tar[..CUT]);

    let (out, err, code) = ckpt(&["show", &path], None);
    assert_eq!(code, 1);
    assert!(
        out.contains("multi-proc   localhost/ckptwork:latest   6d4563df143d"),
        "{out}"
    );
    assert!(
        err.starts_with(&format!(
            "Error: {path}: truncated tar archive in {cut_in} at byte "
        )),
        "{err}"
    );

    // The memory of the processes whose pages came before the cut is
    // searched; the search of the whole archive says which those are.
    let search = [
        "memparse",
        "--search",
        "ENV_MARKER_c0ffee",
        "--format",
        "json",
    ];
    let whole = fixture("multi-proc.none.tar");
    let (full, _, code) = ckpt(&[&search[..], &[whole.to_str().unwrap()]].concat(), None);
    assert_eq!(code, 0);
    let before_cut = |pages: &str| {
        entries
            .iter()
            .any(|(n, _, end)| n == &format!("checkpoint/{pages}") && *end <= CUT as u64)
    };
    let full: Value = serde_json::from_str(&full).unwrap();
    let expected: Vec<&Value> = full
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| before_cut(h["pages_file"].as_str().unwrap()))
        .collect();
    assert!(!expected.is_empty());
    let (out, err, code) = ckpt(&[&search[..], &[path.as_str()]].concat(), None);
    assert_eq!(code, 1);
    let partial: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        partial.as_array().unwrap().iter().collect::<Vec<_>>(),
        expected
    );
    assert!(
        err.contains(&format!("truncated tar archive in {cut_in}")),
        "{err}"
    );

    // The hexdump of pid 1, whose pages all came before the cut: all of it.
    let (out, err, code) = ckpt(&["memparse", "-p", "1", &path], None);
    assert_eq!(code, 1);
    let (full, _, _) = ckpt(&["memparse", "-p", "1", whole.to_str().unwrap()], None);
    assert_eq!(
        out.replace(&path, "A"),
        full.replace(whole.to_str().unwrap(), "A")
    );
    assert!(out.lines().count() > 100, "{out}");
    assert!(err.starts_with("Error: "), "{err}");
}

#[test]
fn a_broken_download_piped_in_shows_what_came_before() {
    let gz = std::fs::read(fixture("mini-sleep.gzip.tar.gz")).unwrap();
    let (out, err, code) = ckpt(&["show", "-"], Some(&gz[..20_000]));
    assert_eq!(code, 1);
    assert!(
        out.contains("mini-sleep   localhost/mini:latest   8af28eabddda"),
        "{out}"
    );
    assert!(
        err.starts_with(
            "Error: <stdin>: truncated gzip stream in checkpoint/pages-1.img at uncompressed byte "
        ),
        "{err}"
    );
    // Corrupt rather than cut: bytes flipped in the middle of the stream.
    let mut bad = gz.clone();
    for b in &mut bad[20_000..20_064] {
        *b ^= 0x5a;
    }
    let (out, err, code) = ckpt(&["show", "-"], Some(&bad));
    // (inflate may pass garbage on to the tar walk before a check fails)
    assert_eq!(code, 1);
    assert!(out.contains("mini-sleep"), "{out}");
    assert!(err.starts_with("Error: <stdin>: "), "{err}");
}

#[test]
fn inspect_shows_the_tree_read_before_the_damage() {
    // Cut inside dump.log, after every CRIU image.
    let tar =
        zstd::decode_all(&std::fs::read(fixture("threads-memfd.tar.zst")).unwrap()[..]).unwrap();
    let entries = layout(&tar);
    let (_, start, end) = entries.iter().find(|(n, ..)| n == "dump.log").unwrap();
    let cut = ((start + end) / 2) as usize;
    let (out, err, code) = ckpt(
        &["inspect", "--ps-tree", "--format", "json", "-"],
        Some(&tar[..cut]),
    );
    assert_eq!(code, 1);
    let json: Value = serde_json::from_str(&out).unwrap();
    let tree = &json[0]["process_tree"];
    assert_eq!(tree["threads"].as_array().unwrap().len(), 3);
    assert_eq!(tree["children"][0]["command"], "ckpt-child");
    assert!(
        err.starts_with("Error: <stdin>: truncated tar archive in dump.log"),
        "{err}"
    );
    // The library keeps it only when asked.
    let source = ckpt::Source::from_reader(&tar[..cut], "cut");
    assert!(ckpt::read(source, &ckpt::Options::default()).is_err());
    let source = ckpt::Source::from_reader(&tar[..cut], "cut");
    let options = ckpt::Options {
        keep_partial: true,
        ..ckpt::Options::default()
    };
    let c = ckpt::read(source, &options).unwrap();
    assert!(!c.complete);
    assert!(matches!(
        c.damage.as_deref(),
        Some(ckpt::Error::Truncated { .. })
    ));
    assert_eq!(c.container.name, "ckptwork2");
}

#[test]
fn list_shows_a_damaged_archive_and_fails() {
    let tar = std::fs::read(fixture("multi-proc.none.tar")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "checkpoint-cut_default-multi-1.tar",
        &tar[..CUT],
    );
    let (out, err, code) = ckpt(&["list", dir.path().to_str().unwrap()], None);
    assert_eq!(code, 1);
    assert!(out.contains("multi-proc"), "{out}");
    assert!(out.contains("checkpoint-cut_default-multi-1.tar"), "{out}");
    assert!(
        err.contains("truncated tar archive in checkpoint/pages-3.img"),
        "{err}"
    );
}

#[test]
fn what_is_no_archive_or_damaged_before_anything_gets_the_error_alone() {
    let dir = tempfile::tempdir().unwrap();
    let text = write(dir.path(), "notes.txt", b"hello, this is not an archive\n");
    let gz = std::fs::read(fixture("mini-sleep.gzip.tar.gz")).unwrap();
    // Cut inside the first entries, before config.dump.
    let early = write(dir.path(), "early.tar.gz", &gz[..300]);
    for (path, error) in [
        (
            &text,
            format!("Error: {text}: unknown format (it looks like text"),
        ),
        (&early, format!("Error: {early}: truncated gzip stream")),
    ] {
        for args in [
            &["show"][..],
            &["inspect", "--all"][..],
            &["memparse"][..],
            &["memparse", "--search", "X"][..],
            &["memparse", "-p", "1"][..],
        ] {
            let (out, err, code) = ckpt(&[args, &[path.as_str()]].concat(), None);
            assert_eq!((code, out.as_str()), (1, ""), "{args:?} {path}: {err}");
            assert_eq!(err.lines().count(), 1, "{args:?} {path}: {err}");
            assert!(err.starts_with(&error), "{args:?}: {err}");
        }
    }
}
