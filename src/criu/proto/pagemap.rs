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
/// `PE_PAYLOAD_ALIGNED` (criu-dev, compressed dumps): the entry's payload
/// starts at the next page boundary of the pages file.
pub const PE_PAYLOAD_ALIGNED: u32 = 8;

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
    /// Field 6 of compressed dumps (criu-dev), as it came: the packed
    /// `compressed_size` list of the first format, or the `pagemap_blocks`
    /// message of the later one. Both are length-delimited under the
    /// same number; [`PagemapEntry::compression`] tells them apart.
    #[prost(bytes = "vec", repeated, tag = "6")]
    /// Shown as crit shows it: `compressed_size` (a list) or `blocks`.
    #[serde(flatten, serialize_with = "serialize_field6")]
    pub field6: Vec<Vec<u8>>,
    /// `total_compressed_size`: the sum of the block sizes (first format).
    #[prost(uint64, optional, tag = "7")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_compressed_size: Option<u64>,
    /// `region_pages`: pages per block (first format; unset or 0 for one
    /// page per block).
    #[prost(uint32, optional, tag = "8")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region_pages: Option<u32>,
}

/// `pagemap_blocks` (criu-dev's later format): an entry's block sizes.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct PagemapBlocks {
    /// Stored bytes of each block: 0 for an all-zero block, the block's
    /// size for a raw one, else the length of its LZ4 block.
    #[prost(uint32, repeated, packed = "true", tag = "1")]
    pub block_sizes: Vec<u32>,
    /// Their sum (required in the format; absent here means not this
    /// format).
    #[prost(uint64, optional, tag = "2")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_payload_size: Option<u64>,
    /// Pages per block (required in the format).
    #[prost(uint32, optional, tag = "3")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages_per_block: Option<u32>,
}

/// How an entry's pages are stored in a compressed dump.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct EntryBlocks {
    /// Pages per block (the last block of the entry may hold fewer).
    pub pages_per_block: u64,
    /// Stored bytes of each block.
    pub sizes: Vec<u32>,
    /// Their declared sum.
    pub total: u64,
}

impl PagemapEntry {
    /// The entry's block sizes if it carries compression metadata, in
    /// either format: field 6 is read as a `pagemap_blocks` message when it
    /// parses as one with its sizes, total and block size consistent with
    /// the entry, else as the packed `compressed_size` list with fields 7
    /// and 8. `Ok(None)` for an entry stored raw.
    pub fn compression(&self) -> Result<Option<EntryBlocks>, String> {
        if self.field6.is_empty() {
            if self.total_compressed_size.is_some() || self.region_pages.is_some() {
                return Err("total_compressed_size or region_pages without compressed_size".into());
            }
            return Ok(None);
        }
        let bytes: Vec<u8> = self.field6.concat();
        if let Some(blocks) = self.as_blocks(&bytes) {
            return Ok(Some(blocks));
        }
        let sizes = packed_u32(&bytes).ok_or("compressed_size: not a packed list of uint32")?;
        let total = self
            .total_compressed_size
            .ok_or("compressed_size without total_compressed_size")?;
        let pages_per_block = match self.region_pages {
            None | Some(0) => 1,
            Some(n) => u64::from(n),
        };
        Ok(Some(EntryBlocks {
            pages_per_block,
            sizes,
            total,
        }))
    }

    /// Field 6 as a consistent `pagemap_blocks`, if it is one.
    fn as_blocks(&self, bytes: &[u8]) -> Option<EntryBlocks> {
        use prost::Message;
        let b = PagemapBlocks::decode(bytes).ok()?;
        let (total, per) = (b.total_payload_size?, u64::from(b.pages_per_block?));
        let count = self.pages().checked_add(per.checked_sub(1)?)? / per;
        let sum = b.block_sizes.iter().map(|&s| u64::from(s)).sum::<u64>();
        (count == b.block_sizes.len() as u64
            && sum == total
            && self.total_compressed_size.is_none())
        .then_some(EntryBlocks {
            pages_per_block: per,
            sizes: b.block_sizes,
            total,
        })
    }
}

/// A packed list of varints as `uint32`s, if it is one.
fn packed_u32(mut b: &[u8]) -> Option<Vec<u32>> {
    let mut out = Vec::new();
    while !b.is_empty() {
        let v = prost::encoding::decode_varint(&mut b).ok()?;
        out.push(u32::try_from(v).ok()?);
    }
    Some(out)
}

/// Field 6 as crit shows it: `compressed_size`, the list of sizes, or
/// `blocks`, the message; nothing when absent.
fn serialize_field6<S: serde::Serializer>(v: &[Vec<u8>], s: S) -> Result<S::Ok, S::Error> {
    use prost::Message;
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(None)?;
    if !v.is_empty() {
        let bytes = v.concat();
        match PagemapBlocks::decode(bytes.as_slice()) {
            Ok(b) if b.total_payload_size.is_some() && b.pages_per_block.is_some() => {
                map.serialize_entry("blocks", &b)?;
            }
            _ => map.serialize_entry("compressed_size", &packed_u32(&bytes).unwrap_or_default())?,
        }
    }
    map.end()
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
