//! [`MemorySink`]: what receives process memory during a read.

use std::io;

use serde::Serialize;

use super::{PageMap, SharedMemory, VmaMap};

/// A piece of a process's memory, as it streams by.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct MemoryChunk<'a> {
    /// The process.
    pub pid: u32,
    /// The pages file it comes from (`pages-<pages_id>.img`).
    pub pages_id: u32,
    /// Address of `data[0]`.
    pub vaddr: u64,
    /// Offset of `data[0]` in the pages file.
    pub file_offset: u64,
    /// The bytes.
    pub data: &'a [u8],
    /// The shared memory object they belong to, when they do (then `pid`
    /// is 0 and `vaddr` the offset in the object: see
    /// [`SharedMemory::addresses`] for where each process maps it).
    pub shared: Option<&'a SharedMemory>,
}

/// An address range, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct AddressRange {
    /// First address.
    pub start: u64,
    /// End (exclusive).
    pub end: u64,
}

/// Receives process memory during a read (see
/// [`read_with`](crate::read_with)): for each process it wants, the
/// present pages in address order, then [`MemorySink::end`].
///
/// Like grep-searcher's `Sink`, it steers the read: each call returns
/// `Ok(true)` to go on, `Ok(false)` to stop the read at once (a search that
/// has found what it wanted), or an error that ends the read with
/// [`Error::Sink`](crate::Error::Sink) (an output that closed). Either way
/// nothing more is decompressed.
///
/// ```
/// use ckpt::memory::{MemoryChunk, MemorySink};
/// /// Stops at the first byte 0x7f of any process.
/// struct FirstDel(Option<(u32, u64)>);
/// impl MemorySink for FirstDel {
///     fn wants(&self, _pid: u32) -> bool {
///         true
///     }
///     fn chunk(&mut self, c: &MemoryChunk<'_>) -> std::io::Result<bool> {
///         if let Some(i) = c.data.iter().position(|&b| b == 0x7f) {
///             self.0 = Some((c.pid, c.vaddr + i as u64));
///             return Ok(false);
///         }
///         Ok(true)
///     }
/// }
/// # fn main() -> Result<(), ckpt::Error> {
/// let mut sink = FirstDel(None);
/// let source = ckpt::Source::open("tests/fixtures/mini-sleep.none.tar")?;
/// let c = ckpt::read_with(source, &ckpt::Options::default(), &mut sink)?;
/// assert!(sink.0.is_some() && !c.complete);
/// # Ok(()) }
/// ```
pub trait MemorySink {
    /// Whether the memory of `pid` is wanted.
    fn wants(&self, pid: u32) -> bool;

    /// Which parts of `pid`'s memory are wanted, given its memory areas;
    /// `None` for all of it. Ranges may be in any order.
    fn ranges(&self, pid: u32, vmas: &VmaMap) -> Option<Vec<AddressRange>> {
        let _ = (pid, vmas);
        None
    }

    /// The memory of `pid`, whose areas are `vmas`, comes next.
    fn begin(&mut self, pid: u32, vmas: &VmaMap) -> io::Result<bool> {
        let _ = (pid, vmas);
        Ok(true)
    }

    /// The memory layout of a wanted process, as soon as its areas and
    /// pagemap are known: before any of its pages, and before the pages of
    /// the shared memory objects it maps. Called once for each process
    /// (again if a later copy of its `mm` or `pagemap` replaces them).
    fn layout(&mut self, pid: u32, vmas: &VmaMap, pagemap: &PageMap) -> io::Result<bool> {
        let _ = (pid, vmas, pagemap);
        Ok(true)
    }

    /// The memory of `pid` comes next: its areas, and the pagemap that says
    /// where its pages are (in the pages file, or not dumped). Calls
    /// [`MemorySink::begin`] unless the sink wants more than the areas.
    fn begin_mapped(&mut self, pid: u32, vmas: &VmaMap, pagemap: &PageMap) -> io::Result<bool> {
        let _ = pagemap;
        self.begin(pid, vmas)
    }

    /// Whether the contents of a shared memory object (a memfd, a SysV
    /// segment, anonymous shared memory: dumped once, outside the
    /// processes' own pages) are wanted. They come as chunks whose
    /// [`MemoryChunk::shared`] names the object, by offset in it. None are,
    /// unless the sink says so.
    fn wants_shared(&self, object: &SharedMemory) -> bool {
        let _ = object;
        false
    }

    /// Which parts of a wanted shared object are wanted, by offset in it;
    /// `None` for all of it.
    fn shared_ranges(&self, object: &SharedMemory) -> Option<Vec<AddressRange>> {
        let _ = object;
        None
    }

    /// Memory of a wanted process; within a process, in address order.
    fn chunk(&mut self, chunk: &MemoryChunk<'_>) -> io::Result<bool>;

    /// All of `pid`'s memory has been given.
    fn end(&mut self, pid: u32) -> io::Result<bool> {
        let _ = pid;
        Ok(true)
    }

    /// Whether the sink takes the memory of every container of a pod
    /// checkpoint read without [`Options::container`](crate::Options::container),
    /// each announced by [`MemorySink::container`]. Pids repeat from one
    /// container to the next (each has its pid 1), so none is given to a
    /// sink that does not say so.
    fn every_container(&self) -> bool {
        false
    }

    /// In a pod checkpoint, what the following calls concern comes from
    /// the container `member` (its directory or archive in the pod:
    /// [`PodContainer::member`](crate::model::PodContainer::member)), until
    /// the next call. Containers' entries may come interleaved, so a
    /// container may be announced again. Called only on a sink that wants
    /// [`MemorySink::every_container`].
    fn container(&mut self, member: &str) {
        let _ = member;
    }
}
