//! Where a process's memory goes in its core file: one `PT_LOAD` for each
//! memory area, split where what CRIU saved of it changes. Private
//! anonymous memory is written whole (pages never touched are zeros) when
//! any of it was touched, and left out when none was;
//! file-backed and special areas are written where CRIU dumped pages and
//! left out elsewhere (`p_filesz` 0), as the kernel leaves out what the
//! file holds; shared areas, in a file, keep their file space for the
//! pages of the objects they map.
//!
//! A file can go back: its headers are rewritten with the notes at the
//! end, and memory never touched is a hole. A stream cannot: its file
//! header points past the memory, where the program headers and the notes
//! follow it, and memory never touched is written as zeros, up to
//! [`MAX_STREAM_ZEROS`] in all: the runs past that are left out, so that
//! an area an archive declares huge makes no huge stream.

use crate::criu::proto::MAP_SHARED;
use crate::memory::{PageMap, PageSource, VmaKind, VmaMap};

use super::elf::{
    self, Bytes, EHDR_SIZE, PAGE, PF_R, PF_W, PF_X, PHDR_SIZE, PT_LOAD, PT_NOTE, ProgramHeader,
};
use super::x86_64;

/// The most zeros (memory never touched) written into a stream, in runs
/// taken whole by address: a run that does not fit is left out.
pub(super) const MAX_STREAM_ZEROS: u64 = 1 << 30;

/// Where a core goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Target {
    /// A file, which can go back: shared areas keep their file space,
    /// memory never touched is a hole of any size.
    File,
    /// A stream, written once from start to end.
    Stream,
}

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
/// pagemap, for `target`.
pub(super) fn segments(vmas: &VmaMap, pagemap: Option<&PageMap>, target: Target) -> Vec<Segment> {
    let shared = target == Target::File;
    // Whether `len` bytes never touched are written (as zeros or a hole).
    let mut budget = match target {
        Target::File => u64::MAX,
        Target::Stream => MAX_STREAM_ZEROS,
    };
    let mut zeros = |len: u64| {
        let fits = len <= budget;
        if fits {
            budget -= len;
        }
        fits
    };
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
            push(&mut out, at, start, anon_private && zeros(start - at));
            let filled = match span.source {
                PageSource::File { .. } => true,
                PageSource::Missing => anon_private && zeros(end - start),
                _ => false,
            };
            push(&mut out, start, end, filled);
            at = end;
        }
        push(&mut out, at, vma.end, anon_private && zeros(vma.end - at));
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
/// when they come first); for a stream, the page after the file header.
pub(super) fn memory_at(segments: &[Segment], order: &Order<'_>) -> u64 {
    let phnum = segments.len() as u64 + 1;
    let before = match order {
        Order::NotesFirst(notes) => EHDR_SIZE + PHDR_SIZE * phnum + notes.len() as u64,
        Order::NotesLast => EHDR_SIZE + PHDR_SIZE * phnum,
        Order::HeadersLast => EHDR_SIZE,
    };
    before.next_multiple_of(PAGE)
}

/// Where the notes (and the program headers) go.
#[derive(Debug, Clone, Copy)]
pub(super) enum Order<'n> {
    /// These notes, after the program headers, before the memory.
    NotesFirst(&'n [u8]),
    /// The notes after the memory, once known, and the program headers
    /// written again then: for a file.
    NotesLast,
    /// The program headers and then the notes after the memory: for a
    /// stream.
    HeadersLast,
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

/// What the file starts with, up to the page where the memory starts:
/// the file header, and but for a stream the program headers (with the
/// notes when they come first).
pub(super) fn head(segments: &[Segment], order: Order<'_>) -> Vec<u8> {
    let memory_at = memory_at(segments, &order);
    let (offsets, memory_end) = offsets(segments, memory_at);
    let phnum = segments.len() + 1;
    let headers_at = match order {
        Order::HeadersLast => memory_end,
        _ => EHDR_SIZE,
    };
    let mut b = Bytes::with_capacity(memory_at as usize);
    b.raw(&elf::file_header(x86_64::MACHINE, headers_at, phnum as u16));
    match order {
        Order::NotesFirst(notes) => {
            let notes_at = EHDR_SIZE + PHDR_SIZE * phnum as u64;
            let len = notes.len() as u64;
            b.raw(&program_headers(
                segments,
                &offsets,
                (notes_at, len),
                |_| false,
            ));
            b.raw(notes);
        }
        Order::NotesLast => {
            b.raw(&program_headers(
                segments,
                &offsets,
                (memory_end, 0),
                |_| false,
            ));
        }
        Order::HeadersLast => {}
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
mod tests;
