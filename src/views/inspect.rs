//! What `checkpointctl inspect` shows, with its JSON key names, built from
//! a [`Checkpoint`] read with [`InspectOptions::want`].

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::files::{self, OpenFile, Socket};
use super::overview::Header;
use super::process::{self, ProcessNode, TaskState};
use crate::checkpoint::Checkpoint;
use crate::error::{Error, Result, Warning};
use crate::options::Want;

/// What to show, as `checkpointctl inspect`'s flags say it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct InspectOptions {
    /// The process tree (`--ps-tree`).
    pub ps_tree: bool,
    /// Command lines read from memory (`--ps-tree-cmd`).
    pub cmdline: bool,
    /// Environments read from memory (`--ps-tree-env`).
    pub env: bool,
    /// Open files (`--files`).
    pub files: bool,
    /// Open sockets (`--sockets`).
    pub sockets: bool,
    /// Mounts (`--mounts`).
    pub mounts: bool,
    /// CRIU's dump statistics (`--stats`).
    pub stats: bool,
    /// Pod, namespace and annotations (`--metadata`).
    pub metadata: bool,
    /// Show the process tree from this pid (`--pid`).
    pub pid: Option<u32>,
}

impl InspectOptions {
    /// Everything (`--all`).
    pub fn all() -> InspectOptions {
        InspectOptions {
            ps_tree: true,
            cmdline: true,
            env: true,
            files: true,
            sockets: true,
            mounts: true,
            stats: true,
            metadata: true,
            pid: None,
        }
    }

    /// With checkpointctl's implications: `--pid`, `--files`, `--sockets`,
    /// `--ps-tree-cmd` and `--ps-tree-env` turn on `--ps-tree`.
    pub fn normalized(mut self) -> InspectOptions {
        if self.pid.is_some() || self.files || self.sockets || self.cmdline || self.env {
            self.ps_tree = true;
        }
        self
    }

    /// What the reader must decode for these options.
    pub fn want(&self) -> Want {
        let o = self.clone().normalized();
        Want {
            processes: o.ps_tree,
            files: o.files || o.sockets,
            memory_text: o.cmdline || o.env,
            mounts: o.mounts,
            stats: o.stats,
            ..Want::default()
        }
    }
}

/// CRIU's dump statistics as checkpointctl shows them (times in µs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Statistics {
    /// Time to freeze the tasks.
    pub freezing_time: u32,
    /// Time they stayed frozen.
    pub frozen_time: u32,
    /// Time to dump memory.
    pub memdump_time: u32,
    /// Time to write memory.
    pub memwrite_time: u32,
    /// Pages scanned.
    pub pages_scanned: u64,
    /// Pages written.
    pub pages_written: u64,
    /// Pages left in the parent image.
    pub pages_skipped_parent: u64,
    /// Pages left for lazy restore.
    pub pages_lazy: u64,
}

/// `metadata` of `inspect --metadata`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Metadata {
    /// Pod name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub pod_name: String,
    /// Kubernetes namespace.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub kubernetes_namespace: String,
    /// Every spec.dump annotation, sorted by key.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

/// A process in `process_tree`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PsNode {
    /// Pid.
    pub pid: u32,
    /// Command name.
    pub command: String,
    /// Command line read from memory (checkpointctl's form: arguments
    /// joined by spaces, with a trailing space).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cmdline: Option<String>,
    /// `Alive`, `Dead`, `Stopped`, `Zombie`.
    pub task_state: TaskState,
    /// Environment read from memory, sorted by name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment_variables: Option<BTreeMap<String, String>>,
    /// Parent pid.
    pub ppid: u32,
    /// Thread ids.
    pub threads: Vec<u32>,
    /// Children, sorted by pid.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<PsNode>,
}

/// The open files of one process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FdNode {
    /// Pid.
    pub pid: u32,
    /// Descriptors by number, then `cwd` and `root`.
    pub open_files: Vec<OpenFileNode>,
}

/// One open file, with checkpointctl's keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct OpenFileNode {
    /// `REG`, `PIPE`, …; empty for the cwd and root.
    #[serde(rename = "type")]
    pub file_type: String,
    /// `REG 3`, or `cwd` / `root`.
    pub fd: String,
    /// Path or description.
    pub path: String,
    /// Position of a regular file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pos: Option<u64>,
}

