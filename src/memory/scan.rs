//! Streaming a pages file as runs of process memory, in address order,
//! without holding it in memory.

use std::io::{self, Read};

use super::{
    AddressRange, MemoryChunk, MemorySink, PageMap, PageSource, SharedMemory, TextReader, VmaMap,
};

/// Bytes read from a pages file at a time.
const CHUNK: usize = 1 << 20;

/// Why a scan ended early: the pages could not be read, or the sink failed.
#[derive(Debug)]
pub(crate) enum ScanError {
    /// Reading the pages failed.
    Read(io::Error),
    /// The sink failed.
    Sink(io::Error),
}

/// What to scan in one pages file.
pub(crate) struct ScanRequest<'a> {
    pub(crate) pid: u32,
    pub(crate) map: &'a PageMap,
    /// Sorted, non-overlapping wanted ranges; `None` for everything.
    pub(crate) ranges: Option<Vec<AddressRange>>,
    /// The process's memory areas.
    pub(crate) vmas: VmaMap,
    /// The shared memory object the pages file holds, instead of a
    /// process's memory (`pid` is then 0).
    pub(crate) shared: Option<SharedMemory>,
}

impl ScanRequest<'_> {
    /// Normalises ranges: sorted, merged, empty ones dropped.
    pub(crate) fn merge(mut ranges: Vec<AddressRange>) -> Vec<AddressRange> {
        ranges.retain(|r| r.end > r.start);
        ranges.sort();
        let mut out: Vec<AddressRange> = Vec::with_capacity(ranges.len());
        for r in ranges {
            match out.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => out.push(r),
            }
        }
        out
    }

    /// Calls `f(from, to)` for each wanted part of `[start, end)` while it
    /// returns `Ok(true)`; whether it always did.
    fn wanted(
        &self,
        start: u64,
        end: u64,
        mut f: impl FnMut(u64, u64) -> io::Result<bool>,
    ) -> Result<bool, ScanError> {
        match &self.ranges {
            None => f(start, end).map_err(ScanError::Sink),
            Some(ranges) => {
                let first = ranges.partition_point(|r| r.end <= start);
                for r in &ranges[first..] {
                    if r.start >= end {
                        break;
                    }
                    if !f(r.start.max(start), r.end.min(end)).map_err(ScanError::Sink)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
        }
    }

    /// Tells the sink a process's memory has all been given.
    fn end(&self, sink: &mut dyn MemorySink) -> Result<bool, ScanError> {
        if self.shared.is_some() {
            return Ok(true);
        }
        sink.end(self.pid).map_err(ScanError::Sink)
    }

    /// The present runs as (vaddr, file offset, length), in file order.
    fn runs(&self) -> impl Iterator<Item = (u64, u64, u64)> + '_ {
        self.map.runs.iter().filter_map(|r| match r.source {
            PageSource::File { offset } => Some((r.vaddr, offset, r.end() - r.vaddr)),
            _ => None,
        })
    }
}

/// Streams pages file `map.pages_id` (its `size` bytes from the first)
/// through `sink`, and through `text` for the ranges it waits for. Returns
/// whether the sink wants the read to go on.
pub(crate) fn scan_pages(
    req: &ScanRequest<'_>,
    size: u64,
    data: &mut dyn Read,
    text: &mut TextReader,
    sink: &mut dyn MemorySink,
) -> Result<bool, ScanError> {
    let id = req.map.pages_id;
    let mut buf = vec![0u8; CHUNK];
    let mut pos: u64 = 0;
    if req.shared.is_none()
        && !sink
            .begin_mapped(req.pid, &req.vmas, req.map)
            .map_err(ScanError::Sink)?
    {
        return Ok(false);
    }
    for (vaddr, offset, len) in req.runs() {
        if offset != pos || offset >= size {
            // Present runs are back to back from offset 0; past the end
            // of the file there is nothing to read.
            break;
        }
        let len = len.min(size - offset);
        let mut done = 0u64;
        while done < len {
            let n = usize::try_from(len - done).unwrap_or(CHUNK).min(CHUNK);
            data.read_exact(&mut buf[..n]).map_err(ScanError::Read)?;
            let at = offset + done;
            text.feed(id, at, &buf[..n]);
            let chunk_vaddr = vaddr + done;
            let go_on = req.wanted(chunk_vaddr, chunk_vaddr + n as u64, |from, to| {
                let a = (from - chunk_vaddr) as usize;
                let b = (to - chunk_vaddr) as usize;
                sink.chunk(&MemoryChunk {
                    shared: req.shared.as_ref(),
                    pid: req.pid,
                    pages_id: id,
                    vaddr: from,
                    file_offset: at + a as u64,
                    data: &buf[a..b],
                })
            })?;
            if !go_on {
                return Ok(false);
            }
            done += n as u64;
        }
        pos = offset + len;
    }
    text.fed(id, size);
    req.end(sink)
}

