//! Compressed pages (criu-dev's `--compress` and `--compress-region`):
//! the pages file read as if it held the pages raw.
//!
//! A compressed dump stores each present pagemap entry's pages as blocks of
//! `pages_per_block` pages (one page, or a region; blocks restart at every
//! entry and the last may be short). A block is stored as nothing (all
//! zero, size 0), raw (size = the block's bytes) or as an LZ4 block of that
//! size; an entry flagged `PE_PAYLOAD_ALIGNED` starts at a page boundary.
//! [`Blocks`] is that layout, built and checked from the pagemap; the rest
//! of the crate keeps the raw offsets of [`PageMap`](super::PageMap) and
//! reads through [`Decompress`] (a stream) or [`Blocks::read_at`] (by
//! offset), which turn stored bytes into raw ones. Every size comes from
//! the pagemap and is checked against the block it describes, and a block
//! is at most [`MAX_BLOCK`] bytes, before it sizes a buffer.

use std::io::{self, Read};

use super::PAGE_SIZE;
use crate::criu::ImageError;
use crate::criu::proto::{PE_PAYLOAD_ALIGNED, PagemapEntry};

/// Largest block: CRIU's `MAX_REGION_SIZE` (4 MiB).
pub const MAX_BLOCK: u64 = 4 << 20;

/// Raw bytes handed out at a time from an entry stored raw.
const RAW_PIECE: u64 = 1 << 20;

/// One present entry's payload.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Extent {
    /// Pagemap entry index, for errors.
    entry: usize,
    /// Raw offset of its first byte (as [`PageMap`](super::PageMap) counts).
    raw: u64,
    /// Raw length.
    len: u64,
    /// Where its payload starts in the pages file.
    stored: u64,
    /// Raw bytes per block; 0 when the entry is stored raw.
    block: u64,
    /// Index of its first block in [`Blocks::starts`].
    first: usize,
}

/// How a compressed dump's pages file holds the pages of one pagemap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocks {
    extents: Vec<Extent>,
    /// Stored offset of every block, entry after entry, and after the
    /// last block of each entry its end; sizes are differences.
    starts: Vec<u64>,
    /// Bytes the pages file should hold.
    stored_size: u64,
}

/// A decoded block kept for the next read.
#[derive(Debug, Default)]
pub struct BlockCache {
    key: Option<(usize, usize)>,
    data: Vec<u8>,
}

/// An error in the pages file, as an I/O error of kind `InvalidData`.
fn invalid(what: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what)
}

impl Blocks {
    /// The layout of a pagemap's entries, if any is compressed or aligned
    /// (`None` for a plain dump); an error names the entry and field that
    /// do not add up.
    pub fn new(entries: &[PagemapEntry]) -> Result<Option<Blocks>, ImageError> {
        let bad = |i: usize, what: String| ImageError::Invalid {
            what: format!("pagemap entry {i}: {what}"),
        };
        let mut any = false;
        let mut extents = Vec::new();
        let mut starts = Vec::new();
        let (mut raw, mut stored) = (0u64, 0u64);
        for (i, e) in entries.iter().enumerate() {
            let blocks = e.compression().map_err(|w| bad(i, w))?;
            let aligned = e.page_flags() & PE_PAYLOAD_ALIGNED != 0;
            any |= blocks.is_some() || aligned;
            if !e.is_present() {
                if blocks.is_some() {
                    return Err(bad(i, "compressed sizes on pages not in this file".into()));
                }
                continue;
            }
            // Checked by PageMap::new before.
            let len = e.pages().saturating_mul(PAGE_SIZE);
            if aligned {
                stored = stored
                    .checked_next_multiple_of(PAGE_SIZE)
                    .ok_or_else(|| bad(i, "the pages file would exceed 2^64 bytes".into()))?;
            }
            let first = starts.len();
            let block = match blocks {
                None => {
                    starts.push(stored);
                    stored = stored
                        .checked_add(len)
                        .ok_or_else(|| bad(i, "the pages file would exceed 2^64 bytes".into()))?;
                    starts.push(stored);
                    0
                }
                Some(b) => {
                    let block = b.pages_per_block.saturating_mul(PAGE_SIZE);
                    if b.pages_per_block == 0 || block > MAX_BLOCK {
                        return Err(bad(
                            i,
                            format!(
                                "{} pages per block: blocks are 1 to {} pages",
                                b.pages_per_block,
                                MAX_BLOCK / PAGE_SIZE
                            ),
                        ));
                    }
                    let count = e.pages().div_ceil(b.pages_per_block);
                    if b.sizes.len() as u64 != count {
                        return Err(bad(
                            i,
                            format!(
                                "compressed_size has {} blocks, {} pages in blocks of {} need {count}",
                                b.sizes.len(),
                                e.pages(),
                                b.pages_per_block
                            ),
                        ));
                    }
                    let mut sum = 0u64;
                    for (j, &size) in b.sizes.iter().enumerate() {
                        let holds = block.min(len - j as u64 * block);
                        if u64::from(size) > holds {
                            return Err(bad(
                                i,
                                format!(
                                    "compressed_size of block {j} is {size}, more than its {holds} bytes"
                                ),
                            ));
                        }
                        starts.push(stored + sum);
                        sum += u64::from(size);
                    }
                    if sum != b.total {
                        return Err(bad(
                            i,
                            format!(
                                "total_compressed_size is {}, the block sizes add up to {sum}",
                                b.total
                            ),
                        ));
                    }
                    stored = stored
                        .checked_add(sum)
                        .ok_or_else(|| bad(i, "the pages file would exceed 2^64 bytes".into()))?;
                    starts.push(stored);
                    block
                }
            };
            extents.push(Extent {
                entry: i,
                raw,
                len,
                stored: starts.get(first).copied().unwrap_or(stored),
                block,
                first,
            });
            raw += len;
        }
        Ok(any.then_some(Blocks {
            extents,
            starts,
            stored_size: stored,
        }))
    }

