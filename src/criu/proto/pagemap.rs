use serde::Serialize;

use crate::criu::pretty;

/// `pagemap_head` (`images/pagemap.proto`): the first record of
/// `pagemap-<pid>.img`.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct PagemapHead {
    /// The id of the `pages-<id>.img` holding the pages.
    #[prost(uint32, required, tag = "1")]
    pub pages_id: u32,
}

/// `PE_PARENT`: the pages are in the parent image (incremental dump).
pub const PE_PARENT: u32 = 1;
/// `PE_LAZY`: the pages may be restored lazily.
pub const PE_LAZY: u32 = 2;
/// `PE_PRESENT`: the pages are in this image's pages file.
pub const PE_PRESENT: u32 = 4;

/// `pagemap_entry` (`images/pagemap.proto`): a run of pages.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct PagemapEntry {
    /// Page-aligned start address.
    #[prost(uint64, required, tag = "1")]
    #[serde(serialize_with = "pretty::hex")]
    pub vaddr: u64,
    /// Page count of images written before `nr_pages` existed (CRIU 4
    /// writes 0).
    #[prost(uint32, required, tag = "2")]
    pub compat_nr_pages: u32,
    /// Older form of `PE_PARENT`.
    #[prost(bool, optional, tag = "3")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_parent: Option<bool>,
    /// `PE_*` flags.
    #[prost(uint32, optional, tag = "4")]
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "pretty::opt_pmap_flags"
    )]
    pub flags: Option<u32>,
    /// Page count.
    #[prost(uint64, optional, tag = "5")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nr_pages: Option<u64>,
}

impl PagemapEntry {
    /// The page count, from `nr_pages` or, in older images, from
    /// `compat_nr_pages` (as CRIU's `init_compat_pagemap_entry` does).
    pub fn pages(&self) -> u64 {
        self.nr_pages.unwrap_or(u64::from(self.compat_nr_pages))
    }

    /// The `PE_*` flags as CRIU's `init_compat_pagemap_entry` makes them:
    /// `in_parent` adds `PE_PARENT`; otherwise an entry without flags (an
    /// older image) is present.
    pub fn page_flags(&self) -> u32 {
        if self.in_parent == Some(true) {
            self.flags.unwrap_or(0) | PE_PARENT
        } else {
            self.flags.unwrap_or(PE_PRESENT)
        }
    }

    /// Whether the pages are in this dump's pages file.
    pub fn is_present(&self) -> bool {
        self.page_flags() & PE_PRESENT != 0
    }
}
