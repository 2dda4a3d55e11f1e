//! What an analyst looks for, on a real dump made for it
//! (`tests/fixtures/threads-memfd.tar.zst`, made by
//! `tests/fixtures/workload-src/make-dump.sh`: CRIU 4.2 dumping a live
//! multi-threaded process with a memfd, shared memory, a deleted-but-open
//! file, unix sockets and a duplicated environment variable). Every value
//! asserted comes from the workload's own record, `truth.json`.

#![cfg(feature = "views")]

mod common;

use ckpt::Options;
use ckpt::views::{InspectOptions, Inspection};
use common::{fixture, run_ckpt};
use serde_json::Value;

const ARCHIVE: &str = "threads-memfd.tar.zst";

fn truth() -> Value {
    let text = std::fs::read_to_string(fixture("workload-src/truth.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn inspection() -> Inspection {
    let all = InspectOptions::all();
    let c = ckpt::read_path(fixture(ARCHIVE), &Options::new(all.want())).unwrap();
    Inspection::new(&c, &all).unwrap()
}

/// `ckpt ARGS tests/fixtures/threads-memfd.tar.zst`.
fn on_archive(args: &[&str]) -> (String, String, i32) {
    let archive = format!("tests/fixtures/{ARCHIVE}");
    let mut all = args.to_vec();
    all.push(&archive);
    run_ckpt(&all)
}

/// The elements of a JSON array.
fn each(v: &Value) -> std::slice::Iter<'_, Value> {
    v.as_array().unwrap().iter()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn every_thread_has_its_tid_name_and_state() {
    let truth = truth();
    let want = ckpt::Want {
        processes: true,
        ..ckpt::Want::default()
    };
    let c = ckpt::read_path(fixture(ARCHIVE), &Options::new(want)).unwrap();
    let pid = truth["pid"].as_u64().unwrap() as u32;
    let leader = c.processes().find(|p| p.pid() == pid).unwrap();
    let threads: Vec<(u32, String, &str)> = leader
        .threads()
        .map(|t| (t.tid, t.name.to_owned(), t.state.name()))
        .collect();
    let expected: Vec<(u32, String, &str)> = each(&truth["threads"])
        .map(|t| {
            let tid = t["tid"].as_u64().unwrap() as u32;
            (tid, t["name"].as_str().unwrap().to_owned(), "Alive")
        })
        .collect();
    assert_eq!(threads, expected);
    let child = truth["child_pid"].as_u64().unwrap() as u32;
    let child = c.processes().find(|p| p.pid() == child).unwrap();
    let names: Vec<&str> = child.threads().map(|t| t.name).collect();
    assert_eq!(names, ["ckpt-child"]);

    // JSON keeps `threads` (the ids) and adds `thread_details`.
    let json = serde_json::to_value(inspection()).unwrap();
    let tree = &json["process_tree"];
    assert_eq!(tree["pid"], truth["pid"]);
    let ids: Vec<u64> = each(&truth["threads"])
        .map(|t| t["tid"].as_u64().unwrap())
        .collect();
    assert_eq!(tree["threads"], serde_json::json!(ids));
    for (node, t) in each(&tree["thread_details"]).zip(truth["threads"].as_array().unwrap()) {
        assert_eq!(node["tid"], t["tid"]);
        assert_eq!(node["name"], t["name"]);
        assert_eq!(node["state"], "Alive");
    }

    // The tree lists them under their process.
    let (out, err, code) = on_archive(&["inspect", "--ps-tree"]);
    assert_eq!((code, err.as_str()), (0, ""));
    for t in truth["threads"].as_array().unwrap() {
        let line = format!("[{}]  {} (Alive)", t["tid"], t["name"].as_str().unwrap());
        assert!(out.contains(&line), "{line} not in\n{out}");
    }
}

#[test]
fn environment_keeps_the_order_and_duplicates_of_the_process() {
    let truth = truth();
    let env = strings(&truth["env"]);
    assert!(
        env.contains(&"CKPT_DUP=first".to_owned()) && env.contains(&"CKPT_DUP=second".to_owned())
    );
    let json = serde_json::to_value(inspection()).unwrap();
    let tree = &json["process_tree"];
    assert_eq!(strings(&tree["environment"]), env);
    // The map keeps checkpointctl's shape; the later duplicate is what
    // getenv sees.
    assert_eq!(tree["environment_variables"]["CKPT_DUP"], "second");
    assert_eq!(tree["environment_variables"]["CKPT_EMPTY"], "");
    let child = &tree["children"][0];
    assert_eq!(strings(&child["environment"]), env);

    let (out, _, code) = on_archive(&["inspect", "--ps-tree-env"]);
    assert_eq!(code, 0);
    let shown: Vec<&str> = out
        .lines()
        .filter_map(|l| l.split("── ").nth(1))
        .filter(|l| env.iter().any(|e| e == l))
        .take(env.len())
        .collect();
    assert_eq!(shown, env.iter().map(String::as_str).collect::<Vec<_>>());
}

#[test]
fn unix_sockets_are_named_as_ss_names_them() {
    let truth = truth();
    let json = serde_json::to_value(inspection()).unwrap();
    let pid = &truth["pid"];
    let sockets = each(&json["sockets"]).find(|s| &s["pid"] == pid).unwrap();
    let addresses: Vec<&str> = each(&sockets["open_sockets"])
        .map(|s| s["data"]["address"].as_str().unwrap_or(""))
        .collect();
    let names = &truth["sockets"];
    let abstract_name = format!(
        "@{}",
        names["abstract"].as_str().unwrap().trim_start_matches('@')
    );
    let path = names["path"].as_str().unwrap();
    assert_eq!(addresses, [abstract_name.as_str(), path, "", ""]);
    let (out, _, code) = on_archive(&["inspect", "--sockets"]);
    assert_eq!(code, 0);
    assert!(
        out.contains(&format!("[UNIX (STREAM)]  {abstract_name}\n")),
        "{out}"
    );
    assert!(out.contains(&format!("[UNIX (STREAM)]  {path}\n")), "{out}");
}

#[test]
fn deleted_open_files_are_marked_and_their_content_is_readable() {
    let truth = truth();
    let deleted = &truth["deleted_file"];
    let path = deleted["path"].as_str().unwrap();
    let fd = truth["fds"]["deleted_file"].as_u64().unwrap();
    let json = serde_json::to_value(inspection()).unwrap();
    let files = each(&json["file_descriptors"])
        .find(|f| f["pid"] == truth["pid"])
        .unwrap();
    let marked: Vec<(&str, &str)> = each(&files["open_files"])
        .filter(|f| f["deleted"] == true)
        .map(|f| (f["fd"].as_str().unwrap(), f["path"].as_str().unwrap()))
        .collect();
    assert_eq!(marked, [(format!("REG {fd}").as_str(), path)]);
    let (tree, _, code) = on_archive(&["inspect", "--files"]);
    assert_eq!(code, 0);
    assert!(
        tree.contains(&format!("[REG {fd}]  {path} (deleted)")),
        "{tree}"
    );
    assert!(tree.contains(&format!(
        "  {}\n",
        truth["mappings"]["memfd"]["name"].as_str().unwrap()
    )));

    // Its saved content, from the archive, the stream and a directory.
    let (out, err, code) = run_ckpt(&["cat", &format!("tests/fixtures/{ARCHIVE}"), path]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(out.len() as u64, deleted["size"].as_u64().unwrap());
    assert_eq!(out.lines().next(), deleted["first_line"].as_str());
    let mut sink = Vec::new();
    let bytes = tar_bytes();
    let source = ckpt::Source::from_reader(&bytes[..], "stream");
    let found = ckpt::cat::cat(
        source,
        &format!("deleted:{path}"),
        &ckpt::Limits::default(),
        &mut sink,
    )
    .unwrap();
    assert_eq!(found.kind, ckpt::cat::CatKind::Deleted);
    assert_eq!(sink, out.as_bytes());

    // And from the checkpoint extracted into a directory.
    let dir = tempfile::tempdir().unwrap();
    tar::Archive::new(&bytes[..]).unpack(dir.path()).unwrap();
    let (from_dir, _, code) = run_ckpt(&["cat", dir.path().to_str().unwrap(), path]);
    assert_eq!((code, from_dir.as_str()), (0, out.as_str()));
    let (added, _, code) = run_ckpt(&["cat", dir.path().to_str().unwrap(), "/etc/ckpt-added.conf"]);
    assert_eq!((code, added.as_str()), (0, "ROOTFS_ADDED_I9\n"));

    // The unlinked /dev/shm object: saved in chunks, with holes.
    let shm = &truth["mappings"]["posix_shm"];
    let mut sink = Vec::new();
    let source = ckpt::Source::open(fixture(ARCHIVE)).unwrap();
    ckpt::cat::cat(
        source,
        shm["path"].as_str().unwrap(),
        &ckpt::Limits::default(),
        &mut sink,
    )
    .unwrap();
    assert_eq!(sink.len() as u64, shm["size"].as_u64().unwrap());
    let marker = each(&truth["markers"])
        .find(|m| m["object"] == "posix_shm")
        .unwrap();
    let at = marker["offset"].as_u64().unwrap() as usize;
    let text = marker["marker"].as_str().unwrap();
    assert_eq!(&sink[at..at + text.len()], text.as_bytes());
    assert!(sink[..at].iter().all(|&b| b == 0));
}

fn tar_bytes() -> Vec<u8> {
    zstd::decode_all(&std::fs::read(fixture(ARCHIVE)).unwrap()[..]).unwrap()
}

/// The archive's entries as the `tar` crate reads them: (path, mtime).
fn header_times() -> Vec<(String, u64)> {
    let bytes = tar_bytes();
    let mut archive = tar::Archive::new(&bytes[..]);
    archive
        .entries()
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.path().unwrap().to_string_lossy().into_owned(),
                e.header().mtime().unwrap(),
            )
        })
        .collect()
}

