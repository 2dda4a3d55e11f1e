//! `ckpt check`: what the fixtures require of a node, and every line of
//! the check made to warn or fail, by a node description (written to a
//! temporary file and given with `--target`, or read with
//! `Host::from_json`) or by an archive changed in code. The tests that
//! run the binary need the `cli` feature.

mod common;

use std::io::Cursor;

use ckpt::check::{CgroupLayout, CheckLine, Host, Lsm, Requirements, Status, check, verdict};
use ckpt::criu::proto::{CoreEntry, InventoryEntry, PE_PARENT, PagemapEntry, PluginsEntry};
use prost::Message;
use serde_json::{Value, json};

use common::{Item, fixture};

const MULTI: &str = "multi-proc.none.tar";
const CRIO: &str = "crio-counter.assembled.tar";

/// The node every requirement of the CRI-O fixture is met on.
fn good_node() -> Value {
    let text = std::fs::read_to_string(fixture("check/node.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// `good_node` with some fields replaced (`null` removes one).
fn node_with(changes: Value) -> Host {
    let mut node = good_node();
    for (k, v) in changes.as_object().unwrap() {
        if v.is_null() {
            node.as_object_mut().unwrap().remove(k);
        } else {
            node[k] = v.clone();
        }
    }
    Host::from_json(node.to_string().as_bytes()).unwrap()
}

fn needs_of_bytes(tar: Vec<u8>) -> Requirements {
    let source = ckpt::Source::from_reader(Cursor::new(tar), "changed.tar");
    let c = ckpt::read(source, &ckpt::Options::new(Requirements::want())).unwrap();
    Requirements::of(&c)
}

fn needs(name: &str) -> Requirements {
    needs_of_bytes(std::fs::read(fixture(name)).unwrap())
}

/// The one line of this name.
fn the<'a>(lines: &'a [CheckLine], name: &str) -> &'a CheckLine {
    let mut found = lines.iter().filter(|l| l.name == name);
    let line = found.next().unwrap_or_else(|| panic!("no {name} line"));
    assert!(found.next().is_none(), "several {name} lines");
    line
}

fn status(needs: &Requirements, host: &Host, name: &str) -> Status {
    the(&check(needs, host), name).status
}

/// The fixture's plain tar with its members changed: `f` gets each file's
/// name and bytes and returns the new bytes, or `None` to leave it out;
/// `extra` is added at the end.
fn changed(name: &str, f: impl Fn(&str, Vec<u8>) -> Option<Vec<u8>>, extra: Vec<Item>) -> Vec<u8> {
    let bytes = std::fs::read(fixture(name)).unwrap();
    let mut archive = tar::Archive::new(Cursor::new(bytes));
    let mut items = Vec::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let path = entry.path().unwrap().to_string_lossy().into_owned();
        if entry.header().entry_type().is_dir() {
            items.push(Item::Dir(path));
            continue;
        }
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut data).unwrap();
        if let Some(data) = f(&path, data) {
            items.push(Item::File(path, data));
        }
    }
    items.extend(extra);
    common::plain(&items)
}

/// The records of a CRIU image after its `head` magic bytes.
fn records(image: &[u8], head: usize) -> Vec<Vec<u8>> {
    let mut rest = &image[head..];
    let mut out = Vec::new();
    while rest.len() >= 4 {
        let len = u32::from_le_bytes(rest[..4].try_into().unwrap()) as usize;
        out.push(rest[4..4 + len].to_vec());
        rest = &rest[4 + len..];
    }
    out
}

fn frame(head: &[u8], records: &[Vec<u8>]) -> Vec<u8> {
    let mut out = head.to_vec();
    for r in records {
        out.extend((r.len() as u32).to_le_bytes());
        out.extend(r);
    }
    out
}

/// The fixture with its inventory changed by `f`.
fn with_inventory(name: &str, f: impl Fn(&mut InventoryEntry)) -> Vec<u8> {
    changed(
        name,
        |path, data| {
            if path != "checkpoint/inventory.img" {
                return Some(data);
            }
            let mut inventory = InventoryEntry::decode(&records(&data, 4)[0][..]).unwrap();
            f(&mut inventory);
            Some(frame(&data[..4], &[inventory.encode_to_vec()]))
        },
        Vec::new(),
    )
}

