//! The process tree: `pstree.img` joined with `core-<pid>.img` and the
//! command lines and environments read from memory.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::checkpoint::Checkpoint;
use crate::criu::proto::{TASK_ALIVE, TASK_DEAD, TASK_STOPPED, TASK_ZOMBIE};
use crate::error::Warning;
use crate::memory::MemoryText;

/// Deepest process tree built; deeper descendants are listed as roots.
pub const MAX_DEPTH: usize = 256;

/// A task's state when it was dumped (`compel/include/uapi/task-state.h`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TaskState {
    /// Running or sleeping.
    Alive,
    /// Exited during the dump; CRIU also dumps zombies with this state.
    Dead,
    /// Stopped by a signal.
    Stopped,
    /// A zombie.
    Zombie,
    /// Another value.
    Unknown(u32),
}

impl TaskState {
    /// From `task_core_entry.task_state`.
    pub fn from_raw(v: u32) -> TaskState {
        match v {
            TASK_ALIVE => TaskState::Alive,
            TASK_DEAD => TaskState::Dead,
            TASK_STOPPED => TaskState::Stopped,
            TASK_ZOMBIE => TaskState::Zombie,
            other => TaskState::Unknown(other),
        }
    }

    /// The name checkpointctl shows: `Alive`, `Dead`, `Stopped`, `Zombie`,
    /// `Unknown`.
    pub fn name(self) -> &'static str {
        match self {
            TaskState::Alive => "Alive",
            TaskState::Dead => "Dead",
            TaskState::Stopped => "Stopped",
            TaskState::Zombie => "Zombie",
            TaskState::Unknown(_) => "Unknown",
        }
    }

    /// Whether the task has memory, files and sockets in the dump (alive or
    /// stopped; dead tasks and zombies have none).
    pub fn has_resources(self) -> bool {
        matches!(self, TaskState::Alive | TaskState::Stopped)
    }
}

impl Serialize for TaskState {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// One task, as the dump describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Process {
    /// Pid in the dumped pid namespace.
    pub pid: u32,
    /// Parent pid (0 for the root).
    pub ppid: u32,
    /// Process group.
    pub pgid: u32,
    /// Session.
    pub sid: u32,
    /// Thread ids.
    pub threads: Vec<u32>,
    /// Command name (`comm`), empty without a core image.
    pub comm: String,
    /// State.
    pub state: TaskState,
    /// Exit code of a dead task.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<u32>,
    /// Arguments, read from memory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub args: Option<Vec<String>>,
    /// Environment (`KEY=VALUE`, as in memory, in memory order).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env: Option<Vec<String>>,
}

impl Process {
    /// The command line as checkpointctl shows it: the NUL-separated
    /// arguments joined with spaces (so with a trailing space).
    pub fn cmdline(&self, checkpoint: &Checkpoint) -> Option<String> {
        match &checkpoint.texts.get(&self.pid)?.args {
            MemoryText::Available(bytes) => Some(
                bytes
                    .split(|&b| b == 0)
                    .map(String::from_utf8_lossy)
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            MemoryText::Unavailable(_) => None,
        }
    }
}

/// A process and its children, sorted by pid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ProcessNode {
    /// The process.
    pub process: Process,
    /// Its children, sorted by pid.
    pub children: Vec<ProcessNode>,
}

impl ProcessNode {
    /// Finds a process in this subtree.
    pub fn find(&self, pid: u32) -> Option<&ProcessNode> {
        let mut stack = vec![self];
        while let Some(node) = stack.pop() {
            if node.process.pid == pid {
                return Some(node);
            }
            stack.extend(node.children.iter());
        }
        None
    }

    /// Every process of this subtree, parents before children.
    pub fn walk(&self) -> Vec<&ProcessNode> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(node) = stack.pop() {
            out.push(node);
            stack.extend(node.children.iter().rev());
        }
        out
    }
}

