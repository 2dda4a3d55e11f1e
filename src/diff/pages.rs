//! Memory compared page by page: a [`MemorySink`] that hashes every page
//! as it streams by, and the merge of two checkpoints' hashes.

use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hasher};
use std::io;

use serde::Serialize;

use crate::memory::{AddressRange, MemoryChunk, MemorySink, PAGE_SIZE};

/// How one process's memory changed, page by page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ProcessMemoryDiff {
    /// Pid.
    pub pid: u32,
    /// Pages dumped in B only.
    pub added: Vec<AddressRange>,
    /// Pages dumped in A only.
    pub removed: Vec<AddressRange>,
    /// Pages in both, with different content.
    pub changed: Vec<AddressRange>,
    /// Pages in both with the same content.
    pub unchanged_pages: u64,
}

impl ProcessMemoryDiff {
    fn pages(ranges: &[AddressRange]) -> u64 {
        ranges.iter().map(|r| (r.end - r.start) / PAGE_SIZE).sum()
    }

    /// Pages added, removed, changed.
    pub fn counts(&self) -> (u64, u64, u64) {
        (
            Self::pages(&self.added),
            Self::pages(&self.removed),
            Self::pages(&self.changed),
        )
    }
}

/// The memory change (checkpointctl's `memory_changes`, from the pages
/// sizes) and, with `--memory`, the page by page comparison.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct MemoryDiff {
    /// Change of the pages size, B − A, in bytes.
    pub size_change_bytes: i64,
    /// The same in MiB.
    pub size_change_mb: f64,
    /// Per process present in both, sorted by pid (with `--memory`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub processes: Vec<ProcessMemoryDiff>,
}

impl MemoryDiff {
    /// Pages added, removed and changed in every process compared (all
    /// zero when pages were not compared).
    pub fn page_counts(&self) -> (u64, u64, u64) {
        self.processes.iter().fold((0, 0, 0), |acc, p| {
            let (a, r, c) = p.counts();
            (acc.0 + a, acc.1 + r, acc.2 + c)
        })
    }
}

/// Pages per pid: (page address, hash), in address order.
type Pages = BTreeMap<u32, Vec<(u64, u64)>>;

/// Hashes every page of every process as it streams by; give one to
/// [`read_with`](crate::read_with) for each checkpoint, built from the same
/// `BuildHasher` so that their hashes compare. In a pod checkpoint it
/// hashes every container's pages, each container's apart
/// ([`PageHashes::take_container`]).
#[derive(Debug)]
pub struct PageHashes<S: BuildHasher> {
    build: S,
    /// The current container's pages (the checkpoint's, outside a pod).
    pages: Pages,
    /// In a pod, the container whose pages `pages` holds, and the others'.
    container: Option<String>,
    others: BTreeMap<String, Pages>,
    /// A page not yet complete: its address and bytes.
    partial: Option<(u32, u64, Vec<u8>)>,
    /// Most pages hashed; the rest are not compared.
    max_pages: u64,
    /// Pages hashed.
    count: u64,
}

/// Bytes a hashed page holds in the table.
const PAGE_ENTRY: u64 = 16;

impl<S: BuildHasher> PageHashes<S> {
    /// Hashes pages with `build`, at most as many as fit in `max_bytes`
    /// of table (16 bytes a page); pages past that are not compared
    /// ([`PageHashes::is_complete`] says so).
    pub fn new(build: S, max_bytes: u64) -> PageHashes<S> {
        PageHashes {
            build,
            pages: BTreeMap::new(),
            container: None,
            others: BTreeMap::new(),
            partial: None,
            max_pages: max_bytes / PAGE_ENTRY,
            count: 0,
        }
    }

    /// Whether every page that streamed by was hashed (none past the
    /// table's limit).
    pub fn is_complete(&self) -> bool {
        self.count <= self.max_pages
    }

    /// Pages hashed.
    pub fn len(&self) -> u64 {
        self.count.min(self.max_pages)
    }

    /// Whether no page was hashed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds one page's hash, if the table has room.
    fn record(&mut self, pid: u32, vaddr: u64, hash: u64) {
        self.count = self.count.saturating_add(1);
        if self.count <= self.max_pages {
            self.pages.entry(pid).or_default().push((vaddr, hash));
        }
    }

