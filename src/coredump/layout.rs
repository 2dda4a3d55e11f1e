//! Where a process's memory goes in its core file: one `PT_LOAD` for each
//! memory area, split where what CRIU saved of it changes. Private
//! anonymous memory is written whole (pages never touched are zeros) when
//! any of it was touched, and left out when none was;
//! file-backed and special areas are written where CRIU dumped pages and
//! left out elsewhere (`p_filesz` 0), as the kernel leaves out what the
//! file holds; shared areas, in a core written in one read, keep their
//! file space for the pages of the objects they map.

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
    /// Whether it maps shared memory whose pages may come (from the
    /// objects' own pages files): its file space is kept, a hole until
    /// they do, and `p_filesz` says at the end whether they did.
    pub(super) shared: bool,
}

impl Segment {
    /// Bytes in memory.
    pub(super) fn size(&self) -> u64 {
        self.end - self.start
    }
}

/// The segments of a process, by address, from its memory areas and
/// pagemap; with `shared`, the shared areas keep their file space for the
/// pages of the objects they map.
pub(super) fn segments(vmas: &VmaMap, pagemap: Option<&PageMap>, shared: bool) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut last_end = 0;
    for vma in vmas.vmas() {
        if vma.start < last_end {
            continue; // overlapping areas: the first wins
        }
        last_end = vma.end;
        if shared && vma.kind.is_shared() {
            out.push(Segment {
                start: vma.start,
                end: vma.end,
                flags: protection(vma.prot),
                filled: false,
                shared: true,
            });
            continue;
        }
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
                    shared: false,
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

/// Where the memory starts: the page after the headers (and the notes,
/// when they come first).
pub(super) fn memory_at(segments: &[Segment], notes_first: u64) -> u64 {
    let phnum = segments.len() as u64 + 1;
    (EHDR_SIZE + PHDR_SIZE * phnum + notes_first).next_multiple_of(PAGE)
}

/// Where each segment's bytes are, from `memory_at` in address order (the
/// filled ones and those kept for shared memory), and where they end.
pub(super) fn offsets(segments: &[Segment], memory_at: u64) -> (Vec<u64>, u64) {
    let mut at = memory_at;
    let offsets = segments
        .iter()
        .map(|s| {
            let here = at;
            if s.filled || s.shared {
                at = at.saturating_add(s.size());
            }
            here
        })
        .collect();
    (offsets, at)
}

/// The program headers: the notes' (`notes`: where and how long), then
/// each segment's; `shared_written(i)` says whether a segment kept for
/// shared memory got its pages.
pub(super) fn program_headers(
    segments: &[Segment],
    offsets: &[u64],
    notes: (u64, u64),
    shared_written: impl Fn(usize) -> bool,
) -> Vec<u8> {
    let mut b = Bytes::with_capacity((segments.len() + 1) * PHDR_SIZE as usize);
    notes_header(notes.0, notes.1).bytes(&mut b);
    for (i, (s, &offset)) in segments.iter().zip(offsets).enumerate() {
        let in_file = s.filled || (s.shared && shared_written(i));
        ProgramHeader {
            kind: PT_LOAD,
            flags: s.flags,
            offset,
            vaddr: s.start,
            filesz: if in_file { s.size() } else { 0 },
            memsz: s.size(),
            align: PAGE,
        }
        .bytes(&mut b);
    }
    b.0
}

/// The file header, the program headers, the notes when they are known
/// (else they come after the memory: the program headers are written
/// again then), and zeros up to the page where the memory starts.
pub(super) fn head(segments: &[Segment], notes: Option<&[u8]>) -> Vec<u8> {
    let notes_len = notes.map_or(0, |n| n.len() as u64);
    let memory_at = memory_at(segments, notes_len);
    let (offsets, memory_end) = offsets(segments, memory_at);
    let phnum = segments.len() + 1;
    let notes_at = if notes.is_some() {
        EHDR_SIZE + PHDR_SIZE * phnum as u64
    } else {
        memory_end
    };
    let mut b = Bytes::with_capacity(memory_at as usize);
    b.raw(&elf::file_header(x86_64::MACHINE, phnum as u16));
    b.raw(&program_headers(
        segments,
        &offsets,
        (notes_at, notes_len),
        |_| false,
    ));
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
        let got: Vec<(u64, u64, bool)> = segments(&VmaMap::new(&mm), Some(&map), false)
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
            segments(&VmaMap::new(&mm), Some(&map), false)
                .iter()
                .all(|s| s.flags == PF_R | PF_W)
        );
    }

    #[test]
    fn shared_areas_keep_their_file_space_in_one_read() {
        let mm = MmEntry {
            vmas: vec![
                vma(0x20000, 0x24000, VMA_ANON_PRIVATE, 0x22),
                vma(0x30000, 0x32000, VMA_ANON_SHARED, 0x21),
            ],
            ..Default::default()
        };
        let map = PageMap::new(1, &[entry(0x22000, 1)]).unwrap();
        let got = segments(&VmaMap::new(&mm), Some(&map), true);
        let kinds: Vec<(u64, bool, bool)> =
            got.iter().map(|s| (s.start, s.filled, s.shared)).collect();
        assert_eq!(kinds, [(0x20000, true, false), (0x30000, false, true)]);
        // Both have file space, one after the other; the shared one is in
        // the file only once its pages came.
        let (at, end) = offsets(&got, 0x1000);
        assert_eq!((at.as_slice(), end), (&[0x1000u64, 0x5000][..], 0x7000));
        let headers = program_headers(&got, &at, (end, 0), |_| false);
        let filesz =
            |i: usize| u64::from_le_bytes(headers[56 * (i + 1) + 32..][..8].try_into().unwrap());
        assert_eq!((filesz(0), filesz(1)), (0x4000, 0));
        let headers = program_headers(&got, &at, (end, 0), |i| i == 1);
        let filesz =
            |i: usize| u64::from_le_bytes(headers[56 * (i + 1) + 32..][..8].try_into().unwrap());
        assert_eq!(filesz(1), 0x2000);
    }
}
