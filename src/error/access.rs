//! What an [`Error`] concerns, for callers that sort or report errors
//! without matching every variant: the archive, the entry, the offset in
//! the tar stream, the limit hit, whether it is damage to the archive;
//! and the one error the views build alike.

use super::Error;
use crate::options::LimitKind;

impl Error {
    /// [`Error::Unavailable`] for a view that needs the process tree of a
    /// checkpoint that has none.
    pub(crate) fn no_process_tree(archive: &str) -> Error {
        Error::Unavailable {
            archive: archive.to_owned(),
            what: "get process tree".to_owned(),
            reason: "checkpoint/pstree.img: no such file or directory".to_owned(),
        }
    }

    /// Whether the archive itself is damaged (cut short, a corrupt
    /// compressed stream or tar header, a read that failed), as opposed to
    /// being no checkpoint, or one ckpt will not read.
    pub fn is_damage(&self) -> bool {
        matches!(
            self,
            Error::Truncated { .. }
                | Error::Decompress { .. }
                | Error::Tar { .. }
                | Error::Io { .. }
        )
    }
    /// The archive (or directory) concerned, if the error concerns one.
    pub fn archive(&self) -> Option<&str> {
        match self {
            Error::Open { .. }
            | Error::NotAFile { .. }
            | Error::Write { .. }
            | Error::DifferentContainers { .. } => None,
            Error::Empty { archive }
            | Error::UnsupportedCompression { archive, .. }
            | Error::LayerCompression { archive, .. }
            | Error::NotATar { archive, .. }
            | Error::UnknownFormat { archive, .. }
            | Error::Truncated { archive, .. }
            | Error::Decompress { archive, .. }
            | Error::Tar { archive, .. }
            | Error::Io { archive, .. }
            | Error::EntryTooLarge { archive, .. }
            | Error::LimitExceeded { archive, .. }
            | Error::MissingEntry { archive, .. }
            | Error::EmptyEntry { archive, .. }
            | Error::Json { archive, .. }
            | Error::NoSuchProcess { archive, .. }
            | Error::ContainerNeeded { archive, .. }
            | Error::NoSuchContainer { archive, .. }
            | Error::Unavailable { archive, .. }
            | Error::Image { archive, .. }
            | Error::NoCheckpointDirectory { archive }
            | Error::Ambiguous { archive, .. }
            | Error::NotFound { archive, .. }
            | Error::Output { archive, .. }
            | Error::Sink { archive, .. } => Some(archive),
        }
    }

    /// The entry concerned, if the error concerns one.
    pub fn entry(&self) -> Option<&str> {
        match self {
            Error::Truncated { entry, .. }
            | Error::Decompress { entry, .. }
            | Error::Io { entry, .. } => entry.as_deref(),
            Error::Tar { previous, .. } => previous.as_deref(),
            Error::EntryTooLarge { entry, .. }
            | Error::LimitExceeded { entry, .. }
            | Error::MissingEntry { entry, .. }
            | Error::EmptyEntry { entry, .. }
            | Error::Json { entry, .. }
            | Error::Image { entry, .. }
            | Error::Output { entry, .. }
            | Error::Sink { entry, .. } => Some(entry),
            _ => None,
        }
    }

    /// Where in the uncompressed tar stream the problem is, when known: the
    /// byte at which reading failed, or the start of the entry's data.
    pub fn offset(&self) -> Option<u64> {
        match self {
            Error::Tar { offset, .. } => Some(*offset),
            Error::Truncated { offset, .. }
            | Error::Decompress { offset, .. }
            | Error::Io { offset, .. }
            | Error::EntryTooLarge { offset, .. }
            | Error::LimitExceeded { offset, .. }
            | Error::EmptyEntry { offset, .. }
            | Error::Json { offset, .. }
            | Error::Image { offset, .. }
            | Error::Sink { offset, .. } => *offset,
            _ => None,
        }
    }

    /// The limit that was hit, if one was.
    pub fn limit(&self) -> Option<LimitKind> {
        match self {
            Error::EntryTooLarge { .. } => Some(LimitKind::EntrySize),
            Error::LimitExceeded { limit, .. } => Some(*limit),
            _ => None,
        }
    }
}