#[test]
fn rootfs_changes_are_listed_from_the_nested_tar() {
    let truth = truth();
    let json = serde_json::to_value(inspection()).unwrap();
    let diff = &json["rootfs_diff"];
    let listed: Vec<(&str, &str, u64)> = each(&diff["changed"])
        .map(|c| {
            (
                c["path"].as_str().unwrap(),
                c["type"].as_str().unwrap(),
                c["mode"].as_u64().unwrap(),
            )
        })
        .collect();
    // truth.json: "etc/ckpt-added.conf": "… mode 0644", "var/lib/ckpt/":
    // "dir 0755", "usr/local/bin/ckpt-tool": "mode 0755, …",
    // "usr/local/bin/ckpt-link": "symlink -> ckpt-tool".
    let expected_paths: Vec<String> = truth["rootfs_diff"]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.trim_end_matches('/').to_owned())
        .collect();
    let mut paths: Vec<String> = listed.iter().map(|l| l.0.to_owned()).collect();
    paths.sort();
    let mut expected_sorted = expected_paths.clone();
    expected_sorted.sort();
    assert_eq!(paths, expected_sorted);
    for (path, kind, mode) in &listed {
        let what = truth["rootfs_diff"]
            .as_object()
            .unwrap()
            .iter()
            .find(|(k, _)| k.trim_end_matches('/') == *path)
            .unwrap()
            .1
            .as_str()
            .unwrap();
        match *kind {
            "directory" => assert!(what.starts_with("dir 0755") && *mode == 0o755),
            "symlink" => assert!(what.starts_with("symlink -> ")),
            "file" => assert!(
                what.contains(&format!("mode {:04o}", mode)),
                "{path}: {what}"
            ),
            other => panic!("{path}: {other}"),
        }
    }
    let link = each(&diff["changed"])
        .find(|c| c["type"] == "symlink")
        .unwrap();
    assert_eq!(link["link_target"], "ckpt-tool");
    let added = each(&diff["changed"])
        .find(|c| c["path"] == "etc/ckpt-added.conf")
        .unwrap();
    assert_eq!(added["size"], "ROOTFS_ADDED_I9\n".len());
    assert_eq!(diff["deleted"], truth["deleted_files"]);

    let (tree, _, code) = on_archive(&["inspect", "--rootfs-diff"]);
    assert_eq!(code, 0);
    assert!(
        tree.contains("[file 0644 16 B]  /etc/ckpt-added.conf\n"),
        "{tree}"
    );
    assert!(tree.contains("[symlink 0777]  /usr/local/bin/ckpt-link -> ckpt-tool\n"));
    assert!(tree.contains("── /usr/share/doc/removed.txt\n"));

    let (out, _, code) = run_ckpt(&[
        "cat",
        &format!("tests/fixtures/{ARCHIVE}"),
        "/etc/ckpt-added.conf",
    ]);
    assert_eq!((code, out.as_str()), (0, "ROOTFS_ADDED_I9\n"));
}

