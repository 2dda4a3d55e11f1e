//! Pod checkpoints through the binary: `show`, `inspect`, `memparse`,
//! `diff`, `cat`, `coredump` and `list`, on archives built in code
//! (tests/common/pods.rs) from the real `crio-counter` and `mini-sleep`
//! dumps, and on the README's fixtures. What each command prints of a
//! pod's container must be what it prints of that container's checkpoint
//! read on its own.

mod common;

use std::path::{Path, PathBuf};

use common::pods::{self, COUNTER_ID, NAMESPACE, POD, SLEEPER_ID, UID};
use common::{Item, run_ckpt};

/// The three layouts of the pod, written as tars and as the directory the
/// CRI writes, in `dir`.
fn pods_in(dir: &Path) -> Vec<PathBuf> {
    let c = pods::containers();
    let mut out = Vec::new();
    for (name, items) in [
        ("pod-options", pods::pod_options_items(&c)),
        ("containerd", pods::containerd_items(&c)),
        ("crio-manifest", pods::crio_manifest_items(&c)),
    ] {
        let tar = dir.join(format!("{name}.tar"));
        std::fs::write(&tar, common::plain(&items)).unwrap();
        let root = dir.join(format!("{name}.d"));
        pods::write_dir(&items, &root);
        out.extend([tar, root]);
    }
    out
}

/// The two containers' checkpoints on their own, in `dir`.
fn alone_in(dir: &Path) -> (PathBuf, PathBuf) {
    let (counter, sleeper) = (dir.join("counter.tar"), dir.join("sleeper.tar"));
    std::fs::write(&counter, pods::counter().tar()).unwrap();
    std::fs::write(&sleeper, pods::sleeper().tar()).unwrap();
    (counter, sleeper)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn show_prints_the_pod_and_a_row_per_container() {
    let dir = tempfile::tempdir().unwrap();
    for pod in pods_in(dir.path()) {
        let (out, err, code) = run_ckpt(&["show", s(&pod)]);
        assert_eq!(code, 0, "{}: {err}", pod.display());
        assert!(
            out.contains(&format!("Pod {POD} in namespace {NAMESPACE} (UID {UID})")),
            "{out}"
        );
        assert!(out.contains("2 container(s)"), "{out}");
        let rows: Vec<&str> = out
            .lines()
            .filter(|l| l.starts_with("counter ") || l.starts_with("sleeper "))
            .collect();
        assert_eq!(rows.len(), 2, "{out}");
        assert!(rows[0].contains(&COUNTER_ID[..12]) && rows[0].contains("170.1 KiB"));
        assert!(rows[1].contains(&SLEEPER_ID[..12]) && rows[1].contains("89.9 KiB"));

        let (json, _, code) = run_ckpt(&["show", "--format", "json", s(&pod)]);
        assert_eq!(code, 0);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let names: Vec<(&str, &str, &str)> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    o["pod"]["pod"].as_str().unwrap(),
                    o["pod"]["container"].as_str().unwrap(),
                    o["id"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            names,
            [(POD, "counter", COUNTER_ID), (POD, "sleeper", SLEEPER_ID)]
        );
    }
}

#[test]
fn show_reads_a_pod_from_standard_input() {
    let c = pods::containers();
    for items in [pods::pod_options_items(&c), pods::crio_manifest_items(&c)] {
        let tar = common::zstd(&common::plain(&items));
        let out = assert_cmd::Command::cargo_bin("ckpt")
            .unwrap()
            .args(["show", "-"])
            .write_stdin(tar)
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(out.status.success(), "{stdout}");
        assert!(stdout.contains(&COUNTER_ID[..12]) && stdout.contains(&SLEEPER_ID[..12]));
    }
}

#[test]
fn inspect_shows_every_container_or_the_one_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let (_, sleeper) = alone_in(dir.path());
    let (alone, _, _) = run_ckpt(&["inspect", "--ps-tree-cmd", "--format", "json", s(&sleeper)]);
    let alone: serde_json::Value = serde_json::from_str(&alone).unwrap();
    for pod in pods_in(dir.path()) {
        let (out, err, code) = run_ckpt(&["inspect", "--ps-tree-cmd", s(&pod)]);
        assert_eq!(code, 0, "{err}");
        // mini-sleep's process, as the MANIFEST has it, and counter's shell.
        assert!(out.contains("[1]  sleep 1000000"), "{out}");
        assert!(out.contains("echo $i > /tmp/counter"), "{out}");
        assert!(out.contains("(pod counters, container sleeper)"), "{out}");

        let args = ["inspect", "--ps-tree-cmd", "--container", "sleeper"];
        let (out, _, code) = run_ckpt(&[&args[..], &[s(&pod)]].concat());
        assert_eq!(code, 0);
        assert!(out.contains("sleep 1000000") && !out.contains("/tmp/counter"));

        let args = [
            "inspect",
            "--ps-tree-cmd",
            "--format",
            "json",
            "--container",
        ];
        let (json, _, _) = run_ckpt(&[&args[..], &[&SLEEPER_ID[..8], s(&pod)]].concat());
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v.as_array().unwrap().len(), 1);
        assert_eq!(v[0]["process_tree"], alone[0]["process_tree"]);
        assert_eq!(v[0]["pod"]["container"], "sleeper");
    }
}

