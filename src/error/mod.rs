//! Errors.
//!
//! Longer than 400 lines because each variant documents its fields, and
//! the accessors list every variant.
//!
//! Every error that concerns an archive names it (`archive`), every error
//! that concerns one entry of it names that too (`entry`), and where the
//! place in the tar stream is known, it is given (`offset`). A damaged
//! optional part of a checkpoint (a broken `network.status`, say) is not an
//! error: it becomes a [`Warning`](crate::Warning) in the result and reading
//! goes on.
//!
//! Messages say what happened, never which command-line flag would change
//! it: the `ckpt` binary adds that advice, from [`Error::limit`] and the
//! variant.

use std::io;
use std::path::PathBuf;

use crate::compression::Compression;
use crate::options::LimitKind;

mod access;

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
    #[error("{}: {}", path.display(), os_reason(source))]
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
    /// The input holds no bytes at all. (The message begins as
    /// checkpointctl's, which scripts match.)
    #[error("checkpoint directory is missing in the archive file: {archive} (the file is empty)")]
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
    /// [`build_image`](crate::build::build_image).
    #[error(
        "{archive}: an OCI image layer cannot be {compression} compressed (only plain tar, gzip or zstd)"
    )]
    LayerCompression {
        /// The archive's display name.
        archive: String,
        /// The format recognised from the first bytes.
        compression: Compression,
    },
    /// The input is no archive of a format ckpt reads: not a tar, nor
    /// compressed in a known format.
    #[error(
        "{archive}: unknown format (it looks like {looks_like}); ckpt reads tar archives, plain or {} compressed",
        crate::compression::compressions_read()
    )]
    UnknownFormat {
        /// The archive's display name.
        archive: String,
        /// What the first bytes look like: `text ("…")`, `a zip archive`,
        /// `binary data (…)`.
        looks_like: String,
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
    #[error("{archive}: truncated {}{}{}", what(*compression), in_entry(entry), at(*compression, *offset))]
    Truncated {
        /// The archive's display name.
        archive: String,
        /// The archive's compression.
        compression: Compression,
        /// The entry being read or skipped when the input ended, if any.
        entry: Option<String>,
        /// How far the uncompressed tar stream got, when known.
        offset: Option<u64>,
    },
    /// The compressed stream is corrupt (bad data, bad checksum, trailing
    /// garbage).
    #[error("{archive}: corrupt {compression} stream{}{}", in_entry(entry), at(*compression, *offset))]
    Decompress {
        /// The archive's display name.
        archive: String,
        /// The archive's compression.
        compression: Compression,
        /// The entry being read when the error appeared, if any.
        entry: Option<String>,
        /// How far the uncompressed tar stream got, when known.
        offset: Option<u64>,
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
        /// How far the uncompressed tar stream got, when known.
        offset: Option<u64>,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },
    /// An entry that would be decoded in memory declares a size over
    /// [`Limits::max_entry_size`](crate::Limits::max_entry_size).
    #[error(
        "{archive}: {entry}: {size} bytes is over the {limit}-byte limit for entries decoded in memory"
    )]
    EntryTooLarge {
        /// The archive's display name.
        archive: String,
        /// The entry's name.
        entry: String,
        /// Offset of the entry's data in the uncompressed tar stream.
        offset: Option<u64>,
        /// The size the entry declares.
        size: u64,
        /// The limit in force.
        limit: u64,
    },
    /// One of the [`Limits`](crate::Limits) was hit: the archive declares
    /// more than it allows.
    #[error("{archive}: {entry}: over the limit of {max} {}", limit.counts())]
    LimitExceeded {
        /// The archive's display name.
        archive: String,
        /// The entry being read.
        entry: String,
        /// Offset of the entry's data in the uncompressed tar stream.
        offset: Option<u64>,
        /// Which limit.
        limit: LimitKind,
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
    /// A required entry is not in the archive. (The message ends as
    /// checkpointctl's, which scripts match.)
    #[error("{archive}: {entry}: no such file or directory")]
    MissingEntry {
        /// The archive's display name.
        archive: String,
        /// The entry's name, e.g. `config.dump`.
        entry: String,
    },
    /// A required entry is present but holds no bytes. (The message has
    /// the words of checkpointctl's, which scripts match.)
    #[error("{archive}: failed to unmarshal empty entry{}: {entry}: unexpected end of JSON input", at_byte(*offset))]
    EmptyEntry {
        /// The archive's display name.
        archive: String,
        /// The entry's name.
        entry: String,
        /// Offset of the entry's data in the uncompressed tar stream.
        offset: Option<u64>,
    },
    /// A required JSON entry (`config.dump`, `spec.dump`) cannot be parsed.
    #[error("{archive}: failed to unmarshal {entry}{}", at_byte(*offset))]
    Json {
        /// The archive's display name.
        archive: String,
        /// The entry's name.
        entry: String,
        /// Offset of the entry's data in the uncompressed tar stream.
        offset: Option<u64>,
        /// What the JSON parser said.
        #[source]
        source: serde_json::Error,
    },
    /// A part of a checkpoint asked for explicitly cannot be shown: what it
    /// needs is not in the archive or does not decode (see
    /// [`InspectOptions::strict`](crate::views::InspectOptions::strict)).
    /// The message has checkpointctl's words, which scripts match.
    #[error("{archive}: failed to {what}: {reason}")]
    Unavailable {
        /// The archive's display name.
        archive: String,
        /// What failed: `get dump statistics`, `get process tree`,
        /// `process command line arguments`, `get environment variables`,
        /// `get file descriptors`, `get sockets`, `get mounts`.
        what: String,
        /// Why: the entry missing, or what the warning said.
        reason: String,
    },
    /// A pid asked for is not in the process tree.
    #[error("{archive}: no process with PID {pid}")]
    NoSuchProcess {
        /// The archive's display name.
        archive: String,
        /// The pid asked for.
        pid: u32,
    },
    /// A pod checkpoint where one container's checkpoint is needed, and
    /// none was chosen ([`Options::container`](crate::Options::container)).
    #[error("{archive}: a checkpoint of the pod {pod} with {} container(s) ({}): choose one", containers.len(), containers.join(", "))]
    ContainerNeeded {
        /// The archive's display name.
        archive: String,
        /// The pod's name.
        pod: String,
        /// Its containers' names.
        containers: Vec<String>,
    },
    /// The container asked for is not in the pod checkpoint (or, for a
    /// container checkpoint, is not its container), or has no checkpoint.
    #[error("{archive}: no checkpoint of a container {container}: {reason}")]
    NoSuchContainer {
        /// The archive's display name.
        archive: String,
        /// What named the container.
        container: String,
        /// What there is instead: the pod's containers, or why the one
        /// named has no checkpoint.
        reason: String,
    },
    /// Two checkpoints compared are of different containers.
    #[error("checkpoints are from different containers:\n  A: {a}\n  B: {b}")]
    DifferentContainers {
        /// Name and id of A's container.
        a: String,
        /// Name and id of B's container.
        b: String,
    },
    /// An image asked for cannot be decoded.
    #[error("{archive}: {entry}: invalid CRIU image")]
    Image {
        /// The archive's display name.
        archive: String,
        /// The image's entry name.
        entry: String,
        /// Offset of the entry's data in the uncompressed tar stream.
        offset: Option<u64>,
        /// What is wrong.
        #[source]
        source: crate::criu::ImageError,
    },
    /// The archive holds neither a `checkpoint/` directory nor anything in
    /// it. (The message is checkpointctl's, which scripts match.)
    #[error("checkpoint directory is missing in the archive file: {archive}")]
    NoCheckpointDirectory {
        /// The archive's display name.
        archive: String,
    },
    /// The archive may hold something else for the runtime than what ckpt
    /// read (an entry given twice, a name that leaves the root, extension
    /// headers tar readers disagree on) or may be cut short (no
    /// end-of-archive marker): `build` refuses to package it unless told
    /// to.
    #[error("{archive}: the archive is ambiguous or damaged: {first}{}", more(*others))]
    Ambiguous {
        /// The archive's display name.
        archive: String,
        /// The first warning that says so.
        first: String,
        /// How many more warnings say so.
        others: usize,
    },
    /// What `cat` was asked for is not in the archive.
    #[error("{archive}: {path} not found{}", nearest_names(nearest))]
    NotFound {
        /// The archive's display name.
        archive: String,
        /// What was asked for.
        path: String,
        /// The names nearest to it, nearest first.
        nearest: Vec<String>,
    },
    /// Writing what was read to the caller's output failed.
    #[error("{archive}: {entry}: cannot write the output")]
    Output {
        /// The archive's display name.
        archive: String,
        /// What was being written.
        entry: String,
        /// What the output said.
        #[source]
        source: io::Error,
    },
    /// A [`MemorySink`](crate::memory::MemorySink) failed (its output
    /// closed, say); the read stopped there.
    #[error("{archive}: {entry}: the memory sink failed")]
    Sink {
        /// The archive's display name.
        archive: String,
        /// The pages image being read.
        entry: String,
        /// Offset in the uncompressed tar stream, when known.
        offset: Option<u64>,
        /// What the sink said.
        source: io::Error,
    },
}