/// The processes of a checkpoint, by pid, from `pstree.img` and the core
/// images; `None` if `pstree.img` was not decoded.
pub fn processes(
    checkpoint: &Checkpoint,
    warnings: &mut Vec<Warning>,
) -> Option<BTreeMap<u32, Process>> {
    let images = checkpoint.images.as_ref()?;
    let pstree = images.pstree.as_ref()?;
    let mut out = BTreeMap::new();
    for entry in pstree {
        let core = images.core.get(&entry.pid);
        let tc = core.and_then(|c| c.tc.as_ref());
        if tc.is_none() {
            warnings.push(Warning::new(
                Some(&format!("checkpoint/core-{}.img", entry.pid)),
                format!(
                    "no task core for pid {}: command name and state unknown",
                    entry.pid
                ),
            ));
        }
        let state = TaskState::from_raw(tc.map_or(0, |t| t.task_state));
        let text = checkpoint.texts.get(&entry.pid);
        let process = Process {
            pid: entry.pid,
            ppid: entry.ppid,
            pgid: entry.pgid,
            sid: entry.sid,
            threads: entry.threads.clone(),
            comm: tc.map(|t| t.comm.clone()).unwrap_or_default(),
            state,
            exit_code: tc
                .filter(|_| matches!(state, TaskState::Dead | TaskState::Zombie))
                .map(|t| t.exit_code),
            args: text.and_then(|t| t.args.strings()),
            env: text.and_then(|t| t.env.strings()),
        };
        if out.insert(entry.pid, process).is_some() {
            warnings.push(Warning::new(
                Some("checkpoint/pstree.img"),
                format!(
                    "pid {} appears more than once; the last entry is used",
                    entry.pid
                ),
            ));
        }
    }
    Some(out)
}

/// Builds the tree: roots are the processes whose parent is not in the
/// dump (normally one, with ppid 0), children sorted by pid. A cycle or a
/// tree deeper than [`MAX_DEPTH`] is broken into more roots, with a
/// warning.
pub fn tree(processes: &BTreeMap<u32, Process>, warnings: &mut Vec<Warning>) -> Vec<ProcessNode> {
    let mut children: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    let mut roots = Vec::new();
    for p in processes.values() {
        if p.ppid != p.pid && processes.contains_key(&p.ppid) {
            children.entry(p.ppid).or_default().push(p.pid);
        } else {
            roots.push(p.pid);
        }
    }
    let mut placed = BTreeSet::new();
    let mut out = Vec::new();
    let mut queue: Vec<u32> = roots;
    let mut i = 0;
    loop {
        while i < queue.len() {
            let pid = queue[i];
            i += 1;
            if placed.contains(&pid) {
                continue;
            }
            out.push(build(
                pid,
                processes,
                &children,
                &mut placed,
                0,
                &mut queue,
                warnings,
            ));
        }
        // Whatever was not reached sits on a cycle.
        match processes.keys().find(|pid| !placed.contains(*pid)) {
            Some(&pid) => {
                warnings.push(Warning::new(
                    Some("checkpoint/pstree.img"),
                    format!("pid {pid} is in a cycle of parents; shown as a root"),
                ));
                queue.push(pid);
            }
            None => break,
        }
    }
    out.sort_by_key(|n| n.process.pid);
    out
}

fn build(
    pid: u32,
    processes: &BTreeMap<u32, Process>,
    children: &BTreeMap<u32, Vec<u32>>,
    placed: &mut BTreeSet<u32>,
    depth: usize,
    overflow: &mut Vec<u32>,
    warnings: &mut Vec<Warning>,
) -> ProcessNode {
    placed.insert(pid);
    let mut node = ProcessNode {
        process: processes[&pid].clone(),
        children: Vec::new(),
    };
    for &child in children.get(&pid).into_iter().flatten() {
        if placed.contains(&child) {
            continue;
        }
        if depth + 1 >= MAX_DEPTH {
            warnings.push(Warning::new(
                Some("checkpoint/pstree.img"),
                format!(
                    "the process tree is deeper than {MAX_DEPTH}; pid {child} is shown as a root"
                ),
            ));
            overflow.push(child);
            continue;
        }
        node.children.push(build(
            child,
            processes,
            children,
            placed,
            depth + 1,
            overflow,
            warnings,
        ));
    }
    node.children.sort_by_key(|n| n.process.pid);
    node
}
