//! What changed between two checkpoints of one container
//! (`checkpointctl diff`): processes, open files, sockets, environments,
//! and memory, page by page.
//!
//! [`compare`] reads both checkpoints at once, on two threads, one pass
//! each, and compares them. Of two pod checkpoints, [`read_both`] gives
//! each pod's containers and [`pair`] pairs them by name.

mod changes;
mod options;
mod pages;
mod sides;

use serde::Serialize;

pub use changes::{
    Changes, EnvChange, FileDiff, FileInfo, ProcessDiff, ProcessInfo, SocketDiff, SocketInfo,
};
pub use options::DiffOptions;
pub use pages::{MemoryDiff, PageHashes, ProcessMemoryDiff, compare_pages};
pub use sides::{Side, pair, read_both, read_sides};

use crate::error::{Error, Result};
use crate::model::InPod;
use crate::options::Options;
use crate::source::Source;
use crate::views::PsNode;

/// A checkpoint's creation time and size, as in checkpointctl's diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CheckpointInfo {
    /// Creation time.
    pub created: String,
    /// Checkpoint size (regular files under `checkpoint/`).
    pub total_size: u64,
    /// The archive.
    pub archive: String,
    /// The pod and container, when it is a pod checkpoint's container.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod: Option<InPod>,
}

/// The comparison of checkpoints A and B; checkpointctl's `diff --format
/// json` keys, every list sorted.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Diff {
    /// Container id (A's).
    pub container_id: String,
    /// Container name (A's).
    pub container_name: String,
    /// Image (A's).
    pub image: String,
    /// A.
    pub checkpoint_a: CheckpointInfo,
    /// B.
    pub checkpoint_b: CheckpointInfo,
    /// Processes.
    pub process_changes: ProcessDiff,
    /// Open files (`--files`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_changes: Option<FileDiff>,
    /// Memory.
    pub memory_changes: MemoryDiff,
    /// Sockets (`--sockets`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub socket_changes: Option<SocketDiff>,
    /// Environment variables (`--ps-tree-env`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment_changes: Option<Vec<EnvChange>>,
    /// checkpointctl's summary lines.
    pub summary: String,
    /// B's process tree, for drawing.
    #[serde(skip)]
    pub tree_b: Option<PsNode>,
}

/// Reads two checkpoints of one container and compares them.
///
/// ```
/// # fn main() -> Result<(), ckpt::Error> {
/// use ckpt::Source;
/// use ckpt::diff::DiffOptions;
/// let diff = ckpt::diff::compare(
///     Source::open("tests/fixtures/piggie-diff-a.gnutar.tar.zst")?,
///     Source::open("tests/fixtures/piggie-diff-b.gnutar.tar.zst")?,
///     &DiffOptions { sockets: true, memory: true, ..DiffOptions::default() },
///     &ckpt::Options::default(),
/// )?;
/// let added: Vec<u32> = diff.process_changes.added.iter().map(|p| p.pid).collect();
/// assert_eq!(added, [13, 14, 15]);
/// assert!(!diff.memory_changes.processes.is_empty());
/// # Ok(()) }
/// ```
pub fn compare(
    a: Source<'_>,
    b: Source<'_>,
    diff: &DiffOptions,
    options: &Options,
) -> Result<Diff> {
    let (a, b) = read_both(a, b, diff, options);
    let (a, b) = (a?, b?);
    match pair(&a, &b).as_slice() {
        [(Some(a), Some(b))] => Diff::new(a, b, diff),
        _ => Err(Error::Unavailable {
            archive: a
                .first()
                .map(|s| s.checkpoint.archive.clone())
                .unwrap_or_default(),
            what: "compare one container".into(),
            reason: "a pod checkpoint: choose a container with Options::container, or \
                     compare the sides read_both gives pair by pair"
                .into(),
        }),
    }
}

