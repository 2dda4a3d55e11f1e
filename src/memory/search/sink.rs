//! [`MemorySearch`]: the sink that searches each process's memory as it
//! streams by.

use std::collections::BTreeMap;
use std::io;
use std::sync::Arc;

use serde::Serialize;

use super::{Hit, Pattern, Searcher};
use crate::memory::{
    AddressRange, MemoryChunk, MemoryFilter, MemorySink, SharedKind, SharedMemory, VmaKind, VmaMap,
};

/// A hit in one process's memory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ProcessHit {
    /// In a pod checkpoint, the container the process is in (its
    /// directory or archive in the pod:
    /// [`PodContainer::member`](crate::model::PodContainer::member)).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// The process.
    pub pid: u32,
    /// The pages file (`pages-<pages_id>.img`).
    pub pages_id: u32,
    /// The kind of memory area the match starts in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vma: Option<VmaKind>,
    /// The match.
    #[serde(flatten)]
    pub hit: Hit,
    /// The shared memory object the match is in, when it is in one: `pid`
    /// and the match's address are then those of its first mapping, and
    /// this lists them all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shared: Option<SharedHit>,
}

/// Where a match in a shared memory object is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SharedHit {
    /// The object: `memfd:NAME`, `sysv:ID`, `anon-shared:SHMID`.
    pub object: String,
    /// Its kind.
    pub kind: SharedKind,
    /// Its shmid (`pagemap-shmem-<shmid>.img`).
    pub shmid: u64,
    /// Offset of the match in the object.
    pub offset: u64,
    /// Where its content is when not in a pages file (a ghost file, a
    /// member of `devshm-checkpoint.tar`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Every process and address that maps the match (those the filter
    /// selects).
    pub mapped_at: Vec<MappedAt>,
}

/// A process and the address at which it maps a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MappedAt {
    /// The process.
    pub pid: u32,
    /// The address.
    pub address: u64,
}

/// A [`MemorySink`] that searches the memory it is given; see
/// [`read_with`](crate::read_with).
///
/// It is satisfied, and stops the read at once, when it has `max_hits`
/// hits. It searches every container of a pod checkpoint (each hit names
/// its [`ProcessHit::container`]).
#[derive(Debug)]
pub struct MemorySearch<'p> {
    pattern: &'p Pattern,
    context: usize,
    filter: MemoryFilter,
    max_hits: usize,
    current: Option<(u32, u32, Searcher<'p>)>,
    /// The shared memory object being searched, if the current stretch is
    /// one.
    object: Option<SharedMemory>,
    /// The pod's container the memory comes from, in a pod.
    container: Option<Arc<str>>,
    vmas: BTreeMap<(Option<Arc<str>>, u32), VmaMap>,
    found: Vec<Hit>,
    hits: Vec<ProcessHit>,
    stopped: bool,
}

/// What a [`MemorySearch`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SearchResults {
    /// The hits, sorted by container, pid and address.
    pub hits: Vec<ProcessHit>,
    /// Whether the search stopped at its most hits, before the end of the
    /// memory: more matches may follow.
    pub stopped: bool,
}