#[test]
fn a_container_the_pod_lacks_is_an_error_naming_the_ones_it_has() {
    let (_, err, code) = run_ckpt(&[
        "inspect",
        "--container",
        "web",
        "tests/fixtures/pod-counters.tar.zst",
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("web") && err.contains("counter, sleeper"),
        "{err}"
    );
}

#[test]
fn memparse_lists_each_container_and_reads_memory_of_the_one_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let (counter, sleeper) = alone_in(dir.path());
    for pod in pods_in(dir.path()) {
        let (out, _, code) = run_ckpt(&["memparse", s(&pod)]);
        assert_eq!(code, 0);
        // 17 pages of mini-sleep's sleep: 68.0 KiB.
        assert!(out.contains("(pod counters, container sleeper)"), "{out}");
        assert!(out.contains("1     sleep          68.0 KiB"), "{out}");
        assert!(out.contains("11    sleep          60.0 KiB"), "{out}");

        // Memory needs one container.
        let (_, err, code) = run_ckpt(&["memparse", "--pid", "1", s(&pod)]);
        assert_eq!(code, 1);
        assert!(
            err.contains("--container") && err.contains("counter, sleeper"),
            "{err}"
        );

        for (name, alone) in [("sleeper", &sleeper), ("counter", &counter)] {
            let (want, _, _) = run_ckpt(&["memparse", "--pid", "1", "--format", "json", s(alone)]);
            let args = [
                "memparse",
                "--pid",
                "1",
                "--format",
                "json",
                "--container",
                name,
            ];
            let (got, err, code) = run_ckpt(&[&args[..], &[s(&pod)]].concat());
            assert_eq!(code, 0, "{err}");
            // The same bytes at the same addresses; only the archive named
            // differs.
            let rows =
                |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap()["rows"].clone();
            let (got, want) = (rows(&got), rows(&want));
            assert!(got.as_array().unwrap().len() > 1000);
            assert!(got == want, "{name} from {}", pod.display());
        }
        let args = ["memparse", "--container", "counter", "--search", "count $i"];
        let (out, _, code) = run_ckpt(&[&args[..], &[s(&pod)]].concat());
        assert_eq!(code, 0);
        assert!(
            out.lines()
                .any(|l| l.starts_with("1 ") && l.contains("count $i")),
            "{out}"
        );
        let args = ["memparse", "--container", "sleeper", "--search", "count $i"];
        let (out, _, _) = run_ckpt(&[&args[..], &[s(&pod)]].concat());
        assert!(out.contains("No matches"), "{out}");
        search_every_container(&pod);
    }
}