#[test]
fn what_the_fixtures_require() {
    let multi = needs(MULTI);
    assert_eq!(multi.arch.as_deref(), Some("x86_64"));
    assert_eq!(multi.image_version, Some(2));
    assert!(!multi.pre_dump && multi.pages_in_parent.is_empty());
    // Podman keeps no dump.log.
    assert_eq!(
        (multi.criu_version.as_deref(), multi.kernel.as_deref()),
        (None, None)
    );
    assert_eq!(multi.lsm, Some(Lsm::None));
    assert!(multi.plugins.is_empty() && multi.criu_features.is_empty());
    assert_eq!(multi.cgroup, Some(CgroupLayout::Hybrid));
    assert_eq!(
        multi.cgroup_controllers,
        [
            "blkio", "cpu", "cpuacct", "cpuset", "devices", "freezer", "memory", "pids"
        ]
    );
    assert_eq!(multi.namespaces, ["ipc", "mnt", "net", "pid", "uts"]);
    assert_eq!(multi.engine, ckpt::Engine::Podman);
    assert_eq!(multi.runtime.as_deref(), Some("runc"));
    assert_eq!(
        multi.image.as_ref().unwrap().name,
        "localhost/ckptwork:latest"
    );
    // The accepted server socket and the client: both ends of one
    // connection, each once however many processes share it.
    let tcp: Vec<(&str, &str, &str)> = multi
        .tcp_connections
        .iter()
        .map(|c| (c.local.as_str(), c.remote.as_str(), c.state.as_str()))
        .collect();
    assert_eq!(
        tcp,
        [
            ("127.0.0.1:55174", "127.0.0.1:8080", "ESTABLISHED"),
            ("127.0.0.1:8080", "127.0.0.1:55174", "ESTABLISHED")
        ]
    );
    // The userdata files Podman makes anew are no requirement; the named
    // volume is, and its content is in the archive.
    assert_eq!(multi.mounts.len(), 1);
    let volume = &multi.mounts[0];
    assert_eq!(
        volume.source,
        "/var/lib/containers/storage/volumes/ckptvol/_data"
    );
    assert_eq!(
        (volume.destination.as_str(), volume.volume.as_deref()),
        ("/vol", Some("ckptvol"))
    );
    assert!(volume.in_archive);

    let crio = needs(CRIO);
    assert_eq!(crio.criu_version.as_deref(), Some("4.2"));
    assert_eq!(crio.kernel.as_deref(), Some("6.18.44-fc-v657"));
    assert_eq!(crio.engine, ckpt::Engine::CriO);
    assert_eq!(crio.image.as_ref().unwrap().name, "localhost/mini:latest");
    assert!(crio.tcp_connections.is_empty() && crio.mounts.is_empty());
}

#[test]
fn dump_log_is_read_from_its_head() {
    let c = ckpt::read_path(
        fixture(CRIO),
        &ckpt::Options::new(ckpt::Want {
            dump_log: true,
            ..ckpt::Want::none()
        }),
    )
    .unwrap();
    let log = c.dump_log.unwrap();
    assert_eq!(
        (
            log.criu_version.as_str(),
            log.kernel.as_str(),
            log.arch.as_str()
        ),
        ("4.2", "6.18.44-fc-v657", "x86_64")
    );
    // Not wanted, not read.
    let c = ckpt::read_path(
        fixture(CRIO),
        &ckpt::Options::new(ckpt::Want::metadata_only()),
    )
    .unwrap();
    assert!(c.dump_log.is_none());
}

#[test]
fn a_node_with_everything_passes_every_line() {
    let lines = check(&needs(CRIO), &node_with(json!({})));
    let names: Vec<&str> = lines.iter().map(|l| l.name).collect();
    assert_eq!(
        names,
        [
            "architecture",
            "image format",
            "parent images",
            "criu",
            "criu plugins",
            "criu features",
            "kernel",
            "lsm",
            "cgroups",
            "namespaces",
            "tcp",
            "uprobes",
            "engine",
            "runtime",
            "rootfs image",
            "mount source"
        ]
    );
    for l in &lines {
        assert_eq!(l.status, Status::Ok, "{l:?}");
        assert!(l.fix.is_empty(), "{l:?}");
    }
    assert_eq!(verdict(&lines), Status::Ok);
    assert_eq!(the(&lines, "criu").needed, "4.2");
    assert_eq!(the(&lines, "kernel").found, "6.18.44");
}

