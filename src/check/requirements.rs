//! [`Requirements`]: what a checkpoint needs of the node that restores it,
//! worked out from the model alone.

use std::collections::BTreeSet;

use serde::Serialize;

use super::host::{CgroupLayout, Lsm};
use crate::criu::pretty::ip_addr;
use crate::memory::PageSource;
use crate::metadata::annotations::{
    CHECKPOINT_ANNOTATION_CRIU_VERSION, CHECKPOINT_ANNOTATION_HOST_ARCH,
    CHECKPOINT_ANNOTATION_HOST_KERNEL, CHECKPOINT_ANNOTATION_RUNTIME_NAME, criu_version,
};
use crate::model::{Checkpoint, Engine};
use crate::options::Want;

/// What a checkpoint needs of the node that restores it.
///
/// Worked out by [`Requirements::of`] from a [`Checkpoint`] read with
/// [`Requirements::want`]; pure, deterministic. `None` and empty mean
/// the archive does not say (a Podman archive has no `dump.log`, so no
/// CRIU version or kernel), not that nothing is needed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Requirements {
    /// The architecture of the core images (`uname -m`'s name); else
    /// `dump.log`'s machine or the `org.criu.checkpoint.host.arch`
    /// annotation.
    pub arch: Option<String>,
    /// The inventory's image format version (`img_version`).
    pub image_version: Option<u32>,
    /// Whether the inventory is a pre-dump's (memory only, restored only
    /// as the parent of a dump).
    pub pre_dump: bool,
    /// Processes with pages in the parent images of an incremental dump.
    pub pages_in_parent: Vec<u32>,
    /// The CRIU version that dumped (`dump.log`, or the
    /// `org.criu.checkpoint.criu.version` annotation).
    pub criu_version: Option<String>,
    /// The kernel release that dumped (`dump.log`, or the
    /// `org.criu.checkpoint.host.kernel` annotation).
    pub kernel: Option<String>,
    /// The security module of the dumping host (inventory).
    pub lsm: Option<Lsm>,
    /// The CRIU plugins the dump used (inventory).
    pub plugins: Vec<String>,
    /// The CRIU features the restore needs, by `criu check --feature`'s
    /// names: `network_lock_nftables` when the dump locked the network
    /// with nftables, `timens`, `userns`, `cgroupns` for those namespaces.
    pub criu_features: Vec<String>,
    /// TCP connections (neither listening nor closed), which CRIU
    /// restores only with `--tcp-established`.
    pub tcp_connections: Vec<TcpConnection>,
    /// Whether the dump closed TCP connections (`--tcp-close`), which the
    /// restore must be told too.
    pub tcp_close: bool,
    /// Whether the dump allowed uprobes (`--allow-uprobes`), which the
    /// restore must be told too.
    pub allow_uprobes: bool,
    /// How the dumping host mounted cgroups, from the controllers in
    /// `cgroup.img`.
    pub cgroup: Option<CgroupLayout>,
    /// The cgroup v1 controllers the tasks were in.
    pub cgroup_controllers: Vec<String>,
    /// The namespaces the container had, as `/proc/self/ns` names them.
    pub namespaces: Vec<String>,
    /// The engine that wrote the archive.
    pub engine: Engine,
    /// The OCI runtime (`config.dump`, or the
    /// `org.criu.checkpoint.runtime.name` annotation).
    pub runtime: Option<String>,
    /// The image of the root file system.
    pub image: Option<RootfsImage>,
    /// The mounts whose source must be on the node.
    pub mounts: Vec<MountSource>,
}

/// A TCP connection of the checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TcpConnection {
    /// Local address and port.
    pub local: String,
    /// Remote address and port.
    pub remote: String,
    /// TCP state (`ESTABLISHED`, …).
    pub state: String,
}

/// The image of a container's root file system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RootfsImage {
    /// Its name (`localhost/ckptwork:latest`).
    pub name: String,
    /// Its id, when the archive has it (CRI-O's `rootfsImageRef`).
    pub id: String,
}

/// A mount whose source must be on the node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MountSource {
    /// Path inside the container.
    pub destination: String,
    /// Path on the node.
    pub source: String,
    /// A named volume (Podman's `…/volumes/NAME/_data`), if it is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume: Option<String>,
    /// Whether the archive holds the volume's content
    /// (`volumes/NAME.tar`), which the engine restores.
    pub in_archive: bool,
}

/// `MARCH` values and `uname -m`'s names for them.
const ARCHES: &[(i32, &str)] = &[
    (1, "x86_64"),
    (2, "armv7l"),
    (3, "aarch64"),
    (4, "ppc64le"),
    (5, "s390x"),
    (6, "mips64"),
    (7, "loongarch64"),
    (8, "riscv64"),
];

