//! Searching process memory for a literal or a regular expression while
//! it streams by, chunk after chunk, without missing what straddles two
//! chunks or two pagemap runs that are contiguous in memory, and without
//! inventing a match across a gap between runs.
//!
//! [`MemorySearch`] is the [`MemorySink`](super::MemorySink) that does it
//! during a read, for every process a [`MemoryFilter`](super::MemoryFilter)
//! selects; [`Searcher`] searches one stretch of memory after another, fed
//! in address order.

mod searcher;
mod sink;

use serde::Serialize;

pub use searcher::Searcher;
pub use sink::{MappedAt, MemorySearch, ProcessHit, SearchResults, SharedHit};

/// Longest match a regular expression without a bound is looked for
/// across chunks; longer ones are reported cut at this length.
pub const MAX_UNBOUNDED_MATCH: usize = 1 << 20;

/// Most context bytes on each side of a match.
pub const MAX_CONTEXT: usize = 1 << 16;

/// What to look for.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Pattern {
    /// These bytes.
    Literal(Vec<u8>),
    /// A regular expression over bytes (`regex::bytes`) and the longest
    /// match it allows, if it bounds it (feature `regex`).
    #[cfg(feature = "regex")]
    Regex(regex::bytes::Regex, Option<usize>),
}

/// A pattern that cannot be searched for.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PatternError {
    /// The literal is empty.
    #[error("the pattern is empty")]
    Empty,
    /// The regular expression does not compile.
    #[cfg(feature = "regex")]
    #[error("invalid regular expression")]
    Regex(#[source] regex::Error),
}

impl Pattern {
    /// A literal byte string.
    pub fn literal(bytes: impl Into<Vec<u8>>) -> Result<Pattern, PatternError> {
        let bytes = bytes.into();
        if bytes.is_empty() {
            return Err(PatternError::Empty);
        }
        Ok(Pattern::Literal(bytes))
    }

    /// A regular expression, matched against raw bytes (so `.` matches any
    /// byte but a newline, and `(?-u)` allows non-UTF-8 byte classes).
    #[cfg(feature = "regex")]
    pub fn regex(pattern: &str) -> Result<Pattern, PatternError> {
        let re = regex::bytes::Regex::new(pattern).map_err(PatternError::Regex)?;
        // The longest match, when the expression bounds it: matches up to
        // that length are found across chunk boundaries exactly.
        let max = regex_syntax::ParserBuilder::new()
            .utf8(false)
            .build()
            .parse(pattern)
            .ok()
            .and_then(|hir| hir.properties().maximum_len());
        Ok(Pattern::Regex(re, max))
    }

    /// Longest possible match, if bounded.
    pub(crate) fn max_len(&self) -> Option<usize> {
        match self {
            Pattern::Literal(b) => Some(b.len()),
            #[cfg(feature = "regex")]
            Pattern::Regex(_, max) => *max,
        }
    }
}

/// One match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Hit {
    /// Address of the first byte of the match.
    pub vaddr: u64,
    /// Offset of that byte in the pages file.
    pub file_offset: u64,
    /// The matched bytes.
    #[serde(serialize_with = "lossy")]
    pub matched: Vec<u8>,
    /// Up to `context` bytes before the match (fewer at the start of a
    /// stretch of memory).
    #[serde(serialize_with = "lossy")]
    pub before: Vec<u8>,
    /// Up to `context` bytes after it.
    #[serde(serialize_with = "lossy")]
    pub after: Vec<u8>,
    /// Whether the match was cut at [`MAX_UNBOUNDED_MATCH`] bytes.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

#[allow(clippy::ptr_arg)] // serde's serialize_with passes the field as it is
fn lossy<S: serde::Serializer>(v: &Vec<u8>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&String::from_utf8_lossy(v))
}
