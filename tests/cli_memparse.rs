//! `ckpt memparse`: checkpointctl's table, search and hexdump, and the
//! safety of `--output`.

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

fn stdout(args: &[&str]) -> String {
    common::ckpt_stdout(args)
}

/// Lines with the table rows sorted (checkpointctl's order is random).
fn sorted_rows(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let body = lines.split_off(lines.len().min(5));
    let mut body = body;
    body.sort();
    lines.extend(body);
    lines
}

#[test]
fn table_matches_checkpointctl() {
    for (fixture_name, golden, peer_path) in [
        (
            "multi-proc.none.tar",
            "multi-proc.none.tar",
            "podman/multi-proc.none.tar",
        ),
        (
            "mini-sleep.none.tar",
            "mini-sleep.none.tar",
            "podman/mini-sleep.none.tar",
        ),
        (
            "crio-counter.assembled.tar",
            "crio-counter.assembled.tar",
            "crio/crio-counter.assembled.tar",
        ),
        (
            "piggie-imgs.gnutar.tar.zst",
            "piggie-imgs.gnutar.tar",
            "assembled/piggie-imgs.gnutar.tar",
        ),
    ] {
        let path = format!("tests/fixtures/{fixture_name}");
        let ours = stdout(&["memparse", &path]);
        let peer = std::fs::read_to_string(fixture(&format!("../golden/memparse-{golden}.txt")))
            .unwrap()
            .replace(peer_path, &path);
        assert_eq!(sorted_rows(&ours), sorted_rows(&peer), "{fixture_name}");
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mem48.zstd.tar.zst");
    std::fs::write(
        &path,
        zstd::stream::encode_all(&mem48_tar()[..], 1).unwrap(),
    )
    .unwrap();
    let path = path.display().to_string();
    let ours = stdout(&["memparse", &path]);
    let peer = std::fs::read_to_string(fixture("../golden/memparse-mem48.zstd.tar.zst.txt"))
        .unwrap()
        .replace("podman/mem48.zstd.tar.zst", &path);
    assert_eq!(ours, peer);
}

#[test]
fn search_one_pid_like_checkpointctl() {
    let out = stdout(&[
        "memparse",
        "tests/fixtures/multi-proc.none.tar",
        "--pid",
        "1",
        "--search",
        "SECRET_MARKER_7f3a9c",
    ]);
    // checkpointctl's own output for this search (multi-proc.none.tar.memparse-search.txt).
    assert_eq!(
        out,
        "ADDRESS            MATCH                  INSTANCE\n\
         -------            -----                  --------\n\
         0000000001f5a6d0   SECRET_MARKER_7f3a9c   1\n\
         0000000001f695d0   SECRET_MARKER_7f3a9c   2\n"
    );
    let out = stdout(&[
        "memparse",
        "tests/fixtures/multi-proc.none.tar",
        "-p",
        "1",
        "-s",
        "CHILD_MARKER_b41d2e",
    ]);
    assert_eq!(
        out,
        "No matches for pattern \"CHILD_MARKER_b41d2e\" in the memory of PID 1\n"
    );
    let out = stdout(&[
        "memparse",
        "tests/fixtures/multi-proc.none.tar",
        "-p",
        "1",
        "-r",
        "ENV_MARKER_[0-9a-f]+",
        "-c",
        "4",
    ]);
    assert!(
        out.contains("00007ffcfda0df99   ENV=ENV_MARKER_c0ffee?APP   1"),
        "{out}"
    );
}

#[test]
fn search_every_process_as_json() {
    let out = stdout(&[
        "memparse",
        "tests/fixtures/multi-proc.none.tar",
        "--search",
        "CHILD_MARKER_b41d2e",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let hits: Vec<(u64, &str, &str, u64, &str)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["pid"].as_u64().unwrap(),
                h["address"].as_str().unwrap(),
                h["pages_file"].as_str().unwrap(),
                h["file_offset"].as_u64().unwrap(),
                h["vma"].as_str().unwrap(),
            )
        })
        .collect();
    // As tests/fixtures/crit.tar.zst multi-proc/markers.json records them.
    assert_eq!(hits.len(), 4);
    assert_eq!(hits[0].0, 8);
    assert_eq!(hits[0].1, "0x1f6a6e0");
    assert_eq!(hits[0].2, "pages-4.img");
    assert_eq!(hits[0].4, "heap");
    assert_eq!(hits[3].0, 9);
    assert_eq!(hits[3].2, "pages-5.img");
    assert_eq!(v[0]["match"], "CHILD_MARKER_b41d2e");
    assert_eq!(v[0]["match_hex"], "4348494c445f4d41524b45525f623431643265");
}