/// `network_lock_method` of nftables (`enum NETWORK_LOCK_METHOD`).
const NETWORK_LOCK_NFTABLES: u32 = 1;
const TCP: u32 = 6;
const TCP_CLOSE: u32 = 7;
const TCP_LISTEN: u32 = 10;

impl Requirements {
    /// What to read of an archive to work its requirements out: the
    /// metadata, `dump.log`'s head, the inventory, cores, sockets, memory
    /// layout (for pages in a parent image), cgroups and the entry list.
    pub fn want() -> Want {
        Want {
            entries: true,
            processes: true,
            files: true,
            memory: true,
            cgroups: true,
            dump_log: true,
            ..Want::default()
        }
    }

    /// What a pod checkpoint's `pod.options` annotations say, where the
    /// container's own checkpoint is silent (a container without a
    /// `dump.log` has no CRIU version or kernel of its own).
    pub fn in_pod(mut self, pod: &crate::model::Pod) -> Requirements {
        let note = |key: &str| pod.annotations.get(key).filter(|v| !v.is_empty()).cloned();
        self.criu_version = self
            .criu_version
            .or_else(|| note(CHECKPOINT_ANNOTATION_CRIU_VERSION).map(|v| criu_version(&v)));
        self.kernel = self
            .kernel
            .or_else(|| note(CHECKPOINT_ANNOTATION_HOST_KERNEL));
        self.arch = self.arch.or_else(|| note(CHECKPOINT_ANNOTATION_HOST_ARCH));
        self
    }