    /// Bytes the pages file should hold.
    pub fn stored_size(&self) -> u64 {
        self.stored_size
    }

    /// Raw bytes in a pages file of `size` stored bytes: up to the end of
    /// the last whole block in it.
    pub fn raw_within(&self, size: u64) -> u64 {
        let mut raw = 0;
        for x in &self.extents {
            for j in 0..self.count(x) {
                let (start, end) = self.stored_range(x, j);
                if end > size || (start == end && start > size) {
                    return raw;
                }
                raw = x.raw + self.raw_end(x, j);
            }
        }
        raw
    }

    /// Blocks in an extent (a raw entry counts as one).
    fn count(&self, x: &Extent) -> usize {
        match x.block {
            0 => 1,
            b => usize::try_from(x.len.div_ceil(b)).unwrap_or(usize::MAX),
        }
    }

    /// Stored byte range of block `j` of `x`.
    fn stored_range(&self, x: &Extent, j: usize) -> (u64, u64) {
        let at = |k: usize| {
            self.starts
                .get(x.first + k)
                .copied()
                .unwrap_or(self.stored_size)
        };
        (at(j), at(j + 1))
    }

    /// Raw end, within the extent, of block `j`.
    fn raw_end(&self, x: &Extent, j: usize) -> u64 {
        match x.block {
            0 => x.len,
            b => (b.saturating_mul(j as u64 + 1)).min(x.len),
        }
    }

    /// Decodes block `j` of `x` from its stored bytes into `out`.
    fn decode(&self, x: &Extent, j: usize, stored: &[u8], out: &mut Vec<u8>) -> io::Result<()> {
        let raw_start = x.block.saturating_mul(j as u64);
        let n = self.raw_end(x, j) - raw_start;
        // A block is at most MAX_BLOCK bytes (checked in `new`).
        let n = usize::try_from(n).map_err(|_| invalid("block too large".into()))?;
        out.clear();
        if x.block == 0 || stored.len() == n {
            out.extend_from_slice(stored);
        } else if stored.is_empty() {
            out.resize(n, 0);
        } else {
            out.resize(n, 0);
            let got = lz4_flex::block::decompress_into(stored, out).map_err(|e| {
                invalid(format!(
                    "pagemap entry {} block {j}: LZ4 block of {} bytes does not decode: {e}",
                    x.entry,
                    stored.len()
                ))
            })?;
            if got != n {
                return Err(invalid(format!(
                    "pagemap entry {} block {j}: LZ4 block decodes to {got} bytes, not {n}",
                    x.entry
                )));
            }
        }
        Ok(())
    }