/// The sockets of one process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SkNode {
    /// Pid.
    pub pid: u32,
    /// Sockets by descriptor number.
    pub open_sockets: Vec<SocketNode>,
}

/// One socket, with checkpointctl's keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SocketNode {
    /// `TCP`, `UDP`; for unix sockets their type (`STREAM`); `PACKET`,
    /// `NETLINK`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub protocol: String,
    /// The details.
    pub data: SocketData,
}

/// Socket details, with checkpointctl's keys.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SocketData {
    /// `TCP`, `UDP`, `UNIX`.
    #[serde(rename = "type", skip_serializing_if = "String::is_empty")]
    pub socket_type: String,
    /// Unix socket name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub address: String,
    /// TCP state.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub state: String,
    /// Local address.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub src: String,
    /// Local port.
    #[serde(skip_serializing_if = "is_zero")]
    pub src_port: u32,
    /// Peer address.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub dst: String,
    /// Peer port.
    #[serde(skip_serializing_if = "is_zero")]
    pub dst_port: u32,
    /// Send buffer, e.g. `16.0 KB`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub send_buf: String,
    /// Receive buffer.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub recv_buf: String,
}

fn is_zero(v: &u32) -> bool {
    *v == 0
}

/// A mount of the spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MountNode {
    /// Path in the container.
    pub destination: String,
    /// File system type.
    #[serde(rename = "type")]
    pub mount_type: String,
    /// Source.
    pub source: String,
}

/// A mount as CRIU dumped it (`mountpoints-*.img`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CriuMountNode {
    /// Mount id.
    pub mnt_id: u32,
    /// Parent mount id.
    pub parent_mnt_id: u32,
    /// Mount point.
    pub mountpoint: String,
    /// Root of the mount in its file system.
    pub root: String,
    /// Source.
    pub source: String,
    /// Mount options.
    pub options: String,
}

/// One checkpoint, inspected: checkpointctl's `inspect --format json`
/// object, with every list sorted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Inspection {
    /// The container.
    #[serde(flatten)]
    pub header: Header,
    /// Dump statistics (`--stats`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statistics: Option<Statistics>,
    /// Pod, namespace, annotations (`--metadata`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    /// The process tree (`--ps-tree`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub process_tree: Option<PsNode>,
    /// Open files per process (`--files`), sorted by pid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_descriptors: Option<Vec<FdNode>>,
    /// Sockets per process (`--sockets`), sorted by pid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sockets: Option<Vec<SkNode>>,
    /// The spec's mounts (`--mounts`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mounts: Option<Vec<MountNode>>,
    /// CRIU's mounts (`--mounts`), sorted by mount id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub criu_mounts: Option<Vec<CriuMountNode>>,
    /// The archive.
    pub archive: String,
    /// What was wrong with optional parts.
    pub warnings: Vec<Warning>,
}

/// `countBytes` of go-crit: `"%d B"` below 1024, else one decimal and
/// `KB`, `MB`, … (powers of 1024).
pub fn count_bytes(n: u64) -> String {
    crate::metadata::byte_to_string(n).replace("iB", "B")
}

