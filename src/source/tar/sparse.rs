//! Sparse members, recognised and checked as `archive/tar` does, never
//! expanded: ckpt reads no sparse entry's data (a pages image declaring
//! petabytes of holes would otherwise be searched forever), but it must
//! know where such a member's data ends and whether Go would refuse it.
//!
//! Three encodings: the old GNU one (type `S`, pairs in the header and in
//! extension blocks), PAX 0.0/0.1 (`GNU.sparse.map` records) and PAX 1.0
//! (a map at the start of the data).

use std::io::{Read, Seek};

use super::block::{self, BLOCK, Block, Format, SparseMap};
use super::member::{Members, WalkError, invalid};
use super::pax::{self, Records};
use super::tracked::Tracked;

/// Most (offset, length) pairs `archive/tar` accepts in one map.
const MAX_ENTRIES: usize = 1 << 20;
/// Most bytes of sparse map `archive/tar` reads.
pub(super) const MAX_MAP: usize = 1 << 20;

/// Which PAX sparse encoding the records of a member declare, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PaxSparse {
    /// 0.0 or 0.1: the map is in `GNU.sparse.map`.
    Records,
    /// 1.0: the map starts the data.
    InData,
}

/// The PAX sparse version the records declare, as `archive/tar` guesses
/// it; `None` for a member that is not sparse (or of a version it does not
/// know, which it reads as a plain file).
pub(super) fn pax_version(records: &Records) -> Option<PaxSparse> {
    let major = records.get(b"GNU.sparse.major").unwrap_or_default();
    let minor = records.get(b"GNU.sparse.minor").unwrap_or_default();
    match (major, minor) {
        (b"0", b"0" | b"1") => Some(PaxSparse::Records),
        (b"1", b"0") => Some(PaxSparse::InData),
        _ if !major.is_empty() || !minor.is_empty() => None,
        _ if records.applied(pax::SPARSE_MAP).is_some() => Some(PaxSparse::Records),
        _ => None,
    }
}

/// A sparse member's logical size from its records, if they give one;
/// `Err` if it does not parse.
pub(super) fn pax_size(records: &Records) -> Result<Option<i64>, ()> {
    let size = records
        .applied(b"GNU.sparse.size")
        .or_else(|| records.applied(b"GNU.sparse.realsize"));
    match size {
        None => Ok(None),
        Some(s) => pax::parse_decimal(s).map(Some).ok_or(()),
    }
}

/// The map of a 0.0/0.1 member, from its records; `None` where Go fails.
pub(super) fn map_from_records(records: &Records) -> Option<SparseMap> {
    let count = pax::parse_decimal(records.get(b"GNU.sparse.numblocks").unwrap_or_default())?;
    if count < 0 {
        return None;
    }
    let map = records.get(pax::SPARSE_MAP).unwrap_or_default();
    let fields: Vec<&[u8]> = if map.is_empty() {
        Vec::new()
    } else {
        map.split(|&c| c == b',').collect()
    };
    if fields.len() as u64 != (count as u64).checked_mul(2)? {
        return None;
    }
    pairs(fields.chunks_exact(2).map(|p| (p[0], p[1])))
}

/// How many lines the text of a 1.0 map has, from its first line (which
/// must be complete); `None` where Go fails.
pub(super) fn lines_needed(text: &[u8]) -> Option<usize> {
    let first = text.split(|&c| c == b'\n').next()?;
    let count = usize::try_from(pax::parse_decimal(first)?).ok()?;
    Some(count.saturating_mul(2).saturating_add(1))
}

/// The map of a 1.0 member from the text at the start of its data, which
/// holds all its [`lines_needed`]; `None` where Go fails.
pub(super) fn map_from_text(text: &[u8]) -> Option<SparseMap> {
    let count = lines_needed(text)?;
    let mut lines = text.split(|&c| c == b'\n').skip(1);
    let mut fields = Vec::with_capacity((count - 1).min(2 * MAX_ENTRIES));
    for _ in 1..count {
        fields.push(lines.next()?);
    }
    pairs(fields.chunks_exact(2).map(|p| (p[0], p[1])))
}

fn pairs<'a>(fields: impl Iterator<Item = (&'a [u8], &'a [u8])>) -> Option<SparseMap> {
    let mut out = Vec::new();
    for (offset, length) in fields {
        if out.len() >= MAX_ENTRIES {
            return None;
        }
        out.push((pax::parse_decimal(offset)?, pax::parse_decimal(length)?));
    }
    Some(out)
}

