use std::io::Read;

use super::*;
use crate::criu::proto::PE_PRESENT;
use crate::memory::Decompress;
use crate::memory::entry;

/// Four pages: text, zeros, incompressible, text again.
fn pages() -> Vec<u8> {
    let mut out = Vec::new();
    out.extend(b"hello compressed world ".iter().cycle().take(4096));
    out.extend([0u8; 4096]);
    let mut x = 12345u32;
    out.extend((0..4096).map(|_| {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        (x >> 16) as u8
    }));
    out.extend(b"more text ".iter().cycle().take(4096));
    out
}

/// `data` as CRIU stores it in blocks of `per` pages: sizes and bytes.
fn store(data: &[u8], per: usize) -> (Vec<u32>, Vec<u8>) {
    let (mut sizes, mut out) = (Vec::new(), Vec::new());
    for block in data.chunks(per * 4096) {
        if block.iter().all(|&b| b == 0) {
            sizes.push(0);
            continue;
        }
        let c = lz4_flex::block::compress(block);
        let c = if c.len() >= block.len() * 7 / 8 {
            block.to_vec()
        } else {
            c
        };
        sizes.push(c.len() as u32);
        out.extend(c);
    }
    (sizes, out)
}

fn packed(sizes: &[u32]) -> Vec<u8> {
    let mut b = Vec::new();
    for &s in sizes {
        prost::encoding::encode_varint(u64::from(s), &mut b);
    }
    b
}

fn v1(vaddr: u64, n: u64, sizes: &[u32], region: Option<u32>) -> PagemapEntry {
    PagemapEntry {
        field6: vec![packed(sizes)],
        total_compressed_size: Some(sizes.iter().map(|&s| u64::from(s)).sum()),
        region_pages: region,
        ..entry(vaddr, n, PE_PRESENT)
    }
}

fn read_all(blocks: &Blocks, stored: &[u8]) -> io::Result<Vec<u8>> {
    let mut src: &[u8] = stored;
    let mut out = Vec::new();
    Decompress::new(blocks, &mut src).read_to_end(&mut out)?;
    Ok(out)
}

fn read_at(blocks: &Blocks, stored: &[u8], off: u64, len: usize) -> io::Result<Vec<u8>> {
    let mut buf = vec![0; len];
    let mut cache = BlockCache::default();
    blocks.read_at(&mut cache, off, &mut buf, &mut |at, b| {
        let at = at as usize;
        b.copy_from_slice(
            stored
                .get(at..at + b.len())
                .ok_or(io::ErrorKind::UnexpectedEof)?,
        );
        Ok(())
    })?;
    Ok(buf)
}

#[test]
fn per_page_and_regions_read_back() {
    let data = pages();
    for (per, region) in [(1, None), (2, Some(2)), (3, Some(3))] {
        let (sizes, stored) = store(&data, per);
        let blocks = Blocks::new(&[v1(0x1000, 4, &sizes, region)])
            .unwrap()
            .unwrap();
        assert_eq!(blocks.stored_size(), stored.len() as u64);
        assert_eq!(read_all(&blocks, &stored).unwrap(), data, "per {per}");
        assert_eq!(
            read_at(&blocks, &stored, 4000, 5000).unwrap(),
            &data[4000..9000]
        );
        assert_eq!(blocks.raw_within(stored.len() as u64), 4 * 4096);
    }
    let (sizes, _) = store(&data, 1);
    assert_eq!(sizes[1], 0);
    assert_eq!(sizes[2], 4096);
    assert!(sizes[0] < 200);
}

#[test]
fn later_format_blocks_message() {
    use prost::Message;
    let data = pages();
    let (sizes, stored) = store(&data, 4);
    let msg = crate::criu::proto::PagemapBlocks {
        block_sizes: sizes.clone(),
        total_payload_size: Some(stored.len() as u64),
        pages_per_block: Some(4),
    };
    let e = PagemapEntry {
        field6: vec![msg.encode_to_vec()],
        ..entry(0x1000, 4, PE_PRESENT)
    };
    let b = e.compression().unwrap().unwrap();
    assert_eq!((b.pages_per_block, b.sizes), (4, sizes));
    let blocks = Blocks::new(&[e]).unwrap().unwrap();
    assert_eq!(read_all(&blocks, &stored).unwrap(), data);
}

