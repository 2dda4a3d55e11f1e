//! `inspect` on the real fixtures: the same facts as checkpointctl's
//! `inspect --all --format json` on the same archives (tests/golden/inspect,
//! its output, whose lists come in random order: compared sorted), and the
//! real values of the corpus MANIFEST.

#![cfg(feature = "views")]

mod common;

use ckpt::views::{InspectOptions, Inspection};
use ckpt::{Options, Source};
use common::fixture;
use serde_json::Value;

fn inspect(file: &str, inspect: &InspectOptions) -> Inspection {
    let options = Options::new(inspect.want());
    let c = ckpt::read_path(fixture(file), &options).unwrap();
    Inspection::new(&c, inspect).unwrap()
}

fn sort_by_pid(list: &mut Value) {
    if let Value::Array(items) = list {
        items.sort_by_key(|i| i["pid"].as_u64());
    }
}

fn sort_tree(node: &mut Value) {
    if let Some(children) = node.get_mut("children") {
        sort_by_pid(children);
        for c in children.as_array_mut().into_iter().flatten() {
            sort_tree(c);
        }
    }
}

/// Our JSON without what checkpointctl does not print, and unix sockets
/// reduced to what it prints for them.
fn strip_extras(v: &mut Value) {
    let obj = v.as_object_mut().unwrap();
    for key in ["archive", "warnings", "criu_mounts", "rootfs_diff"] {
        obj.remove(key);
    }
    // A checkpoint time not from config.dump is ckpt's.
    if obj
        .get("checkpointed_from")
        .is_some_and(|f| f != "config.dump")
    {
        obj.remove("checkpointed");
    }
    obj.remove("checkpointed_from");
    // checkpointctl leaves out lists it found empty; ckpt prints `[]`.
    obj.retain(|_, v| v.as_array().is_none_or(|a| !a.is_empty()));
    if let Some(Value::Object(sizes)) = obj.get_mut("checkpoint_size") {
        sizes.retain(|_, v| v != 0);
    }
    if let Some(Value::Object(stats)) = obj.get_mut("statistics") {
        stats.remove("pages_skipped_parent");
        stats.remove("pages_lazy");
    }
    fn no_ppid(node: &mut Value) {
        node.as_object_mut().unwrap().remove("ppid");
        node.as_object_mut().unwrap().remove("threads");
        node.as_object_mut().unwrap().remove("thread_details");
        node.as_object_mut().unwrap().remove("environment");
        let children = node.get_mut("children").and_then(Value::as_array_mut);
        for c in children.into_iter().flatten() {
            no_ppid(c);
        }
    }
    if let Some(tree) = obj.get_mut("process_tree") {
        no_ppid(tree);
    }
    let fds = obj
        .get_mut("file_descriptors")
        .and_then(Value::as_array_mut);
    for fds in fds.into_iter().flatten() {
        for f in fds["open_files"].as_array_mut().into_iter().flatten() {
            f.as_object_mut().unwrap().remove("pos");
        }
    }
    let sockets = obj.get_mut("sockets").and_then(Value::as_array_mut);
    for sks in sockets.into_iter().flatten() {
        for s in sks["open_sockets"].as_array_mut().into_iter().flatten() {
            if s["data"]["type"] == "UNIX" {
                // checkpointctl prints no protocol, state or buffers for
                // unix sockets (and loses their type).
                let address = s["data"].get("address").cloned();
                *s = serde_json::json!({ "data": { "type": "UNIX" } });
                if let Some(a) = address.filter(|a| a != "") {
                    s["data"]["address"] = a;
                }
            }
        }
    }
}

fn normalise(v: &mut Value) {
    if let Some(tree) = v.get_mut("process_tree") {
        sort_tree(tree);
    }
    for key in ["file_descriptors", "sockets"] {
        if let Some(list) = v.get_mut(key) {
            sort_by_pid(list);
        }
    }
}

fn same_as_checkpointctl(fixture_name: &str, golden: &str) {
    let ours = inspect(fixture_name, &InspectOptions::all());
    assert!(
        ours.warnings.is_empty(),
        "{fixture_name}: {:?}",
        ours.warnings
    );
    let mut ours = serde_json::to_value(&ours).unwrap();
    strip_extras(&mut ours);
    normalise(&mut ours);
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("tests/golden/inspect/{golden}.json")),
    )
    .unwrap();
    let mut peer: Value = serde_json::from_str(&text).unwrap();
    let mut peer = peer[0].take();
    normalise(&mut peer);
    if let Some(difference) = first_difference(&ours, &peer, "") {
        panic!("{fixture_name}: {difference}");
    }
}

