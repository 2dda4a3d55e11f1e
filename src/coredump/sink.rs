//! The memory sink that writes cores: each process's headers when its
//! memory begins, then its pages in address order, with zeros for the
//! private memory never touched, as they stream past.
//!
//! Each core's layout is made when the process's memory areas and pagemap
//! come, before its pages; the notes come after the memory, once the whole
//! archive is known. A process whose memory never came gets a core with
//! its notes first ([`CoreSink::start`]).

use std::collections::BTreeMap;
use std::io;

use serde::Serialize;

use crate::memory::{MemoryChunk, MemorySink, PageMap, SharedMemory, VmaMap};

use super::layout::{self, Order, Segment, Target};
use super::output::CoreOutput;

/// What was written for one process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CoreDump {
    /// The process.
    pub pid: u32,
    /// Its threads, each with its registers.
    pub threads: usize,
    /// `PT_LOAD` segments.
    pub segments: usize,
    /// Bytes of memory in the file (the rest of the areas is left out).
    pub memory_bytes: u64,
    /// Bytes written in all.
    pub bytes: u64,
}

/// What goes into one core: its headers (and notes, when known before),
/// its segments.
pub(super) struct Plan {
    pub(super) head: Vec<u8>,
    pub(super) segments: Vec<Segment>,
    pub(super) threads: usize,
}

/// A core whose memory is written.
pub(super) struct Finished<'o> {
    pub(super) dump: CoreDump,
    /// Its output, while notes are still to be appended, with where they
    /// go and the program headers to write again then.
    pub(super) out: Option<Box<dyn CoreOutput + 'o>>,
    pub(super) rest: Option<Rest>,
}

/// What a core read in one pass still needs at the end: its layout, for
/// the program headers written again with the notes.
pub(super) struct Rest {
    pub(super) segments: Vec<Segment>,
    pub(super) offsets: Vec<u64>,
    pub(super) memory_end: u64,
    pub(super) shared_written: Vec<bool>,
    /// Whether the process's own pages came, all of them.
    pub(super) ended: bool,
    /// Where it goes: a file has its headers written again with the notes,
    /// a stream gets them after the memory.
    pub(super) target: Target,
    /// Where the output is written up to.
    pub(super) pos: u64,
}

/// One core being written.
struct Writing<'o> {
    out: Box<dyn CoreOutput + 'o>,
    segments: Vec<Segment>,
    /// Where each segment's bytes are in the file.
    offsets: Vec<u64>,
    memory_end: u64,
    /// Where the file is written up to.
    pos: u64,
    /// Whether each segment kept for shared memory got pages.
    shared_written: Vec<bool>,
    memory: u64,
    threads: usize,
    /// Where the notes go after the memory (`None`: they came first).
    notes_after: Option<Target>,
    /// Whether the process's own memory is all given.
    ended: bool,
}

impl Writing<'_> {
    /// The segment holding `addr`, if one does.
    fn segment(&self, addr: u64) -> Option<usize> {
        let i = self.segments.partition_point(|s| s.start <= addr);
        i.checked_sub(1)
            .filter(|&i| self.segments.get(i).is_some_and(|s| addr < s.end))
    }

    /// Writes `data` of address `vaddr` where filled segments have it, in
    /// order: what falls elsewhere, or before what is written, is skipped;
    /// what was skipped over is zeros (a hole in a file).
    fn data(&mut self, mut vaddr: u64, mut data: &[u8]) -> io::Result<()> {
        while !data.is_empty() {
            let (n, target) = match self.segment(vaddr) {
                Some(i) if self.segments[i].filled => {
                    let s = self.segments[i];
                    let n = (s.end - vaddr).min(data.len() as u64);
                    (n, Some(self.offsets[i] + (vaddr - s.start)))
                }
                Some(i) => ((self.segments[i].end - vaddr).min(data.len() as u64), None),
                None => {
                    let next = self
                        .segments
                        .get(self.segments.partition_point(|s| s.start <= vaddr));
                    let to = next.map_or(u64::MAX, |s| s.start);
                    ((to - vaddr).min(data.len() as u64), None)
                }
            };
            let (now, rest) = data.split_at(n as usize);
            if let Some(target) = target
                && target >= self.pos
            {
                self.out.zeros(target - self.pos)?;
                self.out.write_all(now)?;
                self.pos = target + n;
            }
            (vaddr, data) = (vaddr + n, rest);
        }
        Ok(())
    }

    /// Writes the bytes of a shared object mapped at `vaddr`, by position,
    /// into the segments kept for it.
    fn shared(&mut self, mut vaddr: u64, mut data: &[u8]) -> io::Result<()> {
        while !data.is_empty() {
            let Some(i) = self.segment(vaddr) else {
                return Ok(());
            };
            let s = self.segments[i];
            let n = (s.end - vaddr).min(data.len() as u64);
            let (now, rest) = data.split_at(n as usize);
            if s.shared {
                self.out
                    .write_at(self.offsets[i] + (vaddr - s.start), now)?;
                self.shared_written[i] = true;
            }
            (vaddr, data) = (vaddr + n, rest);
        }
        Ok(())
    }
}

