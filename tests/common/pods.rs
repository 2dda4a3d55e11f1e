//! Pod checkpoints built in code, in the three layouts of 2026 (CRI-O's
//! `pod.options` #9758, containerd's manifest #13822, CRI-O's manifest
//! #10313), from real container checkpoints: the CRI-O fixture
//! `crio-counter` (container `counter` of pod `counters`) and a second
//! CRI-O container `sleeper` whose processes and memory are the real
//! `mini-sleep` dump's and whose metadata is `counter`'s renamed, as CRI-O
//! writes a second container of the same pod.
//!
//! Members come in the lexical order Go's writers walk a directory in.

use std::path::Path;

use sha2::Digest;

use super::images::fixture_items;
use super::{Item, dir, file, plain};

/// The pod, as its files say.
pub const POD: &str = "counters";
pub const NAMESPACE: &str = "default";
pub const UID: &str = "4f2b7a9e-1c3d-4e5f-8a6b-7c8d9e0f1a2b";
pub const SANDBOX: &str = "c0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeeabcd";
/// `counter`'s id (from its config.dump).
pub const COUNTER_ID: &str = "03a294012b41f7eee3d672a9b67d29a48017758ec766f31528730786f5ae4f24";
/// The id given to `sleeper`.
pub const SLEEPER_ID: &str = "5eeb5eeb8af28eabddda60146716a9d7497aec9f0bf3779f9e439a151d8b13ea";

/// One container of the pod: its name, id and checkpoint members.
pub struct Container {
    pub name: &'static str,
    pub id: &'static str,
    pub items: Vec<Item>,
}

impl Container {
    /// CRI-O's full name of the container.
    pub fn full_name(&self) -> String {
        format!("k8s_{}_{POD}_{NAMESPACE}_{UID}_0", self.name)
    }

    /// Its directory in a `pod.options` pod.
    pub fn directory(&self) -> String {
        format!("{}-{}", self.id, self.full_name())
    }

    /// The hex SHA-256 of its id, which names its archive in the manifest
    /// layouts.
    pub fn id_digest(&self) -> String {
        hex(&sha2::Sha256::digest(self.id.as_bytes()))
    }