#[test]
fn raw_aligned_entries_and_padding() {
    let data = pages();
    let (sizes, stored) = store(&data[..4096], 1);
    let mut file = stored.clone();
    file.resize(4096, 0);
    file.extend(&data);
    let mut raw = entry(0x10000, 4, PE_PRESENT | PE_PAYLOAD_ALIGNED);
    raw.flags = Some(PE_PRESENT | PE_PAYLOAD_ALIGNED);
    let blocks = Blocks::new(&[v1(0x1000, 1, &sizes, None), raw])
        .unwrap()
        .unwrap();
    assert_eq!(blocks.stored_size(), 4096 * 5);
    let mut want = data[..4096].to_vec();
    want.extend(&data);
    assert_eq!(read_all(&blocks, &file).unwrap(), want);
    assert_eq!(
        read_at(&blocks, &file, 4090, 20).unwrap(),
        &want[4090..4110]
    );
    // A plain pagemap has no layout of its own.
    assert_eq!(Blocks::new(&[entry(0, 2, PE_PRESENT)]).unwrap(), None);
}

#[test]
fn sizes_that_do_not_add_up_are_errors() {
    let err = |e: PagemapEntry| Blocks::new(&[e]).unwrap_err().to_string();
    assert!(err(v1(0, 1, &[5000], None)).contains("block 0 is 5000, more than its 4096"));
    let mut e = v1(0, 2, &[10, 20], None);
    e.total_compressed_size = Some(31);
    assert!(err(e).contains("total_compressed_size is 31, the block sizes add up to 30"));
    assert!(err(v1(0, 3, &[10, 20], None)).contains("has 2 blocks"));
    assert!(err(v1(0, 1 << 50, &[10], Some(u32::MAX))).contains("pages per block"));
    let mut hole = v1(0, 1, &[10], None);
    hole.flags = Some(0);
    assert!(err(hole).contains("not in this file"));
}

#[test]
fn bad_blocks_are_read_errors() {
    // 100 bytes that claim to be an LZ4 block of a page.
    let blocks = Blocks::new(&[v1(0, 1, &[100], None)]).unwrap().unwrap();
    let e = read_all(&blocks, &[0xff; 100]).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::InvalidData);
    assert!(e.to_string().contains("entry 0 block 0"), "{e}");
    // A valid block of the wrong length.
    let short = lz4_flex::block::compress(&[7u8; 1000]);
    let blocks = Blocks::new(&[v1(0, 1, &[short.len() as u32], None)])
        .unwrap()
        .unwrap();
    let e = read_all(&blocks, &short).unwrap_err();
    assert!(e.to_string().contains("decode"), "{e}");
    // A truncated file.
    let (sizes, stored) = store(&pages(), 1);
    let blocks = Blocks::new(&[v1(0, 4, &sizes, None)]).unwrap().unwrap();
    let cut = &stored[..stored.len() - 10];
    assert_eq!(
        read_all(&blocks, cut).unwrap_err().kind(),
        io::ErrorKind::UnexpectedEof
    );
    assert_eq!(blocks.raw_within(cut.len() as u64), 3 * 4096);
}

#[test]
fn offsets_past_the_marks() {
    // 200 pages per page, each a different text: blocks 64, 128 and 192
    // start from marks.
    let data: Vec<u8> = (0..200u32)
        .flat_map(|p| {
            format!("page {p} ")
                .into_bytes()
                .into_iter()
                .cycle()
                .take(4096)
        })
        .collect();
    let (sizes, stored) = store(&data, 1);
    let blocks = Blocks::new(&[v1(0, 200, &sizes, None)]).unwrap().unwrap();
    for page in [0u64, 63, 64, 65, 130, 199] {
        let at = page * 4096 + 100;
        assert_eq!(
            read_at(&blocks, &stored, at, 8000.min(200 * 4096 - at as usize)).unwrap(),
            &data[at as usize..(at as usize + 8000).min(data.len())],
            "page {page}"
        );
    }
    assert_eq!(read_all(&blocks, &stored).unwrap(), data);
}
