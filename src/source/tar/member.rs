//! What the walk hands out ([`Member`], [`Step`]), why it stops
//! ([`WalkError`]), and where it is ([`Members`]).

use std::io;

use super::block::BLOCK;

/// A member of the archive as `archive/tar` hands it out.
#[derive(Debug, Clone)]
pub(super) struct Member {
    /// The type flag (an old `\0` already turned into `0` or `5`).
    pub(super) typeflag: u8,
    /// The name, with every extension header applied, not cleaned.
    pub(super) name: Vec<u8>,
    /// The link target.
    pub(super) linkname: Vec<u8>,
    /// The size `archive/tar` reports (the logical size of a sparse file).
    pub(super) size: u64,
    /// The mode field.
    pub(super) mode: u32,
    /// Modification time (seconds since the Unix epoch; a PAX `mtime`
    /// applied, its fraction dropped).
    pub(super) mtime: i64,
    /// Offset of the member's own header block.
    pub(super) header_offset: u64,
    /// Offset of its data.
    pub(super) data_offset: u64,
    /// Bytes of data stored at `data_offset` (0 for a directory, a link…).
    pub(super) data_size: u64,
    /// Whether it is a sparse file (its data is not its content).
    pub(super) sparse: bool,
    /// Whether it is a PAX global header (which the runtime ignores).
    pub(super) global: bool,
    /// What other tar readers would read differently.
    pub(super) ambiguities: Vec<String>,
}

/// What the next step of the walk found.
#[derive(Debug)]
pub(super) enum Step {
    Member(Member),
    /// The end of the archive; `marker` says whether it was the zero
    /// blocks (rather than the end of the input).
    End {
        marker: bool,
        /// Extension headers that applied to nothing.
        dangling: Option<String>,
    },
}

/// Why the walk cannot go on.
#[derive(Debug)]
pub(super) enum WalkError {
    /// Reading failed (the input, the decoder).
    Io(io::Error),
    /// The input ends inside a header or a member's data.
    Truncated,
    /// `archive/tar` would refuse this header.
    Invalid { offset: u64, message: String },
    /// The first block is no tar header (nor part of one): the input is
    /// something else, which starts with `head`.
    NotATar { head: Vec<u8>, message: String },
}

/// How much of an input that is no tar is kept to say what it is.
const HEAD: usize = 64;

/// The error for a first block that is no tar header (or less than one).
/// What starts as a tar header does (the `ustar` magic, or a name and a
/// mode as tar writes them) is a damaged or truncated tar; the rest is
/// [`WalkError::NotATar`], which says what it looks like.
pub(super) fn first_block(block: &[u8], message: impl Into<String>) -> WalkError {
    if !tar_like(block) {
        return WalkError::NotATar {
            head: block.iter().take(HEAD).copied().collect(),
            message: message.into(),
        };
    }
    if block.len() < 512 {
        WalkError::Truncated
    } else {
        invalid(0, message)
    }
}

/// Whether `block` (a header block, or the start of one) reads as a tar
/// header: the `ustar` magic, or a name of printable bytes padded with
/// NULs followed by an octal mode.
fn tar_like(block: &[u8]) -> bool {
    if block.get(257..262) == Some(b"ustar") {
        return true;
    }
    let name = block.get(..100).unwrap_or(block);
    let len = name.iter().position(|&b| b == 0).unwrap_or(name.len());
    let (text, padding) = name.split_at(len);
    let printable = |b: &u8| *b >= 0x20 && *b != 0x7f;
    let mode = block.get(100..108.min(block.len())).unwrap_or_default();
    // Padded with NULs, unless the name fills its field (then the mode
    // must be there to say so).
    let ended = !padding.is_empty() || block.len() > 100;
    !text.is_empty()
        && text.iter().all(printable)
        && padding.iter().all(|&b| b == 0)
        && ended
        && mode.iter().all(|b| b"01234567 \0".contains(b))
}

impl From<io::Error> for WalkError {
    fn from(e: io::Error) -> WalkError {
        WalkError::Io(e)
    }
}

/// The walk over members: where the next header is.
#[derive(Debug, Default)]
pub(super) struct Members {
    /// End of the data of the member handed out last.
    pub(super) data_end: u64,
    /// Where the next header block starts (after the padding).
    pub(super) next_header: u64,
    /// The input's length, when known (a plain tar read with seeks, where
    /// skipping past the end does not fail by itself).
    pub(super) input_len: Option<u64>,
}

pub(super) fn invalid(offset: u64, message: impl Into<String>) -> WalkError {
    WalkError::Invalid {
        offset,
        message: message.into(),
    }
}

pub(super) fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

impl Members {
    /// A walk from the start; `input_len` for a plain tar read with seeks.
    pub(super) fn new(input_len: Option<u64>) -> Members {
        Members {
            input_len,
            ..Members::default()
        }
    }

    /// Where the next header starts.
    pub(super) fn next_header(&self) -> u64 {
        self.next_header
    }

    /// Sets where the data of the header just read ends.
    pub(super) fn data(&mut self, pos: u64, size: u64) {
        self.data_end = pos.saturating_add(size);
        self.next_header = self
            .data_end
            .saturating_add(size.wrapping_neg() % BLOCK as u64);
    }
}
