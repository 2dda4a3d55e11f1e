//! Warnings: what was wrong with an optional part of a checkpoint, reported
//! without failing the read.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::Serialize;

use crate::options::LimitKind;

/// What a [`Warning`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WarningKind {
    /// The tar ends without its end-of-archive marker: it may be truncated.
    NoEndMarker,
    /// An entry's name leaves the archive root (`..`); it is ignored.
    UnsafeName,
    /// A well-known entry is not a regular file; it is ignored.
    NotARegularFile,
    /// A well-known entry appears more than once.
    DuplicateEntry,
    /// A well-known entry is not in the archive.
    MissingEntry,
    /// An optional JSON entry does not parse; it is ignored.
    InvalidJson,
    /// A field of a metadata entry has a value of the wrong type or shape.
    InvalidField,
    /// A CRIU image does not decode; it is ignored.
    InvalidImage,
    /// A CRIU image a view needs is missing, or refers to what is not there.
    MissingImage,
    /// The process tree is odd: duplicate pids, cycles, several roots, more
    /// depth than is drawn.
    ProcessTree,
    /// Process memory (a command line, an environment, pages for a memory
    /// sink) could not be read.
    MemoryUnavailable,
    /// An environment string is not `KEY=VALUE`.
    InvalidEnvironment,
    /// A memory search stopped before the end of the memory.
    SearchStopped,
    /// Tar readers disagree about what the archive holds: a PAX key given
    /// twice, extension headers that conflict or apply to nothing, a PAX
    /// global header that sets a name. ckpt shows what Go's `archive/tar`
    /// (which the restoring runtime uses) reads.
    Ambiguous,
    /// An entry is a sparse file: its data is never read.
    SparseEntry,
    /// A nested archive (`rootfs-diff.tar`) does not read to its end: it
    /// is damaged, or no tar; what was read before is kept.
    NestedArchive,
    /// More warnings of this kind were left out; the message says how many.
    MoreWarnings,
}

impl WarningKind {
    /// Whether the archive may hold something else for another reader, or
    /// for the runtime than for ckpt: two entries of one name, a name that
    /// leaves the root, extension headers readers disagree on. `build`
    /// refuses such an archive unless forced.
    pub fn is_ambiguity(self) -> bool {
        matches!(
            self,
            WarningKind::Ambiguous | WarningKind::DuplicateEntry | WarningKind::UnsafeName
        )
    }
}

/// Something wrong with an optional part of a checkpoint, reported without
/// failing the read.
///
/// The message says what happened and never which command-line flag would
/// change it: a warning caused by one of the [`Limits`](crate::Limits) names
/// it in [`Warning::limit`], and the `ckpt` binary adds the advice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Warning {
    /// What it is about.
    pub kind: WarningKind,
    /// The entry concerned, if the warning is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// The limit that caused it, if one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<LimitKind>,
    /// What is wrong, in one line.
    pub message: String,
}

impl Warning {
    /// Most warnings of one kind a read keeps; the rest are counted in one
    /// [`WarningKind::MoreWarnings`] warning (an archive of a million
    /// duplicate entries must not make a million warnings).
    pub const MAX_PER_KIND: u64 = 100;

    /// A warning of `kind` about `entry` (or the archive as a whole).
    pub fn new(kind: WarningKind, entry: Option<&str>, message: impl Into<String>) -> Warning {
        Warning {
            kind,
            entry: entry.map(str::to_owned),
            limit: None,
            message: message.into(),
        }
    }

    /// The same warning, caused by `limit`.
    pub fn with_limit(mut self, limit: Option<LimitKind>) -> Warning {
        self.limit = limit;
        self
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.entry {
            Some(e) => write!(f, "{e}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl WarningKind {
    /// The kind as JSON names it (`duplicate_entry`).
    pub fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }
}

/// Warnings with at most [`Warning::MAX_PER_KIND`] of each kind kept.
#[derive(Debug, Default)]
pub(crate) struct Capped {
    list: Vec<Warning>,
    /// Warnings of each kind given to [`Capped::push`].
    pushed: HashMap<WarningKind, u64>,
}

impl Capped {
    /// Keeps `w` unless there are enough of its kind already.
    pub(crate) fn push(&mut self, w: Warning) {
        let n = self.pushed.entry(w.kind).or_insert(0);
        *n += 1;
        if *n <= Warning::MAX_PER_KIND {
            self.list.push(w);
        }
    }

    /// The warnings kept so far.
    pub(crate) fn as_slice(&self) -> &[Warning] {
        &self.list
    }

    /// The list, for callers that add a bounded number of warnings.
    pub(crate) fn list_mut(&mut self) -> &mut Vec<Warning> {
        &mut self.list
    }

    /// The warnings kept, then for each kind with more, how many more.
    pub(crate) fn finish(&mut self) -> Vec<Warning> {
        let pushed = std::mem::take(&mut self.pushed);
        let mut kept: HashMap<WarningKind, u64> = HashMap::new();
        let mut more: BTreeMap<WarningKind, u64> = BTreeMap::new();
        let mut out = Vec::with_capacity(self.list.len());
        for w in self.list.drain(..) {
            let n = kept.entry(w.kind).or_insert(0);
            if *n < Warning::MAX_PER_KIND {
                *n += 1;
                out.push(w);
            } else {
                *more.entry(w.kind).or_insert(0) += 1;
            }
        }
        for (kind, n) in pushed {
            if n > Warning::MAX_PER_KIND {
                *more.entry(kind).or_insert(0) += n - Warning::MAX_PER_KIND;
            }
        }
        for (kind, n) in more {
            out.push(Warning::new(
                WarningKind::MoreWarnings,
                None,
                format!("... and {n} more {} warnings", kind.name()),
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_are_capped_per_kind() {
        let mut c = Capped::default();
        for i in 0..1000 {
            c.push(Warning::new(
                WarningKind::DuplicateEntry,
                Some(&i.to_string()),
                "twice",
            ));
        }
        c.push(Warning::new(WarningKind::UnsafeName, None, "x"));
        c.list_mut()
            .push(Warning::new(WarningKind::DuplicateEntry, None, "one more"));
        let w = c.finish();
        assert_eq!(w.len(), 102);
        assert_eq!(w[100].kind, WarningKind::UnsafeName);
        assert_eq!(w[101].message, "... and 901 more duplicate_entry warnings");
    }
}
