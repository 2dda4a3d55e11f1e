//! `ckpt diff`: checkpointctl's test-imgs-diff pair (a and b, packed as its
//! bats tests pack them) compared with checkpointctl's own output as sets,
//! the refusal of different containers, and the comparisons beyond it
//! (environments, memory page by page) on checkpoints built in code.

#![cfg(feature = "cli")]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use ckpt::memory::{AddressRange, PAGE_SIZE};
use common::images::*;
use common::run_ckpt as ckpt;
use common::*;
use serde_json::Value;

const A: &str = "piggie-diff-a.gnutar.tar.zst";
const B: &str = "piggie-diff-b.gnutar.tar.zst";
const PIGGIE_ID: &str = "46285833bab5c5ff97162e54e7e7dae8dc5576a009d2bcee13e5c53ac9e83fef";

fn golden(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/diff")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

fn fx(name: &str) -> String {
    fixture(name).to_string_lossy().into_owned()
}

fn sorted_lines(s: &str) -> Vec<&str> {
    let mut v: Vec<&str> = s.lines().collect();
    v.sort();
    v
}

/// JSON with every array turned into a sorted multiset, to compare with
/// checkpointctl's (whose order is Go map order).
fn as_sets(v: &Value) -> Value {
    match v {
        Value::Array(items) => {
            let mut texts: Vec<String> = items.iter().map(|i| as_sets(i).to_string()).collect();
            texts.sort();
            Value::Array(texts.into_iter().map(Value::String).collect())
        }
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), as_sets(v))).collect())
        }
        other => other.clone(),
    }
}

fn pids(v: &Value) -> Vec<u64> {
    v.as_array()
        .map(|a| a.iter().map(|p| p["pid"].as_u64().unwrap()).collect())
        .unwrap_or_default()
}

