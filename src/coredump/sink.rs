//! The memory sink that writes cores: each process's headers when its
//! memory begins, then its pages in address order, with zeros for the
//! private memory never touched, as they stream past.
//!
//! Its plans are known before the read (the archive was read once for
//! them: the notes come before the memory, and any output will do) or made
//! when each process's memory begins (one read: the notes come after the
//! memory, once the whole archive is known, and the output must be able to
//! go back to say where they are).

use std::collections::BTreeMap;
use std::io;

use serde::Serialize;

use crate::memory::{MemoryChunk, MemorySink, PageMap, VmaMap};

use super::layout::{self, Segment};
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

/// Which plans the sink has.
pub(super) enum Plans {
    /// Made before the read, by pid.
    Known(BTreeMap<u32, Plan>),
    /// Made as each process's memory begins, for these pids (all when
    /// empty); the notes come after the memory.
    OnTheWay(Vec<u32>),
}

/// A core whose memory is written.
pub(super) struct Finished<'o> {
    pub(super) dump: CoreDump,
    /// Its output, while notes are still to be appended.
    pub(super) out: Option<Box<dyn CoreOutput + 'o>>,
}

/// One core being written.
struct Writing<'o> {
    out: Box<dyn CoreOutput + 'o>,
    /// The segments with bytes in the file.
    filled: Vec<Segment>,
    /// The next filled segment not wholly written, and the address written
    /// up to in it.
    next: usize,
    at: u64,
    written: u64,
    memory: u64,
    threads: usize,
    segments: usize,
    notes_after: bool,
}

impl Writing<'_> {
    /// Writes zeros up to `addr` (or to the end, for `u64::MAX`).
    fn zeros_to(&mut self, addr: u64) -> io::Result<()> {
        while let Some(s) = self.filled.get(self.next).copied() {
            let at = self.at.max(s.start);
            let to = addr.min(s.end);
            let n = to.saturating_sub(at);
            if n > 0 {
                self.out.zeros(n)?;
                self.memory += n;
            }
            self.at = at.max(to);
            if self.at >= s.end {
                self.next += 1;
                self.at = 0;
                continue;
            }
            break;
        }
        Ok(())
    }

    /// Writes `data` of address `vaddr`: what falls in filled segments, in
    /// order; what came before is skipped.
    fn data(&mut self, mut vaddr: u64, mut data: &[u8]) -> io::Result<()> {
        while !data.is_empty() {
            let Some(s) = self.filled.get(self.next).copied() else {
                return Ok(());
            };
            let written_to = self.at.max(s.start);
            if vaddr < written_to {
                let skip = (written_to - vaddr).min(data.len() as u64);
                (vaddr, data) = (vaddr + skip, data.get(skip as usize..).unwrap_or_default());
                continue;
            }
            self.zeros_to(vaddr)?;
            if vaddr >= s.end {
                continue;
            }
            let n = (s.end - vaddr).min(data.len() as u64) as usize;
            let (now, rest) = data.split_at(n);
            self.out.write_all(now)?;
            self.memory += n as u64;
            self.at = vaddr + n as u64;
            if self.at >= s.end {
                self.next += 1;
                self.at = 0;
            }
            (vaddr, data) = (vaddr + n as u64, rest);
        }
        Ok(())
    }
}

/// The memory sink that writes the cores.
pub(super) struct CoreSink<'f, 'o> {
    plans: Plans,
    open: &'f mut dyn FnMut(u32) -> io::Result<Box<dyn CoreOutput + 'o>>,
    writing: BTreeMap<u32, Writing<'o>>,
    pub(super) done: Vec<Finished<'o>>,
}

impl<'f, 'o> CoreSink<'f, 'o> {
    pub(super) fn new(
        plans: Plans,
        open: &'f mut dyn FnMut(u32) -> io::Result<Box<dyn CoreOutput + 'o>>,
    ) -> CoreSink<'f, 'o> {
        CoreSink {
            plans,
            open,
            writing: BTreeMap::new(),
            done: Vec::new(),
        }
    }

    /// The pids planned whose memory never came.
    pub(super) fn left(&self) -> Vec<u32> {
        match &self.plans {
            Plans::Known(plans) => plans.keys().copied().collect(),
            Plans::OnTheWay(_) => Vec::new(),
        }
    }

    /// Starts the core of `pid` with `plan`.
    pub(super) fn start(&mut self, pid: u32, plan: Plan, notes_after: bool) -> io::Result<bool> {
        let mut out = (self.open)(pid)?;
        out.write_all(&plan.head)?;
        let segments = plan.segments.len();
        self.writing.insert(
            pid,
            Writing {
                out,
                filled: plan.segments.into_iter().filter(|s| s.filled).collect(),
                next: 0,
                at: 0,
                written: plan.head.len() as u64,
                memory: 0,
                threads: plan.threads,
                segments,
                notes_after,
            },
        );
        Ok(true)
    }

    /// Starts the core of `pid` if it is planned.
    pub(super) fn start_planned(&mut self, pid: u32) -> io::Result<bool> {
        match &mut self.plans {
            Plans::Known(plans) => match plans.remove(&pid) {
                Some(plan) => self.start(pid, plan, false),
                None => Ok(true),
            },
            Plans::OnTheWay(_) => Ok(true),
        }
    }

    /// Ends the memory of `pid`.
    pub(super) fn finish(&mut self, pid: u32) -> io::Result<bool> {
        let Some(mut w) = self.writing.remove(&pid) else {
            return Ok(true);
        };
        w.zeros_to(u64::MAX)?;
        let dump = CoreDump {
            pid,
            threads: w.threads,
            segments: w.segments,
            memory_bytes: w.memory,
            bytes: w.written + w.memory,
        };
        let out = if w.notes_after {
            Some(w.out)
        } else {
            w.out.finish()?;
            None
        };
        self.done.push(Finished { dump, out });
        Ok(true)
    }
}

impl MemorySink for CoreSink<'_, '_> {
    fn wants(&self, pid: u32) -> bool {
        match &self.plans {
            Plans::Known(plans) => plans.contains_key(&pid) || self.writing.contains_key(&pid),
            Plans::OnTheWay(pids) => pids.is_empty() || pids.contains(&pid),
        }
    }

    fn begin(&mut self, pid: u32, _vmas: &VmaMap) -> io::Result<bool> {
        self.start_planned(pid)
    }

    fn begin_mapped(&mut self, pid: u32, vmas: &VmaMap, pagemap: &PageMap) -> io::Result<bool> {
        if let Plans::OnTheWay(_) = self.plans {
            if self.writing.contains_key(&pid) || self.done.iter().any(|d| d.dump.pid == pid) {
                return Ok(true);
            }
            let segments = layout::segments(vmas, Some(pagemap));
            if segments.len() >= super::elf::MAX_PHDRS {
                return Err(io::Error::other(format!(
                    "{} memory segments: more than an ELF core holds",
                    segments.len()
                )));
            }
            let head = layout::head(&segments, None);
            let plan = Plan {
                head,
                segments,
                threads: 0,
            };
            return self.start(pid, plan, true);
        }
        self.start_planned(pid)
    }

    fn chunk(&mut self, chunk: &MemoryChunk<'_>) -> io::Result<bool> {
        if chunk.shared.is_some() {
            return Ok(true);
        }
        if let Some(w) = self.writing.get_mut(&chunk.pid) {
            w.data(chunk.vaddr, chunk.data)?;
        }
        Ok(true)
    }

    fn end(&mut self, pid: u32) -> io::Result<bool> {
        self.finish(pid)
    }
}
