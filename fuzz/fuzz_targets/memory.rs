//! The pagemap → pages mapping: a process whose `mm`, `pagemap` and
//! `pages` come from the input, read for its command line and environment
//! and searched, in a small archive built around them. The pagemap's
//! entries are the input's, so criu-dev's compression fields (6, 7, 8 and
//! the `pagemap_blocks` message) and `PE_PAYLOAD_ALIGNED` are reached too,
//! with LZ4 blocks from the pages.

#![no_main]

use ckpt::memory::MemoryFilter;
use ckpt::memory::search::{MemorySearch, Pattern};
use ckpt::views::{InspectOptions, Inspection};
use ckpt::{Options, Source};
use libfuzzer_sys::fuzz_target;

/// `len` bytes of `data` from `at`, or what is left.
fn part(data: &[u8], at: usize, len: usize) -> &[u8] {
    let start = at.min(data.len());
    &data[start..start.saturating_add(len).min(data.len())]
}

fn append(b: &mut tar::Builder<Vec<u8>>, name: &str, data: &[u8]) {
    let mut h = tar::Header::new_ustar();
    if h.set_path(name).is_err() {
        return;
    }
    h.set_size(data.len() as u64);
    h.set_mode(0o644);
    h.set_cksum();
    let _ = b.append(&h, data);
}

fn image(magic: &str, body: &[u8]) -> Vec<u8> {
    let mut out = ckpt::criu::magic::IMG_COMMON_MAGIC.to_le_bytes().to_vec();
    out.extend(ckpt::criu::magic::value(magic).unwrap_or(0).to_le_bytes());
    out.extend_from_slice(body);
    out
}

fuzz_target!(|data: &[u8]| {
    // The lengths of the mm and pagemap bodies (u16, little-endian), a
    // byte of flags, then the three parts.
    let [m0, m1, p0, p1, order, ..] = *data else {
        return;
    };
    let mm_len = usize::from(u16::from_le_bytes([m0, m1]));
    let map_len = usize::from(u16::from_le_bytes([p0, p1]));
    let body = &data[5..];
    let mm = part(body, 0, mm_len);
    let map = part(body, mm_len, map_len);
    let pages = part(body, mm_len + map_len, usize::MAX);
    // A pstree of one process whose record is `08 01 10 00` (pid 1, ppid 0).
    let pstree = image("PSTREE", &[4, 0, 0, 0, 0x08, 0x01, 0x10, 0x00]);
    let mut b = tar::Builder::new(Vec::new());
    let mut entries = vec![
        ("checkpoint/pstree.img", pstree),
        ("checkpoint/mm-1.img", image("MM", mm)),
        ("checkpoint/pagemap-1.img", image("PAGEMAP", map)),
        ("checkpoint/pages-1.img", pages.to_vec()),
    ];
    // Pages before or after their pagemap.
    if order & 1 == 1 {
        entries.swap(2, 3);
    }
    for (name, bytes) in &entries {
        append(&mut b, name, bytes);
    }
    let Ok(tar) = b.into_inner() else {
        return;
    };
    let mut o = InspectOptions::default();
    o.ps_tree = true;
    o.cmdline = true;
    o.env = true;
    let mut options = Options::default();
    options.want = o.want();
    let Ok(pattern) = Pattern::literal("=") else {
        return;
    };
    let mut sink = MemorySearch::new(&pattern, 8, MemoryFilter::default(), 16);
    let source = Source::from_reader(&tar[..], "fuzz.tar");
    if let Ok(c) = ckpt::read_with(source, &options, &mut sink) {
        let _ = Inspection::new(&c, &o);
    }
    let _ = sink.finish();
});
