//! Warnings: what was wrong with an optional part of a checkpoint, reported
//! without failing the read.

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
