//! What changed between the processes, open files, sockets and
//! environments of two inspected checkpoints.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::options::DiffOptions;
use crate::views::{Inspection, PsNode};

/// A process in a diff.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[non_exhaustive]
pub struct ProcessInfo {
    /// Pid.
    pub pid: u32,
    /// Command name.
    pub command: String,
    /// Command line (with `--ps-tree-cmd`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cmdline: Option<String>,
}

/// Processes added (in B only), removed (in A only), modified (a
/// different command, command line or environment) and unchanged, by pid.
/// Empty lists are left out of JSON, as checkpointctl leaves them out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ProcessDiff {
    /// In B only.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<ProcessInfo>,
    /// In A only.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<ProcessInfo>,
    /// In both, different.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub modified: Vec<ProcessInfo>,
    /// In both, the same.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unchanged: Vec<ProcessInfo>,
}

/// An open file in a diff.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[non_exhaustive]
pub struct FileInfo {
    /// Path or description.
    pub path: String,
    /// `REG`, `PIPE`, … (empty for cwd and root).
    #[serde(rename = "type")]
    pub file_type: String,
    /// Pid.
    pub pid: u32,
    /// `REG 3`, `cwd`, …
    pub fd: String,
}

/// A socket in a diff (checkpointctl's keys).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[non_exhaustive]
pub struct SocketInfo {
    /// Pid.
    pub pid: u32,
    /// `TCP`, `UDP`, or a unix socket's type.
    pub protocol: String,
    /// `TCP`, `UDP`, `UNIX`.
    #[serde(rename = "type")]
    pub socket_type: String,
    /// Unix socket name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub address: String,
    /// TCP state.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub state: String,
    /// Local address.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// Local port.
    #[serde(skip_serializing_if = "is_zero")]
    pub src_port: u32,
    /// Peer address.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub dest: String,
    /// Peer port.
    #[serde(skip_serializing_if = "is_zero")]
    pub dst_port: u32,
}

fn is_zero(v: &u32) -> bool {
    *v == 0
}

/// What was added, removed and kept, in key order; empty lists are left
/// out of JSON, as checkpointctl leaves them out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Changes<T> {
    /// In B only.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<T>,
    /// In A only.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<T>,
    /// In both.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unchanged: Vec<T>,
}

impl<T> Default for Changes<T> {
    fn default() -> Changes<T> {
        Changes {
            added: Vec::new(),
            removed: Vec::new(),
            unchanged: Vec::new(),
        }
    }
}

/// Open files added, removed and unchanged, keyed by pid, fd and path.
pub type FileDiff = Changes<FileInfo>;

/// Sockets added, removed and unchanged, keyed by pid, protocol, type,
/// address and ports.
pub type SocketDiff = Changes<SocketInfo>;

/// One environment variable that differs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[non_exhaustive]
pub struct EnvChange {
    /// Pid.
    pub pid: u32,
    /// Variable name.
    pub name: String,
    /// Value in A (absent: added).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// Value in B (absent: removed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

fn flatten(node: &PsNode, out: &mut Vec<PsNode>) {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        let mut flat = n.clone();
        flat.children = Vec::new();
        out.push(flat);
        stack.extend(n.children.iter());
    }
}

pub(super) fn processes(a: &Inspection, b: &Inspection, o: &DiffOptions) -> ProcessDiff {
    let mut fa = Vec::new();
    let mut fb = Vec::new();
    if let Some(t) = &a.process_tree {
        flatten(t, &mut fa);
    }
    if let Some(t) = &b.process_tree {
        flatten(t, &mut fb);
    }
    let ma: BTreeMap<u32, &PsNode> = fa.iter().map(|p| (p.pid, p)).collect();
    let mb: BTreeMap<u32, &PsNode> = fb.iter().map(|p| (p.pid, p)).collect();
    let info = |p: &PsNode| ProcessInfo {
        pid: p.pid,
        command: p.command.clone(),
        cmdline: if o.cmdline { p.cmdline.clone() } else { None },
    };
    let mut d = ProcessDiff::default();
    for (pid, pb) in &mb {
        match ma.get(pid) {
            None => d.added.push(info(pb)),
            Some(pa) => {
                let modified = pa.command != pb.command
                    || (o.cmdline && pa.cmdline != pb.cmdline)
                    || (o.env && pa.environment_variables != pb.environment_variables);
                if modified {
                    d.modified.push(info(pb));
                } else {
                    d.unchanged.push(info(pb));
                }
            }
        }
    }
    for (pid, pa) in &ma {
        if !mb.contains_key(pid) {
            d.removed.push(info(pa));
        }
    }
    d
}

