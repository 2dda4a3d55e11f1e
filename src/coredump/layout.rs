//! Where a process's memory goes in its core file: one `PT_LOAD` for each
//! memory area, split where what CRIU saved of it changes. Private
//! anonymous memory is written whole (pages never touched are zeros) when
//! any of it was touched, and left out when none was;
//! file-backed, shared and special areas are written where CRIU dumped
//! pages and left out elsewhere (`p_filesz` 0), as the kernel leaves out
//! what the file holds.

use crate::criu::proto::MAP_SHARED;
use crate::memory::{PageMap, PageSource, VmaKind, VmaMap};

use super::elf::{
    self, Bytes, EHDR_SIZE, PAGE, PF_R, PF_W, PF_X, PHDR_SIZE, PT_LOAD, PT_NOTE, ProgramHeader,
};
use super::x86_64;

/// A `PT_LOAD` segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Segment {
    /// First address.
    pub(super) start: u64,
    /// End address (exclusive).
    pub(super) end: u64,
    /// `PF_*` from the area's protection.
    pub(super) flags: u32,
    /// Whether its bytes are in the file (else `p_filesz` is 0).
    pub(super) filled: bool,
}

impl Segment {
    /// Bytes in memory.
    pub(super) fn size(&self) -> u64 {
        self.end - self.start
    }
}

/// The segments of a process, by address, from its memory areas and
/// pagemap.
pub(super) fn segments(vmas: &VmaMap, pagemap: Option<&PageMap>) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut last_end = 0;
    for vma in vmas.vmas() {
        if vma.start < last_end {
            continue; // overlapping areas: the first wins
        }
        last_end = vma.end;
        let spans = match pagemap {
            Some(map) => map.locate(vma.start, vma.end),
            None => Vec::new(),
        };
        // Private anonymous memory is written whole (zeros where never
        // touched) if any of it was touched; an area never touched is left
        // out, as the kernel leaves out an area with no pages.
        let touched = spans
            .iter()
            .any(|s| matches!(s.source, PageSource::File { .. }));
        let anon_private = touched
            && vma.flags & MAP_SHARED == 0
            && matches!(vma.kind, VmaKind::Anon | VmaKind::Heap | VmaKind::Stack);
        let flags = protection(vma.prot);
        let mut at = vma.start;
        let push = |out: &mut Vec<Segment>, start: u64, end: u64, filled: bool| {
            if start >= end {
                return;
            }
            match out.last_mut() {
                Some(s) if s.end == start && s.filled == filled && s.start >= vma.start => {
                    s.end = end;
                }
                _ => out.push(Segment {
                    start,
                    end,
                    flags,
                    filled,
                }),
            }
        };
        for span in spans {
            let (start, end) = (
                span.vaddr.max(at),
                span.vaddr.saturating_add(span.len).min(vma.end),
            );
            if start >= end {
                continue;
            }
            // A gap the spans do not cover is memory never touched.
            push(&mut out, at, start, anon_private);
            let filled = match span.source {
                PageSource::File { .. } => true,
                PageSource::Missing => anon_private,
                _ => false,
            };
            push(&mut out, start, end, filled);
            at = end;
        }
        push(&mut out, at, vma.end, anon_private);
    }
    out
}

/// The program header of notes of `len` bytes at `offset`.
pub(super) fn notes_header(offset: u64, len: u64) -> ProgramHeader {
    ProgramHeader {
        kind: PT_NOTE,
        flags: 0,
        offset,
        vaddr: 0,
        filesz: len,
        memsz: 0,
        align: 0,
    }
}

/// The file header, the program headers, the notes when they are known
/// (else they come after the memory: their header is written again then),
/// and zeros up to the page where the memory starts.
pub(super) fn head(segments: &[Segment], notes: Option<&[u8]>) -> Vec<u8> {
    let phnum = segments.len() + 1;
    let notes_at = EHDR_SIZE + PHDR_SIZE * phnum as u64;
    let notes_len = notes.map_or(0, |n| n.len() as u64);
    let memory_at = (notes_at + notes_len).next_multiple_of(PAGE);
    let memory_len: u64 = segments.iter().filter(|s| s.filled).map(|s| s.size()).sum();
    let mut b = Bytes::with_capacity(memory_at as usize);
    b.raw(&elf::file_header(x86_64::MACHINE, phnum as u16));
    let at = if notes.is_some() {
        notes_at
    } else {
        memory_at.saturating_add(memory_len)
    };
    notes_header(at, notes_len).bytes(&mut b);
    let mut at = memory_at;
    for s in segments {
        let filesz = if s.filled { s.size() } else { 0 };
        ProgramHeader {
            kind: PT_LOAD,
            flags: s.flags,
            offset: at,
            vaddr: s.start,
            filesz,
            memsz: s.size(),
            align: PAGE,
        }
        .bytes(&mut b);
        at = at.saturating_add(filesz);
    }
    if let Some(notes) = notes {
        b.raw(notes);
    }
    b.zeros((memory_at as usize).saturating_sub(b.0.len()));
    b.0
}

/// `PF_*` from `PROT_*`.
fn protection(prot: u32) -> u32 {
    let mut flags = 0;
    if prot & 1 != 0 {
        flags |= PF_R;
    }
    if prot & 2 != 0 {
        flags |= PF_W;
    }
    if prot & 4 != 0 {
        flags |= PF_X;
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criu::proto::{
        MmEntry, PE_PRESENT, PagemapEntry, VMA_ANON_PRIVATE, VMA_ANON_SHARED, VMA_AREA_REGULAR,
        VMA_FILE_PRIVATE, VmaEntry,
    };

    fn entry(vaddr: u64, nr_pages: u64) -> PagemapEntry {
        PagemapEntry {
            vaddr,
            compat_nr_pages: 0,
            in_parent: None,
            flags: Some(PE_PRESENT),
            nr_pages: Some(nr_pages),
        }
    }

    fn vma(start: u64, end: u64, status: u32, flags: u32) -> VmaEntry {
        VmaEntry {
            start,
            end,
            prot: 3,
            status: status | VMA_AREA_REGULAR,
            flags,
            ..Default::default()
        }
    }

    #[test]
    fn anonymous_memory_is_written_whole_file_memory_where_dumped() {
        let mm = MmEntry {
            vmas: vec![
                vma(0x10000, 0x14000, VMA_FILE_PRIVATE, 2),
                vma(0x20000, 0x24000, VMA_ANON_PRIVATE, 0x22),
                vma(0x30000, 0x32000, VMA_ANON_SHARED, 0x21),
                vma(0x40000, 0x4000_0000, VMA_ANON_PRIVATE, 0x22),
            ],
            ..Default::default()
        };
        // One page dumped in the file mapping, one in the anonymous area.
        let map = PageMap::new(1, &[entry(0x11000, 1), entry(0x22000, 1)]).unwrap();
        let got: Vec<(u64, u64, bool)> = segments(&VmaMap::new(&mm), Some(&map))
            .iter()
            .map(|s| (s.start, s.end, s.filled))
            .collect();
        assert_eq!(
            got,
            [
                (0x10000, 0x11000, false),
                (0x11000, 0x12000, true),
                (0x12000, 0x14000, false),
                (0x20000, 0x24000, true),
                (0x30000, 0x32000, false),
                // Never touched: left out, however large.
                (0x40000, 0x4000_0000, false),
            ]
        );
        assert!(
            segments(&VmaMap::new(&mm), Some(&map))
                .iter()
                .all(|s| s.flags == PF_R | PF_W)
        );
    }
}
