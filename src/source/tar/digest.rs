//! The digests of one tar walk: each member listed as it is handed out,
//! its content hashed as it is read (or skipped), the list bounded.

use std::io::{self, Read};

use super::block::flag;
use super::member::Member;
use super::tracked::Tracked;
use crate::source::digests::{ArchiveDigest, Digests, EntryDigest};
use crate::source::hashing::Hashing;
use crate::source::taps::RawTap;

/// Bytes a listed entry costs beyond its name and link target.
const RECORD: u64 = 96;

/// What a walk with digests keeps.
pub(crate) struct DigestWalk<'r> {
    hashing: Hashing,
    /// The raw input, to read to its end after the walk.
    raw: Option<RawTap<'r>>,
    /// The entry handed out last, until its content is all read; whether
    /// it is hashed.
    pending: Option<(EntryDigest, bool)>,
    entries: Vec<EntryDigest>,
    /// Indexes in `entries` of those hashed, in order.
    hashed: Vec<usize>,
    /// Bytes the list holds, against `limit`.
    held: u64,
    pub(super) limit: u64,
}

/// Whether a member's content is hashed: a regular file that is not
/// sparse (ckpt does not expand sparse files).
pub(super) fn hashes(member: &Member) -> bool {
    member.typeflag == flag::REG && !member.sparse && !member.global
}

impl<'r> DigestWalk<'r> {
    pub(super) fn new(hashing: Hashing, raw: Option<RawTap<'r>>, limit: u64) -> DigestWalk<'r> {
        DigestWalk {
            hashing,
            raw,
            pending: None,
            entries: Vec::new(),
            hashed: Vec::new(),
            held: 0,
            limit,
        }
    }

    /// Reads what is left of the entry handed out last (hashing it) and
    /// lists it.
    pub(super) fn close<R: Read>(&mut self, input: &mut Tracked<R>) -> io::Result<()> {
        input.close_entry()?;
        if let Some((entry, hashed)) = self.pending.take() {
            if hashed {
                self.hashed.push(self.entries.len());
            }
            self.entries.push(entry);
        }
        Ok(())
    }

    /// Notes the entry just handed out; `Err` when listing it would hold
    /// more than the limit.
    pub(super) fn pending(&mut self, entry: EntryDigest, hashed: bool) -> Result<(), ()> {
        let cost = (entry.name.len() as u64)
            .saturating_add(entry.link.as_ref().map_or(0, |l| l.len() as u64))
            .saturating_add(RECORD);
        match self.held.checked_add(cost) {
            Some(held) if held <= self.limit => self.held = held,
            _ => return Err(()),
        }
        self.pending = Some((entry, hashed));
        Ok(())
    }

    /// Reads the input to its end (hashing it) and gives the digests: of
    /// the whole input, when every byte of it could be read, and of each
    /// entry wholly read. An entry left half read (the walk stopped inside
    /// it) is not listed.
    pub(super) fn finish(self) -> Digests {
        let whole = self.raw.as_ref().is_some_and(RawTap::read_to_end);
        let (archive, sums): (Option<ArchiveDigest>, Vec<_>) = match self.hashing.finish() {
            Ok((archive, sums)) => (whole.then_some(archive), sums),
            Err(_) => (None, Vec::new()),
        };
        let mut entries = self.entries;
        for (&i, sum) in self.hashed.iter().zip(sums) {
            if let Some(entry) = entries.get_mut(i) {
                entry.sha256 = Some(sum);
            }
        }
        Digests::new(archive, entries)
    }
}