/// Where two JSON values first differ (maps compared as maps).
fn first_difference(a: &Value, b: &Value, path: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    None => return Some(format!("{path}.{k}: only in ours")),
                    Some(w) => {
                        if let Some(d) = first_difference(v, w, &format!("{path}.{k}")) {
                            return Some(d);
                        }
                    }
                }
            }
            y.keys()
                .find(|k| !x.contains_key(*k))
                .map(|k| format!("{path}.{k}: only in checkpointctl's"))
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (v, w))| first_difference(v, w, &format!("{path}[{i}]"))),
        _ if a == b => None,
        _ => Some(format!("{path}: {a} here, {b} in checkpointctl's")),
    }
}

#[test]
fn inspect_all_matches_checkpointctl() {
    same_as_checkpointctl("multi-proc.none.tar", "multi-proc.none.tar");
    same_as_checkpointctl("crio-counter.assembled.tar", "crio-counter.assembled.tar");
    same_as_checkpointctl("mini-sleep.none.tar", "mini-sleep.none.tar");
    same_as_checkpointctl("mini-sleep.gzip.tar.gz", "mini-sleep.gzip.tar.gz");
    same_as_checkpointctl("mini-sleep.zstd.tar.zst", "mini-sleep.zstd.tar.zst");
}

/// The GNU-tar packings put pages files before their pagemaps; read from a
/// compressed file, the pages are read in a second pass.
#[test]
fn gnu_tar_order_matches_checkpointctl() {
    same_as_checkpointctl("piggie-imgs.gnutar.tar.zst", "piggie-imgs.gnutar.tar");
    same_as_checkpointctl("piggie-diff-a.gnutar.tar.zst", "piggie-diff-a.gnutar.tar");
    same_as_checkpointctl("piggie-diff-b.gnutar.tar.zst", "piggie-diff-b.gnutar.tar");
}

#[test]
fn multi_proc_processes_files_and_sockets() {
    let i = inspect("multi-proc.none.tar", &InspectOptions::all());
    let tree = i.process_tree.as_ref().unwrap();
    let mut seen = vec![(tree.pid, tree.ppid, tree.command.clone())];
    let mut stack: Vec<_> = tree.children.iter().collect();
    while let Some(n) = stack.pop() {
        seen.push((n.pid, n.ppid, n.command.clone()));
        stack.extend(n.children.iter());
    }
    seen.sort();
    let names: Vec<(u32, u32, &str)> = seen
        .iter()
        .map(|(p, pp, c)| (*p, *pp, c.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            (1, 0, "ckpt-parent"),
            (6, 1, "pipe-writer"),
            (7, 1, "tcp-client"),
            (8, 1, "worker"),
            (9, 8, "grandchild")
        ]
    );
    assert_eq!(tree.cmdline.as_deref(), Some("/usr/bin/ckptwork multi "));
    let env = tree.environment_variables.as_ref().unwrap();
    assert_eq!(env["MARKER_ENV"], "ENV_MARKER_c0ffee");
    assert_eq!(env["EMPTY_VAR"], "");
    assert_eq!(env["HOSTNAME"], "6d4563df143d");

    let fds = i.file_descriptors.as_ref().unwrap();
    let pid1 = &fds.iter().find(|f| f.pid == 1).unwrap().open_files;
    let by_fd = |fd: &str| pid1.iter().find(|f| f.fd == fd).unwrap();
    assert_eq!(by_fd("REG 3").path, "/data/app.log");
    assert_eq!(by_fd("REG 3").pos, Some(26));
    assert_eq!(by_fd("REG 4").path, "/etc/passwd");
    assert_eq!(by_fd("REG 4").pos, Some(5));
    assert_eq!(by_fd("PIPE 6").path, "pipe[40330]");
    assert_eq!(by_fd("UNIXSK 8").path, "unix[40332 (40333) ]");
    let pid8 = &fds.iter().find(|f| f.pid == 8).unwrap().open_files;
    assert!(pid8.iter().any(|f| f.fd == "EVENTFD 8"));
    assert!(
        pid8.iter()
            .any(|f| f.fd == "UNIXSK 9" && f.path == "unix[40333 (40332) ]")
    );

    let sockets = i.sockets.as_ref().unwrap();
    let pid1 = &sockets.iter().find(|s| s.pid == 1).unwrap().open_sockets;
    let listen = &pid1[0].data;
    assert_eq!(
        (listen.state.as_str(), listen.src.as_str(), listen.src_port),
        ("LISTEN", "0.0.0.0", 8080)
    );
    let established = &pid1[1].data;
    assert_eq!(
        (
            established.state.as_str(),
            established.src_port,
            established.dst_port
        ),
        ("ESTABLISHED", 8080, 55174)
    );
    assert_eq!(pid1[2].protocol, "STREAM");
    assert_eq!(pid1[2].data.socket_type, "UNIX");
    let pid7 = &sockets.iter().find(|s| s.pid == 7).unwrap().open_sockets;
    assert_eq!(
        (pid7[0].data.src_port, pid7[0].data.dst_port),
        (55174, 8080)
    );

    let criu_mounts = i.criu_mounts.as_ref().unwrap();
    assert!(criu_mounts.iter().any(|m| m.mountpoint == "/vol"));
}