    /// The requirements of a checkpoint read with [`Requirements::want`]
    /// (what was not read is not required).
    pub fn of(c: &Checkpoint) -> Requirements {
        let annotation = |key: &str| {
            c.spec
                .as_ref()
                .and_then(|s| s.annotation(key))
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let log = |f: fn(&crate::metadata::DumpLog) -> &String| {
            c.dump_log
                .as_ref()
                .map(f)
                .filter(|v| !v.is_empty())
                .cloned()
        };
        let images = c.images.as_ref();
        let inventory = images.and_then(|i| i.inventory.as_ref());
        let mut r = Requirements {
            arch: core_arch(c)
                .or_else(|| log(|l| &l.arch))
                .or_else(|| annotation(CHECKPOINT_ANNOTATION_HOST_ARCH)),
            image_version: inventory.map(|i| i.img_version),
            pre_dump: inventory.is_some_and(|i| i.pre_dump_mode.is_some()),
            criu_version: log(|l| &l.criu_version).or_else(|| {
                annotation(CHECKPOINT_ANNOTATION_CRIU_VERSION).map(|v| criu_version(&v))
            }),
            kernel: log(|l| &l.kernel).or_else(|| annotation(CHECKPOINT_ANNOTATION_HOST_KERNEL)),
            lsm: inventory
                .and_then(|i| i.lsmtype)
                .and_then(Lsm::from_lsmtype),
            plugins: inventory
                .and_then(|i| i.plugins_entry.as_ref())
                .map(|p| sorted(p.plugins.iter().cloned()))
                .unwrap_or_default(),
            tcp_close: inventory.and_then(|i| i.tcp_close) == Some(true),
            allow_uprobes: inventory.and_then(|i| i.allow_uprobes) == Some(true),
            engine: c.container.engine,
            runtime: c
                .config
                .as_ref()
                .map(|c| c.oci_runtime.clone())
                .filter(|r| !r.is_empty())
                .or_else(|| annotation(CHECKPOINT_ANNOTATION_RUNTIME_NAME)),
            image: c.config.as_ref().and_then(|c| {
                let name = if c.rootfs_image_name.is_empty() {
                    &c.rootfs_image
                } else {
                    &c.rootfs_image_name
                };
                (!name.is_empty() || !c.rootfs_image_ref.is_empty()).then(|| RootfsImage {
                    name: name.clone(),
                    id: c.rootfs_image_ref.clone(),
                })
            }),
            mounts: mounts(c),
            ..Requirements::default()
        };
        if let Some(images) = images {
            r.pages_in_parent = images
                .pagemap
                .iter()
                .filter(|(_, map)| map.runs.iter().any(|run| run.source == PageSource::Parent))
                .map(|(pid, _)| *pid)
                .collect();
            r.tcp_connections = tcp_connections(images);
            if let Some(cgroup) = &images.cgroup {
                let names: Vec<&str> = cgroup
                    .controllers
                    .iter()
                    .flat_map(|c| c.cnames.iter().map(String::as_str))
                    .collect();
                let unified = names.iter().any(|n| n.is_empty());
                let v1 = sorted(
                    names
                        .iter()
                        .filter(|n| !n.is_empty() && !n.starts_with("name="))
                        .map(|n| (*n).to_owned()),
                );
                r.cgroup = match (v1.is_empty(), unified) {
                    (true, true) => Some(CgroupLayout::V2),
                    (false, true) => Some(CgroupLayout::Hybrid),
                    (false, false) => Some(CgroupLayout::V1),
                    (true, false) => None,
                };
                r.cgroup_controllers = v1;
            }
        }
        r.namespaces = sorted(
            c.spec
                .iter()
                .flat_map(|s| &s.namespaces)
                .map(|n| proc_ns_name(&n.namespace_type).to_owned()),
        );
        let mut features = BTreeSet::new();
        if inventory.and_then(|i| i.network_lock_method) == Some(NETWORK_LOCK_NFTABLES) {
            features.insert("network_lock_nftables");
        }
        for (ns, feature) in [
            ("time", "timens"),
            ("user", "userns"),
            ("cgroup", "cgroupns"),
        ] {
            if r.namespaces.iter().any(|n| n == ns) {
                features.insert(feature);
            }
        }
        r.criu_features = features.into_iter().map(str::to_owned).collect();
        r
    }
}

/// The architecture of the core images, when they agree on one CRIU
/// knows.
fn core_arch(c: &Checkpoint) -> Option<String> {
    let marches: BTreeSet<i32> = c.images.as_ref()?.core.values().map(|c| c.mtype).collect();
    let [march] = marches.into_iter().collect::<Vec<_>>()[..] else {
        return None;
    };
    ARCHES
        .iter()
        .find(|(v, _)| *v == march)
        .map(|(_, name)| (*name).to_owned())
}

/// `/proc/self/ns`'s name for an OCI namespace type.
fn proc_ns_name(oci: &str) -> &str {
    match oci {
        "network" => "net",
        "mount" => "mnt",
        other => other,
    }
}

fn sorted(items: impl Iterator<Item = String>) -> Vec<String> {
    items.collect::<BTreeSet<_>>().into_iter().collect()
}

/// Every TCP socket that is neither listening nor closed, once each
/// (`files.img` lists a socket once, however many processes hold it).
fn tcp_connections(images: &crate::model::ImageSet) -> Vec<TcpConnection> {
    let mut out: Vec<TcpConnection> = images
        .files
        .iter()
        .flatten()
        .filter_map(|f| f.isk.as_ref())
        .filter(|sk| sk.proto == TCP && sk.state != TCP_LISTEN && sk.state != TCP_CLOSE)
        .map(|sk| {
            let at = |addr: &[u32], port: u32| {
                let ip = ip_addr(addr).unwrap_or_default();
                if ip.contains(':') {
                    format!("[{ip}]:{port}")
                } else {
                    format!("{ip}:{port}")
                }
            };
            TcpConnection {
                local: at(&sk.src_addr, sk.src_port),
                remote: at(&sk.dst_addr, sk.dst_port),
                state: crate::criu::pretty::SK_STATES
                    .iter()
                    .find(|(n, _)| *n == u64::from(sk.state))
                    .map_or_else(|| sk.state.to_string(), |(_, s)| (*s).to_owned()),
            }
        })
        .collect();
    out.sort_by(|a, b| (&a.local, &a.remote).cmp(&(&b.local, &b.remote)));
    out.dedup();
    out
}

/// The bind mounts whose source the node must have: those of `spec.dump`
/// and CRI-O's `bind.mounts`, less what the engine makes anew for the
/// restored container (its own `userdata` files, kubelet's pod
/// directories).
fn mounts(c: &Checkpoint) -> Vec<MountSource> {
    let id = c.config.as_ref().map(|c| c.id.as_str()).unwrap_or_default();
    let spec = c.spec.iter().flat_map(|s| &s.mounts).filter(|m| {
        m.mount_type == "bind" || m.options.iter().any(|o| o == "bind" || o == "rbind")
    });
    let pairs = spec
        .map(|m| (m.destination.as_str(), m.source.as_str()))
        .chain(
            c.bind_mounts
                .iter()
                .flatten()
                .map(|b| (b.destination.as_str(), b.source.as_str())),
        );
    let volumes: BTreeSet<&str> = c
        .entries
        .iter()
        .filter(|e| e.is_file)
        .filter_map(|e| e.name.strip_prefix("volumes/")?.strip_suffix(".tar"))
        .collect();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (destination, source) in pairs {
        let engine_made = (id.len() >= 12 && source.contains(id))
            || source.contains("/overlay-containers/")
            || source.starts_with("/var/lib/kubelet/pods/");
        if !source.starts_with('/') || engine_made || !seen.insert(source) {
            continue;
        }
        let volume = source
            .strip_suffix("/_data")
            .and_then(|s| s.rsplit_once("/volumes/"))
            .map(|(_, name)| name)
            .filter(|name| !name.is_empty() && !name.contains('/'));
        out.push(MountSource {
            destination: destination.to_owned(),
            source: source.to_owned(),
            volume: volume.map(str::to_owned),
            in_archive: volume.is_some_and(|v| volumes.contains(v)),
        });
    }
    out
}
