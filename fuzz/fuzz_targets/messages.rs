//! Each CRIU message decoder, through [`ImageSet::insert`]: the first byte
//! picks the image kind, the rest is the image (a valid head is put in
//! front, so that the fuzzer spends its time in the records).

#![no_main]

use ckpt::criu::{ImageLimits, ImageSet, magic};
use libfuzzer_sys::fuzz_target;

const KINDS: &[(&str, &str)] = &[
    ("inventory", "INVENTORY"),
    ("pstree", "PSTREE"),
    ("core", "CORE"),
    ("ids", "IDS"),
    ("fs", "FS"),
    ("mm", "MM"),
    ("pagemap", "PAGEMAP"),
    ("fdinfo", "FDINFO"),
    ("files", "FILES"),
    ("mountpoints", "MNTS"),
    ("stats-dump", "STATS"),
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let (kind, name) = KINDS[usize::from(pick) % KINDS.len()];
    let Some(value) = magic::value(name) else {
        return;
    };
    let mut bytes = Vec::with_capacity(rest.len() + 8);
    match name {
        "INVENTORY" => bytes.extend(value.to_le_bytes()),
        "STATS" => {
            bytes.extend(magic::IMG_SERVICE_MAGIC.to_le_bytes());
            bytes.extend(value.to_le_bytes());
        }
        _ => {
            bytes.extend(magic::IMG_COMMON_MAGIC.to_le_bytes());
            bytes.extend(value.to_le_bytes());
        }
    }
    bytes.extend_from_slice(rest);
    let mut limits = ImageLimits::default();
    limits.max_records = 1 << 16;
    let mut set = ImageSet::with_limits(limits);
    let id = (pick & 0x80 == 0).then_some(1);
    if set.insert(kind, id, &bytes).is_ok() {
        let _ = serde_json::to_string(&set);
    }
});