#[test]
fn test_imgs_zombie_stopped_and_tcp() {
    let i = inspect("piggie-imgs.gnutar.tar.zst", &InspectOptions::all());
    let tree = i.process_tree.as_ref().unwrap();
    let child = |pid: u32| tree.children.iter().find(|c| c.pid == pid).unwrap();
    assert_eq!(child(6).command, "piggie-zombie");
    // A zombie's pstree entry lists thread 0.
    assert_eq!(child(6).threads, [0]);
    assert_eq!(child(7).threads, [7]);
    assert_eq!(child(6).task_state.name(), "Dead");
    assert!(child(6).cmdline.is_none() && child(6).environment_variables.is_none());
    assert_eq!(child(7).command, "stopped-child");
    assert_eq!(child(7).task_state.name(), "Stopped");
    let env = child(7).environment_variables.as_ref().unwrap();
    assert_eq!(env["TEST_ENV"], "BAR");
    assert_eq!(env["TEST_ENV_EMPTY"], "");
    // The zombie has no files.
    let fds = i.file_descriptors.as_ref().unwrap();
    assert!(!fds.iter().any(|f| f.pid == 6));
    let sockets = i.sockets.as_ref().unwrap();
    let pid4 = &sockets.iter().find(|s| s.pid == 4).unwrap().open_sockets;
    assert_eq!(
        (pid4[0].data.state.as_str(), pid4[0].data.src_port),
        ("LISTEN", 5000)
    );
}

#[test]
fn pid_starts_the_tree_and_unknown_pids_are_errors() {
    let o = InspectOptions {
        pid: Some(4),
        files: true,
        ..InspectOptions::default()
    };
    let i = inspect("piggie-imgs.gnutar.tar.zst", &o.normalized());
    let tree = i.process_tree.as_ref().unwrap();
    assert_eq!(
        (tree.pid, tree.children.len(), tree.children[0].pid),
        (4, 1, 9)
    );
    let pids: Vec<u32> = i
        .file_descriptors
        .as_ref()
        .unwrap()
        .iter()
        .map(|f| f.pid)
        .collect();
    assert_eq!(pids, [4, 9]);

    let o = InspectOptions {
        pid: Some(99999),
        ..InspectOptions::default()
    };
    let options = Options::new(o.want());
    let c = ckpt::read_path(fixture("multi-proc.none.tar"), &options).unwrap();
    match Inspection::new(&c, &o) {
        Err(e @ ckpt::Error::NoSuchProcess { .. }) => {
            assert!(e.to_string().ends_with("no process with PID 99999"), "{e}")
        }
        other => panic!("{other:?}"),
    }
    // The CLI adds what to do about it.
    #[cfg(feature = "cli")]
    {
        let out = assert_cmd::Command::cargo_bin("ckpt")
            .unwrap()
            .args(["inspect", "-p", "99999"])
            .arg(fixture("multi-proc.none.tar"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.ends_with("no process with PID 99999 (use `inspect --ps-tree` to view all PIDs)\n"),
            "{err}"
        );
    }
}

/// From a stream that cannot be read twice, pages that come before their
/// pagemap cannot be read: said, not guessed.
#[test]
fn gnu_order_from_a_stream_says_what_is_missing() {
    let bytes = std::fs::read(fixture("piggie-imgs.gnutar.tar.zst")).unwrap();
    let o = InspectOptions::all();
    let options = Options::new(o.want());
    let c = ckpt::read(Source::from_reader(&bytes[..], "stdin"), &options).unwrap();
    let i = Inspection::new(&c, &o).unwrap();
    let unavailable: Vec<&str> = i
        .warnings
        .iter()
        .map(|w| w.message.as_str())
        .filter(|m| m.contains("unavailable"))
        .collect();
    assert!(!unavailable.is_empty());
    assert!(
        unavailable
            .iter()
            .all(|m| m.contains("came before its pagemap")),
        "{unavailable:?}"
    );
    // The rest is there.
    assert_eq!(i.process_tree.as_ref().unwrap().command, "piggie");
}

/// The same archive as a plain tar by path: seeks back, everything found.
#[test]
fn gnu_order_from_a_plain_file_seeks_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("piggie.tar");
    let mut tar = Vec::new();
    let mut d = zstd::stream::read::Decoder::new(
        std::fs::File::open(fixture("piggie-imgs.gnutar.tar.zst")).unwrap(),
    )
    .unwrap();
    std::io::Read::read_to_end(&mut d, &mut tar).unwrap();
    std::fs::write(&path, &tar).unwrap();
    let o = InspectOptions::all();
    let options = Options::new(o.want());
    let c = ckpt::read_path(&path, &options).unwrap();
    let i = Inspection::new(&c, &o).unwrap();
    assert!(i.warnings.is_empty(), "{:?}", i.warnings);
    assert_eq!(
        i.process_tree.as_ref().unwrap().cmdline.as_deref(),
        Some("piggie/piggie --tcp-socket --zombie ")
    );
}