/// Without `--container`, a search covers every container: each
/// container's matches are those it has read alone, under its heading.
fn search_every_container(pod: &Path) {
    let json = |args: &[&str]| -> serde_json::Value {
        let (out, err, code) = run_ckpt(&[args, &["--format", "json", s(pod)]].concat());
        assert_eq!(code, 0, "{err}");
        serde_json::from_str(&out).unwrap()
    };
    let search = ["memparse", "--search-regex", "count \\$i|sleep"];
    let all = json(&search);
    let by_container: Vec<(&str, &serde_json::Value)> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["pod"]["container"].as_str().unwrap(), &e["matches"]))
        .collect();
    assert_eq!(by_container.len(), 2, "{all}");
    for (name, matches) in by_container {
        // One container, named as well: an array of one.
        let alone = json(&[&search[..], &["--container", name]].concat());
        assert_eq!(matches, &alone[0]["matches"], "{name} in {}", pod.display());
        assert!(!matches.as_array().unwrap().is_empty(), "{name}");
    }
    // The table: a heading per container, counter's matches under its.
    let (out, _, code) = run_ckpt(&["memparse", "--search", "count $i", s(pod)]);
    assert_eq!(code, 0);
    let (counter, sleeper) = out
        .split_once("(pod counters, container sleeper)")
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        counter.contains("(pod counters, container counter)"),
        "{out}"
    );
    assert!(
        counter
            .lines()
            .any(|l| l.starts_with("1 ") && l.contains("count $i"))
    );
    assert!(sleeper.contains("No matches"), "{out}");
    // --pid looks in every container: 11 is counter's alone.
    let (out, _, code) = run_ckpt(&["memparse", "--search", "sleep", "-p", "11", s(pod)]);
    assert_eq!(code, 0, "{out}");
    let (_, err, code) = run_ckpt(&["memparse", "--search", "sleep", "-p", "99", s(pod)]);
    assert_eq!(code, 1);
    assert!(err.contains("99"), "{err}");
}

/// A process's pages compared: pid, unchanged pages, ranges that changed.
type Compared = (u64, u64, usize);

#[test]
fn diff_pairs_the_containers_of_two_pods_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let layouts = pods_in(dir.path());
    let (a, b) = (&layouts[0], &layouts[5]);
    let (out, err, code) = run_ckpt(&["diff", s(a), s(b)]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Pod counters, container counter"));
    assert!(out.contains("Pod counters, container sleeper"));
    let (json, _, _) = run_ckpt(&["diff", "--format", "json", s(a), s(b)]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let pairs: Vec<(&str, &str)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["checkpoint_a"]["pod"]["container"].as_str().unwrap(),
                d["container_id"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(pairs, [("counter", COUNTER_ID), ("sleeper", SLEEPER_ID)]);
    // Memory is compared container by container, or for the one chosen;
    // the same dumps: no change. Every page of each process is compared:
    // counter's 76.0 KiB and 60.0 KiB and sleeper's 68.0 KiB, as memparse
    // has them.
    let unchanged = |doc: &serde_json::Value| -> Vec<Compared> {
        doc["memory_changes"]["processes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let changes = ["added", "removed", "changed"]
                    .iter()
                    .map(|k| p[k].as_array().unwrap().len())
                    .sum();
                (
                    p["pid"].as_u64().unwrap(),
                    p["unchanged_pages"].as_u64().unwrap(),
                    changes,
                )
            })
            .collect()
    };
    let args = ["diff", "--memory", "--format", "json"];
    for (chosen, want) in [
        (
            None,
            vec![
                ("counter", vec![(1, 19, 0), (11, 15, 0)]),
                ("sleeper", vec![(1, 17, 0)]),
            ],
        ),
        (
            Some("counter"),
            vec![("counter", vec![(1, 19, 0), (11, 15, 0)])],
        ),
        (Some("sleeper"), vec![("sleeper", vec![(1, 17, 0)])]),
    ] {
        let choice: Vec<&str> = chosen.map(|c| vec!["--container", c]).unwrap_or_default();
        let (json, err, code) = run_ckpt(&[&args[..], &choice, &[s(a), s(b)]].concat());
        assert_eq!(code, 0, "{err}");
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let docs: Vec<serde_json::Value> = match v {
            serde_json::Value::Array(docs) => docs,
            one => vec![one],
        };
        let got: Vec<(&str, Vec<Compared>)> = docs
            .iter()
            .map(|d| (d["container_name"].as_str().unwrap(), unchanged(d)))
            .collect();
        assert_eq!(got, want, "{chosen:?}");
    }
}

#[test]
fn diff_names_a_container_only_one_pod_has() {
    let dir = tempfile::tempdir().unwrap();
    let both = pods::containers();
    let one: Vec<Item> = pods::pod_options_items(&both)
        .into_iter()
        .filter(|i| match i {
            Item::File(n, _) | Item::Dir(n) => !n.starts_with(SLEEPER_ID),
            _ => true,
        })
        .collect();
    let (a, b) = (dir.path().join("a.tar"), dir.path().join("b.tar"));
    std::fs::write(&a, common::plain(&one)).unwrap();
    std::fs::write(&b, common::plain(&pods::crio_manifest_items(&both))).unwrap();
    let (out, err, code) = run_ckpt(&["diff", s(&a), s(&b)]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Container sleeper: only in B"), "{out}");
}

#[test]
fn cat_writes_a_file_of_the_container_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let (counter, sleeper) = alone_in(dir.path());
    for pod in pods_in(dir.path()) {
        for (name, alone, path) in [
            ("counter", &counter, "/tmp/counter"),
            ("counter", &counter, "checkpoint/pstree.img"),
            ("sleeper", &sleeper, "config.dump"),
        ] {
            let (want, _, _) = run_ckpt(&["cat", s(alone), path]);
            let (got, err, code) = run_ckpt(&["cat", "--container", name, s(&pod), path]);
            assert_eq!(code, 0, "{name} {path} from {}: {err}", pod.display());
            assert!(!want.is_empty());
            assert_eq!(got, want, "{name} {path} from {}", pod.display());
        }
        let (_, err, code) = run_ckpt(&["cat", "--container", "sleeper", s(&pod), "/tmp/counter"]);
        assert_eq!(code, 1);
        assert!(err.contains("/tmp/counter not found"), "{err}");
    }
}

#[test]
fn coredump_writes_the_cores_of_the_container_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let pod = &pods_in(dir.path())[0];
    let cores = dir.path().join("cores");
    let o = s(&cores);
    let (_, err, code) = run_ckpt(&["coredump", "--container", "counter", s(pod), "-o", o]);
    assert_eq!(code, 0, "{err}");
    let mut written: Vec<String> = std::fs::read_dir(&cores)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(written, ["core.1", "core.11"]);
    let elf = std::fs::read(cores.join("core.1")).unwrap();
    assert_eq!(&elf[..4], b"\x7fELF");
    let (_, err, code) = run_ckpt(&["coredump", s(pod), "-o", s(&dir.path().join("c2"))]);
    assert_eq!(code, 1);
    assert!(err.contains("--container"), "{err}");
}