/// The fixture with `rootfs-diff.tar` replaced by `data` (a compressed
/// copy, as containerd may write it).
fn with_rootfs_diff(data: &[u8]) -> Vec<u8> {
    let bytes = tar_bytes();
    let mut archive = tar::Archive::new(&bytes[..]);
    let mut out = tar::Builder::new(Vec::new());
    for e in archive.entries().unwrap() {
        let mut e = e.unwrap();
        let mut header = e.header().clone();
        let mut content = Vec::new();
        std::io::Read::read_to_end(&mut e, &mut content).unwrap();
        if e.path().unwrap().to_str() == Some("rootfs-diff.tar") {
            content = data.to_vec();
            header.set_size(content.len() as u64);
            header.set_cksum();
        }
        out.append(&header, &content[..]).unwrap();
    }
    out.into_inner().unwrap()
}

fn nested_rootfs_diff() -> Vec<u8> {
    let bytes = tar_bytes();
    let mut archive = tar::Archive::new(&bytes[..]);
    for e in archive.entries().unwrap() {
        let mut e = e.unwrap();
        if e.path().unwrap().to_str() == Some("rootfs-diff.tar") {
            let mut content = Vec::new();
            std::io::Read::read_to_end(&mut e, &mut content).unwrap();
            return content;
        }
    }
    panic!("no rootfs-diff.tar");
}