    /// Its checkpoint as the tar CRI-O exports.
    pub fn tar(&self) -> Vec<u8> {
        plain(&self.items)
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `counter`, the real CRI-O checkpoint.
pub fn counter() -> Container {
    Container {
        name: "counter",
        id: COUNTER_ID,
        items: fixture_items("crio-counter.assembled.tar"),
    }
}

/// `sleeper`: mini-sleep's processes, CRI-O's metadata for a second
/// container of the pod.
pub fn sleeper() -> Container {
    let crio = fixture_items("crio-counter.assembled.tar");
    let json = |name: &str| -> serde_json::Value {
        crio.iter()
            .find_map(|i| match i {
                Item::File(n, d) if n == name => Some(serde_json::from_slice(d).unwrap()),
                _ => None,
            })
            .unwrap()
    };
    let full = format!("k8s_sleeper_{POD}_{NAMESPACE}_{UID}_0");
    let mut config = json("config.dump");
    config["id"] = SLEEPER_ID.into();
    config["name"] = full.clone().into();
    let mut spec = json("spec.dump");
    let notes = spec["annotations"].as_object_mut().unwrap();
    for (key, value) in [
        ("io.kubernetes.container.name", "sleeper".to_owned()),
        ("io.kubernetes.cri-o.ContainerID", SLEEPER_ID.to_owned()),
        (
            "io.kubernetes.cri-o.Metadata",
            r#"{"name":"sleeper"}"#.to_owned(),
        ),
        ("io.kubernetes.cri-o.Name", full),
        ("io.kubernetes.cri-o.IP.0", "10.88.0.43".to_owned()),
    ] {
        notes.insert(key.into(), value.into());
    }
    let mut items = vec![
        file("config.dump", serde_json::to_vec_pretty(&config).unwrap()),
        file("spec.dump", serde_json::to_vec_pretty(&spec).unwrap()),
    ];
    for item in fixture_items("mini-sleep.none.tar") {
        match &item {
            Item::File(n, _) | Item::Dir(n) if n.starts_with("checkpoint") || n == "stats-dump" => {
                items.push(item)
            }
            _ => {}
        }
    }
    Container {
        name: "sleeper",
        id: SLEEPER_ID,
        items,
    }
}

/// Both containers, `counter` first.
pub fn containers() -> Vec<Container> {
    vec![counter(), sleeper()]
}

/// Sorts members by name, as Go's walk of a directory writes them.
fn lexical(mut items: Vec<Item>) -> Vec<Item> {
    let name = |i: &Item| match i {
        Item::File(n, _) | Item::Dir(n) | Item::Symlink(n, _) => n.clone(),
        Item::PaxGlobal(_) => String::new(),
    };
    items.sort_by_key(name);
    items
}

/// The `org.criu.checkpoint.*` annotations CRI-O writes in `pod.options`.
pub fn pod_options(containers: &[Container]) -> Vec<u8> {
    let map: serde_json::Map<String, serde_json::Value> = containers
        .iter()
        .map(|c| (c.name.to_owned(), c.directory().into()))
        .collect();
    let options = serde_json::json!({
        "version": 1,
        "containers": map,
        "annotations": {
            "org.criu.checkpoint.engine.name": "cri-o",
            "org.criu.checkpoint.engine.version": "1.36.0",
            "org.criu.checkpoint.host.arch": "amd64",
            "org.criu.checkpoint.criu.version": "40200",
            "org.criu.checkpoint.cgroup.version": "v?",
            "org.criu.checkpoint.pod.name": POD,
            "org.criu.checkpoint.pod.id": SANDBOX,
            "org.criu.checkpoint.pod.namespace": NAMESPACE,
            "org.criu.checkpoint.pod.uid": UID,
        }
    });
    serde_json::to_vec_pretty(&options).unwrap()
}

/// CRI-O's `pod.options` layout: one directory per container.
pub fn pod_options_items(containers: &[Container]) -> Vec<Item> {
    let mut items = vec![file("pod.options", pod_options(containers))];
    for c in containers {
        let d = c.directory();
        items.push(dir(&d));
        for item in &c.items {
            items.push(match item {
                Item::File(n, data) => file(&format!("{d}/{n}"), data.clone()),
                Item::Dir(n) => dir(&format!("{d}/{n}")),
                other => other.clone(),
            });
        }
    }
    lexical(items)
}

/// `pod-config.json`: the CRI `PodSandboxConfig`, compact as Go writes it.
pub fn pod_config() -> Vec<u8> {
    format!(
        r#"{{"metadata":{{"name":"{POD}","uid":"{UID}","namespace":"{NAMESPACE}"}},"hostname":"{POD}","log_directory":"/var/log/pods/{NAMESPACE}_{POD}_{UID}","linux":{{}}}}"#
    )
    .into_bytes()
}

/// containerd's manifest layout (version 1): `container-<sha256(id)>.tar`.
pub fn containerd_items(containers: &[Container]) -> Vec<Item> {
    let list: Vec<serde_json::Value> = containers
        .iter()
        .map(|c| {
            serde_json::json!({
                "name": c.name, "id": c.id,
                "archive": format!("container-{}.tar", c.id_digest()),
            })
        })
        .collect();
    let manifest = serde_json::json!({"version": 1, "sandboxId": SANDBOX, "containers": list});
    let mut items = vec![
        file(
            "checkpoint-manifest.json",
            serde_json::to_vec(&manifest).unwrap(),
        ),
        file("pod-config.json", pod_config()),
    ];
    for c in containers {
        items.push(file(&format!("container-{}.tar", c.id_digest()), c.tar()));
    }
    lexical(items)
}

/// CRI-O's manifest layout: `containers/<sha256(id)>.tar`, with the
/// archive's digest and the container config in the manifest.
pub fn crio_manifest_items(containers: &[Container]) -> Vec<Item> {
    let mut items = vec![file("pod-config.json", pod_config()), dir("containers")];
    let mut list = Vec::new();
    for c in containers {
        let archive = format!("containers/{}.tar", c.id_digest());
        let tar = c.tar();
        list.push(serde_json::json!({
            "name": c.name, "id": c.id, "archive": archive,
            "sha256": hex(&sha2::Sha256::digest(&tar)),
            "config": {"metadata": {"name": c.name, "attempt": 0}, "image": {"image": "localhost/mini:latest"}},
        }));
        items.push(file(&archive, tar));
    }
    let manifest = serde_json::json!({
        "version": 1, "runtime": "cri-o", "runtimeHandler": "crun",
        "sandboxId": SANDBOX, "containers": list,
    });
    items.push(file(
        "checkpoint-manifest.json",
        serde_json::to_vec(&manifest).unwrap(),
    ));
    lexical(items)
}

/// Writes `items` as the directory the CRI writes (`output_path`).
pub fn write_dir(items: &[Item], root: &Path) {
    for item in items {
        match item {
            Item::File(n, data) => {
                let path = root.join(n);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, data).unwrap();
            }
            Item::Dir(n) => std::fs::create_dir_all(root.join(n)).unwrap(),
            _ => {}
        }
    }
}
