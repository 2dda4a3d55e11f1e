//! Errors and warnings.
//!
//! Every error that concerns an archive names it (`archive`), and every error
//! that concerns one entry of it names that too (`entry`). A damaged optional
//! part of a checkpoint (a broken `network.status`, say) is not an error: it
//! becomes a [`Warning`] in the result and reading goes on.

use std::fmt;
use std::io;
use std::path::PathBuf;

use serde::Serialize;

use crate::compression::Compression;

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why an archive (or an extracted checkpoint directory) could not be read.
///
/// The `Display` text is one line and does not repeat the [`source`]; print
/// the chain (as the `ckpt` binary does) to see the underlying cause.
///
/// [`source`]: std::error::Error::source
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The path could not be opened or inspected (it does not exist, or
    /// permission was denied).
    #[error("{}: cannot open", path.display())]
    Open {
        /// The path given.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },
    /// The path names something that is neither a regular file, a pipe nor a
    /// directory.
    #[error("{}: not a regular file", path.display())]
    NotAFile {
        /// The path given.
        path: PathBuf,
    },
    /// The input holds no bytes at all.
    #[error("{archive}: empty file")]
    Empty {
        /// The archive's display name.
        archive: String,
    },
    /// The input is compressed in a format this build cannot read.
    #[error(
        "{archive}: {compression} compressed archives are not supported by this build (supported: {})",
        crate::compression::supported_names()
    )]
    UnsupportedCompression {
        /// The archive's display name.
        archive: String,
        /// The format recognised from the first bytes.
        compression: Compression,
    },
    /// An archive whose compression an OCI image layer cannot have (OCI
    /// layers are plain, gzip or zstd tars), given to
    /// [`build_image`](crate::build_image).
    #[error(
        "{archive}: an OCI image layer cannot be {compression} compressed (only plain tar, gzip or zstd); recompress the archive first, e.g. with `{compression} -dc ARCHIVE | zstd -o ARCHIVE.tar.zst`"
    )]
    LayerCompression {
        /// The archive's display name.
        archive: String,
        /// The format recognised from the first bytes.
        compression: Compression,
    },
    /// The (decompressed) input does not start with a tar header.
    #[error("{archive}: not a tar archive")]
    NotATar {
        /// The archive's display name.
        archive: String,
        /// What the tar parser said.
        #[source]
        source: io::Error,
    },
    /// The input ends before the archive does.
    #[error("{archive}: truncated {}{}", what(*compression), in_entry(entry))]
    Truncated {
        /// The archive's display name.
        archive: String,
        /// The archive's compression.
        compression: Compression,
        /// The entry being read or skipped when the input ended, if any.
        entry: Option<String>,
    },
    /// The compressed stream is corrupt (bad data, bad checksum, trailing
    /// garbage).
    #[error("{archive}: corrupt {compression} stream{}", in_entry(entry))]
    Decompress {
        /// The archive's display name.
        archive: String,
        /// The archive's compression.
        compression: Compression,
        /// The entry being read when the error appeared, if any.
        entry: Option<String>,
        /// What the decoder said.
        #[source]
        source: io::Error,
    },
    /// A tar header after the first one is invalid.
    #[error("{archive}: invalid tar header at byte {offset}{}", after(previous))]
    Tar {
        /// The archive's display name.
        archive: String,
        /// Offset of the bad header in the uncompressed tar stream.
        offset: u64,
        /// The last good entry before the bad header.
        previous: Option<String>,
        /// What the tar parser said.
        #[source]
        source: io::Error,
    },
    /// Reading the input failed.
    #[error("{archive}: read error{}", in_entry(entry))]
    Io {
        /// The archive's display name.
        archive: String,
        /// The entry being read, if any.
        entry: Option<String>,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },
    /// An entry that would be decoded in memory declares a size over the
    /// limit set in [`Options::max_entry_size`](crate::Options::max_entry_size).
    #[error(
        "{archive}: {entry}: {size} bytes is over the {limit}-byte limit for entries decoded in memory"
    )]
    EntryTooLarge {
        /// The archive's display name.
        archive: String,
        /// The entry's name.
        entry: String,
        /// The size the entry declares.
        size: u64,
        /// The limit in force.
        limit: u64,
    },
    /// A limit of [`Options`](crate::Options) was hit: the archive declares
    /// more than it allows.
    #[error("{archive}: {entry}: over the limit of {max} {what} (--{limit})")]
    LimitExceeded {
        /// The archive's display name.
        archive: String,
        /// The entry being read.
        entry: String,
        /// The limit, as the CLI flag names it: `max-total-size`,
        /// `max-records`, `max-processes`, `max-vmas`.
        limit: &'static str,
        /// What it counts: `bytes in memory`, `records`, …
        what: &'static str,
        /// The limit in force.
        max: u64,
    },
    /// Writing an output the user asked for failed, or it exists.
    #[error("{}: cannot write: {source}", path.display())]
    Write {
        /// The output.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: io::Error,
    },
    /// A required entry is not in the archive.
    #[error("{archive}: {entry} not found")]
    MissingEntry {
        /// The archive's display name.
        archive: String,
        /// The entry's name, e.g. `config.dump`.
        entry: String,
    },
    /// A required entry is present but holds no bytes.
    #[error("{archive}: {entry} is empty")]
    EmptyEntry {
        /// The archive's display name.
        archive: String,
        /// The entry's name.
        entry: String,
    },
    /// A required JSON entry (`config.dump`, `spec.dump`) cannot be parsed.
    #[error("{archive}: {entry}: invalid JSON")]
    Json {
        /// The archive's display name.
        archive: String,
        /// The entry's name.
        entry: String,
        /// What the JSON parser said.
        #[source]
        source: serde_json::Error,
    },
    /// A pid asked for is not in the process tree.
    #[error("{archive}: no process with PID {pid} (use `inspect --ps-tree` to view all PIDs)")]
    NoSuchProcess {
        /// The archive's display name.
        archive: String,
        /// The pid asked for.
        pid: u32,
    },
    /// Two checkpoints compared are of different containers.
    #[error("checkpoints are from different containers:\n  A: {a}\n  B: {b}")]
    DifferentContainers {
        /// Name and id of A's container.
        a: String,
        /// Name and id of B's container.
        b: String,
    },
    /// An image asked for is not in the archive, or cannot be decoded.
    #[error("{archive}: {entry}: invalid CRIU image")]
    Image {
        /// The archive's display name.
        archive: String,
        /// The image's entry name.
        entry: String,
        /// What is wrong.
        #[source]
        source: crate::criu::ImageError,
    },
    /// The archive holds neither a `checkpoint/` directory nor anything in it.
    #[error("{archive}: not a container checkpoint: no checkpoint/ directory")]
    NoCheckpointDirectory {
        /// The archive's display name.
        archive: String,
    },
}

fn in_entry(entry: &Option<String>) -> String {
    match entry {
        Some(e) => format!(" in {e}"),
        None => String::new(),
    }
}

fn after(previous: &Option<String>) -> String {
    match previous {
        Some(e) => format!(" (after {e})"),
        None => String::new(),
    }
}

fn what(compression: Compression) -> &'static str {
    match compression {
        Compression::None => "tar archive",
        Compression::Gzip => "gzip stream",
        Compression::Zstd => "zstd stream",
        Compression::Xz => "xz stream",
        Compression::Bzip2 => "bzip2 stream",
    }
}

/// Something wrong with an optional part of a checkpoint, reported without
/// failing the read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Warning {
    /// The entry concerned, if the warning is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// What is wrong, in one line.
    pub message: String,
}

impl Warning {
    /// A warning about `entry` (or the archive as a whole).
    pub fn new(entry: Option<&str>, message: impl Into<String>) -> Warning {
        Warning {
            entry: entry.map(str::to_owned),
            message: message.into(),
        }
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