/// The memory sink that writes the cores.
pub(super) struct CoreSink<'f, 'o> {
    /// The processes whose cores are written (all when empty).
    pids: Vec<u32>,
    open: &'f mut dyn FnMut(u32) -> io::Result<Box<dyn CoreOutput + 'o>>,
    writing: BTreeMap<u32, Writing<'o>>,
    pub(super) done: Vec<Finished<'o>>,
}

impl<'f, 'o> CoreSink<'f, 'o> {
    pub(super) fn new(
        pids: Vec<u32>,
        open: &'f mut dyn FnMut(u32) -> io::Result<Box<dyn CoreOutput + 'o>>,
    ) -> CoreSink<'f, 'o> {
        CoreSink {
            pids,
            open,
            writing: BTreeMap::new(),
            done: Vec::new(),
        }
    }

    /// Starts the core of `pid` with `plan`, whose notes come first.
    pub(super) fn start(&mut self, pid: u32, plan: Plan) -> io::Result<bool> {
        let out = (self.open)(pid)?;
        self.start_writing(pid, out, plan, None)
    }

    /// Starts writing `out`, the core of `pid`, with `plan`.
    fn start_writing(
        &mut self,
        pid: u32,
        mut out: Box<dyn CoreOutput + 'o>,
        plan: Plan,
        notes_after: Option<Target>,
    ) -> io::Result<bool> {
        out.write_all(&plan.head)?;
        // Queued now: a core's buffer is only held while its pages come.
        out.flush()?;
        // The head ends where the memory starts.
        let (offsets, memory_end) = layout::offsets(&plan.segments, plan.head.len() as u64);
        let shared_written = vec![false; plan.segments.len()];
        let memory = plan
            .segments
            .iter()
            .filter(|s| s.filled)
            .map(|s| s.size())
            .sum();
        self.writing.insert(
            pid,
            Writing {
                out,
                segments: plan.segments,
                offsets,
                memory_end,
                pos: plan.head.len() as u64,
                shared_written,
                memory,
                threads: plan.threads,
                notes_after,
                ended: false,
            },
        );
        Ok(true)
    }

    /// Starts the core of `pid`, read in one pass, from its layout.
    fn start_on_the_way(&mut self, pid: u32, vmas: &VmaMap, pagemap: &PageMap) -> io::Result<bool> {
        if self.writing.contains_key(&pid) || self.done.iter().any(|d| d.dump.pid == pid) {
            return Ok(true);
        }
        let out = (self.open)(pid)?;
        let (target, order) = if out.can_go_back() {
            (Target::File, Order::NotesLast)
        } else {
            (Target::Stream, Order::HeadersLast)
        };
        let segments = layout::segments(vmas, Some(pagemap), target);
        if segments.len() >= super::elf::MAX_PHDRS {
            return Err(io::Error::other(format!(
                "{} memory segments: more than an ELF core holds",
                segments.len()
            )));
        }
        let plan = Plan {
            head: layout::head(&segments, order),
            segments,
            threads: 0,
        };
        self.start_writing(pid, out, plan, Some(target))
    }

