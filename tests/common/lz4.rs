//! The compressed-pages fixture with its pagemap changed: hostile
//! compression metadata for `compressed_pages.rs` and `adversarial.rs`.

use std::io::Read;

use ckpt::criu::proto::{PagemapEntry, PagemapHead};
use prost::Message;

use super::fixture;

/// The mini-sleep per-page fixture with `pagemap-1.img`'s entries (and
/// `pages-1.img`) changed by `f`.
pub fn hostile(f: impl Fn(&mut Vec<PagemapEntry>, &mut Vec<u8>)) -> Vec<u8> {
    let file = std::fs::File::open(fixture("mini-sleep.lz4-page.tar.zst")).unwrap();
    let mut raw = Vec::new();
    zstd::stream::read::Decoder::new(file)
        .unwrap()
        .read_to_end(&mut raw)
        .unwrap();
    let mut archive = tar::Archive::new(&raw[..]);
    let mut members: Vec<(tar::Header, Vec<u8>)> = Vec::new();
    for e in archive.entries().unwrap() {
        let mut e = e.unwrap();
        let mut data = Vec::new();
        e.read_to_end(&mut data).unwrap();
        members.push((e.header().clone(), data));
    }
    let name = |h: &tar::Header| h.path().unwrap().to_string_lossy().into_owned();
    let pm = members
        .iter()
        .position(|(h, _)| name(h).ends_with("/pagemap-1.img"))
        .unwrap();
    let pg = members
        .iter()
        .position(|(h, _)| name(h).ends_with("/pages-1.img"))
        .unwrap();
    // Magic, then records each with its u32 length.
    let image = &members[pm].1;
    let mut at = 8;
    let mut recs = Vec::new();
    while at < image.len() {
        let n = u32::from_le_bytes(image[at..at + 4].try_into().unwrap()) as usize;
        recs.push(image[at + 4..at + 4 + n].to_vec());
        at += 4 + n;
    }
    let head = PagemapHead::decode(&recs[0][..]).unwrap();
    let mut entries: Vec<PagemapEntry> = recs[1..]
        .iter()
        .map(|r| PagemapEntry::decode(&r[..]).unwrap())
        .collect();
    let mut pages = members[pg].1.clone();
    f(&mut entries, &mut pages);
    let mut image = image[..8].to_vec();
    for r in std::iter::once(head.encode_to_vec()).chain(entries.iter().map(|e| e.encode_to_vec()))
    {
        image.extend((r.len() as u32).to_le_bytes());
        image.extend(r);
    }
    members[pm].1 = image;
    members[pg].1 = pages;
    let mut b = tar::Builder::new(Vec::new());
    for (mut h, data) in members {
        h.set_size(data.len() as u64);
        h.set_cksum();
        b.append(&h, &data[..]).unwrap();
    }
    b.into_inner().unwrap()
}

/// The sizes of entry `e` (per page: one varint each).
pub fn sizes(e: &PagemapEntry) -> Vec<u32> {
    let mut b = &e.field6.concat()[..];
    let mut out = Vec::new();
    while !b.is_empty() {
        out.push(prost::encoding::decode_varint(&mut b).unwrap() as u32);
    }
    out
}

/// Sets the per-page sizes of entry `e`.
pub fn set_sizes(e: &mut PagemapEntry, s: &[u32]) {
    let mut b = Vec::new();
    for &x in s {
        prost::encoding::encode_varint(u64::from(x), &mut b);
    }
    e.field6 = vec![b];
}

/// The first entry with two LZ4 blocks side by side.
pub fn two_lz4(entries: &[PagemapEntry]) -> (usize, usize) {
    for (i, e) in entries.iter().enumerate() {
        let s = sizes(e);
        for j in 0..s.len().saturating_sub(1) {
            if (1..4096).contains(&s[j]) && (1..4096).contains(&s[j + 1]) && s[j] + s[j + 1] < 4096
            {
                return (i, j);
            }
        }
    }
    panic!("no two LZ4 blocks");
}