impl Inspection {
    /// Builds the inspection. It needs a checkpoint directory; a missing
    /// `config.dump` or `spec.dump` (a bare CRIU image directory) is a
    /// warning. An unknown `pid` is an error.
    pub fn new(checkpoint: &Checkpoint, options: &InspectOptions) -> Result<Inspection> {
        let o = options.clone().normalized();
        checkpoint.require_checkpoint_directory()?;
        let mut warnings = checkpoint.warnings.clone();
        for (have, name) in [
            (checkpoint.config.is_some(), crate::layout::CONFIG_DUMP_FILE),
            (checkpoint.spec.is_some(), crate::layout::SPEC_DUMP_FILE),
        ] {
            if !have && checkpoint.complete {
                warnings.push(Warning::new(Some(name), "not in the archive"));
            }
        }
        let empty_spec = crate::metadata::SpecDump::default();
        let spec = checkpoint.spec.as_ref().unwrap_or(&empty_spec);

        let statistics = if o.stats {
            match &checkpoint.stats {
                Some(s) => Some(Statistics {
                    freezing_time: s.freezing_time,
                    frozen_time: s.frozen_time,
                    memdump_time: s.memdump_time,
                    memwrite_time: s.memwrite_time,
                    pages_scanned: s.pages_scanned,
                    pages_written: s.pages_written,
                    pages_skipped_parent: s.pages_skipped_parent,
                    pages_lazy: s.pages_lazy,
                }),
                None => {
                    warnings.push(Warning::new(
                        Some("stats-dump"),
                        "no dump statistics in the archive",
                    ));
                    None
                }
            }
        } else {
            None
        };

        let metadata = o.metadata.then(|| Metadata {
            pod_name: checkpoint.container.pod.clone(),
            kubernetes_namespace: checkpoint.container.namespace.clone(),
            annotations: spec.annotations.clone(),
        });

        let mut process_tree = None;
        let mut shown: BTreeSet<u32> = BTreeSet::new();
        if o.ps_tree {
            match process::processes(checkpoint, &mut warnings) {
                None => warnings.push(Warning::new(
                    Some("checkpoint/pstree.img"),
                    "no process tree in the archive",
                )),
                Some(processes) => {
                    let roots = process::tree(&processes, &mut warnings);
                    let start = match o.pid {
                        Some(pid) => {
                            Some(roots.iter().find_map(|r| r.find(pid)).ok_or_else(|| {
                                Error::NoSuchProcess {
                                    archive: checkpoint.archive.clone(),
                                    pid,
                                }
                            })?)
                        }
                        None => {
                            if roots.len() > 1 {
                                warnings.push(Warning::new(
                                    Some("checkpoint/pstree.img"),
                                    format!(
                                        "{} process trees; showing the one of pid {}",
                                        roots.len(),
                                        roots[0].process.pid
                                    ),
                                ));
                            }
                            roots.first()
                        }
                    };
                    if let Some(start) = start {
                        shown = start.walk().iter().map(|n| n.process.pid).collect();
                        process_tree = Some(ps_node(start, checkpoint, &o, &mut warnings));
                    }
                }
            }
        }

        let alive: Vec<u32> = shown
            .iter()
            .copied()
            .filter(|pid| {
                process_tree
                    .as_ref()
                    .and_then(|t| find_ps(t, *pid))
                    .is_some_and(|n| n.task_state.has_resources())
            })
            .collect();
        let images = checkpoint.images.as_ref();
        let index = images.map(files::index).unwrap_or_default();
        let file_descriptors = o.files.then(|| {
            alive
                .iter()
                .filter_map(|&pid| {
                    let open = images.and_then(|i| files::open_files(i, &index, pid));
                    if open.is_none() {
                        warnings.push(Warning::new(
                            None,
                            format!("pid {pid}: open files unknown (ids or fdinfo image missing)"),
                        ));
                    }
                    open.map(|open| {
                        for f in open.iter().filter(|f| !index.contains_key(&f.file_id)) {
                            let what = f.fd.map_or_else(|| f.kind.clone(), |fd| format!("fd {fd}"));
                            warnings.push(Warning::new(
                                Some("checkpoint/files.img"),
                                format!(
                                    "pid {pid}: {what} refers to file id {}, which is not there",
                                    f.file_id
                                ),
                            ));
                        }
                        FdNode {
                            pid,
                            open_files: open.iter().map(open_file_node).collect(),
                        }
                    })
                })
                .collect()
        });
        let sockets = o.sockets.then(|| {
            alive
                .iter()
                .filter_map(|&pid| {
                    let sks = images.and_then(|i| files::sockets(i, &index, pid))?;
                    (!sks.is_empty()).then(|| SkNode {
                        pid,
                        open_sockets: sks.iter().map(socket_node).collect(),
                    })
                })
                .collect()
        });
        let mounts = o.mounts.then(|| {
            spec.mounts
                .iter()
                .map(|m| MountNode {
                    destination: m.destination.clone(),
                    mount_type: m.mount_type.clone(),
                    source: m.source.clone(),
                })
                .collect()
        });
        let criu_mounts =
            (o.mounts && images.is_some_and(|i| !i.mountpoints.is_empty())).then(|| {
                let mut all: Vec<CriuMountNode> = images
                    .into_iter()
                    .flat_map(|i| i.mountpoints.values().flatten())
                    .map(|m| CriuMountNode {
                        mnt_id: m.mnt_id,
                        parent_mnt_id: m.parent_mnt_id,
                        mountpoint: m.mountpoint.clone(),
                        root: m.root.clone(),
                        source: m.source.clone(),
                        options: m.options.clone(),
                    })
                    .collect();
                all.sort_by_key(|m| m.mnt_id);
                all
            });

        Ok(Inspection {
            header: Header::new(checkpoint),
            statistics,
            metadata,
            process_tree,
            file_descriptors,
            sockets,
            mounts,
            criu_mounts,
            archive: checkpoint.archive.clone(),
            warnings,
        })
    }
}