#[test]
fn list_finds_pod_checkpoints_beside_container_ones() {
    let dir = tempfile::tempdir().unwrap();
    let c = pods::containers();
    let kubelet = dir.path().join("kubelet");
    std::fs::create_dir(&kubelet).unwrap();
    std::fs::write(
        kubelet.join("checkpoint-counters_default-2026-11-28T17:38:20Z.tar"),
        common::plain(&pods::pod_options_items(&c)),
    )
    .unwrap();
    pods::write_dir(
        &pods::crio_manifest_items(&c),
        &kubelet.join(format!("checkpoint-{UID}")),
    );
    std::fs::copy(
        common::fixture("mini-sleep.none.tar"),
        kubelet.join("checkpoint-mini-sleep.tar"),
    )
    .unwrap();
    let (json, err, code) = run_ckpt(&["list", "--format", "json", s(&kubelet)]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rows: Vec<(&str, &str, &str)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["pod"].as_str().unwrap(),
                r["container"].as_str().unwrap(),
                r["checkpoint_name"].as_str().unwrap(),
            )
        })
        .collect();
    let dir_name = format!("checkpoint-{UID}");
    assert_eq!(
        rows,
        [
            ("", "mini-sleep", "checkpoint-mini-sleep.tar"),
            (POD, "counter", dir_name.as_str()),
            (POD, "sleeper", dir_name.as_str()),
            (
                POD,
                "counter",
                "checkpoint-counters_default-2026-11-28T17:38:20Z.tar"
            ),
            (
                POD,
                "sleeper",
                "checkpoint-counters_default-2026-11-28T17:38:20Z.tar"
            ),
        ]
    );
}