/// `ckpt inspect DIR` on a bare CRIU image directory, as crit reads one.
#[test]
fn bare_image_directory() {
    let dir = tempfile::tempdir().unwrap();
    let file = std::fs::File::open(fixture("piggie-imgs.gnutar.tar.zst")).unwrap();
    let mut tar = tar::Archive::new(zstd::stream::read::Decoder::new(file).unwrap());
    for entry in tar.entries().unwrap() {
        let mut entry = entry.unwrap();
        let path = entry.path().unwrap().into_owned();
        // The images only, at the top of the directory.
        if let Ok(rest) = path.strip_prefix("./checkpoint")
            && entry.header().entry_type().is_file()
        {
            entry.unpack(dir.path().join(rest)).unwrap();
        }
    }
    let o = InspectOptions::all();
    let options = Options::new(o.want());
    let c = ckpt::read_path(dir.path(), &options).unwrap();
    let i = Inspection::new(&c, &o).unwrap();
    let tree = i.process_tree.as_ref().unwrap();
    assert_eq!(tree.command, "piggie");
    assert_eq!(
        tree.environment_variables.as_ref().unwrap()["TEST_ENV"],
        "BAR"
    );
    assert_eq!(i.statistics.as_ref().unwrap().pages_written, 176);
    let warned: Vec<_> = i
        .warnings
        .iter()
        .filter_map(|w| w.entry.as_deref())
        .collect();
    assert_eq!(warned, ["config.dump", "spec.dump"]);
}

/// The real 48 MiB mem48 checkpoint (rebuilt from its fixture), as a plain
/// tar by path: argv and env come from the last pages of a 48 MiB pages
/// file, read by offset.
#[test]
fn mem48_memhog() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mem48.tar");
    std::fs::write(&path, common::mem48_tar()).unwrap();
    let o = InspectOptions::all();
    let options = Options::new(o.want());
    let c = ckpt::read_path(&path, &options).unwrap();
    assert_eq!(c.sizes.pages, 50_401_280);
    let i = Inspection::new(&c, &o).unwrap();
    assert!(i.warnings.is_empty(), "{:?}", i.warnings);
    assert_eq!(i.header.container_name, "mem48");
    let tree = i.process_tree.as_ref().unwrap();
    assert_eq!((tree.pid, tree.command.as_str()), (1, "memhog"));
    assert_eq!(tree.cmdline.as_deref(), Some("/usr/bin/ckptwork mem 48 "));
    assert_eq!(tree.environment_variables.as_ref().unwrap()["BENCH"], "1");
    assert_eq!(i.statistics.as_ref().unwrap().pages_written, 12_305);
}