fn find_ps(node: &PsNode, pid: u32) -> Option<&PsNode> {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if n.pid == pid {
            return Some(n);
        }
        stack.extend(n.children.iter());
    }
    None
}

fn ps_node(
    node: &ProcessNode,
    checkpoint: &Checkpoint,
    o: &InspectOptions,
    warnings: &mut Vec<Warning>,
) -> PsNode {
    let p = &node.process;
    let alive = p.state.has_resources();
    let unavailable = |what: &str, text: Option<&crate::memory::MemoryText>| match text {
        Some(crate::memory::MemoryText::Unavailable(why)) => {
            format!("pid {}: {what} unavailable: {why}", p.pid)
        }
        _ => format!("pid {}: {what} unavailable (no mm or pagemap image)", p.pid),
    };
    let text = checkpoint.texts.get(&p.pid);
    let cmdline = (o.cmdline && alive)
        .then(|| p.cmdline(checkpoint))
        .flatten();
    if o.cmdline && alive && cmdline.is_none() {
        warnings.push(Warning::new(
            None,
            unavailable("command line", text.map(|t| &t.args)),
        ));
    }
    let environment_variables = if o.env && alive {
        match &p.env {
            Some(env) => {
                let mut map = BTreeMap::new();
                for var in env {
                    match var.split_once('=') {
                        Some((k, v)) if !k.is_empty() => {
                            map.insert(k.to_owned(), v.to_owned());
                        }
                        _ => warnings.push(Warning::new(
                            None,
                            format!(
                                "pid {}: environment string {var:?} is not KEY=VALUE; skipped",
                                p.pid
                            ),
                        )),
                    }
                }
                Some(map)
            }
            None => {
                warnings.push(Warning::new(
                    None,
                    unavailable("environment", text.map(|t| &t.env)),
                ));
                None
            }
        }
    } else {
        None
    };
    // Iterative depth is bounded by process::MAX_DEPTH.
    let children = node
        .children
        .iter()
        .map(|c| ps_node(c, checkpoint, o, warnings))
        .collect();
    PsNode {
        pid: p.pid,
        command: p.comm.clone(),
        cmdline,
        task_state: p.state,
        environment_variables,
        ppid: p.ppid,
        threads: p.threads.clone(),
        children,
    }
}

fn open_file_node(f: &OpenFile) -> OpenFileNode {
    match f.fd {
        Some(fd) => OpenFileNode {
            file_type: f.kind.clone(),
            fd: format!("{} {fd}", f.kind),
            path: f.path.clone(),
            pos: f.pos,
        },
        None => OpenFileNode {
            file_type: String::new(),
            fd: f.kind.clone(),
            path: f.path.clone(),
            pos: None,
        },
    }
}

fn socket_node(s: &Socket) -> SocketNode {
    let send_buf = count_bytes(u64::from(s.send_buf));
    let recv_buf = count_bytes(u64::from(s.recv_buf));
    match s.family.as_str() {
        "INET" | "INET6" => SocketNode {
            protocol: s.protocol.clone(),
            data: SocketData {
                socket_type: s.protocol.clone(),
                state: s.state.clone(),
                src: s.src.clone(),
                src_port: s.src_port,
                dst: s.dst.clone(),
                dst_port: s.dst_port,
                send_buf,
                recv_buf,
                ..SocketData::default()
            },
        },
        "UNIX" => SocketNode {
            protocol: s.sock_type.clone(),
            data: SocketData {
                socket_type: "UNIX".to_owned(),
                address: s.name.clone(),
                state: s.state.clone(),
                send_buf,
                recv_buf,
                ..SocketData::default()
            },
        },
        family => SocketNode {
            protocol: family.to_owned(),
            data: SocketData {
                send_buf,
                recv_buf,
                ..SocketData::default()
            },
        },
    }
}
