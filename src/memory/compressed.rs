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
//! reads through [`Decompress`](super::Decompress) (a stream) or
//! [`Blocks::read_at`] (by offset), which turn stored bytes into raw ones. Every size comes from
//! the pagemap and is checked against the block it describes, and a block
//! is at most [`MAX_BLOCK`] bytes, before it sizes a buffer.

use std::io;

use super::PAGE_SIZE;
use crate::criu::ImageError;
use crate::criu::proto::{PE_PAYLOAD_ALIGNED, PagemapEntry};

/// Largest block: CRIU's `MAX_REGION_SIZE` (4 MiB).
pub const MAX_BLOCK: u64 = 4 << 20;

/// Blocks between two marks of [`Blocks::marks`].
const MARK: usize = 64;

/// One present entry's payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Extent {
    /// Pagemap entry index, for errors.
    entry: usize,
    /// Raw offset of its first byte (as [`PageMap`](super::PageMap) counts).
    raw: u64,
    /// Raw length.
    pub(super) len: u64,
    /// Where its payload starts in the pages file.
    stored: u64,
    /// Raw bytes per block; 0 when the entry is stored raw.
    pub(super) block: u64,
    /// Index of its first block in [`Blocks::sizes`].
    first: usize,
    /// Blocks in it.
    count: usize,
    /// Index of its first mark in [`Blocks::marks`].
    mark: usize,
}

/// How a compressed dump's pages file holds the pages of one pagemap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocks {
    pub(super) extents: Vec<Extent>,
    /// Stored size of every block, entry after entry (4 bytes a block, of
    /// the at least 1 byte of pagemap each takes).
    sizes: Vec<u32>,
    /// For every 64th block of an entry, where it starts from the start of
    /// the entry's payload: a block's offset is a mark plus at most 63
    /// sizes.
    marks: Vec<u64>,
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
        let (mut sizes, mut marks) = (Vec::new(), Vec::new());
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
            let (first, mark, start) = (sizes.len(), marks.len(), stored);
            let block = match blocks {
                None => {
                    stored = stored
                        .checked_add(len)
                        .ok_or_else(|| bad(i, "the pages file would exceed 2^64 bytes".into()))?;
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
                        if j % MARK == 0 {
                            marks.push(sum);
                        }
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
                    sizes.extend_from_slice(&b.sizes);
                    block
                }
            };
            extents.push(Extent {
                entry: i,
                raw,
                len,
                stored: start,
                block,
                first,
                count: sizes.len() - first,
                mark,
            });
            raw += len;
        }
        Ok(any.then_some(Blocks {
            extents,
            sizes,
            marks,
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
            let mut end = x.stored;
            for j in 0..self.count(x) {
                end += self.size(x, j);
                if end > size {
                    return raw;
                }
                raw = x.raw + self.raw_end(x, j);
            }
        }
        raw
    }

    /// Blocks in an extent (a raw entry counts as one).
    pub(super) fn count(&self, x: &Extent) -> usize {
        match x.block {
            0 => 1,
            _ => x.count,
        }
    }

    /// Stored size of block `j` of `x`.
    pub(super) fn size(&self, x: &Extent, j: usize) -> u64 {
        match x.block {
            0 => x.len,
            _ => self.sizes.get(x.first + j).map_or(0, |&s| u64::from(s)),
        }
    }

    /// Stored byte range of block `j` of `x`.
    pub(super) fn stored_range(&self, x: &Extent, j: usize) -> (u64, u64) {
        if x.block == 0 {
            return (x.stored, x.stored + x.len);
        }
        let from_mark = self.marks.get(x.mark + j / MARK).copied().unwrap_or(0);
        let since = x.first + j / MARK * MARK..x.first + j;
        let within = self
            .sizes
            .get(since)
            .unwrap_or_default()
            .iter()
            .map(|&s| u64::from(s))
            .sum::<u64>();
        let start = x.stored + from_mark + within;
        (start, start + self.size(x, j))
    }

    /// Raw end, within the extent, of block `j`.
    fn raw_end(&self, x: &Extent, j: usize) -> u64 {
        match x.block {
            0 => x.len,
            b => (b.saturating_mul(j as u64 + 1)).min(x.len),
        }
    }

    /// Decodes block `j` of `x` from its stored bytes into `out`.
    pub(super) fn decode(
        &self,
        x: &Extent,
        j: usize,
        stored: &[u8],
        out: &mut Vec<u8>,
    ) -> io::Result<()> {
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

#[cfg(test)]
mod tests;
