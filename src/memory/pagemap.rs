//! A process's pages: `pagemap-<pid>.img` runs mapped to offsets in
//! `pages-<id>.img`.
//!
//! Only pagemap entries flagged `PE_PRESENT` have their pages in the pages
//! file, back to back in pagemap order (CRIU's `skip_pagemap_pages`).
//! Pages in a parent image (`PE_PARENT`, incremental dumps) or left for
//! lazy restore are reported as unavailable, never read from a wrong
//! offset.

use serde::Serialize;

use super::PAGE_SIZE;
use super::compressed::Blocks;
use crate::criu::ImageError;
use crate::criu::proto::{PE_LAZY, PE_PARENT, PagemapEntry};

/// Where a run of pages is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PageSource {
    /// In this dump's pages file, at this byte offset.
    File {
        /// Byte offset in `pages-<id>.img`.
        offset: u64,
    },
    /// In the parent image of an incremental dump.
    Parent,
    /// Not dumped: left for lazy restore.
    Lazy,
    /// Not in the pagemap at all (never touched, or a shared file mapping).
    Missing,
}

impl PageSource {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            PageSource::File { .. } => "in the pages file",
            PageSource::Parent => "in the parent image of an incremental dump",
            PageSource::Lazy => "left for lazy restore",
            PageSource::Missing => "not in the dump",
        }
    }
}

/// A run of pages from the pagemap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PageRun {
    /// First address.
    pub vaddr: u64,
    /// Number of pages.
    pub nr_pages: u64,
    /// `PE_*` flags, after CRIU's normalisation of old images.
    pub flags: u32,
    /// Where the pages are.
    pub source: PageSource,
}

impl PageRun {
    /// End address (exclusive).
    pub fn end(&self) -> u64 {
        // Checked when the run was built.
        self.vaddr + self.nr_pages * PAGE_SIZE
    }
}

/// The pages of one process: which pages file, and the runs in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PageMap {
    /// Id of `pages-<id>.img`.
    pub pages_id: u32,
    /// Runs in pagemap order.
    pub runs: Vec<PageRun>,
    /// Bytes of this process in the pages file.
    pub present_bytes: u64,
    /// Run indices sorted by address, for lookups.
    #[serde(skip)]
    by_vaddr: Vec<usize>,
    /// How a compressed dump stores the pages (offsets above stay those
    /// of the raw pages).
    #[serde(skip)]
    compressed: Option<Blocks>,
}

/// A piece of an address range and where its bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// First address.
    pub vaddr: u64,
    /// Length in bytes.
    pub len: u64,
    /// Where the bytes are.
    pub source: PageSource,
}

impl PageMap {
    /// Builds the map from a pagemap's entries, checking that addresses and
    /// counts cannot overflow.
    pub fn new(pages_id: u32, entries: &[PagemapEntry]) -> Result<PageMap, ImageError> {
        let mut runs = Vec::with_capacity(entries.len());
        let mut offset: u64 = 0;
        for (i, e) in entries.iter().enumerate() {
            let nr_pages = e.pages();
            let bytes = nr_pages.checked_mul(PAGE_SIZE);
            let fits = bytes.and_then(|b| e.vaddr.checked_add(b));
            let (Some(bytes), Some(_)) = (bytes, fits) else {
                return Err(ImageError::Invalid {
                    what: format!(
                        "pagemap entry {i}: {nr_pages} pages at {:#x} overflow the address space",
                        e.vaddr
                    ),
                });
            };
            let flags = e.page_flags();
            let source = if e.is_present() {
                let here = PageSource::File { offset };
                offset = offset
                    .checked_add(bytes)
                    .ok_or_else(|| ImageError::Invalid {
                        what: format!("pagemap entry {i}: the pages file would exceed 2^64 bytes"),
                    })?;
                here
            } else if flags & PE_PARENT != 0 {
                PageSource::Parent
            } else if flags & PE_LAZY != 0 {
                PageSource::Lazy
            } else {
                PageSource::Missing
            };
            runs.push(PageRun {
                vaddr: e.vaddr,
                nr_pages,
                flags,
                source,
            });
        }
        let mut by_vaddr: Vec<usize> = (0..runs.len()).collect();
        by_vaddr.sort_by_key(|&i| runs[i].vaddr);
        Ok(PageMap {
            pages_id,
            runs,
            present_bytes: offset,
            by_vaddr,
            compressed: Blocks::new(entries)?,
        })
    }