#[test]
fn check_checks_every_container_of_a_pod() {
    let node = "tests/fixtures/check/node.json";
    let pod = "tests/fixtures/pod-counters.manifest.tar.zst";
    let (json, err, _) = run_ckpt(&["check", "--target", node, "--format", "json", pod]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {err}"));
    let each: Vec<(&str, &str)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let engine = r["lines"]
                .as_array()
                .unwrap()
                .iter()
                .find(|l| l["name"] == "engine")
                .unwrap();
            (
                r["archive"].as_str().unwrap(),
                engine["needed"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(each.len(), 2);
    assert!(
        each[0].0.ends_with("(pod counters, container counter)"),
        "{each:?}"
    );
    assert!(
        each[1].0.ends_with("(pod counters, container sleeper)"),
        "{each:?}"
    );
    assert!(
        each.iter().all(|(_, engine)| *engine == "cri-o"),
        "{each:?}"
    );
    // sleeper's checkpoint has no dump.log: the CRIU version comes from
    // pod.options' org.criu.checkpoint.criu.version, 40200, as CRIU says it.
    let pod_options = "tests/fixtures/pod-counters.tar.zst";
    let args = ["check", "--target", node, "--format", "json"];
    let (json, _, _) = run_ckpt(&[&args[..], &["--container", "sleeper", pod_options]].concat());
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v[0]["requirements"]["criu_version"], "4.2");
    // A pod's reports are an array, of one when a container is chosen.
    let args = [
        "check",
        "--target",
        node,
        "--format",
        "json",
        "--container",
        "counter",
        pod,
    ];
    let (json, _, _) = run_ckpt(&args);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert!(
        v[0]["archive"]
            .as_str()
            .unwrap()
            .ends_with("container counter)")
    );
}

#[test]
fn decode_lists_and_decodes_a_containers_images() {
    let pod = "tests/fixtures/pod-counters.tar.zst";
    let (out, _, code) = run_ckpt(&["decode", pod]);
    assert_eq!(code, 0);
    assert!(out.contains("(pod counters, container counter)") && out.contains("core-11.img"));
    assert!(out.contains("(pod counters, container sleeper)"));
    let (json, err, code) = run_ckpt(&["decode", "--container", "counter", pod, "pstree.img"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let pids: Vec<u64> = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pid"].as_u64().unwrap())
        .collect();
    assert_eq!(pids, [1, 11]);
}

#[test]
fn json_names_the_pod_and_container_of_memory() {
    let pod = "tests/fixtures/pod-counters.tar.zst";
    let args = [
        "memparse",
        "--format",
        "json",
        "--container",
        "counter",
        "--search",
        "while",
        pod,
    ];
    let (json, err, code) = run_ckpt(&args);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v[0]["pod"]["pod"], POD);
    assert_eq!(v[0]["pod"]["container"], "counter");
    assert_eq!(v[0]["matches"].as_array().unwrap().len(), 3);
    let args = [
        "memparse",
        "--format",
        "json",
        "--container",
        "sleeper",
        "-p",
        "1",
        pod,
    ];
    let (json, _, code) = run_ckpt(&args);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        (v["container"].as_str(), v["pid"].as_u64()),
        (Some("sleeper"), Some(1))
    );
    // 17 pages of mini-sleep's sleep, 16 bytes a row.
    assert_eq!(v["rows"].as_array().unwrap().len(), 17 * 4096 / 16);
}

#[test]
fn a_pid_is_looked_for_in_every_container_of_a_pod() {
    let pod = "tests/fixtures/pod-counters.tar.zst";
    // Only counter has a pid 11 (its `sleep 1`): no error for sleeper.
    let (out, err, code) = run_ckpt(&["inspect", "--ps-tree-cmd", "-p", "11", pod]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("[11]  sleep 1") && out.contains("container counter"),
        "{out}"
    );
    assert!(!out.contains("container sleeper"), "{out}");
    // No container has a pid 4.
    let (_, err, code) = run_ckpt(&["inspect", "--ps-tree", "-p", "4", pod]);
    assert_eq!(code, 1);
    assert_eq!(err.matches("no process with PID 4").count(), 2, "{err}");
}

#[test]
fn build_makes_an_image_of_a_pod_with_its_annotations() {
    let dir = tempfile::tempdir().unwrap();
    for (fixture, engine_version) in [
        ("pod-counters.tar.zst", Some("1.36.0")),
        ("pod-counters.manifest.tar.zst", None),
    ] {
        let out = dir.path().join(format!("{fixture}.oci.tar"));
        let f = format!("tests/fixtures/{fixture}");
        let args = [
            "build",
            "--format",
            "json",
            &f,
            "localhost/pod:1",
            "-o",
            s(&out),
        ];
        let (json, err, code) = run_ckpt(&args);
        assert_eq!(code, 0, "{err}");
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let a = &v["annotations"];
        assert_eq!(a["org.criu.checkpoint.pod.name"], POD);
        assert_eq!(a["org.criu.checkpoint.pod.namespace"], NAMESPACE);
        assert_eq!(a["org.criu.checkpoint.pod.uid"], UID);
        assert_eq!(a["org.criu.checkpoint.engine.name"], "cri-o");
        assert_eq!(
            a["org.criu.checkpoint.engine.version"].as_str(),
            engine_version
        );
        assert!(out.exists());
    }
}