#[test]
fn compressed_rootfs_diffs_read_as_plain_ones() {
    let plain = nested_rootfs_diff();
    let read = |archive: Vec<u8>| {
        let want = ckpt::Want {
            rootfs_diff: true,
            ..ckpt::Want::none()
        };
        let source = ckpt::Source::from_reader(&archive[..], "built");
        ckpt::read(source, &Options::new(want))
            .unwrap()
            .rootfs_diff
            .unwrap()
    };
    let reference = read(with_rootfs_diff(&plain));
    assert_eq!(reference.changes.len(), 4);
    for (data, compression) in [
        (common::gzip(&plain), ckpt::Compression::Gzip),
        (common::zstd(&plain), ckpt::Compression::Zstd),
    ] {
        let built = with_rootfs_diff(&data);
        let diff = read(built.clone());
        assert_eq!(diff.compression, compression);
        assert_eq!(diff.changes, reference.changes);
        assert!(diff.complete);
        let mut sink = Vec::new();
        let source = ckpt::Source::from_reader(&built[..], "built");
        ckpt::cat::cat(
            source,
            "rootfs-diff.tar/etc/ckpt-added.conf",
            &ckpt::Limits::default(),
            &mut sink,
        )
        .unwrap();
        assert_eq!(sink, b"ROOTFS_ADDED_I9\n");
    }
    // A nested tar cut short: what precedes the damage, and a warning.
    let cut = with_rootfs_diff(&plain[..1536]);
    let source = ckpt::Source::from_reader(&cut[..], "cut");
    let want = ckpt::Want {
        rootfs_diff: true,
        ..ckpt::Want::none()
    };
    let c = ckpt::read(source, &Options::new(want)).unwrap();
    let diff = c.rootfs_diff.unwrap();
    assert!(!diff.complete);
    assert_eq!(diff.changes.first(), reference.changes.first());
    assert!(
        c.warnings
            .iter()
            .any(|w| w.kind == ckpt::WarningKind::NestedArchive),
        "{:?}",
        c.warnings
    );
}

#[test]
fn cat_names_what_is_nearest_when_nothing_matches() {
    let (out, err, code) = run_ckpt(&[
        "cat",
        &format!("tests/fixtures/{ARCHIVE}"),
        "/etc/ckpt-addded.conf",
    ]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(
        err.starts_with(&format!(
            "Error: tests/fixtures/{ARCHIVE}: /etc/ckpt-addded.conf not found; nearest: rootfs-diff.tar/etc/ckpt-added.conf,"
        )),
        "{err}"
    );
    let (_, err, code) = run_ckpt(&["cat", &format!("tests/fixtures/{ARCHIVE}"), "pstree.img"]);
    assert_eq!(code, 1);
    assert!(err.contains("nearest: checkpoint/pstree.img,"), "{err}");
    // An archive entry, byte for byte.
    let (out, _, code) = run_ckpt(&["cat", &format!("tests/fixtures/{ARCHIVE}"), "deleted.files"]);
    assert_eq!(code, 0);
    let listed: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(listed, truth()["deleted_files"]);
}

#[test]
fn cat_writes_only_where_asked_and_never_over_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("added.conf");
    let archive = format!("tests/fixtures/{ARCHIVE}");
    let t = target.to_str().unwrap();
    let (out, _, code) = run_ckpt(&["cat", &archive, "/etc/ckpt-added.conf", "-o", t]);
    assert_eq!((code, out.as_str()), (0, ""));
    assert_eq!(std::fs::read(&target).unwrap(), b"ROOTFS_ADDED_I9\n");
    let (_, err, code) = run_ckpt(&["cat", &archive, "deleted.files", "-o", t]);
    assert_eq!(code, 1);
    assert!(err.contains("exists; use --force to replace it"), "{err}");
    assert_eq!(std::fs::read(&target).unwrap(), b"ROOTFS_ADDED_I9\n");
    // A failed cat leaves nothing behind.
    let missing = dir.path().join("missing");
    let (_, _, code) = run_ckpt(&["cat", &archive, "/nothing", "-o", missing.to_str().unwrap()]);
    assert_eq!(code, 1);
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1);
}