/// What the operating system said, as Go and the C library word it: `no
/// such file or directory`, without Rust's `(os error 2)`.
fn os_reason(e: &io::Error) -> String {
    let text = e.to_string();
    let text = match text.rfind(" (os error ") {
        Some(i) if e.raw_os_error().is_some() => &text[..i],
        _ => &text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) if chars.next().is_some_and(char::is_lowercase) => {
            first.to_lowercase().chain(text.chars().skip(1)).collect()
        }
        _ => text.to_owned(),
    }
}

fn at_byte(offset: Option<u64>) -> String {
    match offset {
        Some(o) => format!(" at byte {o}"),
        None => String::new(),
    }
}

fn in_entry(entry: &Option<String>) -> String {
    match entry {
        Some(e) => format!(" in {e}"),
        None => String::new(),
    }
}

/// Where in the tar stream: a byte of the file itself for a plain tar,
/// of the uncompressed stream otherwise.
fn at(compression: Compression, offset: Option<u64>) -> String {
    match (offset, compression) {
        (None | Some(0), _) => String::new(),
        (Some(o), Compression::None) => format!(" at byte {o}"),
        (Some(o), _) => format!(" at uncompressed byte {o}"),
    }
}

fn nearest_names(names: &[String]) -> String {
    if names.is_empty() {
        String::new()
    } else {
        format!("; nearest: {}", names.join(", "))
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

fn more(others: usize) -> String {
    match others {
        0 => String::new(),
        n => format!(" (and {n} more)"),
    }
}