#[test]
fn errors() {
    ckpt()
        .args(["memparse", "tests/fixtures/multi-proc.none.tar", "-p", "999"])
        .assert()
        .code(1)
        .stdout("")
        .stderr("Error: tests/fixtures/multi-proc.none.tar: no process with PID 999 (use `inspect --ps-tree` to view all PIDs)\n");
    ckpt()
        .args([
            "memparse",
            "tests/fixtures/multi-proc.none.tar",
            "-p",
            "1",
            "-s",
            "x",
            "-c",
            "-1",
        ])
        .assert()
        .code(1)
        .stderr("Error: context size cannot be negative\n");
    ckpt()
        .args(["memparse", "tests/fixtures/multi-proc.none.tar", "-r", "("])
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(
            "Error: invalid regular expression: regex parse error",
        ));
}

#[test]
fn hexdump_rows_and_filters() {
    let out = stdout(&[
        "memparse",
        "tests/fixtures/multi-proc.none.tar",
        "-p",
        "1",
        "--no-squeeze",
    ]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[1],
        "Displaying memory pages content for process ID 1 from checkpoint: tests/fixtures/multi-proc.none.tar"
    );
    assert_eq!(lines[4], "-".repeat(85));
    assert_eq!(
        lines[5],
        "0000000000401000  48 83 ec 08 48 c7 c0 00 00 00 00 48 85 c0 74 02  |H...H......H..t.|"
    );
    // Every row (not squeezed): 128 KiB of memory, 16 bytes a row.
    assert_eq!(lines.len() - 5, 128 * 1024 / 16);
    assert!(out.contains(
        "0000000001f5a6d0  53 45 43 52 45 54 5f 4d 41 52 4b 45 52 5f 37 66  |SECRET_MARKER_7f|"
    ));

    // Only the stack, and only an address range.
    let out = stdout(&[
        "memparse",
        "tests/fixtures/multi-proc.none.tar",
        "-p",
        "1",
        "--vma",
        "stack",
        "-v",
    ]);
    let rows: Vec<&str> = out.lines().skip(5).collect();
    assert_eq!(rows.len(), 8192 / 16);
    assert!(rows.iter().all(|r| r.starts_with("00007ffcfda0")));
    let out = stdout(&[
        "memparse",
        "tests/fixtures/multi-proc.none.tar",
        "-p",
        "1",
        "--address",
        "1f5a6d0-1f5a6f0",
    ]);
    let rows: Vec<&str> = out.lines().skip(5).collect();
    assert_eq!(rows.len(), 2);
    assert!(rows[0].starts_with("0000000001f5a6d0  53 45 43 52"));
}

