//! [`compare`]: an archive's digests against a manifest's.

use std::collections::HashMap;

use serde::Serialize;

use crate::source::{ArchiveDigest, Digests, EntryDigest};

/// What a comparison found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Verdict {
    /// The archive's own digest against the manifest's.
    pub archive: ArchiveCheck,
    /// Every entry that differs, is missing or is new: first those of the
    /// archive read (changed and new), in archive order, then those only
    /// the manifest lists, in its order.
    pub differences: Vec<Difference>,
    /// Entries found identical.
    pub identical_entries: u64,
}

impl Verdict {
    /// Whether the archive is what the manifest describes: its digest
    /// matches and no entry differs.
    pub fn identical(&self) -> bool {
        self.archive.matches == Some(true) && self.differences.is_empty()
    }
}

/// The archive's digest against the manifest's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ArchiveCheck {
    /// What the manifest says.
    pub expected: Option<ArchiveDigest>,
    /// What the archive gave.
    pub actual: Option<ArchiveDigest>,
    /// Whether both are known and equal; `None` when either is unknown.
    pub matches: Option<bool>,
}

/// One entry that is not as the manifest says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Difference {
    /// The entry's name.
    pub name: String,
    /// Which copy of the name it is, from 1 (a name given twice is
    /// compared copy by copy, in archive order).
    pub copy: u32,
    /// What differs.
    pub kind: DifferenceKind,
    /// The entry as the manifest lists it (absent for a new one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<EntryDigest>,
    /// The entry as the archive holds it (absent for a missing one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<EntryDigest>,
}

/// How an entry differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DifferenceKind {
    /// In both, with another content, size, type or link target.
    Changed,
    /// In the manifest, not in the archive.
    Missing,
    /// In the archive, not in the manifest.
    New,
}

impl DifferenceKind {
    /// The word shown: `changed`, `missing`, `new`.
    pub fn name(self) -> &'static str {
        match self {
            DifferenceKind::Changed => "changed",
            DifferenceKind::Missing => "missing",
            DifferenceKind::New => "new",
        }
    }
}

/// Whether two listings of an entry describe the same entry: same type,
/// size, content digest, link target and sparseness (whether a later copy
/// replaces it is the archive's order, not the entry's).
fn same(a: &EntryDigest, b: &EntryDigest) -> bool {
    a.file_type == b.file_type
        && a.size == b.size
        && a.sha256 == b.sha256
        && a.link == b.link
        && a.sparse == b.sparse
}

/// Compares `actual` (an archive's digests) with `expected` (a
/// manifest's). Entries are matched by name and, for a name given more
/// than once, by copy.
pub fn compare(expected: &Digests, actual: &Digests) -> Verdict {
    let key = |entries: &[EntryDigest]| -> Vec<u32> {
        let mut seen: HashMap<&str, u32> = HashMap::new();
        entries
            .iter()
            .map(|e| {
                let n = seen.entry(e.name.as_str()).or_insert(0);
                *n += 1;
                *n
            })
            .collect()
    };
    let expected_copies = key(&expected.entries);
    let mut listed: HashMap<(&str, u32), (usize, &EntryDigest)> = expected
        .entries
        .iter()
        .zip(&expected_copies)
        .enumerate()
        .map(|(i, (e, &copy))| ((e.name.as_str(), copy), (i, e)))
        .collect();
    let mut differences = Vec::new();
    let mut identical_entries = 0u64;
    for (entry, copy) in actual.entries.iter().zip(key(&actual.entries)) {
        match listed.remove(&(entry.name.as_str(), copy)) {
            Some((_, was)) if same(was, entry) => identical_entries += 1,
            was => differences.push(Difference {
                name: entry.name.clone(),
                copy,
                kind: match was {
                    Some(_) => DifferenceKind::Changed,
                    None => DifferenceKind::New,
                },
                expected: was.map(|(_, e)| e.clone()),
                actual: Some(entry.clone()),
            }),
        }
    }
    let mut missing: Vec<(usize, u32, &EntryDigest)> = listed
        .into_iter()
        .map(|((_, copy), (i, e))| (i, copy, e))
        .collect();
    missing.sort_by_key(|m| m.0);
    differences.extend(missing.into_iter().map(|(_, copy, e)| Difference {
        name: e.name.clone(),
        copy,
        kind: DifferenceKind::Missing,
        expected: Some(e.clone()),
        actual: None,
    }));
    let matches = match (&expected.archive, &actual.archive) {
        (Some(a), Some(b)) => Some(a == b),
        _ => None,
    };
    Verdict {
        archive: ArchiveCheck {
            expected: expected.archive,
            actual: actual.archive,
            matches,
        },
        differences,
        identical_entries,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileType, Sha256};

    fn file(name: &str, content: &[u8]) -> EntryDigest {
        EntryDigest {
            name: name.into(),
            file_type: FileType::File,
            size: content.len() as u64,
            sha256: Some(Sha256::of(content)),
            link: None,
            sparse: false,
            replaced: false,
        }
    }

    fn digests(entries: Vec<EntryDigest>) -> Digests {
        let archive = ArchiveDigest {
            sha256: Sha256::of(format!("{entries:?}").as_bytes()),
            size: 1,
        };
        Digests::new(Some(archive), entries)
    }

    #[test]
    fn changed_missing_and_new_entries_are_named_in_order() {
        let before = digests(vec![file("a", b"1"), file("b", b"2"), file("c", b"3")]);
        let after = digests(vec![file("a", b"1"), file("c", b"x"), file("d", b"4")]);
        let v = compare(&before, &after);
        let found: Vec<(&str, DifferenceKind)> = v
            .differences
            .iter()
            .map(|d| (d.name.as_str(), d.kind))
            .collect();
        assert_eq!(
            found,
            [
                ("c", DifferenceKind::Changed),
                ("d", DifferenceKind::New),
                ("b", DifferenceKind::Missing)
            ]
        );
        assert_eq!(v.identical_entries, 1);
        assert_eq!(v.archive.matches, Some(false));
        assert!(!v.identical());
        assert!(compare(&before, &before).identical());
    }

    #[test]
    fn a_name_given_twice_is_compared_copy_by_copy() {
        let before = digests(vec![file("a", b"1"), file("a", b"2")]);
        let after = digests(vec![file("a", b"1"), file("a", b"3")]);
        let v = compare(&before, &after);
        assert_eq!(v.differences.len(), 1);
        assert_eq!(
            (v.differences[0].copy, v.differences[0].kind),
            (2, DifferenceKind::Changed)
        );
        // A third copy is new; the runtime would now restore it.
        let more = digests(vec![file("a", b"1"), file("a", b"2"), file("a", b"2")]);
        let v = compare(&before, &more);
        assert_eq!(
            (v.differences[0].copy, v.differences[0].kind),
            (3, DifferenceKind::New)
        );
    }
}
