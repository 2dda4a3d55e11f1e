//! Reading the command line and environment of processes from their pages.

use std::collections::BTreeMap;
use std::io::{self, Read};

use super::{MAX_TEXT, MemoryText, PageMap, PageSource};
use crate::options::LimitKind;

/// What a range request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Text {
    Args,
    Env,
}

/// One range of one process to read.
#[derive(Debug)]
struct Request {
    pid: u32,
    text: Text,
    buf: Vec<u8>,
    /// Pieces still to read: (offset in the pages file, offset in `buf`,
    /// length).
    pieces: Vec<(u64, usize, usize)>,
    /// Why the range cannot be read, if it cannot.
    unavailable: Option<String>,
    /// The limit that keeps it from being read, if one does.
    limit: Option<LimitKind>,
}

/// Reads the command lines and environments of processes from their pages,
/// in whatever order the pages files arrive.
#[derive(Debug, Default)]
pub(crate) struct TextReader {
    requests: Vec<Request>,
    /// Requests by pages file id.
    by_pages: BTreeMap<u32, Vec<usize>>,
}

impl TextReader {
    /// Asks for `[start, end)` of `pid`'s memory, if it fits in `budget`
    /// bytes; returns the bytes set aside for it.
    pub(crate) fn request(
        &mut self,
        pid: u32,
        text: Text,
        map: &PageMap,
        (start, end): (u64, u64),
        budget: u64,
    ) -> u64 {
        let index = self.requests.len();
        let mut request = Request {
            pid,
            text,
            buf: Vec::new(),
            pieces: Vec::new(),
            unavailable: None,
            limit: None,
        };
        let len = end.saturating_sub(start);
        if end < start {
            request.unavailable = Some(format!("invalid range {start:#x}-{end:#x}"));
        } else if len > MAX_TEXT {
            request.unavailable = Some(format!(
                "range {start:#x}-{end:#x} is over the {MAX_TEXT}-byte limit"
            ));
        } else if len > budget {
            request.unavailable = Some(format!(
                "range {start:#x}-{end:#x} not read: over the limit of bytes held in memory"
            ));
            request.limit = Some(LimitKind::TotalSize);
        } else {
            let mut at = 0usize;
            for span in map.locate(start, end) {
                // Bounded by MAX_TEXT above.
                let n = span.len as usize;
                match span.source {
                    PageSource::File { offset } => request.pieces.push((offset, at, n)),
                    other => {
                        request.unavailable = Some(format!(
                            "memory at {:#x} is {}",
                            span.vaddr,
                            other.describe()
                        ));
                        request.pieces.clear();
                        break;
                    }
                }
                at += n;
            }
            if request.unavailable.is_none() {
                request.buf = vec![0; len as usize];
                request.pieces.sort_unstable();
            }
        }
        if !request.pieces.is_empty() {
            self.by_pages.entry(map.pages_id).or_default().push(index);
        }
        let held = request.buf.len() as u64;
        self.requests.push(request);
        held
    }

    /// Whether any range needs pages file `id`.
    pub(crate) fn needs(&self, id: u32) -> bool {
        self.by_pages.contains_key(&id)
    }

    /// The pieces wanted from pages file `id`, by offset: (offset, length,
    /// request, offset in its buffer).
    fn pieces_of(&self, id: u32) -> Vec<(u64, usize, usize, usize)> {
        let mut pieces: Vec<_> = self
            .by_pages
            .get(&id)
            .into_iter()
            .flatten()
            .flat_map(|&r| {
                self.requests[r]
                    .pieces
                    .iter()
                    .map(move |&(off, at, len)| (off, len, r, at))
            })
            .collect();
        pieces.sort_unstable();
        pieces
    }

    /// Reads what is wanted from pages file `id`, streamed from its first
    /// byte; `size` is the size its header declares. Reads only up to the
    /// last wanted byte.
    pub(crate) fn read_stream(
        &mut self,
        id: u32,
        size: u64,
        data: &mut dyn Read,
    ) -> io::Result<()> {
        let pieces = self.pieces_of(id);
        let mut pos: u64 = 0;
        let mut scratch = vec![0u8; 64 << 10];
        for (off, len, r, at) in pieces {
            let piece_end = off + len as u64;
            if piece_end > size {
                self.fail(
                    r,
                    format!("pages-{id}.img holds {size} bytes, the pagemap needs {piece_end}"),
                );
                continue;
            }
            if off < pos {
                // Overlapping pieces (ranges sharing pages) were read already;
                // copy from the request that has them is not worth it: read
                // such ranges only when they do not overlap.
                self.fail(r, "overlapping ranges".to_owned());
                continue;
            }
            skip(data, off - pos, &mut scratch)?;
            let buf = &mut self.requests[r].buf[at..at + len];
            data.read_exact(buf)?;
            pos = piece_end;
        }
        self.done_with(id);
        Ok(())
    }

    /// Takes what is wanted from `data`, bytes of pages file `id` from
    /// `offset`, as they stream by for another reader.
    pub(crate) fn feed(&mut self, id: u32, offset: u64, data: &[u8]) {
        let Some(requests) = self.by_pages.get(&id) else {
            return;
        };
        let end = offset + data.len() as u64;
        for &r in requests {
            let request = &mut self.requests[r];
            for &(off, at, len) in &request.pieces {
                let piece_end = off + len as u64;
                let (from, to) = (off.max(offset), piece_end.min(end));
                if from >= to {
                    continue;
                }
                // In range: both windows are within their buffers.
                let src = &data[(from - offset) as usize..(to - offset) as usize];
                let dst_at = at + (from - off) as usize;
                request.buf[dst_at..dst_at + src.len()].copy_from_slice(src);
            }
        }
    }

