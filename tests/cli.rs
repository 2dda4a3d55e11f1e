//! The `ckpt` binary: golden output against checkpointctl's, errors, JSON.
//!
//! The golden files for single archives are checkpointctl's own `show`
//! output on the same archives (../shared/corpus/checkpointctl-out), with
//! only the path changed.

#![cfg(feature = "cli")]

mod common;

use assert_cmd::Command;
use common::*;
use predicates::prelude::*;

fn ckpt() -> Command {
    let mut cmd = Command::cargo_bin("ckpt").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

fn golden(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/golden")
            .join(name),
    )
    .unwrap()
}

#[test]
fn show_matches_checkpointctl_on_every_fixture() {
    for file in [
        "mini-sleep.none.tar",
        "mini-sleep.gzip.tar.gz",
        "mini-sleep.zstd.tar.zst",
        "multi-proc.none.tar",
        "crio-counter.assembled.tar",
        "piggie-imgs.gnutar.tar.zst",
        "piggie-diff-a.gnutar.tar.zst",
        "piggie-diff-b.gnutar.tar.zst",
    ] {
        ckpt()
            .args(["show", &format!("tests/fixtures/{file}")])
            .assert()
            .success()
            .stdout(golden(&format!("show-{file}.txt")))
            .stderr("");
    }
}

/// Several archives: no "Displaying" line, both size columns always (rows
/// as in the single-archive outputs).
#[test]
fn show_several_archives() {
    ckpt()
        .args([
            "show",
            "tests/fixtures/multi-proc.none.tar",
            "tests/fixtures/crio-counter.assembled.tar",
            "tests/fixtures/piggie-imgs.gnutar.tar.zst",
            "tests/fixtures/mini-sleep.gzip.tar.gz",
        ])
        .assert()
        .success()
        .stdout(golden("show-multi.txt"));
}