    fn hash(&self, page: &[u8]) -> u64 {
        let mut h = self.build.build_hasher();
        h.write(page);
        h.finish()
    }

    fn flush(&mut self) {
        if let Some((pid, vaddr, bytes)) = self.partial.take() {
            let hash = self.hash(&bytes);
            self.record(pid, vaddr, hash);
        }
    }

    /// The hashes of the pod's container `member` (see
    /// [`MemorySink::container`]), taken out of these: with the same
    /// hasher and limit, to compare with another's. Outside a pod, or when
    /// the pod's chosen container was read alone, every page is its.
    pub fn take_container(&mut self, member: &str) -> PageHashes<S>
    where
        S: Clone,
    {
        self.flush();
        let pages = match &self.container {
            None => std::mem::take(&mut self.pages),
            Some(c) if c == member => std::mem::take(&mut self.pages),
            Some(_) => self.others.remove(member).unwrap_or_default(),
        };
        let mut taken = PageHashes::new(self.build.clone(), 0);
        taken.count = pages.values().map(|p| p.len() as u64).sum();
        taken.pages = pages;
        // Whether the whole table was complete is said of the whole.
        taken.max_pages = self.max_pages;
        taken
    }
}

impl<S: BuildHasher> MemorySink for PageHashes<S> {
    fn wants(&self, _pid: u32) -> bool {
        true
    }

    fn chunk(&mut self, chunk: &MemoryChunk<'_>) -> io::Result<bool> {
        let mut data = chunk.data;
        let mut at = chunk.vaddr;
        // Finish a page begun in the previous chunk.
        if let Some((pid, vaddr, bytes)) = &mut self.partial {
            if *pid == chunk.pid && *vaddr + bytes.len() as u64 == at {
                let take = (PAGE_SIZE as usize - bytes.len()).min(data.len());
                bytes.extend_from_slice(&data[..take]);
                data = &data[take..];
                at += take as u64;
                if bytes.len() as u64 == PAGE_SIZE {
                    self.flush();
                }
            } else {
                self.flush();
            }
        }
        while !data.is_empty() {
            let take = (PAGE_SIZE as usize).min(data.len());
            if take as u64 == PAGE_SIZE {
                let hash = self.hash(&data[..take]);
                self.record(chunk.pid, at, hash);
            } else {
                self.partial = Some((chunk.pid, at, data[..take].to_vec()));
            }
            data = &data[take..];
            at += take as u64;
        }
        Ok(true)
    }

    fn end(&mut self, _pid: u32) -> io::Result<bool> {
        self.flush();
        Ok(true)
    }

    fn every_container(&self) -> bool {
        true
    }

    fn container(&mut self, member: &str) {
        self.flush();
        let pages = self.others.remove(member).unwrap_or_default();
        let last = std::mem::replace(&mut self.pages, pages);
        if let Some(c) = self.container.replace(member.to_owned()) {
            self.others.insert(c, last);
        }
    }
}

/// Adds `[start, start + PAGE_SIZE)` to `ranges`, merging with the last.
fn push_page(ranges: &mut Vec<AddressRange>, start: u64) {
    let end = start.saturating_add(PAGE_SIZE);
    match ranges.last_mut() {
        Some(last) if last.end == start => last.end = end,
        _ => ranges.push(AddressRange { start, end }),
    }
}