/// Like [`scan_pages`] with positioned reads: only the wanted ranges of
/// the pages file are read.
pub(crate) fn scan_pages_at(
    req: &ScanRequest<'_>,
    size: u64,
    mut read_at: impl FnMut(u64, &mut [u8]) -> io::Result<()>,
    sink: &mut dyn MemorySink,
) -> Result<bool, ScanError> {
    let id = req.map.pages_id;
    let mut buf = vec![0u8; CHUNK];
    let mut failed = None;
    if req.shared.is_none()
        && !sink
            .begin_mapped(req.pid, &req.vmas, req.map)
            .map_err(ScanError::Sink)?
    {
        return Ok(false);
    }
    for (vaddr, offset, len) in req.runs() {
        if offset >= size {
            break;
        }
        let len = len.min(size - offset);
        let go_on = req.wanted(vaddr, vaddr + len, |from, to| {
            let mut at = from;
            while at < to {
                let n = usize::try_from(to - at).unwrap_or(CHUNK).min(CHUNK);
                let file_offset = offset + (at - vaddr);
                if let Err(e) = read_at(file_offset, &mut buf[..n]) {
                    failed = Some(e);
                    return Ok(false);
                }
                let go_on = sink.chunk(&MemoryChunk {
                    shared: req.shared.as_ref(),
                    pid: req.pid,
                    pages_id: id,
                    vaddr: at,
                    file_offset,
                    data: &buf[..n],
                })?;
                if !go_on {
                    return Ok(false);
                }
                at += n as u64;
            }
            Ok(true)
        })?;
        if let Some(e) = failed {
            return Err(ScanError::Read(e));
        }
        if !go_on {
            return Ok(false);
        }
    }
    req.end(sink)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criu::proto::{PE_PARENT, PE_PRESENT};

    use crate::memory::entry;

    #[derive(Default)]
    struct Collect(Vec<(u64, u64, Vec<u8>)>, Vec<u32>);

    impl MemorySink for Collect {
        fn wants(&self, _: u32) -> bool {
            true
        }
        fn chunk(&mut self, c: &MemoryChunk<'_>) -> io::Result<bool> {
            self.0.push((c.vaddr, c.file_offset, c.data.to_vec()));
            Ok(true)
        }
        fn end(&mut self, pid: u32) -> io::Result<bool> {
            self.1.push(pid);
            Ok(true)
        }
    }

    #[test]
    fn streams_present_runs_with_their_addresses() {
        let map = PageMap::new(
            2,
            &[
                entry(0x1000, 1, PE_PRESENT),
                entry(0x5000, 3, PE_PARENT),
                entry(0x9000, 2, PE_PRESENT),
            ],
        )
        .unwrap();
        let pages: Vec<u8> = (0..3 * 4096).map(|i| (i / 4096) as u8).collect();
        let ranges = Some(ScanRequest::merge(vec![
            AddressRange {
                start: 0x9800,
                end: 0xa100,
            },
            AddressRange {
                start: 0,
                end: 0x1010,
            },
        ]));
        let req = ScanRequest {
            pid: 7,
            map: &map,
            ranges,
            vmas: VmaMap::default(),
            shared: None,
        };
        let mut sink = Collect::default();
        scan_pages(
            &req,
            pages.len() as u64,
            &mut &pages[..],
            &mut TextReader::default(),
            &mut sink,
        )
        .unwrap();
        let got: Vec<(u64, u64, usize, u8)> = sink
            .0
            .iter()
            .map(|(v, o, d)| (*v, *o, d.len(), d[0]))
            .collect();
        assert_eq!(got, [(0x1000, 0, 0x10, 0), (0x9800, 0x1800, 0x900, 1)]);
        assert_eq!(sink.1, [7]);

        let mut sink = Collect::default();
        scan_pages_at(
            &req,
            pages.len() as u64,
            |off, buf| {
                buf.copy_from_slice(&pages[off as usize..off as usize + buf.len()]);
                Ok(())
            },
            &mut sink,
        )
        .unwrap();
        let got2: Vec<(u64, u64, usize, u8)> = sink
            .0
            .iter()
            .map(|(v, o, d)| (*v, *o, d.len(), d[0]))
            .collect();
        assert_eq!(got, got2);
    }

    #[test]
    fn a_short_pages_file_gives_what_it_has() {
        let map = PageMap::new(2, &[entry(0x1000, 4, PE_PRESENT)]).unwrap();
        let pages = vec![9u8; 4096 + 100];
        let req = ScanRequest {
            pid: 1,
            map: &map,
            ranges: None,
            vmas: VmaMap::default(),
            shared: None,
        };
        let mut sink = Collect::default();
        scan_pages(
            &req,
            pages.len() as u64,
            &mut &pages[..],
            &mut TextReader::default(),
            &mut sink,
        )
        .unwrap();
        let total: usize = sink.0.iter().map(|c| c.2.len()).sum();
        assert_eq!(total, 4196);
    }
}