#[test]
fn show_json() {
    let out = ckpt()
        .args([
            "show",
            "--format",
            "json",
            "tests/fixtures/multi-proc.none.tar",
            "tests/fixtures/crio-counter.assembled.tar",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let a = &v[0];
    assert_eq!(a["container_name"], "multi-proc");
    assert_eq!(
        a["id"],
        "6d4563df143d8771152c9b09da829d66a0ffe01a2dacfb4cb84ba8896e46c6d5"
    );
    assert_eq!(a["image"], "localhost/ckptwork:latest");
    assert_eq!(a["runtime"], "runc");
    assert_eq!(a["created"], "2026-11-28T17:36:45Z");
    assert_eq!(a["engine"], "Podman");
    assert_eq!(a["ip"], "10.88.0.8");
    assert_eq!(
        a["networks"][0]["interfaces"]["eth0"]["mac"],
        "ae:62:a0:75:0e:7a"
    );
    assert_eq!(a["checkpoint_size"]["total_size"], 794_736);
    assert_eq!(a["checkpoint_size"]["memory_pages_size"], 720_896);
    assert_eq!(a["checkpoint_size"]["root_fs_diff_size"], 14_848);
    assert_eq!(a["compression"], "none");
    assert_eq!(a["archive_size"], 915_456);
    // Podman writes no checkpoint time: the time CRIU wrote stats-dump
    // (its tar header) stands in, and says so.
    assert_eq!(a["checkpointed"], "2026-11-28T17:36:56Z");
    assert_eq!(a["checkpointed_from"], "stats-dump entry time");
    let b = &v[1];
    assert_eq!(b["container_name"], "counter");
    assert_eq!(b["engine"], "CRI-O");
    assert_eq!(b["checkpointed"], "2026-11-28T17:38:20Z");
    assert_eq!(b["checkpointed_from"], "config.dump");
    assert_eq!(b["metadata"]["pod_name"], "counters");
    assert_eq!(b["metadata"]["kubernetes_namespace"], "default");
}

#[test]
fn show_reads_standard_input() {
    let zst = std::fs::read(fixture("mini-sleep.zstd.tar.zst")).unwrap();
    let out = ckpt()
        .args(["show", "--format", "json", "-"])
        .write_stdin(zst)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v[0]["archive"], "<stdin>");
    assert_eq!(v[0]["container_name"], "mini-sleep");
    assert_eq!(v[0]["compression"], "zstd");
    assert_eq!(v[0]["archive_size"], 26_549);
    assert_eq!(v[0]["tar_size"], 164_864);
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

fn fails_with(args: &[&str], message: &str) {
    ckpt()
        .args(args)
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!("Error: {message}\n"));
}

#[test]
fn errors_name_the_archive_and_entry() {
    let tmp = tempfile::tempdir().unwrap();
    fails_with(
        &["show", "/does-not-exist"],
        "/does-not-exist: no such file or directory",
    );
    let empty = write(&tmp, "empty.tar", b"");
    fails_with(
        &["show", &empty],
        &format!(
            "checkpoint directory is missing in the archive file: {empty} (the file is empty)"
        ),
    );
    let notar = write(&tmp, "notar.json", b"{}\n");
    fails_with(
        &["show", &notar],
        &format!(
            "{notar}: unknown format (it looks like text (\"{{}}\\n\")); \
             ckpt reads tar archives, plain or gzip, zstd, xz or bzip2 compressed"
        ),
    );
    let gz = std::fs::read(fixture("mini-sleep.gzip.tar.gz")).unwrap();
    let cut = write(&tmp, "cut.tar.gz", &gz[..20_000]);
    // What was read before the cut is shown, then the error.
    let out = ckpt()
        .args(["show", &cut])
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(String::from_utf8_lossy(&out.stdout).contains("mini-sleep"));
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with(&format!(
            "Error: {cut}: truncated gzip stream in checkpoint/pages-1.img at uncompressed byte "
        )),
        "{out:?}"
    );
    let no_config = write(
        &tmp,
        "noconfig.tar",
        &plain(&[file("spec.dump", PODMAN_SPEC), dir("checkpoint/")]),
    );
    fails_with(
        &["show", &no_config],
        &format!("{no_config}: config.dump: no such file or directory"),
    );
    let no_spec = write(
        &tmp,
        "nospec.tar",
        &plain(&[
            file("config.dump", config_dump("x", ID)),
            dir("checkpoint/"),
        ]),
    );
    fails_with(
        &["show", &no_spec],
        &format!("{no_spec}: spec.dump: no such file or directory"),
    );
    let no_checkpoint = write(
        &tmp,
        "nockpt.tar",
        &plain(&[
            file("config.dump", config_dump("x", ID)),
            file("spec.dump", PODMAN_SPEC),
        ]),
    );
    fails_with(
        &["show", &no_checkpoint],
        &format!("checkpoint directory is missing in the archive file: {no_checkpoint}"),
    );
    let bad_config = write(
        &tmp,
        "badconfig.tar",
        &plain(&[
            file("config.dump", "{\"id\": 5}"),
            file("spec.dump", PODMAN_SPEC),
            dir("checkpoint/"),
        ]),
    );
    fails_with(
        &["show", &bad_config],
        &format!(
            "{bad_config}: failed to unmarshal config.dump at byte 512: invalid type: integer `5`, expected a string at line 1 column 8"
        ),
    );
    let xz = write(&tmp, "x.tar.xz", &[0xfd, b'7', b'z', b'X', b'Z', 0, 0, 0]);
    fails_with(&["show", &xz], &format!("{xz}: truncated xz stream"));
    fails_with(
        &[
            "show",
            "--max-entry-size",
            "1000",
            "tests/fixtures/mini-sleep.none.tar",
        ],
        "tests/fixtures/mini-sleep.none.tar: config.dump: 23206 bytes is over the 1000-byte limit for entries decoded in memory",
    );
}

#[test]
fn one_bad_archive_among_several() {
    ckpt()
        .args([
            "show",
            "tests/fixtures/mini-sleep.none.tar",
            "/does-not-exist",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "mini-sleep   localhost/mini:latest",
        ))
        .stderr(predicate::str::starts_with(
            "Error: /does-not-exist: no such file or directory",
        ));
}