impl Diff {
    /// Compares two container checkpoints read with [`read_sides`] (or
    /// [`read_both`]; [`pair`] pairs a pod's): what their inspections
    /// show and, if both hashed their pages, their memory page by page.
    /// Checkpoints of different containers are an error unless
    /// [`DiffOptions::force`].
    pub fn new(a: &Side, b: &Side, options: &DiffOptions) -> Result<Diff> {
        let (ca, ia) = (&a.checkpoint, &a.inspection);
        let (cb, ib) = (&b.checkpoint, &b.inspection);
        if ia.header.id != ib.header.id && !options.force {
            return Err(Error::DifferentContainers {
                a: format!("{} ({})", ia.header.container_name, ia.header.id),
                b: format!("{} ({})", ib.header.container_name, ib.header.id),
            });
        }
        let process_changes = changes::processes(ia, ib, options);
        let file_changes = options.files.then(|| changes::files(ia, ib));
        let socket_changes = options.sockets.then(|| changes::sockets(ia, ib));
        let environment_changes = options.env.then(|| changes::environments(ia, ib));
        let size_change_bytes = i64::try_from(ib.header.checkpoint_size.memory_pages_size)
            .unwrap_or(i64::MAX)
            .saturating_sub(
                i64::try_from(ia.header.checkpoint_size.memory_pages_size).unwrap_or(i64::MAX),
            );
        let pages = match (&a.pages, &b.pages) {
            (Some(pa), Some(pb)) => compare_pages(pa, pb),
            _ => Vec::new(),
        };
        let mut diff = Diff {
            container_id: ia.header.id.clone(),
            container_name: ia.header.container_name.clone(),
            image: ia.header.image.clone(),
            checkpoint_a: CheckpointInfo {
                created: ia.header.created.clone(),
                total_size: ia.header.checkpoint_size.total_size,
                archive: ca.archive.clone(),
                pod: ca.in_pod.clone(),
            },
            checkpoint_b: CheckpointInfo {
                created: ib.header.created.clone(),
                total_size: ib.header.checkpoint_size.total_size,
                archive: cb.archive.clone(),
                pod: cb.in_pod.clone(),
            },
            process_changes,
            file_changes,
            memory_changes: MemoryDiff {
                size_change_bytes,
                size_change_mb: size_change_bytes as f64 / 1024.0 / 1024.0,
                processes: pages,
            },
            socket_changes,
            environment_changes,
            summary: String::new(),
            tree_b: ib.process_tree.clone(),
        };
        diff.summary = diff.summarise();
        Ok(diff)
    }

    /// checkpointctl's summary, plus lines for what it does not compare.
    fn summarise(&self) -> String {
        let mut s = format!(
            "Checkpoint comparison for container {}",
            self.container_name
        );
        let p = &self.process_changes;
        if !(p.added.is_empty() && p.removed.is_empty() && p.modified.is_empty()) {
            s.push_str(&format!(
                "\nProcesses: +{} -{} ~{}",
                p.added.len(),
                p.removed.len(),
                p.modified.len()
            ));
        }
        if let Some(f) = &self.file_changes
            && !(f.added.is_empty() && f.removed.is_empty())
        {
            s.push_str(&format!("\nFiles: +{} -{}", f.added.len(), f.removed.len()));
        }
        if let Some(k) = &self.socket_changes
            && !(k.added.is_empty() && k.removed.is_empty())
        {
            s.push_str(&format!(
                "\nSockets: +{} -{}",
                k.added.len(),
                k.removed.len()
            ));
        }
        if let Some(env) = &self.environment_changes
            && !env.is_empty()
        {
            let added = env.iter().filter(|e| e.before.is_none()).count();
            let removed = env.iter().filter(|e| e.after.is_none()).count();
            s.push_str(&format!(
                "\nEnvironment: +{added} -{removed} ~{}",
                env.len() - added - removed
            ));
        }
        let m = &self.memory_changes;
        if m.size_change_bytes != 0 {
            s.push_str(&format!("\nMemory: {:+.2} MB", m.size_change_mb));
        }
        let (a, r, c) = m.page_counts();
        if a + r + c > 0 {
            s.push_str(&format!("\nMemory pages: +{a} -{r} ~{c}"));
        }
        s
    }
}