    /// How the pages file stores the pages, if the dump is compressed (or
    /// its entries aligned); `None` when it holds them raw, back to back.
    pub fn compressed(&self) -> Option<&Blocks> {
        self.compressed.as_ref()
    }

    /// What is wrong with its pages file holding `size` bytes, if anything.
    /// A raw dump's pages file holds the present pages back to back,
    /// exactly. When the dump `said_compressed` (its inventory) but this map
    /// has no block sizes, CRIU recorded them in a form this build does not
    /// read: the file's bytes are not the pages they would be read as.
    pub fn pages_file_mismatch(&self, size: u64, said_compressed: bool) -> Option<String> {
        if let Some(b) = self.compressed() {
            return (b.stored_size() != size).then(|| {
                format!(
                    "holds {size} bytes, its compressed pagemap needs {}: pages past the last \
                     whole block are not read",
                    b.stored_size()
                )
            });
        }
        let raw = self.present_bytes;
        if said_compressed && raw > 0 {
            return Some(format!(
                "inventory.img says the memory pages are compressed, but the pagemap gives no \
                 block sizes in a form this build reads: its {size} bytes would be read as \
                 {raw} bytes of raw pages, and what is shown of them is not the process's memory"
            ));
        }
        match size.cmp(&raw) {
            std::cmp::Ordering::Equal => None,
            std::cmp::Ordering::Less => Some(format!(
                "holds {size} bytes, its pagemap needs {raw}: the pages past its end are not read"
            )),
            std::cmp::Ordering::Greater => Some(format!(
                "holds {size} bytes, its pagemap places {raw} in it: the rest is not read"
            )),
        }
    }

    /// The run holding `addr`, if any, and the start of the next run above
    /// it.
    fn find(&self, addr: u64) -> (Option<&PageRun>, Option<u64>) {
        // Runs do not overlap in a sane pagemap; with overlapping runs the
        // one starting last at or below `addr` wins.
        let above = self
            .by_vaddr
            .partition_point(|&i| self.runs[i].vaddr <= addr);
        let next = self.by_vaddr.get(above).map(|&i| self.runs[i].vaddr);
        let here = above
            .checked_sub(1)
            .and_then(|i| self.by_vaddr.get(i))
            .map(|&i| &self.runs[i])
            .filter(|r| addr < r.end());
        (here, next)
    }

    /// Splits `[start, end)` into spans by where their bytes are.
    pub fn locate(&self, start: u64, end: u64) -> Vec<Span> {
        let mut out = Vec::new();
        let mut at = start;
        while at < end {
            let (len, source) = match self.find(at) {
                (Some(r), _) => {
                    let len = r.end().min(end) - at;
                    let source = match r.source {
                        PageSource::File { offset } => PageSource::File {
                            offset: offset + (at - r.vaddr),
                        },
                        other => other,
                    };
                    (len, source)
                }
                (None, next) => (next.unwrap_or(end).min(end) - at, PageSource::Missing),
            };
            out.push(Span {
                vaddr: at,
                len,
                source,
            });
            at += len;
        }
        out
    }
}