#[test]
fn warnings_go_to_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let mut items = podman_items();
    items[8] = file("deleted.files", "{broken");
    let path = write(&dir, "broken-deleted.tar", &plain(&items));
    ckpt()
        .args(["show", &path])
        .assert()
        .success()
        .stdout(predicate::str::contains("test-ctr"))
        .stderr(predicate::str::starts_with(format!(
            "Warning: {path}: deleted.files: invalid JSON, ignored:"
        )));
}

#[test]
fn names_cannot_drive_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let mut items = podman_items();
    items[1] = file("config.dump", config_dump("evil\\u001b[2J\\u0007", ID));
    let path = write(&dir, "evil.tar", &plain(&items));
    ckpt()
        .args(["show", &path])
        .assert()
        .success()
        .stdout(predicate::str::contains("evil\\u{1b}[2J\\u{7}"))
        .stdout(predicate::str::contains("\u{1b}").not());
}

#[test]
fn help_and_version() {
    ckpt()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Show an overview of container checkpoints",
        ));
    for flag in ["--version", "-v", "-V"] {
        ckpt()
            .arg(flag)
            .assert()
            .success()
            .stdout(format!("ckpt {}\n", env!("CARGO_PKG_VERSION")));
    }
    // A usage error, as cobra has it.
    ckpt()
        .args(["show"])
        .assert()
        .code(1)
        .stderr("Error: requires at least 1 arg(s), only received 0\n");
}

#[cfg(unix)]
#[test]
fn a_socket_is_not_an_archive() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("sock");
    let _listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    let path = path.display().to_string();
    fails_with(&["show", &path], &format!("{path}: not a regular file"));
}

#[test]
fn show_reads_an_extracted_checkpoint_directory() {
    let tmp = tempfile::tempdir().unwrap();
    for item in podman_items() {
        match item {
            Item::File(n, d) => std::fs::write(tmp.path().join(n), d).unwrap(),
            Item::Dir(n) => std::fs::create_dir_all(tmp.path().join(n)).unwrap(),
            _ => {}
        }
    }
    let out = ckpt()
        .args(["show", "--format", "json"])
        .arg(tmp.path())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v[0]["container_name"], "test-ctr");
    assert_eq!(v[0]["checkpointed"], "2025-01-02T04:05:06+05:30");
    assert_eq!(
        v[0]["checkpoint_size"]["total_size"],
        PODMAN_CHECKPOINT_SIZE
    );
    assert!(v[0].get("compression").is_none());
}

/// A tree as (depth, text) lines, sorted: checkpointctl prints
/// annotations and environments in random order.
fn tree_lines(text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = text
        .lines()
        .filter(|l| !l.starts_with("Displaying") && !l.is_empty())
        .map(|l| {
            let mut depth = 0;
            let mut rest = l;
            loop {
                if let Some(r) = rest
                    .strip_prefix("│   ")
                    .or_else(|| rest.strip_prefix("    "))
                {
                    depth += 1;
                    rest = r;
                } else if let Some(r) = rest
                    .strip_prefix("├── ")
                    .or_else(|| rest.strip_prefix("└── "))
                {
                    depth += 1;
                    rest = r;
                    break;
                } else {
                    break;
                }
            }
            (depth, rest.to_owned())
        })
        .collect();
    out.sort();
    out
}

