//! The memory sink that writes cores: each process's headers and notes
//! when its memory begins, then its pages in address order, with zeros for
//! the private memory never touched, as they stream past.

use std::collections::BTreeMap;
use std::io;

use serde::Serialize;

use crate::memory::{MemoryChunk, MemorySink, VmaMap};

use super::layout::Segment;
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

/// What goes into one core: its headers and notes, its segments.
pub(super) struct Plan {
    pub(super) head: Vec<u8>,
    pub(super) segments: Vec<Segment>,
    pub(super) threads: usize,
}

/// One core being written.
pub(super) struct Writing<'o> {
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
            if vaddr >= s.end {
                self.zeros_to(vaddr)?;
                continue;
            }
            self.zeros_to(vaddr)?;
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
    pub(super) plans: BTreeMap<u32, Plan>,
    pub(super) open: &'f mut dyn FnMut(u32) -> io::Result<Box<dyn CoreOutput + 'o>>,
    pub(super) writing: BTreeMap<u32, Writing<'o>>,
    pub(super) done: Vec<CoreDump>,
}

impl CoreSink<'_, '_> {
    pub(super) fn start(&mut self, pid: u32) -> io::Result<bool> {
        let Some(plan) = self.plans.remove(&pid) else {
            return Ok(true);
        };
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
            },
        );
        Ok(true)
    }

    pub(super) fn finish(&mut self, pid: u32) -> io::Result<bool> {
        let Some(mut w) = self.writing.remove(&pid) else {
            return Ok(true);
        };
        w.zeros_to(u64::MAX)?;
        w.out.finish()?;
        self.done.push(CoreDump {
            pid,
            threads: w.threads,
            segments: w.segments,
            memory_bytes: w.memory,
            bytes: w.written + w.memory,
        });
        Ok(true)
    }
}

impl MemorySink for CoreSink<'_, '_> {
    fn wants(&self, pid: u32) -> bool {
        self.plans.contains_key(&pid) || self.writing.contains_key(&pid)
    }

    fn begin(&mut self, pid: u32, _vmas: &VmaMap) -> io::Result<bool> {
        self.start(pid)
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