#[test]
fn a_name_given_twice_is_ambiguous_for_cat() {
    let bytes = tar_bytes();
    let mut twice = tar::Builder::new(Vec::new());
    let mut archive = tar::Archive::new(&bytes[..]);
    for e in archive.entries().unwrap() {
        let mut e = e.unwrap();
        let header = e.header().clone();
        let mut content = Vec::new();
        std::io::Read::read_to_end(&mut e, &mut content).unwrap();
        twice.append(&header, &content[..]).unwrap();
        if e.path().unwrap().to_str() == Some("deleted.files") {
            twice.append(&header, &content[..]).unwrap();
        }
    }
    let twice = twice.into_inner().unwrap();
    let source = ckpt::Source::from_reader(&twice[..], "twice");
    let err = ckpt::cat::cat(
        source,
        "deleted.files",
        &ckpt::Limits::default(),
        &mut Vec::new(),
    )
    .unwrap_err();
    assert!(matches!(err, ckpt::Error::Ambiguous { .. }), "{err}");
}

#[test]
fn the_checkpoint_time_falls_back_to_what_the_archive_says() {
    // Podman writes no checkpoint time in config.dump (this one has none at
    // all); CRIU wrote stats-dump as the dump ended.
    let c = ckpt::read_path(fixture(ARCHIVE), &Options::new(ckpt::Want::default())).unwrap();
    assert!(c.config.as_ref().unwrap().checkpointed_time.is_zero());
    let stats_time = header_times()
        .into_iter()
        .find(|(p, _)| p == "stats-dump")
        .unwrap()
        .1;
    let at = c.checkpointed.unwrap();
    assert_eq!(at.source, ckpt::model::TimeSource::StatsDumpEntry);
    assert_eq!(at.time.unix_seconds(), stats_time as i64);
    let (tree, _, _) = on_archive(&["inspect"]);
    assert!(
        tree.contains(&format!(
            "Checkpointed: {} (no time in config.dump; from the stats-dump entry time)\n",
            at.time.to_rfc3339()
        )),
        "{tree}"
    );
    // CRI-O's own time is kept.
    let crio = ckpt::read_path(
        fixture("crio-counter.assembled.tar"),
        &Options::new(ckpt::Want::default()),
    )
    .unwrap();
    let crio_time = crio.checkpointed.unwrap();
    assert_eq!(crio_time.source, ckpt::model::TimeSource::ConfigDump);
    assert_eq!(crio_time.time.to_rfc3339(), "2026-11-28T17:38:20Z");
    // `list` never prints a year-1 date, and says where a time came from.
    let (out, _, code) = run_ckpt(&["list", "tests/fixtures/kubelet"]);
    assert_eq!(code, 0);
    assert!(!out.contains(" 01 "), "{out}");
    assert!(out.contains("UTC*"), "{out}");
    assert!(
        out.contains("* config.dump has no checkpoint time: taken from the stats-dump entry time")
    );
}

/// The markers the workload put in shared memory, from truth.json:
/// (marker, object, offset in the object, address in every process).
fn shared_markers() -> Vec<(String, String, u64, u64)> {
    each(&truth()["markers"])
        .filter(|m| ["memfd", "sysv_shm", "anon_shared"].contains(&m["object"].as_str().unwrap()))
        .map(|m| {
            let vaddr = m["vaddr"].as_str().unwrap().trim_start_matches("0x");
            (
                m["marker"].as_str().unwrap().to_owned(),
                m["object"].as_str().unwrap().to_owned(),
                m["offset"].as_u64().unwrap(),
                u64::from_str_radix(vaddr, 16).unwrap(),
            )
        })
        .collect()
}