/// Descriptors in number order, then `cwd` and `root`.
fn fd_rank(fd: &str) -> (u8, u64) {
    match fd.rsplit(' ').next().map(str::parse::<u64>) {
        Some(Ok(n)) => (0, n),
        _ => (1, 0),
    }
}

type FileKey = (u32, (u8, u64), String, String);

fn file_set(i: &Inspection) -> BTreeMap<FileKey, FileInfo> {
    let mut out = BTreeMap::new();
    for fds in i.file_descriptors.iter().flatten() {
        for f in &fds.open_files {
            let info = FileInfo {
                pid: fds.pid,
                fd: f.fd.clone(),
                path: f.path.clone(),
                file_type: f.file_type.clone(),
            };
            out.insert(
                (fds.pid, fd_rank(&f.fd), f.fd.clone(), f.path.clone()),
                info,
            );
        }
    }
    out
}

pub(super) fn files(a: &Inspection, b: &Inspection) -> FileDiff {
    compare_sets(file_set(a), file_set(b))
}

/// What is in `b` only, in `a` only, and in both (as `b` has it), in key
/// order.
fn compare_sets<K: Ord, V>(mut a: BTreeMap<K, V>, b: BTreeMap<K, V>) -> Changes<V> {
    let mut changes = Changes::default();
    for (k, v) in b {
        if a.remove(&k).is_some() {
            changes.unchanged.push(v);
        } else {
            changes.added.push(v);
        }
    }
    changes.removed = a.into_values().collect();
    changes
}

type SocketKey = (u32, String, String, String, u32, String, u32);

fn socket_set(i: &Inspection) -> BTreeMap<SocketKey, SocketInfo> {
    let mut out = BTreeMap::new();
    for sks in i.sockets.iter().flatten() {
        for s in &sks.open_sockets {
            let d = &s.data;
            let info = SocketInfo {
                pid: sks.pid,
                protocol: s.protocol.clone(),
                socket_type: d.socket_type.clone(),
                address: d.address.clone(),
                state: d.state.clone(),
                source: d.src.clone(),
                src_port: d.src_port,
                dest: d.dst.clone(),
                dst_port: d.dst_port,
            };
            let key = (
                sks.pid,
                s.protocol.clone(),
                d.socket_type.clone(),
                d.address.clone(),
                d.src_port,
                d.dst.clone(),
                d.dst_port,
            );
            out.insert(key, info);
        }
    }
    out
}

pub(super) fn sockets(a: &Inspection, b: &Inspection) -> SocketDiff {
    compare_sets(socket_set(a), socket_set(b))
}

pub(super) fn environments(a: &Inspection, b: &Inspection) -> Vec<EnvChange> {
    let mut fa = Vec::new();
    let mut fb = Vec::new();
    if let Some(t) = &a.process_tree {
        flatten(t, &mut fa);
    }
    if let Some(t) = &b.process_tree {
        flatten(t, &mut fb);
    }
    let mb: BTreeMap<u32, &PsNode> = fb.iter().map(|p| (p.pid, p)).collect();
    let mut out = Vec::new();
    for pa in &fa {
        let Some(pb) = mb.get(&pa.pid) else {
            continue;
        };
        let (Some(ea), Some(eb)) = (&pa.environment_variables, &pb.environment_variables) else {
            continue;
        };
        let names: BTreeSet<&String> = ea.keys().chain(eb.keys()).collect();
        for name in names {
            let (before, after) = (ea.get(name), eb.get(name));
            if before != after {
                out.push(EnvChange {
                    pid: pa.pid,
                    name: name.clone(),
                    before: before.cloned(),
                    after: after.cloned(),
                });
            }
        }
    }
    out.sort();
    out
}