#[test]
fn piggie_tree_has_checkpointctls_lines_in_sorted_order() {
    let (out, err, code) = ckpt(&[
        "diff",
        &fx(A),
        &fx(B),
        "--files",
        "--sockets",
        "--ps-tree-cmd",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, "");
    // Each checkpoint is named by its file, where checkpointctl prints
    // "Checkpoint A:" alone.
    let (a, b) = (fx(A), fx(B));
    let named_a = format!("Checkpoint A: {a}\n  Created: 2026-01-01T00:00:00Z\n");
    let named_b = format!("Checkpoint B: {b}\n  Created: 2026-01-01T00:00:00Z\n");
    assert!(out.contains(&named_a), "{out}");
    assert!(out.contains(&named_b), "{out}");
    // The header box holds the whole ID (checkpointctl's box is 64 wide
    // and cuts it to 48 characters and "..."): it grows to 79 columns.
    let id = "46285833bab5c5ff97162e54e7e7dae8dc5576a009d2bcee13e5c53ac9e83fef";
    assert!(out.contains(&format!("║ ID:        {id} ║\n")), "{out}");
    let boxed: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with(['║', '╔', '╠', '╚']))
        .collect();
    assert_eq!(boxed.len(), 7);
    assert!(boxed.iter().all(|l| l.chars().count() == 79), "{boxed:?}");
    // Otherwise the same lines as checkpointctl's, which come in a random
    // order.
    let unboxed = |text: &str| -> String {
        text.lines()
            .filter(|l| !l.starts_with(['║', '╔', '╠', '╚']))
            .map(|l| format!("{l}\n"))
            .collect()
    };
    let as_theirs = out
        .replace(&format!("Checkpoint A: {a}\n"), "Checkpoint A:\n")
        .replace(&format!("Checkpoint B: {b}\n"), "Checkpoint B:\n");
    let theirs = golden("piggie-diff-a-vs-b.txt");
    assert_eq!(
        sorted_lines(&unboxed(&as_theirs)),
        sorted_lines(&unboxed(&theirs))
    );
    assert!(theirs.contains("║ ID:        46285833bab5c5ff97162e54e7e7dae8dc5576a009d2bcee... ║"));
    // Ours come sorted by pid.
    // The pids listed under the first `title` (in the process tree box).
    let section = |title: &str| -> Vec<u32> {
        out.lines()
            .skip_while(|l| *l != title)
            .skip(1)
            .take_while(|l| l.starts_with("│   "))
            .filter_map(|l| l.split("PID ").nth(1))
            .map(|rest| rest.split_whitespace().next().unwrap().parse().unwrap())
            .collect()
    };
    assert_eq!(section("│ Added:"), [13, 14, 15]);
    assert_eq!(section("│ Removed:"), [7, 8, 9, 10, 11, 12]);
    let sockets: Vec<(String, u32)> = out
        .lines()
        .skip_while(|l| !l.contains("Socket Changes"))
        .skip(2)
        .take_while(|l| !l.starts_with('└'))
        .map(|l| {
            let mut w = l.trim_start_matches('│').split_whitespace();
            (
                w.next().unwrap().to_owned(),
                w.next().unwrap().parse().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(String, u32)> = [("+", 13), ("+", 14), ("+", 15)]
        .into_iter()
        .chain([
            ("-", 7),
            ("-", 8),
            ("-", 9),
            ("-", 10),
            ("-", 11),
            ("-", 12),
        ])
        .map(|(m, p)| (m.to_owned(), p))
        .collect();
    assert_eq!(sockets, expected);
}

#[test]
fn piggie_json_has_checkpointctls_keys_and_values_as_sets() {
    let (out, err, code) = ckpt(&[
        "diff",
        "--format",
        "json",
        &fx(A),
        &fx(B),
        "--files",
        "--sockets",
    ]);
    assert_eq!(code, 0, "{err}");
    let ours: Value = serde_json::from_str(&out).unwrap();
    let theirs: Value = serde_json::from_str(&golden("piggie-diff-a-vs-b.json")).unwrap();
    for (key, value) in theirs.as_object().unwrap() {
        let mut mine = ours[key].clone();
        if let Some(obj) = mine.as_object_mut() {
            // Ours name the archive too.
            obj.remove("archive");
        }
        assert_eq!(as_sets(&mine), as_sets(value), "{key}");
    }
    // What MANIFEST.md says of the pair: b lost pids 7–12 and gained 13–15.
    let p = &ours["process_changes"];
    assert_eq!(pids(&p["added"]), [13, 14, 15]);
    assert_eq!(pids(&p["removed"]), [7, 8, 9, 10, 11, 12]);
    assert_eq!(pids(&p["unchanged"]), [1, 4, 5, 6]);
    assert!(
        p.get("modified").is_none(),
        "empty lists are left out, as checkpointctl does"
    );
    assert_eq!(ours["container_id"], PIGGIE_ID);
    assert_eq!(ours["memory_changes"]["size_change_bytes"], -360_448);
    assert_eq!(ours["checkpoint_a"]["total_size"], 1_230_792);
    assert_eq!(ours["checkpoint_b"]["total_size"], 858_357);
}

#[test]
fn show_unchanged_draws_bs_tree_with_marks() {
    let (out, err, code) = ckpt(&["diff", &fx(A), &fx(B), "--show-unchanged", "--sockets"]);
    assert_eq!(code, 0, "{err}");
    let tree: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.contains("Process Tree"))
        .skip(1)
        .take_while(|l| !l.starts_with('└'))
        .collect();
    assert_eq!(
        tree,
        [
            "│ Process tree",
            "│ └── [= PID 1]  piggie",
            "│     ├── [= PID 4]  tcp-server",
            "│     │   ├── [= PID 6]  tcp-conn",
            "│     │   └── [+ PID 14]  tcp-conn",
            "│     ├── [= PID 5]  tcp-client",
            "│     ├── [+ PID 13]  tcp-client2",
            "│     └── [+ PID 15]  udp-client2",
            "│ Removed:",
            "│   - PID 7     tcp-client2",
            "│   - PID 8     tcp-conn",
            "│   - PID 9     tcp-client2",
            "│   - PID 10    tcp-conn",
            "│   - PID 11    udp-client2",
            "│   - PID 12    udp-client2",
        ]
    );
    // The sockets both have: the server's listener and the first
    // connection, from both ends.
    let unchanged: Vec<&str> = out.lines().filter(|l| l.starts_with("│  =  ")).collect();
    assert_eq!(unchanged.len(), 3, "{out}");
    assert!(unchanged[0].contains("4     TCP   LISTEN       0.0.0.0:5000          -"));
}

#[test]
fn different_containers_are_refused_naming_both_unless_forced() {
    let (out, err, code) = ckpt(&["diff", &fx("multi-proc.none.tar"), &fx(A)]);
    assert_eq!(code, 1);
    assert_eq!(out, "");
    assert!(
        err.starts_with("Error: checkpoints are from different containers:\n  A: multi-proc ("),
        "{err}"
    );
    assert!(
        err.contains(&format!("\n  B: piggie ({PIGGIE_ID})\n")),
        "{err}"
    );

    let (out, err, code) = ckpt(&["diff", "--force", &fx("multi-proc.none.tar"), &fx(A)]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("║ Container: multi-proc"), "{out}");
}

#[test]
fn the_same_checkpoint_twice_has_no_change_whatever_its_compression() {
    let (out, err, code) = ckpt(&[
        "diff",
        &fx("mini-sleep.none.tar"),
        &fx("mini-sleep.none.tar"),
        "--memory",
        "--files",
    ]);
    assert_eq!(code, 0, "{err}");
    // Memory (size and pages) and processes: checkpointctl's bats test
    // counts at least two.
    assert_eq!(out.matches("│ = No change").count(), 2, "{out}");
    // pid 1 (sleep): every dumped page unchanged.
    let pages: u64 = pagemap_pages("mini-sleep", 1).len() as u64;
    assert!(pages > 0);
    assert!(
        out.contains(&format!("│   PID 1     +0 -0 ~0 ={pages}\n")),
        "{out}"
    );
    assert!(
        out.ends_with("Summary:\nCheckpoint comparison for container mini-sleep\n"),
        "{out}"
    );
}

/// The addresses of the pages of `pid` in its pages file, from crit.
fn pagemap_pages(dump: &str, pid: u32) -> BTreeSet<u64> {
    let ids: Value = serde_json::from_str(&crit_file(&format!("{dump}/pstree.img.json"))).unwrap();
    assert!(
        ids["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["pid"] == pid)
    );
    let map: Value =
        serde_json::from_str(&crit_file(&format!("{dump}/pagemap-{pid}.img.json"))).unwrap();
    let mut out = BTreeSet::new();
    for e in map["entries"].as_array().unwrap().iter().skip(1) {
        if !e["flags"].as_str().unwrap().contains("PE_PRESENT") {
            continue;
        }
        let start =
            u64::from_str_radix(e["vaddr"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
        for i in 0..e["nr_pages"].as_u64().unwrap() {
            out.insert(start + i * PAGE_SIZE);
        }
    }
    out
}

fn pages_of(ranges: &Value) -> BTreeSet<u64> {
    let mut out = BTreeSet::new();
    for r in ranges.as_array().into_iter().flatten() {
        let (start, end) = (r["start"].as_u64().unwrap(), r["end"].as_u64().unwrap());
        out.extend((start..end).step_by(PAGE_SIZE as usize));
    }
    out
}

#[test]
fn piggie_pages_compared_where_crits_pagemaps_say() {
    let (out, err, code) = ckpt(&["diff", "--format", "json", "--memory", &fx(A), &fx(B)]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let procs = v["memory_changes"]["processes"].as_array().unwrap();
    // The processes in both.
    let listed: Vec<u64> = procs.iter().map(|p| p["pid"].as_u64().unwrap()).collect();
    assert_eq!(listed, [1, 4, 5, 6]);
    for p in procs {
        let pid = p["pid"].as_u64().unwrap() as u32;
        let a = pagemap_pages("test-imgs-diff-a", pid);
        let b = pagemap_pages("test-imgs-diff-b", pid);
        let added: BTreeSet<u64> = b.difference(&a).copied().collect();
        let removed: BTreeSet<u64> = a.difference(&b).copied().collect();
        assert_eq!(pages_of(&p["added"]), added, "pid {pid}");
        assert_eq!(pages_of(&p["removed"]), removed, "pid {pid}");
        let changed = pages_of(&p["changed"]);
        assert!(changed.is_subset(&a) && changed.is_subset(&b), "pid {pid}");
        let both = a.intersection(&b).count() as u64;
        assert_eq!(
            changed.len() as u64 + p["unchanged_pages"].as_u64().unwrap(),
            both,
            "pid {pid}"
        );
    }
}

/// A one-process checkpoint: argv and environment in the first page at
/// 0x10000, `pages` runs of (address, contents).
fn one_process(env: &str, runs: &[(u64, Vec<Vec<u8>>)]) -> Vec<u8> {
    let argv = b"prog\0--serve\0";
    let mut first = vec![0u8; PAGE_SIZE as usize];
    first[..argv.len()].copy_from_slice(argv);
    let env_at = argv.len();
    first[env_at..env_at + env.len()].copy_from_slice(env.as_bytes());
    let mut pages = Vec::new();
    let mut map = Vec::new();
    let mut vmas = Vec::new();
    for (i, (at, contents)) in runs.iter().enumerate() {
        map.push((*at, contents.len() as u64));
        vmas.push((*at, *at + contents.len() as u64 * PAGE_SIZE));
        for (j, page) in contents.iter().enumerate() {
            if i == 0 && j == 0 {
                pages.extend_from_slice(&first);
            } else {
                assert_eq!(page.len(), PAGE_SIZE as usize);
                pages.extend_from_slice(page);
            }
        }
    }
    let base = 0x10000;
    archive(vec![
        ("core-1.img", core("prog")),
        (
            "mm-1.img",
            mm_with_vmas(
                (base, base + argv.len() as u64),
                (base + env_at as u64, base + (env_at + env.len()) as u64),
                &vmas,
            ),
        ),
        ("pagemap-1.img", pagemap(1, &map)),
        ("pages-1.img", pages),
        ("pstree.img", pstree(&[(1, 0)])),
    ])
}

fn page(byte: u8) -> Vec<u8> {
    vec![byte; PAGE_SIZE as usize]
}

#[test]
fn memory_pages_and_environment_compared_on_checkpoints_built_in_code() {
    let dir = tempfile::tempdir().unwrap();
    // A: 0x10000 (4 pages) and 0x30000 (1 page).
    let a = one_process(
        "HOME=/root\0MODE=a\0",
        &[
            (0x10000, vec![vec![], page(1), page(2), page(3)]),
            (0x30000, vec![page(9)]),
        ],
    );
    // B: the page at 0x12000 rewritten, 0x30000 unmapped, 0x20000 new; the
    // environment (in the first page) changed.
    let b = one_process(
        "HOME=/root\0MODE=b\0EXTRA=1\0",
        &[
            (0x10000, vec![vec![], page(1), page(7), page(3)]),
            (0x20000, vec![page(5)]),
        ],
    );
    let (pa, pb) = (dir.path().join("a.tar"), dir.path().join("b.tar"));
    std::fs::write(&pa, a).unwrap();
    std::fs::write(&pb, b).unwrap();
    let (pa, pb) = (
        pa.to_string_lossy().into_owned(),
        pb.to_string_lossy().into_owned(),
    );

    let (out, err, code) = ckpt(&[
        "diff",
        "--format",
        "json",
        "--memory",
        "--ps-tree-env",
        &pa,
        &pb,
    ]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let p = &v["memory_changes"]["processes"][0];
    let range = |start: u64, end: u64| serde_json::to_value(AddressRange { start, end }).unwrap();
    assert_eq!(p["pid"], 1);
    assert_eq!(p["added"], Value::Array(vec![range(0x20000, 0x21000)]));
    assert_eq!(p["removed"], Value::Array(vec![range(0x30000, 0x31000)]));
    assert_eq!(
        p["changed"],
        Value::Array(vec![range(0x10000, 0x11000), range(0x12000, 0x13000)])
    );
    assert_eq!(p["unchanged_pages"], 2);
    let env: BTreeMap<String, (Value, Value)> = v["environment_changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert_eq!(e["pid"], 1);
            (
                e["name"].as_str().unwrap().to_owned(),
                (e["before"].clone(), e["after"].clone()),
            )
        })
        .collect();
    assert_eq!(env.len(), 2, "{env:?}");
    assert_eq!(env["MODE"], (Value::from("a"), Value::from("b")));
    assert_eq!(env["EXTRA"], (Value::Null, Value::from("1")));
    // A changed environment makes the process modified.
    assert_eq!(pids(&v["process_changes"]["modified"]), [1]);

    let (out, err, code) = ckpt(&["diff", "--memory", "--ps-tree-env", &pa, &pb]);
    assert_eq!(code, 0, "{err}");
    // Both have five pages: the same size, but never "No change" above
    // the pages that changed.
    assert_eq!(v["memory_changes"]["size_change_bytes"], 0);
    assert!(!out.contains("No change"), "{out}");
    let memory: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.contains("Memory Changes"))
        .skip(1)
        .take(2)
        .collect();
    assert_eq!(
        memory,
        [
            "│ ~ Same size, pages differ: +1 -1 ~2",
            "│ Pages (4 KiB) per process: +added -removed ~changed =unchanged",
        ],
        "{out}"
    );
    for line in [
        "│   PID 1     +1 -1 ~2 =2\n",
        "│     + 0000000000020000-0000000000021000      1 page\n",
        "│     - 0000000000030000-0000000000031000      1 page\n",
        "│     ~ 0000000000010000-0000000000011000      1 page\n",
        "│     ~ 0000000000012000-0000000000013000      1 page\n",
        "│   + PID 1     EXTRA=1\n",
        "│   ~ PID 1     MODE=a → b\n",
        "│ Modified:\n│   ~ PID 1     prog\n",
        "Processes: +0 -0 ~1\nEnvironment: +1 -0 ~1\nMemory pages: +1 -1 ~2\n",
    ] {
        assert!(out.contains(line), "{line:?} not in\n{out}");
    }
}

#[test]
fn one_unreadable_side_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.tar");
    std::fs::write(&bad, b"not a tar at all").unwrap();
    let bad = bad.to_string_lossy().into_owned();
    let (out, err, code) = ckpt(&["diff", &fx(A), &bad]);
    assert_eq!(code, 1);
    assert_eq!(out, "");
    // checkpointctl's words first, then which file and why.
    assert!(
        err.starts_with(&format!(
            "Error: failed to load checkpoint B: {bad}: unknown format"
        )),
        "{err}"
    );
    let (_, err, code) = ckpt(&["diff", "-", "-"]);
    assert_eq!(code, 1);
    assert!(err.contains("standard input"), "{err}");
}

#[test]
fn colour_only_when_asked_for_and_never_with_no_color() {
    let run = |env: &[(&str, &str)]| {
        let mut cmd = assert_cmd::Command::cargo_bin("ckpt").unwrap();
        cmd.args(["diff", &fx(A), &fx(B)]);
        cmd.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
        for (k, v) in env {
            cmd.env(k, v);
        }
        String::from_utf8(cmd.output().unwrap().stdout).unwrap()
    };
    // A pipe: no colour.
    let plain = run(&[]);
    assert!(!plain.contains('\x1b'));
    let forced = run(&[("CLICOLOR_FORCE", "1")]);
    assert!(
        forced.contains("│   \x1b[32m+\x1b[0m PID 13    tcp-client2\n"),
        "{forced}"
    );
    assert!(forced.contains("│   \x1b[31m-\x1b[0m PID 7     tcp-client2\n"));
    // Without the styles, the same text.
    assert_eq!(
        forced
            .replace("\x1b[32m", "")
            .replace("\x1b[31m", "")
            .replace("\x1b[0m", ""),
        plain
    );
    assert_eq!(run(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]), plain);
}
