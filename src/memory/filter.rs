//! Which processes and which parts of their memory to read.

use std::collections::BTreeSet;

use serde::Serialize;

use super::{AddressRange, SharedMemory, VmaKind, VmaMap};

/// Kinds of memory to select (`memparse --vma`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum VmaSelect {
    /// The heap.
    Heap,
    /// The main stack.
    Stack,
    /// Anonymous memory other than heap and stack.
    Anon,
    /// File mappings.
    File,
    /// Shared mappings (`MAP_SHARED`).
    Shared,
}

impl VmaSelect {
    /// Whether an area of this kind is selected.
    pub fn matches(self, kind: VmaKind) -> bool {
        match self {
            VmaSelect::Heap => kind == VmaKind::Heap,
            VmaSelect::Stack => kind == VmaKind::Stack,
            VmaSelect::Anon => kind.is_anon(),
            VmaSelect::File => kind.is_file(),
            VmaSelect::Shared => kind.is_shared(),
        }
    }
}

/// Processes and memory to read: every field empty means everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemoryFilter {
    /// Only these pids.
    pub pids: Option<BTreeSet<u32>>,
    /// Only areas of these kinds.
    pub vmas: BTreeSet<VmaSelect>,
    /// Only these address ranges.
    pub ranges: Vec<AddressRange>,
}

impl MemoryFilter {
    /// Whether `pid` is selected.
    pub fn wants(&self, pid: u32) -> bool {
        self.pids.as_ref().is_none_or(|p| p.contains(&pid))
    }

    /// Whether a shared memory object is selected: a process that maps it
    /// is, and so are shared areas.
    pub fn wants_shared(&self, object: &SharedMemory) -> bool {
        let kinds = self.vmas.is_empty() || self.vmas.contains(&VmaSelect::Shared);
        kinds && object.mappings.iter().any(|m| self.wants(m.pid))
    }

    /// Whether an address of a process is selected (its pid, and the
    /// address ranges asked for; kinds of area are not looked at).
    pub fn keeps(&self, pid: u32, address: u64) -> bool {
        self.wants(pid)
            && (self.ranges.is_empty()
                || self
                    .ranges
                    .iter()
                    .any(|r| r.start <= address && address < r.end))
    }

    /// The address ranges selected in a process with these areas; `None`
    /// for all its memory.
    pub fn ranges(&self, vmas: &VmaMap) -> Option<Vec<AddressRange>> {
        if self.vmas.is_empty() && self.ranges.is_empty() {
            return None;
        }
        let by_kind: Vec<AddressRange> = if self.vmas.is_empty() {
            vec![AddressRange {
                start: 0,
                end: u64::MAX,
            }]
        } else {
            vmas.vmas()
                .iter()
                .filter(|v| self.vmas.iter().any(|s| s.matches(v.kind)))
                .map(|v| AddressRange {
                    start: v.start,
                    end: v.end,
                })
                .collect()
        };
        if self.ranges.is_empty() {
            return Some(by_kind);
        }
        // Intersection of the two.
        let mut out = Vec::new();
        for a in &by_kind {
            for b in &self.ranges {
                let (start, end) = (a.start.max(b.start), a.end.min(b.end));
                if start < end {
                    out.push(AddressRange { start, end });
                }
            }
        }
        Some(out)
    }
}
