//! A compressed pages file read in order as the raw pages it holds (see
//! [`Blocks`]).

use std::io::{self, Read};

use super::compressed::Blocks;

/// Raw bytes handed out at a time from an entry stored raw.
const RAW_PIECE: u64 = 1 << 20;

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
        // Blocks of an entry are back to back: only the first is looked up.
        let (start, end) = match j {
            0 => self.blocks.stored_range(x, 0),
            _ => (self.pos, self.pos + self.blocks.size(x, j)),
        };
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
