//! The nodes of an [`Inspection`](super::Inspection), with checkpointctl's
//! JSON keys, and how each is made from the model.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::criu::proto::{DumpStatsEntry, MntEntry};
use crate::memory::MemoryText;
use crate::model::{OpenFile, ProcessNode, TaskState};
use crate::warning::{Warning, WarningKind};

use super::options::InspectOptions;

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
    /// Environment read from memory as checkpointctl keys it: a map by
    /// name, where a later duplicate wins as it does for `getenv`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment_variables: Option<BTreeMap<String, String>>,
    /// The same environment as the process holds it: `KEY=VALUE` strings
    /// in memory order, duplicates kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<Vec<String>>,
    /// Parent pid.
    pub ppid: u32,
    /// Thread ids.
    pub threads: Vec<u32>,
    /// Every thread with its name and state, leader first.
    pub thread_details: Vec<ThreadNode>,
    /// Children, sorted by pid.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<PsNode>,
}

/// One thread in `thread_details`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ThreadNode {
    /// Thread id.
    pub tid: u32,
    /// Thread name (empty when the dump does not record it).
    pub name: String,
    /// `Alive`, `Stopped`, … (the process's: CRIU records a task's state
    /// once for all its threads).
    pub state: TaskState,
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
    /// Deleted while open (its content saved in the checkpoint when CRIU
    /// made it a ghost file: `ckpt cat ARCHIVE deleted:PATH`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
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

/// `countBytes` of go-crit: `"%d B"` below 1024, else one decimal and
/// `KB`, `MB`, … (powers of 1024).
pub fn count_bytes(n: u64) -> String {
    crate::metadata::byte_to_string(n).replace("iB", "B")
}

pub(super) fn find_ps(node: &PsNode, pid: u32) -> Option<&PsNode> {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if n.pid == pid {
            return Some(n);
        }
        stack.extend(n.children.iter());
    }
    None
}

/// What a warning calls a command line it could not read.
pub(super) const COMMAND_LINE: &str = "command line";
/// What a warning calls an environment it could not read.
pub(super) const ENVIRONMENT: &str = "environment";

pub(super) fn ps_node(
    node: &ProcessNode<'_>,
    o: &InspectOptions,
    warnings: &mut Vec<Warning>,
) -> PsNode {
    let p = &node.process;
    let pid = p.pid();
    let alive = p.state().has_resources();
    let unavailable = |what: &str, text: Option<&MemoryText>| {
        let (message, limit) = match text {
            Some(MemoryText::Unavailable { why, limit }) => {
                (format!("pid {pid}: {what} unavailable: {why}"), *limit)
            }
            _ => (
                format!("pid {pid}: {what} unavailable (no mm or pagemap image)"),
                None,
            ),
        };
        Warning::new(WarningKind::MemoryUnavailable, None, message).with_limit(limit)
    };
    let cmdline = (o.cmdline && alive).then(|| p.cmdline()).flatten();
    if o.cmdline && alive && cmdline.is_none() {
        warnings.push(unavailable(COMMAND_LINE, p.args_text()));
    }
    let environment = if o.env && alive {
        let env = p.environment();
        if env.is_none() {
            warnings.push(unavailable(ENVIRONMENT, p.env_text()));
        }
        env
    } else {
        None
    };
    let environment_variables = environment
        .as_ref()
        .map(|env| environment_map(pid, env, warnings));
    // Iterative depth is bounded by model::MAX_DEPTH.
    let children = node
        .children
        .iter()
        .map(|c| ps_node(c, o, warnings))
        .collect();
    PsNode {
        pid,
        command: p.comm().to_owned(),
        cmdline,
        task_state: p.state(),
        environment_variables,
        environment,
        ppid: p.ppid(),
        threads: p.thread_ids().to_vec(),
        thread_details: p
            .threads()
            .map(|t| ThreadNode {
                tid: t.tid,
                name: t.name.to_owned(),
                state: t.state,
            })
            .collect(),
        children,
    }
}

/// An environment as checkpointctl shows it: a map by name (a later
/// duplicate wins); strings that are not `KEY=VALUE` are skipped, with a
/// warning.
pub(crate) fn environment_map(
    pid: u32,
    env: &[String],
    warnings: &mut Vec<Warning>,
) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for var in env {
        match var.split_once('=') {
            Some((k, v)) if !k.is_empty() => {
                map.insert(k.to_owned(), v.to_owned());
            }
            _ => warnings.push(Warning::new(
                WarningKind::InvalidEnvironment,
                None,
                format!("pid {pid}: environment string {var:?} is not KEY=VALUE; skipped"),
            )),
        }
    }
    map
}

pub(super) fn open_file_node(f: &OpenFile) -> OpenFileNode {
    match f.fd {
        Some(fd) => OpenFileNode {
            file_type: f.kind.clone(),
            fd: format!("{} {fd}", f.kind),
            path: f.path.clone(),
            pos: f.pos,
            deleted: f.deleted,
        },
        None => OpenFileNode {
            file_type: String::new(),
            fd: f.kind.clone(),
            path: f.path.clone(),
            pos: None,
            deleted: false,
        },
    }
}

impl Statistics {
    pub(super) fn new(s: &DumpStatsEntry) -> Statistics {
        Statistics {
            freezing_time: s.freezing_time,
            frozen_time: s.frozen_time,
            memdump_time: s.memdump_time,
            memwrite_time: s.memwrite_time,
            pages_scanned: s.pages_scanned,
            pages_written: s.pages_written,
            pages_skipped_parent: s.pages_skipped_parent,
            pages_lazy: s.pages_lazy,
        }
    }
}

impl CriuMountNode {
    pub(super) fn new(m: &MntEntry) -> CriuMountNode {
        CriuMountNode {
            mnt_id: m.mnt_id,
            parent_mnt_id: m.parent_mnt_id,
            mountpoint: m.mountpoint.clone(),
            root: m.root.clone(),
            source: m.source.clone(),
            options: m.options.clone(),
        }
    }
}

impl PsNode {
    /// Every process of this subtree, parents before children.
    pub fn walk(&self) -> Vec<&PsNode> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(node) = stack.pop() {
            out.push(node);
            stack.extend(node.children.iter().rev());
        }
        out
    }
}
