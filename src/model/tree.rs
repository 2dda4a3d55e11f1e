//! The process tree: `pstree.img`'s tasks by pid, and as a tree of parents
//! and children, with what is odd about them as warnings.

use std::collections::{BTreeMap, BTreeSet};

use super::checkpoint::Checkpoint;
use super::process::Process;
use crate::warning::{Warning, WarningKind};

/// The processes.
impl Checkpoint {
    /// Every process of the dump, by pid (a pid `pstree.img` lists twice:
    /// its last entry); nothing if the process tree was not decoded
    /// ([`Want::processes`](crate::Want::processes)).
    ///
    /// ```
    /// # fn main() -> Result<(), ckpt::Error> {
    /// let options = ckpt::Options::new(ckpt::Want { processes: true, ..ckpt::Want::none() });
    /// let c = ckpt::read_path("tests/fixtures/multi-proc.none.tar", &options)?;
    /// let names: Vec<(u32, &str)> = c.processes().map(|p| (p.pid(), p.comm())).collect();
    /// assert_eq!(names[..2], [(1, "ckpt-parent"), (6, "pipe-writer")]);
    /// # Ok(()) }
    /// ```
    pub fn processes(&self) -> impl Iterator<Item = Process<'_>> {
        self.process_table()
            .map(|t| t.by_pid.into_values())
            .into_iter()
            .flatten()
    }

    /// The process with this pid.
    pub fn process(&self, pid: u32) -> Option<Process<'_>> {
        let pstree = self.images.as_ref()?.pstree.as_ref()?;
        let entry = pstree.iter().rev().find(|e| e.pid == pid)?;
        Some(Process::new(self, entry))
    }

    /// The processes by pid with what is odd about them (tasks without a
    /// core, pids listed twice), and from there the tree; `None` if the
    /// process tree was not decoded.
    pub fn process_table(&self) -> Option<ProcessTable<'_>> {
        ProcessTable::new(self)
    }
}

/// Deepest process tree built; deeper descendants are listed as roots.
pub const MAX_DEPTH: usize = 256;

const PSTREE: &str = "checkpoint/pstree.img";

/// The processes of a checkpoint by pid (a pid listed twice: the last
/// entry), with warnings about tasks without a core and duplicate pids; see
/// [`Checkpoint::process_table`].
#[derive(Debug, Clone)]
pub struct ProcessTable<'c> {
    /// The processes, by pid.
    pub by_pid: BTreeMap<u32, Process<'c>>,
    /// What is odd about them.
    pub warnings: Vec<Warning>,
}

impl<'c> ProcessTable<'c> {
    pub(crate) fn new(checkpoint: &'c Checkpoint) -> Option<ProcessTable<'c>> {
        let pstree = checkpoint.images.as_ref()?.pstree.as_ref()?;
        let mut by_pid = BTreeMap::new();
        let mut warnings = Vec::new();
        for entry in pstree {
            let process = Process::new(checkpoint, entry);
            if !process.has_task_core() {
                warnings.push(Warning::new(
                    WarningKind::MissingImage,
                    Some(&format!("checkpoint/core-{}.img", entry.pid)),
                    format!(
                        "no task core for pid {}: command name and state unknown",
                        entry.pid
                    ),
                ));
            }
            if by_pid.insert(entry.pid, process).is_some() {
                warnings.push(Warning::new(
                    WarningKind::ProcessTree,
                    Some(PSTREE),
                    format!(
                        "pid {} appears more than once; the last entry is used",
                        entry.pid
                    ),
                ));
            }
        }
        Some(ProcessTable { by_pid, warnings })
    }

    /// The tree: roots are the processes whose parent is not in the dump
    /// (normally one, with ppid 0), children sorted by pid. A cycle or a
    /// tree deeper than [`MAX_DEPTH`] is broken into more roots, with a
    /// warning added to `warnings`.
    pub fn tree(&self, warnings: &mut Vec<Warning>) -> Vec<ProcessNode<'c>> {
        let processes = &self.by_pid;
        let mut children: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        let mut roots = Vec::new();
        for p in processes.values() {
            if p.ppid() != p.pid() && processes.contains_key(&p.ppid()) {
                children.entry(p.ppid()).or_default().push(p.pid());
            } else {
                roots.push(p.pid());
            }
        }
        let mut builder = Builder {
            processes,
            children: &children,
            placed: BTreeSet::new(),
            overflow: roots,
            warnings,
        };
        let mut out = Vec::new();
        let mut i = 0;
        loop {
            while i < builder.overflow.len() {
                let pid = builder.overflow[i];
                i += 1;
                if builder.placed.contains(&pid) {
                    continue;
                }
                out.push(builder.build(pid, 0));
            }
            // Whatever was not reached sits on a cycle.
            match processes.keys().find(|pid| !builder.placed.contains(*pid)) {
                Some(&pid) => {
                    builder.warnings.push(Warning::new(
                        WarningKind::ProcessTree,
                        Some(PSTREE),
                        format!("pid {pid} is in a cycle of parents; shown as a root"),
                    ));
                    builder.overflow.push(pid);
                }
                None => break,
            }
        }
        out.sort_by_key(|n| n.process.pid());
        out
    }
}

struct Builder<'t, 'c> {
    processes: &'t BTreeMap<u32, Process<'c>>,
    children: &'t BTreeMap<u32, Vec<u32>>,
    placed: BTreeSet<u32>,
    /// Roots still to build: the real ones, then those cut off.
    overflow: Vec<u32>,
    warnings: &'t mut Vec<Warning>,
}

impl<'c> Builder<'_, 'c> {
    fn build(&mut self, pid: u32, depth: usize) -> ProcessNode<'c> {
        self.placed.insert(pid);
        let mut node = ProcessNode {
            process: self.processes[&pid],
            children: Vec::new(),
        };
        let children = self.children;
        for &child in children.get(&pid).into_iter().flatten() {
            if self.placed.contains(&child) {
                continue;
            }
            if depth + 1 >= MAX_DEPTH {
                self.warnings.push(Warning::new(
                    WarningKind::ProcessTree,
                    Some(PSTREE),
                    format!(
                        "the process tree is deeper than {MAX_DEPTH}; pid {child} is shown as a root"
                    ),
                ));
                self.overflow.push(child);
                continue;
            }
            let built = self.build(child, depth + 1);
            node.children.push(built);
        }
        node.children.sort_by_key(|n| n.process.pid());
        node
    }
}

/// A process and its children, sorted by pid.
#[derive(Debug, Clone)]
pub struct ProcessNode<'c> {
    /// The process.
    pub process: Process<'c>,
    /// Its children, sorted by pid.
    pub children: Vec<ProcessNode<'c>>,
}

impl<'c> ProcessNode<'c> {
    /// Finds a process in this subtree.
    pub fn find(&self, pid: u32) -> Option<&ProcessNode<'c>> {
        let mut stack = vec![self];
        while let Some(node) = stack.pop() {
            if node.process.pid() == pid {
                return Some(node);
            }
            stack.extend(node.children.iter());
        }
        None
    }

    /// Every process of this subtree, parents before children.
    pub fn walk(&self) -> Vec<&ProcessNode<'c>> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(node) = stack.pop() {
            out.push(node);
            stack.extend(node.children.iter().rev());
        }
        out
    }
}