#[test]
fn hexdump_as_json_has_the_same_rows_as_the_table() {
    let args = ["memparse", "tests/fixtures/multi-proc.none.tar", "-p", "1"];
    let table = stdout(&[&args[..], &["--no-squeeze"]].concat());
    let json = stdout(&[&args[..], &["--format", "json"]].concat());
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["archive"], "tests/fixtures/multi-proc.none.tar");
    assert_eq!(v["pid"], 1);
    let rows = v["rows"].as_array().unwrap();
    // 128 KiB of memory, 16 bytes a row, as in the table.
    assert_eq!(rows.len(), 128 * 1024 / 16);
    assert_eq!(rows.len(), table.lines().count() - 5);
    assert_eq!(rows[0]["address"], "0x401000");
    assert_eq!(rows[0]["vaddr"], 0x401000);
    assert_eq!(rows[0]["hex"], "4883ec0848c7c0000000004885c07402");
    assert_eq!(rows[0]["ascii"], "H...H......H..t.");
    let marker = rows.iter().find(|r| r["address"] == "0x1f5a6d0").unwrap();
    assert_eq!(marker["hex"], "5345435245545f4d41524b45525f3766");
    assert_eq!(marker["ascii"], "SECRET_MARKER_7f");

    // Every row's ASCII is its bytes' rendering; rows holding `"` or `\\`
    // (escaped in the JSON) are among them.
    let mut escaped = 0;
    for row in rows {
        let hex = row["hex"].as_str().unwrap();
        let ascii: String = (0..hex.len() / 2)
            .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
            .map(|b| {
                if (32..127).contains(&b) {
                    char::from(b)
                } else {
                    '.'
                }
            })
            .collect();
        assert_eq!(row["ascii"], ascii.as_str());
        escaped += usize::from(ascii.contains(['"', '\\']));
    }
    assert_eq!(escaped, 26);

    // A range with nothing dumped in it is an empty list, still JSON.
    let json = stdout(&[&args[..], &["--format", "json", "--address", "10-20"]].concat());
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["rows"], serde_json::json!([]));
}

#[test]
fn output_file_is_written_whole_and_never_clobbered() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("pid1.txt");
    let t = target.display().to_string();
    let announce = stdout(&[
        "memparse",
        "tests/fixtures/multi-proc.none.tar",
        "-p",
        "1",
        "-o",
        &t,
    ]);
    assert_eq!(
        announce,
        format!(
            "\nWriting memory pages content for process ID 1 from checkpoint: tests/fixtures/multi-proc.none.tar to file: {t}...\n"
        )
    );
    let written = std::fs::read_to_string(&target).unwrap();
    let shown = stdout(&[
        "memparse",
        "tests/fixtures/multi-proc.none.tar",
        "-p",
        "1",
        "--no-squeeze",
    ]);
    assert_eq!(written, shown.splitn(4, '\n').nth(3).unwrap());
    // Only the file asked for is in the directory: no temporary left over.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

    // An existing file is kept unless --force.
    std::fs::write(&target, "keep me").unwrap();
    ckpt()
        .args([
            "memparse",
            "tests/fixtures/multi-proc.none.tar",
            "-p",
            "1",
            "-o",
            &t,
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "exists; use --force to replace it",
        ));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
    ckpt()
        .args([
            "memparse",
            "tests/fixtures/multi-proc.none.tar",
            "-p",
            "1",
            "-o",
            &t,
            "--force",
        ])
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&target).unwrap(), written);

    // A symbolic link is never followed, even with --force.
    #[cfg(unix)]
    {
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "untouched").unwrap();
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        ckpt()
            .args([
                "memparse",
                "tests/fixtures/multi-proc.none.tar",
                "-p",
                "1",
                "--force",
                "-o",
            ])
            .arg(&link)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("is a symbolic link; not followed"));
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched");
    }

    // An unknown pid leaves nothing behind.
    let other = dir.path().join("other.txt");
    ckpt()
        .args([
            "memparse",
            "tests/fixtures/multi-proc.none.tar",
            "-p",
            "999",
            "-o",
        ])
        .arg(&other)
        .assert()
        .code(1);
    assert!(!other.exists());
}