/// Every line whose node side can fail or warn, made to, through the
/// binary with `--target`: the line's status in the JSON, and the exit
/// status (1 on a failure only).
#[test]
#[cfg(feature = "cli")]
fn every_node_fact_can_fail_its_line_through_the_binary() {
    let cases: &[(&str, &str, Value, &str)] = &[
        (CRIO, "architecture", json!({"arch": "aarch64"}), "failure"),
        (CRIO, "architecture", json!({"arch": null}), "warning"),
        (CRIO, "criu", json!({"criu_installed": false}), "warning"),
        (CRIO, "criu", json!({"criu_version": "3.19"}), "warning"),
        (CRIO, "criu", json!({"criu_version": null}), "warning"),
        (
            CRIO,
            "kernel",
            json!({"kernel": "6.1.0-28-amd64"}),
            "warning",
        ),
        (CRIO, "kernel", json!({"kernel": null}), "warning"),
        (CRIO, "cgroups", json!({"cgroup": "v2"}), "failure"),
        (
            CRIO,
            "cgroups",
            json!({"cgroup_controllers": ["cpu", "memory"]}),
            "failure",
        ),
        (CRIO, "cgroups", json!({"cgroup": "v1"}), "warning"),
        (CRIO, "cgroups", json!({"cgroup": null}), "warning"),
        (
            CRIO,
            "namespaces",
            json!({"namespaces": ["ipc", "net", "pid", "uts"]}),
            "failure",
        ),
        (CRIO, "namespaces", json!({"namespaces": null}), "warning"),
        (MULTI, "tcp", json!({"criu_options": []}), "warning"),
        (MULTI, "tcp", json!({"criu_options": null}), "warning"),
        (
            CRIO,
            "engine",
            json!({"engines": ["containerd"]}),
            "failure",
        ),
        (CRIO, "engine", json!({"engines": null}), "warning"),
        (CRIO, "runtime", json!({"runtimes": ["crun"]}), "failure"),
        (CRIO, "runtime", json!({"runtimes": null}), "warning"),
        (
            CRIO,
            "rootfs image",
            json!({"images": ["quay.io/other:1"]}),
            "failure",
        ),
        (CRIO, "rootfs image", json!({"images": null}), "warning"),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (i, (archive, name, change, want)) in cases.iter().enumerate() {
        let mut node = good_node();
        for (k, v) in change.as_object().unwrap() {
            if v.is_null() {
                node.as_object_mut().unwrap().remove(k);
            } else {
                node[k] = v.clone();
            }
        }
        let file = dir.path().join(format!("node-{i}.json"));
        std::fs::write(&file, node.to_string()).unwrap();
        let path = format!("tests/fixtures/{archive}");
        let (out, err, code) = common::run_ckpt(&[
            "check",
            "--format",
            "json",
            "--target",
            file.to_str().unwrap(),
            &path,
        ]);
        let report: Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
        let lines = report["lines"].as_array().unwrap();
        let line = lines.iter().find(|l| l["name"] == *name).unwrap();
        assert_eq!(line["status"], *want, "{name} with {change}: {line}");
        assert!(!line["reason"].as_str().unwrap().is_empty());
        assert!(!line["fix"].as_str().unwrap().is_empty(), "{line}");
        // Everything else of the good node still passes.
        let others: Vec<&Value> = lines
            .iter()
            .filter(|l| l["name"] != *name && l["status"] != "ok")
            .collect();
        let expected_others = if *archive == MULTI { 2 } else { 0 }; // criu, kernel: no dump.log
        assert_eq!(
            others.len(),
            expected_others,
            "{name} with {change}: {others:?}"
        );
        assert_eq!(report["status"], *want);
        assert_eq!(
            code,
            i32::from(*want == "failure"),
            "{name} with {change}: {err}"
        );
    }
}

#[test]
fn older_and_newer_versions_compare_as_numbers() {
    let crio = needs(CRIO);
    let criu = |v: &str| status(&crio, &node_with(json!({"criu_version": v})), "criu");
    assert_eq!(criu("3.19"), Status::Warning);
    assert_eq!(criu("4.2"), Status::Ok);
    assert_eq!(criu("4.10"), Status::Ok);
    let fix = the(
        &check(&crio, &node_with(json!({"criu_version": "3.19"}))),
        "criu",
    )
    .fix
    .clone();
    assert_eq!(fix, "install criu 4.2 or newer");
    let kernel = |v: &str| status(&crio, &node_with(json!({"kernel": v})), "kernel");
    assert_eq!(kernel("6.9.12"), Status::Warning);
    assert_eq!(kernel("6.18.44-fc-v1272"), Status::Ok);
    assert_eq!(kernel("7.0"), Status::Ok);
}

#[test]
fn tcp_connections_need_tcp_established() {
    let multi = needs(MULTI);
    let lines = check(&multi, &node_with(json!({"criu_options": []})));
    let tcp = the(&lines, "tcp");
    assert_eq!(
        tcp.needed,
        "2 connections, 127.0.0.1:55174 -> 127.0.0.1:8080, …"
    );
    assert!(
        tcp.fix.starts_with("restore with --tcp-established"),
        "{}",
        tcp.fix
    );
    // Set in CRIU's configuration (what CRI-O and containerd restore with).
    assert_eq!(status(&multi, &node_with(json!({})), "tcp"), Status::Ok);
}

#[test]
fn the_inventory_changed_fails_its_lines() {
    let host = node_with(json!({}));
    let at = |f: &dyn Fn(&mut InventoryEntry), name: &str, h: &Host| {
        status(&needs_of_bytes(with_inventory(MULTI, f)), h, name)
    };
    assert_eq!(
        at(&|i| i.img_version = 3, "image format", &host),
        Status::Failure
    );
    assert_eq!(
        at(&|i| i.img_version = 1, "image format", &host),
        Status::Ok
    );
    assert_eq!(
        at(&|i| i.pre_dump_mode = Some(1), "image format", &host),
        Status::Failure
    );

    let amdgpu = |i: &mut InventoryEntry| {
        i.plugins_entry = Some(PluginsEntry {
            plugins: vec!["amdgpu_plugin".into()],
        });
    };
    assert_eq!(at(&amdgpu, "criu plugins", &host), Status::Failure);
    let with = node_with(json!({"criu_plugins": ["amdgpu_plugin"]}));
    assert_eq!(at(&amdgpu, "criu plugins", &with), Status::Ok);
    assert_eq!(
        at(
            &amdgpu,
            "criu plugins",
            &node_with(json!({"criu_plugins": null}))
        ),
        Status::Warning
    );

    let nft = |i: &mut InventoryEntry| i.network_lock_method = Some(1);
    assert_eq!(at(&nft, "criu features", &host), Status::Ok);
    let without = node_with(json!({"criu_features": {"network_lock_nftables": false}}));
    assert_eq!(at(&nft, "criu features", &without), Status::Failure);
    assert_eq!(
        at(
            &nft,
            "criu features",
            &node_with(json!({"criu_features": {}}))
        ),
        Status::Warning
    );

    let selinux = |i: &mut InventoryEntry| i.lsmtype = Some(1);
    assert_eq!(at(&selinux, "lsm", &host), Status::Warning);
    assert_eq!(
        at(&selinux, "lsm", &node_with(json!({"lsm": "selinux"}))),
        Status::Ok
    );
    assert_eq!(
        at(&selinux, "lsm", &node_with(json!({"lsm": null}))),
        Status::Warning
    );

    let uprobes = |i: &mut InventoryEntry| i.allow_uprobes = Some(true);
    assert_eq!(at(&uprobes, "uprobes", &host), Status::Warning);
    let allowed = node_with(json!({"criu_options": ["allow-uprobes"]}));
    assert_eq!(at(&uprobes, "uprobes", &allowed), Status::Ok);

    let closed = |i: &mut InventoryEntry| i.tcp_close = Some(true);
    let line = check(&needs_of_bytes(with_inventory(MULTI, closed)), &host);
    assert_eq!(the(&line, "tcp").status, Status::Warning);
    assert_eq!(the(&line, "tcp").needed, "--tcp-close");
}

#[test]
fn no_inventory_fails_the_image_format() {
    let tar = changed(
        MULTI,
        |p, d| (p != "checkpoint/inventory.img").then_some(d),
        Vec::new(),
    );
    let line = check(&needs_of_bytes(tar), &node_with(json!({})));
    assert_eq!(the(&line, "image format").status, Status::Failure);
}

#[test]
fn cores_of_another_architecture_fail() {
    let tar = changed(
        CRIO,
        |path, data| {
            if !path.starts_with("checkpoint/core-") {
                return Some(data);
            }
            let mut core = CoreEntry::decode(&records(&data, 8)[0][..]).unwrap();
            core.mtype = 3; // AARCH64
            Some(frame(&data[..8], &[core.encode_to_vec()]))
        },
        Vec::new(),
    );
    let needs = needs_of_bytes(tar);
    assert_eq!(needs.arch.as_deref(), Some("aarch64"));
    let lines = check(&needs, &node_with(json!({})));
    let arch = the(&lines, "architecture");
    assert_eq!(
        (arch.status, arch.found.as_str()),
        (Status::Failure, "x86_64")
    );
    assert_eq!(arch.fix, "restore on a aarch64 node");
    // Go's name for the node's architecture is the same one.
    assert_eq!(
        status(&needs, &node_with(json!({"arch": "arm64"})), "architecture"),
        Status::Ok
    );
}

#[test]
fn pages_in_a_parent_image_need_the_pre_dump() {
    let tar = changed(
        CRIO,
        |path, data| {
            if path != "checkpoint/pagemap-1.img" {
                return Some(data);
            }
            let mut recs = records(&data, 8);
            let mut first = PagemapEntry::decode(&recs[1][..]).unwrap();
            first.flags = Some(PE_PARENT);
            recs[1] = first.encode_to_vec();
            Some(frame(&data[..8], &recs))
        },
        Vec::new(),
    );
    let needs = needs_of_bytes(tar);
    assert_eq!(needs.pages_in_parent, [1]);
    let lines = check(&needs, &node_with(json!({})));
    let line = the(&lines, "parent images");
    assert_eq!(line.status, Status::Warning);
    assert!(line.fix.contains("--import-previous"), "{}", line.fix);
}

/// spec.dump of the fixture with one more bind mount.
fn with_bind_mount(source: &str) -> Vec<u8> {
    changed(
        MULTI,
        |path, data| {
            if path != "spec.dump" {
                return Some(data);
            }
            let mut spec: Value = serde_json::from_slice(&data).unwrap();
            spec["mounts"].as_array_mut().unwrap().push(json!({
                "destination": "/data", "type": "bind", "source": source, "options": ["rbind"]
            }));
            Some(serde_json::to_vec(&spec).unwrap())
        },
        Vec::new(),
    )
}

#[test]
fn a_missing_bind_mount_source_fails() {
    let needs = needs_of_bytes(with_bind_mount("/srv/data"));
    let source = |exists: Option<bool>| {
        let paths = exists.map_or(json!({}), |e| json!({"/srv/data": e}));
        let lines = check(&needs, &node_with(json!({"paths": paths})));
        let mounts: Vec<&CheckLine> = lines.iter().filter(|l| l.name == "mount source").collect();
        assert_eq!(mounts.len(), 2);
        assert_eq!(mounts[0].status, Status::Ok, "the volume: {:?}", mounts[0]);
        assert_eq!(mounts[1].needed, "/srv/data");
        mounts[1].clone()
    };
    let missing = source(Some(false));
    assert_eq!(missing.status, Status::Failure);
    assert_eq!(
        missing.fix,
        "create /srv/data on the node, or restore where it exists"
    );
    assert_eq!(source(Some(true)).status, Status::Ok);
    assert_eq!(source(None).status, Status::Warning);
}

#[test]
fn a_volume_left_out_of_the_archive_is_created_empty() {
    let tar = changed(
        MULTI,
        |p, d| (!p.starts_with("volumes/")).then_some(d),
        Vec::new(),
    );
    let needs = needs_of_bytes(tar);
    assert!(!needs.mounts[0].in_archive);
    let source = "/var/lib/containers/storage/volumes/ckptvol/_data";
    let at = |exists: bool| {
        let host = node_with(json!({"paths": {source: exists}}));
        status(&needs, &host, "mount source")
    };
    assert_eq!(at(false), Status::Warning);
    assert_eq!(at(true), Status::Ok);
}

#[test]
fn a_registry_image_not_on_the_node_is_pulled() {
    let tar = changed(
        CRIO,
        |path, data| {
            if path != "config.dump" {
                return Some(data);
            }
            let mut config: Value = serde_json::from_slice(&data).unwrap();
            config["rootfsImageName"] = json!("quay.io/example/counter:1");
            Some(serde_json::to_vec(&config).unwrap())
        },
        Vec::new(),
    );
    let needs = needs_of_bytes(tar);
    let lines = check(&needs, &node_with(json!({})));
    let image = the(&lines, "rootfs image");
    assert_eq!(image.status, Status::Warning);
    assert_eq!(
        image.fix,
        "pull it first (podman pull quay.io/example/counter:1)"
    );
    // Known by its id.
    let by_id = node_with(json!({"images": [&needs.image.as_ref().unwrap().id]}));
    assert_eq!(status(&needs, &by_id, "rootfs image"), Status::Ok);
}

#[test]
fn node_descriptions_are_bounded_and_strict() {
    assert_eq!(Host::from_json(b"{}").unwrap(), Host::default());
    let big = format!(
        "{{\"arch\": \"{}\"}}",
        "x".repeat(ckpt::check::MAX_HOST_JSON)
    );
    assert!(
        Host::from_json(big.as_bytes())
            .unwrap_err()
            .to_string()
            .contains("at most")
    );
    let typo = Host::from_json(br#"{"kernal": "6.1"}"#)
        .unwrap_err()
        .to_string();
    assert!(typo.contains("unknown field `kernal`"), "{typo}");
    assert!(Host::from_json(br#"{"cgroup": "v3"}"#).is_err());
    assert!(Host::from_json(br#"["arch"]"#).is_err());
    assert!(Host::from_json(b"\xff").is_err());
    // A missing fact is unknown: warnings, never a failure.
    let lines = check(&needs(MULTI), &Host::default());
    assert_eq!(verdict(&lines), Status::Warning);
}

#[test]
#[cfg(feature = "cli")]
fn the_binary_reports_what_it_cannot_read() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("node.json");
    std::fs::write(&bad, "{\"arch\": [1]}").unwrap();
    let (out, err, code) = common::run_ckpt(&[
        "check",
        "--target",
        bad.to_str().unwrap(),
        "tests/fixtures/crio-counter.assembled.tar",
    ]);
    assert_eq!((out.as_str(), code), ("", 1));
    assert!(err.contains("not a node description"), "{err}");
    let (_, err, code) = common::run_ckpt(&["check", "tests/fixtures/no-such.tar"]);
    assert_eq!(code, 1);
    assert!(err.contains("no-such.tar"), "{err}");
    // An archive is needed, unless describing the node.
    let (_, err, code) = common::run_ckpt(&["check"]);
    assert_eq!(code, 1);
    assert!(err.contains("arg"), "{err}");
}

#[test]
#[cfg(feature = "cli")]
fn the_text_has_one_line_per_requirement_and_a_summary() {
    let (out, _, code) = common::run_ckpt(&[
        "check",
        "--target",
        "tests/fixtures/check/cgroup-v2-node.json",
        "tests/fixtures/multi-proc.none.tar",
    ]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 18, "{out}");
    assert_eq!(lines[0], "ok       architecture   x86_64 (node: x86_64)");
    assert!(
        lines[8].starts_with("FAIL     cgroups        hybrid (node: v2): "),
        "{}",
        lines[8]
    );
    assert_eq!(
        lines[17],
        "tests/fixtures/multi-proc.none.tar: will not restore on \
         tests/fixtures/check/cgroup-v2-node.json: 3 failures, 3 warnings"
    );
}

/// What `--describe-host` writes, `--target` reads: the node's own
/// description gives the same lines as probing it.
#[test]
#[cfg(feature = "cli")]
fn describe_host_writes_what_target_reads() {
    let (out, err, code) = common::run_ckpt(&[
        "check",
        "--describe-host",
        "tests/fixtures/multi-proc.none.tar",
    ]);
    assert_eq!(code, 0, "{err}");
    let host = Host::from_json(out.as_bytes()).unwrap();
    assert_eq!(
        host.arch.as_deref(),
        Some(std::env::consts::ARCH).filter(|a| *a != "arm" && *a != "powerpc64")
    );
    assert!(host.criu_installed.is_some());
    // With the archive, whether its mount source exists here.
    assert!(
        host.paths
            .contains_key("/var/lib/containers/storage/volumes/ckptvol/_data")
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("here.json");
    std::fs::write(&file, &out).unwrap();
    let run = |target: Option<&str>| {
        let mut args = vec!["check", "--format", "json"];
        if let Some(t) = target {
            args.extend(["--target", t]);
        }
        args.push("tests/fixtures/multi-proc.none.tar");
        let (out, _, _) = common::run_ckpt(&args);
        let v: Value = serde_json::from_str(&out).unwrap();
        v["lines"].clone()
    };
    assert_eq!(run(Some(file.to_str().unwrap())), run(None));
}

#[cfg(feature = "cli")]
#[test]
fn without_an_archive_or_describe_host_check_says_what_it_needs() {
    let (out, err, code) = common::run_ckpt(&["check"]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.contains("requires FILE, received 0 arg(s)"), "{err}");
}