/// Whether a map fits a file of `size` bytes as `archive/tar` (and BSD
/// tar) require: no negative values, no overflow, in order, no overlap.
pub(super) fn valid(map: &[(i64, i64)], size: i64) -> bool {
    if size < 0 {
        return false;
    }
    let mut previous_end = 0i64;
    for &(offset, length) in map {
        if offset < 0 || length < 0 {
            return false;
        }
        let Some(end) = offset.checked_add(length) else {
            return false;
        };
        if end > size || previous_end > offset {
            return false;
        }
        previous_end = end;
    }
    true
}

/// Adds pairs to an old GNU map, refusing more than Go reads.
pub(super) fn extend(map: &mut SparseMap, more: SparseMap) -> bool {
    if map.len() + more.len() > MAX_ENTRIES {
        return false;
    }
    map.extend(more);
    true
}

impl Members {
    /// An old GNU sparse member: its map (in the header and extension
    /// blocks that follow it, before the data) checked; its logical size.
    pub(super) fn old_gnu_sparse<R: Read + Seek>(
        &mut self,
        r: &mut Tracked<R>,
        blk: &Block,
        format: Format,
        offset: u64,
        physical: u64,
    ) -> Result<i64, WalkError> {
        let bad = || invalid(offset, "invalid GNU sparse header");
        if format != Format::Gnu {
            return Err(bad());
        }
        let (real, mut map, mut extended) = block::gnu_sparse(blk).ok_or_else(bad)?;
        let mut total = 24 * 4 + 1;
        while extended {
            if total >= MAX_MAP {
                return Err(invalid(offset, "GNU sparse map longer than 1 MiB"));
            }
            let mut ext: Block = [0; BLOCK];
            if r.fill(&mut ext)? < BLOCK {
                return Err(WalkError::Truncated);
            }
            total += BLOCK;
            let (more, next) = block::sparse_pairs(&ext).ok_or_else(bad)?;
            if !extend(&mut map, more) {
                return Err(bad());
            }
            extended = next;
        }
        // The data follows the extension blocks.
        self.data(r.pos, physical);
        if !valid(&map, real) {
            return Err(bad());
        }
        Ok(real)
    }

    /// The map at the start of a PAX 1.0 sparse member's data.
    pub(super) fn map_in_data<R: Read + Seek>(
        &mut self,
        r: &mut Tracked<R>,
        offset: u64,
    ) -> Result<SparseMap, WalkError> {
        let mut text = Vec::new();
        let mut newlines = 0usize;
        let mut needed: Option<usize> = None;
        let bad = || invalid(offset, "invalid PAX sparse map");
        loop {
            if text.len() + BLOCK > MAX_MAP {
                return Err(invalid(offset, "PAX sparse map longer than 1 MiB"));
            }
            if self.data_end.saturating_sub(r.pos) < BLOCK as u64 {
                return Err(WalkError::Truncated);
            }
            let mut b: Block = [0; BLOCK];
            if r.fill(&mut b)? < BLOCK {
                return Err(WalkError::Truncated);
            }
            newlines += memchr::memchr_iter(b'\n', &b).count();
            text.extend_from_slice(&b);
            if needed.is_none() && newlines > 0 {
                needed = Some(lines_needed(&text).ok_or_else(bad)?);
            }
            if needed.is_some_and(|n| newlines >= n) {
                return map_from_text(&text).ok_or_else(bad);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_are_checked_as_go_checks_them() {
        assert!(valid(&[(0, 5), (10, 5)], 15));
        assert!(!valid(&[(0, 5), (3, 5)], 15), "overlap");
        assert!(!valid(&[(10, 5)], 12), "past the size");
        assert!(!valid(&[(i64::MAX, 1)], i64::MAX), "overflow");
        assert!(!valid(&[(-1, 1)], 10));
    }

    #[test]
    fn a_1_0_map_is_counted_then_read() {
        assert_eq!(lines_needed(b"2\n0\n"), Some(5));
        assert_eq!(
            map_from_text(b"2\n0\n5\n10\n5\n\0\0"),
            Some(vec![(0, 5), (10, 5)])
        );
        assert_eq!(lines_needed(b"x\n"), None);
        assert_eq!(lines_needed(b"-1\n"), None);
    }
}
