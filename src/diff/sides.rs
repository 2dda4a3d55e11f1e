//! The two sides of a comparison, read at once: a container checkpoint,
//! or the containers of a pod checkpoint, each inspected, with its pages
//! hashed when the memory is compared.

use std::collections::hash_map::RandomState;

use super::options::DiffOptions;
use super::pages::PageHashes;
use crate::error::{Error, Result};
use crate::model::Checkpoint;
use crate::options::{LimitKind, Options};
use crate::source::Source;
use crate::views::Inspection;
use crate::warning::{Warning, WarningKind};

/// One container checkpoint read for a comparison: the checkpoint, its
/// inspection (with [`DiffOptions::inspect`]), and the hash of every page
/// of its memory when the memory is compared.
#[derive(Debug)]
pub struct Side {
    /// The checkpoint.
    pub checkpoint: Checkpoint,
    /// What is compared of it.
    pub inspection: Inspection,
    /// Its pages' hashes (with [`DiffOptions::memory`]).
    pub pages: Option<PageHashes<RandomState>>,
}

impl Side {
    /// The container's name: its name in its pod, else its own.
    pub fn container(&self) -> &str {
        match &self.checkpoint.in_pod {
            Some(p) => &p.container,
            None => &self.inspection.header.container_name,
        }
    }
}

/// Reads and inspects one checkpoint for a comparison, hashing its pages
/// with `hasher` if the memory is compared: one side, or one per container
/// of a pod checkpoint (the one [`Options::container`] chooses), each with
/// its own pages' hashes.
pub fn read_sides(
    source: Source<'_>,
    diff: &DiffOptions,
    options: &Options,
    hasher: &RandomState,
) -> Result<Vec<Side>> {
    let options = Options {
        want: diff.want(),
        ..options.clone()
    };
    // Two sides are read at once: each holds its table in half the total.
    let table = options.limits.max_total_size / 2;
    let mut pages = diff.memory.then(|| PageHashes::new(hasher.clone(), table));
    let mut checkpoint = match pages.as_mut() {
        Some(sink) => crate::read::read_with(source, &options, sink)?,
        None => crate::read::read(source, &options)?,
    };
    if let Some(p) = pages.as_ref().filter(|p| !p.is_complete()) {
        checkpoint.warnings.push(
            Warning::new(
                WarningKind::MemoryUnavailable,
                None,
                format!(
                    "memory compared for the first {} pages only: their hashes fill half of \
                     the bytes a read may hold",
                    p.len()
                ),
            )
            .with_limit(Some(LimitKind::TotalSize)),
        );
    }
    let Some(pod) = checkpoint.pod.take() else {
        let inspection = Inspection::new(&checkpoint, &diff.inspect())?;
        return Ok(vec![Side {
            checkpoint,
            inspection,
            pages,
        }]);
    };
    let unavailable = |reason: String| Error::Unavailable {
        archive: checkpoint.archive.clone(),
        what: "compare the pod's containers".into(),
        reason,
    };
    let names = pod.names().join(", ");
    if let Some(s) = &options.container
        && pod.container(s).is_none()
    {
        return Err(unavailable(format!(
            "no container {s}; its containers: {names}"
        )));
    }
    let mut sides = Vec::new();
    for c in pod.containers {
        let Some(mut container) = c.checkpoint else {
            continue;
        };
        // What was wrong with the pod's own files goes with its first.
        if sides.is_empty() {
            container.warnings.append(&mut checkpoint.warnings);
        }
        let inspection = Inspection::new(&container, &diff.inspect())?;
        sides.push(Side {
            checkpoint: *container,
            inspection,
            pages: pages.as_mut().map(|p| p.take_container(&c.member)),
        });
    }
    if sides.is_empty() {
        return Err(unavailable(format!(
            "none of its containers has a checkpoint to compare ({names})"
        )));
    }
    Ok(sides)
}

/// Reads both checkpoints at once, one on another thread, each in one pass;
/// what `options` want is replaced by what the comparison needs.
pub fn read_both(
    a: Source<'_>,
    b: Source<'_>,
    diff: &DiffOptions,
    options: &Options,
) -> (Result<Vec<Side>>, Result<Vec<Side>>) {
    // One hasher for both, so that their page hashes compare.
    let hasher = RandomState::new();
    std::thread::scope(|scope| {
        let b = scope.spawn(|| read_sides(b, diff, options, &hasher));
        let a = read_sides(a, diff, options, &hasher);
        // A panic in B's reader is a bug: let it show as one.
        let b = b.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        (a, b)
    })
}

/// The sides to compare: the two, when each is one container; else the
/// containers paired by name, A's order first, then those only B has.
pub fn pair<'s>(a: &'s [Side], b: &'s [Side]) -> Vec<(Option<&'s Side>, Option<&'s Side>)> {
    if let ([a], [b]) = (a, b) {
        return vec![(Some(a), Some(b))];
    }
    // By name, the first of each (a pod may have thousands).
    let index = |sides: &'s [Side]| {
        let mut by_name = std::collections::BTreeMap::new();
        for s in sides {
            by_name.entry(s.container()).or_insert(s);
        }
        by_name
    };
    let (in_a, in_b) = (index(a), index(b));
    let mut out: Vec<_> = a
        .iter()
        .map(|s| (Some(s), in_b.get(s.container()).copied()))
        .collect();
    out.extend(
        b.iter()
            .filter(|t| !in_a.contains_key(t.container()))
            .map(|t| (None, Some(t))),
    );
    out
}