/// A pagemap entry for tests.
#[cfg(test)]
pub(crate) fn entry(vaddr: u64, nr_pages: u64, flags: u32) -> PagemapEntry {
    PagemapEntry {
        vaddr,
        compat_nr_pages: 0,
        in_parent: None,
        flags: Some(flags),
        nr_pages: Some(nr_pages),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criu::proto::PE_PRESENT;

    #[test]
    fn offsets_count_present_pages_only() {
        let map = PageMap::new(
            1,
            &[
                entry(0x1000, 2, PE_PRESENT),
                entry(0x10000, 3, PE_PARENT),
                entry(0x20000, 1, PE_LAZY | PE_PRESENT),
                entry(0x30000, 4, PE_LAZY),
                entry(0x40000, 1, PE_PRESENT),
            ],
        )
        .unwrap();
        let sources: Vec<_> = map.runs.iter().map(|r| r.source).collect();
        assert_eq!(
            sources,
            [
                PageSource::File { offset: 0 },
                PageSource::Parent,
                PageSource::File { offset: 8192 },
                PageSource::Lazy,
                PageSource::File { offset: 12288 },
            ]
        );
        assert_eq!(map.present_bytes, 16384);
    }

    #[test]
    fn old_images_with_compat_page_counts() {
        let old = PagemapEntry {
            vaddr: 0x1000,
            compat_nr_pages: 2,
            in_parent: None,
            flags: None,
            nr_pages: None,
            ..Default::default()
        };
        let parent = PagemapEntry {
            in_parent: Some(true),
            vaddr: 0x8000,
            ..old.clone()
        };
        let map = PageMap::new(1, &[old, parent]).unwrap();
        assert_eq!(map.runs[0].nr_pages, 2);
        assert_eq!(map.runs[0].source, PageSource::File { offset: 0 });
        assert_eq!(map.runs[1].source, PageSource::Parent);
    }

    #[test]
    fn overflowing_entries_are_errors() {
        assert!(PageMap::new(1, &[entry(u64::MAX - 4095, 2, PE_PRESENT)]).is_err());
        assert!(PageMap::new(1, &[entry(0, u64::MAX / 2, PE_PRESENT)]).is_err());
    }

    #[test]
    fn locate_splits_at_runs_and_gaps() {
        let map = PageMap::new(
            7,
            &[
                entry(0x1000, 1, PE_PRESENT),
                entry(0x2000, 1, PE_PRESENT),
                entry(0x4000, 1, PE_PARENT),
            ],
        )
        .unwrap();
        let spans = map.locate(0x1ff0, 0x2010);
        assert_eq!(
            spans,
            [
                Span {
                    vaddr: 0x1ff0,
                    len: 16,
                    source: PageSource::File { offset: 0xff0 }
                },
                Span {
                    vaddr: 0x2000,
                    len: 16,
                    source: PageSource::File { offset: 0x1000 }
                },
            ]
        );
        let spans = map.locate(0x2ff0, 0x4010);
        assert_eq!(
            spans[1],
            Span {
                vaddr: 0x3000,
                len: 0x1000,
                source: PageSource::Missing
            }
        );
        assert_eq!(spans[2].source, PageSource::Parent);
    }

    #[test]
    fn a_raw_pages_file_holds_its_present_pages_exactly() {
        // 3 present pages: 12 KiB, whatever is in the parent.
        let map = PageMap::new(
            1,
            &[
                entry(0x1000, 2, PE_PRESENT),
                entry(0x9000, 5, PE_PARENT),
                entry(0x20000, 1, PE_PRESENT),
            ],
        )
        .unwrap();
        assert_eq!(map.pages_file_mismatch(12288, false), None);
        let short = map.pages_file_mismatch(8192, false).unwrap();
        assert!(
            short.starts_with("holds 8192 bytes, its pagemap needs 12288"),
            "{short}"
        );
        let long = map.pages_file_mismatch(12289, false).unwrap();
        assert!(
            long.starts_with("holds 12289 bytes, its pagemap places 12288"),
            "{long}"
        );
        // The inventory says compressed, the map has no block sizes.
        let unread = map.pages_file_mismatch(12288, true).unwrap();
        assert!(unread.starts_with("inventory.img says"), "{unread}");
        // Nothing present: nothing to misread.
        let none = PageMap::new(1, &[entry(0x9000, 5, PE_PARENT)]).unwrap();
        assert_eq!(none.pages_file_mismatch(0, true), None);
    }
}