#[test]
fn inspect_tree_has_checkpointctls_lines() {
    for (fixture_name, golden_name) in [
        ("multi-proc.none.tar", "multi-proc.none.tar"),
        ("crio-counter.assembled.tar", "crio-counter.assembled.tar"),
        ("mini-sleep.gzip.tar.gz", "mini-sleep.gzip.tar.gz"),
        ("piggie-imgs.gnutar.tar.zst", "piggie-imgs.gnutar.tar"),
    ] {
        let out = ckpt()
            .args([
                "inspect",
                "--all",
                &format!("tests/fixtures/{fixture_name}"),
            ])
            .assert()
            .success()
            .stderr("")
            .get_output()
            .stdout
            .clone();
        let ours = String::from_utf8(out).unwrap();
        // ckpt adds CRIU's mount table at the end, and names the type of
        // unix sockets (checkpointctl prints "UNIX ()").
        // It adds the checkpoint time where config.dump has none, and the
        // root file system changes.
        let ours = ours
            .replace("[UNIX (STREAM)]", "[UNIX ()]")
            .lines()
            .take_while(|l| {
                !l.ends_with("── CRIU mount points") && !l.contains("── Root FS changes")
            })
            .filter(|l| !(l.contains("Checkpointed: ") && l.ends_with(" entry time)")))
            .collect::<Vec<_>>()
            .join("\n");
        let peer = golden(&format!("inspect/{golden_name}.tree.txt"));
        assert_eq!(tree_lines(&ours), tree_lines(&peer), "{fixture_name}");
    }
}