/// Compares the page hashes of the processes in both checkpoints: a
/// merge of the two lists in address order, nothing else allocated.
pub fn compare_pages<S: BuildHasher>(
    a: &PageHashes<S>,
    b: &PageHashes<S>,
) -> Vec<ProcessMemoryDiff> {
    let sorted = |pages: &Vec<(u64, u64)>| -> Option<Vec<(u64, u64)>> {
        // Pages arrive in address order; sort only if an archive says
        // otherwise.
        if pages.windows(2).all(|w| w[0].0 < w[1].0) {
            return None;
        }
        let mut v = pages.clone();
        v.sort_unstable_by_key(|p| p.0);
        v.dedup_by_key(|p| p.0);
        Some(v)
    };
    let mut out = Vec::new();
    for (pid, pages_a) in &a.pages {
        let Some(pages_b) = b.pages.get(pid) else {
            continue;
        };
        let (sa, sb) = (sorted(pages_a), sorted(pages_b));
        let (pa, pb) = (
            sa.as_ref().unwrap_or(pages_a),
            sb.as_ref().unwrap_or(pages_b),
        );
        let mut diff = ProcessMemoryDiff {
            pid: *pid,
            ..ProcessMemoryDiff::default()
        };
        let (mut i, mut j) = (0, 0);
        loop {
            match (pa.get(i), pb.get(j)) {
                (Some(&(va, ha)), Some(&(vb, hb))) if va == vb => {
                    if ha == hb {
                        diff.unchanged_pages += 1;
                    } else {
                        push_page(&mut diff.changed, va);
                    }
                    i += 1;
                    j += 1;
                }
                (Some(&(va, _)), Some(&(vb, _))) if va < vb => {
                    push_page(&mut diff.removed, va);
                    i += 1;
                }
                (_, Some(&(vb, _))) => {
                    push_page(&mut diff.added, vb);
                    j += 1;
                }
                (Some(&(va, _)), None) => {
                    push_page(&mut diff.removed, va);
                    i += 1;
                }
                (None, None) => break,
            }
        }
        out.push(diff);
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::hash_map::RandomState;

    use super::*;

    /// Feeds `pages` (address, fill byte) to a sink, in chunks of `split`
    /// bytes that do not respect page boundaries.
    fn hashes(build: &RandomState, pages: &[(u64, u8)], split: usize) -> PageHashes<RandomState> {
        let mut h = PageHashes::new(build.clone(), u64::MAX);
        h.begin(1, &crate::memory::VmaMap::default()).unwrap();
        for &(vaddr, fill) in pages {
            let page = vec![fill; PAGE_SIZE as usize];
            for (i, part) in page.chunks(split).enumerate() {
                let at = (i * split) as u64;
                h.chunk(&MemoryChunk {
                    shared: None,
                    pid: 1,
                    pages_id: 1,
                    vaddr: vaddr + at,
                    file_offset: at,
                    data: part,
                })
                .unwrap();
            }
        }
        h.end(1).unwrap();
        h
    }

    fn range(start: u64, end: u64) -> AddressRange {
        AddressRange { start, end }
    }

    #[test]
    fn pages_added_removed_changed_across_chunk_boundaries() {
        let build = RandomState::new();
        let a = hashes(
            &build,
            &[(0x1000, 1), (0x2000, 2), (0x4000, 3), (0x5000, 4)],
            1000,
        );
        let b = hashes(
            &build,
            &[(0x2000, 2), (0x3000, 9), (0x4000, 7), (0x5000, 8)],
            4096,
        );
        let d = compare_pages(&a, &b);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].removed, [range(0x1000, 0x2000)]);
        assert_eq!(d[0].added, [range(0x3000, 0x4000)]);
        assert_eq!(d[0].changed, [range(0x4000, 0x6000)]);
        assert_eq!(d[0].unchanged_pages, 1);
        assert_eq!(d[0].counts(), (1, 1, 2));
    }

    #[test]
    fn the_table_holds_what_its_limit_allows() {
        let build = RandomState::new();
        let mut h = PageHashes::new(build, 2 * PAGE_ENTRY);
        h.chunk(&MemoryChunk {
            shared: None,
            pid: 1,
            pages_id: 1,
            vaddr: 0,
            file_offset: 0,
            data: &vec![0u8; 5 * PAGE_SIZE as usize],
        })
        .unwrap();
        assert!(!h.is_complete());
        assert_eq!(h.len(), 2);
        assert_eq!(h.pages[&1].len(), 2);
    }

    #[test]
    fn pages_out_of_order_are_sorted_first() {
        let build = RandomState::new();
        let a = hashes(&build, &[(0x3000, 3), (0x1000, 1)], 4096);
        let b = hashes(&build, &[(0x1000, 1), (0x3000, 3)], 4096);
        let d = compare_pages(&a, &b);
        assert_eq!(d[0].counts(), (0, 0, 0));
        assert_eq!(d[0].unchanged_pages, 2);
    }
}