    /// Reads raw bytes from raw offset `off` into `buf`, reading stored
    /// bytes with `read_stored(offset, buf)`; `cache` keeps the last block.
    pub fn read_at(
        &self,
        cache: &mut BlockCache,
        mut off: u64,
        mut buf: &mut [u8],
        read_stored: &mut dyn FnMut(u64, &mut [u8]) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut stored = Vec::new();
        while !buf.is_empty() {
            let k = self.extents.partition_point(|x| x.raw + x.len <= off);
            let Some(x) = self.extents.get(k) else {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("offset {off} is past the pages the pagemap holds"),
                ));
            };
            let within = off - x.raw;
            if x.block == 0 {
                let n = (x.len - within).min(buf.len() as u64) as usize;
                let (now, rest) = buf.split_at_mut(n);
                read_stored(x.stored + within, now)?;
                buf = rest;
                off += n as u64;
                continue;
            }
            let j = usize::try_from(within / x.block).unwrap_or(usize::MAX);
            if cache.key != Some((k, j)) {
                let (start, end) = self.stored_range(x, j);
                // At most the block's bytes (checked in `new`).
                stored.resize((end - start) as usize, 0);
                read_stored(start, &mut stored)?;
                cache.key = None;
                self.decode(x, j, &stored, &mut cache.data)?;
                cache.key = Some((k, j));
            }
            let at = (within - x.block * j as u64) as usize;
            let have = cache.data.get(at..).unwrap_or_default();
            let n = have.len().min(buf.len());
            if n == 0 {
                return Err(invalid("empty block".into()));
            }
            let (now, rest) = buf.split_at_mut(n);
            now.copy_from_slice(&have[..n]);
            buf = rest;
            off += n as u64;
        }
        Ok(())
    }
}

/// The stored bytes of a pages file read as raw pages, in order.
pub struct Decompress<'a> {
    blocks: &'a Blocks,
    inner: &'a mut dyn Read,
    /// Next extent and block to decode.
    next: (usize, usize),
    /// Stored bytes consumed so far.
    pos: u64,
    stored: Vec<u8>,
    out: Vec<u8>,
    at: usize,
}

impl<'a> Decompress<'a> {
    /// Reads `inner`, the stored bytes from the first, as raw pages.
    pub fn new(blocks: &'a Blocks, inner: &'a mut dyn Read) -> Decompress<'a> {
        Decompress {
            blocks,
            inner,
            next: (0, 0),
            pos: 0,
            stored: Vec::new(),
            out: Vec::new(),
            at: 0,
        }
    }

    /// Decodes the next block into `out`; false at the end.
    fn fill(&mut self) -> io::Result<bool> {
        let (k, j) = self.next;
        let Some(x) = self.blocks.extents.get(k) else {
            return Ok(false);
        };
        if x.block != 0 && j >= self.blocks.count(x) {
            // An entry of no pages.
            self.next = (k + 1, 0);
            self.out.clear();
            self.at = 0;
            return Ok(true);
        }
        let (start, end) = self.blocks.stored_range(x, j);
        // Padding before an aligned entry.
        let skip = start.saturating_sub(self.pos);
        io::copy(&mut (&mut *self.inner).take(skip), &mut io::sink())?;
        self.pos += skip;
        if x.block == 0 {
            // A raw entry, in pieces.
            let done = self.pos - start;
            let n = (end - self.pos).min(RAW_PIECE) as usize;
            self.out.resize(n, 0);
            self.inner.read_exact(&mut self.out)?;
            self.pos += n as u64;
            if done + n as u64 >= x.len {
                self.next = (k + 1, 0);
            }
        } else {
            // At most the block's bytes (checked in `new`).
            self.stored.resize((end - start) as usize, 0);
            self.inner.read_exact(&mut self.stored)?;
            self.pos = end;
            self.blocks.decode(x, j, &self.stored, &mut self.out)?;
            self.next = if j + 1 < self.blocks.count(x) {
                (k, j + 1)
            } else {
                (k + 1, 0)
            };
        }
        self.at = 0;
        Ok(true)
    }
}

impl Read for Decompress<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at >= self.out.len() {
            if !self.fill()? {
                return Ok(0);
            }
        }
        let have = self.out.get(self.at..).unwrap_or_default();
        let n = have.len().min(buf.len());
        buf[..n].copy_from_slice(&have[..n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests;