    /// Ends the memory of `pid`: a core whose notes come first is
    /// complete; one read in one pass waits for the end of the read (its
    /// shared memory may still come).
    pub(super) fn finish(&mut self, pid: u32) -> io::Result<bool> {
        let Some(w) = self.writing.get_mut(&pid) else {
            return Ok(true);
        };
        w.ended = true;
        if w.notes_after.is_some() {
            // The rest comes at the end: let go of what is gathered.
            w.out.flush()?;
            return Ok(true);
        }
        let Some(mut w) = self.writing.remove(&pid) else {
            return Ok(true);
        };
        w.out.zeros(w.memory_end.saturating_sub(w.pos))?;
        w.out.finish()?;
        self.done.push(Finished {
            dump: CoreDump {
                pid,
                threads: w.threads,
                segments: w.segments.len(),
                memory_bytes: w.memory,
                bytes: w.memory_end,
            },
            out: None,
            rest: None,
        });
        Ok(true)
    }

    /// After the read: the cores read in one pass, with what their notes
    /// need.
    pub(super) fn take_on_the_way(&mut self) {
        for (pid, w) in std::mem::take(&mut self.writing) {
            let target = w.notes_after.unwrap_or(Target::File);
            let memory = w.memory
                + w.segments
                    .iter()
                    .zip(&w.shared_written)
                    .filter(|(s, written)| s.shared && **written)
                    .map(|(s, _)| s.size())
                    .sum::<u64>();
            self.done.push(Finished {
                dump: CoreDump {
                    pid,
                    threads: 0,
                    segments: w.segments.len(),
                    memory_bytes: memory,
                    bytes: w.memory_end,
                },
                out: Some(w.out),
                rest: Some(Rest {
                    segments: w.segments,
                    offsets: w.offsets,
                    memory_end: w.memory_end,
                    shared_written: w.shared_written,
                    ended: w.ended,
                    target,
                    pos: w.pos,
                }),
            });
        }
    }
}

impl MemorySink for CoreSink<'_, '_> {
    fn wants(&self, pid: u32) -> bool {
        self.pids.is_empty() || self.pids.contains(&pid)
    }

    fn layout(&mut self, pid: u32, vmas: &VmaMap, pagemap: &PageMap) -> io::Result<bool> {
        self.start_on_the_way(pid, vmas, pagemap)
    }

    fn begin_mapped(&mut self, pid: u32, vmas: &VmaMap, pagemap: &PageMap) -> io::Result<bool> {
        self.start_on_the_way(pid, vmas, pagemap)
    }

    fn wants_shared(&self, object: &SharedMemory) -> bool {
        object.mappings.iter().any(|m| {
            self.writing
                .get(&m.pid)
                .is_some_and(|w| w.notes_after == Some(Target::File))
        })
    }

    fn chunk(&mut self, chunk: &MemoryChunk<'_>) -> io::Result<bool> {
        if let Some(object) = chunk.shared {
            // `vaddr` is the offset in the object: write it wherever a core
            // maps it.
            let end = chunk.vaddr.saturating_add(chunk.data.len() as u64);
            for m in &object.mappings {
                let Some(w) = self.writing.get_mut(&m.pid) else {
                    continue;
                };
                let mapped_end = m.offset.saturating_add(m.end.saturating_sub(m.start));
                let (from, to) = (chunk.vaddr.max(m.offset), end.min(mapped_end));
                if from >= to {
                    continue;
                }
                let bytes = chunk
                    .data
                    .get((from - chunk.vaddr) as usize..(to - chunk.vaddr) as usize)
                    .unwrap_or_default();
                w.shared(m.start.saturating_add(from - m.offset), bytes)?;
            }
            return Ok(true);
        }
        if let Some(w) = self.writing.get_mut(&chunk.pid)
            && !w.ended
        {
            w.data(chunk.vaddr, chunk.data)?;
        }
        Ok(true)
    }

    fn end(&mut self, pid: u32) -> io::Result<bool> {
        self.finish(pid)
    }
}
