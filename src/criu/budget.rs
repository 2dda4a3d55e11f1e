//! What decoding an image costs in memory, bounded from its bytes before
//! anything is decoded.
//!
//! Protobuf amplifies: a repeated message field whose elements are empty
//! costs two bytes of input per element and a whole struct in memory, a
//! packed list of varints one byte per element and eight in memory. A
//! small image of empty `sigaction` records would decode into gigabytes.
//! [`decoded_size`] walks the wire format (no allocation, no recursion
//! past [`MAX_DEPTH`]) and bounds the memory `prost` will take to decode
//! it into this crate's structs; readers charge that bound to
//! [`Limits::max_total_size`](crate::Limits::max_total_size) first.

use super::image::{Image, ImageError};

/// Memory one element of a repeated message field (or one length-delimited
/// field) may take: twice the largest struct such a field decodes into
/// (checked by a test), for the growth of the vector that holds it.
pub const ELEMENT: u64 = 512;

/// Memory one record's top-level struct may take (checked by a test).
pub const RECORD: u64 = 4096;

/// Nesting walked; below it every byte is counted as if it were an empty
/// element of its own.
pub const MAX_DEPTH: usize = 24;

/// A varint and its length.
fn varint(b: &[u8]) -> Option<(u64, usize)> {
    let mut x = 0u64;
    for (i, &c) in b.iter().enumerate().take(10) {
        x |= u64::from(c & 0x7f) << (7 * i);
        if c & 0x80 == 0 {
            return Some((x, i + 1));
        }
    }
    None
}

/// The worst an unparsed payload of `len` bytes can cost: every two bytes
/// an element.
fn worst(len: usize) -> u64 {
    (len as u64).div_ceil(2).saturating_mul(ELEMENT)
}

/// An upper bound of the memory a message of these bytes decodes into
/// (heap and the vectors' slots, not the top-level struct).
///
/// The walk stops as soon as the bound passes `cap` (and returns a value
/// past it): an image that will be refused is not walked to its end.
pub fn decoded_size(bytes: &[u8], cap: u64) -> u64 {
    message(bytes, 0, cap)
}

fn message(mut b: &[u8], depth: usize, cap: u64) -> u64 {
    let mut total: u64 = 0;
    while !b.is_empty() {
        if total > cap {
            return total;
        }
        let Some((key, n)) = varint(b) else {
            return total.saturating_add(worst(b.len()));
        };
        b = &b[n..];
        let skip = match key & 7 {
            0 => varint(b).map(|(_, n)| n),
            1 => Some(8),
            5 => Some(4),
            2 => varint(b).and_then(|(len, n)| {
                let len = usize::try_from(len).ok()?;
                let payload = b.get(n..n.checked_add(len)?)?;
                // A string, bytes, packed numbers (up to 8 bytes each) or a
                // message, whichever costs most.
                let inner = if depth < MAX_DEPTH {
                    message(payload, depth + 1, cap)
                } else {
                    worst(payload.len())
                };
                total = total
                    .saturating_add(ELEMENT)
                    .saturating_add((len as u64).saturating_mul(8).max(inner));
                Some(n + len)
            }),
            // Groups and invalid types: prost refuses them.
            _ => None,
        };
        match skip.filter(|&s| s <= b.len()) {
            Some(s) => {
                // A repeated number outside a packed list: a vector slot.
                if key & 7 != 2 {
                    total = total.saturating_add(16);
                }
                b = &b[s..];
            }
            None => return total.saturating_add(worst(b.len())),
        }
    }
    total
}

/// The bound for a whole image: each record's, plus its top-level struct;
/// like [`decoded_size`], it stops once past `cap`.
pub fn image_size(image: &Image<'_>, cap: u64) -> Result<u64, ImageError> {
    let mut total: u64 = 0;
    let mut records = image.records();
    while let Some(record) = records.next_record() {
        let record = record?;
        total = total
            .saturating_add(RECORD)
            .saturating_add(decoded_size(record.bytes, cap.saturating_sub(total)));
        if total > cap {
            break;
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use std::mem::size_of;

    use prost::Message;

    use super::*;
    use crate::criu::proto::*;

    #[test]
    fn structs_fit_the_bounds() {
        let elements = [
            size_of::<VmaEntry>(),
            size_of::<SaEntry>(),
            size_of::<RlimitEntry>(),
            size_of::<SiginfoEntry>(),
            size_of::<PosixTimerEntry>(),
            size_of::<AioRingEntry>(),
            size_of::<CgSetEntry>(),
            size_of::<CgMemberEntry>(),
            size_of::<CgControllerEntry>(),
            size_of::<CgroupDirEntry>(),
            size_of::<CgroupPropEntry>(),
            size_of::<EventpollTfdEntry>(),
            size_of::<FanotifyMarkEntry>(),
            size_of::<InotifyWdEntry>(),
            size_of::<NetnsId>(),
            size_of::<PacketMclist>(),
            size_of::<ScmEntry>(),
            size_of::<SeccompFilter>(),
            size_of::<SysctlEntry>(),
            size_of::<UserDescT>(),
            size_of::<PagemapEntry>(),
        ];
        for (i, size) in elements.iter().enumerate() {
            assert!(*size as u64 * 2 <= ELEMENT, "element {i}: {size} bytes");
        }
        for size in [
            size_of::<CoreEntry>(),
            size_of::<MmEntry>(),
            size_of::<FileEntry>(),
            size_of::<FdinfoEntry>(),
            size_of::<MntEntry>(),
            size_of::<InventoryEntry>(),
        ] {
            assert!(size as u64 <= RECORD, "{size}");
        }
    }

    #[test]
    fn empty_elements_are_charged_for_what_they_become() {
        // 100,000 empty sigactions: 200 kB of input.
        let core = CoreEntry {
            tc: Some(TaskCoreEntry {
                sigactions: vec![SaEntry::default(); 100_000],
                ..Default::default()
            }),
            ..Default::default()
        };
        let bytes = core.encode_to_vec();
        let bound = decoded_size(&bytes, u64::MAX);
        assert!(bound >= 100_000 * size_of::<SaEntry>() as u64, "{bound}");
        // A walk capped below that stops past the cap, well short of it.
        let capped = decoded_size(&bytes, 1 << 20);
        assert!(capped > 1 << 20 && capped < bound, "{capped}");
        // And a real-sized one is charged a reasonable amount.
        let small = CoreEntry::default().encode_to_vec();
        assert!(decoded_size(&small, u64::MAX) < 64 * 1024);
    }
}