#[test]
fn pages_listing_as_json() {
    let out = stdout(&[
        "memparse",
        "tests/fixtures/multi-proc.none.tar",
        "--pages",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let files = v.as_array().unwrap();
    assert_eq!(files.len(), 5);
    // pagemap-N → pages-M as the MANIFEST says: 1→1, 6→2, 7→3, 8→4, 9→5.
    let owners: Vec<(u64, u64)> = files
        .iter()
        .map(|f| (f["id"].as_u64().unwrap(), f["pid"].as_u64().unwrap()))
        .collect();
    assert_eq!(owners, [(1, 1), (2, 6), (3, 7), (4, 8), (5, 9)]);
    assert_eq!(files[0]["size"], 131_072);
    assert_eq!(files[0]["pages"], 32);
    assert_eq!(files[0]["by_kind"]["stack"], 8192);
}

/// Two archives at once: text is each archive's output, headed by the
/// archive; JSON is one array, an element per archive naming it and
/// holding what that archive alone prints.
#[test]
fn several_archives_give_one_json_array_and_text_headed_per_archive() {
    let (a, b) = (
        "tests/fixtures/mini-sleep.none.tar",
        "tests/fixtures/multi-proc.none.tar",
    );
    let pattern = "SECRET_MARKER_7f3a9c";
    for (mode, key) in [
        (&[][..], Some("processes")),
        (&["--pages"][..], Some("pages_files")),
        (&["--search", pattern][..], Some("matches")),
        (&["-p", "1", "--address", "0x401000-0x401040"][..], None),
    ] {
        let run = |archives: &[&str], json: bool| {
            let format: &[&str] = if json { &["--format", "json"] } else { &[] };
            stdout(&[&["memparse"][..], mode, format, archives].concat())
        };
        let both: serde_json::Value = serde_json::from_str(&run(&[a, b], true)).unwrap();
        let both = both.as_array().unwrap();
        assert_eq!(both.len(), 2, "{mode:?}");
        for (element, archive) in both.iter().zip([a, b]) {
            assert_eq!(element["archive"], archive, "{mode:?}");
            let alone: serde_json::Value = serde_json::from_str(&run(&[archive], true)).unwrap();
            match key {
                Some(key) => {
                    // The one-archive document, unchanged, under its key.
                    assert!(alone.is_array(), "{mode:?}");
                    assert_eq!(element[key], alone, "{mode:?} {archive}");
                    assert_eq!(element.as_object().unwrap().len(), 2);
                }
                None => assert_eq!(*element, alone, "{mode:?} {archive}"),
            }
        }
        // Something to compare: multi-proc has processes, pages files,
        // matches and rows.
        let b_items = match key {
            Some(key) => &both[1][key],
            None => &both[1]["rows"],
        };
        assert!(!b_items.as_array().unwrap().is_empty(), "{mode:?}");

        // Text: each archive's output in turn, each headed by its archive.
        let text = run(&[a, b], false);
        let heading = |archive: &str| match mode.first() {
            None => format!("\nDisplaying processes memory sizes from {archive}\n\n"),
            Some(&"--pages") => format!("\nDisplaying pages files from {archive}\n\n"),
            Some(&"--search") => {
                format!("\nDisplaying matches for pattern \"{pattern}\" from {archive}\n\n")
            }
            Some(_) => format!(
                "\nDisplaying memory pages content for process ID 1 from checkpoint: {archive}\n\n"
            ),
        };
        let mut expected = String::new();
        for archive in [a, b] {
            let alone = run(&[archive], false);
            if mode.first() == Some(&"--search") {
                // checkpointctl's search of one archive has no heading.
                assert!(!alone.contains("Displaying"), "{alone}");
                expected.push_str(&heading(archive));
            } else {
                assert!(alone.starts_with(&heading(archive)), "{alone}");
            }
            expected.push_str(&alone);
        }
        assert_eq!(text, expected, "{mode:?}");
        let (at_a, at_b) = (
            text.find(&heading(a)).unwrap(),
            text.find(&heading(b)).unwrap(),
        );
        assert!(at_a == 0 && at_b > at_a, "{mode:?}");
    }
}

#[test]
fn an_unreadable_archive_among_several_is_left_out_of_the_array() {
    let out = ckpt()
        .args([
            "memparse",
            "--format",
            "json",
            "tests/fixtures/no-such.tar",
            "tests/fixtures/multi-proc.none.tar",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no-such.tar"))
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let archives: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["archive"].as_str().unwrap())
        .collect();
    assert_eq!(archives, ["tests/fixtures/multi-proc.none.tar"]);
    assert_eq!(v[0]["processes"].as_array().unwrap().len(), 5);
}
