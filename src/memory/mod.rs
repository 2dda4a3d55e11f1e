//! Process memory as a dump describes it, and as it streams by.
//!
//! * [`PageMap`]: where each run of a process's pages is in its pages file
//!   (`pagemap-<pid>.img` against `pages-<id>.img`); [`VmaMap`]: what kind
//!   of memory each address is in (`mm-<pid>.img`).
//! * [`MemorySink`]: what receives the pages of the processes it wants
//!   during a read ([`read_with`](crate::read_with)), in address order,
//!   and can stop the read or fail it. [`MemoryFilter`] says which
//!   processes and which parts of their memory.
//! * [`search`]: a sink that searches memory for a literal or a regular
//!   expression.
//! * The command line and environment of each process are read from the
//!   few pages that hold them ([`MemoryText`]).

mod compressed;
mod decompress;
mod filter;
mod pagemap;
mod scan;
pub mod search;
mod shared;
mod sink;
mod text;
mod vma;

use serde::Serialize;

pub use compressed::{BlockCache, Blocks, MAX_BLOCK};
pub use decompress::Decompress;
pub use filter::{MemoryFilter, VmaSelect};
#[cfg(test)]
pub(crate) use pagemap::entry;
pub use pagemap::{PageMap, PageRun, PageSource, Span};
pub(crate) use scan::{ScanError, ScanRequest, scan_pages, scan_pages_at};
pub use shared::{SharedKind, SharedMapping, SharedMemory};
pub use sink::{AddressRange, MemoryChunk, MemorySink};
pub(crate) use text::{Text, TextReader};
pub use vma::{Vma, VmaKind, VmaMap};

use crate::options::LimitKind;

/// Page size of the dumps this crate reads (x86_64, aarch64 with 4 KiB
/// pages).
pub const PAGE_SIZE: u64 = 4096;

/// Most bytes read from memory for one command line or environment.
pub const MAX_TEXT: u64 = 8 << 20;

/// Bytes read from a process's memory, or why they could not be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MemoryText {
    /// The bytes.
    Available(Vec<u8>),
    /// They could not be read.
    Unavailable {
        /// Why not.
        why: String,
        /// The limit that kept them from being read, if one did.
        #[serde(skip_serializing_if = "Option::is_none")]
        limit: Option<LimitKind>,
    },
}

impl MemoryText {
    /// Unavailable, for this reason.
    pub(crate) fn unavailable(why: impl Into<String>) -> MemoryText {
        MemoryText::Unavailable {
            why: why.into(),
            limit: None,
        }
    }

    /// The NUL-separated strings (`argv`, `environ`), lossily as UTF-8,
    /// empty ones dropped.
    pub fn strings(&self) -> Option<Vec<String>> {
        match self {
            MemoryText::Available(b) => Some(
                b.split(|&c| c == 0)
                    .filter(|s| !s.is_empty())
                    .map(|s| String::from_utf8_lossy(s).into_owned())
                    .collect(),
            ),
            MemoryText::Unavailable { .. } => None,
        }
    }
}