#[test]
fn inspect_errors_and_json() {
    fails_with(
        &[
            "inspect",
            "--pid",
            "99999",
            "tests/fixtures/multi-proc.none.tar",
        ],
        "tests/fixtures/multi-proc.none.tar: no process with PID 99999 (use `inspect --ps-tree` to view all PIDs)",
    );
    let out = ckpt()
        .args([
            "inspect",
            "--ps-tree",
            "--format",
            "json",
            "tests/fixtures/multi-proc.none.tar",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let tree = &v[0]["process_tree"];
    assert_eq!(tree["pid"], 1);
    assert_eq!(tree["command"], "ckpt-parent");
    assert_eq!(tree["task_state"], "Alive");
    let children: Vec<u64> = tree["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["pid"].as_u64().unwrap())
        .collect();
    assert_eq!(children, [6, 7, 8]);
    assert!(tree.get("cmdline").is_none() && v[0].get("file_descriptors").is_none());
}

#[test]
fn decode_prints_what_crit_prints() {
    let out = ckpt()
        .args([
            "decode",
            "tests/fixtures/multi-proc.none.tar",
            "pagemap-1.img",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["magic"], "PAGEMAP");
    assert_eq!(v["entries"][0]["pages_id"], 1);
    assert_eq!(v["entries"][1]["vaddr"], "0x401000");
    assert_eq!(v["entries"][3]["flags"], "PE_LAZY | PE_PRESENT");
    // Four-space indentation and field order, as crit prints.
    assert!(
        String::from_utf8(out)
            .unwrap()
            .starts_with("{\n    \"magic\": \"PAGEMAP\",\n    \"entries\": [\n")
    );

    fails_with(
        &[
            "decode",
            "tests/fixtures/multi-proc.none.tar",
            "pages-1.img",
        ],
        "tests/fixtures/multi-proc.none.tar: checkpoint/pages-1.img: invalid CRIU image: a raw image (memory pages, tarball or netlink dump), not protobuf records",
    );
    fails_with(
        &["decode", "tests/fixtures/multi-proc.none.tar", "nope.img"],
        "tests/fixtures/multi-proc.none.tar: nope.img: no such file or directory",
    );
}

#[test]
fn decode_without_an_image_lists_the_images_of_the_archive() {
    let (out, err, code) = run_ckpt(&["decode", "tests/fixtures/multi-proc.none.tar"]);
    assert_eq!((code, err.as_str()), (0, ""));
    let rows: Vec<Vec<&str>> = out
        .lines()
        .skip_while(|l| !l.starts_with("-----"))
        .skip(1)
        .map(|l| {
            l.split("   ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect()
        })
        .collect();
    let names: Vec<&str> = rows.iter().filter_map(|r| r.first().copied()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
    // Five processes (pids 1, 6, 7, 8, 9): a core image and a pages file each.
    assert_eq!(names.iter().filter(|n| n.starts_with("core-")).count(), 5);
    assert!(
        rows.contains(&vec!["pages-4.img", "160.0 KiB", "memory pages"]),
        "{out}"
    );
    assert!(
        rows.contains(&vec!["pstree.img", "78 B", "records"]),
        "{out}"
    );
    assert!(
        names.contains(&"inventory.img") && names.contains(&"stats-dump"),
        "{out}"
    );
}

#[test]
fn decode_without_an_image_lists_an_image_directory() {
    let dir = tempfile::tempdir().unwrap();
    let mut archive =
        tar::Archive::new(std::fs::File::open("tests/fixtures/mini-sleep.none.tar").unwrap());
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path().unwrap().display().to_string();
        if let Some(file) = name
            .strip_prefix("checkpoint/")
            .filter(|f| ["pstree.img", "pages-1.img", "tmpfs-dev-44.tar.gz.img"].contains(f))
        {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
            std::fs::write(dir.path().join(file), bytes).unwrap();
        }
    }
    let path = dir.path().display().to_string();
    let (out, err, code) = run_ckpt(&["decode", &path]);
    assert_eq!((code, err.as_str()), (0, ""));
    let rows: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("-----"))
        .skip(1)
        .collect();
    assert_eq!(rows.len(), 3, "{out}");
    assert!(
        rows[0].starts_with("pages-1.img") && rows[0].ends_with("68.0 KiB   memory pages"),
        "{out}"
    );
    assert!(
        rows[1].starts_with("pstree.img") && rows[1].ends_with("22 B       records"),
        "{out}"
    );
    assert!(
        rows[2].starts_with("tmpfs-dev-44.tar.gz.img") && rows[2].ends_with("raw"),
        "{out}"
    );
}

#[test]
fn decode_reads_the_images_crit_has_no_handler_for() {
    use ckpt::criu::proto::{BinfmtMiscEntry, SiginfoEntry};
    use prost::Message;
    let dir = tempfile::tempdir().unwrap();
    // A pending SIGUSR1 sent by tgkill (si_code SI_TKILL, -6), as the
    // first 12 bytes of the siginfo_t CRIU saves whole (128 bytes).
    let mut siginfo = vec![0u8; 128];
    siginfo[..4].copy_from_slice(&10i32.to_le_bytes());
    siginfo[8..12].copy_from_slice(&(-6i32).to_le_bytes());
    let signal = common::images::image("SIGNAL", &[SiginfoEntry { siginfo }.encode_to_vec()]);
    let binfmt = common::images::image(
        "BINFMT_MISC",
        &[BinfmtMiscEntry {
            name: "qemu-aarch64".into(),
            enabled: true,
            interpreter: "/usr/bin/qemu-aarch64-static".into(),
            flags: Some("OCF".into()),
            magic: Some("7f454c460201010000000000000000000200b700".into()),
            mask: Some("ffffffffffffff00fffffffffffffffffeffffff".into()),
            offset: Some(0),
            extension: None,
        }
        .encode_to_vec()],
    );
    let decode = |name: &str, bytes: &[u8]| -> serde_json::Value {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let (out, err, code) = run_ckpt(&["decode", &path.display().to_string()]);
        assert_eq!((code, err.as_str()), (0, ""), "{out}");
        serde_json::from_str(&out).unwrap()
    };
    let v = decode("signal-p-7.img", &signal);
    assert_eq!(v["magic"], "SIGNAL");
    let e = &v["entries"][0];
    assert_eq!(
        (&e["signo"], &e["errno"], &e["code"]),
        (
            &serde_json::json!(10),
            &serde_json::json!(0),
            &serde_json::json!(-6)
        )
    );
    let v = decode("binfmt-misc.img", &binfmt);
    assert_eq!(v["magic"], "BINFMT_MISC");
    let e = &v["entries"][0];
    assert_eq!(e["name"], "qemu-aarch64");
    assert_eq!(e["interpreter"], "/usr/bin/qemu-aarch64-static");
    assert_eq!(e["enabled"], true);
    assert_eq!(e["flags"], "OCF");
    assert_eq!(e["offset"], 0);
}
