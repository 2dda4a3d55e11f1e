//! The layouts of cores: which memory goes into the file, where.

use super::*;
use crate::criu::proto::{
    MmEntry, PE_PRESENT, PagemapEntry, VMA_ANON_PRIVATE, VMA_ANON_SHARED, VMA_AREA_REGULAR,
    VMA_FILE_PRIVATE, VmaEntry,
};

fn entry(vaddr: u64, nr_pages: u64) -> PagemapEntry {
    PagemapEntry {
        vaddr,
        compat_nr_pages: 0,
        in_parent: None,
        flags: Some(PE_PRESENT),
        nr_pages: Some(nr_pages),
        ..Default::default()
    }
}

fn vma(start: u64, end: u64, status: u32, flags: u32) -> VmaEntry {
    VmaEntry {
        start,
        end,
        prot: 3,
        status: status | VMA_AREA_REGULAR,
        flags,
        ..Default::default()
    }
}

#[test]
fn anonymous_memory_is_written_whole_file_memory_where_dumped() {
    let mm = MmEntry {
        vmas: vec![
            vma(0x10000, 0x14000, VMA_FILE_PRIVATE, 2),
            vma(0x20000, 0x24000, VMA_ANON_PRIVATE, 0x22),
            vma(0x30000, 0x32000, VMA_ANON_SHARED, 0x21),
            vma(0x40000, 0x4000_0000, VMA_ANON_PRIVATE, 0x22),
        ],
        ..Default::default()
    };
    // One page dumped in the file mapping, one in the anonymous area.
    let map = PageMap::new(1, &[entry(0x11000, 1), entry(0x22000, 1)]).unwrap();
    let got: Vec<(u64, u64, bool)> = segments(&VmaMap::new(&mm), Some(&map), Target::Stream)
        .iter()
        .map(|s| (s.start, s.end, s.filled))
        .collect();
    assert_eq!(
        got,
        [
            (0x10000, 0x11000, false),
            (0x11000, 0x12000, true),
            (0x12000, 0x14000, false),
            (0x20000, 0x24000, true),
            (0x30000, 0x32000, false),
            // Never touched: left out, however large.
            (0x40000, 0x4000_0000, false),
        ]
    );
    assert!(
        segments(&VmaMap::new(&mm), Some(&map), Target::Stream)
            .iter()
            .all(|s| s.flags == PF_R | PF_W)
    );
}

#[test]
fn a_stream_writes_zeros_up_to_its_budget() {
    // A terabyte area with pages dumped at 1 MiB, 1 MiB + 20 KiB and near
    // its end: into a file it is written whole (holes); into a stream the
    // runs never touched are zeros while they fit in MAX_STREAM_ZEROS, and
    // the terabyte run that does not is left out.
    let (start, end) = (0x1000_0000_0000, 0x1100_0000_0000);
    let mm = MmEntry {
        vmas: vec![vma(start, end, VMA_ANON_PRIVATE, 0x22)],
        ..Default::default()
    };
    let pages = [
        entry(start + 0x10_0000, 1),
        entry(start + 0x10_5000, 1),
        entry(end - 0x1000, 1),
    ];
    let map = PageMap::new(1, &pages).unwrap();
    let filled = |mm: &MmEntry, map: &PageMap, target| -> Vec<(u64, u64)> {
        segments(&VmaMap::new(mm), Some(map), target)
            .iter()
            .filter(|s| s.filled)
            .map(|s| (s.start, s.end))
            .collect()
    };
    assert_eq!(filled(&mm, &map, Target::File), [(start, end)]);
    assert_eq!(
        filled(&mm, &map, Target::Stream),
        [(start, start + 0x10_6000), (end - 0x1000, end)]
    );
    // The budget is for all the runs: of two 600 MiB runs, the first is
    // written and the second, which no longer fits, left out.
    let run = 600 << 20;
    let mm = MmEntry {
        vmas: vec![vma(start, start + 2 * run + 0x2000, VMA_ANON_PRIVATE, 0x22)],
        ..Default::default()
    };
    let map = PageMap::new(
        1,
        &[entry(start + run, 1), entry(start + 2 * run + 0x1000, 1)],
    )
    .unwrap();
    assert_eq!(
        filled(&mm, &map, Target::Stream),
        [
            (start, start + run + 0x1000),
            (start + 2 * run + 0x1000, start + 2 * run + 0x2000)
        ]
    );
    assert!(run < MAX_STREAM_ZEROS && 2 * run > MAX_STREAM_ZEROS);
}

#[test]
fn shared_areas_keep_their_file_space_in_one_read() {
    let mm = MmEntry {
        vmas: vec![
            vma(0x20000, 0x24000, VMA_ANON_PRIVATE, 0x22),
            vma(0x30000, 0x32000, VMA_ANON_SHARED, 0x21),
        ],
        ..Default::default()
    };
    let map = PageMap::new(1, &[entry(0x22000, 1)]).unwrap();
    let got = segments(&VmaMap::new(&mm), Some(&map), Target::File);
    let kinds: Vec<(u64, bool, bool)> = got.iter().map(|s| (s.start, s.filled, s.shared)).collect();
    assert_eq!(kinds, [(0x20000, true, false), (0x30000, false, true)]);
    // Both have file space, one after the other; the shared one is in
    // the file only once its pages came.
    let (at, end) = offsets(&got, 0x1000);
    assert_eq!((at.as_slice(), end), (&[0x1000u64, 0x5000][..], 0x7000));
    let headers = program_headers(&got, &at, (end, 0), |_| false);
    let filesz =
        |i: usize| u64::from_le_bytes(headers[56 * (i + 1) + 32..][..8].try_into().unwrap());
    assert_eq!((filesz(0), filesz(1)), (0x4000, 0));
    let headers = program_headers(&got, &at, (end, 0), |i| i == 1);
    let filesz =
        |i: usize| u64::from_le_bytes(headers[56 * (i + 1) + 32..][..8].try_into().unwrap());
    assert_eq!(filesz(1), 0x2000);
}