impl<'p> MemorySearch<'p> {
    /// Searches for `pattern` with `context` bytes around each match, in
    /// the memory `filter` selects, until it has `max_hits` hits.
    pub fn new(
        pattern: &'p Pattern,
        context: usize,
        filter: MemoryFilter,
        max_hits: usize,
    ) -> MemorySearch<'p> {
        MemorySearch {
            pattern,
            context,
            filter,
            max_hits,
            current: None,
            object: None,
            container: None,
            vmas: BTreeMap::new(),
            found: Vec::new(),
            hits: Vec::new(),
            stopped: false,
        }
    }

    /// Keeps what was found in `pid`'s memory, up to the most hits;
    /// whether the search may go on.
    fn collect(&mut self, pid: u32, pages_id: u32) -> bool {
        let vmas = self.vmas.get(&(self.container.clone(), pid));
        for mut hit in self.found.drain(..) {
            if self.hits.len() >= self.max_hits {
                self.stopped = true;
                continue;
            }
            let (pid, vma, shared) = match &self.object {
                None => (
                    pid,
                    vmas.and_then(|v| v.find(hit.vaddr)).map(|v| v.kind),
                    None,
                ),
                Some(object) => {
                    let offset = hit.vaddr;
                    let mapped_at: Vec<MappedAt> = object
                        .addresses(offset)
                        .filter(|&(pid, address)| self.filter.keeps(pid, address))
                        .map(|(pid, address)| MappedAt { pid, address })
                        .collect();
                    let Some(first) = mapped_at.first().copied() else {
                        // Mapped by no process the filter selects.
                        continue;
                    };
                    hit.vaddr = first.address;
                    let shared = SharedHit {
                        object: object.name.clone(),
                        kind: object.kind,
                        shmid: object.shmid,
                        offset,
                        file: object.file.clone(),
                        mapped_at,
                    };
                    (first.pid, Some(shared_vma(object.kind)), Some(shared))
                }
            };
            self.hits.push(ProcessHit {
                container: self.container.as_deref().map(str::to_owned),
                pid,
                pages_id,
                vma,
                hit,
                shared,
            });
        }
        if self.hits.len() >= self.max_hits {
            self.stopped = true;
        }
        !self.stopped
    }

    /// Ends the search of the current stretch of memory.
    fn end_current(&mut self) -> bool {
        match self.current.take() {
            Some((pid, pages_id, mut s)) => {
                s.finish(&mut self.found);
                self.collect(pid, pages_id)
            }
            None => !self.stopped,
        }
    }

    /// The hits, sorted by container, pid and address, and whether the
    /// search stopped at the most hits.
    pub fn finish(mut self) -> SearchResults {
        self.end_current();
        self.hits.sort_by(|a, b| {
            (&a.container, a.pid, a.hit.vaddr).cmp(&(&b.container, b.pid, b.hit.vaddr))
        });
        SearchResults {
            hits: self.hits,
            stopped: self.stopped,
        }
    }
}

/// The kind of memory area a shared object is mapped as.
fn shared_vma(kind: SharedKind) -> VmaKind {
    match kind {
        SharedKind::Memfd | SharedKind::PosixShm => VmaKind::FileShared,
        SharedKind::Sysv | SharedKind::AnonShared => VmaKind::AnonShared,
    }
}

impl MemorySink for MemorySearch<'_> {
    fn wants(&self, pid: u32) -> bool {
        self.filter.wants(pid)
    }

    fn ranges(&self, _pid: u32, vmas: &VmaMap) -> Option<Vec<AddressRange>> {
        self.filter.ranges(vmas)
    }

    fn begin(&mut self, pid: u32, vmas: &VmaMap) -> io::Result<bool> {
        self.vmas
            .insert((self.container.clone(), pid), vmas.clone());
        Ok(!self.stopped)
    }

    fn wants_shared(&self, object: &SharedMemory) -> bool {
        self.filter.wants_shared(object)
    }

    fn chunk(&mut self, chunk: &MemoryChunk<'_>) -> io::Result<bool> {
        let same_object = self.object.as_ref().map(|o| &o.name) == chunk.shared.map(|o| &o.name);
        let same = same_object
            && matches!(&self.current, Some((pid, id, _)) if *pid == chunk.pid && *id == chunk.pages_id);
        if !same {
            if !self.end_current() {
                return Ok(false);
            }
            self.object = chunk.shared.cloned();
            self.current = Some((
                chunk.pid,
                chunk.pages_id,
                Searcher::new(self.pattern, self.context),
            ));
        }
        let Some((pid, pages_id, s)) = &mut self.current else {
            return Ok(true);
        };
        s.feed(chunk.vaddr, chunk.file_offset, chunk.data, &mut self.found);
        let (pid, pages_id) = (*pid, *pages_id);
        if self.found.is_empty() {
            return Ok(true);
        }
        Ok(self.collect(pid, pages_id))
    }

    fn end(&mut self, _pid: u32) -> io::Result<bool> {
        Ok(self.end_current())
    }

    fn every_container(&self) -> bool {
        true
    }

    fn container(&mut self, member: &str) {
        // What was found so far is the last container's.
        self.end_current();
        self.container = Some(Arc::from(member));
    }
}