    /// Marks pages file `id` as read through [`TextReader::feed`]: pieces
    /// past its `size` bytes are unavailable.
    pub(crate) fn fed(&mut self, id: u32, size: u64) {
        let short: Vec<(usize, u64)> = self
            .pieces_of(id)
            .into_iter()
            .filter(|(off, len, _, _)| off + *len as u64 > size)
            .map(|(off, len, r, _)| (r, off + len as u64))
            .collect();
        for (r, needed) in short {
            self.fail(
                r,
                format!("pages-{id}.img holds {size} bytes, the pagemap needs {needed}"),
            );
        }
        self.done_with(id);
    }

    /// Reads what is wanted from pages file `id` with positioned reads:
    /// `read_at(offset, buf)` reads bytes of the pages file.
    pub(crate) fn read_with(
        &mut self,
        id: u32,
        size: u64,
        mut read_at: impl FnMut(u64, &mut [u8]) -> io::Result<()>,
    ) -> io::Result<()> {
        for (off, len, r, at) in self.pieces_of(id) {
            let piece_end = off + len as u64;
            if piece_end > size {
                self.fail(
                    r,
                    format!("pages-{id}.img holds {size} bytes, the pagemap needs {piece_end}"),
                );
                continue;
            }
            read_at(off, &mut self.requests[r].buf[at..at + len])?;
        }
        self.done_with(id);
        Ok(())
    }

    fn fail(&mut self, r: usize, why: String) {
        self.requests[r].unavailable.get_or_insert(why);
    }

    fn done_with(&mut self, id: u32) {
        if let Some(requests) = self.by_pages.remove(&id) {
            for r in requests {
                self.requests[r].pieces.clear();
            }
        }
    }

    /// Gives up on what was not read, saying why.
    pub(crate) fn abandon(&mut self, why: &str) {
        for (id, requests) in std::mem::take(&mut self.by_pages) {
            for r in requests {
                self.fail(r, format!("pages-{id}.img: {why}"));
                self.requests[r].pieces.clear();
            }
        }
    }

    /// The results, by pid.
    pub(crate) fn finish(mut self) -> BTreeMap<(u32, Text), MemoryText> {
        self.abandon("no such file or directory");
        self.requests
            .into_iter()
            .map(|r| {
                let text = match r.unavailable {
                    Some(why) => MemoryText::Unavailable {
                        why,
                        limit: r.limit,
                    },
                    None => MemoryText::Available(r.buf),
                };
                ((r.pid, r.text), text)
            })
            .collect()
    }
}

fn skip(data: &mut dyn Read, mut n: u64, scratch: &mut [u8]) -> io::Result<()> {
    while n > 0 {
        let step = scratch.len().min(usize::try_from(n).unwrap_or(usize::MAX));
        data.read_exact(&mut scratch[..step])?;
        n -= step as u64;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criu::proto::PE_PRESENT;

    use crate::memory::entry;

    #[test]
    fn reads_ranges_from_a_stream_and_by_offset() {
        // Two pages: "AAAA…" then "BBBB…"; argv straddles them.
        let map = PageMap::new(3, &[entry(0x7000, 2, PE_PRESENT)]).unwrap();
        let mut pages = vec![b'A'; 4096];
        pages.extend(vec![b'B'; 4096]);
        pages[4094] = 0;
        let mut reader = TextReader::default();
        reader.request(1, Text::Args, &map, (0x7ffc, 0x8004), u64::MAX);
        reader.request(1, Text::Env, &map, (0x9000, 0x9004), u64::MAX);
        assert!(reader.needs(3));
        let mut s = reader;
        s.read_stream(3, pages.len() as u64, &mut &pages[..])
            .unwrap();
        let out = s.finish();
        assert_eq!(
            out[&(1, Text::Args)],
            MemoryText::Available(b"AA\0ABBBB".to_vec())
        );
        assert!(
            matches!(&out[&(1, Text::Env)], MemoryText::Unavailable { why, .. } if why.contains("not in the dump"))
        );

        let mut r = TextReader::default();
        r.request(1, Text::Args, &map, (0x7ffc, 0x8004), u64::MAX);
        r.read_with(3, pages.len() as u64, |off, buf| {
            buf.copy_from_slice(&pages[off as usize..off as usize + buf.len()]);
            Ok(())
        })
        .unwrap();
        assert_eq!(
            r.finish()[&(1, Text::Args)],
            MemoryText::Available(b"AA\0ABBBB".to_vec())
        );
    }

    #[test]
    fn a_range_over_the_budget_is_not_allocated() {
        let map = PageMap::new(3, &[entry(0x7000, 2, PE_PRESENT)]).unwrap();
        let mut r = TextReader::default();
        assert_eq!(r.request(1, Text::Args, &map, (0x7000, 0x7010), 15), 0);
        assert_eq!(r.request(1, Text::Env, &map, (0x7010, 0x7020), 16), 16);
        assert!(!r.needs(4));
        let out = r.finish();
        assert!(matches!(
            &out[&(1, Text::Args)],
            MemoryText::Unavailable { why, limit: Some(LimitKind::TotalSize) } if why.contains("bytes held in memory")
        ));
    }

    #[test]
    fn a_pages_file_shorter_than_its_pagemap() {
        let map = PageMap::new(3, &[entry(0x7000, 2, PE_PRESENT)]).unwrap();
        let mut r = TextReader::default();
        r.request(1, Text::Args, &map, (0x8000, 0x8010), u64::MAX);
        r.read_stream(3, 4096, &mut &[0u8; 4096][..]).unwrap();
        assert!(
            matches!(&r.finish()[&(1, Text::Args)], MemoryText::Unavailable { why, .. } if why.contains("holds 4096 bytes"))
        );
    }
}