#[test]
fn shared_memory_is_searched_once_and_attributed_to_every_mapping() {
    let truth = truth();
    let pids: Vec<u64> = each(&truth["processes"])
        .map(|p| p["pid"].as_u64().unwrap())
        .collect();
    let markers = shared_markers();
    assert_eq!(markers.len(), 4);
    for (marker, object, offset, vaddr) in &markers {
        let (out, err, code) = on_archive(&["memparse", "--search", marker, "--format", "json"]);
        assert_eq!((code, err.as_str()), (0, ""), "{marker}");
        let hits: Value = serde_json::from_str(&out).unwrap();
        let hits = hits.as_array().unwrap();
        assert_eq!(hits.len(), 1, "{marker}: found once, in the object: {out}");
        let hit = &hits[0];
        assert_eq!(hit["object_offset"], *offset, "{marker}");
        let expected_object = match object.as_str() {
            "memfd" => format!("memfd:{}", "ckpt-memfd"),
            "sysv_shm" => format!("sysv:{}", truth["mappings"]["sysv_shm"]["shmid"]),
            _ => "anon-shared:".to_owned(),
        };
        assert!(
            hit["object"]
                .as_str()
                .unwrap()
                .starts_with(&expected_object),
            "{hit}"
        );
        let mapped: Vec<(u64, String)> = each(&hit["mapped_at"])
            .map(|m| {
                (
                    m["pid"].as_u64().unwrap(),
                    m["address"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let expected: Vec<(u64, String)> =
            pids.iter().map(|&p| (p, format!("{vaddr:#x}"))).collect();
        assert_eq!(mapped, expected, "{marker}");
    }
    // The table has a row per process that maps it, named by the object.
    let (out, _, code) = on_archive(&["memparse", "--search", "CKPT_MEMFD_MARKER_A1"]);
    assert_eq!(code, 0);
    let rows: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("memfd:ckpt-memfd"))
        .collect();
    assert_eq!(rows.len(), 2, "{out}");
    // With --pid, only that process's view of it.
    let child = truth["child_pid"].to_string();
    let (out, _, _) = on_archive(&["memparse", "-p", &child, "--search", "CKPT_SYSV_MARKER_D4"]);
    assert!(
        out.contains("00007f1bfbc4e000   CKPT_SYSV_MARKER_D4   1"),
        "{out}"
    );
}

#[test]
fn shared_memory_is_listed_and_dumped_by_object() {
    let truth = truth();
    let (out, _, code) = on_archive(&["memparse"]);
    assert_eq!(code, 0);
    let memfd = &truth["mappings"]["memfd"];
    let line = out
        .lines()
        .find(|l| l.starts_with("memfd:ckpt-memfd"))
        .unwrap();
    assert!(
        line.contains(&format!("{}.0 KiB", memfd["size"].as_u64().unwrap() / 1024)),
        "{line}"
    );
    for pid in memfd["in"].as_array().unwrap() {
        assert!(
            line.contains(&format!(
                "{pid} at {}",
                memfd["addr"].as_str().unwrap().trim_start_matches("0x")
            )),
            "{line}"
        );
    }
    let sysv = &truth["mappings"]["sysv_shm"];
    let line = out.lines().find(|l| l.starts_with("sysv:")).unwrap();
    assert!(
        line.contains(&format!("{}.0 KiB", sysv["size"].as_u64().unwrap() / 1024)),
        "{line}"
    );

    // The hexdump of the object, by offset: the markers at their offsets.
    for (marker, object, offset, _) in shared_markers() {
        if object != "memfd" {
            continue;
        }
        let (out, _, code) = on_archive(&["memparse", "--shared", "memfd:ckpt-memfd"]);
        assert_eq!(code, 0);
        let row = out
            .lines()
            .find(|l| l.starts_with(&format!("{offset:016x}")))
            .unwrap();
        assert!(row.ends_with(&format!("|{}|", &marker[..16])), "{row}");
    }
    // Dumped to a file, whole or not at all.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sysv.hex");
    let sysv_marker = each(&truth["markers"])
        .find(|m| m["object"] == "sysv_shm")
        .unwrap();
    let (_, _, code) = on_archive(&[
        "memparse",
        "--shared",
        &format!("sysv:{}", sysv["shmid"]),
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let dump = std::fs::read_to_string(&file).unwrap();
    let at = format!("{:016x}", sysv_marker["offset"].as_u64().unwrap());
    let row = dump.lines().find(|l| l.starts_with(&at)).unwrap();
    assert!(row.ends_with("|CKPT_SYSV_MARKER|"), "{row}");
    let (_, err, code) = on_archive(&["memparse", "--shared", "memfd:nothing"]);
    assert_eq!(code, 1);
    assert!(err.contains("memfd:nothing not found; nearest: "), "{err}");

    // --pages names the owner of every pages file.
    let (out, _, _) = on_archive(&["memparse", "--pages", "--format", "json"]);
    let files: Value = serde_json::from_str(&out).unwrap();
    let owners: Vec<String> = files
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            f.get("shared")
                .and_then(Value::as_str)
                .map_or_else(|| f["pid"].to_string(), str::to_owned)
        })
        .collect();
    assert_eq!(owners.len(), 5);
    assert!(
        owners.contains(&"memfd:ckpt-memfd".to_owned()) && owners.contains(&"sysv:0".to_owned())
    );
    assert!(
        owners.contains(&truth["pid"].to_string())
            && owners.contains(&truth["child_pid"].to_string())
    );
}

#[test]
fn dev_shm_objects_are_read_from_ghost_files_and_devshm_tar() {
    // Deleted while open: its content is CRIU's ghost file.
    let truth = truth();
    let unlinked = &truth["mappings"]["posix_shm"];
    let marker = each(&truth["markers"])
        .find(|m| m["object"] == "posix_shm")
        .unwrap();
    // Left linked: Podman's devshm-checkpoint.tar holds it.
    let linked_truth: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("workload-src/truth-shm-linked.json")).unwrap(),
    )
    .unwrap();
    let linked = &linked_truth["mappings"]["posix_shm"];
    assert_eq!(unlinked["unlinked"], true);
    assert_eq!(linked["unlinked"], false);
    for (archive, object, file) in [
        (ARCHIVE, unlinked, "checkpoint/ghost-file-1.img"),
        (
            "shm-linked.tar.zst",
            linked,
            "devshm-checkpoint.tar/ckpt-shm",
        ),
    ] {
        let path = format!("tests/fixtures/{archive}");
        let (out, err, code) = run_ckpt(&[
            "memparse",
            "--search",
            marker["marker"].as_str().unwrap(),
            "--format",
            "json",
            &path,
        ]);
        assert_eq!((code, err.as_str()), (0, ""), "{archive}");
        let hits: Value = serde_json::from_str(&out).unwrap();
        let hit = hits
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h.get("object").is_some())
            .unwrap();
        assert_eq!(
            hit["object"],
            format!("shm:{}", object["path"].as_str().unwrap())
        );
        assert_eq!(hit["pages_file"], file, "{archive}");
        assert_eq!(hit["object_offset"], marker["offset"], "{archive}");
        let base = u64::from_str_radix(
            object["addr"].as_str().unwrap().trim_start_matches("0x"),
            16,
        )
        .unwrap();
        let address = format!("{:#x}", base + marker["offset"].as_u64().unwrap());
        let mapped: Vec<(u64, &str)> = each(&hit["mapped_at"])
            .map(|m| (m["pid"].as_u64().unwrap(), m["address"].as_str().unwrap()))
            .collect();
        let expected: Vec<(u64, &str)> = each(&object["in"])
            .map(|p| (p.as_u64().unwrap(), address.as_str()))
            .collect();
        assert_eq!(mapped, expected, "{archive}");
        // Listed with where its content is, and dumped by offset.
        let (out, _, _) = run_ckpt(&["memparse", &path]);
        let row = out
            .lines()
            .find(|l| l.starts_with("shm:/dev/shm/ckpt-shm"))
            .unwrap();
        assert!(row.contains(file), "{row}");
        let (out, _, code) = run_ckpt(&[
            "memparse",
            "--shared",
            "shm:/dev/shm/ckpt-shm",
            "--address",
            "0x60-0x70",
            &path,
        ]);
        assert_eq!(code, 0);
        assert!(out.contains("0000000000000060  00 00 00 00 43 4b 50 54 5f 53 48 4d 5f 4d 41 52  |....CKPT_SHM_MAR|"), "{out}");
    }
}
